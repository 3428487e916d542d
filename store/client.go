package store

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Timeouts that keep a store call inside Slack's 3-second budget for an
// answer, with room left to render and reply: a dead or slow Redis fails fast
// with EUNAVAILABLE instead of making Slack show its own timeout.
const (
	dialTimeout  = 2 * time.Second
	readTimeout  = time.Second
	writeTimeout = time.Second
	poolTimeout  = time.Second
	maxRetries   = 1
	// dialAttempts is go-redis's DialerRetries: the number of dial attempts
	// per command. Its default of 5 would multiply dialTimeout past the
	// budget; MaxRetries already gives a failed command a second chance.
	dialAttempts = 1
	// maxPoolSize bounds the pool sizes a URL may ask for.
	maxPoolSize = 10000
)

// Schemes NewClient accepts, for error messages.
const schemes = "redis://, rediss://, redis-sentinel://, rediss-sentinel://, redis-cluster:// or rediss-cluster://"

// NewClient connects to the Redis that rawURL names:
//
//	redis://[user:pass@]host:port/db               one server
//	rediss://[user:pass@]host:port/db              one server over TLS
//	redis-sentinel://[:pass@]host:port,host:port/db?master=NAME
//	                                               the master the sentinels name
//	redis-cluster://[:pass@]host:port,host:port    Redis Cluster, seeded by the hosts
//
// rediss-sentinel:// and rediss-cluster:// are the same over TLS, to the
// sentinels and the data nodes alike; each connection's certificate is
// checked against the address it dials. A port left out is 6379, or 26379
// for a sentinel. The password of a redis-sentinel:// URL is the master's
// (and its replicas'); the sentinels themselves are dialled without one.
//
// Every form takes the query options of go-redis's own parser for it
// (redis.ParseURL, redis.ParseFailoverURL, redis.ParseClusterURL), such as
// ?dial_timeout=3s&pool_size=20, and rediss's ?skip_verify=true where
// go-redis reads it. Timeouts not set there fit Slack's 3-second budget: 2s
// to dial, 1s to read, write or wait for a pooled connection, one retry;
// commands also stop at their context's deadline. A cluster client follows a
// master's failover: it reloads the slot map when a command fails as a dead
// or failing-over master makes it fail (reloadOnFailure), and at least every
// clusterReloadEvery. NewClient does not dial: a
// URL that parses gives a client even when the server is down. Errors say
// what is wrong with the URL and never contain its password.
func NewClient(rawURL string) (redis.UniversalClient, error) {
	u, err := splitURL(rawURL)
	if err != nil {
		return nil, err
	}
	switch u.kind() {
	case "sentinel":
		return u.sentinel()
	case "cluster":
		return u.cluster()
	}
	return u.single()
}

// redisURL is a Redis URL taken apart by hand as far as go-redis's parsers
// cannot: the user info ends at the last @ (a password may hold an
// unencoded @, / or ?), and the host list is comma-separated, which net/url
// rejects when it holds IPv6 literals and quotes whole, password included,
// in its errors. The rest (database, query options, TLS) is left to
// go-redis.
type redisURL struct {
	scheme   string
	user     string
	password string
	hosts    []string // host:port, with the scheme's default port filled in
	path     string   // without the leading slash
	query    url.Values
	redacted string // the URL with the password replaced, for messages
}

