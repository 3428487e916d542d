package install_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"salesbot/internal/redistest"
)

// TestReinstallGrantsNoRights: only the first install makes its installer
// a manager; a member who installs the app again in a workspace that has
// managers gets no rights by it, and the page does not say otherwise. The
// reinstall wakes the workspace's sweep.
func TestReinstallGrantsNoRights(t *testing.T) {
	team := redistest.Team(t)
	e := newEnv(t, grantFor(team))
	ctx := context.Background()
	if rec := e.finish(t, e.startInstall(t)); rec.Code != http.StatusOK {
		t.Fatalf("first install: %d", rec.Code)
	}
	e.slack.grant["authed_user"] = map[string]any{"id": "UREP"}
	rec := e.finish(t, e.startInstall(t))
	if rec.Code != http.StatusOK {
		t.Fatalf("reinstall: %d", rec.Code)
	}
	if strings.Contains(rec.Body.String(), "you are its first manager") {
		t.Errorf("the reinstall's page says the member manages:\n%s", rec.Body)
	}
	managers, err := e.store.Managers(ctx, team)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(managers, []string{"UINSTALLER"}) {
		t.Errorf("managers after a member's reinstall: %v, want only the first installer", managers)
	}
	if at, ok, err := e.store.WakeAt(ctx, team); err != nil || !ok || at.UnixMilli() > 0 {
		t.Errorf("the reinstalled workspace's sweep is at %v (%v, %v), want due at once", at, ok, err)
	}
}

// TestRedirectOnlyInTheBrowserThatStarted: the redirect is refused, and
// nothing stored nor the state used up, in a browser without the install
// cookie (someone sent it an install they started); the browser that
// started finishes it.
func TestRedirectOnlyInTheBrowserThatStarted(t *testing.T) {
	team := redistest.Team(t)
	e := newEnv(t, grantFor(team))
	state := e.startInstall(t)
	other := e.startInstall(t)
	for name, cookie := range map[string]string{"no cookie": "", "another install's cookie": other} {
		rec := finishIn(e.reg, state, cookie)
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "another browser") {
			t.Errorf("%s: %d %s", name, rec.Code, rec.Body)
		}
	}
	if n := e.slack.accessCalls(); n != 0 {
		t.Errorf("oauth.v2.access called %d times for a refused redirect", n)
	}
	if rec := e.finish(t, state); rec.Code != http.StatusOK {
		t.Errorf("the browser that started: %d %s", rec.Code, rec.Body)
	}
}
