package service

import (
	"context"
	"fmt"
	"time"

	"salesbot"
)

var _ salesbot.QuoteService = (*Services)(nil)

// Quote implements salesbot.QuoteService: the version is written on the
// lead, then the request for it is made; a request that could not be made
// leaves the version pending, and asking again makes a new version.
func (s *Services) Quote(ctx context.Context, a salesbot.Actor, ref salesbot.LeadRef, amount salesbot.Amount, discount salesbot.Discount, notes string, managers []string, now time.Time) (salesbot.QuoteOutcome, error) {
	if len(managers) == 0 {
		return salesbot.QuoteOutcome{}, salesbot.Errorf(salesbot.EFORBIDDEN, "A quote is signed off by a manager, and no manager is set up yet. Ask your admin to set SALESBOT_MANAGERS.")
	}
	var q salesbot.Quote
	l, _, err := s.writeLead(ctx, ref, func(l *salesbot.Lead) (salesbot.Update, error) {
		v, c, err := l.AddQuote(a, amount, discount, notes, now)
		q = v
		return salesbot.Update{Changes: []salesbot.Change{c}}, err
	})
	if err != nil {
		return salesbot.QuoteOutcome{}, err
	}
	req := &salesbot.Approval{Kind: salesbot.ApprovalQuote, Team: l.Team, LeadID: l.ID, Company: l.Company, From: l.Stage, To: l.Stage,
		Rep: a.User, Owner: l.Owner, AskedAt: now, QuoteVersion: q.Version, Amount: q.Amount, Discount: q.Discount,
		Needs: salesbot.ApprovalsNeeded(q.Discount, s.cfg.DiscountLimit), Why: "a formal quote is signed off by a manager"}
	req, created, err := s.cfg.Store.CreateApproval(ctx, req)
	if err != nil {
		return salesbot.QuoteOutcome{}, fmt.Errorf("ask to approve quote v%d of %s: %w", q.Version, l.ID, err)
	}
	out := salesbot.QuoteOutcome{Lead: l, Quote: q, Request: req, Risks: salesbot.Risks(l, now, s.cfg.Cadence)}
	if created {
		out.Ask = managers
	}
	return out, nil
}

// decideQuote settles (or, for a second manager's turn, advances) a quote
// request and writes it onto the quote version, in one write.
func (s *Services) decideQuote(ctx context.Context, by salesbot.Actor, team, id string, approve bool, reason string, now time.Time) (salesbot.Decision, error) {
	managers, err := s.Managers(ctx, team)
	if err != nil {
		return salesbot.Decision{}, fmt.Errorf("decide quote %s: %w", id, err)
	}
	var moot error
	var done bool
	a, l, err := s.cfg.Store.DecideApproval(ctx, team, id, func(a *salesbot.Approval, l *salesbot.Lead) (salesbot.Update, error) {
		moot, done = nil, false // fn may run again
		if a.Stale(l) {
			if a.Status == salesbot.ApprovalPending {
				moot = supersededQuote(l, a)
				a.Withdraw(now)
			}
			return salesbot.Update{}, nil
		}
		d, err := a.DecideQuote(by, l.Owner, managers, approve, reason, now)
		if err != nil {
			return salesbot.Update{}, err
		}
		done = d
		if !done {
			return salesbot.Update{}, nil // saved with its first approval
		}
		changes, err := l.SettleQuote(by, a, now)
		if err != nil {
			return salesbot.Update{}, err
		}
		l.Schedule(s.cfg.Cadence)
		return salesbot.Update{Changes: changes}, nil
	})
	if err != nil {
		return salesbot.Decision{}, fmt.Errorf("decide quote %s: %w", id, err)
	}
	d := salesbot.Decision{Request: a, Lead: l, Moot: moot, Pending: moot == nil && !done}
	if moot == nil && done && a.Rep != by.User {
		d.TellRep = a.Rep
	}
	d.Stale = moot == nil && done && a.Status == salesbot.ApprovalApproved
	return d, nil
}

// supersededQuote is why a quote request no longer fits its lead.
func supersededQuote(l *salesbot.Lead, a *salesbot.Approval) error {
	if !l.Open() {
		return salesbot.Errorf(salesbot.ECONFLICT, "%s is closed (%s) since this quote was asked, so nothing changed.", l.Company, salesbot.Term(l.Stage.Name()))
	}
	return salesbot.Errorf(salesbot.ECONFLICT, "Quote v%d of %s was replaced by a newer version, so nothing changed; decide the newest one.", a.QuoteVersion, l.Company)
}
