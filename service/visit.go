package service

import (
	"context"
	"fmt"
	"time"

	"salesbot"
)

var _ salesbot.VisitService = (*Services)(nil)

// LogVisit implements salesbot.VisitService.
func (s *Services) LogVisit(ctx context.Context, req salesbot.VisitRequest) (salesbot.VisitLogged, error) {
	loc := req.Loc
	if loc == nil {
		loc = time.UTC
	}
	var done salesbot.VisitLogged
	l, err := s.editLead(ctx, req.Team, req.LeadID, req.Lead, func(l *salesbot.Lead) (salesbot.Update, error) {
		// RecordVisit refuses anyone but the owner and managers before
		// it changes anything; an error here writes nothing.
		v := req.Visit
		c, err := l.RecordVisit(req.Actor, &v, loc, req.Now)
		if err != nil {
			return salesbot.Update{}, err
		}
		done = salesbot.VisitLogged{Visit: v, Change: c}
		return salesbot.Update{Changes: []salesbot.Change{c}, Visit: &v}, nil
	})
	if err != nil {
		return salesbot.VisitLogged{}, err
	}
	done.Lead = l
	return done, nil
}

// LeadForForm implements salesbot.VisitService.
func (s *Services) LeadForForm(ctx context.Context, a salesbot.Actor, team, leadID string) (*salesbot.Lead, error) {
	l, err := s.cfg.Store.Lead(ctx, team, leadID)
	if err != nil {
		return nil, err // the store says which lead
	}
	if l.SightOf(a, false) < salesbot.SightAll {
		return nil, notYours()
	}
	return l, nil
}

// notYours refuses a lead reached by its ID to someone who may not see it,
// naming neither the lead nor its owner.
func notYours() error {
	return salesbot.Errorf(salesbot.EFORBIDDEN, "That lead is not yours: only its owner and managers can see it or change it.")
}

// editLead applies a change to a team's lead (read, as the caller read it,
// or by its ID) and saves it with what fn says it wrote, keeping the lead's
// next touch in step with the change. fn may run more than once (see
// salesbot.LeadStore.UpdateLead), and returns the actor's refusal before
// it changes anything.
func (s *Services) editLead(ctx context.Context, team, id string, read *salesbot.Lead, fn func(*salesbot.Lead) (salesbot.Update, error)) (*salesbot.Lead, error) {
	apply := func(l *salesbot.Lead) (salesbot.Update, error) {
		u, err := fn(l)
		if err != nil {
			return u, err
		}
		l.Schedule(s.cfg.Cadence)
		return u, nil
	}
	if read != nil {
		if read.Team != team {
			return nil, salesbot.Internal(fmt.Errorf("lead %s of team %s changed for team %s", read.ID, read.Team, team))
		}
		return s.cfg.Store.UpdateLeadFrom(ctx, read, apply)
	}
	return s.cfg.Store.UpdateLead(ctx, team, id, apply)
}
