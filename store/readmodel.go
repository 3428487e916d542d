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

// The team's read models are sorted sets of lead IDs, written by the same
// script that writes a lead, from the lead's Standing before and after:
//
//	rm:open:<grade>    open leads of the grade, by stage then registration
//	rm:due             open leads with a next touch, by its time
//	rm:touched:<A|B>   open A and B leads, by their last touch
//	rm:mine:<user>     a rep's open leads, by registration
//	rm:watched:<user>  a rep's open A and B leads, A first, then by next touch
//	rm:owners          everyone who has had an open lead
//
// Membership, not counters: adding a lead that is there already changes
// nothing, so a write can always restate where the lead stands (which
// heals a member lost in a failover) and rebuilding a team's read models
// while others write is safe lead by lead. Counts are ZCOUNTs.
func (k keys) rmOpen(g salesbot.Grade) string { return k.prefix + "rm:open:" + string(g) }
func (k keys) rmDue() string                  { return k.prefix + "rm:due" }
func (k keys) rmTouched(g salesbot.Grade) string {
	return k.prefix + "rm:touched:" + string(g)
}
func (k keys) rmWatched(owner string) string { return k.prefix + "rm:watched:" + owner }
func (k keys) rmMine(owner string) string    { return k.prefix + "rm:mine:" + owner }
func (k keys) rmOwners() string              { return k.prefix + "rm:owners" }
func (k keys) rmBuilt() string               { return k.prefix + "rm:built" }

// rank is the span of one rank in a read model's score: a score is a rank
// (a stage's index, a grade's rank) times rank, plus a time in Unix
// milliseconds, which stays below it until the year 2286. The largest
// score, 4e13, is far inside a float64's exact integers.
const rank = 1e13

// membership is one sorted set a lead belongs to, with its score there.
type membership struct {
	key   string
	score float64
}

// memberships lists the read models a lead with the given standing is in;
// none for a closed lead.
func memberships(k keys, s salesbot.Standing) []membership {
	if !s.Open {
		return nil
	}
	m := []membership{
		{k.rmOpen(s.Grade), float64(s.Stage.Index())*rank + float64(s.Created.UnixMilli())},
		{k.rmMine(s.Owner), float64(s.Created.UnixMilli())},
	}
	if !s.Due.IsZero() {
		m = append(m, membership{k.rmDue(), float64(s.Due.UnixMilli())})
	}
	if s.Watched() {
		next := s.Due
		if next.IsZero() {
			next = s.Touched
		}
		m = append(m,
			membership{k.rmTouched(s.Grade), float64(s.Touched.UnixMilli())},
			membership{k.rmWatched(s.Owner), float64(s.Grade.Rank())*rank + float64(next.UnixMilli())})
	}
	return m
}

// readModels queues the writes that move lead id in the read models from
// where it stood (before; nil for a new lead) to where it stands now.
func readModels(b *batch, k keys, id string, before *salesbot.Standing, now salesbot.Standing) {
	is := memberships(k, now)
	if before != nil {
		for _, was := range memberships(k, *before) {
			if !slices.ContainsFunc(is, func(m membership) bool { return m.key == was.key }) {
				b.do("ZREM", was.key, id)
			}
		}
	}
	for _, m := range is {
		b.do("ZADD", m.key, m.score, id)
	}
	if now.Open && (before == nil || !before.Open || before.Owner != now.Owner) {
		b.do("SADD", k.rmOwners(), now.Owner)
	}
}

// Pipeline counts the team's open leads by grade and stage from its read
// models: one round trip of ZCOUNTs, whatever the team's size.
func (s *Store) Pipeline(ctx context.Context, team string) (salesbot.Pipeline, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("pipeline: %w", err)
	}
	cells := salesbot.Cells()
	counts := make([]*redis.IntCmd, len(cells))
	_, err = s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, c := range cells {
			counts[i] = pipelineCount(ctx, p, k, c)
		}
		return nil
	})
	if err != nil {
		return nil, failed(err, "pipeline of %s", team)
	}
	pipe := salesbot.Pipeline{}
	for i, c := range cells {
		pipe.Add(c, int(counts[i].Val()))
	}
	return pipe, nil
}

// pipelineCount queues the count of one cell: the leads of the grade whose
// score falls in the stage's span.
func pipelineCount(ctx context.Context, p redis.Pipeliner, k keys, c salesbot.Cell) *redis.IntCmd {
	lo := float64(c.Stage.Index()) * rank
	return p.ZCount(ctx, k.rmOpen(c.Grade), strconv.FormatFloat(lo, 'f', 0, 64), "("+strconv.FormatFloat(lo+rank, 'f', 0, 64))
}

