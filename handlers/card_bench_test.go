package handlers

import (
	"testing"
	"time"

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
	// A lead just registered, as cmd/loadgen's are: no facts, people or
	// visits yet.
	fresh, _, err := salesbot.NewLead(salesbot.Actor{User: "U0REP"}, "T1", "l2", "LGHVVPO0000", salesbot.GradeB, now.Add(-time.Hour))
	if err != nil {
		b.Fatal(err)
	}
	fresh.Schedule(salesbot.DefaultCadence())
	for _, tc := range []struct {
		name string
		c    card
	}{
		{"en", card{lead: l, lastVisit: &visit, cadence: salesbot.DefaultCadence(), now: now, loc: loc, lang: i18n.En}},
		{"zh", card{lead: l, lastVisit: &visit, cadence: salesbot.DefaultCadence(), now: now, loc: loc, lang: i18n.Zh}},
		{"new lead", card{lead: fresh, cadence: salesbot.DefaultCadence(), now: now, loc: loc, lang: i18n.En}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if len(tc.c.blocks()) == 0 {
					b.Fatal("no blocks")
				}
			}
		})
	}
}
