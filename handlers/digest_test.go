package handlers

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

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

// TestDigestShowsDealValues: where the digest names a lead (overdue, A/B
// leads left untouched, risks) it shows the deal's value when one is set,
// in the reader's language, and nothing more when none is.
func TestDigestShowsDealValues(t *testing.T) {
	now := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	acme := &salesbot.Lead{ID: "L1", Company: "Acme", Owner: "U0REP", Grade: salesbot.GradeA, Stage: salesbot.StageDemo,
		Value: salesbot.Amount{Minor: 180_000_000, Currency: "CNY"}}
	globex := &salesbot.Lead{ID: "L2", Company: "Globex", Owner: "U0REP", Grade: salesbot.GradeB, Stage: salesbot.StageLead,
		Value: salesbot.Amount{Minor: 40_000_000, Currency: "USD"}}
	initech := &salesbot.Lead{ID: "L3", Company: "Initech", Owner: "U0REP", Grade: salesbot.GradeB, Stage: salesbot.StageLead}
	d := salesbot.Digest{
		Since: now.Add(-salesbot.Day), Until: now, Open: 3, OverdueTotal: 1,
		Reps: []salesbot.RepDigest{{
			Rep:       "U0REP",
			Overdue:   []salesbot.Overdue{{Lead: acme, By: 2 * salesbot.Day}},
			Untouched: []*salesbot.Lead{globex, initech},
			Risks:     []salesbot.LeadRisks{{Lead: acme, Risks: []salesbot.Risk{{Message: "The close date passed."}}}},
		}},
	}
	cases := []struct {
		lang i18n.Lang
		want []string
	}{
		{i18n.En, []string{
			"Overdue (1): Acme (A, ¥1,800,000, 2 days)",
			"(2): Globex (B, $400,000), Initech (B)\n",
			":warning: *Acme* (A, ¥1,800,000): The close date passed.",
		}},
		{i18n.Zh, []string{
			"Acme (A, 180万元, 2 天)",
			"Globex (B, 40万美元), Initech (B)\n",
			":warning: *Acme* (A, 180万元): The close date passed.",
		}},
	}
	for _, c := range cases {
		text := sectionsText(digestBlocks(c.lang, d, time.UTC)) + "\n"
		for _, want := range c.want {
			if !strings.Contains(text, want) {
				t.Errorf("%s digest lacks %q:\n%s", c.lang, want, text)
			}
		}
	}
}

// sectionsText is the text of the sections among blocks, a line each.
func sectionsText(blocks []slack.Block) string {
	var lines []string
	for _, b := range blocks {
		if s, ok := b.(*slack.SectionBlock); ok && s.Text != nil {
			lines = append(lines, s.Text.Text)
		}
	}
	return strings.Join(lines, "\n")
}
