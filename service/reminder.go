package service

import (
	"context"
	"fmt"
	"slices"
	"time"

	"salesbot"
)

// ReminderStore is what the reminders keep besides the leads: what each
// reminder message the bot sent is about, and to whom it went.
type ReminderStore interface {
	// ReminderHandled records a note on one lead of a reminder, if the
	// reminder was sent to user and is about that lead (else EFORBIDDEN or
	// ENOTFOUND, and nothing is written), and returns the reminder's lead
	// IDs and notes so far.
	ReminderHandled(ctx context.Context, team, channel, ts, user, leadID, note string) ([]string, map[string]string, error)
}

// ZoneRetry is how long a reminder to someone whose time zone is not known
// yet waits before it is looked at again.
const ZoneRetry = time.Minute

// Reminding implements salesbot.ReminderService.
func (s *Services) Reminding(l *salesbot.Lead, now time.Time, zone func(user string) (*time.Location, bool), prefs salesbot.NotifyPrefs) salesbot.Reminding {
	at := l.ReminderAt()
	step, ok := l.NextAlarm()
	if !ok || at.IsZero() || at.After(now) {
		return salesbot.Reminding{}
	}
	r := salesbot.Reminding{Due: l.Due, Step: step}
	loc, known := zone(l.Owner)
	if !known {
		r.Later, r.ZoneUnknown = now.Add(ZoneRetry), true
		return r
	}
	local := now.In(loc)
	if l.Parked(salesbot.DateOf(local)) {
		// Woken on the owner's clock, not the earliest zone's.
		r.Later = l.ParkedUntil.In(loc)
		return r
	}
	switch step {
	case salesbot.LadderReminded:
		r.Morning, r.Later = prefs.Timing(l.Due, now, loc, s.cfg.WorkHours)
	case salesbot.LadderManagers:
		// Not while the owner is away: a holiday is no neglect.
		if prefs.Away(salesbot.DateOf(local)) {
			r.Later = prefs.Next(local, s.cfg.WorkHours)
		}
	default:
		_, r.Later = prefs.Reachable(now, loc, s.cfg.WorkHours)
	}
	r.Send = r.Later.IsZero()
	return r
}

// Escalating implements salesbot.ReminderService.
func (s *Services) Escalating(managers []string, now time.Time, zone func(user string) (*time.Location, bool), prefs map[string]salesbot.NotifyPrefs) ([]string, time.Time) {
	var open []string
	var later time.Time
	for _, m := range managers {
		p, ok := prefs[m]
		if !ok {
			p = salesbot.DefaultNotifyPrefs()
		}
		next := now.Add(ZoneRetry)
		if loc, known := zone(m); known {
			var reach bool
			if reach, next = p.Reachable(now, loc, s.cfg.WorkHours); reach {
				open = append(open, m)
				continue
			}
		}
		if later.IsZero() || next.Before(later) {
			later = next
		}
	}
	if len(open) > 0 {
		return open, time.Time{}
	}
	return nil, later
}

// FollowUps implements salesbot.ReminderService.
func (s *Services) FollowUps(ctx context.Context, team, rep string, now time.Time, loc *time.Location) (salesbot.FollowUps, error) {
	leads, err := s.cfg.Store.LeadsOwnedBy(ctx, team, rep)
	if err != nil {
		return salesbot.FollowUps{}, fmt.Errorf("follow-ups of %s: %w", rep, err)
	}
	return salesbot.FollowUps{Leads: leads, Due: dueBy(leads, s.cfg.Cadence, salesbot.DateOf(now.In(loc)).AddDays(1).In(loc))}, nil
}

// dueBy returns the open leads due before end, most overdue first.
func dueBy(leads []*salesbot.Lead, c salesbot.Cadence, end time.Time) []*salesbot.Lead {
	var due []*salesbot.Lead
	for _, l := range leads {
		if l.Open() && !l.Parked(salesbot.DateOf(end.Add(-time.Nanosecond))) && l.NextDue(c).Before(end) {
			due = append(due, l)
		}
	}
	slices.SortStableFunc(due, func(a, b *salesbot.Lead) int { return a.NextDue(c).Compare(b.NextDue(c)) })
	return due
}

// Snooze implements salesbot.ReminderService.
func (s *Services) Snooze(ctx context.Context, team string, by salesbot.Actor, leadID string, until, now time.Time) (*salesbot.Lead, error) {
	l, _, err := s.writeLead(ctx, salesbot.RefTo(team, leadID), func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(l.Snooze(by, until, now))
	})
	if err != nil {
		return nil, err // the store says which lead
	}
	return l, nil
}

// ReminderHandled implements salesbot.ReminderService.
func (s *Services) ReminderHandled(ctx context.Context, team, user string, m salesbot.ReminderMessage, leadID, note string) (salesbot.Handled, error) {
	if m.Where == "" || m.ID == "" {
		return salesbot.Handled{}, nil
	}
	ids, notes, err := s.cfg.Store.ReminderHandled(ctx, team, m.Where, m.ID, user, leadID, note)
	if code := salesbot.ErrorCode(err); code == salesbot.EFORBIDDEN || code == salesbot.ENOTFOUND {
		s.cfg.Logger.WarnContext(ctx, "reminder not redrawn", "where", m.Where, "message", m.ID, "user", user, "lead", leadID, "why", salesbot.ErrorMessage(err))
		return salesbot.Handled{}, nil
	}
	if err != nil {
		return salesbot.Handled{}, fmt.Errorf("reminder handled: %w", err)
	}
	h := salesbot.Handled{Notes: notes}
	for _, id := range ids {
		// A lead gone since is left out of the redrawn reminder.
		if l, err := s.cfg.Store.Lead(ctx, team, id); err == nil {
			h.Leads = append(h.Leads, l)
		}
	}
	return h, nil
}

var _ salesbot.ReminderService = (*Services)(nil)
