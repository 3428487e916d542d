package install_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"salesbot/install"
	"salesbot/internal/redistest"
	"salesbot/workspace"
)

func TestInstallStoresTheTokenSealedAndTheInstallerManages(t *testing.T) {
	team := redistest.Team(t)
	e := newEnv(t, grantFor(team))
	ctx := context.Background()

	rec := e.get(t, install.InstallPath)
	if rec.Code != http.StatusFound {
		t.Fatalf("/slack/install: %d, want 302", rec.Code)
	}
	loc, err := url.Parse(rec.Header().Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	q := loc.Query()
	if got := loc.Scheme + "://" + loc.Host + loc.Path; got != install.AuthorizeURL {
		t.Errorf("redirected to %s, want %s", got, install.AuthorizeURL)
	}
	if q.Get("client_id") != "123.456" || q.Get("scope") != strings.Join(install.BotScopes(), ",") ||
		q.Get("redirect_uri") != publicURL+"/slack/oauth_redirect" || q.Get("state") == "" {
		t.Errorf("authorize query %v", q)
	}

	rec = e.finish(t, q.Get("state"))
	if rec.Code != http.StatusOK {
		t.Fatalf("redirect: %d: %s", rec.Code, rec.Body)
	}
	body := rec.Body.String()
	for _, want := range []string{"/salesbot help", "/lead new", "first manager", "Acme &lt;Sales&gt;"} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "Acme <Sales>") {
		t.Error("the workspace name is not escaped")
	}
	form := e.slack.forms[0]
	if form.Get("code") != "the-code" || form.Get("client_secret") != "shh" || form.Get("redirect_uri") != publicURL+"/slack/oauth_redirect" {
		t.Errorf("oauth.v2.access got %v", form)
	}

	raw := e.rawInstall(t, team)
	if raw == "" || strings.Contains(raw, "xoxb-") || strings.Contains(raw, "secret") {
		t.Errorf("the stored installation shows the token (or is missing):\n%s", raw)
	}
	token, err := e.reg.BotToken(ctx, team, "")
	if err != nil || token != "xoxb-"+team+"-secret" {
		t.Errorf("BotToken = %q, %v", token, err)
	}
	inst, err := e.store.Installation(ctx, team)
	if err != nil || inst.BotUser != "USALESBOT" || inst.BotID != "BSALES" || inst.Installer != "UINSTALLER" ||
		!slices.Equal(inst.Scopes, []string{"commands", "chat:write"}) || inst.RefreshToken != "" {
		t.Errorf("installation %+v, err %v", inst, err)
	}
	if ok, err := e.store.IsManager(ctx, team, "UINSTALLER"); err != nil || !ok {
		t.Errorf("the installer is not a manager (%v)", err)
	}
	if ok, err := e.reg.Installed(ctx, team, ""); err != nil || !ok {
		t.Errorf("Installed = %v, %v", ok, err)
	}
	if ok, err := e.reg.Installed(ctx, redistest.Team(t), ""); err != nil || ok {
		t.Errorf("Installed of another team = %v, %v", ok, err)
	}
	if _, err := e.reg.BotToken(ctx, redistest.Team(t), ""); !errors.Is(err, workspace.ErrNotInstalled) {
		t.Errorf("BotToken of another team: %v, want ErrNotInstalled", err)
	}
}

func TestRedirectRefusesBadStatesAndStoresNothing(t *testing.T) {
	for _, tc := range []struct {
		name  string
		state func(t *testing.T, e *env) string
		says  string
	}{
		{"no state", func(*testing.T, *env) string { return "" }, "not valid"},
		{"bad signature", func(t *testing.T, e *env) string {
			s := e.startInstall(t)
			body, sig, _ := strings.Cut(s, ".")
			return body + "." + strings.Repeat("A", len(sig))
		}, "not valid"},
		{"another app's", func(t *testing.T, e *env) string {
			other := *e
			other.secret = "another app's secret"
			return stateOf(t, other.replica(t, e.keys...))
		}, "not valid"},
		{"expired", func(t *testing.T, e *env) string {
			s := e.startInstall(t)
			e.clock.Add(install.StateTTL + time.Second)
			return s
		}, "expired"},
		{"replayed", func(t *testing.T, e *env) string {
			s := e.startInstall(t)
			e.get(t, install.RedirectPath+"?error=access_denied&state="+url.QueryEscape(s))
			return s
		}, "already used"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			team := redistest.Team(t)
			e := newEnv(t, grantFor(team))
			rec := e.finish(t, tc.state(t, e))
			if rec.Code != http.StatusBadRequest {
				t.Errorf("answered %d, want 400", rec.Code)
			}
			body := rec.Body.String()
			if !strings.Contains(body, tc.says) || !strings.Contains(body, publicURL+"/slack/install") {
				t.Errorf("page does not say %q and how to start again:\n%s", tc.says, body)
			}
			if n := e.slack.accessCalls(); n != 0 {
				t.Errorf("oauth.v2.access called %d times", n)
			}
			if raw := e.rawInstall(t, team); raw != "" {
				t.Errorf("stored an installation:\n%s", raw)
			}
		})
	}
}

