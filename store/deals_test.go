package store_test

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"salesbot"
	"salesbot/store"
)

func date(y int, m time.Month, d int) salesbot.Date { return salesbot.Date{Year: y, Month: m, Day: d} }

func cny(major int64) salesbot.Amount { return salesbot.Amount{Minor: major * 100, Currency: "CNY"} }
func usd(major int64) salesbot.Amount { return salesbot.Amount{Minor: major * 100, Currency: "USD"} }

var q1 = salesbot.SalesPeriod{Kind: salesbot.SalesQuarter, Year: 2027, N: 1}

// mustDeal sets what d sets of a lead's deal, a manager's change at now.
func mustDeal(t testing.TB, s *store.Store, team, id string, c salesbot.DealChange) *salesbot.Lead {
	t.Helper()
	return mustUpdate(t, s, team, id, func(l *salesbot.Lead) (salesbot.Update, error) {
		var u salesbot.Update
		add := func(c salesbot.Change, err error) error {
			u.Changes = append(u.Changes, c)
			return err
		}
		if c.Value != nil {
			if err := add(l.SetValue(manager, *c.Value, now)); err != nil {
				return u, err
			}
		}
		if c.CloseBy != nil {
			ch, _, err := l.SetCloseBy(manager, *c.CloseBy, now)
			if err := add(ch, err); err != nil {
				return u, err
			}
		}
		if c.Category != nil {
			if err := add(l.SetCategory(manager, *c.Category, now)); err != nil {
				return u, err
			}
		}
		return u, nil
	})
}

func ptr[T any](v T) *T { return &v }

func forecastRead(p salesbot.SalesPeriod) salesbot.ForecastRead {
	return salesbot.ForecastRead{From: p.First(), To: p.Last(), Probability: salesbot.DefaultProbability(), Currency: "CNY", Biggest: 5}
}

func TestForecastData(t *testing.T) {
	s, _, team := newStore(t)
	acme := mustCreate(t, s, team, "Acme", "UANN", salesbot.GradeA)
	mustDeal(t, s, team, acme.ID, salesbot.DealChange{Value: ptr(cny(1_000_000)), CloseBy: ptr(date(2027, 2, 10)), Category: ptr(salesbot.CategoryCommit)})
	globex := mustCreate(t, s, team, "Globex", "UANN", salesbot.GradeB)
	mustDeal(t, s, team, globex.ID, salesbot.DealChange{Value: ptr(usd(50_000)), CloseBy: ptr(date(2027, 3, 31))})
	initech := mustCreate(t, s, team, "Initech", "UBOB", salesbot.GradeC)
	mustDeal(t, s, team, initech.ID, salesbot.DealChange{CloseBy: ptr(date(2027, 1, 1))}) // no value
	later := mustCreate(t, s, team, "Later", "UBOB", salesbot.GradeC)
	mustDeal(t, s, team, later.ID, salesbot.DealChange{Value: ptr(cny(9)), CloseBy: ptr(date(2027, 4, 1))}) // next quarter
	mustCreate(t, s, team, "Undated", "UBOB", salesbot.GradeC)

	d, err := s.ForecastData(ctx, team, forecastRead(q1))
	if err != nil {
		t.Fatal(err)
	}
	ann := salesbot.NewTally()
	ann.Count(mustLead(t, s, team, acme.ID).Deal(), salesbot.DefaultProbability())
	ann.Count(mustLead(t, s, team, globex.ID).Deal(), salesbot.DefaultProbability())
	bob := salesbot.NewTally()
	bob.Open, bob.NoValue = 1, 1
	want := map[string]salesbot.Tally{"UANN": ann, "UBOB": bob}
	if !reflect.DeepEqual(d.Tallies, want) {
		t.Errorf("tallies\n got %+v\nwant %+v", d.Tallies, want)
	}
	if ann.Commit["CNY"] != 100_000_000 || ann.Pipeline["USD"] != 5_000_000 {
		t.Fatalf("the domain's tally is not what the test expects: %+v", ann)
	}
	if len(d.Biggest) != 2 || d.Biggest[0].ID != acme.ID || d.Biggest[1].ID != globex.ID {
		t.Errorf("biggest %+v; want Acme (the team's currency) then Globex", d.Biggest)
	}
	if got, want := d.Biggest[0], mustLead(t, s, team, acme.ID).Deal(); got != want {
		t.Errorf("biggest deal %+v; the lead's deal is %+v", got, want)
	}

	q := forecastRead(q1)
	q.Owner = "UBOB"
	d, err = s.ForecastData(ctx, team, q)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(d.Tallies, map[string]salesbot.Tally{"UBOB": bob}) || len(d.Biggest) != 0 {
		t.Errorf("UBOB's forecast: %+v", d)
	}

	// Acme slips out of the quarter: it leaves Q1's tallies and its slip
	// is read.
	mustDeal(t, s, team, acme.ID, salesbot.DealChange{CloseBy: ptr(date(2027, 4, 15))})
	q = forecastRead(q1)
	q.SlipsSince = now.Add(-time.Hour)
	d, err = s.ForecastData(ctx, team, q)
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Tallies["UANN"]; got.Open != 1 || got.Commit["CNY"] != 0 {
		t.Errorf("after the slip UANN's tally is %+v; want Globex alone", got)
	}
	want1 := salesbot.Slip{LeadID: acme.ID, Company: "Acme", Owner: "UANN", From: date(2027, 2, 10), To: date(2027, 4, 15), At: now}
	if len(d.Slips) != 1 || d.Slips[0] != want1 {
		t.Errorf("slips %+v; want %+v", d.Slips, want1)
	}
	q.SlipsSince = now.Add(time.Millisecond)
	if d, err = s.ForecastData(ctx, team, q); err != nil || len(d.Slips) != 0 {
		t.Errorf("slips after the slip: %+v, %v", d.Slips, err)
	}
}

