package scheduler

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/robfig/cron/v3"

	"salesbot"
)

// digestClaimTTL keeps a sent digest's per-date claim past any time zone's
// day.
const digestClaimTTL = 50 * time.Hour

// digests sends each of the team's managers the digest when its hour has
// come on their own wall clock today and it has not gone out yet today. The
// per-manager, per-date claim makes it once across replicas and restarts;
// checking on every sweep makes a digest missed while the bot was down go
// out when it is back, the same day.
func (s *Scheduler) digests(ctx context.Context, team string) error {
	managers, err := s.managers(ctx, team)
	if err != nil {
		return err
	}
	now := s.cfg.Now()
	if paused, err := s.cfg.Store.SendingPausedUntil(ctx, team); err != nil {
		return err
	} else if paused.After(now) {
		return nil
	}
	var leads []*salesbot.Lead // read once per team, when a digest is due
	for _, m := range managers {
		wall := wallClock(now.In(s.cfg.People.Location(ctx, m)))
		if latestOnDay(s.digest, wall).IsZero() {
			continue
		}
		if retry, err := s.cfg.Store.Mark(ctx, team, "digest-retry:"+m); err != nil {
			return err
		} else if retry.After(now) {
			continue // a failed send waits before the next try
		}
		key := fmt.Sprintf("digest:%s:%s", m, salesbot.DateOf(wall))
		if ok, err := s.cfg.Store.ClaimOnce(ctx, team, key, digestClaimTTL); err != nil || !ok {
			if err != nil {
				return err
			}
			continue
		}
		if leads == nil {
			if leads, err = s.cfg.Store.AllLeads(ctx, team); err != nil {
				_ = s.cfg.Store.ForgetOnce(ctx, team, key)
				return err
			}
		}
		if err := s.sendDigest(ctx, team, m, leads, now); err != nil {
			s.digestFailed(ctx, team, m, key, now, err)
			continue
		}
		s.cfg.Metrics.digest()
	}
	return nil
}

// digestRetry is how long a digest whose send failed waits before the next
// try (the same day, as long as the day lasts).
const digestRetry = 5 * time.Minute

// digestFailed decides what a failed digest send means: a manager who cannot
// be messaged is given up for the day (the day's claim stays); after a 429
// the whole team waits out Retry-After; any other failure is tried again a
// few minutes later.
func (s *Scheduler) digestFailed(ctx context.Context, team, manager, key string, now time.Time, err error) {
	retryAfter, permanent := classify(err)
	if permanent {
		s.log.WarnContext(ctx, "digest undeliverable; given up for today", "team", team, "manager", manager, "err", err)
		return
	}
	wait := digestRetry
	if retryAfter > 0 {
		wait = retryAfter
		if err := s.cfg.Store.PauseSending(ctx, team, now.Add(retryAfter), now); err != nil {
			s.log.ErrorContext(ctx, "pause sending", "team", team, "err", err)
		}
	}
	s.log.WarnContext(ctx, "digest not sent; will retry", "team", team, "manager", manager, "in", wait, "err", err)
	if err := s.cfg.Store.SetMark(ctx, team, "digest-retry:"+manager, now.Add(wait)); err != nil {
		s.log.ErrorContext(ctx, "digest retry mark", "err", err)
	}
	if err := s.cfg.Store.ForgetOnce(ctx, team, key); err != nil {
		s.log.ErrorContext(ctx, "release digest claim", "err", err)
	}
}

// BuildDigest assembles a manager's digest of what happened since their
// last one (the last day when there was none), as /salesbot digest shows it.
func (s *Scheduler) BuildDigest(ctx context.Context, team, manager string, leads []*salesbot.Lead, now time.Time) (salesbot.Digest, error) {
	since, err := s.cfg.Store.Mark(ctx, team, "digest:"+manager)
	if err != nil {
		return salesbot.Digest{}, err
	}
	if since.IsZero() || now.Sub(since) > 7*salesbot.Day {
		since = now.Add(-salesbot.Day)
	}
	changes, err := s.cfg.Store.Activity(ctx, team, since, now)
	if err != nil {
		return salesbot.Digest{}, err
	}
	d := salesbot.BuildDigest(changes, leads, since, now, s.cfg.Cadence)
	if d.Pending, err = s.cfg.Store.PendingApprovals(ctx, team); err != nil {
		return salesbot.Digest{}, err
	}
	return d, nil
}

func (s *Scheduler) sendDigest(ctx context.Context, team, manager string, leads []*salesbot.Lead, now time.Time) error {
	d, err := s.BuildDigest(ctx, team, manager, leads, now)
	if err != nil {
		return err
	}
	if err := s.cfg.Notifier.SendDigest(ctx, team, manager, d); err != nil {
		return err
	}
	return s.cfg.Store.SetMark(ctx, team, "digest:"+manager, now)
}

// managers lists the team's managers: from the environment (in the token's
// own workspace only) and from Slack.
func (s *Scheduler) managers(ctx context.Context, team string) ([]string, error) {
	added, err := s.cfg.Store.Managers(ctx, team)
	if err != nil {
		return nil, err
	}
	var env []string
	if s.cfg.Team == "" || s.cfg.Team == team {
		env = s.cfg.Managers
	}
	all := append(slices.Clone(env), added...)
	slices.Sort(all)
	return slices.Compact(all), nil
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
