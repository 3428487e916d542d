package service

import (
	"context"
	"fmt"
	"time"

	"salesbot"
)

var _ salesbot.StageService = (*Services)(nil)

// MoveStage implements salesbot.StageService.
func (s *Services) MoveStage(ctx context.Context, by salesbot.Actor, l *salesbot.Lead, to salesbot.Stage, managers []string, now time.Time) (salesbot.StageOutcome, error) {
	if !l.CanEdit(by) {
		_, err := l.MoveStage(by, to, now) // for its EFORBIDDEN message
		return salesbot.StageOutcome{}, err
	}
	if _, err := salesbot.CheckStageMove(l.Stage, to, true); err != nil {
		return salesbot.StageOutcome{}, err // not a move anyone may make
	}
	var unmet []salesbot.Milestone
	if s.cfg.Gates != salesbot.GatesOff {
		unmet = salesbot.GateUnmet(l, to)
	}
	if why := salesbot.ApprovalNeeded(l.Stage, to); why != "" && !by.Manager {
		return s.askStage(ctx, by, l, to, why, unmet, managers, now)
	}
	if len(unmet) > 0 && !by.Manager && s.cfg.Gates == salesbot.GatesApprove {
		return s.askStage(ctx, by, l, to, "the milestones of this stage are not met", unmet, managers, now)
	}
	out, err := s.change(ctx, l, func(l *salesbot.Lead) (salesbot.Change, error) {
		c, err := l.MoveStage(by, to, now)
		if by.Manager {
			c.Reason = salesbot.OverrideReason(unmet) // a manager moved on regardless
		}
		return c, err
	})
	out.Unmet = unmet
	return out, err
}

// Win implements salesbot.StageService.
// Winning leaves negotiation: under GatesApprove a rep may not close a
// deal whose negotiation milestones are unmet (a manager may, and that is
// kept in the history); under GatesWarn the rep is told what was unmet.
func (s *Services) Win(ctx context.Context, by salesbot.Actor, l *salesbot.Lead, now time.Time) (salesbot.StageOutcome, error) {
	var unmet []salesbot.Milestone
	if s.cfg.Gates != salesbot.GatesOff && l.Stage == salesbot.StageNegotiation {
		unmet = salesbot.Unmet(salesbot.Milestones(l, l.Stage))
	}
	if len(unmet) > 0 && !by.Manager && s.cfg.Gates == salesbot.GatesApprove && l.CanEdit(by) {
		return salesbot.StageOutcome{}, salesbot.Errorf(salesbot.EFORBIDDEN, "%s cannot be closed as won yet: %s. Do that first, or ask a manager to close it.", l.Company, salesbot.Items(unmet))
	}
	out, err := s.change(ctx, l, func(l *salesbot.Lead) (salesbot.Change, error) {
		c, err := l.Win(by, now)
		if by.Manager {
			c.Reason = salesbot.OverrideReason(unmet)
		}
		return c, err
	})
	out.Unmet = unmet
	return out, err
}

// Lose implements salesbot.StageService.
func (s *Services) Lose(ctx context.Context, by salesbot.Actor, l *salesbot.Lead, reason string, now time.Time) (salesbot.StageOutcome, error) {
	return s.change(ctx, l, func(l *salesbot.Lead) (salesbot.Change, error) { return l.Lose(by, reason, now) })
}

// change saves one change to l, read by the caller, with its next touch
// rescheduled; requests asked for the lead may no longer fit it then.
func (s *Services) change(ctx context.Context, l *salesbot.Lead, fn func(*salesbot.Lead) (salesbot.Change, error)) (salesbot.StageOutcome, error) {
	saved, _, err := s.writeLead(ctx, salesbot.RefRead(l), func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(fn(l))
	})
	if err != nil {
		return salesbot.StageOutcome{}, err // the store says which lead
	}
	return salesbot.StageOutcome{Lead: saved, Stale: true}, nil
}

// askStage records a rep's request for a move that needs a manager, unless
// the same one is waiting; the managers are to be asked when it is new.
// Requests from a stage the lead has left are due for withdrawal.
func (s *Services) askStage(ctx context.Context, by salesbot.Actor, l *salesbot.Lead, to salesbot.Stage, why string, unmet []salesbot.Milestone, managers []string, now time.Time) (salesbot.StageOutcome, error) {
	if len(managers) == 0 {
		return salesbot.StageOutcome{}, salesbot.Errorf(salesbot.EFORBIDDEN, "Moving %s to %s needs a manager (%s), and no manager is set up yet. Ask your admin to set SALESBOT_MANAGERS.", l.Company, salesbot.Term(to.Name()), salesbot.Term(why))
	}
	a := &salesbot.Approval{Team: l.Team, LeadID: l.ID, Company: l.Company, From: l.Stage, To: to, Rep: by.User, Why: why, AskedAt: now}
	for _, m := range unmet {
		a.Unmet = append(a.Unmet, m.Item)
	}
	a, created, err := s.cfg.Store.CreateApproval(ctx, a)
	if err != nil {
		return salesbot.StageOutcome{}, fmt.Errorf("ask to move %s to %s: %w", l.ID, to, err)
	}
	out := salesbot.StageOutcome{Lead: l, Request: a, Stale: true, Unmet: unmet}
	if created {
		// The manager weighs the deal as it would stand at the new stage.
		target := *l
		target.Stage, target.StageSince = to, now
		out.Ask, out.Risks = managers, salesbot.Risks(&target, now, s.cfg.Cadence)
	}
	return out, nil
}