func splitURL(raw string) (*redisURL, error) {
	scheme, rest, ok := strings.Cut(strings.TrimSpace(raw), "://")
	if !ok || scheme == "" {
		return nil, fmt.Errorf("redis URL must start with %s", schemes)
	}
	u := &redisURL{scheme: strings.ToLower(scheme)}
	switch u.scheme {
	case "redis", "rediss", "redis-sentinel", "rediss-sentinel", "redis-cluster", "rediss-cluster":
	default:
		return nil, fmt.Errorf("redis URL: scheme %q is not supported; use %s", u.scheme, schemes)
	}
	// The user info ends at the last @, even when an unencoded / or ? in the
	// password comes before it: better to accept such a password than to
	// take it for a path and quote it back.
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		user, pass, hasPass := strings.Cut(rest[:at], ":")
		rest = rest[at+1:]
		u.redacted = u.scheme + "://" + user + "@" + rest
		if hasPass {
			u.redacted = u.scheme + "://" + user + ":xxxxx@" + rest
		}
		var err error
		if u.user, err = url.PathUnescape(user); err != nil {
			return nil, u.errorf("the user name is not properly %%-encoded")
		}
		if u.password, err = url.PathUnescape(pass); err != nil {
			return nil, u.errorf("the password is not properly %%-encoded")
		}
	} else {
		u.redacted = u.scheme + "://" + rest
	}

	hostList, tail := rest, ""
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		hostList, tail = rest[:i], rest[i:]
	}
	if strings.Contains(tail, "#") {
		return nil, u.errorf("a fragment (#…) has no meaning here")
	}
	path, rawQuery, _ := strings.Cut(tail, "?")
	u.path = strings.TrimPrefix(path, "/")
	var err error
	if u.query, err = url.ParseQuery(rawQuery); err != nil {
		return nil, u.errorf("the query is malformed: %v", err)
	}

	defaultPort := "6379"
	if u.kind() == "sentinel" {
		defaultPort = "26379"
	}
	for _, h := range strings.Split(hostList, ",") {
		addr, err := hostPort(strings.TrimSpace(h), defaultPort)
		if err != nil {
			return nil, u.errorf("%v", err)
		}
		u.hosts = append(u.hosts, addr)
	}
	return u, nil
}

// kind is "single", "sentinel" or "cluster".
func (u *redisURL) kind() string {
	_, kind, ok := strings.Cut(u.scheme, "-")
	if !ok {
		return "single"
	}
	return kind
}

// tls reports whether the scheme asks for TLS.
func (u *redisURL) tls() bool { return strings.HasPrefix(u.scheme, "rediss") }

// goRedisURL is u as go-redis's parsers read it: scheme redis or rediss, the
// first host as the URL's host and the others as addr options, the user info
// (when withUser) re-encoded so that an unencoded character in the password
// cannot shift the host or path.
func (u *redisURL) goRedisURL(query url.Values, withUser bool) string {
	scheme := "redis"
	if u.tls() {
		scheme = "rediss"
	}
	for _, h := range u.hosts[1:] {
		query.Add("addr", h)
	}
	g := url.URL{Scheme: scheme, Host: u.hosts[0], Path: "/" + u.path, RawQuery: query.Encode()}
	if withUser && (u.user != "" || u.password != "") {
		g.User = url.UserPassword(u.user, u.password)
	}
	return g.String()
}

// options returns a copy of the URL's query options without the ones
// NewClient sets itself from the rest of the URL, refusing those.
func (u *redisURL) options(reserved ...string) (url.Values, error) {
	q := url.Values{}
	for k, v := range u.query {
		if slices.Contains(reserved, k) {
			return nil, u.errorf("option %s cannot be given in the query; the URL's user info and hosts say it", k)
		}
		q[k] = slices.Clone(v)
	}
	return q, nil
}

// parseError is an error of a go-redis parser, without the URL that
// net/url's errors quote whole.
func (u *redisURL) parseError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return u.errorf("%v", err)
}

// hostPort checks one host[:port] and fills in the default port.
func hostPort(h, defaultPort string) (string, error) {
	if h == "" {
		return "", errors.New("a host is missing")
	}
	host, port, err := net.SplitHostPort(h)
	if err != nil {
		// No port: "redis", or "[::1]".
		host, port = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]"), defaultPort
		if strings.ContainsAny(host, "[]") || (strings.Contains(host, ":") && !strings.HasPrefix(h, "[")) {
			return "", fmt.Errorf("host %q is malformed; write IPv6 addresses as [::1]:6379", h)
		}
	}
	if host == "" {
		return "", fmt.Errorf("host %q has no name", h)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "", fmt.Errorf("host %q: port %q is not a number from 1 to 65535", h, port)
	}
	return net.JoinHostPort(host, port), nil
}

