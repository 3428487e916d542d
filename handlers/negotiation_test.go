package handlers

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"salesbot"
	"salesbot/i18n"
)

// TestNegotiationBlocksInChinese: the card's negotiation sections read in
// the manuals' words, the questions' names included, and escape what was
// typed.
func TestNegotiationBlocksInChinese(t *testing.T) {
	at := time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)
	l := &salesbot.Lead{Company: "Acme", Grade: salesbot.GradeA, Stage: salesbot.StageNegotiation,
		Qualification: salesbot.Qualification{Exists: salesbot.Verdict{Answer: salesbot.AnswerYes}, Win: salesbot.Verdict{Answer: salesbot.AnswerNo}, By: "U1", At: at},
		Rivals:        []salesbot.Rival{{Name: "<!channel> SAP", Position: salesbot.PositionAhead, By: "U1", At: at}},
		Concessions:   []salesbot.Concession{{Give: "9折", Get: "", Size: salesbot.Size{Basis: 1000}, By: "U1", At: at}},
	}
	b, err := json.Marshal(negotiationBlocks(i18n.Zh, l, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	got := strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(string(b))
	for _, want := range []string{"商机评估 1/4", "能否赢：否", "能否竞争、是否值得赢：未知", "领先于我们", "&lt;!channel&gt; SAP", "*让步*（1）", "给出 _9折_ (10%)，没有换回任何东西"} {
		if !strings.Contains(got, want) {
			t.Errorf("want %q in %s", want, got)
		}
	}
	if strings.Contains(got, "<!channel>") {
		t.Errorf("a typed name is not escaped: %s", got)
	}
	risks := salesbot.Risks(l, at, salesbot.DefaultCadence())
	var msg string
	for _, r := range risks {
		if r.Kind == salesbot.RiskQualificationNo {
			msg = riskMessage(i18n.Zh, r)
		}
	}
	if !strings.Contains(msg, "A 级客户的商机评估有“否”（能否赢）") || !strings.Contains(msg, "降为 B") {
		t.Errorf("risk in Chinese: %q", msg)
	}
}
