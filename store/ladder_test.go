package store_test

import (
	"errors"
	"testing"
	"time"

	"salesbot"
)

// TestSettleReminder: a ladder step settled with its claim is in the
// lead's history and the team's activity and the lead is queued at its next
// step, in one write; a failing fn writes nothing; a settle by a sweeper
// that does not hold the lease writes nothing.
func TestSettleReminder(t *testing.T) {
	s, rdb, team := newStore(t)
	esc := salesbot.DefaultEscalation()
	l := mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)
	due := l.Due
	sent := due.Add(time.Hour)
	held, err := s.AckReminder(ctx, claimOne(t, s, team, "s1", l.ID, due), func(got *salesbot.Lead) error {
		got.StartLadder(got.Due, sent, esc)
		return nil
	})
	if !held || err != nil {
		t.Fatalf("ack the reminder: %v, %v", held, err)
	}
	nudge := sent.Add(salesbot.Day)
	wantScore(t, rdb, team, "due", l.ID, nudge)

	c := claimOne(t, s, team, "s1", l.ID, nudge)
	boom := errors.New("boom")
	if _, err := s.SettleReminder(ctx, c, func(got *salesbot.Lead) ([]salesbot.Change, error) {
		got.Climb(salesbot.LadderNudged, nudge, esc)
		return nil, boom
	}); !errors.Is(err, boom) {
		t.Fatalf("failing fn: %v; want its error", err)
	}
	if got, _ := s.Lead(ctx, team, l.ID); got.Climbed != salesbot.LadderReminded {
		t.Errorf("failing fn wrote the lead: climbed %v", got.Climbed)
	}
	if held, err := s.SettleReminder(ctx, salesbot.ReminderClaim{Team: team, LeadID: l.ID, Token: "s2"}, func(got *salesbot.Lead) ([]salesbot.Change, error) {
		return []salesbot.Change{got.Climb(salesbot.LadderNudged, nudge, esc)}, nil
	}); held || err != nil {
		t.Fatalf("another sweeper's settle: %v, %v; want not held", held, err)
	}

	held, err = s.SettleReminder(ctx, c, func(got *salesbot.Lead) ([]salesbot.Change, error) {
		return []salesbot.Change{got.Climb(salesbot.LadderNudged, nudge, esc)}, nil
	})
	if !held || err != nil {
		t.Fatalf("settle the nudge: %v, %v", held, err)
	}
	got, err := s.Lead(ctx, team, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Climbed != salesbot.LadderNudged || !got.ClimbAt.Equal(sent.Add(2*salesbot.Day)) {
		t.Errorf("stored: climbed %v, next at %v; want nudged, the managers at %v", got.Climbed, got.ClimbAt, sent.Add(2*salesbot.Day))
	}
	wantScore(t, rdb, team, "due", l.ID, sent.Add(2*salesbot.Day))
	wantScore(t, rdb, team, "inflight", l.ID, time.Time{})
	hist, err := s.History(ctx, team, l.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) == 0 || hist[0].Kind != salesbot.ChangeEscalated || hist[0].To != "nudged" {
		t.Errorf("history's newest entry %+v; want the nudge", hist)
	}
	act, err := s.Activity(ctx, team, nudge.Add(-time.Minute), nudge.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if len(act) != 1 || act[0].Kind != salesbot.ChangeEscalated || act[0].LeadID != l.ID {
		t.Errorf("activity %+v; want the nudge", act)
	}
}
