package service_test

import (
	"testing"
	"time"

	"salesbot"
	"salesbot/service"
	"salesbot/store"
)

// negotiating is a stored lead of UREP's at negotiation.
func negotiating(t *testing.T, st *store.Store, team, company string) *salesbot.Lead {
	t.Helper()
	l := create(t, st, team, company, "UREP", salesbot.GradeA, now.Add(-salesbot.Day))
	l, err := st.UpdateLead(t.Context(), team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		l.Stage = salesbot.StageNegotiation // however it got there
		return salesbot.Update{Changes: []salesbot.Change{{LeadID: l.ID, Company: l.Company, Kind: salesbot.ChangeStage, By: "UREP", At: now, To: string(salesbot.StageNegotiation)}}}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestConcede: a concession is stored with its size read in the team's
// currency; a larger one warns and is stored all the same; a stranger's
// changes nothing.
func TestConcede(t *testing.T) {
	st, team := newTeam(t)
	svc := service.New(service.Config{Store: st, Currency: "USD"})
	ctx := t.Context()
	rep := salesbot.Actor{User: "UREP"}
	l := negotiating(t, st, team, "Concede Co")

	done, err := svc.Concede(ctx, rep, salesbot.RefTo(team, l.ID), "20k off", "a three-year contract", now)
	if err != nil {
		t.Fatal(err)
	}
	if done.Check.Warns() || done.Concession.Size.Amount != (salesbot.Amount{Minor: 2_000_000, Currency: "USD"}) {
		t.Fatalf("first concession %+v, check %+v", done.Concession, done.Check)
	}
	done, err = svc.Concede(ctx, manager, salesbot.RefTo(team, l.ID), "$30k off", "nothing", now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if !done.Check.Larger || !done.Check.NothingBack || done.Check.Previous.Give != "20k off" {
		t.Fatalf("seed 000 越让越少 / 有给就要: check %+v", done.Check)
	}
	got := stored(t, st, team, l.ID)
	if len(got.Concessions) != 2 || got.Concessions[1].By != manager.User || got.Concessions[1].Get != "nothing" {
		t.Fatalf("stored %+v", got.Concessions)
	}

	_, err = svc.Concede(ctx, salesbot.Actor{User: "UOTHER"}, salesbot.RefTo(team, l.ID), "5%", "a contract", now)
	wantCode(t, "stranger", err, salesbot.EFORBIDDEN)
	if got := stored(t, st, team, l.ID); len(got.Concessions) != 2 {
		t.Fatalf("a stranger's concession was stored: %+v", got.Concessions)
	}
}

// TestQualifyAndRival: answers and rivals are stored and read back; a
// rival makes competition known.
func TestQualifyAndRival(t *testing.T) {
	st, team := newTeam(t)
	svc := service.New(service.Config{Store: st})
	ctx := t.Context()
	rep := salesbot.Actor{User: "UREP"}
	l := create(t, st, team, "Qualify Co", rep.User, salesbot.GradeB, now)

	if _, err := svc.Qualify(ctx, rep, salesbot.RefTo(team, l.ID), salesbot.Verdicts{
		salesbot.QuestionExists: {Answer: salesbot.AnswerYes}, salesbot.QuestionWin: {Answer: salesbot.AnswerNo, Note: "SAP is entrenched"},
	}, now); err != nil {
		t.Fatal(err)
	}
	got := stored(t, st, team, l.ID)
	if q := got.Qualification; q.Score() != 1 || q.Win.Note != "SAP is entrenched" || q.By != rep.User {
		t.Fatalf("stored qualification %+v", q)
	}
	_, err := svc.Qualify(ctx, salesbot.Actor{User: "UOTHER"}, salesbot.RefTo(team, l.ID), salesbot.Verdicts{salesbot.QuestionWin: {Answer: salesbot.AnswerYes}}, now)
	wantCode(t, "stranger qualifies", err, salesbot.EFORBIDDEN)

	if _, err := svc.SetRival(ctx, rep, salesbot.RefTo(team, l.ID), salesbot.Rival{Name: "SAP", Position: salesbot.PositionAhead}, now); err != nil {
		t.Fatal(err)
	}
	_, err = svc.SetRival(ctx, rep, salesbot.RefTo(team, l.ID), salesbot.Rival{Name: ""}, now)
	wantCode(t, "no name", err, salesbot.EINVALID)
	got = stored(t, st, team, l.ID)
	if len(got.Rivals) != 1 || got.Rivals[0].Position != salesbot.PositionAhead {
		t.Fatalf("stored rivals %+v", got.Rivals)
	}
	for _, k := range got.UnknownFacts() {
		if k == salesbot.FactCompetition {
			t.Fatal("competition unknown with a rival recorded")
		}
	}
}
