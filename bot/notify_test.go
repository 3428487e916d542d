package bot_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/internal/fakeslack"
)

// Slack's limits on what a message may hold (Block Kit reference).
const (
	slackMaxBlocks      = 50
	slackSectionText    = 3000
	slackContextText    = 2000
	slackButtonText     = 75
	slackButtonValue    = 2000
	slackActionID       = 255
	slackActionElements = 25
)

// checkBlocks fails the test for a message Slack would refuse: more than 50
// blocks, a text, a button's label or value over its limit, block IDs or
// (within one actions block) action IDs repeated.
func checkBlocks(t *testing.T, what string, c fakeslack.Call) []map[string]any {
	t.Helper()
	var blocks []map[string]any
	if err := json.Unmarshal([]byte(c.Param("blocks")), &blocks); err != nil {
		t.Fatalf("%s: blocks: %v", what, err)
	}
	if len(blocks) > slackMaxBlocks {
		t.Errorf("%s: %d blocks, Slack takes %d", what, len(blocks), slackMaxBlocks)
	}
	textOf := func(v any) string {
		m, _ := v.(map[string]any)
		s, _ := m["text"].(string)
		return s
	}
	ids := map[string]bool{}
	for i, b := range blocks {
		if id, _ := b["block_id"].(string); id != "" {
			if ids[id] {
				t.Errorf("%s: block %d repeats the block_id %q", what, i, id)
			}
			ids[id] = true
		}
		switch b["type"] {
		case "section":
			if n := utf8.RuneCountInString(textOf(b["text"])); n == 0 || n > slackSectionText {
				t.Errorf("%s: section %d has %d characters", what, i, n)
			}
			if acc, ok := b["accessory"].(map[string]any); ok {
				checkButton(t, what, acc)
			}
		case "context":
			els, _ := b["elements"].([]any)
			if len(els) == 0 || len(els) > 10 {
				t.Errorf("%s: context %d has %d elements", what, i, len(els))
			}
			for _, el := range els {
				if n := utf8.RuneCountInString(textOf(el)); n == 0 || n > slackContextText {
					t.Errorf("%s: context %d has a text of %d characters", what, i, n)
				}
			}
		case "actions":
			els, _ := b["elements"].([]any)
			if len(els) == 0 || len(els) > slackActionElements {
				t.Errorf("%s: actions %d has %d elements", what, i, len(els))
			}
			seen := map[string]bool{}
			for _, el := range els {
				m, _ := el.(map[string]any)
				checkButton(t, what, m)
				key := fmt.Sprint(m["action_id"], m["value"])
				if seen[key] {
					t.Errorf("%s: actions %d repeats %s", what, i, key)
				}
				seen[key] = true
			}
		default:
			t.Errorf("%s: block %d is a %v", what, i, b["type"])
		}
	}
	return blocks
}

func checkButton(t *testing.T, what string, b map[string]any) {
	t.Helper()
	label, _ := b["text"].(map[string]any)["text"].(string)
	value, _ := b["value"].(string)
	id, _ := b["action_id"].(string)
	if n := utf8.RuneCountInString(label); n == 0 || n > slackButtonText {
		t.Errorf("%s: button %q has a label of %d characters", what, label, n)
	}
	if len(value) > slackButtonValue || id == "" || len(id) > slackActionID {
		t.Errorf("%s: button %q: value of %d, action_id %q", what, label, len(value), id)
	}
}

var remindedLead = regexp.MustCompile(`"block_id":"reminder:([a-z0-9]+)"`)

// leadsIn lists the leads a reminder message shows buttons for, in order.
func leadsIn(c fakeslack.Call) []string {
	var ids []string
	for _, m := range remindedLead.FindAllStringSubmatch(c.Param("blocks"), -1) {
		ids = append(ids, m[1])
	}
	return ids
}

