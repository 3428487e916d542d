package bot_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"salesbot"
)

// shanghai is where the tests' users are.
func shanghai(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// person reads one stakeholder of a lead back from Redis.
func (h *harness) person(company, name string) salesbot.Stakeholder {
	h.t.Helper()
	s, ok := h.lead(company).Stakeholder(name)
	if !ok {
		h.t.Fatalf("%s at %s not stored", name, company)
	}
	return s
}

// submitRefused submits a modal that must be refused and returns its
// errors, block ID → message.
func (h *harness) submitRefused(user, callbackID string, values map[string]slack.BlockAction) map[string]string {
	h.t.Helper()
	status, body := h.submit(user, callbackID, values)
	var resp slack.ViewSubmissionResponse
	if status != http.StatusOK || json.Unmarshal(body, &resp) != nil || resp.ResponseAction != slack.RAErrors {
		h.t.Fatalf("%s: want errors; status %d body %s", callbackID, status, body)
	}
	return resp.Errors
}

func TestStanceByTextRecordsEveryField(t *testing.T) {
	h := newHarness(t)
	h.command(rep, `/lead new "Acme Industrial"`)

	// The optional words come in any order before the notes; wins at the end.
	reply := h.command(rep, `/stance Acme "Wang Li" eb high -1 conservative dm brief worried about the rollout wins: avoid risk, be seen by the board`)
	mustContain(t, "stance", text(reply), "*Wang Li* at *Acme Industrial*: Economic buyer · high influence · -1 uninterested — neutral.", // not yet against us (DOMAIN.md §3)
		"Decision maker · Brief contact · Conservative · wins: _avoid risk, be seen by the board_", "/lead map")
	s := h.person("Acme Industrial", "Wang Li")
	if s.DecisionRole != salesbot.DecisionMaker || s.ContactDepth != salesbot.DepthBrief || s.Attitude != salesbot.AttitudeConservative ||
		s.PersonalWins != "avoid risk, be seen by the board" || s.Notes != "worried about the rollout" || s.Support != -1 || len(s.History) != 0 {
		t.Fatalf("stored %+v", s)
	}
	// Chinese words work the same.
	h.command(rep, `/stance Acme 李娜 coach 低 +2 影响者 多次接触 实用主义者`)
	if li := h.person("Acme Industrial", "李娜"); li.DecisionRole != salesbot.DecisionInfluencer || li.ContactDepth != salesbot.DepthSeveral || li.Attitude != salesbot.AttitudePragmatist {
		t.Errorf("李娜 stored %+v", li)
	}

	// A change of support is history; what was not given again is kept.
	reply = h.command(rep, `/stance Acme “wang li” eb high +2 after the demo`)
	mustContain(t, "support change", reply.Text, "Support -1 → +2.", "Decision maker · Brief contact · Conservative")
	s = h.person("Acme Industrial", "Wang Li")
	want := []salesbot.SupportChange{{From: -1, To: 2, At: now, By: rep, Why: "after the demo"}}
	if len(s.History) != 1 || s.History[0].From != -1 || s.History[0].To != 2 || !s.History[0].At.Equal(now) || s.History[0].By != rep || s.History[0].Why != "after the demo" {
		t.Errorf("history %+v, want %+v", s.History, want)
	}
	if s.DecisionRole != salesbot.DecisionMaker || s.ContactDepth != salesbot.DepthBrief || s.Attitude != salesbot.AttitudeConservative || s.PersonalWins != "avoid risk, be seen by the board" {
		t.Errorf("an update without the optional fields lost them: %+v", s)
	}
	history, err := h.store.History(t.Context(), h.team, h.lead("Acme Industrial").ID, 20)
	if err != nil || !slices.ContainsFunc(history, func(c salesbot.Change) bool {
		return c.Kind == salesbot.ChangeStance && c.From == "-1" && c.To == "+2" && c.Reason == "Wang Li"
	}) {
		t.Errorf("lead history %+v, %v: want the stance change -1 → +2", history, err)
	}

	// The map shows it all, and the last change of support.
	m := text(h.command(rep, "/lead map Acme"))
	mustContain(t, "map", m, "People at Acme Industrial", "2 people",
		"*Wang Li* +2 — Economic buyer · Decision maker · high influence", "Brief contact · no meeting logged · Conservative",
		"▲ -1 → +2 on 2026-11-23 _after the demo_",
		"*李娜* +2 — Coach · Influencer · low influence", "Several contacts · no meeting logged · Pragmatist")
	if a, s := strings.Index(m, "Angels"), strings.Index(m, "Sweethearts"); a < 0 || s < a {
		t.Errorf("want angels before sweethearts:\n%s", m)
	}

	// The help and the usage show the new words.
	mustContain(t, "help", h.command(rep, "/salesbot help").Text, "[approver|decision-maker|evaluator|influencer|gatekeeper] [none|brief|several|deep]", "wins:")
	mustContain(t, "mistake", h.command(rep, `/stance Acme "Wang Li" eb high`).Text, "need a role", "approver brief pragmatist", "optional")
}

func TestStanceFormRecordsEveryField(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Hooli")
	h.command(rep, "/stance")
	form := h.slack.WaitFor(t, "views.open", 1)[0].Param("view")
	mustContain(t, "stance form", form, "Person", "Role", "Influence", "Support",
		"Decision role", `"block_id":"decision_role"`, "Contact depth", `"block_id":"depth"`,
		"Attitude to change", `"block_id":"attitude"`, "Personal wins", `"block_id":"wins"`)

	status, body := h.submit(rep, "stance", map[string]slack.BlockAction{
		"company": value("Hooli"), "person": value("Gavin Belson"), "role": option("eb"), "decision_role": option("approver"),
		"influence": option("high"), "support": option("-2"), "depth": option("several"), "attitude": option("laggard"),
		"wins": value("be seen as the visionary"), "notes": value("dislikes our CEO"),
	})
	if status != http.StatusOK || len(body) != 0 {
		t.Fatalf("stance form: status %d body %s", status, body)
	}
	s := h.person("Hooli", "gavin belson")
	if s.DecisionRole != salesbot.DecisionApprover || s.ContactDepth != salesbot.DepthSeveral || s.Attitude != salesbot.AttitudeLaggard ||
		s.PersonalWins != "be seen as the visionary" || s.Notes != "dislikes our CEO" || s.Quadrant() != salesbot.QuadrantDevil {
		t.Fatalf("stored %+v", s)
	}
	told := h.slack.WaitFor(t, "chat.postEphemeral", 1)[0]
	mustContain(t, "confirmation", told.Text(), "Gavin Belson", "Approver · Several contacts · Laggard")

	// The optional menus left empty keep the record; the support change is history.
	_, body = h.submit(rep, "stance", map[string]slack.BlockAction{
		"company": value("Hooli"), "person": value("GAVIN BELSON"), "role": option("eb"), "influence": option("high"), "support": option("1"),
		"notes": value("after the reference call"),
	})
	if len(body) != 0 {
		t.Fatalf("update: %s", body)
	}
	s = h.person("Hooli", "Gavin Belson")
	if s.DecisionRole != salesbot.DecisionApprover || s.ContactDepth != salesbot.DepthSeveral || s.Attitude != salesbot.AttitudeLaggard || s.PersonalWins != "be seen as the visionary" {
		t.Errorf("empty menus lost what was recorded: %+v", s)
	}
	if len(s.History) != 1 || s.History[0].From != -2 || s.History[0].To != 1 || s.History[0].Why != "after the reference call" {
		t.Errorf("history %+v", s.History)
	}

	// A value that is no choice (an old form) is refused under its menu.
	before := h.lead("Hooli")
	for block, bad := range map[string]string{"decision_role": "boss", "depth": "intimate", "attitude": "sceptic"} {
		errs := h.submitRefused(rep, "stance", map[string]slack.BlockAction{
			"company": value("Hooli"), "person": value("Gavin Belson"), "role": option("eb"), "influence": option("high"), "support": option("3"),
			block: option(bad),
		})
		if !strings.Contains(errs[block], bad) {
			t.Errorf("%s %q: errors %v, want one under %s", block, bad, errs, block)
		}
	}
	if after := h.lead("Hooli"); !after.UpdatedAt.Equal(before.UpdatedAt) || !reflect.DeepEqual(after.Stakeholders, before.Stakeholders) {
		t.Errorf("a refused form changed the lead: %+v", after.Stakeholders)
	}
}

func TestVisitMetDeepensContact(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Initech")
	h.command(rep, `/stance Initech "Wang Li" eb high +1`)
	h.command(rep, `/stance Initech "Li Na" coach low +2 several`)

	reply := h.command(rep, `/visit Initech met: "Wang Li" talked pricing`)
	mustContain(t, "visit", reply.Text, "Logged a visit with *Initech*", "Met *Wang Li* (brief contact)")
	wang, li := h.person("Initech", "Wang Li"), h.person("Initech", "Li Na")
	if wang.ContactDepth != salesbot.DepthBrief || !wang.LastMet.Equal(now) {
		t.Errorf("Wang Li: depth %q, last met %v; want brief, now", wang.ContactDepth, wang.LastMet)
	}
	if li.ContactDepth != salesbot.DepthSeveral || !li.LastMet.IsZero() {
		t.Errorf("Li Na was not met but changed: %+v", li)
	}
	l := h.lead("Initech")
	visits, err := h.store.Visits(t.Context(), h.team, l.ID, 5)
	if err != nil || len(visits) != 1 || !slices.Equal(visits[0].Met, []string{"Wang Li"}) || visits[0].Notes != "talked pricing" {
		t.Fatalf("visits %+v, %v", visits, err)
	}

	// A back-dated visit, names as typed: one step deeper each, the last
	// meeting never moved back.
	reply = h.command(rep, `/visit Initech 2026-11-20 demo met: wang li, LI NA next: 2026-11-30 send the quote`)
	mustContain(t, "second visit", reply.Text, "Met *Wang Li* (several contacts), *Li Na* (deep contact)", "send the quote")
	wang, li = h.person("Initech", "Wang Li"), h.person("Initech", "Li Na")
	if wang.ContactDepth != salesbot.DepthSeveral || !wang.LastMet.Equal(now) {
		t.Errorf("Wang Li: depth %q, last met %v; want several, still now", wang.ContactDepth, wang.LastMet)
	}
	if want := time.Date(2026, 11, 20, 12, 0, 0, 0, shanghai(t)); li.ContactDepth != salesbot.DepthDeep || !li.LastMet.Equal(want) {
		t.Errorf("Li Na: depth %q, last met %v; want deep, %v", li.ContactDepth, li.LastMet, want)
	}
	if l := h.lead("Initech"); l.NextStep != "send the quote" {
		t.Errorf("next step %q", l.NextStep)
	}

	// The Chinese marker, glued, with the ideographic comma.
	h.command(rep, `/visit Initech 拜访 见了：Wang Li、Li Na`)
	if wang := h.person("Initech", "Wang Li"); wang.ContactDepth != salesbot.DepthDeep {
		t.Errorf("Wang Li after a third visit: %q, want deep", wang.ContactDepth)
	}

	m := text(h.command(rep, "/lead map Initech"))
	mustContain(t, "map", m, "*Wang Li* +1 — Economic buyer · high influence", "Deep contact · met today",
		"*Li Na* +2 — Coach · low influence", "Deep contact · met today")

	// The visit form names people too.
	h.command(rep, `/stance Initech "Zhao Lei" user low 0`)
	status, body := h.submit(rep, "visit", map[string]slack.BlockAction{"company": value("Initech"), "met": value("zhao lei"), "notes": value("site tour")})
	if status != http.StatusOK || len(body) != 0 {
		t.Fatalf("visit form: %d %s", status, body)
	}
	if zhao := h.person("Initech", "Zhao Lei"); zhao.ContactDepth != salesbot.DepthBrief || !zhao.LastMet.Equal(now) {
		t.Errorf("Zhao Lei after the form: %+v", zhao)
	}
}

func TestVisitMetSomeoneUnknownIsRefused(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Initech")
	h.command(rep, `/stance Initech "Wang Li" eb high +1`)
	before := h.lead("Initech")

	for line, wants := range map[string][]string{
		`/visit Initech met: "Zhang San" talked pricing`: {`"Zhang San" is not one of the people recorded at Initech (Wang Li)`, `/stance "Initech" "Zhang San" &lt;role&gt; &lt;influence&gt; &lt;support&gt;`}, // escaped: Slack shows <role>
		`/visit Initech met: "Wang Li", "Zhang San"`:     {`"Zhang San" is not one of the people recorded`},
		// Unquoted names before notes run to the end: the reply says how to write it.
		`/visit Initech met: Wang Li talked pricing`: {`"Wang Li talked pricing" is not one of the people`, "Quote the names when notes follow"},
		`/visit Initech talked met:`:                 {"`met:` needs the names"},
	} {
		reply := h.command(rep, line)
		if reply.ResponseType != slack.ResponseTypeEphemeral || !strings.HasPrefix(reply.Text, ":warning:") {
			t.Errorf("%s: not refused: %+v", line, reply)
		}
		mustContain(t, line, reply.Text, wants...)
	}

	// In the form, the complaint is under the People met input.
	h.command(rep, "/visit")
	mustContain(t, "visit form", h.slack.WaitFor(t, "views.open", 1)[0].Param("view"), "People met", `"block_id":"met"`)
	errs := h.submitRefused(rep, "visit", map[string]slack.BlockAction{
		"company": value("Initech"), "met": value("Wang Li, Zhang San"), "notes": value("talked pricing"),
	})
	if !strings.Contains(errs["met"], `"Zhang San" is not one of the people recorded at Initech`) {
		t.Errorf("form errors %v, want one under met", errs)
	}

	after := h.lead("Initech")
	if !after.UpdatedAt.Equal(before.UpdatedAt) || !after.LastTouch.IsZero() || !reflect.DeepEqual(after.Stakeholders, before.Stakeholders) {
		t.Errorf("a refused visit changed the lead: %+v", after)
	}
	if visits, err := h.store.Visits(t.Context(), h.team, after.ID, 5); err != nil || len(visits) != 0 {
		t.Errorf("a refused visit was stored: %+v, %v", visits, err)
	}
}

func TestMapButtonOnTheCard(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Wonka")
	h.command(rep, `/stance Wonka "Charlie" coach low +3 deep`)
	l := h.lead("Wonka")
	card := text(h.command(rep, "/lead show Wonka"))
	mustContain(t, "card", card, `"action_id":"map_open"`, `"value":"`+l.ID+`"`, "Stakeholder map")

	h.click(rep, "map_open", l.ID)
	shown := h.slack.WaitFor(t, "response", 1)[0]
	mustContain(t, "map", shown.Text(), "People at Wonka", "*Charlie* +3 — Coach · low influence", "Deep contact · no meeting logged")
	if shown.Param("replace_original") == "true" || shown.Param("response_type") != slack.ResponseTypeEphemeral {
		t.Errorf("the map must come beside the card, only to the rep: replace_original %s, response_type %s",
			shown.Param("replace_original"), shown.Param("response_type"))
	}
	if n := len(h.slack.Calls("views.open")); n != 0 {
		t.Errorf("the map button opened %d forms", n)
	}

	// Another rep's lead is refused; a manager sees it.
	h.click(other, "map_open", l.ID)
	refused := h.slack.WaitFor(t, "response", 2)[1]
	mustContain(t, "stranger", refused.Text(), ":no_entry:", "only its owner and managers can see it")
	if strings.Contains(refused.Text(), "Charlie") {
		t.Errorf("a stranger saw the people: %s", refused.Text())
	}
	h.click(manager, "map_open", l.ID)
	mustContain(t, "manager", h.slack.WaitFor(t, "response", 3)[2].Text(), "Charlie")
}
