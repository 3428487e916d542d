package store_test

import (
	"context"
	"reflect"
	"testing"

	"salesbot"
	"salesbot/store"
)

// TestForecastDataBySource: the forecast script tallies the period's deals
// by their lead's source when asked, and a deal record written before
// sources were kept (ten fields) counts as no source.
func TestForecastDataBySource(t *testing.T) {
	s, client, team := newStore(t)
	src := func(id string, source salesbot.Source) {
		mustUpdate(t, s, team, id, func(l *salesbot.Lead) (salesbot.Update, error) {
			c, err := l.SetSource(manager, source, now)
			return salesbot.Update{Changes: []salesbot.Change{c}}, err
		})
	}
	acme := mustCreate(t, s, team, "Acme", "UANN", salesbot.GradeA)
	src(acme.ID, salesbot.SourceEvent)
	mustDeal(t, s, team, acme.ID, salesbot.DealChange{Value: ptr(cny(1_000_000)), CloseBy: ptr(date(2027, 2, 10)), Category: ptr(salesbot.CategoryCommit)})
	globex := mustCreate(t, s, team, "Globex", "UBOB", salesbot.GradeB)
	src(globex.ID, salesbot.SourceEvent)
	mustDeal(t, s, team, globex.ID, salesbot.DealChange{Value: ptr(cny(50_000)), CloseBy: ptr(date(2027, 3, 31))})
	initech := mustCreate(t, s, team, "Initech", "UBOB", salesbot.GradeC)
	mustDeal(t, s, team, initech.ID, salesbot.DealChange{Value: ptr(cny(7)), CloseBy: ptr(date(2027, 1, 1))}) // no source

	q := forecastRead(q1)
	q.BySource = true
	d, err := s.ForecastData(ctx, team, q)
	if err != nil {
		t.Fatal(err)
	}
	event, none := salesbot.NewTally(), salesbot.NewTally()
	event.Count(mustLead(t, s, team, acme.ID).Deal(), salesbot.DefaultProbability())
	event.Count(mustLead(t, s, team, globex.ID).Deal(), salesbot.DefaultProbability())
	none.Count(mustLead(t, s, team, initech.ID).Deal(), salesbot.DefaultProbability())
	if want := map[string]salesbot.Tally{"event": event, "": none}; !reflect.DeepEqual(d.Tallies, want) {
		t.Errorf("tallies by source\n got %+v\nwant %+v", d.Tallies, want)
	}
	if len(d.Biggest) == 0 || d.Biggest[0].Source != salesbot.SourceEvent {
		t.Errorf("biggest %+v; want Acme with its source", d.Biggest)
	}
	q.Owner = "UBOB"
	if d, err = s.ForecastData(ctx, team, q); err != nil || d.Tallies["event"].Open != 1 || d.Tallies[""].Open != 1 {
		t.Errorf("UBOB's by source: %+v, %v", d.Tallies, err)
	}

	// A record of ten fields, as written before sources were kept.
	old := mustLead(t, s, team, acme.ID).Deal()
	old.Source = ""
	rec := store.DealRecord(old)
	rec = rec[:len(rec)-1] // drop the empty source and its separator
	if err := client.HSet(context.Background(), "sb:{"+team+"}:rm:deal", acme.ID, rec).Err(); err != nil {
		t.Fatal(err)
	}
	q.Owner = ""
	if d, err = s.ForecastData(ctx, team, q); err != nil || d.Tallies["event"].Open != 1 || d.Tallies[""].Open != 2 {
		t.Errorf("with an old record: %+v, %v", d.Tallies, err)
	}
}
