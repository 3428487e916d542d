package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"salesbot"
	"salesbot/internal/redistest"
	"salesbot/store"
)

// lease is how long the tests' sweepers hold their claims, unless a test
// says otherwise.
const lease = time.Minute

// u1 owns the leads of the reminder tests (mustCreate's owner "U1").
var u1 = salesbot.Actor{User: "U1"}

// wantScore fails the test unless the team's sorted set (due or inflight)
// holds the lead at want, in milliseconds; a zero want means it must not
// hold the lead at all.
func wantScore(t *testing.T, rdb redis.UniversalClient, team, set, id string, want time.Time) {
	t.Helper()
	got, err := rdb.ZScore(ctx, key(team, set), id).Result()
	switch {
	case err != nil && err != redis.Nil:
		t.Fatalf("ZSCORE %s %s: %v", set, id, err)
	case want.IsZero() && err == nil:
		t.Errorf("%s holds %s at %v; want it out", set, id, time.UnixMilli(int64(got)).UTC())
	case !want.IsZero() && err == redis.Nil:
		t.Errorf("%s lacks %s; want it at %v", set, id, want)
	case !want.IsZero() && got != float64(want.UnixMilli()):
		t.Errorf("%s holds %s at %v; want %v", set, id, time.UnixMilli(int64(got)).UTC(), want)
	}
}

// wantLeaseEnd fails the test unless the team's inflight set holds the lead
// under a lease of d that started just now on Redis's clock (TIME): leases
// are measured there, whatever the sweepers' clocks say.
func wantLeaseEnd(t *testing.T, rdb redis.UniversalClient, team, id string, d time.Duration) {
	t.Helper()
	got, err := rdb.ZScore(ctx, key(team, "inflight"), id).Result()
	if err != nil {
		t.Fatalf("ZSCORE inflight %s: %v", id, err)
	}
	clock, err := rdb.Time(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	end := time.UnixMilli(int64(got))
	if latest, earliest := clock.Add(d), clock.Add(d-5*time.Second); end.After(latest) || end.Before(earliest) {
		t.Errorf("inflight holds %s until %v; want a lease of %v from Redis's time %v", id, end.UTC(), d, clock.UTC())
	}
}

// wantLease fails the test unless the leases hash gives the lead to token
// ("" means no lease).
func wantLease(t *testing.T, rdb redis.UniversalClient, team, id, token string) {
	t.Helper()
	got, err := rdb.HGet(ctx, key(team, "leases"), id).Result()
	if err != nil && err != redis.Nil {
		t.Fatalf("HGET leases %s: %v", id, err)
	}
	if got != token {
		t.Errorf("lease of %s held by %q; want %q", id, got, token)
	}
}

// attempts returns the failed attempts recorded for a lead, and whether
// there is a record at all.
func attempts(t *testing.T, rdb redis.UniversalClient, team, id string) (int, bool) {
	t.Helper()
	n, err := rdb.HGet(ctx, key(team, "attempts"), id).Int()
	if err == redis.Nil {
		return 0, false
	} else if err != nil {
		t.Fatalf("HGET attempts %s: %v", id, err)
	}
	return n, true
}

// mustClaim claims for token and fails the test on an error.
func mustClaim(t *testing.T, s *store.Store, team, token string, at time.Time, lease time.Duration, limit int) ([]salesbot.ReminderClaim, int) {
	t.Helper()
	cs, recovered, err := s.ClaimDue(ctx, team, token, at, lease, limit)
	if err != nil {
		t.Fatalf("ClaimDue(%s, %v): %v", token, at, err)
	}
	return cs, recovered
}

// claimIDs lists the claims' lead IDs in order.
func claimIDs(cs []salesbot.ReminderClaim) []string {
	var ids []string
	for _, c := range cs {
		ids = append(ids, c.LeadID)
	}
	return ids
}

// markReminded is the sweeper's ack: the owner was reminded of the lead's
// current due time.
func markReminded(l *salesbot.Lead) error {
	l.MarkReminded(l.Due)
	return nil
}

// mustAck acks a claim with markReminded and fails unless the lease was held.
func mustAck(t *testing.T, s *store.Store, c salesbot.ReminderClaim) {
	t.Helper()
	held, err := s.AckReminder(ctx, c, markReminded)
	if err != nil || !held {
		t.Fatalf("AckReminder(%+v) = %v, %v; want held", c, held, err)
	}
}

// claimOne claims at at for token and fails unless the one lead is claimed.
func claimOne(t *testing.T, s *store.Store, team, token, id string, at time.Time) salesbot.ReminderClaim {
	t.Helper()
	cs, _ := mustClaim(t, s, team, token, at, lease, 10)
	if len(cs) != 1 || cs[0].LeadID != id {
		t.Fatalf("ClaimDue(%s, %v) = %+v; want %s alone", token, at, cs, id)
	}
	return cs[0]
}

func visit(at time.Time) func(*salesbot.Lead) (salesbot.Update, error) {
	return func(l *salesbot.Lead) (salesbot.Update, error) {
		v := &salesbot.Visit{Kind: salesbot.KindCall}
		c, err := l.RecordVisit(u1, v, time.UTC, at)
		return salesbot.Update{Changes: []salesbot.Change{c}, Visit: v}, err
	}
}

// TestReminderIndex walks one lead through reminders, edits, a visit and a
// snooze: after each step the due set holds it at its ReminderAt, or not at
// all once the owner was reminded of its current due time.
func TestReminderIndex(t *testing.T) {
	s, rdb, team := newStore(t)
	l := mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)
	first := now.Add(7 * salesbot.Day) // grade A's cadence
	visited := first.Add(salesbot.Day)
	second := visited.Add(7 * salesbot.Day)
	snoozed := second.Add(4 * salesbot.Day)

	steps := []struct {
		name string
		do   func(t *testing.T)
		want time.Time // in due at; zero: out of it
	}{
		{"created", func(*testing.T) {}, first},
		{"reminded", func(t *testing.T) { mustAck(t, s, claimOne(t, s, team, "s1", l.ID, first)) }, time.Time{}},
		{"edited, due time kept", func(t *testing.T) {
			mustUpdate(t, s, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
				return one(l.SetFact(u1, salesbot.FactBudget, "50k", first.Add(time.Hour)))
			})
		}, time.Time{}},
		{"visited", func(t *testing.T) { mustUpdate(t, s, team, l.ID, visit(visited)) }, second},
		{"reminded again", func(t *testing.T) { mustAck(t, s, claimOne(t, s, team, "s2", l.ID, second)) }, time.Time{}},
		{"snoozed", func(t *testing.T) {
			mustUpdate(t, s, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
				return one(l.Snooze(u1, snoozed, second.Add(time.Hour)))
			})
		}, snoozed},
		{"reminded at the snooze's end", func(t *testing.T) { mustAck(t, s, claimOne(t, s, team, "s3", l.ID, snoozed)) }, time.Time{}},
	}
	for _, st := range steps {
		st.do(t)
		got, err := s.Lead(ctx, team, l.ID)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if at := got.ReminderAt(); !at.Equal(st.want) {
			t.Errorf("%s: stored lead's ReminderAt = %v; want %v", st.name, at, st.want)
		}
		t.Run(st.name, func(t *testing.T) {
			wantScore(t, rdb, team, "due", l.ID, st.want)
			wantScore(t, rdb, team, "inflight", l.ID, time.Time{})
			wantLease(t, rdb, team, l.ID, "")
		})
	}
}

