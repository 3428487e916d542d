package store_test

import (
	"slices"
	"testing"

	"salesbot"
)

func TestMessageRecords(t *testing.T) {
	s, rdb, team := newStore(t)
	if ids, done, err := s.MessageHandled(ctx, team, "D1", "1.1", "a", ""); err != nil || ids != nil || done != nil {
		t.Fatalf("unknown message: %v %v %v", ids, done, err)
	}
	if err := s.SaveMessage(ctx, team, "D1", "1.1", []string{"a", "b"}); err != nil {
		t.Fatal(err)
	}
	ids, done, err := s.MessageHandled(ctx, team, "D1", "1.1", "b", "snoozed")
	if err != nil || !slices.Equal(ids, []string{"a", "b"}) || len(done) != 1 || done["b"] != "snoozed" {
		t.Fatalf("after one note: %v %v %v", ids, done, err)
	}
	ids, done, _ = s.MessageHandled(ctx, team, "D1", "1.1", "a", "visit logged")
	if len(ids) != 2 || done["a"] != "visit logged" || done["b"] != "snoozed" {
		t.Errorf("after two notes: %v %v", ids, done)
	}
	key := "sb:{" + team + "}:msg:D1:1.1"
	if ttl := rdb.TTL(ctx, key).Val(); ttl <= 0 {
		t.Errorf("message record has no TTL (%v)", ttl)
	}
	// A note on a message the bot never saved leaves no key without a TTL.
	_, _, _ = s.MessageHandled(ctx, team, "D1", "9.9", "a", "late")
	if ttl := rdb.TTL(ctx, "sb:{"+team+"}:msg:D1:9.9").Val(); ttl == -1 {
		t.Error("a note created a key that never expires")
	}
}

// TestReminderHandledOnlyByItsRecipient: a reminder is marked handled only
// by the user it was sent to, about one of its own leads; anyone else's
// attempt writes nothing.
func TestReminderHandledOnlyByItsRecipient(t *testing.T) {
	s, _, team := newStore(t)
	if err := s.SaveReminder(ctx, team, "D1", "1.1", "U0REP", []string{"a", "b"}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ channel, ts, user, lead, code string }{
		{"D1", "1.1", "U0OTHER", "a", salesbot.EFORBIDDEN}, // someone else's reminder
		{"D1", "1.1", "U0REP", "z", salesbot.EFORBIDDEN},   // a lead it is not about
		{"D1", "9.9", "U0REP", "a", salesbot.ENOTFOUND},    // a message the bot never sent
	} {
		if _, _, err := s.ReminderHandled(ctx, team, c.channel, c.ts, c.user, c.lead, "hijacked"); salesbot.ErrorCode(err) != c.code {
			t.Errorf("%+v: err %v, want %s", c, err, c.code)
		}
	}
	ids, done, err := s.ReminderHandled(ctx, team, "D1", "1.1", "U0REP", "b", "snoozed")
	if err != nil || !slices.Equal(ids, []string{"a", "b"}) || len(done) != 1 || done["b"] != "snoozed" {
		t.Fatalf("the recipient's note: %v %v %v", ids, done, err)
	}
	// A message saved without a recipient belongs to no one.
	if err := s.SaveMessage(ctx, team, "D1", "2.2", []string{"a"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.ReminderHandled(ctx, team, "D1", "2.2", "U0REP", "a", "x"); salesbot.ErrorCode(err) != salesbot.EFORBIDDEN {
		t.Errorf("a message without a recipient was redrawn: %v", err)
	}
}
