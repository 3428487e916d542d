package scheduler

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/robfig/cron/v3"

	"salesbot"
)

// reviewClaimTTL keeps a sent review's weekly mark past the end of its ISO
// week in any time zone.
const reviewClaimTTL = 8 * 24 * time.Hour

// reviewRecheck is how long a manager's reviews, once all were handled
// this week, are not looked at again: the reps are read from the read
// models (one script over the quarter's deals), which every sweep need not
// repeat; a review lost on a replica that died is found at the next look.
const reviewRecheck = time.Hour

// reviewsPerSweep bounds how many reviews one manager is sent in one
// sweep: Slack takes about one message a second in a conversation, and a
// burst of a big team's reviews would be refused (and pause the team's
// sending); the rest go at the next sweeps, a minute apart by default.
const reviewsPerSweep = 3

// reviewRetry is how long a manager's reviews wait after a send failed
// (the same week, as long as the week lasts).
const reviewRetry = 5 * time.Minute

// reviews sends each of the team's managers, once their review time (the
// Review spec) has come this ISO week on their own wall clock, the weekly
// review of each rep with open deals closing in the quarter, among the reps
// the manager leads (ReviewedReps follows the teams of managers: a manager
// who leads no one in particular reviews everyone). Each (manager,
// week, rep) review is leased while it is built and sent, and marked sent
// only once Slack took it, as a digest is: a replica that dies on the way
// leaves it to another once the lease runs out, and checking on every sweep
// of the week makes a review missed while the bot was down go out when it
// is back.
func (s *Scheduler) reviews(ctx context.Context, team string) error {
	if s.cfg.Reviews == nil {
		return nil
	}
	now := s.cfg.Now()
	due := func(wall time.Time) bool { return !latestInWeek(s.review, wall).IsZero() }
	return s.eachDueManager(ctx, team, "review", s.review, due, func(m string, loc *time.Location, wall time.Time) (bool, error) {
		today := salesbot.DateOf(wall)
		if checked, err := s.cfg.Store.Mark(ctx, team, "review-checked:"+m); err != nil {
			return false, err
		} else if now.Sub(checked) < reviewRecheck && salesbot.Week(salesbot.DateOf(wallClock(checked.In(loc)))) == salesbot.Week(today) {
			return false, nil // all of this week's reviews were handled lately
		}
		return s.reviewsOf(ctx, team, m, today, now)
	})
}

// reviewsOf sends one manager the week's reviews not sent yet. stop is true
// when no other message of the team may go now (a 429, a refused token).
func (s *Scheduler) reviewsOf(ctx context.Context, team, manager string, today salesbot.Date, now time.Time) (stop bool, err error) {
	actor := salesbot.Actor{User: manager, Manager: true}
	reps, err := s.cfg.Reviews.ReviewedReps(ctx, actor, team, salesbot.QuarterOf(today))
	if err != nil {
		return false, err
	}
	week := salesbot.Week(today)
	sent := 0
	for _, rep := range reps {
		if sent == reviewsPerSweep {
			s.wake.sendAt(now.Add(wakeRetry))
			return false, nil // the rest at the next sweep
		}
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		key := fmt.Sprintf("review:%s:%s:%s", manager, week, rep)
		if ok, err := s.cfg.Store.LeaseOnce(ctx, team, key, s.token, s.cfg.Lease); err != nil || !ok {
			if err != nil {
				return false, err
			}
			s.wake.leased(key)
			continue // sent this week, or under way on another replica
		}
		switch err := s.sendReview(ctx, team, manager, rep, key, today, now); {
		case err == nil:
			s.cfg.Metrics.review()
			sent++
		case errors.Is(err, errLeaseLost):
			s.log.WarnContext(ctx, "review lease lost before send; not sent", "team", team, "manager", manager, "rep", rep)
		case ctx.Err() != nil:
			s.releaseLease(ctx, team, key)
			return false, err
		default:
			stop, next := s.reviewFailed(ctx, team, manager, rep, key, now, err)
			if stop || !next {
				return stop, nil
			}
		}
	}
	// Every rep was handled (sent, given up, or taken by another replica):
	// the next look at this manager's reviews can wait (reviewRecheck).
	if err := s.cfg.Store.SetMark(ctx, team, "review-checked:"+manager, now); err != nil {
		return false, err
	}
	return false, nil
}

// reviewFailed decides what a failed review send means, as digestFailed
// does for a digest: a manager who cannot be messaged is given up for the
// week for this rep (next: the other reps are tried); after a 429 the
// whole team waits out Retry-After, and after a refused token the team's
// sending stops (stop); any other failure holds the manager's reviews back
// a few minutes.
func (s *Scheduler) reviewFailed(ctx context.Context, team, manager, rep, key string, now time.Time, err error) (stop, next bool) {
	kind, retryAfter, code := classify(err)
	switch kind {
	case undeliverable:
		s.log.WarnContext(ctx, "review undeliverable; given up for this week", "team", team, "manager", manager, "rep", rep, "err", err)
		ctx, cancel := settleContext(ctx)
		defer cancel()
		if _, err := s.cfg.Store.DoneOnce(ctx, team, key, s.token, reviewClaimTTL); err != nil {
			s.log.ErrorContext(ctx, "give up review", "team", team, "manager", manager, "rep", rep, "err", err)
		}
		return false, true
	case authRefused:
		s.authRefused(ctx, team, code, now, err)
		s.releaseLease(ctx, team, key)
		return true, false
	}
	wait := reviewRetry
	if kind == rateLimited {
		wait = retryAfter
		s.pause(ctx, team, now.Add(retryAfter), now)
	}
	s.log.WarnContext(ctx, "review not sent; will retry", "team", team, "manager", manager, "rep", rep, "in", wait, "err", err)
	s.releaseLease(ctx, team, key)
	sctx, cancel := settleContext(ctx)
	defer cancel()
	s.wake.sendAt(now.Add(wait))
	if err := s.cfg.Store.SetMark(sctx, team, "review-retry:"+manager, now.Add(wait)); err != nil {
		s.log.ErrorContext(ctx, "review retry mark", "err", err)
	}
	return kind == rateLimited, false
}

// sendReview builds and sends a manager one rep's review under the lease on
// key, then marks it sent for the week.
func (s *Scheduler) sendReview(ctx context.Context, team, manager, rep, key string, today salesbot.Date, now time.Time) error {
	r, err := s.cfg.Reviews.Review(ctx, salesbot.Actor{User: manager, Manager: true}, team, rep, today, now)
	if err != nil {
		return err
	}
	send := func(ctx context.Context) error { return s.cfg.Notifier.SendReview(ctx, team, manager, r) }
	return s.sendLeased(ctx, team, key, reviewClaimTTL, send, "review", "manager", manager, "rep", rep)
}

// latestInWeek returns the schedule's last occurrence in wall's ISO week
// (from Monday 00:00 on the wall clock) that is not after wall, or the
// zero time when none has come yet this week.
func latestInWeek(s cron.Schedule, wall time.Time) time.Time {
	back := (int(wall.Weekday()) + 6) % 7 // days since Monday
	monday := time.Date(wall.Year(), wall.Month(), wall.Day()-back, 0, 0, 0, 0, time.UTC)
	var last time.Time
	for t := s.Next(monday.Add(-time.Second)); !t.IsZero() && !t.After(wall); t = s.Next(t) {
		last = t
	}
	return last
}