// TestMorningMessage: a rep with 60 due follow-ups gets one morning message
// within Slack's limits: a header, the leads that fit, each with its own
// buttons, then "…and N more" with Show all. Show all posts the rest in
// the thread, a page at a time, each page valid and with its own Show all
// while more are left; together they show every lead once. Someone else's
// click on it shows nothing and says so; a snooze on a page redraws that
// page with its Show all kept.
func TestMorningMessage(t *testing.T) {
	h := newHarness(t)
	h.slack.RealDMs()
	h.seedLeads(rep, "Morning", salesbot.GradeC, 60)
	leads, err := h.store.LeadsOwnedBy(t.Context(), h.team, rep)
	if err != nil || len(leads) != 60 {
		t.Fatalf("seeded %d leads: %v", len(leads), err)
	}
	if err := h.h.Remind(t.Context(), h.team, rep, leads, true); err != nil {
		t.Fatal(err)
	}
	posts := h.slack.Calls("chat.postMessage")
	if len(posts) != 1 {
		t.Fatalf("%d messages for the morning, want one", len(posts))
	}
	morning := posts[0]
	checkBlocks(t, "morning", morning)
	shown := leadsIn(morning)
	if len(shown) < 10 || len(shown) >= 60 {
		t.Fatalf("the morning message shows %d leads, want as many as fit (at least 10) and not all 60", len(shown))
	}
	mustContain(t, "morning", morning.Text(), "Good morning", "60", fmt.Sprintf("…and %d more", 60-len(shown)), "Show all", "reminder_more",
		"Log visit", "Snooze 1 day", "Regrade", ":bulb: Try:", "kind:")
	for _, l := range leads {
		if l.Suggested == "" {
			t.Fatalf("%s: the suggestion shown is not on the lead for the sender to save", l.Company)
		}
	}

	// A snooze on the morning message redraws it as it was: its header
	// and its Show all kept, the lead marked.
	h.clickIn(rep, morning.Channel, morning.TS, "reminder_snooze", shown[0]+"|1")
	updates := h.slack.Calls("chat.update")
	if len(updates) != 1 {
		t.Fatalf("%d redraws after a snooze on the morning message", len(updates))
	}
	checkBlocks(t, "morning redrawn", updates[0])
	mustContain(t, "morning redrawn", updates[0].Text(), "Good morning", "Snoozed until", fmt.Sprintf("…and %d more", 60-len(shown)), "reminder_more")

	// A stranger's click on the rep's Show all: refused, nothing posted.
	h.clickIn(other, morning.Channel, morning.TS, "reminder_more", "1")
	if n := len(h.slack.Calls("chat.postMessage")); n != 1 {
		t.Fatalf("a stranger's Show all posted %d messages", n-1)
	}
	responses := h.slack.Calls("response")
	if len(responses) == 0 || !strings.Contains(responses[len(responses)-1].Text(), "not yours") {
		t.Fatalf("the stranger was not told: %v", responses)
	}

	seen := map[string]bool{}
	for _, id := range shown {
		seen[id] = true
	}
	clicked := morning
	for page := 1; ; page++ {
		if page > 5 {
			t.Fatal("Show all never ends")
		}
		before := len(h.slack.Calls("chat.postMessage"))
		h.clickIn(rep, clicked.Channel, clicked.TS, "reminder_more", "1")
		posts := h.slack.Calls("chat.postMessage")
		if len(posts) != before+1 {
			t.Fatalf("page %d: %d messages posted", page, len(posts)-before)
		}
		p := posts[before]
		if p.Param("thread_ts") != morning.TS {
			t.Errorf("page %d is not in the morning message's thread: %q", page, p.Param("thread_ts"))
		}
		checkBlocks(t, fmt.Sprintf("page %d", page), p)
		for _, id := range leadsIn(p) {
			if seen[id] {
				t.Errorf("page %d shows %s again", page, id)
			}
			seen[id] = true
		}
		if !strings.Contains(p.Text(), "reminder_more") {
			break
		}
		if page == 1 {
			// A snooze on a page redraws it, Show all kept.
			id := leadsIn(p)[0]
			h.clickIn(rep, p.Channel, p.TS, "reminder_snooze", id+"|1")
			updates := h.slack.Calls("chat.update")
			if len(updates) == 0 {
				t.Fatal("the page was not redrawn after a snooze")
			}
			u := updates[len(updates)-1]
			checkBlocks(t, "page redrawn", u)
			mustContain(t, "page redrawn", u.Text(), "Snoozed until", "reminder_more", "Show all")
		}
		clicked = p
	}
	if len(seen) != 60 {
		t.Errorf("the morning and its pages show %d leads, want all 60", len(seen))
	}
}

