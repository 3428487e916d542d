package handlers

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/i18n"
)

// riskKindsDeclared reads the domain's source for every constant of type
// RiskKind, wherever in the root package it is declared: a kind added
// there fails TestEveryRiskKindHasAFix until riskFixes maps it.
func riskKindsDeclared(t *testing.T) map[string]salesbot.RiskKind {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]salesbot.RiskKind{}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				if typ, ok := vs.Type.(*ast.Ident); !ok || typ.Name != "RiskKind" {
					continue
				}
				for i, n := range vs.Names {
					lit, ok := vs.Values[i].(*ast.BasicLit)
					if !ok {
						t.Fatalf("%s: %s is not a string literal", fset.Position(n.Pos()), n.Name)
					}
					v, err := strconv.Unquote(lit.Value)
					if err != nil {
						t.Fatal(err)
					}
					kinds[n.Name] = salesbot.RiskKind(v)
				}
			}
		}
	}
	if len(kinds) < 11 {
		t.Fatalf("found only %d risk kinds in the domain's source: %v", len(kinds), kinds)
	}
	return kinds
}

// TestEveryRiskKindHasAFix: every kind of risk the domain declares has a
// row in riskFixes, with a label in both languages and a form.
func TestEveryRiskKindHasAFix(t *testing.T) {
	l := &salesbot.Lead{ID: "L1", Company: "Acme", Owner: "U0REP", Grade: salesbot.GradeB, Stage: salesbot.StageDemo}
	for name, kind := range riskKindsDeclared(t) {
		fix, ok := riskFixes[kind]
		if !ok {
			t.Errorf("%s (%q) has no fix: add a row to riskFixes in handlers/riskfix.go", name, kind)
			continue
		}
		r := salesbot.Risk{Kind: kind}
		for _, lang := range []i18n.Lang{i18n.En, i18n.Zh} {
			if fix.label(lang, r) == "" {
				t.Errorf("%s: no label in %s", name, lang)
			}
		}
		if v := fix.form(fixing{lang: i18n.En, channel: "C1", lead: l, risk: r}); v.CallbackID == "" || initial(t, v, blockCompany) != "Acme" {
			t.Errorf("%s: form %q without the company filled in", name, v.CallbackID)
		}
	}
}

// initial is what a form's input shows filled in: a text's value, a menu's
// chosen option.
func initial(t *testing.T, v slack.ModalViewRequest, block string) string {
	t.Helper()
	switch e := input(t, v, block).Element.(type) {
	case *slack.PlainTextInputBlockElement:
		return e.InitialValue
	case *slack.SelectBlockElement:
		if e.InitialOption == nil {
			return ""
		}
		return e.InitialOption.Value
	}
	t.Fatalf("%s: no text input or menu", block)
	return ""
}

// menu is a form's menu's option values, in order.
func menu(t *testing.T, v slack.ModalViewRequest, block string) []string {
	t.Helper()
	sel, ok := input(t, v, block).Element.(*slack.SelectBlockElement)
	if !ok {
		t.Fatalf("%s is not a menu", block)
	}
	var values []string
	for _, o := range sel.Options {
		values = append(values, o.Value)
	}
	return values
}

func input(t *testing.T, v slack.ModalViewRequest, block string) *slack.InputBlock {
	t.Helper()
	for _, b := range v.Blocks.BlockSet {
		if in, ok := b.(*slack.InputBlock); ok && in.BlockID == block {
			return in
		}
	}
	t.Fatalf("form %s has no %s input", v.CallbackID, block)
	return nil
}

