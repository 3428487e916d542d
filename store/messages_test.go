package store_test

import (
	"slices"
	"testing"
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
