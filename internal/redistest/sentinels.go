package redistest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// SentinelMaster is the name under which a SentinelSet's sentinels know
// their master.
const SentinelMaster = "mymaster"

// SentinelSet is a master, one replica of it and three sentinels that watch
// them (a quorum of two), all redis-server processes on 127.0.0.1. A master
// silent for NodeTimeout is failed over to the replica. Make one with
// NewSentinelSet.
type SentinelSet struct {
	// URL is the set's redis-sentinel:// URL, naming the three sentinels.
	URL string

	data      []*node // the master and the replica as started
	sentinels []*node
	root      string
}

// NewSentinelSet starts a SentinelSet for tb alone, waits until the
// sentinels know the replica and each other, and stops it when the test
// ends. The test is skipped when redis-server is not on PATH.
func NewSentinelSet(tb testing.TB) *SentinelSet {
	tb.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		tb.Skip(notFound)
	}
	s, err := startSentinelSet(bin)
	if err != nil {
		tb.Fatalf("redistest: sentinel set: %v", err)
	}
	tb.Cleanup(s.stop)
	return s
}

func startSentinelSet(bin string) (*SentinelSet, error) {
	root, err := os.MkdirTemp("", "redistest-sentinel-")
	if err != nil {
		return nil, err
	}
	s := &SentinelSet{root: root}
	master, err := startNodes(bin, root+"/m", 1, func(port, _ int, dir string) ([]string, error) {
		return serverArgs()(port, dir)
	})
	if err == nil {
		s.data = master
	}
	var replica []*node
	if err == nil {
		replica, err = startNodes(bin, root+"/r", 1, func(port, _ int, dir string) ([]string, error) {
			return serverArgs("--replicaof", "127.0.0.1", strconv.Itoa(master[0].port))(port, dir)
		})
		s.data = append(s.data, replica...)
	}
	if err == nil {
		s.sentinels, err = startNodes(bin, root+"/s", 3, func(port, _ int, dir string) ([]string, error) {
			// Sentinel rewrites its config file, so each gets its own, kept
			// across a restart.
			conf := filepath.Join(dir, "sentinel.conf")
			text := fmt.Sprintf("port %d\nbind 127.0.0.1\ndir %s\n"+
				"sentinel monitor %[4]s 127.0.0.1 %[3]d 2\n"+
				"sentinel down-after-milliseconds %[4]s %[5]d\n"+
				"sentinel failover-timeout %[4]s 10000\n",
				port, dir, master[0].port, SentinelMaster, NodeTimeout/time.Millisecond)
			return []string{conf, "--sentinel"}, os.WriteFile(conf, []byte(text), 0o600)
		})
	}
	if err != nil {
		s.stop()
		return nil, err
	}
	addrs := make([]string, len(s.sentinels))
	for i, n := range s.sentinels {
		addrs[i] = n.Addr()
	}
	s.URL = fmt.Sprintf("redis-sentinel://%s/0?master=%s", strings.Join(addrs, ","), SentinelMaster)
	ctx, cancel := context.WithTimeout(context.Background(), sentinelsTimeout)
	defer cancel()
	if err := s.waitReady(ctx, master[0].Addr()); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

func (s *SentinelSet) stop() {
	for _, n := range append(append([]*node{}, s.sentinels...), s.data...) {
		n.kill()
	}
	_ = os.RemoveAll(s.root)
}

// Master returns the address of the master as the sentinels name it.
func (s *SentinelSet) Master(tb testing.TB) string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	addr, err := s.master(ctx)
	if err != nil {
		tb.Fatalf("redistest: %v", err)
	}
	return addr
}

func (s *SentinelSet) master(ctx context.Context) (string, error) {
	var err error
	for _, n := range s.sentinels {
		if !n.running() {
			continue
		}
		sc := redis.NewSentinelClient(&redis.Options{Addr: n.Addr(), MaxRetries: -1})
		var hp []string
		hp, err = sc.GetMasterAddrByName(ctx, SentinelMaster).Result()
		_ = sc.Close()
		if err == nil && len(hp) == 2 {
			return net.JoinHostPort(hp[0], hp[1]), nil
		}
	}
	return "", fmt.Errorf("no sentinel names the master: %v", err)
}

// Kill stops the data node at addr (the master or the replica) with
// SIGKILL, as a crash would.
func (s *SentinelSet) Kill(tb testing.TB, addr string) {
	tb.Helper()
	s.dataNode(tb, addr).kill()
}

// Restart starts the killed data node at addr again as a replica of the
// master the sentinels name, as the config file a sentinel rewrites would
// have it: left to the sentinels, a returning old master is reconfigured
// only after several of their INFO periods.
func (s *SentinelSet) Restart(tb testing.TB, addr string) {
	tb.Helper()
	n := s.dataNode(tb, addr)
	master := s.Master(tb)
	host, port, _ := net.SplitHostPort(master)
	n.mu.Lock()
	if i := slices.Index(n.argv, "--replicaof"); i >= 0 {
		n.argv = slices.Delete(n.argv, i, i+3)
	}
	if master != addr {
		n.argv = append(n.argv, "--replicaof", host, port)
	}
	n.mu.Unlock()
	if err := n.start(); err != nil {
		tb.Fatalf("redistest: restart %s: %v", addr, err)
	}
}

