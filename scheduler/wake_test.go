package scheduler_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"salesbot"
	"salesbot/internal/redistest"
	"salesbot/scheduler"
)

// swept is how many team sweeps the schedulers of e made so far.
func (e *env) swept() float64 {
	e.t.Helper()
	return e.counter("salesbot_sweep_teams_total")
}

// wantSwept fails the test unless the schedulers swept the team n times
// more since before.
func (e *env) wantSwept(before float64, n int, when string) {
	e.t.Helper()
	if got := e.swept() - before; got != float64(n) {
		e.t.Fatalf("%s: the team was swept %v times, want %d", when, got, n)
	}
}

// TestQuietTeamNotSwept: a team whose only follow-up falls due at 10:40 is
// swept once (it was written to), then not at all while nothing is due,
// and its reminder goes out on the first sweep at 10:40.
func TestQuietTeamNotSwept(t *testing.T) {
	e := newEnv(t, tue10, options{})
	e.user(rep, time.UTC)
	due := tue10.Add(40 * time.Minute)
	e.dueLead(rep, "Quiet Co", due)

	e.sweepAt(tue10.Add(5 * time.Minute))
	e.wantSwept(0, 1, "the first sweep, after the writes")
	at, ok, err := e.store.WakeAt(e.ctx, e.team)
	if err != nil || !ok || !at.Equal(due) {
		t.Fatalf("next sweep at %v (%v, %v); want %v", at, ok, err, due)
	}
	before := e.swept()
	e.rdb.AddHook(redistest.TripHook{})
	for _, m := range []time.Duration{6, 10, 20, 30, 39} {
		e.clock.Set(tue10.Add(m * time.Minute))
		for _, s := range []*scheduler.Scheduler{e.a, e.b} {
			ctx, trips := redistest.CountTrips(e.ctx)
			if err := s.Sweep(ctx); err != nil {
				t.Fatal(err)
			}
			// The claim (none due) and the refused tokens.
			if n := trips.Count(); n != 2 {
				t.Errorf("a sweep with nothing due made %d round trips: %v", n, trips.Names())
			}
		}
	}
	e.wantSwept(before, 0, "sweeps while nothing is due")
	e.wantPosts(rep, 0, "before the follow-up is due")

	e.sweepAt(due)
	e.wantSwept(before, 1, "the sweep at the due time")
	mustContain(t, "reminder", text(e.wantPosts(rep, 1, "at the due time")[0]), "Quiet Co")
}

// TestWriteWakesTeam: a write to a team whose next sweep is far off makes
// it due at once: a follow-up the write made due goes at the next sweep.
func TestWriteWakesTeam(t *testing.T) {
	e := newEnv(t, tue10, options{})
	e.user(rep, time.UTC)
	e.dueLead(rep, "Later Co", tue10.Add(50*time.Minute))
	e.sweepAt(tue10.Add(time.Minute))
	before := e.swept()
	e.sweepAt(tue10.Add(2 * time.Minute))
	e.wantSwept(before, 0, "nothing due")

	e.dueLead(rep, "Sooner Co", tue10.Add(3*time.Minute)) // created and visited: two writes
	if at, ok, err := e.store.WakeAt(e.ctx, e.team); err != nil || !ok || at.UnixMilli() != 0 {
		t.Fatalf("after the write the next sweep is at %v (%v, %v); want at once", at, ok, err)
	}
	e.sweepAt(tue10.Add(3 * time.Minute))
	e.wantSwept(before, 1, "after the write")
	mustContain(t, "reminder", text(e.wantPosts(rep, 1, "after the write")[0]), "Sooner Co")
}

