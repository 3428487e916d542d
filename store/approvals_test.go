package store_test

import (
	"sync"
	"testing"
	"time"

	"salesbot"
)

func TestApprovals(t *testing.T) {
	s, rdb, team := newStore(t)
	asked := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	ask := func(lead string, to salesbot.Stage, at time.Time) (*salesbot.Approval, bool) {
		t.Helper()
		a := &salesbot.Approval{Team: team, LeadID: lead, Company: lead, From: salesbot.StageDemo, To: to, Rep: "U1", AskedAt: at}
		got, created, err := s.CreateApproval(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		return got, created
	}
	first, created := ask("acme", salesbot.StageQuote, asked)
	if !created || first.ID == "" || first.Status != salesbot.ApprovalPending {
		t.Fatalf("first request: %+v %v", first, created)
	}
	again, created := ask("acme", salesbot.StageQuote, asked.Add(time.Hour))
	if created || again.ID != first.ID {
		t.Fatalf("asking again made a new request: %+v", again)
	}
	other, _ := ask("beta", salesbot.StageQuote, asked.Add(-time.Hour))
	pending, err := s.PendingApprovals(ctx, team)
	if err != nil || len(pending) != 2 || pending[0].ID != other.ID || pending[1].ID != first.ID {
		t.Fatalf("pending = %+v, %v; want beta then acme", pending, err)
	}

	// Two managers decide at once: exactly one wins.
	var wg sync.WaitGroup
	wins := make(chan string, 2)
	for _, m := range []string{"UBOSS1", "UBOSS2"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.UpdateApproval(ctx, team, first.ID, func(a *salesbot.Approval) error {
				return a.Decide(salesbot.Actor{User: m, Manager: true}, true, "", asked.Add(2*time.Hour))
			})
			if err == nil {
				wins <- m
			} else if salesbot.ErrorCode(err) != salesbot.ECONFLICT {
				t.Errorf("%s: %v", m, err)
			}
		}()
	}
	wg.Wait()
	close(wins)
	if n := len(wins); n != 1 {
		t.Fatalf("%d managers won the decision", n)
	}
	decided, err := s.Approval(ctx, team, first.ID)
	if err != nil || decided.Status != salesbot.ApprovalApproved || decided.DecidedBy == "" {
		t.Fatalf("decided = %+v, %v", decided, err)
	}
	if pending, _ := s.PendingApprovals(ctx, team); len(pending) != 1 || pending[0].ID != other.ID {
		t.Errorf("pending after the decision = %+v", pending)
	}
	// A decided request expires in time; a pending one never does.
	if ttl := rdb.TTL(ctx, "sb:{"+team+"}:approval:"+first.ID).Val(); ttl <= 0 {
		t.Errorf("decided request TTL %v; want one", ttl)
	}
	if ttl := rdb.TTL(ctx, "sb:{"+team+"}:approval:"+other.ID).Val(); ttl != -1 {
		t.Errorf("pending request TTL %v; want none", ttl)
	}
	// A request from another stage is another request.
	if moved, created := func() (*salesbot.Approval, bool) {
		a := &salesbot.Approval{Team: team, LeadID: "beta", From: salesbot.StageDiscovery, To: salesbot.StageQuote, Rep: "U1", AskedAt: asked}
		got, created, err := s.CreateApproval(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		return got, created
	}(); !created || moved.ID == other.ID {
		t.Errorf("a request from another stage was merged with the first: %+v", moved)
	}
	// Once decided, the same move can be asked for afresh.
	if fresh, created := ask("acme", salesbot.StageQuote, asked.Add(3*time.Hour)); !created || fresh.ID == first.ID {
		t.Errorf("a new request after the decision: %+v %v", fresh, created)
	}
	if _, err := s.Approval(ctx, team, "nosuch"); salesbot.ErrorCode(err) != salesbot.ENOTFOUND {
		t.Errorf("missing approval: %v", err)
	}
}

func TestApprovalDecide(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	boss := salesbot.Actor{User: "UBOSS", Manager: true}
	a := &salesbot.Approval{Status: salesbot.ApprovalPending}
	if err := a.Decide(salesbot.Actor{User: "U1"}, true, "", now); salesbot.ErrorCode(err) != salesbot.EFORBIDDEN {
		t.Errorf("a rep decided: %v", err)
	}
	if err := a.Decide(boss, false, "budget first", now); err != nil || a.Status != salesbot.ApprovalRejected || a.Reason != "budget first" {
		t.Errorf("reject: %v %+v", err, a)
	}
	if err := a.Decide(boss, true, "", now); salesbot.ErrorCode(err) != salesbot.ECONFLICT {
		t.Errorf("decided twice: %v", err)
	}
}
