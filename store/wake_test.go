package store_test

import (
	"slices"
	"testing"
	"time"

	"salesbot"
	"salesbot/internal/redistest"
	"salesbot/store"
)

// wantWake fails the test unless the team's next sweep is at want (the
// zero time: due at once, scored 0).
func wantWake(t *testing.T, s *store.Store, team string, want time.Time, when string) {
	t.Helper()
	at, ok, err := s.WakeAt(ctx, team)
	switch {
	case err != nil || !ok:
		t.Fatalf("%s: no next sweep (%v, %v)", when, ok, err)
	case want.IsZero() && at.UnixMilli() != 0:
		t.Fatalf("%s: next sweep at %v; want at once", when, at)
	case !want.IsZero() && !at.Equal(want):
		t.Fatalf("%s: next sweep at %v; want %v", when, at, want)
	}
}

// TestWriteWakesTeam: a write makes the team's sweep due at once; a claim
// takes it out for the claim's length, and SetWakes hands it back at its
// next time, unless a write came in between, which wins.
func TestWriteWakesTeam(t *testing.T) {
	s, _, team := newStore(t)
	l := mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)
	wantWake(t, s, team, time.Time{}, "after the create")

	claimEnd := now.Add(2 * time.Minute)
	if got, err := s.ClaimWakesOf(ctx, []string{team}, now, claimEnd); err != nil || !slices.Equal(got, []string{team}) {
		t.Fatalf("claim = %v, %v", got, err)
	}
	if got, err := s.ClaimWakesOf(ctx, []string{team}, now, claimEnd); err != nil || len(got) != 0 {
		t.Fatalf("claimed twice: %v, %v", got, err)
	}
	next := now.Add(time.Hour)
	if err := s.SetWakes(ctx, claimEnd, map[string]time.Time{team: next}); err != nil {
		t.Fatal(err)
	}
	wantWake(t, s, team, next, "handed back")
	if got, _ := s.ClaimWakesOf(ctx, []string{team}, now.Add(time.Minute), now.Add(3*time.Minute)); len(got) != 0 {
		t.Fatalf("claimed before its time: %v", got)
	}

	// A write during the next claim keeps the team due at once.
	claimEnd = next.Add(2 * time.Minute)
	if got, _ := s.ClaimWakesOf(ctx, []string{team}, next, claimEnd); len(got) != 1 {
		t.Fatalf("not claimed at its time")
	}
	mustUpdate(t, s, team, l.ID, visit(now))
	if got, _ := s.ClaimWakesOf(ctx, []string{team}, next, next.Add(4*time.Minute)); len(got) != 0 {
		t.Fatalf("a write let another sweeper claim a claimed team: %v", got)
	}
	if err := s.SetWakes(ctx, claimEnd, map[string]time.Time{team: next.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	wantWake(t, s, team, time.Time{}, "written during the claim")
}

// TestDeadSweepersClaimRunsOut: a team whose sweeper never hands it back
// is due again when the claim runs out, and the late hand-back is ignored.
func TestDeadSweepersClaimRunsOut(t *testing.T) {
	s, _, team := newStore(t)
	mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)
	dead := now.Add(2 * time.Minute)
	if got, _ := s.ClaimWakesOf(ctx, []string{team}, now, dead); len(got) != 1 {
		t.Fatal("not claimed")
	}
	if got, _ := s.ClaimWakesOf(ctx, []string{team}, dead.Add(-time.Millisecond), dead.Add(time.Minute)); len(got) != 0 {
		t.Fatalf("claimed inside the first claim: %v", got)
	}
	alive := dead.Add(2 * time.Minute)
	if got, _ := s.ClaimWakesOf(ctx, []string{team}, dead, alive); len(got) != 1 {
		t.Fatal("not claimed once the first claim ran out")
	}
	if err := s.SetWakes(ctx, dead, map[string]time.Time{team: now.Add(48 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetWakes(ctx, alive, map[string]time.Time{team: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	wantWake(t, s, team, now.Add(time.Hour), "handed back by the live sweeper")
}

// TestNextWork: the first follow-up due is the team's next sending work;
// a once-only lease another holds is other work, at its end.
func TestNextWork(t *testing.T) {
	s, _, team := newStore(t)
	l := mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)
	if ok, err := s.LeaseOnce(ctx, team, "digest:UBOSS:2026-11-23", "other", time.Minute); err != nil || !ok {
		t.Fatalf("lease: %v, %v", ok, err)
	}
	sending, other, err := s.NextWork(ctx, team, now, now.Add(time.Minute), []string{"digest:UBOSS:2026-11-23", "digest:UNONE:2026-11-23"})
	if err != nil {
		t.Fatal(err)
	}
	if !sending.Equal(l.ReminderAt()) {
		t.Errorf("sending work at %v; want the follow-up's %v", sending, l.ReminderAt())
	}
	if d := other.Sub(now); d <= 0 || d > time.Minute {
		t.Errorf("other work in %v; want the lease's end, within a minute", d)
	}
}

// TestWakeTeams: teams not on the schedule are added due at once; those on
// it keep their time unless all are woken.
func TestWakeTeams(t *testing.T) {
	s, _, team := newStore(t)
	fresh := redistest.Team(t)
	mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)
	s.WaitWakes() // on a Cluster the create's wake lands beside it
	claimEnd := now.Add(time.Minute)
	s.ClaimWakesOf(ctx, []string{team}, now, claimEnd)
	if err := s.SetWakes(ctx, claimEnd, map[string]time.Time{team: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := s.WakeTeams(ctx, []string{team, fresh}, false); err != nil {
		t.Fatal(err)
	}
	wantWake(t, s, team, now.Add(time.Hour), "scheduled already")
	wantWake(t, s, fresh, time.Time{}, "new")
	if err := s.WakeTeams(ctx, []string{team}, true); err != nil {
		t.Fatal(err)
	}
	wantWake(t, s, team, time.Time{}, "all woken")
}

// TestWakeOnCluster: on a Cluster the wake set is in another slot than the
// team's keys: a write still wakes the team (beside it), and NextWork's
// two parts reach their nodes.
func TestWakeOnCluster(t *testing.T) {
	c, err := store.NewClient(redistest.Cluster(t))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s := store.New(c)
	team := redistest.Team(t)
	mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, ok, err := s.WakeAt(ctx, team); err != nil {
			t.Fatal(err)
		} else if ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the write did not wake the team")
		}
		time.Sleep(10 * time.Millisecond)
	}
	claimEnd := now.Add(time.Minute)
	if got, err := s.ClaimWakesOf(ctx, []string{team}, now, claimEnd); err != nil || len(got) != 1 {
		t.Fatalf("claim on a cluster: %v, %v", got, err)
	}
	if _, _, err := s.NextWork(ctx, team, now, claimEnd, []string{"digest:U:1"}); err != nil {
		t.Fatalf("next work on a cluster: %v", err)
	}
	if err := s.SetWakes(ctx, claimEnd, map[string]time.Time{team: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	wantWake(t, s, team, now.Add(time.Hour), "on a cluster")
}

// TestClaimPlannedBeforeWritten: a team whose planned time came is claimed
// before teams written to (due at once, scored 0), so that teams written
// to all the time do not hold it back.
func TestClaimPlannedBeforeWritten(t *testing.T) {
	s, _, team := newStore(t)
	mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)
	mustCreate(t, s, redistest.Team(t), "Written Co", "U1", salesbot.GradeA) // scored 0
	// Planned for long ago: no other test's team is planned before it.
	long := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
	if got, _ := s.ClaimWakesOf(ctx, []string{team}, now, now.Add(time.Minute)); len(got) != 1 {
		t.Fatal("not claimed")
	}
	if err := s.SetWakes(ctx, now.Add(time.Minute), map[string]time.Time{team: long}); err != nil {
		t.Fatal(err)
	}
	got, err := s.ClaimWakes(ctx, long, long.Add(time.Minute), 1)
	if err != nil || !slices.Equal(got, []string{team}) {
		t.Fatalf("claimed %v (%v); want the planned team %s first", got, err, team)
	}
	if err := s.SetWakes(ctx, long.Add(time.Minute), map[string]time.Time{team: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
}
