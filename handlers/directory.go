package handlers

import (
	"context"
	"sync"
	"time"
)

// directory caches what Slack's users.info says about people: the time zone
// that decides what "today" means for them, and whether they are workspace
// admins. Look-ups are bounded so a slow Slack never delays a reply; on
// failure the person is taken to be in UTC.
type directory struct {
	api Slack
	now func() time.Time

	mu      sync.Mutex
	entries map[string]person
}

type person struct {
	name    string // how Slack shows them, for plain text where mentions do not render
	loc     *time.Location
	admin   bool
	fetched time.Time
}

const (
	directoryTTL     = time.Hour
	directoryTimeout = 800 * time.Millisecond
)

func newDirectory(api Slack, now func() time.Time) *directory {
	return &directory{api: api, now: now, entries: map[string]person{}}
}

func (d *directory) lookup(ctx context.Context, user string) person {
	d.mu.Lock()
	p, ok := d.entries[user]
	d.mu.Unlock()
	if ok && d.now().Sub(p.fetched) < directoryTTL {
		return p
	}
	ctx, cancel := context.WithTimeout(ctx, directoryTimeout)
	defer cancel()
	p = person{loc: time.UTC, fetched: d.now()}
	u, err := d.api.GetUserInfoContext(ctx, user)
	if err != nil {
		return p // not cached: the next request asks again
	}
	if loc, err := time.LoadLocation(u.TZ); err == nil && u.TZ != "" {
		p.loc = loc
	}
	p.admin = u.IsAdmin || u.IsOwner || u.IsPrimaryOwner
	for _, name := range []string{u.Profile.DisplayName, u.RealName, u.Name} {
		if name != "" {
			p.name = name
			break
		}
	}
	d.mu.Lock()
	d.entries[user] = p
	d.mu.Unlock()
	return p
}

func (d *directory) location(ctx context.Context, user string) *time.Location {
	return d.lookup(ctx, user).loc
}
