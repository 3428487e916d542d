// Package directory caches what Slack's users.info says about people: their
// time zone (which decides what "today" and "working hours" mean for them),
// their name, their locale (which decides the language the bot speaks to
// them) and whether they are workspace admins.
package directory

import (
	"container/list"
	"context"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"golang.org/x/sync/singleflight"

	"salesbot/internal/logctx"
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

// DefaultMaxEntries is how many people a Directory keeps when MaxEntries
// does not say: with the OAuth install it serves every workspace, and the
// least recently looked up are dropped first (asked again when needed).
const DefaultMaxEntries = 20000

// Option sets up a Directory.
type Option func(*Directory)

// MaxEntries bounds the people a Directory keeps (DefaultMaxEntries when n
// is not positive): beyond it the least recently looked up is dropped.
func MaxEntries(n int) Option {
	return func(d *Directory) {
		if n > 0 {
			d.max = n
		}
	}
}

// Directory answers from its cache, asking Slack when an entry is missing or
// older than TTL. Concurrent look-ups of one user share one users.info call.
// Entries are kept per workspace (the one the look-up's context names): an
// Enterprise Grid user has one ID in every workspace of the organization,
// but is an admin of some only. It keeps at most its bound of entries,
// dropping the least recently used. It is safe for concurrent use.
type Directory struct {
	api Users
	now func() time.Time
	max int

	flight singleflight.Group
	mu     sync.Mutex
	// entries hold the last answer for each user of each workspace, in
	// order, the most recently used first.
	entries map[who]*list.Element // of *entry
	order   list.List
}

// who is one user of one workspace ("" when the look-up's context names
// none, as in a single-workspace bot's tests).
type who struct{ team, user string }

// entry is what Slack last said of a user: fetched is when it said it,
// retry when a stale entry may be asked for again.
type entry struct {
	who
	Person
	fetched time.Time
	retry   time.Time
}

// New returns a Directory over api; now is the clock (time.Now when nil).
func New(api Users, now func() time.Time, opts ...Option) *Directory {
	if now == nil {
		now = time.Now
	}
	d := &Directory{api: api, now: now, max: DefaultMaxEntries, entries: map[who]*list.Element{}}
	for _, o := range opts {
		o(d)
	}
	return d
}

// Len reports how many people the Directory keeps.
func (d *Directory) Len() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.order.Len()
}

// cached returns the entry of w, marking it used.
func (d *Directory) cached(w who) (entry, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	el, ok := d.entries[w]
	if !ok {
		return entry{}, false
	}
	d.order.MoveToFront(el)
	return *el.Value.(*entry), true
}

// keep stores e, dropping the least recently used entries beyond the
// bound.
func (d *Directory) keep(e entry) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if el, ok := d.entries[e.who]; ok {
		*el.Value.(*entry) = e
		d.order.MoveToFront(el)
		return
	}
	d.entries[e.who] = d.order.PushFront(&e)
	for d.order.Len() > d.max {
		last := d.order.Back()
		d.order.Remove(last)
		delete(d.entries, last.Value.(*entry).who)
	}
}

// whoOf is user in the workspace ctx names.
func whoOf(ctx context.Context, user string) who {
	w, _ := logctx.WorkspaceOf(ctx)
	return who{team: w.Team, user: user}
}

// Lookup returns what is known of user. When the cached entry is older than
// TTL and Slack fails to answer, the old entry is served (a person's zone
// rarely changes; guessing UTC would remind an Asian rep at night) and Slack
// is asked again after RetryStale. A user Slack never answered for is not
// cached, so the next look-up asks again, and comes back in UTC with Known
// false.
func (d *Directory) Lookup(ctx context.Context, user string) Person {
	now := d.now()
	w := whoOf(ctx, user)
	e, ok := d.cached(w)
	if ok && (now.Sub(e.fetched) < TTL || now.Before(e.retry)) {
		return e.Person
	}
	// The shared call must not end with the context of whichever caller
	// started it: it has its own deadline.
	ch := d.flight.DoChan(w.team+"\x00"+user, func() (any, error) {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), Timeout)
		defer cancel()
		return d.fetch(ctx, w)
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

// fetch asks Slack about w.user (with the token of the workspace ctx
// names) and caches the answer; on failure it keeps
// the stale entry, if any, for RetryStale more.
func (d *Directory) fetch(ctx context.Context, w who) (Person, error) {
	u, err := d.api.GetUserInfoContext(ctx, w.user, slack.GetUserInfoOptionIncludeLocale(true))
	if err != nil {
		d.mu.Lock()
		if el, ok := d.entries[w]; ok {
			el.Value.(*entry).retry = d.now().Add(RetryStale)
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
	d.keep(entry{who: w, Person: p, fetched: d.now()})
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
