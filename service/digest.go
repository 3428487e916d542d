package service

import (
	"context"
	"fmt"
	"slices"
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

// DigestStore keeps what each manager's last digest reported and what each
// rep was told of their leads' risks.
type DigestStore interface {
	// DigestSent records the manager's digest mark (named mark) at
	// through and what the digest reported, in one write.
	DigestSent(ctx context.Context, team, manager, mark string, through time.Time, seen salesbot.DigestSeen) error
	// RiskNewsOwners lists everyone who has had an open lead in the
	// team, and the last day each one's risk news was settled.
	RiskNewsOwners(ctx context.Context, team string) ([]string, map[string]salesbot.Date, error)
	// RisksTold returns the risk kinds each lead's owner was told of.
	RisksTold(ctx context.Context, team, rep string, leadIDs []string) (map[string][]salesbot.RiskKind, error)
	// SetRisksTold records them (a lead with none is forgotten), and that
	// rep's news of day is settled.
	SetRisksTold(ctx context.Context, team, rep string, day salesbot.Date, told map[string][]salesbot.RiskKind) error
}

// Digest implements salesbot.DigestService: a manager who leads reps
// (TeamService.RepsOf) reads theirs only, and what their previous digest
// reported is read with the rest, to say what changed since.
func (s *Services) Digest(ctx context.Context, a salesbot.Actor, team string, now time.Time) (salesbot.Digest, error) {
	if !a.Manager {
		return salesbot.Digest{}, salesbot.Errorf(salesbot.EFORBIDDEN, "The digest is for managers; your own leads and follow-ups are yours to see.")
	}
	manager := a.User
	reps, err := s.RepsOf(ctx, team, manager)
	if err != nil {
		return salesbot.Digest{}, fmt.Errorf("digest for %s: %w", manager, err)
	}
	q := s.cfg.DigestLimits
	q.Now, q.Cadence, q.Mark, q.Seen, q.Reps = now, s.cfg.Cadence, digestMark(manager), manager, reps
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
	in := data.Input(q)
	in.Today = a.Today(now)
	d := salesbot.BuildDigest(in, s.cfg.Cadence)
	d.Pending, d.Through = salesbot.ApprovalsFor(data.Pending, reps), data.Through
	return d, nil
}

// MarkDigestSent implements salesbot.DigestService.
func (s *Services) MarkDigestSent(ctx context.Context, team, manager string, d salesbot.Digest) error {
	through := d.Through
	if through.IsZero() {
		through = d.Until
	}
	if err := s.cfg.Store.DigestSent(ctx, team, manager, digestMark(manager), through, d.Seen); err != nil {
		return fmt.Errorf("digest sent to %s: %w", manager, err)
	}
	return nil
}

// RepRisks implements salesbot.DigestService. It reads the one rep's
// leads, never the team.
func (s *Services) RepRisks(ctx context.Context, a salesbot.Actor, team, rep string, now time.Time) ([]salesbot.LeadRisks, error) {
	if !a.Manager {
		return nil, salesbot.Errorf(salesbot.EFORBIDDEN, "A rep's risks in the digest are for managers; your own are on your leads' cards.")
	}
	reps, err := s.RepsOf(ctx, team, a.User)
	if err != nil {
		return nil, fmt.Errorf("risks of %s: %w", rep, err)
	}
	if reps != nil && !slices.Contains(reps, rep) {
		return nil, salesbot.Errorf(salesbot.EFORBIDDEN, "%s is not in your team: their manager sees their risks.", salesbot.User(rep))
	}
	leads, err := s.cfg.Store.LeadsOwnedBy(ctx, team, rep)
	if err != nil {
		return nil, fmt.Errorf("risks of %s: %w", rep, err)
	}
	return salesbot.RiskList(rep, leads, a.Today(now), now, s.cfg.Cadence), nil
}

// RiskNewsDue implements salesbot.DigestService: two round trips (the
// owners and whose news of which day was settled, their choices) whatever
// the team's size; a rep whose news of the day was settled is not due
// again.
func (s *Services) RiskNewsDue(ctx context.Context, team string, zone func(user string) (*time.Location, bool), now time.Time) ([]salesbot.RiskNewsSlot, error) {
	owners, settled, err := s.cfg.Store.RiskNewsOwners(ctx, team)
	if err != nil {
		return nil, fmt.Errorf("risk news of %s: %w", team, err)
	}
	if len(owners) == 0 {
		return nil, nil
	}
	slices.Sort(owners)
	prefs, err := s.NotifyPrefsOf(ctx, team, owners)
	if err != nil {
		return nil, fmt.Errorf("risk news of %s: %w", team, err)
	}
	var due []salesbot.RiskNewsSlot
	for _, o := range owners {
		loc, ok := zone(o)
		if !ok {
			continue // on whose clock would it be morning?
		}
		p, ok := prefs[o]
		if !ok {
			p = salesbot.DefaultNotifyPrefs()
		}
		if day, ok := salesbot.RiskNewsDay(p, now.In(loc), s.cfg.WorkHours); ok && settled[o] != day {
			due = append(due, salesbot.RiskNewsSlot{Rep: o, Day: day})
		}
	}
	return due, nil
}

// RiskNews implements salesbot.DigestService: the rep's leads, then what
// they were told of them.
func (s *Services) RiskNews(ctx context.Context, team, rep string, day salesbot.Date, now time.Time) (salesbot.RiskNews, error) {
	leads, err := s.cfg.Store.LeadsOwnedBy(ctx, team, rep)
	if err != nil {
		return salesbot.RiskNews{}, fmt.Errorf("risk news for %s: %w", rep, err)
	}
	ids := make([]string, len(leads))
	for i, l := range leads {
		ids[i] = l.ID
	}
	told, err := s.cfg.Store.RisksTold(ctx, team, rep, ids)
	if err != nil {
		return salesbot.RiskNews{}, fmt.Errorf("risk news for %s: %w", rep, err)
	}
	n := salesbot.NewsOfRisks(rep, leads, told, day, now, s.cfg.Cadence)
	n.Day = day
	return n, nil
}

// MarkRisksTold implements salesbot.DigestService.
func (s *Services) MarkRisksTold(ctx context.Context, team string, n salesbot.RiskNews) error {
	if err := s.cfg.Store.SetRisksTold(ctx, team, n.Rep, n.Day, n.Told); err != nil {
		return fmt.Errorf("risks told to %s: %w", n.Rep, err)
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
