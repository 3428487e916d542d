package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"salesbot"
)

// Reads of several leads, and of a lead's visits and history.

// LeadIDsByName maps each of the given normalised names that belongs to a
// lead of the team to that lead's ID, in one HMGET; names with no lead are
// left out.
func (s *Store) LeadIDsByName(ctx context.Context, team string, names []string) (map[string]string, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("look up lead names: %w", err)
	}
	ids := make(map[string]string, len(names))
	if len(names) == 0 {
		return ids, nil
	}
	vals, err := s.client.HMGet(ctx, k.names(), names...).Result()
	if err != nil {
		return nil, failed(err, "look up lead names")
	}
	for i, v := range vals {
		if id, ok := v.(string); ok {
			ids[names[i]] = id
		}
	}
	return ids, nil
}

// LeadNames returns every lead of the team as normalised name → ID.
func (s *Store) LeadNames(ctx context.Context, team string) (map[string]string, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("lead names: %w", err)
	}
	names, err := s.client.HGetAll(ctx, k.names()).Result()
	if err != nil {
		return nil, failed(err, "lead names")
	}
	return names, nil
}

// LeadsOwnedBy returns the leads a rep owns, open and closed, oldest first.
func (s *Store) LeadsOwnedBy(ctx context.Context, team, owner string) ([]*salesbot.Lead, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("leads of %s: %w", owner, err)
	}
	ids, err := s.client.SMembers(ctx, k.owner(owner)).Result()
	if err != nil {
		return nil, failed(err, "leads of %s", owner)
	}
	leads, err := s.leads(ctx, k, ids)
	if err != nil {
		return nil, failed(err, "leads of %s", owner)
	}
	leads = slices.DeleteFunc(leads, func(l *salesbot.Lead) bool { return l.Owner != owner })
	slices.SortFunc(leads, func(a, b *salesbot.Lead) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return leads, nil
}

// AllLeads returns every lead of the team, oldest first.
func (s *Store) AllLeads(ctx context.Context, team string) ([]*salesbot.Lead, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("all leads: %w", err)
	}
	ids, err := s.client.ZRange(ctx, k.leads(), 0, -1).Result()
	if err != nil {
		return nil, failed(err, "all leads")
	}
	leads, err := s.leads(ctx, k, ids)
	if err != nil {
		return nil, failed(err, "all leads")
	}
	return leads, nil
}

// Pool returns the team's lost leads, open to be reassigned, most recently
// lost first, at most n of them.
func (s *Store) Pool(ctx context.Context, team string, n int) ([]*salesbot.Lead, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("pool: %w", err)
	}
	if n < 1 {
		return nil, nil
	}
	ids, err := s.client.ZRevRange(ctx, k.pool(), 0, int64(n-1)).Result()
	if err != nil {
		return nil, failed(err, "pool")
	}
	leads, err := s.leads(ctx, k, ids)
	if err != nil {
		return nil, failed(err, "pool")
	}
	return leads, nil
}

// bulkRead is how many leads one MGET reads: about a megabyte, a few
// milliseconds of Redis's time, so that reading a big team's leads never
// holds other clients up for long. bulkTrip is how many such MGETs go in
// one pipeline: a team of up to 10,000 leads is read in one round trip, and
// a bigger one in several, each well inside the client's read timeout.
const (
	bulkRead = 1000
	bulkTrip = 10
)

// leads fetches the leads with the given IDs, in that order, skipping any
// that are gone or do not decode (see skip): bulkRead per MGET, bulkTrip MGETs per round trip. They come
// without a revision (the store remembers none for them): a write reads
// the lead again.
func (s *Store) leads(ctx context.Context, k keys, ids []string) ([]*salesbot.Lead, error) {
	leads := make([]*salesbot.Lead, 0, len(ids))
	for trip := range slices.Chunk(ids, bulkRead*bulkTrip) {
		var mgets []*redis.SliceCmd
		_, err := s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
			for chunk := range slices.Chunk(trip, bulkRead) {
				ks := make([]string, len(chunk))
				for i, id := range chunk {
					ks[i] = k.lead(id)
				}
				mgets = append(mgets, p.MGet(ctx, ks...))
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		for c, mget := range mgets {
			for i, v := range mget.Val() {
				data, ok := v.(string)
				if !ok {
					continue
				}
				id := trip[c*bulkRead+i]
				l, err := decodeLead([]byte(data), k.team())
				if err != nil {
					s.skip(ctx, k.lead(id), err)
					continue
				}
				leads = append(leads, l)
			}
		}
	}
	return leads, nil
}

// Visits returns a lead's last n visits, newest first.
func (s *Store) Visits(ctx context.Context, team, leadID string, n int) ([]salesbot.Visit, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("visits of %s: %w", leadID, err)
	}
	raws, err := lastN(ctx, s.client, k.visits(leadID), n)
	if err != nil {
		return nil, failed(err, "visits of %s", leadID)
	}
	return firstN(decodeVisits(raws, leadID, func(err error) { s.skip(ctx, k.visits(leadID), err) }), min(n, listMax)), nil
}

// History returns a lead's last n changes, newest first.
func (s *Store) History(ctx context.Context, team, leadID string, n int) ([]salesbot.Change, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("history of %s: %w", leadID, err)
	}
	raws, err := lastN(ctx, s.client, k.history(leadID), n)
	if err != nil {
		return nil, failed(err, "history of %s", leadID)
	}
	return firstN(decodeChanges(raws, leadID, func(err error) { s.skip(ctx, k.history(leadID), err) }), min(n, listMax)), nil
}

// lastN reads the first n elements of a newest-first list, which hold at
// least its first n entries (a packed element holds many); n < 1 gives
// none (LRANGE 0 -1 would give all).
func lastN(ctx context.Context, c redis.Cmdable, key string, n int) ([]string, error) {
	if n < 1 {
		return nil, nil
	}
	return c.LRange(ctx, key, 0, int64(min(n, listMax))-1).Result()
}

// DueLeads returns the IDs of the team's open leads whose next touch is due
// at or before until, soonest first, at most limit of them (none for a limit
// below 1). It reads one range of a sorted set: the cost grows with the
// number due, not with the team's leads.
func (s *Store) DueLeads(ctx context.Context, team string, until time.Time, limit int) ([]string, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("due leads: %w", err)
	}
	if limit < 1 {
		return nil, nil
	}
	ids, err := s.client.ZRangeByScore(ctx, k.due(), &redis.ZRangeBy{
		Min:   "-inf",
		Max:   strconv.FormatInt(until.UnixMilli(), 10),
		Count: int64(limit),
	}).Result()
	if err != nil {
		return nil, failed(err, "due leads")
	}
	return ids, nil
}
