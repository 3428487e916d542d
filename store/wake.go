package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// wakeKey is the sorted set of the teams by when each next needs the
// scheduler's sweep (ms on the scheduler's clock): the sweep takes the teams
// whose time has come, not every team. Its hash tag {sb:teams} puts it in
// sb:teams's slot, so that one script reads both; it is outside every team.
//
// A score of 0 means "now, whatever the clock": every write to a team pulls
// its score down to 0 (see listTeam), or adds it at 0, so that the next
// sweep looks at what the write made due.
const wakeKey = "{sb:teams}:wake"

// wakeClaimsKey holds the teams being swept, scored by when their claim
// runs out; a claimed team is out of wakeKey, unless a write since put it
// back (at 0) for another sweep once this one is over.
const wakeClaimsKey = "{sb:teams}:wake:claims"

// claimWakesScript claims teams due by now that no live claim holds: each
// leaves the wake set for the claims, scored by the claim's end. First the
// claims that ran out (their sweeper died) are due again. The teams whose
// planned time came go before those written to since (scored 0). With teams in
// ARGV (from the fourth on), only those of them are looked at.
//
// KEYS: wake, claims. ARGV: now (ms), the claim's end (ms), limit, teams….
var claimWakesScript = redis.NewScript(`
local now, claim, limit = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3])
for _, team in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 1000)) do
  redis.call('ZREM', KEYS[2], team)
  redis.call('ZADD', KEYS[1], 'LT', 0, team)
end
local cands = {}
if #ARGV > 3 then
  for i = 4, #ARGV do
    local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
    if score and tonumber(score) <= now then cands[#cands + 1] = ARGV[i] end
  end
else
  -- Teams whose time came first, then those written to (scored 0): a
  -- team written to all the time does not hold the others back.
  cands = redis.call('ZRANGEBYSCORE', KEYS[1], '(0', now, 'LIMIT', 0, 4 * limit)
  if #cands < 4 * limit then
    for _, team in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', 0, 'LIMIT', 0, 4 * limit - #cands)) do
      cands[#cands + 1] = team
    end
  end
end
local due = {}
for _, team in ipairs(cands) do
  if #due == limit then break end
  if not redis.call('ZSCORE', KEYS[2], team) then
    redis.call('ZREM', KEYS[1], team)
    redis.call('ZADD', KEYS[2], claim, team)
    due[#due + 1] = team
  end
end
return due
`)

// ClaimWakes claims up to limit teams whose sweep is due by now and that
// no other sweeper holds, each until claimEnd, and returns them (those
// whose planned time came first, soonest first, then those written to):
// one round trip. The sweeper hands each back with SetWakes; one
// that dies leaves them due again at claimEnd.
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
	due, err := claimWakesScript.Run(ctx, s.client, []string{wakeKey, wakeClaimsKey}, args...).StringSlice()
	if err != nil {
		return nil, failed(err, "claim teams to sweep")
	}
	return due, nil
}