// errorf reports a problem with the URL, naming it without its password.
func (u *redisURL) errorf(format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if u.password != "" {
		// Belt and braces: no message built from the URL's parts may carry
		// the password, even one quoted back by a library.
		msg = strings.ReplaceAll(msg, u.password, "xxxxx")
		msg = strings.ReplaceAll(msg, url.PathEscape(u.password), "xxxxx")
	}
	if u.redacted == "" {
		return fmt.Errorf("redis URL: %s", msg)
	}
	return fmt.Errorf("redis URL %s: %s", u.redacted, msg)
}

// single builds a client of one server through redis.ParseURL.
func (u *redisURL) single() (redis.UniversalClient, error) {
	if len(u.hosts) != 1 {
		return nil, u.errorf("%s:// takes one host; use redis-cluster:// or redis-sentinel:// for several", u.scheme)
	}
	q, err := u.options("addr")
	if err != nil {
		return nil, err
	}
	opt, err := redis.ParseURL(u.goRedisURL(q, true))
	if err != nil {
		return nil, u.parseError(err)
	}
	if err := u.checkPools(pools{opt.PoolSize, opt.MaxIdleConns, opt.MaxActiveConns, opt.PipelinePoolSize, opt.MinIdleConns, opt.DB}); err != nil {
		return nil, err
	}
	fitBudget(budget{&opt.DialTimeout, &opt.ReadTimeout, &opt.WriteTimeout, &opt.PoolTimeout, &opt.MaxRetries, &opt.DialerRetries, &opt.ContextTimeoutEnabled})
	return redis.NewClient(opt), nil
}

// sentinel builds a failover client through redis.ParseFailoverURL. The
// URL's password is the master's, which go-redis reads from the password
// option (its user info would be the sentinels'), and ?master= is
// go-redis's master_name.
func (u *redisURL) sentinel() (redis.UniversalClient, error) {
	q, err := u.options("addr", "username", "password", "master_name")
	if err != nil {
		return nil, err
	}
	master := q.Get("master")
	if master == "" {
		return nil, u.errorf("the master's name is missing; add ?master=NAME (as in sentinel.conf)")
	}
	q.Del("master")
	q.Set("master_name", master)
	if u.user != "" {
		q.Set("username", u.user)
	}
	if u.password != "" {
		q.Set("password", u.password)
	}
	opt, err := redis.ParseFailoverURL(u.goRedisURL(q, false))
	if err != nil {
		return nil, u.parseError(err)
	}
	if err := u.checkPools(pools{opt.PoolSize, opt.MaxIdleConns, opt.MaxActiveConns, opt.PipelinePoolSize, opt.MinIdleConns, opt.DB}); err != nil {
		return nil, err
	}
	if opt.TLSConfig != nil {
		// go-redis names the first sentinel as the server for every
		// connection, the master's included; check each against its own
		// address instead.
		opt.TLSConfig.ServerName = ""
	}
	fitBudget(budget{&opt.DialTimeout, &opt.ReadTimeout, &opt.WriteTimeout, &opt.PoolTimeout, &opt.MaxRetries, &opt.DialerRetries, &opt.ContextTimeoutEnabled})
	return redis.NewFailoverClient(opt), nil
}

