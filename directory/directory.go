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
	"golang.org/x/sync/singleflight"
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
	// Bot and Deleted say the user is an app's bot or a deactivated
	// account: no one to set a target for.
	Bot, Deleted bool
	// Locale is the language and region Slack shows them ("zh-CN",
	// "en-US"); "" when unknown.
	Locale string
	// Known is true when Slack answered for the user at least once: Loc is
	// then their own zone, not a stand-in.
	Known bool
}

// Cache bounds: how long an answer is trusted, how long a look-up may take
// before the person is answered from what is known (never holding up a
// reply), and how long a stale entry is served without asking again after
// Slack failed to answer.
const (
	TTL        = time.Hour
	Timeout    = 800 * time.Millisecond
	RetryStale = time.Minute
)

// Directory answers from its cache, asking Slack when an entry is missing or
// older than TTL. Concurrent look-ups of one user share one users.info call.
// It is safe for concurrent use.
type Directory struct {
	api Users
	now func() time.Time

	flight singleflight.Group
	mu     sync.Mutex
	// entries hold the last answer for each user: fetched is when Slack
	// gave it, retry when a stale entry may be asked for again.
	entries map[string]entry
}

type entry struct {
	Person
	fetched time.Time
	retry   time.Time
}

// New returns a Directory over api; now is the clock (time.Now when nil).
func New(api Users, now func() time.Time) *Directory {
	if now == nil {
		now = time.Now
	}
	return &Directory{api: api, now: now, entries: map[string]entry{}}
}

// Lookup returns what is known of user. When the cached entry is older than
// TTL and Slack fails to answer, the old entry is served (a person's zone
// rarely changes; guessing UTC would remind an Asian rep at night) and Slack
// is asked again after RetryStale. A user Slack never answered for is not
// cached, so the next look-up asks again, and comes back in UTC with Known
// false.
func (d *Directory) Lookup(ctx context.Context, user string) Person {
	now := d.now()
	d.mu.Lock()
	e, ok := d.entries[user]
	d.mu.Unlock()
	if ok && (now.Sub(e.fetched) < TTL || now.Before(e.retry)) {
		return e.Person
	}
	// The shared call must not end with the context of whichever caller
	// started it: it has its own deadline.
	ch := d.flight.DoChan(user, func() (any, error) {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), Timeout)
		defer cancel()
		return d.fetch(ctx, user)
	})
	select {
	case r := <-ch:
		if r.Err == nil {
			return r.Val.(Person)
		}
	case <-ctx.Done():
	}
	if ok {
		return e.Person
	}
	return Person{Loc: time.UTC}
}

// fetch asks Slack about user and caches the answer; on failure it keeps
// the stale entry, if any, for RetryStale more.
func (d *Directory) fetch(ctx context.Context, user string) (Person, error) {
	u, err := d.api.GetUserInfoContext(ctx, user, slack.GetUserInfoOptionIncludeLocale(true))
	if err != nil {
		d.mu.Lock()
		if e, ok := d.entries[user]; ok {
			e.retry = d.now().Add(RetryStale)
			d.entries[user] = e
		}
		d.mu.Unlock()
		return Person{}, err
	}
	p := Person{Loc: time.UTC, Known: true}
	if loc, err := time.LoadLocation(u.TZ); err == nil && u.TZ != "" {
		p.Loc = loc
	}
	p.Admin = u.IsAdmin || u.IsOwner || u.IsPrimaryOwner
	p.Locale = u.Locale
	p.Bot, p.Deleted = u.IsBot || u.ID == "USLACKBOT", u.Deleted
	for _, name := range []string{u.Profile.DisplayName, u.RealName, u.Name} {
		if name != "" {
			p.Name = name
			break
		}
	}
	d.mu.Lock()
	d.entries[user] = entry{Person: p, fetched: d.now()}
	d.mu.Unlock()
	return p, nil
}

// Location returns the user's time zone (UTC when it is not known).
func (d *Directory) Location(ctx context.Context, user string) *time.Location {
	return d.Lookup(ctx, user).Loc
}

// Zone returns the user's time zone and whether it is known: false when
// Slack never answered for the user, and the UTC returned is a stand-in.
func (d *Directory) Zone(ctx context.Context, user string) (*time.Location, bool) {
	p := d.Lookup(ctx, user)
	return p.Loc, p.Known
}
