package main

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"salesbot/internal/redistest"
)

// TestSlackCallsHaveADeadline points the bot NewMain wires at a Slack that
// answers auth.test (NewMain asks it which workspace the token belongs to)
// and then accepts connections and never answers: each Web API call, made
// with a context that has no deadline (as the sweep's process context has
// none), still returns an error instead of hanging.
func TestSlackCallsHaveADeadline(t *testing.T) {
	release := make(chan struct{})
	stalled := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/auth.test") {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"ok":true,"team_id":"T0STALL","user_id":"U0BOT"}`))
			return
		}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(stalled.Close)
	t.Cleanup(func() { close(release) }) // runs before stalled.Close

	getenv := env(map[string]string{
		"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s3cret",
		"SLACK_API_URL": stalled.URL + "/api/", "REDIS_URL": redistest.URL(t),
	})
	cfg, err := LoadConfig(getenv, true)
	if err != nil {
		t.Fatal(err)
	}
	cfg.SlackTimeout = 300 * time.Millisecond
	m, err := NewMain(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close() })

	calls := []struct {
		name string
		call func(ctx context.Context) error
	}{
		{"chat.postMessage", func(ctx context.Context) error {
			_, _, err := m.api.PostMessageContext(ctx, "U0OWNER", slack.MsgOptionText("a reminder", false))
			return err
		}},
		{"users.info (the directory's look-up)", func(ctx context.Context) error {
			_, err := m.api.GetUserInfoContext(ctx, "U0OWNER")
			return err
		}},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() { done <- c.call(context.Background()) }()
			select {
			case err := <-done:
				if err == nil {
					t.Fatal("a Slack that never answers gave no error")
				}
			case <-time.After(time.Minute):
				t.Fatal("the call is still waiting for a Slack that never answers")
			}
		})
	}
}

func TestSlackHTTPClientDefaults(t *testing.T) {
	c := newSlackHTTPClient(0)
	tr, ok := c.Transport.(*http.Transport)
	if !ok {
		t.Fatalf("transport is a %T", c.Transport)
	}
	if c.Timeout != defaultSlackTimeout || tr.ResponseHeaderTimeout != defaultSlackTimeout || tr.TLSHandshakeTimeout != slackConnectTimeout {
		t.Errorf("timeouts: overall %v, response header %v, TLS handshake %v", c.Timeout, tr.ResponseHeaderTimeout, tr.TLSHandshakeTimeout)
	}
}
