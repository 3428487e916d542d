package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"salesbot"
)

// The inbound queue's keys: each inquiry (its JSON) and where its copies
// were posted; the waiting ones by when they came in (the queue) and by
// when they are raised again; the normalised names they hold, so that a
// second inquiry for a company is caught; and, by lead, the settled
// inquiries that name it (the one it came from, those closed because of
// it), so that the lead's removals reach them.
func (k keys) inquiry(id string) string       { return k.prefix + "inquiry:" + id }
func (k keys) inquiryCopies(id string) string { return k.prefix + "inquiry:" + id + ":copies" }
func (k keys) inbound() string                { return k.prefix + "inbound" }
func (k keys) inboundRaise() string           { return k.prefix + "inbound:raise" }
func (k keys) inboundNames() string           { return k.prefix + "inbound:names" }

func (k keys) leadInquiries(lead string) string { return k.prefix + "inquiry:lead:" + lead }

// settledTTL is how long a settled inquiry and its copies are kept: long
// enough for a late click on an old copy to learn where it went.
const settledTTL = 30 * 24 * time.Hour

// queueScript saves a new inquiry unless its company is a lead (it returns
// {"lead", the lead's JSON}) or an inquiry for it waits ({"waiting", that
// inquiry's JSON}); {"id"} when the inquiry's ID is taken; {"ok"} when it
// wrote.
//
// KEYS: the lead names, the inquiries' names, the new inquiry, then every
// key written. ARGV: the normalised name, the team's key prefix, then the
// writes.
var queueScript = redis.NewScript(`
local id = redis.call('HGET', KEYS[1], ARGV[1])
if id then
  local lead = redis.call('GET', ARGV[2] .. 'lead:' .. id)
  if lead then return {'lead', lead} end
end
local waiting = redis.call('HGET', KEYS[2], ARGV[1])
if waiting then
  local q = redis.call('GET', ARGV[2] .. 'inquiry:' .. waiting)
  if q then return {'waiting', q} end
end
if redis.call('EXISTS', KEYS[3]) == 1 then return {'id'} end
local i = 3
` + runWrites + `
return {'ok'}
`)

// assignScript turns a waiting inquiry into a lead in one step: it writes
// the lead (as CreateLead does) and settles the inquiry only if the
// inquiry is still as read and the company is no one's lead yet. It
// returns {"gone"} when the inquiry is not there, {"changed"} when another
// writer changed it since it was read, {"taken", the lead's JSON} when the
// company is a lead, {"id"} when the lead's ID is taken, {"ok"} when it
// wrote.
//
// KEYS: the lead names, the inquiry, the new lead, then every key written.
// ARGV: the normalised name, the team's key prefix, the inquiry's
// revision, then the writes.
var assignScript = redis.NewScript(`
local raw = redis.call('GET', KEYS[2])
if not raw then return {'gone'} end
if redis.sha1hex(raw) ~= ARGV[3] then return {'changed'} end
` + nameFree + `
if redis.call('EXISTS', KEYS[3]) == 1 then return {'id'} end
local i = 4
` + runWrites + `
return {'ok'}
`)

func encodeInquiry(q *salesbot.Inquiry) ([]byte, error) {
	raw, err := json.Marshal(q)
	if err != nil {
		return nil, fmt.Errorf("encode inquiry %s: %w", q.ID, err)
	}
	return raw, nil
}

func decodeInquiry(raw []byte, team string) (*salesbot.Inquiry, error) {
	var q salesbot.Inquiry
	if err := json.Unmarshal(raw, &q); err != nil {
		return nil, fmt.Errorf("decode inquiry: %w", err)
	}
	q.Team = team
	return &q, nil
}

