package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"salesbot"
)

// The notification choices of a team's people live in one hash, user →
// JSON of salesbot.NotifyPrefs; a user with no field chose nothing.

// SetNotifyPrefs records user's notification choices.
func (s *Store) SetNotifyPrefs(ctx context.Context, team, user string, p salesbot.NotifyPrefs) error {
	k, err := keysOf(team)
	if err != nil {
		return fmt.Errorf("set notification choices: %w", err)
	}
	if user == "" {
		return errors.New("set notification choices: no user given")
	}
	raw, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("encode notification choices of %s: %w", user, err)
	}
	if err := s.client.HSet(ctx, k.prefs(), user, raw).Err(); err != nil {
		return failed(err, "set notification choices of %s", user)
	}
	return nil
}

// NotifyPrefsOf returns the notification choices of users, by user; a user
// who chose nothing (or whose stored choices cannot be read) has
// salesbot.DefaultNotifyPrefs. One round trip.
func (s *Store) NotifyPrefsOf(ctx context.Context, team string, users []string) (map[string]salesbot.NotifyPrefs, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("notification choices: %w", err)
	}
	out := make(map[string]salesbot.NotifyPrefs, len(users))
	if len(users) == 0 {
		return out, nil
	}
	vals, err := s.client.HMGet(ctx, k.prefs(), users...).Result()
	if err != nil {
		return nil, failed(err, "notification choices in %s", team)
	}
	for i, u := range users {
		p := salesbot.DefaultNotifyPrefs()
		if raw, ok := vals[i].(string); ok {
			if err := json.Unmarshal([]byte(raw), &p); err != nil {
				s.log.WarnContext(ctx, "notification choices unreadable; defaults used", "team", team, "user", u, "err", err)
				p = salesbot.DefaultNotifyPrefs()
			}
		}
		out[u] = p
	}
	return out, nil
}
