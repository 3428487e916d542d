package store

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Which workspaces an Enterprise Grid org-wide install reaches. An org
// admin adds the app to workspaces of the organization and removes it from
// them one by one (Slack's team_access_granted and team_access_revoked);
// the org-wide install itself stays.
//
// sb:{T}:org:revoked names the enterprise whose org-wide install no longer
// reaches team T. While it is there, that install does not serve T, even
// for a request that names the enterprise (a retry of an event sent before
// the removal), and T is not linked to it again. It lives in T's slot, so
// it goes with T's purge.

func orgRevokedKey(k keys) string { return k.prefix + "org:revoked" }

// revokeTeamScript records that the org-wide install of ARGV[1] no longer
// reaches the team: it sets the marker (KEYS[2]) and drops the team's link
// (KEYS[1]) if it names that enterprise. It answers 1 when the team has an
// active installation of its own (KEYS[3]: a token, not uninstalled), which
// keeps serving it, else 0.
var revokeTeamScript = redis.NewScript(`
redis.call('SET', KEYS[2], ARGV[1])
local link = redis.call('GET', KEYS[1])
if link == false or link == ARGV[1] then redis.call('DEL', KEYS[1]) end
if redis.call('HEXISTS', KEYS[3], 'bot_token') == 1 and redis.call('HEXISTS', KEYS[3], 'uninstalled_at') == 0 then
  return 1
end
return 0
`)

// RevokeTeam records that the org-wide install of enterprise no longer
// reaches team (team_access_revoked): from now on that install serves it
// neither for the scheduler nor for a request. It reports whether the team
// keeps an active installation of its own; when it has none, the team's
// retention starts at at (as for an uninstall: the first time is kept).
func (s *Store) RevokeTeam(ctx context.Context, team, enterprise string, at time.Time) (ownActive bool, err error) {
	k, err := keysOf(team)
	if err != nil {
		return false, fmt.Errorf("revoke team: %w", err)
	}
	ek, err := keysOf(enterprise)
	if err != nil {
		return false, fmt.Errorf("revoke team: %w", err)
	}
	n, err := revokeTeamScript.Run(ctx, s.client, []string{orgKey(k), orgRevokedKey(k), installKey(k)}, enterprise).Int()
	if err != nil {
		return false, failed(err, "revoke %s from %s", team, enterprise)
	}
	// The members set is what an org-wide uninstall and reinstall touch:
	// the team left the organization's install, so neither concerns it.
	if err := s.client.SRem(ctx, membersKey(ek), team).Err(); err != nil {
		return n == 1, failed(err, "revoke %s from %s", team, enterprise)
	}
	if n == 1 {
		return true, nil
	}
	if err := s.client.ZAddNX(ctx, uninstalledKey, redis.Z{Score: float64(at.Unix()), Member: team}).Err(); err != nil {
		return false, failed(err, "record the revocation of %s", team)
	}
	return false, nil
}

// grantTeamScript links the team (KEYS[1]) to the enterprise ARGV[1] and
// drops the revocation marker (KEYS[2]).
var grantTeamScript = redis.NewScript(`
redis.call('DEL', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1])
return 1
`)

// GrantTeam records that the org-wide install of enterprise reaches team
// (team_access_granted): it links them, as a request naming both does,
// and lifts a revocation recorded before. It does not wake the team's
// sweep (Wake does), nor end the team's retention (ForgetUninstalled).
func (s *Store) GrantTeam(ctx context.Context, team, enterprise string) error {
	k, err := keysOf(team)
	if err != nil {
		return fmt.Errorf("grant team: %w", err)
	}
	ek, err := keysOf(enterprise)
	if err != nil {
		return fmt.Errorf("grant team: %w", err)
	}
	if err := grantTeamScript.Run(ctx, s.client, []string{orgKey(k), orgRevokedKey(k)}, enterprise).Err(); err != nil {
		return failed(err, "grant %s to %s", team, enterprise)
	}
	if err := s.client.SAdd(ctx, membersKey(ek), team).Err(); err != nil {
		return failed(err, "grant %s to %s", team, enterprise)
	}
	return nil
}

// OrgMembers returns the teams the org-wide install of enterprise is known
// to serve (linked by a request or by team_access_granted, and not revoked
// since).
func (s *Store) OrgMembers(ctx context.Context, enterprise string) ([]string, error) {
	ek, err := keysOf(enterprise)
	if err != nil {
		return nil, fmt.Errorf("org members: %w", err)
	}
	teams, err := s.client.SMembers(ctx, membersKey(ek)).Result()
	if err != nil {
		return nil, failed(err, "members of %s", enterprise)
	}
	return teams, nil
}

// linkTeamScript links the team (KEYS[1]) to the enterprise ARGV[1] unless
// that enterprise's access to it was revoked (KEYS[2]): a request that
// found the team served just before the revocation must not link it again.
// It answers 1 when it linked.
var linkTeamScript = redis.NewScript(`
if redis.call('GET', KEYS[2]) == ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
return 1
`)
