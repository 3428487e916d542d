package store

import (
	"context"
	"encoding/json"
	"fmt"
	"salesbot"
	"time"

	"github.com/redis/go-redis/v9"
)

// Targets and review notes: what a manager sets and writes, beside the
// deal read models.

// storedTarget is a salesbot.Target as a period's targets hash holds it
// (the rep is the field, the period the key).
type storedTarget struct {
	Minor    int64             `json:"m"`
	Currency salesbot.Currency `json:"c"`
	By       string            `json:"b,omitempty"`
	At       int64             `json:"t,omitempty"`
}

// Targets returns the period's targets by rep ("" for the team's).
func (s *Store) Targets(ctx context.Context, team string, p salesbot.SalesPeriod) (map[string]salesbot.Target, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("targets: %w", err)
	}
	all, err := s.client.HGetAll(ctx, k.targets(p)).Result()
	if err != nil {
		return nil, failed(err, "targets of %s", p)
	}
	targets := make(map[string]salesbot.Target, len(all))
	for field, raw := range all {
		var st storedTarget
		if err := json.Unmarshal([]byte(raw), &st); err != nil {
			s.skip(ctx, k.targets(p)+" "+field, bug{fmt.Errorf("decode target: %w", err)})
			continue
		}
		rep := field
		if rep == teamTarget {
			rep = ""
		}
		t := salesbot.Target{Rep: rep, Period: p, Amount: salesbot.Amount{Minor: st.Minor, Currency: st.Currency}, By: st.By}
		if st.At != 0 {
			t.At = time.UnixMilli(st.At).UTC()
		}
		targets[rep] = t
	}
	return targets, nil
}

// SetTarget sets one target, replacing the one before.
func (s *Store) SetTarget(ctx context.Context, team string, t salesbot.Target) error {
	k, err := keysOf(team)
	if err != nil {
		return fmt.Errorf("set target: %w", err)
	}
	if t.Period.IsZero() {
		return fmt.Errorf("set target: %w", salesbot.Internal(fmt.Errorf("no period given")))
	}
	raw, err := json.Marshal(storedTarget{Minor: t.Amount.Minor, Currency: t.Amount.Currency, By: t.By, At: millis(t.At)})
	if err != nil {
		return failed(bug{err}, "set target")
	}
	field := t.Rep
	if field == "" {
		field = teamTarget
	}
	if err := s.client.HSet(ctx, k.targets(t.Period), field, raw).Err(); err != nil {
		return failed(err, "set target of %s for %s", field, t.Period)
	}
	return nil
}

// SaveReviewNote keeps a review note at the head of its rep's notes,
// which keep the last reviewsMax.
func (s *Store) SaveReviewNote(ctx context.Context, team string, n salesbot.ReviewNote) error {
	k, err := keysOf(team)
	if err != nil {
		return fmt.Errorf("save review note: %w", err)
	}
	raw, err := json.Marshal(n)
	if err != nil {
		return failed(bug{err}, "save review note")
	}
	_, err = s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.LPush(ctx, k.reviews(n.Rep), raw)
		p.LTrim(ctx, k.reviews(n.Rep), 0, reviewsMax-1)
		return nil
	})
	if err != nil {
		return failed(err, "save review note of %s", n.Rep)
	}
	return nil
}

// ReviewNotes returns a rep's last n review notes, newest first.
func (s *Store) ReviewNotes(ctx context.Context, team, rep string, n int) ([]salesbot.ReviewNote, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("review notes: %w", err)
	}
	if n < 1 {
		return nil, nil
	}
	raws, err := s.client.LRange(ctx, k.reviews(rep), 0, int64(min(n, reviewsMax))-1).Result()
	if err != nil {
		return nil, failed(err, "review notes of %s", rep)
	}
	notes := make([]salesbot.ReviewNote, 0, len(raws))
	for _, raw := range raws {
		var note salesbot.ReviewNote
		if err := json.Unmarshal([]byte(raw), &note); err != nil {
			s.skip(ctx, k.reviews(rep), bug{fmt.Errorf("decode review note: %w", err)})
			continue
		}
		notes = append(notes, note)
	}
	return notes, nil
}
