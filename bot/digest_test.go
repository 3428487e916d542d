package bot_test

import (
	"strings"
	"testing"

	"salesbot/handlers"
	"salesbot/internal/fakeslack"
	"salesbot/scheduler"
)

// TestDigestShowAll: a digest's Show all shows a manager the rep's risks as
// they are now, each with its fix button; a rep who forges the click is
// refused and shown nothing; a value that is not a user is out of date.
func TestDigestShowAll(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Show & Tell B") // a B lead without an economic buyer: a risk
	last := func() fakeslack.Call {
		t.Helper()
		calls := h.slack.Calls("response")
		if len(calls) == 0 {
			t.Fatal("no reply to the click")
		}
		return calls[len(calls)-1]
	}

	h.click(manager, "digest_all", rep)
	got := last().Text()
	mustContain(t, "manager's Show all", got, "<@"+rep+">'s risks now (1)", `Show \u0026amp; Tell`, "No economic buyer", `"action_id":"risk_fix:0"`)

	h.click(rep, "digest_all", rep)
	got = last().Text()
	mustContain(t, "rep's forged click", got, "for managers")
	if strings.Contains(got, `Show \u0026amp; Tell`) || strings.Contains(got, "No economic buyer") {
		t.Errorf("a rep's forged click shows the risks: %s", got)
	}

	h.click(manager, "digest_all", "<!channel>")
	mustContain(t, "forged value", last().Text(), "out of date")

	// On demand, /salesbot digest is the full picture: every risk and
	// the pipeline, whatever the last digest said.
	mustContain(t, "/salesbot digest", text(h.command(manager, "/salesbot digest")), "Pipeline", "*Show &amp; Tell* (B): No economic buyer")
}

// The handlers send the risk news the scheduler decides on.
var _ scheduler.RiskTeller = (*handlers.Handler)(nil)
