package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/redis/go-redis/v9"

	"salesbot"
)

var _ salesbot.ApprovalStore = (*Store)(nil)

func (k keys) approvals() string { return k.prefix + "approvals" }

// pendingKey names the field that holds a lead's pending request for a
// stage, so that asking twice finds the first request.
func pendingKey(leadID string, to salesbot.Stage) string {
	return "pending:" + leadID + ":" + string(to)
}

// CreateApproval saves a new pending request; see salesbot.ApprovalStore.
func (s *Store) CreateApproval(ctx context.Context, a *salesbot.Approval) (*salesbot.Approval, bool, error) {
	k, err := keysOf(a.Team)
	if err != nil {
		return nil, false, fmt.Errorf("create approval: %w", err)
	}
	if a.ID == "" {
		a.ID = newID()
	}
	a.Status = salesbot.ApprovalPending
	var existing *salesbot.Approval
	err = s.retry(ctx, func() error {
		return s.client.Watch(ctx, func(tx *redis.Tx) error {
			id, err := tx.HGet(ctx, k.approvals(), pendingKey(a.LeadID, a.To)).Result()
			if err == nil {
				if existing, err = getApproval(ctx, tx, k, id); err == nil && existing.Status == salesbot.ApprovalPending {
					return nil
				}
				existing = nil
			} else if err != redis.Nil {
				return err
			}
			raw, err := json.Marshal(a)
			if err != nil {
				return bug{err}
			}
			_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.HSet(ctx, k.approvals(), a.ID, raw, pendingKey(a.LeadID, a.To), a.ID)
				return nil
			})
			return err
		}, k.approvals())
	}, nil)
	if err != nil {
		return nil, false, failed(err, "create approval for %s", a.LeadID)
	}
	if existing != nil {
		return existing, false, nil
	}
	return a, true, nil
}

func getApproval(ctx context.Context, c redis.Cmdable, k keys, id string) (*salesbot.Approval, error) {
	raw, err := c.HGet(ctx, k.approvals(), id).Bytes()
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
// salesbot.ApprovalStore. Once decided, its pending marker goes.
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
				p.HSet(ctx, k.approvals(), id, raw)
				if a.Status != salesbot.ApprovalPending {
					p.HDel(ctx, k.approvals(), pendingKey(a.LeadID, a.To))
				}
				return nil
			})
			if err == nil {
				saved = a
			}
			return err
		}, k.approvals())
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

// PendingApprovals lists the team's pending requests, oldest first.
func (s *Store) PendingApprovals(ctx context.Context, team string) ([]*salesbot.Approval, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("pending approvals: %w", err)
	}
	all, err := s.client.HGetAll(ctx, k.approvals()).Result()
	if err != nil {
		return nil, failed(err, "pending approvals of %s", team)
	}
	var pending []*salesbot.Approval
	for field, id := range all {
		if len(field) < 8 || field[:8] != "pending:" {
			continue
		}
		var a salesbot.Approval
		if json.Unmarshal([]byte(all[id]), &a) == nil && a.Status == salesbot.ApprovalPending {
			pending = append(pending, &a)
		}
	}
	slices.SortFunc(pending, func(a, b *salesbot.Approval) int { return a.AskedAt.Compare(b.AskedAt) })
	return pending, nil
}
