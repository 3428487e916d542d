package redistest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// ClusterEnv is the environment variable that makes Main start a full Redis
// Cluster (three masters, three replicas) instead of one redis-server, so
// that URL, Client and Cluster hand it out and a package's suite runs
// against it unchanged (`make test-cluster`).
const ClusterEnv = "REDISTEST_CLUSTER"

// NodeTimeout is the cluster-node-timeout of a FullCluster and the
// down-after-milliseconds of a SentinelSet: how long a node may be silent
// before its peers count it as failed. It is short so that a failover takes
// a few seconds in a test.
const NodeTimeout = time.Second

// clusterTimeout bounds how long a full cluster may take to form or heal.
const clusterTimeout = 30 * time.Second

const cliNotFound = "redistest: redis-cli not found; it joins the cluster's nodes (apt-get install -y redis-tools, which redis-server depends on)"

// ClusterMode reports whether Main runs the package's tests against a full
// Redis Cluster (ClusterEnv is set), for the few tests that cannot run on
// one by nature and skip themselves.
func ClusterMode() bool { return os.Getenv(ClusterEnv) != "" }

// SkipInClusterMode skips the test in cluster mode, saying why.
func SkipInClusterMode(tb testing.TB, why string) {
	tb.Helper()
	if ClusterMode() {
		tb.Skip("not on a Redis Cluster: " + why)
	}
}

// FullCluster is a Redis Cluster of six redis-server processes on
// 127.0.0.1: three masters that share the 16384 slots and one replica of
// each, with a cluster-node-timeout of NodeTimeout, so that a killed master's
// replica takes over within a few seconds. Make one with NewFullCluster, or
// run a package in cluster mode (ClusterEnv). AddMaster grows it (grow.go).
type FullCluster struct {
	// URL is the cluster's redis-cluster:// URL, seeded with every node.
	URL string

	nodes   []*node
	root    string
	masters int // how many masters serve slots: 3, more once one is added and given slots
}

// NewFullCluster starts a full Redis Cluster for tb alone and stops it when
// the test ends. The test is skipped when redis-server is not on PATH and
// fails when redis-cli is not.
func NewFullCluster(tb testing.TB) *FullCluster {
	tb.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		tb.Skip(notFound)
	}
	c, err := startFullCluster()
	if err != nil {
		tb.Fatalf("redistest: %v", err)
	}
	tb.Cleanup(c.stop)
	return c
}

func startFullCluster() (*FullCluster, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, errors.New(notFound)
	}
	cli, err := exec.LookPath("redis-cli")
	if err != nil {
		return nil, errors.New(cliNotFound)
	}
	root, err := os.MkdirTemp("", "redistest-cluster-")
	if err != nil {
		return nil, err
	}
	nodes, err := startNodes(bin, root, 6, clusterNodeArgs)
	if err != nil {
		_ = os.RemoveAll(root)
		return nil, fmt.Errorf("cluster nodes: %w", err)
	}
	c := &FullCluster{nodes: nodes, root: root, masters: 3}
	c.URL = "redis-cluster://" + strings.Join(c.Addrs(), ",")

	ctx, cancel := context.WithTimeout(context.Background(), clusterTimeout)
	defer cancel()
	argv := append([]string{"--cluster", "create"}, c.Addrs()...)
	argv = append(argv, "--cluster-replicas", "1", "--cluster-yes")
	if out, err := exec.CommandContext(ctx, cli, argv...).CombinedOutput(); err != nil {
		c.stop()
		return nil, fmt.Errorf("redis-cli --cluster create: %w\n%s", err, out)
	}
	if err := c.waitHealthy(ctx); err != nil {
		c.stop()
		return nil, err
	}
	return c, nil
}

// clusterNodeArgs is the command line of a cluster node.
func clusterNodeArgs(port, bus int, dir string) ([]string, error) {
	return serverArgs(
		"--cluster-enabled", "yes",
		"--cluster-port", strconv.Itoa(bus),
		"--cluster-config-file", "nodes.conf", // in --dir, kept across a restart
		"--cluster-announce-ip", "127.0.0.1",
		"--cluster-node-timeout", strconv.Itoa(int(NodeTimeout/time.Millisecond)),
		// A replica may take over however long it was cut off.
		"--cluster-replica-validity-factor", "0",
	)(port, dir)
}

func (c *FullCluster) stop() {
	for _, n := range c.nodes {
		n.kill()
	}
	_ = os.RemoveAll(c.root)
}

