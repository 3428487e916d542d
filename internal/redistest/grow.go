package redistest

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Growing a FullCluster as an operator grows one: a new master joins with
// `redis-cli --cluster add-node`, then takes slots from the others, one slot
// moved under traffic (MoveSlot, the steps `redis-cli --cluster reshard`
// takes for each slot) and the rest by `redis-cli --cluster rebalance`.

// AddMaster starts one more cluster node and joins it to the cluster as a
// master that serves no slots yet (`redis-cli --cluster add-node`), and
// returns its address once every running node knows it and it knows the
// slot map. It is stopped with
// the cluster.
func (c *FullCluster) AddMaster(tb testing.TB) string {
	tb.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		tb.Fatal(notFound)
	}
	cli, err := exec.LookPath("redis-cli")
	if err != nil {
		tb.Fatal(cliNotFound)
	}
	nodes, err := startNodes(bin, fmt.Sprintf("%s/added%d", c.root, len(c.nodes)), 1, clusterNodeArgs)
	if err != nil {
		tb.Fatalf("redistest: new cluster node: %v", err)
	}
	n := nodes[0]
	c.nodes = append(c.nodes, n)
	ctx, cancel := context.WithTimeout(context.Background(), clusterTimeout)
	defer cancel()
	seed := c.runningMaster(tb)
	if out, err := exec.CommandContext(ctx, cli, "--cluster", "add-node", n.Addr(), seed).CombinedOutput(); err != nil {
		tb.Fatalf("redistest: redis-cli --cluster add-node: %v\n%s", err, out)
	}
	id := c.nodeID(ctx, tb, n.Addr())
	c.waitUntil(ctx, tb, "every node to know "+n.Addr(), func() error {
		for _, m := range c.nodes {
			if !m.running() {
				continue
			}
			known, err := c.clusterNodes(ctx, m.Addr())
			if err != nil {
				return err
			}
			if !strings.Contains(known, id) {
				return fmt.Errorf("%s does not know %s yet", m.Addr(), n.Addr())
			}
		}
		// The new node has learnt the slot map (cluster_state:ok).
		return c.healthy(ctx)
	})
	return n.Addr()
}

// MoveSlot moves the slot that holds key to the master at to, as `redis-cli
// --cluster reshard` moves a slot: the slot is marked importing on to and
// migrating on its master, its keys are moved batch at a time (MIGRATE),
// waiting pause between batches so that traffic meets the slot half moved,
// and then every master is told its new owner. It waits until the cluster
// is healthy with to serving the slot.
func (c *FullCluster) MoveSlot(tb testing.TB, key, to string, batch int, pause time.Duration) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), clusterTimeout)
	defer cancel()
	slot, err := c.keySlot(ctx, key)
	if err != nil {
		tb.Fatalf("redistest: %v", err)
	}
	from := c.MasterOf(tb, key)
	if from == to {
		tb.Fatalf("redistest: slot %d is on %s already", slot, to)
	}
	wasServing := slices.Contains(c.Masters(tb), to)
	src := redis.NewClient(&redis.Options{Addr: from, MaxRetries: -1})
	defer src.Close()
	dst := redis.NewClient(&redis.Options{Addr: to, MaxRetries: -1})
	defer dst.Close()
	srcID, dstID := c.nodeID(ctx, tb, from), c.nodeID(ctx, tb, to)
	do := func(rc *redis.Client, args ...any) {
		tb.Helper()
		if err := rc.Do(ctx, args...).Err(); err != nil {
			tb.Fatalf("redistest: %v on %s: %v", args, rc.Options().Addr, err)
		}
	}
	do(dst, "CLUSTER", "SETSLOT", slot, "IMPORTING", srcID)
	do(src, "CLUSTER", "SETSLOT", slot, "MIGRATING", dstID)
	host, port, _ := strings.Cut(to, ":")
	for {
		keys, err := src.ClusterGetKeysInSlot(ctx, slot, batch).Result()
		if err != nil {
			tb.Fatalf("redistest: CLUSTER GETKEYSINSLOT %d: %v", slot, err)
		}
		if len(keys) == 0 {
			break
		}
		args := []any{"MIGRATE", host, port, "", 0, 5000, "KEYS"}
		for _, k := range keys {
			args = append(args, k)
		}
		do(src, args...)
		time.Sleep(pause)
	}
	// The new owner first, then the old, then the other masters, as
	// redis-cli does.
	do(dst, "CLUSTER", "SETSLOT", slot, "NODE", dstID)
	do(src, "CLUSTER", "SETSLOT", slot, "NODE", dstID)
	for _, m := range c.Masters(tb) {
		if m == from || m == to {
			continue
		}
		rc := redis.NewClient(&redis.Options{Addr: m, MaxRetries: -1})
		do(rc, "CLUSTER", "SETSLOT", slot, "NODE", dstID)
		_ = rc.Close()
	}
	if !wasServing {
		c.masters++
	}
	c.waitUntil(ctx, tb, fmt.Sprintf("slot %d to be served by %s", slot, to), func() error {
		if err := c.healthy(ctx); err != nil {
			return err
		}
		if got := c.MasterOf(tb, key); got != to {
			return fmt.Errorf("slot %d is served by %s", slot, got)
		}
		return nil
	})
}

