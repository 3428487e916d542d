package salesbot_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"salesbot"
)

// wang is the customer's general manager, as first recorded.
var wang = salesbot.Stakeholder{Name: "Wang Li", Role: salesbot.RoleEconomicBuyer, Influence: salesbot.InfluenceHigh, Support: 1, Notes: "wants to be seen by the board"}

func TestSetStakeholder(t *testing.T) {
	l := newLead(t, "Acme", salesbot.GradeA)
	c, err := l.SetStakeholder(rep, wang, later)
	if err != nil {
		t.Fatal(err)
	}
	want := salesbot.Change{LeadID: "L1", Company: "Acme", Kind: salesbot.ChangeStance, By: rep.User, At: later, To: "+1", Reason: "Wang Li"}
	if c != want {
		t.Errorf("change = %+v\nwant %+v", c, want)
	}
	if len(l.Stakeholders) != 1 {
		t.Fatalf("stakeholders = %+v", l.Stakeholders)
	}
	if s := l.Stakeholders[0]; s.UpdatedBy != rep.User || !s.UpdatedAt.Equal(later) || s.Notes != wang.Notes {
		t.Errorf("stakeholder = %+v", s)
	}

	// The same person typed on a Chinese keyboard, in other case, turned
	// against us: one person, updated, and the history shows +1 → −2.
	update := salesbot.Stakeholder{Name: "ＷＡＮＧ\u3000ｌｉ", Role: salesbot.RoleEconomicBuyer, Influence: salesbot.InfluenceHigh, Support: -2}
	c, err = l.SetStakeholder(rep, update, later.Add(salesbot.Day))
	if err != nil {
		t.Fatal(err)
	}
	if c.From != "+1" || c.To != "-2" || c.Kind != salesbot.ChangeStance {
		t.Errorf("change = %+v, want from +1 to -2", c)
	}
	if len(l.Stakeholders) != 1 {
		t.Fatalf("an update added a person: %+v", l.Stakeholders)
	}
	s, ok := l.Stakeholder("wang li")
	if !ok || s.Support != -2 {
		t.Fatalf("Stakeholder(wang li) = %+v, %v", s, ok)
	}
	if s.Notes != wang.Notes {
		t.Errorf("notes = %q; an update without notes keeps the old ones", s.Notes)
	}
	if s.Quadrant() != salesbot.QuadrantDevil {
		t.Errorf("quadrant = %s, want devil", s.Quadrant())
	}

	// A second person is added, not merged.
	if _, err := l.SetStakeholder(boss, salesbot.Stakeholder{Name: "Wang Lei", Role: salesbot.RoleCoach, Influence: salesbot.InfluenceLow, Support: 3}, later); err != nil {
		t.Fatal(err)
	}
	if len(l.Stakeholders) != 2 {
		t.Errorf("stakeholders = %+v, want Wang Li and Wang Lei", l.Stakeholders)
	}
	if _, ok := l.Stakeholder("Zhang San"); ok {
		t.Error("Stakeholder found someone never recorded")
	}
}