func mustLead(t testing.TB, s *store.Store, team, id string) *salesbot.Lead {
	t.Helper()
	l, err := s.Lead(ctx, team, id)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestDealsClosing(t *testing.T) {
	s, _, team := newStore(t)
	var ids []string
	for i, d := range []salesbot.Date{date(2027, 3, 1), date(2027, 1, 5), date(2027, 2, 1), date(2027, 5, 1)} {
		l := mustCreate(t, s, team, fmt.Sprintf("Firm %d", i), "UANN", salesbot.GradeB)
		mustDeal(t, s, team, l.ID, salesbot.DealChange{CloseBy: ptr(d)})
		ids = append(ids, l.ID)
	}
	other := mustCreate(t, s, team, "Other", "UBOB", salesbot.GradeB)
	mustDeal(t, s, team, other.ID, salesbot.DealChange{CloseBy: ptr(date(2027, 2, 2))})

	leads, total, err := s.DealsClosing(ctx, team, "UANN", q1.First(), q1.Last(), 2)
	if err != nil {
		t.Fatal(err)
	}
	if total != 3 || len(leads) != 2 || leads[0].ID != ids[1] || leads[1].ID != ids[2] {
		t.Errorf("DealsClosing = %d of %d (%v); want the 5 Jan and 1 Feb deals of 3", len(leads), total, leads)
	}
	// Lost, it leaves the list; the count follows.
	mustUpdate(t, s, team, ids[1], func(l *salesbot.Lead) (salesbot.Update, error) { return one(l.Lose(manager, "budget cut", now)) })
	leads, total, err = s.DealsClosing(ctx, team, "UANN", q1.First(), q1.Last(), 10)
	if err != nil {
		t.Fatal(err)
	}
	if total != 2 || len(leads) != 2 || leads[0].ID != ids[2] || leads[1].ID != ids[0] {
		t.Errorf("after a loss DealsClosing = %d of %d; want 2 of 2", len(leads), total)
	}
	if _, total, err := s.DealsClosing(ctx, team, "UANN", q1.First(), q1.Last(), 0); err != nil || total != 2 {
		t.Errorf("DealsClosing(n=0) counts %d, %v; want 2", total, err)
	}
}

func TestTargets(t *testing.T) {
	s, _, team := newStore(t)
	at := now.Truncate(time.Millisecond)
	want := map[string]salesbot.Target{
		"":     {Rep: "", Period: q1, Amount: cny(5_000_000), By: "UBOSS", At: at},
		"UANN": {Rep: "UANN", Period: q1, Amount: usd(300_000), By: "UBOSS", At: at},
	}
	for _, tg := range want {
		if err := s.SetTarget(ctx, team, tg); err != nil {
			t.Fatal(err)
		}
	}
	replaced := want["UANN"]
	replaced.Amount = usd(400_000)
	if err := s.SetTarget(ctx, team, replaced); err != nil {
		t.Fatal(err)
	}
	want["UANN"] = replaced
	got, err := s.Targets(ctx, team, q1)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("targets\n got %+v\nwant %+v", got, want)
	}
	if got, err := s.Targets(ctx, team, q1.Next()); err != nil || len(got) != 0 {
		t.Errorf("another period's targets: %v, %v", got, err)
	}
}

