// Package redistest runs a package's tests against a real redis-server: one
// started for the test binary, or the one REDIS_URL names, or, with
// REDISTEST_CLUSTER=1 (ClusterEnv), a Redis Cluster of three masters and
// three replicas started for the test binary.
//
// A package opts in from its TestMain:
//
//	func TestMain(m *testing.M) { redistest.Main(m) }
//
// and each test takes a fresh team (redistest.Team) so that tests sharing the
// server never see each other's keys.
package redistest

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// startTimeout bounds how long a started redis-server may take to answer PING.
const startTimeout = 10 * time.Second

const notFound = "redistest: redis-server not found; install it (apt-get install -y redis-server) or set REDIS_URL"

// serverURL is the URL of the server Main started or found; it is set once,
// before any test runs. In cluster mode it is the redis-cluster:// URL of
// fullCluster.
var (
	serverURL   string
	fullCluster *FullCluster
)

// Main runs the tests of a package against Redis and exits with their code.
// It uses the server REDIS_URL names (redis:// or rediss://) when that is
// set; otherwise it starts redis-server from PATH on a free 127.0.0.1 port,
// with persistence off, and kills it when the tests are done. In cluster
// mode (ClusterEnv set) it starts a FullCluster instead, which URL, Client
// and Cluster then hand out. Call it from TestMain.
func Main(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	defer stopExtras()
	if ClusterMode() {
		c, err := startFullCluster()
		if err != nil {
			fmt.Fprintf(os.Stderr, "redistest: %v\n", err)
			return 1
		}
		defer c.stop()
		serverURL, fullCluster = c.URL, c
		return m.Run()
	}
	if u := os.Getenv("REDIS_URL"); u != "" {
		if err := waitPing(u, startTimeout, nil); err != nil {
			fmt.Fprintf(os.Stderr, "redistest: REDIS_URL does not answer: %v\n", err)
			return 1
		}
		serverURL = u
		return m.Run()
	}
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		fmt.Fprintln(os.Stderr, notFound)
		return 1
	}
	srv, err := start(bin, serverArgs())
	if err != nil {
		fmt.Fprintf(os.Stderr, "redistest: %v\n", err)
		return 1
	}
	defer srv.stop()
	serverURL = srv.url
	return m.Run()
}

// server is a redis-server subprocess.
type server struct {
	url  string
	addr string
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	out  *syncBuffer   // its log, shown when it fails to start
}

// start launches redis-server on a free port and waits until it answers.
// The port is free when chosen but may be taken before redis-server binds
// it, so a server that dies at once is retried on another port. args gives
// the command line for a port and a private directory.
func start(bin string, args func(port int, dir string) ([]string, error)) (*server, error) {
	var err error
	for range 3 {
		var s *server
		if s, err = startOnce(bin, args); err == nil {
			return s, nil
		}
	}
	return nil, err
}

// serverArgs is the command line of a throwaway data server: loopback only,
// no persistence, extra options last.
func serverArgs(extra ...string) func(int, string) ([]string, error) {
	return func(port int, dir string) ([]string, error) {
		return append([]string{
			"--port", strconv.Itoa(port),
			"--bind", "127.0.0.1",
			"--save", "",
			"--appendonly", "no",
			"--dir", dir,
			"--daemonize", "no",
			"--logfile", "",
		}, extra...), nil
	}
}

func startOnce(bin string, args func(port int, dir string) ([]string, error)) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "redistest-")
	if err != nil {
		return nil, err
	}
	argv, err := args(port, dir)
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	s, err := spawn(bin, port, argv, func() { _ = os.RemoveAll(dir) })
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	return s, nil
}