func TestSetStakeholderRefuses(t *testing.T) {
	with := func(f func(*salesbot.Stakeholder)) salesbot.Stakeholder {
		s := wang
		f(&s)
		return s
	}
	tests := []struct {
		name    string
		actor   salesbot.Actor
		s       salesbot.Stakeholder
		code    string
		mention string
	}{
		{"stranger", stranger, wang, salesbot.EFORBIDDEN, "U0REP's lead"},
		{"no name", rep, with(func(s *salesbot.Stakeholder) { s.Name = " \u3000 " }), salesbot.EINVALID, "Who is it?"},
		{"name too long", rep, with(func(s *salesbot.Stakeholder) { s.Name = strings.Repeat("x", 81) }), salesbot.EINVALID, "81 characters"},
		{"control character in the name", rep, with(func(s *salesbot.Stakeholder) { s.Name = "Wang\x00Li" }), salesbot.EINVALID, "cannot be shown"},
		{"notes too long", rep, with(func(s *salesbot.Stakeholder) { s.Notes = strings.Repeat("x", 501) }), salesbot.EINVALID, "501 characters"},
		{"bad role", rep, with(func(s *salesbot.Stakeholder) { s.Role = "ceo" }), salesbot.EINVALID, "not a role"},
		{"no role", rep, with(func(s *salesbot.Stakeholder) { s.Role = "" }), salesbot.EINVALID, "not a role"},
		{"bad influence", rep, with(func(s *salesbot.Stakeholder) { s.Influence = "huge" }), salesbot.EINVALID, "not an influence"},
		{"support 4", rep, with(func(s *salesbot.Stakeholder) { s.Support = 4 }), salesbot.EINVALID, "4 is not a support level"},
		{"support -4", rep, with(func(s *salesbot.Stakeholder) { s.Support = -4 }), salesbot.EINVALID, "-4 is not a support level"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newLead(t, "Acme", salesbot.GradeA)
			_, err := l.SetStakeholder(tt.actor, tt.s, later)
			wantCode(t, err, tt.code)
			wantMessage(t, err, tt.mention)
			if len(l.Stakeholders) != 0 {
				t.Errorf("a refused stance was recorded: %+v", l.Stakeholders)
			}
		})
	}
}

func TestSetStakeholderCap(t *testing.T) {
	l := newLead(t, "Acme", salesbot.GradeA)
	person := func(i int) salesbot.Stakeholder {
		return salesbot.Stakeholder{Name: fmt.Sprintf("Person %d", i), Role: salesbot.RoleUser, Influence: salesbot.InfluenceLow}
	}
	for i := range salesbot.MaxStakeholders {
		if _, err := l.SetStakeholder(rep, person(i), later); err != nil {
			t.Fatalf("person %d: %v", i, err)
		}
	}
	_, err := l.SetStakeholder(rep, person(salesbot.MaxStakeholders), later)
	wantCode(t, err, salesbot.EINVALID)
	wantMessage(t, err, "already has 60 people")
	if len(l.Stakeholders) != salesbot.MaxStakeholders {
		t.Errorf("%d stakeholders, want the cap %d", len(l.Stakeholders), salesbot.MaxStakeholders)
	}
	// At the cap, people already recorded can still be updated.
	p := person(0)
	p.Support = 2
	if _, err := l.SetStakeholder(rep, p, later); err != nil {
		t.Errorf("update at the cap: %v", err)
	}
}

func TestSetStakeholderStoresCanonicalValues(t *testing.T) {
	l := newLead(t, "Acme", salesbot.GradeA)
	if _, err := l.SetStakeholder(rep, salesbot.Stakeholder{Name: "王总", Role: "EB", Influence: "高", Support: -3}, later); err != nil {
		t.Fatal(err)
	}
	s := l.Stakeholders[0]
	if s.Role != salesbot.RoleEconomicBuyer || s.Influence != salesbot.InfluenceHigh || s.Quadrant() != salesbot.QuadrantDevil {
		t.Errorf("stored role %q, influence %q, quadrant %s; want eb, high, devil", s.Role, s.Influence, s.Quadrant())
	}
}

