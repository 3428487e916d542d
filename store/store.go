// Package store keeps salesbot's leads, their history and visits, and each
// team's managers in Redis, as a salesbot.LeadStore.
//
// A team's keys share the hash tag {T} (see keys.go), so every write to a
// lead is one Lua script that checks the lead is still as read and then
// writes the lead, its indexes and its history (guarded.go): one round
// trip, on one server, behind Sentinel or on a Cluster alike. The store
// uses only commands and scripts that miniredis also serves, so that a demo
// can run without a Redis server.
package store

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"salesbot"
)

const (
	// listMax bounds a lead's history and visits lists; older entries fall
	// off. The activity stream keeps every change for the digest.
	listMax = 1000
	// activityMax bounds a team's activity stream, trimmed approximately
	// (MAXLEN ~), which costs Redis nothing extra.
	activityMax = 100000
	// maxTxBackoff caps the wait between two attempts, so that all of them
	// fit well inside a Slack request's budget (16 × 20 ms at most).
	maxTxBackoff = 20 * time.Millisecond
	// txAttempts bounds how often a write retries when another writer
	// changed the lead between its read and its EXEC.
	txAttempts = 16
	// idBytes random bytes make an 8-character base32 lead ID.
	idBytes = 5
)

// Store is a salesbot.LeadStore on Redis. Make one with New; it is safe for
// concurrent use and holds no state besides the client, what it counts, and
// the revision of each lead it returned that is still in use (revisions).
type Store struct {
	client     redis.UniversalClient
	cluster    bool     // sb:teams is in another slot than any team's keys
	changeTime bool     // activity entries at their change's time, not Redis's
	listed     sync.Map // team → when this Store last added it to sb:teams (cluster only)
	log        *slog.Logger
	onSkip     func(key string)
	skipped    atomic.Int64
	logged     sync.Map // key → struct{}: undecodable records already logged
	nlogged    atomic.Int64
	revs       revisions      // lead → the revision it was read or saved at
	wakes      sync.WaitGroup // wakes sent beside writes on a Cluster, not yet landed
}

var _ salesbot.LeadStore = (*Store)(nil)

// New returns a Store that keeps its data through client, which may be a
// single-server, Sentinel or Cluster client (see NewClient). The caller
// closes the client.
func New(client redis.UniversalClient, opts ...Option) *Store {
	_, cluster := client.(*redis.ClusterClient)
	s := &Store{client: client, cluster: cluster, log: slog.Default()}
	for _, o := range opts {
		o(s)
	}
	return s
}

// createScript saves a new lead unless its name is taken, in one step on
// the server. A name that points at a lead that is gone is free again, and
// its old entry in the sorted names goes. It returns {"taken", the lead's
// JSON} when the name belongs to a lead, {"id"} when the new lead's ID is
// taken, and {"ok"} when it wrote.
//
// KEYS: names, the new lead, then every key written. ARGV: the normalised
// name, the team's key prefix, then the writes.
var createScript = redis.NewScript(nameFree + `
if redis.call('EXISTS', KEYS[2]) == 1 then return {'id'} end
local i = 3
` + runWrites + `
return {'ok'}
`)

// nameFree is the start of a script that saves a new lead: it answers
// {"taken", the lead's JSON} when the normalised name (ARGV[1]) belongs to
// a lead in the names (KEYS[1]) of the team whose key prefix is ARGV[2];
// a name that points at a lead that is gone is free again, and its old
// entry in the sorted names goes.
const nameFree = `
local id = redis.call('HGET', KEYS[1], ARGV[1])
if id then
  local lead = redis.call('GET', ARGV[2] .. 'lead:' .. id)
  if lead then return {'taken', lead} end
  redis.call('ZREM', ARGV[2] .. 'names:sorted', ARGV[1] .. '\0' .. id)
end
`

