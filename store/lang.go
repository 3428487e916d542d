package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// SetLang records the language a user chose for the bot ("en", "zh"); ""
// forgets the choice, so the user's Slack locale decides again.
func (s *Store) SetLang(ctx context.Context, team, user, lang string) error {
	k, err := keysOf(team)
	if err != nil {
		return fmt.Errorf("set language of %s: %w", user, err)
	}
	if user == "" {
		return errors.New("set language: no user given")
	}
	if lang == "" {
		err = s.client.HDel(ctx, k.lang(), user).Err()
	} else {
		err = s.client.HSet(ctx, k.lang(), user, lang).Err()
	}
	if err != nil {
		return failed(err, "set language of %s", user)
	}
	return nil
}

// Lang returns the language a user chose, or "" when they chose none.
func (s *Store) Lang(ctx context.Context, team, user string) (string, error) {
	k, err := keysOf(team)
	if err != nil {
		return "", fmt.Errorf("language of %s: %w", user, err)
	}
	lang, err := s.client.HGet(ctx, k.lang(), user).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	} else if err != nil {
		return "", failed(err, "language of %s", user)
	}
	return lang, nil
}