// TestReminderIndexClosed: a closed lead is never in due, whatever happens
// to it after, and a claim taken before it closed settles without putting it
// back.
func TestReminderIndexClosed(t *testing.T) {
	due := now.Add(7 * salesbot.Day)
	win := func(l *salesbot.Lead) (salesbot.Update, error) { return one(l.Win(manager, now.Add(time.Hour))) }
	lose := func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(l.Lose(u1, "no budget", now.Add(time.Hour)))
	}
	edit := func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(l.SetFact(manager, salesbot.FactNeed, "post-mortem", now.Add(2*time.Hour)))
	}
	tests := []struct {
		name    string
		claimed bool // claimed at due before closing, acked after
		updates []func(*salesbot.Lead) (salesbot.Update, error)
	}{
		{"won", false, []func(*salesbot.Lead) (salesbot.Update, error){win}},
		{"lost", false, []func(*salesbot.Lead) (salesbot.Update, error){lose}},
		{"won, then edited", false, []func(*salesbot.Lead) (salesbot.Update, error){win, edit}},
		{"lost, then edited", false, []func(*salesbot.Lead) (salesbot.Update, error){lose, edit}},
		{"won while claimed", true, []func(*salesbot.Lead) (salesbot.Update, error){win}},
		{"lost while claimed", true, []func(*salesbot.Lead) (salesbot.Update, error){lose}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, rdb, team := newStore(t)
			l := mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)
			var c salesbot.ReminderClaim
			if tt.claimed {
				c = claimOne(t, s, team, "s1", l.ID, due)
			}
			for _, fn := range tt.updates {
				mustUpdate(t, s, team, l.ID, fn)
				wantScore(t, rdb, team, "due", l.ID, time.Time{})
			}
			if tt.claimed {
				mustAck(t, s, c)
				wantScore(t, rdb, team, "due", l.ID, time.Time{})
				wantScore(t, rdb, team, "inflight", l.ID, time.Time{})
			}
			if cs, _ := mustClaim(t, s, team, "s2", now.Add(365*salesbot.Day), lease, 10); len(cs) != 0 {
				t.Errorf("claimed a closed lead: %+v", cs)
			}
		})
	}
}

// TestClaimDue creates four leads due 7, 14, 30 and 90 days from now (grades
// A to D) and claims at several times and limits, then has a second sweeper
// claim at the same time.
func TestClaimDue(t *testing.T) {
	day := salesbot.Day
	tests := []struct {
		name   string
		at     time.Duration // after now
		limit  int
		want   []int // indexes of the leads the first sweeper claims, in order
		second []int // what a second sweeper then claims at the same time
	}{
		{"nothing due yet", 7*day - time.Millisecond, 10, nil, nil},
		{"due at the very millisecond", 7 * day, 10, []int{0}, nil},
		{"all due by then, soonest first", 30 * day, 10, []int{0, 1, 2}, nil},
		{"at most limit", 365 * day, 2, []int{0, 1}, []int{2, 3}},
		{"limit 1", 365 * day, 1, []int{0}, []int{1, 2, 3}},
		{"limit 0", 365 * day, 0, nil, []int{0, 1, 2, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, rdb, team := newStore(t)
			var leads []*salesbot.Lead
			for i, g := range salesbot.Grades {
				leads = append(leads, mustCreate(t, s, team, fmt.Sprintf("Company %c", 'A'+i), "U1", g))
			}
			ids := func(idx []int) []string {
				var out []string
				for _, i := range idx {
					out = append(out, leads[i].ID)
				}
				return out
			}
			at := now.Add(tt.at)

			cs, recovered := mustClaim(t, s, team, "s1", at, lease, tt.limit)
			if got := claimIDs(cs); !slices.Equal(got, ids(tt.want)) || recovered != 0 {
				t.Fatalf("ClaimDue = %v, recovered %d; want %v, 0", got, recovered, ids(tt.want))
			}
			for _, c := range cs {
				if want := (salesbot.ReminderClaim{Team: team, LeadID: c.LeadID, Token: "s1"}); c != want {
					t.Errorf("claim = %+v; want %+v", c, want)
				}
			}
			for i, l := range leads {
				if slices.Contains(tt.want, i) {
					wantScore(t, rdb, team, "due", l.ID, time.Time{})
					wantLeaseEnd(t, rdb, team, l.ID, lease)
					wantLease(t, rdb, team, l.ID, "s1")
				} else {
					wantScore(t, rdb, team, "due", l.ID, l.ReminderAt())
					wantScore(t, rdb, team, "inflight", l.ID, time.Time{})
					wantLease(t, rdb, team, l.ID, "")
				}
			}

			cs, recovered = mustClaim(t, s, team, "s2", at, lease, 10)
			if got := claimIDs(cs); !slices.Equal(got, ids(tt.second)) || recovered != 0 {
				t.Errorf("second ClaimDue = %v, recovered %d; want %v, 0", got, recovered, ids(tt.second))
			}
			for _, i := range tt.want {
				wantLease(t, rdb, team, leads[i].ID, "s1")
				wantLeaseEnd(t, rdb, team, leads[i].ID, lease)
			}
		})
	}
}