// Addrs are the host:port of the six nodes, running or not.
func (c *FullCluster) Addrs() []string {
	addrs := make([]string, len(c.nodes))
	for i, n := range c.nodes {
		addrs[i] = n.Addr()
	}
	return addrs
}

// Client returns a cluster client seeded with every node, closed when the
// test ends.
func (c *FullCluster) Client(tb testing.TB) *redis.ClusterClient {
	tb.Helper()
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: c.Addrs()})
	tb.Cleanup(func() { _ = cc.Close() })
	return cc
}

// Masters returns the addresses of the masters that serve slots, as a
// running node sees them, sorted.
func (c *FullCluster) Masters(tb testing.TB) []string {
	tb.Helper()
	masters := slices.Collect(maps.Keys(c.SlotsOf(tb)))
	slices.Sort(masters)
	return masters
}

// MasterOf returns the address of the master that serves key's slot.
func (c *FullCluster) MasterOf(tb testing.TB, key string) string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	slots, err := c.slots(ctx)
	if err != nil {
		tb.Fatalf("redistest: %v", err)
	}
	slot, err := c.keySlot(ctx, key)
	if err != nil {
		tb.Fatalf("redistest: %v", err)
	}
	for _, s := range slots {
		if s.start <= slot && slot <= s.end {
			return s.master
		}
	}
	tb.Fatalf("redistest: no node serves slot %d", slot)
	return ""
}

// Kill stops the node at addr with SIGKILL, as a crash would; its peers
// notice after NodeTimeout, and a master's replica then takes over.
func (c *FullCluster) Kill(tb testing.TB, addr string) {
	tb.Helper()
	c.node(tb, addr).kill()
}

// Restart starts the killed node at addr again with its own nodes.conf:
// it rejoins the cluster (a former master as a replica of the node that took
// over), and Restart waits until the cluster is healthy again.
func (c *FullCluster) Restart(tb testing.TB, addr string) {
	tb.Helper()
	if err := c.node(tb, addr).start(); err != nil {
		tb.Fatalf("redistest: restart cluster node: %v", err)
	}
	c.WaitHealthy(tb)
}

// WaitSynced waits until every running replica has every write its master
// has taken (their replication offsets are equal), so that a master killed
// afterwards loses nothing. (WAIT would need the writer's own connection,
// which a cluster client's pool does not give out.)
func (c *FullCluster) WaitSynced(tb testing.TB) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), clusterTimeout)
	defer cancel()
	for {
		err := c.synced(ctx)
		if err == nil {
			return
		}
		select {
		case <-ctx.Done():
			tb.Fatalf("redistest: replicas not in sync within %s: %v", clusterTimeout, err)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func (c *FullCluster) synced(ctx context.Context) error {
	for _, n := range c.nodes {
		if !n.running() {
			continue
		}
		rc := redis.NewClient(&redis.Options{Addr: n.Addr(), MaxRetries: -1})
		info, err := rc.Info(ctx, "replication").Result()
		_ = rc.Close()
		if err != nil {
			return err
		}
		if !strings.Contains(info, "role:master") {
			continue
		}
		var offset string
		for _, line := range strings.Split(info, "\r\n") {
			if v, ok := strings.CutPrefix(line, "master_repl_offset:"); ok {
				offset = v
			}
		}
		for _, line := range strings.Split(info, "\r\n") {
			if strings.HasPrefix(line, "slave") && strings.Contains(line, "offset=") && !strings.Contains(line, "offset="+offset+",") {
				return fmt.Errorf("%s at offset %s: replica %s", n.Addr(), offset, line)
			}
		}
	}
	return nil
}

// Failover makes the replica at addr take its master's slots over by a
// manual failover (CLUSTER FAILOVER: the master pauses its clients until the
// replica has caught up, so no write is lost), and waits until the cluster
// is healthy with addr a master.
func (c *FullCluster) Failover(tb testing.TB, addr string) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), clusterTimeout)
	defer cancel()
	rc := redis.NewClient(&redis.Options{Addr: c.node(tb, addr).Addr()})
	defer rc.Close()
	if err := rc.ClusterFailover(ctx).Err(); err != nil {
		tb.Fatalf("redistest: CLUSTER FAILOVER on %s: %v", addr, err)
	}
	for {
		if err := c.healthy(ctx); err == nil && slices.Contains(c.Masters(tb), addr) {
			return
		}
		select {
		case <-ctx.Done():
			tb.Fatalf("redistest: %s not a healthy master within %s", addr, clusterTimeout)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// WaitHealthy waits until every running node says cluster_state:ok, the
// masters that serve the slots (three, or more once added) are running, agreed on by every
// running node, and every running replica is in sync with its master.
func (c *FullCluster) WaitHealthy(tb testing.TB) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), clusterTimeout)
	defer cancel()
	if err := c.waitHealthy(ctx); err != nil {
		tb.Fatalf("redistest: %v", err)
	}
}

