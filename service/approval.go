package service

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"salesbot"
)

var _ salesbot.ApprovalService = (*Services)(nil)

// DecideStage implements salesbot.ApprovalService: the decision and the
// move (or the quote's sign-off) it approves are one write
// (salesbot.ApprovalStore.DecideApproval), whatever the request's kind.
func (s *Services) DecideStage(ctx context.Context, by salesbot.Actor, team, id string, approve bool, reason string, now time.Time) (salesbot.Decision, error) {
	var moot error
	var pending bool
	var signers []string // a quote's rules need them: read once, when one is decided
	signersRead := false
	a, l, err := s.cfg.Store.DecideApproval(ctx, team, id, func(a *salesbot.Approval, l *salesbot.Lead) (salesbot.Update, error) {
		moot, pending = nil, false // fn may run again
		switch a.Kind {
		case salesbot.ApprovalStage:
			u, m, err := s.stageDecision(by, a, l, approve, reason, now)
			moot = m
			return u, err
		case salesbot.ApprovalQuote:
			if !signersRead {
				// Those the quote went to (the owner's managers, see
				// salesbot.ManagerTeams.Signers): whether another could
				// sign it off is judged among them.
				m, err := s.SignersOf(ctx, team, l.Owner, a.Rep)
				if err != nil {
					return salesbot.Update{}, err
				}
				signers, signersRead = m, true
			}
			u, m, p, err := s.quoteDecision(by, a, l, signers, approve, reason, now)
			moot, pending = m, p
			return u, err
		}
		return salesbot.Update{}, outOfDate()
	})
	if err != nil {
		return salesbot.Decision{}, fmt.Errorf("decide request %s: %w", id, err)
	}
	settled := moot == nil && !pending
	d := salesbot.Decision{Request: a, Lead: l, Moot: moot, Pending: pending}
	if settled && a.Rep != by.User {
		d.TellRep = a.Rep
	}
	d.Stale = settled && approve
	return d, nil
}

// stageDecision decides a stage move and makes it: moot says why the move
// no longer fits the lead (the request is then withdrawn).
func (s *Services) stageDecision(by salesbot.Actor, a *salesbot.Approval, l *salesbot.Lead, approve bool, reason string, now time.Time) (u salesbot.Update, moot error, err error) {
	if err := a.Decide(by, approve, reason, now); err != nil || !approve {
		return salesbot.Update{}, nil, err
	}
	if a.Stale(l) {
		a.Withdraw(now)
		return salesbot.Update{}, movedSince(l), nil
	}
	c, err := l.MoveStage(by, a.To, now)
	if err != nil {
		a.Withdraw(now) // not a move the lead allows now: nothing changes
		return salesbot.Update{}, err, nil
	}
	if len(a.Unmet) > 0 {
		c.Reason = "override: " + strings.Join(a.Unmet, "; ") // approved past unmet milestones
	}
	l.Schedule(s.cfg.Cadence)
	return salesbot.Update{Changes: []salesbot.Change{c}}, nil, nil
}

// DecideLead implements salesbot.ApprovalService: the decision and the
// change of hands it grants are one write, and only while the lead is
// still with the owner it had when it was asked for.
func (s *Services) DecideLead(ctx context.Context, by salesbot.Actor, team, id string, assign bool, now time.Time) (salesbot.Decision, error) {
	var moot error
	var from string
	a, l, err := s.cfg.Store.DecideApproval(ctx, team, id, func(a *salesbot.Approval, l *salesbot.Lead) (salesbot.Update, error) {
		moot, from = nil, l.Owner // fn may run again
		if a.Kind != salesbot.ApprovalLead {
			return salesbot.Update{}, outOfDate()
		}
		if err := a.Decide(by, assign, "", now); err != nil || !assign {
			return salesbot.Update{}, err
		}
		if a.Stale(l) {
			moot = changedHands(l)
			a.Withdraw(now)
			return salesbot.Update{}, nil
		}
		changes, err := l.Assign(by, a.Rep, now)
		if err != nil {
			moot = err
			a.Withdraw(now)
			return salesbot.Update{}, nil
		}
		l.Schedule(s.cfg.Cadence)
		return salesbot.Update{Changes: changes}, nil
	})
	if err != nil {
		return salesbot.Decision{}, fmt.Errorf("decide request %s: %w", id, err)
	}
	d := salesbot.Decision{Request: a, Lead: l, Moot: moot}
	if moot != nil {
		return d, nil
	}
	if a.Rep != by.User {
		d.TellRep = a.Rep
	}
	if assign && from != a.Rep && from != by.User {
		d.TellOwner = from
	}
	d.Stale = assign
	return d, nil
}