// TestClaimDueExclusive has 8 sweepers claim 200 due leads at once, each in
// a loop until nothing is left: every lead is claimed exactly once, and its
// lease is its claimer's.
func TestClaimDueExclusive(t *testing.T) {
	const leads, sweepers = 200, 8
	s, rdb, team := newStore(t)
	for i := range leads {
		mustCreate(t, s, team, fmt.Sprintf("Company %03d", i), "U1", salesbot.GradeA)
	}
	at := now.Add(7 * salesbot.Day)

	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		claims = map[string][]string{} // lead → tokens that claimed it
	)
	for i := range sweepers {
		token := fmt.Sprintf("sweeper-%d", i)
		wg.Go(func() {
			// No sweeper can claim more than there are leads; a claim
			// that left leads due would otherwise loop for ever.
			for taken := 0; taken <= leads; {
				cs, _, err := s.ClaimDue(ctx, team, token, at, lease, 7)
				if err != nil {
					t.Errorf("%s: ClaimDue: %v", token, err)
					return
				}
				if len(cs) == 0 {
					return
				}
				taken += len(cs)
				mu.Lock()
				for _, c := range cs {
					claims[c.LeadID] = append(claims[c.LeadID], c.Token)
				}
				mu.Unlock()
			}
			t.Errorf("%s claimed more than %d leads", token, leads)
		})
	}
	wg.Wait()

	if len(claims) != leads {
		t.Errorf("%d leads claimed; want %d", len(claims), leads)
	}
	held, err := rdb.HGetAll(ctx, key(team, "leases")).Result()
	if err != nil {
		t.Fatal(err)
	}
	for id, tokens := range claims {
		if len(tokens) != 1 {
			t.Errorf("lead %s claimed %d times, by %v", id, len(tokens), tokens)
		} else if held[id] != tokens[0] {
			t.Errorf("lead %s claimed by %s; its lease is %q's", id, tokens[0], held[id])
		}
	}
	if n := rdb.ZCard(ctx, key(team, "due")).Val(); n != 0 {
		t.Errorf("due still holds %d leads", n)
	}
	if n := rdb.ZCard(ctx, key(team, "inflight")).Val(); n != leads {
		t.Errorf("inflight holds %d leads; want %d", n, leads)
	}
}

// TestClaimDueLeaseExpiry: a sweeper that outlives its lease loses the
// claim to the next one, and can then neither ack nor release it. Leases
// run on Redis's clock: a sweeper whose clock runs a day ahead does not
// take a live lease over, and one whose clock lags a day still recovers an
// expired one.
func TestClaimDueLeaseExpiry(t *testing.T) {
	const short = 300 * time.Millisecond
	s, rdb, team := newStore(t)
	l := mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)
	at := now.Add(7 * salesbot.Day)
	claimed := time.Now()
	old, _ := mustClaim(t, s, team, "s1", at, short, 10)
	if len(old) != 1 {
		t.Fatalf("first claim = %+v", old)
	}

	// Before the lease ends, nobody else gets it, whatever their clock.
	if cs, recovered := mustClaim(t, s, team, "s2", at.Add(salesbot.Day), short, 10); len(cs) != 0 || recovered != 0 {
		t.Fatalf("claim within the lease = %+v, recovered %d; want nothing", cs, recovered)
	}
	time.Sleep(time.Until(claimed.Add(short + 50*time.Millisecond)))
	later := at.Add(-salesbot.Day)
	cs, recovered := mustClaim(t, s, team, "s2", later, short, 10)
	if recovered != 1 || len(cs) != 1 || cs[0].LeadID != l.ID || cs[0].Token != "s2" {
		t.Fatalf("claim after the lease = %+v, recovered %d; want %s for s2, 1 recovered", cs, recovered, l.ID)
	}
	wantLeaseEnd(t, rdb, team, l.ID, short)
	wantLease(t, rdb, team, l.ID, "s2")

	before := rdb.Get(ctx, key(team, "lead", l.ID)).Val()
	called := false
	held, err := s.AckReminder(ctx, old[0], func(l *salesbot.Lead) error {
		called = true
		return markReminded(l)
	})
	if held || err != nil {
		t.Errorf("stale AckReminder = %v, %v; want not held, no error", held, err)
	}
	if called {
		t.Error("stale AckReminder ran fn")
	}
	if err := s.ReleaseReminder(ctx, old[0], later.Add(time.Hour), true); err != nil {
		t.Errorf("stale ReleaseReminder: %v", err)
	}
	if after := rdb.Get(ctx, key(team, "lead", l.ID)).Val(); after != before {
		t.Errorf("stale ack or release changed the lead:\n%s\n%s", before, after)
	}
	wantScore(t, rdb, team, "due", l.ID, time.Time{})
	if n := rdb.ZCard(ctx, key(team, "inflight")).Val(); n != 1 {
		t.Errorf("inflight holds %d leads; want s2's one", n)
	}
	wantLease(t, rdb, team, l.ID, "s2")
	if n, ok := attempts(t, rdb, team, l.ID); ok {
		t.Errorf("stale release counted %d attempts", n)
	}

	// The new holder settles it.
	mustAck(t, s, cs[0])
	wantScore(t, rdb, team, "inflight", l.ID, time.Time{})
	wantLease(t, rdb, team, l.ID, "")
}

