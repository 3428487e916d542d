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

// quoteDecision records a manager's decision on a quote request under
// Approval.DecideQuote's rules and, once it is settled, writes it onto the
// quote version (pending: it waits for another manager; moot: a newer
// version or a closed deal made it moot, and it is withdrawn).
func (s *Services) quoteDecision(by salesbot.Actor, a *salesbot.Approval, l *salesbot.Lead, managers []string, approve bool, reason string, now time.Time) (u salesbot.Update, moot error, pending bool, err error) {
	if a.Status == salesbot.ApprovalPending && a.Stale(l) {
		a.Withdraw(now)
		return salesbot.Update{}, supersededQuote(l, a), false, nil
	}
	done, err := a.DecideQuote(by, l.Owner, managers, approve, reason, now)
	if err != nil || !done {
		return salesbot.Update{}, nil, err == nil, err // saved with its first approval
	}
	changes, err := l.SettleQuote(by, a, now)
	if err != nil {
		return salesbot.Update{}, nil, false, err
	}
	l.Schedule(s.cfg.Cadence)
	return salesbot.Update{Changes: changes}, nil, false, nil
}

// supersededQuote is why a quote request no longer fits its lead.
func supersededQuote(l *salesbot.Lead, a *salesbot.Approval) error {
	if !l.Open() {
		return salesbot.Errorf(salesbot.ECONFLICT, "%s is closed (%s) since this quote was asked, so nothing changed.", l.Company, salesbot.Term(l.Stage.Name()))
	}
	return salesbot.Errorf(salesbot.ECONFLICT, "Quote v%d of %s was replaced by a newer version, so nothing changed; decide the newest one.", a.QuoteVersion, l.Company)
}
