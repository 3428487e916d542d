// Package store keeps salesbot's leads, their history and visits, and each
// team's managers in Redis, as a salesbot.LeadStore.
//
// A team's keys share the hash tag {T} (see keys.go), so every write to a
// lead is one MULTI/EXEC under WATCH, on one server, behind Sentinel or on a
// Cluster alike. The store uses only commands that miniredis also serves,
// so that a demo can run without a Redis server.
package store

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"slices"
	"strconv"
	"strings"
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
// concurrent use and holds no state besides the client.
type Store struct {
	client redis.UniversalClient
}

var _ salesbot.LeadStore = (*Store)(nil)

// New returns a Store that keeps its data through client, which may be a
// single-server, Sentinel or Cluster client (see NewClient). The caller
// closes the client.
func New(client redis.UniversalClient) *Store {
	return &Store{client: client}
}

// CreateLead saves a new lead, with c as the first entry of its history,
// unless the team already has a lead whose company normalises to the same
// name: then it returns that lead and an ECONFLICT error, and writes
// nothing. A lead without an ID gets a random one, set on l and c.
func (s *Store) CreateLead(ctx context.Context, l *salesbot.Lead, c salesbot.Change) (*salesbot.Lead, error) {
	k, err := keysOf(l.Team)
	if err != nil {
		return nil, fmt.Errorf("create lead %q: %w", l.Company, err)
	}
	// The team is listed before its first lead is written, not after: a
	// failure in between then leaves a team without leads, which the
	// scheduler skips, never a lead its team's reminders would miss. sb:teams
	// is outside the team's slot, so it cannot be in the transaction.
	if err := s.client.SAdd(ctx, teamsKey, l.Team).Err(); err != nil {
		return nil, failed(err, "create lead %q", l.Company)
	}

	generated := l.ID == ""
	if generated {
		l.ID = newID()
	}
	name := salesbot.NormalizeCompany(l.Company)
	var existing *salesbot.Lead
	err = s.retry(ctx, func() error {
		existing = nil
		c.LeadID = l.ID
		lead, err := json.Marshal(l)
		if err != nil {
			return bug{fmt.Errorf("encode lead: %w", err)}
		}
		w, err := newWrites(l.ID, []salesbot.Change{c}, nil)
		if err != nil {
			return err
		}
		return s.client.Watch(ctx, func(tx *redis.Tx) error {
			id, err := tx.HGet(ctx, k.names(), name).Result()
			switch {
			case err == nil:
				existing, err = getLead(ctx, tx, k, id)
				if err == nil {
					return salesbot.Errorf(salesbot.ECONFLICT, "%s is already registered.", existing.Company)
				} else if salesbot.ErrorCode(err) != salesbot.ENOTFOUND {
					return err
				}
				// The name points at a lead that is gone; the new lead takes
				// the name over.
			case err != redis.Nil:
				return err
			}
			if n, err := tx.Exists(ctx, k.lead(l.ID)).Result(); err != nil {
				return err
			} else if n > 0 {
				return errIDTaken
			}
			_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.Set(ctx, k.lead(l.ID), lead, 0)
				p.HSet(ctx, k.names(), name, l.ID)
				p.SAdd(ctx, k.owner(l.Owner), l.ID)
				p.ZAdd(ctx, k.leads(), redis.Z{Score: float64(l.CreatedAt.Unix()), Member: l.ID})
				index(ctx, p, k, l)
				w.write(ctx, p, k)
				return nil
			})
			return err
		}, k.names(), k.lead(l.ID))
	}, func(err error) bool {
		// 40 random bits do not collide in one team in practice; when they
		// do, draw again. A caller's own ID that is taken is a conflict.
		if errors.Is(err, errIDTaken) && generated {
			l.ID = newID()
			return true
		}
		return false
	})
	switch {
	case err == nil:
		return nil, nil
	case errors.Is(err, errIDTaken):
		return nil, fmt.Errorf("create lead %q: %w", l.Company, salesbot.Errorf(salesbot.ECONFLICT, "A lead with ID %s exists already.", l.ID))
	case existing != nil && salesbot.ErrorCode(err) == salesbot.ECONFLICT:
		if generated {
			l.ID = "" // not saved, so not its ID
		}
		return existing, fmt.Errorf("create lead %q: %w", l.Company, err)
	}
	return nil, failed(err, "create lead %q", l.Company)
}

var errIDTaken = errors.New("lead ID taken")

// Lead returns one lead of the team, or an ENOTFOUND error.
func (s *Store) Lead(ctx context.Context, team, id string) (*salesbot.Lead, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("lead %s: %w", id, err)
	}
	l, err := getLead(ctx, s.client, k, id)
	if err != nil {
		return nil, failed(err, "lead %s", id)
	}
	return l, nil
}

