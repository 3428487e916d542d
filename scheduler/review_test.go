package scheduler_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"salesbot"
	"salesbot/handlers"
	"salesbot/internal/fakeslack"
	"salesbot/scheduler"
)

// reviewRecorder is the handlers as the scheduler's Notifier, keeping
// every weekly review it is asked to send (and, with fail set, failing
// them): what a review looks like in Slack is the handlers' to test.
type reviewRecorder struct {
	*handlers.Handler
	clock *clock

	mu   sync.Mutex
	sent []sentReview
	fail error // when set, the next review fails with it
}

// sentReview is one review the scheduler sent: to whom, of whom, when.
type sentReview struct {
	Manager string
	Review  salesbot.Review
	At      time.Time // the clock's time, in UTC
}

func (r *reviewRecorder) SendReview(_ context.Context, team, manager string, rv salesbot.Review) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.fail; err != nil {
		r.fail = nil
		return err
	}
	if rv.Team != team {
		return fmt.Errorf("review of team %s sent to team %s", rv.Team, team)
	}
	r.sent = append(r.sent, sentReview{Manager: manager, Review: rv, At: r.clock.Now().UTC()})
	return nil
}

// reviews returns the reviews sent to manager, in order.
func (e *env) reviews(manager string) []sentReview {
	e.notes.mu.Lock()
	defer e.notes.mu.Unlock()
	var out []sentReview
	for _, s := range e.notes.sent {
		if s.Manager == manager {
			out = append(out, s)
		}
	}
	return out
}

// reviewed lists "week rep" of each review sent to manager.
func (e *env) reviewed(manager string) []string {
	var out []string
	for _, s := range e.reviews(manager) {
		out = append(out, s.Review.Week+" "+s.Review.Rep)
	}
	return out
}

// deal registers a company for owner at created with a value and an
// expected close.
func (e *env) deal(owner, company string, created time.Time, value int64, closeBy salesbot.Date) string {
	e.t.Helper()
	id := e.lead(owner, company, salesbot.GradeA, created)
	a := salesbot.Actor{User: owner}
	e.change(id, func(l *salesbot.Lead) (salesbot.Update, error) {
		v, err := l.SetValue(a, salesbot.Amount{Minor: value * 100, Currency: "CNY"}, created)
		if err != nil {
			return salesbot.Update{}, err
		}
		c, _, err := l.SetCloseBy(a, closeBy, created)
		return salesbot.Update{Changes: []salesbot.Change{v, c}}, err
	})
	return id
}

// wantReviewed fails the test unless manager was sent exactly these
// reviews ("week rep"), in any order within each week.
func (e *env) wantReviewed(manager, when string, want ...string) {
	e.t.Helper()
	got := e.reviewed(manager)
	if len(got) != len(want) || !sameSet(got, want) {
		e.t.Fatalf("%s: reviews to %s %q, want %q", when, manager, got, want)
	}
}

func sameSet(a, b []string) bool {
	count := map[string]int{}
	for _, s := range a {
		count[s]++
	}
	for _, s := range b {
		count[s]--
	}
	for _, n := range count {
		if n != 0 {
			return false
		}
	}
	return true
}

