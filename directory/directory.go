// Package directory caches what Slack's users.info says about people: their
// time zone (which decides what "today" and "working hours" mean for them),
// their name, their locale (which decides the language the bot speaks to
// them) and whether they are workspace admins.
package directory

import (
	"context"
	"sync"
	"time"

	"github.com/slack-go/slack"
)

// Users is the part of the Slack Web API the directory reads.
type Users interface {
	GetUserInfoContext(ctx context.Context, user string, options ...slack.GetUserInfoOption) (*slack.User, error)
}

// Person is what the directory knows of one user.
type Person struct {
	Name  string         // as Slack shows them; "" when unknown
	Loc   *time.Location // UTC when unknown
	Admin bool           // workspace admin or owner
	// Locale is the language and region Slack shows them ("zh-CN",
	// "en-US"); "" when unknown.
	Locale string
}

// Cache bounds: how long an answer is trusted, and how long a look-up may
// take before the person is taken to be in UTC (never holding up a reply).
const (
	TTL     = time.Hour
	Timeout = 800 * time.Millisecond
)

// Directory answers from its cache, asking Slack when an entry is missing or
// older than TTL. It is safe for concurrent use.
type Directory struct {
	api Users
	now func() time.Time

	mu      sync.Mutex
	entries map[string]entry
}

type entry struct {
	Person
	fetched time.Time
}

// New returns a Directory over api; now is the clock (time.Now when nil).
func New(api Users, now func() time.Time) *Directory {
	if now == nil {
		now = time.Now
	}
	return &Directory{api: api, now: now, entries: map[string]entry{}}
}

// Lookup returns what is known of user. A failed look-up is not cached, so
// the next one asks again, and yields a Person in UTC.
func (d *Directory) Lookup(ctx context.Context, user string) Person {
	d.mu.Lock()
	e, ok := d.entries[user]
	d.mu.Unlock()
	if ok && d.now().Sub(e.fetched) < TTL {
		return e.Person
	}
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	p := Person{Loc: time.UTC}
	u, err := d.api.GetUserInfoContext(ctx, user, slack.GetUserInfoOptionIncludeLocale(true))
	if err != nil {
		return p
	}
	if loc, err := time.LoadLocation(u.TZ); err == nil && u.TZ != "" {
		p.Loc = loc
	}
	p.Admin = u.IsAdmin || u.IsOwner || u.IsPrimaryOwner
	p.Locale = u.Locale
	for _, name := range []string{u.Profile.DisplayName, u.RealName, u.Name} {
		if name != "" {
			p.Name = name
			break
		}
	}
	d.mu.Lock()
	d.entries[user] = entry{Person: p, fetched: d.now()}
	d.mu.Unlock()
	return p
}

// Location returns the user's time zone.
func (d *Directory) Location(ctx context.Context, user string) *time.Location {
	return d.Lookup(ctx, user).Loc
}
