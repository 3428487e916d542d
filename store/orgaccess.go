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

// orgAccessAtKey holds when (ms) the latest team_access event applied to
// the team happened: Slack may deliver a revocation again after a later
// grant (its first delivery failed), and the older event must not undo
// the newer.
func orgAccessAtKey(k keys) string { return k.prefix + "org:access_at" }

// orgAccessNewer is the start of the access scripts: an event older than
// the last one applied (their last key, ARGV[2] ms) answers -1 and
// changes nothing; else its time is kept.
const orgAccessNewer = `
if tonumber(ARGV[2]) < tonumber(redis.call('GET', KEYS[#KEYS]) or '0') then return -1 end
redis.call('SET', KEYS[#KEYS], ARGV[2])
`

// revokeTeamScript records that the org-wide install of ARGV[1] no longer
// reaches the team: it sets the marker (KEYS[2]) and drops the team's link
// (KEYS[1]) if it names that enterprise. It answers 1 when the team has an
// active installation of its own (KEYS[3]: a token, not uninstalled), which
// keeps serving it, else 0; -1 when a later access event was applied.
var revokeTeamScript = redis.NewScript(orgAccessNewer + `
redis.call('SET', KEYS[2], ARGV[1])
local link = redis.call('GET', KEYS[1])
if link == false or link == ARGV[1] then redis.call('DEL', KEYS[1]) end
if redis.call('HEXISTS', KEYS[3], 'bot_token') == 1 and redis.call('HEXISTS', KEYS[3], 'uninstalled_at') == 0 then
  return 1
end
return 0
`)

// RevokeTeam records that the org-wide install of enterprise no longer
// reaches team (team_access_revoked, which happened at at): from now on
// that install serves it neither for the scheduler nor for a request. It
// reports whether the team keeps an active installation of its own; when
// it has none, the team's retention starts at at (as for an uninstall: the
// first time is kept). stale is true, and nothing changed, when an access
// event later than at was applied to the team already.
func (s *Store) RevokeTeam(ctx context.Context, team, enterprise string, at time.Time) (ownActive, stale bool, err error) {
	k, err := keysOf(team)
	if err != nil {
		return false, false, fmt.Errorf("revoke team: %w", err)
	}
	ek, err := keysOf(enterprise)
	if err != nil {
		return false, false, fmt.Errorf("revoke team: %w", err)
	}
	n, err := revokeTeamScript.Run(ctx, s.client, []string{orgKey(k), orgRevokedKey(k), installKey(k), orgAccessAtKey(k)},
		enterprise, at.UnixMilli()).Int()
	if err != nil {
		return false, false, failed(err, "revoke %s from %s", team, enterprise)
	}
	if n < 0 {
		return false, true, nil
	}
	// The members set is what an org-wide uninstall and reinstall touch:
	// the team left the organization's install, so neither concerns it.
	if err := s.client.SRem(ctx, membersKey(ek), team).Err(); err != nil {
		return n == 1, false, failed(err, "revoke %s from %s", team, enterprise)
	}
	if n == 1 {
		return true, false, nil
	}
	if err := s.client.ZAddNX(ctx, uninstalledKey, redis.Z{Score: float64(at.Unix()), Member: team}).Err(); err != nil {
		return false, false, failed(err, "record the revocation of %s", team)
	}
	return false, false, nil
}

// grantTeamScript links the team (KEYS[1]) to the enterprise ARGV[1] and
// drops the revocation marker (KEYS[2]); -1 when a later access event was
// applied (KEYS[3]).
var grantTeamScript = redis.NewScript(orgAccessNewer + `
redis.call('DEL', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1])
return 1
`)

// GrantTeam records that the org-wide install of enterprise reaches team
// (team_access_granted, which happened at at): it links them, as a request
// naming both does, and lifts a revocation recorded before. stale is true,
// and nothing changed, when an access event later than at was applied to
// the team already. It does not wake the team's sweep (Wake does), nor end
// the team's retention (ForgetUninstalled).
func (s *Store) GrantTeam(ctx context.Context, team, enterprise string, at time.Time) (stale bool, err error) {
	k, err := keysOf(team)
	if err != nil {
		return false, fmt.Errorf("grant team: %w", err)
	}
	ek, err := keysOf(enterprise)
	if err != nil {
		return false, fmt.Errorf("grant team: %w", err)
	}
	n, err := grantTeamScript.Run(ctx, s.client, []string{orgKey(k), orgRevokedKey(k), orgAccessAtKey(k)},
		enterprise, at.UnixMilli()).Int()
	if err != nil {
		return false, failed(err, "grant %s to %s", team, enterprise)
	}
	if n < 0 {
		return true, nil
	}
	if err := s.client.SAdd(ctx, membersKey(ek), team).Err(); err != nil {
		return false, failed(err, "grant %s to %s", team, enterprise)
	}
	return false, nil
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