// TestReviewOncePerRepPerWeekByTwoReplicas: two replicas sweeping at once
// send a manager each rep's review once a week, at the review time on the
// manager's clock; later sweeps of the week send nothing; the next week
// sends again. A rep without deals closing in the quarter has no review.
func TestReviewOncePerRepPerWeekByTwoReplicas(t *testing.T) {
	mon9 := time.Date(2026, 6, 15, 9, 0, 0, 0, berlinZ) // Monday
	e := newEnv(t, mon9.Add(-time.Hour), options{review: "0 9 * * 1"})
	e.user(berlin, berlinZ)
	e.user(rep, time.UTC)
	e.user(rep2, time.UTC)
	if err := e.store.AddManager(e.ctx, e.team, berlin); err != nil {
		t.Fatal(err)
	}
	created := mon9.Add(-10 * salesbot.Day)
	e.deal(rep, "June Co", created, 500_000, salesbot.Date{Year: 2026, Month: 6, Day: 30})
	e.deal(rep, "Later Co", created, 100_000, salesbot.Date{Year: 2026, Month: 10, Day: 15}) // next quarter
	e.deal(rep2, "May Co", created, 200_000, salesbot.Date{Year: 2026, Month: 5, Day: 20})   // passed, still this quarter
	e.deal("U0REPNEXTQ", "Next Quarter Co", created, 300_000, salesbot.Date{Year: 2026, Month: 7, Day: 1})

	e.sweepAt(mon9.Add(-time.Minute))
	e.wantReviewed(berlin, "08:59 Monday")

	e.clock.Set(mon9)
	e.race(4)
	e.wantReviewed(berlin, "09:00 Monday, two replicas racing", "2026-W25 "+rep, "2026-W25 "+rep2)
	for _, at := range []time.Time{mon9.Add(time.Minute), mon9.Add(3 * salesbot.Day), mon9.Add(6*salesbot.Day + 14*time.Hour)} {
		e.sweepAt(at)
	}
	e.wantReviewed(berlin, "through Sunday", "2026-W25 "+rep, "2026-W25 "+rep2)
	if got := e.counter("salesbot_reviews_sent_total"); got != 2 {
		t.Errorf("review metric %v, want 2", got)
	}

	// What the review holds: the rep's deals closing in the quarter.
	for _, s := range e.reviews(berlin) {
		r := s.Review
		if r.Quarter != (salesbot.SalesPeriod{Kind: salesbot.SalesQuarter, Year: 2026, N: 2}) {
			t.Errorf("review of %s for quarter %v", r.Rep, r.Quarter)
		}
		want := map[string]string{rep: "June Co", rep2: "May Co"}[r.Rep]
		if r.Total != 1 || len(r.Deals) != 1 || r.Deals[0].Lead.Company != want {
			t.Errorf("review of %s: %d deals of %d, want only %s", r.Rep, len(r.Deals), r.Total, want)
		}
	}

	e.race(2) // the same Sunday evening, both replicas again
	e.clock.Set(mon9.Add(7 * salesbot.Day))
	e.race(4)
	e.wantReviewed(berlin, "the next Monday", "2026-W25 "+rep, "2026-W25 "+rep2, "2026-W26 "+rep, "2026-W26 "+rep2)
}

// sweepWeek has the replicas sweep in turn every step from from to to,
// and returns the times (UTC) of the reviews sent to manager meanwhile.
func (e *env) sweepWeek(from, to time.Time, step time.Duration, manager string) []time.Time {
	e.t.Helper()
	before := len(e.reviews(manager))
	replicas := []*scheduler.Scheduler{e.a, e.b}
	for i, at := 0, from; !at.After(to); i, at = i+1, at.Add(step) {
		e.clock.Set(at)
		e.sweep(replicas[i%2])
	}
	var at []time.Time
	for _, s := range e.reviews(manager)[before:] {
		at = append(at, s.At)
	}
	return at
}

// TestReviewAcrossDaylightSaving: a manager in New York with the review at
// Monday 09:00 gets it at 09:00 on their clock the week before and the week
// after the clocks change (a different UTC hour), once each week, however
// often the replicas sweep in between.
func TestReviewAcrossDaylightSaving(t *testing.T) {
	const nyMgr = "U0MGRNY"
	for _, tc := range []struct {
		name   string
		monday time.Time // 09:00 on the Monday before the change, New York time
		after  time.Time // the next Monday's 09:00, in UTC
	}{
		// DST starts Sunday 14 March 2027: 09:00 EST is 14:00 UTC, 09:00 EDT 13:00 UTC.
		{"start", time.Date(2027, 3, 8, 9, 0, 0, 0, newYork), time.Date(2027, 3, 15, 13, 0, 0, 0, time.UTC)},
		// DST ends Sunday 1 November 2026: 09:00 EDT is 13:00 UTC, 09:00 EST 14:00 UTC.
		{"end", time.Date(2026, 10, 26, 9, 0, 0, 0, newYork), time.Date(2026, 11, 2, 14, 0, 0, 0, time.UTC)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.monday.Add(-time.Hour), options{review: "0 9 * * 1"})
			e.user(nyMgr, newYork)
			e.user(rep, time.UTC)
			if err := e.store.AddManager(e.ctx, e.team, nyMgr); err != nil {
				t.Fatal(err)
			}
			q := salesbot.QuarterOf(salesbot.DateOf(tc.monday))
			e.deal(rep, "Quarter Co", tc.monday.Add(-20*salesbot.Day), 800_000, q.Last())

			if sent := e.sweepWeek(tc.monday.Add(-time.Hour), tc.monday.Add(-time.Minute), 59*time.Minute, nyMgr); len(sent) != 0 {
				t.Fatalf("reviews at %v, before 09:00 Monday", sent)
			}
			e.clock.Set(tc.monday)
			e.race(2)
			if sent := e.reviews(nyMgr); len(sent) != 1 || !sent[0].At.Equal(tc.monday.UTC()) {
				t.Fatalf("reviews %v by 09:00 Monday, want one at %v", e.reviewed(nyMgr), tc.monday.UTC())
			}
			// Every sweep of the rest of the week, over the change and
			// up to the next Monday's 08:59, sends nothing.
			if sent := e.sweepWeek(tc.monday.Add(time.Minute), tc.after.Add(-time.Minute), 30*time.Minute, nyMgr); len(sent) != 0 {
				t.Fatalf("more reviews in the week, at %v", sent)
			}
			sent := e.sweepWeek(tc.after, tc.after.Add(3*time.Hour), 10*time.Minute, nyMgr)
			if len(sent) != 1 || !sent[0].Equal(tc.after) {
				t.Fatalf("reviews at %v on the Monday after the change, want one at %v", sent, tc.after)
			}
			if got := e.reviewed(nyMgr); got[0] == got[1] {
				t.Errorf("both reviews are of %q", got[0])
			}
		})
	}
}

