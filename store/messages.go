package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"salesbot"
)

// messageTTL is how long the bot remembers what a reminder message holds,
// so that a click on it days later can still redraw it.
const messageTTL = 14 * 24 * time.Hour

func (k keys) message(channel, ts string) string { return k.prefix + "msg:" + channel + ":" + ts }

// SaveMessage remembers which leads a message the bot sent is about. Such a
// message belongs to no one: ReminderHandled never redraws it. Reminders are
// saved with SaveReminder.
func (s *Store) SaveMessage(ctx context.Context, team, channel, ts string, leadIDs []string) error {
	return s.SaveReminder(ctx, team, channel, ts, "", leadIDs)
}

// SaveReminder remembers a reminder the bot sent to user (to) and which
// leads it is about, so that a click on it can redraw it, and only its own
// recipient's click.
func (s *Store) SaveReminder(ctx context.Context, team, channel, ts, to string, leadIDs []string) error {
	k, err := keysOf(team)
	if err != nil {
		return fmt.Errorf("save message: %w", err)
	}
	key := k.message(channel, ts)
	_, err = s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		fields := []any{"leads", strings.Join(leadIDs, ",")}
		if to != "" {
			fields = append(fields, "to", to)
		}
		p.HSet(ctx, key, fields...)
		p.Expire(ctx, key, messageTTL)
		return nil
	})
	if err != nil {
		return failed(err, "save message %s/%s", channel, ts)
	}
	return nil
}

// reminderHandledScript records a note on one lead of a reminder if the
// reminder was sent to the user (ARGV[1]) and is about that lead (ARGV[2]),
// and answers the reminder's fields; else it answers why not: "unknown" (no
// such message), "not_yours" or "not_in_it".
var reminderHandledScript = redis.NewScript(`
local leads = redis.call('HGET', KEYS[1], 'leads')
if not leads or leads == '' then return 'unknown' end
if redis.call('HGET', KEYS[1], 'to') ~= ARGV[1] then return 'not_yours' end
if not string.find(',' .. leads .. ',', ',' .. ARGV[2] .. ',', 1, true) then return 'not_in_it' end
redis.call('HSET', KEYS[1], 'done:' .. ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return redis.call('HGETALL', KEYS[1])
`)

// ReminderHandled records what user did about one lead of a reminder (a
// note such as "Snoozed until …") and returns the reminder's leads with the
// notes recorded so far, in one round trip. The reminder must be one the bot
// sent to user (SaveReminder) and be about leadID: otherwise nothing is
// written and the error is EFORBIDDEN (ENOTFOUND when the bot does not
// remember the message), so that no one redraws another's message.
func (s *Store) ReminderHandled(ctx context.Context, team, channel, ts, user, leadID, note string) ([]string, map[string]string, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, nil, fmt.Errorf("reminder handled: %w", err)
	}
	if user == "" || leadID == "" || note == "" {
		return nil, nil, salesbot.Errorf(salesbot.EINVALID, "A reminder is marked handled by someone, about one of its leads.")
	}
	res, err := reminderHandledScript.Run(ctx, s.client, []string{k.message(channel, ts)}, user, leadID, note, messageTTL.Milliseconds()).Result()
	if err != nil {
		return nil, nil, failed(err, "reminder handled %s/%s", channel, ts)
	}
	switch res {
	case "unknown":
		return nil, nil, salesbot.Errorf(salesbot.ENOTFOUND, "The bot does not remember that message.")
	case "not_yours":
		return nil, nil, salesbot.Errorf(salesbot.EFORBIDDEN, "That reminder was sent to someone else.")
	case "not_in_it":
		return nil, nil, salesbot.Errorf(salesbot.EFORBIDDEN, "That reminder is not about this lead.")
	}
	flat, ok := res.([]any)
	if !ok {
		return nil, nil, failed(bug{fmt.Errorf("unexpected answer %T", res)}, "reminder handled %s/%s", channel, ts)
	}
	fields := map[string]string{}
	for i := 0; i+1 < len(flat); i += 2 {
		f, _ := flat[i].(string)
		v, _ := flat[i+1].(string)
		fields[f] = v
	}
	ids, done := messageFields(fields)
	return ids, done, nil
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
	ids, done := messageFields(all.Val())
	return ids, done, nil
}

// messageFields reads a message record: its leads, and the notes on them by
// lead ID. A record without leads has neither.
func messageFields(fields map[string]string) ([]string, map[string]string) {
	if fields["leads"] == "" {
		return nil, nil
	}
	done := map[string]string{}
	for f, v := range fields {
		if id, ok := strings.CutPrefix(f, "done:"); ok {
			done[id] = v
		}
	}
	return strings.Split(fields["leads"], ","), done
}