// TestDigestWakesOnManagersClock: a team is swept for its digest at 08:00
// on its manager's clock (Berlin), not before, and the digest goes then.
func TestDigestWakesOnManagersClock(t *testing.T) {
	wed6 := time.Date(2026, 6, 17, 6, 0, 0, 0, time.UTC) // 08:00 in Berlin
	e := newEnv(t, wed6.Add(-55*time.Minute), options{digest: "0 8 * * 1-5", managers: []string{berlin}})
	e.user(berlin, berlinZ)
	e.user(rep, time.UTC)
	e.lead(rep, "Digest Co", salesbot.GradeC, wed6.Add(-salesbot.Day))

	e.sweepAt(wed6.Add(-55 * time.Minute))
	e.wantPosts(berlin, 0, "at 07:05 in Berlin")
	at, ok, err := e.store.WakeAt(e.ctx, e.team)
	if err != nil || !ok || at.After(wed6) {
		t.Fatalf("next sweep at %v (%v, %v); want by %v", at, ok, err, wed6)
	}
	// The rep's mornings wake the team each whole hour of the rep's
	// clock; between them, nothing.
	before := e.swept()
	e.sweepAt(wed6.Add(-10 * time.Minute))
	e.wantSwept(before, 0, "at 07:50 in Berlin")

	e.sweepAt(wed6)
	if n := len(e.digests(berlin)); n != 1 {
		t.Fatalf("%d digests at 08:00 in Berlin, want 1", n)
	}
	at, _, _ = e.store.WakeAt(e.ctx, e.team)
	e.sweepAt(wed6.Add(time.Minute)) // woken by the digest's own writes
	e.sweepAt(wed6.Add(30 * time.Minute))
	if n := len(e.digests(berlin)); n != 1 {
		t.Fatalf("%d digests after more sweeps, want 1", n)
	}
	if at.UnixMilli() != 0 && !at.After(wed6) {
		t.Errorf("after the digest the next sweep is at %v; want later than %v", at, wed6)
	}
}

// TestTeamClaimedByOneScheduler: a team claimed by one sweeper is not swept
// by another until the claim runs out; a sweeper that dies holding it (it
// never hands it back) leaves it to the other then, which sends what is
// due.
func TestTeamClaimedByOneScheduler(t *testing.T) {
	e := newEnv(t, tue10, options{lease: 2 * time.Minute})
	e.user(rep, time.UTC)
	e.dueLead(rep, "Claimed Co", tue10)

	// The replica that dies: it claims the team, and stops.
	got, err := e.store.ClaimWakesOf(e.ctx, []string{e.team}, tue10, tue10.Add(2*time.Minute))
	if err != nil || len(got) != 1 {
		t.Fatalf("claim: %v, %v", got, err)
	}
	before := e.swept()
	e.sweepAt(tue10.Add(time.Minute))
	e.wantSwept(before, 0, "inside the dead replica's claim")
	e.wantPosts(rep, 0, "inside the dead replica's claim")

	e.sweepAt(tue10.Add(2 * time.Minute))
	e.wantSwept(before, 1, "once the claim ran out")
	e.wantPosts(rep, 1, "once the claim ran out")
}

// TestConcurrentSchedulersNeverShareATeam: with schedulers sweeping at
// once, round after round, a team is never claimed by two at a time, and
// each follow-up goes once.
func TestConcurrentSchedulersNeverShareATeam(t *testing.T) {
	e := newEnv(t, tue10, options{})
	var mu sync.Mutex
	held, overlaps := 0, 0
	e.sched.claim = func(n int) {
		mu.Lock()
		defer mu.Unlock()
		held += n
		if held > 1 {
			overlaps++
		}
	}
	for i := range 6 {
		owner := []string{rep, rep2}[i%2]
		e.user(owner, time.UTC)
		e.dueLead(owner, "Shared Co "+string(rune('A'+i)), tue10.Add(time.Duration(i)*time.Minute))
	}
	for m := range 8 {
		e.clock.Set(tue10.Add(time.Duration(m) * time.Minute))
		e.race(3)
	}
	if overlaps != 0 {
		t.Errorf("the team was claimed by two schedulers at once %d times", overlaps)
	}
	if n := len(e.posts(rep)) + len(e.posts(rep2)); n != 6 {
		t.Errorf("%d reminders, want 6", n)
	}
}

// TestUninstalledTeamNotSwept: a workspace the bot was uninstalled from is
// not swept (nothing read, nothing sent) and waits an hour before it is
// looked at again.
func TestUninstalledTeamNotSwept(t *testing.T) {
	e := newEnv(t, tue10, options{})
	e.user(rep, time.UTC)
	e.dueLead(rep, "Gone Co", tue10)
	ws := &installs{}
	e.a, e.b = e.restartWith(ws), e.restartWith(ws)
	e.sweepAt(tue10)
	e.wantPosts(rep, 0, "uninstalled")
	at, ok, err := e.store.WakeAt(e.ctx, e.team)
	if err != nil || !ok || !at.Equal(tue10.Add(time.Hour)) {
		t.Fatalf("next sweep at %v (%v, %v); want an hour on", at, ok, err)
	}
}

// installs is a Workspaces where no workspace is installed.
type installs struct{}

func (*installs) Installed(context.Context, string, string) (bool, error) { return false, nil }

func (*installs) PurgeExpired(context.Context, time.Time) ([]string, error) { return nil, nil }