// inquiryWrites queues what saving q writes, given whether it was waiting
// before: a waiting inquiry is in the queue, the raise index and the names;
// one settled just now leaves them, and it and its copies are kept for
// settledTTL, listed under the lead it names (leadInquiries) for as long.
func inquiryWrites(b *batch, k keys, q *salesbot.Inquiry, wasWaiting bool) error {
	kept := q
	if q.Status == salesbot.InquiryClosed {
		// Closed onto a lead registered meanwhile: its owner was told the
		// notes, and they are not kept, so that a person removed from that
		// lead before it closed is not left named in them.
		c := *q
		c.Notes = ""
		kept = &c
	}
	raw, err := encodeInquiry(kept)
	if err != nil {
		return err
	}
	name := salesbot.NormalizeCompany(q.Company)
	if q.Waiting() {
		b.do("SET", k.inquiry(q.ID), raw)
		b.do("ZADD", k.inbound(), q.At.UnixMilli(), q.ID)
		b.do("ZADD", k.inboundRaise(), q.RaiseAt.UnixMilli(), q.ID)
		b.do("HSET", k.inboundNames(), name, q.ID)
		return nil
	}
	b.do("SET", k.inquiry(q.ID), raw, "PX", settledTTL.Milliseconds())
	if q.LeadID != "" {
		idx := k.leadInquiries(q.LeadID)
		b.do("LREM", idx, 0, q.ID)
		b.do("RPUSH", idx, q.ID)
		b.do("PEXPIRE", idx, settledTTL.Milliseconds())
	}
	if wasWaiting {
		b.do("ZREM", k.inbound(), q.ID)
		b.do("ZREM", k.inboundRaise(), q.ID)
		b.do("HDEL", k.inboundNames(), name)
		b.do("PEXPIRE", k.inquiryCopies(q.ID), settledTTL.Milliseconds())
	}
	return nil
}

// QueueInquiry saves a new waiting inquiry (with a new ID, set on q) unless
// the team has a lead whose company normalises to the same name (it
// returns that lead) or an inquiry for it waits already (it returns that
// inquiry), each with an ECONFLICT error; then it writes nothing. One
// round trip.
func (s *Store) QueueInquiry(ctx context.Context, q *salesbot.Inquiry) (*salesbot.Lead, *salesbot.Inquiry, error) {
	k, err := keysOf(q.Team)
	if err != nil {
		return nil, nil, fmt.Errorf("queue inquiry %q: %w", q.Company, err)
	}
	if !q.Waiting() {
		return nil, nil, fmt.Errorf("queue inquiry %q: it is %s, not waiting", q.Company, q.Status)
	}
	name := salesbot.NormalizeCompany(q.Company)
	for range txAttempts {
		q.ID = newID()
		b := &batch{}
		if err := inquiryWrites(b, k, q, false); err != nil {
			return nil, nil, err
		}
		if err := s.listTeam(ctx, k, b); err != nil {
			return nil, nil, failed(err, "queue inquiry %q", q.Company)
		}
		keys := append([]string{k.names(), k.inboundNames(), k.inquiry(q.ID)}, b.keys...)
		res, err := queueScript.Run(ctx, s.client, keys, append([]any{name, k.prefix}, b.args...)...).StringSlice()
		if err != nil {
			return nil, nil, failed(err, "queue inquiry %q", q.Company)
		}
		switch res[0] {
		case "ok":
			return nil, nil, nil
		case "lead":
			l, err := s.readLead([]byte(res[1]), q.Team)
			if err != nil {
				return nil, nil, failed(err, "queue inquiry %q", q.Company)
			}
			return l, nil, fmt.Errorf("queue inquiry %q: %w", q.Company, salesbot.Errorf(salesbot.ECONFLICT, "%s is a lead already.", l.Company))
		case "waiting":
			w, err := decodeInquiry([]byte(res[1]), q.Team)
			if err != nil {
				return nil, nil, failed(err, "queue inquiry %q", q.Company)
			}
			if w.ID == q.ID {
				return nil, nil, nil // the script ran twice (a lost reply sent again): this one is ours
			}
			return nil, w, fmt.Errorf("queue inquiry %q: %w", q.Company, salesbot.Errorf(salesbot.ECONFLICT, "An inquiry from %s is waiting already.", w.Company))
		}
		// "id": 40 random bits collided; draw again.
	}
	return nil, nil, failed(errors.New("no free inquiry ID"), "queue inquiry %q", q.Company)
}

