package install

import (
	"context"
	"fmt"
	"time"
)

// RevokeTeams takes teams out of the org-wide install of enterprise: an
// org admin removed the app from those workspaces (team_access_revoked),
// and the install keeps serving the organization's other workspaces. Each
// team is then served no more by that install, neither for requests nor
// by the sweep; one with no installation of its own is uninstalled as
// app_uninstalled would (its retention starts at now, then it is purged).
// now is when the event happened (Slack's event_time): an event older than
// one applied to a team already changes nothing for it, so that a retried
// revocation does not undo a later grant, nor a retried grant a later
// revocation.
// With no enterprise, each team's remembered one is used; a team linked to
// none is only logged.
func (r *Registry) RevokeTeams(ctx context.Context, enterprise string, teams []string, now time.Time) error {
	defer r.installed.Clear()
	for _, team := range teams {
		if team == "" {
			continue
		}
		ent := enterprise
		if ent == "" {
			_, _, orgID, err := r.cfg.Store.InstallationsOf(ctx, team, "")
			if err != nil {
				return fmt.Errorf("revoke %s: %w", team, err)
			}
			if ent = orgID; ent == "" {
				r.cfg.Logger.InfoContext(ctx, "access revoked to a workspace no org-wide install is known to serve", "team", team)
				continue
			}
		}
		own, stale, err := r.cfg.Store.RevokeTeam(ctx, team, ent, now)
		if err != nil {
			return fmt.Errorf("revoke %s: %w", team, err)
		}
		if stale {
			r.cfg.Logger.InfoContext(ctx, "access revoked before a later change to it: ignored", "team", team, "enterprise", ent, "at", now)
			continue
		}
		r.linked.Delete(team)
		if own {
			r.cfg.Logger.InfoContext(ctx, "workspace left the organization's install; its own install serves it", "team", team, "enterprise", ent)
			continue
		}
		r.cfg.Logger.InfoContext(ctx, "workspace uninstalled", "team", team, "enterprise", ent, "owner", team,
			"reason", "team_access_revoked", "purge_after", now.Add(r.cfg.Retention))
	}
	return nil
}

// GrantTeams adds teams to the org-wide install of enterprise: an org
// admin added the app to those workspaces (team_access_granted). Each is
// linked to the install (a revocation before is lifted, and a retention
// running ends when the install is active) and its sweep is woken, so that
// what fell due meanwhile is sent now rather than within the hour.
func (r *Registry) GrantTeams(ctx context.Context, enterprise string, teams []string, now time.Time) error {
	if enterprise == "" {
		r.cfg.Logger.WarnContext(ctx, "access granted without an enterprise: ignored", "teams", teams)
		return nil
	}
	defer r.installed.Clear()
	// The enterprise's own record (zero when there is none).
	org, _, _, err := r.cfg.Store.InstallationsOf(ctx, enterprise, "")
	if err != nil {
		return fmt.Errorf("grant to %s: %w", enterprise, err)
	}
	var granted []string
	for _, team := range teams {
		if team == "" || team == enterprise {
			continue
		}
		stale, err := r.cfg.Store.GrantTeam(ctx, team, enterprise, now)
		if err != nil {
			return fmt.Errorf("grant %s: %w", team, err)
		}
		if stale {
			r.cfg.Logger.InfoContext(ctx, "access granted before a later change to it: ignored", "team", team, "enterprise", enterprise, "at", now)
			continue
		}
		r.linked.Store(team, enterprise)
		if org.Active() {
			if err := r.cfg.Store.ForgetUninstalled(ctx, team); err != nil {
				return fmt.Errorf("grant %s: %w", team, err)
			}
		}
		granted = append(granted, team)
	}
	r.cfg.Logger.InfoContext(ctx, "workspaces joined the organization's install", "enterprise", enterprise, "teams", granted,
		"org_installed", org.Active(), "at", now)
	if r.cfg.Managers != nil && len(granted) > 0 {
		if err := r.cfg.Managers.WakeTeams(ctx, granted, true); err != nil {
			return fmt.Errorf("wake the workspaces granted to %s: %w", enterprise, err)
		}
	}
	return nil
}

// wakeMembers makes the sweeps of the workspaces the org-wide install of
// enterprise serves due at once: it was installed again, and what fell due
// while it was not is sent now rather than within the hour. A failure is
// only logged: their hourly sweep comes anyway.
func (r *Registry) wakeMembers(ctx context.Context, enterprise string) {
	teams, err := r.cfg.Store.OrgMembers(ctx, enterprise)
	if err == nil && len(teams) > 0 {
		err = r.cfg.Managers.WakeTeams(ctx, teams, true)
	}
	if err != nil {
		r.cfg.Logger.WarnContext(ctx, "install: wake the organization's workspaces", "enterprise", enterprise, "err", err)
	}
}
