package bot_test

import (
	"context"
	"crypto/rand"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"salesbot/bot"
	"salesbot/install"
	"salesbot/internal/fakeslack"
	"salesbot/internal/redistest"
	"salesbot/store"
	"salesbot/workspace"
)

// events records the events the transport hands on.
type events struct {
	mu   sync.Mutex
	seen []string
}

func (e *events) Command(context.Context, slack.SlashCommand) *slack.Msg { return nil }
func (e *events) Interaction(context.Context, slack.InteractionCallback) *slack.ViewSubmissionResponse {
	return nil
}
func (e *events) Event(_ context.Context, _ string, ev slackevents.EventsAPIInnerEvent) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.seen = append(e.seen, ev.Type)
}

// installedBot serves the bot's HTTP endpoints with the install flow and
// the uninstall events of reg, for a team installed there.
type installedBot struct {
	url   string
	team  string
	reg   *install.Registry
	store *store.Store
}

func newInstalledBot(t *testing.T, u bot.Uninstaller) *installedBot {
	t.Helper()
	client := redistest.Client(t)
	st := store.New(client)
	key := make([]byte, install.KeySize)
	_, _ = rand.Read(key)
	ring, err := install.NewKeyring([][]byte{key})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	reg, err := install.New(install.Config{Store: st, Redis: client, Keys: ring, ClientID: "1.2", ClientSecret: "shh", PublicURL: "https://bot.example.com", Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	team := redistest.Team(t)
	sealed, _ := ring.Seal("xoxb-"+team, team, "bot_token")
	if err := st.SaveInstallation(context.Background(), workspace.Installation{Team: team, BotToken: sealed, InstalledAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if u == nil {
		u = reg
	}
	server := bot.NewServer(&events{}, bot.NewVerifier(secret, nil), st, bot.NewMetrics(), log).Dedupe(st).Install(reg.Handler()).Uninstaller(u)
	ts := httptest.NewServer(server)
	t.Cleanup(ts.Close)
	return &installedBot{url: ts.URL, team: team, reg: reg, store: st}
}

func (b *installedBot) event(t *testing.T, id, inner string) int {
	t.Helper()
	body := `{"type":"event_callback","team_id":"` + b.team + `","event_id":"` + id + `","event":` + inner + `}`
	resp, err := http.DefaultClient.Do(signedRequest(t, b.url+"/slack/events", body, time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func (b *installedBot) installed(t *testing.T) bool {
	t.Helper()
	_, tokenErr := b.reg.BotToken(context.Background(), b.team, "")
	if tokenErr != nil && !errors.Is(tokenErr, workspace.ErrNotInstalled) {
		t.Fatal(tokenErr)
	}
	ok, err := b.reg.Installed(context.Background(), b.team, "")
	if err != nil {
		t.Fatal(err)
	}
	if ok != (tokenErr == nil) {
		t.Fatalf("Installed %v but BotToken err %v", ok, tokenErr)
	}
	return ok
}

func TestAppUninstalledEventUninstalls(t *testing.T) {
	b := newInstalledBot(t, nil)
	if !b.installed(t) {
		t.Fatal("not installed to begin with")
	}
	if status := b.event(t, "EvU1", `{"type":"app_uninstalled"}`); status != http.StatusOK {
		t.Fatalf("app_uninstalled answered %d", status)
	}
	if b.installed(t) {
		t.Error("still installed after app_uninstalled")
	}
	if _, err := b.reg.BotToken(context.Background(), b.team, ""); !errors.Is(err, workspace.ErrNotInstalled) {
		t.Errorf("BotToken after app_uninstalled: %v", err)
	}
	inst, err := b.store.Installation(context.Background(), b.team)
	if err != nil || inst.UninstalledAt.IsZero() || inst.BotToken != "" {
		t.Errorf("installation after app_uninstalled: %+v, %v", inst, err)
	}
}

func TestTokensRevokedUninstallsOnlyForBotTokens(t *testing.T) {
	b := newInstalledBot(t, nil)
	if status := b.event(t, "EvR1", `{"type":"tokens_revoked","tokens":{"oauth":["UX"]}}`); status != http.StatusOK {
		t.Fatalf("tokens_revoked answered %d", status)
	}
	if !b.installed(t) {
		t.Error("a revoked user token uninstalled the bot")
	}
	if status := b.event(t, "EvR2", `{"type":"tokens_revoked","tokens":{"bot":["UBOT"]}}`); status != http.StatusOK {
		t.Fatalf("tokens_revoked answered %d", status)
	}
	if b.installed(t) {
		t.Error("still installed after its bot token was revoked")
	}
}

// flaky fails its first uninstall, as Redis down would.
type flaky struct {
	next  bot.Uninstaller
	calls int
}

func (f *flaky) Uninstall(ctx context.Context, team, enterprise, reason string, now time.Time) error {
	if f.calls++; f.calls == 1 {
		return errors.New("redis down")
	}
	return f.next.Uninstall(ctx, team, enterprise, reason, now)
}

func TestUninstallThatFailsIsRetriedBySlack(t *testing.T) {
	f := &flaky{}
	b := newInstalledBot(t, f)
	f.next = b.reg
	if status := b.event(t, "EvF1", `{"type":"app_uninstalled"}`); status != http.StatusServiceUnavailable {
		t.Errorf("failed uninstall answered %d, want 503 (Slack retries)", status)
	}
	if !b.installed(t) {
		t.Fatal("uninstalled although it failed")
	}
	// Slack's retry carries the same event_id: not dropped as a duplicate.
	if status := b.event(t, "EvF1", `{"type":"app_uninstalled"}`); status != http.StatusOK {
		t.Errorf("retry answered %d", status)
	}
	if b.installed(t) {
		t.Error("the retry did not uninstall")
	}
}

func TestInstallRoutesNeedNoSignature(t *testing.T) {
	b := newInstalledBot(t, nil)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(b.url + "/slack/install")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(resp.Header.Get("Location"), install.AuthorizeURL+"?") {
		t.Errorf("/slack/install: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, err = client.Get(b.url + "/slack/oauth_redirect?code=x&state=forged")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("/slack/oauth_redirect with a forged state: %d, want 400", resp.StatusCode)
	}
}

func TestAppUninstalledOverSocketMode(t *testing.T) {
	b := newInstalledBot(t, nil)
	fs := fakeslack.New(t)
	acks := make(chan map[string]any, 4)
	upgrader := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	fs.Socket = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer conn.Close()
		_ = conn.WriteJSON(map[string]any{"type": "hello", "num_connections": 1})
		_ = conn.WriteJSON(map[string]any{"type": "events_api", "envelope_id": "env-1", "payload": map[string]any{
			"type": "event_callback", "team_id": b.team, "event_id": "EvS1", "event": map[string]any{"type": "app_uninstalled"},
		}})
		for {
			var ack map[string]any
			if err := conn.ReadJSON(&ack); err != nil {
				return
			}
			acks <- ack
		}
	})
	api := slack.New("xoxb-test", slack.OptionAPIURL(fs.APIURL()), slack.OptionAppLevelToken("xapp-test"))
	sm := bot.NewSocketMode(socketmode.New(api), &events{}, nil, slog.New(slog.NewTextHandler(io.Discard, nil))).Uninstaller(b.reg)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- sm.Run(ctx) }()
	waitAck(t, acks)
	cancel()
	waitDone(t, done)
	if b.installed(t) {
		t.Error("still installed after app_uninstalled over Socket Mode")
	}
}