func TestStateWorksOnce(t *testing.T) {
	team := redistest.Team(t)
	e := newEnv(t, grantFor(team))
	state := e.startInstall(t)
	if rec := e.finish(t, state); rec.Code != http.StatusOK {
		t.Fatalf("first use: %d", rec.Code)
	}
	// Another replica: the state is used up in Redis, not in process.
	rec := finishIn(e.replica(t, e.keys...), state, state)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "already used") {
		t.Errorf("second use: %d %s", rec.Code, rec.Body)
	}
	if n := e.slack.accessCalls(); n != 1 {
		t.Errorf("oauth.v2.access called %d times, want 1", n)
	}
}

func TestAccessDeniedSaysNothingWasInstalled(t *testing.T) {
	team := redistest.Team(t)
	e := newEnv(t, grantFor(team))
	rec := e.get(t, install.RedirectPath+"?error=access_denied&state="+url.QueryEscape(e.startInstall(t)))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "was not installed") ||
		!strings.Contains(rec.Body.String(), publicURL+"/slack/install") {
		t.Errorf("access_denied: %d %s", rec.Code, rec.Body)
	}
	if e.slack.accessCalls() != 0 || e.rawInstall(t, team) != "" {
		t.Error("access_denied stored something or called Slack")
	}
	rec = e.get(t, install.RedirectPath+"?error=%3Cscript%3E&state=x")
	if rec.Code != http.StatusBadRequest || strings.Contains(rec.Body.String(), "<script>") {
		t.Errorf("another error: %d, unescaped or wrong: %s", rec.Code, rec.Body)
	}
}

func TestSlackRefusingTheCodeStoresNothing(t *testing.T) {
	team := redistest.Team(t)
	e := newEnv(t, map[string]any{"ok": false, "error": "invalid_code"})
	rec := e.finish(t, e.startInstall(t))
	if rec.Code != http.StatusBadGateway || !strings.Contains(rec.Body.String(), "/slack/install") {
		t.Errorf("answered %d: %s", rec.Code, rec.Body)
	}
	if e.rawInstall(t, team) != "" {
		t.Error("stored an installation")
	}
}

func TestOrgWideInstallServesTheEnterpriseTeams(t *testing.T) {
	ent := "E" + redistest.Team(t)[1:]
	e := newEnv(t, map[string]any{
		"ok": true, "token_type": "bot", "access_token": "xoxb-org-secret", "bot_user_id": "USALESBOT",
		"enterprise": map[string]any{"id": ent, "name": "Big Corp"}, "is_enterprise_install": true,
		"authed_user": map[string]any{"id": "UADMIN"},
	})
	ctx := context.Background()
	rec := e.finish(t, e.startInstall(t))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "for Big Corp") {
		t.Fatalf("org-wide install: %d %s", rec.Code, rec.Body)
	}
	if raw := e.rawInstall(t, ent); raw == "" || strings.Contains(raw, "xoxb-") {
		t.Errorf("org-wide installation kept in clear or not at all:\n%s", raw)
	}
	team := redistest.Team(t)
	if tok, err := e.reg.BotToken(ctx, team, ""); !errors.Is(err, workspace.ErrNotInstalled) {
		t.Errorf("a team of unknown enterprise got %q, %v", tok, err)
	}
	if tok, err := e.reg.BotToken(ctx, team, ent); err != nil || tok != "xoxb-org-secret" {
		t.Errorf("BotToken(team, enterprise) = %q, %v", tok, err)
	}
	// The scheduler knows only the team: the enterprise was remembered.
	if tok, err := e.replica(t, e.keys...).BotToken(ctx, team, ""); err != nil || tok != "xoxb-org-secret" {
		t.Errorf("BotToken(team) after a request named both = %q, %v", tok, err)
	}
	if ok, _ := e.reg.Installed(ctx, team, ent); !ok {
		t.Error("Installed(team, enterprise) = false")
	}
}

func TestBotScopesAreTheManifests(t *testing.T) {
	src, err := os.ReadFile("../deploy/slack-manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		OAuth struct {
			Scopes struct {
				Bot []string `yaml:"bot"`
			} `yaml:"scopes"`
			RedirectURLs []string `yaml:"redirect_urls"`
		} `yaml:"oauth_config"`
	}
	if err := yaml.Unmarshal(src, &m); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m.OAuth.Scopes.Bot, install.BotScopes()) {
		t.Errorf("manifest's bot scopes %v, install asks for %v", m.OAuth.Scopes.Bot, install.BotScopes())
	}
	if !slices.ContainsFunc(m.OAuth.RedirectURLs, func(u string) bool { return strings.HasSuffix(u, install.RedirectPath) }) {
		t.Errorf("manifest's redirect_urls %v lack one ending in %s", m.OAuth.RedirectURLs, install.RedirectPath)
	}
}