func (c *FullCluster) node(tb testing.TB, addr string) *node {
	tb.Helper()
	for _, n := range c.nodes {
		if n.Addr() == addr {
			return n
		}
	}
	tb.Fatalf("redistest: no cluster node at %s", addr)
	return nil
}

func (c *FullCluster) waitHealthy(ctx context.Context) error {
	var err error
	for {
		if err = c.healthy(ctx); err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("cluster not healthy within %s: %w", clusterTimeout, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func (c *FullCluster) healthy(ctx context.Context) error {
	var masters []string
	for _, n := range c.nodes {
		if !n.running() {
			continue
		}
		err := func() error {
			rc := redis.NewClient(&redis.Options{Addr: n.Addr(), MaxRetries: -1})
			defer rc.Close()
			info, err := rc.ClusterInfo(ctx).Result()
			if err != nil {
				return err
			}
			if !strings.Contains(info, "cluster_state:ok") {
				return fmt.Errorf("%s: cluster_state is not ok", n.Addr())
			}
			slots, err := slotsOf(ctx, rc)
			if err != nil {
				return err
			}
			var seen []string
			for _, s := range slots {
				if !c.runningAt(s.master) {
					return fmt.Errorf("%s: slots %d-%d are served by %s, which is down", n.Addr(), s.start, s.end, s.master)
				}
				if !slices.Contains(seen, s.master) {
					seen = append(seen, s.master)
				}
			}
			slices.Sort(seen)
			if len(seen) != c.masters || (masters != nil && !slices.Equal(seen, masters)) {
				return fmt.Errorf("%s: sees masters %v, others %v", n.Addr(), seen, masters)
			}
			masters = seen
			repl, err := rc.Info(ctx, "replication").Result()
			if err != nil {
				return err
			}
			if strings.Contains(repl, "role:slave") && !strings.Contains(repl, "master_link_status:up") {
				return fmt.Errorf("%s: replica not in sync", n.Addr())
			}
			return nil
		}()
		if err != nil {
			return err
		}
	}
	return nil
}

func (c *FullCluster) runningAt(addr string) bool {
	for _, n := range c.nodes {
		if n.Addr() == addr {
			return n.running()
		}
	}
	return false
}

// keySlot asks a running node for key's slot.
func (c *FullCluster) keySlot(ctx context.Context, key string) (int, error) {
	for _, n := range c.nodes {
		if !n.running() {
			continue
		}
		rc := redis.NewClient(&redis.Options{Addr: n.Addr(), MaxRetries: -1})
		defer rc.Close()
		slot, err := rc.ClusterKeySlot(ctx, key).Result()
		return int(slot), err
	}
	return 0, errors.New("cluster keyslot: no node is running")
}

// slotRange is a range of slots and the master that serves it.
type slotRange struct {
	start, end int
	master     string // host:port
}

// slots asks the running nodes in turn for the slot map.
func (c *FullCluster) slots(ctx context.Context) ([]slotRange, error) {
	var err error
	for _, n := range c.nodes {
		if !n.running() {
			continue
		}
		rc := redis.NewClient(&redis.Options{Addr: n.Addr(), MaxRetries: -1})
		var slots []slotRange
		slots, err = slotsOf(ctx, rc)
		_ = rc.Close()
		if err == nil {
			return slots, nil
		}
	}
	return nil, fmt.Errorf("cluster slots: no running node answers: %v", err)
}

// slotsOf is the slot map as one node sees it (CLUSTER SHARDS): the
// ranges of each shard that has slots, with its master.
func slotsOf(ctx context.Context, rc *redis.Client) ([]slotRange, error) {
	shards, err := rc.ClusterShards(ctx).Result()
	if err != nil {
		return nil, err
	}
	var slots []slotRange
	for _, sh := range shards {
		master := ""
		for _, n := range sh.Nodes {
			// A failed master may linger in its shard beside the replica
			// that took over.
			if n.Role == "master" && (master == "" || n.Health == "online") {
				master = net.JoinHostPort(n.IP, strconv.FormatInt(n.Port, 10))
			}
		}
		for _, r := range sh.Slots {
			if master == "" {
				return nil, fmt.Errorf("slots %d-%d have no master", r.Start, r.End)
			}
			slots = append(slots, slotRange{start: int(r.Start), end: int(r.End), master: master})
		}
	}
	return slots, nil
}