// UpdateLead applies fn to the current lead and saves the result with the
// Update's history and visit, and the indexes that follow from the lead (its
// owner's set, due, pool), in one transaction. fn runs again on fresh data
// when another writer changed the lead first, up to a bound; an error from
// fn writes nothing and is returned as it is. fn must not change the lead's
// ID, team or company name.
func (s *Store) UpdateLead(ctx context.Context, team, id string, fn func(*salesbot.Lead) (salesbot.Update, error)) (*salesbot.Lead, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("update lead %s: %w", id, err)
	}
	var saved *salesbot.Lead
	err = s.retry(ctx, func() error {
		return s.client.Watch(ctx, func(tx *redis.Tx) error {
			l, err := getLead(ctx, tx, k, id)
			if err != nil {
				return err
			}
			owner, name := l.Owner, salesbot.NormalizeCompany(l.Company)
			u, err := fn(l)
			if err != nil {
				return fnError{err}
			}
			if l.ID != id || l.Team != team || salesbot.NormalizeCompany(l.Company) != name {
				// Each is part of a key or an index this method does not
				// move; changing one would orphan the lead.
				return bug{fmt.Errorf("fn changed the lead's ID, team or company name")}
			}
			lead, err := json.Marshal(l)
			if err != nil {
				return bug{fmt.Errorf("encode lead: %w", err)}
			}
			w, err := newWrites(id, u.Changes, u.Visit)
			if err != nil {
				return err
			}
			_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.Set(ctx, k.lead(id), lead, 0)
				if l.Owner != owner {
					p.SRem(ctx, k.owner(owner), id)
				}
				p.SAdd(ctx, k.owner(l.Owner), id)
				index(ctx, p, k, l)
				w.write(ctx, p, k)
				return nil
			})
			if err == nil {
				saved = l
			}
			return err
		}, k.lead(id))
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

// fnError carries an error from UpdateLead's fn through the transaction, so
// that it comes back unwrapped and is not taken for a Redis failure.
type fnError struct{ err error }

func (e fnError) Error() string { return e.err.Error() }

// index queues the writes that keep the due and pool sets in step with the
// lead: due holds open leads with a reminder to come (Lead.ReminderAt), by
// its time in milliseconds; pool holds lost leads, by the second they were
// lost.
func index(ctx context.Context, p redis.Pipeliner, k keys, l *salesbot.Lead) {
	if at := l.ReminderAt(); !at.IsZero() {
		p.ZAdd(ctx, k.due(), redis.Z{Score: float64(at.UnixMilli()), Member: l.ID})
	} else {
		p.ZRem(ctx, k.due(), l.ID)
	}
	if l.Stage == salesbot.StageLost {
		lost := l.ClosedAt
		if lost.IsZero() {
			lost = l.UpdatedAt
		}
		p.ZAdd(ctx, k.pool(), redis.Z{Score: float64(lost.Unix()), Member: l.ID})
	} else {
		p.ZRem(ctx, k.pool(), l.ID)
	}
}

// writes is a lead's history entries and visit, encoded before the
// transaction starts so that EXEC carries only writes.
type writes struct {
	id      string
	changes []any // JSON of each Change, oldest first
	visit   []byte
}

func newWrites(id string, changes []salesbot.Change, v *salesbot.Visit) (writes, error) {
	w := writes{id: id, changes: make([]any, len(changes))}
	for i, c := range changes {
		b, err := json.Marshal(c)
		if err != nil {
			return writes{}, bug{fmt.Errorf("encode change: %w", err)}
		}
		w.changes[i] = b
	}
	if v != nil {
		b, err := json.Marshal(v)
		if err != nil {
			return writes{}, bug{fmt.Errorf("encode visit: %w", err)}
		}
		w.visit = b
	}
	return w, nil
}

// write queues the history (LPUSH of the changes oldest first leaves the
// newest at the head), the visit, and one activity entry per change.
func (w writes) write(ctx context.Context, p redis.Pipeliner, k keys) {
	if len(w.changes) > 0 {
		p.LPush(ctx, k.history(w.id), w.changes...)
		p.LTrim(ctx, k.history(w.id), 0, listMax-1)
	}
	if w.visit != nil {
		p.LPush(ctx, k.visits(w.id), w.visit)
		p.LTrim(ctx, k.visits(w.id), 0, listMax-1)
	}
	for _, c := range w.changes {
		p.XAdd(ctx, &redis.XAddArgs{
			Stream: k.activity(),
			MaxLen: activityMax,
			Approx: true,
			Values: []any{"change", c},
		})
	}
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

// LeadIDsByName maps each of the given normalised names that belongs to a
// lead of the team to that lead's ID, in one HMGET; names with no lead are
// left out.
func (s *Store) LeadIDsByName(ctx context.Context, team string, names []string) (map[string]string, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("look up lead names: %w", err)
	}
	ids := make(map[string]string, len(names))
	if len(names) == 0 {
		return ids, nil
	}
	vals, err := s.client.HMGet(ctx, k.names(), names...).Result()
	if err != nil {
		return nil, failed(err, "look up lead names")
	}
	for i, v := range vals {
		if id, ok := v.(string); ok {
			ids[names[i]] = id
		}
	}
	return ids, nil
}