// digestScript reads, in one step of bounded cost, what a digest needs
// besides the leads themselves: the manager's mark, the newest page of the
// activity stream, the IDs of the most overdue follow-ups and how many
// there are, of the A and B leads untouched within their cadence, of each
// rep's first A and B leads, the pipeline's counts and the pending
// approvals. It answers
// {mark, entries, overdue, overdue total, untouched A, untouched B,
// watched, counts, approvals}.
//
// KEYS: rm:due, rm:touched:A, rm:touched:B, rm:owners, the activity
// stream, the mark, the pending approvals, rm:open:<grade> for each grade.
// ARGV: the team's key prefix, now (ms), overdue limit, untouched limit,
// last touch before which A, then B, is untouched (ms), per-rep limit,
// activity page size, the number of stages.
var digestScript = redis.NewScript(`
local prefix, now, noverdue, nuntouched = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local beforeA, beforeB, perrep, page, nstages = ARGV[5], ARGV[6], tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
local function upto(key, before, n)
  if n < 1 then return {} end
  return redis.call('ZRANGEBYSCORE', key, '-inf', '(' .. before, 'LIMIT', 0, n)
end
local watched = {}
for _, owner in ipairs(redis.call('SMEMBERS', KEYS[4])) do
  if perrep > 0 then
    for _, id in ipairs(redis.call('ZRANGE', prefix .. 'rm:watched:' .. owner, 0, perrep - 1)) do
      watched[#watched + 1] = id
    end
  end
end
local counts = {}
for g = 8, #KEYS do
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
  redis.call('XREVRANGE', KEYS[5], now, '-', 'COUNT', page),
  upto(KEYS[1], now, noverdue),
  redis.call('ZCOUNT', KEYS[1], '-inf', '(' .. now),
  upto(KEYS[2], beforeA, nuntouched),
  upto(KEYS[3], beforeB, nuntouched),
  watched, counts, approvals,
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
	ms := func(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }
	untouched := func(g salesbot.Grade) string {
		every, ok := q.Cadence[g]
		if !ok {
			every = salesbot.DefaultCadence()[g]
		}
		return ms(q.Now.Add(-every))
	}
	mark := k.mark("")
	if q.Mark != "" {
		mark = k.mark(q.Mark)
	}
	keys := []string{k.rmDue(), k.rmTouched(salesbot.GradeA), k.rmTouched(salesbot.GradeB), k.rmOwners(),
		k.activity(), mark, k.pendingApprovals()}
	for _, g := range salesbot.Grades {
		keys = append(keys, k.rmOpen(g))
	}
	res, err := digestScript.Run(ctx, s.client, keys, k.prefix, ms(q.Now), max(q.Overdue, 0), max(q.Untouched, 0),
		untouched(salesbot.GradeA), untouched(salesbot.GradeB), max(q.PerRep, 0), digestPage, len(salesbot.Stages)).Slice()
	if err != nil {
		return salesbot.DigestData{}, failed(err, "digest data of %s", team)
	}
	if len(res) != 9 {
		return salesbot.DigestData{}, failed(bug{fmt.Errorf("digest script answered %d values", len(res))}, "digest data of %s", team)
	}
	d := salesbot.DigestData{Since: q.Since, Pipeline: salesbot.Pipeline{}}
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
	ids := newIDSet()
	for _, c := range d.Changes {
		ids.add(c.LeadID)
	}
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

// idSet collects lead IDs once each, in the order first added.
type idSet struct {
	seen map[string]bool
	list []string
}

func newIDSet() *idSet { return &idSet{seen: map[string]bool{}} }

func (s *idSet) add(ids ...string) {
	for _, id := range ids {
		if id != "" && !s.seen[id] {
			s.seen[id] = true
			s.list = append(s.list, id)
		}
	}
}

// OpenLeads returns a page of the team's open leads, A first, each grade by
// stage then registration: at most n from offset on, and how many there are
// in all. It reads the page, not the team.
func (s *Store) OpenLeads(ctx context.Context, team string, grade salesbot.Grade, offset, n int) ([]*salesbot.Lead, int, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, 0, fmt.Errorf("open leads: %w", err)
	}
	grades := salesbot.Grades
	if grade != "" {
		grades = []salesbot.Grade{grade}
	}
	keys := make([]string, len(grades))
	for i, g := range grades {
		keys[i] = k.rmOpen(g)
	}
	res, err := openPageScript.Run(ctx, s.client, keys, offset, n).Slice()
	if err != nil {
		return nil, 0, failed(err, "open leads of %s", team)
	}
	total, _ := res[0].(int64)
	ids := make([]string, 0, len(res)-1)
	for _, v := range res[1:] {
		if id, ok := v.(string); ok {
			ids = append(ids, id)
		}
	}
	leads, err := s.leads(ctx, k, ids)
	if err != nil {
		return nil, 0, failed(err, "open leads of %s", team)
	}
	return leads, int(total), nil
}

// openPageScript returns {total, id…}: the count of every set in KEYS, then
// at most ARGV[2] members from position ARGV[1] of the sets read one after
// the other. It reads the cards and the page, never a whole set.
var openPageScript = redis.NewScript(`
local offset, n = tonumber(ARGV[1]), tonumber(ARGV[2])
local total, out = 0, {}
for _, key in ipairs(KEYS) do
  local card = redis.call('ZCARD', key)
  if n > 0 and offset < total + card then
    local from = math.max(offset - total, 0)
    local page = redis.call('ZRANGE', key, from, from + n - 1)
    for _, id in ipairs(page) do out[#out + 1] = id end
    n = n - #page
    offset = total + card
  end
  total = total + card
end
table.insert(out, 1, total)
return out
`)

// rebuildChunk is how many leads one step of RebuildReadModels reads and
// restates: one MGET and one guarded script of a few milliseconds.
const rebuildChunk = 500

// ReadModelsBuilt reports whether the team's read models have been built
// (by RebuildReadModels, or from the team's first lead on).
func (s *Store) ReadModelsBuilt(ctx context.Context, team string) (bool, error) {
	k, err := keysOf(team)
	if err != nil {
		return false, fmt.Errorf("read models: %w", err)
	}
	n, err := s.client.Exists(ctx, k.rmBuilt()).Result()
	if err != nil {
		return false, failed(err, "read models of %s", team)
	}
	return n == 1, nil
}

// RebuildReadModels restates where each of the team's leads stands in the
// read models and its names in the name indexes, rebuildChunk leads at a time, each step guarded by the
// revisions it read: a lead written meanwhile is read again, and writers
// never wait for more than one step. It never removes a member, so it is
// for a team whose read models are missing or partial (written before they
// existed, or lost with a failover), and it marks them built when done.
func (s *Store) RebuildReadModels(ctx context.Context, team string) error {
	k, err := keysOf(team)
	if err != nil {
		return fmt.Errorf("rebuild read models: %w", err)
	}
	for start := int64(0); ; start += rebuildChunk {
		ids, err := s.client.ZRange(ctx, k.leads(), start, start+rebuildChunk-1).Result()
		if err != nil {
			return failed(err, "rebuild read models of %s", team)
		}
		if err := s.restate(ctx, k, ids); err != nil {
			return failed(err, "rebuild read models of %s", team)
		}
		if len(ids) < rebuildChunk {
			break
		}
	}
	if err := s.client.Set(ctx, k.rmBuilt(), "1", 0).Err(); err != nil {
		return failed(err, "rebuild read models of %s", team)
	}
	return nil
}

// restate writes where each of the leads stands, guarded by the revisions
// read, reading them again until no writer got in between.
func (s *Store) restate(ctx context.Context, k keys, ids []string) error {
	return s.retry(ctx, func() error {
		if len(ids) == 0 {
			return nil
		}
		ks := make([]string, len(ids))
		for i, id := range ids {
			ks[i] = k.lead(id)
		}
		vals, err := s.client.MGet(ctx, ks...).Result()
		if err != nil {
			return err
		}
		b := &batch{}
		guards := make([]guard, 0, len(ids))
		for i, v := range vals {
			raw, ok := v.(string)
			if !ok {
				continue // gone since it was listed
			}
			l, err := decodeLead([]byte(raw), k.team())
			if err != nil {
				continue // an undecodable lead has no standing to restate
			}
			guards = append(guards, unchanged(ks[i], revision([]byte(raw))))
			readModels(b, k, ids[i], nil, l.Standing())
			nameIndexes(b, k, l, salesbot.NormalizeCompany(l.Company))
		}
		if len(guards) == 0 {
			return nil
		}
		ok, err := s.guarded(ctx, k, guards, b)
		switch {
		case err != nil:
			return err
		case !ok:
			return redis.TxFailedErr
		}
		return nil
	}, nil)
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
	changes, err := s.Activity(ctx, team, from.Add(-time.Nanosecond), now)
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
	return in, nil
}
