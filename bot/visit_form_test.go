package bot_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"salesbot"
)

// TestVisitFormTellsStrangersNoOnesNames: another rep who submits the visit
// form for a lead they named exactly, with a name not recorded under
// "people met", is refused as a stranger, and the refusal does not list the
// people recorded at the lead (only its owner and managers see those).
// Nothing is logged.
func TestVisitFormTellsStrangersNoOnesNames(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Closely Held")
	h.command(rep, `/stance "Closely Held" "Zhao Secret" eb high +2`)
	status, body := h.submit(other, "visit", map[string]slack.BlockAction{
		"company": value("Closely Held"), "met": value("Nobody Known"), "notes": value("walked in"),
	})
	if status != http.StatusOK {
		t.Fatalf("status %d body %s", status, body)
	}
	if strings.Contains(string(body), "Zhao Secret") {
		t.Fatalf("the refusal lists the lead's people to another rep: %s", body)
	}
	mustContain(t, "refusal", string(body), `"response_action":"errors"`, "company", "Only its owner or a manager")
	visits, err := h.store.Visits(t.Context(), h.team, h.lead("Closely Held").ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(visits) != 0 {
		t.Fatalf("a stranger's visit was logged: %+v", visits)
	}

	// The owner mistyping a name is told, under the names input, who is
	// recorded.
	status, body = h.submit(rep, "visit", map[string]slack.BlockAction{
		"company": value("Closely Held"), "met": value("Zhao Secert"),
	})
	if status != http.StatusOK {
		t.Fatalf("status %d body %s", status, body)
	}
	mustContain(t, "owner's typo", string(body), `"met":`, "Zhao Secret", `Or add them first with /stance \"Closely Held\" \"Zhao Secert\" \u003crole\u003e`)
}

// TestVisitCommandHints: /visit's refusals say how to write the touch in
// the command (the domain's refusal says only what is wrong).
func TestVisitCommandHints(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Hinted")
	today := now.In(shanghaiZone(t))
	tomorrow, lastWeek := today.AddDate(0, 0, 1).Format("2006-01-02"), today.AddDate(0, 0, -7).Format("2006-01-02")
	mustContain(t, "a touch tomorrow", text(h.command(rep, "/visit Hinted "+tomorrow+" demo")),
		tomorrow+" is in the future", "Plan it with `next: "+tomorrow+" &lt;step&gt;`")
	mustContain(t, "a next step last week", text(h.command(rep, "/visit Hinted demo next: "+lastWeek+" call")),
		lastWeek+" has passed", "For example `next: "+today.AddDate(0, 0, 7).Format("2006-01-02")+" call back`")
	mustContain(t, "someone not recorded", text(h.command(rep, `/visit Hinted met: "Nobody" demo`)),
		"No one is recorded at Hinted yet", "Quote the names when notes follow", "`/stance \"Hinted\" \"Nobody\" &lt;role&gt;")
}

// TestVisitFormDatesUnderTheirInputs: the service's refusal of a touch
// still to come, or of a next step already past, shows under the date it
// is about; a past touch is logged and the lead's next touch follows it.
func TestVisitFormDatesUnderTheirInputs(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Datewise")
	today := now.In(shanghaiZone(t)).Format("2006-01-02")
	tomorrow := now.In(shanghaiZone(t)).AddDate(0, 0, 1).Format("2006-01-02")
	yesterday := now.In(shanghaiZone(t)).AddDate(0, 0, -1).Format("2006-01-02")
	for _, c := range []struct {
		name, block string
		values      map[string]slack.BlockAction
	}{
		{"a touch tomorrow", "date", map[string]slack.BlockAction{"date": {SelectedDate: tomorrow}}},
		{"a next step yesterday", "next_date", map[string]slack.BlockAction{"date": {SelectedDate: today}, "next_step": value("call"), "next_date": {SelectedDate: yesterday}}},
	} {
		c.values["company"] = value("Datewise")
		status, body := h.submit(rep, "visit", c.values)
		var resp slack.ViewSubmissionResponse
		if status != http.StatusOK || json.Unmarshal(body, &resp) != nil || resp.ResponseAction != slack.RAErrors || resp.Errors[c.block] == "" {
			t.Fatalf("%s: status %d body %s; want an error under %s", c.name, status, body, c.block)
		}
	}
	before := h.lead("Datewise")
	if status, body := h.submit(rep, "visit", map[string]slack.BlockAction{"company": value("Datewise"), "date": {SelectedDate: yesterday}}); status != http.StatusOK || len(body) != 0 {
		t.Fatalf("a touch yesterday: status %d body %s", status, body)
	}
	after := h.lead("Datewise")
	// A grade C lead: its next touch is 30 days from the last one.
	if after.LastTouch.IsZero() || after.Due.Equal(before.Due) || !after.Due.Equal(after.LastTouch.Add(30*salesbot.Day)) {
		t.Fatalf("after a touch yesterday: last touch %v, due %v (was %v); want the due 30 days from the touch", after.LastTouch, after.Due, before.Due)
	}
}

func shanghaiZone(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
