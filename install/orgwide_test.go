package install_test

import (
	"context"
	"testing"
	"time"

	"salesbot/internal/redistest"
)

// orgGrantFor is oauth.v2.access's answer for an org-wide install of
// enterprise.
func orgGrantFor(enterprise string) map[string]any {
	return map[string]any{
		"ok": true, "token_type": "bot", "access_token": "xoxb-" + enterprise + "-org", "scope": "commands,chat:write",
		"bot_user_id": "USALESBOT", "app_id": "A1", "is_enterprise_install": true,
		"enterprise": map[string]any{"id": enterprise, "name": "Acme Group"}, "authed_user": map[string]any{"id": "UINSTALLER"},
	}
}

// TestOrgWideReinstallWakesItsWorkspaces: an organization installs the app
// org-wide again (after an uninstall, within the retention): the sweeps of
// the workspaces it serves are due at once, not at the time planned while
// it was away.
func TestOrgWideReinstallWakesItsWorkspaces(t *testing.T) {
	t1, t2 := redistest.Team(t), redistest.Team(t)
	ent := "E" + redistest.Team(t)[1:]
	e := newEnv(t, orgGrantFor(ent))
	ctx := context.Background()
	e.installed(t)
	later := e.clock.Now().Add(time.Hour)
	for _, team := range []string{t1, t2} {
		if err := e.store.LinkTeam(ctx, team, ent); err != nil {
			t.Fatal(err)
		}
		// The team's sweep planned an hour ahead, as a sweep leaves it.
		claimEnd := e.clock.Now().Add(time.Minute)
		if err := e.store.Wake(ctx, team); err != nil {
			t.Fatal(err)
		}
		if got, err := e.store.ClaimWakesOf(ctx, []string{team}, e.clock.Now(), claimEnd); err != nil || len(got) != 1 {
			t.Fatalf("claim %s: %v %v", team, got, err)
		}
		if err := e.store.SetWakes(ctx, claimEnd, map[string]time.Time{team: later}); err != nil {
			t.Fatal(err)
		}
		if at, ok, err := e.store.WakeAt(ctx, team); err != nil || !ok || !at.Equal(later.Truncate(time.Millisecond)) {
			t.Fatalf("%s's sweep planned at %v (%v, %v), want %v", team, at, ok, err, later)
		}
	}
	if err := e.reg.Uninstall(ctx, "", ent, "app_uninstalled", e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	e.installed(t)
	for _, team := range []string{t1, t2} {
		if at, ok, err := e.store.WakeAt(ctx, team); err != nil || !ok || at.UnixMilli() > 0 {
			t.Errorf("%s's sweep after the org-wide reinstall is at %v (%v, %v), want due at once", team, at, ok, err)
		}
		if ok, err := e.reg.Installed(ctx, team, ""); err != nil || !ok {
			t.Errorf("%s not served after the org-wide reinstall: %v %v", team, ok, err)
		}
	}
}