// setWakesScript hands claimed teams back, each due at its next time,
// while the claim is still the caller's: a write since the claim (which
// put the team back at 0) keeps it due at once, and a claim that ran out
// and was taken by another sweeper is left to that one.
//
// KEYS: wake, claims. ARGV: the claim's end (ms), then team, next (ms), ….
var setWakesScript = redis.NewScript(`
local n = 0
for i = 2, #ARGV, 2 do
  if redis.call('ZSCORE', KEYS[2], ARGV[i]) == ARGV[1] then
    redis.call('ZREM', KEYS[2], ARGV[i])
    redis.call('ZADD', KEYS[1], 'LT', ARGV[i + 1], ARGV[i])
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
	if err := setWakesScript.Run(ctx, s.client, []string{wakeKey, wakeClaimsKey}, args...).Err(); err != nil {
		return failed(err, "set the teams' next sweeps")
	}
	return nil
}

// wakeTeamsScript adds the teams neither scheduled nor claimed, due at
// once; with ARGV[1] "all", every team is made due at once.
// KEYS: wake, claims. ARGV: "all" or "new", teams….
var wakeTeamsScript = redis.NewScript(`
local n = 0
for i = 2, #ARGV do
  local team = ARGV[i]
  if ARGV[1] == 'all' then
    redis.call('ZADD', KEYS[1], 'LT', 0, team)
    n = n + 1
  elseif not redis.call('ZSCORE', KEYS[1], team) and not redis.call('ZSCORE', KEYS[2], team) then
    redis.call('ZADD', KEYS[1], 0, team)
    n = n + 1
  end
end
return n
`)

// WakeTeams adds teams not scheduled yet (data from before the schedule
// existed, or a schedule lost with its node), due at once; teams scheduled
// or being swept keep their time, unless all is true: then every one of
// teams is due at once. One round trip.
func (s *Store) WakeTeams(ctx context.Context, teams []string, all bool) error {
	if len(teams) == 0 {
		return nil
	}
	args := make([]any, 0, 1+len(teams))
	args = append(args, map[bool]string{true: "all", false: "new"}[all])
	for _, t := range teams {
		args = append(args, t)
	}
	if err := wakeTeamsScript.Run(ctx, s.client, []string{wakeKey, wakeClaimsKey}, args...).Err(); err != nil {
		return failed(err, "schedule teams")
	}
	return nil
}

// wakeSpecKey keeps the settings the teams' next sweeps were planned by
// (the digest's and the review's schedules).
const wakeSpecKey = "{sb:teams}:wake:spec"

// SwapWakeSpec records spec as the settings the sweeps are planned by and
// returns the one recorded before ("" when none was).
func (s *Store) SwapWakeSpec(ctx context.Context, spec string) (string, error) {
	old, err := s.client.SetArgs(ctx, wakeSpecKey, spec, redis.SetArgs{Get: true}).Result()
	if err != nil && err != redis.Nil {
		return "", failed(err, "swap the sweeps' settings")
	}
	return old, nil
}

// refusedKey holds the workspaces whose token Slack refused, each with
// the end of its pause and the reason ("<ms> <reason>"), for every
// replica's readiness to report, whichever replica met the refusal.
const refusedKey = "{sb:teams}:refused"

// SetRefused records that Slack refused the team's token (reason), and
// that its sending waits until then.
func (s *Store) SetRefused(ctx context.Context, team, reason string, until time.Time) error {
	val := strconv.FormatInt(until.UnixMilli(), 10) + " " + reason
	if err := s.client.HSet(ctx, refusedKey, team, val).Err(); err != nil {
		return failed(err, "refused token of %s", team)
	}
	return nil
}

// Refused returns the workspaces whose token Slack refused and whose pause
// has not ended by now, with the reason; it forgets those whose pause
// ended (their token is tried again). One round trip, two when some ended.
func (s *Store) Refused(ctx context.Context, now time.Time) (map[string]string, error) {
	all, err := s.client.HGetAll(ctx, refusedKey).Result()
	if err != nil {
		return nil, failed(err, "refused tokens")
	}
	out := map[string]string{}
	var ended []string
	for team, val := range all {
		ms, reason, _ := strings.Cut(val, " ")
		until, err := strconv.ParseInt(ms, 10, 64)
		if err != nil || until <= now.UnixMilli() {
			ended = append(ended, team)
			continue
		}
		out[team] = reason
	}
	if len(ended) > 0 {
		if err := s.client.HDel(ctx, refusedKey, ended...).Err(); err != nil {
			return out, failed(err, "forget refused tokens")
		}
	}
	return out, nil
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

// WakeAt returns when the team's next sweep is due (the end of its claim
// while it is being swept), and false when it has none scheduled.
func (s *Store) WakeAt(ctx context.Context, team string) (time.Time, bool, error) {
	for _, key := range []string{wakeKey, wakeClaimsKey} {
		score, err := s.client.ZScore(ctx, key, team).Result()
		if err == redis.Nil {
			continue
		} else if err != nil {
			return time.Time{}, false, failed(err, "wake of %s", team)
		}
		return time.UnixMilli(int64(score)), true, nil
	}
	return time.Time{}, false, nil
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

// reclaimScript takes a team the caller still holds (its claim's end is
// ARGV[2]) out of the wake set again, where writes since the claim put it.
// KEYS: wake, claims. ARGV: team, the claim's end (ms).
var reclaimScript = redis.NewScript(`
if redis.call('ZSCORE', KEYS[2], ARGV[1]) == ARGV[2] then
  redis.call('ZREM', KEYS[1], ARGV[1])
end
return 0
`)

// NextWork returns when the team's stored work next falls due, as of now:
// sending is the first follow-up due or inquiry to raise (zero when there
// is none), other the first lease to run out (a reminder's, a stopped
// import's, or one of the named once-only leases, such as "digest:U1:…":
// work another sweeper holds, to be taken over if it dies), zero when there
// is none.
//
// The team, claimed until claimEnd, is first taken out of the wake set
// again, where writes since the claim put it: those writes (the sweep's
// own, most of them) are in what this reads, so they need no further
// sweep; a write after this wakes it as any does.
// One round trip (on a Cluster the two parts go to their nodes at once).
func (s *Store) NextWork(ctx context.Context, team string, now, claimEnd time.Time, leases []string) (sending, other time.Time, err error) {
	k, err := keysOf(team)
	if err != nil {
		return time.Time{}, time.Time{}, fmt.Errorf("next work: %w", err)
	}
	args := make([]any, 0, 1+len(leases))
	args = append(args, k.prefix)
	for _, l := range leases {
		args = append(args, k.onceLease(l))
	}
	teamKeys := []string{k.due(), k.inflight(), k.inboundRaise(), k.imports()}
	claim := strconv.FormatInt(claimEnd.UnixMilli(), 10)
	run := func(eval bool) (*redis.Cmd, error) {
		var work *redis.Cmd
		cmds, err := s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
			if eval {
				reclaimScript.Eval(ctx, p, []string{wakeKey, wakeClaimsKey}, team, claim)
				work = nextWorkScript.Eval(ctx, p, teamKeys, args...)
			} else {
				reclaimScript.EvalSha(ctx, p, []string{wakeKey, wakeClaimsKey}, team, claim)
				work = nextWorkScript.EvalSha(ctx, p, teamKeys, args...)
			}
			return nil
		})
		for _, c := range cmds {
			if noScript(c.Err()) {
				return nil, c.Err()
			}
		}
		return work, err
	}
	work, err := run(false)
	if noScript(err) {
		work, err = run(true)
	}
	if err != nil {
		return time.Time{}, time.Time{}, failed(err, "next work of %s", team)
	}
	res, err := work.Slice()
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
