package handlers

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/i18n"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares Block Kit JSON with testdata/name; -update rewrites it.
func golden(t *testing.T, name string, blocks []slack.Block) {
	t.Helper()
	got, err := json.MarshalIndent(slack.Blocks{BlockSet: blocks}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./handlers -run %s -update)", err, t.Name())
	}
	if !bytes.Equal(bytes.TrimSpace(got), bytes.TrimSpace(want)) {
		t.Errorf("%s differs from the golden file; if the change is intended, run with -update.\ngot:\n%s", name, got)
	}
}

func sampleLead(t testing.TB) (*salesbot.Lead, time.Time, *time.Location) {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	created := time.Date(2026, 10, 1, 10, 0, 0, 0, loc)
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, loc)
	rep := salesbot.Actor{User: "U0REP"}
	l, _, err := salesbot.NewLead(rep, "T1", "l1", "上海明达机械有限公司", salesbot.GradeB, created)
	if err != nil {
		t.Fatal(err)
	}
	must := func(_ salesbot.Change, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(l.Regrade(rep, salesbot.GradeA, "selection starts in January", created.Add(time.Hour)))
	must(l.MoveStage(rep, salesbot.StageFirstVisit, created.Add(2*time.Hour)))
	must(l.SetFact(rep, salesbot.FactBudget, "2M RMB <software & services>", created))
	must(l.SetStakeholder(rep, salesbot.Stakeholder{Name: "王丽", Role: salesbot.RoleEconomicBuyer, Influence: salesbot.InfluenceHigh, Support: 2}, created))
	must(l.SetStakeholder(rep, salesbot.Stakeholder{Name: "Zhang Wei", Role: salesbot.RoleTechnicalBuyer, Influence: salesbot.InfluenceHigh, Support: -2}, created))
	v := &salesbot.Visit{Date: salesbot.Date{Year: 2026, Month: 11, Day: 20}, Kind: salesbot.KindVisit, Notes: "met the CFO", NextStep: "send the quote", NextDate: salesbot.Date{Year: 2026, Month: 11, Day: 30}}
	must(l.RecordVisit(rep, v, loc, time.Date(2026, 11, 20, 16, 0, 0, 0, loc)))
	l.Schedule(salesbot.DefaultCadence())
	return l, now, loc
}

func TestLeadCardGolden(t *testing.T) {
	l, now, loc := sampleLead(t)
	visit := salesbot.Visit{Date: salesbot.Date{Year: 2026, Month: 11, Day: 20}, Kind: salesbot.KindVisit, Notes: "met the CFO", By: "U0REP"}
	c := card{lead: l, lastVisit: &visit, cadence: salesbot.DefaultCadence(), now: now, loc: loc}
	blocks := c.blocks()
	golden(t, "card.json", blocks)
	b, _ := json.Marshal(slack.Blocks{BlockSet: blocks})
	if strings.Contains(string(b), "<software") {
		t.Error("user text is not escaped in the card")
	}
}

// TestLeadCardGoldenZh is the same card for a reader who speaks Chinese:
// the method's own terms (客户分级, 初访, 拍板人, 预算 …), the same dates and
// mentions, and the risks worded from their formats.
func TestLeadCardGoldenZh(t *testing.T) {
	l, now, loc := sampleLead(t)
	visit := salesbot.Visit{Date: salesbot.Date{Year: 2026, Month: 11, Day: 20}, Kind: salesbot.KindVisit, Notes: "met the CFO", By: "U0REP"}
	c := card{lead: l, lastVisit: &visit, cadence: salesbot.DefaultCadence(), now: now, loc: loc, lang: i18n.Zh}
	blocks := c.blocks()
	golden(t, "card.zh.json", blocks)
	b, _ := json.Marshal(slack.Blocks{BlockSet: blocks})
	for _, want := range []string{"*客户分级*", "初访", "拍板人", "*关键信息*", "预算", "2026-11-20", "U0REP", "记录拜访", "3 天前"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("the Chinese card lacks %q", want)
		}
	}
	for _, english := range []string{"Grade", "Last touch", "Economic buyer", "days ago", "Log visit"} {
		if strings.Contains(string(b), english) {
			t.Errorf("the Chinese card still says %q", english)
		}
	}
}

