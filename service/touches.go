package service

import (
	"context"
	"fmt"
	"slices"

	"salesbot"
)

// MaintenanceStore keeps each team's maintenance actions.
type MaintenanceStore interface {
	SetMaintenance(ctx context.Context, team string, g salesbot.Grade, list []salesbot.MaintenanceAction) error
	Maintenance(ctx context.Context, team string) (salesbot.MaintenancePlan, error)
}

// Maintenance implements salesbot.MaintenanceService.
func (s *Services) Maintenance(ctx context.Context, team string) (salesbot.MaintenancePlan, error) {
	set, err := s.cfg.Store.Maintenance(ctx, team)
	if err != nil {
		return nil, fmt.Errorf("maintenance actions: %w", err)
	}
	plan := salesbot.DefaultMaintenance()
	for _, g := range salesbot.MaintenanceGrades {
		if len(set[g]) > 0 {
			plan[g] = set[g]
		}
	}
	return plan, nil
}

// SetMaintenance implements salesbot.MaintenanceService.
func (s *Services) SetMaintenance(ctx context.Context, team string, by salesbot.Actor, g salesbot.Grade, list []salesbot.MaintenanceAction) (salesbot.MaintenancePlan, error) {
	if !by.Manager {
		return nil, salesbot.Errorf(salesbot.EFORBIDDEN, "Only managers set the team's maintenance actions.")
	}
	if !slices.Contains(salesbot.MaintenanceGrades, g) {
		return nil, salesbot.Errorf(salesbot.EINVALID, "Maintenance actions are for C and D leads (grade %s has none): write `/salesbot touches C <action>; <action>`.", string(g))
	}
	if len(list) > salesbot.MaxMaintenanceActions {
		return nil, salesbot.Errorf(salesbot.EINVALID, "%d actions are more than %d: keep the ones your team really uses.", len(list), salesbot.MaxMaintenanceActions)
	}
	if err := s.cfg.Store.SetMaintenance(ctx, team, g, list); err != nil {
		return nil, fmt.Errorf("maintenance actions of grade %s: %w", g, err)
	}
	return s.Maintenance(ctx, team)
}

var _ salesbot.MaintenanceService = (*Services)(nil)
