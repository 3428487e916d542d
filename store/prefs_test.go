package store_test

import (
	"reflect"
	"testing"

	"salesbot"
)

// TestNotifyPrefs: each person's choices are kept apart, read back as
// written, several at once; one who chose nothing (or whose stored choices
// are unreadable) has the defaults.
func TestNotifyPrefs(t *testing.T) {
	s, c, team := newStore(t)
	got, err := s.NotifyPrefsOf(ctx, team, []string{"U1", "U2"})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"U1", "U2"} {
		if !reflect.DeepEqual(got[u], salesbot.DefaultNotifyPrefs()) {
			t.Errorf("%s before any choice: %+v, want the defaults", u, got[u])
		}
	}
	p := salesbot.NotifyPrefs{Mode: salesbot.NotifyEach, BatchHour: 7, SkipEmptyDigest: true,
		DaysOff: []salesbot.DateSpan{{From: salesbot.Date{Year: 2026, Month: 12, Day: 24}, To: salesbot.Date{Year: 2027, Month: 1, Day: 2}}}}
	if err := s.SetNotifyPrefs(ctx, team, "U1", p); err != nil {
		t.Fatal(err)
	}
	if err := c.HSet(ctx, key(team, "prefs"), "U3", "{not json").Err(); err != nil {
		t.Fatal(err)
	}
	got, err = s.NotifyPrefsOf(ctx, team, []string{"U1", "U2", "U3"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got["U1"], p) {
		t.Errorf("U1: %+v, want %+v", got["U1"], p)
	}
	for _, u := range []string{"U2", "U3"} {
		if !reflect.DeepEqual(got[u], salesbot.DefaultNotifyPrefs()) {
			t.Errorf("%s: %+v, want the defaults", u, got[u])
		}
	}
	if other, _ := s.NotifyPrefsOf(ctx, team+"x", []string{"U1"}); !reflect.DeepEqual(other["U1"], salesbot.DefaultNotifyPrefs()) {
		t.Errorf("U1 in another team: %+v, want the defaults", other["U1"])
	}
	if err := s.SetNotifyPrefs(ctx, team, "", p); err == nil {
		t.Error("choices with no user were kept")
	}
	if m, err := s.NotifyPrefsOf(ctx, team, nil); err != nil || len(m) != 0 {
		t.Errorf("no users: %v %v", m, err)
	}
}

// TestMaintenanceLists: a team's list per grade is kept as written, another
// team's apart; an empty list drops it (the default applies again).
func TestMaintenanceLists(t *testing.T) {
	s, _, team := newStore(t)
	if plan, err := s.Maintenance(ctx, team); err != nil || len(plan) != 0 {
		t.Fatalf("before any: %v %v", plan, err)
	}
	list := []salesbot.MaintenanceAction{{Kind: salesbot.KindEvent, Text: "春季研讨会"}, {Text: "a plain idea"}}
	if err := s.SetMaintenance(ctx, team, salesbot.GradeC, list); err != nil {
		t.Fatal(err)
	}
	plan, err := s.Maintenance(ctx, team)
	if err != nil || !reflect.DeepEqual(plan, salesbot.MaintenancePlan{salesbot.GradeC: list}) {
		t.Fatalf("after setting C: %+v %v", plan, err)
	}
	if other, _ := s.Maintenance(ctx, team+"x"); len(other) != 0 {
		t.Errorf("another team sees %+v", other)
	}
	if err := s.SetMaintenance(ctx, team, salesbot.GradeC, nil); err != nil {
		t.Fatal(err)
	}
	if plan, _ := s.Maintenance(ctx, team); len(plan) != 0 {
		t.Errorf("after dropping C: %+v", plan)
	}
}
