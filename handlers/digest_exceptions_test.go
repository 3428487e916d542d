package handlers

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"salesbot"
	"salesbot/i18n"
)

// TestExceptionBlocks: a rep with only standing risks is one line with Show
// all (its value the rep, nothing typed); what people typed (a company, a
// park reason) is escaped; a day with 60 new risks stays within Slack's 50
// blocks.
func TestExceptionBlocks(t *testing.T) {
	now := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	parked := &salesbot.Lead{ID: "L9", Company: "<!channel> Co", Owner: "U0REP", Grade: salesbot.GradeB,
		ParkedUntil: salesbot.Date{Year: 2027, Month: 4, Day: 1}, ParkReason: "budget <!here> frozen"}
	d := salesbot.Digest{Since: now.Add(-salesbot.Day), Until: now, Open: 12, Reps: []salesbot.RepDigest{
		{Rep: "U0REP", Parked: []*salesbot.Lead{parked}, Standing: 2},
		{Rep: "U0CALM", Standing: 4},
	}}
	raw, _ := json.Marshal(exceptionBlocks(i18n.En, d, time.UTC))
	got := string(raw)
	for _, want := range []string{
		`"action_id":"digest_all","value":"U0CALM"`, `*\u003c@U0CALM\u003e* · :pushpin: Standing risks, reported before: 4`,
		`Parked: *\u0026lt;!channel\u0026gt; Co* (B) until 2027-04-01 — budget \u0026lt;!here\u0026gt; frozen`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("want %s in %s", want, got)
		}
	}
	if strings.Contains(got, "<!channel>") || strings.Contains(got, `\u003c!channel`) {
		t.Errorf("a typed mention is not escaped: %s", got)
	}

	var many []salesbot.LeadRisks
	for i := range 60 {
		l := &salesbot.Lead{ID: fmt.Sprintf("L%d", i), Company: fmt.Sprintf("Co %d", i), Owner: "U0REP", Grade: salesbot.GradeA}
		many = append(many, salesbot.LeadRisks{Lead: l, Risks: []salesbot.Risk{{Kind: salesbot.RiskNoCoach, Message: "No coach."}}})
	}
	d.Reps[0].NewRisks = many
	blocks := exceptionBlocks(i18n.En, d, time.UTC)
	if len(blocks) > maxBlocks {
		t.Fatalf("%d blocks", len(blocks))
	}
	raw, _ = json.Marshal(blocks)
	if !strings.Contains(string(raw), "Co 59") {
		t.Errorf("the 60th new risk is left out: %s", raw)
	}
}
