package service

import (
	"context"
	"fmt"
	"slices"
	"time"

	"salesbot"
)

// NotifyStore keeps each person's notification choices.
type NotifyStore interface {
	SetNotifyPrefs(ctx context.Context, team, user string, p salesbot.NotifyPrefs) error
	NotifyPrefsOf(ctx context.Context, team string, users []string) (map[string]salesbot.NotifyPrefs, error)
}

// maxDaysOff bounds how many spans of days off a person keeps, and how far
// ahead one may reach.
const (
	maxDaysOff      = 30
	maxDaysOffAhead = 366
)

// NotifyPrefs implements salesbot.NotifyService.
func (s *Services) NotifyPrefs(ctx context.Context, team, user string) (salesbot.NotifyPrefs, error) {
	m, err := s.NotifyPrefsOf(ctx, team, []string{user})
	if err != nil {
		return salesbot.NotifyPrefs{}, err
	}
	return m[user], nil
}

// NotifyPrefsOf implements salesbot.NotifyService.
func (s *Services) NotifyPrefsOf(ctx context.Context, team string, users []string) (map[string]salesbot.NotifyPrefs, error) {
	m, err := s.cfg.Store.NotifyPrefsOf(ctx, team, users)
	if err != nil {
		return nil, fmt.Errorf("notification choices: %w", err)
	}
	return m, nil
}

// SetNotifyPrefs implements salesbot.NotifyService. Spans of days off that
// are over are dropped rather than refused when they were kept from before;
// a new one must not be over already.
func (s *Services) SetNotifyPrefs(ctx context.Context, team string, by salesbot.Actor, p salesbot.NotifyPrefs, now time.Time) (salesbot.NotifyPrefs, error) {
	if p.Mode != salesbot.NotifyBatch && p.Mode != salesbot.NotifyEach {
		return salesbot.NotifyPrefs{}, salesbot.Errorf(salesbot.EINVALID, "%q is not a way to be reminded: choose batch (one morning message) or each (as each falls due).", p.Mode)
	}
	if p.BatchHour != salesbot.DayStart && (p.BatchHour < 0 || p.BatchHour > 23) {
		return salesbot.NotifyPrefs{}, salesbot.Errorf(salesbot.EINVALID, "%d is not an hour of the day: write 0 to 23, such as 8 for 08:00.", p.BatchHour)
	}
	today := by.Today(now)
	var before []salesbot.DateSpan
	if slices.ContainsFunc(p.DaysOff, func(d salesbot.DateSpan) bool { return !d.To.IsZero() && d.To.Before(today) }) {
		was, err := s.NotifyPrefs(ctx, team, by.User)
		if err != nil {
			return salesbot.NotifyPrefs{}, err
		}
		before = was.DaysOff
	}
	kept := make([]salesbot.DateSpan, 0, len(p.DaysOff))
	for _, d := range p.DaysOff {
		switch {
		case d.To.Before(today) && !d.From.IsZero() && slices.Contains(before, d):
			continue // kept from before, and over since: dropped
		case slices.Contains(kept, d):
			continue // given twice
		case d.From.IsZero() || d.To.IsZero() || d.To.Before(d.From):
			return salesbot.NotifyPrefs{}, salesbot.Errorf(salesbot.EINVALID, "%s..%s is not a span of days: write the first day, then the last, such as 2026-12-24..2027-01-02.", d.From, d.To)
		case d.To.Before(today):
			return salesbot.NotifyPrefs{}, salesbot.Errorf(salesbot.EINVALID, "%s..%s is over already: days off start today or later.", d.From, d.To)
		case d.To.After(today.AddDays(maxDaysOffAhead)):
			return salesbot.NotifyPrefs{}, salesbot.Errorf(salesbot.EINVALID, "%s is more than a year ahead: set days off up to %s.", d.To, today.AddDays(maxDaysOffAhead))
		}
		kept = append(kept, d)
	}
	if len(kept) > maxDaysOff {
		return salesbot.NotifyPrefs{}, salesbot.Errorf(salesbot.EINVALID, "%d spans of days off are more than %d: join adjacent days into one span, such as 2026-12-24..2027-01-02.", len(kept), maxDaysOff)
	}
	slices.SortFunc(kept, func(a, b salesbot.DateSpan) int { return a.From.In(time.UTC).Compare(b.From.In(time.UTC)) })
	p.DaysOff = kept
	if err := s.cfg.Store.SetNotifyPrefs(ctx, team, by.User, p); err != nil {
		return salesbot.NotifyPrefs{}, fmt.Errorf("notification choices of %s: %w", by.User, err)
	}
	return p, nil
}

var _ salesbot.NotifyService = (*Services)(nil)
