package store

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"

	"salesbot"
)

// findScript looks a lead up by name on the server, in one step. It tries
// each exact name in turn and returns {index, {lead}, {visits}} for the
// first whose lead exists. Failing that, when part is not "", it returns
// {0, {leads}, {visits}, total}: the leads whose name starts with part or,
// when none does, contains it (bytewise, as Go's strings.HasPrefix and
// Contains), at most limit of them by ID, and how many matched in all. The
// visits come with a single lead.
//
// Names that start with part are found in the sorted index of names
// (ZRANGEBYLEX: O(log N + matches)); only when none does are all names
// walked for one that contains it. A team from before the index gets it
// built here, once.
//
// The leads' and visits' keys are built here, not passed in KEYS: they are
// not known before the name is read. They share the names hash's hash tag,
// so they are in its slot, which Redis Cluster allows.
//
// KEYS: names, the sorted index of names. ARGV: the team's key prefix,
// visits, part, limit, then the exact names.
var findScript = redis.NewScript(`
local prefix, nvisits, part, limit = ARGV[1], tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])
local function visits(id)
  if nvisits < 1 then return {} end
  return redis.call('LRANGE', prefix .. 'visits:' .. id, 0, nvisits - 1)
end
for i = 5, #ARGV do
  local id = redis.call('HGET', KEYS[1], ARGV[i])
  if id then
    local lead = redis.call('GET', prefix .. 'lead:' .. id)
    if lead then return {i - 4, {lead}, visits(id)} end
  end
end
if part == '' then return {0, {}, {}, 0} end
if redis.call('EXISTS', KEYS[2]) == 0 then
  local all = redis.call('HGETALL', KEYS[1])
  for j = 1, #all, 2 do redis.call('ZADD', KEYS[2], 0, all[j] .. '\0' .. all[j + 1]) end
end
local ids = {}
-- '\255' sorts after every byte of UTF-8 text: the range is the names
-- that start with part. A member is "<name>\0<id>": the ID follows the
-- last NUL.
for _, m in ipairs(redis.call('ZRANGEBYLEX', KEYS[2], '[' .. part, '[' .. part .. '\255')) do
  ids[#ids + 1] = string.sub(m, #m - string.find(string.reverse(m), '\0', 1, true) + 2)
end
if #ids == 0 then
  local contains = {}
  for _, name in ipairs(redis.call('HKEYS', KEYS[1])) do
    if string.find(name, part, 1, true) then contains[#contains + 1] = name end
  end
  for j = 1, #contains, 1000 do -- unpack takes a few thousand values at most
    local got = redis.call('HMGET', KEYS[1], unpack(contains, j, math.min(j + 999, #contains)))
    for _, id in ipairs(got) do ids[#ids + 1] = id end
  end
end
table.sort(ids)
local leads, first = {}, nil
for j = 1, math.min(#ids, limit) do
  local lead = redis.call('GET', prefix .. 'lead:' .. ids[j])
  if lead then
    leads[#leads + 1] = lead
    first = first or ids[j]
  end
end
local vs = {}
if #leads == 1 then vs = visits(first) end
return {0, leads, vs, #ids}
`)

// FindLead looks a lead up by name in one round trip; see
// salesbot.LeadStore.
func (s *Store) FindLead(ctx context.Context, team string, q salesbot.LeadQuery) (salesbot.LeadMatch, error) {
	k, err := keysOf(team)
	if err != nil {
		return salesbot.LeadMatch{}, fmt.Errorf("find lead: %w", err)
	}
	res, err := findScript.Run(ctx, s.client, []string{k.names(), k.sortedNames()}, findArgs(k, q)...).Slice()
	if err != nil {
		return salesbot.LeadMatch{}, failed(err, "find lead")
	}
	return s.found(ctx, res, k)
}

// ViewerAndLead is Viewer and FindLead in one round trip: what a command
// that names a company first needs before anything else. The look-up is
// extra: when it fails (or Redis has not seen the find script yet, once per
// server) the match is nil and the viewer is still returned; the command
// then looks the company up itself.
func (s *Store) ViewerAndLead(ctx context.Context, team, user string, q salesbot.LeadQuery) (string, []string, *salesbot.LeadMatch, error) {
	k, err := keysOf(team)
	if err != nil {
		return "", nil, nil, fmt.Errorf("viewer %s: %w", user, err)
	}
	var find *redis.Cmd
	lang, managers, err := s.viewer(ctx, k, user, func(p redis.Pipeliner) {
		find = findScript.EvalSha(ctx, p, []string{k.names(), k.sortedNames()}, findArgs(k, q)...)
	})
	if err != nil {
		return "", nil, nil, err
	}
	var match *salesbot.LeadMatch
	if res, err := find.Slice(); err == nil {
		if m, err := s.found(ctx, res, k); err == nil {
			match = &m
		}
	}
	return lang, managers, match, nil
}

func findArgs(k keys, q salesbot.LeadQuery) []any {
	args := make([]any, 0, 4+len(q.Names))
	args = append(args, k.prefix, max(q.Visits, 0), q.Part, max(q.Limit, 1))
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
		l, err := readLead([]byte(data), team)
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
		n, _ := res[3].(int64)
		m.Parts = int(n)
	}
	return m, nil
}

// similarScript finds the leads whose name contains name or is contained in
// it, in one step: names of one character are left out (a company called
// "A" is in every name). It returns, by ID, the first limit of those leads
// but the one with ID except.
//
// KEYS: names. ARGV: the team's key prefix, the normalised name, except,
// limit.
var similarScript = redis.NewScript(`
local prefix, name, except, limit = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local function runes(s)
  local n = 0
  for i = 1, #s do
    local b = string.byte(s, i)
    if b < 128 or b > 191 then n = n + 1 end
  end
  return n
end
local all = redis.call('HGETALL', KEYS[1])
local ids = {}
for j = 1, #all, 2 do
  local other, id = all[j], all[j + 1]
  if id ~= except and (string.find(other, name, 1, true) or string.find(name, other, 1, true)) and runes(other) >= 2 then
    ids[#ids + 1] = id
  end
end
table.sort(ids)
local leads = {}
for j = 1, math.min(#ids, limit) do
  local lead = redis.call('GET', prefix .. 'lead:' .. ids[j])
  if lead then leads[#leads + 1] = lead end
end
return leads
`)

// SimilarLeads returns, in one round trip, up to n leads whose normalised
// name contains name or is contained in it, by ID, leaving out the lead
// with ID except and names of one character; see salesbot.LeadStore.
func (s *Store) SimilarLeads(ctx context.Context, team, name, except string, n int) ([]*salesbot.Lead, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("similar leads: %w", err)
	}
	if name == "" || n < 1 {
		return nil, nil
	}
	raws, err := similarScript.Run(ctx, s.client, []string{k.names()}, k.prefix, name, except, n).StringSlice()
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
