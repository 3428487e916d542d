package redistest_test

import (
	"context"
	"slices"
	"testing"

	"salesbot/internal/redistest"
)

// TestFullClusterFailover: the cluster has three masters; a killed master's
// replica takes over its slots with the data written before, and the killed
// node, started again, rejoins as a replica while the masters stay three.
func TestFullClusterFailover(t *testing.T) {
	if testing.Short() || !redistest.ClusterMode() {
		t.Skip("starts six redis-servers: make test-cluster runs it")
	}
	t.Parallel()
	ctx := context.Background()
	c := redistest.NewFullCluster(t)
	masters := c.Masters(t)
	if len(masters) != 3 {
		t.Fatalf("masters %v; want three", masters)
	}
	cc := c.Client(t)
	if err := cc.Set(ctx, "{team}:k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	c.WaitSynced(t) // the replica has the write before its master dies
	old := c.MasterOf(t, "{team}:k")
	c.Kill(t, old)
	c.WaitHealthy(t)
	now := c.MasterOf(t, "{team}:k")
	if now == old || slices.Contains(masters, now) {
		t.Fatalf("slot served by %s after %s died; masters were %v", now, old, masters)
	}
	fresh := c.Client(t)
	if got, err := fresh.Get(ctx, "{team}:k").Result(); err != nil || got != "v" {
		t.Errorf("after the failover GET = %q, %v; want v", got, err)
	}
	c.Restart(t, old)
	if got := c.MasterOf(t, "{team}:k"); got != now {
		t.Errorf("after the restart the slot moved to %s; want it to stay on %s", got, now)
	}
	if got := c.Masters(t); len(got) != 3 || slices.Contains(got, old) {
		t.Errorf("masters after the restart %v; want three without %s", got, old)
	}
}

// TestSentinelSetFailover: killing the master makes the sentinels name the
// replica, which has the data; SENTINEL FAILOVER then hands it back to the
// restarted node.
func TestSentinelSetFailover(t *testing.T) {
	if testing.Short() || !redistest.ClusterMode() {
		t.Skip("starts five redis-servers: make test-cluster runs it")
	}
	t.Parallel()
	s := redistest.NewSentinelSet(t)
	old := s.Master(t)
	s.Kill(t, old)
	promoted := s.WaitFailover(t, old)
	s.Restart(t, old)
	s.WaitReplicaOf(t, old, promoted)
	s.Failover(t)
	if got := s.WaitFailover(t, promoted); got != old {
		t.Errorf("after SENTINEL FAILOVER the master is %s; want %s", got, old)
	}
}
