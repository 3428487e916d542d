package store_test

import (
	"slices"
	"testing"

	"salesbot"
	"salesbot/internal/redistest"
	"salesbot/store"
)

// TestTeamListedAgainAfterLoss loses sb:teams, as a failover that lost it
// would, and writes once for a team (a visit, a reminder's ack): the team is
// listed again, so the scheduler sweeps it again.
func TestTeamListedAgainAfterLoss(t *testing.T) {
	s, rdb, team := newStore(t)
	l := mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)
	lose := func() {
		t.Helper()
		if err := rdb.Del(ctx, "sb:teams").Err(); err != nil {
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
	s := store.New(c)
	mustUpdate(t, s, team, l.ID, visit(now.Add(salesbot.Day)))
	if teams, err := s.Teams(ctx); err != nil || !slices.Contains(teams, team) {
		t.Errorf("Teams = %v, %v; want it to hold %s", teams, err, team)
	}
}
