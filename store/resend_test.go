package store_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"salesbot"
	"salesbot/internal/redistest"
	"salesbot/store"
)

// resendHook sends the next script call twice while armed, as go-redis does
// when the reply to the first is lost and it retries: the script has run
// once already when its second run answers.
type resendHook struct {
	armed   atomic.Bool
	between func() // run between the two sends, when not nil
}

func (h *resendHook) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h *resendHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}
func (h *resendHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if name := cmd.Name(); (name == "evalsha" || name == "eval") && h.armed.CompareAndSwap(true, false) {
			if err := next(ctx, cmd); redis.HasErrorPrefix(err, "NOSCRIPT") {
				h.armed.Store(true) // not loaded yet: go-redis sends EVAL next
				return err
			}
			if h.between != nil {
				h.between()
			}
		}
		return next(ctx, cmd)
	}
}

// TestResentWritesApplyOnce checks that a write whose script ran but whose
// reply was lost, and was sent again, is applied once and reported as done:
// a visit logged once, a lead registered (not "already registered" by
// itself), a request to the managers created (not "already waiting").
func TestResentWritesApplyOnce(t *testing.T) {
	c := redistest.Client(t)
	hook := &resendHook{}
	c.AddHook(hook)
	s, team := store.New(c), redistest.Team(t)
	l := mustCreate(t, s, team, "Warmup", "U1", salesbot.GradeA)

	hook.armed.Store(true)
	l2, c2, err := salesbot.NewLead(salesbot.Actor{User: "U1"}, team, "", "Acme", salesbot.GradeA, now)
	if err != nil {
		t.Fatal(err)
	}
	if existing, err := s.CreateLead(ctx, l2, c2); err != nil || existing != nil {
		t.Fatalf("resent create: existing %v, err %v; want a new lead", existing, err)
	}

	hook.armed.Store(true)
	runs := 0
	saved, err := s.UpdateLead(ctx, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		runs++
		v := &salesbot.Visit{Kind: salesbot.KindCall, Notes: "once"}
		c, err := l.RecordVisit(salesbot.Actor{User: "U1"}, v, time.UTC, now)
		return salesbot.Update{Changes: []salesbot.Change{c}, Visit: v}, err
	})
	if err != nil || runs != 1 {
		t.Fatalf("resent update: %d runs, err %v; want 1, nil", runs, err)
	}
	if visits, _ := s.Visits(ctx, team, l.ID, 10); len(visits) != 1 {
		t.Errorf("%d visits stored; want 1", len(visits))
	}
	if got, _ := s.Lead(ctx, team, l.ID); s.RevisionOf(got) != s.RevisionOf(saved) {
		t.Errorf("returned revision %s; stored %s", s.RevisionOf(saved), s.RevisionOf(got))
	}

	hook.armed.Store(true)
	a := &salesbot.Approval{Team: team, LeadID: l.ID, Company: "Warmup", From: salesbot.StageLead, To: salesbot.StageQuote, Rep: "U1", AskedAt: now}
	if _, created, err := s.CreateApproval(ctx, a); err != nil || !created {
		t.Fatalf("resent approval: created %v, err %v; want created", created, err)
	}
	if pending, _ := s.PendingApprovals(ctx, team); len(pending) != 1 {
		t.Errorf("%d pending requests; want 1", len(pending))
	}
}

// TestResentWriteAfterAnotherWrite: between the lost reply and the resend,
// another writer changes the lead. The resent write still counts as done
// (its receipt says so), and both changes are kept, each once.
func TestResentWriteAfterAnotherWrite(t *testing.T) {
	c := redistest.Client(t)
	hook := &resendHook{}
	c.AddHook(hook)
	s, team := store.New(c), redistest.Team(t)
	other := store.New(redistest.Client(t)) // another replica, without the hook
	l := mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)

	hook.between = func() {
		mustUpdate(t, other, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
			return one(l.SetFact(salesbot.Actor{User: "U2", Manager: true}, salesbot.FactBudget, "2M", now))
		})
	}
	hook.armed.Store(true)
	runs := 0
	if _, err := s.UpdateLead(ctx, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		runs++
		v := &salesbot.Visit{Kind: salesbot.KindCall, Notes: "once"}
		c, err := l.RecordVisit(salesbot.Actor{User: "U1"}, v, time.UTC, now)
		return salesbot.Update{Changes: []salesbot.Change{c}, Visit: v}, err
	}); err != nil || runs != 1 {
		t.Fatalf("resent update: %d runs, err %v; want 1, nil", runs, err)
	}
	if visits, _ := s.Visits(ctx, team, l.ID, 10); len(visits) != 1 {
		t.Errorf("%d visits stored; want 1", len(visits))
	}
	got, err := s.Lead(ctx, team, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Facts[salesbot.FactBudget].Text != "2M" || got.LastTouch.IsZero() {
		t.Errorf("stored lead lost a change: budget %q, last touch %v", got.Facts[salesbot.FactBudget].Text, got.LastTouch)
	}
}
