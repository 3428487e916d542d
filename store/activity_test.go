package store_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"salesbot"
	"salesbot/internal/redistest"
	"salesbot/store"
)

// TestActivitySkewedReplicas writes twice from two replicas whose clocks
// disagree: the second write's now is an hour earlier than the first's. The
// stream keeps them in the order written, and Activity over a window of
// Redis's time (the machine's, which this Redis shares) finds both, in that
// order, each with the time its writer gave it.
func TestActivitySkewedReplicas(t *testing.T) {
	c := redistest.Client(t)
	right, behind := store.New(c), store.New(c)
	team := redistest.Team(t)
	before := time.Now()
	l, first, err := salesbot.NewLead(salesbot.Actor{User: "U1"}, team, "", "Acme", salesbot.GradeA, before)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := right.CreateLead(ctx, l, first); err != nil {
		t.Fatal(err)
	}
	skewed := time.Now().Add(-time.Hour)
	mustUpdate(t, behind, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(l.Regrade(salesbot.Actor{User: "U1"}, salesbot.GradeB, "budget cut", skewed))
	})
	after := time.Now()

	entries, err := c.XRange(ctx, key(team, "activity"), "-", "+").Result()
	if err != nil || len(entries) != 2 {
		t.Fatalf("stream = %v, %v; want 2 entries", entries, err)
	}
	cs, err := right.Activity(ctx, team, before.Add(-time.Second), after.Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	kinds := make([]salesbot.ChangeKind, len(cs))
	for i, c := range cs {
		kinds[i] = c.Kind
	}
	if want := []salesbot.ChangeKind{salesbot.ChangeCreated, salesbot.ChangeGrade}; !slices.Equal(kinds, want) {
		t.Fatalf("Activity = %v; want %v, as written", kinds, want)
	}
	if !cs[1].At.Equal(skewed.Truncate(time.Millisecond)) {
		t.Errorf("the skewed change shows at %v; want its writer's %v", cs[1].At, skewed)
	}
	// The window the skewed clock claims holds nothing: Redis wrote both now.
	if cs, err := right.Activity(ctx, team, skewed.Add(-time.Minute), skewed.Add(time.Minute)); err != nil || len(cs) != 0 {
		t.Errorf("Activity around the skewed time = %d changes, %v; want none", len(cs), err)
	}
}

// TestActivityChangeTimeInWriteOrder: with WithChangeTime, entries are at
// their changes' times, but a change made up earlier than the last entry
// still goes after it, so the stream stays in write order and a window
// around the last entry finds it.
func TestActivityChangeTimeInWriteOrder(t *testing.T) {
	s, rdb, team := newStore(t)
	l := mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA) // at now
	mustUpdate(t, s, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(l.Regrade(salesbot.Actor{User: "U1"}, salesbot.GradeB, "budget cut", now.Add(-time.Hour)))
	})
	mustUpdate(t, s, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(l.Regrade(salesbot.Actor{User: "U1"}, salesbot.GradeC, "no need", now.Add(time.Hour)))
	})
	ids := rdb.XRange(ctx, key(team, "activity"), "-", "+").Val()
	ms := now.UnixMilli()
	want := []string{
		key0(ms, 0), key0(ms, 1), key0(now.Add(time.Hour).UnixMilli(), 0),
	}
	var got []string
	for _, e := range ids {
		got = append(got, e.ID)
	}
	if !slices.Equal(got, want) {
		t.Errorf("stream IDs = %v; want %v", got, want)
	}
	cs, err := s.Activity(ctx, team, now.Add(-time.Second), now)
	if err != nil || len(cs) != 2 || cs[1].Kind != salesbot.ChangeGrade {
		t.Errorf("Activity around now = %+v, %v; want the creation, then the regrade made up an hour before", cs, err)
	}

	// A change without a time goes after the last entry too.
	mustUpdate(t, s, team, l.ID, func(*salesbot.Lead) (salesbot.Update, error) {
		return salesbot.Update{Changes: []salesbot.Change{{LeadID: l.ID, Kind: salesbot.ChangeStage, By: "U1"}}}, nil
	})
	last := rdb.XRevRangeN(ctx, key(team, "activity"), "+", "-", 1).Val()
	if len(last) != 1 || last[0].ID != key0(now.Add(time.Hour).UnixMilli(), 1) {
		t.Errorf("last entry = %v; want just after the one before", last)
	}
}

func key0(ms int64, seq int) string { return fmt.Sprintf("%d-%d", ms, seq) }