// TestRiskFixForms: each risk's button opens the form resolving it, filled
// in from the lead as it is (DOMAIN.md §3; issue 11's list).
func TestRiskFixForms(t *testing.T) {
	now := time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)
	person := func(name string, role salesbot.Role, inf salesbot.Influence, sup salesbot.Support, depth salesbot.ContactDepth) salesbot.Stakeholder {
		return salesbot.Stakeholder{Name: name, Role: role, Influence: inf, Support: sup, ContactDepth: depth}
	}
	eb := person("Wang Li", salesbot.RoleEconomicBuyer, salesbot.InfluenceHigh, 1, salesbot.DepthDeep)
	coach := person("Chen Jun", salesbot.RoleCoach, salesbot.InfluenceMedium, 3, salesbot.DepthDeep)
	// lead is a B lead at discovery, touched yesterday, with its need known
	// and an economic buyer and a coach: no risk until a case adds one.
	lead := func(change func(l *salesbot.Lead)) *salesbot.Lead {
		l := &salesbot.Lead{ID: "L1", Team: "T1", Company: "Acme <&> Co", Owner: "U0REP", Grade: salesbot.GradeB, Stage: salesbot.StageDiscovery,
			CreatedAt: now.Add(-3 * salesbot.Day), StageSince: now.Add(-3 * salesbot.Day), LastTouch: now.Add(-salesbot.Day),
			Facts:        map[salesbot.KeyFact]salesbot.Fact{salesbot.FactNeed: {Text: "ERP"}},
			Stakeholders: []salesbot.Stakeholder{eb, coach}}
		change(l)
		return l
	}
	devil := person("Zhang Wei", salesbot.RoleTechnicalBuyer, salesbot.InfluenceHigh, -2, salesbot.DepthSeveral)
	devil2 := person("Li Na", salesbot.RoleUser, salesbot.InfluenceHigh, -3, salesbot.DepthBrief)
	devil2.DecisionRole, devil2.Attitude, devil2.PersonalWins = salesbot.DecisionInfluencer, salesbot.Attitudes[3], "stability"
	allFacts := func(l *salesbot.Lead) {
		for _, k := range salesbot.KeyFacts {
			l.Facts[k] = salesbot.Fact{Text: "known"}
		}
	}
	cases := []struct {
		name string
		lead *salesbot.Lead
		kind salesbot.RiskKind
		n    int // which one of its kind
		cb   string
		want map[string]string // block → what it shows filled in
		menu map[string][]string
	}{
		{"no coach (seed 002: 内线): the stakeholder form with Coach chosen",
			lead(func(l *salesbot.Lead) { l.Stakeholders = []salesbot.Stakeholder{eb} }), salesbot.RiskNoCoach, 0, cbStance,
			map[string]string{blockCompany: "Acme <&> Co", blockPerson: "", blockRole: "coach", blockInfluence: "", blockSupport: ""}, nil},
		{"no economic buyer (seed 002): the stakeholder form with Economic buyer chosen",
			lead(func(l *salesbot.Lead) { l.Stakeholders = []salesbot.Stakeholder{coach} }), salesbot.RiskNoEconomicBuyer, 0, cbStance,
			map[string]string{blockRole: "eb", blockPerson: ""}, nil},
		{"economic buyer met only briefly (seed 001: go high): the visit form with them met",
			lead(func(l *salesbot.Lead) { l.Stakeholders[0].ContactDepth = salesbot.DepthBrief }), salesbot.RiskEconomicBuyerThin, 0, cbVisit,
			map[string]string{blockCompany: "Acme <&> Co", blockMet: "Wang Li", blockKind: "visit"}, nil},
		{"the second devil (seed 000: high influence, against): the stakeholder form for that person as recorded",
			lead(func(l *salesbot.Lead) { l.Stakeholders = append(l.Stakeholders, devil, devil2) }), salesbot.RiskDevil, 1, cbStance,
			map[string]string{blockPerson: "Li Na", blockRole: "user", blockInfluence: "high", blockSupport: "-3",
				blockDecisionRole: "influencer", blockDepth: "brief", blockAttitude: string(salesbot.Attitudes[3]), blockWins: "stability", blockNotes: ""}, nil},
		{"a second economic buyer (seed 002: usually only one): the stakeholder form for the second",
			lead(func(l *salesbot.Lead) {
				l.Stakeholders = append(l.Stakeholders, person("Sun Hao", salesbot.RoleEconomicBuyer, salesbot.InfluenceHigh, 0, salesbot.DepthBrief))
			}), salesbot.RiskSecondEconomicBuyer, 0, cbStance, map[string]string{blockPerson: "Sun Hao", blockRole: "eb"}, nil},
		{"a \"no\" in the qualification of a B lead (seed 001: 考虑放弃或降低接触级别): the grade form with C chosen",
			lead(func(l *salesbot.Lead) {
				l.Qualification = salesbot.Qualification{Win: salesbot.Verdict{Answer: salesbot.AnswerNo}}
			}), salesbot.RiskQualificationNo, 0, cbLeadGrade, map[string]string{blockGrade: "C"}, nil},
		{"an A still unconfirmed after its first cadence (seed 000 初访): the visit form",
			lead(func(l *salesbot.Lead) {
				l.Grade, l.Stage, l.CreatedAt, l.StageSince = salesbot.GradeA, salesbot.StageFirstVisit, now.Add(-20*salesbot.Day), now.Add(-20*salesbot.Day)
			}), salesbot.RiskAUnconfirmed, 0, cbLeadGrade, map[string]string{blockGrade: "A"}, nil},
		{"only low influence met lately (seed 001): the visit form",
			lead(func(l *salesbot.Lead) {
				l.Stakeholders[1].Influence, l.Stakeholders[1].LastMet = salesbot.InfluenceLow, now.Add(-2*salesbot.Day)
			}), salesbot.RiskOnlyLow, 0, cbVisit, map[string]string{blockMet: ""}, nil},
		{"facts missing at demo (seed 001: key nodes): the key-fact form, the missing ones first",
			lead(func(l *salesbot.Lead) {
				allFacts(l)
				delete(l.Facts, salesbot.FactDecision)
				delete(l.Facts, salesbot.FactCriteria)
				l.Stage = salesbot.StageDemo
			}), salesbot.RiskFactsMissing, 0, cbLeadKey,
			map[string]string{blockFact: "decision", blockNotes: ""},
			map[string][]string{blockFact: {"decision", "criteria", "schedule", "budget", "need", "competition"}}},
		{"graded D, closing in a month (DOMAIN.md §1): the grade form with A chosen",
			lead(func(l *salesbot.Lead) {
				l.Grade, l.CloseBy = salesbot.GradeD, salesbot.DateOf(now.Add(30*salesbot.Day))
			}), salesbot.RiskGradeVsSchedule, 0, cbLeadGrade, map[string]string{blockGrade: "A", blockCompany: "Acme <&> Co"}, nil},
		{"decision date passed (DOMAIN.md §1): the key-fact form with the schedule as recorded",
			lead(func(l *salesbot.Lead) {
				l.Facts[salesbot.FactSchedule] = salesbot.Fact{Text: "decide by 2026-09"}
			}), salesbot.RiskGradeVsSchedule, 0, cbLeadKey, map[string]string{blockFact: "schedule", blockNotes: "decide by 2026-09"}, nil},
		{"stuck (DOMAIN.md §5): the stage form for the lead",
			lead(func(l *salesbot.Lead) { l.StageSince = now.Add(-60 * salesbot.Day) }), salesbot.RiskStuck, 0, cbLeadStage,
			map[string]string{blockCompany: "Acme <&> Co", blockStage: ""}, nil},
		{"overdue (DOMAIN.md §1): the visit form",
			lead(func(l *salesbot.Lead) { l.LastTouch = now.Add(-40 * salesbot.Day) }), salesbot.RiskOverdue, 0, cbVisit,
			map[string]string{blockCompany: "Acme <&> Co", blockMet: ""}, nil},
		{"close date passed (DOMAIN.md §7): the deal form",
			lead(func(l *salesbot.Lead) { l.CloseBy = salesbot.DateOf(now.Add(-10 * salesbot.Day)) }), salesbot.RiskClosePassed, 0, cbLeadDeal,
			map[string]string{blockCompany: "Acme <&> Co"}, nil},
		{"called at risk in a review (DOMAIN.md §7): the deal form",
			lead(func(l *salesbot.Lead) { l.AtRisk = true }), salesbot.RiskAtRisk, 0, cbLeadDeal,
			map[string]string{blockCompany: "Acme <&> Co"}, nil},
	}
	covered := map[salesbot.RiskKind]bool{}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			risks := salesbot.Risks(c.lead, now, salesbot.DefaultCadence())
			if slices.IndexFunc(risks, func(r salesbot.Risk) bool { return r.Kind == c.kind }) < 0 {
				t.Fatalf("the lead has no %s risk: %+v", c.kind, risks)
			}
			v, ok := riskFixForm(fixing{lang: i18n.En, channel: "C1", lead: c.lead, risk: salesbot.Risk{Kind: c.kind}}, risks, c.n)
			if !ok || v.CallbackID != c.cb {
				t.Fatalf("opens %q (%v), want %q", v.CallbackID, ok, c.cb)
			}
			if parseMeta(v.PrivateMetadata).Channel != "C1" {
				t.Errorf("the form forgets the channel: %s", v.PrivateMetadata)
			}
			for block, want := range c.want {
				if got := initial(t, v, block); got != want {
					t.Errorf("%s shows %q, want %q", block, got, want)
				}
			}
			for block, want := range c.menu {
				if got := menu(t, v, block); !slices.Equal(got, want) {
					t.Errorf("%s lists %q, want %q", block, got, want)
				}
			}
			covered[c.kind] = true
		})
	}
	for name, kind := range riskKindsDeclared(t) {
		if !covered[kind] {
			t.Errorf("no case opens the fix of %s", name)
		}
	}
}

