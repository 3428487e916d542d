package main

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"salesbot/bot"
	"salesbot/install"
	"salesbot/internal/fakeslack"
	"salesbot/internal/redistest"
	"salesbot/store"
	"salesbot/workspace"
)

func b64key(fill byte) string {
	return base64.StdEncoding.EncodeToString([]byte(strings.Repeat(string(fill), 32)))
}

func oauthEnv() map[string]string {
	return map[string]string{
		"SLACK_SIGNING_SECRET": "s3cret", "SLACK_CLIENT_ID": "123.456", "SLACK_CLIENT_SECRET": "shh",
		"SALESBOT_PUBLIC_URL": "https://bot.example.com/", "SALESBOT_ENCRYPTION_KEY": b64key('n') + ", " + b64key('o'),
	}
}

func TestLoadConfigOAuth(t *testing.T) {
	c, err := LoadConfig(env(oauthEnv()), true)
	if err != nil {
		t.Fatalf("OAuth without SLACK_BOT_TOKEN: %v", err)
	}
	o := c.OAuth
	if o == nil || o.ClientID != "123.456" || o.ClientSecret != "shh" || o.PublicURL != "https://bot.example.com" ||
		len(o.Keys) != 2 || string(o.Keys[0]) != strings.Repeat("n", 32) || o.Retention != 30*24*time.Hour {
		t.Fatalf("OAuth settings %+v", o)
	}
	if c, err := LoadConfig(env(goodEnv()), true); err != nil || c.OAuth != nil {
		t.Errorf("single workspace: OAuth %+v, %v; want off", c.OAuth, err)
	}
	for value, want := range map[string]time.Duration{"2d": 48 * time.Hour, "36h": 36 * time.Hour, "90m": 90 * time.Minute} {
		e := oauthEnv()
		e["SALESBOT_RETENTION"] = value
		if c, err := LoadConfig(env(e), true); err != nil || c.OAuth.Retention != want {
			t.Errorf("SALESBOT_RETENTION=%s: %v, %v", value, c.OAuth, err)
		}
	}
}

