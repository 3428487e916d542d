package service

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"salesbot"
)

var _ salesbot.LeadService = (*Services)(nil)

// maxSimilar bounds how many similar names a registration reports.
const maxSimilar = 3

// writeLead applies a domain change to the lead ref names and saves it with
// its history, keeping the next touch in step (Schedule): every service
// changes a lead through it. fn may run more than once (see
// salesbot.LeadStore.UpdateLead) and refuses before it changes anything;
// what it returned the last time is returned.
func (s *Services) writeLead(ctx context.Context, ref salesbot.LeadRef, fn func(*salesbot.Lead) (salesbot.Update, error)) (*salesbot.Lead, salesbot.Update, error) {
	if ref.Read != nil && ref.Read.Team != ref.Team {
		return nil, salesbot.Update{}, salesbot.Internal(fmt.Errorf("lead %s of team %s changed for team %s", ref.Read.ID, ref.Read.Team, ref.Team))
	}
	var done salesbot.Update
	apply := func(l *salesbot.Lead) (salesbot.Update, error) {
		u, err := fn(l)
		if err != nil {
			return u, err
		}
		l.Schedule(s.cfg.Cadence)
		done = u
		return u, nil
	}
	var (
		l   *salesbot.Lead
		err error
	)
	if ref.Read != nil {
		l, err = s.cfg.Store.UpdateLeadFrom(ctx, ref.Read, apply)
	} else {
		l, err = s.cfg.Store.UpdateLead(ctx, ref.Team, ref.ID, apply)
	}
	if err != nil {
		return nil, salesbot.Update{}, err // the store says which lead
	}
	return l, done, nil
}

// readLead returns the lead ref names: as read, or from the store.
func (s *Services) readLead(ctx context.Context, ref salesbot.LeadRef) (*salesbot.Lead, error) {
	if ref.Read != nil {
		return ref.Read, nil
	}
	l, err := s.cfg.Store.Lead(ctx, ref.Team, ref.ID)
	if err != nil {
		return nil, fmt.Errorf("read lead %s: %w", ref.ID, err)
	}
	return l, nil
}

func one(c salesbot.Change, err error) (salesbot.Update, error) {
	return salesbot.Update{Changes: []salesbot.Change{c}}, err
}

// Register implements salesbot.LeadService.
func (s *Services) Register(ctx context.Context, a salesbot.Actor, team, company string, g salesbot.Grade, now time.Time) (salesbot.Registration, error) {
	return s.RegisterFrom(ctx, a, team, company, g, "", now)
}

// RegisterFrom implements salesbot.ProfileService.
func (s *Services) RegisterFrom(ctx context.Context, a salesbot.Actor, team, company string, g salesbot.Grade, src salesbot.Source, now time.Time) (salesbot.Registration, error) {
	l, c, err := salesbot.NewLeadFrom(a, team, "", company, g, src, now)
	if err != nil {
		return salesbot.Registration{}, err
	}
	l.Schedule(s.cfg.Cadence)
	existing, err := s.cfg.Store.CreateLead(ctx, l, c)
	if salesbot.ErrorCode(err) == salesbot.ECONFLICT && existing != nil {
		// The actor named it: they may see at least whose it is.
		sight := existing.SightOf(a, true)
		return salesbot.Registration{Existing: &salesbot.SeenLead{Lead: existing.Seen(sight), Sight: sight}}, nil
	} else if err != nil {
		return salesbot.Registration{}, fmt.Errorf("create lead: %w", err)
	}
	reg := salesbot.Registration{Lead: l}
	reg.Similar, reg.HiddenSimilar = s.similar(ctx, a, l)
	return reg, nil
}

// similar lists the team's other leads whose normalised name contains the
// new one's or is contained in it ("明达机械" and "上海明达机械"): not
// duplicates under the ownership rule, but worth a look before two reps
// work the same company. The actor did not name them, so SightOf decides:
// those they may see, and a count of the rest. A failure to look only loses
// the hint.
func (s *Services) similar(ctx context.Context, a salesbot.Actor, l *salesbot.Lead) ([]salesbot.SeenLead, int) {
	if len([]rune(salesbot.NormalizeCompany(l.Company))) < 2 {
		return nil, 0
	}
	others, err := s.cfg.Store.SimilarLeads(ctx, l.Team, l.Company, l.ID, maxSimilar)
	if err != nil {
		s.cfg.Logger.WarnContext(ctx, "similar leads", "err", err)
		return nil, 0
	}
	var seen []salesbot.SeenLead
	hidden := 0
	for _, other := range others {
		if sight := other.SightOf(a, false); sight > salesbot.SightNone {
			seen = append(seen, salesbot.SeenLead{Lead: other.Seen(sight), Sight: sight})
		} else {
			hidden++
		}
	}
	return seen, hidden
}

