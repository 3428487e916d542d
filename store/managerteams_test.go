package store_test

import (
	"slices"
	"testing"
	"time"

	"salesbot"
)

// TestManagerTeams: a team is set, replaced and dropped, each kept in the
// audit list without being read as a grant of rights; one read returns the
// granted managers, every team and the reps who have had leads.
func TestManagerTeams(t *testing.T) {
	s, _, team := newStore(t)
	at := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
	if err := s.GrantManager(ctx, team, salesbot.ManagerChange{At: at, By: "U0ADMIN", User: "U0LEE"}); err != nil {
		t.Fatal(err)
	}
	mustCreate(t, s, team, "Acme", "U0REP", salesbot.GradeA)
	set := func(by, manager string, reps ...string) []string {
		t.Helper()
		before, err := s.SetManagerTeam(ctx, team, salesbot.TeamChange{At: at, By: by, Manager: manager, Reps: reps})
		if err != nil {
			t.Fatal(err)
		}
		at = at.Add(time.Minute)
		return before
	}
	if before := set("U0ADMIN", "U0LEE", "U0REP", "U0KIM"); before != nil {
		t.Fatalf("first team: before %v; want none", before)
	}
	set("U0ADMIN", "U0MAY", "U0ZED")
	if before := set("U0LEE", "U0LEE", "U0REP"); !slices.Equal(before, []string{"U0REP", "U0KIM"}) {
		t.Fatalf("replaced team: before %v; want the first", before)
	}
	granted, reps, known, err := s.ManagerTeams(ctx, team, true)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(granted, []string{"U0LEE"}) || !slices.Equal(reps["U0LEE"], []string{"U0REP"}) || !slices.Equal(reps["U0MAY"], []string{"U0ZED"}) || !slices.Equal(known, []string{"U0REP"}) {
		t.Fatalf("read: granted %v, teams %v, known %v", granted, reps, known)
	}
	if _, _, known, _ := s.ManagerTeams(ctx, team, false); known != nil {
		t.Fatalf("owners read when not asked for: %v", known)
	}
	// None: no one in particular, and no field left.
	set("U0LEE", "U0MAY")
	if _, reps, _, _ := s.ManagerTeams(ctx, team, false); len(reps) != 1 {
		t.Fatalf("teams after U0MAY leads no one: %v", reps)
	}
	// Dropping: only a team there is, recorded once.
	drop := salesbot.TeamChange{At: at, By: "U0ADMIN", Manager: "U0LEE", Withdrawn: true}
	if ok, err := s.DropManagerTeam(ctx, team, drop); err != nil || !ok {
		t.Fatalf("drop: %v %v", ok, err)
	}
	if ok, err := s.DropManagerTeam(ctx, team, drop); err != nil || ok {
		t.Fatalf("drop again: %v %v; want nothing to drop", ok, err)
	}
	changes, err := s.TeamChanges(ctx, team, 10)
	if err != nil || len(changes) != 5 {
		t.Fatalf("team changes: %+v %v; want 5", changes, err)
	}
	if c := changes[0]; !c.Withdrawn || c.Manager != "U0LEE" || c.Reps != nil || c.Kind != salesbot.TeamChangeKind {
		t.Errorf("latest change %+v; want U0LEE's team dropped", c)
	}
	if c := changes[2]; c.By != "U0LEE" || !slices.Equal(c.Reps, []string{"U0REP"}) {
		t.Errorf("third latest %+v; want U0LEE setting their own team", c)
	}
	if c, _ := s.TeamChanges(ctx, team, 2); len(c) != 2 {
		t.Errorf("at most 2: %d", len(c))
	}
	// The grants are read as before, the team changes left out.
	if m, err := s.ManagerChanges(ctx, team, 10); err != nil || len(m) != 1 || m[0].User != "U0LEE" {
		t.Fatalf("manager changes among team changes: %+v %v", m, err)
	}
	if _, err := s.SetManagerTeam(ctx, team, salesbot.TeamChange{At: at, Manager: "U0LEE"}); err == nil {
		t.Error("a change with no author was kept")
	}
}