// readInquiry reads an inquiry and its revision; a missing one is an
// ENOTFOUND error.
func (s *Store) readInquiry(ctx context.Context, k keys, id string) (*salesbot.Inquiry, string, error) {
	raw, err := s.client.Get(ctx, k.inquiry(id)).Bytes()
	if err == redis.Nil {
		return nil, "", salesbot.Errorf(salesbot.ENOTFOUND, "That inquiry is no longer in the queue.")
	} else if err != nil {
		return nil, "", err
	}
	q, err := decodeInquiry(raw, k.team())
	if err != nil {
		return nil, "", err
	}
	return q, revision(raw), nil
}

// Inquiry returns one inquiry, waiting or settled (for a while), or an
// ENOTFOUND error.
func (s *Store) Inquiry(ctx context.Context, team, id string) (*salesbot.Inquiry, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("inquiry %s: %w", id, err)
	}
	q, _, err := s.readInquiry(ctx, k, id)
	if err != nil {
		return nil, failed(err, "inquiry %s", id)
	}
	return q, nil
}

// UpdateInquiry applies fn to the inquiry as stored and saves it with the
// indexes that follow from it (a settled one leaves the queue), in one
// guarded write: when another writer changed it first, fn runs again on
// it as it is then. One closed onto a lead is saved only while that lead
// holds the company's name (it was not deleted meanwhile). An error from fn writes nothing and is returned as it
// is.
func (s *Store) UpdateInquiry(ctx context.Context, team, id string, fn func(*salesbot.Inquiry) error) (*salesbot.Inquiry, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("update inquiry %s: %w", id, err)
	}
	var saved *salesbot.Inquiry
	err = s.retry(ctx, func() error {
		q, rev, err := s.readInquiry(ctx, k, id)
		if err != nil {
			return err
		}
		was := q.Waiting()
		if err := fn(q); err != nil {
			return fnError{err}
		}
		q.ID, q.Team = id, team
		b := &batch{}
		if err := inquiryWrites(b, k, q, was); err != nil {
			return bug{err}
		}
		guards := []guard{unchanged(k.inquiry(id), rev)}
		closing := was && q.Status == salesbot.InquiryClosed && q.LeadID != ""
		if closing {
			// Closed onto a lead: only while that lead holds the name, so
			// that one deleted meanwhile is not named by it (and listed
			// under its ID) after its deletion.
			guards = append(guards, guard{key: k.names(), field: salesbot.NormalizeCompany(q.Company), want: q.LeadID})
		}
		ok, err := s.guarded(ctx, k, guards, b)
		switch {
		case err != nil:
			return err
		case !ok && closing:
			// The lead may be gone: then another attempt cannot close
			// onto it, and the caller is to look again.
			holder, err := s.client.HGet(ctx, k.names(), salesbot.NormalizeCompany(q.Company)).Result()
			if err != nil && !errors.Is(err, redis.Nil) {
				return err
			}
			if holder != q.LeadID {
				return fnError{salesbot.Errorf(salesbot.ECONFLICT, "Others were changing the same records at that moment. Please try again.")}
			}
			return redis.TxFailedErr
		case !ok:
			return redis.TxFailedErr
		}
		saved = q
		return nil
	}, nil)
	var fe fnError
	switch {
	case err == nil:
		return saved, nil
	case errors.As(err, &fe):
		return nil, fe.err
	}
	return nil, failed(err, "update inquiry %s", id)
}

