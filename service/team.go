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
	// ManagerTeams reads, in one round trip, the managers granted from
	// Slack, the reps each manager leads and, with owners, everyone who
	// has had an open lead.
	ManagerTeams(ctx context.Context, team string, owners bool) (granted []string, reps map[string][]string, known []string, err error)
	// SetManagerTeam replaces the reps a manager leads and keeps the change
	// in the audit list; it returns the reps led before.
	SetManagerTeam(ctx context.Context, team string, c salesbot.TeamChange) ([]string, error)
	// DropManagerTeam drops a manager's team, if any, and keeps that in
	// the audit list; it reports whether there was one.
	DropManagerTeam(ctx context.Context, team string, c salesbot.TeamChange) (bool, error)
	// TeamChanges returns the latest changes of teams, newest first.
	TeamChanges(ctx context.Context, team string, n int) ([]salesbot.TeamChange, error)
}

// teamChangesListed is how many of the latest changes of teams the listing
// (Teams) shows.
const teamChangesListed = 5

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

// managerTeams reads who leads whom in team, with everyone who has had an
// open lead when owners (for RepsOf and the listing), in one round trip.
func (s *Services) managerTeams(ctx context.Context, team string, owners bool) (salesbot.ManagerTeams, []string, error) {
	granted, reps, known, err := s.cfg.Store.ManagerTeams(ctx, team, owners)
	if err != nil {
		return salesbot.ManagerTeams{}, nil, fmt.Errorf("teams of managers of %s: %w", team, err)
	}
	return salesbot.ManagerTeams{Managers: s.ManagersAmong(team, granted), Reps: reps}, known, nil
}

// ManagersOf implements salesbot.TeamService.
func (s *Services) ManagersOf(ctx context.Context, team, rep string) ([]string, error) {
	t, _, err := s.managerTeams(ctx, team, false)
	if err != nil {
		return nil, err
	}
	return t.ManagersOf(rep), nil
}

// RepsOf implements salesbot.TeamService.
func (s *Services) RepsOf(ctx context.Context, team, manager string) ([]string, error) {
	t, known, err := s.managerTeams(ctx, team, true)
	if err != nil {
		return nil, err
	}
	return t.RepsOf(manager, known), nil
}

// SignersOf implements salesbot.TeamService.
func (s *Services) SignersOf(ctx context.Context, team, owner, writer string) ([]string, error) {
	t, _, err := s.managerTeams(ctx, team, false)
	if err != nil {
		return nil, err
	}
	return t.Signers(owner, writer), nil
}

// SetTeam implements salesbot.TeamService.
func (s *Services) SetTeam(ctx context.Context, team string, by salesbot.Actor, admin bool, manager string, reps []string, now time.Time) (salesbot.TeamSet, error) {
	if !by.Manager && !admin {
		_, err := salesbot.NewTeamChange(by, admin, manager, false, reps, now) // for its EFORBIDDEN
		return salesbot.TeamSet{}, err
	}
	isManager := false
	if manager != "" {
		var err error
		if isManager, err = s.IsManager(ctx, team, manager); err != nil {
			return salesbot.TeamSet{}, fmt.Errorf("set the team of %s: %w", manager, err)
		}
	}
	c, err := salesbot.NewTeamChange(by, admin, manager, isManager, reps, now)
	if err != nil {
		return salesbot.TeamSet{}, err
	}
	before, err := s.cfg.Store.SetManagerTeam(ctx, team, c)
	if err != nil {
		return salesbot.TeamSet{}, fmt.Errorf("set the team of %s: %w", manager, err)
	}
	return salesbot.TeamSet{Change: c, Before: before}, nil
}

// Teams implements salesbot.TeamService.
func (s *Services) Teams(ctx context.Context, team string) (salesbot.TeamList, error) {
	t, known, err := s.managerTeams(ctx, team, true)
	if err != nil {
		return salesbot.TeamList{}, err
	}
	changes, err := s.cfg.Store.TeamChanges(ctx, team, teamChangesListed)
	if err != nil {
		return salesbot.TeamList{}, fmt.Errorf("teams of managers of %s: %w", team, err)
	}
	return salesbot.TeamList{Teams: t, Unled: t.Unled(known), Changes: changes}, nil
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
			// Without rights they lead no one: their team goes too. Left
			// behind, it would count for nothing (ManagerTeams ignores a
			// team of someone without rights), so a failure is only logged.
			drop := salesbot.TeamChange{Kind: salesbot.TeamChangeKind, At: now, By: by.User, Manager: u, Withdrawn: true}
			if _, err := s.cfg.Store.DropManagerTeam(ctx, team, drop); err != nil {
				s.cfg.Logger.WarnContext(ctx, "drop the team of a former manager", "manager", u, "err", err)
			}
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
