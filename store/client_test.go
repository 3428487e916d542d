package store_test

import (
	"context"
	"crypto/tls"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"salesbot"
	"salesbot/internal/redistest"
	"salesbot/store"
)

func TestMain(m *testing.M) {
	// go-redis logs every failed dial; TestUnavailable makes many on purpose.
	redis.SetLogger(quiet{})
	redistest.Main(m)
}

type quiet struct{}

func (quiet) Printf(context.Context, string, ...any) {}

// password is in every URL below; no error may repeat it.
const password = "s3cr3t-Pa55"

func TestNewClient(t *testing.T) {
	tests := []struct {
		url      string
		addr     string // *redis.Client: Addr
		addrs    []string
		db       int
		user     string
		pass     string
		tls      bool
		sentinel bool
		cluster  bool
	}{
		{url: "redis://localhost:6380/2", addr: "localhost:6380", db: 2},
		{url: "redis://127.0.0.1", addr: "127.0.0.1:6379"},
		{url: "redis://u:" + password + "@db.example:6379/0", addr: "db.example:6379", user: "u", pass: password},
		{url: "redis://:" + password + "@db.example/3", addr: "db.example:6379", db: 3, pass: password},
		{url: "rediss://:" + password + "@cache.example:6380/1", addr: "cache.example:6380", db: 1, pass: password, tls: true},
		{url: "redis://[::1]:6390", addr: "[::1]:6390"},
		{url: "redis://localhost:6379?pool_size=3", addr: "localhost:6379"},
		// An unencoded @, / or ? in the password is taken as part of it.
		{url: "redis://:p@ss/w?rd@h:7000/4", addr: "h:7000", db: 4, pass: "p@ss/w?rd"},
		{url: "redis://:p%40ss@h:7000", addr: "h:7000", pass: "p@ss"},
		{url: "redis-sentinel://:" + password + "@s1:26379,s2:26380,s3/5?master=mymaster", db: 5, pass: password, sentinel: true},
		{url: "redis-sentinel://s1?master=m", sentinel: true},
		{url: "redis-cluster://:" + password + "@n1:7000,n2:7001,[::1]:7002", addrs: []string{"n1:7000", "n2:7001", "[::1]:7002"}, pass: password, cluster: true},
		{url: "redis-cluster://n1:7000", addrs: []string{"n1:7000"}, cluster: true},
		{url: "redis-cluster://n1:7000/0", addrs: []string{"n1:7000"}, cluster: true},
		{url: "rediss-sentinel://:" + password + "@s1/2?master=m", db: 2, pass: password, tls: true, sentinel: true},
		{url: "rediss-cluster://n1:7000", addrs: []string{"n1:7000"}, tls: true, cluster: true},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			c, err := store.NewClient(tt.url)
			if err != nil {
				t.Fatalf("NewClient: %v", err)
			}
			defer c.Close()
			switch c := c.(type) {
			case *redis.Client:
				o := c.Options()
				if tt.sentinel {
					// A failover client reaches the master through the
					// sentinels; its own Addr is a placeholder.
					if o.Addr != "FailoverClient" {
						t.Errorf("Addr = %q; want a failover client", o.Addr)
					}
				} else if o.Addr != tt.addr {
					t.Errorf("Addr = %q; want %q", o.Addr, tt.addr)
				}
				if o.DB != tt.db || o.Username != tt.user || o.Password != tt.pass {
					t.Errorf("DB, Username, Password = %d, %q, %q; want %d, %q, %q", o.DB, o.Username, o.Password, tt.db, tt.user, tt.pass)
				}
				if (o.TLSConfig != nil) != tt.tls {
					t.Errorf("TLS = %v; want %v", o.TLSConfig != nil, tt.tls)
				}
				checkTimeouts(t, o.DialTimeout, o.ReadTimeout, o.WriteTimeout, o.PoolTimeout, o.MaxRetries)
			case *redis.ClusterClient:
				if !tt.cluster {
					t.Fatalf("got a cluster client")
				}
				o := c.Options()
				if strings.Join(o.Addrs, " ") != strings.Join(tt.addrs, " ") || o.Password != tt.pass {
					t.Errorf("Addrs, Password = %q, %q; want %q, %q", o.Addrs, o.Password, tt.addrs, tt.pass)
				}
				if (o.TLSConfig != nil) != tt.tls {
					t.Errorf("TLS = %v; want %v", o.TLSConfig != nil, tt.tls)
				}
				checkTimeouts(t, o.DialTimeout, o.ReadTimeout, o.WriteTimeout, o.PoolTimeout, o.MaxRetries)
			default:
				t.Fatalf("client is a %T", c)
			}
		})
	}
}

