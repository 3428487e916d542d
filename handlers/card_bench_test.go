package handlers

import (
	"testing"

	"salesbot"
	"salesbot/i18n"
)

// BenchmarkCardBlocks renders the sample lead's card (two people, a key
// fact, risks, a visit) in each language: the part of a /lead show that
// is neither Redis nor HTTP.
//
//	go test -run=NONE -bench=CardBlocks ./handlers/
func BenchmarkCardBlocks(b *testing.B) {
	l, now, loc := sampleLead(b)
	visit := salesbot.Visit{Date: salesbot.Date{Year: 2026, Month: 11, Day: 20}, Kind: salesbot.KindVisit, Notes: "met the CFO", By: "U0REP"}
	for _, lang := range []i18n.Lang{i18n.En, i18n.Zh} {
		b.Run(string(lang), func(b *testing.B) {
			c := card{lead: l, lastVisit: &visit, cadence: salesbot.DefaultCadence(), now: now, loc: loc, lang: lang}
			b.ReportAllocs()
			for b.Loop() {
				if len(c.blocks()) == 0 {
					b.Fatal("no blocks")
				}
			}
		})
	}
}
