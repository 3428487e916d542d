package store_test

import (
	"context"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"

	"salesbot"
	"salesbot/internal/redistest"
	"salesbot/store"
)

// teamsBuilt is the mark that sb:teams was rebuilt from the keys.
const teamsBuilt = "{sb:teams}:built"

// TestTeamListedAgainAfterLoss loses sb:teams but not the mark beside it,
// as a failover that lost recent writes would, and writes once for a team (a
// visit): the team is listed again, so the scheduler sweeps it again.
func TestTeamListedAgainAfterLoss(t *testing.T) {
	redistest.SkipInClusterMode(t, "the one-server path; TestTeamListedAgainOnCluster is the cluster's")
	s, rdb, team := newStore(t)
	l := mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)
	lose := func() {
		t.Helper()
		if err := rdb.Del(ctx, "sb:teams").Err(); err != nil {
			t.Fatal(err)
		}
		if err := rdb.Set(ctx, teamsBuilt, 1, 0).Err(); err != nil {
			t.Fatal(err)
		}
		if teams, _ := s.Teams(ctx); slices.Contains(teams, team) {
			t.Fatalf("Teams = %v after sb:teams was lost", teams)
		}
	}

	lose()
	mustUpdate(t, s, team, l.ID, visit(now.Add(salesbot.Day)))
	if teams, err := s.Teams(ctx); err != nil || !slices.Contains(teams, team) {
		t.Errorf("after a visit, Teams = %v, %v; want it to hold %s", teams, err, team)
	}

	lose()
	other := redistest.Team(t)
	mustCreate(t, s, other, "Globex", "U1", salesbot.GradeB)
	if teams, _ := s.Teams(ctx); !slices.Contains(teams, other) || slices.Contains(teams, team) {
		t.Errorf("after a lead of %s only, Teams = %v", other, teams)
	}
}

// TestTeamListedAgainOnCluster: on a Cluster sb:teams is in another slot
// than the team's write, so a Store lists the team again at most every few
// minutes; a Store that has not listed it yet (a replica started after the
// loss) lists it with its first write.
func TestTeamListedAgainOnCluster(t *testing.T) {
	c, err := store.NewClient(redistest.Cluster(t))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	team := redistest.Team(t)
	l := mustCreate(t, store.New(c), team, "Acme", "U1", salesbot.GradeA)
	if err := c.SRem(ctx, "sb:teams", team).Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.Set(ctx, teamsBuilt, 1, 0).Err(); err != nil {
		t.Fatal(err)
	}
	s := store.New(c)
	if teams, _ := s.Teams(ctx); slices.Contains(teams, team) {
		t.Fatalf("Teams = %v after %s was lost", teams, team)
	}
	mustUpdate(t, s, team, l.ID, visit(now.Add(salesbot.Day)))
	if teams, err := s.Teams(ctx); err != nil || !slices.Contains(teams, team) {
		t.Errorf("Teams = %v, %v; want it to hold %s", teams, err, team)
	}
}

// TestTeamsRebuiltAfterNodeLoss loses sb:teams with its node's data (the
// mark too) while no one writes: Teams finds the teams with leads by
// scanning, once, lists them again, and the next call reads the set alone.
func TestTeamsRebuiltAfterNodeLoss(t *testing.T) {
	redistest.SkipInClusterMode(t, "its SCANs go through the masters' own clients, which the hook does not see; TestTeamsRebuiltOnCluster is the cluster's")
	c := redistest.Client(t)
	scans := &counter{name: "scan"}
	c.AddHook(scans)
	s, team := store.New(c), redistest.Team(t)
	mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)
	if err := c.Del(ctx, "sb:teams", teamsBuilt).Err(); err != nil {
		t.Fatal(err)
	}
	teams, err := s.Teams(ctx)
	if err != nil || !slices.Contains(teams, team) {
		t.Fatalf("Teams = %v, %v; want %s found again", teams, err, team)
	}
	if !c.SIsMember(ctx, "sb:teams", team).Val() {
		t.Errorf("sb:teams lacks %s after the rebuild", team)
	}
	if scans.n.Load() == 0 {
		t.Error("no SCAN: the rebuild did not look at the keys")
	}
	scans.n.Store(0)
	if teams, err := s.Teams(ctx); err != nil || !slices.Contains(teams, team) || scans.n.Load() != 0 {
		t.Errorf("second Teams = %v, %v after %d SCANs; want the set read alone", teams, err, scans.n.Load())
	}
}

// TestTeamsRebuiltOnCluster: the rebuild scans every master of a Cluster.
func TestTeamsRebuiltOnCluster(t *testing.T) {
	c, err := store.NewClient(redistest.Cluster(t))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s, team := store.New(c), redistest.Team(t)
	mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)
	if err := c.Del(ctx, "sb:teams").Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.Del(ctx, teamsBuilt).Err(); err != nil {
		t.Fatal(err)
	}
	if teams, err := s.Teams(ctx); err != nil || !slices.Contains(teams, team) {
		t.Errorf("Teams = %v, %v; want %s found again", teams, err, team)
	}
}

// counter counts the commands of one name a client sends, alone or in a
// pipeline.
type counter struct {
	name string
	n    atomic.Int64
}

func (h *counter) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *counter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if cmd.Name() == h.name {
			h.n.Add(1)
		}
		return next(ctx, cmd)
	}
}

func (h *counter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		for _, cmd := range cmds {
			if cmd.Name() == h.name {
				h.n.Add(1)
			}
		}
		return next(ctx, cmds)
	}
}
