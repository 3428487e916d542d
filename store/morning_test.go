package store_test

import (
	"slices"
	"testing"

	"salesbot"
)

// TestReminderMore: a reminder saved with the leads it did not show gives
// them back to its recipient alone; one the bot does not remember is not
// found; one saved the ordinary way has no layout and nothing more.
func TestReminderMore(t *testing.T) {
	s, _, team := newStore(t)
	if err := s.SaveReminderMore(ctx, team, "D1", "1.1", "UREP", []string{"a", "b"}, []string{"c", "d"}, "morning:4"); err != nil {
		t.Fatal(err)
	}
	layout, rest, err := s.ReminderMore(ctx, team, "D1", "1.1", "UREP")
	if err != nil || layout != "morning:4" || !slices.Equal(rest, []string{"c", "d"}) {
		t.Fatalf("recipient reads %q %v %v", layout, rest, err)
	}
	if _, rest, err := s.ReminderMore(ctx, team, "D1", "1.1", "UOTHER"); salesbot.ErrorCode(err) != salesbot.EFORBIDDEN || rest != nil {
		t.Errorf("someone else reads %v %v, want EFORBIDDEN", rest, err)
	}
	if _, _, err := s.ReminderMore(ctx, team, "D1", "9.9", "UREP"); salesbot.ErrorCode(err) != salesbot.ENOTFOUND {
		t.Errorf("an unknown message: %v, want ENOTFOUND", err)
	}
	if err := s.SaveReminder(ctx, team, "D1", "2.2", "UREP", []string{"a"}); err != nil {
		t.Fatal(err)
	}
	if layout, rest, err := s.ReminderMore(ctx, team, "D1", "2.2", "UREP"); err != nil || layout != "" || len(rest) != 0 {
		t.Errorf("an ordinary reminder: %q %v %v", layout, rest, err)
	}
	if err := s.SaveReminderMore(ctx, team, "D1", "3.3", "", nil, nil, "page:1.1"); err == nil {
		t.Error("a reminder to no one was saved")
	}
}
