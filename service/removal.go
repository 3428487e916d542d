package service

import (
	"context"
	"fmt"

	"salesbot"
)

// RemovalStore removes data: a lead registered by mistake (/lead delete)
// and one person's record (/stance remove).
type RemovalStore interface {
	// RemovePerson applies fn to the lead (it removes the person and
	// returns their name as recorded, and the history entry) and saves
	// the lead with its history, visits, its owner's review notes and
	// the settled inbound inquiries that name it scrubbed of the name,
	// the history entry and an audit entry, all or nothing. It returns the lead as saved and the name.
	// read, when not nil, is the lead as the store returned it, which
	// saves reading it again.
	RemovePerson(ctx context.Context, team, id string, read *salesbot.Lead, fn func(*salesbot.Lead) (string, salesbot.Change, error)) (*salesbot.Lead, string, error)
	// DeleteLead deletes the lead with every key and index entry it has
	// (the settled inbound inquiries that name it among them), and writes the audit entry check returns, all or nothing; check
	// may refuse. It returns the lead as it was.
	DeleteLead(ctx context.Context, team, id string, check func(*salesbot.Lead) (salesbot.AuditEntry, error)) (*salesbot.Lead, error)
	// SweepRemoval finishes a removal with what has no index by lead (the
	// activity stream, decided approvals, reminder messages, digest
	// records): name "" for a deleted lead.
	SweepRemoval(ctx context.Context, team, leadID, name string) error
	// Deleted returns the audit entry of a lead's deletion, if any.
	Deleted(ctx context.Context, team, id string) (salesbot.AuditEntry, bool, error)
	// VisitCount returns how many visits a lead has, without reading them.
	VisitCount(ctx context.Context, team, id string) (int, error)
}

var _ salesbot.RemovalService = (*Services)(nil)

// RemovePerson implements salesbot.RemovalService. The rest of the
// person's traces (the activity stream, approval reasons) go with Sweep,
// which the caller runs once the person who asked has their answer.
func (s *Services) RemovePerson(ctx context.Context, req salesbot.PersonRemoval) (salesbot.PersonRemoved, error) {
	if req.Lead != nil && (req.Lead.Team != req.Team || req.Lead.ID != req.LeadID) {
		return salesbot.PersonRemoved{}, salesbot.Internal(fmt.Errorf("lead %s of team %s removed from as %s of %s", req.Lead.ID, req.Lead.Team, req.LeadID, req.Team))
	}
	l, name, err := s.cfg.Store.RemovePerson(ctx, req.Team, req.LeadID, req.Lead, func(l *salesbot.Lead) (string, salesbot.Change, error) {
		name, c, err := l.RemovePerson(req.Actor, req.Person, req.Now)
		if err != nil {
			return "", c, err
		}
		l.Schedule(s.cfg.Cadence)
		return name, c, nil
	})
	if err != nil {
		return salesbot.PersonRemoved{}, err
	}
	return salesbot.PersonRemoved{Lead: l, Name: name}, nil
}

// DeleteLead implements salesbot.RemovalService.
func (s *Services) DeleteLead(ctx context.Context, req salesbot.LeadDeletion) (*salesbot.Lead, error) {
	if err := salesbot.CanDeleteLead(req.Actor); err != nil {
		return nil, err
	}
	return s.cfg.Store.DeleteLead(ctx, req.Team, req.LeadID, func(l *salesbot.Lead) (salesbot.AuditEntry, error) {
		return salesbot.AuditEntry{Kind: salesbot.AuditLeadDeleted, At: req.Now, By: req.Actor.User,
			LeadID: l.ID, Company: l.Company, Detail: salesbot.DeletionDetail(l)}, nil
	})
}

// Sweep finishes a removal (see RemovalStore.SweepRemoval): name is the
// person removed from the lead, "" for a deleted lead.
func (s *Services) Sweep(ctx context.Context, team, leadID, name string) error {
	if err := s.cfg.Store.SweepRemoval(ctx, team, leadID, name); err != nil {
		return fmt.Errorf("finish removal from lead %s: %w", leadID, err)
	}
	return nil
}

// Deleted implements salesbot.RemovalService.
func (s *Services) Deleted(ctx context.Context, team, leadID string) (salesbot.AuditEntry, bool, error) {
	return s.cfg.Store.Deleted(ctx, team, leadID)
}

// VisitCount implements salesbot.RemovalService.
func (s *Services) VisitCount(ctx context.Context, team, leadID string) (int, error) {
	return s.cfg.Store.VisitCount(ctx, team, leadID)
}
