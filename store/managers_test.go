package store_test

import (
	"testing"
	"time"

	"salesbot"
)

// TestManagerRightsGrantedAndWithdrawn: rights given from Slack can be
// withdrawn, and both are kept in the team's audit list; withdrawing rights
// someone does not have records nothing.
func TestManagerRightsGrantedAndWithdrawn(t *testing.T) {
	s, _, team := newStore(t)
	at := time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)
	if err := s.GrantManager(ctx, team, salesbot.ManagerChange{At: at, By: "U0ADMIN", User: "U0LEE"}); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.IsManager(ctx, team, "U0LEE"); err != nil || !ok {
		t.Fatalf("granted: %v %v", ok, err)
	}
	removed, err := s.RemoveManager(ctx, team, salesbot.ManagerChange{At: at.Add(time.Hour), By: "U0BOSS", User: "U0LEE"})
	if err != nil || !removed {
		t.Fatalf("remove: %v %v", removed, err)
	}
	if ok, _ := s.IsManager(ctx, team, "U0LEE"); ok {
		t.Fatal("still a manager after removal")
	}
	if removed, err := s.RemoveManager(ctx, team, salesbot.ManagerChange{At: at.Add(2 * time.Hour), By: "U0BOSS", User: "U0LEE"}); err != nil || removed {
		t.Fatalf("remove again: %v %v", removed, err)
	}
	changes, err := s.ManagerChanges(ctx, team, 10)
	if err != nil || len(changes) != 2 {
		t.Fatalf("audit: %+v %v", changes, err)
	}
	if c := changes[0]; c.Granted || c.By != "U0BOSS" || c.User != "U0LEE" || !c.At.Equal(at.Add(time.Hour)) {
		t.Errorf("withdrawal recorded as %+v", c)
	}
	if c := changes[1]; !c.Granted || c.By != "U0ADMIN" || !c.At.Equal(at) {
		t.Errorf("grant recorded as %+v", c)
	}
}
