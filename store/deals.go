package store

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"salesbot"
)

// The deal read models (DOMAIN.md §7), written with the lead by the same
// guarded script, from its Standing before and after (see readModels):
//
//	rm:close          open deals with an expected close, by its day
//	rm:close:<owner>  the same, one owner's (the weekly review's list)
//	rm:won            won deals, by the day (UTC) they were won
//	rm:deal           hash: lead ID → the deal's record (dealRecord), for
//	                  every lead in rm:close or rm:won
//	rm:slips          the last slipRetention of slips, by their time in ms
//	                  (slipRecord)
//
// Days are days since 1970-01-01, so that a period is one score range.
// Like the other read models these are memberships: restating a deal
// changes nothing. A record missing from rm:deal for an ID in a set is
// skipped by the readers (RebuildReadModels heals it).
func (k keys) rmClose() string               { return k.prefix + "rm:close" }
func (k keys) rmCloseOf(owner string) string { return k.prefix + "rm:close:" + owner }
func (k keys) rmWon() string                 { return k.prefix + "rm:won" }
func (k keys) rmDeal() string                { return k.prefix + "rm:deal" }
func (k keys) rmSlips() string               { return k.prefix + "rm:slips" }

// targets is the hash of a period's targets: rep ("team" for the team's)
// → storedTarget's JSON.
func (k keys) targets(p salesbot.SalesPeriod) string { return k.prefix + "targets:" + p.String() }

// reviews is a rep's review notes, newest first, at most reviewsMax.
func (k keys) reviews(rep string) string { return k.prefix + "reviews:" + rep }

const (
	// slipRetention is how long rm:slips keeps a slip: a month's forecast
	// looks at the slips of the weeks before.
	slipRetention = 35 * 24 * time.Hour
	// reviewsMax bounds a rep's review notes.
	reviewsMax = 50
	// teamTarget is the targets hash's field for the team's own target.
	teamTarget = "team"
	// sep separates a record's fields: a control character, which no
	// company name, user ID, stage or currency holds (CleanCompany refuses
	// them).
	sep = "\x1f"
)

// day is d as a read model's score: days since 1970-01-01.
func day(d salesbot.Date) int64 {
	s := d.In(time.UTC).Unix()
	if s < 0 {
		return (s - 86399) / 86400
	}
	return s / 86400
}

// dateOfDay is the Date of a day as day numbers it.
func dateOfDay(n int64) salesbot.Date { return salesbot.DateOf(time.Unix(n*86400, 0).UTC()) }

// dealMemberships lists the deal sets a lead with the given standing is
// in: its open deal by its expected close, or its won deal by the day.
func dealMemberships(k keys, s salesbot.Standing) []membership {
	if d, ok := s.Closing(); ok {
		score := float64(day(d))
		return []membership{{k.rmClose(), score}, {k.rmCloseOf(s.Owner), score}}
	}
	if d, ok := s.WonOn(); ok {
		return []membership{{k.rmWon(), float64(day(d))}}
	}
	return nil
}

// dealRecord is a deal as rm:deal holds it, its fields joined by sep:
// owner, stage, category, currency, minor units, close day (dealMemberships'
// score), grade, slips, at risk (0 or 1), company. The forecast script
// reads the first six; the company comes last so that nothing in it can
// shift the others.
func dealRecord(d salesbot.Deal) string {
	minor, risk := "", "0"
	if !d.Value.IsZero() {
		minor = strconv.FormatInt(d.Value.Minor, 10)
	}
	if d.AtRisk {
		risk = "1"
	}
	return strings.Join([]string{d.Owner, string(d.Stage), string(d.Category.Or()), string(d.Value.Currency), minor,
		strconv.FormatInt(day(d.CloseBy), 10), string(d.Grade), strconv.Itoa(d.Slips), risk, d.Company}, sep)
}