func TestAckReminder(t *testing.T) {
	at := now.Add(7 * salesbot.Day)

	t.Run("saves fn's change and settles the claim", func(t *testing.T) {
		s, rdb, team := newStore(t)
		l := mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)
		// A failed attempt first, so that there is a count to clear.
		c := claimOne(t, s, team, "s1", l.ID, at)
		if err := s.ReleaseReminder(ctx, c, at, true); err != nil {
			t.Fatal(err)
		}
		c = claimOne(t, s, team, "s1", l.ID, at)
		if c.Attempts != 1 {
			t.Fatalf("Attempts = %d; want 1", c.Attempts)
		}
		calls := 0
		held, err := s.AckReminder(ctx, c, func(got *salesbot.Lead) error {
			calls++
			if got.ID != l.ID || !got.Due.Equal(at) {
				t.Errorf("fn got %+v; want the stored lead", got)
			}
			got.MarkReminded(got.Due)
			return nil
		})
		if !held || err != nil || calls != 1 {
			t.Fatalf("AckReminder = %v, %v with fn run %d times; want held, once", held, err, calls)
		}
		got, err := s.Lead(ctx, team, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.RemindedDue.Equal(at) {
			t.Errorf("stored RemindedDue = %v; want %v", got.RemindedDue, at)
		}
		wantScore(t, rdb, team, "due", l.ID, time.Time{})
		wantScore(t, rdb, team, "inflight", l.ID, time.Time{})
		wantLease(t, rdb, team, l.ID, "")
		if n, ok := attempts(t, rdb, team, l.ID); ok {
			t.Errorf("attempts still %d", n)
		}
	})

	t.Run("fn's error writes nothing and keeps the lease", func(t *testing.T) {
		s, rdb, team := newStore(t)
		l := mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)
		c := claimOne(t, s, team, "s1", l.ID, at)
		before := rdb.Get(ctx, key(team, "lead", l.ID)).Val()
		refusal := errors.New("slack said no")
		_, err := s.AckReminder(ctx, c, func(l *salesbot.Lead) error {
			l.MarkReminded(l.Due)
			l.Owner = "U9"
			return refusal
		})
		if err != refusal {
			t.Fatalf("AckReminder error = %v; want fn's error itself", err)
		}
		if after := rdb.Get(ctx, key(team, "lead", l.ID)).Val(); after != before {
			t.Errorf("lead changed:\n%s\n%s", before, after)
		}
		wantLeaseEnd(t, rdb, team, l.ID, lease)
		wantLease(t, rdb, team, l.ID, "s1")
		wantScore(t, rdb, team, "due", l.ID, time.Time{})
		// Still held: the same claim settles now.
		mustAck(t, s, c)
		wantScore(t, rdb, team, "inflight", l.ID, time.Time{})
	})

	t.Run("a lead deleted meanwhile settles as held", func(t *testing.T) {
		s, rdb, team := newStore(t)
		l := mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)
		c := claimOne(t, s, team, "s1", l.ID, at)
		if err := s.ReleaseReminder(ctx, c, at, true); err != nil {
			t.Fatal(err)
		}
		c = claimOne(t, s, team, "s1", l.ID, at)
		rdb.Del(ctx, key(team, "lead", l.ID))
		called := false
		held, err := s.AckReminder(ctx, c, func(*salesbot.Lead) error { called = true; return nil })
		if !held || err != nil || called {
			t.Fatalf("AckReminder = %v, %v, fn called %v; want held, no error, fn not called", held, err, called)
		}
		if n := rdb.Exists(ctx, key(team, "lead", l.ID)).Val(); n != 0 {
			t.Error("ack wrote the deleted lead back")
		}
		wantScore(t, rdb, team, "due", l.ID, time.Time{})
		wantScore(t, rdb, team, "inflight", l.ID, time.Time{})
		wantLease(t, rdb, team, l.ID, "")
		if _, ok := attempts(t, rdb, team, l.ID); ok {
			t.Error("attempts left behind")
		}
	})
}

