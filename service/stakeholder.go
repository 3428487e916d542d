package service

import (
	"context"

	"salesbot"
)

var _ salesbot.StakeholderService = (*Services)(nil)

// SetStance implements salesbot.StakeholderService.
func (s *Services) SetStance(ctx context.Context, req salesbot.StanceRequest) (salesbot.StanceSet, error) {
	var done salesbot.StanceSet
	l, _, err := s.writeLead(ctx, leadRef(req.Team, req.LeadID, req.Lead), func(l *salesbot.Lead) (salesbot.Update, error) {
		// SetStakeholder refuses anyone but the owner and managers before
		// it changes anything; an error here writes nothing.
		c, err := l.SetStakeholder(req.Actor, req.Stakeholder, req.Now)
		if err != nil {
			return salesbot.Update{}, err
		}
		saved, _ := l.Stakeholder(c.Reason)
		done = salesbot.StanceSet{Stakeholder: saved, Change: c}
		return salesbot.Update{Changes: []salesbot.Change{c}}, nil
	})
	if err != nil {
		return salesbot.StanceSet{}, err
	}
	done.Lead = l
	return done, nil
}
