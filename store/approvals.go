package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"salesbot"
)

var _ salesbot.ApprovalStore = (*Store)(nil)

// decidedTTL is how long a decided request is kept (for a late click on an
// old copy to be answered "already decided"); pending ones never expire.
const decidedTTL = 30 * 24 * time.Hour

func (k keys) approval(id string) string { return k.prefix + "approval:" + id }

// pendingApprovals is a sorted set of the IDs of requests still waiting, by
// when they were asked; approvalMarkers maps "<lead>|<from>|<to>" to the
// pending request for that move, so asking twice finds the first.
func (k keys) pendingApprovals() string { return k.prefix + "approvals:pending" }
func (k keys) approvalMarkers() string  { return k.prefix + "approvals:markers" }

func marker(a *salesbot.Approval) string {
	switch a.Kind {
	case salesbot.ApprovalLead:
		return a.LeadID + "|lead|" + a.Rep
	case salesbot.ApprovalQuote:
		return a.LeadID + "|quote|" + strconv.Itoa(a.QuoteVersion)
	}
	return a.LeadID + "|" + string(a.From) + "|" + string(a.To)
}

// createApprovalScript saves a new pending request unless one is pending
// for the same move (its marker), in one step: it returns the pending one's
// JSON, or nil when it saved the new one.
//
// KEYS: markers, pending, the new request. ARGV: its marker, its JSON, when
// it was asked (ms), its ID, the team's approval key prefix.
var createApprovalScript = redis.NewScript(`
local id = redis.call('HGET', KEYS[1], ARGV[1])
if id and redis.call('ZSCORE', KEYS[2], id) then
  local pending = redis.call('GET', ARGV[5] .. id)
  if pending then return pending end
end
redis.call('SET', KEYS[3], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[4])
return false
`)

// CreateApproval saves a new pending request, in one round trip; see
// salesbot.ApprovalStore.
func (s *Store) CreateApproval(ctx context.Context, a *salesbot.Approval) (*salesbot.Approval, bool, error) {
	k, err := keysOf(a.Team)
	if err != nil {
		return nil, false, fmt.Errorf("create approval: %w", err)
	}
	if a.ID == "" {
		a.ID = newID()
	}
	a.Status = salesbot.ApprovalPending
	raw, err := json.Marshal(a)
	if err != nil {
		return nil, false, failed(bug{err}, "create approval for %s", a.LeadID)
	}
	pending, err := createApprovalScript.Run(ctx, s.client,
		[]string{k.approvalMarkers(), k.pendingApprovals(), k.approval(a.ID)},
		marker(a), raw, a.AskedAt.UnixMilli(), a.ID, k.approval("")).Text()
	switch {
	case errors.Is(err, redis.Nil):
		return a, true, nil
	case err != nil:
		return nil, false, failed(err, "create approval for %s", a.LeadID)
	}
	var existing salesbot.Approval
	if err := json.Unmarshal([]byte(pending), &existing); err != nil {
		return nil, false, failed(bug{fmt.Errorf("decode approval: %w", err)}, "create approval for %s", a.LeadID)
	}
	if existing.ID == a.ID {
		// This very request: the script was sent again after its reply
		// was lost (go-redis retries once), and had saved it.
		return a, true, nil
	}
	return &existing, false, nil
}

// MessageRef points at a message the bot posted about a request (a
// manager's copy, to redraw once the request is decided), and at whom it
// was for, so that it is redrawn in their language. It is Slack's
// bookkeeping, not the domain's: the store keeps it with the request, in
// the request's JSON as it always was ("messages").
type MessageRef struct {
	Channel string `json:"c"`
	TS      string `json:"ts"`
	User    string `json:"u,omitempty"`
}

// storedApproval is a request as stored: the domain's request and where
// its copies were posted, in one JSON object.
type storedApproval struct {
	salesbot.Approval
	Messages []MessageRef `json:"messages,omitempty"`
}

func getApproval(ctx context.Context, c redis.Cmdable, k keys, id string) (*salesbot.Approval, error) {
	sa, _, err := readApproval(ctx, c, k, id)
	if err != nil {
		return nil, err
	}
	return &sa.Approval, nil
}

