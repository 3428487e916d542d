package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// messageTTL is how long the bot remembers what a reminder message holds,
// so that a click on it days later can still redraw it.
const messageTTL = 14 * 24 * time.Hour

func (k keys) message(channel, ts string) string { return k.prefix + "msg:" + channel + ":" + ts }

// SaveMessage remembers which leads a message the bot sent is about.
func (s *Store) SaveMessage(ctx context.Context, team, channel, ts string, leadIDs []string) error {
	k, err := keysOf(team)
	if err != nil {
		return fmt.Errorf("save message: %w", err)
	}
	key := k.message(channel, ts)
	_, err = s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, key, "leads", strings.Join(leadIDs, ","))
		p.Expire(ctx, key, messageTTL)
		return nil
	})
	if err != nil {
		return failed(err, "save message %s/%s", channel, ts)
	}
	return nil
}

// MessageHandled records what was done about one lead of a message (a note
// such as "Snoozed until …"; "" only reads) and returns the message's leads
// with the notes recorded so far. A message the bot does not remember has
// no leads.
func (s *Store) MessageHandled(ctx context.Context, team, channel, ts, leadID, note string) ([]string, map[string]string, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, nil, fmt.Errorf("message handled: %w", err)
	}
	key := k.message(channel, ts)
	var all *redis.MapStringStringCmd
	_, err = s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		if note != "" {
			p.HSet(ctx, key, "done:"+leadID, note)
			p.Expire(ctx, key, messageTTL) // never leave a key without one
		}
		all = p.HGetAll(ctx, key)
		return nil
	})
	if err != nil {
		return nil, nil, failed(err, "message handled %s/%s", channel, ts)
	}
	fields := all.Val()
	if fields["leads"] == "" {
		return nil, nil, nil
	}
	done := map[string]string{}
	for f, v := range fields {
		if id, ok := strings.CutPrefix(f, "done:"); ok {
			done[id] = v
		}
	}
	return strings.Split(fields["leads"], ","), done, nil
}
