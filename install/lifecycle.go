package install

import (
	"context"
	"errors"
	"fmt"
	"time"

	"salesbot/workspace"
)

// Uninstall implements workspace.Registry: it marks the team's own
// installation uninstalled, or else the org-wide one that served it, drops
// the sealed tokens at once and starts the retention period. An
// uninstall of a workspace with no installation changes nothing.
func (r *Registry) Uninstall(ctx context.Context, team, enterprise, reason string, now time.Time) error {
	owner := team
	if owner == "" {
		owner = enterprise
	}
	if owner == "" {
		return errors.New("uninstall: no team or enterprise given")
	}
	ok, err := r.cfg.Store.MarkUninstalled(ctx, owner, now)
	if err != nil {
		return fmt.Errorf("uninstall %s: %w", owner, err)
	}
	if !ok && team != "" {
		// No record of the team's own: the org-wide one that served it.
		_, _, orgID, err := r.cfg.Store.InstallationsOf(ctx, team, enterprise)
		if err != nil {
			return fmt.Errorf("uninstall %s: %w", team, err)
		}
		if orgID != "" {
			owner = orgID
			if ok, err = r.cfg.Store.MarkUninstalled(ctx, owner, now); err != nil {
				return fmt.Errorf("uninstall %s: %w", owner, err)
			}
		}
	}
	r.installed.Clear()
	if !ok {
		r.cfg.Logger.InfoContext(ctx, "uninstall of a workspace with no installation", "team", team, "enterprise", enterprise, "reason", reason)
		return nil
	}
	r.cfg.Logger.InfoContext(ctx, "workspace uninstalled", "team", team, "enterprise", enterprise, "owner", owner,
		"reason", reason, "purge_after", now.Add(r.cfg.Retention))
	return nil
}

// PurgeExpired implements workspace.Registry: every workspace (or
// organization) uninstalled longer than the retention ago, and not served
// again since, loses all its keys; each purge is logged. Two replicas may
// run it at once: the store's lock lets one purge a workspace.
func (r *Registry) PurgeExpired(ctx context.Context, now time.Time) ([]string, error) {
	owners, err := r.cfg.Store.UninstalledBefore(ctx, now.Add(-r.cfg.Retention), purgeBatch)
	if err != nil || len(owners) == 0 {
		return nil, err
	}
	var purged []string
	for _, owner := range owners {
		if _, _, err := r.lookup(ctx, owner, ""); err == nil {
			// Installed again (its own, or its organization's): keep it.
			if err := r.cfg.Store.ForgetUninstalled(ctx, owner); err != nil {
				return purged, err
			}
			continue
		} else if !errors.Is(err, workspace.ErrNotInstalled) {
			return purged, fmt.Errorf("purge: %w", err)
		}
		n, skipped, err := r.cfg.Store.Purge(ctx, owner)
		if err != nil {
			return purged, fmt.Errorf("purge: %w", err)
		}
		if skipped {
			continue // another replica purges it, or just did
		}
		r.linked.Delete(owner)
		r.cfg.Logger.InfoContext(ctx, "workspace purged", "team", owner, "keys", n, "retention", r.cfg.Retention.String())
		purged = append(purged, owner)
	}
	return purged, nil
}

// Rekey seals again, with the ring's first key, every stored token sealed
// with another: the step of a key rotation after which the old key can go.
// It returns how many installations it resealed, and the owners whose
// tokens no key of the ring opens (sealed with a key already dropped):
// those are skipped, and need a reinstall or the old key back.
func (r *Registry) Rekey(ctx context.Context) (resealed int, unopened []string, err error) {
	owners, err := r.cfg.Store.InstallationOwners(ctx)
	if err != nil {
		return 0, nil, fmt.Errorf("rekey: %w", err)
	}
	for _, owner := range owners {
		done, err := r.rekey(ctx, owner)
		switch {
		case errors.Is(err, ErrUnsealable):
			unopened = append(unopened, owner)
		case err != nil:
			return resealed, unopened, fmt.Errorf("rekey %s: %w", owner, err)
		case done:
			resealed++
		}
	}
	return resealed, unopened, nil
}

// rekey reseals one owner's tokens if they need it; a refresh that
// replaced them meanwhile sealed them with the first key already.
func (r *Registry) rekey(ctx context.Context, owner string) (bool, error) {
	inst, err := r.cfg.Store.Installation(ctx, owner)
	if err != nil {
		return false, err
	}
	keys := r.cfg.Keys
	if keys.Current(inst.BotToken) && keys.Current(inst.RefreshToken) {
		return false, nil
	}
	next := workspace.Installation{ExpiresAt: inst.ExpiresAt}
	for _, f := range []struct {
		name string
		from string
		to   *string
	}{{"bot_token", inst.BotToken, &next.BotToken}, {"refresh_token", inst.RefreshToken, &next.RefreshToken}} {
		plain, err := keys.Open(f.from, owner, f.name)
		if err != nil {
			return false, fmt.Errorf("%s: %w", f.name, err)
		}
		if *f.to, err = keys.Seal(plain, owner, f.name); err != nil {
			return false, err
		}
	}
	return r.cfg.Store.ReplaceTokens(ctx, owner, inst.BotToken, next)
}
