package store

import (
	"context"
	"fmt"
	"math"
	"salesbot"
	"strconv"

	"github.com/redis/go-redis/v9"
)

// forecastScript tallies a period from the deal read models, in one step
// on the server whose cost follows the deals of the period, not the team:
// it reads the IDs closing (KEYS[1]: rm:close, or rm:close:<owner>) and
// won (KEYS[2]: rm:won) from day ARGV[1] to ARGV[2], their records from
// rm:deal (KEYS[3]) a thousand at a time, and counts each as
// salesbot.Tally.Count does (won: Won; open: Open, without a value
// NoValue, else its category's sum and, weighted by its stage's
// probability, WeightedPct; omitted deals only in Open). It keeps the
// ARGV[5] biggest open deals with a value (not omitted) in
// salesbot.Bigger's order, with ARGV[4] the team's currency, and reads
// the slips (KEYS[4]) since ARGV[6] (ms, or -inf), latest first, at most
// ARGV[7]. ARGV[3], when not "", is the one owner counted. ARGV[8] is
// what the tallies are kept by: "owner", or "source" (the record's
// eleventh field, "" when it has none). Then come stage, probability
// pairs.
//
// Lua's numbers are doubles, exact only below 2^53: each sum is kept in
// two parts, whole 10^9 minor units and the rest, the rest carried into
// the first past 4e15, and a value (or value × probability) too big to
// add exactly is split into its digits above and below 10^9 first. So
// the sums Go puts together are exact as the domain's int64 sums are.
//
// It answers {tallies, biggest, slips}: tallies is, per owner, {owner,
// open, won deals, no value, {currency, won hi, won lo, commit hi, commit
// lo, best hi, best lo, pipeline hi, pipeline lo, weighted hi, weighted
// lo}…, {stage, currency, open value hi, lo}…}; biggest is {id,
// record}…; slips are slip records.
var forecastScript = redis.NewScript(`
local from, to, owner, team = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local nbig, since, nslips, bysource = tonumber(ARGV[5]), ARGV[6], tonumber(ARGV[7]), ARGV[8] == 'source'
local prob = {}
for j = 9, #ARGV - 1, 2 do prob[ARGV[j]] = tonumber(ARGV[j + 1]) end
local sourcepattern = '^' .. string.rep('[^\31]*\31', 10) .. '([^\31]*)$'
local pattern = '^([^\31]*)\31([^\31]*)\31([^\31]*)\31([^\31]*)\31([^\31]*)\31'
local daypattern = '^[^\31]*\31[^\31]*\31[^\31]*\31[^\31]*\31[^\31]*\31([^\31]*)'
local slot = {commit = 3, best = 5, pipeline = 7, [''] = 7}
local tallies, order, big = {}, {}, {}
local floor = math.floor
-- An exact sum is kept in two numbers, c[i] in units of 10^9 and c[i + 1]
-- below 4e15: adding a whole number below 4e15 to it stays below 2^53.
local LIMIT = 4e15

local function split(minor)
  local n = #minor
  if n <= 9 then return 0, tonumber(minor) end
  return tonumber(string.sub(minor, 1, n - 9)), tonumber(string.sub(minor, n - 8))
end
-- add adds v, a whole number below LIMIT, to the sum at c[i], c[i + 1].
local function add(c, i, v)
  local lo = c[i + 1] + v
  if lo >= LIMIT then
    local q = floor(lo / 1e9)
    c[i], lo = c[i] + q, lo - q * 1e9
  end
  c[i + 1] = lo
end
-- addMinor adds p times minor (digits, v its value as a double) exactly.
local function addMinor(c, i, minor, v, p)
  if v * p < LIMIT then
    add(c, i, v * p)
  else
    local hi, lo = split(minor)
    c[i] = c[i] + hi * p
    add(c, i, lo * p)
  end
end
local function tally(o)
  local t = tallies[o]
  if not t then
    t = {0, 0, 0, {}, {}, {}, {}}
    tallies[o] = t
    order[#order + 1] = o
  end
  return t
end
local function sums(t, cur)
  local c = t[4][cur]
  if not c then
    c = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
    t[4][cur] = c
    t[5][#t[5] + 1] = cur
  end
  return c
end
-- beats reports whether a deal comes before the entry e in Bigger's
-- order: the team's currency first, then by currency, by value (as
-- doubles while exact, else as digits without leading zeros: longer is
-- more), sooner close, ID. The close day is read from the record only
-- when it decides.
local function beats(cur, minor, v, rec, id, e)
  if (cur == team) ~= (e[1] == team) then return cur == team end
  if cur ~= e[1] then return cur < e[1] end
  if v < 2^53 and e[6] < 2^53 then
    if v ~= e[6] then return v > e[6] end
  elseif minor ~= e[2] then
    if #minor ~= #e[2] then return #minor > #e[2] end
    return minor > e[2]
  end
  local d = tonumber(string.match(rec, daypattern))
  if d ~= e[3] then return d < e[3] end
  return id < e[4]
end
local function count(id, rec)
  local o, stage, cat, cur, minor = string.match(rec, pattern)
  if not o or (owner ~= '' and o ~= owner) or stage == 'lost' then return end
  local t
  if bysource then
    t = tally(string.match(rec, sourcepattern) or '')
  else
    t = tally(o)
  end
  if stage == 'won' then
    t[2] = t[2] + 1
    if minor ~= '' then addMinor(sums(t, cur), 1, minor, tonumber(minor), 1) end
    return
  end
  t[1] = t[1] + 1
  if minor == '' then
    t[3] = t[3] + 1
    return
  end
  local s = slot[cat]
  if not s then return end
  local c, v = sums(t, cur), tonumber(minor)
  addMinor(c, s, minor, v, 1)
  local sk = stage .. '\31' .. cur
  local st = t[6][sk]
  if not st then
    st = {stage, cur, 0, 0}
    t[6][sk] = st
    t[7][#t[7] + 1] = sk
  end
  addMinor(st, 3, minor, v, 1)
  addMinor(c, 9, minor, v, prob[stage] or 0)
  if nbig > 0 and (#big < nbig or beats(cur, minor, v, rec, id, big[#big])) then
    local j = #big + 1
    while j > 1 and beats(cur, minor, v, rec, id, big[j - 1]) do
      big[j] = big[j - 1]
      j = j - 1
    end
    big[j] = {cur, minor, tonumber(string.match(rec, daypattern)), id, rec, v}
    if #big > nbig then big[#big] = nil end
  end
end
local function each(key)
  local ids = redis.call('ZRANGEBYSCORE', key, from, to)
  for s = 1, #ids, 1000 do
    local e = math.min(s + 999, #ids)
    local recs = redis.call('HMGET', KEYS[3], unpack(ids, s, e))
    for j = 1, e - s + 1 do
      if recs[j] then count(ids[s + j - 1], recs[j]) end
    end
  end
end
each(KEYS[1])
each(KEYS[2])

local out = {}
for _, o in ipairs(order) do
  local t = tallies[o]
  local row = {o, t[1], t[2], t[3]}
  for _, cur in ipairs(t[5]) do
    local c = t[4][cur]
    row[#row + 1] = {cur, c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10]}
  end
  for _, sk in ipairs(t[7]) do
    row[#row + 1] = t[6][sk]
  end
  out[#out + 1] = row
end
local biggest = {}
for _, e in ipairs(big) do
  biggest[#biggest + 1] = e[4]
  biggest[#biggest + 1] = e[5]
end
-- The slips that took a deal out of the period (from a day in it to a
-- day after it) and that it is still out of: open, closing after the
-- period (a deal pulled back in, or closed since, is not listed).
local first, last = tonumber(from), tonumber(to)
local function slippedOut(m)
  local id, o, f, t = string.match(m, '^[^\31]*\31([^\31]*)\31([^\31]*)\31([^\31]*)\31([^\31]*)')
  f, t = tonumber(f), tonumber(t)
  if not f or not t or (owner ~= '' and o ~= owner) or f < first or f > last or t <= last then
    return false
  end
  local rec = redis.call('HGET', KEYS[3], id)
  if not rec then return false end
  local _, stage = string.match(rec, pattern)
  local d = tonumber(string.match(rec, daypattern))
  return stage ~= 'won' and stage ~= 'lost' and d ~= nil and d > last
end
local slips = {}
local offset = 0
while nslips > 0 do
  local page = redis.call('ZREVRANGEBYSCORE', KEYS[4], '+inf', since, 'LIMIT', offset, 500)
  for _, m in ipairs(page) do
    if slippedOut(m) then
      slips[#slips + 1] = m
      nslips = nslips - 1
      if nslips == 0 then break end
    end
  end
  if #page < 500 then break end
  offset = offset + 500
end
-- The open leads with no close date: all the open ones (KEYS[5…]: the
-- grades' rm:open, or the owner's rm:mine) less those in KEYS[1].
local open = 0
for j = 5, #KEYS do open = open + redis.call('ZCARD', KEYS[j]) end
return {out, biggest, slips, open - redis.call('ZCARD', KEYS[1])}
`)