// CreateLead saves a new lead, with c as the first entry of its history,
// unless the team already has a lead whose company normalises to the same
// name: then it returns that lead and an ECONFLICT error, and writes
// nothing. A lead without an ID gets a random one, set on l and c. It is
// one round trip (on a Cluster, two when the team is listed again; see
// listTeam).
func (s *Store) CreateLead(ctx context.Context, l *salesbot.Lead, c salesbot.Change) (*salesbot.Lead, error) {
	k, err := keysOf(l.Team)
	if err != nil {
		return nil, fmt.Errorf("create lead %q: %w", l.Company, err)
	}
	generated := l.ID == ""
	name := salesbot.NormalizeCompany(l.Company)
	for range txAttempts {
		if generated {
			l.ID = newID()
		}
		c.LeadID = l.ID
		b, lead, err := s.createWrites(k, l, c, name)
		if err != nil {
			return nil, failed(err, "create lead %q", l.Company)
		}
		if err := s.listTeam(ctx, k, b); err != nil {
			return nil, failed(err, "create lead %q", l.Company)
		}
		keys := append([]string{k.names(), k.lead(l.ID)}, b.keys...)
		res, err := createScript.Run(ctx, s.client, keys, append([]any{name, k.prefix}, b.args...)...).StringSlice()
		if err != nil {
			if generated {
				l.ID = ""
			}
			return nil, failed(err, "create lead %q", l.Company)
		}
		switch res[0] {
		case "ok":
			s.revs.remember(l, revision(lead), createdPending)
			return nil, nil
		case "taken":
			existing, err := s.readLead([]byte(res[1]), l.Team)
			same := err == nil && s.revs.of(existing) == revision(lead)
			if err == nil && existing.ID == l.ID && (generated || same) {
				// This very lead: the script was sent again after its reply
				// was lost (go-redis retries once), and had written. An ID
				// drawn for this call is proof enough, even if the lead
				// changed since; a caller's own ID needs the same bytes.
				// l is at the stored revision only if no one changed it
				// since; otherwise it is read again before a write.
				if same {
					s.revs.remember(l, revision(lead), createdPending)
				} else {
					s.revs.forget(l)
				}
				return nil, nil
			}
			if generated {
				l.ID = "" // not saved, so not its ID
			}
			if err != nil {
				return nil, failed(err, "create lead %q", l.Company)
			}
			return existing, fmt.Errorf("create lead %q: %w", l.Company, salesbot.Errorf(salesbot.ECONFLICT, "%s is already registered.", existing.Company))
		}
		// The ID is taken. 40 random bits do not collide in one team in
		// practice; when they do, draw again. A caller's own ID that is
		// taken is a conflict.
		if !generated {
			return nil, fmt.Errorf("create lead %q: %w", l.Company, salesbot.Errorf(salesbot.ECONFLICT, "A lead with ID %s exists already.", l.ID))
		}
	}
	l.ID = ""
	return nil, failed(errors.New("no free lead ID"), "create lead %q", l.Company)
}

// createWrites is what saving a new lead writes: the lead, its name, its
// owner's set, the team's list, the indexes and the first history entry. It
// returns them with the lead's JSON.
//
// createdPending is what a new lead's count of entries pushed to its lists
// since they were packed starts at: its first history entry.
const createdPending = 1

func (s *Store) createWrites(k keys, l *salesbot.Lead, c salesbot.Change, name string) (*batch, []byte, error) {
	lead, err := encodeLead(l, createdPending)
	if err != nil {
		return nil, nil, err
	}
	b := &batch{}
	b.do("SET", k.lead(l.ID), lead)
	b.do("HSET", k.names(), name, l.ID)
	nameIndexes(b, k, l, name)
	b.do("SADD", k.owner(l.Owner), l.ID)
	b.do("ZADD", k.leads(), l.CreatedAt.Unix(), l.ID)
	index(b, k, nil, l)
	if err := s.history(b, k, l.ID, []salesbot.Change{c}, nil, nil); err != nil {
		return nil, nil, err
	}
	return b, lead, nil
}

// Lead returns one lead of the team, or an ENOTFOUND error.
func (s *Store) Lead(ctx context.Context, team, id string) (*salesbot.Lead, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("lead %s: %w", id, err)
	}
	l, err := s.getLead(ctx, k, id)
	if err != nil {
		return nil, failed(err, "lead %s", id)
	}
	return l, nil
}

// UpdateLead reads the lead and saves a change to it as UpdateLeadFrom
// does: two round trips when no one else writes the lead meanwhile.
func (s *Store) UpdateLead(ctx context.Context, team, id string, fn func(*salesbot.Lead) (salesbot.Update, error)) (*salesbot.Lead, error) {
	return s.UpdateLeadFrom(ctx, &salesbot.Lead{ID: id, Team: team}, fn)
}