// TestQuadrant places people as DOMAIN.md §3 draws them: influence high or
// medium is the high side (seed 000 has only 高/低; seed 002's 中 is a partial
// say), support +1 and above supportive, −2 and below opposed, −1 (没兴趣)
// and 0 (中间) neutral.
func TestQuadrant(t *testing.T) {
	const (
		high = salesbot.InfluenceHigh
		med  = salesbot.InfluenceMedium
		low  = salesbot.InfluenceLow
	)
	tests := []struct {
		seed      string
		influence salesbot.Influence
		support   salesbot.Support
		want      salesbot.Quadrant
	}{
		{"000 天使: high influence, strong support", high, 3, salesbot.QuadrantAngel},
		{"002 +1 有好感 is supportive", high, 1, salesbot.QuadrantAngel},
		{"002 0 中间: no opinion", high, 0, salesbot.QuadrantNeutral},
		{"002 −1 没兴趣: uninterested is not yet against us", high, -1, salesbot.QuadrantNeutral},
		{"002 −2 反对 with a decisive say: 000 魔鬼", high, -2, salesbot.QuadrantDevil},
		{"002 −3 强烈反对 with a decisive say: 000 魔鬼", high, -3, salesbot.QuadrantDevil},
		{"002 中 partial influence counts with high", med, 2, salesbot.QuadrantAngel},
		{"002 中, 中间", med, 0, salesbot.QuadrantNeutral},
		{"002 中, 没兴趣", med, -1, salesbot.QuadrantNeutral},
		{"002 中, 反对: a devil as the risk names it", med, -2, salesbot.QuadrantDevil},
		{"000 小甜甜: low influence, strong support", low, 3, salesbot.QuadrantSweetheart},
		{"000 小甜甜: low influence, 有好感", low, 1, salesbot.QuadrantSweetheart},
		{"002 低, 中间", low, 0, salesbot.QuadrantNeutral},
		{"002 低, 没兴趣", low, -1, salesbot.QuadrantNeutral},
		{"000 小鬼: low influence, 反对", low, -2, salesbot.QuadrantImp},
		{"000 小鬼: low influence, 强烈反对", low, -3, salesbot.QuadrantImp},
	}
	for _, tt := range tests {
		s := salesbot.Stakeholder{Name: "x", Role: salesbot.RoleUser, Influence: tt.influence, Support: tt.support}
		if got := s.Quadrant(); got != tt.want {
			t.Errorf("%s: %s influence, support %s: quadrant %s, want %s", tt.seed, tt.influence, tt.support, got, tt.want)
		}
	}
}