// TestReviewWaitsForManagersZone: a manager whose time zone Slack never
// gave is not sent the review (on whose Monday?) until it is known; then
// it goes out, in the same week.
func TestReviewWaitsForManagersZone(t *testing.T) {
	const unknown = "U0MGRNOZONE"
	mon9 := time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC)
	e := newEnv(t, mon9, options{review: "0 9 * * 1"})
	e.user(rep, time.UTC)
	if err := e.store.AddManager(e.ctx, e.team, unknown); err != nil {
		t.Fatal(err)
	}
	e.deal(rep, "June Co", mon9.Add(-salesbot.Day), 500_000, salesbot.Date{Year: 2026, Month: 6, Day: 30})
	e.user(unknown, berlinZ)
	var down atomic.Bool
	down.Store(true)
	e.slack.OnCall(func(c fakeslack.Call) {
		if c.Method == "users.info" && c.Param("user") == unknown && down.Load() {
			e.slack.FailNext("users.info", "fatal_error")
		}
	})
	for _, at := range []time.Time{mon9, mon9.Add(time.Hour), mon9.Add(2 * salesbot.Day)} {
		e.sweepAt(at)
	}
	e.wantReviewed(unknown, "zone unknown")
	down.Store(false)
	e.sweepAt(mon9.Add(2*salesbot.Day + time.Hour))
	e.wantReviewed(unknown, "zone known on Wednesday", "2026-W25 "+rep)
}

// TestMissedReviewSentLaterInWeek: with the bot down on Monday, the week's
// review goes out when it is back on Tuesday, once; a send Slack did not
// take is tried again a few minutes later.
func TestMissedReviewSentLaterInWeek(t *testing.T) {
	mon := time.Date(2026, 6, 15, 0, 0, 0, 0, berlinZ)
	e := newEnv(t, mon, options{review: "0 9 * * 1"})
	e.user(berlin, berlinZ)
	e.user(rep, time.UTC)
	if err := e.store.AddManager(e.ctx, e.team, berlin); err != nil {
		t.Fatal(err)
	}
	e.deal(rep, "June Co", mon.Add(-salesbot.Day), 500_000, salesbot.Date{Year: 2026, Month: 6, Day: 30})
	e.sweepAt(mon.Add(8 * time.Hour))
	tue := mon.Add(salesbot.Day + 11*time.Hour)
	e.notes.mu.Lock()
	e.notes.fail = errors.New("connection reset")
	e.notes.mu.Unlock()
	e.sweepAt(tue)
	e.wantReviewed(berlin, "first try failed")
	e.sweepAt(tue.Add(time.Minute))
	e.wantReviewed(berlin, "a minute after the failure")
	e.sweepAt(tue.Add(6 * time.Minute))
	e.wantReviewed(berlin, "back on Tuesday", "2026-W25 "+rep)
	for _, at := range []time.Time{tue.Add(time.Hour), tue.Add(3 * salesbot.Day)} {
		e.sweepAt(at)
	}
	if msg := strings.Join(e.reviewed(berlin), ", "); msg != "2026-W25 "+rep {
		t.Fatalf("reviews by Friday: %s, want one", msg)
	}
}