// readApproval reads and decodes one request, with its revision (see
// revision); a missing one is an ENOTFOUND error.
func readApproval(ctx context.Context, c redis.Cmdable, k keys, id string) (*storedApproval, string, error) {
	raw, err := c.Get(ctx, k.approval(id)).Bytes()
	if err == redis.Nil {
		return nil, "", salesbot.Errorf(salesbot.ENOTFOUND, "That request is gone. Ask again with /lead stage.")
	} else if err != nil {
		return nil, "", err
	}
	var sa storedApproval
	if err := json.Unmarshal(raw, &sa); err != nil {
		return nil, "", bug{fmt.Errorf("decode approval %s: %w", id, err)}
	}
	return &sa, revision(raw), nil
}

// approvalWrites queues saving a request: a pending one is kept for ever;
// a decided one expires after decidedTTL, and, when it was pending as
// read (wasPending), leaves the pending set and gives up its marker. A
// request decided before gave them up then: its marker may now be a newer
// request's, which must keep it.
func approvalWrites(b *batch, k keys, sa *storedApproval, wasPending bool) error {
	a := &sa.Approval
	raw, err := json.Marshal(sa)
	if err != nil {
		return bug{fmt.Errorf("encode approval %s: %w", a.ID, err)}
	}
	if a.Status == salesbot.ApprovalPending {
		b.do("SET", k.approval(a.ID), raw)
		return nil
	}
	b.do("SET", k.approval(a.ID), raw, "PX", decidedTTL.Milliseconds())
	if wasPending {
		b.do("ZREM", k.pendingApprovals(), a.ID)
		b.do("HDEL", k.approvalMarkers(), marker(a))
	}
	return nil
}

// UpdateApproval applies fn to a request and saves it in one guarded
// script (see guardedScript), only if no one changed it since it was read;
// else fn runs again on the request read afresh. See
// salesbot.ApprovalStore and approvalWrites.
func (s *Store) UpdateApproval(ctx context.Context, team, id string, fn func(*salesbot.Approval) error) (*salesbot.Approval, error) {
	sa, err := s.updateApproval(ctx, team, id, func(sa *storedApproval) error { return fn(&sa.Approval) })
	if err != nil {
		return nil, err
	}
	return &sa.Approval, nil
}

// KeepApprovalCopies records where copies of a request were posted, to be
// redrawn once it is decided, and returns the request as it stands: one
// decided already needs these copies redrawn at once.
func (s *Store) KeepApprovalCopies(ctx context.Context, team, id string, copies []MessageRef) (*salesbot.Approval, error) {
	sa, err := s.updateApproval(ctx, team, id, func(sa *storedApproval) error {
		sa.Messages = append(sa.Messages, copies...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &sa.Approval, nil
}

// ApprovalCopies returns where the copies of a request were posted.
func (s *Store) ApprovalCopies(ctx context.Context, team, id string) ([]MessageRef, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("approval copies: %w", err)
	}
	sa, _, err := readApproval(ctx, s.client, k, id)
	if err != nil {
		return nil, failed(err, "copies of approval %s", id)
	}
	return sa.Messages, nil
}

// updateApproval applies fn to a request as stored and saves it; see
// UpdateApproval.
func (s *Store) updateApproval(ctx context.Context, team, id string, fn func(*storedApproval) error) (*storedApproval, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("update approval: %w", err)
	}
	var saved *storedApproval
	err = s.retry(ctx, func() error {
		sa, rev, err := readApproval(ctx, s.client, k, id)
		if err != nil {
			return err
		}
		wasPending := sa.Status == salesbot.ApprovalPending
		if err := fn(sa); err != nil {
			return fnError{err}
		}
		sa.ID = id
		b := &batch{}
		if err := approvalWrites(b, k, sa, wasPending); err != nil {
			return err
		}
		ok, err := s.guarded(ctx, k, []guard{unchanged(k.approval(id), rev)}, b)
		switch {
		case err != nil:
			return err
		case !ok:
			return redis.TxFailedErr
		}
		saved = sa
		return nil
	}, nil)
	if err := approvalError(err, "update approval %s", id); err != nil {
		return nil, err
	}
	return saved, nil
}

// approvalError is what an approval's write returns for err: nothing, fn's
// or a domain error as it is, or a store failure wrapped with what was
// being done.
func approvalError(err error, format string, args ...any) error {
	var fe fnError
	var de *salesbot.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &fe):
		return fe.err
	case errors.As(err, &de):
		return err
	}
	return failed(err, format, args...)
}