func checkTimeouts(t *testing.T, dial, read, write, pool time.Duration, retries int) {
	t.Helper()
	if dial != 2*time.Second || read != time.Second || write != time.Second || pool != time.Second || retries != 1 {
		t.Errorf("dial, read, write, pool timeouts, retries = %v, %v, %v, %v, %d; want 2s, 1s, 1s, 1s, 1", dial, read, write, pool, retries)
	}
}

func TestNewClientBadURL(t *testing.T) {
	p := password
	tests := []struct {
		url  string
		want string // in the error
	}{
		{"", "must start with"},
		{"localhost:6379", "must start with"},
		{"http://u:" + p + "@h:6379", `scheme "http"`},
		{"unix://u:" + p + "@/tmp/redis.sock", `scheme "unix"`},
		{"redis://u:" + p + "@h:port", `port "port"`},
		{"redis://u:" + p + "@h:99999", `port "99999"`},
		{"redis://u:" + p + "@:6379", "no name"},
		{"redis://u:" + p + "@h:6379/x", "database"},
		{"redis://u:" + p + "@h:6379?pool_size=many", "pool_size"},
		{"redis://u:" + p + "@h:6379?pool_size=-1", "pool_size=-1 is out of range"},
		{"redis://u:" + p + "@h:6379?pool_size=500000000", "pool_size=500000000 is out of range"},
		{"redis://u:" + p + "@h:6379?max_idle_conns=2147483648", "max_idle_conns"},
		{"redis://u:" + p + "@h:6379?max_active_conns=2147483648", "max_active_conns"},
		{"redis://u:" + p + "@h:6379?min_idle_conns=2", "min_idle_conns is not supported"},
		{"redis://u:" + p + "@h:6379?password=x", "password"},
		{"redis://u:" + p + "%zz@h:6379", "password is not properly"},
		{"redis://u:" + p + "@h1:6379,h2:6379", "one host"},
		{"redis://u:" + p + "@h1:6379#frag", "fragment"},
		{"redis://u:" + p + "@::1:6379", "IPv6"},
		{"redis-sentinel://:" + p + "@s1:26379,s2:26379/0", "master"},
		{"redis-sentinel://:" + p + "@s1:26379/0?master=m&role=x", "unexpected option: role"},
		{"redis-sentinel://:" + p + "@s1:26379/0?master=m&password=x", "option password cannot be given"},
		{"redis-sentinel://:" + p + "@s1:26379/-1?master=m", "database -1"},
		{"redis-sentinel://:" + p + "@s1:26379/0?master=m&min_idle_conns=2", "min_idle_conns is not supported"},
		{"redis-sentinel://:" + p + "@s1:26379/0?master=m&dial_timeout=soon", "dial_timeout"},
		{"redis-sentinel://:" + p + "@s1:26379,,s2/0?master=m", "host is missing"},
		{"redis-cluster://:" + p + "@n1:7000,n2:7001/1", "only database 0"},
		{"redis-cluster://:" + p + "@n1:7000?master=m", "unexpected option: master"},
		{"redis-cluster://:" + p + "@n1:7000?pool_size=500000000", "pool_size=500000000 is out of range"},
		{"redis-cluster://:" + p + "@/", "host is missing"},
		{"redis+cluster://:" + p + "@n1:7000", "scheme"},
		{"rediss-redis://:" + p + "@n1:7000", "scheme"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			c, err := store.NewClient(tt.url)
			if err == nil {
				c.Close()
				t.Fatalf("NewClient(%q) = nil error; want one mentioning %q", tt.url, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
			if strings.Contains(err.Error(), p) || strings.Contains(err.Error(), "s3cr3t") {
				t.Errorf("error %q gives the password away", err)
			}
		})
	}
}

// TestNewClientOptions shows that go-redis's query options and TLS reach
// the client of every kind of deployment, Sentinel and Cluster included.
func TestNewClientOptions(t *testing.T) {
	tests := []struct {
		url        string
		dial, read time.Duration
		tls        bool
	}{
		{url: "redis://h:6379/0?dial_timeout=3s&read_timeout=500ms", dial: 3 * time.Second, read: 500 * time.Millisecond},
		{url: "rediss://h:6379/0?dial_timeout=3s", dial: 3 * time.Second, read: time.Second, tls: true},
		{url: "redis-sentinel://:" + password + "@s1,s2:26380/0?master=m&dial_timeout=3s&read_timeout=500ms", dial: 3 * time.Second, read: 500 * time.Millisecond},
		{url: "rediss-sentinel://:" + password + "@s1,s2:26380/0?master=m", dial: 2 * time.Second, read: time.Second, tls: true},
		{url: "rediss-sentinel://s1/0?master=m&dial_timeout=3s&skip_verify=true", dial: 3 * time.Second, read: time.Second, tls: true},
		{url: "redis-cluster://:" + password + "@n1:7000,n2:7001?dial_timeout=3s&read_timeout=500ms", dial: 3 * time.Second, read: 500 * time.Millisecond},
		{url: "rediss-cluster://:" + password + "@n1:7000,n2:7001?dial_timeout=3s", dial: 3 * time.Second, read: time.Second, tls: true},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			c, err := store.NewClient(tt.url)
			if err != nil {
				t.Fatalf("NewClient: %v", err)
			}
			defer c.Close()
			var dial, read time.Duration
			var tlsConf *tls.Config
			switch c := c.(type) {
			case *redis.Client: // one server, or the master behind the sentinels
				o := c.Options()
				dial, read, tlsConf = o.DialTimeout, o.ReadTimeout, o.TLSConfig
				if strings.Contains(tt.url, "sentinel://:"+password) && o.Password != password {
					t.Errorf("the master's password is %q; want the URL's", o.Password)
				}
			case *redis.ClusterClient:
				o := c.Options()
				dial, read, tlsConf = o.DialTimeout, o.ReadTimeout, o.TLSConfig
				if strings.Join(o.Addrs, " ") != "n1:7000 n2:7001" || o.Password != password {
					t.Errorf("Addrs, Password = %q, %q", o.Addrs, o.Password)
				}
			default:
				t.Fatalf("client is a %T", c)
			}
			if dial != tt.dial || read != tt.read {
				t.Errorf("dial, read timeouts = %v, %v; want %v, %v", dial, read, tt.dial, tt.read)
			}
			if (tlsConf != nil) != tt.tls {
				t.Fatalf("TLS = %v; want %v", tlsConf != nil, tt.tls)
			}
			if tlsConf != nil && strings.Contains(tt.url, ",") && tlsConf.ServerName != "" {
				t.Errorf("TLS ServerName = %q for several hosts; want each checked against its own address", tlsConf.ServerName)
			}
			if tlsConf != nil && strings.Contains(tt.url, "skip_verify=true") != tlsConf.InsecureSkipVerify {
				t.Errorf("InsecureSkipVerify = %v", tlsConf.InsecureSkipVerify)
			}
		})
	}
}

// TestNewClientConnects dials each kind of deployment for real: the test
// server, a Sentinel watching it, and a one-node cluster.
func TestNewClientConnects(t *testing.T) {
	tests := []struct {
		name string
		url  func(t *testing.T) string
	}{
		{"single", func(t *testing.T) string { return redistest.URL(t) }},
		{"sentinel", func(t *testing.T) string { return redistest.Sentinel(t) }},
		{"cluster", func(t *testing.T) string { return redistest.Cluster(t) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := store.NewClient(tt.url(t))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			s := store.New(c)
			ctx := context.Background()
			if err := s.Ping(ctx); err != nil {
				t.Fatalf("Ping: %v", err)
			}
			team := redistest.Team(t)
			l := mustCreate(t, s, team, "Acme Industrial", "U1", salesbot.GradeA)
			if got, err := s.Lead(ctx, team, l.ID); err != nil || got.Company != "Acme Industrial" {
				t.Fatalf("Lead = %v, %v", got, err)
			}
		})
	}
}

// closedURL is a Redis URL on a port where nothing listens.
func closedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "redis://" + addr
}
