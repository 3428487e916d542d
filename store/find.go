package store

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/redis/go-redis/v9"

	"salesbot"
)

// findScript looks a lead up by name on the server, in one step. It tries
// each exact name in turn and returns {index, {lead}, {visits}, -1, heads}
// for the first whose lead exists. Failing that, when part is not "", it
// returns {0, {leads}, {visits}, total, heads}: the leads whose name starts
// with part or, when none does, has it at the start of a word inside
// (InnerNames), at most limit of them, the caller's own first and then by
// ID, and how many matched in all. The visits come with a single lead, and
// so do the heads of its lists when a write of it may pack them (headsLua).
//
// Both look-ups are ranges of sorted indexes (ZRANGEBYLEX … LIMIT: O(log N
// + scan)), so the script's cost does not grow with the team: at most scan
// matches are read, and the caller's own leads are preferred among those.
//
// The leads', owner's and visits' keys are built here, not passed in KEYS:
// they are not known before the name is read. They share the names hash's
// hash tag, so they are in its slot, which Redis Cluster allows.
//
// KEYS: names, the sorted index of names, the index of inner names, the
// slot guard (keys.slotGuard). ARGV:
// the team's key prefix, visits, part, limit, scan, the caller, then the
// exact names.
var findScript = redis.NewScript(headsLua + findLua + `
return find(#ARGV)
`)

// viewerFindScript is what a command naming a company first needs, in one
// command: the viewer's language choice (false for none) and the team's
// managers, as Viewer reads them, then the find script's answer, left out
// when the look-up fails (its error does not fail the viewer's reads). One
// script rather than a pipeline of HGET, SMEMBERS and EVALSHA: a third of
// the commands for Redis and go-redis to handle on every such request.
//
// KEYS: findScript's, then the language choices and the managers. ARGV:
// findScript's, then the viewer.
var viewerFindScript = redis.NewScript(headsLua + findLua + `
local chosen = redis.call('HGET', KEYS[5], ARGV[#ARGV])
local managers = redis.call('SMEMBERS', KEYS[6])
local ok, found = pcall(find, #ARGV - 1)
if not ok then return {chosen, managers} end
return {chosen, managers, found}
`)

// findLua defines find(last), the find script's look-up of the names in
// ARGV[7 .. last].
var findLua = `
local function find(last)
local prefix, nvisits, part, limit, scan, caller = ARGV[1], tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6]
local function visits(id)
  if nvisits < 1 then return {} end
  return redis.call('LRANGE', prefix .. 'visits:' .. id, 0, nvisits - 1)
end
for i = 7, last do
  local id = redis.call('HGET', KEYS[1], ARGV[i])
  if id then
    local lead = redis.call('GET', prefix .. 'lead:' .. id)
    if lead then return {i - 6, {lead}, visits(id), -1, heads(prefix .. 'history:' .. id, prefix .. 'visits:' .. id, lead)} end
  end
end
if part == '' then return {0, {}, {}, 0} end
` + lexMatches + `
local ids, total = matches(KEYS[2], part)
if #ids == 0 then ids, total = matches(KEYS[3], part) end
local own, others = {}, {}
for _, id in ipairs(ids) do
  if caller ~= '' and redis.call('SISMEMBER', prefix .. 'owner:' .. caller, id) == 1 then
    own[#own + 1] = id
  else
    others[#others + 1] = id
  end
end
table.sort(own)
table.sort(others)
for _, id in ipairs(others) do own[#own + 1] = id end
local leads, first = {}, nil
for j = 1, math.min(#own, limit) do
  local lead = redis.call('GET', prefix .. 'lead:' .. own[j])
  if lead then
    leads[#leads + 1] = lead
    first = first or own[j]
  end
end
local vs, hs = {}, {}
if #leads == 1 then
  vs = visits(first)
  hs = heads(prefix .. 'history:' .. first, prefix .. 'visits:' .. first, leads[1])
end
return {0, leads, vs, total, hs}
end
`