// spawn runs redis-server with argv, listening on port, and waits until it
// answers PING; after it has exited, spawn calls exited (which may be nil).
// A server that does not answer is killed.
func spawn(bin string, port int, argv []string, exited func()) (*server, error) {
	s := &server{
		addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
		cmd:  exec.Command(bin, argv...),
		done: make(chan struct{}),
		out:  &syncBuffer{},
	}
	s.url = "redis://" + s.addr
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	s.cmd.SysProcAttr = sysProcAttr()
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start redis-server: %w", err)
	}
	go func() {
		_ = s.cmd.Wait()
		if exited != nil {
			exited()
		}
		close(s.done)
	}()
	// PING answers LOADING until a persisted data set is read back.
	if err := waitPing(s.url, startTimeout, s.done); err != nil {
		s.stop()
		return nil, fmt.Errorf("redis-server on %s: %w\n%s", s.addr, err, s.out.String())
	}
	return s, nil
}

// stop kills the server and waits for it to exit.
func (s *server) stop() {
	_ = s.cmd.Process.Kill()
	<-s.done
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// waitPing waits until the server at rawURL answers PING, for at most d, or
// until died is closed.
func waitPing(rawURL string, d time.Duration, died <-chan struct{}) error {
	opt, err := redis.ParseURL(rawURL)
	if err != nil {
		return errors.New("want redis://host:port or rediss://host:port")
	}
	opt.DialTimeout, opt.ReadTimeout, opt.WriteTimeout = time.Second, time.Second, time.Second
	opt.MaxRetries, opt.DialerRetries = -1, 1
	c := redis.NewClient(opt)
	defer c.Close()

	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	for {
		// Wait for the port to listen before go-redis dials it, which
		// logs every refused dial.
		var conn net.Conn
		if conn, err = (&net.Dialer{Timeout: time.Second}).DialContext(ctx, "tcp", opt.Addr); err == nil {
			_ = conn.Close()
			err = c.Ping(ctx).Err()
		}
		if err == nil {
			return nil
		}
		select {
		case <-died:
			return errors.New("exited before answering PING")
		case <-ctx.Done():
			return fmt.Errorf("no answer to PING within %s: %w", d, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// URL returns the URL of the test Redis server, a redis-cluster:// URL in
// cluster mode. It fails the test when the package's TestMain did not call
// Main.
func URL(tb testing.TB) string {
	tb.Helper()
	if serverURL == "" {
		tb.Fatal("redistest: no server; call redistest.Main(m) from TestMain")
	}
	return serverURL
}

// Client returns a client of the test Redis server, closed when the test
// ends: a *redis.ClusterClient in cluster mode.
func Client(tb testing.TB) redis.UniversalClient {
	tb.Helper()
	if fullCluster != nil {
		return fullCluster.Client(tb)
	}
	opt, err := redis.ParseURL(URL(tb))
	if err != nil {
		tb.Fatalf("redistest: bad server URL: %v", err)
	}
	c := redis.NewClient(opt)
	tb.Cleanup(func() { _ = c.Close() })
	return c
}

// Team returns a fresh random Slack-like team ID ("T" and ten uppercase
// letters and digits). The store prefixes every key with the team, so tests
// that each take their own team never collide on a shared server.
func Team(tb testing.TB) string {
	tb.Helper()
	return "T" + rand.Text()[:10]
}

// Cluster returns the redis-cluster:// URL of a one-node Redis Cluster that
// owns every slot, started on first use and shared by the package's tests
// until Main stops it (a new cluster node takes about two seconds to accept
// writes). One node is enough to prove that multi-key commands and
// transactions stay within one slot: Redis refuses CROSSSLOT requests even
// when a single node serves both slots. In cluster mode it is the full
// cluster of URL. The test is skipped when redis-server is not on PATH.
func Cluster(tb testing.TB) string {
	tb.Helper()
	if fullCluster != nil {
		return fullCluster.URL
	}
	return extra(tb, "cluster", func(bin string) (*server, string, error) {
		s, err := start(bin, serverArgs(
			"--cluster-enabled", "yes",
			"--cluster-config-file", "nodes.conf", // in the server's own --dir
			"--cluster-announce-ip", "127.0.0.1",
		))
		if err != nil {
			return nil, "", err
		}
		if err := assignSlots(s.addr); err != nil {
			s.stop()
			return nil, "", err
		}
		return s, "redis-cluster://" + s.addr, nil
	})
}

func assignSlots(addr string) error {
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	if err := c.Do(ctx, "CLUSTER", "ADDSLOTSRANGE", 0, 16383).Err(); err != nil {
		return fmt.Errorf("cluster on %s: assign slots: %w", addr, err)
	}
	for {
		info, err := c.ClusterInfo(ctx).Result()
		if err == nil && strings.Contains(info, "cluster_state:ok") {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("cluster on %s not ready within %s: %v", addr, startTimeout, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Sentinel returns the redis-sentinel:// URL of a Redis Sentinel that
// watches the test server (URL) as master "mymaster", started on first use
// and shared by the package's tests until Main stops it; in cluster mode it
// watches a redis-server of its own, since a cluster node cannot be a
// Sentinel's master. The test is skipped when redis-server is not on PATH.
func Sentinel(tb testing.TB) string {
	tb.Helper()
	opt, err := redis.ParseURL(plainURL(tb))
	if err != nil {
		tb.Fatalf("redistest: bad server URL: %v", err)
	}
	return extra(tb, "sentinel", func(bin string) (*server, string, error) {
		host, port, err := net.SplitHostPort(opt.Addr)
		if err != nil {
			return nil, "", fmt.Errorf("bad server address %q: %w", opt.Addr, err)
		}
		s, err := start(bin, func(p int, dir string) ([]string, error) {
			// Sentinel rewrites its config file, so each gets its own.
			conf := filepath.Join(dir, "sentinel.conf")
			text := fmt.Sprintf("port %d\nbind 127.0.0.1\ndir %s\nsentinel monitor mymaster %s %s 1\n", p, dir, host, port)
			if opt.Password != "" {
				text += "sentinel auth-pass mymaster " + opt.Password + "\n"
			}
			return []string{conf, "--sentinel"}, os.WriteFile(conf, []byte(text), 0o600)
		})
		if err != nil {
			return nil, "", err
		}
		auth := ""
		if opt.Password != "" {
			auth = url.UserPassword(opt.Username, opt.Password).String() + "@"
		}
		return s, fmt.Sprintf("redis-sentinel://%s%s/%d?master=mymaster", auth, s.addr, opt.DB), nil
	})
}

// plainURL is the test server's URL, or in cluster mode the URL of a
// redis-server started on first use and shared like Sentinel's.
func plainURL(tb testing.TB) string {
	tb.Helper()
	if fullCluster == nil {
		return URL(tb)
	}
	return extra(tb, "plain", func(bin string) (*server, string, error) {
		s, err := start(bin, serverArgs())
		if err != nil {
			return nil, "", err
		}
		return s, s.url, nil
	})
}

// extras are the servers Cluster and Sentinel started, by kind; Main stops
// them when the tests are done.
var extras struct {
	sync.Mutex
	urls    map[string]string
	servers []*server
}

// extra returns the URL of the shared server of a kind, starting it with
// launch on first use.
func extra(tb testing.TB, kind string, launch func(bin string) (*server, string, error)) string {
	tb.Helper()
	if serverURL == "" {
		tb.Fatal("redistest: call redistest.Main(m) from TestMain")
	}
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		tb.Skip(notFound)
	}
	extras.Lock()
	defer extras.Unlock()
	if u, ok := extras.urls[kind]; ok {
		return u
	}
	s, u, err := launch(bin)
	if err != nil {
		tb.Fatalf("redistest: %s: %v", kind, err)
	}
	if extras.urls == nil {
		extras.urls = map[string]string{}
	}
	extras.urls[kind] = u
	extras.servers = append(extras.servers, s)
	return u
}

func stopExtras() {
	extras.Lock()
	defer extras.Unlock()
	for _, s := range extras.servers {
		s.stop()
	}
	extras.servers, extras.urls = nil, nil
}

// syncBuffer is a bytes.Buffer safe for the subprocess's writers and a
// reader.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