// LeadNames returns every lead of the team as normalised name → ID.
func (s *Store) LeadNames(ctx context.Context, team string) (map[string]string, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("lead names: %w", err)
	}
	names, err := s.client.HGetAll(ctx, k.names()).Result()
	if err != nil {
		return nil, failed(err, "lead names")
	}
	return names, nil
}

// LeadsOwnedBy returns the leads a rep owns, open and closed, oldest first.
func (s *Store) LeadsOwnedBy(ctx context.Context, team, owner string) ([]*salesbot.Lead, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("leads of %s: %w", owner, err)
	}
	ids, err := s.client.SMembers(ctx, k.owner(owner)).Result()
	if err != nil {
		return nil, failed(err, "leads of %s", owner)
	}
	leads, err := s.leads(ctx, k, ids)
	if err != nil {
		return nil, failed(err, "leads of %s", owner)
	}
	leads = slices.DeleteFunc(leads, func(l *salesbot.Lead) bool { return l.Owner != owner })
	slices.SortFunc(leads, func(a, b *salesbot.Lead) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return leads, nil
}

// AllLeads returns every lead of the team, oldest first.
func (s *Store) AllLeads(ctx context.Context, team string) ([]*salesbot.Lead, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("all leads: %w", err)
	}
	ids, err := s.client.ZRange(ctx, k.leads(), 0, -1).Result()
	if err != nil {
		return nil, failed(err, "all leads")
	}
	leads, err := s.leads(ctx, k, ids)
	if err != nil {
		return nil, failed(err, "all leads")
	}
	return leads, nil
}

// Pool returns the team's lost leads, open to be reassigned, most recently
// lost first, at most n of them.
func (s *Store) Pool(ctx context.Context, team string, n int) ([]*salesbot.Lead, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("pool: %w", err)
	}
	if n < 1 {
		return nil, nil
	}
	ids, err := s.client.ZRevRange(ctx, k.pool(), 0, int64(n-1)).Result()
	if err != nil {
		return nil, failed(err, "pool")
	}
	leads, err := s.leads(ctx, k, ids)
	if err != nil {
		return nil, failed(err, "pool")
	}
	return leads, nil
}

// leads fetches the leads with the given IDs in one MGET, in that order,
// skipping any that are gone.
func (s *Store) leads(ctx context.Context, k keys, ids []string) ([]*salesbot.Lead, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	ks := make([]string, len(ids))
	for i, id := range ids {
		ks[i] = k.lead(id)
	}
	vals, err := s.client.MGet(ctx, ks...).Result()
	if err != nil {
		return nil, err
	}
	leads := make([]*salesbot.Lead, 0, len(vals))
	for i, v := range vals {
		data, ok := v.(string)
		if !ok {
			continue
		}
		l := new(salesbot.Lead)
		if err := json.Unmarshal([]byte(data), l); err != nil {
			return nil, bug{fmt.Errorf("decode lead %s: %w", ids[i], err)}
		}
		leads = append(leads, l)
	}
	return leads, nil
}

// Visits returns a lead's last n visits, newest first.
func (s *Store) Visits(ctx context.Context, team, leadID string, n int) ([]salesbot.Visit, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("visits of %s: %w", leadID, err)
	}
	vs, err := lastN[salesbot.Visit](ctx, s.client, k.visits(leadID), n)
	if err != nil {
		return nil, failed(err, "visits of %s", leadID)
	}
	return vs, nil
}

// History returns a lead's last n changes, newest first.
func (s *Store) History(ctx context.Context, team, leadID string, n int) ([]salesbot.Change, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("history of %s: %w", leadID, err)
	}
	cs, err := lastN[salesbot.Change](ctx, s.client, k.history(leadID), n)
	if err != nil {
		return nil, failed(err, "history of %s", leadID)
	}
	return cs, nil
}

// lastN decodes the first n entries of a newest-first list; n < 1 gives
// none (LRANGE 0 -1 would give all).
func lastN[T any](ctx context.Context, c redis.Cmdable, key string, n int) ([]T, error) {
	if n < 1 {
		return nil, nil
	}
	vals, err := c.LRange(ctx, key, 0, int64(min(n, listMax))-1).Result()
	if err != nil {
		return nil, err
	}
	out := make([]T, len(vals))
	for i, v := range vals {
		if err := json.Unmarshal([]byte(v), &out[i]); err != nil {
			return nil, bug{fmt.Errorf("decode %s[%d]: %w", key, i, err)}
		}
	}
	return out, nil
}