func TestParseRole(t *testing.T) {
	tests := []struct {
		in   string
		want salesbot.Role
	}{
		{"eb", salesbot.RoleEconomicBuyer}, {"EB", salesbot.RoleEconomicBuyer}, {"economic buyer", salesbot.RoleEconomicBuyer},
		{"Economic-Buyer", salesbot.RoleEconomicBuyer}, {"经济决策者", salesbot.RoleEconomicBuyer}, {"ＥＢ", salesbot.RoleEconomicBuyer},
		{"tb", salesbot.RoleTechnicalBuyer}, {"influencer", salesbot.RoleTechnicalBuyer}, {"technical buyer", salesbot.RoleTechnicalBuyer},
		{"技术选型人", salesbot.RoleTechnicalBuyer}, // what the Chinese interface calls the technical buyer
		{"user", salesbot.RoleUser}, {"用户", salesbot.RoleUser},
		{"coordinator", salesbot.RoleCoordinator}, {"PM", salesbot.RoleCoordinator},
		{"coach", salesbot.RoleCoach}, {"内线", salesbot.RoleCoach},
	}
	for _, tt := range tests {
		if got, err := salesbot.ParseRole(tt.in); err != nil || got != tt.want {
			t.Errorf("ParseRole(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{"", "ceo", "buyer", "e b"} {
		_, err := salesbot.ParseRole(in)
		wantCode(t, err, salesbot.EINVALID)
		wantMessage(t, err, "eb (economic buyer), tb (technical buyer), user, coordinator or coach")
	}
	if got := salesbot.RoleCoach.Name(); got != "Coach" {
		t.Errorf("RoleCoach.Name() = %q", got)
	}
}

func TestParseInfluence(t *testing.T) {
	tests := []struct {
		in   string
		want salesbot.Influence
	}{
		{"high", salesbot.InfluenceHigh}, {"H", salesbot.InfluenceHigh}, {"高", salesbot.InfluenceHigh}, {"ＨＩＧＨ", salesbot.InfluenceHigh},
		{"medium", salesbot.InfluenceMedium}, {"med", salesbot.InfluenceMedium}, {"m", salesbot.InfluenceMedium}, {"中", salesbot.InfluenceMedium},
		{" low ", salesbot.InfluenceLow}, {"l", salesbot.InfluenceLow}, {"低", salesbot.InfluenceLow},
	}
	for _, tt := range tests {
		if got, err := salesbot.ParseInfluence(tt.in); err != nil || got != tt.want {
			t.Errorf("ParseInfluence(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{"", "huge", "3", "very high"} {
		_, err := salesbot.ParseInfluence(in)
		wantCode(t, err, salesbot.EINVALID)
		wantMessage(t, err, "high, medium or low")
	}
}

func TestParseSupport(t *testing.T) {
	tests := []struct {
		in   string
		want salesbot.Support
	}{
		{"0", 0}, {"+0", 0}, {"-0", 0},
		{"1", 1}, {"+1", 1}, {"+3", 3}, {"3", 3},
		{"-1", -1}, {"-3", -3},
		{"−2", -2}, // U+2212 minus sign, as macOS types it
		{"–2", -2}, // en dash
		{"﹣2", -2}, // small hyphen-minus
		{"－２", -2}, // full width
		{"＋３", 3},
		{" +2 ", 2},
	}
	for _, tt := range tests {
		if got, err := salesbot.ParseSupport(tt.in); err != nil || got != tt.want {
			t.Errorf("ParseSupport(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{"", "4", "-4", "+4", "+-1", "--1", "1.5", "two", "high", "+ 1"} {
		_, err := salesbot.ParseSupport(in)
		wantCode(t, err, salesbot.EINVALID)
		wantMessage(t, err, "-3 (strongly against) to +3 (strong support)")
	}
}

func TestParseSupportDoublePlus(t *testing.T) {
	if got, err := salesbot.ParseSupport("++1"); err == nil {
		t.Errorf(`ParseSupport("++1") = %v, want an error`, got)
	}
}

func TestSupportString(t *testing.T) {
	tests := []struct {
		s             salesbot.Support
		text, meaning string
	}{
		{3, "+3", "strong support"},
		{2, "+2", "support"},
		{1, "+1", "friendly"},
		{0, "0", "neutral"},
		{-1, "-1", "uninterested"},
		{-2, "-2", "against"},
		{-3, "-3", "strongly against"},
	}
	for _, tt := range tests {
		if got := tt.s.String(); got != tt.text {
			t.Errorf("Support(%d).String() = %q, want %q", int(tt.s), got, tt.text)
		}
		if got := tt.s.Meaning(); got != tt.meaning {
			t.Errorf("Support(%d).Meaning() = %q, want %q", int(tt.s), got, tt.meaning)
		}
		// What String writes, ParseSupport reads back.
		if back, err := salesbot.ParseSupport(tt.s.String()); err != nil || back != tt.s {
			t.Errorf("ParseSupport(%q) = %v, %v; want %v", tt.s.String(), back, err, tt.s)
		}
	}
}

func TestParseDecisionRole(t *testing.T) {
	tests := []struct {
		in   string
		want salesbot.DecisionRole
	}{
		{"approver", salesbot.DecisionApprover}, {"Approver", salesbot.DecisionApprover}, {"批准者", salesbot.DecisionApprover}, {"批准人", salesbot.DecisionApprover},
		{"decision-maker", salesbot.DecisionMaker}, {"decision maker", salesbot.DecisionMaker}, {"Decision_Maker", salesbot.DecisionMaker},
		{"dm", salesbot.DecisionMaker}, {"DM", salesbot.DecisionMaker}, {"ｄｍ", salesbot.DecisionMaker}, {"决策者", salesbot.DecisionMaker}, {"决策制定者", salesbot.DecisionMaker},
		// Seed 003's organisation chart marks E 评估人 beside A 批准人 and D 决策人.
		{"evaluator", salesbot.DecisionEvaluator}, {"Evaluator", salesbot.DecisionEvaluator}, {"评估人", salesbot.DecisionEvaluator}, {"评估者", salesbot.DecisionEvaluator},
		{"influencer", salesbot.DecisionInfluencer}, {" Influencer ", salesbot.DecisionInfluencer}, {"影响者", salesbot.DecisionInfluencer},
		{"gatekeeper", salesbot.DecisionGatekeeper}, {"gate keeper", salesbot.DecisionGatekeeper}, {"把关者", salesbot.DecisionGatekeeper},
	}
	for _, tt := range tests {
		if got, err := salesbot.ParseDecisionRole(tt.in); err != nil || got != tt.want {
			t.Errorf("ParseDecisionRole(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{"", "boss", "eb", "decision", "maker", "影响"} {
		_, err := salesbot.ParseDecisionRole(in)
		wantCode(t, err, salesbot.EINVALID)
		wantMessage(t, err, "approver, decision-maker (dm), evaluator, influencer or gatekeeper")
	}
	names := map[salesbot.DecisionRole]string{
		salesbot.DecisionApprover: "Approver", salesbot.DecisionMaker: "Decision maker", salesbot.DecisionEvaluator: "Evaluator",
		salesbot.DecisionInfluencer: "Influencer", salesbot.DecisionGatekeeper: "Gatekeeper",
	}
	for _, d := range salesbot.DecisionRoles {
		if d.Name() != names[d] || d.Meaning() == "" {
			t.Errorf("%q: Name() = %q, Meaning() = %q; want %q and a meaning", d, d.Name(), d.Meaning(), names[d])
		}
	}
}

func TestParseContactDepth(t *testing.T) {
	tests := []struct {
		in   string
		want salesbot.ContactDepth
	}{
		{"none", salesbot.DepthNone}, {"NONE", salesbot.DepthNone}, {"未接触", salesbot.DepthNone},
		{"brief", salesbot.DepthBrief}, {"Brief", salesbot.DepthBrief}, {"暂短接触", salesbot.DepthBrief}, {"ｂｒｉｅｆ", salesbot.DepthBrief},
		{"several", salesbot.DepthSeveral}, {"多次接触", salesbot.DepthSeveral},
		{"deep", salesbot.DepthDeep}, {" deep ", salesbot.DepthDeep}, {"深入接触", salesbot.DepthDeep},
	}
	for _, tt := range tests {
		if got, err := salesbot.ParseContactDepth(tt.in); err != nil || got != tt.want {
			t.Errorf("ParseContactDepth(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{"", "never", "shallow", "2", "很深"} {
		_, err := salesbot.ParseContactDepth(in)
		wantCode(t, err, salesbot.EINVALID)
		wantMessage(t, err, "none, brief, several or deep")
	}
}

func TestContactDepthNameAndDeeper(t *testing.T) {
	tests := []struct {
		d            salesbot.ContactDepth
		name         string
		deeper       salesbot.ContactDepth
		rankOfDeeper int
	}{
		{"", "No contact", salesbot.DepthBrief, 1}, // not recorded counts as none
		{salesbot.DepthNone, "No contact", salesbot.DepthBrief, 1},
		{salesbot.DepthBrief, "Brief contact", salesbot.DepthSeveral, 2},
		{salesbot.DepthSeveral, "Several contacts", salesbot.DepthDeep, 3},
		{salesbot.DepthDeep, "Deep contact", salesbot.DepthDeep, 3}, // capped
	}
	for _, tt := range tests {
		if got := tt.d.Name(); got != tt.name {
			t.Errorf("%q.Name() = %q, want %q", tt.d, got, tt.name)
		}
		if got := tt.d.Deeper(); got != tt.deeper || got.Rank() != tt.rankOfDeeper {
			t.Errorf("%q.Deeper() = %q (rank %d), want %q (rank %d)", tt.d, got, got.Rank(), tt.deeper, tt.rankOfDeeper)
		}
	}
}

func TestParseAttitude(t *testing.T) {
	tests := []struct {
		in   string
		want salesbot.Attitude
	}{
		{"innovator", salesbot.AttitudeInnovator}, {"Innovator", salesbot.AttitudeInnovator}, {"改革者", salesbot.AttitudeInnovator},
		{"visionary", salesbot.AttitudeVisionary}, {"early adopter", salesbot.AttitudeVisionary}, {"前瞻者", salesbot.AttitudeVisionary},
		{"pragmatist", salesbot.AttitudePragmatist}, {"PRAGMATIST", salesbot.AttitudePragmatist}, {"实用主义者", salesbot.AttitudePragmatist},
		{"conservative", salesbot.AttitudeConservative}, {"保守者", salesbot.AttitudeConservative},
		{"laggard", salesbot.AttitudeLaggard}, {"滞后者", salesbot.AttitudeLaggard}, {"ｌａｇｇａｒｄ", salesbot.AttitudeLaggard},
	}
	for _, tt := range tests {
		if got, err := salesbot.ParseAttitude(tt.in); err != nil || got != tt.want {
			t.Errorf("ParseAttitude(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{"", "sceptic", "progressive", "I"} {
		_, err := salesbot.ParseAttitude(in)
		wantCode(t, err, salesbot.EINVALID)
		wantMessage(t, err, "innovator, visionary, pragmatist, conservative or laggard")
	}
	for _, a := range salesbot.Attitudes {
		if a.Name() == "" || a.Name()[0] < 'A' || a.Name()[0] > 'Z' || a.Meaning() == "" {
			t.Errorf("%q: Name() = %q, Meaning() = %q", a, a.Name(), a.Meaning())
		}
	}
}

func TestSetStakeholderFullRecord(t *testing.T) {
	l := newLead(t, "Acme", salesbot.GradeA)
	first := wang
	first.DecisionRole, first.ContactDepth, first.Attitude = "批准者", "BRIEF", "Pragmatist"
	first.PersonalWins = "  be recognised by the board \u200b"
	// What the visits keep is not the caller's to set.
	first.LastMet = later.Add(-48 * time.Hour)
	first.History = []salesbot.SupportChange{{From: -3, To: 3}}
	if _, err := l.SetStakeholder(rep, first, later); err != nil {
		t.Fatal(err)
	}
	s := l.Stakeholders[0]
	if s.DecisionRole != salesbot.DecisionApprover || s.ContactDepth != salesbot.DepthBrief || s.Attitude != salesbot.AttitudePragmatist {
		t.Errorf("stored decision role %q, depth %q, attitude %q; want approver, brief, pragmatist", s.DecisionRole, s.ContactDepth, s.Attitude)
	}
	if s.PersonalWins != "be recognised by the board" {
		t.Errorf("personal wins = %q, want them cleaned like notes", s.PersonalWins)
	}
	if !s.LastMet.IsZero() || len(s.History) != 0 {
		t.Errorf("last met %v, history %+v: set by the caller", s.LastMet, s.History)
	}

	// Empty fields keep what was recorded; given ones replace it.
	tests := []struct {
		name   string
		update func(*salesbot.Stakeholder)
		check  func(salesbot.Stakeholder) bool
	}{
		{"nothing new", func(*salesbot.Stakeholder) {},
			func(s salesbot.Stakeholder) bool {
				return s.DecisionRole == salesbot.DecisionApprover && s.ContactDepth == salesbot.DepthBrief &&
					s.Attitude == salesbot.AttitudePragmatist && s.PersonalWins == "be recognised by the board" && s.Notes == wang.Notes
			}},
		{"new decision role", func(s *salesbot.Stakeholder) { s.DecisionRole = "dm" },
			func(s salesbot.Stakeholder) bool {
				return s.DecisionRole == salesbot.DecisionMaker && s.ContactDepth == salesbot.DepthBrief
			}},
		{"the rep's own depth, even shallower", func(s *salesbot.Stakeholder) { s.ContactDepth = salesbot.DepthNone },
			func(s salesbot.Stakeholder) bool { return s.ContactDepth == salesbot.DepthNone }},
		{"new attitude and wins", func(s *salesbot.Stakeholder) { s.Attitude, s.PersonalWins = "laggard", "stability" },
			func(s salesbot.Stakeholder) bool {
				return s.Attitude == salesbot.AttitudeLaggard && s.PersonalWins == "stability" && s.DecisionRole == salesbot.DecisionMaker
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := salesbot.Stakeholder{Name: "wang li", Role: wang.Role, Influence: wang.Influence, Support: wang.Support}
			tt.update(&u)
			if _, err := l.SetStakeholder(rep, u, later); err != nil {
				t.Fatal(err)
			}
			if got, _ := l.Stakeholder("Wang Li"); !tt.check(got) {
				t.Errorf("after update: %+v", got)
			}
		})
	}

	// Someone new with no depth given has had no contact yet.
	if _, err := l.SetStakeholder(rep, salesbot.Stakeholder{Name: "Li Na", Role: salesbot.RoleUser, Influence: salesbot.InfluenceLow, Support: 1}, later); err != nil {
		t.Fatal(err)
	}
	if s, _ := l.Stakeholder("Li Na"); s.ContactDepth != salesbot.DepthNone || s.DecisionRole != "" || s.Attitude != "" {
		t.Errorf("new person without the optional fields = %+v; want depth none, the rest unknown", s)
	}
}

func TestSetStakeholderRefusesBadNewFields(t *testing.T) {
	with := func(f func(*salesbot.Stakeholder)) salesbot.Stakeholder {
		s := wang
		f(&s)
		return s
	}
	tests := []struct {
		name    string
		s       salesbot.Stakeholder
		mention string
	}{
		{"bad decision role", with(func(s *salesbot.Stakeholder) { s.DecisionRole = "boss" }), "not a decision role"},
		{"bad depth", with(func(s *salesbot.Stakeholder) { s.ContactDepth = "intimate" }), "not a contact depth"},
		{"bad attitude", with(func(s *salesbot.Stakeholder) { s.Attitude = "sceptic" }), "not an attitude to change"},
		{"wins too long", with(func(s *salesbot.Stakeholder) { s.PersonalWins = strings.Repeat("赢", 501) }), "personal wins is 501 characters"},
		{"control character in wins", with(func(s *salesbot.Stakeholder) { s.PersonalWins = "avoid\x07risk" }), "cannot be shown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newLead(t, "Acme", salesbot.GradeA)
			_, err := l.SetStakeholder(rep, tt.s, later)
			wantCode(t, err, salesbot.EINVALID)
			wantMessage(t, err, tt.mention)
			if len(l.Stakeholders) != 0 {
				t.Errorf("a refused stance was recorded: %+v", l.Stakeholders)
			}
		})
	}
}

func TestSetStakeholderSupportHistory(t *testing.T) {
	type step struct {
		by      salesbot.Actor
		support salesbot.Support
		notes   string
	}
	tests := []struct {
		name  string
		steps []step // the first records the person
		want  []salesbot.SupportChange
	}{
		{"first record is no change", []step{{rep, -1, "cold"}}, nil},
		{"same support again is no change", []step{{rep, -1, ""}, {rep, -1, "still cold"}}, nil},
		{"a change with the notes as why", []step{{rep, -1, ""}, {rep, 2, "after the demo"}},
			[]salesbot.SupportChange{{From: -1, To: 2, By: rep.User, Why: "after the demo"}}},
		{"a change without notes", []step{{rep, 1, "met once"}, {boss, -2, ""}},
			[]salesbot.SupportChange{{From: 1, To: -2, By: boss.User}}},
		{"changes in order", []step{{rep, 0, ""}, {rep, 1, "lunch"}, {rep, 1, ""}, {boss, 3, "reference visit"}},
			[]salesbot.SupportChange{{From: 0, To: 1, By: rep.User, Why: "lunch"}, {From: 1, To: 3, By: boss.User, Why: "reference visit"}}},
		{"a long why is shortened", []step{{rep, 0, ""}, {rep, 1, strings.Repeat("谈", 300)}},
			[]salesbot.SupportChange{{From: 0, To: 1, By: rep.User, Why: strings.Repeat("谈", 139) + "…"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newLead(t, "Acme", salesbot.GradeA)
			var at []time.Time
			for i, st := range tt.steps {
				now := later.Add(time.Duration(i) * salesbot.Day)
				s := salesbot.Stakeholder{Name: "Wang Li", Role: salesbot.RoleEconomicBuyer, Influence: salesbot.InfluenceHigh, Support: st.support, Notes: st.notes}
				if _, err := l.SetStakeholder(st.by, s, now); err != nil {
					t.Fatal(err)
				}
				if i > 0 && st.support != tt.steps[i-1].support {
					at = append(at, now)
				}
			}
			got := l.Stakeholders[0].History
			if len(got) != len(tt.want) {
				t.Fatalf("history = %+v, want %+v", got, tt.want)
			}
			for i, w := range tt.want {
				w.At = at[i]
				if got[i] != w {
					t.Errorf("change %d = %+v, want %+v", i, got[i], w)
				}
			}
			last, ok := l.Stakeholders[0].LastSupportChange()
			if ok != (len(tt.want) > 0) || (ok && last != got[len(got)-1]) {
				t.Errorf("LastSupportChange() = %+v, %v", last, ok)
			}
		})
	}
}

func TestSetStakeholderSupportHistoryIsCapped(t *testing.T) {
	l := newLead(t, "Acme", salesbot.GradeA)
	changes := salesbot.MaxSupportHistory + 5
	for i := range changes + 1 {
		s := salesbot.Stakeholder{Name: "Wang Li", Role: salesbot.RoleUser, Influence: salesbot.InfluenceLow, Support: salesbot.Support(i%2*2 - 1), Notes: fmt.Sprintf("turn %d", i)}
		if _, err := l.SetStakeholder(rep, s, later.Add(time.Duration(i)*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	h := l.Stakeholders[0].History
	if len(h) != salesbot.MaxSupportHistory {
		t.Fatalf("%d changes kept, want the last %d", len(h), salesbot.MaxSupportHistory)
	}
	if h[0].Why != "turn 6" || h[len(h)-1].Why != fmt.Sprintf("turn %d", changes) {
		t.Errorf("kept %q … %q; want the newest, oldest dropped", h[0].Why, h[len(h)-1].Why)
	}
}

func TestSplitNames(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{" , ,", nil},
		{"Wang Li", []string{"Wang Li"}},
		{"Wang Li, Li Na", []string{"Wang Li", "Li Na"}},
		{"Wang  Li ;Li Na;", []string{"Wang Li", "Li Na"}},
		{"王总、李工，张三；赵四", []string{"王总", "李工", "张三", "赵四"}},
		{`"Wang Li", “Li Na”, 「王总」`, []string{"Wang Li", "Li Na", "王总"}},
		{`"Wang Li","Li Na"`, []string{"Wang Li", "Li Na"}},
	}
	for _, tt := range tests {
		if got := salesbot.SplitNames(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("SplitNames(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestResolveMet(t *testing.T) {
	l := newLead(t, "Acme Industrial", salesbot.GradeA)
	for _, name := range []string{"Wang Li", "李娜"} {
		if _, err := l.SetStakeholder(rep, salesbot.Stakeholder{Name: name, Role: salesbot.RoleUser, Influence: salesbot.InfluenceLow}, later); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		names []string
		want  []string
	}{
		{nil, nil},
		{[]string{"wang li"}, []string{"Wang Li"}}, // as first recorded
		{[]string{"ＷＡＮＧ  LI", "李娜", "Wang Li", " "}, []string{"Wang Li", "李娜"}},
	}
	for _, tt := range tests {
		if got, err := l.ResolveMet(tt.names); err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("ResolveMet(%q) = %q, %v; want %q", tt.names, got, err, tt.want)
		}
	}

	_, err := l.ResolveMet([]string{"Wang Li", "Zhang San"})
	wantCode(t, err, salesbot.EINVALID)
	wantMessage(t, err, `"Zhang San" is not one of the people recorded at Acme Industrial (Wang Li, 李娜)`,
		"separate names with commas")

	empty := newLead(t, "Beta", salesbot.GradeB)
	_, err = empty.ResolveMet([]string{"Zhang San"})
	wantCode(t, err, salesbot.EINVALID)
	wantMessage(t, err, "No one is recorded at Beta yet", `"Zhang San"`)

	// A long cast is listed in part.
	many := newLead(t, "Gamma", salesbot.GradeB)
	for i := range 12 {
		if _, err := many.SetStakeholder(rep, salesbot.Stakeholder{Name: fmt.Sprintf("P%d", i), Role: salesbot.RoleUser, Influence: salesbot.InfluenceLow}, later); err != nil {
			t.Fatal(err)
		}
	}
	_, err = many.ResolveMet([]string{"Nobody"})
	wantMessage(t, err, "P7 and 4 more")
}
