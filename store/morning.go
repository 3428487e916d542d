package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"

	"salesbot"
)

// A reminder message that shows some of its recipient's follow-ups and has
// more (the morning message, a page of its Show all) is remembered as any
// reminder is (SaveReminder: its leads and recipient), with two fields
// more: its layout, for redrawing it, and the IDs of the leads it did not
// show, in order, for its Show all button.

// SaveReminderMore remembers a reminder sent to user (to) that shows the
// leads shown and has the rest to show on demand; layout names how it is
// drawn (the handlers' word). One round trip.
func (s *Store) SaveReminderMore(ctx context.Context, team, channel, ts, to string, shown, rest []string, layout string) error {
	k, err := keysOf(team)
	if err != nil {
		return fmt.Errorf("save reminder: %w", err)
	}
	if to == "" {
		return fmt.Errorf("save reminder %s/%s: no recipient", channel, ts)
	}
	key := k.message(channel, ts)
	_, err = s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, key, "leads", strings.Join(shown, ","), "to", to, "layout", layout, "more", strings.Join(rest, ","))
		p.Expire(ctx, key, messageTTL)
		return nil
	})
	if err != nil {
		return failed(err, "save reminder %s/%s", channel, ts)
	}
	return nil
}

// ReminderMore returns how a reminder sent to user is drawn and the leads
// it has still to show, in one round trip. A reminder sent to someone else
// is refused (EFORBIDDEN), one the bot does not remember is ENOTFOUND; a
// reminder saved without them has neither (layout "").
func (s *Store) ReminderMore(ctx context.Context, team, channel, ts, user string) (layout string, rest []string, err error) {
	k, err := keysOf(team)
	if err != nil {
		return "", nil, fmt.Errorf("reminder: %w", err)
	}
	vals, err := s.client.HMGet(ctx, k.message(channel, ts), "to", "layout", "more").Result()
	if err != nil {
		return "", nil, failed(err, "reminder %s/%s", channel, ts)
	}
	to, _ := vals[0].(string)
	layout, _ = vals[1].(string)
	more, _ := vals[2].(string)
	switch {
	case vals[0] == nil:
		return "", nil, salesbot.Errorf(salesbot.ENOTFOUND, "The bot does not remember that message.")
	case to != user:
		return "", nil, salesbot.Errorf(salesbot.EFORBIDDEN, "That reminder was sent to someone else.")
	}
	if more != "" {
		rest = strings.Split(more, ",")
	}
	return layout, rest, nil
}

// LastVisits returns the last visit of each lead named that has one, by
// lead ID, in one round trip.
func (s *Store) LastVisits(ctx context.Context, team string, ids []string) (map[string]salesbot.Visit, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("last visits: %w", err)
	}
	out := make(map[string]salesbot.Visit, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	cmds := make([]*redis.StringSliceCmd, len(ids))
	_, err = s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range ids {
			cmds[i] = p.LRange(ctx, k.visits(id), 0, 0)
		}
		return nil
	})
	if err != nil {
		return nil, failed(err, "last visits")
	}
	for i, id := range ids {
		vs := decodeVisits(cmds[i].Val(), id, func(err error) { s.skip(ctx, k.visits(id), err) })
		if len(vs) > 0 {
			out[id] = vs[0]
		}
	}
	return out, nil
}

// LeadsByID returns the leads named that exist, in the order named, in one
// round trip for a page's worth.
func (s *Store) LeadsByID(ctx context.Context, team string, ids []string) ([]*salesbot.Lead, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("leads: %w", err)
	}
	leads, err := s.leads(ctx, k, ids)
	if err != nil {
		return nil, failed(err, "leads")
	}
	return leads, nil
}
