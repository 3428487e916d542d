package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// wakeKey is the sorted set of the teams by when each next needs the
// scheduler's sweep (ms on the scheduler's clock): the sweep takes the teams
// whose time has come, not every team. Its hash tag {sb:teams} puts it in
// sb:teams's slot, so that one script reads both; it is outside every team.
//
// A score of 0 means "now, whatever the clock": every write to a team pulls
// its score down to 0 (see listTeam), so that the next sweep looks at what
// the write made due. A claimed team is scored by the end of its claim.
const wakeKey = "{sb:teams}:wake"

// claimWakesScript claims the teams due by now: each is scored by the
// claim's end, so that no other sweeper takes it meanwhile, and one whose
// sweeper dies is due again when the claim runs out. With teams in ARGV
// (from the fourth on), only those of them that are due are claimed.
//
// KEYS: wake. ARGV: now (ms), the claim's end (ms), limit, teams….
var claimWakesScript = redis.NewScript(`
local now, claim, limit = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3])
local due = {}
if #ARGV > 3 then
  for i = 4, #ARGV do
    local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
    if score and tonumber(score) <= now and #due < limit then due[#due + 1] = ARGV[i] end
  end
else
  due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, limit)
end
for _, team in ipairs(due) do
  redis.call('ZADD', KEYS[1], 'XX', claim, team)
end
return due
`)

// ClaimWakes claims up to limit teams whose sweep is due by now, each until
// claimEnd (see claimWakesScript), and returns them, soonest first: one
// round trip. The sweeper hands each back with SetWakes.
func (s *Store) ClaimWakes(ctx context.Context, now, claimEnd time.Time, limit int) ([]string, error) {
	return s.claimWakes(ctx, now, claimEnd, limit, nil)
}

// ClaimWakesOf claims, as ClaimWakes does, those of teams whose sweep is
// due by now: for a sweeper that looks after some teams only (a test, a
// console).
func (s *Store) ClaimWakesOf(ctx context.Context, teams []string, now, claimEnd time.Time) ([]string, error) {
	if len(teams) == 0 {
		return nil, nil
	}
	return s.claimWakes(ctx, now, claimEnd, len(teams), teams)
}

func (s *Store) claimWakes(ctx context.Context, now, claimEnd time.Time, limit int, teams []string) ([]string, error) {
	if limit < 1 {
		return nil, nil
	}
	args := []any{now.UnixMilli(), claimEnd.UnixMilli(), limit}
	for _, t := range teams {
		args = append(args, t)
	}
	due, err := claimWakesScript.Run(ctx, s.client, []string{wakeKey}, args...).StringSlice()
	if err != nil {
		return nil, failed(err, "claim teams to sweep")
	}
	return due, nil
}

// setWakesScript scores each team by its next wake, but only while it is
// still scored by the claim's end: a write to the team since its claim
// scored it 0 (due at once), which wins; so does another sweeper's claim.
//
// KEYS: wake. ARGV: the claim's end (ms), then team, next (ms), ….
var setWakesScript = redis.NewScript(`
local n = 0
for i = 2, #ARGV, 2 do
  if redis.call('ZSCORE', KEYS[1], ARGV[i]) == ARGV[1] then
    redis.call('ZADD', KEYS[1], ARGV[i + 1], ARGV[i])
    n = n + 1
  end
end
return n
`)

// SetWakes hands back teams claimed until claimEnd (ClaimWakes), each to be
// swept again at its time in next: one round trip. A team written to since
// it was claimed stays due at once.
func (s *Store) SetWakes(ctx context.Context, claimEnd time.Time, next map[string]time.Time) error {
	if len(next) == 0 {
		return nil
	}
	args := make([]any, 0, 1+2*len(next))
	args = append(args, strconv.FormatInt(claimEnd.UnixMilli(), 10))
	for team, at := range next {
		args = append(args, team, max(at.UnixMilli(), 1))
	}
	if err := setWakesScript.Run(ctx, s.client, []string{wakeKey}, args...).Err(); err != nil {
		return failed(err, "set the teams' next sweeps")
	}
	return nil
}

// WakeTeams adds teams not scheduled yet (data from before the schedule
// existed, or a schedule lost with its node), due at once; teams scheduled
// already keep their time. One round trip.
func (s *Store) WakeTeams(ctx context.Context, teams []string) error {
	if len(teams) == 0 {
		return nil
	}
	members := make([]redis.Z, len(teams))
	for i, t := range teams {
		members[i] = redis.Z{Score: 0, Member: t}
	}
	if err := s.client.ZAddNX(ctx, wakeKey, members...).Err(); err != nil {
		return failed(err, "schedule teams")
	}
	return nil
}