func TestPipelineGolden(t *testing.T) {
	l, now, loc := sampleLead(t)
	other, _, _ := salesbot.NewLead(salesbot.Actor{User: "U0REP"}, "T1", "l2", "Nordwind Logistics GmbH", salesbot.GradeD, now.AddDate(0, -4, 0))
	other.Schedule(salesbot.DefaultCadence())
	lost, _, _ := salesbot.NewLead(salesbot.Actor{User: "U0REP"}, "T1", "l3", "Blue Harbor Foods", salesbot.GradeC, now.AddDate(0, -1, 0))
	if _, err := lost.Lose(salesbot.Actor{User: "U0REP"}, "price", now); err != nil {
		t.Fatal(err)
	}
	p := pipeline{title: "Your pipeline", leads: []*salesbot.Lead{other, l, lost}, cadence: salesbot.DefaultCadence(), now: now, loc: loc}
	golden(t, "pipeline.json", p.blocks())
}

func TestCardKeepsEveryPersonWithinSlackLimits(t *testing.T) {
	l, now, loc := sampleLead(t)
	for i := range salesbot.MaxStakeholders - len(l.Stakeholders) {
		s := salesbot.Stakeholder{Name: fmt.Sprintf("%s %02d", strings.Repeat("长名字", 20), i), Role: salesbot.RoleUser, Influence: salesbot.InfluenceLow, Support: 1}
		if _, err := l.SetStakeholder(salesbot.Actor{User: "U0REP"}, s, now); err != nil {
			t.Fatal(err)
		}
	}
	blocks := card{lead: l, cadence: salesbot.DefaultCadence(), now: now, loc: loc}.blocks()
	b, _ := json.Marshal(slack.Blocks{BlockSet: blocks})
	for i := range salesbot.MaxStakeholders - 2 {
		if name := fmt.Sprintf(" %02d*", i); !strings.Contains(string(b), name) {
			t.Fatalf("person %d is missing from the card", i)
		}
	}
	if len(blocks) > 50 {
		t.Fatalf("%d blocks", len(blocks))
	}
	for _, bl := range blocks {
		if s, ok := bl.(*slack.SectionBlock); ok && s.Text != nil && len([]rune(s.Text.Text)) > 3000 {
			t.Fatalf("section of %d characters", len([]rune(s.Text.Text)))
		}
	}
}

func TestPipelineStaysWithinSlackLimits(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	var leads []*salesbot.Lead
	for i := range 600 {
		l, _, _ := salesbot.NewLead(salesbot.Actor{User: "U1"}, "T1", "id", strings.Repeat("很长的公司名字", 10)+string(rune('A'+i%26)), salesbot.Grades[i%4], now)
		leads = append(leads, l)
	}
	blocks := pipeline{title: "Team", leads: leads, cadence: salesbot.DefaultCadence(), now: now, loc: time.UTC}.blocks()
	if len(blocks) > 50 {
		t.Fatalf("%d blocks; Slack allows 50", len(blocks))
	}
	for _, b := range blocks {
		if s, ok := b.(*slack.SectionBlock); ok && s.Text != nil && len([]rune(s.Text.Text)) > 3000 {
			t.Fatalf("section of %d characters; Slack allows 3000", len([]rune(s.Text.Text)))
		}
	}
}

