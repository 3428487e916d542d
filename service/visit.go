package service

import (
	"context"
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
	l, _, err := s.writeLead(ctx, leadRef(req.Team, req.LeadID, req.Lead), func(l *salesbot.Lead) (salesbot.Update, error) {
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

// leadRef names a team's lead as a request gives it: read by the caller
// (read), or by its ID.
func leadRef(team, id string, read *salesbot.Lead) salesbot.LeadRef {
	ref := salesbot.RefTo(team, id)
	if read != nil {
		ref.ID, ref.Read = read.ID, read
	}
	return ref
}