// TestRiskFixNoLongerApplies: a button whose risk has gone since it was
// drawn still opens its form, filled in with what its kind says (the role
// Coach), and a devil's button finds no one to fill in rather than someone
// else.
func TestRiskFixNoLongerApplies(t *testing.T) {
	l := &salesbot.Lead{ID: "L1", Company: "Acme", Owner: "U0REP", Grade: salesbot.GradeB, Stage: salesbot.StageDemo,
		Stakeholders: []salesbot.Stakeholder{{Name: "Zhang Wei", Role: salesbot.RoleCoach, Influence: salesbot.InfluenceHigh, Support: 2}}}
	for kind, want := range map[salesbot.RiskKind]map[string]string{
		salesbot.RiskNoCoach: {blockRole: "coach", blockPerson: ""},
		salesbot.RiskDevil:   {blockPerson: "", blockRole: "", blockSupport: ""},
	} {
		v, ok := riskFixForm(fixing{lang: i18n.En, lead: l, risk: salesbot.Risk{Kind: kind}}, nil, 0)
		if !ok || v.CallbackID != cbStance {
			t.Fatalf("%s: opens %q (%v)", kind, v.CallbackID, ok)
		}
		for block, w := range want {
			if got := initial(t, v, block); got != w {
				t.Errorf("%s: %s shows %q, want %q", kind, block, got, w)
			}
		}
	}
	if _, ok := riskFixForm(fixing{lead: l, risk: salesbot.Risk{Kind: "from-a-later-version"}}, nil, 0); ok {
		t.Error("a kind without a fix opens a form")
	}
}