// Resolve implements salesbot.LeadService.
func (s *Services) Resolve(ctx context.Context, a salesbot.Actor, team string, q salesbot.LeadQuery, read *salesbot.LeadMatch) (salesbot.Resolution, error) {
	var m salesbot.LeadMatch
	if read != nil {
		m = *read
	} else {
		var err error
		if m, err = s.cfg.Store.FindLead(ctx, team, q); err != nil {
			return salesbot.Resolution{}, fmt.Errorf("find lead: %w", err)
		}
	}
	if m.Name >= 0 && len(m.Leads) > 0 {
		return salesbot.Resolution{Lead: m.Leads[0], Visits: m.Visits, VisitsRead: q.Visits > 0, Name: m.Name}, nil
	}
	none := salesbot.Resolution{Name: -1}
	if q.Part == "" {
		return none, nil
	}
	// A partial match was not named: of another rep's open lead the actor
	// may not even learn that it exists.
	var visible, mine []*salesbot.Lead
	for _, l := range m.Leads {
		switch l.SightOf(a, false) {
		case salesbot.SightAll:
			mine = append(mine, l)
			visible = append(visible, l)
		case salesbot.SightPool:
			visible = append(visible, l)
		}
	}
	switch {
	case len(visible) == 1 && len(m.Leads) == 1:
		return salesbot.Resolution{Lead: m.Leads[0], Visits: m.Visits, VisitsRead: q.Visits > 0, Name: -1}, nil
	case len(visible) == 1:
		return salesbot.Resolution{Lead: visible[0], Name: -1}, nil
	case len(mine) == 1:
		return salesbot.Resolution{Lead: mine[0], Name: -1}, nil
	}
	none.Seen, none.Mine = len(visible), mine
	return none, nil
}

// Regrade implements salesbot.LeadService.
func (s *Services) Regrade(ctx context.Context, a salesbot.Actor, ref salesbot.LeadRef, g salesbot.Grade, reason string, now time.Time) (salesbot.Regraded, error) {
	l, u, err := s.writeLead(ctx, ref, func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(l.Regrade(a, g, reason, now))
	})
	if err != nil {
		return salesbot.Regraded{}, err
	}
	return salesbot.Regraded{Lead: l, Change: u.Changes[0]}, nil
}

// errKept stops a write when the grade chosen is the lead's already.
var errKept = errors.New("grade kept")

// ChooseGrade implements salesbot.LeadService.
func (s *Services) ChooseGrade(ctx context.Context, a salesbot.Actor, ref salesbot.LeadRef, g salesbot.Grade, now time.Time) (salesbot.Regraded, error) {
	var kept *salesbot.Lead
	l, u, err := s.writeLead(ctx, ref, func(l *salesbot.Lead) (salesbot.Update, error) {
		if l.Grade == g && l.CanEdit(a) && l.Open() {
			kept = l
			return salesbot.Update{}, errKept
		}
		return one(l.Regrade(a, g, "", now))
	})
	switch {
	case errors.Is(err, errKept):
		return salesbot.Regraded{Lead: kept, Kept: true}, nil
	case err != nil:
		return salesbot.Regraded{}, err
	}
	return salesbot.Regraded{Lead: l, Change: u.Changes[0]}, nil
}

// Assign implements salesbot.LeadService.
func (s *Services) Assign(ctx context.Context, a salesbot.Actor, ref salesbot.LeadRef, to, owner string, now time.Time) (salesbot.Assignment, error) {
	var from string
	l, u, err := s.writeLead(ctx, ref, func(l *salesbot.Lead) (salesbot.Update, error) {
		if owner != "" && (l.Owner != owner || l.Stage == salesbot.StageWon) {
			return salesbot.Update{}, salesbot.Errorf(salesbot.ECONFLICT, "%s has changed hands since this was asked: it is %s's lead now, so nothing changed.", l.Company, salesbot.User(l.Owner))
		}
		from = l.Owner
		changes, err := l.Assign(a, to, now)
		return salesbot.Update{Changes: changes}, err
	})
	if err != nil {
		return salesbot.Assignment{}, err
	}
	return salesbot.Assignment{
		Lead: l, From: from, To: to, By: a.User, Changes: u.Changes,
		TellTo:   to != a.User,
		TellFrom: from != to && from != a.User,
		Stale:    from != to,
	}, nil
}

// SetFact implements salesbot.LeadService.
func (s *Services) SetFact(ctx context.Context, a salesbot.Actor, ref salesbot.LeadRef, k salesbot.KeyFact, text string, now time.Time) (*salesbot.Lead, error) {
	l, _, err := s.writeLead(ctx, ref, func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(l.SetFact(a, k, text, now))
	})
	return l, err
}

