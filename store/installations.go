package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"salesbot/workspace"
)

// The keys of installations. An installation lives in the hash
// sb:{O}:install of its owner O: the team for a workspace's own install, the
// enterprise for an org-wide one, so that it shares the slot of the data
// it serves. Its tokens are kept as the caller sealed them (see package
// install): the store never sees a token in clear.
//
// sb:{T}:org names the enterprise whose org-wide install serves team T
// (learned from a request that named both), and sb:{E}:members the teams
// so served, for the scheduler, which knows only the team, and for the
// purge after an org-wide uninstall.
//
// uninstalledKey is the one global key: owners uninstalled, scored by when
// (Unix seconds), for PurgeExpired to find those past their retention.
const uninstalledKey = "sb:uninstalled"

func installKey(k keys) string { return k.prefix + "install" }
func orgKey(k keys) string     { return k.prefix + "org" }
func membersKey(k keys) string { return k.prefix + "members" }

// purgeLockKey is held by the replica purging owner. It carries the owner's
// hash tag (so it lives on the same node) but does not match sb:{O}:*, so
// the purge does not delete it from under itself.
func purgeLockKey(owner string) string { return "sb:purging:{" + owner + "}" }

// purgeLock bounds how long a replica that died while purging keeps others
// from purging the same owner.
const purgeLock = 5 * time.Minute

// scanCount is how many keys one SCAN call looks at (a purge, listing
// owners, rebuilding sb:teams).
const scanCount = 1000

// ErrNoInstallation is returned for an owner with no installation record.
var ErrNoInstallation = errors.New("no installation")

// SaveInstallation keeps inst (its tokens sealed by the caller) as its
// owner's installation, replacing any before it, and takes the owner off
// the uninstalled set: a reinstall within the retention period keeps the
// data. For an org-wide install the teams it served are taken off too.
func (s *Store) SaveInstallation(ctx context.Context, inst workspace.Installation) error {
	owner := inst.Owner()
	k, err := keysOf(owner)
	if err != nil {
		return fmt.Errorf("save installation: %w", err)
	}
	fields := installFields(inst)
	_, err = s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Del(ctx, installKey(k))
		p.HSet(ctx, installKey(k), fields)
		return nil
	})
	if err != nil {
		return failed(err, "save installation of %s", owner)
	}
	// After the record, so that a purge that checks the record finds it
	// active and leaves the owner alone even if this ZREM is lost.
	owners := []any{owner}
	if inst.OrgWide {
		members, err := s.OrgMembers(ctx, owner)
		if err != nil {
			return err
		}
		for _, m := range members {
			owners = append(owners, m)
		}
	}
	if err := s.client.ZRem(ctx, uninstalledKey, owners...).Err(); err != nil {
		return failed(err, "reinstall %s", owner)
	}
	return nil
}

// installFields is inst as the fields of its hash; empty ones are left out.
func installFields(inst workspace.Installation) map[string]any {
	f := map[string]any{"team": inst.Team, "enterprise": inst.Enterprise}
	if inst.OrgWide {
		f["org_wide"] = "1"
	}
	for name, v := range map[string]string{
		"bot_token": inst.BotToken, "refresh_token": inst.RefreshToken, "bot_user": inst.BotUser,
		"bot_id": inst.BotID, "installer": inst.Installer, "scopes": strings.Join(inst.Scopes, ","),
	} {
		if v != "" {
			f[name] = v
		}
	}
	for name, t := range map[string]time.Time{"expires_at": inst.ExpiresAt, "installed_at": inst.InstalledAt, "uninstalled_at": inst.UninstalledAt} {
		if !t.IsZero() {
			f[name] = t.UnixMilli()
		}
	}
	return f
}