// TestReviewsLookedAtHourly: once every rep's review of the week is
// handled, the reps are not read again (one script over the quarter's
// deals) at each sweep, only after reviewRecheck: a rep whose first deal
// of the quarter comes later in the week is reviewed within the hour.
func TestReviewsLookedAtHourly(t *testing.T) {
	mon9 := time.Date(2026, 6, 15, 9, 0, 0, 0, berlinZ) // Monday
	e := newEnv(t, mon9, options{review: "0 9 * * 1"})
	e.user(berlin, berlinZ)
	e.user(rep, time.UTC)
	e.user(rep2, time.UTC)
	if err := e.store.AddManager(e.ctx, e.team, berlin); err != nil {
		t.Fatal(err)
	}
	e.deal(rep, "June Co", mon9.Add(-salesbot.Day), 500_000, salesbot.Date{Year: 2026, Month: 6, Day: 30})
	e.sweepAt(mon9)
	e.wantReviewed(berlin, "09:00", "2026-W25 "+rep)

	e.deal(rep2, "Late Co", mon9.Add(10*time.Minute), 200_000, salesbot.Date{Year: 2026, Month: 6, Day: 20})
	e.sweepAt(mon9.Add(20 * time.Minute))
	e.wantReviewed(berlin, "09:20, within the hour", "2026-W25 "+rep)
	e.sweepAt(mon9.Add(61 * time.Minute))
	e.wantReviewed(berlin, "10:01", "2026-W25 "+rep, "2026-W25 "+rep2)
}

// TestReviewsPacedPerSweep: a manager is sent at most reviewsPerSweep
// reviews a sweep (of each replica), the rest at the next ones, so that a big team's
// reviews do not hit Slack's rate limit in one burst.
func TestReviewsPacedPerSweep(t *testing.T) {
	mon9 := time.Date(2026, 6, 15, 9, 0, 0, 0, berlinZ) // Monday
	e := newEnv(t, mon9, options{review: "0 9 * * 1"})
	e.user(berlin, berlinZ)
	if err := e.store.AddManager(e.ctx, e.team, berlin); err != nil {
		t.Fatal(err)
	}
	var want []string
	for i, r := range []string{"U0REPA", "U0REPB", "U0REPC", "U0REPD"} {
		e.user(r, time.UTC)
		e.deal(r, fmt.Sprintf("Co %d", i), mon9.Add(-salesbot.Day), 100_000, salesbot.Date{Year: 2026, Month: 6, Day: 30})
		want = append(want, "2026-W25 "+r)
	}
	e.clock.Set(mon9)
	e.sweep(e.a) // one replica's sweep
	if got := e.reviewed(berlin); len(got) != 3 {
		t.Fatalf("first sweep sent %v; want 3", got)
	}
	e.sweepAt(mon9.Add(time.Minute))
	e.wantReviewed(berlin, "second sweep", want...)
}

// TestOneManagersFailureHoldsBackNoOther: a store failure for one
// manager's review is returned, and the other managers' reviews still go.
func TestOneManagersFailureHoldsBackNoOther(t *testing.T) {
	mon9 := time.Date(2026, 6, 15, 9, 0, 0, 0, berlinZ) // Monday
	e := newEnv(t, mon9, options{review: "0 9 * * 1"})
	const other = "U0MGRTWO"
	for _, m := range []string{berlin, other} {
		e.user(m, berlinZ)
		if err := e.store.AddManager(e.ctx, e.team, m); err != nil {
			t.Fatal(err)
		}
	}
	e.user(rep, time.UTC)
	e.deal(rep, "June Co", mon9.Add(-salesbot.Day), 500_000, salesbot.Date{Year: 2026, Month: 6, Day: 30})
	e.sched.failLease = "review:" + berlin // managers are listed in order: berlin first
	if err := e.a.Sweep(e.ctx); err == nil || !strings.Contains(err.Error(), berlin) {
		t.Fatalf("sweep error %v; want the failure of %s's review", err, berlin)
	}
	e.wantReviewed(other, "the other manager", "2026-W25 "+rep)
	e.wantReviewed(berlin, "the failing manager")
}
