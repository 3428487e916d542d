package bot_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"salesbot/bot"
	"salesbot/handlers"
	"salesbot/internal/fakeslack"
	"salesbot/service"
	"salesbot/store"
)

// Slack's published example request (docs: "Verifying requests from Slack").
func TestVerifierSlackExample(t *testing.T) {
	const (
		exampleSecret = "8f742231b10e8888abcd99yyyzzz85a5"
		ts            = "1531420618"
		body          = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
		want          = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
	)
	if got := bot.Sign([]byte(exampleSecret), ts, []byte(body)); got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
	then := time.Unix(1531420618, 0)
	header := http.Header{}
	header.Set("X-Slack-Request-Timestamp", ts)
	header.Set("X-Slack-Signature", want)
	cases := []struct {
		name   string
		now    time.Time
		secret string
		body   string
		want   error
	}{
		{"example verifies at its own time", then.Add(time.Minute), exampleSecret, body, nil},
		{"stale by six minutes", then.Add(6 * time.Minute), exampleSecret, body, bot.ErrStaleTimestamp},
		{"from the future", then.Add(-6 * time.Minute), exampleSecret, body, bot.ErrStaleTimestamp},
		{"other secret", then, "another-secret", body, bot.ErrBadSignature},
		{"changed body", then, exampleSecret, body + "x", bot.ErrBadSignature},
	}
	for _, c := range cases {
		v := bot.NewVerifier(c.secret, func() time.Time { return c.now })
		if err := v.Verify(header, []byte(c.body)); !errors.Is(err, c.want) {
			t.Errorf("%s: err %v, want %v", c.name, err, c.want)
		}
	}
	if err := bot.NewVerifier(exampleSecret, nil).Verify(http.Header{}, []byte(body)); !errors.Is(err, bot.ErrMissingSignature) {
		t.Errorf("no headers: %v", err)
	}
}

// newDownBot serves the same handlers on a store whose Redis is a closed port.
func newDownBot(t *testing.T, h *harness) *httptest.Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	client, err := store.NewClient("redis://" + addr + "/0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	st := store.New(client)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	api := slack.New("xoxb-test", slack.OptionAPIURL(h.slack.APIURL()))
	svc := service.New(service.Config{Store: st, Logger: log})
	hd := handlers.New(st, api, handlers.Config{Logger: log, Digests: svc, Reports: svc, Teams: svc, Reminders: svc})
	srv := httptest.NewServer(bot.NewServer(hd, bot.NewVerifier(secret, nil), st, nil, log))
	t.Cleanup(srv.Close)
	return srv
}

// socketSession runs Socket Mode for handler against the fake Slack, which
// says hello and then delivers one slash-command envelope carrying form. It
// returns the acknowledgements read back, a cancel that stops Run (as
// SIGTERM does), and Run's result.
func socketSession(t *testing.T, fs *fakeslack.Server, handler bot.Handler, form url.Values) (<-chan map[string]any, context.CancelFunc, <-chan error) {
	t.Helper()
	acks := make(chan map[string]any, 4)
	upgrader := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	fs.Socket = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer conn.Close()
		_ = conn.WriteJSON(map[string]any{"type": "hello", "num_connections": 1})
		payload := map[string]string{}
		for k := range form {
			payload[k] = form.Get(k)
		}
		_ = conn.WriteJSON(map[string]any{"type": "slash_commands", "envelope_id": "env-1", "payload": payload, "accepts_response_payload": true})
		for {
			var ack map[string]any
			if err := conn.ReadJSON(&ack); err != nil {
				return
			}
			acks <- ack
		}
	})
	api := slack.New("xoxb-test", slack.OptionAPIURL(fs.APIURL()), slack.OptionAppLevelToken("xapp-test"))
	sm := bot.NewSocketMode(socketmode.New(api), handler, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- sm.Run(ctx) }()
	t.Cleanup(cancel)
	return acks, cancel, done
}

func waitAck(t *testing.T, acks <-chan map[string]any) map[string]any {
	t.Helper()
	select {
	case ack := <-acks:
		if ack["envelope_id"] != "env-1" {
			t.Fatalf("ack %v", ack)
		}
		return ack
	case <-time.After(10 * time.Second):
		t.Fatal("no ack over Socket Mode")
	}
	return nil
}

func waitDone(t *testing.T, done <-chan error) {
	t.Helper()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run after cancel: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Socket Mode did not stop")
	}
}

// TestSocketMode delivers a slash command over a fake Socket Mode websocket
// and checks that the acknowledgement carries the reply, and that the
// command reached Redis.
func TestSocketMode(t *testing.T) {
	h := newHarness(t)
	acks, cancel, done := socketSession(t, h.slack, h.h, h.commandForm(rep, "/lead new Soylent"))
	b, _ := json.Marshal(waitAck(t, acks)["payload"])
	mustContain(t, "ack payload", string(b), "Soylent", "your lead", "ephemeral")
	if l := h.lead("Soylent"); l.Owner != rep {
		t.Fatalf("owner %s", l.Owner)
	}
	cancel()
	waitDone(t, done)
}

// stubHandler answers every command with reply, after delay.
type stubHandler struct {
	reply   *slack.Msg
	delay   time.Duration
	started chan struct{}
}

func (s stubHandler) Command(context.Context, slack.SlashCommand) *slack.Msg {
	close(s.started)
	time.Sleep(s.delay)
	return s.reply
}

func (stubHandler) Interaction(context.Context, slack.InteractionCallback) *slack.ViewSubmissionResponse {
	return nil
}

func (stubHandler) Event(context.Context, string, slackevents.EventsAPIInnerEvent) {}

// A reply too large for an acknowledgement goes through response_url.
func TestSocketModeLargeReply(t *testing.T) {
	fs := fakeslack.New(t)
	big := &slack.Msg{ResponseType: slack.ResponseTypeEphemeral, Text: strings.Repeat("pipeline line ", 2000)}
	form := url.Values{"command": {"/lead"}, "team_id": {"T1"}, "user_id": {"U1"}, "response_url": {fs.ResponseURL("big")}}
	acks, cancel, done := socketSession(t, fs, stubHandler{reply: big, started: make(chan struct{})}, form)
	if ack := waitAck(t, acks); ack["payload"] != nil {
		t.Errorf("large reply sent as the ack")
	}
	posted := fs.WaitFor(t, "response", 1)[0]
	if !strings.Contains(posted.Param("text"), "pipeline line") || posted.Param("response_type") != "ephemeral" {
		t.Errorf("response_url got %v", posted.JSON)
	}
	cancel()
	waitDone(t, done)
}

// A request received before shutdown is still answered.
func TestSocketModeFinishesInFlightOnShutdown(t *testing.T) {
	fs := fakeslack.New(t)
	stub := stubHandler{reply: &slack.Msg{Text: "done in time"}, delay: 500 * time.Millisecond, started: make(chan struct{})}
	acks, cancel, done := socketSession(t, fs, stub, url.Values{"command": {"/lead"}, "team_id": {"T1"}, "user_id": {"U1"}})
	select {
	case <-stub.started:
	case <-time.After(10 * time.Second):
		t.Fatal("command never reached the handler")
	}
	cancel() // SIGTERM while the command is being handled
	b, _ := json.Marshal(waitAck(t, acks)["payload"])
	mustContain(t, "in-flight ack", string(b), "done in time")
	waitDone(t, done)
}
