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
// --cluster reshard` moves a slot (StartMove, then Rest and Finish): its
// keys batch at a time, waiting pause between batches so that traffic
// meets the slot half moved. It waits until the cluster is healthy with to
// serving the slot.
func (c *FullCluster) MoveSlot(tb testing.TB, key, to string, batch int, pause time.Duration) {
	tb.Helper()
	m := c.StartMove(tb, key, to)
	m.Rest(batch, pause)
	m.Finish()
}

// SlotMove is a slot being moved from one master to another, step by
// step: importing on the new one, migrating on the old, its keys moved
// with Migrate or Rest, and Finish to hand it over.
type SlotMove struct {
	c          *FullCluster
	tb         testing.TB
	key        string // a key of the slot
	slot       int
	from, to   string
	src, dst   *redis.Client
	dstID      string
	wasServing bool
}

// StartMove marks the slot that holds key importing on the master at to
// and migrating on its master, as `redis-cli --cluster reshard` does
// first. Until Finish, a key of the slot is on one master or the other.
func (c *FullCluster) StartMove(tb testing.TB, key, to string) *SlotMove {
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
	m := &SlotMove{c: c, tb: tb, key: key, slot: slot, from: from, to: to,
		src:        redis.NewClient(&redis.Options{Addr: from, MaxRetries: -1}),
		dst:        redis.NewClient(&redis.Options{Addr: to, MaxRetries: -1}),
		dstID:      c.nodeID(ctx, tb, to),
		wasServing: slices.Contains(c.Masters(tb), to),
	}
	tb.Cleanup(func() { _ = m.src.Close(); _ = m.dst.Close() })
	m.do(m.dst, "CLUSTER", "SETSLOT", slot, "IMPORTING", c.nodeID(ctx, tb, from))
	m.do(m.src, "CLUSTER", "SETSLOT", slot, "MIGRATING", m.dstID)
	return m
}

func (m *SlotMove) do(rc *redis.Client, args ...any) {
	m.tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), clusterTimeout)
	defer cancel()
	if err := rc.Do(ctx, args...).Err(); err != nil {
		m.tb.Fatalf("redistest: %v on %s: %v", args, rc.Options().Addr, err)
	}
}

// Migrate moves keys of the slot to the new master (MIGRATE … KEYS).
func (m *SlotMove) Migrate(keys ...string) {
	m.tb.Helper()
	host, port, _ := strings.Cut(m.to, ":")
	args := []any{"MIGRATE", host, port, "", 0, 5000, "KEYS"}
	for _, k := range keys {
		args = append(args, k)
	}
	m.do(m.src, args...)
}

// Rest moves the slot's keys still on the old master, batch at a time,
// waiting pause between batches.
func (m *SlotMove) Rest(batch int, pause time.Duration) {
	m.tb.Helper()
	for {
		ctx, cancel := context.WithTimeout(context.Background(), clusterTimeout)
		keys, err := m.src.ClusterGetKeysInSlot(ctx, m.slot, batch).Result()
		cancel()
		if err != nil {
			m.tb.Fatalf("redistest: CLUSTER GETKEYSINSLOT %d: %v", m.slot, err)
		}
		if len(keys) == 0 {
			return
		}
		m.Migrate(keys...)
		time.Sleep(pause)
	}
}

// Finish moves what is left of the slot and tells every master its new
// owner (the new owner first, then the old, then the others, as redis-cli
// does), and waits until the cluster is healthy with the new master
// serving it.
func (m *SlotMove) Finish() {
	m.tb.Helper()
	m.Rest(100, 0)
	m.do(m.dst, "CLUSTER", "SETSLOT", m.slot, "NODE", m.dstID)
	m.do(m.src, "CLUSTER", "SETSLOT", m.slot, "NODE", m.dstID)
	c := m.c
	for _, addr := range c.Masters(m.tb) {
		if addr == m.from || addr == m.to {
			continue
		}
		rc := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
		m.do(rc, "CLUSTER", "SETSLOT", m.slot, "NODE", m.dstID)
		_ = rc.Close()
	}
	if !m.wasServing {
		c.masters++
	}
	ctx, cancel := context.WithTimeout(context.Background(), clusterTimeout)
	defer cancel()
	c.waitUntil(ctx, m.tb, fmt.Sprintf("slot %d to be served by %s", m.slot, m.to), func() error {
		if err := c.healthy(ctx); err != nil {
			return err
		}
		if got := c.MasterOf(m.tb, m.key); got != m.to {
			return fmt.Errorf("slot %d is served by %s", m.slot, got)
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
	c.masters = len(c.SlotsOf(tb))
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