// AssignInquiry settles a waiting inquiry as the lead fn makes of it, in
// one step: fn gets the inquiry as stored, returns the lead (its ID is
// this store's to choose) and the lead's first history entry, and settles
// the inquiry; both are written only if the inquiry is still as read and
// the company is no one's lead. When it is someone's, that lead is
// returned (existing) with an ECONFLICT error, and nothing is written. Of
// two callers at once one writes; the other's fn runs again on the settled
// inquiry, and its error is returned as it is.
func (s *Store) AssignInquiry(ctx context.Context, team, id string, fn func(*salesbot.Inquiry) (*salesbot.Lead, salesbot.Change, error)) (q *salesbot.Inquiry, l *salesbot.Lead, existing *salesbot.Lead, err error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("assign inquiry %s: %w", id, err)
	}
	var tried string // the lead ID of the last attempt sent
	for range txAttempts {
		q, rev, err := s.readInquiry(ctx, k, id)
		if err != nil {
			return nil, nil, nil, failed(err, "assign inquiry %s", id)
		}
		if tried != "" && q.Status == salesbot.InquiryAssigned && q.LeadID == tried {
			// The last attempt wrote, and its reply was lost.
			l, err := s.Lead(ctx, team, tried)
			return q, l, nil, err
		}
		l, c, err := fn(q)
		if err != nil {
			return nil, nil, nil, err
		}
		l.ID = newID()
		l.Team, c.LeadID, q.LeadID, tried = team, l.ID, l.ID, l.ID
		name := salesbot.NormalizeCompany(l.Company)
		b, lead, err := s.createWrites(k, l, c, name)
		if err != nil {
			return nil, nil, nil, failed(err, "assign inquiry %s", id)
		}
		if err := inquiryWrites(b, k, q, true); err != nil {
			return nil, nil, nil, err
		}
		if err := s.listTeam(ctx, k, b); err != nil {
			return nil, nil, nil, failed(err, "assign inquiry %s", id)
		}
		keys := append([]string{k.names(), k.inquiry(id), k.lead(l.ID)}, b.keys...)
		res, err := assignScript.Run(ctx, s.client, keys, append([]any{name, k.prefix, rev}, b.args...)...).StringSlice()
		if err != nil {
			return nil, nil, nil, failed(err, "assign inquiry %s", id)
		}
		switch res[0] {
		case "ok":
			s.revs.remember(l, revision(lead), createdPending)
			return q, l, nil, nil
		case "gone":
			return nil, nil, nil, salesbot.Errorf(salesbot.ENOTFOUND, "That inquiry is no longer in the queue.")
		case "taken":
			existing, err := s.readLead([]byte(res[1]), team)
			if err != nil {
				return nil, nil, nil, failed(err, "assign inquiry %s", id)
			}
			return nil, nil, existing, fmt.Errorf("assign inquiry %s: %w", id, salesbot.Errorf(salesbot.ECONFLICT, "%s is a lead already.", existing.Company))
		}
		// "changed" (read again) or "id" (draw another).
	}
	return nil, nil, nil, salesbot.Errorf(salesbot.ECONFLICT, "Others were changing the same records at that moment. Please try again.")
}

// Inquiries returns the waiting inquiries, oldest first, at most n, and how
// many wait in all: two round trips, whatever the team's size.
func (s *Store) Inquiries(ctx context.Context, team string, n int) ([]*salesbot.Inquiry, int, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, 0, fmt.Errorf("inquiries: %w", err)
	}
	var (
		ids   *redis.StringSliceCmd
		total *redis.IntCmd
	)
	if _, err := s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		ids = p.ZRange(ctx, k.inbound(), 0, int64(max(n, 1)-1))
		total = p.ZCard(ctx, k.inbound())
		return nil
	}); err != nil {
		return nil, 0, failed(err, "inquiries of %s", team)
	}
	qs, err := s.inquiries(ctx, k, ids.Val())
	return qs, int(total.Val()), err
}