// TestReminderSuggestions: a C lead's reminder suggests a maintenance
// action with the /visit that logs it, a B lead's asks the B question, an A
// lead's suggests nothing; the next reminder of the C lead, once the first
// suggestion is saved, suggests another; the team's own list replaces the
// default, set by a manager only.
func TestReminderSuggestions(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Cee Co C")
	h.command(rep, "/lead new Bee Co B")
	h.command(rep, "/lead new Ay Co A")
	msg := h.remind(rep, "Cee Co", "Bee Co", "Ay Co")
	mustContain(t, "reminder", msg.Text(), ":bulb: Try:", `/visit \"Cee Co\" kind:`, "Has the event they are waiting for happened")
	if n := strings.Count(msg.Text(), ":bulb:") + strings.Count(msg.Text(), ":question:"); n != 2 {
		t.Errorf("%d suggestions for a C, a B and an A lead, want 2", n)
	}

	// The sender saves the suggestion with the lead (as the scheduler's
	// settle does); the next reminder suggests another.
	first := suggestionIn(msg.Text())
	l := h.lead("Cee Co")
	l.MarkSuggested(salesbot.MaintenanceAction{Text: englishAction(t, first)})
	if _, err := h.store.UpdateLead(t.Context(), h.team, l.ID, func(x *salesbot.Lead) (salesbot.Update, error) {
		x.Suggested = l.Suggested
		return salesbot.Update{}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if again := suggestionIn(h.remind(rep, "Cee Co").Text()); again == first || again == "" {
		t.Errorf("the next reminder suggests %q after %q", again, first)
	}

	reply := text(h.command(rep, "/salesbot touches C event: spring seminar"))
	mustContain(t, "a rep sets the list", reply, "Only managers")
	reply = text(h.command(manager, "/salesbot touches C event: spring seminar; 寄行业报告"))
	mustContain(t, "manager sets C", reply, "spring seminar", "寄行业报告", "kind:event", "Grade D")
	// The list's first pick for a lead depends on its (random) ID: either
	// of the team's own actions, none of the default's.
	if custom := h.remind(rep, "Cee Co").Text(); !strings.Contains(custom, "spring seminar") && !strings.Contains(custom, "寄行业报告") {
		t.Errorf("custom: want the team's own action in:\n%s", custom)
	}
	mustContain(t, "bad grade", text(h.command(manager, "/salesbot touches A call them")), "C and D")
	mustContain(t, "back to default", text(h.command(manager, "/salesbot touches C default")), "case study")
}

var suggestion = regexp.MustCompile(`:bulb: Try: ([^—\\"]+?)(?: —|\\n|")`)

func suggestionIn(s string) string {
	m := suggestion.FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	return strings.TrimSpace(m[1])
}

// englishAction is the default action shown as s.
func englishAction(t *testing.T, s string) string {
	t.Helper()
	for _, a := range salesbot.DefaultMaintenanceTexts() {
		if a == s {
			return a
		}
	}
	t.Fatalf("%q is not a default action", s)
	return ""
}

// TestNotifyCommand: /salesbot notify alone opens the form filled in with
// the caller's choices (the digest choice for managers only); its text forms
// change one choice and show them all; bad input says how to write it and
// changes nothing; the form's submission is checked field by field.
func TestNotifyCommand(t *testing.T) {
	h := newHarness(t)
	prefs := func(user string) salesbot.NotifyPrefs {
		t.Helper()
		m, err := h.store.NotifyPrefsOf(t.Context(), h.team, []string{user})
		if err != nil {
			t.Fatal(err)
		}
		return m[user]
	}

	h.command(rep, "/salesbot notify")
	view, _ := h.openedView(1)
	mustContain(t, "rep's form", view, "notify_prefs", "One morning message", "Each as it falls due", "When my working day starts", "Days off")
	if strings.Contains(view, "digest_quiet") {
		t.Error("a rep's form offers the digest choice")
	}

	mustContain(t, "batch 8", text(h.command(rep, "/salesbot notify batch 8")), "saved", "08:00")
	mustContain(t, "each", text(h.command(rep, "/salesbot notify each")), "each as it falls due")
	mustContain(t, "off", text(h.command(rep, "/salesbot notify off 2026-12-24..2027-01-02, 2027-02-10")), "2026-12-24..2027-01-02, 2027-02-10")
	mustContain(t, "off 通知", text(h.command(rep, "/salesbot 通知 休假 2027-03-01")), "2027-03-01")
	want := salesbot.NotifyPrefs{Mode: salesbot.NotifyEach, BatchHour: 8, DaysOff: []salesbot.DateSpan{
		{From: salesbot.Date{Year: 2026, Month: 12, Day: 24}, To: salesbot.Date{Year: 2027, Month: 1, Day: 2}},
		{From: salesbot.Date{Year: 2027, Month: 2, Day: 10}, To: salesbot.Date{Year: 2027, Month: 2, Day: 10}},
		{From: salesbot.Date{Year: 2027, Month: 3, Day: 1}, To: salesbot.Date{Year: 2027, Month: 3, Day: 1}},
	}}
	if got := prefs(rep); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("choices %+v, want %+v", got, want)
	}
	for line, wants := range map[string][]string{
		"/salesbot notify batch 25":                     {"25 is not an hour", "0 to 23"},
		"/salesbot notify batch eight":                  {"not an hour", "batch 8"},
		"/salesbot notify off christmas":                {"not a day", "2026-12-24..2027-01-02"},
		"/salesbot notify off 2026-11-01..2026-11-02":   {"over already"},
		"/salesbot notify off 2026-12-24..2026-12-20":   {"not a span of days"},
		"/salesbot notify off 2026-12-01..2029-01-01":   {"more than a year ahead"},
		"/salesbot notify sometimes":                    {"notify batch [0-23|start]"},
		"/salesbot notify digest maybe":                 {"digest quiet|skip"},
		"/salesbot notify off 2026-13-01":               {"not a day"},
		"/salesbot notify each now":                     {"notify batch [0-23|start]"},
		"/salesbot notify off":                          {"notify off none"},
		"/salesbot notify batch 8 9":                    {"notify each"},
		"/salesbot notify off 2026-12-24..2027-01-02..": {"not a day"},
	} {
		mustContain(t, line, text(h.command(rep, line)), wants...)
	}
	if got := prefs(rep); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("bad input changed the choices: %+v", got)
	}
	mustContain(t, "off none", text(h.command(rep, "/salesbot notify off none")), "Days off: none")
	mustContain(t, "rep's reply", text(h.command(rep, "/salesbot notify batch start")), "when your working day starts")
	if strings.Contains(text(h.command(rep, "/salesbot notify each")), "Digest") {
		t.Error("a rep is shown the digest choice")
	}

	// A manager: the form has the digest choice; the text form sets it.
	mustContain(t, "digest skip", text(h.command(manager, "/salesbot notify digest skip")), "Digest on a quiet day: not sent")
	h.command(manager, "/salesbot notify")
	view, _ = h.openedView(2)
	mustContain(t, "manager's form", view, "digest_quiet", "Not sent")

	// The form: saved as chosen; a bad day off is shown under its input.
	status, body := h.submit(manager, "notify_prefs", map[string]slack.BlockAction{
		"notify_mode": option("batch"), "notify_hour": option("7"), "days_off": value("2026-12-31"), "digest_quiet": option("send"),
	})
	if status != http.StatusOK || len(body) != 0 {
		t.Fatalf("form: %d %s", status, body)
	}
	got := prefs(manager)
	if got.Mode != salesbot.NotifyBatch || got.BatchHour != 7 || len(got.DaysOff) != 1 || got.SkipEmptyDigest {
		t.Errorf("after the form: %+v", got)
	}
	for field, values := range map[string]map[string]slack.BlockAction{
		"days_off":    {"notify_mode": option("batch"), "notify_hour": option("7"), "days_off": value("soon")},
		"notify_hour": {"notify_mode": option("batch"), "notify_hour": option("99")},
		"notify_mode": {"notify_mode": option("hourly"), "notify_hour": option("7")},
	} {
		errs := h.submitRefused(manager, "notify_prefs", values)
		if errs[field] == "" {
			t.Errorf("a bad %s: errors %v, want one under it", field, errs)
		}
	}
	if again := prefs(manager); fmt.Sprint(again) != fmt.Sprint(got) {
		t.Errorf("refused forms changed the choices: %+v", again)
	}
}

