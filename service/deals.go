package service

import (
	"context"
	"time"

	"salesbot"
)

// SetDeal implements salesbot.DealService. Every field set is applied by
// the domain in one write of the lead, so the deal form's value, close
// date and category land together or not at all.
func (s *Services) SetDeal(ctx context.Context, a salesbot.Actor, ref salesbot.LeadRef, c salesbot.DealChange, today salesbot.Date, now time.Time) (salesbot.DealSet, error) {
	set := 0
	for _, given := range []bool{c.Value != nil, c.CloseBy != nil, c.Category != nil} {
		if given {
			set++
		}
	}
	if set == 0 {
		return salesbot.DealSet{}, salesbot.Errorf(salesbot.EINVALID, "Nothing to change: give the deal's value, its expected close date or its forecast category.")
	}
	// With several fields (the form), those left as they were are not
	// changes; with one, the domain refuses setting it to what it is.
	several := set > 1
	var slipped bool
	l, u, err := s.writeLead(ctx, ref, func(l *salesbot.Lead) (salesbot.Update, error) {
		slipped = false // fn may run again on a fresher lead
		var changes []salesbot.Change
		if c.Value != nil && !(several && *c.Value == l.Value) {
			ch, err := l.SetValue(a, *c.Value, now)
			if err != nil {
				return salesbot.Update{}, err
			}
			changes = append(changes, ch)
		}
		if c.CloseBy != nil && !(several && *c.CloseBy == l.CloseBy) {
			ch, moved, err := l.SetCloseBy(a, *c.CloseBy, now)
			if err != nil {
				return salesbot.Update{}, err
			}
			slipped = moved
			changes = append(changes, ch)
		}
		if c.Category != nil && !(several && sameCategory(l, *c.Category)) {
			ch, err := l.SetCategory(a, *c.Category, now)
			if err != nil {
				return salesbot.Update{}, err
			}
			changes = append(changes, ch)
		}
		if len(changes) == 0 {
			if !l.CanEdit(a) {
				return salesbot.Update{}, forbiddenEdit(l)
			}
			return salesbot.Update{}, salesbot.Errorf(salesbot.EINVALID, "Nothing changed: %s's deal already has that value, close date and forecast category.", l.Company)
		}
		return salesbot.Update{Changes: changes}, nil
	})
	if err != nil {
		return salesbot.DealSet{}, err
	}
	return salesbot.DealSet{
		Lead: l, Changes: u.Changes, Slipped: slipped,
		Passed: l.Open() && !l.CloseBy.IsZero() && l.CloseBy.Before(today),
	}, nil
}

// sameCategory reports whether putting the deal in c would change nothing
// (as SetCategory judges it: committing an at-risk deal again does).
func sameCategory(l *salesbot.Lead, c salesbot.Category) bool {
	return c == l.Category.Or() && !(c == salesbot.CategoryCommit && l.AtRisk)
}

// forbiddenEdit is the domain's refusal of a stranger's change.
func forbiddenEdit(l *salesbot.Lead) error {
	return salesbot.Errorf(salesbot.EFORBIDDEN, "%s is %s's lead. Only its owner or a manager can change it; ask a manager to reassign it.", l.Company, salesbot.User(l.Owner))
}

// MarkAtRisk implements salesbot.DealService.
func (s *Services) MarkAtRisk(ctx context.Context, a salesbot.Actor, ref salesbot.LeadRef, now time.Time) (*salesbot.Lead, error) {
	l, _, err := s.writeLead(ctx, ref, func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(l.MarkAtRisk(a, now))
	})
	return l, err
}

// Drop implements salesbot.DealService with the domain's Lead.Drop: the
// reason is required either way (a deal leaving the forecast is what a
// manager asks about next), and only a manager closes it as lost.
func (s *Services) Drop(ctx context.Context, a salesbot.Actor, ref salesbot.LeadRef, reason string, lost bool, now time.Time) (*salesbot.Lead, error) {
	l, _, err := s.writeLead(ctx, ref, func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(l.Drop(a, reason, lost, now))
	})
	return l, err
}