func TestReleaseReminder(t *testing.T) {
	at := now.Add(7 * salesbot.Day)

	t.Run("due again at retryAt", func(t *testing.T) {
		s, rdb, team := newStore(t)
		l := mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)
		c := claimOne(t, s, team, "s1", l.ID, at)
		retry := at.Add(10 * time.Minute)
		if err := s.ReleaseReminder(ctx, c, retry, false); err != nil {
			t.Fatal(err)
		}
		wantScore(t, rdb, team, "due", l.ID, retry)
		wantScore(t, rdb, team, "inflight", l.ID, time.Time{})
		wantLease(t, rdb, team, l.ID, "")
		if n, ok := attempts(t, rdb, team, l.ID); ok {
			t.Errorf("a release that did not fail counted %d attempts", n)
		}
		if cs, _ := mustClaim(t, s, team, "s2", retry.Add(-time.Millisecond), lease, 10); len(cs) != 0 {
			t.Errorf("claimed before retryAt: %+v", cs)
		}
		if c := claimOne(t, s, team, "s2", l.ID, retry); c.Attempts != 0 {
			t.Errorf("Attempts = %d; want 0", c.Attempts)
		}
	})

	t.Run("failed attempts are counted", func(t *testing.T) {
		s, rdb, team := newStore(t)
		l := mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)
		retry := at
		for want := range 3 {
			c := claimOne(t, s, team, "s1", l.ID, retry)
			if c.Attempts != want {
				t.Errorf("claim %d: Attempts = %d; want %d", want+1, c.Attempts, want)
			}
			retry = retry.Add(time.Minute)
			if err := s.ReleaseReminder(ctx, c, retry, true); err != nil {
				t.Fatal(err)
			}
			if n, _ := attempts(t, rdb, team, l.ID); n != want+1 {
				t.Errorf("after failure %d: attempts = %d", want+1, n)
			}
		}
		// A release that did not fail leaves the count as it is.
		c := claimOne(t, s, team, "s1", l.ID, retry)
		if err := s.ReleaseReminder(ctx, c, retry, false); err != nil {
			t.Fatal(err)
		}
		if c := claimOne(t, s, team, "s1", l.ID, retry); c.Attempts != 3 {
			t.Errorf("Attempts = %d; want 3", c.Attempts)
		}
	})

	t.Run("an update's due time is kept", func(t *testing.T) {
		s, rdb, team := newStore(t)
		l := mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)
		c := claimOne(t, s, team, "s1", l.ID, at)
		// The rep logs a visit while the reminder is being sent: due in a week.
		visited := at.Add(time.Minute)
		mustUpdate(t, s, team, l.ID, visit(visited))
		wantScore(t, rdb, team, "due", l.ID, visited.Add(7*salesbot.Day))
		if err := s.ReleaseReminder(ctx, c, at.Add(5*time.Minute), true); err != nil {
			t.Fatal(err)
		}
		wantScore(t, rdb, team, "due", l.ID, visited.Add(7*salesbot.Day))
		wantScore(t, rdb, team, "inflight", l.ID, time.Time{})
		wantLease(t, rdb, team, l.ID, "")
	})
}

// TestClaimedLeadEditedStaysClaimed: an edit that leaves the due time where
// it was re-indexes a claimed lead, but a second sweeper must not claim it
// within the first's lease, or the owner is reminded twice.
func TestClaimedLeadEditedStaysClaimed(t *testing.T) {
	s, rdb, team := newStore(t)
	l := mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)
	at := now.Add(7 * salesbot.Day)
	c := claimOne(t, s, team, "s1", l.ID, at)
	mustUpdate(t, s, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(l.SetFact(u1, salesbot.FactBudget, "50k", at.Add(time.Second)))
	})
	if cs, _ := mustClaim(t, s, team, "s2", at.Add(2*time.Second), lease, 10); len(cs) != 0 {
		t.Errorf("second sweeper claimed %v within s1's lease", claimIDs(cs))
	}
	wantScore(t, rdb, team, "due", l.ID, time.Time{}) // the stray entry is dropped
	if held, err := s.AckReminder(ctx, c, markReminded); !held || err != nil {
		t.Errorf("AckReminder = %v, %v; want held", held, err)
	}
	wantScore(t, rdb, team, "due", l.ID, time.Time{}) // reminded: not due again
}

func TestPauseSending(t *testing.T) {
	s, rdb, team := newStore(t)
	paused := func() time.Time {
		t.Helper()
		until, err := s.SendingPausedUntil(ctx, team)
		if err != nil {
			t.Fatalf("SendingPausedUntil: %v", err)
		}
		return until
	}
	if got := paused(); !got.IsZero() {
		t.Fatalf("a new team is paused until %v", got)
	}
	t0, t1, t2 := now.Add(30*time.Second), now.Add(time.Minute), now.Add(90*time.Second)
	steps := []struct {
		name         string
		until, asked time.Time
		want         time.Time
	}{
		{"a pause", t1, now, t1},
		{"an earlier one does not cut it short", t0, now, t1},
		{"the same again", t1, now.Add(time.Second), t1},
		{"a later one extends it", t2, now, t2},
		{"one already over is ignored", now.Add(-time.Second), now, t2},
		{"one ending as it is asked for is ignored", now, now, t2},
	}
	for _, st := range steps {
		if err := s.PauseSending(ctx, team, st.until, st.asked); err != nil {
			t.Fatalf("%s: PauseSending: %v", st.name, err)
		}
		if got := paused(); !got.Equal(st.want) {
			t.Errorf("%s: paused until %v; want %v", st.name, got, st.want)
		}
	}
	// The key lives as long as the latest pause, counted from when it was
	// asked for.
	if ttl := rdb.PTTL(ctx, key(team, "pause")).Val(); ttl <= 80*time.Second || ttl > 90*time.Second {
		t.Errorf("pause key TTL %v; want about 90s", ttl)
	}

	other := redistest.Team(t)
	if until, err := s.SendingPausedUntil(ctx, other); err != nil || !until.IsZero() {
		t.Errorf("another team is paused until %v, %v", until, err)
	}
	if err := s.PauseSending(ctx, other, now.Add(-time.Minute), now); err != nil {
		t.Errorf("PauseSending in the past: %v", err)
	}
	if n := rdb.Exists(ctx, key(other, "pause")).Val(); n != 0 {
		t.Error("a pause in the past wrote a key")
	}
}

