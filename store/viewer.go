package store

import (
	"context"
	"fmt"
	"slices"

	"github.com/redis/go-redis/v9"
)

// Viewer reads, in one round trip, what every request needs to know about
// the person making it: their language choice ("" for none), and the users
// granted manager rights from Slack in their team (sorted; a handful, read
// whole so that a request asking managers needs no other read).
func (s *Store) Viewer(ctx context.Context, team, user string) (string, []string, error) {
	k, err := keysOf(team)
	if err != nil {
		return "", nil, fmt.Errorf("viewer %s: %w", user, err)
	}
	return s.viewer(ctx, k, user, nil)
}

// viewer runs Viewer's two reads in one pipeline, with whatever also adds
// to it (nil: nothing). Only the viewer's own reads can fail it: what also
// adds is for the caller to look at.
func (s *Store) viewer(ctx context.Context, k keys, user string, also func(redis.Pipeliner)) (string, []string, error) {
	// HMGET, not HGET: most people never chose a language, and HGET's
	// answer for them is an error (redis.Nil) that go-redis examines, with
	// allocations, as a possible connection failure on every command.
	var lang *redis.SliceCmd
	var managers *redis.StringSliceCmd
	_, _ = s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		lang = p.HMGet(ctx, k.lang(), user)
		managers = p.SMembers(ctx, k.managers())
		if also != nil {
			also(p)
		}
		return nil
	}) // each command's own error is looked at below
	for _, err := range []error{lang.Err(), managers.Err()} {
		if err != nil {
			return "", nil, failed(err, "viewer %s", user)
		}
	}
	m := managers.Val()
	slices.Sort(m)
	var chosen string
	if v := lang.Val(); len(v) == 1 {
		chosen, _ = v[0].(string)
	}
	return chosen, m, nil
}
