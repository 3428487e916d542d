package handlers

import (
	"strings"
	"testing"

	"salesbot"
	"salesbot/i18n"
)

// TestMovesWriteAmountsTheReadersWay: the review's "since last week" line
// writes a value change as people read money, not as the history keeps it.
func TestMovesWriteAmountsTheReadersWay(t *testing.T) {
	moves := []salesbot.Change{
		{Kind: salesbot.ChangeValue, From: "", To: "1800000.00 CNY"},
		{Kind: salesbot.ChangeCloseBy, From: "2026-12-20", To: "2027-01-15", Reason: "slip"},
	}
	for lang, want := range map[i18n.Lang]string{i18n.En: "value — → ¥1,800,000", i18n.Zh: "180万元"} {
		got := movesText(lang, moves)
		if !strings.Contains(got, want) || strings.Contains(got, "1800000.00") {
			t.Errorf("%s: %q; want %q", lang, got, want)
		}
	}
}
