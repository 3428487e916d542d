package service_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"salesbot"
	"salesbot/internal/redistest"
	"salesbot/service"
	"salesbot/store"
)

func TestMain(m *testing.M) { redistest.Main(m) }

var (
	now     = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	manager = salesbot.Actor{User: "UBOSS", Manager: true}
)

// newTeam returns a store on the test server (changes placed at their own
// times, as the tests' clock says) and a fresh team.
func newTeam(t *testing.T) (*store.Store, string) {
	t.Helper()
	return store.New(redistest.Client(t), store.WithChangeTime()), redistest.Team(t)
}

func create(t *testing.T, st *store.Store, team, company, owner string, g salesbot.Grade, at time.Time) *salesbot.Lead {
	t.Helper()
	l, c, err := salesbot.NewLead(salesbot.Actor{User: owner}, team, "", company, g, at)
	if err != nil {
		t.Fatal(err)
	}
	l.Schedule(salesbot.DefaultCadence())
	if _, err := st.CreateLead(t.Context(), l, c); err != nil {
		t.Fatal(err)
	}
	return l
}

// TestDigestPeriod: a digest covers the time since the manager's last one,
// or the last day when there was none or it is older than a week.
func TestDigestPeriod(t *testing.T) {
	st, team := newTeam(t)
	svc := service.New(service.Config{Store: st})
	ctx := t.Context()
	create(t, st, team, "Two Days Ago", "UREP", salesbot.GradeB, now.Add(-50*time.Hour))
	create(t, st, team, "This Morning", "UREP", salesbot.GradeA, now.Add(-2*time.Hour))

	first, err := svc.Digest(ctx, manager, team, now)
	if err != nil {
		t.Fatal(err)
	}
	if !first.Since.Equal(now.Add(-salesbot.Day)) || newLeads(first) != 1 {
		t.Fatalf("first digest since %v with %d new leads; want the last day, 1", first.Since, newLeads(first))
	}
	if err := svc.MarkDigestSent(ctx, team, manager.User, salesbot.Digest{Through: now.Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	next, err := svc.Digest(ctx, manager, team, now)
	if err != nil {
		t.Fatal(err)
	}
	if !next.Since.Equal(now.Add(-time.Hour)) || newLeads(next) != 0 {
		t.Fatalf("digest after one sent an hour ago: since %v, %d new leads; want since then, 0", next.Since, newLeads(next))
	}
	if next.Open != 2 || next.Pipeline[salesbot.GradeA][salesbot.StageLead] != 1 {
		t.Fatalf("pipeline %v (%d open); want the two leads", next.Pipeline, next.Open)
	}
	// A mark older than a week counts as none.
	if err := svc.MarkDigestSent(ctx, team, manager.User, salesbot.Digest{Through: now.Add(-8 * salesbot.Day)}); err != nil {
		t.Fatal(err)
	}
	stale, err := svc.Digest(ctx, manager, team, now)
	if err != nil {
		t.Fatal(err)
	}
	if !stale.Since.Equal(now.Add(-salesbot.Day)) {
		t.Fatalf("digest after a week's silence since %v; want the last day", stale.Since)
	}
}

func newLeads(d salesbot.Digest) int {
	n := 0
	for _, r := range d.Reps {
		n += len(r.NewLeads)
	}
	return n
}

// countingStore counts the digest readings and holds each until released.
type countingStore struct {
	*store.Store
	reads   atomic.Int32
	release chan struct{}
}

func (s *countingStore) DigestData(ctx context.Context, team string, q salesbot.DigestQuery) (salesbot.DigestData, error) {
	s.reads.Add(1)
	<-s.release
	return s.Store.DigestData(ctx, team, q)
}

// TestOverviewsShareOneReading: managers opening their Home together read
// the team once.
func TestOverviewsShareOneReading(t *testing.T) {
	st, team := newTeam(t)
	create(t, st, team, "Overdue Co", "UREP", salesbot.GradeA, now.Add(-30*salesbot.Day))
	cs := &countingStore{Store: st, release: make(chan struct{})}
	svc := service.New(service.Config{Store: cs})
	const managers = 8
	var wg sync.WaitGroup
	results := make([]salesbot.Digest, managers)
	started := make(chan struct{}, managers)
	for i := range managers {
		wg.Go(func() {
			started <- struct{}{}
			d, err := svc.Overview(t.Context(), manager, team, now)
			if err != nil {
				t.Error(err)
			}
			results[i] = d
		})
	}
	for range managers {
		<-started
	}
	time.Sleep(200 * time.Millisecond) // let them all reach the shared reading
	close(cs.release)
	wg.Wait()
	if n := cs.reads.Load(); n != 1 {
		t.Errorf("%d overviews read the team %d times; want once", managers, n)
	}
	for i, d := range results {
		if d.OverdueTotal != 1 || d.Open != 1 {
			t.Errorf("overview %d: %d overdue, %d open; want 1 and 1", i, d.OverdueTotal, d.Open)
		}
	}
}

// TestReport: the report of a period reads what it registered and changed.
func TestReport(t *testing.T) {
	st, team := newTeam(t)
	svc := service.New(service.Config{Store: st})
	create(t, st, team, "Old Co", "UREP", salesbot.GradeC, now.Add(-40*salesbot.Day))
	create(t, st, team, "New Co", "UREP", salesbot.GradeB, now.Add(-2*salesbot.Day))
	p := salesbot.Period{From: now.Add(-7 * salesbot.Day), To: now}
	r, err := svc.Report(t.Context(), team, p, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.NewLeads) != 1 || r.NewLeads[0].Company != "New Co" || r.Open != 2 {
		t.Fatalf("report: %d new leads %v, %d open; want New Co alone, 2 open", len(r.NewLeads), r.NewLeads, r.Open)
	}
}

// TestDigestAndOverviewForManagersOnly: a rep gets neither, and nothing is
// read for them.
func TestDigestAndOverviewForManagersOnly(t *testing.T) {
	st, team := newTeam(t)
	cs := &countingStore{Store: st, release: make(chan struct{})}
	close(cs.release)
	svc := service.New(service.Config{Store: cs})
	rep := salesbot.Actor{User: "UREP"}
	if _, err := svc.Digest(t.Context(), rep, team, now); salesbot.ErrorCode(err) != salesbot.EFORBIDDEN {
		t.Errorf("a rep's digest: %v; want EFORBIDDEN", err)
	}
	if _, err := svc.Overview(t.Context(), rep, team, now); salesbot.ErrorCode(err) != salesbot.EFORBIDDEN {
		t.Errorf("a rep's overview: %v; want EFORBIDDEN", err)
	}
	if n := cs.reads.Load(); n != 0 {
		t.Errorf("%d readings for a rep; want none", n)
	}
	if _, err := svc.Overview(t.Context(), manager, team, now); err != nil || cs.reads.Load() != 1 {
		t.Errorf("a manager's overview: %v after %d readings", err, cs.reads.Load())
	}
}

// TestDigestsMissNoChangeWhateverTheClocks: the activity is windowed on
// Redis's own clock (the stream's IDs) and the mark is where the window
// ended, so a change written after one digest was read is in the next one,
// even when the bot's clock runs ahead of Redis's (here by an hour).
func TestDigestsMissNoChangeWhateverTheClocks(t *testing.T) {
	client := redistest.Client(t)
	st := store.New(client) // stream IDs from Redis's clock, as in production
	team := redistest.Team(t)
	svc := service.New(service.Config{Store: st})
	ctx := t.Context()
	ahead := time.Now().Add(time.Hour) // the bot's clock
	l := create(t, st, team, "Clockwork Co", "UREP", salesbot.GradeA, time.Now())

	first, err := svc.Digest(ctx, manager, team, ahead)
	if err != nil {
		t.Fatal(err)
	}
	if first.Through.IsZero() || first.Through.After(ahead) {
		t.Fatalf("the first digest ends at %v; want Redis's now, before the bot's %v", first.Through, ahead)
	}
	if err := svc.MarkDigestSent(ctx, team, manager.User, first); err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpdateLead(ctx, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		v := &salesbot.Visit{Kind: salesbot.KindCall, Notes: "after the digest"}
		c, err := l.RecordVisit(salesbot.Actor{User: "UREP"}, v, time.UTC, time.Now())
		return salesbot.Update{Changes: []salesbot.Change{c}, Visit: v}, err
	}); err != nil {
		t.Fatal(err)
	}
	// A period ends a millisecond before Redis's now (a change written
	// later in that millisecond belongs to the next): the next digest is
	// taken once Redis's clock has passed the visit's.
	logged := time.Now()
	for {
		now, err := client.Time(ctx).Result()
		if err != nil {
			t.Fatal(err)
		}
		if now.Sub(logged) > 2*time.Millisecond {
			break
		}
	}
	next, err := svc.Digest(ctx, manager, team, ahead.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	visits := 0
	for _, r := range next.Reps {
		visits += len(r.Visits)
	}
	if visits != 1 {
		t.Fatalf("the next digest reports %d visits; want the one logged after the first digest", visits)
	}
}