// TestVisitKind: `/visit … kind:` logs the touch as that kind (English or
// Chinese), shown on the card; an unknown kind says which there are and
// logs nothing.
func TestVisitKind(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Kindly Co C")
	mustContain(t, "kind:event", text(h.command(rep, "/visit Kindly Co invited them to the seminar kind:seminar")), "Logged a event")
	visits, err := h.store.Visits(t.Context(), h.team, h.lead("Kindly Co").ID, 5)
	if err != nil || len(visits) != 1 || visits[0].Kind != salesbot.KindEvent || visits[0].Notes != "invited them to the seminar" {
		t.Fatalf("visits %+v %v", visits, err)
	}
	h.command(rep, "/visit Kindly Co 方式:贺卡 中秋贺卡")
	mustContain(t, "card", text(h.command(rep, "/lead show Kindly Co")), "greeting")
	mustContain(t, "reminder", h.remind(rep, "Kindly Co").Text(), "Last greeting", "中秋贺卡")
	reply := text(h.command(rep, "/visit Kindly Co kind:lunch ate"))
	mustContain(t, "bad kind", reply, "not a kind of touch", "news, case, reference or greeting")
	if visits, _ := h.store.Visits(t.Context(), h.team, h.lead("Kindly Co").ID, 5); len(visits) != 2 {
		t.Errorf("%d visits after a bad kind, want 2", len(visits))
	}
}

