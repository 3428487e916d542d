package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"salesbot"
)

var _ salesbot.ReminderStore = (*Store)(nil)

// claimScript takes due follow-ups aside under a lease, in one step, so that
// two sweepers never take the same one. First it puts back those whose lease
// ran out (their sweeper died or hung), to be due now; then it moves up to
// limit due entries from due to inflight, scored by the lease's end, and
// records whose lease each is. A due entry whose lead is still under a live
// lease (an edit re-indexed it meanwhile) is dropped, not claimed: the
// lease's ack, release or expiry indexes the lead again. It returns the
// number put back and, for each claim, its lead ID and failed attempts so far.
//
// Two clocks meet here. Due scores are domain times (a lead's due time, a
// retry the sweeper chose), read against the sweeper's now. Leases are
// measured on Redis's own clock (TIME), the one clock every replica shares:
// a replica whose clock runs ahead must not take a lease over early, nor
// one whose clock lags hold it too long.
//
// KEYS: due, inflight, leases, attempts. ARGV: now (ms), lease (ms), limit, token.
var claimScript = redis.NewScript(`
local now, lease, limit, token = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local t = redis.call('TIME')
local clock = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', clock, 'LIMIT', 0, limit)
for _, id in ipairs(expired) do
  redis.call('ZREM', KEYS[2], id)
  redis.call('HDEL', KEYS[3], id)
  redis.call('ZADD', KEYS[1], 'NX', now, id)
end
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, limit)
local claims = {}
for _, id in ipairs(due) do
  redis.call('ZREM', KEYS[1], id)
  local held = tonumber(redis.call('ZSCORE', KEYS[2], id) or '0')
  if held <= clock then
    redis.call('ZADD', KEYS[2], clock + lease, id)
    redis.call('HSET', KEYS[3], id, token)
    claims[#claims + 1] = id
    claims[#claims + 1] = redis.call('HGET', KEYS[4], id) or '0'
  end
end
return {#expired, claims}
`)

// releaseScript gives a claim back while its lease is held: the lead is due
// again at retryAt, unless a change to it queued a reminder already.
//
// KEYS: due, inflight, leases, attempts. ARGV: id, token, retryAt (ms), failed (0|1).
var releaseScript = redis.NewScript(`
if redis.call('HGET', KEYS[3], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('ZADD', KEYS[1], 'NX', tonumber(ARGV[3]), ARGV[1])
if ARGV[4] == '1' then redis.call('HINCRBY', KEYS[4], ARGV[1], 1) end
return 1
`)

// ClaimDue takes up to limit follow-ups due at or before now for one
// sweeper (token), leased for lease on Redis's clock; see
// salesbot.ReminderStore.
func (s *Store) ClaimDue(ctx context.Context, team, token string, now time.Time, lease time.Duration, limit int) ([]salesbot.ReminderClaim, int, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, 0, fmt.Errorf("claim due: %w", err)
	}
	if limit < 1 {
		return nil, 0, nil
	}
	res, err := claimScript.Run(ctx, s.client, []string{k.due(), k.inflight(), k.leases(), k.attempts()},
		now.UnixMilli(), lease.Milliseconds(), limit, token).Slice()
	if err != nil {
		return nil, 0, failed(err, "claim due in %s", team)
	}
	recovered, _ := res[0].(int64)
	raw, _ := res[1].([]any)
	claims := make([]salesbot.ReminderClaim, 0, len(raw)/2)
	for i := 0; i+1 < len(raw); i += 2 {
		id, _ := raw[i].(string)
		attempts, _ := strconv.Atoi(fmt.Sprint(raw[i+1]))
		claims = append(claims, salesbot.ReminderClaim{Team: team, LeadID: id, Token: token, Attempts: attempts})
	}
	return claims, int(recovered), nil
}

// errLeaseLost ends an ack whose lease another sweeper took over.
var errLeaseLost = errors.New("lease lost")

// AckReminder settles a claim while its lease is held; see
// salesbot.ReminderStore. A lead deleted meanwhile settles as held.
func (s *Store) AckReminder(ctx context.Context, c salesbot.ReminderClaim, fn func(*salesbot.Lead) error) (bool, error) {
	return s.SettleReminder(ctx, c, func(l *salesbot.Lead) ([]salesbot.Change, error) { return nil, fn(l) })
}