// WaitFailover waits until the sentinels name a master other than old.
func (s *SentinelSet) WaitFailover(tb testing.TB, old string) string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), clusterTimeout)
	defer cancel()
	for {
		addr, err := s.master(ctx)
		if err == nil && addr != old {
			return addr
		}
		select {
		case <-ctx.Done():
			tb.Fatalf("redistest: no failover from %s within %s (%v)", old, clusterTimeout, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Failover asks a sentinel to fail the master over to its replica at once
// (SENTINEL FAILOVER), without killing anything.
func (s *SentinelSet) Failover(tb testing.TB) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	sc := redis.NewSentinelClient(&redis.Options{Addr: s.sentinels[0].Addr()})
	defer sc.Close()
	if err := sc.Failover(ctx, SentinelMaster).Err(); err != nil {
		tb.Fatalf("redistest: SENTINEL FAILOVER: %v", err)
	}
}

func (s *SentinelSet) dataNode(tb testing.TB, addr string) *node {
	tb.Helper()
	for _, n := range s.data {
		if n.Addr() == addr {
			return n
		}
	}
	tb.Fatalf("redistest: no data node at %s", addr)
	return nil
}

// sentinelsTimeout bounds how long three sentinels may take to find each
// other (hello messages every 2 s through the master, slower on a loaded
// machine: 30 s was once not enough on two busy cores).
const sentinelsTimeout = time.Minute

// waitReady waits until the replica is in sync and every sentinel knows
// the replica and the two other sentinels, so that a failover can start.
func (s *SentinelSet) waitReady(ctx context.Context, master string) error {
	var err error
	for {
		if err = s.ready(ctx, master); err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("sentinels not ready within %s: %w", sentinelsTimeout, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func (s *SentinelSet) ready(ctx context.Context, master string) error {
	rc := redis.NewClient(&redis.Options{Addr: master, MaxRetries: -1})
	repl, err := rc.Info(ctx, "replication").Result()
	_ = rc.Close()
	if err != nil {
		return err
	}
	if !strings.Contains(repl, "connected_slaves:1") || !strings.Contains(repl, "state=online") {
		return errors.New("the replica is not in sync")
	}
	for _, n := range s.sentinels {
		sc := redis.NewSentinelClient(&redis.Options{Addr: n.Addr(), MaxRetries: -1})
		peers, err := sc.Sentinels(ctx, SentinelMaster).Result()
		var replicas []map[string]string
		if err == nil {
			replicas, err = sc.Replicas(ctx, SentinelMaster).Result()
		}
		_ = sc.Close()
		if err != nil {
			return err
		}
		if len(peers) != 2 || len(replicas) != 1 {
			return fmt.Errorf("sentinel %s knows %d sentinels and %d replicas", n.Addr(), len(peers), len(replicas))
		}
	}
	return nil
}

// WaitReplicaOf waits until the data node at addr is a replica of master
// in sync with it, and every sentinel counts it as a healthy replica (so
// that it can be failed over to).
func (s *SentinelSet) WaitReplicaOf(tb testing.TB, addr, master string) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), clusterTimeout)
	defer cancel()
	var err error
	for {
		if err = s.replicaOf(ctx, addr, master); err == nil {
			return
		}
		select {
		case <-ctx.Done():
			tb.Fatalf("redistest: %s not a replica of %s within %s: %v", addr, master, clusterTimeout, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func (s *SentinelSet) replicaOf(ctx context.Context, addr, master string) error {
	_, port, _ := net.SplitHostPort(master)
	rc := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	repl, err := rc.Info(ctx, "replication").Result()
	_ = rc.Close()
	if err != nil {
		return err
	}
	if !strings.Contains(repl, "role:slave") || !strings.Contains(repl, "master_port:"+port+"\r") || !strings.Contains(repl, "master_link_status:up") {
		return errors.New("not in sync as a replica")
	}
	for _, n := range s.sentinels {
		sc := redis.NewSentinelClient(&redis.Options{Addr: n.Addr(), MaxRetries: -1})
		replicas, err := sc.Replicas(ctx, SentinelMaster).Result()
		_ = sc.Close()
		if err != nil {
			return err
		}
		ok := false
		for _, r := range replicas {
			ok = ok || (net.JoinHostPort(r["ip"], r["port"]) == addr && r["flags"] == "slave")
		}
		if !ok {
			return fmt.Errorf("sentinel %s does not count it as a healthy replica", n.Addr())
		}
	}
	return nil
}