// RequestLead implements salesbot.ApprovalService. The request goes to the
// requester's managers and the owner's (see salesbot.TeamService.ManagersOf):
// the one gains a lead, the other loses one; managers (the team's) only
// says whether anyone can decide.
func (s *Services) RequestLead(ctx context.Context, by salesbot.Actor, team, leadID string, managers []string, now time.Time) (salesbot.LeadAsk, error) {
	l, err := s.cfg.Store.Lead(ctx, team, leadID)
	if err != nil {
		return salesbot.LeadAsk{}, fmt.Errorf("request lead %s: %w", leadID, err)
	}
	switch {
	case l.Owner == by.User && l.Open():
		return salesbot.LeadAsk{}, salesbot.Errorf(salesbot.EINVALID, "%s is your lead already.", l.Company)
	case l.Stage == salesbot.StageWon:
		return salesbot.LeadAsk{}, salesbot.Errorf(salesbot.EINVALID, "%s is a won deal; it stays with %s.", l.Company, salesbot.User(l.Owner))
	case len(managers) == 0:
		return salesbot.LeadAsk{}, salesbot.Errorf(salesbot.EFORBIDDEN, "No manager is set up yet to decide. Ask your admin to set SALESBOT_MANAGERS.")
	}
	a := &salesbot.Approval{Kind: salesbot.ApprovalLead, Team: team, LeadID: l.ID, Company: l.Company, From: l.Stage, Owner: l.Owner, Rep: by.User, AskedAt: now}
	a, created, err := s.cfg.Store.CreateApproval(ctx, a)
	if err != nil {
		return salesbot.LeadAsk{}, fmt.Errorf("request lead %s: %w", leadID, err)
	}
	ask := salesbot.LeadAsk{Lead: l, Request: a}
	if created {
		if ask.Ask, err = s.leadDeciders(ctx, team, managers, by.User, l.Owner); err != nil {
			return salesbot.LeadAsk{}, fmt.Errorf("request lead %s: %w", leadID, err)
		}
	}
	return ask, nil
}

// leadDeciders are the managers asked whether rep may have owner's lead:
// among the team's managers, those of both (one read), sorted, each once.
func (s *Services) leadDeciders(ctx context.Context, team string, managers []string, rep, owner string) ([]string, error) {
	_, reps, _, err := s.cfg.Store.ManagerTeams(ctx, team, false)
	if err != nil {
		return nil, fmt.Errorf("teams of managers of %s: %w", team, err)
	}
	t := salesbot.ManagerTeams{Managers: slices.Sorted(slices.Values(managers)), Reps: reps}
	to := t.ManagersOf(rep)
	if owner != "" && owner != rep {
		to = append(to, t.ManagersOf(owner)...)
	}
	slices.Sort(to)
	return slices.Compact(to), nil
}

// Withdraw implements salesbot.ApprovalService.
func (s *Services) Withdraw(ctx context.Context, team, id string, now time.Time) (*salesbot.Approval, error) {
	a, err := s.cfg.Store.UpdateApproval(ctx, team, id, func(a *salesbot.Approval) error {
		if a.Status == salesbot.ApprovalPending {
			a.Withdraw(now)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("withdraw request %s: %w", id, err)
	}
	return a, nil
}

// WithdrawStale implements salesbot.ApprovalService. A request that cannot
// be withdrawn now is logged and left for a manager's click to settle (the
// click finds it stale): the others are still withdrawn.
func (s *Services) WithdrawStale(ctx context.Context, l *salesbot.Lead, now time.Time) ([]salesbot.Decision, error) {
	// Runs after the reply, so maybe after later changes: judge the
	// requests on the lead as it is now, not as that change left it.
	if now, err := s.cfg.Store.Lead(ctx, l.Team, l.ID); err == nil {
		l = now
	} else if salesbot.ErrorCode(err) != salesbot.ENOTFOUND {
		return nil, fmt.Errorf("withdraw stale requests for %s: %w", l.ID, err)
	}
	pending, err := s.cfg.Store.PendingApprovals(ctx, l.Team)
	if err != nil {
		return nil, fmt.Errorf("withdraw stale requests for %s: %w", l.ID, err)
	}
	var withdrawn []salesbot.Decision
	for _, p := range pending {
		if p.LeadID != l.ID || !p.Stale(l) {
			continue
		}
		w, err := s.Withdraw(ctx, l.Team, p.ID, now)
		if err != nil {
			s.cfg.Logger.WarnContext(ctx, "withdraw stale request", "approval", p.ID, "err", err)
			continue
		}
		if w.Status != salesbot.ApprovalWithdrawn {
			continue // decided meanwhile
		}
		moot := movedSince(l)
		switch p.Kind {
		case salesbot.ApprovalLead:
			moot = changedHands(l)
		case salesbot.ApprovalQuote:
			moot = supersededQuote(l, p)
		}
		withdrawn = append(withdrawn, salesbot.Decision{Request: w, Lead: l, Moot: moot})
	}
	return withdrawn, nil
}

// movedSince is why a stage move asked for no longer fits its lead.
func movedSince(l *salesbot.Lead) error {
	return salesbot.Errorf(salesbot.ECONFLICT, "%s has moved since this was asked: it is at %s now, so nothing changed.", l.Company, salesbot.Term(l.Stage.Name()))
}

// changedHands is why a request for a lead no longer fits it.
func changedHands(l *salesbot.Lead) error {
	return salesbot.Errorf(salesbot.ECONFLICT, "%s has changed hands since this was asked: it is %s's lead now, so nothing changed.", l.Company, salesbot.User(l.Owner))
}

// outOfDate refuses a decision of one kind on a request of the other (a
// button from an older message).
func outOfDate() error {
	return salesbot.Errorf(salesbot.EINVALID, "That button is out of date. Run the command again.")
}