// SettleReminder settles a claim as AckReminder does, and keeps the changes
// fn returns in the lead's history and the team's activity in the same
// guarded write; see salesbot.ReminderStore.
func (s *Store) SettleReminder(ctx context.Context, c salesbot.ReminderClaim, fn func(*salesbot.Lead) ([]salesbot.Change, error)) (bool, error) {
	k, err := keysOf(c.Team)
	if err != nil {
		return false, fmt.Errorf("ack reminder: %w", err)
	}
	err = s.retry(ctx, func() error {
		var holder *redis.StringCmd
		var get *redis.StringCmd
		_, err := s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
			holder = p.HGet(ctx, k.leases(), c.LeadID)
			get = p.Get(ctx, k.lead(c.LeadID))
			return nil
		})
		if err != nil && !errors.Is(err, redis.Nil) {
			return err
		}
		if holder.Val() != c.Token {
			return errLeaseLost
		}
		b := &batch{}
		b.do("ZREM", k.inflight(), c.LeadID)
		b.do("HDEL", k.leases(), c.LeadID)
		b.do("HDEL", k.attempts(), c.LeadID)
		rev := ""
		if raw, err := get.Bytes(); err == nil {
			l, pending, err := decodeStoredLead(raw, c.Team)
			if err != nil {
				return err
			}
			rev = revision(raw) // l stays here: nothing to remember
			before := l.Standing()
			changes, err := fn(l)
			if err != nil {
				return fnError{err}
			}
			lead, err := encodeLead(l, pending+len(changes))
			if err != nil {
				return err
			}
			b.do("SET", k.lead(c.LeadID), lead)
			index(b, k, &before, l)
			if len(changes) > 0 {
				if err := s.history(b, k, l.ID, changes, nil, nil); err != nil {
					return err
				}
			}
		} // else the lead is gone: settle the claim alone
		ok, err := s.guarded(ctx, k, []guard{{key: k.leases(), field: c.LeadID, want: c.Token}, unchanged(k.lead(c.LeadID), rev)}, b)
		if err == nil && !ok {
			return redis.TxFailedErr // the lease or the lead changed: look again
		}
		return err
	}, nil)
	var fe fnError
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, errLeaseLost):
		return false, nil
	case errors.As(err, &fe):
		return false, fe.err
	}
	return false, failed(err, "ack reminder %s", c.LeadID)
}

// ReleaseReminder gives a claim back to be due at retryAt; see
// salesbot.ReminderStore. A claim whose lease was lost is left alone.
func (s *Store) ReleaseReminder(ctx context.Context, c salesbot.ReminderClaim, retryAt time.Time, failedAttempt bool) error {
	k, err := keysOf(c.Team)
	if err != nil {
		return fmt.Errorf("release reminder: %w", err)
	}
	flag := "0"
	if failedAttempt {
		flag = "1"
	}
	err = releaseScript.Run(ctx, s.client, []string{k.due(), k.inflight(), k.leases(), k.attempts()},
		c.LeadID, c.Token, retryAt.UnixMilli(), flag).Err()
	if err != nil {
		return failed(err, "release reminder %s", c.LeadID)
	}
	return nil
}

// pauseScript sets the pause's end unless a later one is set already.
// KEYS: pause. ARGV: until (ms), ttl (ms).
var pauseScript = redis.NewScript(`
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > cur then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
return 0
`)

// PauseSending records until when Slack asked the team's messages to wait.
func (s *Store) PauseSending(ctx context.Context, team string, until, now time.Time) error {
	k, err := keysOf(team)
	if err != nil {
		return fmt.Errorf("pause sending: %w", err)
	}
	ttl := until.Sub(now)
	if ttl <= 0 {
		return nil
	}
	ttl = max(ttl, time.Millisecond) // PX takes whole milliseconds
	if err := pauseScript.Run(ctx, s.client, []string{k.pause()}, until.UnixMilli(), ttl.Milliseconds()).Err(); err != nil {
		return failed(err, "pause sending for %s", team)
	}
	return nil
}

// SendingPausedUntil returns when the team's messages may be sent again.
func (s *Store) SendingPausedUntil(ctx context.Context, team string) (time.Time, error) {
	k, err := keysOf(team)
	if err != nil {
		return time.Time{}, fmt.Errorf("sending paused: %w", err)
	}
	ms, err := s.client.Get(ctx, k.pause()).Int64()
	if err == redis.Nil {
		return time.Time{}, nil
	} else if err != nil {
		return time.Time{}, failed(err, "sending paused for %s", team)
	}
	return time.UnixMilli(ms), nil
}

// ClaimOnce reports whether this caller is the first to claim key within ttl.
func (s *Store) ClaimOnce(ctx context.Context, team, key string, ttl time.Duration) (bool, error) {
	k, err := keysOf(team)
	if err != nil {
		return false, fmt.Errorf("claim %s: %w", key, err)
	}
	ok, err := s.client.SetNX(ctx, k.once(key), 1, ttl).Result()
	if err != nil {
		return false, failed(err, "claim %s", key)
	}
	return ok, nil
}

// ForgetOnce drops a claim made with ClaimOnce.
func (s *Store) ForgetOnce(ctx context.Context, team, key string) error {
	k, err := keysOf(team)
	if err != nil {
		return fmt.Errorf("forget %s: %w", key, err)
	}
	if err := s.client.Del(ctx, k.once(key)).Err(); err != nil {
		return failed(err, "forget %s", key)
	}
	return nil
}

// SetMark keeps a named time for the team.
func (s *Store) SetMark(ctx context.Context, team, name string, t time.Time) error {
	k, err := keysOf(team)
	if err != nil {
		return fmt.Errorf("set mark %s: %w", name, err)
	}
	if err := s.client.Set(ctx, k.mark(name), t.UnixMilli(), 0).Err(); err != nil {
		return failed(err, "set mark %s", name)
	}
	return nil
}

// Mark returns a named time kept for the team, or the zero time.
func (s *Store) Mark(ctx context.Context, team, name string) (time.Time, error) {
	k, err := keysOf(team)
	if err != nil {
		return time.Time{}, fmt.Errorf("mark %s: %w", name, err)
	}
	ms, err := s.client.Get(ctx, k.mark(name)).Int64()
	if err == redis.Nil {
		return time.Time{}, nil
	} else if err != nil {
		return time.Time{}, failed(err, "mark %s", name)
	}
	return time.UnixMilli(ms), nil
}
