package scheduler

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
)

// Wakes is the schedule of the teams' sweeps, shared by every replica: each
// team is due for a sweep at the time its next work falls due, and writes
// to a team make it due at once. A sweep claims the teams that are due
// (no other replica sweeps them while the claim lasts) and hands each back
// with its next time. store.Store implements it.
type Wakes interface {
	// ClaimWakes claims up to limit teams due by now, until claimEnd.
	ClaimWakes(ctx context.Context, now, claimEnd time.Time, limit int) ([]string, error)
	// SetWakes hands teams claimed until claimEnd back, each due again at
	// its time in next, unless written to since the claim.
	SetWakes(ctx context.Context, claimEnd time.Time, next map[string]time.Time) error
	// WakeTeams schedules teams not scheduled yet, due at once; with all,
	// every one of teams is due at once.
	WakeTeams(ctx context.Context, teams []string, all bool) error
	// SwapWakeSpec records the settings the sweeps are planned by and
	// returns those recorded before.
	SwapWakeSpec(ctx context.Context, spec string) (string, error)
	// SetRefused records a workspace whose token Slack refused, until its
	// pause ends; Refused lists those whose pause lasts, with the reason.
	SetRefused(ctx context.Context, team, reason string, until time.Time) error
	Refused(ctx context.Context, now time.Time) (map[string]string, error)
	// NextWork returns when the team's stored work falls due: sending (a
	// follow-up, an inquiry to raise) and other (a lease to run out:
	// reminders', stopped imports', and the named once-only leases').
	// The team, claimed until claimEnd, is claimed again first: writes
	// since the claim are in what it reads.
	NextWork(ctx context.Context, team string, now, claimEnd time.Time, leases []string) (sending, other time.Time, err error)
}

const (
	// wakeBatch is how many teams a sweep claims at a time: few enough
	// that they are swept well inside their claim.
	wakeBatch = 16
	// wakeCap is the longest a team waits for its next sweep, whatever
	// its work: a safety net for a wake that was lost (a Cluster's wake is
	// sent beside its write) and for what no write announces (a manager's
	// time zone that changed in Slack).
	wakeCap = time.Hour
	// wakeRetry is how soon a team whose sweep failed, or left work for
	// later, is swept again: the next sweep.
	wakeRetry = time.Minute
	// scheduleEvery is how often a Scheduler adds to the schedule the
	// teams with data that are not on it (see Sweep).
	scheduleEvery = time.Hour
)

// wakeup gathers, while one team is swept, when it must be swept next.
type wakeup struct {
	mu      sync.Mutex
	now     time.Time
	sending time.Time // the first message due (a digest, a review, news)
	other   time.Time // the first other work (a retry, a lease to run out)
	closed  time.Time // sending is paused until then (zero: open)
	read    bool      // the pauses were read from the store
	leases  []string  // once-only leases held by others, to take over if they die
}

