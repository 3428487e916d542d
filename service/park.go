package service

import (
	"context"
	"time"

	"salesbot"
)

// Park implements salesbot.ParkService.
func (s *Services) Park(ctx context.Context, a salesbot.Actor, ref salesbot.LeadRef, until salesbot.Date, reason string, now time.Time) (*salesbot.Lead, error) {
	l, _, err := s.writeLead(ctx, ref, func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(l.Park(a, until, reason, a.Today(now), s.cfg.Cadence, now))
	})
	if err != nil {
		return nil, err // the store says which lead
	}
	return l, nil
}

// Unpark implements salesbot.ParkService.
func (s *Services) Unpark(ctx context.Context, a salesbot.Actor, ref salesbot.LeadRef, now time.Time) (*salesbot.Lead, error) {
	l, _, err := s.writeLead(ctx, ref, func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(l.Unpark(a, a.Today(now), now))
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

var _ salesbot.ParkService = (*Services)(nil)
