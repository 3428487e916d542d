package service_test

import (
	"testing"
	"time"

	"salesbot"
)

// stanceOf builds the stakeholder /stance records in these tests.
func stanceOf(name string, support salesbot.Support) salesbot.Stakeholder {
	return salesbot.Stakeholder{Name: name, Role: salesbot.RoleEconomicBuyer, Influence: salesbot.InfluenceHigh, Support: support}
}

// TestSetStance: a person is recorded, then updated under the spelling
// first recorded, keeping what the update leaves out; the support's move
// is the change's from → to.
func TestSetStance(t *testing.T) {
	svc, st, team := visitTeam(t)
	ctx := t.Context()
	rep := salesbot.Actor{User: "UREP"}
	l := create(t, st, team, "Stance Ltd", rep.User, salesbot.GradeB, now.Add(-salesbot.Day))

	first := stanceOf("Wang Li", 1)
	first.DecisionRole, first.Attitude, first.PersonalWins = salesbot.DecisionApprover, salesbot.AttitudePragmatist, "avoid risk"
	done, err := svc.SetStance(ctx, salesbot.StanceRequest{Actor: rep, Team: team, LeadID: l.ID, Stakeholder: first, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if done.Change.Kind != salesbot.ChangeStance || done.Change.From != "" || done.Change.To != "+1" || done.Stakeholder.ContactDepth != salesbot.DepthNone {
		t.Fatalf("first record: change %+v, depth %s; want a new stance at +1, no contact", done.Change, done.Stakeholder.ContactDepth)
	}

	read := stored(t, st, team, l.ID)
	done, err = svc.SetStance(ctx, salesbot.StanceRequest{Actor: manager, Team: team, Lead: read, Stakeholder: stanceOf("wang li", -2), Now: now.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	s := done.Stakeholder
	if s.Name != "Wang Li" || s.Support != -2 || s.DecisionRole != salesbot.DecisionApprover || s.Attitude != salesbot.AttitudePragmatist || s.PersonalWins != "avoid risk" {
		t.Fatalf("updated %+v; want Wang Li at -2 with the approver, attitude and wins kept", s)
	}
	if done.Change.From != "+1" || done.Change.To != "-2" || len(s.History) != 1 {
		t.Fatalf("change %s → %s, history %v; want +1 → -2 kept once", done.Change.From, done.Change.To, s.History)
	}
	got := stored(t, st, team, l.ID)
	if len(got.Stakeholders) != 1 || got.Stakeholders[0].Support != -2 {
		t.Fatalf("stored people %+v; want Wang Li at -2", got.Stakeholders)
	}
	if !got.Due.Equal(got.NextDue(salesbot.DefaultCadence())) {
		t.Fatalf("stored due %v out of step (want %v)", got.Due, got.NextDue(salesbot.DefaultCadence()))
	}
}

// TestSetStanceRights: another rep may not record people on a lead, and a
// refused stance writes nothing.
func TestSetStanceRights(t *testing.T) {
	svc, st, team := visitTeam(t)
	ctx := t.Context()
	l := create(t, st, team, "Private People Co", "UREP", salesbot.GradeB, now)
	_, err := svc.SetStance(ctx, salesbot.StanceRequest{Actor: salesbot.Actor{User: "UOTHER"}, Team: team, LeadID: l.ID, Stakeholder: stanceOf("Li Na", 3), Now: now})
	if salesbot.ErrorCode(err) != salesbot.EFORBIDDEN {
		t.Fatalf("another rep's stance: %v; want EFORBIDDEN", err)
	}
	if got := stored(t, st, team, l.ID); len(got.Stakeholders) != 0 {
		t.Fatalf("a refused stance recorded %+v", got.Stakeholders)
	}
	history, err := st.History(ctx, team, l.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range history {
		if c.Kind == salesbot.ChangeStance {
			t.Fatalf("a refused stance is in the history: %+v", c)
		}
	}
}