// cluster builds a cluster client through redis.ParseClusterURL, in
// cluster mode even when seeded with one host.
func (u *redisURL) cluster() (redis.UniversalClient, error) {
	// ParseClusterURL ignores the path; a database other than 0 would be
	// silently dropped.
	if u.path != "" && u.path != "0" {
		return nil, u.errorf("Redis Cluster has only database 0; drop /%s", u.path)
	}
	q, err := u.options("addr")
	if err != nil {
		return nil, err
	}
	opt, err := redis.ParseClusterURL(u.goRedisURL(q, true))
	if err != nil {
		return nil, u.parseError(err)
	}
	if err := u.checkPools(pools{opt.PoolSize, opt.MaxIdleConns, opt.MaxActiveConns, opt.PipelinePoolSize, opt.MinIdleConns, 0}); err != nil {
		return nil, err
	}
	if opt.TLSConfig != nil {
		// As for Sentinel: the nodes the cluster announces are checked
		// against their own addresses, not the first seed's.
		opt.TLSConfig.ServerName = ""
		opt.TLSConfig.MinVersion = tls.VersionTLS12
	}
	fitBudget(budget{&opt.DialTimeout, &opt.ReadTimeout, &opt.WriteTimeout, &opt.PoolTimeout, &opt.MaxRetries, &opt.DialerRetries, &opt.ContextTimeoutEnabled})
	if opt.ClusterStateReloadInterval == 0 {
		opt.ClusterStateReloadInterval = clusterReloadEvery
	}
	c := redis.NewClusterClient(opt)
	c.AddHook(reloadOnFailure{c})
	return c, nil
}

// clusterReloadEvery bounds how long a cluster client may go without asking
// the cluster for its slot map, when no failure makes it ask sooner
// (go-redis's default is a minute).
const clusterReloadEvery = 10 * time.Second

// reloadOnFailure is a hook that makes a cluster client reload its slot map
// after a command fails as it does while a master fails over (refused,
// timed out, CLUSTERDOWN; see unavailable). go-redis reloads on MOVED, but a
// dead master answers no MOVED: its client would dial the dead address until
// the next periodic reload (go-redis issue 3979). Reloads are cheap (one
// CLUSTER SLOTS) and go-redis runs at most one at a time, 200 ms apart, so
// once a replica has taken over, commands reach it within a fraction of a
// second.
type reloadOnFailure struct{ c *redis.ClusterClient }

func (h reloadOnFailure) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h reloadOnFailure) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		h.check(ctx, err)
		return err
	}
}

func (h reloadOnFailure) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		err := next(ctx, cmds)
		h.check(ctx, err)
		return err
	}
}

func (h reloadOnFailure) check(ctx context.Context, err error) {
	if unavailable(err) && !errors.Is(err, context.Canceled) {
		h.c.ReloadState(ctx)
	}
}

// pools are the pool sizes a URL may set, in the order checkPools names
// them, and its database number (0 for a cluster, which has one).
type pools struct{ size, maxIdle, maxActive, pipeline, minIdle, db int }

// checkPools refuses pool sizes go-redis would panic on or allocate
// gigabytes for, min_idle_conns, which would dial from the constructor
// (NewClient promises not to), and a negative database number.
func (u *redisURL) checkPools(p pools) error {
	for _, size := range []struct {
		name string
		n    int
	}{
		{"pool_size", p.size}, {"max_idle_conns", p.maxIdle}, {"max_active_conns", p.maxActive}, {"pipeline_pool_size", p.pipeline},
	} {
		if size.n < 0 || size.n > maxPoolSize {
			return u.errorf("%s=%d is out of range; use 1 to %d", size.name, size.n, maxPoolSize)
		}
	}
	if p.minIdle != 0 {
		return u.errorf("min_idle_conns is not supported: it would dial before the bot is ready")
	}
	if p.db < 0 {
		return u.errorf("database %d is not a database number", p.db)
	}
	return nil
}

// budget points at the timeouts and retries of one kind of go-redis
// options.
type budget struct {
	dial, read, write, pool *time.Duration
	retries, dialAttempts   *int
	contextTimeout          *bool
}

// fitBudget fills in the timeouts and retries the URL left unset with ones
// that fit Slack's 3-second budget, and makes commands stop at their
// context's deadline.
func fitBudget(b budget) {
	for _, d := range []struct {
		got *time.Duration
		def time.Duration
	}{{b.dial, dialTimeout}, {b.read, readTimeout}, {b.write, writeTimeout}, {b.pool, poolTimeout}} {
		if *d.got == 0 {
			*d.got = d.def
		}
	}
	if *b.retries == 0 {
		*b.retries = maxRetries
	}
	if *b.dialAttempts == 0 {
		*b.dialAttempts = dialAttempts
	}
	*b.contextTimeout = true
}