// seeAll refuses a lead to anyone but its owner and managers; the actor
// named it, so they may learn whose it is.
func seeAll(a salesbot.Actor, l *salesbot.Lead, what string) error {
	if l.SightOf(a, true) < salesbot.SightAll {
		return salesbot.Errorf(salesbot.EFORBIDDEN, "%s is %s's lead; only its owner and managers can see its "+what+".", l.Company, salesbot.User(l.Owner))
	}
	return nil
}

// Card implements salesbot.LeadService.
func (s *Services) Card(ctx context.Context, a salesbot.Actor, ref salesbot.LeadRef) (salesbot.LeadCard, error) {
	l, err := s.readLead(ctx, ref)
	if err != nil {
		return salesbot.LeadCard{}, err
	}
	if err := seeAll(a, l, "card"); err != nil {
		return salesbot.LeadCard{}, err
	}
	visits := ref.Visits
	if !ref.VisitsRead {
		if visits, err = s.cfg.Store.Visits(ctx, l.Team, l.ID, 1); err != nil {
			return salesbot.LeadCard{}, fmt.Errorf("show lead: %w", err)
		}
	}
	c := salesbot.LeadCard{Lead: l}
	if len(visits) > 0 {
		c.LastVisit = &visits[0]
	}
	return c, nil
}

// Map implements salesbot.LeadService.
func (s *Services) Map(ctx context.Context, a salesbot.Actor, ref salesbot.LeadRef) (*salesbot.Lead, error) {
	l, err := s.readLead(ctx, ref)
	if err != nil {
		return nil, err
	}
	if err := seeAll(a, l, "people"); err != nil {
		return nil, err
	}
	return l, nil
}

// Editable implements salesbot.LeadService.
func (s *Services) Editable(ctx context.Context, a salesbot.Actor, ref salesbot.LeadRef) (*salesbot.Lead, error) {
	l, err := s.readLead(ctx, ref)
	if err != nil {
		return nil, err
	}
	if !l.CanEdit(a) {
		return nil, salesbot.Errorf(salesbot.EFORBIDDEN, "%s is %s's lead. Only its owner or a manager can change it; ask a manager to reassign it.", l.Company, salesbot.User(l.Owner))
	}
	return l, nil
}

// Pool implements salesbot.LeadService.
func (s *Services) Pool(ctx context.Context, a salesbot.Actor, team string) ([]*salesbot.Lead, error) {
	leads, err := s.cfg.Store.Pool(ctx, team, salesbot.PoolSize)
	if err != nil {
		return nil, fmt.Errorf("pool: %w", err)
	}
	seen := make([]*salesbot.Lead, 0, len(leads))
	for _, l := range leads {
		if sight := l.SightOf(a, false); sight >= salesbot.SightPool {
			seen = append(seen, l.Seen(sight))
		}
	}
	return seen, nil
}

// List implements salesbot.LeadService.
func (s *Services) List(ctx context.Context, a salesbot.Actor, q salesbot.ListQuery) (salesbot.LeadList, error) {
	owner := q.Owner
	if owner == "" {
		owner = a.User
	}
	if (q.All || owner != a.User) && !a.Manager {
		return salesbot.LeadList{}, salesbot.Errorf(salesbot.EFORBIDDEN, "Only managers see other reps' pipelines; yours is in the list of your own leads.")
	}
	if q.All {
		return s.teamPage(ctx, a, q)
	}
	leads, err := s.cfg.Store.LeadsOwnedBy(ctx, q.Team, owner)
	if err != nil {
		return salesbot.LeadList{}, fmt.Errorf("list leads: %w", err)
	}
	leads = slices.DeleteFunc(leads, func(l *salesbot.Lead) bool {
		return l.SightOf(a, false) < salesbot.SightAll || (q.Grade != "" && (l.Grade != q.Grade || !l.Open()))
	})
	return salesbot.LeadList{Owner: owner, Grade: q.Grade, Leads: leads, Total: len(leads)}, nil
}

// teamPage reads a page of the team's open leads from the read models.
func (s *Services) teamPage(ctx context.Context, a salesbot.Actor, q salesbot.ListQuery) (salesbot.LeadList, error) {
	offset := max(q.Offset, 0)
	leads, total, err := s.cfg.Store.OpenLeads(ctx, q.Team, q.Grade, offset, salesbot.ListPage)
	if err != nil {
		return salesbot.LeadList{}, fmt.Errorf("list the team's leads: %w", err)
	}
	leads = slices.DeleteFunc(leads, func(l *salesbot.Lead) bool { return l.SightOf(a, false) < salesbot.SightAll })
	list := salesbot.LeadList{All: true, Grade: q.Grade, Leads: leads, Offset: offset, Total: total}
	if next := offset + salesbot.ListPage; next < total {
		list.Next = next
	}
	return list, nil
}
