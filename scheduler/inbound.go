package scheduler

import (
	"context"
	"errors"
	"fmt"
	"time"

	"salesbot"
)

// InquiryRaiser sends the managers an inbound inquiry still waiting a
// working day after it came in (handlers.Handler implements it beside
// Notifier). A Notifier that does not raises none.
type InquiryRaiser interface {
	RaiseInquiry(ctx context.Context, team string, q *salesbot.Inquiry) error
}

// Inbound is the inbound queue as the sweep sees it: the inquiries whose
// raise time has come, and marking one raised (salesbot.InboundService
// implements it).
type Inbound interface {
	InquiriesToRaise(ctx context.Context, team string, now time.Time, n int) ([]*salesbot.Inquiry, error)
	MarkRaised(ctx context.Context, team, id string, raiseAt, now time.Time) (*salesbot.Inquiry, error)
}

// inquiryRaiseTTL keeps one raise of an inquiry marked done for longer
// than the working day until its next: a raise that went out but could
// not be marked is not sent again meanwhile.
const inquiryRaiseTTL = 50 * time.Hour

// raiseInquiries raises to the managers each inquiry of the team whose
// raise time has come (one working day unassigned, then once per working
// day), once across replicas: a lease on "inquiry:<id>:<raise time>", as a
// digest's, then the inquiry marked raised, which moves its raise time on.
// It reads what is due, never the queue, and at most a batch per sweep.
func (s *Scheduler) raiseInquiries(ctx context.Context, team string) error {
	raiser, ok := s.cfg.Notifier.(InquiryRaiser)
	if !ok || s.cfg.Inbound == nil {
		return nil
	}
	now := s.cfg.Now()
	due, err := s.cfg.Inbound.InquiriesToRaise(ctx, team, now, s.cfg.Batch)
	if err != nil {
		return fmt.Errorf("inquiries to raise in %s: %w", team, err)
	}
	return untilStopped(ctx, due,
		func(q *salesbot.Inquiry) (bool, error) { return s.raiseInquiry(ctx, raiser, team, q, now) },
		func(q *salesbot.Inquiry) string { return "raise inquiry " + q.ID })
}

// raiseInquiry raises one inquiry under its lease. stop is true when no
// other message of the team may go now (a 429, a refused token).
func (s *Scheduler) raiseInquiry(ctx context.Context, raiser InquiryRaiser, team string, q *salesbot.Inquiry, now time.Time) (stop bool, err error) {
	key := fmt.Sprintf("inquiry:%s:%d", q.ID, q.RaiseAt.UnixMilli())
	if ok, err := s.cfg.Store.LeaseOnce(ctx, team, key, s.token, s.cfg.Lease); err != nil || !ok {
		s.wake.leased(key)
		return false, err // raised already, or under way on another replica
	}
	send := func(ctx context.Context) error { return raiser.RaiseInquiry(ctx, team, q) }
	err = s.sendLeased(ctx, team, key, inquiryRaiseTTL, send, "inquiry raise", "inquiry", q.ID)
	switch kind, retryAfter, code := classify(err); {
	case err == nil:
	case errors.Is(err, errLeaseLost):
		s.log.WarnContext(ctx, "inquiry raise lease lost before send; not sent", "team", team, "inquiry", q.ID)
		return false, nil
	case kind == authRefused:
		s.authRefused(ctx, team, code, now, err)
		s.releaseLease(ctx, team, key)
		return true, nil
	case kind == rateLimited:
		s.pause(ctx, team, now.Add(retryAfter), now)
		s.releaseLease(ctx, team, key)
		return true, nil
	default:
		// Tried again on the next sweep.
		s.releaseLease(ctx, team, key)
		return false, err
	}
	sctx, cancel := settleContext(ctx)
	defer cancel()
	if _, err := s.cfg.Inbound.MarkRaised(sctx, team, q.ID, q.RaiseAt, now); err != nil {
		return false, fmt.Errorf("mark raised: %w", err)
	}
	return false, nil
}
