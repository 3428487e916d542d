package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/redis/go-redis/v9"

	"salesbot"
)

// sweepPage is how many stream entries or keys one step of SweepRemoval
// reads: a round trip of a millisecond or two, which no writer waits on.
const sweepPage = 500

// SweepRemoval finishes a removal with what has no index by lead, a page
// at a time, after the removal itself is written and acknowledged:
//
//   - the team's activity stream: entries about the lead are deleted
//     (XDEL; a stream entry cannot be rewritten in place): all of them
//     for a deleted lead (name ""), those naming the person otherwise;
//   - approval requests about the lead (decided ones are kept a month):
//     deleted with the lead, or with the name scrubbed from their reasons;
//   - for a deleted lead, the reminder messages that list it (a click on
//     them then finds it gone) and what each manager's last digest
//     reported of it, and what its owner was told of its risks.
//
// It reads the stream once and SCANs the team's keys once, so it costs
// about (stream entries + keys of the server) / sweepPage round trips;
// each change is a compare-and-set, so it never undoes a write made
// meanwhile. It may run again: what is gone stays gone.
func (s *Store) SweepRemoval(ctx context.Context, team, leadID, name string) error {
	k, err := keysOf(team)
	if err != nil {
		return fmt.Errorf("sweep removal: %w", err)
	}
	if leadID == "" {
		return fmt.Errorf("sweep removal: no lead given")
	}
	// The lead's other people keep their names where the person's is
	// part of one (see salesbot.NewScrub).
	scrub := salesbot.NewScrub(name)
	if name != "" {
		if l, err := s.getLead(ctx, k, leadID); err == nil {
			scrub = l.Scrub(name)
		} else if salesbot.ErrorCode(err) != salesbot.ENOTFOUND {
			return failed(err, "sweep removal from lead %s", leadID)
		}
	}
	if err := s.sweepActivity(ctx, k, leadID, name == "", scrub); err != nil {
		return failed(err, "sweep activity of lead %s", leadID)
	}
	if err := s.sweepKeys(ctx, k, leadID, name == "", scrub); err != nil {
		return failed(err, "sweep records of lead %s", leadID)
	}
	return nil
}

// sweepActivity deletes the lead's entries from the activity stream: all
// of them, or those that name the person.
func (s *Store) sweepActivity(ctx context.Context, k keys, id string, all bool, scrub salesbot.Scrub) error {
	start := "-"
	for {
		page, err := s.client.XRangeN(ctx, k.activity(), start, "+", sweepPage).Result()
		if err != nil {
			return err
		}
		var drop []string
		for _, m := range page {
			raw, _ := m.Values["change"].(string)
			if !strings.Contains(raw, id) {
				continue // most entries: no need to decode
			}
			c, err := decodeChange([]byte(raw), "")
			if err != nil || c.LeadID != id {
				continue
			}
			if _, named := scrub.Change(c); all || named {
				drop = append(drop, m.ID)
			}
		}
		if len(drop) > 0 {
			if err := s.client.XDel(ctx, k.activity(), drop...).Err(); err != nil {
				return err
			}
		}
		if len(page) < sweepPage {
			return nil
		}
		start = "(" + page[len(page)-1].ID
	}
}

