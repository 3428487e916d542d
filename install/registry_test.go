package install_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"salesbot"
	"salesbot/internal/redistest"
	"salesbot/store"
	"salesbot/workspace"
)

func TestRotatingTokenIsRefreshedOnceNearExpiry(t *testing.T) {
	team := redistest.Team(t)
	grant := grantFor(team)
	grant["refresh_token"], grant["expires_in"] = "xoxe-1-first-refresh", 43200
	e := newEnv(t, grant)
	e.installed(t)
	ctx := context.Background()
	if raw := e.rawInstall(t, team); strings.Contains(raw, "xoxe-") || !strings.Contains(raw, "refresh_token=v1:") {
		t.Errorf("refresh token not kept sealed:\n%s", raw)
	}
	if tok, err := e.reg.BotToken(ctx, team, ""); err != nil || tok != "xoxb-"+team+"-secret" || e.slack.refreshes != 0 {
		t.Fatalf("far from expiry: %q, %v, %d refreshes", tok, err, e.slack.refreshes)
	}

	e.clock.Add(12*time.Hour - 2*time.Minute)
	e.slack.refreshDelay = 300 * time.Millisecond // the two refreshes would overlap
	other := e.replica(t, e.keys...)
	var wg sync.WaitGroup
	toks, errs := make([]string, 2), make([]error, 2)
	for i, reg := range []workspace.Tokens{e.reg, other} {
		wg.Go(func() { toks[i], errs[i] = reg.BotToken(ctx, team, "") })
	}
	wg.Wait()
	for i := range toks {
		// Still valid for two minutes: returned at once, renewed behind.
		if errs[i] != nil || toks[i] != "xoxb-"+team+"-secret" {
			t.Errorf("caller %d: %q, %v; want the current token", i, toks[i], errs[i])
		}
	}
	e.reg.Wait()
	other.Wait()
	if e.slack.refreshes != 1 {
		t.Errorf("%d refreshes, want 1", e.slack.refreshes)
	}
	if form := e.slack.forms[len(e.slack.forms)-1]; form.Get("refresh_token") != "xoxe-1-first-refresh" || form.Get("client_secret") != "shh" {
		t.Errorf("refresh sent %v", form)
	}
	if tok, err := e.reg.BotToken(ctx, team, ""); err != nil || tok != "xoxe.xoxb-refreshed-1" {
		t.Errorf("after the refresh: %q, %v", tok, err)
	}
	inst, _ := e.store.Installation(ctx, team)
	if want := e.clock.Now().Add(12 * time.Hour); inst.ExpiresAt.Sub(want).Abs() > time.Second {
		t.Errorf("new expiry %v, want %v", inst.ExpiresAt, want)
	}
	if raw := e.rawInstall(t, team); strings.Contains(raw, "xoxe") || strings.Contains(raw, "xoxb") {
		t.Errorf("refreshed pair kept in clear:\n%s", raw)
	}
}

func TestExpiredTokenIsRefreshedBeforeUse(t *testing.T) {
	team := redistest.Team(t)
	grant := grantFor(team)
	grant["refresh_token"], grant["expires_in"] = "xoxe-1-r", 600
	e := newEnv(t, grant)
	e.installed(t)
	e.clock.Add(11 * time.Minute)
	e.slack.refreshDelay = 300 * time.Millisecond
	other := e.replica(t, e.keys...)
	var wg sync.WaitGroup
	toks, errs := make([]string, 2), make([]error, 2)
	for i, reg := range []workspace.Tokens{e.reg, other} {
		wg.Go(func() { toks[i], errs[i] = reg.BotToken(context.Background(), team, "") })
	}
	wg.Wait()
	for i := range toks {
		if errs[i] != nil || toks[i] != "xoxe.xoxb-refreshed-1" {
			t.Errorf("caller %d: %q, %v; want the refreshed token", i, toks[i], errs[i])
		}
	}
	if e.slack.refreshes != 1 {
		t.Errorf("%d refreshes, want 1", e.slack.refreshes)
	}
}