func TestLoadConfigOAuthNamesWhatIsWrong(t *testing.T) {
	for _, tc := range []struct {
		set  map[string]string
		want string
	}{
		{map[string]string{"SLACK_CLIENT_ID": ""}, "SLACK_CLIENT_ID"},
		{map[string]string{"SLACK_CLIENT_SECRET": ""}, "SLACK_CLIENT_SECRET"},
		{map[string]string{"SALESBOT_PUBLIC_URL": ""}, "SALESBOT_PUBLIC_URL"},
		{map[string]string{"SALESBOT_PUBLIC_URL": "http://bot.example.com"}, "SALESBOT_PUBLIC_URL"},
		{map[string]string{"SALESBOT_PUBLIC_URL": "https://bot.example.com/?x=1"}, "SALESBOT_PUBLIC_URL"},
		{map[string]string{"SALESBOT_PUBLIC_URL": "bot.example.com"}, "SALESBOT_PUBLIC_URL"},
		{map[string]string{"SALESBOT_ENCRYPTION_KEY": ""}, "SALESBOT_ENCRYPTION_KEY"},
		{map[string]string{"SALESBOT_ENCRYPTION_KEY": "c2hvcnQ="}, "SALESBOT_ENCRYPTION_KEY"},
		{map[string]string{"SALESBOT_ENCRYPTION_KEY": b64key('n') + ",not base64"}, "SALESBOT_ENCRYPTION_KEY"},
		{map[string]string{"SALESBOT_RETENTION": "forever"}, "SALESBOT_RETENTION"},
		{map[string]string{"SALESBOT_RETENTION": "0d"}, "SALESBOT_RETENTION"},
	} {
		e := oauthEnv()
		for k, v := range tc.set {
			e[k] = v
		}
		_, err := LoadConfig(env(e), true)
		var se *SettingError
		if !errors.As(err, &se) || se.Name != tc.want || strings.Contains(err.Error(), strings.Repeat("n", 32)) {
			t.Errorf("%v: %v; want a SettingError naming %s", tc.set, err, tc.want)
		}
	}
	// A partial set says what is there and what is not.
	_, err := LoadConfig(env(map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SLACK_CLIENT_ID": "1.2"}), true)
	if err == nil || !strings.Contains(err.Error(), "SLACK_CLIENT_ID set") || !strings.Contains(err.Error(), "SLACK_CLIENT_SECRET, SALESBOT_PUBLIC_URL not") {
		t.Errorf("partial OAuth settings: %v", err)
	}
	// Without OAuth the bot token is still required.
	if _, err := LoadConfig(env(map[string]string{"SLACK_SIGNING_SECRET": "s"}), true); err == nil || !strings.Contains(err.Error(), "SLACK_BOT_TOKEN") {
		t.Errorf("neither bot token nor OAuth: %v", err)
	}
}

// sealedInstall keeps an installation of team sealed with keys, as the
// install flow would.
func sealedInstall(t *testing.T, st *store.Store, team, token string, keys ...[]byte) {
	t.Helper()
	ring, err := install.NewKeyring(keys)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := ring.Seal(token, team, "bot_token")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SaveInstallation(context.Background(), workspace.Installation{Team: team, BotToken: sealed, InstalledAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
}

// serveOAuth runs serve with the OAuth install on (oauthEnv), calling
// Slack's Web API at apiURL, until the test ends; it returns it and its
// address once it answers.
func serveOAuth(t *testing.T, apiURL string) (*Main, string) {
	t.Helper()
	e := oauthEnv()
	addr := freeAddr(t)
	e["LISTEN_ADDR"], e["REDIS_URL"], e["SLACK_API_URL"] = addr, redistest.URL(t), apiURL
	cfg, err := LoadConfig(env(e), true)
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewMain(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
		_ = m.Close()
	})
	waitHTTP(t, "http://"+addr+"/healthz")
	return m, addr
}

// TestServeWithOAuth: serve with OAuth and no bot token starts, sends the
// install link to Slack, and uninstalls a workspace on app_uninstalled.
func TestServeWithOAuth(t *testing.T) {
	fs := fakeslack.New(t)
	m, addr := serveOAuth(t, fs.APIURL())
	team := redistest.Team(t)
	sealedInstall(t, m.store, team, "xoxb-"+team, m.cfg.OAuth.Keys...)
	ctx := t.Context()

	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get("http://" + addr + "/slack/install")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusFound || !strings.Contains(loc, "redirect_uri=https%3A%2F%2Fbot.example.com%2Fslack%2Foauth_redirect") {
		t.Errorf("/slack/install: %d → %s", resp.StatusCode, loc)
	}

	body := `{"type":"event_callback","team_id":"` + team + `","event_id":"EvServe1","event":{"type":"app_uninstalled"}}`
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/slack/events", strings.NewReader(body))
	stamp := strconv.FormatInt(time.Now().Unix(), 10)
	req.Header.Set("X-Slack-Request-Timestamp", stamp)
	req.Header.Set("X-Slack-Signature", bot.Sign([]byte("s3cret"), stamp, []byte(body)))
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("app_uninstalled answered %d", resp.StatusCode)
	}
	if _, err := m.registry.BotToken(ctx, team, ""); !errors.Is(err, workspace.ErrNotInstalled) {
		t.Errorf("BotToken after app_uninstalled: %v", err)
	}
}

// TestRekeyCommand: the rotation as README tells it — new key first, rekey,
// then the new key alone opens every token.
func TestRekeyCommand(t *testing.T) {
	st := store.New(redistest.Client(t))
	team := redistest.Team(t)
	oldKey := []byte(strings.Repeat("o", 32))
	sealedInstall(t, st, team, "xoxb-rekeyed", oldKey)
	e := oauthEnv() // SALESBOT_ENCRYPTION_KEY = new, old
	e["REDIS_URL"] = redistest.URL(t)
	var out strings.Builder
	if err := run(t.Context(), []string{"rekey"}, env(e), strings.NewReader(""), &out, io.Discard); err != nil {
		t.Fatalf("rekey: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "resealed 1 installation(s)") {
		t.Errorf("rekey said %q", out.String())
	}
	e["SALESBOT_ENCRYPTION_KEY"] = b64key('n')
	cfg, err := LoadConfig(env(e), false)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := newRegistry(cfg, redistest.Client(t), st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if tok, err := reg.BotToken(t.Context(), team, ""); err != nil || tok != "xoxb-rekeyed" {
		t.Errorf("new key alone after rekey: %q, %v", tok, err)
	}
	// Without OAuth settings rekey says what it needs.
	if err := run(t.Context(), []string{"rekey"}, env(map[string]string{"REDIS_URL": redistest.URL(t)}), strings.NewReader(""), io.Discard, io.Discard); err == nil {
		t.Error("rekey without settings succeeded")
	}
}