func TestRiskFixValue(t *testing.T) {
	cases := []struct {
		value string
		lead  string
		kind  salesbot.RiskKind
		n     int
		ok    bool
	}{
		{"L1|no-coach", "L1", salesbot.RiskNoCoach, 0, true},
		{"L1|devil|2", "L1", salesbot.RiskDevil, 2, true},
		{"L1", "", "", 0, false},
		{"|devil", "", "", 0, false},
		{"L1|devil|-1", "", "", 0, false},
		{"L1|devil|x", "", "", 0, false},
		{"L1|devil|1|more", "", "", 0, false},
	}
	for _, c := range cases {
		lead, kind, n, ok := riskFixValue(c.value)
		if lead != c.lead || kind != c.kind || n != c.n || ok != c.ok {
			t.Errorf("riskFixValue(%q) = %q, %q, %d, %v", c.value, lead, kind, n, ok)
		}
	}
}

// TestCardRiskButtons: the card gives its first risks a button each,
// carrying the lead's ID, the kind and which of its kind, no name; the rest
// are text, and the card stays within Slack's limits.
func TestCardRiskButtons(t *testing.T) {
	now := time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)
	l := &salesbot.Lead{ID: "L9", Company: "Acme", Owner: "U0REP", Grade: salesbot.GradeA, Stage: salesbot.StageNegotiation,
		CreatedAt: now.Add(-90 * salesbot.Day), StageSince: now.Add(-60 * salesbot.Day), LastTouch: now.Add(-30 * salesbot.Day),
		CloseBy: salesbot.DateOf(now.Add(-5 * salesbot.Day)), AtRisk: true}
	for i := range salesbot.MaxStakeholders {
		l.Stakeholders = append(l.Stakeholders, salesbot.Stakeholder{Name: "Devil|" + strconv.Itoa(i) + " <b>", Role: salesbot.RoleUser,
			Influence: salesbot.InfluenceHigh, Support: -3})
	}
	risks := salesbot.Risks(l, now, salesbot.DefaultCadence())
	blocks := card{lead: l, cadence: salesbot.DefaultCadence(), now: now, loc: time.UTC}.blocks()
	if len(blocks) > 50 {
		t.Fatalf("%d blocks", len(blocks))
	}
	var values []string
	for _, b := range blocks {
		if s, ok := b.(*slack.SectionBlock); ok && s.Accessory != nil && s.Accessory.ButtonElement != nil {
			if !isRiskFix(s.Accessory.ButtonElement.ActionID) {
				t.Errorf("a section's button %q is not a risk's", s.Accessory.ButtonElement.ActionID)
			}
			values = append(values, s.Accessory.ButtonElement.Value)
		}
	}
	want := []string{"L9|no-economic-buyer", "L9|no-coach", "L9|devil", "L9|devil|1", "L9|devil|2"}
	if !slices.Equal(values, want) {
		t.Errorf("risk buttons %q, want %q (of %d risks)", values, want, len(risks))
	}
	raw, _ := json.Marshal(blocks)
	text := sectionsText(blocks)
	for _, r := range risks {
		if !strings.Contains(text, esc(r.Message)) {
			t.Errorf("the card leaves out %q", r.Message)
		}
	}
	if strings.Contains(string(raw), "<b>") {
		t.Error("a name is not escaped in the card's risks")
	}
}

