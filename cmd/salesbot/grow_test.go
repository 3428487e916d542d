package main

import (
	"testing"
	"time"

	"salesbot/internal/redistest"
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
