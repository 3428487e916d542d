package handlers

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"salesbot"
	"salesbot/i18n"
)

// TestDigestSaysWhatItLeavesOut: a digest of a big team lists the most
// overdue follow-ups (the read models' limit) and says how many there are
// in all.
func TestDigestSaysWhatItLeavesOut(t *testing.T) {
	now := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	l := &salesbot.Lead{ID: "L1", Company: "Acme", Owner: "U0REP", Grade: salesbot.GradeA, Stage: salesbot.StageDemo}
	d := salesbot.Digest{
		Since: now.Add(-salesbot.Day), Until: now, Open: 900, OverdueTotal: 512,
		Reps: []salesbot.RepDigest{{Rep: "U0REP", Overdue: []salesbot.Overdue{{Lead: l, By: 2 * salesbot.Day}}}},
	}
	raw, err := json.Marshal(digestBlocks(i18n.En, d, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), "512 overdue follow-ups in all; the 1 most overdue are counted above.") {
		t.Fatalf("the digest does not say how many overdue follow-ups it leaves out: %s", raw)
	}
	d.OverdueTotal = 1
	if raw, _ := json.Marshal(digestBlocks(i18n.En, d, time.UTC)); strings.Contains(string(raw), "in all") {
		t.Fatalf("a digest that lists every overdue follow-up says it leaves some out: %s", raw)
	}
}
