package service

import (
	"context"
	"fmt"
	"slices"
	"time"

	"salesbot"
)

// TeamStore is what the team's workflows keep: manager rights granted and
// withdrawn through the bot (each kept in the team's audit list) and the language
// each person chose.
type TeamStore interface {
	Managers(ctx context.Context, team string) ([]string, error)
	IsManager(ctx context.Context, team, user string) (bool, error)
	GrantManager(ctx context.Context, team string, c salesbot.ManagerChange) error
	// RemoveManager reports whether the user had rights to withdraw.
	RemoveManager(ctx context.Context, team string, c salesbot.ManagerChange) (bool, error)
	SetLang(ctx context.Context, team, user, lang string) error
}

// Serves implements salesbot.TeamService.
func (s *Services) Serves(team string) bool {
	return s.cfg.Team == "" || team == s.cfg.Team
}

// configured are the managers from the bot's settings that count in team:
// all of them in the bot's own workspace (or when it is not known), none
// anywhere else.
func (s *Services) configured(team string) []string {
	if !s.Serves(team) {
		return nil
	}
	return s.cfg.Managers
}

// Managers implements salesbot.TeamService.
func (s *Services) Managers(ctx context.Context, team string) ([]string, error) {
	granted, err := s.cfg.Store.Managers(ctx, team)
	if err != nil {
		return nil, fmt.Errorf("managers of %s: %w", team, err)
	}
	return s.ManagersAmong(team, granted), nil
}

// ManagersAmong implements salesbot.TeamService.
func (s *Services) ManagersAmong(team string, granted []string) []string {
	all := append(slices.Clone(s.configured(team)), granted...)
	slices.Sort(all)
	return slices.Compact(all)
}

// ManagersOf implements salesbot.TeamService.
// (Interim, until teams of managers are kept: every manager.)
func (s *Services) ManagersOf(ctx context.Context, team, rep string) ([]string, error) {
	return s.Managers(ctx, team)
}

// RepsOf implements salesbot.TeamService.
// (Interim, until teams of managers are kept: everyone.)
func (s *Services) RepsOf(ctx context.Context, team, manager string) ([]string, error) {
	return nil, nil
}

// IsManager implements salesbot.TeamService.
func (s *Services) IsManager(ctx context.Context, team, user string) (bool, error) {
	if slices.Contains(s.configured(team), user) {
		return true, nil
	}
	ok, err := s.cfg.Store.IsManager(ctx, team, user)
	if err != nil {
		return false, fmt.Errorf("check manager %s: %w", user, err)
	}
	return ok, nil
}

// GrantManagers implements salesbot.TeamService.
func (s *Services) GrantManagers(ctx context.Context, team string, by salesbot.Actor, admin bool, users []string, now time.Time) (salesbot.ManagerGrant, error) {
	if !by.Manager && !admin {
		return salesbot.ManagerGrant{}, salesbot.Errorf(salesbot.EFORBIDDEN, "Only managers and workspace admins can grant manager rights.")
	}
	var g salesbot.ManagerGrant
	for _, u := range users {
		if err := s.cfg.Store.GrantManager(ctx, team, salesbot.ManagerChange{At: now, By: by.User, User: u, Granted: true}); err != nil {
			return g, fmt.Errorf("add manager %s: %w", u, err)
		}
		g.Changed = append(g.Changed, u)
	}
	return g, nil
}

// RemoveManagers implements salesbot.TeamService.
func (s *Services) RemoveManagers(ctx context.Context, team string, by salesbot.Actor, admin bool, users []string, now time.Time) (salesbot.ManagerGrant, error) {
	if !by.Manager && !admin {
		return salesbot.ManagerGrant{}, salesbot.Errorf(salesbot.EFORBIDDEN, "Only managers and workspace admins can withdraw manager rights.")
	}
	for _, u := range users {
		if slices.Contains(s.configured(team), u) {
			return salesbot.ManagerGrant{}, salesbot.Errorf(salesbot.EFORBIDDEN, "%s is a manager set in SALESBOT_MANAGERS, the bot's settings, and cannot be removed from Slack. Ask whoever runs salesbot to take them out of SALESBOT_MANAGERS.", salesbot.User(u))
		}
	}
	var g salesbot.ManagerGrant
	for _, u := range users {
		ok, err := s.cfg.Store.RemoveManager(ctx, team, salesbot.ManagerChange{At: now, By: by.User, User: u})
		if err != nil {
			return g, fmt.Errorf("remove manager %s: %w", u, err)
		}
		if ok {
			g.Changed = append(g.Changed, u)
		} else {
			g.Unchanged = append(g.Unchanged, u)
		}
	}
	return g, nil
}

// SetLanguage implements salesbot.TeamService.
func (s *Services) SetLanguage(ctx context.Context, team, user, lang string) error {
	if err := s.cfg.Store.SetLang(ctx, team, user, lang); err != nil {
		return fmt.Errorf("language of %s: %w", user, err)
	}
	return nil
}

var _ salesbot.TeamService = (*Services)(nil)