func TestRefreshFailingAfterExpiryIsUnavailable(t *testing.T) {
	team := redistest.Team(t)
	grant := grantFor(team)
	grant["refresh_token"], grant["expires_in"] = "xoxe-1-r", 600
	e := newEnv(t, grant)
	e.installed(t)
	e.slack.Close() // Slack unreachable
	ctx := context.Background()
	e.clock.Add(8 * time.Minute)
	if tok, err := e.reg.BotToken(ctx, team, ""); err != nil || tok != "xoxb-"+team+"-secret" {
		t.Errorf("refresh failed before expiry: %q, %v; want the current token", tok, err)
	}
	e.reg.Wait()
	e.clock.Add(3 * time.Minute)
	if _, err := e.reg.BotToken(ctx, team, ""); salesbot.ErrorCode(err) != salesbot.EUNAVAILABLE {
		t.Errorf("refresh failed after expiry: %v; want EUNAVAILABLE", err)
	}
}

func TestRekeyResealsWithTheNewKey(t *testing.T) {
	team := redistest.Team(t)
	grant := grantFor(team)
	grant["refresh_token"], grant["expires_in"] = "xoxe-1-r", 43200
	old, next := newKey(t), newKey(t)
	e := newEnv(t, grant, old)
	e.installed(t)
	ctx := context.Background()
	before := e.rawInstall(t, team)

	rotating := e.replica(t, next, old)
	if tok, err := rotating.BotToken(ctx, team, ""); err != nil || tok != "xoxb-"+team+"-secret" {
		t.Fatalf("ring new,old: %q, %v", tok, err)
	}
	// The test Redis holds other tests' installations too, sealed with
	// keys this ring lacks: they are reported, not resealed.
	n, unopened, err := rotating.Rekey(ctx)
	if err != nil || n < 1 || slices.Contains(unopened, team) {
		t.Fatalf("rekey: %d resealed, unopened %v, %v", n, unopened, err)
	}
	if after := e.rawInstall(t, team); after == before {
		t.Error("rekey left the record as it was")
	}
	newOnly := e.replica(t, next)
	if tok, err := newOnly.BotToken(ctx, team, ""); err != nil || tok != "xoxb-"+team+"-secret" {
		t.Errorf("ring new alone after rekey: %q, %v", tok, err)
	}
	inst, _ := e.store.Installation(ctx, team)
	if inst.ExpiresAt.IsZero() || inst.RefreshToken == "" {
		t.Errorf("rekey lost the expiry or refresh token: %+v", inst)
	}
	if _, err := e.replica(t, old).BotToken(ctx, team, ""); err == nil {
		t.Error("the old key alone still opens the token after rekey")
	}
	if n, unopened, err := e.replica(t, next).Rekey(ctx); err != nil || n != 0 || slices.Contains(unopened, team) {
		t.Errorf("second rekey resealed %d, unopened %v (%v); want none", n, unopened, err)
	}
}

func TestUninstallStopsAtOnceAndReinstallKeepsTheData(t *testing.T) {
	team := redistest.Team(t)
	e := newEnv(t, grantFor(team))
	e.installed(t)
	ctx := context.Background()
	other := e.replica(t, e.keys...)
	if ok, _ := other.Installed(ctx, team, ""); !ok {
		t.Fatal("not installed")
	}
	now := e.clock.Now()
	if err := e.reg.Uninstall(ctx, team, "", "app_uninstalled", now); err != nil {
		t.Fatal(err)
	}
	if ok, err := e.reg.Installed(ctx, team, ""); ok || err != nil {
		t.Errorf("Installed after uninstall = %v, %v", ok, err)
	}
	// Another replica may answer Installed from its cache for 10 s, but
	// sends nothing: its BotToken reads Redis.
	if _, err := other.BotToken(ctx, team, ""); !errors.Is(err, workspace.ErrNotInstalled) {
		t.Errorf("other replica's BotToken: %v, want ErrNotInstalled", err)
	}
	e.clock.Add(11 * time.Second)
	if ok, _ := other.Installed(ctx, team, ""); ok {
		t.Error("other replica still says installed after 10 s")
	}
	if raw := e.rawInstall(t, team); strings.Contains(raw, "bot_token") {
		t.Errorf("sealed token kept after uninstall:\n%s", raw)
	}
	if !strings.Contains(e.log.String(), `"msg":"workspace uninstalled"`) {
		t.Errorf("no uninstall logged: %s", e.log)
	}

	e.installed(t) // reinstall within retention
	if ok, _ := e.reg.Installed(ctx, team, ""); !ok {
		t.Error("not installed after reinstall")
	}
	purged, err := e.reg.PurgeExpired(ctx, now.Add(31*24*time.Hour))
	if err != nil || slices.Contains(purged, team) {
		t.Errorf("purge after a reinstall: %v, %v", purged, err)
	}
	if ok, _ := e.store.IsManager(ctx, team, "UINSTALLER"); !ok {
		t.Error("reinstall lost the workspace's data")
	}
}

