package store

// FuzzNewClient feeds NewClient every kind of REDIS_URL an operator might
// paste. It never dials: NewClient only builds a client, and the one go-redis
// option that opens connections at once (min_idle_conns) is left out.
//
//	go test -run=NONE -fuzz='^FuzzNewClient$' -fuzztime=30s ./store

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
)

func FuzzNewClient(f *testing.F) {
	for _, s := range []string{
		"redis://localhost:6379/0",
		"redis://u:s3cr3t-Pa55@db.example:6379/2?pool_size=5",
		"rediss://:s3cr3t-Pa55@cache.example:6380/1?skip_verify=true",
		"redis://:p@ss/w?rd@h:7000/4",
		"redis://:p%40ss@h:7000",
		"redis://:p%zzss@h:7000",
		"redis://u:secret@h:port",
		"redis://u:secret@h:99999999999999999999",
		"redis://u:secret@::1:6379",
		"redis://u:secret@[::1]:6379",
		"redis://u:secret@h:6379?pool_size=many&dial_timeout=forever",
		"redis://u:secret@h:6379?password=other",
		"redis://u:secret@h:6379?db=99999999999999999999",
		"redis://u:secret@h:6379#frag",
		"redis://u:secret@h1,h2",
		"redis-sentinel://:secret@s1:26379,s2:26380,s3/5?master=mymaster",
		"redis-sentinel://:secret@s1,,s2/0?master=m",
		"redis-sentinel://:secret@s1/-1?master=m&role=x",
		"redis-cluster://:secret@n1:7000,n2:7001,[::1]:7002",
		"redis-cluster://:secret@n1:7000/1",
		"redis-cluster://:secret@/",
		"rediss-sentinel://u:secret@s1,[::1]:26380/2?master=m&dial_timeout=3s",
		"rediss-cluster://:secret@n1:7000,n2?read_timeout=forever",
		"REDIS://H",
		"http://u:secret@h",
		"://",
		"",
		"redis://用户:密码@数据库.example:６３７９/０",
		"redis://u:\"quoted\"@h?a=«b»&c=“d”",
		"redis://u:\x00\x1b[31m@h\x7f",
		"redis://u:\xff\xfe@h:\xff",
		"redis://u:pass@h:6379?a;b=c",
		"  redis://u:pass@h  ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if dialsAtOnce(raw) {
			t.Skip("min_idle_conns makes go-redis dial from the constructor")
		}
		c, err := NewClient(raw)
		if err == nil {
			if c == nil {
				t.Fatalf("NewClient(%q) = nil, nil", raw)
			}
			if err := c.Close(); err != nil {
				t.Fatalf("NewClient(%q): Close: %v", raw, err)
			}
			return
		}
		if c != nil {
			t.Fatalf("NewClient(%q): a client alongside error %v", raw, err)
		}
		for _, secret := range passwordOf(raw) {
			if strings.Contains(err.Error(), secret) && !explained(raw, secret, err.Error()) {
				t.Fatalf("NewClient(%q): error %q gives the password %q away", raw, err, secret)
			}
		}
	})
}

// dialsAtOnce reports whether raw asks go-redis for idle connections kept
// open, which it dials from the constructor.
func dialsAtOnce(raw string) bool {
	u, err := splitURL(raw)
	if err != nil {
		return false
	}
	for k, vs := range u.query {
		if k != "min_idle_conns" {
			continue
		}
		for _, v := range vs {
			if n, err := strconv.Atoi(v); err == nil && n > 0 && n <= 1<<31-1 {
				return true
			}
		}
	}
	return false
}

// passwordOf is the password part of raw (scheme://user:PASSWORD@…), as
// typed and %-decoded, as the documented syntax reads it: the user info ends
// at the last @, the password starts after its first colon.
func passwordOf(raw string) []string {
	scheme, rest, ok := strings.Cut(strings.TrimSpace(raw), "://")
	if !ok {
		return nil
	}
	switch strings.ToLower(scheme) {
	case "redis", "rediss", "redis-sentinel", "rediss-sentinel", "redis-cluster", "rediss-cluster":
	default:
		return nil
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return nil
	}
	_, pass, ok := strings.Cut(rest[:at], ":")
	if !ok || pass == "" {
		return nil
	}
	secrets := []string{pass}
	if p, err := url.PathUnescape(pass); err == nil && p != pass && p != "" {
		secrets = append(secrets, p)
	}
	return secrets
}

// explained reports whether secret shows up in msg for a reason other than
// being the password: it also appears in the rest of the URL, which errors
// quote, or in what the message says with another password in its place.
func explained(raw, secret, msg string) bool {
	scheme, rest, _ := strings.Cut(strings.TrimSpace(raw), "://")
	at := strings.LastIndex(rest, "@")
	user, _, _ := strings.Cut(rest[:at], ":")
	for _, o := range []string{scheme, user, rest[at+1:]} {
		if strings.Contains(o, secret) {
			return true
		}
		for _, unescape := range []func(string) (string, error){url.PathUnescape, url.QueryUnescape} {
			if d, err := unescape(o); err == nil && strings.Contains(d, secret) {
				return true
			}
		}
	}
	if strings.Contains("the password is not properly %-encoded xxxxx", secret) {
		return true
	}
	c, err := NewClient(scheme + "://" + user + ":" + otherPassword + "@" + rest[at+1:])
	if err != nil {
		return strings.Contains(err.Error(), secret)
	}
	_ = c.Close()
	return false
}

// otherPassword stands in for the password in explained.
const otherPassword = "Q7-stand-in"