// UpdateLeadFrom applies fn to read, a lead as this store returned it, and
// saves the result with the Update's history and visit, and the indexes
// that follow from the lead (its owner's set, due, pool), in one guarded
// script: it writes only if the stored lead is still the one read (same
// revision, which this store remembers for each lead it returned), so
// saving a lead just read is one round trip. When another writer changed
// it first, or read has no revision (a lead this store did not return, or
// a copy of one), fn runs again on the lead read afresh, up to a bound. An error from fn writes nothing and is
// returned as it is, once fn has refused the lead as it is now (not only as
// read). fn may change read in place, so use only the lead returned; fn
// must not change the lead's ID, team or company name.
func (s *Store) UpdateLeadFrom(ctx context.Context, read *salesbot.Lead, fn func(*salesbot.Lead) (salesbot.Update, error)) (*salesbot.Lead, error) {
	team, id := read.Team, read.ID
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("update lead %s: %w", id, err)
	}
	l, fresh := read, false
	var saved *salesbot.Lead
	err = s.retry(ctx, func() error {
		rev := s.revs.of(l)
		if rev == "" {
			got, err := s.getLeadForWrite(ctx, k, id)
			if err != nil {
				return err
			}
			l, fresh, rev = got, true, s.revs.of(got)
		}
		heads := s.revs.heads(l) // read with l, or nil
		owner, name, before := l.Owner, salesbot.NormalizeCompany(l.Company), l.Standing()
		u, err := fn(l)
		switch {
		case err != nil && !fresh:
			// Judged on the lead as the caller read it: judge it again on
			// the lead as it is, as a write is. fn may have changed the
			// caller's copy: it no longer stands for what is stored.
			s.revs.forget(l)
			l = nil
			return redis.TxFailedErr
		case err != nil:
			return fnError{err}
		}
		if l.ID != id || l.Team != team || salesbot.NormalizeCompany(l.Company) != name {
			// Each is part of a key or an index this method does not
			// move; changing one would orphan the lead.
			return bug{fmt.Errorf("fn changed the lead's ID, team or company name")}
		}
		if s.revs.pending(l)+pushes(u) < packAt {
			heads = nil // not yet: pack another time
		}
		b := &batch{}
		lead, pending, err := s.leadWrites(b, k, l, owner, before, u, heads)
		if err != nil {
			return err
		}
		guards := []guard{unchanged(k.lead(id), rev)}
		for _, h := range heads {
			if g, ok := h.guard(); ok {
				guards = append(guards, g)
			}
		}
		ok, err := s.guarded(ctx, k, guards, b)
		switch {
		case err != nil:
			return err
		case !ok:
			s.revs.forget(l) // changed by fn, and not what is stored
			l = nil          // read it again
			return redis.TxFailedErr
		}
		s.revs.remember(l, revision(lead), pending)
		saved = l
		return nil
	}, nil)
	var fe fnError
	switch {
	case err == nil:
		return saved, nil
	case errors.As(err, &fe):
		return nil, fe.err
	}
	return nil, failed(err, "update lead %s", id)
}

// leadWrites queues what saving a changed lead writes: the lead, its
// owner's set (leaving owner's, the owner it had when read), the indexes
// and read models that follow from where it stood before, and the
// Update's history, visit and slips; with heads (the lists' heads, read
// for it), it packs the lists' older entries (codec_packed.go). It returns
// the lead's JSON and the entries pushed to its lists since last packed.
func (s *Store) leadWrites(b *batch, k keys, l *salesbot.Lead, owner string, before salesbot.Standing, u salesbot.Update, heads []listHead) ([]byte, int, error) {
	pending := s.revs.pending(l) + pushes(u)
	if heads != nil {
		pending = 0
	}
	lead, err := encodeLead(l, pending)
	if err != nil {
		return nil, 0, err
	}
	b.do("SET", k.lead(l.ID), lead)
	if l.Owner != owner {
		b.do("SREM", k.owner(owner), l.ID)
	}
	b.do("SADD", k.owner(l.Owner), l.ID)
	index(b, k, &before, l)
	if err := s.history(b, k, l.ID, u.Changes, u.Visit, heads); err != nil {
		return nil, 0, err
	}
	if err := slipWrites(b, k, l, u.Changes); err != nil {
		return nil, 0, err
	}
	return lead, pending, nil
}

// pushes is how many entries an Update pushes to its lead's lists.
func pushes(u salesbot.Update) int {
	n := len(u.Changes)
	if u.Visit != nil {
		n++
	}
	return n
}

// fnError carries an error from UpdateLead's fn through the retries, so
// that it comes back unwrapped and is not taken for a Redis failure.
type fnError struct{ err error }

func (e fnError) Error() string { return e.err.Error() }

