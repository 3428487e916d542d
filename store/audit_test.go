package store_test

import (
	"testing"
	"time"

	"salesbot"
)

// TestAuditReadsEveryShapeOfEntry: grants and withdrawals of manager
// rights and changes of teams come back as audit entries, newest first.
func TestAuditReadsEveryShapeOfEntry(t *testing.T) {
	s, _, team := newStore(t)
	at := time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)
	if err := s.GrantManager(ctx, team, salesbot.ManagerChange{At: at, By: "U0ADMIN", User: "U0LEE"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetManagerTeam(ctx, team, salesbot.TeamChange{Kind: salesbot.TeamChangeKind, At: at.Add(time.Minute), By: "U0ADMIN", Manager: "U0LEE", Reps: []string{"U0WANG"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RemoveManager(ctx, team, salesbot.ManagerChange{At: at.Add(time.Hour), By: "U0BOSS", User: "U0LEE"}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Audit(ctx, team, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := []salesbot.AuditEntry{
		{Kind: salesbot.AuditManager, At: at.Add(time.Hour), By: "U0BOSS", Subject: "U0LEE", Detail: "manager rights withdrawn"},
		{Kind: salesbot.AuditTeam, At: at.Add(time.Minute), By: "U0ADMIN", Subject: "U0LEE", Detail: "leads U0WANG"},
		{Kind: salesbot.AuditManager, At: at, By: "U0ADMIN", Subject: "U0LEE", Detail: "manager rights granted"},
	}
	if len(got) < len(want) {
		t.Fatalf("audit = %+v", got)
	}
	for i, w := range want {
		if g := got[i]; g.Kind != w.Kind || !g.At.Equal(w.At) || g.By != w.By || g.Subject != w.Subject || g.Detail != w.Detail {
			t.Errorf("entry %d = %+v, want %+v", i, g, w)
		}
	}
}

// TestAuditWritersKeepTheBound: every writer of the audit list (an import's
// entry, grants and withdrawals of rights, changes of teams, removals)
// writes its entry through the one helper, newest first, and keeps the
// latest 1000 only.
func TestAuditWritersKeepTheBound(t *testing.T) {
	s, c, team := newStore(t)
	at := time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)
	l := mustCreate(t, s, team, "Bounded Co", "UOWNER", salesbot.GradeB)
	fill := make([]any, 1000)
	for i := range fill {
		fill[i] = `{"kind":"import","at":"2026-11-01T00:00:00Z","by":"U0OLD"}`
	}
	if err := c.LPush(ctx, key(team, "audit"), fill...).Err(); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		kind string
		do   func() error
	}{
		{salesbot.AuditImport, func() error {
			return s.AddAudit(ctx, team, salesbot.AuditEntry{Kind: salesbot.AuditImport, At: at, By: "U0BOSS", Subject: "f.csv"})
		}},
		{salesbot.AuditManager, func() error {
			return s.GrantManager(ctx, team, salesbot.ManagerChange{At: at, By: "U0BOSS", User: "U0LEE"})
		}},
		{salesbot.AuditTeam, func() error {
			_, err := s.SetManagerTeam(ctx, team, salesbot.TeamChange{At: at, By: "U0BOSS", Manager: "U0LEE", Reps: []string{"U0WANG"}})
			return err
		}},
		{salesbot.AuditTeam, func() error {
			_, err := s.DropManagerTeam(ctx, team, salesbot.TeamChange{At: at, By: "U0BOSS", Manager: "U0LEE"})
			return err
		}},
		{salesbot.AuditManager, func() error {
			_, err := s.RemoveManager(ctx, team, salesbot.ManagerChange{At: at, By: "U0BOSS", User: "U0LEE"})
			return err
		}},
		{salesbot.AuditLeadDeleted, func() error {
			_, err := s.DeleteLead(ctx, team, l.ID, func(*salesbot.Lead) (salesbot.AuditEntry, error) {
				return salesbot.AuditEntry{Kind: salesbot.AuditLeadDeleted, At: at, By: "U0BOSS", LeadID: l.ID}, nil
			})
			return err
		}},
	}
	for i, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("step %d (%s): %v", i, st.kind, err)
		}
		if n, err := c.LLen(ctx, key(team, "audit")).Result(); err != nil || n != 1000 {
			t.Fatalf("step %d (%s): the audit list holds %d, %v; want the latest 1000", i, st.kind, n, err)
		}
		got, err := s.Audit(ctx, team, 1)
		if err != nil || len(got) != 1 || got[0].Kind != st.kind || got[0].By != "U0BOSS" {
			t.Fatalf("step %d: newest entry = %+v, %v; want %s", i, got, err, st.kind)
		}
	}
	// What wrote nothing records nothing: rights not held, a team not had.
	if had, err := s.RemoveManager(ctx, team, salesbot.ManagerChange{At: at, By: "U0BOSS", User: "U0LEE"}); err != nil || had {
		t.Fatalf("RemoveManager twice = %v, %v", had, err)
	}
	if had, err := s.DropManagerTeam(ctx, team, salesbot.TeamChange{At: at, By: "U0BOSS", Manager: "U0LEE"}); err != nil || had {
		t.Fatalf("DropManagerTeam twice = %v, %v", had, err)
	}
	if got, _ := s.Audit(ctx, team, 1); got[0].Kind != salesbot.AuditLeadDeleted {
		t.Errorf("a change that was not made was recorded: %+v", got[0])
	}
}

// TestChangesFoundPastOtherEntries: grants of rights and changes of teams
// are found however many entries of other kinds (a burst of deletions)
// came after them, up to n of their kind.
func TestChangesFoundPastOtherEntries(t *testing.T) {
	s, c, team := newStore(t)
	at := time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)
	for i := range 3 {
		if err := s.GrantManager(ctx, team, salesbot.ManagerChange{At: at.Add(time.Duration(i) * time.Minute), By: "U0BOSS", User: "U0LEE"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetManagerTeam(ctx, team, salesbot.TeamChange{At: at.Add(time.Duration(i) * time.Minute), By: "U0BOSS", Manager: "U0LEE", Reps: []string{"U0WANG"}}); err != nil {
			t.Fatal(err)
		}
	}
	burst := make([]any, 900)
	for i := range burst {
		burst[i] = `{"kind":"lead-deleted","at":"2026-11-23T03:00:00Z","by":"U0BOSS","lead":"gone"}`
	}
	if err := c.LPush(ctx, key(team, "audit"), burst...).Err(); err != nil {
		t.Fatal(err)
	}
	mc, err := s.ManagerChanges(ctx, team, 2)
	if err != nil || len(mc) != 2 || !mc[0].At.Equal(at.Add(2*time.Minute)) || !mc[0].Granted {
		t.Errorf("ManagerChanges(2) past 900 deletions = %+v, %v; want the latest 2 grants", mc, err)
	}
	tc, err := s.TeamChanges(ctx, team, 5)
	if err != nil || len(tc) != 3 || !tc[0].At.Equal(at.Add(2*time.Minute)) {
		t.Errorf("TeamChanges(5) past 900 deletions = %+v, %v; want all 3", tc, err)
	}
}