func TestPauseSendingShort(t *testing.T) {
	s, _, team := newStore(t)
	if err := s.PauseSending(ctx, team, now.Add(500*time.Microsecond), now); err != nil {
		t.Errorf("PauseSending for half a millisecond: %v", err)
	}
}

// TestPauseSendingExpires waits for a real pause to run out.
func TestPauseSendingExpires(t *testing.T) {
	s, _, team := newStore(t)
	start := time.Now()
	until := start.Add(1500 * time.Millisecond)
	if err := s.PauseSending(ctx, team, until, start); err != nil {
		t.Fatal(err)
	}
	if got, err := s.SendingPausedUntil(ctx, team); err != nil || got.UnixMilli() != until.UnixMilli() {
		t.Fatalf("SendingPausedUntil = %v, %v; want %v", got, err, until)
	}
	time.Sleep(time.Until(start.Add(1700 * time.Millisecond)))
	if got, err := s.SendingPausedUntil(ctx, team); err != nil || !got.IsZero() {
		t.Errorf("SendingPausedUntil after the pause = %v, %v; want zero", got, err)
	}
}

func TestClaimOnce(t *testing.T) {
	s, rdb, team := newStore(t)
	other := redistest.Team(t)
	const ttl = 26 * time.Hour
	steps := []struct {
		team, key string
		want      bool
	}{
		{team, "digest:UBOSS:2026-11-23", true},
		{team, "digest:UBOSS:2026-11-23", false},
		{team, "digest:UBOSS:2026-11-24", true},
		{team, "digest:UADA:2026-11-23", true},
		{other, "digest:UBOSS:2026-11-23", true},
		{other, "digest:UBOSS:2026-11-23", false},
		{team, "digest:UBOSS:2026-11-23", false},
	}
	for i, st := range steps {
		got, err := s.ClaimOnce(ctx, st.team, st.key, ttl)
		if err != nil || got != st.want {
			t.Errorf("step %d: ClaimOnce(%s, %s) = %v, %v; want %v", i, st.team, st.key, got, err, st.want)
		}
	}
	if d := rdb.PTTL(ctx, key(team, "once", "digest:UBOSS:2026-11-23")).Val(); d <= ttl-time.Minute || d > ttl {
		t.Errorf("claim's TTL = %v; want %v", d, ttl)
	}

	// A claim forgotten (its work failed) can be made again, once; the
	// other team's stays.
	if err := s.ForgetOnce(ctx, team, "digest:UBOSS:2026-11-23"); err != nil {
		t.Fatalf("ForgetOnce: %v", err)
	}
	for i, st := range []struct {
		team string
		want bool
	}{{team, true}, {team, false}, {other, false}} {
		if got, err := s.ClaimOnce(ctx, st.team, "digest:UBOSS:2026-11-23", ttl); err != nil || got != st.want {
			t.Errorf("after ForgetOnce, claim %d: ClaimOnce(%s) = %v, %v; want %v", i, st.team, got, err, st.want)
		}
	}
	if err := s.ForgetOnce(ctx, team, "never-claimed"); err != nil {
		t.Errorf("ForgetOnce of an unclaimed key: %v", err)
	}
}

// xrevranges counts the XREVRANGE commands a client sends.
type xrevranges struct{ n atomic.Int64 }

func (h *xrevranges) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *xrevranges) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if cmd.Name() == "xrevrange" {
			h.n.Add(1)
		}
		return next(ctx, cmd)
	}
}

func (h *xrevranges) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// changeKey names a change by what the tests set apart.
func changeKey(c salesbot.Change) string {
	return fmt.Sprintf("%s %s %s", c.LeadID, c.Kind, c.At.UTC().Format(time.RFC3339Nano))
}

func TestActivity(t *testing.T) {
	s, _, team := newStore(t)
	a := mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)
	b := mustCreate(t, s, team, "Globex", "U1", salesbot.GradeB)
	h := func(n int) time.Time { return now.Add(time.Duration(n) * time.Hour) }
	mustUpdate(t, s, team, a.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(l.SetFact(u1, salesbot.FactBudget, "50k", h(1)))
	})
	mustUpdate(t, s, team, b.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(l.Regrade(u1, salesbot.GradeA, "budget approved", h(2)))
	})
	mustUpdate(t, s, team, a.ID, visit(h(3)))
	mustUpdate(t, s, team, b.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(l.Snooze(u1, h(100), h(4)))
	})
	// The fact and the snooze are in the leads' histories, not in the
	// stream: no digest or report reads them.
	all := []string{
		a.ID + " created " + now.Format(time.RFC3339Nano),
		b.ID + " created " + now.Format(time.RFC3339Nano),
		b.ID + " grade " + h(2).Format(time.RFC3339Nano),
		a.ID + " visit " + h(3).Format(time.RFC3339Nano),
	}
	tests := []struct {
		name         string
		since, until time.Time
		want         []string
	}{
		{"everything", now.Add(-time.Second), h(5), all},
		{"since is left out", now, h(5), all[2:]},
		{"until is kept", now.Add(-time.Second), h(2), all[:3]},
		{"a window", h(1), h(3), all[2:4]},
		{"a window with nothing in it", h(1).Add(time.Minute), h(2).Add(-time.Minute), nil},
		{"after the last", h(4), h(10), nil},
		{"before the first", now.Add(-time.Hour), now.Add(-time.Second), nil},
		{"until before since", h(3), h(1), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs, err := s.Activity(ctx, team, tt.since, tt.until)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range cs {
				got = append(got, changeKey(c))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Activity = %q\nwant %q", got, tt.want)
			}
		})
	}
	cs, err := s.Activity(ctx, team, h(1), h(2))
	if err != nil || len(cs) != 1 {
		t.Fatalf("Activity = %+v, %v", cs, err)
	}
	want := salesbot.Change{LeadID: b.ID, Company: "Globex", Kind: salesbot.ChangeGrade, By: "U1", At: h(2), From: "B", To: "A", Reason: "budget approved"}
	if got := cs[0]; !got.At.Equal(want.At) || (func() bool { got.At = want.At; return got != want })() {
		t.Errorf("change = %+v; want %+v", cs[0], want)
	}
	if cs, err := s.Activity(ctx, redistest.Team(t), now.Add(-time.Hour), h(10)); err != nil || len(cs) != 0 {
		t.Errorf("Activity of an empty team = %+v, %v", cs, err)
	}
}

