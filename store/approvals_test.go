package store_test

import (
	"context"
	"io"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"salesbot"
	"salesbot/internal/redistest"
	"salesbot/store"
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

// dropHook fails, once armed, the next script call naming the key armed,
// as a dropped connection would, without sending it.
type dropHook struct{ key atomic.Pointer[string] }

func (h *dropHook) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h *dropHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}
func (h *dropHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		k := h.key.Load()
		if k == nil || (cmd.Name() != "evalsha" && cmd.Name() != "eval") || !slices.Contains(cmd.Args(), any(*k)) || !h.key.CompareAndSwap(k, nil) {
			return next(ctx, cmd)
		}
		cmd.SetErr(io.ErrUnexpectedEOF)
		return io.ErrUnexpectedEOF
	}
}

// approveMove is a manager's approval of a as DecideApproval applies it.
func approveMove(runs *int) func(*salesbot.Approval, *salesbot.Lead) (salesbot.Update, error) {
	return func(a *salesbot.Approval, l *salesbot.Lead) (salesbot.Update, error) {
		*runs++
		if err := a.Decide(manager, true, "", now); err != nil {
			return salesbot.Update{}, err
		}
		return one(l.MoveStage(manager, a.To, now))
	}
}

// TestDecideApprovalIsOneWrite: deciding a request and moving its lead are
// saved together or not at all. A dropped call leaves the request pending
// and the lead where it was; trying again applies both, once; a decided
// request is taken out of the pending set and its lead's indexes follow.
func TestDecideApprovalIsOneWrite(t *testing.T) {
	c := redistest.Client(t)
	drop := &dropHook{}
	c.AddHook(drop)
	s, team := store.New(c, store.WithChangeTime()), redistest.Team(t)
	l := mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)
	a := &salesbot.Approval{Team: team, LeadID: l.ID, Company: "Acme", From: salesbot.StageLead, To: salesbot.StageDiscovery, Rep: "U1", AskedAt: now}
	if _, created, err := s.CreateApproval(ctx, a); err != nil || !created {
		t.Fatalf("create: %v %v", created, err)
	}

	leadKey := key(team, "lead", l.ID)
	drop.key.Store(&leadKey)
	runs := 0
	if _, _, err := s.DecideApproval(ctx, team, a.ID, approveMove(&runs)); salesbot.ErrorCode(err) != salesbot.EUNAVAILABLE {
		t.Fatalf("decide over a dropped call: %v; want EUNAVAILABLE", err)
	}
	if drop.key.Load() != nil {
		t.Fatal("no script call named the lead")
	}
	if got, _ := s.Approval(ctx, team, a.ID); got.Status != salesbot.ApprovalPending || got.DecidedBy != "" {
		t.Errorf("after a dropped call the request is %s by %q; want pending", got.Status, got.DecidedBy)
	}
	if got, _ := s.Lead(ctx, team, l.ID); got.Stage != salesbot.StageLead {
		t.Errorf("after a dropped call the lead is at %s; want lead", got.Stage)
	}

	decided, moved, err := s.DecideApproval(ctx, team, a.ID, approveMove(&runs))
	if err != nil {
		t.Fatal(err)
	}
	if decided.Status != salesbot.ApprovalApproved || moved.Stage != salesbot.StageDiscovery {
		t.Fatalf("retried: request %s, lead at %s; want approved and discovery", decided.Status, moved.Stage)
	}
	stored, _ := s.Lead(ctx, team, l.ID)
	if stored.Stage != salesbot.StageDiscovery || s.RevisionOf(stored) != s.RevisionOf(moved) {
		t.Errorf("stored lead at %s rev %s; returned rev %s", stored.Stage, s.RevisionOf(stored), s.RevisionOf(moved))
	}
	history, _ := s.History(ctx, team, l.ID, 10)
	if len(history) != 2 || history[0].To != string(salesbot.StageDiscovery) {
		t.Errorf("history %+v; want the registration and one move", history)
	}
	if pending, _ := s.PendingApprovals(ctx, team); len(pending) != 0 {
		t.Errorf("still pending: %+v", pending)
	}
	if p, _ := pipelineOf(s, team); p[salesbot.GradeA][salesbot.StageDiscovery] != 1 || p[salesbot.GradeA][salesbot.StageLead] != 0 {
		t.Errorf("pipeline %v; want the lead counted at discovery", p)
	}
	// Decided once: a second decision is refused and writes nothing.
	if _, _, err := s.DecideApproval(ctx, team, a.ID, approveMove(&runs)); salesbot.ErrorCode(err) != salesbot.ECONFLICT {
		t.Errorf("second decision: %v; want ECONFLICT", err)
	}
	if history, _ := s.History(ctx, team, l.ID, 10); len(history) != 2 {
		t.Errorf("%d history entries after a refused decision; want 2", len(history))
	}
}

// TestDecideApprovalResent: the script ran but its reply was lost, and
// go-redis sent it again: the decision and the move are applied once and
// reported as done.
func TestDecideApprovalResent(t *testing.T) {
	c := redistest.Client(t)
	hook := &resendHook{}
	c.AddHook(hook)
	s, team := store.New(c), redistest.Team(t)
	l := mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)
	a := &salesbot.Approval{Team: team, LeadID: l.ID, Company: "Acme", From: salesbot.StageLead, To: salesbot.StageDiscovery, Rep: "U1", AskedAt: now}
	if _, _, err := s.CreateApproval(ctx, a); err != nil {
		t.Fatal(err)
	}
	hook.armed.Store(true)
	runs := 0
	decided, moved, err := s.DecideApproval(ctx, team, a.ID, approveMove(&runs))
	if err != nil || runs != 1 || decided.Status != salesbot.ApprovalApproved || moved.Stage != salesbot.StageDiscovery {
		t.Fatalf("resent decision: %d runs, %v; want 1 run, approved and moved", runs, err)
	}
	if history, _ := s.History(ctx, team, l.ID, 10); len(history) != 2 {
		t.Errorf("%d history entries; want the registration and one move", len(history))
	}
}