// decodeInstallation reads a hash written by installFields; ok is false
// for a hash that is not there.
func decodeInstallation(h map[string]string) (inst workspace.Installation, ok bool) {
	if len(h) == 0 {
		return inst, false
	}
	inst = workspace.Installation{
		Team: h["team"], Enterprise: h["enterprise"], OrgWide: h["org_wide"] == "1",
		BotToken: h["bot_token"], RefreshToken: h["refresh_token"], BotUser: h["bot_user"],
		BotID: h["bot_id"], Installer: h["installer"],
	}
	if h["scopes"] != "" {
		inst.Scopes = strings.Split(h["scopes"], ",")
	}
	for name, t := range map[string]*time.Time{"expires_at": &inst.ExpiresAt, "installed_at": &inst.InstalledAt, "uninstalled_at": &inst.UninstalledAt} {
		if ms, err := strconv.ParseInt(h[name], 10, 64); err == nil {
			*t = time.UnixMilli(ms)
		}
	}
	return inst, true
}

// Installation returns the installation kept for owner (a team or, for an
// org-wide install, an enterprise), active or not: one round trip.
func (s *Store) Installation(ctx context.Context, owner string) (workspace.Installation, error) {
	k, err := keysOf(owner)
	if err != nil {
		return workspace.Installation{}, fmt.Errorf("installation: %w", err)
	}
	h, err := s.client.HGetAll(ctx, installKey(k)).Result()
	if err != nil {
		return workspace.Installation{}, failed(err, "installation of %s", owner)
	}
	inst, ok := decodeInstallation(h)
	if !ok {
		return inst, fmt.Errorf("installation of %s: %w", owner, ErrNoInstallation)
	}
	return inst, nil
}

// InstallationsOf returns what may serve team: its own installation (zero
// when none), the org-wide installation of its enterprise (zero when none)
// and that enterprise, which is enterprise when given, else the one
// remembered for the team (LinkTeam). The org-wide installation is zero
// too when its access to the team was revoked (RevokeTeam). It is one round trip (a pipeline)
// when enterprise is given or the team has none remembered, two otherwise.
func (s *Store) InstallationsOf(ctx context.Context, team, enterprise string) (own, org workspace.Installation, orgID string, err error) {
	k, err := keysOf(team)
	if err != nil {
		return own, org, "", fmt.Errorf("installations: %w", err)
	}
	var ownCmd, orgCmd *redis.MapStringStringCmd
	var linkCmd, revokedCmd *redis.StringCmd
	_, err = s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		ownCmd = p.HGetAll(ctx, installKey(k))
		if enterprise == "" {
			linkCmd = p.Get(ctx, orgKey(k))
		} else if ek, err := keysOf(enterprise); err == nil {
			orgCmd = p.HGetAll(ctx, installKey(ek))
			revokedCmd = p.Get(ctx, orgRevokedKey(k))
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return own, org, "", failed(err, "installations of %s", team)
	}
	own, _ = decodeInstallation(ownCmd.Val())
	orgID = enterprise
	if linkCmd != nil {
		orgID = linkCmd.Val()
		if orgID == "" || own.Active() {
			return own, org, orgID, nil
		}
		org, err = s.Installation(ctx, orgID)
		if errors.Is(err, ErrNoInstallation) {
			err = nil
		}
		return own, org, orgID, err
	}
	if orgCmd != nil && revokedCmd.Val() != enterprise {
		org, _ = decodeInstallation(orgCmd.Val())
	}
	return own, org, orgID, nil
}

// LinkTeam remembers that the org-wide install of enterprise serves team,
// unless that install's access to the team was revoked (RevokeTeam).
func (s *Store) LinkTeam(ctx context.Context, team, enterprise string) error {
	k, err := keysOf(team)
	if err != nil {
		return fmt.Errorf("link team: %w", err)
	}
	ek, err := keysOf(enterprise)
	if err != nil {
		return fmt.Errorf("link team: %w", err)
	}
	linked, err := linkTeamScript.Run(ctx, s.client, []string{orgKey(k), orgRevokedKey(k)}, enterprise).Int()
	if err != nil {
		return failed(err, "link %s to %s", team, enterprise)
	}
	if linked == 0 {
		return nil // the organization's install no longer reaches the team
	}
	if err := s.client.SAdd(ctx, membersKey(ek), team).Err(); err != nil {
		return failed(err, "link %s to %s", team, enterprise)
	}
	return nil
}

