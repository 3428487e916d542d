package store_test

import (
	"testing"
	"time"

	"salesbot"
	"salesbot/internal/redistest"
	"salesbot/store"
)

// TestClusterClientFollowsFailover kills the master that holds a team on a
// Redis Cluster of its own: while its replica takes over, the store's reads
// fail as unavailable (the user is asked to try again), and within two
// seconds of the cluster settling they succeed again with the data, through
// the same client. go-redis alone would go on dialling the dead master
// until its periodic slot-map reload (NewClient sets it to 10 s; go-redis's
// default is a minute): NewClient's client reloads the map on such
// failures.
func TestClusterClientFollowsFailover(t *testing.T) {
	if testing.Short() || !redistest.ClusterMode() {
		t.Skipf("starts six redis-servers: make test-cluster runs it (%s=1)", redistest.ClusterEnv)
	}
	t.Parallel()
	c := redistest.NewFullCluster(t)
	client, err := store.NewClient(c.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	s, team := store.New(client), redistest.Team(t)
	l := mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)
	c.WaitSynced(t) // the replica has the lead before its master dies

	c.Kill(t, c.MasterOf(t, "sb:{"+team+"}:leads"))
	if _, err := s.Lead(ctx, team, l.ID); salesbot.ErrorCode(err) != salesbot.EUNAVAILABLE {
		t.Errorf("read while the master is down: %v; want EUNAVAILABLE", err)
	}
	c.WaitHealthy(t)
	settled := time.Now()
	for {
		got, err := s.Lead(ctx, team, l.ID)
		if err == nil {
			if got.Company != "Acme" {
				t.Errorf("after the failover the lead is %q; want Acme", got.Company)
			}
			t.Logf("reads succeed again %s after the cluster settled", time.Since(settled).Round(time.Millisecond))
			return
		}
		if time.Since(settled) > 2*time.Second {
			t.Fatalf("still failing 2s after the cluster settled: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