// Wake makes the team's next sweep due at once (after a change the store
// does not see, such as a workspace installed again).
func (s *Store) Wake(ctx context.Context, team string) error {
	if _, err := keysOf(team); err != nil {
		return fmt.Errorf("wake: %w", err)
	}
	if err := s.client.ZAddLT(ctx, wakeKey, redis.Z{Score: 0, Member: team}).Err(); err != nil {
		return failed(err, "wake %s", team)
	}
	return nil
}

// WakeAt returns when the team's next sweep is due, and false when it has
// none scheduled.
func (s *Store) WakeAt(ctx context.Context, team string) (time.Time, bool, error) {
	score, err := s.client.ZScore(ctx, wakeKey, team).Result()
	if err == redis.Nil {
		return time.Time{}, false, nil
	} else if err != nil {
		return time.Time{}, false, failed(err, "wake of %s", team)
	}
	return time.UnixMilli(int64(score)), true, nil
}

// nextWorkScript finds the earliest work stored for a team: the first
// follow-up due, the first inquiry to raise, and, on Redis's clock, the
// first reminder lease to run out, the first import whose runner's lease
// runs out (one without a lease is due now), and the first of the named
// once-only leases to run out. Each is -1 when there is none; lease ends
// are returned as milliseconds from now.
//
// KEYS: due, inflight, inbound:raise, imports. ARGV: the team's key prefix,
// then the once-only lease keys.
var nextWorkScript = redis.NewScript(`
local function first(key)
  local r = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  if #r == 0 then return -1 end
  return tonumber(r[2])
end
local t = redis.call('TIME')
local clock = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local inflight = first(KEYS[2])
if inflight >= 0 then inflight = math.max(inflight - clock, 0) end
local lease = -1
local function soonest(ttl)
  if ttl < 0 then ttl = 0 end
  if lease < 0 or ttl < lease then lease = ttl end
end
for _, plan in ipairs(redis.call('SMEMBERS', KEYS[4])) do
  soonest(redis.call('PTTL', ARGV[1] .. 'import:lease:' .. plan))
end
for i = 2, #ARGV do
  local ttl = redis.call('PTTL', ARGV[i])
  if ttl >= 0 then soonest(ttl) end
end
return {tostring(first(KEYS[1])), tostring(first(KEYS[3])), inflight, lease}
`)

// NextWork returns when the team's stored work next falls due, as of now:
// sending is the first follow-up due or inquiry to raise (zero when there
// is none), other the first lease to run out (a reminder's, a stopped
// import's, or one of the named once-only leases, such as "digest:U1:…":
// work another sweeper holds, to be taken over if it dies), zero when there
// is none. One round trip.
func (s *Store) NextWork(ctx context.Context, team string, now time.Time, leases []string) (sending, other time.Time, err error) {
	k, err := keysOf(team)
	if err != nil {
		return time.Time{}, time.Time{}, fmt.Errorf("next work: %w", err)
	}
	args := make([]any, 0, 1+len(leases))
	args = append(args, k.prefix)
	for _, l := range leases {
		args = append(args, k.onceLease(l))
	}
	res, err := nextWorkScript.Run(ctx, s.client, []string{k.due(), k.inflight(), k.inboundRaise(), k.imports()}, args...).Slice()
	if err != nil {
		return time.Time{}, time.Time{}, failed(err, "next work of %s", team)
	}
	if len(res) != 4 {
		return time.Time{}, time.Time{}, fmt.Errorf("next work of %s: %d values", team, len(res))
	}
	at := func(v any) (int64, bool) {
		switch v := v.(type) {
		case int64:
			return v, v >= 0
		case string:
			f, err := strconv.ParseFloat(v, 64)
			return int64(f), err == nil && f >= 0
		}
		return 0, false
	}
	for _, v := range res[:2] {
		if ms, ok := at(v); ok {
			sending = earliest(sending, time.UnixMilli(ms))
		}
	}
	for _, v := range res[2:] {
		if ms, ok := at(v); ok {
			other = earliest(other, now.Add(time.Duration(ms)*time.Millisecond))
		}
	}
	return sending, other, nil
}

// earliest returns the earlier of a and b, a zero time being none.
func earliest(a, b time.Time) time.Time {
	if a.IsZero() || (!b.IsZero() && b.Before(a)) {
		return b
	}
	return a
}
