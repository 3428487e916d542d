package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"salesbot"
)

// The sweep's own keys, besides the reminder index's.
func (k keys) authPause() string            { return k.prefix + "pause:auth" }
func (k keys) onceLease(name string) string { return k.prefix + "lease:" + name }

// heldScript tells, for each claim, whether its sweeper still holds its
// lease: the leases hash names the sweeper, and the lease has not run out on
// Redis's clock (past its end another sweeper may take it over any moment).
//
// KEYS: inflight, leases. ARGV: id, token, id, token, …
var heldScript = redis.NewScript(`
local t = redis.call('TIME')
local clock = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local out = {}
for i = 1, #ARGV, 2 do
  local ok = 0
  if redis.call('HGET', KEYS[2], ARGV[i]) == ARGV[i + 1] then
    local ends = tonumber(redis.call('ZSCORE', KEYS[1], ARGV[i]) or '0')
    if ends > clock then ok = 1 end
  end
  out[#out + 1] = ok
end
return out
`)

// HeldReminders reports, for each of one team's claims, whether its lease is
// still held: a sweeper checks it just before sending, so that a send after
// the lease ran out (and another sweeper may have sent) is skipped.
func (s *Store) HeldReminders(ctx context.Context, team string, claims []salesbot.ReminderClaim) ([]bool, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("held reminders: %w", err)
	}
	if len(claims) == 0 {
		return nil, nil
	}
	args := make([]any, 0, 2*len(claims))
	for _, c := range claims {
		args = append(args, c.LeadID, c.Token)
	}
	res, err := heldScript.Run(ctx, s.client, []string{k.inflight(), k.leases()}, args...).Int64Slice()
	if err != nil {
		return nil, failed(err, "held reminders in %s", team)
	}
	held := make([]bool, len(claims))
	for i := range held {
		held[i] = i < len(res) && res[i] == 1
	}
	return held, nil
}

// claimOnceScript leases a piece of once-only work (a manager's digest of
// one date) unless it was done already. KEYS: done, lease. ARGV: token, lease (ms).
var claimOnceScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0
`)

// doneOnceScript records once-only work as done and drops its lease; it
// returns whether the lease was still the caller's. KEYS: done, lease.
// ARGV: token, ttl (ms).
var doneOnceScript = redis.NewScript(`
local held = redis.call('GET', KEYS[2]) == ARGV[1]
if held then redis.call('DEL', KEYS[2]) end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
if held then return 1 end
return 0
`)

// releaseOnceScript drops a lease that is still the caller's. KEYS: lease.
// ARGV: token.
var releaseOnceScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`)

// LeaseOnce takes once-only work (key, for the team) for token, for lease
// (on Redis's clock), unless it was marked done (DoneOnce) or another
// holder's lease on it is live. A holder that dies leaves the work to be
// taken again when its lease runs out, not lost for the day.
func (s *Store) LeaseOnce(ctx context.Context, team, key, token string, lease time.Duration) (bool, error) {
	k, err := keysOf(team)
	if err != nil {
		return false, fmt.Errorf("lease %s: %w", key, err)
	}
	n, err := claimOnceScript.Run(ctx, s.client, []string{k.once(key), k.onceLease(key)}, token, max(lease.Milliseconds(), 1)).Int()
	if err != nil {
		return false, failed(err, "lease %s", key)
	}
	return n == 1, nil
}

// HoldsOnce reports whether token still holds its lease on key.
func (s *Store) HoldsOnce(ctx context.Context, team, key, token string) (bool, error) {
	k, err := keysOf(team)
	if err != nil {
		return false, fmt.Errorf("lease of %s: %w", key, err)
	}
	holder, err := s.client.Get(ctx, k.onceLease(key)).Result()
	if err != nil && err != redis.Nil {
		return false, failed(err, "lease of %s", key)
	}
	return holder == token, nil
}

// DoneOnce marks leased work done for ttl (as ClaimOnce claims it: no one
// leases it again meanwhile) and drops the lease. held is false when the
// lease had run out or passed to another holder, who may do the work again.
func (s *Store) DoneOnce(ctx context.Context, team, key, token string, ttl time.Duration) (held bool, err error) {
	k, err := keysOf(team)
	if err != nil {
		return false, fmt.Errorf("done %s: %w", key, err)
	}
	n, err := doneOnceScript.Run(ctx, s.client, []string{k.once(key), k.onceLease(key)}, token, max(ttl.Milliseconds(), 1)).Int()
	if err != nil {
		return false, failed(err, "done %s", key)
	}
	return n == 1, nil
}

// ReleaseOnce gives leased work back, to be leased again at once; a lease
// that is not token's any more is left alone.
func (s *Store) ReleaseOnce(ctx context.Context, team, key, token string) error {
	k, err := keysOf(team)
	if err != nil {
		return fmt.Errorf("release %s: %w", key, err)
	}
	if err := releaseOnceScript.Run(ctx, s.client, []string{k.onceLease(key)}, token).Err(); err != nil {
		return failed(err, "release %s", key)
	}
	return nil
}

// PauseForAuth records that Slack refused the team's token (reason is its
// error, such as token_revoked), for every replica, until then: sending
// waits until then before the token is tried again. Like PauseSending, the
// end is the caller's time; the key expires with it.
func (s *Store) PauseForAuth(ctx context.Context, team, reason string, until, now time.Time) error {
	k, err := keysOf(team)
	if err != nil {
		return fmt.Errorf("pause for auth: %w", err)
	}
	ttl := until.Sub(now)
	if ttl <= 0 {
		return nil
	}
	val := strconv.FormatInt(until.UnixMilli(), 10) + " " + reason
	if err := s.client.Set(ctx, k.authPause(), val, max(ttl, time.Millisecond)).Err(); err != nil {
		return failed(err, "pause %s for auth", team)
	}
	return nil
}

// AuthPaused returns why and until when the team's sending is paused for a
// refused token; "" and the zero time when it is not.
func (s *Store) AuthPaused(ctx context.Context, team string) (string, time.Time, error) {
	k, err := keysOf(team)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("auth paused: %w", err)
	}
	val, err := s.client.Get(ctx, k.authPause()).Result()
	if err == redis.Nil {
		return "", time.Time{}, nil
	} else if err != nil {
		return "", time.Time{}, failed(err, "auth pause of %s", team)
	}
	ms, reason, _ := strings.Cut(val, " ")
	n, err := strconv.ParseInt(ms, 10, 64)
	if err != nil || reason == "" {
		return "", time.Time{}, fmt.Errorf("auth pause of %s: malformed %q", team, val)
	}
	return reason, time.UnixMilli(n), nil
}
