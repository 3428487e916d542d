package store_test

import (
	"fmt"
	"runtime"
	"testing"

	"salesbot"
	"salesbot/internal/redistest"
)

// TestRevisionKeptByStore saves a lead the store returned in one round
// trip (the store remembers the revision it was read at, and the one it
// was saved at), and a copy of it, which the store did not return, in two:
// the copy has no revision, so the lead is read again first.
func TestRevisionKeptByStore(t *testing.T) {
	s, c, team := newStore(t)
	c.AddHook(redistest.TripHook{})
	l := mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)
	regrade := func(g salesbot.Grade) func(*salesbot.Lead) (salesbot.Update, error) {
		return func(l *salesbot.Lead) (salesbot.Update, error) {
			return one(l.Regrade(salesbot.Actor{User: "U1"}, g, "", now))
		}
	}
	save := func(read *salesbot.Lead, g salesbot.Grade) (*salesbot.Lead, int64) {
		t.Helper()
		tctx, trips := redistest.CountTrips(ctx)
		saved, err := s.UpdateLeadFrom(tctx, read, regrade(g))
		if err != nil {
			t.Fatal(err)
		}
		return saved, trips.Count()
	}

	// Redis learns the guarded script first (EVALSHA, then EVAL once), so
	// that the counts below are of round trips a warm server takes.
	warm := mustCreate(t, s, team, "Initech", "U1", salesbot.GradeA)
	mustUpdate(t, s, team, warm.ID, regrade(salesbot.GradeB))

	if _, n := save(l, salesbot.GradeB); n != 1 {
		t.Errorf("the created lead saved in %d round trips; want 1", n)
	}
	read, err := s.Lead(ctx, team, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	saved, n := save(read, salesbot.GradeC)
	if n != 1 {
		t.Errorf("a lead just read saved in %d round trips; want 1", n)
	}
	if saved, n = save(saved, salesbot.GradeA); n != 1 {
		t.Errorf("the lead just saved saved again in %d round trips; want 1", n)
	}
	stored, err := s.Lead(ctx, team, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rev := s.RevisionOf(saved); rev == "" || rev != s.RevisionOf(stored) {
		t.Errorf("saved at revision %q; stored at %q", rev, s.RevisionOf(stored))
	}

	cp := *stored
	if rev := s.RevisionOf(&cp); rev != "" {
		t.Errorf("a copy has revision %q; want none", rev)
	}
	if _, n := save(&cp, salesbot.GradeB); n != 2 {
		t.Errorf("a copy saved in %d round trips; want 2 (read, then write)", n)
	}
	if got, _ := s.Lead(ctx, team, l.ID); got.Grade != salesbot.GradeB {
		t.Errorf("stored grade %s; want B", got.Grade)
	}
}

// TestRevisionsDoNotKeepLeads drops leads the store returned: the store's
// table of revisions lets them be collected and forgets them then.
func TestRevisionsDoNotKeepLeads(t *testing.T) {
	s, _, team := newStore(t)
	const n = 20
	readAll := func() []*salesbot.Lead {
		var leads []*salesbot.Lead
		for i := range n {
			l := mustCreate(t, s, team, fmt.Sprintf("Company %02d", i), "U1", salesbot.GradeA)
			read, err := s.Lead(ctx, team, l.ID)
			if err != nil {
				t.Fatal(err)
			}
			leads = append(leads, l, read)
		}
		return leads
	}
	leads := readAll()
	if got := s.Revisions(); got != 2*n {
		t.Fatalf("%d revisions remembered for %d leads created and read; want %d", got, n, 2*n)
	}
	for _, l := range leads {
		if s.RevisionOf(l) == "" {
			t.Fatalf("%s has no revision", l.Company)
		}
	}
	leads = nil
	_ = leads
	// Cleanups run on their own goroutine once a collection found the
	// leads unreachable: collect and yield until they have run.
	for i := 0; i < 1000 && s.Revisions() > 0; i++ {
		runtime.GC()
		runtime.Gosched()
	}
	if got := s.Revisions(); got != 0 {
		t.Errorf("%d revisions still remembered after the leads were dropped; want 0", got)
	}
}
