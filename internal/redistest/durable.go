package redistest

import (
	"net"
	"os/exec"
	"strconv"
	"sync"
	"testing"
)

// Durable is a redis-server of one test's own, with every write fsynced to
// its append-only file before it is acknowledged, that the test can kill and
// start again on the same port and data directory: for tests of what
// survives a Redis restart. Make one with NewDurable.
type Durable struct {
	// URL is the server's redis:// URL; it stays the same across restarts.
	URL string

	tb   testing.TB
	bin  string
	port int
	dir  string

	mu  sync.Mutex
	srv *server // nil while stopped
}

// NewDurable starts a redis-server for tb alone on a free 127.0.0.1 port,
// with --appendonly yes --appendfsync always and its data in tb.TempDir(),
// and kills it when the test ends. The test is skipped when redis-server is
// not on PATH. It does not need Main.
func NewDurable(tb testing.TB) *Durable {
	tb.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		tb.Skip(notFound)
	}
	d := &Durable{tb: tb, bin: bin, dir: tb.TempDir()}
	// A free port may be taken before redis-server binds it: try another.
	for range 3 {
		if d.port, err = freePort(); err != nil {
			break
		}
		if err = d.launch(); err == nil {
			break
		}
	}
	if err != nil {
		tb.Fatalf("redistest: durable server: %v", err)
	}
	d.URL = "redis://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(d.port))
	tb.Cleanup(d.Stop)
	return d
}

// Stop kills the server with SIGKILL, as a crash would, and waits for it to
// exit. Writes it acknowledged are in its append-only file. Stopping a
// stopped server does nothing.
func (d *Durable) Stop() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.srv != nil {
		d.srv.stop()
		d.srv = nil
	}
}

// Start starts the server again on the same port and directory, and waits
// until it has loaded its data and answers PING. It fails the test when it
// cannot. Starting a running server does nothing.
func (d *Durable) Start() {
	d.tb.Helper()
	if err := d.launch(); err != nil {
		d.tb.Fatalf("redistest: restart durable server: %v", err)
	}
}

func (d *Durable) launch() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.srv != nil {
		return nil
	}
	s, err := spawn(d.bin, d.port, []string{
		"--port", strconv.Itoa(d.port),
		"--bind", "127.0.0.1",
		"--save", "",
		"--appendonly", "yes",
		"--appendfsync", "always",
		"--dir", d.dir,
		"--daemonize", "no",
		"--logfile", "",
	}, nil)
	if err != nil {
		return err
	}
	d.srv = s
	return nil
}
