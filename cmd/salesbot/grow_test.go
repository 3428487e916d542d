package main

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"salesbot"
	"salesbot/internal/redistest"
	"salesbot/store"
)

// TestClusterGrowsByAMaster grows the Redis Cluster under two `salesbot
// serve` processes as README tells the operator to: a fourth master joins
// (`redis-cli --cluster add-node`); the slot that holds the team's keys is
// moved to it a few keys at a time while the replicas answer a steady
// stream of commands and send reminders falling due (so commands meet the
// slot half moved: ASK redirects, TRYAGAIN); then `redis-cli --cluster
// rebalance` gives it its share of the rest. What must hold is what holds
// through a failover (failoverRig.run): every command answered, by its own
// reply or "try again", normal answers after without a restart, every
// reminder sent once.
func TestClusterGrowsByAMaster(t *testing.T) {
	skipUnlessFailover(t)
	c := redistest.NewFullCluster(t)
	f := startFailoverRig(t, c.URL)
	key := "sb:{" + f.team + "}:leads"
	var added string
	f.run(t, switchover{name: "Grow"}, func() {
		added = c.AddMaster(t)
		c.MoveSlot(t, key, added, 2, 100*time.Millisecond)
	})
	if got := c.MasterOf(t, key); got != added {
		t.Fatalf("the team's slot is on %s; want the added master %s", got, added)
	}
	f.run(t, switchover{name: "Rebalance"}, func() { c.Rebalance(t) })
	slots := c.SlotsOf(t)
	t.Logf("slots per master after the rebalance: %v", slots)
	if len(slots) != 4 {
		t.Fatalf("%d masters serve slots after the rebalance; want 4", len(slots))
	}
	for m, n := range slots {
		if n < 16384/4-400 || n > 16384/4+400 {
			t.Errorf("master %s serves %d slots; want about a quarter of 16384", m, n)
		}
	}
	f.stop(t)
}

// BenchmarkMoveWorkspaceSlot measures how long redis-cli's way of moving a
// slot (MIGRATE ten keys at a time, its default --cluster-pipeline) takes
// for the slot of one workspace of growLeads leads, each with two
// stakeholders and three visits: while it moves, that workspace's commands
// answer "try again" (TestClusterGrowsByAMaster); the others are not
// touched. Each iteration moves the slot to the next master. It starts a
// Cluster of its own.
//
//	go test -run=NONE -bench=MoveWorkspaceSlot -benchtime=3x ./cmd/salesbot/
func BenchmarkMoveWorkspaceSlot(b *testing.B) {
	c := redistest.NewFullCluster(b)
	client := c.Client(b)
	st := store.New(client)
	team := redistest.Team(b)
	ctx := b.Context()
	rep := salesbot.Actor{User: "U0GROWREP"}
	now := time.Now()
	for i := range growLeads {
		l, ch, err := salesbot.NewLead(rep, team, "", fmt.Sprintf("Growth Account %05d", i), salesbot.GradeB, now)
		if err != nil {
			b.Fatal(err)
		}
		l.Schedule(salesbot.DefaultCadence())
		if _, err := st.CreateLead(ctx, l, ch); err != nil {
			b.Fatal(err)
		}
		for j := range 5 {
			if _, err := st.UpdateLead(ctx, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
				if j < 2 {
					c, err := l.SetStakeholder(rep, salesbot.Stakeholder{Name: fmt.Sprintf("Person %d", j), Role: salesbot.RoleUser, Influence: salesbot.InfluenceMedium, Support: 1, Notes: "met at the plant, wants a pilot first"}, now)
					return salesbot.Update{Changes: []salesbot.Change{c}}, err
				}
				v := salesbot.Visit{Kind: salesbot.KindVisit, Notes: fmt.Sprintf("visit %d: walked the line, asked about the pilot's scope and the budget owner", j)}
				c, err := l.RecordVisit(rep, &v, time.UTC, now)
				return salesbot.Update{Changes: []salesbot.Change{c}, Visit: &v}, err
			}); err != nil {
				b.Fatal(err)
			}
		}
	}
	key := "sb:{" + team + "}:leads"
	keys, err := redistest.Keys(ctx, client, "sb:{"+team+"}:*")
	if err != nil {
		b.Fatal(err)
	}
	var bytes int64
	for _, k := range keys {
		n, err := client.MemoryUsage(ctx, k, 0).Result()
		if err == nil {
			bytes += n
		}
	}
	masters := c.Masters(b)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		from := c.MasterOf(b, key)
		to := masters[(slices.Index(masters, from)+1)%len(masters)]
		c.MoveSlot(b, key, to, 10, 0)
	}
	perMove := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(float64(len(keys)), "keys")
	b.ReportMetric(float64(bytes)/1e6, "MB")
	b.ReportMetric(float64(len(keys))/perMove.Seconds(), "keys/s")
	b.ReportMetric(float64(perMove.Milliseconds()), "ms/move")
}

// growLeads is the size of the workspace BenchmarkMoveWorkspaceSlot moves.
const growLeads = 2000
