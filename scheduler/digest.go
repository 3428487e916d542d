package scheduler

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/robfig/cron/v3"

	"salesbot"
)

// digestClaimTTL keeps a sent digest's per-date mark past any time zone's
// day.
const digestClaimTTL = 50 * time.Hour

// digests sends each of the team's managers the digest when its hour has
// come on their own wall clock today and it has not gone out yet today.
// Each manager's digest of a date is leased (for Config.Lease) while it is
// built and sent, and marked sent for the day only once Slack took it: a
// replica that dies on the way leaves it to another once the lease runs
// out, and checking on every sweep makes a digest missed while the bot was
// down go out when it is back, the same day.
func (s *Scheduler) digests(ctx context.Context, team string) error {
	now := s.cfg.Now()
	return s.eachDueManager(ctx, team, "digest", s.digest, func(wall time.Time) bool { return !latestOnDay(s.digest, wall).IsZero() }, func(m string, loc *time.Location, wall time.Time) (bool, error) {
		key := fmt.Sprintf("digest:%s:%s", m, salesbot.DateOf(wall))
		if ok, err := s.cfg.Store.LeaseOnce(ctx, team, key, s.token, s.cfg.Lease); err != nil || !ok {
			s.wake.leased(key)
			return false, err // sent today, or under way on another replica
		}
		switch sent, err := s.sendDigest(ctx, team, m, loc, key, now); {
		case err == nil:
			if sent {
				s.cfg.Metrics.digest()
			}
		case errors.Is(err, errLeaseLost):
			s.log.WarnContext(ctx, "digest lease lost before send; not sent", "team", team, "manager", m)
		case ctx.Err() != nil:
			s.releaseLease(ctx, team, key)
			return true, err
		default:
			return s.digestFailed(ctx, team, m, key, now, err), nil
		}
		return false, nil
	})
}

// eachDueManager runs fn for each of the team's managers whose time has
// come on their own wall clock (due), in their time zone, unless a failed
// send of this kind of message ("digest", "review") still waits out its
// retry mark. The team's next sweep is planned by the schedule's next
// occurrence (sched) on each manager's clock, and by each retry mark. A manager whose time zone Slack never gave is skipped (on
// whose clock would it be due?) and logged. fn's stop ends the round: no
// other message of the team may go now; an error of one manager's is
// returned with the others' once every manager has had their turn.
func (s *Scheduler) eachDueManager(ctx context.Context, team, what string, sched cron.Schedule, due func(wall time.Time) bool, fn func(manager string, loc *time.Location, wall time.Time) (stop bool, err error)) error {
	managers, err := s.cfg.Teams.Managers(ctx, team)
	if err != nil {
		return err
	}
	now := s.cfg.Now()
	var errs []error
	for _, m := range managers {
		if ctx.Err() != nil {
			return errors.Join(append(errs, ctx.Err())...)
		}
		loc, known := s.cfg.People.Zone(ctx, m)
		if !known {
			s.log.WarnContext(ctx, what+" waits: manager's time zone unknown", "team", team, "manager", m)
			s.wake.at(now.Add(wakeRetry))
			continue
		}
		s.wake.sendAt(nextOnWall(sched, now, loc))
		wall := wallClock(now.In(loc))
		if !due(wall) {
			continue
		}
		if retry, err := s.cfg.Store.Mark(ctx, team, what+"-retry:"+m); err != nil {
			errs = append(errs, fmt.Errorf("%s retry mark of %s: %w", what, m, err))
			continue
		} else if retry.After(now) {
			s.wake.sendAt(retry)
			continue // a failed send waits before the next try
		}
		stop, err := fn(m, loc, wall)
		switch {
		case ctx.Err() != nil || stop:
			return errors.Join(append(errs, err)...)
		case err != nil:
			// One manager's failure (Redis slow for their lease, say) does
			// not hold back the others' messages.
			errs = append(errs, fmt.Errorf("%s of %s: %w", what, m, err))
		}
	}
	return errors.Join(errs...)
}

// errLeaseLost ends a digest whose lease ran out before it was sent.
var errLeaseLost = errors.New("digest lease lost")

// digestRetry is how long a digest whose send failed waits before the next
// try (the same day, as long as the day lasts).
const digestRetry = 5 * time.Minute

// digestFailed decides what a failed digest send means: a manager who cannot
// be messaged is given up for the day (marked sent); after a 429 the whole
// team waits out Retry-After, and after a refused token the team's sending
// stops (stop is then true: no other digest is tried); any other failure is
// tried again a few minutes later.
func (s *Scheduler) digestFailed(ctx context.Context, team, manager, key string, now time.Time, err error) (stop bool) {
	kind, retryAfter, code := classify(err)
	switch kind {
	case undeliverable:
		s.log.WarnContext(ctx, "digest undeliverable; given up for today", "team", team, "manager", manager, "err", err)
		ctx, cancel := settleContext(ctx)
		defer cancel()
		if _, err := s.cfg.Store.DoneOnce(ctx, team, key, s.token, digestClaimTTL); err != nil {
			s.log.ErrorContext(ctx, "give up digest", "team", team, "manager", manager, "err", err)
		}
		return false
	case authRefused:
		s.authRefused(ctx, team, code, now, err)
		s.releaseLease(ctx, team, key)
		return true
	}
	wait := digestRetry
	if kind == rateLimited {
		wait = retryAfter
		s.pause(ctx, team, now.Add(retryAfter), now)
	}
	s.log.WarnContext(ctx, "digest not sent; will retry", "team", team, "manager", manager, "in", wait, "err", err)
	s.releaseLease(ctx, team, key)
	sctx, cancel := settleContext(ctx)
	defer cancel()
	s.wake.sendAt(now.Add(wait))
	if err := s.cfg.Store.SetMark(sctx, team, "digest-retry:"+manager, now.Add(wait)); err != nil {
		s.log.ErrorContext(ctx, "digest retry mark", "err", err)
	}
	return kind == rateLimited
}

