package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"salesbot"
)

// What a manager's digest and a period's report read: the period's changes
// and the team's read models, never the whole team.

// digestScript reads, in one step of bounded cost, what a digest needs
// besides the leads themselves: the manager's mark, the newest page of the
// activity stream, the IDs of the most overdue follow-ups and how many
// there are, of the A and B leads untouched within their cadence, of each
// rep's first A and B leads, the pipeline's counts and the pending
// approvals. It answers
// {mark, entries, overdue, overdue total, untouched A, untouched B,
// watched, counts, approvals, through, seen, open}: through is where the
// activity read ends, in stream milliseconds (Redis's clock, or the
// caller's now when the store places changes at their own times); seen is
// what the manager's previous digest reported (JSON, "" for none); open
// counts the reps' open leads when reps are named.
//
// KEYS: rm:due, rm:touched:A, rm:touched:B, rm:owners, the activity
// stream, the mark, the pending approvals, rm:open:<grade> for each grade,
// the slot guard (keys.slotGuard).
// ARGV: the team's key prefix, now (ms), overdue limit, untouched limit,
// last touch before which A, then B, is untouched (ms), per-rep limit,
// activity page size, the number of stages, the oldest activity to read
// (a stream ID, or "-"), the newest ("" for Redis's clock), the key of
// what the previous digest reported ("" for none), the reps whose leads
// are watched, comma-separated ("" for everyone who owns leads).
var digestScript = redis.NewScript(`
local prefix, now, noverdue, nuntouched = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local beforeA, beforeB, perrep, page, nstages = ARGV[5], ARGV[6], tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
local floor, through, seenkey, reps = ARGV[10], ARGV[11], ARGV[12], ARGV[13]
if through == '' then
  -- The stream's IDs are Redis's clock: the period ends just before its
  -- now, so that a change written later in this very millisecond falls in
  -- the next period, not in none.
  local t = redis.call('TIME')
  through = tostring(tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) - 1)
end
local function upto(key, before, n)
  if n < 1 then return {} end
  return redis.call('ZRANGEBYSCORE', key, '-inf', '(' .. before, 'LIMIT', 0, n)
end
local owners, open = {}, 0
if reps == '' then
  owners = redis.call('SMEMBERS', KEYS[4])
else
  for rep in string.gmatch(reps, '[^,]+') do
    owners[#owners + 1] = rep
    open = open + redis.call('ZCARD', prefix .. 'rm:mine:' .. rep)
  end
end
local seen = ''
if seenkey ~= '' then seen = redis.call('GET', seenkey) or '' end
local watched = {}
for _, owner in ipairs(owners) do
  if perrep > 0 then
    for _, id in ipairs(redis.call('ZRANGE', prefix .. 'rm:watched:' .. owner, 0, perrep - 1)) do
      watched[#watched + 1] = id
    end
  end
end
local counts = {}
for g = 8, #KEYS - 1 do
  for st = 0, nstages - 1 do
    counts[#counts + 1] = redis.call('ZCOUNT', KEYS[g], st * ` + rankLua + `, '(' .. ((st + 1) * ` + rankLua + `))
  end
end
local approvals = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[7], 0, 99)) do
  local a = redis.call('GET', prefix .. 'approval:' .. id)
  if a then approvals[#approvals + 1] = a end
end
return {
  redis.call('GET', KEYS[6]) or '',
  redis.call('XREVRANGE', KEYS[5], through, floor, 'COUNT', page),
  upto(KEYS[1], now, noverdue),
  redis.call('ZCOUNT', KEYS[1], '-inf', '(' .. now),
  upto(KEYS[2], beforeA, nuntouched),
  upto(KEYS[3], beforeB, nuntouched),
  watched, counts, approvals, through, seen, open,
}
`)

// rankLua is rank as Lua reads it, a whole number.
const rankLua = "10000000000000"

// digestPage is how many of the newest activity entries the digest script
// reads; a busier period is read on, page by page, from where it stopped.
const digestPage = 2000

