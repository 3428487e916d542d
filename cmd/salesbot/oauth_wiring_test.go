package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"salesbot/internal/fakeslack"
	"salesbot/internal/logctx"
	"salesbot/internal/redistest"
	"salesbot/store"
	"salesbot/workspace"
)

// registry is a map-backed workspace.Registry: each installed team's token.
type registry struct {
	mu     sync.Mutex
	tokens map[string]string
}

func (r *registry) BotToken(_ context.Context, team, _ string) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if t := r.tokens[team]; t != "" {
		return t, nil
	}
	return "", workspace.ErrNotInstalled
}

func (r *registry) Installed(ctx context.Context, team, enterprise string) (bool, error) {
	_, err := r.BotToken(ctx, team, enterprise)
	return err == nil, nil
}

func (r *registry) Uninstall(context.Context, string, string, string, time.Time) error { return nil }

func (r *registry) PurgeExpired(context.Context, time.Time) ([]string, error) { return nil, nil }

// TestServeWiresTheOAuthInstall: with a registry (the OAuth install),
// serve asks Slack nothing at start, serves every installed workspace
// with its own token, refuses the others with the install link, and says
// that SALESBOT_MANAGERS applies to none.
func TestServeWiresTheOAuthInstall(t *testing.T) {
	fs := fakeslack.New(t)
	fs.SetUser("U1", fakeslack.User{Name: "One", TZ: "Asia/Shanghai"})
	cfg, err := LoadConfig(env(map[string]string{
		"SLACK_BOT_TOKEN": "xoxb-unused", "SLACK_SIGNING_SECRET": "s3cret", "SLACK_API_URL": fs.APIURL(),
		"REDIS_URL": redistest.URL(t), "SALESBOT_MANAGERS": "U0BOSS",
	}), true)
	if err != nil {
		t.Fatal(err)
	}
	cfg.BotToken = ""
	cfg.OAuth = &OAuthConfig{ClientID: "1.2", ClientSecret: "x", PublicURL: "https://bot.example.com/"}
	client, err := store.NewClient(cfg.RedisURL)
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	t1, t2 := redistest.Team(t), redistest.Team(t)
	reg := &registry{tokens: map[string]string{t1: "xoxb-one"}}
	m, err := newMain(cfg, slog.New(slog.NewTextHandler(&logs, nil)), client, reg, []slack.Option{slack.OptionAPIURL(fs.APIURL())})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close() })
	if calls := fs.Calls("auth.test"); len(calls) != 0 {
		t.Errorf("auth.test asked at start with the OAuth install")
	}
	if !strings.Contains(logs.String(), "SALESBOT_MANAGERS is ignored") {
		t.Errorf("no warning about SALESBOT_MANAGERS: %s", logs.String())
	}

	command := func(team, line string) string {
		name, text, _ := strings.Cut(line, " ")
		ctx := logctx.WithWorkspace(t.Context(), logctx.Workspace{Team: team})
		msg := m.handler.Command(ctx, slack.SlashCommand{TeamID: team, UserID: "U1", ChannelID: "C1", Command: name, Text: text, TriggerID: "tr"})
		m.handler.Wait()
		if msg == nil {
			return ""
		}
		return msg.Text
	}
	if got := command(t1, "/lead new Acme"); !strings.Contains(got, "Acme") {
		t.Errorf("installed workspace: %q", got)
	}
	if got := command(t1, "/salesbot managers"); strings.Contains(got, "U0BOSS") {
		t.Errorf("SALESBOT_MANAGERS counted in an installed workspace: %q", got)
	}
	if got := command(t2, "/lead new Acme"); !strings.Contains(got, "<https://bot.example.com/slack/install>") {
		t.Errorf("uninstalled workspace: %q", got)
	}
	command(t1, "/visit")
	for _, c := range fs.Calls("") {
		if c.Token != "xoxb-one" {
			t.Errorf("%s made with %q, want the workspace's token", c.Method, c.Token)
		}
	}
	if len(fs.Calls("views.open")) != 1 {
		t.Errorf("the installed workspace's form was not opened: %v", fs.Calls(""))
	}
}