// casScript replaces a string key's value if it is still the one read
// (ARGV[1]) with ARGV[2], keeping its time to live, or deletes it when
// ARGV[2] is empty. It answers 1 when it wrote.
var casScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) return 1 end
local ttl = redis.call('PTTL', KEYS[1])
redis.call('SET', KEYS[1], ARGV[2])
if ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl) end
return 1
`)

// newsMark opens the list of lead IDs at the end of a morning message's
// layout ("morning:<n>;news:<id>,<id>", handlers' layoutNews): the leads
// whose risk news it showed.
const newsMark = ";news:"

// forgetMessageScript takes a lead (ARGV[1]) out of a message record's
// lists of leads (leads, more, and the news list its layout ends with)
// and drops the note on it.
var forgetMessageScript = redis.NewScript(`
local function drop(v)
  local out = {}
  for item in string.gmatch(v, '[^,]+') do
    if item ~= ARGV[1] then out[#out + 1] = item end
  end
  return table.concat(out, ',')
end
for _, f in ipairs({'leads', 'more'}) do
  local v = redis.call('HGET', KEYS[1], f)
  if v then redis.call('HSET', KEYS[1], f, drop(v)) end
end
local layout = redis.call('HGET', KEYS[1], 'layout')
if layout then
  local at = string.find(layout, ARGV[2], 1, true)
  if at then
    local head = string.sub(layout, 1, at + #ARGV[2] - 1)
    redis.call('HSET', KEYS[1], 'layout', head .. drop(string.sub(layout, at + #ARGV[2])))
  end
end
redis.call('HDEL', KEYS[1], 'done:' .. ARGV[1])
return 1
`)

// sweepKeys SCANs the team's keys once for the records about the lead
// that have no index by lead, and deletes or scrubs each.
func (s *Store) sweepKeys(ctx context.Context, k keys, id string, deleted bool, scrub salesbot.Scrub) error {
	if deleted {
		if err := s.client.HDel(ctx, k.risksTold(), id).Err(); err != nil {
			return err
		}
	}
	approvals, messages, seen := k.approval(""), k.message("", ""), k.digestSeen("")
	messages = messages[:len(messages)-len(":")]
	// SCAN has no key to route by: on a Cluster, ask the master that
	// holds the team's slot.
	scanner, err := s.nodeOf(ctx, k.leads())
	if err != nil {
		return err
	}
	var cursor uint64
	for {
		page, next, err := scanner.Scan(ctx, cursor, globEscape(k.prefix)+"*", sweepPage).Result()
		if err != nil {
			return err
		}
		for _, key := range page {
			switch {
			case strings.HasPrefix(key, approvals):
				err = s.sweepApproval(ctx, key, id, deleted, scrub)
			case deleted && strings.HasPrefix(key, messages):
				err = s.sweepMessage(ctx, key, id)
			case deleted && strings.HasPrefix(key, seen):
				err = s.sweepSeen(ctx, key, id)
			}
			if err != nil {
				return err
			}
		}
		if cursor = next; cursor == 0 {
			return nil
		}
	}
}

// sweepApproval deletes a request about the lead, or scrubs the name from
// its reasons.
func (s *Store) sweepApproval(ctx context.Context, key, id string, deleted bool, scrub salesbot.Scrub) error {
	raw, err := s.client.Get(ctx, key).Result()
	if err == redis.Nil {
		return nil
	} else if err != nil {
		return err
	}
	var sa storedApproval
	if json.Unmarshal([]byte(raw), &sa) != nil || sa.LeadID != id {
		return nil
	}
	if deleted {
		return casScript.Run(ctx, s.client, []string{key}, raw, "").Err()
	}
	a := &sa.Approval
	changed := false
	for _, f := range []*string{&a.Why, &a.Reason} {
		if t, ok := scrub.Text(*f); ok {
			*f, changed = t, true
		}
	}
	for i, u := range a.Unmet {
		if t, ok := scrub.Text(u); ok {
			a.Unmet[i], changed = t, true
		}
	}
	if !changed {
		return nil
	}
	enc, err := json.Marshal(sa)
	if err != nil {
		return bug{fmt.Errorf("encode approval: %w", err)}
	}
	return casScript.Run(ctx, s.client, []string{key}, raw, enc).Err()
}

// sweepMessage takes the lead out of a reminder message's record.
func (s *Store) sweepMessage(ctx context.Context, key, id string) error {
	fields, err := s.client.HMGet(ctx, key, "leads", "more", "layout").Result()
	if err != nil {
		return err
	}
	for i, f := range fields {
		list, _ := f.(string)
		if i == 2 {
			_, list, _ = strings.Cut(list, newsMark)
		}
		if slices.Contains(strings.Split(list, ","), id) {
			return forgetMessageScript.Run(ctx, s.client, []string{key}, id, newsMark).Err()
		}
	}
	return nil
}

// sweepSeen drops the lead from what a manager's last digest reported.
func (s *Store) sweepSeen(ctx context.Context, key, id string) error {
	raw, err := s.client.Get(ctx, key).Result()
	if err == redis.Nil {
		return nil
	} else if err != nil {
		return err
	}
	var seen salesbot.DigestSeen
	if json.Unmarshal([]byte(raw), &seen) != nil {
		return nil
	}
	n := len(seen.Risks) + len(seen.Parked)
	seen.Risks = slices.DeleteFunc(seen.Risks, func(r string) bool { return strings.HasPrefix(r, id+"|") })
	seen.Parked = slices.DeleteFunc(seen.Parked, func(p string) bool { return p == id })
	if len(seen.Risks)+len(seen.Parked) == n {
		return nil
	}
	enc, err := json.Marshal(seen)
	if err != nil {
		return bug{fmt.Errorf("encode digest seen: %w", err)}
	}
	return casScript.Run(ctx, s.client, []string{key}, raw, enc).Err()
}
