package service_test

import (
	"slices"
	"testing"
	"time"

	"salesbot"
	"salesbot/service"
	"salesbot/store"
)

var (
	stageRep      = salesbot.Actor{User: "UREP"}
	stageManagers = []string{manager.User, "UBOSS2"}
)

// stageFixture is a team with one store and the services over it.
type stageFixture struct {
	t    *testing.T
	st   *store.Store
	team string
	svc  *service.Services
}

// stageCadence is the services' cadence in these tests: A leads every
// three days, not the default week the leads are created with, so that a
// lead the services saved shows it was rescheduled.
var stageCadence = salesbot.Cadence{salesbot.GradeA: 3 * salesbot.Day, salesbot.GradeB: 5 * salesbot.Day}

func newStageFixture(t *testing.T) *stageFixture {
	st, team := newTeam(t)
	return &stageFixture{t: t, st: st, team: team, svc: service.New(service.Config{Store: st, Cadence: stageCadence, Gates: salesbot.GatesOff})} // the milestones' own tests are in gates_test.go
}

// read reads a lead afresh.
func (f *stageFixture) read(id string) *salesbot.Lead {
	f.t.Helper()
	l, err := f.st.Lead(f.t.Context(), f.team, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return l
}

// move moves the lead with the ID, read afresh, as by, at when.
func (f *stageFixture) move(id string, by salesbot.Actor, to salesbot.Stage, when time.Time) (salesbot.StageOutcome, error) {
	f.t.Helper()
	return f.svc.MoveStage(f.t.Context(), by, f.read(id), to, stageManagers, when)
}

// TestMoveStageRules: a rep moves one stage on alone, and the next touch
// follows; a move to quote becomes a request to the managers (once, with
// the risks at the new stage), and none can be made without a manager; a
// stranger is refused; a manager skips stages.
func TestMoveStageRules(t *testing.T) {
	f := newStageFixture(t)
	l := create(t, f.st, f.team, "Acme", stageRep.User, salesbot.GradeA, now.Add(-salesbot.Day))
	later := now.Add(time.Hour)

	out, err := f.move(l.ID, stageRep, salesbot.StageFirstVisit, later)
	if err != nil || out.Lead.Stage != salesbot.StageFirstVisit || out.Request != nil || !out.Stale {
		t.Fatalf("one stage on: %+v, %v", out, err)
	}
	if due, want := f.read(l.ID).Due, l.CreatedAt.Add(3*salesbot.Day); !due.Equal(want) {
		t.Errorf("next touch %v after the move; want %v, on the services' cadence", due, want)
	}

	if _, err := f.move(l.ID, salesbot.Actor{User: "USTRANGER"}, salesbot.StageDiscovery, later); salesbot.ErrorCode(err) != salesbot.EFORBIDDEN {
		t.Errorf("a stranger moved the lead: %v", err)
	}
	if _, err := f.svc.MoveStage(t.Context(), stageRep, f.read(l.ID), salesbot.StageQuote, nil, later); salesbot.ErrorCode(err) != salesbot.EFORBIDDEN {
		t.Errorf("a skip with no manager set up: %v; want EFORBIDDEN", err)
	}

	asked, err := f.move(l.ID, stageRep, salesbot.StageQuote, later)
	if err != nil || asked.Request == nil || asked.Request.Status != salesbot.ApprovalPending {
		t.Fatalf("a rep's skip to quote: %+v, %v; want a request", asked, err)
	}
	if !slices.Equal(asked.Ask, stageManagers) || len(asked.Risks) == 0 {
		t.Errorf("request asks %v with risks %v; want every manager, and the quote's risks", asked.Ask, asked.Risks)
	}
	if f.read(l.ID).Stage != salesbot.StageFirstVisit {
		t.Fatal("the lead moved before a manager approved")
	}
	again, err := f.move(l.ID, stageRep, salesbot.StageQuote, later)
	if err != nil || again.Request.ID != asked.Request.ID || len(again.Ask) != 0 {
		t.Errorf("asking again: %+v, %v; want the same request, no one asked anew", again, err)
	}

	skip, err := f.move(l.ID, manager, salesbot.StageNegotiation, later)
	if err != nil || skip.Lead.Stage != salesbot.StageNegotiation || skip.Request != nil {
		t.Fatalf("a manager's skip: %+v, %v", skip, err)
	}
	// The rep's request from first-visit no longer fits the lead.
	withdrawn, err := f.svc.WithdrawStale(t.Context(), skip.Lead, later)
	if err != nil || len(withdrawn) != 1 || withdrawn[0].Request.ID != asked.Request.ID || withdrawn[0].Moot == nil {
		t.Fatalf("stale requests withdrawn: %+v, %v", withdrawn, err)
	}
	if pending, _ := f.st.PendingApprovals(t.Context(), f.team); len(pending) != 0 {
		t.Errorf("still pending: %+v", pending)
	}
}

// TestWinAndLose: a rep wins from negotiation only; a lost lead goes to the
// pool with its reason and is no longer due.
func TestWinAndLose(t *testing.T) {
	f := newStageFixture(t)
	l := create(t, f.st, f.team, "Acme", stageRep.User, salesbot.GradeB, now.Add(-salesbot.Day))
	if _, err := f.svc.Win(t.Context(), stageRep, f.read(l.ID), now); salesbot.ErrorCode(err) != salesbot.EFORBIDDEN {
		t.Errorf("a rep won a deal at the lead stage: %v", err)
	}
	out, err := f.svc.Win(t.Context(), manager, f.read(l.ID), now)
	if err != nil || out.Lead.Stage != salesbot.StageWon || !out.Stale {
		t.Fatalf("a manager's win: %+v, %v", out, err)
	}

	m := create(t, f.st, f.team, "Beta", stageRep.User, salesbot.GradeB, now.Add(-salesbot.Day))
	lost, err := f.svc.Lose(t.Context(), stageRep, f.read(m.ID), "no budget", now)
	if err != nil || lost.Lead.Stage != salesbot.StageLost || lost.Lead.LostReason != "no budget" {
		t.Fatalf("lose: %+v, %v", lost, err)
	}
	if pool, _ := f.st.Pool(t.Context(), f.team, 10); len(pool) != 1 || pool[0].ID != m.ID {
		t.Errorf("pool %v; want Beta", pool)
	}
	if due, _ := f.st.DueLeads(t.Context(), f.team, now.Add(365*salesbot.Day), 10); slices.Contains(due, m.ID) {
		t.Error("a lost lead is still due")
	}
}
