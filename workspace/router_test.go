package workspace_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"salesbot/internal/fakeslack"
	"salesbot/internal/logctx"
	"salesbot/workspace"
)

// registry is a map-backed workspace.Registry: team → token, "" for a
// workspace with no installation. It counts the calls made to it.
type registry struct {
	mu     sync.Mutex
	tokens map[string]string
	asked  atomic.Int64
}

func (r *registry) BotToken(_ context.Context, team, _ string) (string, error) {
	r.asked.Add(1)
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

func (r *registry) Uninstall(_ context.Context, team, _, _ string, _ time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.tokens, team)
	return nil
}

func (r *registry) PurgeExpired(context.Context, time.Time) ([]string, error) { return nil, nil }

var _ workspace.Registry = (*registry)(nil)

func in(team string) context.Context {
	return logctx.WithWorkspace(context.Background(), logctx.Workspace{Team: team})
}

// countingClient is an HTTP client that counts the requests it carries.
func countingClient(n *atomic.Int64) *http.Client {
	return &http.Client{Timeout: 5 * time.Second, Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		n.Add(1)
		return http.DefaultTransport.RoundTrip(r)
	})}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestRouterCallsWithEachWorkspacesToken(t *testing.T) {
	fs := fakeslack.New(t)
	fs.SetUser("U1", fakeslack.User{Name: "One", TZ: "Asia/Shanghai"})
	reg := &registry{tokens: map[string]string{"T1": "xoxb-one", "T2": "xoxb-two"}}
	var carried atomic.Int64
	r := workspace.NewRouter(workspace.RouterConfig{Tokens: reg, Options: []slack.Option{
		slack.OptionAPIURL(fs.APIURL()), slack.OptionHTTPClient(countingClient(&carried)),
	}})
	for _, team := range []string{"T1", "T2", "T1"} {
		ctx := in(team)
		if _, _, err := r.PostMessageContext(ctx, "C1", slack.MsgOptionText("hi "+team, false)); err != nil {
			t.Fatal(err)
		}
		if _, err := r.OpenViewContext(ctx, "trigger", slack.ModalViewRequest{Type: slack.VTModal, Title: slack.NewTextBlockObject("plain_text", "x", false, false)}); err != nil {
			t.Fatal(err)
		}
		if _, err := r.GetUserInfoContext(ctx, "U1"); err != nil {
			t.Fatal(err)
		}
	}
	for method, want := range map[string][]string{
		"chat.postMessage": {"xoxb-one", "xoxb-two", "xoxb-one"},
		"views.open":       {"xoxb-one", "xoxb-two", "xoxb-one"},
		"users.info":       {"xoxb-one", "xoxb-two", "xoxb-one"},
	} {
		calls := fs.Calls(method)
		if len(calls) != len(want) {
			t.Fatalf("%s: %d calls, want %d", method, len(calls), len(want))
		}
		for i, c := range calls {
			if c.Token != want[i] {
				t.Errorf("%s call %d carried %q, want %q", method, i, c.Token, want[i])
			}
		}
	}
	if n := r.Cached(); n != 2 {
		t.Errorf("%d clients kept for two tokens, want 2", n)
	}
	if n := carried.Load(); n != 9 {
		t.Errorf("the shared HTTP client carried %d requests, want all 9", n)
	}
}

func TestRouterRefusesACallWithNoWorkspaceOrNoInstallation(t *testing.T) {
	fs := fakeslack.New(t)
	reg := &registry{tokens: map[string]string{"T1": "xoxb-one"}}
	r := workspace.NewRouter(workspace.RouterConfig{Tokens: reg, Options: []slack.Option{slack.OptionAPIURL(fs.APIURL())}})

	_, _, err := r.PostMessageContext(context.Background(), "C1", slack.MsgOptionText("hi", false))
	if !errors.Is(err, workspace.ErrNoWorkspace) {
		t.Errorf("no workspace: err %v, want ErrNoWorkspace", err)
	}
	if err == nil || !strings.Contains(err.Error(), "chat.postMessage") {
		t.Errorf("the error does not name the call: %v", err)
	}
	// A workspace with an enterprise but no team names no workspace either.
	ctx := logctx.WithWorkspace(context.Background(), logctx.Workspace{Enterprise: "E1"})
	if _, err := r.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: "U1"}); !errors.Is(err, workspace.ErrNoWorkspace) {
		t.Errorf("enterprise only: err %v, want ErrNoWorkspace", err)
	}
	_, err = r.OpenViewContext(in("T9"), "trigger", slack.ModalViewRequest{})
	if !errors.Is(err, workspace.ErrNotInstalled) {
		t.Errorf("not installed: err %v, want ErrNotInstalled", err)
	}
	if err == nil || !strings.Contains(err.Error(), "views.open") || !strings.Contains(err.Error(), "T9") {
		t.Errorf("the error does not name the call and the workspace: %v", err)
	}
	if calls := fs.Calls(""); len(calls) != 0 {
		t.Errorf("refused calls reached Slack: %v", calls)
	}
	// Uninstalled after a call was made: its cached client is not used.
	if _, _, err := r.PostMessageContext(in("T1"), "C1"); err != nil {
		t.Fatal(err)
	}
	_ = reg.Uninstall(context.Background(), "T1", "", "app_uninstalled", time.Now())
	if _, _, err := r.PostMessageContext(in("T1"), "C1"); !errors.Is(err, workspace.ErrNotInstalled) {
		t.Errorf("after uninstall: err %v, want ErrNotInstalled", err)
	}
	if n := len(fs.Calls("chat.postMessage")); n != 1 {
		t.Errorf("%d messages posted, want only the one before the uninstall", n)
	}
}

