package store_test

import (
	"slices"
	"testing"
	"time"

	"salesbot"
)

// TestHeldReminders: a claim is held while its sweeper's token names it and
// its lease has not run out on Redis's clock; not after it ran out, nor
// once another sweeper took it over.
func TestHeldReminders(t *testing.T) {
	const short = 300 * time.Millisecond
	s, _, team := newStore(t)
	a := mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)
	b := mustCreate(t, s, team, "Globex", "U1", salesbot.GradeB) // due a week after a
	at := now.Add(7 * salesbot.Day)
	long := claimOne(t, s, team, "s1", a.ID, at)
	claimed := time.Now()
	cs, _ := mustClaim(t, s, team, "s1", now.Add(14*salesbot.Day), short, 10)
	// cs holds b alone: a is under s1's first lease.
	if len(cs) != 1 || cs[0].LeadID != b.ID {
		t.Fatalf("second claim = %+v; want %s", cs, b.ID)
	}
	stranger := salesbot.ReminderClaim{Team: team, LeadID: a.ID, Token: "s2"}
	held, err := s.HeldReminders(ctx, team, []salesbot.ReminderClaim{long, cs[0], stranger})
	if err != nil || !slices.Equal(held, []bool{true, true, false}) {
		t.Fatalf("HeldReminders = %v, %v; want [true true false]", held, err)
	}
	time.Sleep(time.Until(claimed.Add(short + 50*time.Millisecond)))
	held, err = s.HeldReminders(ctx, team, []salesbot.ReminderClaim{long, cs[0]})
	if err != nil || !slices.Equal(held, []bool{true, false}) {
		t.Fatalf("HeldReminders after the short lease = %v, %v; want [true false]", held, err)
	}
	if held, err := s.HeldReminders(ctx, team, nil); err != nil || len(held) != 0 {
		t.Errorf("HeldReminders of nothing = %v, %v", held, err)
	}
}

// TestLeaseOnce walks a digest's lease: one holder at a time, given back on
// release, taken over once it runs out, and never again once done.
func TestLeaseOnce(t *testing.T) {
	s, rdb, team := newStore(t)
	const work = "digest:UBOSS:2026-06-17"
	lease := func(token string, d time.Duration) bool {
		t.Helper()
		ok, err := s.LeaseOnce(ctx, team, work, token, d)
		if err != nil {
			t.Fatalf("LeaseOnce(%s): %v", token, err)
		}
		return ok
	}
	holds := func(token string) bool {
		t.Helper()
		ok, err := s.HoldsOnce(ctx, team, work, token)
		if err != nil {
			t.Fatalf("HoldsOnce(%s): %v", token, err)
		}
		return ok
	}
	if !lease("r1", time.Minute) || lease("r2", time.Minute) {
		t.Fatal("want r1 to lease the work and r2 not")
	}
	if !holds("r1") || holds("r2") {
		t.Fatal("want r1 alone to hold the lease")
	}
	// A release by someone else changes nothing; the holder's frees it.
	if err := s.ReleaseOnce(ctx, team, work, "r2"); err != nil || !holds("r1") {
		t.Fatalf("r2's release: %v; r1 holds %v", err, holds("r1"))
	}
	if err := s.ReleaseOnce(ctx, team, work, "r1"); err != nil || !lease("r2", 200*time.Millisecond) {
		t.Fatalf("after r1's release (%v), r2 could not lease", err)
	}
	// r2 dies: its lease runs out and r3 takes over.
	time.Sleep(300 * time.Millisecond)
	if !lease("r3", time.Minute) {
		t.Fatal("r3 could not lease after r2's lease ran out")
	}
	// r2 wakes up and finishes: the work is done (it went out), but its
	// lease was lost, and it is told so.
	if held, err := s.DoneOnce(ctx, team, work, "r2", time.Hour); err != nil || held {
		t.Errorf("late DoneOnce = %v, %v; want not held", held, err)
	}
	if lease("r4", time.Minute) {
		t.Error("work leased again after it was done")
	}
	if held, err := s.DoneOnce(ctx, team, work, "r3", time.Hour); err != nil || !held {
		t.Errorf("DoneOnce by the holder = %v, %v; want held", held, err)
	}
	if ttl := rdb.PTTL(ctx, key(team, "once", work)).Val(); ttl < 59*time.Minute || ttl > time.Hour {
		t.Errorf("done mark lives %v; want an hour", ttl)
	}
	if n := rdb.Exists(ctx, key(team, "lease", work)).Val(); n != 0 {
		t.Error("lease left behind after DoneOnce")
	}
	// ClaimOnce's key is the done mark: work claimed by an older replica
	// is not leased again.
	if ok, err := s.ClaimOnce(ctx, team, "digest:UOLD:2026-06-17", time.Hour); err != nil || !ok {
		t.Fatalf("ClaimOnce = %v, %v", ok, err)
	}
	if ok, err := s.LeaseOnce(ctx, team, "digest:UOLD:2026-06-17", "r1", time.Minute); err != nil || ok {
		t.Errorf("LeaseOnce of claimed work = %v, %v; want refused", ok, err)
	}
}

// TestPauseForAuth: a refused token's pause is seen with its reason until
// its end, by the caller's clock, and expires with it.
func TestPauseForAuth(t *testing.T) {
	s, _, team := newStore(t)
	if reason, until, err := s.AuthPaused(ctx, team); err != nil || reason != "" || !until.IsZero() {
		t.Fatalf("AuthPaused before any = %q, %v, %v", reason, until, err)
	}
	start := time.UnixMilli(time.Now().UnixMilli())
	if err := s.PauseForAuth(ctx, team, "token_revoked", start.Add(200*time.Millisecond), start); err != nil {
		t.Fatal(err)
	}
	reason, until, err := s.AuthPaused(ctx, team)
	if err != nil || reason != "token_revoked" || !until.Equal(start.Add(200*time.Millisecond)) {
		t.Fatalf("AuthPaused = %q, %v, %v; want token_revoked until %v", reason, until, err, start.Add(200*time.Millisecond))
	}
	time.Sleep(300 * time.Millisecond)
	if reason, _, err := s.AuthPaused(ctx, team); err != nil || reason != "" {
		t.Errorf("AuthPaused after the pause = %q, %v; want none", reason, err)
	}
	if err := s.PauseForAuth(ctx, team, "invalid_auth", start, start); err != nil {
		t.Errorf("an empty pause: %v", err)
	}
	if reason, _, _ := s.AuthPaused(ctx, team); reason != "" {
		t.Errorf("an empty pause was kept: %q", reason)
	}
}