// DigestData reads what a manager's digest needs in two round trips (three
// for a team of more than 10,000 leads to read, or a period of more than
// digestPage changes): the digest script, then the leads it and the
// period's changes name. Its cost follows the period's changes and the
// limits asked for, not the team's size.
func (s *Store) DigestData(ctx context.Context, team string, q salesbot.DigestQuery) (salesbot.DigestData, error) {
	k, err := keysOf(team)
	if err != nil {
		return salesbot.DigestData{}, fmt.Errorf("digest data: %w", err)
	}
	msArg := func(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }
	untouched := func(g salesbot.Grade) string {
		every, ok := q.Cadence[g]
		if !ok {
			every = salesbot.DefaultCadence()[g]
		}
		return msArg(q.Now.Add(-every))
	}
	// The activity the script reads, newest first: from through (the
	// stream's clock: Redis's own, or with WithChangeTime the changes' and
	// so the caller's) down to floor.
	through := ""
	if s.changeTime {
		through = msArg(q.Now)
	}
	floor := "-"
	if !q.Floor.IsZero() {
		floor = msArg(q.Floor)
	}
	mark := k.mark("")
	if q.Mark != "" {
		mark = k.mark(q.Mark)
	}
	seenKey := ""
	if q.Seen != "" {
		seenKey = k.digestSeen(q.Seen)
	}
	keys := []string{k.rmDue(), k.rmTouched(salesbot.GradeA), k.rmTouched(salesbot.GradeB), k.rmOwners(),
		k.activity(), mark, k.pendingApprovals()}
	for _, g := range salesbot.Grades {
		keys = append(keys, k.rmOpen(g))
	}
	keys = append(keys, k.slotGuard()) // it reads rm:mine:, rm:watched: and approvals by name
	res, err := digestScript.Run(ctx, s.client, keys, k.prefix, msArg(q.Now), max(q.Overdue, 0), max(q.Untouched, 0),
		untouched(salesbot.GradeA), untouched(salesbot.GradeB), max(q.PerRep, 0), digestPage, len(salesbot.Stages), floor, through,
		seenKey, strings.Join(q.Reps, ",")).Slice()
	if err != nil {
		return salesbot.DigestData{}, failed(err, "digest data of %s", team)
	}
	if len(res) != 12 {
		return salesbot.DigestData{}, failed(bug{fmt.Errorf("digest script answered %d values", len(res))}, "digest data of %s", team)
	}
	d := salesbot.DigestData{Since: q.Since, Pipeline: salesbot.Pipeline{}}
	if raw, _ := res[9].(string); raw != "" {
		if n, err := strconv.ParseInt(raw, 10, 64); err == nil {
			d.Through = time.UnixMilli(n)
		}
	}
	if q.Mark != "" && q.Period != nil {
		last := time.Time{}
		if raw, _ := res[0].(string); raw != "" {
			if n, err := strconv.ParseInt(raw, 10, 64); err == nil {
				last = time.UnixMilli(n)
			}
		}
		d.Since = q.Period(last)
	}
	if d.Changes, err = s.activitySince(ctx, k, res[1], d.Since); err != nil {
		return salesbot.DigestData{}, failed(err, "digest data of %s", team)
	}
	d.OverdueTotal = int(asInt(res[3]))
	for i, c := range salesbot.Cells() {
		if counts := asSlice(res[7]); i < len(counts) {
			d.Pipeline.Add(c, int(asInt(counts[i])))
		}
	}
	for _, raw := range asSlice(res[8]) {
		var a salesbot.Approval
		if str, _ := raw.(string); json.Unmarshal([]byte(str), &a) == nil && a.Status == salesbot.ApprovalPending {
			d.Pending = append(d.Pending, &a)
		}
	}
	d.Open = int(asInt(res[11]))
	if raw, _ := res[10].(string); raw != "" {
		if err := json.Unmarshal([]byte(raw), &d.Seen); err != nil {
			// What was reported is forgotten: this digest tells it anew.
			s.skip(ctx, seenKey, err)
			d.Seen = salesbot.DigestSeen{}
		}
	}
	ids := newIDSet()
	for _, c := range d.Changes {
		ids.add(c.LeadID)
	}
	// The leads the previous digest reported on, to tell what is gone.
	for _, key := range d.Seen.Risks {
		id, _, _ := strings.Cut(key, "|")
		ids.add(id)
	}
	ids.add(d.Seen.Parked...)
	for _, list := range []any{res[2], res[4], res[5], res[6]} {
		for _, id := range asSlice(list) {
			if str, ok := id.(string); ok {
				ids.add(str)
			}
		}
	}
	if d.Leads, err = s.leads(ctx, k, ids.list); err != nil {
		return salesbot.DigestData{}, failed(err, "digest data of %s", team)
	}
	withCompanies(d.Changes, d.Leads)
	return d, nil
}

