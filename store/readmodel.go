package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
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
// and the deal read models of deals.go (rm:close, rm:won, rm:deal).
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

// ms is a time as a read model's score: Unix milliseconds, never below 0,
// so that a record with no time (the zero time) stays inside its rank.
func ms(t time.Time) float64 { return float64(max(t.UnixMilli(), 0)) }

// membership is one sorted set a lead belongs to, with its score there.
type membership struct {
	key   string
	score float64
}

// memberships lists the read models a lead with the given standing is in:
// for a closed lead, only a won deal's.
func memberships(k keys, s salesbot.Standing) []membership {
	m := dealMemberships(k, s)
	if !s.Open {
		return m
	}
	m = append(m,
		membership{k.rmOpen(s.Grade), float64(s.Stage.Index())*rank + ms(s.Created)},
		membership{k.rmMine(s.Owner), ms(s.Created)},
	)
	if !s.Due.IsZero() {
		m = append(m, membership{k.rmDue(), ms(s.Due)})
	}
	if s.Watched() {
		next := s.Due
		if next.IsZero() {
			next = s.Touched
		}
		m = append(m,
			membership{k.rmTouched(s.Grade), ms(s.Touched)},
			membership{k.rmWatched(s.Owner), float64(s.Grade.Rank())*rank + ms(next)})
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
	dealWrites(b, k, id, before, now)
	if now.Open && (before == nil || !before.Open || before.Owner != now.Owner) {
		b.do("SADD", k.rmOwners(), now.Owner)
	}
}

// pipelineCount queues the count of one cell: the leads of the grade whose
// score falls in the stage's span.
func pipelineCount(ctx context.Context, p redis.Pipeliner, k keys, c salesbot.Cell) *redis.IntCmd {
	lo := float64(c.Stage.Index()) * rank
	return p.ZCount(ctx, k.rmOpen(c.Grade), strconv.FormatFloat(lo, 'f', 0, 64), "("+strconv.FormatFloat(lo+rank, 'f', 0, 64))
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

// ReadModelsBuilt reports whether RebuildReadModels has restated the
// team's read models. Every write keeps them whether or not they were
// built; the flag says that leads written before them are in too.
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