// ForecastData tallies a period from the deal read models in one script
// (forecastScript): one round trip, never reading a lead, whose cost
// follows the deals closing or won in the period.
func (s *Store) ForecastData(ctx context.Context, team string, q salesbot.ForecastRead) (salesbot.ForecastData, error) {
	k, err := keysOf(team)
	if err != nil {
		return salesbot.ForecastData{}, fmt.Errorf("forecast data: %w", err)
	}
	closing := k.rmClose()
	if q.Owner != "" {
		closing = k.rmCloseOf(q.Owner)
	}
	since := "-inf"
	if !q.SlipsSince.IsZero() {
		since = strconv.FormatInt(q.SlipsSince.UnixMilli(), 10)
	}
	group := "owner"
	if q.BySource {
		group = "source"
	}
	args := []any{day(q.From), day(q.To), q.Owner, string(q.Currency), max(q.Biggest, 0), since, salesbot.MaxSlips, group}
	for _, st := range salesbot.Stages {
		args = append(args, string(st), q.Probability.Of(st))
	}
	keys := []string{closing, k.rmWon(), k.rmDeal(), k.rmSlips()}
	if q.Owner != "" {
		keys = append(keys, k.rmMine(q.Owner))
	} else {
		for _, g := range salesbot.Grades {
			keys = append(keys, k.rmOpen(g))
		}
	}
	res, err := forecastScript.Run(ctx, s.client, keys, args...).Slice()
	if err != nil {
		return salesbot.ForecastData{}, failed(err, "forecast data of %s", team)
	}
	if len(res) != 4 {
		return salesbot.ForecastData{}, failed(bug{fmt.Errorf("forecast script answered %d values", len(res))}, "forecast data of %s", team)
	}
	d := salesbot.ForecastData{Tallies: map[string]salesbot.Tally{}}
	for _, r := range asSlice(res[0]) {
		row := asSlice(r)
		if len(row) < 4 {
			continue
		}
		owner, _ := row[0].(string)
		t := salesbot.NewTally()
		t.Open, t.WonDeals, t.NoValue = int(asInt(row[1])), int(asInt(row[2])), int(asInt(row[3]))
		for _, c := range row[4:] {
			sums := asSlice(c)
			if len(sums) == 4 { // a stage's open value: stage, currency, hi, lo
				st, _ := sums[0].(string)
				cur, _ := sums[1].(string)
				if v := joinParts(asInt(sums[2]), asInt(sums[3])); v != 0 {
					if t.Stages[salesbot.Stage(st)] == nil {
						t.Stages[salesbot.Stage(st)] = salesbot.Money{}
					}
					t.Stages[salesbot.Stage(st)][salesbot.Currency(cur)] = v
				}
				continue
			}
			if len(sums) != 11 {
				continue
			}
			cur, _ := sums[0].(string)
			for i, m := range []salesbot.Money{t.Won, t.Commit, t.Best, t.Pipeline, t.WeightedPct} {
				if v := joinParts(asInt(sums[1+2*i]), asInt(sums[2+2*i])); v != 0 {
					m[salesbot.Currency(cur)] = v
				}
			}
		}
		d.Tallies[owner] = t
	}
	big := asSlice(res[1])
	for i := 0; i+1 < len(big); i += 2 {
		id, _ := big[i].(string)
		rec, _ := big[i+1].(string)
		deal, err := parseDealRecord(id, rec)
		if err != nil {
			s.skip(ctx, k.rmDeal()+" "+id, err)
			continue
		}
		d.Biggest = append(d.Biggest, deal)
	}
	for _, m := range asSlice(res[2]) {
		rec, _ := m.(string)
		slip, err := parseSlipRecord(rec)
		if err != nil {
			s.skip(ctx, k.rmSlips(), err)
			continue
		}
		d.Slips = append(d.Slips, slip)
	}
	d.NoCloseDate = max(int(asInt(res[3])), 0)
	return d, nil
}

// joinParts puts a sum the script kept in two parts (whole 10^9 units and
// the rest) back together, stopping at the largest int64 rather than
// wrapping, as salesbot.Money's sums do.
func joinParts(hi, lo int64) int64 {
	if hi > (math.MaxInt64-lo)/1e9 {
		return math.MaxInt64
	}
	return hi*1e9 + lo
}
