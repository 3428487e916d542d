package store

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"salesbot/internal/logctx"
)

// relistEvery is how often a Store on a Cluster adds a team it writes to
// sb:teams again.
const relistEvery = 10 * time.Minute

// listTeam keeps the team k in sb:teams, which the scheduler walks, with
// every write b to it: sb:teams only grows, but a failover that lost recent
// writes, or a lost key, would otherwise drop the team, and its reminders,
// for good. It also makes the team's next sweep due at once (wakeKey,
// scored 0 unless it is already): the write may have made something due
// sooner than the sweep last planned.
//
// On one server (or behind Sentinel) the SADD and the ZADD join b, so the
// write, the listing and the wake are one step, at the cost of two
// O(log n) commands in a script that runs anyway. On a Cluster sb:teams
// and the wake set are in another slot, where no script of the team's can
// reach; a separate command on every write would add a round trip to
// each. So the SADD is sent before the write, at most every relistEvery
// per team and Store: before, not after, so that a failure in between
// leaves at worst a listed team without leads, never a lead its team's
// reminders miss. The wake is sent beside the write, in parallel, not
// waited for (see wakeBeside).
func (s *Store) listTeam(ctx context.Context, k keys, b *batch) error {
	team := k.team()
	if !s.cluster {
		b.do("SADD", teamsKey, team)
		b.do("ZADD", wakeKey, "LT", 0, team)
		return nil
	}
	s.wakeBeside(ctx, team)
	if at, ok := s.listed.Load(team); ok && time.Since(at.(time.Time)) < relistEvery {
		return nil
	}
	if err := s.client.SAdd(ctx, teamsKey, team).Err(); err != nil {
		return err
	}
	s.listed.Store(team, time.Now())
	return nil
}

// wakeTimeout bounds the wake sent beside a write on a Cluster.
const wakeTimeout = 5 * time.Second

// wakeBeside makes the team's next sweep due at once, on a Cluster, in its
// own goroutine: the write it goes with waits for neither. The sweep that
// follows reads the team's work many round trips after it claims the team,
// long after the write landed; a wake lost with its process (or to a
// failover) is made up by the sweep's hourly cap on every team's wait.
func (s *Store) wakeBeside(ctx context.Context, team string) {
	// Detached: the write's caller does not wait for it, nor counts it
	// among the write's round trips.
	ctx, cancel := context.WithTimeout(logctx.Detach(ctx), wakeTimeout)
	s.wakes.Add(1)
	go func() {
		defer s.wakes.Done()
		defer cancel()
		if err := s.client.ZAddLT(ctx, wakeKey, redis.Z{Score: 0, Member: team}).Err(); err != nil {
			s.log.WarnContext(ctx, "wake the team's sweep after a write", "team", team, "err", err)
		}
	}()
}

// WaitWakes blocks until the wakes sent beside writes (on a Cluster) have
// landed or failed: call it before closing the client, so that the last
// writes' wakes are not lost.
func (s *Store) WaitWakes() { s.wakes.Wait() }

// Teams lists the Slack teams that have any data, sorted: one round trip.
// When sb:teams was lost with the data of the node that holds it (its mark,
// which lives beside it, is gone too), the teams with leads are found again
// by scanning the keys, once, before it answers: a team that nobody writes
// to for a while still has its reminders swept. A store that never rebuilt
// sb:teams scans once as well.
func (s *Store) Teams(ctx context.Context) ([]string, error) {
	var (
		members *redis.StringSliceCmd
		built   *redis.IntCmd
	)
	_, err := s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		members = p.SMembers(ctx, teamsKey)
		built = p.Exists(ctx, teamsBuiltKey)
		return nil
	})
	if err != nil {
		return nil, failed(err, "teams")
	}
	teams := members.Val()
	if built.Val() == 0 {
		found, err := s.rebuildTeams(ctx)
		if err != nil {
			return nil, failed(err, "rebuild teams")
		}
		teams = append(teams, found...)
	}
	slices.Sort(teams)
	return slices.Compact(teams), nil
}

// scanOwners lists every owner (a team, or an enterprise) that has the key
// sb:{owner}:<suffix>, by scanning the keys count at a time (on a Cluster,
// every master's): for rebuilds and operators' commands, never a request's
// path.
func (s *Store) scanOwners(ctx context.Context, suffix string, count int64) ([]string, error) {
	var (
		mu     sync.Mutex
		owners []string
	)
	scan := func(ctx context.Context, c redis.Cmdable) error {
		iter := c.Scan(ctx, 0, "sb:{*}:"+suffix, count).Iterator()
		for iter.Next(ctx) {
			rest, ok := strings.CutPrefix(iter.Val(), "sb:{")
			owner, ok2 := strings.CutSuffix(rest, "}:"+suffix)
			if _, err := keysOf(owner); !ok || !ok2 || err != nil {
				continue // not an owner's key after all
			}
			mu.Lock()
			owners = append(owners, owner)
			mu.Unlock()
		}
		return iter.Err()
	}
	if cc, ok := s.client.(*redis.ClusterClient); ok {
		return owners, cc.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error { return scan(ctx, node) })
	}
	return owners, scan(ctx, s.client)
}

// rebuildTeams finds every team with a leads index by scanning the keys (on
// a Cluster, every master's), adds them to sb:teams, and then marks it
// rebuilt: in that order, so that a failure in between scans again.
func (s *Store) rebuildTeams(ctx context.Context) ([]string, error) {
	teams, err := s.scanOwners(ctx, "leads", scanCount)
	if err != nil {
		return nil, err
	}
	_, err = s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		if len(teams) > 0 {
			p.SAdd(ctx, teamsKey, teams)
		}
		p.Set(ctx, teamsBuiltKey, 1, 0)
		return nil
	})
	if err != nil {
		return nil, err
	}
	// A fresh Redis has no teams to find: only teams found again are news.
	level := slog.LevelInfo
	if len(teams) > 0 {
		level = slog.LevelWarn
	}
	s.log.Log(ctx, level, "sb:teams rebuilt by scanning the keys", "teams", len(teams))
	return teams, nil
}