// TestDigestRiskButtons: the digest gives each lead at risk the buttons
// fixing its risks, after the line naming them; a team too big for that in
// one message gets the risks as text, every lead still named, within
// Slack's limits.
func TestDigestRiskButtons(t *testing.T) {
	now := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	lead := func(id string) *salesbot.Lead {
		return &salesbot.Lead{ID: id, Company: "Acme " + id, Owner: "U0REP", Grade: salesbot.GradeA, Stage: salesbot.StageDemo}
	}
	risks := []salesbot.Risk{
		{Kind: salesbot.RiskNoCoach, Message: "No coach."},
		{Kind: salesbot.RiskDevil, Message: "Zhang Wei is against us.", Person: "Zhang Wei"},
		{Kind: salesbot.RiskDevil, Message: "Li Na is against us.", Person: "Li Na"},
		{Kind: "from-a-later-version", Message: "Something new."},
	}
	d := salesbot.Digest{Since: now.Add(-salesbot.Day), Until: now, Open: 1,
		Reps: []salesbot.RepDigest{{Rep: "U0REP", Risks: []salesbot.LeadRisks{{Lead: lead("L1"), Risks: risks}}}}}
	blocks := digestBlocks(i18n.En, d, time.UTC)
	var values, labels []string
	var after string
	for i, b := range blocks {
		a, ok := b.(*slack.ActionBlock)
		if !ok {
			continue
		}
		after = sectionsText(blocks[i-1 : i])
		for _, e := range a.Elements.ElementSet {
			btn := e.(*slack.ButtonBlockElement)
			if !isRiskFix(btn.ActionID) {
				t.Errorf("button %q is not a risk's", btn.ActionID)
			}
			values, labels = append(values, btn.Value), append(labels, btn.Text.Text)
		}
	}
	if want := []string{"L1|no-coach", "L1|devil", "L1|devil|1"}; !slices.Equal(values, want) {
		t.Errorf("digest risk buttons %q, want %q", values, want)
	}
	if want := []string{"Add a coach", "Update Zhang Wei", "Update Li Na"}; !slices.Equal(labels, want) {
		t.Errorf("digest risk buttons say %q, want %q", labels, want)
	}
	if !strings.HasPrefix(after, ":warning: *Acme L1* (A): No coach.") {
		t.Errorf("the buttons follow %q, not the lead's risks", after)
	}

	// Thirty leads at risk: no room for a section and buttons each.
	d.Reps[0].Risks = nil
	for i := range 30 {
		d.Reps[0].Risks = append(d.Reps[0].Risks, salesbot.LeadRisks{Lead: lead("L" + strconv.Itoa(i)), Risks: risks[:1]})
	}
	blocks = digestBlocks(i18n.En, d, time.UTC)
	if len(blocks) > 50 {
		t.Fatalf("%d blocks", len(blocks))
	}
	text := sectionsText(blocks)
	for i := range 30 {
		if !strings.Contains(text, "*Acme L"+strconv.Itoa(i)+"* (A): No coach.") {
			t.Errorf("lead L%d is left out of the digest", i)
		}
	}
}
