package install_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"salesbot/install"
)

// limited is a registry over e's Redis, Slack and clock with the install
// link's limit and trusted proxies given.
func (e *env) limited(t *testing.T, limit install.InstallLimit, trusted ...string) *install.Registry {
	t.Helper()
	ring, err := install.NewKeyring(e.keys)
	if err != nil {
		t.Fatal(err)
	}
	var proxies []netip.Prefix
	if len(trusted) > 0 {
		if proxies, err = install.ParseTrustedProxies(strings.Join(trusted, ",")); err != nil {
			t.Fatal(err)
		}
	}
	reg, err := install.New(install.Config{
		Store: e.store, Managers: e.store, Redis: e.redis, Keys: ring, ClientID: "123.456", ClientSecret: e.secret,
		PublicURL: publicURL, APIURL: e.slack.URL + "/", Logger: slog.New(slog.NewJSONHandler(e.log, nil)), Now: e.clock.Now,
		InstallLimit: limit, TrustedProxies: proxies,
	})
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// open opens the install link from peer (the connection's address), with
// the X-Forwarded-For headers given.
func open(reg *install.Registry, peer string, forwarded ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, install.InstallPath, nil)
	req.RemoteAddr = peer
	for _, f := range forwarded {
		req.Header.Add("X-Forwarded-For", f)
	}
	rec := httptest.NewRecorder()
	reg.Handler().ServeHTTP(rec, req)
	return rec
}

// states counts the install states Redis keeps.
func (e *env) states(t *testing.T) int {
	t.Helper()
	keys, err := e.redis.Keys(context.Background(), "sb:oauth:state:*").Result()
	if err != nil {
		t.Fatal(err)
	}
	return len(keys)
}

// TestInstallLinkLimitPerClient: a client that opens the link beyond its
// limit gets 429, when to try again and a short page, and no state is
// written for it; another client is not held back; the bucket refills
// with time.
func TestInstallLinkLimitPerClient(t *testing.T) {
	e := newEnv(t, grantFor("T1"))
	reg := e.limited(t, install.InstallLimit{PerClient: install.Rate{Every: time.Minute, Burst: 2}})
	before := e.states(t)
	for i := range 2 {
		if rec := open(reg, "203.0.113.7:40000"); rec.Code != http.StatusFound {
			t.Fatalf("open %d: %d", i, rec.Code)
		}
	}
	rec := open(reg, "203.0.113.7:40001")
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "60" ||
		!strings.Contains(rec.Body.String(), "Too many install attempts") || rec.Header().Get("Set-Cookie") != "" {
		t.Errorf("beyond the limit: %d, Retry-After %q, cookie %q: %s", rec.Code, rec.Header().Get("Retry-After"), rec.Header().Get("Set-Cookie"), rec.Body)
	}
	if n := e.states(t) - before; n != 2 {
		t.Errorf("%d states written, want 2 (none for the refused request)", n)
	}
	if rec := open(reg, "203.0.113.8:40000"); rec.Code != http.StatusFound {
		t.Errorf("another client: %d", rec.Code)
	}
	e.clock.Add(time.Minute)
	if rec := open(reg, "203.0.113.7:40002"); rec.Code != http.StatusFound {
		t.Errorf("after a minute: %d", rec.Code)
	}
	// One IPv6 host holds a whole /64: its addresses share a bucket.
	for i, peer := range []string{"[2001:db8:1:2::1]:1", "[2001:db8:1:2::2]:1", "[2001:db8:1:2:ffff::3]:1"} {
		want := http.StatusFound
		if i == 2 {
			want = http.StatusTooManyRequests
		}
		if rec := open(reg, peer); rec.Code != want {
			t.Errorf("IPv6 %s: %d, want %d", peer, rec.Code, want)
		}
	}
}

