package service

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/sync/singleflight"

	"salesbot"
)

// DefaultDigestLimits is what a digest reads at most: the 200 most overdue
// follow-ups, 100 untouched A and 100 untouched B leads, and each rep's 20
// A and B leads due soonest, for risks. A digest of a team of any size then
// reads a few thousand leads at most, and fits Slack's limits on a message.
func DefaultDigestLimits() salesbot.DigestQuery {
	return salesbot.DigestQuery{Overdue: 200, Untouched: 100, PerRep: 20}
}

// MaxDigestPeriod is how far back a digest reaches: a manager whose last
// digest is older (or who never had one) gets the last day.
const MaxDigestPeriod = 7 * salesbot.Day

// digestMark names the mark that holds when a manager's last digest went
// out.
func digestMark(manager string) string { return "digest:" + manager }

// Digest implements salesbot.DigestService.
func (s *Services) Digest(ctx context.Context, a salesbot.Actor, team string, now time.Time) (salesbot.Digest, error) {
	if !a.Manager {
		return salesbot.Digest{}, salesbot.Errorf(salesbot.EFORBIDDEN, "The digest is for managers; your own leads and follow-ups are yours to see.")
	}
	manager := a.User
	q := s.cfg.DigestLimits
	q.Now, q.Cadence, q.Mark = now, s.cfg.Cadence, digestMark(manager)
	q.Floor = now.Add(-MaxDigestPeriod)
	q.Period = func(last time.Time) time.Time {
		if last.IsZero() || now.Sub(last) > MaxDigestPeriod {
			return now.Add(-salesbot.Day)
		}
		return last
	}
	data, err := s.cfg.Store.DigestData(ctx, team, q)
	if err != nil {
		return salesbot.Digest{}, fmt.Errorf("digest for %s: %w", manager, err)
	}
	d := salesbot.BuildDigest(data.Input(q), s.cfg.Cadence)
	d.Pending, d.Through = data.Pending, data.Through
	return d, nil
}

// MarkDigestSent implements salesbot.DigestService.
func (s *Services) MarkDigestSent(ctx context.Context, team, manager string, through time.Time) error {
	if err := s.cfg.Store.SetMark(ctx, team, digestMark(manager), through); err != nil {
		return fmt.Errorf("digest sent to %s: %w", manager, err)
	}
	return nil
}

// overviewLimit bounds how many overdue follow-ups, and untouched A and B
// leads of each grade, an overview reads to say who is slipping.
const overviewLimit = 200

// overviews shares one reading among the overviews of a team asked for at
// the same time (managers opening their Home together).
type overviews struct{ group singleflight.Group }

// Overview implements salesbot.DigestService.
func (s *Services) Overview(ctx context.Context, a salesbot.Actor, team string, now time.Time) (salesbot.Digest, error) {
	if !a.Manager {
		return salesbot.Digest{}, salesbot.Errorf(salesbot.EFORBIDDEN, "The team's overview is for managers.")
	}
	// One caller giving up must not fail the others sharing its reading.
	ctx = context.WithoutCancel(ctx)
	v, err, _ := s.overviews.group.Do(team, func() (any, error) {
		// What is due now: no activity (Floor), the counts and the slipping.
		q := salesbot.DigestQuery{Since: now, Now: now, Floor: now, Cadence: s.cfg.Cadence, Overdue: overviewLimit, Untouched: overviewLimit}
		data, err := s.cfg.Store.DigestData(ctx, team, q)
		if err != nil {
			return salesbot.Digest{}, fmt.Errorf("overview of %s: %w", team, err)
		}
		return salesbot.BuildDigest(data.Input(q), s.cfg.Cadence), nil
	})
	d, _ := v.(salesbot.Digest)
	return d, err
}