// replaceTokensScript replaces the sealed tokens of an installation
// (KEYS[1]) if its bot token is still ARGV[1] and it is not uninstalled,
// and answers 1; else 0. ARGV: the old sealed bot token, the new one, the
// new sealed refresh token, the new expiry (Unix ms; "" for none).
var replaceTokensScript = redis.NewScript(`
if redis.call('HEXISTS', KEYS[1], 'uninstalled_at') == 1 then return 0 end
if redis.call('HGET', KEYS[1], 'bot_token') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'bot_token', ARGV[2])
if ARGV[3] == '' then redis.call('HDEL', KEYS[1], 'refresh_token') else redis.call('HSET', KEYS[1], 'refresh_token', ARGV[3]) end
if ARGV[4] == '' then redis.call('HDEL', KEYS[1], 'expires_at') else redis.call('HSET', KEYS[1], 'expires_at', ARGV[4]) end
return 1
`)

// ReplaceTokens swaps the sealed tokens of owner's installation for those
// of next, if its bot token is still old and it was not uninstalled
// meanwhile: a refreshed pair, or the same tokens sealed with a newer key.
// It reports whether it replaced them.
func (s *Store) ReplaceTokens(ctx context.Context, owner, old string, next workspace.Installation) (bool, error) {
	k, err := keysOf(owner)
	if err != nil {
		return false, fmt.Errorf("replace tokens: %w", err)
	}
	expires := ""
	if !next.ExpiresAt.IsZero() {
		expires = strconv.FormatInt(next.ExpiresAt.UnixMilli(), 10)
	}
	n, err := replaceTokensScript.Run(ctx, s.client, []string{installKey(k)}, old, next.BotToken, next.RefreshToken, expires).Int()
	if err != nil {
		return false, failed(err, "replace tokens of %s", owner)
	}
	return n == 1, nil
}