// parseDealRecord reads a dealRecord of the lead id.
func parseDealRecord(id, rec string) (salesbot.Deal, error) {
	f := strings.SplitN(rec, sep, 10)
	if len(f) != 10 {
		return salesbot.Deal{}, bug{fmt.Errorf("deal record of %s has %d fields", id, len(f))}
	}
	d := salesbot.Deal{ID: id, Owner: f[0], Stage: salesbot.Stage(f[1]), Category: salesbot.Category(f[2]),
		Grade: salesbot.Grade(f[6]), AtRisk: f[8] == "1", Company: f[9]}
	var err error
	if f[4] != "" {
		d.Value.Currency = salesbot.Currency(f[3])
		if d.Value.Minor, err = strconv.ParseInt(f[4], 10, 64); err != nil {
			return salesbot.Deal{}, bug{fmt.Errorf("deal record of %s: %w", id, err)}
		}
	}
	n, err := strconv.ParseInt(f[5], 10, 64)
	if err != nil {
		return salesbot.Deal{}, bug{fmt.Errorf("deal record of %s: %w", id, err)}
	}
	d.CloseBy = dateOfDay(n)
	if d.Slips, err = strconv.Atoi(f[7]); err != nil {
		return salesbot.Deal{}, bug{fmt.Errorf("deal record of %s: %w", id, err)}
	}
	return d, nil
}

// dealRecordOf is the record rm:deal holds for a lead with the standing,
// if it is in a deal set.
func dealRecordOf(s salesbot.Standing) (string, bool) {
	_, closing := s.Closing()
	_, won := s.WonOn()
	if !closing && !won {
		return "", false
	}
	return dealRecord(s.Deal), true
}

// dealWrites queues rm:deal's record of lead id, or its removal when the
// lead is in no deal set and was in one (or its standing before is not
// known: a new lead, a restatement).
func dealWrites(b *batch, k keys, id string, before *salesbot.Standing, now salesbot.Standing) {
	if rec, ok := dealRecordOf(now); ok {
		b.do("HSET", k.rmDeal(), id, rec)
		return
	}
	if before == nil {
		b.do("HDEL", k.rmDeal(), id)
	} else if _, had := dealRecordOf(*before); had {
		b.do("HDEL", k.rmDeal(), id)
	}
}

// slipRecord is a slip as rm:slips holds it, its fields joined by sep:
// its time in ms (so that the same push made twice is kept twice), lead
// ID, owner, from day, to day, company.
func slipRecord(s salesbot.Slip) string {
	return strings.Join([]string{strconv.FormatInt(s.At.UnixMilli(), 10), s.LeadID, s.Owner,
		strconv.FormatInt(day(s.From), 10), strconv.FormatInt(day(s.To), 10), s.Company}, sep)
}

// parseSlipRecord reads a slipRecord.
func parseSlipRecord(rec string) (salesbot.Slip, error) {
	f := strings.SplitN(rec, sep, 6)
	if len(f) != 6 {
		return salesbot.Slip{}, bug{fmt.Errorf("slip record has %d fields", len(f))}
	}
	var n [3]int64
	for i, s := range []string{f[0], f[3], f[4]} {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return salesbot.Slip{}, bug{fmt.Errorf("slip record: %w", err)}
		}
		n[i] = v
	}
	return salesbot.Slip{At: time.UnixMilli(n[0]).UTC(), LeadID: f[1], Owner: f[2],
		From: dateOfDay(n[1]), To: dateOfDay(n[2]), Company: f[5]}, nil
}

