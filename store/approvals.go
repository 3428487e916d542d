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
	if a.Kind == salesbot.ApprovalLead {
		return a.LeadID + "|lead|" + a.Rep
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

func getApproval(ctx context.Context, c redis.Cmdable, k keys, id string) (*salesbot.Approval, error) {
	raw, err := c.Get(ctx, k.approval(id)).Bytes()
	if err == redis.Nil {
		return nil, salesbot.Errorf(salesbot.ENOTFOUND, "That request is gone. Ask again with /lead stage.")
	} else if err != nil {
		return nil, err
	}
	var a salesbot.Approval
	if err := json.Unmarshal(raw, &a); err != nil {
		return nil, bug{fmt.Errorf("decode approval %s: %w", id, err)}
	}
	return &a, nil
}

// UpdateApproval applies fn to a request and saves it; see
// salesbot.ApprovalStore. Once decided it leaves the pending set, gives up
// its marker and expires after decidedTTL.
func (s *Store) UpdateApproval(ctx context.Context, team, id string, fn func(*salesbot.Approval) error) (*salesbot.Approval, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("update approval: %w", err)
	}
	var saved *salesbot.Approval
	err = s.retry(ctx, func() error {
		return s.client.Watch(ctx, func(tx *redis.Tx) error {
			a, err := getApproval(ctx, tx, k, id)
			if err != nil {
				return err
			}
			if err := fn(a); err != nil {
				return fnError{err}
			}
			raw, err := json.Marshal(a)
			if err != nil {
				return bug{err}
			}
			_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
				if a.Status == salesbot.ApprovalPending {
					p.Set(ctx, k.approval(id), raw, 0)
					return nil
				}
				p.Set(ctx, k.approval(id), raw, decidedTTL)
				p.ZRem(ctx, k.pendingApprovals(), id)
				p.HDel(ctx, k.approvalMarkers(), marker(a))
				return nil
			})
			if err == nil {
				saved = a
			}
			return err
		}, k.approval(id))
	}, nil)
	var fe fnError
	var de *salesbot.Error
	switch {
	case err == nil:
		return saved, nil
	case errors.As(err, &fe):
		return nil, fe.err
	case errors.As(err, &de):
		return nil, err
	}
	return nil, failed(err, "update approval %s", id)
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
