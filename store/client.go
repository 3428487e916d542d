package store

import (
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
const schemes = "redis://, rediss://, redis-sentinel:// or redis-cluster://"

// NewClient connects to the Redis that rawURL names:
//
//	redis://[user:pass@]host:port/db               one server
//	rediss://[user:pass@]host:port/db              one server over TLS
//	redis-sentinel://[:pass@]host:port,host:port/db?master=NAME
//	                                               the master the sentinels name
//	redis-cluster://[:pass@]host:port,host:port    Redis Cluster, seeded by the hosts
//
// A port left out is 6379, or 26379 for a sentinel. The password of a
// redis-sentinel:// URL is the master's (and its replicas'); the sentinels
// themselves are dialled without one. redis:// and rediss:// also take
// go-redis's query options (?pool_size=20). Timeouts not set there fit
// Slack's 3-second budget: 2s to dial, 1s to read, write or wait for a
// pooled connection, one retry. NewClient does not dial: a URL that parses
// gives a client even when the server is down. Errors say what is wrong
// with the URL and never contain its password.
func NewClient(rawURL string) (redis.UniversalClient, error) {
	u, err := splitURL(rawURL)
	if err != nil {
		return nil, err
	}
	switch u.scheme {
	case "redis", "rediss":
		return u.single()
	case "redis-sentinel":
		return u.sentinel()
	}
	return u.cluster()
}

// redisURL is a Redis URL taken apart by hand: net/url rejects a list of
// hosts with IPv6 literals in it, and quotes the whole URL, password
// included, in its errors.
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
	case "redis", "rediss", "redis-sentinel", "redis-cluster":
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
	if u.scheme == "redis-sentinel" {
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

// single builds a client of one server through go-redis's own parser, which
// also reads its query options.
func (u *redisURL) single() (redis.UniversalClient, error) {
	if len(u.hosts) != 1 {
		return nil, u.errorf("%s:// takes one host; use redis-cluster:// or redis-sentinel:// for several", u.scheme)
	}
	// Rebuilt from the parts, so that go-redis reads the password as split
	// above and an unencoded character in it cannot shift the host or path.
	canonical := url.URL{Scheme: u.scheme, Host: u.hosts[0], Path: "/" + u.path, RawQuery: u.query.Encode()}
	if u.user != "" || u.password != "" {
		canonical.User = url.UserPassword(u.user, u.password)
	}
	opt, err := redis.ParseURL(canonical.String())
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error quotes the whole URL
		}
		return nil, u.errorf("%v", err)
	}
	// Pool sizes come from the operator's URL; absurd ones would make
	// go-redis panic or allocate gigabytes, and min_idle_conns would dial
	// from the constructor, which NewClient promises not to do.
	for _, size := range []struct {
		name string
		n    int
	}{
		{"pool_size", opt.PoolSize}, {"max_idle_conns", opt.MaxIdleConns}, {"max_active_conns", opt.MaxActiveConns},
		{"pipeline_pool_size", opt.PipelinePoolSize},
	} {
		if size.n < 0 || size.n > maxPoolSize {
			return nil, u.errorf("%s=%d is out of range; use 1 to %d", size.name, size.n, maxPoolSize)
		}
	}
	if opt.MinIdleConns != 0 {
		return nil, u.errorf("min_idle_conns is not supported: it would dial before the bot is ready")
	}
	opt.DialTimeout = orDefault(opt.DialTimeout, dialTimeout)
	opt.ReadTimeout = orDefault(opt.ReadTimeout, readTimeout)
	opt.WriteTimeout = orDefault(opt.WriteTimeout, writeTimeout)
	opt.PoolTimeout = orDefault(opt.PoolTimeout, poolTimeout)
	if opt.MaxRetries == 0 {
		opt.MaxRetries = maxRetries
	}
	if opt.DialerRetries == 0 {
		opt.DialerRetries = dialAttempts
	}
	opt.ContextTimeoutEnabled = true
	return redis.NewClient(opt), nil
}

func (u *redisURL) sentinel() (redis.UniversalClient, error) {
	db, err := u.db()
	if err != nil {
		return nil, err
	}
	master := u.query.Get("master")
	if master == "" {
		return nil, u.errorf("the master's name is missing; add ?master=NAME (as in sentinel.conf)")
	}
	if err := u.onlyParams("master"); err != nil {
		return nil, err
	}
	opt := u.universal()
	opt.MasterName, opt.DB = master, db
	return redis.NewUniversalClient(opt), nil
}

func (u *redisURL) cluster() (redis.UniversalClient, error) {
	if db, err := u.db(); err != nil {
		return nil, err
	} else if db != 0 {
		return nil, u.errorf("Redis Cluster has only database 0; drop /%d", db)
	}
	if err := u.onlyParams(); err != nil {
		return nil, err
	}
	opt := u.universal()
	opt.IsClusterMode = true // even when seeded with one host
	return redis.NewUniversalClient(opt), nil
}

func (u *redisURL) universal() *redis.UniversalOptions {
	return &redis.UniversalOptions{
		Addrs:                 u.hosts,
		Username:              u.user,
		Password:              u.password,
		DialTimeout:           dialTimeout,
		DialerRetries:         dialAttempts,
		ReadTimeout:           readTimeout,
		WriteTimeout:          writeTimeout,
		PoolTimeout:           poolTimeout,
		MaxRetries:            maxRetries,
		ContextTimeoutEnabled: true,
	}
}

func (u *redisURL) db() (int, error) {
	if u.path == "" {
		return 0, nil
	}
	db, err := strconv.Atoi(u.path)
	if err != nil || db < 0 {
		return 0, u.errorf("the path /%s is not a database number", u.path)
	}
	return db, nil
}

func (u *redisURL) onlyParams(allowed ...string) error {
	var unknown []string
	for k := range u.query {
		if !slices.Contains(allowed, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return u.errorf("unknown option %s", strings.Join(unknown, ", "))
	}
	return nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}
