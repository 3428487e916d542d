package handlers

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"salesbot"
)

func TestParseStanceOptionalWords(t *testing.T) {
	type want struct {
		decision salesbot.DecisionRole
		depth    salesbot.ContactDepth
		attitude salesbot.Attitude
		notes    string
		wins     string
	}
	cases := []struct {
		text string
		want want
	}{
		{`"Wang Li" eb high +2`, want{}},
		{`"Wang Li" eb high +2 met at demo`, want{notes: "met at demo"}},
		{`"Wang Li" eb high +2 approver brief pragmatist met at demo`,
			want{salesbot.DecisionApprover, salesbot.DepthBrief, salesbot.AttitudePragmatist, "met at demo", ""}},
		// Any order, Chinese names too.
		{`"Wang Li" eb high +2 保守者 deep dm`, want{salesbot.DecisionMaker, salesbot.DepthDeep, salesbot.AttitudeConservative, "", ""}},
		{`"Wang Li" eb high +2 several gatekeeper`, want{decision: salesbot.DecisionGatekeeper, depth: salesbot.DepthSeveral}},
		// Each at most once: a second depth word starts the notes.
		{`"Wang Li" eb high +2 deep deep thinker`, want{depth: salesbot.DepthDeep, notes: "deep thinker"}},
		// A quoted word is a note.
		{`"Wang Li" eb high +2 "brief" call only`, want{notes: "brief call only"}},
		// "influencer" after the support is the decision role; as the role it is tb.
		{`"Wang Li" influencer high +2 influencer`, want{decision: salesbot.DecisionInfluencer}},
		// Personal wins at the end.
		{`"Wang Li" eb high +2 dm likes us wins: avoid risk, be seen by the board`,
			want{decision: salesbot.DecisionMaker, notes: "likes us", wins: "avoid risk, be seen by the board"}},
		{`"Wang Li" eb high +2 wins:stability`, want{wins: "stability"}},
		{`王总 eb 高 +2 批准者 个人需求：被上司赏识`, want{decision: salesbot.DecisionApprover, wins: "被上司赏识"}},
	}
	for _, c := range cases {
		toks, err := tokens(c.text)
		if err != nil {
			t.Fatal(err)
		}
		s, err := parseStance(toks)
		if err != nil {
			t.Errorf("%q: %v", c.text, err)
			continue
		}
		got := want{s.DecisionRole, s.ContactDepth, s.Attitude, s.Notes, s.PersonalWins}
		if got != c.want {
			t.Errorf("%q:\n got %+v\nwant %+v", c.text, got, c.want)
		}
	}
}