// slipWrites queues a slip in rm:slips for each change of the lead's close
// date that was a slip, and drops the slips older than slipRetention.
func slipWrites(b *batch, k keys, l *salesbot.Lead, changes []salesbot.Change) error {
	var latest time.Time
	for _, c := range changes {
		if c.Kind != salesbot.ChangeCloseBy || c.Reason != "slip" {
			continue
		}
		from, err := salesbot.ParseDate(c.From)
		if err != nil {
			return bug{fmt.Errorf("slip of %s from %q: %w", l.ID, c.From, err)}
		}
		to, err := salesbot.ParseDate(c.To)
		if err != nil {
			return bug{fmt.Errorf("slip of %s to %q: %w", l.ID, c.To, err)}
		}
		company := first(c.Company, l.Company)
		b.do("ZADD", k.rmSlips(), max(c.At.UnixMilli(), 0), slipRecord(salesbot.Slip{
			LeadID: l.ID, Company: company, Owner: l.Owner, From: from, To: to, At: c.At}))
		if c.At.After(latest) {
			latest = c.At
		}
	}
	if !latest.IsZero() {
		b.do("ZREMRANGEBYSCORE", k.rmSlips(), "-inf", "("+strconv.FormatInt(latest.Add(-slipRetention).UnixMilli(), 10))
	}
	return nil
}

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
// ARGV[7]. ARGV[3], when not "", is the one owner counted. Then come
// stage, probability pairs.
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
local nbig, since, nslips = tonumber(ARGV[5]), ARGV[6], tonumber(ARGV[7])
local prob = {}
for j = 8, #ARGV - 1, 2 do prob[ARGV[j]] = tonumber(ARGV[j + 1]) end
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
  local t = tally(o)
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
	args := []any{day(q.From), day(q.To), q.Owner, string(q.Currency), max(q.Biggest, 0), since, salesbot.MaxSlips}
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

// DealsClosing returns an owner's open deals closing from one day to
// another (both included), soonest first, at most n of them, and how many
// there are, in two round trips: the range of rm:close:<owner> with its
// count, then the leads.
func (s *Store) DealsClosing(ctx context.Context, team, owner string, from, to salesbot.Date, n int) ([]*salesbot.Lead, int, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, 0, fmt.Errorf("deals closing: %w", err)
	}
	lo, hi := strconv.FormatInt(day(from), 10), strconv.FormatInt(day(to), 10)
	var (
		total *redis.IntCmd
		ids   *redis.StringSliceCmd
	)
	_, err = s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		total = p.ZCount(ctx, k.rmCloseOf(owner), lo, hi)
		if n > 0 {
			ids = p.ZRangeByScore(ctx, k.rmCloseOf(owner), &redis.ZRangeBy{Min: lo, Max: hi, Count: int64(n)})
		}
		return nil
	})
	if err != nil {
		return nil, 0, failed(err, "deals of %s closing", owner)
	}
	if ids == nil {
		return nil, int(total.Val()), nil
	}
	leads, err := s.leads(ctx, k, ids.Val())
	if err != nil {
		return nil, 0, failed(err, "deals of %s closing", owner)
	}
	// The set and the leads are written together; a member left over from
	// a failover is not shown.
	leads = slices.DeleteFunc(leads, func(l *salesbot.Lead) bool { return l.Owner != owner || !l.Open() || l.CloseBy.IsZero() })
	return leads, int(total.Val()), nil
}

// storedTarget is a salesbot.Target as a period's targets hash holds it
// (the rep is the field, the period the key).
type storedTarget struct {
	Minor    int64             `json:"m"`
	Currency salesbot.Currency `json:"c"`
	By       string            `json:"b,omitempty"`
	At       int64             `json:"t,omitempty"`
}

// Targets returns the period's targets by rep ("" for the team's).
func (s *Store) Targets(ctx context.Context, team string, p salesbot.SalesPeriod) (map[string]salesbot.Target, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("targets: %w", err)
	}
	all, err := s.client.HGetAll(ctx, k.targets(p)).Result()
	if err != nil {
		return nil, failed(err, "targets of %s", p)
	}
	targets := make(map[string]salesbot.Target, len(all))
	for field, raw := range all {
		var st storedTarget
		if err := json.Unmarshal([]byte(raw), &st); err != nil {
			s.skip(ctx, k.targets(p)+" "+field, bug{fmt.Errorf("decode target: %w", err)})
			continue
		}
		rep := field
		if rep == teamTarget {
			rep = ""
		}
		t := salesbot.Target{Rep: rep, Period: p, Amount: salesbot.Amount{Minor: st.Minor, Currency: st.Currency}, By: st.By}
		if st.At != 0 {
			t.At = time.UnixMilli(st.At).UTC()
		}
		targets[rep] = t
	}
	return targets, nil
}

