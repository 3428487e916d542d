package install

import (
	"container/list"
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Rate is a token bucket: one request every Every, and up to Burst at once.
type Rate struct {
	Every time.Duration
	Burst int
}

// InstallLimit bounds how often the install link (GET /slack/install)
// answers with a new state, each of which Redis keeps for StateTTL: per
// client, and for the whole process. A request beyond it gets 429 and
// writes nothing. The limits are kept in each replica's memory: a refused
// request costs Redis nothing (the point is to spare it), and with n
// replicas behind a load balancer the states kept stay under n times the
// global bound.
type InstallLimit struct {
	PerClient Rate
	Global    Rate
}

// DefaultInstallLimit is the install link's limit unless Config says
// otherwise: a person opens the link a few times; the whole process issues
// at most about 1,300 states in any 10 minutes (Burst + StateTTL/Every),
// about 100 KB of Redis.
var DefaultInstallLimit = InstallLimit{
	PerClient: Rate{Every: 6 * time.Second, Burst: 10},
	Global:    Rate{Every: 500 * time.Millisecond, Burst: 60},
}

// maxClients bounds the clients whose buckets are kept; beyond it the one
// seen least recently is forgotten (its next request starts full).
const maxClients = 10000

// bucket is a token bucket's state.
type bucket struct {
	key    string
	tokens float64
	last   time.Time
}

// take takes a token at now if there is one under r; else it reports how
// long until there is.
func (b *bucket) take(now time.Time, r Rate) (bool, time.Duration) {
	if b.last.IsZero() {
		b.tokens, b.last = float64(r.Burst), now
	}
	if elapsed := now.Sub(b.last); elapsed > 0 {
		b.tokens = math.Min(float64(r.Burst), b.tokens+float64(elapsed)/float64(r.Every))
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) * float64(r.Every))
}

// limiter keeps the install link's buckets: one per client, least recently
// seen dropped first beyond maxClients, and the global one.
type limiter struct {
	limit   InstallLimit
	trusted []netip.Prefix

	mu      sync.Mutex
	global  bucket
	clients map[string]*list.Element // of *bucket
	order   list.List                // most recently seen first
	warned  time.Time                // when the global limit was last reported full
}

// fullEvery is how often, at most, a full global limit is reported: many
// clients at once (a botnet, or a launch) keep real installers out, and
// the operator should hear of it without a log line per request.
const fullEvery = time.Minute

func newLimiter(limit InstallLimit, trusted []netip.Prefix) *limiter {
	if limit.PerClient.Every <= 0 || limit.PerClient.Burst <= 0 {
		limit.PerClient = DefaultInstallLimit.PerClient
	}
	if limit.Global.Every <= 0 || limit.Global.Burst <= 0 {
		limit.Global = DefaultInstallLimit.Global
	}
	return &limiter{limit: limit, trusted: trusted, clients: map[string]*list.Element{}}
}

// allow reports whether req may have a new state at now, and else how long
// its client should wait. The client's bucket is taken from first: a
// client over its own limit does not use up the global one. report is true
// when the global limit refused it and that was not reported in the last
// fullEvery.
func (l *limiter) allow(req *http.Request, now time.Time) (ok bool, wait time.Duration, report bool) {
	key := clientKey(clientAddr(req, l.trusted))
	l.mu.Lock()
	defer l.mu.Unlock()
	el, ok := l.clients[key]
	if ok {
		l.order.MoveToFront(el)
	} else {
		el = l.order.PushFront(&bucket{key: key})
		l.clients[key] = el
		for l.order.Len() > maxClients {
			last := l.order.Back()
			l.order.Remove(last)
			delete(l.clients, last.Value.(*bucket).key)
		}
	}
	if ok, wait := el.Value.(*bucket).take(now, l.limit.PerClient); !ok {
		return false, wait, false
	}
	ok, wait = l.global.take(now, l.limit.Global)
	if !ok && now.Sub(l.warned) >= fullEvery {
		l.warned, report = now, true
	}
	return ok, wait, report
}

// clientAddr is the address of the client that sent req: the connection's
// peer, unless that is a trusted proxy; then the rightmost address of
// X-Forwarded-For that is not a trusted proxy (the leftmost when all are):
// the entries left of it were written by the client and prove nothing.
func clientAddr(req *http.Request, trusted []netip.Prefix) netip.Addr {
	peer := parseAddr(req.RemoteAddr)
	if !peer.IsValid() || !isTrusted(peer, trusted) {
		return peer
	}
	var hops []string
	for _, h := range req.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(h, ",")...)
	}
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a := parseAddr(strings.TrimSpace(hops[i]))
		if !a.IsValid() {
			break // a trusted proxy wrote this: the last good hop is the client
		}
		client = a
		if !isTrusted(a, trusted) {
			break
		}
	}
	return client
}

// parseAddr reads "ip", "ip:port" or "[ip]:port"; invalid when it is none.
func parseAddr(s string) netip.Addr {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap()
	}
	if host, _, err := net.SplitHostPort(s); err == nil {
		s = host
	}
	a, _ := netip.ParseAddr(strings.Trim(s, "[]"))
	return a.Unmap()
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clientKey is the bucket a client address counts against: an IPv6
// client's /64 (one host commonly holds a whole /64), an IPv4 address
// itself.
func clientKey(a netip.Addr) string {
	if !a.IsValid() {
		return "?"
	}
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

// ParseTrustedProxies reads SALESBOT_TRUSTED_PROXIES: addresses or networks
// (CIDR), separated by commas; empty for none.
func ParseTrustedProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			if a := p.Addr(); a.Is4In6() {
				// Peers are compared unmapped: ::ffff:10.0.0.0/104 is 10.0.0.0/8.
				if p.Bits() < 96 {
					return nil, &proxyError{f}
				}
				p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, &proxyError{f}
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

type proxyError struct{ value string }

func (e *proxyError) Error() string {
	return strconv.Quote(e.value) + " is neither an IP address nor a network such as 10.0.0.0/8"
}

// tooMany answers an install link over its limit: 429, when to try again,
// and a short page; nothing is written.
func (r *Registry) tooMany(w http.ResponseWriter, wait time.Duration) {
	secs := max(1, int(math.Ceil(wait.Seconds())))
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	w.Header().Set("Cache-Control", "no-store")
	r.render(w, http.StatusTooManyRequests, busyPage, pageData{Title: "Too many install attempts", Start: r.cfg.PublicURL + InstallPath})
}