// lexMatches is the Lua of matches(key, part): the IDs of at most scan
// members of a name index ("<name>\0<id>") whose name starts with part,
// each once, and how many members match in all. '\255' sorts after every
// byte of UTF-8 text, so the range is the names that start with part; the
// ID follows the last NUL.
const lexMatches = `
local function matches(key, part)
  local lo, hi = '[' .. part, '[' .. part .. '\255'
  local ids, seen = {}, {}
  local got = redis.call('ZRANGEBYLEX', key, lo, hi, 'LIMIT', 0, scan)
  for _, m in ipairs(got) do
    local id = string.sub(m, #m - string.find(string.reverse(m), '\0', 1, true) + 2)
    if not seen[id] then
      seen[id] = true
      ids[#ids + 1] = id
    end
  end
  if #got < scan then return ids, #ids end
  return ids, redis.call('ZLEXCOUNT', key, lo, hi)
end
`

// findScan bounds how many index entries a partial look-up reads: a word
// that starts more names than this finds the caller's own leads among the
// first findScan of them (by name), and says how many there are in all.
const findScan = 500

// FindLead looks a lead up by name in one round trip; see
// salesbot.LeadStore.
func (s *Store) FindLead(ctx context.Context, team string, q salesbot.LeadQuery) (salesbot.LeadMatch, error) {
	k, err := keysOf(team)
	if err != nil {
		return salesbot.LeadMatch{}, fmt.Errorf("find lead: %w", err)
	}
	res, err := findScript.Run(ctx, s.client, findKeys(k), findArgs(k, q)...).Slice()
	if err != nil {
		return salesbot.LeadMatch{}, failed(err, "find lead")
	}
	return s.found(ctx, res, k)
}

// ViewerAndLead is Viewer and FindLead in one round trip (two the first
// time a Redis server sees it: EVALSHA, then EVAL): what a command that
// names a company first needs before anything else. The look-up is extra:
// when it fails the match is nil and the viewer is still returned; the
// command then looks the company up itself. When the script itself fails
// with an error from Redis, the viewer is read as Viewer reads it.
func (s *Store) ViewerAndLead(ctx context.Context, team, user string, q salesbot.LeadQuery) (string, []string, *salesbot.LeadMatch, error) {
	k, err := keysOf(team)
	if err != nil {
		return "", nil, nil, fmt.Errorf("viewer %s: %w", user, err)
	}
	res, err := viewerFindScript.Run(ctx, s.client, append(findKeys(k), k.lang(), k.managers()), append(findArgs(k, q), user)...).Slice()
	var rerr redis.Error
	switch {
	case errors.As(err, &rerr):
		lang, managers, err := s.viewer(ctx, k, user, nil)
		return lang, managers, nil, err
	case err != nil:
		return "", nil, nil, failed(err, "viewer %s", user)
	case len(res) < 2:
		return "", nil, nil, failed(bug{fmt.Errorf("viewer script answered %d values", len(res))}, "viewer %s", user)
	}
	lang, _ := res[0].(string)
	managers := make([]string, 0, len(asSlice(res[1])))
	for _, m := range asSlice(res[1]) {
		if id, ok := m.(string); ok {
			managers = append(managers, id)
		}
	}
	slices.Sort(managers)
	var match *salesbot.LeadMatch
	if len(res) > 2 {
		if m, err := s.found(ctx, asSlice(res[2]), k); err == nil {
			match = &m
		}
	}
	return lang, managers, match, nil
}

// findKeys are the find scripts' KEYS: the name indexes, then the
// slot guard (keys.slotGuard), which they never read.
func findKeys(k keys) []string {
	return []string{k.names(), k.sortedNames(), k.innerNames(), k.slotGuard()}
}

func findArgs(k keys, q salesbot.LeadQuery) []any {
	args := make([]any, 0, 7+len(q.Names)) // room for ViewerAndLead's viewer
	args = append(args, k.prefix, max(q.Visits, 0), q.Part, max(q.Limit, 1), findScan, q.Caller)
	for _, n := range q.Names {
		args = append(args, n)
	}
	return args
}

