package service

import (
	"context"
	"errors"
	"fmt"
	"time"

	"salesbot"
)

// InboundStore keeps the inbound queue: inquiries waiting for a manager to
// assign them (/lead inbound). store.Store implements it.
type InboundStore interface {
	// QueueInquiry saves a new waiting inquiry unless its company is a
	// lead (returned) or an inquiry for it waits (returned), each with an
	// ECONFLICT error.
	QueueInquiry(ctx context.Context, q *salesbot.Inquiry) (*salesbot.Lead, *salesbot.Inquiry, error)
	// Inquiry returns one inquiry, or an ENOTFOUND error.
	Inquiry(ctx context.Context, team, id string) (*salesbot.Inquiry, error)
	// UpdateInquiry applies fn to the inquiry as stored and saves it with
	// its indexes, all or nothing.
	UpdateInquiry(ctx context.Context, team, id string, fn func(*salesbot.Inquiry) error) (*salesbot.Inquiry, error)
	// AssignInquiry writes the lead fn makes of a waiting inquiry and
	// settles the inquiry in one step, unless the company is a lead
	// (returned as existing, with an ECONFLICT error).
	AssignInquiry(ctx context.Context, team, id string, fn func(*salesbot.Inquiry) (*salesbot.Lead, salesbot.Change, error)) (q *salesbot.Inquiry, l, existing *salesbot.Lead, err error)
	// Inquiries returns the waiting inquiries, oldest first, at most n,
	// and how many wait.
	Inquiries(ctx context.Context, team string, n int) ([]*salesbot.Inquiry, int, error)
	// InquiriesToRaise returns the waiting inquiries to raise by until,
	// soonest first, at most n.
	InquiriesToRaise(ctx context.Context, team string, until time.Time, n int) ([]*salesbot.Inquiry, error)
	// KeepInquiryCopies records where an inquiry's copies were posted and
	// returns it as it stands; InquiryCopies returns them.
	KeepInquiryCopies(ctx context.Context, team, id string, copies []salesbot.MessageCopy) (*salesbot.Inquiry, error)
	InquiryCopies(ctx context.Context, team, id string) ([]salesbot.MessageCopy, error)
}

var _ salesbot.InboundService = (*Services)(nil)

// onlyManagersSee refuses the queue to anyone but a manager.
func onlyManagersSee() error {
	return salesbot.Errorf(salesbot.EFORBIDDEN, "Only managers see the inbound queue; they assign what is in it.")
}

// RecordInquiry implements salesbot.InboundService. Anyone may record an
// inquiry (a receptionist, a marketing assistant). Every manager is to be
// sent it: an inquiry has no owner yet, so no one's team is the one to
// route it to, and the director who assigns it may be any of them.
func (s *Services) RecordInquiry(ctx context.Context, a salesbot.Actor, team string, in salesbot.InquiryInput, managers []string, now time.Time) (salesbot.InquiryRecorded, error) {
	q, err := salesbot.NewInquiry(a, team, in, now, s.cfg.WorkHours)
	if err != nil {
		return salesbot.InquiryRecorded{}, err
	}
	lead, waiting, err := s.cfg.Store.QueueInquiry(ctx, q)
	switch {
	case lead != nil:
		// The recorder named the company: they may see at least whose it is.
		sight := lead.SightOf(a, true)
		rec := salesbot.InquiryRecorded{Asked: q, Lead: &salesbot.SeenLead{Lead: lead.Seen(sight), Sight: sight}, Pool: lead.Stage == salesbot.StageLost}
		if lead.Owner != a.User {
			rec.Owner = lead.Owner
		}
		if rec.Pool {
			if rec.Managers, err = s.managersOr(ctx, team, managers); err != nil {
				s.cfg.Logger.WarnContext(ctx, "managers of an inquiry for a lost lead", "err", err)
			}
		}
		return rec, nil
	case waiting != nil:
		return salesbot.InquiryRecorded{Asked: q, Waiting: waiting}, nil
	case err != nil:
		return salesbot.InquiryRecorded{}, fmt.Errorf("record inquiry: %w", err)
	}
	managers, err = s.managersOr(ctx, team, managers)
	if err != nil {
		// Queued: /lead inbound list and tomorrow's raise still show it.
		s.cfg.Logger.WarnContext(ctx, "managers of a new inquiry", "inquiry", q.ID, "err", err)
	}
	return salesbot.InquiryRecorded{Asked: q, Inquiry: q, Managers: managers}, nil
}

