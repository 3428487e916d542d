package service

import (
	"context"
	"time"

	"salesbot"
)

var _ salesbot.NegotiationService = (*Services)(nil)

// Concede implements salesbot.NegotiationService with the domain's
// Lead.Concede, sizes read in the team's currency.
func (s *Services) Concede(ctx context.Context, a salesbot.Actor, ref salesbot.LeadRef, give, get string, now time.Time) (salesbot.Conceded, error) {
	var (
		c     salesbot.Concession
		check salesbot.ConcessionCheck
	)
	l, _, err := s.writeLead(ctx, ref, func(l *salesbot.Lead) (salesbot.Update, error) {
		var (
			ch  salesbot.Change
			err error
		)
		c, check, ch, err = l.Concede(a, give, get, s.cfg.Currency, now) // fn may run again on a fresher lead
		return one(ch, err)
	})
	if err != nil {
		return salesbot.Conceded{}, err
	}
	return salesbot.Conceded{Lead: l, Concession: c, Check: check}, nil
}

// Qualify implements salesbot.NegotiationService.
func (s *Services) Qualify(ctx context.Context, a salesbot.Actor, ref salesbot.LeadRef, answers salesbot.Verdicts, now time.Time) (*salesbot.Lead, error) {
	l, _, err := s.writeLead(ctx, ref, func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(l.Qualify(a, answers, now))
	})
	return l, err
}

// SetRival implements salesbot.NegotiationService.
func (s *Services) SetRival(ctx context.Context, a salesbot.Actor, ref salesbot.LeadRef, r salesbot.Rival, now time.Time) (*salesbot.Lead, error) {
	l, _, err := s.writeLead(ctx, ref, func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(l.SetRival(a, r, now))
	})
	return l, err
}