// TestInstallLinkGlobalLimit: many clients together are held to the
// process's bound.
func TestInstallLinkGlobalLimit(t *testing.T) {
	e := newEnv(t, grantFor("T1"))
	reg := e.limited(t, install.InstallLimit{Global: install.Rate{Every: time.Minute, Burst: 3}})
	for i, peer := range []string{"198.51.100.1:1", "198.51.100.2:1", "198.51.100.3:1", "198.51.100.4:1"} {
		want := http.StatusFound
		if i == 3 {
			want = http.StatusTooManyRequests
		}
		if rec := open(reg, peer); rec.Code != want {
			t.Errorf("client %d: %d, want %d", i, rec.Code, want)
		}
	}
	// The operator hears of it once, not once per refused request.
	open(reg, "198.51.100.5:1")
	if n := strings.Count(e.log.String(), "limit for all clients is reached"); n != 1 {
		t.Errorf("the full global limit was logged %d times, want once:\n%s", n, e.log.String())
	}
}

// TestInstallLinkForwardedFor: X-Forwarded-For is believed only from a
// trusted proxy, and only its rightmost untrusted address: what the
// client wrote to its left changes nothing.
func TestInstallLinkForwardedFor(t *testing.T) {
	e := newEnv(t, grantFor("T1"))
	one := install.InstallLimit{PerClient: install.Rate{Every: time.Hour, Burst: 1}}

	// Not trusted: every client behind the proxy is the proxy.
	reg := e.limited(t, one)
	if rec := open(reg, "10.0.0.5:1", "198.51.100.1"); rec.Code != http.StatusFound {
		t.Fatalf("first: %d", rec.Code)
	}
	if rec := open(reg, "10.0.0.5:1", "198.51.100.2"); rec.Code != http.StatusTooManyRequests {
		t.Errorf("a header from an untrusted peer was believed: %d", rec.Code)
	}

	// Trusted: each client its own bucket, through two proxies.
	reg = e.limited(t, one, "10.0.0.0/8", "192.0.2.9")
	for _, tc := range []struct {
		name      string
		forwarded []string
		want      int
	}{
		{"client 1", []string{"198.51.100.1"}, http.StatusFound},
		{"client 2, two hops", []string{"198.51.100.2, 192.0.2.9"}, http.StatusFound},
		{"client 1 again, spoofing its left", []string{"203.0.113.99, 198.51.100.1"}, http.StatusTooManyRequests},
		{"client 1 again, in two headers", []string{"203.0.113.98", "198.51.100.1, 10.1.1.1"}, http.StatusTooManyRequests},
		{"client 3", []string{"198.51.100.3"}, http.StatusFound},
	} {
		if rec := open(reg, "10.0.0.5:1", tc.forwarded...); rec.Code != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, rec.Code, tc.want)
		}
	}
}

func TestParseTrustedProxies(t *testing.T) {
	got, err := install.ParseTrustedProxies(" 10.0.0.0/8, 192.0.2.9 ,2001:db8::/32,")
	if err != nil || len(got) != 3 || got[1].String() != "192.0.2.9/32" {
		t.Errorf("parsed %v, %v", got, err)
	}
	if none, err := install.ParseTrustedProxies(""); err != nil || len(none) != 0 {
		t.Errorf("empty: %v, %v", none, err)
	}
	if _, err := install.ParseTrustedProxies("10.0.0.0/8,proxy.local"); err == nil || !strings.Contains(err.Error(), "proxy.local") {
		t.Errorf("a host name: %v", err)
	}
	// An IPv4 network written as IPv4-mapped IPv6 is the IPv4 network (peers
	// are compared unmapped); one wider than the mapped range is refused.
	if mapped, err := install.ParseTrustedProxies("::ffff:10.0.0.0/104"); err != nil || len(mapped) != 1 || mapped[0].String() != "10.0.0.0/8" {
		t.Errorf("::ffff:10.0.0.0/104 parsed as %v, %v; want 10.0.0.0/8", mapped, err)
	}
	if _, err := install.ParseTrustedProxies("::ffff:10.0.0.0/64"); err == nil {
		t.Error("::ffff:10.0.0.0/64 accepted")
	}
}