// TestActivityPages reads a stream of 1201 changes, one a minute from now
// (the lead's creation, then 1200 updates), which takes more than one page
// of 500: the windows come back whole and in order, and Activity reads only
// as many pages as it needs to pass since.
func TestActivityPages(t *testing.T) {
	const updates = 1200
	c := redistest.Client(t)
	hook := &xrevranges{}
	c.AddHook(hook)
	s, team := store.New(c, store.WithChangeTime()), redistest.Team(t)
	l := mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)
	minute := func(i int) time.Time { return now.Add(time.Duration(i) * time.Minute) }
	var changes []salesbot.Change
	for i := 1; i <= updates; i++ {
		changes = append(changes, salesbot.Change{LeadID: l.ID, Company: l.Company, Kind: salesbot.ChangeStage, By: "U1", At: minute(i), Reason: fmt.Sprint(i)})
	}
	mustUpdate(t, s, team, l.ID, func(*salesbot.Lead) (salesbot.Update, error) {
		return salesbot.Update{Changes: changes}, nil
	})

	tests := []struct {
		name         string
		since, until int // minutes after now
		first, last  int // the entries wanted, by minute
		pages        int64
	}{
		{"all of it", -1, updates + 1, 0, updates, 3},
		{"the newest, in the first page", 1100, updates, 1101, updates, 1},
		{"exactly the first page", 700, updates, 701, updates, 2},
		{"into the second page", 650, updates, 651, updates, 2},
		{"a window deep in the stream", 100, 200, 101, 200, 1},
		{"a window in the first page", 1000, 1050, 1001, 1050, 1},
		{"after the last", updates, updates + 60, 1, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hook.n.Store(0)
			cs, err := s.Activity(ctx, team, minute(tt.since), minute(tt.until))
			if err != nil {
				t.Fatal(err)
			}
			if want := tt.last - tt.first + 1; len(cs) != want {
				t.Fatalf("Activity gave %d changes; want %d", len(cs), want)
			}
			for i, c := range cs {
				if want := minute(tt.first + i); !c.At.Equal(want) {
					t.Fatalf("change %d at %v; want %v", i, c.At, want)
				}
			}
			if n := hook.n.Load(); n != tt.pages {
				t.Errorf("read %d pages; want %d", n, tt.pages)
			}
		})
	}

	t.Run("a stream of exactly one page", func(t *testing.T) {
		team := redistest.Team(t)
		l := mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)
		mustUpdate(t, s, team, l.ID, func(*salesbot.Lead) (salesbot.Update, error) {
			return salesbot.Update{Changes: changes[:499]}, nil
		})
		cs, err := s.Activity(ctx, team, minute(-1), minute(updates))
		if err != nil || len(cs) != 500 || !cs[0].At.Equal(now) || !cs[499].At.Equal(minute(499)) {
			t.Errorf("Activity = %d changes, %v; want 500 from now to minute 499", len(cs), err)
		}
	})
}

func TestMarks(t *testing.T) {
	s, _, team := newStore(t)
	other := redistest.Team(t)
	mark := func(team, name string) time.Time {
		t.Helper()
		got, err := s.Mark(ctx, team, name)
		if err != nil {
			t.Fatalf("Mark(%s): %v", name, err)
		}
		return got
	}
	if got := mark(team, "digest:UBOSS"); !got.IsZero() {
		t.Errorf("unset mark = %v; want zero", got)
	}
	steps := []struct {
		name string
		t    time.Time
	}{
		{"digest:UBOSS", now},
		{"digest:UADA", now.Add(-salesbot.Day)},
		{"digest:UBOSS", now.Add(-time.Hour)}, // set back: the last write wins
		{"digest:UADA", now.Add(1234 * time.Millisecond)},
	}
	want := map[string]time.Time{}
	for _, st := range steps {
		if err := s.SetMark(ctx, team, st.name, st.t); err != nil {
			t.Fatalf("SetMark(%s): %v", st.name, err)
		}
		want[st.name] = st.t
		for name, w := range want {
			if got := mark(team, name); !got.Equal(w) {
				t.Errorf("after setting %s: Mark(%s) = %v; want %v", st.name, name, got, w)
			}
		}
	}
	if got := mark(other, "digest:UBOSS"); !got.IsZero() {
		t.Errorf("another team's mark = %v; want zero", got)
	}
	if got := mark(team, "digest:UNEW"); !got.IsZero() {
		t.Errorf("unset mark = %v; want zero", got)
	}
}

