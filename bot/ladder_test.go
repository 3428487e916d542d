package bot_test

import (
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"salesbot"
)

// lastResponse is the last reply sent through a response_url.
func (h *harness) lastResponse() string {
	h.t.Helper()
	r := h.slack.Calls("response")
	if len(r) == 0 {
		h.t.Fatal("no response_url reply")
	}
	return r[len(r)-1].Text()
}

// dmsTo lists the texts of the direct messages to user.
func (h *harness) dmsTo(user string) []string {
	var out []string
	for _, c := range h.slack.Calls("chat.postMessage") {
		if c.Param("channel") == user {
			out = append(out, c.Text())
		}
	}
	return out
}

// TestParkCommands: /lead park and /lead unpark (and their Chinese), the
// card's line, and each bad input answered with how to write it, changing
// nothing.
func TestParkCommands(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Acme B")
	reply := h.command(rep, "/lead park Acme until 2026-12-10 budget frozen until the new fiscal year")
	mustContain(t, "park", reply.Text, "parked until 2026-12-10")
	l := h.lead("Acme")
	if l.ParkedUntil.String() != "2026-12-10" || l.ParkReason != "budget frozen until the new fiscal year" {
		t.Fatalf("stored park: %s %q", l.ParkedUntil, l.ParkReason)
	}
	card := h.command(rep, "/lead show Acme")
	mustContain(t, "card", text(card)+card.Text, "Parked until 2026-12-10", "budget frozen until the new fiscal year")

	for _, tt := range []struct{ line, want string }{
		{"/lead park Acme until 2026-11-01", "is not after today"},
		{"/lead park Acme until 2026-11-23", "is not after today"},
		{"/lead park Acme until 2028-06-01", "more than a year ahead"},
		{"/lead park Acme until 2027-02-01", "regrade it to C or D"},
		{"/lead park Acme until soon", "is not a date"},
		{"/lead park Acme", "Until when?"},
	} {
		reply := h.command(rep, tt.line)
		mustContain(t, tt.line, reply.Text, tt.want)
		if reply.ResponseType != slack.ResponseTypeEphemeral {
			t.Errorf("%s: reply is %q; want ephemeral", tt.line, reply.ResponseType)
		}
		if got := h.lead("Acme"); got.ParkedUntil.String() != "2026-12-10" {
			t.Errorf("%s changed the park to %s", tt.line, got.ParkedUntil)
		}
	}
	mustContain(t, "another rep", h.command(other, "/lead park Acme until 2026-12-01").Text, "Only its owner or a manager")
	if got := h.lead("Acme"); got.ParkedUntil.String() != "2026-12-10" {
		t.Errorf("another rep's park changed it to %s", got.ParkedUntil)
	}

	mustContain(t, "unpark", h.command(rep, "/lead unpark Acme").Text, "awake again")
	if got := h.lead("Acme"); got.Parked(salesbot.DateOf(now)) {
		t.Error("unparked lead still parked")
	}
	mustContain(t, "unpark again", h.command(rep, "/lead unpark Acme").Text, "is not parked")
	mustContain(t, "暂停", h.command(rep, "/lead 暂停 Acme 至 2026-12-01 等预算").Text, "2026-12-01")
	if got := h.lead("Acme"); got.ParkedUntil.String() != "2026-12-01" || got.ParkReason != "等预算" {
		t.Errorf("暂停: %s %q", got.ParkedUntil, got.ParkReason)
	}
	h.command(rep, "/visit Acme called, budget thawed")
	if got := h.lead("Acme"); got.Parked(salesbot.DateOf(now)) {
		t.Error("a logged visit left the lead parked")
	}

	// What the rep typed is shown, never acted on as markup.
	reply = h.command(rep, "/lead park Acme until 2026-12-05 <!here> waits for <@U0BOSS>")
	card = h.command(rep, "/lead show Acme")
	for _, shown := range []string{reply.Text, text(card)} {
		if strings.Contains(shown, "<!here>") || strings.Contains(shown, "<@U0BOSS>") {
			t.Errorf("the reason is not escaped: %s", shown)
		}
	}
	mustContain(t, "escaped reason", reply.Text, "&lt;!here&gt;")
}