// managersOr is managers when the caller read them, else the team's.
func (s *Services) managersOr(ctx context.Context, team string, managers []string) ([]string, error) {
	if managers != nil {
		return managers, nil
	}
	return s.Managers(ctx, team)
}

// AssignInquiry implements salesbot.InboundService. The first touch is
// due SALESBOT_INBOUND_DUE of working time after now on the rep's clock,
// skipping their days off.
func (s *Services) AssignInquiry(ctx context.Context, a salesbot.Actor, team, id, rep string, repZone *time.Location, now time.Time) (salesbot.InquiryAssignment, error) {
	if !a.Manager {
		// Checked before anything is read: a forged click learns nothing.
		return salesbot.InquiryAssignment{}, salesbot.Errorf(salesbot.EFORBIDDEN, "Only managers assign inbound inquiries (the director assigns leads that came in on their own).")
	}
	if repZone == nil {
		repZone = time.UTC
	}
	prefs, err := s.NotifyPrefs(ctx, team, rep)
	if err != nil {
		s.cfg.Logger.WarnContext(ctx, "the rep's days off, for an inbound lead's first touch", "rep", rep, "err", err)
	}
	due := s.cfg.InboundDue.After(now.In(repZone), s.cfg.WorkHours, prefs).UTC()
	q, l, existing, err := s.cfg.Store.AssignInquiry(ctx, team, id, func(q *salesbot.Inquiry) (*salesbot.Lead, salesbot.Change, error) {
		l, c, err := q.Assign(a, rep, salesbot.GradeC, due, now)
		if err != nil {
			return nil, c, err
		}
		l.Schedule(s.cfg.Cadence)
		return l, c, nil
	})
	if existing != nil {
		// Registered between the inquiry and now: its owner has it, and
		// the queue no longer does.
		closed, err := s.cfg.Store.UpdateInquiry(ctx, team, id, func(q *salesbot.Inquiry) error { return q.Close(a, existing, now) })
		if err != nil {
			return salesbot.InquiryAssignment{}, err
		}
		return salesbot.InquiryAssignment{Inquiry: closed, Existing: existing}, nil
	}
	if err != nil {
		return salesbot.InquiryAssignment{}, err
	}
	return salesbot.InquiryAssignment{Inquiry: q, Lead: l, Due: l.Due}, nil
}

// Inquiry implements salesbot.InboundService.
func (s *Services) Inquiry(ctx context.Context, a salesbot.Actor, team, id string) (*salesbot.Inquiry, error) {
	if !a.Manager {
		return nil, onlyManagersSee()
	}
	return s.cfg.Store.Inquiry(ctx, team, id)
}

// Inquiries implements salesbot.InboundService.
func (s *Services) Inquiries(ctx context.Context, a salesbot.Actor, team string, n int) ([]*salesbot.Inquiry, int, error) {
	if !a.Manager {
		return nil, 0, onlyManagersSee()
	}
	return s.cfg.Store.Inquiries(ctx, team, n)
}

// KeepInquiryCopies implements salesbot.InboundService.
func (s *Services) KeepInquiryCopies(ctx context.Context, team, id string, copies []salesbot.MessageCopy) (*salesbot.Inquiry, error) {
	return s.cfg.Store.KeepInquiryCopies(ctx, team, id, copies)
}

// InquiryCopies implements salesbot.InboundService.
func (s *Services) InquiryCopies(ctx context.Context, team, id string) ([]salesbot.MessageCopy, error) {
	return s.cfg.Store.InquiryCopies(ctx, team, id)
}

// InquiriesToRaise implements salesbot.InboundService.
func (s *Services) InquiriesToRaise(ctx context.Context, team string, now time.Time, n int) ([]*salesbot.Inquiry, error) {
	return s.cfg.Store.InquiriesToRaise(ctx, team, now, n)
}

// errRaisedSince stops MarkRaised when the inquiry was settled or marked
// since it was found due.
var errRaisedSince = errors.New("settled or raised since")

// MarkRaised implements salesbot.InboundService.
func (s *Services) MarkRaised(ctx context.Context, team, id string, raiseAt, now time.Time) (*salesbot.Inquiry, error) {
	q, err := s.cfg.Store.UpdateInquiry(ctx, team, id, func(q *salesbot.Inquiry) error {
		if !q.Waiting() || !q.RaiseAt.Equal(raiseAt) {
			return errRaisedSince
		}
		q.MarkRaised(now, s.cfg.WorkHours)
		return nil
	})
	if errors.Is(err, errRaisedSince) {
		return s.cfg.Store.Inquiry(ctx, team, id)
	}
	return q, err
}