// TestDecideApprovalRereadsALeadChanged: another writer moves the lead
// between the decision's read and its write; the decision is taken again
// on the lead as it is now.
func TestDecideApprovalRereadsALeadChanged(t *testing.T) {
	c := redistest.Client(t)
	s, team := store.New(c), redistest.Team(t)
	other := store.New(redistest.Client(t))
	l := mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)
	a := &salesbot.Approval{Team: team, LeadID: l.ID, Company: "Acme", From: salesbot.StageLead, To: salesbot.StageDiscovery, Rep: "U1", AskedAt: now}
	if _, _, err := s.CreateApproval(ctx, a); err != nil {
		t.Fatal(err)
	}
	var stages []salesbot.Stage
	_, _, err := s.DecideApproval(ctx, team, a.ID, func(a *salesbot.Approval, l *salesbot.Lead) (salesbot.Update, error) {
		stages = append(stages, l.Stage)
		if len(stages) == 1 { // the rep moves on meanwhile
			mustUpdate(t, other, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
				return one(l.MoveStage(salesbot.Actor{User: "U1"}, salesbot.StageFirstVisit, now))
			})
		}
		if err := a.Decide(manager, true, "", now); err != nil {
			return salesbot.Update{}, err
		}
		if a.Stale(l) {
			a.Withdraw(now)
			return salesbot.Update{}, nil
		}
		return one(l.MoveStage(manager, a.To, now))
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(stages) != 2 || stages[1] != salesbot.StageFirstVisit {
		t.Fatalf("decided on the lead at %v; want again on first-visit", stages)
	}
	if got, _ := s.Approval(ctx, team, a.ID); got.Status != salesbot.ApprovalWithdrawn {
		t.Errorf("request %s; want withdrawn", got.Status)
	}
	if got, _ := s.Lead(ctx, team, l.ID); got.Stage != salesbot.StageFirstVisit {
		t.Errorf("lead at %s; want first-visit", got.Stage)
	}
}

// TestApprovalCopiesKeptWithTheRequest: where the managers' copies of a
// request were posted is kept in the request's JSON as it always was
// ("messages"), read from requests stored before, and survives every
// domain write of the request.
func TestApprovalCopiesKeptWithTheRequest(t *testing.T) {
	s, rdb, team := newStore(t)
	old := `{"id":"a1","team":"` + team + `","lead":"l1","company":"Acme","from":"demo","to":"quote","rep":"U1","owner":"","why":"w",` +
		`"asked_at":"2026-11-23T09:00:00Z","status":"pending","messages":[{"c":"D1","ts":"1.1","u":"UBOSS"}]}`
	if err := rdb.Set(ctx, key(team, "approval", "a1"), old, 0).Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.KeepApprovalCopies(ctx, team, "a1", []store.MessageRef{{Channel: "D2", TS: "2.2", User: "UBOSS2"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateApproval(ctx, team, "a1", func(a *salesbot.Approval) error {
		return a.Decide(manager, false, "not yet", now)
	}); err != nil {
		t.Fatal(err)
	}
	copies, err := s.ApprovalCopies(ctx, team, "a1")
	want := []store.MessageRef{{Channel: "D1", TS: "1.1", User: "UBOSS"}, {Channel: "D2", TS: "2.2", User: "UBOSS2"}}
	if err != nil || !slices.Equal(copies, want) {
		t.Fatalf("copies %+v, %v; want %+v", copies, err, want)
	}
	raw := rdb.Get(ctx, key(team, "approval", "a1")).Val()
	if !strings.Contains(raw, `"messages":[{"c":"D1","ts":"1.1","u":"UBOSS"},{"c":"D2","ts":"2.2","u":"UBOSS2"}]`) || !strings.Contains(raw, `"status":"rejected"`) {
		t.Errorf("stored request %s; want its copies under \"messages\"", raw)
	}
}

// TestSavingADecidedRequestKeepsTheNewOnesMarker: a request decided, then
// saved again (its managers' copies recorded late, a late withdrawal) must
// not free the marker of a newer request for the same move, or a third
// request would be made beside the pending one.
func TestSavingADecidedRequestKeepsTheNewOnesMarker(t *testing.T) {
	s, _, team := newStore(t)
	ask := func() (*salesbot.Approval, bool) {
		t.Helper()
		a := &salesbot.Approval{Team: team, LeadID: "acme", Company: "Acme", From: salesbot.StageDemo, To: salesbot.StageQuote, Rep: "U1", AskedAt: now}
		got, created, err := s.CreateApproval(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		return got, created
	}
	first, _ := ask()
	if _, err := s.UpdateApproval(ctx, team, first.ID, func(a *salesbot.Approval) error { a.Withdraw(now); return nil }); err != nil {
		t.Fatal(err)
	}
	second, created := ask()
	if !created {
		t.Fatal("no new request after the first was withdrawn")
	}
	if _, err := s.KeepApprovalCopies(ctx, team, first.ID, []store.MessageRef{{Channel: "D1", TS: "1.1", User: "UBOSS"}}); err != nil {
		t.Fatal(err)
	}
	if third, created := ask(); created || third.ID != second.ID {
		t.Fatalf("asking again made %s (created %v) beside the pending %s", third.ID, created, second.ID)
	}
}