// DecideApproval settles a request and applies the decision to its lead in
// one guarded script: the request and the lead are saved together, only if
// neither changed since they were read, or neither is. fn decides the
// request (or withdraws it) and changes the lead when the decision moves it
// or gives it away, with the Update's changes saying so; an Update with no
// changes leaves the lead as it is. When another writer got in first, fn
// runs again on both read afresh. An error from fn writes nothing and is
// returned as it is. It takes three round trips: the request, the lead,
// the script. See salesbot.ApprovalStore.
func (s *Store) DecideApproval(ctx context.Context, team, id string, fn func(*salesbot.Approval, *salesbot.Lead) (salesbot.Update, error)) (*salesbot.Approval, *salesbot.Lead, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, nil, fmt.Errorf("decide approval: %w", err)
	}
	var (
		savedA *salesbot.Approval
		savedL *salesbot.Lead
	)
	err = s.retry(ctx, func() error {
		sa, arev, err := readApproval(ctx, s.client, k, id)
		if err != nil {
			return err
		}
		a := &sa.Approval
		wasPending := a.Status == salesbot.ApprovalPending
		l, err := s.getLead(ctx, k, a.LeadID)
		if err != nil {
			return err
		}
		lrev, owner, name, before := s.revs.of(l), l.Owner, salesbot.NormalizeCompany(l.Company), l.Standing()
		leadID := l.ID
		u, err := fn(a, l)
		if err != nil {
			return fnError{err}
		}
		if a.ID != id || l.ID != leadID || l.Team != team || salesbot.NormalizeCompany(l.Company) != name {
			return bug{fmt.Errorf("fn changed the request's ID, or the lead's ID, team or company name")}
		}
		b := &batch{}
		if err := approvalWrites(b, k, sa, wasPending); err != nil {
			return err
		}
		var lead []byte
		pending := 0
		if len(u.Changes) > 0 {
			if lead, pending, err = s.leadWrites(b, k, l, owner, before, u, nil); err != nil {
				return err
			}
		}
		// The lead is guarded even when left as it is: the decision was
		// taken on it as read (whether the request still fits it).
		ok, err := s.guarded(ctx, k, []guard{unchanged(k.approval(id), arev), unchanged(k.lead(leadID), lrev)}, b)
		switch {
		case err != nil:
			return err
		case !ok:
			return redis.TxFailedErr
		}
		if lead != nil {
			s.revs.remember(l, revision(lead), pending)
		}
		savedA, savedL = a, l
		return nil
	}, nil)
	if err := approvalError(err, "decide approval %s", id); err != nil {
		return nil, nil, err
	}
	return savedA, savedL, nil
}

// Approval returns one request.
func (s *Store) Approval(ctx context.Context, team, id string) (*salesbot.Approval, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("approval: %w", err)
	}
	a, err := getApproval(ctx, s.client, k, id)
	if err != nil {
		return nil, failed(err, "approval %s", id)
	}
	return a, nil
}

// PendingApprovals lists the team's pending requests, oldest first: one
// ZRANGE and one MGET, however many were ever asked.
func (s *Store) PendingApprovals(ctx context.Context, team string) ([]*salesbot.Approval, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("pending approvals: %w", err)
	}
	ids, err := s.client.ZRange(ctx, k.pendingApprovals(), 0, -1).Result()
	if err != nil {
		return nil, failed(err, "pending approvals of %s", team)
	} else if len(ids) == 0 {
		return nil, nil
	}
	ks := make([]string, len(ids))
	for i, id := range ids {
		ks[i] = k.approval(id)
	}
	raws, err := s.client.MGet(ctx, ks...).Result()
	if err != nil {
		return nil, failed(err, "pending approvals of %s", team)
	}
	var pending []*salesbot.Approval
	for _, raw := range raws {
		str, ok := raw.(string)
		if !ok {
			continue
		}
		var a salesbot.Approval
		if json.Unmarshal([]byte(str), &a) == nil && a.Status == salesbot.ApprovalPending {
			pending = append(pending, &a)
		}
	}
	return pending, nil
}