// TestMiniredis runs the reminder store's scripts and transactions on
// miniredis, the embedded Redis of the console demo.
func TestMiniredis(t *testing.T) {
	mr := miniredis.RunT(t)
	c, err := store.NewClient("redis://" + mr.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	s, team := store.New(c, store.WithChangeTime()), "TDEMO"
	l := mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)
	due := now.Add(7 * salesbot.Day)
	if sc, err := c.ZScore(ctx, key(team, "due"), l.ID).Result(); err != nil || sc != float64(due.UnixMilli()) {
		t.Fatalf("due score = %v, %v; want %d", sc, err, due.UnixMilli())
	}

	// Claim, fail once, claim again, and settle.
	cs, recovered, err := s.ClaimDue(ctx, team, "s1", due, lease, 10)
	if err != nil || len(cs) != 1 || cs[0].LeadID != l.ID || recovered != 0 {
		t.Fatalf("ClaimDue = %+v, %d, %v", cs, recovered, err)
	}
	if cs2, _, err := s.ClaimDue(ctx, team, "s2", due, lease, 10); err != nil || len(cs2) != 0 {
		t.Fatalf("second ClaimDue = %+v, %v; want nothing", cs2, err)
	}
	if err := s.ReleaseReminder(ctx, cs[0], due.Add(time.Minute), true); err != nil {
		t.Fatalf("ReleaseReminder: %v", err)
	}
	if sc := c.ZScore(ctx, key(team, "due"), l.ID).Val(); sc != float64(due.Add(time.Minute).UnixMilli()) {
		t.Errorf("released to %v; want retryAt", sc)
	}
	cs, _, err = s.ClaimDue(ctx, team, "s1", due.Add(time.Minute), lease, 10)
	if err != nil || len(cs) != 1 || cs[0].Attempts != 1 {
		t.Fatalf("ClaimDue after a failure = %+v, %v; want 1 attempt", cs, err)
	}

	// The lease runs out on Redis's clock; another sweeper recovers the
	// claim, though its own clock has not moved.
	mr.SetTime(time.Now().Add(lease + time.Second))
	cs2, recovered, err := s.ClaimDue(ctx, team, "s2", due.Add(time.Minute), lease, 10)
	if err != nil || recovered != 1 || len(cs2) != 1 || cs2[0].Token != "s2" || cs2[0].Attempts != 1 {
		t.Fatalf("ClaimDue after the lease = %+v, %d, %v", cs2, recovered, err)
	}
	if held, err := s.AckReminder(ctx, cs[0], markReminded); held || err != nil {
		t.Errorf("stale AckReminder = %v, %v; want not held", held, err)
	}
	if held, err := s.AckReminder(ctx, cs2[0], markReminded); !held || err != nil {
		t.Fatalf("AckReminder = %v, %v; want held", held, err)
	}
	got, err := s.Lead(ctx, team, l.ID)
	if err != nil || !got.RemindedDue.Equal(due) {
		t.Fatalf("stored lead = %+v, %v; want reminded of %v", got, err, due)
	}
	for _, set := range []string{"due", "inflight", "leases", "attempts"} {
		if n := c.Exists(ctx, key(team, set)).Val(); n != 0 {
			t.Errorf("%s left behind after the ack", set)
		}
	}

	// Pauses: a later one extends, an earlier one does not, and they expire.
	pauseNow := time.UnixMilli(time.Now().UnixMilli())
	for _, until := range []time.Time{pauseNow.Add(time.Minute), pauseNow.Add(30 * time.Second)} {
		if err := s.PauseSending(ctx, team, until, pauseNow); err != nil {
			t.Fatalf("PauseSending: %v", err)
		}
	}
	if until, err := s.SendingPausedUntil(ctx, team); err != nil || !until.Equal(pauseNow.Add(time.Minute)) {
		t.Errorf("SendingPausedUntil = %v, %v; want a minute on", until, err)
	}
	mr.FastForward(61 * time.Second)
	if until, err := s.SendingPausedUntil(ctx, team); err != nil || !until.IsZero() {
		t.Errorf("SendingPausedUntil after the pause = %v, %v; want zero", until, err)
	}

	// The rest of the interface, once each.
	if ok, err := s.ClaimOnce(ctx, team, "digest", time.Hour); !ok || err != nil {
		t.Errorf("ClaimOnce = %v, %v", ok, err)
	}
	if ok, err := s.ClaimOnce(ctx, team, "digest", time.Hour); ok || err != nil {
		t.Errorf("second ClaimOnce = %v, %v", ok, err)
	}
	if err := s.SetMark(ctx, team, "digest", due); err != nil {
		t.Errorf("SetMark: %v", err)
	}
	if m, err := s.Mark(ctx, team, "digest"); err != nil || !m.Equal(due) {
		t.Errorf("Mark = %v, %v", m, err)
	}
	var changes []salesbot.Change
	for i := range 1100 {
		changes = append(changes, salesbot.Change{LeadID: l.ID, Kind: salesbot.ChangeStage, At: now.Add(time.Duration(i+1) * time.Minute)})
	}
	mustUpdate(t, s, team, l.ID, func(*salesbot.Lead) (salesbot.Update, error) {
		return salesbot.Update{Changes: changes}, nil
	})
	act, err := s.Activity(ctx, team, now.Add(-time.Second), now.Add(2000*time.Minute))
	if err != nil || len(act) != 1101 || !act[0].At.Equal(now) || !act[1100].At.Equal(now.Add(1100*time.Minute)) {
		t.Errorf("Activity = %d changes, %v; want 1101, the creation first", len(act), err)
	}
}
