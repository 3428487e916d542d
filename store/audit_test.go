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
