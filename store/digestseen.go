package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"salesbot"
)

// What each manager's last digest reported, and what each rep was told of
// their leads' risks: the exceptions-only digest and the risk news say only
// what changed since.
//
//	digest:seen:<manager>  JSON of salesbot.DigestSeen (bounded by
//	                       salesbot.MaxDigestSeen), written with the
//	                       manager's digest mark, kept digestSeenTTL
//	risks:told             hash: lead ID → the risk kinds its owner was
//	                       told of, comma-separated
//	risks:told:on          hash: rep → the last date their risk news was
//	                       settled (YYYY-MM-DD)
func (k keys) digestSeen(manager string) string { return k.prefix + "digest:seen:" + manager }
func (k keys) risksTold() string                { return k.prefix + "risks:told" }
func (k keys) risksToldOn() string              { return k.prefix + "risks:told:on" }

// digestSeenTTL is how long what a digest reported is kept: past it, the
// digest reaches back a day only anyway (service.MaxDigestPeriod), and its
// risks are told anew.
const digestSeenTTL = 30 * 24 * time.Hour

// DigestSent records that a manager's digest went out: the mark (named
// mark) at through, and what it reported, in one round trip (MULTI), so
// that the next digest never starts from one without the other.
func (s *Store) DigestSent(ctx context.Context, team, manager, mark string, through time.Time, seen salesbot.DigestSeen) error {
	k, err := keysOf(team)
	if err != nil {
		return fmt.Errorf("digest sent: %w", err)
	}
	if len(seen.Risks) > salesbot.MaxDigestSeen {
		seen.Risks = seen.Risks[:salesbot.MaxDigestSeen]
	}
	if len(seen.Parked) > salesbot.MaxDigestSeen {
		seen.Parked = seen.Parked[:salesbot.MaxDigestSeen]
	}
	raw, err := json.Marshal(seen)
	if err != nil {
		return fmt.Errorf("digest sent to %s: %w", manager, err)
	}
	_, err = s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, k.mark(mark), through.UnixMilli(), 0)
		p.Set(ctx, k.digestSeen(manager), raw, digestSeenTTL)
		return nil
	})
	if err != nil {
		return failed(err, "digest sent to %s", manager)
	}
	return nil
}

// DigestSeen returns what the manager's last digest reported (nothing when
// it is not known).
func (s *Store) DigestSeen(ctx context.Context, team, manager string) (salesbot.DigestSeen, error) {
	k, err := keysOf(team)
	if err != nil {
		return salesbot.DigestSeen{}, fmt.Errorf("digest seen: %w", err)
	}
	raw, err := s.client.Get(ctx, k.digestSeen(manager)).Bytes()
	if err == redis.Nil {
		return salesbot.DigestSeen{}, nil
	} else if err != nil {
		return salesbot.DigestSeen{}, failed(err, "digest seen by %s", manager)
	}
	var seen salesbot.DigestSeen
	if err := json.Unmarshal(raw, &seen); err != nil {
		s.skip(ctx, k.digestSeen(manager), err)
		return salesbot.DigestSeen{}, nil
	}
	return seen, nil
}

// RiskNewsOwners lists everyone who has had an open lead in the team, and
// the last date each one's risk news was settled (SetRisksTold), in one
// round trip.
func (s *Store) RiskNewsOwners(ctx context.Context, team string) ([]string, map[string]salesbot.Date, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, nil, fmt.Errorf("owners: %w", err)
	}
	var owners *redis.StringSliceCmd
	var on *redis.MapStringStringCmd
	if _, err := s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		owners = p.SMembers(ctx, k.rmOwners())
		on = p.HGetAll(ctx, k.risksToldOn())
		return nil
	}); err != nil {
		return nil, nil, failed(err, "owners of %s", team)
	}
	told := make(map[string]salesbot.Date, len(on.Val()))
	for rep, day := range on.Val() {
		if d, err := salesbot.ParseDate(day); err == nil {
			told[rep] = d
		}
	}
	return owners.Val(), told, nil
}

// RisksTold returns, for each of the leads named, the risk kinds its owner
// was told of (leads with none are left out), in one round trip.
func (s *Store) RisksTold(ctx context.Context, team, rep string, leadIDs []string) (map[string][]salesbot.RiskKind, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("risks told: %w", err)
	}
	told := map[string][]salesbot.RiskKind{}
	if len(leadIDs) == 0 {
		return told, nil
	}
	vals, err := s.client.HMGet(ctx, k.risksTold(), leadIDs...).Result()
	if err != nil {
		return nil, failed(err, "risks told in %s", team)
	}
	for i, v := range vals {
		raw, _ := v.(string)
		// "<rep>:<kinds>": what was told to another owner (the lead was
		// reassigned since) is not known to this one.
		owner, kinds, ok := strings.Cut(raw, ":")
		if !ok || owner != rep || kinds == "" {
			continue
		}
		for _, kind := range strings.Split(kinds, ",") {
			told[leadIDs[i]] = append(told[leadIDs[i]], salesbot.RiskKind(kind))
		}
	}
	return told, nil
}

// SetRisksTold records, by lead, the risk kinds its owner (rep) now knows
// of, a lead with none being forgotten, and that rep's news of day is
// settled. One round trip.
func (s *Store) SetRisksTold(ctx context.Context, team, rep string, day salesbot.Date, told map[string][]salesbot.RiskKind) error {
	k, err := keysOf(team)
	if err != nil {
		return fmt.Errorf("risks told: %w", err)
	}
	var set []any
	var drop []string
	for id, kinds := range told {
		if len(kinds) == 0 {
			drop = append(drop, id)
			continue
		}
		names := make([]string, len(kinds))
		for i, kind := range kinds {
			names[i] = string(kind)
		}
		set = append(set, id, rep+":"+strings.Join(names, ","))
	}
	_, err = s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		if !day.IsZero() {
			p.HSet(ctx, k.risksToldOn(), rep, day.String())
		}
		if len(set) > 0 {
			p.HSet(ctx, k.risksTold(), set...)
		}
		if len(drop) > 0 {
			p.HDel(ctx, k.risksTold(), drop...)
		}
		return nil
	})
	if err != nil {
		return failed(err, "risks told in %s", team)
	}
	return nil
}