// TestEscalationButtons: the managers' message about an un-acted
// follow-up; Remind rep DMs the rep again, Snooze puts it off, Reassign…
// opens the assign form whose submission gives the lead to another rep
// (both told); a rep's forged clicks are refused and change nothing.
func TestEscalationButtons(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Acme A")
	l := h.lead("Acme")
	if err := h.h.Escalate(t.Context(), h.team, manager, l, now.Add(-2*salesbot.Day)); err != nil {
		t.Fatal(err)
	}
	esc := h.dmsTo(manager)
	if len(esc) != 1 {
		t.Fatalf("escalations to the manager: %q", esc)
	}
	mustContain(t, "escalation", esc[0], "Acme", "grade A", "<@"+rep+">", "2 days ago", "Remind rep", "Reassign…", "Snooze 1 day")

	// Forged clicks from a rep (who never got the message).
	before := len(h.dmsTo(rep))
	for _, c := range []struct{ action, value string }{{"esc_remind", l.ID}, {"esc_snooze", l.ID + "|7"}, {"esc_reassign", l.ID}} {
		h.click(other, c.action, c.value)
		mustContain(t, "forged "+c.action, h.lastResponse(), ":no_entry:", "managers")
	}
	if n := len(h.slack.Calls("views.open")); n != 0 {
		t.Errorf("a rep's Reassign opened %d forms", n)
	}
	if got := h.lead("Acme"); !got.SnoozedUntil.IsZero() || got.Owner != rep || len(h.dmsTo(rep)) != before {
		t.Errorf("forged clicks changed something: snoozed %v, owner %s, DMs to the rep %d → %d", got.SnoozedUntil, got.Owner, before, len(h.dmsTo(rep)))
	}

	h.click(manager, "esc_remind", l.ID)
	mustContain(t, "remind rep: clicker told", h.lastResponse(), "was reminded again by")
	dms := h.dmsTo(rep)
	if len(dms) != before+1 {
		t.Fatalf("remind rep: %d DMs to the rep; want one more", len(dms)-before)
	}
	mustContain(t, "remind rep: the rep's DM", dms[len(dms)-1], "asks you to act on this follow-up", "Acme", "Log visit")

	h.click(manager, "esc_snooze", l.ID+"|7")
	mustContain(t, "snooze", h.lastResponse(), "Snoozed until")
	if got := h.lead("Acme"); !got.SnoozedUntil.Equal(now.Add(7 * salesbot.Day)) {
		t.Errorf("snoozed until %v; want a week", got.SnoozedUntil)
	}
	h.click(manager, "esc_snooze", l.ID+"|30")
	mustContain(t, "odd snooze", h.lastResponse(), "out of date")

	h.click(manager, "esc_reassign", l.ID)
	open := h.slack.WaitFor(t, "views.open", 1)[0]
	mustContain(t, "reassign form", open.Param("view"), `"callback_id":"lead_assign"`, "Acme", "Rep")
	status, body := h.submit(manager, "lead_assign", map[string]slack.BlockAction{
		"company": value("Acme"), "rep": {SelectedUser: other},
	})
	if status != 200 || len(body) != 0 {
		t.Fatalf("reassign submit: %d %s", status, body)
	}
	if got := h.lead("Acme"); got.Owner != other {
		t.Fatalf("after Reassign the owner is %s; want %s", got.Owner, other)
	}
	mustContain(t, "new owner told", strings.Join(h.dmsTo(other), "\n"), "gave you", "Acme")
	mustContain(t, "old owner told", strings.Join(h.dmsTo(rep), "\n"), "reassigned", "Acme")
}