// activitySince decodes a page of the activity stream, newest first (up
// to the digest's now), as XREVRANGE answers it, and reads on from its end while
// the window goes back further; it returns the changes written after
// since, oldest first. The window is on the stream's own time axis, its
// entries' IDs, as Activity's is.
func (s *Store) activitySince(ctx context.Context, k keys, page any, since time.Time) ([]salesbot.Change, error) {
	var changes []salesbot.Change
	after := since.UnixMilli()
	for {
		entries := asSlice(page)
		done, last := len(entries) < digestPage, ""
		for _, e := range entries {
			entry := asSlice(e)
			if len(entry) != 2 {
				continue
			}
			last, _ = entry[0].(string)
			ms, _, _ := strings.Cut(last, "-")
			if at, err := strconv.ParseInt(ms, 10, 64); err != nil || at <= after {
				done = true
				break
			}
			fields := asSlice(entry[1])
			var raw string
			for f := 0; f+1 < len(fields); f += 2 {
				if name, _ := fields[f].(string); name == "change" {
					raw, _ = fields[f+1].(string)
				}
			}
			c, err := decodeChange([]byte(raw), "")
			if err != nil {
				s.skip(ctx, k.activity()+" "+last, err)
				continue
			}
			changes = append(changes, c)
		}
		if done || last == "" {
			break
		}
		next, err := s.client.Do(ctx, "XREVRANGE", k.activity(), "("+last, strconv.FormatInt(after+1, 10), "COUNT", digestPage).Result()
		if err != nil {
			return nil, err
		}
		page = next
	}
	slices.Reverse(changes)
	return changes, nil
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

func asInt(v any) int64 {
	n, _ := v.(int64)
	return n
}

// ReportData reads what a report of a period starting at from needs: the
// changes from from up to now, the leads registered since from or touched
// by those changes, the pipeline and the reps with open leads. Its cost
// follows the period's registrations and changes, not the team's size.
func (s *Store) ReportData(ctx context.Context, team string, from, now time.Time) (salesbot.ReportInput, error) {
	k, err := keysOf(team)
	if err != nil {
		return salesbot.ReportInput{}, fmt.Errorf("report data: %w", err)
	}
	// Activity leaves out changes made at since itself; a period includes
	// its first instant.
	changes, err := s.activity(ctx, k, from.Add(-time.Nanosecond), now)
	if err != nil {
		return salesbot.ReportInput{}, err
	}
	var (
		registered, owners *redis.StringSliceCmd
		cells              = salesbot.Cells()
		counts             = make([]*redis.IntCmd, len(cells))
	)
	_, err = s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		// The team's list is scored by registration, in whole seconds.
		registered = p.ZRangeByScore(ctx, k.leads(), &redis.ZRangeBy{Min: strconv.FormatInt(from.Unix(), 10), Max: "+inf"})
		owners = p.SMembers(ctx, k.rmOwners())
		for i, c := range cells {
			counts[i] = pipelineCount(ctx, p, k, c)
		}
		return nil
	})
	if err != nil {
		return salesbot.ReportInput{}, failed(err, "report data of %s", team)
	}
	in := salesbot.ReportInput{Changes: changes, Pipeline: salesbot.Pipeline{}, Reps: []string{}}
	for i, c := range cells {
		in.Pipeline.Add(c, int(counts[i].Val()))
	}
	ids := newIDSet()
	ids.add(registered.Val()...)
	for _, c := range changes {
		ids.add(c.LeadID)
	}
	mine := make([]*redis.IntCmd, len(owners.Val()))
	_, err = s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, o := range owners.Val() {
			mine[i] = p.ZCard(ctx, k.rmMine(o))
		}
		return nil
	})
	if err != nil {
		return salesbot.ReportInput{}, failed(err, "report data of %s", team)
	}
	for i, o := range owners.Val() {
		if mine[i].Val() > 0 {
			in.Reps = append(in.Reps, o)
		}
	}
	if in.Leads, err = s.leads(ctx, k, ids.list); err != nil {
		return salesbot.ReportInput{}, failed(err, "report data of %s", team)
	}
	withCompanies(in.Changes, in.Leads)
	return in, nil
}