// TestMorningMessageWithRiskNews: the morning message carries the risks new
// on the rep's other A and B leads after its follow-ups, within Slack's
// limits even with 60 due leads, and a click on it redraws it with the news
// as it now stands: a lead whose risks were fixed meanwhile drops out.
func TestMorningMessageWithRiskNews(t *testing.T) {
	h := newHarness(t)
	h.slack.RealDMs()
	h.seedLeads(rep, "Morning", salesbot.GradeC, 60)
	due, err := h.store.LeadsOwnedBy(t.Context(), h.team, rep)
	if err != nil {
		t.Fatal(err)
	}
	h.command(rep, `/lead new "Risky Account" A`)
	h.command(rep, `/lead new "Fixed Soon" B`)
	// A follow-up due since the batch was claimed (or claimed by another
	// replica): its own reminder is on its way with its risks, so the news
	// leaves it out.
	h.command(rep, `/lead new "Awaiting Call" A`)
	h.command(rep, `/visit "Awaiting Call" 2026-11-13 first meeting`)
	risky, fixed, awaiting := h.lead("Risky Account"), h.lead("Fixed Soon"), h.lead("Awaiting Call")
	if !awaiting.AwaitsReminder(now) {
		t.Fatalf("Awaiting Call (due %v) does not await its reminder at %v", awaiting.Due, now)
	}
	news := salesbot.RiskNews{Rep: rep, New: []salesbot.LeadRisks{
		{Lead: risky, Risks: salesbot.Risks(risky, time.Now(), salesbot.DefaultCadence())},
		{Lead: fixed, Risks: []salesbot.Risk{{Kind: salesbot.RiskDevil}}},
		{Lead: awaiting, Risks: []salesbot.Risk{{Kind: salesbot.RiskDevil}}},
	}}
	if len(news.New[0].Risks) == 0 {
		t.Fatal("the new A lead has no risks to tell")
	}
	if err := h.h.RemindMorning(t.Context(), h.team, rep, due, news); err != nil {
		t.Fatal(err)
	}
	posts := h.slack.Calls("chat.postMessage")
	if len(posts) != 1 {
		t.Fatalf("%d messages for the morning, want one", len(posts))
	}
	morning := posts[0]
	checkBlocks(t, "morning with news", morning)
	mustContain(t, "morning with news", morning.Text(), "Good morning", "60", "Show all", "New risks on your leads", "Risky Account", "Fixed Soon", risky.ID+"|")
	if strings.Contains(morning.Text(), "Awaiting Call") {
		t.Errorf("the morning news tells of a lead whose own reminder is on its way:\n%s", morning.Text())
	}

	// "Fixed Soon" is regraded C meanwhile (its risks are an A or B lead's
	// no more); a snooze on the message redraws it with the news of the
	// leads still at risk.
	mustContain(t, "regrade", text(h.command(rep, `/lead grade "Fixed Soon" C no budget this year`)), "Fixed Soon")
	if l := h.lead("Fixed Soon"); l.Grade != salesbot.GradeC {
		t.Fatalf("Fixed Soon is %s, want C", l.Grade)
	}
	shown := leadsIn(morning)
	h.clickIn(rep, morning.Channel, morning.TS, "reminder_snooze", shown[0]+"|1")
	updates := h.slack.Calls("chat.update")
	if len(updates) != 1 {
		t.Fatalf("%d redraws after a snooze on the morning message", len(updates))
	}
	checkBlocks(t, "morning with news redrawn", updates[0])
	redrawn := updates[0].Text()
	mustContain(t, "morning with news redrawn", redrawn, "Good morning", "Snoozed until", "New risks on your leads", "Risky Account")
	if strings.Contains(redrawn, "Fixed Soon") {
		t.Errorf("the redrawn morning message still tells of a lead regraded C since:\n%s", redrawn)
	}
}