// Rebalance shares the slots evenly among the masters, a master that serves
// none included (`redis-cli --cluster rebalance
// --cluster-use-empty-masters`), and waits until the cluster is healthy.
func (c *FullCluster) Rebalance(tb testing.TB) {
	tb.Helper()
	cli, err := exec.LookPath("redis-cli")
	if err != nil {
		tb.Fatal(cliNotFound)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*clusterTimeout)
	defer cancel()
	seed := c.runningMaster(tb)
	out, err := exec.CommandContext(ctx, cli, "--cluster", "rebalance", seed, "--cluster-use-empty-masters").CombinedOutput()
	if err != nil {
		tb.Fatalf("redistest: redis-cli --cluster rebalance: %v\n%s", err, out)
	}
	var count int
	for _, n := range c.nodes {
		if n.running() && c.isMaster(ctx, n.Addr()) {
			count++
		}
	}
	c.masters = count
	c.waitUntil(ctx, tb, "the cluster to be healthy after the rebalance", func() error { return c.healthy(ctx) })
}

// SlotsOf returns how many slots each master serves, by address.
func (c *FullCluster) SlotsOf(tb testing.TB) map[string]int {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	slots, err := c.slots(ctx)
	if err != nil {
		tb.Fatalf("redistest: %v", err)
	}
	count := map[string]int{}
	for _, s := range slots {
		count[s.master] += s.end - s.start + 1
	}
	return count
}

// runningMaster is a running master that serves slots, to point redis-cli at.
func (c *FullCluster) runningMaster(tb testing.TB) string {
	tb.Helper()
	for _, m := range c.Masters(tb) {
		if c.runningAt(m) {
			return m
		}
	}
	tb.Fatal("redistest: no running master")
	return ""
}

// isMaster reports whether the node at addr is a master with slots.
func (c *FullCluster) isMaster(ctx context.Context, addr string) bool {
	slots, err := c.slots(ctx)
	if err != nil {
		return false
	}
	for _, s := range slots {
		if s.master == addr {
			return true
		}
	}
	return false
}

// nodeID is the cluster node ID of the node at addr (CLUSTER MYID).
func (c *FullCluster) nodeID(ctx context.Context, tb testing.TB, addr string) string {
	tb.Helper()
	rc := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	defer rc.Close()
	id, err := rc.Do(ctx, "CLUSTER", "MYID").Text()
	if err != nil {
		tb.Fatalf("redistest: CLUSTER MYID on %s: %v", addr, err)
	}
	return id
}

// clusterNodes is CLUSTER NODES as the node at addr answers it.
func (c *FullCluster) clusterNodes(ctx context.Context, addr string) (string, error) {
	rc := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	defer rc.Close()
	return rc.ClusterNodes(ctx).Result()
}

// waitUntil polls check until it returns nil, failing tb when ctx ends
// first with what it waited for and check's last error.
func (c *FullCluster) waitUntil(ctx context.Context, tb testing.TB, what string, check func() error) {
	tb.Helper()
	for {
		err := check()
		if err == nil {
			return
		}
		select {
		case <-ctx.Done():
			tb.Fatalf("redistest: gave up waiting for %s: %v", what, errors.Join(err, ctx.Err()))
		case <-time.After(100 * time.Millisecond):
		}
	}
}