func TestMention(t *testing.T) {
	cases := []struct {
		in   string
		want string
		ok   bool
	}{
		{"<@U012ABC|wang>", "U012ABC", true},
		{"<@U012ABC>", "U012ABC", true},
		{"<@W012ABC|x y>", "W012ABC", true},
		{"@U012ABC", "U012ABC", true},
		{"U012ABC", "U012ABC", true},
		{"@wang", "", false},
		{"<#C012|general>", "", false},
		{"all", "", false},
	}
	for _, c := range cases {
		got, ok := mention(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("mention(%q) = %q %v, want %q %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestTokensReadLinksAsText(t *testing.T) {
	cases := map[string]string{
		"<http://Booking.com|Booking.com>":       "Booking.com",
		"<https://acme.example>":                 "acme.example",
		"<http://a.example|A &amp; B>":           "A & B",
		"<mailto:x@acme.example|x@acme.example>": "x@acme.example",
	}
	for in, want := range cases {
		toks, err := tokens(in)
		if err != nil || len(toks) != 1 || toks[0].Text != want || toks[0].Entity {
			t.Errorf("tokens(%q) = %+v, %v; want plain %q", in, toks, err, want)
		}
	}
	if toks, _ := tokens("<@U1|wang> <#C1|general>"); !toks[0].Entity || !toks[1].Entity {
		t.Errorf("mentions and channels must stay entities: %+v", toks)
	}
}

func TestTokensUnescapeSlackText(t *testing.T) {
	toks, err := tokens(`"A &amp; B" &lt;x&gt; <@U1|a b>`)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"A & B", "<x>", "<@U1|a b>"}
	if len(toks) != len(want) {
		t.Fatalf("tokens %+v", toks)
	}
	for i, w := range want {
		if toks[i].Text != w {
			t.Errorf("token %d = %q, want %q", i, toks[i].Text, w)
		}
	}
}

func TestParseStance(t *testing.T) {
	cases := []struct {
		text    string
		name    string
		support salesbot.Support
		notes   string
		err     string
	}{
		{`"Wang Li" eb high +2 met at demo`, "Wang Li", 2, "met at demo", ""},
		{`Wang Li tb medium −1`, "Wang Li", -1, "", ""},
		{`Li coach low 0`, "Li", 0, "", ""},
		{`"Wang Li" eb high`, "", 0, "", "need a role"},
		{`"Wang Li" boss high +1`, "", 0, "", "not a role"},
		{`"Wang Li" eb huge +1`, "", 0, "", "not an influence"},
		{``, "", 0, "", "Who is it"},
	}
	for _, c := range cases {
		toks, _ := tokens(c.text)
		s, err := parseStance(toks)
		if c.err != "" {
			if err == nil || !strings.Contains(salesbot.ErrorMessage(err), c.err) {
				t.Errorf("%q: err %v, want %q", c.text, err, c.err)
			}
			continue
		}
		if err != nil || s.Name != c.name || s.Support != c.support || s.Notes != c.notes {
			t.Errorf("%q: %+v %v", c.text, s, err)
		}
	}
}

// FuzzCommandText runs everything a handler does to a command's text before
// it touches the store: it must never panic, whatever Slack sends.
func FuzzCommandText(f *testing.F) {
	for _, s := range []string{
		`new "Acme Industrial" B`, `Acme 2026-11-20 met CFO next: 2026-12-01 quote`, `“华为” eb high +2`,
		`「東京商事」 tb low -3 notes`, `<@U1|x> &amp; &lt;`, `"unclosed`, "\x00\xff", `next:`, "a\u3000b",
	} {
		f.Add(s)
	}
	today := salesbot.Date{Year: 2026, Month: 11, Day: 23}
	f.Fuzz(func(t *testing.T, text string) {
		for _, command := range []string{"/lead", "/visit", "/stance"} {
			if q, ok := prefetchQuery(slack.SlashCommand{Command: command, Text: text}); ok && len(q.Names) == 0 && q.Part == "" {
				t.Errorf("%s %q: a look-up with nothing to look up", command, text)
			}
		}
		toks, err := tokens(text)
		if err != nil {
			return
		}
		_, _ = parseStance(toks)
		_, _ = salesbot.ParseVisitText(toks, today)
		for _, tok := range toks {
			_, _ = mention(tok.Text)
			_ = salesbot.NormalizeCompany(tok.Text)
		}
	})
}