// DueLeads returns the IDs of the team's open leads whose next touch is due
// at or before until, soonest first, at most limit of them (none for a limit
// below 1). It reads one range of a sorted set: the cost grows with the
// number due, not with the team's leads.
func (s *Store) DueLeads(ctx context.Context, team string, until time.Time, limit int) ([]string, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("due leads: %w", err)
	}
	if limit < 1 {
		return nil, nil
	}
	ids, err := s.client.ZRangeByScore(ctx, k.due(), &redis.ZRangeBy{
		Min:   "-inf",
		Max:   strconv.FormatInt(until.UnixMilli(), 10),
		Count: int64(limit),
	}).Result()
	if err != nil {
		return nil, failed(err, "due leads")
	}
	return ids, nil
}

// Managers returns the users granted manager rights from Slack, sorted.
func (s *Store) Managers(ctx context.Context, team string) ([]string, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("managers: %w", err)
	}
	users, err := s.client.SMembers(ctx, k.managers()).Result()
	if err != nil {
		return nil, failed(err, "managers")
	}
	slices.Sort(users)
	return users, nil
}

// AddManager grants a user manager rights, and lists the team among those
// with data. Doing it twice is harmless.
func (s *Store) AddManager(ctx context.Context, team, user string) error {
	k, err := keysOf(team)
	if err != nil {
		return fmt.Errorf("add manager %s: %w", user, err)
	}
	if user == "" {
		return errors.New("add manager: no user given")
	}
	// Two slots, so a pipeline (one round trip per node), not a transaction;
	// both writes are idempotent.
	_, err = s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.SAdd(ctx, k.managers(), user)
		p.SAdd(ctx, teamsKey, team)
		return nil
	})
	if err != nil {
		return failed(err, "add manager %s", user)
	}
	return nil
}

// IsManager reports whether a user was granted manager rights from Slack.
func (s *Store) IsManager(ctx context.Context, team, user string) (bool, error) {
	k, err := keysOf(team)
	if err != nil {
		return false, fmt.Errorf("is %s a manager: %w", user, err)
	}
	ok, err := s.client.SIsMember(ctx, k.managers(), user).Result()
	if err != nil {
		return false, failed(err, "is %s a manager", user)
	}
	return ok, nil
}

// Teams lists the Slack teams that have any data, sorted.
func (s *Store) Teams(ctx context.Context) ([]string, error) {
	teams, err := s.client.SMembers(ctx, teamsKey).Result()
	if err != nil {
		return nil, failed(err, "teams")
	}
	slices.Sort(teams)
	return teams, nil
}

// Ping reports whether Redis answers; its error has code EUNAVAILABLE.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.client.Ping(ctx).Err(); err != nil {
		return failed(err, "ping redis")
	}
	return nil
}

// getLead reads and decodes one lead; a missing one is an ENOTFOUND error.
func getLead(ctx context.Context, c redis.Cmdable, k keys, id string) (*salesbot.Lead, error) {
	data, err := c.Get(ctx, k.lead(id)).Bytes()
	if err == redis.Nil {
		return nil, salesbot.Errorf(salesbot.ENOTFOUND, "No such lead")
	} else if err != nil {
		return nil, err
	}
	l := new(salesbot.Lead)
	if err := json.Unmarshal(data, l); err != nil {
		return nil, bug{fmt.Errorf("decode lead %s: %w", id, err)}
	}
	return l, nil
}

// bug marks a failure that is not Redis's, such as a stored lead that does
// not decode, so that failed leaves it an EINTERNAL error.
type bug struct{ err error }

func (b bug) Error() string { return b.err.Error() }
func (b bug) Unwrap() error { return b.err }

// failed wraps err with what was being done. A failure of Redis itself
// (down, slow, refusing) becomes EUNAVAILABLE, which tells the user to try
// again; domain errors and bugs keep their own code.
func failed(err error, format string, args ...any) error {
	var (
		domain *salesbot.Error
		b      bug
	)
	if !errors.As(err, &domain) && !errors.As(err, &b) {
		err = salesbot.Unavailable(err)
	}
	return fmt.Errorf(format+": %w", append(args, err)...)
}

// newID returns a random lead ID: 8 characters of lowercase base32, short
// enough to type in a command.
func newID() string {
	var b [idBytes]byte
	_, _ = rand.Read(b[:]) // never fails: crypto/rand aborts the program instead
	return strings.ToLower(base32.StdEncoding.EncodeToString(b[:]))
}