// sendAt records a message due at t.
func (w *wakeup) sendAt(t time.Time) {
	if w == nil || t.IsZero() {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.sending = earliest(w.sending, t)
}

// at records other work due at t.
func (w *wakeup) at(t time.Time) {
	if w == nil || t.IsZero() {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.other = earliest(w.other, t)
}

// pausedUntil records that the team's sending waits until t.
func (w *wakeup) pausedUntil(t time.Time) {
	if w == nil || !t.After(w.now) {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closed = latest(w.closed, t)
}

// pausesRead records that the team's pauses were read: from now on this
// sweep of the team knows them.
func (w *wakeup) pausesRead() {
	if w == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.read = true
}

// open reports whether the team's sending is open as of now, and whether
// that is known (its pauses were read in this sweep).
func (w *wakeup) open(now time.Time) (open, known bool) {
	if w == nil {
		return false, false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return !w.closed.After(now), w.read
}

// leased records once-only work (its lease key) another sweeper holds.
func (w *wakeup) leased(key string) {
	if w == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.leases = append(w.leases, key)
}

// earliest returns the earlier of a and b, a zero time being none.
func earliest(a, b time.Time) time.Time {
	if a.IsZero() || (!b.IsZero() && b.Before(a)) {
		return b
	}
	return a
}

// sweepWoken claims the teams whose sweep is due, a batch at a time, sweeps
// each and hands it back with its next time, until none is due as of now
// (the sweep's start: a team due again meanwhile waits for the next sweep,
// of any replica). A team claimed but not swept (shutdown) is handed back
// due at once; so is one written to again after this sweep swept it: it
// goes to the next sweep, and when a batch holds only such teams this
// sweep ends, so that teams written to all the time never keep it going.
func (s *Scheduler) sweepWoken(ctx context.Context, now time.Time) error {
	var errs []error
	seen := map[string]bool{}
	for {
		if ctx.Err() != nil {
			return errors.Join(append(errs, fmt.Errorf("sweep: %w", ctx.Err()))...)
		}
		// Each batch's claim runs from when it is taken: a sweep that
		// outlasts the lease must not hand out claims already run out.
		claimEnd := s.cfg.Now().Add(s.cfg.Lease)
		teams, err := s.cfg.Store.ClaimWakes(ctx, now, claimEnd, wakeBatch)
		if err != nil {
			return errors.Join(append(errs, fmt.Errorf("sweep: %w", err))...)
		}
		next := make(map[string]time.Time, len(teams))
		fresh := 0
		claimed := time.Now() // the real clock: how long the claims have been held
		for _, team := range teams {
			if ctx.Err() != nil || seen[team] {
				next[team] = now // to the next sweep, of any replica
				continue
			}
			if fresh > 0 && time.Since(claimed) > s.cfg.Lease/2 {
				// The batch's claims are running out: the rest are handed
				// back, to be claimed afresh, rather than swept when
				// another replica may have claimed them too.
				next[team] = now
				continue
			}
			seen[team] = true
			fresh++
			at, err := s.sweepNext(ctx, team, claimEnd)
			errs = append(errs, err)
			s.cfg.Metrics.swept()
			if ctx.Err() != nil {
				// Cut short (shutdown): what it left goes to the next
				// sweep, of any replica.
				next[team] = now
				continue
			}
			// Never before the next sweep: a team due again at once is
			// not taken again by this one.
			next[team] = latest(at, now.Add(time.Millisecond))
		}
		sctx, cancel := settleContext(ctx)
		err = s.cfg.Store.SetWakes(sctx, claimEnd, next)
		cancel()
		if err != nil {
			// The claims run out: the teams are swept again then.
			errs = append(errs, fmt.Errorf("sweep: %w", err))
		}
		if len(teams) < wakeBatch || fresh == 0 {
			return errors.Join(errs...)
		}
	}
}

// sweepNext sweeps one woken team and returns when it must be swept next:
// the first of its stored work (reminders, raises, leases), its managers'
// digests and reviews and its reps' risk news on their own clocks, the end
// of a pause of its sending, a retry, and wakeCap from now. A workspace the
// bot is not installed in waits wakeCap (until it is installed again).
func (s *Scheduler) sweepNext(ctx context.Context, team string, claimEnd time.Time) (time.Time, error) {
	now := s.cfg.Now()
	limit := now.Add(wakeCap)
	if s.cfg.Workspaces != nil {
		installed, err := s.cfg.Workspaces.Installed(ctx, team, "")
		if err != nil {
			return now.Add(wakeRetry), fmt.Errorf("installation of %s: %w", team, err)
		}
		if !installed {
			return limit, nil
		}
	}
	w := &wakeup{now: now}
	s.wake = w
	err := s.sweepTeam(ctx, team)
	s.wake = nil
	if err != nil {
		w.at(now.Add(wakeRetry))
	}
	sending, other, nerr := s.cfg.Store.NextWork(ctx, team, now, claimEnd, w.leases)
	if nerr != nil {
		return now.Add(wakeRetry), errors.Join(err, nerr)
	}
	sending = earliest(sending, w.sending)
	if !w.closed.IsZero() {
		// Nothing goes before the pause ends; then everything is looked at.
		sending = w.closed
	}
	next := earliest(earliest(sending, other), w.other)
	return earliest(next, limit), err
}

// scheduleTeams adds the teams with data that are not on the schedule
// (data from before it, or a schedule lost with its node), due at once:
// on the first sweep of a Scheduler, then every scheduleEvery. When the
// digest's or the review's schedule changed since the teams' sweeps were
// planned (a restart with other settings), every team is due at once.
func (s *Scheduler) scheduleTeams(ctx context.Context, now time.Time) error {
	if !s.scheduled.IsZero() && now.Sub(s.scheduled) < scheduleEvery && !now.Before(s.scheduled) {
		return nil
	}
	spec := "digest=" + s.cfg.Digest + " review=" + s.cfg.Review
	old, err := s.cfg.Store.SwapWakeSpec(ctx, spec)
	if err != nil {
		return fmt.Errorf("schedule teams: %w", err)
	}
	teams, err := s.cfg.Store.Teams(ctx)
	if err != nil {
		return fmt.Errorf("schedule teams: %w", err)
	}
	if err := s.cfg.Store.WakeTeams(ctx, teams, old != "" && old != spec); err != nil {
		return fmt.Errorf("schedule teams: %w", err)
	}
	s.scheduled = now
	return nil
}

// refused brings the workspaces whose token Slack refused, as any replica
// met them, into Ready's report.
func (s *Scheduler) refused(ctx context.Context, now time.Time) error {
	refused, err := s.cfg.Store.Refused(ctx, now)
	if err != nil {
		return fmt.Errorf("refused tokens: %w", err)
	}
	s.health.setRefused(refused)
	return nil
}

// wallInstant returns the instant at which the wall clock of loc shows
// wall (figures in UTC, as wallClock makes them). A wall time that a
// daylight-saving change skips or shows twice is taken an hour early: a
// sweep that comes early finds nothing due and plans again, one that came
// late would send late.
func wallInstant(wall time.Time, loc *time.Location) time.Time {
	t := time.Date(wall.Year(), wall.Month(), wall.Day(), wall.Hour(), wall.Minute(), wall.Second(), 0, loc)
	if !wallClock(t.In(loc)).Equal(wall) {
		return t.Add(-time.Hour) // skipped: early
	}
	if first := t.Add(-time.Hour); wallClock(first.In(loc)).Equal(wall) {
		return first // shown twice: the first
	}
	return t
}

// nextOnWall returns the instant of the schedule's next occurrence after
// now on loc's wall clock, or the zero time when it has none.
func nextOnWall(sched cron.Schedule, now time.Time, loc *time.Location) time.Time {
	next := sched.Next(wallClock(now.In(loc)))
	if next.IsZero() {
		return time.Time{}
	}
	return wallInstant(next, loc)
}

// nextHour returns the next whole hour after now on loc's clock: when a
// rep's morning (the risk news) may begin.
func nextHour(now time.Time, loc *time.Location) time.Time {
	wall := wallClock(now.In(loc))
	return wallInstant(wall.Truncate(time.Hour).Add(time.Hour), loc)
}