// InquiriesToRaise returns the waiting inquiries due to be raised again by
// until, soonest first, at most n: it reads what is due, never the queue.
func (s *Store) InquiriesToRaise(ctx context.Context, team string, until time.Time, n int) ([]*salesbot.Inquiry, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("inquiries to raise: %w", err)
	}
	ids, err := s.client.ZRangeByScore(ctx, k.inboundRaise(), &redis.ZRangeBy{
		Min: "-inf", Max: fmt.Sprint(until.UnixMilli()), Count: int64(max(n, 1)),
	}).Result()
	if err != nil {
		return nil, failed(err, "inquiries to raise in %s", team)
	}
	return s.inquiries(ctx, k, ids)
}

// inquiries reads the named inquiries in one round trip, in order; those
// gone or undecodable are left out (and logged once).
func (s *Store) inquiries(ctx context.Context, k keys, ids []string) ([]*salesbot.Inquiry, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = k.inquiry(id)
	}
	vals, err := s.client.MGet(ctx, keys...).Result()
	if err != nil {
		return nil, failed(err, "read inquiries of %s", k.team())
	}
	out := make([]*salesbot.Inquiry, 0, len(vals))
	for i, v := range vals {
		raw, ok := v.(string)
		if !ok {
			continue
		}
		q, err := decodeInquiry([]byte(raw), k.team())
		if err != nil {
			s.skip(ctx, keys[i], err)
			continue
		}
		out = append(out, q)
	}
	return out, nil
}

// KeepInquiryCopies records where copies of an inquiry were posted, to be
// redrawn once it is settled, and returns the inquiry as it stands: one
// settled already needs these copies redrawn at once (and they are kept
// only as long as it is).
func (s *Store) KeepInquiryCopies(ctx context.Context, team, id string, copies []salesbot.MessageCopy) (*salesbot.Inquiry, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("keep inquiry copies: %w", err)
	}
	if len(copies) == 0 {
		return s.Inquiry(ctx, team, id)
	}
	vals := make([]any, len(copies))
	for i, c := range copies {
		raw, err := json.Marshal(c)
		if err != nil {
			return nil, fmt.Errorf("keep inquiry copies: %w", err)
		}
		vals[i] = raw
	}
	var got *redis.StringCmd
	if _, err := s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.RPush(ctx, k.inquiryCopies(id), vals...)
		got = p.Get(ctx, k.inquiry(id))
		return nil
	}); err != nil && err != redis.Nil {
		return nil, failed(err, "keep copies of inquiry %s", id)
	}
	raw, err := got.Bytes()
	var q *salesbot.Inquiry
	if err == nil {
		q, err = decodeInquiry(raw, team)
	}
	if err == nil && q.Waiting() {
		return q, nil
	}
	// Settled before the copies were recorded: they go with it. Gone (its
	// lead deleted, or expired): they go now, naming nothing.
	var xerr error
	if err == redis.Nil {
		xerr = s.client.Del(ctx, k.inquiryCopies(id)).Err()
	} else {
		xerr = s.client.PExpire(ctx, k.inquiryCopies(id), settledTTL).Err()
	}
	if xerr != nil {
		return nil, failed(xerr, "keep copies of inquiry %s", id)
	}
	if err == redis.Nil {
		return nil, salesbot.Errorf(salesbot.ENOTFOUND, "That inquiry is no longer in the queue.")
	} else if err != nil {
		return nil, failed(err, "keep copies of inquiry %s", id)
	}
	return q, nil
}

// InquiryCopies returns where the copies of an inquiry were posted.
func (s *Store) InquiryCopies(ctx context.Context, team, id string) ([]salesbot.MessageCopy, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("inquiry copies: %w", err)
	}
	vals, err := s.client.LRange(ctx, k.inquiryCopies(id), 0, -1).Result()
	if err != nil {
		return nil, failed(err, "copies of inquiry %s", id)
	}
	out := make([]salesbot.MessageCopy, 0, len(vals))
	for _, v := range vals {
		var c salesbot.MessageCopy
		if err := json.Unmarshal([]byte(v), &c); err != nil {
			s.skip(ctx, k.inquiryCopies(id), err)
			continue
		}
		out = append(out, c)
	}
	return out, nil
}