// SetTarget sets one target, replacing the one before.
func (s *Store) SetTarget(ctx context.Context, team string, t salesbot.Target) error {
	k, err := keysOf(team)
	if err != nil {
		return fmt.Errorf("set target: %w", err)
	}
	if t.Period.IsZero() {
		return fmt.Errorf("set target: %w", salesbot.Internal(fmt.Errorf("no period given")))
	}
	raw, err := json.Marshal(storedTarget{Minor: t.Amount.Minor, Currency: t.Amount.Currency, By: t.By, At: millis(t.At)})
	if err != nil {
		return failed(bug{err}, "set target")
	}
	field := t.Rep
	if field == "" {
		field = teamTarget
	}
	if err := s.client.HSet(ctx, k.targets(t.Period), field, raw).Err(); err != nil {
		return failed(err, "set target of %s for %s", field, t.Period)
	}
	return nil
}

// SaveReviewNote keeps a review note at the head of its rep's notes,
// which keep the last reviewsMax.
func (s *Store) SaveReviewNote(ctx context.Context, team string, n salesbot.ReviewNote) error {
	k, err := keysOf(team)
	if err != nil {
		return fmt.Errorf("save review note: %w", err)
	}
	raw, err := json.Marshal(n)
	if err != nil {
		return failed(bug{err}, "save review note")
	}
	_, err = s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.LPush(ctx, k.reviews(n.Rep), raw)
		p.LTrim(ctx, k.reviews(n.Rep), 0, reviewsMax-1)
		return nil
	})
	if err != nil {
		return failed(err, "save review note of %s", n.Rep)
	}
	return nil
}

// ReviewNotes returns a rep's last n review notes, newest first.
func (s *Store) ReviewNotes(ctx context.Context, team, rep string, n int) ([]salesbot.ReviewNote, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("review notes: %w", err)
	}
	if n < 1 {
		return nil, nil
	}
	raws, err := s.client.LRange(ctx, k.reviews(rep), 0, int64(min(n, reviewsMax))-1).Result()
	if err != nil {
		return nil, failed(err, "review notes of %s", rep)
	}
	notes := make([]salesbot.ReviewNote, 0, len(raws))
	for _, raw := range raws {
		var note salesbot.ReviewNote
		if err := json.Unmarshal([]byte(raw), &note); err != nil {
			s.skip(ctx, k.reviews(rep), bug{fmt.Errorf("decode review note: %w", err)})
			continue
		}
		notes = append(notes, note)
	}
	return notes, nil
}

// Histories returns the changes of each lead made after since, newest
// first, at most n per lead, in one round trip: the leads' history lists
// read in one pipeline. A lead with no such change is left out.
func (s *Store) Histories(ctx context.Context, team string, ids []string, since time.Time, n int) (map[string][]salesbot.Change, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("histories: %w", err)
	}
	out := make(map[string][]salesbot.Change, len(ids))
	if n < 1 || len(ids) == 0 {
		return out, nil
	}
	cmds := make([]*redis.StringSliceCmd, len(ids))
	_, err = s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range ids {
			cmds[i] = p.LRange(ctx, k.history(id), 0, int64(min(n, listMax))-1)
		}
		return nil
	})
	if err != nil {
		return nil, failed(err, "histories of %d leads", len(ids))
	}
	for i, id := range ids {
		for _, raw := range cmds[i].Val() {
			c, err := decodeChange([]byte(raw), id)
			if err != nil {
				s.skip(ctx, k.history(id), err)
				continue
			}
			if !c.At.After(since) {
				break // newest first: the rest are older still
			}
			out[id] = append(out[id], c)
		}
	}
	return out, nil
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