// found reads the find script's answer for the team k. A matched lead that
// does not decode fails the look-up (it is the lead asked for); a visit of
// it that does not decode is left out.
func (s *Store) found(ctx context.Context, res []any, k keys) (salesbot.LeadMatch, error) {
	team := k.team()
	m := salesbot.LeadMatch{Name: -1}
	if len(res) < 3 {
		return m, failed(bug{fmt.Errorf("find script answered %d values", len(res))}, "find lead")
	}
	if i, _ := res[0].(int64); i > 0 {
		m.Name = int(i) - 1
	}
	raws, _ := res[1].([]any)
	for _, raw := range raws {
		data, _ := raw.(string)
		l, err := s.readLead([]byte(data), team)
		if err != nil {
			return salesbot.LeadMatch{}, failed(err, "find lead")
		}
		m.Leads = append(m.Leads, l)
	}
	if visits, _ := res[2].([]any); len(visits) > 0 && len(m.Leads) == 1 {
		raws := make([]string, len(visits))
		for i, raw := range visits {
			raws[i], _ = raw.(string)
		}
		id := m.Leads[0].ID
		m.Visits = decodeVisits(raws, id, func(err error) { s.skip(ctx, k.visits(id), err) })
	}
	m.Parts = len(m.Leads)
	if len(res) > 3 {
		if n, _ := res[3].(int64); n >= 0 { // -1: an exact match
			m.Parts = int(n)
		}
	}
	if len(res) > 4 && len(m.Leads) == 1 {
		l := m.Leads[0]
		if heads := headsOf(k, l.ID, res[4]); heads != nil {
			s.revs.setHeads(l, heads)
		}
	}
	return m, nil
}

// similarScript finds the leads whose name has the given name at its
// start or at a word inside (the two name indexes), or is one of the parts
// of it given (salesbot.NameParts), in one step of bounded cost: at most
// scan entries of each index and one HGET per part. It returns, by ID, the
// first limit of those leads but the one with ID except.
//
// KEYS: names, the sorted index of names, the index of inner names, the
// slot guard (keys.slotGuard). ARGV:
// the team's key prefix, the normalised name, except, limit, scan, then
// the parts.
var similarScript = redis.NewScript(`
local prefix, name, except, limit, scan = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
` + lexMatches + `
local ids, seen = {}, {}
local function add(id)
  if id and id ~= except and not seen[id] then
    seen[id] = true
    ids[#ids + 1] = id
  end
end
for _, key in ipairs({KEYS[2], KEYS[3]}) do
  for _, id in ipairs((matches(key, name))) do add(id) end
end
for i = 6, #ARGV do add(redis.call('HGET', KEYS[1], ARGV[i])) end
table.sort(ids)
local leads = {}
for j = 1, math.min(#ids, limit) do
  local lead = redis.call('GET', prefix .. 'lead:' .. ids[j])
  if lead then leads[#leads + 1] = lead end
end
return leads
`)

// SimilarLeads returns, in one round trip of bounded cost, up to n leads
// whose name has the company's normalised name at its start or at a word
// inside, or is a part of it (salesbot.NameParts), by ID, leaving out the
// lead with ID except; see salesbot.LeadStore.
func (s *Store) SimilarLeads(ctx context.Context, team, company, except string, n int) ([]*salesbot.Lead, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("similar leads: %w", err)
	}
	name := salesbot.NormalizeCompany(company)
	if len([]rune(name)) < 2 || n < 1 {
		return nil, nil
	}
	args := []any{k.prefix, name, except, n, findScan}
	for _, p := range salesbot.NameParts(company) {
		args = append(args, p)
	}
	raws, err := similarScript.Run(ctx, s.client, findKeys(k), args...).StringSlice()
	if err != nil {
		return nil, failed(err, "similar leads")
	}
	leads := make([]*salesbot.Lead, 0, len(raws))
	for _, raw := range raws {
		l, err := decodeLead([]byte(raw), team)
		if err != nil {
			// The script answers the leads' values, not their keys.
			s.skip(ctx, k.lead("?")+" (similar to "+name+")", err)
			continue
		}
		leads = append(leads, l)
	}
	return leads, nil
}
