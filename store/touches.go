package store

import (
	"context"
	"encoding/json"
	"fmt"

	"salesbot"
)

// A team's maintenance actions (/salesbot touches) live in one hash, grade →
// JSON list of salesbot.MaintenanceAction; a grade with no field uses the
// default list.

func (k keys) touches() string { return k.prefix + "touches" }

// SetMaintenance replaces the team's list of maintenance actions for grade
// g; an empty list drops it, so the default applies again.
func (s *Store) SetMaintenance(ctx context.Context, team string, g salesbot.Grade, list []salesbot.MaintenanceAction) error {
	k, err := keysOf(team)
	if err != nil {
		return fmt.Errorf("set maintenance actions: %w", err)
	}
	if len(list) == 0 {
		if err := s.client.HDel(ctx, k.touches(), string(g)).Err(); err != nil {
			return failed(err, "drop maintenance actions of grade %s", g)
		}
		return nil
	}
	raw, err := json.Marshal(list)
	if err != nil {
		return fmt.Errorf("encode maintenance actions of grade %s: %w", g, err)
	}
	if err := s.client.HSet(ctx, k.touches(), string(g), raw).Err(); err != nil {
		return failed(err, "set maintenance actions of grade %s", g)
	}
	return nil
}

// Maintenance returns the lists of maintenance actions the team set, by
// grade; a grade it set none for (or whose stored list cannot be read) is
// not in the map. One round trip.
func (s *Store) Maintenance(ctx context.Context, team string) (salesbot.MaintenancePlan, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("maintenance actions: %w", err)
	}
	all, err := s.client.HGetAll(ctx, k.touches()).Result()
	if err != nil {
		return nil, failed(err, "maintenance actions in %s", team)
	}
	plan := salesbot.MaintenancePlan{}
	for g, raw := range all {
		var list []salesbot.MaintenanceAction
		if err := json.Unmarshal([]byte(raw), &list); err != nil {
			s.log.WarnContext(ctx, "maintenance actions unreadable; default used", "team", team, "grade", g, "err", err)
			continue
		}
		plan[salesbot.Grade(g)] = list
	}
	return plan, nil
}
