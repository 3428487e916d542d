package bot_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"salesbot"
)

// TestCompanyWithPipeThroughEveryButton: a company named with "|" works
// through every button it has, as the buttons carry IDs only: the new-lead
// grade buttons, the card's buttons and regrade menu, the reminder's, the
// request for a lead and a manager's answer, a stage approval.
func TestCompanyWithPipeThroughEveryButton(t *testing.T) {
	h := newHarness(t)
	const name = "A|B Co"
	reply := h.command(rep, `/lead new "A|B Co"`)
	mustContain(t, "new", text(reply), "*A|B Co* is your lead")
	blocks := func(msg slack.Msg) string {
		b, _ := json.Marshal(msg.Blocks)
		return string(b)
	}
	values := actionValues(t, blocks(reply))
	gradeB := ""
	for _, v := range values["grade_button"] {
		if strings.HasSuffix(v, "|B") {
			gradeB = v
		}
	}
	h.click(rep, "grade_button", gradeB)
	if got := h.lead(name); got.Grade != salesbot.GradeB {
		t.Fatalf("grade button: grade %s, want B", got.Grade)
	}

	// The card: its form buttons open forms with the name as it is, its
	// menu regrades, its map shows.
	card := actionValues(t, blocks(h.command(rep, `/lead show "A|B Co"`)))
	for _, action := range []string{"visit_open", "stance_open"} {
		before := len(h.slack.Calls("views.open"))
		h.click(rep, action, card[action][0])
		mustContain(t, action, h.slack.WaitFor(t, "views.open", before+1)[before].Param("view"), `"initial_value":"A|B Co"`)
	}
	gradeA := ""
	for _, v := range card["grade_set"] {
		if strings.HasSuffix(v, "|A") {
			gradeA = v
		}
	}
	h.click(rep, "grade_set", gradeA)
	if got := h.lead(name); got.Grade != salesbot.GradeA {
		t.Fatalf("regrade menu: grade %s, want A", got.Grade)
	}
	h.click(rep, "map_open", card["map_open"][0])
	said := h.slack.Calls("response")
	mustContain(t, "map", said[len(said)-1].Text(), "People at A|B Co")

	// The reminder: Log visit and Regrade open their forms, the form
	// redraws the reminder, Snooze snoozes.
	msg := h.remind(rep, name)
	rem := actionValues(t, msg.Param("blocks"))
	opened := len(h.slack.Calls("views.open"))
	h.clickIn(rep, msg.Channel, msg.TS, "reminder_regrade", rem["reminder_regrade"][0])
	mustContain(t, "regrade form", h.slack.WaitFor(t, "views.open", opened+1)[opened].Param("view"), `"callback_id":"lead_grade"`, `"initial_value":"A|B Co"`)
	h.clickIn(rep, msg.Channel, msg.TS, "reminder_visit", rem["reminder_visit"][0])
	form := h.slack.WaitFor(t, "views.open", opened+2)[opened+1].Param("view")
	mustContain(t, "visit form", form, `"callback_id":"visit"`, `"initial_value":"A|B Co"`)
	var view struct {
		PrivateMetadata string `json:"private_metadata"`
	}
	_ = json.Unmarshal([]byte(form), &view)
	if status, body := h.submitMeta(rep, "visit", view.PrivateMetadata, map[string]slack.BlockAction{"company": value(name), "notes": value("met IT")}); status != http.StatusOK || len(body) != 0 {
		t.Fatalf("visit form: %d %s", status, body)
	}
	mustContain(t, "redrawn", h.slack.WaitFor(t, "chat.update", 1)[0].Text(), "Visit logged by <@"+rep+">")
	h.clickIn(rep, msg.Channel, msg.TS, "reminder_snooze#7", rem["reminder_snooze#7"][0]) // a week
	if got := h.lead(name); got.SnoozedUntil.IsZero() {
		t.Fatal("snooze: not snoozed")
	}

	// A stage move that needs a manager, approved from the request.
	for _, st := range []string{"first-visit", "discovery", "demo"} {
		h.command(rep, `/lead stage "A|B Co" `+st)
	}
	mustContain(t, "quote", h.command(rep, `/lead stage "A|B Co" quote`).Text, "needs a manager's approval")
	h.h.Wait() // the managers are asked after the reply
	var approve []string
	for _, p := range h.slack.Calls("chat.postMessage") {
		if v := actionValues(t, p.Param("blocks"))["approve"]; len(v) > 0 {
			approve = v
		}
	}
	if len(approve) == 0 {
		t.Fatal("no approval request was sent")
	}
	h.click(manager, "approve", approve[0])
	if got := h.lead(name); got.Stage != salesbot.StageQuote {
		var said []string
		for _, c := range h.slack.Calls("response") {
			said = append(said, c.Text())
		}
		t.Fatalf("approval: stage %s, want quote; the clicks' responses: %q", got.Stage, said)
	}

	// Another rep asks for it from the duplicate reply; a manager assigns it.
	dup := actionValues(t, blocks(h.command(other, `/lead new "A|B Co"`)))
	before := len(h.slack.Calls("chat.postMessage"))
	h.click(other, "lead_request", dup["lead_request"][0])
	ask := h.slack.WaitFor(t, "chat.postMessage", before+1)[before]
	mustContain(t, "request", ask.Text(), "A|B Co")
	h.click(manager, "assign_to", actionValues(t, ask.Param("blocks"))["assign_to"][0])
	if got := h.lead(name); got.Owner != other {
		t.Fatalf("assign: owner %s, want %s", got.Owner, other)
	}
}