// uninstallScript marks an installation (KEYS[1]) uninstalled at ARGV[1]
// and drops its tokens; it answers 1, 0 when there is none, and 2 when it
// was uninstalled already (the first time stays: a repeated event does not
// stretch the retention).
var uninstallScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('HEXISTS', KEYS[1], 'uninstalled_at') == 1 then return 2 end
redis.call('HDEL', KEYS[1], 'bot_token', 'refresh_token', 'expires_at')
redis.call('HSET', KEYS[1], 'uninstalled_at', ARGV[1])
return 1
`)

// MarkUninstalled marks owner's installation uninstalled at at, drops its
// sealed tokens at once, and starts the owner's retention: it joins the
// uninstalled set, with the teams an org-wide install served. It reports
// whether owner had an installation; without one nothing changes.
func (s *Store) MarkUninstalled(ctx context.Context, owner string, at time.Time) (bool, error) {
	k, err := keysOf(owner)
	if err != nil {
		return false, fmt.Errorf("uninstall: %w", err)
	}
	n, err := uninstallScript.Run(ctx, s.client, []string{installKey(k)}, at.UnixMilli()).Int()
	if err != nil {
		return false, failed(err, "uninstall %s", owner)
	}
	if n == 0 {
		return false, nil
	}
	// n == 2: uninstalled already; its uninstall is recorded again (NX,
	// keeping the first time), in case recording it failed the first time
	// and Slack sent the event again.
	members, err := s.OrgMembers(ctx, owner)
	if err != nil {
		return true, err
	}
	z := []redis.Z{{Score: float64(at.Unix()), Member: owner}}
	for _, m := range members {
		z = append(z, redis.Z{Score: float64(at.Unix()), Member: m})
	}
	if err := s.client.ZAddNX(ctx, uninstalledKey, z...).Err(); err != nil {
		return true, failed(err, "record the uninstall of %s", owner)
	}
	return true, nil
}

// UninstalledBefore returns at most n owners (teams or enterprises)
// uninstalled at or before t, oldest first.
func (s *Store) UninstalledBefore(ctx context.Context, t time.Time, n int) ([]string, error) {
	owners, err := s.client.ZRangeByScore(ctx, uninstalledKey, &redis.ZRangeBy{
		Min: "-inf", Max: strconv.FormatInt(t.Unix(), 10), Count: int64(n),
	}).Result()
	if err != nil {
		return nil, failed(err, "uninstalled workspaces")
	}
	return owners, nil
}

// ForgetUninstalled takes owner off the uninstalled set without purging
// it: it turned out to be served again.
func (s *Store) ForgetUninstalled(ctx context.Context, owner string) error {
	if err := s.client.ZRem(ctx, uninstalledKey, owner).Err(); err != nil {
		return failed(err, "forget the uninstall of %s", owner)
	}
	return nil
}

// Purge deletes every key of owner (sb:{O}:*), then takes it off sb:teams
// and the uninstalled set, and returns how many keys it deleted. It holds a
// lock meanwhile. It deletes nothing, and reports skipped, when another
// replica holds the lock, or the owner is no longer in the uninstalled set
// (another replica purged it a moment ago). The keys are found by SCAN on
// the one node that holds the owner's slot, a batch at a time.
func (s *Store) Purge(ctx context.Context, owner string) (deleted int, skipped bool, err error) {
	k, err := keysOf(owner)
	if err != nil {
		return 0, false, fmt.Errorf("purge: %w", err)
	}
	lock := purgeLockKey(owner)
	got, err := s.client.SetNX(ctx, lock, 1, purgeLock).Result()
	if err != nil {
		return 0, false, failed(err, "lock the purge of %s", owner)
	}
	if !got {
		return 0, true, nil
	}
	defer s.client.Del(context.WithoutCancel(ctx), lock)
	switch err := s.client.ZScore(ctx, uninstalledKey, owner).Err(); {
	case errors.Is(err, redis.Nil):
		return 0, true, nil
	case err != nil:
		return 0, false, failed(err, "purge %s", owner)
	}
	// Reinstalled since it was chosen (the install writes its record
	// before it leaves the uninstalled set): keep everything.
	if inst, err := s.Installation(ctx, owner); err == nil && inst.Active() {
		return 0, true, s.ForgetUninstalled(ctx, owner)
	}
	node, err := s.nodeOf(ctx, installKey(k))
	if err != nil {
		return 0, false, failed(err, "purge %s", owner)
	}
	iter := node.Scan(ctx, 0, globEscape(k.prefix)+"*", scanCount).Iterator()
	var batch []string
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		// Every key of the batch is in the owner's slot: one command.
		n, err := s.client.Unlink(ctx, batch...).Result()
		deleted += int(n)
		batch = batch[:0]
		return err
	}
	for iter.Next(ctx) {
		if batch = append(batch, iter.Val()); len(batch) == scanCount {
			if err := flush(); err != nil {
				return deleted, false, failed(err, "purge %s", owner)
			}
		}
	}
	if err := iter.Err(); err != nil {
		return deleted, false, failed(err, "purge %s", owner)
	}
	if err := flush(); err != nil {
		return deleted, false, failed(err, "purge %s", owner)
	}
	_, err = s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.SRem(ctx, teamsKey, owner)
		p.ZRem(ctx, uninstalledKey, owner)
		p.ZRem(ctx, wakeKey, owner) // nothing left to sweep
		p.ZRem(ctx, wakeClaimsKey, owner)
		return nil
	})
	if err != nil {
		return deleted, false, failed(err, "purge %s", owner)
	}
	s.listed.Delete(owner)
	return deleted, false, nil
}

// nodeOf is the client of the server that holds key: on a Cluster its
// master, elsewhere the one server.
func (s *Store) nodeOf(ctx context.Context, key string) (redis.Cmdable, error) {
	if cc, ok := s.client.(*redis.ClusterClient); ok {
		return cc.MasterForKey(ctx, key)
	}
	return s.client, nil
}

// InstallationOwners lists every owner with an installation record, by
// scanning the keys (every master's on a Cluster): for rekey, an operator's
// command, never a request's path.
func (s *Store) InstallationOwners(ctx context.Context) ([]string, error) {
	owners, err := s.scanOwners(ctx, "install", scanCount)
	if err != nil {
		return nil, failed(err, "installations")
	}
	return owners, nil
}