func TestReviewNotes(t *testing.T) {
	s, _, team := newStore(t)
	for i := range 55 {
		n := salesbot.ReviewNote{Rep: "UANN", Week: fmt.Sprintf("2026-W%02d", i), By: "UBOSS", Note: fmt.Sprint("note ", i), At: now.Add(time.Duration(i) * time.Hour)}
		if err := s.SaveReviewNote(ctx, team, n); err != nil {
			t.Fatal(err)
		}
	}
	notes, err := s.ReviewNotes(ctx, team, "UANN", 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 3 || notes[0].Note != "note 54" || notes[2].Week != "2026-W52" || !notes[0].At.Equal(now.Add(54*time.Hour)) {
		t.Errorf("last 3 notes: %+v", notes)
	}
	all, err := s.ReviewNotes(ctx, team, "UANN", 100)
	if err != nil || len(all) != 50 {
		t.Errorf("kept %d notes (%v); want 50", len(all), err)
	}
	if other, err := s.ReviewNotes(ctx, team, "UBOB", 5); err != nil || len(other) != 0 {
		t.Errorf("UBOB's notes: %v, %v", other, err)
	}
}

func TestHistories(t *testing.T) {
	s, _, team := newStore(t)
	a := mustCreate(t, s, team, "Acme", "UANN", salesbot.GradeB)
	b := mustCreate(t, s, team, "Globex", "UANN", salesbot.GradeB)
	later := now.Add(time.Hour)
	for i, g := range []salesbot.Grade{salesbot.GradeA, salesbot.GradeC, salesbot.GradeB} {
		mustUpdate(t, s, team, a.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
			return one(l.Regrade(manager, g, "", later.Add(time.Duration(i)*time.Minute)))
		})
	}
	got, err := s.Histories(ctx, team, []string{a.ID, b.ID, "nosuch"}, now, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || len(got[a.ID]) != 2 || got[a.ID][0].To != "B" || got[a.ID][1].To != "C" || got[a.ID][0].LeadID != a.ID {
		t.Errorf("histories since now: %+v; want Acme's last two regrades", got)
	}
	got, err = s.Histories(ctx, team, []string{a.ID, b.ID}, now.Add(-time.Second), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got[a.ID]) != 4 || len(got[b.ID]) != 1 || got[b.ID][0].Kind != salesbot.ChangeCreated {
		t.Errorf("histories since before: %+v", got)
	}
	if !slices.IsSortedFunc(got[a.ID], func(x, y salesbot.Change) int { return y.At.Compare(x.At) }) {
		t.Errorf("not newest first: %+v", got[a.ID])
	}
}