func TestRouterSingleTokenServesEveryCall(t *testing.T) {
	fs := fakeslack.New(t)
	r := workspace.NewRouter(workspace.RouterConfig{Token: "xoxb-only", Options: []slack.Option{slack.OptionAPIURL(fs.APIURL())}})
	for _, ctx := range []context.Context{context.Background(), in("T1"), in("T2")} {
		if _, err := r.PostEphemeralContext(ctx, "C1", "U1", slack.MsgOptionText("hi", false)); err != nil {
			t.Fatal(err)
		}
	}
	calls := fs.Calls("chat.postEphemeral")
	if len(calls) != 3 {
		t.Fatalf("%d calls, want 3", len(calls))
	}
	for _, c := range calls {
		if c.Token != "xoxb-only" {
			t.Errorf("call carried %q, want xoxb-only", c.Token)
		}
	}
}

// TestRouterPassesSlackErrorsOn checks that an error Slack answers reaches
// the caller as slack-go returns it: the scheduler pauses a workspace's
// sending on invalid_auth, token_revoked or account_inactive, and backs off
// on a 429, by errors.As.
func TestRouterPassesSlackErrorsOn(t *testing.T) {
	fs := fakeslack.New(t)
	reg := &registry{tokens: map[string]string{"T1": "xoxb-one"}}
	r := workspace.NewRouter(workspace.RouterConfig{Tokens: reg, Options: []slack.Option{slack.OptionAPIURL(fs.APIURL())}})
	for _, code := range []string{"invalid_auth", "account_inactive", "token_revoked"} {
		fs.FailNext("chat.postMessage", code)
		_, _, err := r.PostMessageContext(in("T1"), "U1", slack.MsgOptionText("hi", false))
		var resp slack.SlackErrorResponse
		if !errors.As(err, &resp) || resp.Err != code {
			t.Errorf("%s: err %v (%T), want a slack.SlackErrorResponse", code, err, err)
		}
	}
	fs.RateLimitNext("chat.update", 7)
	_, _, _, err := r.UpdateMessageContext(in("T1"), "C1", "1.2", slack.MsgOptionText("hi", false))
	var limited *slack.RateLimitedError
	if !errors.As(err, &limited) || limited.RetryAfter != 7*time.Second {
		t.Errorf("429: err %v, want a *slack.RateLimitedError of 7s", err)
	}
}

func TestRouterBoundsItsClients(t *testing.T) {
	fs := fakeslack.New(t)
	reg := &registry{tokens: map[string]string{}}
	for i := range 5 {
		reg.tokens[fmt.Sprintf("T%d", i)] = fmt.Sprintf("xoxb-%d", i)
	}
	r := workspace.NewRouter(workspace.RouterConfig{Tokens: reg, MaxClients: 2, Options: []slack.Option{slack.OptionAPIURL(fs.APIURL())}})
	for i := range 5 {
		c, err := r.Client(in(fmt.Sprintf("T%d", i)), "test")
		if err != nil || c == nil {
			t.Fatal(err)
		}
	}
	if n := r.Cached(); n != 2 {
		t.Errorf("%d clients kept, want at most 2", n)
	}
	a, _ := r.Client(in("T4"), "test")
	b, _ := r.Client(in("T4"), "test")
	if a != b {
		t.Error("one token got two clients")
	}
	// A rotated token gets a client of its own; the old one ages out.
	reg.tokens["T4"] = "xoxb-4-rotated"
	if _, _, err := r.PostMessageContext(in("T4"), "C1"); err != nil {
		t.Fatal(err)
	}
	if got := fs.Calls("chat.postMessage")[0].Token; got != "xoxb-4-rotated" {
		t.Errorf("after rotation the call carried %q", got)
	}
}

// BenchmarkRouterClient is the Router's own cost on every Web API call: the
// token asked of the registry (a map here) and the cached client found.
func BenchmarkRouterClient(b *testing.B) {
	reg := &registry{tokens: map[string]string{}}
	for i := range 1000 {
		reg.tokens[fmt.Sprintf("T%d", i)] = fmt.Sprintf("xoxb-%d", i)
	}
	r := workspace.NewRouter(workspace.RouterConfig{Tokens: reg})
	ctxs := make([]context.Context, 1000)
	for i := range ctxs {
		ctxs[i] = in(fmt.Sprintf("T%d", i))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := r.Client(ctxs[i%len(ctxs)], "chat.postMessage"); err != nil {
			b.Fatal(err)
		}
	}
}

// TestRouterConcurrentUse: many callers of many workspaces at once, with
// fewer clients kept than tokens, each get their own workspace's client
// (run with -race).
func TestRouterConcurrentUse(t *testing.T) {
	reg := &registry{tokens: map[string]string{}}
	for i := range 5 {
		reg.tokens[fmt.Sprintf("T%d", i)] = fmt.Sprintf("xoxb-%d", i)
	}
	r := workspace.NewRouter(workspace.RouterConfig{Tokens: reg, MaxClients: 2})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				team := fmt.Sprintf("T%d", (g+i)%5)
				c, err := r.Client(in(team), "test")
				if err != nil || c == nil {
					t.Errorf("%s: %v", team, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if n := r.Cached(); n > 2 {
		t.Errorf("%d clients kept, want at most 2", n)
	}
}