// index queues the writes that keep the due and pool sets and the read
// models in step with the lead, which stood where before says (nil for a
// new lead): due holds open leads with a reminder to come
// (Lead.ReminderAt), by its time in milliseconds; pool holds lost leads, by
// the second they were lost.
func index(b *batch, k keys, before *salesbot.Standing, l *salesbot.Lead) {
	readModels(b, k, l.ID, before, l.Standing())
	if at := l.ReminderAt(); !at.IsZero() {
		b.do("ZADD", k.due(), at.UnixMilli(), l.ID)
	} else {
		b.do("ZREM", k.due(), l.ID)
	}
	if l.Stage == salesbot.StageLost {
		lost := l.ClosedAt
		if lost.IsZero() {
			lost = l.UpdatedAt
		}
		b.do("ZADD", k.pool(), lost.Unix(), l.ID)
	} else {
		b.do("ZREM", k.pool(), l.ID)
	}
}

// history queues a change's entries in the lead's history (changes are
// oldest first; the newest goes to the head), the visit, and one activity
// entry per change of a kind the stream keeps (activityKinds): at Redis's
// time (XADD *), or at the change's own with WithChangeTime. With heads
// (the history's, then the visits'), it packs their older entries.
func (s *Store) history(b *batch, k keys, id string, changes []salesbot.Change, v *salesbot.Visit, heads []listHead) error {
	var fresh [2][]string // newest first: history, visits
	for i := len(changes) - 1; i >= 0; i-- {
		raw, err := encodeChange(changes[i], inHistory)
		if err != nil {
			return err
		}
		fresh[0] = append(fresh[0], string(raw))
	}
	if v != nil {
		raw, err := encodeVisit(*v)
		if err != nil {
			return err
		}
		fresh[1] = append(fresh[1], string(raw))
	}
	for i, key := range []string{k.history(id), k.visits(id)} {
		switch {
		case heads != nil:
			if err := packWrites(b, heads[i], fresh[i]); err != nil {
				return err
			}
		case len(fresh[i]) > 0:
			if err := pushNewest(b, key, fresh[i]); err != nil {
				return err
			}
		}
	}
	if len(changes) > 0 {
		for _, c := range changes {
			if !activityKinds[c.Kind] {
				continue
			}
			raw, err := encodeChange(c, inActivity)
			if err != nil {
				return err
			}
			if s.changeTime {
				b.do(xaddAt, k.activity(), max(c.At.UnixMilli(), 0), activityMax, "change", raw)
			} else {
				b.do("XADD", k.activity(), "MAXLEN", "~", activityMax, "*", "change", raw)
			}
		}
	}
	return nil
}

// retry runs attempt until it does not fail with redis.TxFailedErr (a
// watched key changed before EXEC), with a jittered backoff that grows so
// that many writers on one lead spread out, up to txAttempts times. again,
// when not nil, may ask for another attempt after another error.
func (s *Store) retry(ctx context.Context, attempt func() error, again func(error) bool) error {
	var err error
	for i := range txAttempts {
		if i > 0 {
			backoff := time.Duration(mrand.Int64N(int64(min(time.Millisecond<<(i-1), maxTxBackoff))))
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(backoff):
			}
		}
		err = attempt()
		if !errors.Is(err, redis.TxFailedErr) && (again == nil || !again(err)) {
			return err
		}
	}
	if errors.Is(err, redis.TxFailedErr) {
		// Not an outage: others won every race. Say so, not "unreachable".
		busy := salesbot.Errorf(salesbot.ECONFLICT, "Others were changing the same records at that moment. Please try again.")
		busy.Err = fmt.Errorf("gave up after %d attempts: %w", txAttempts, err)
		return busy
	}
	return err
}

// Ping reports whether Redis answers; its error has code EUNAVAILABLE.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.client.Ping(ctx).Err(); err != nil {
		return failed(err, "ping redis")
	}
	return nil
}

// getLead reads and decodes one lead, and remembers its revision; a
// missing one is an ENOTFOUND error.
func (s *Store) getLead(ctx context.Context, k keys, id string) (*salesbot.Lead, error) {
	data, err := s.client.Get(ctx, k.lead(id)).Bytes()
	if err == redis.Nil {
		return nil, salesbot.Errorf(salesbot.ENOTFOUND, "No such lead")
	} else if err != nil {
		return nil, err
	}
	return s.readLead(data, k.team())
}

// newID returns a random lead ID: 8 characters of lowercase base32, short
// enough to type in a command.
func newID() string {
	var b [idBytes]byte
	_, _ = rand.Read(b[:]) // never fails: crypto/rand aborts the program instead
	return strings.ToLower(base32.StdEncoding.EncodeToString(b[:]))
}