// sampleMapLead is a lead whose people cover every quadrant and every
// optional field.
func sampleMapLead(t *testing.T) (*salesbot.Lead, time.Time, *time.Location) {
	t.Helper()
	l, now, loc := sampleLead(t)
	rep := salesbot.Actor{User: "U0REP"}
	must := func(_ salesbot.Change, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	early := time.Date(2026, 11, 3, 15, 0, 0, 0, loc)
	// 王丽 was +2; she turned -1, then back to +2 after the demo.
	must(l.SetStakeholder(rep, salesbot.Stakeholder{Name: "王丽", Role: salesbot.RoleEconomicBuyer, Influence: salesbot.InfluenceHigh, Support: -1, Notes: "budget cut"}, early.Add(-48*time.Hour)))
	must(l.SetStakeholder(rep, salesbot.Stakeholder{Name: "王丽", Role: salesbot.RoleEconomicBuyer, Influence: salesbot.InfluenceHigh, Support: 2,
		DecisionRole: salesbot.DecisionApprover, Attitude: salesbot.AttitudePragmatist, Notes: "after the demo"}, early))
	must(l.SetStakeholder(rep, salesbot.Stakeholder{Name: "Li Na", Role: salesbot.RoleCoach, Influence: salesbot.InfluenceLow, Support: 3, ContactDepth: salesbot.DepthDeep}, early))
	must(l.SetStakeholder(rep, salesbot.Stakeholder{Name: "Zhao <b>", Role: salesbot.RoleUser, Influence: salesbot.InfluenceLow, Support: 1}, early))
	must(l.SetStakeholder(rep, salesbot.Stakeholder{Name: "Zhao <b>", Role: salesbot.RoleUser, Influence: salesbot.InfluenceLow, Support: -2, Notes: "heard the <price>"}, now))
	must(l.SetStakeholder(rep, salesbot.Stakeholder{Name: "Sun Qi", Role: salesbot.RoleCoordinator, Influence: salesbot.InfluenceMedium, Support: 0}, early))
	must(l.RecordVisit(rep, &salesbot.Visit{Date: salesbot.Date{Year: 2026, Month: 11, Day: 20}, Met: []string{"王丽"}}, loc, now))
	return l, now, loc
}

func TestStakeholderMap(t *testing.T) {
	l, now, loc := sampleMapLead(t)
	h := New(nil, nil, Config{Now: func() time.Time { return now }})
	msg := h.stakeholderMap(request{actor: salesbot.Actor{User: "U0REP"}, loc: loc}, l)
	b, _ := json.Marshal(msg.Blocks)
	got := strings.NewReplacer(`\u003e`, ">", `\u003c`, "<", `\u0026`, "&").Replace(string(b))
	for _, want := range []string{
		"People at 上海明达机械有限公司", "5 people", ":angel: 1 · :smiling_imp: 1 · :heart: 1 · :imp: 1 · :white_circle: 1",
		"*王丽* +2 — Economic buyer · Approver · high influence", "Brief contact · met 3 days ago · Pragmatist",
		"▲ -1 → +2 on 2026-11-03 _after the demo_",
		"*Zhang Wei* -2 — Technical buyer · high influence", "No contact · never met",
		"*Li Na* +3 — Coach · low influence", "Deep contact · no meeting logged",
		"*Zhao &lt;b&gt;* -2", "▼ +1 → -2 on 2026-11-23 _heard the &lt;price&gt;_", // escaped
		"*Sun Qi* 0 — Coordinator · medium influence",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("map lacks %q:\n%s", want, got)
		}
	}
	// Quadrants in the order a rep should look: angels first, neutral last.
	if a, n := strings.Index(got, "Angels"), strings.Index(got, "Neutral"); a < 0 || n < a {
		t.Errorf("angels at %d, neutral at %d", a, n)
	}
}

func TestStakeholderMapKeepsEveryPersonWithinSlackLimits(t *testing.T) {
	l, now, loc := sampleLead(t)
	rep := salesbot.Actor{User: "U0REP"}
	for i := range salesbot.MaxStakeholders - len(l.Stakeholders) {
		name := fmt.Sprintf("%s %02d", strings.Repeat("长名字", 20), i)
		for _, support := range []salesbot.Support{-3, salesbot.Support(i%7 - 3)} {
			s := salesbot.Stakeholder{Name: name, Role: salesbot.RoleUser, Influence: salesbot.Influences[i%3], Support: support,
				DecisionRole: salesbot.DecisionGatekeeper, Attitude: salesbot.AttitudeConservative, Notes: strings.Repeat("很长的理由", 100)}
			if _, err := l.SetStakeholder(rep, s, now); err != nil {
				t.Fatal(err)
			}
		}
	}
	h := New(nil, nil, Config{Now: func() time.Time { return now }})
	msg := h.stakeholderMap(request{actor: rep, loc: loc}, l)
	blocks := msg.Blocks.BlockSet
	b, _ := json.Marshal(slack.Blocks{BlockSet: blocks})
	for i := range salesbot.MaxStakeholders - 2 {
		if name := fmt.Sprintf(" %02d*", i); !strings.Contains(string(b), name) {
			t.Fatalf("person %d is missing from the map", i)
		}
	}
	if len(blocks) > 50 {
		t.Fatalf("%d blocks; Slack allows 50", len(blocks))
	}
	for _, bl := range blocks {
		if s, ok := bl.(*slack.SectionBlock); ok && s.Text != nil && len([]rune(s.Text.Text)) > 3000 {
			t.Fatalf("section of %d characters; Slack allows 3000", len([]rune(s.Text.Text)))
		}
	}
}
