package redistest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"sync"

	"github.com/redis/go-redis/v9"
)

// node is one redis-server of a FullCluster or a SentinelSet. Its port and
// directory outlive its process, so that a killed node starts again as
// itself: a cluster node with its nodes.conf, a sentinel with its config.
type node struct {
	bin  string
	port int
	argv []string

	mu  sync.Mutex
	srv *server // nil while stopped
}

// Addr is the node's host:port.
func (n *node) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(n.port)) }

func (n *node) start() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.srv != nil {
		return nil
	}
	s, err := spawn(n.bin, n.port, n.argv, nil)
	if err != nil {
		return err
	}
	n.srv = s
	return nil
}

// kill stops the node with SIGKILL, as a crash would.
func (n *node) kill() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.srv != nil {
		n.srv.stop()
		n.srv = nil
	}
}

func (n *node) running() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.srv != nil
}

// startNodes starts count nodes at once, each on two free ports (its own and
// its cluster bus port, which need not be port+10000) with a private
// directory made under root; args gives a node's command line. A node whose
// port was taken before it bound it is tried again on others.
func startNodes(bin, root string, count int, args func(port, busPort int, dir string) ([]string, error)) ([]*node, error) {
	nodes := make([]*node, count)
	errs := make([]error, count)
	var wg sync.WaitGroup
	for i := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dir := fmt.Sprintf("%s/node%d", root, i)
			if errs[i] = os.MkdirAll(dir, 0o700); errs[i] != nil {
				return
			}
			for range 3 {
				n := &node{bin: bin}
				var bus int
				if n.port, errs[i] = freePort(); errs[i] != nil {
					return
				}
				if bus, errs[i] = freePort(); errs[i] != nil {
					return
				}
				if n.argv, errs[i] = args(n.port, bus, dir); errs[i] != nil {
					return
				}
				if errs[i] = n.start(); errs[i] == nil {
					nodes[i] = n
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		for _, n := range nodes {
			if n != nil {
				n.kill()
			}
		}
		return nil, err
	}
	return nodes, nil
}

// Keys returns the keys that match pattern, as KEYS does on one server; on
// a cluster client it asks every master, since KEYS sent through one would
// reach a single node chosen at random.
func Keys(ctx context.Context, c redis.UniversalClient, pattern string) ([]string, error) {
	cc, ok := c.(*redis.ClusterClient)
	if !ok {
		return c.Keys(ctx, pattern).Result()
	}
	var (
		mu   sync.Mutex
		keys []string
	)
	err := cc.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
		ks, err := node.Keys(ctx, pattern).Result()
		mu.Lock()
		defer mu.Unlock()
		keys = append(keys, ks...)
		return err
	})
	return keys, err
}