func TestPurgeAfterRetentionOnly(t *testing.T) {
	gone, kept := redistest.Team(t), redistest.Team(t)
	e := newEnv(t, grantFor(gone))
	e.installed(t)
	ctx := context.Background()
	for _, team := range []string{gone, kept} {
		for i := range 3 {
			lead := &salesbot.Lead{Team: team, Company: fmt.Sprintf("Acme %d", i), Owner: "U1", Grade: salesbot.GradeB}
			if _, err := e.store.CreateLead(ctx, lead, salesbot.Change{At: time.Now(), By: "U1"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	keptBefore := keysOf(t, e, kept)
	now := e.clock.Now()
	if err := e.reg.Uninstall(ctx, gone, "", "tokens_revoked", now); err != nil {
		t.Fatal(err)
	}
	if purged, err := e.reg.PurgeExpired(ctx, now.Add(29*24*time.Hour)); err != nil || slices.Contains(purged, gone) {
		t.Fatalf("purge before retention: %v, %v", purged, err)
	}
	if len(keysOf(t, e, gone)) == 0 {
		t.Fatal("data gone before retention")
	}
	// Two replicas purge at once: the workspace is purged once.
	var wg sync.WaitGroup
	results := make([][]string, 2)
	for i, reg := range []interface {
		PurgeExpired(context.Context, time.Time) ([]string, error)
	}{e.reg, e.replica(t, e.keys...)} {
		wg.Go(func() {
			var err error
			if results[i], err = reg.PurgeExpired(ctx, now.Add(30*24*time.Hour+time.Minute)); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := btoi(slices.Contains(results[0], gone)) + btoi(slices.Contains(results[1], gone)); n != 1 {
		t.Errorf("purged by %d replicas (%v), want 1", n, results)
	}
	if left := keysOf(t, e, gone); len(left) != 0 {
		t.Errorf("keys left: %v", left)
	}
	if after := keysOf(t, e, kept); !slices.Equal(after, keptBefore) {
		t.Errorf("other team's keys %v, want %v", after, keptBefore)
	}
	if n := strings.Count(e.log.String(), `"msg":"workspace purged","team":"`+gone+`","keys":`); n != 1 {
		t.Errorf("purge logged %d times:\n%s", n, e.log)
	}
	if ok, _ := e.reg.Installed(ctx, gone, ""); ok {
		t.Error("purged workspace still installed")
	}
}

func TestOrgWideUninstallPurgesItsTeams(t *testing.T) {
	ent := "E" + redistest.Team(t)[1:]
	e := newEnv(t, map[string]any{
		"ok": true, "token_type": "bot", "access_token": "xoxb-org", "is_enterprise_install": true,
		"enterprise": map[string]any{"id": ent, "name": "Big"}, "authed_user": map[string]any{"id": "UADMIN"},
	})
	e.installed(t)
	ctx := context.Background()
	team := redistest.Team(t)
	if ok, _ := e.reg.Installed(ctx, team, ent); !ok {
		t.Fatal("org-wide install does not serve its team")
	}
	if err := e.store.AddManager(ctx, team, "UBOSS"); err != nil {
		t.Fatal(err)
	}
	now := e.clock.Now()
	if err := e.reg.Uninstall(ctx, team, ent, "app_uninstalled", now); err != nil {
		t.Fatal(err)
	}
	if _, err := e.reg.BotToken(ctx, team, ent); !errors.Is(err, workspace.ErrNotInstalled) {
		t.Errorf("BotToken after the org-wide uninstall: %v", err)
	}
	purged, err := e.reg.PurgeExpired(ctx, now.Add(31*24*time.Hour))
	if err != nil || !slices.Contains(purged, ent) || !slices.Contains(purged, team) {
		t.Errorf("purged %v (%v); want %s and %s", purged, err, ent, team)
	}
	if left := append(keysOf(t, e, team), keysOf(t, e, ent)...); len(left) != 0 {
		t.Errorf("keys left: %v", left)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func keysOf(t *testing.T, e *env, team string) []string {
	t.Helper()
	keys, err := e.redis.Keys(context.Background(), "sb:{"+team+"}:*").Result()
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(keys)
	return keys
}

// TestInstalledIsOneRoundTripThenCached: Installed is on every command's
// path: a miss costs one round trip, a hit none, for at most 10 s.
func TestInstalledIsOneRoundTripThenCached(t *testing.T) {
	team := redistest.Team(t)
	e := newEnv(t, grantFor(team))
	e.installed(t)
	e.redis.AddHook(redistest.TripHook{})
	reg := e.replica(t, e.keys...)
	for _, tc := range []struct {
		name  string
		after time.Duration
		trips int64
	}{{"miss", 0, 1}, {"hit", 5 * time.Second, 0}, {"expired", 6 * time.Second, 1}} {
		e.clock.Add(tc.after)
		ctx, trips := redistest.CountTrips(context.Background())
		if ok, err := reg.Installed(ctx, team, "E0NOTORG"); !ok || err != nil {
			t.Fatalf("%s: Installed = %v, %v", tc.name, ok, err)
		}
		if trips.Count() != tc.trips {
			t.Errorf("%s: %d round trips (%v), want %d", tc.name, trips.Count(), trips.Names(), tc.trips)
		}
	}
	ctx, trips := redistest.CountTrips(context.Background())
	if _, err := reg.BotToken(ctx, team, ""); err != nil || trips.Count() != 1 {
		t.Errorf("BotToken: %d round trips (%v), err %v; want 1", trips.Count(), trips.Names(), err)
	}
}

// TestOnACluster: the flow, the org-wide link, uninstall and purge make no
// cross-slot request on a Redis Cluster.
func TestOnACluster(t *testing.T) {
	client, err := store.NewClient(redistest.Cluster(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	ent := "E" + redistest.Team(t)[1:]
	e := newEnvOn(t, client, map[string]any{
		"ok": true, "token_type": "bot", "access_token": "xoxb-org", "is_enterprise_install": true,
		"enterprise": map[string]any{"id": ent, "name": "Big"}, "authed_user": map[string]any{"id": "UADMIN"},
	})
	e.installed(t)
	ctx := context.Background()
	team := redistest.Team(t)
	if tok, err := e.reg.BotToken(ctx, team, ent); err != nil || tok != "xoxb-org" {
		t.Fatalf("BotToken(team, enterprise) = %q, %v", tok, err)
	}
	if tok, err := e.replica(t, e.keys...).BotToken(ctx, team, ""); err != nil || tok != "xoxb-org" {
		t.Fatalf("BotToken(team) = %q, %v", tok, err)
	}
	if err := e.store.AddManager(ctx, team, "UBOSS"); err != nil {
		t.Fatal(err)
	}
	now := e.clock.Now()
	if err := e.reg.Uninstall(ctx, ent, "", "app_uninstalled", now); err != nil {
		t.Fatal(err)
	}
	purged, err := e.reg.PurgeExpired(ctx, now.Add(31*24*time.Hour))
	if err != nil || !slices.Contains(purged, ent) || !slices.Contains(purged, team) {
		t.Errorf("purged %v, %v; want %s and %s", purged, err, ent, team)
	}
	if ok, _ := e.store.IsManager(ctx, team, "UBOSS"); ok {
		t.Error("the team's data survived the purge")
	}
}