// releaseLease gives leased once-only work (a digest, a review) back, so
// that the next sweep (of any replica) may send it at once; even when ctx
// is cancelled (shutdown), as the lease would otherwise hold it back until
// it ran out.
func (s *Scheduler) releaseLease(ctx context.Context, team, key string) {
	ctx, cancel := settleContext(ctx)
	defer cancel()
	if err := s.cfg.Store.ReleaseOnce(ctx, team, key, s.token); err != nil {
		s.log.ErrorContext(ctx, "release lease", "team", team, "key", key, "err", err)
	}
}

// sendDigest builds and sends a manager's digest under the lease on key,
// then marks it sent for the day and keeps what it reported. On a quiet day
// a manager who chose so (NotifyPrefs.SkipEmptyDigest) is sent nothing
// (sent is false), and the day is still marked done and what the digest
// would have reported kept, so that the next digest starts from there.
func (s *Scheduler) sendDigest(ctx context.Context, team, manager string, loc *time.Location, key string, now time.Time) (sent bool, err error) {
	d, err := s.cfg.Digests.Digest(ctx, salesbot.Actor{User: manager, Manager: true, Zone: loc}, team, now)
	if err != nil {
		return false, err
	}
	send := func(ctx context.Context) error { return s.cfg.Notifier.SendDigest(ctx, team, manager, d) }
	sent = true
	if d.Quiet() && s.skipsQuietDigest(ctx, team, manager) {
		send, sent = func(context.Context) error { return nil }, false
	}
	if err := s.sendLeased(ctx, team, key, digestClaimTTL, send, "digest", "manager", manager); err != nil {
		return false, err
	}
	ctx, cancel := settleContext(ctx)
	defer cancel()
	if err := s.cfg.Digests.MarkDigestSent(ctx, team, manager, d); err != nil {
		s.log.ErrorContext(ctx, "digest mark", "team", team, "manager", manager, "err", err)
	}
	return sent, nil
}

// skipsQuietDigest reports whether the manager chose not to be sent a
// digest on a day when nothing changed; when their choice cannot be read,
// the one line goes.
func (s *Scheduler) skipsQuietDigest(ctx context.Context, team, manager string) bool {
	if s.cfg.Prefs == nil {
		return false
	}
	p, err := s.cfg.Prefs.NotifyPrefs(ctx, team, manager)
	if err != nil {
		s.log.WarnContext(ctx, "digest: notification choices not read; the quiet line goes", "team", team, "manager", manager, "err", err)
		return false
	}
	return p.SkipEmptyDigest
}

// wallClock returns the local time t shows, as the same figures in UTC. A
// schedule read on it never meets a daylight-saving gap or overlap: on a
// spring-forward day 02:30 still comes once, on a fall-back day 01:30 once.
func wallClock(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
}

// latestOnDay returns the schedule's last occurrence on wall's day that is
// not after wall, or the zero time when none has come yet today.
func latestOnDay(s cron.Schedule, wall time.Time) time.Time {
	midnight := time.Date(wall.Year(), wall.Month(), wall.Day(), 0, 0, 0, 0, time.UTC)
	var last time.Time
	for t := s.Next(midnight.Add(-time.Second)); !t.IsZero() && !t.After(wall); t = s.Next(t) {
		last = t
	}
	return last
}

// sendLeased sends once-only work (a digest, a review) under the lease on
// key: only while the lease is still held, within the send deadline, then
// marked done for ttl whatever happens to ctx. what and attrs name it in
// the logs.
func (s *Scheduler) sendLeased(ctx context.Context, team, key string, ttl time.Duration, send func(context.Context) error, what string, attrs ...any) error {
	if held, err := s.cfg.Store.HoldsOnce(ctx, team, key, s.token); err != nil {
		return err
	} else if !held {
		return errLeaseLost
	}
	sendCtx, cancel := s.sendContext(ctx)
	err := send(sendCtx)
	cancel()
	if err != nil {
		return err
	}
	// Sent: record it whatever happens to ctx now.
	ctx, cancel = settleContext(ctx)
	defer cancel()
	attrs = append([]any{"team", team}, attrs...)
	if held, err := s.cfg.Store.DoneOnce(ctx, team, key, s.token, ttl); err != nil {
		s.log.ErrorContext(ctx, "mark "+what+" sent", append(attrs, "err", err)...)
	} else if !held {
		s.log.WarnContext(ctx, what+" lease lost before it was marked sent: it may go twice", attrs...)
	}
	return nil
}
