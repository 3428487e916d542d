package bot_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"salesbot/bot"
	"salesbot/internal/fakeslack"
	"salesbot/internal/logctx"
)

// seenWorkspaces is a bot.Handler that records the workspace each request's
// context names.
type seenWorkspaces struct {
	mu   sync.Mutex
	seen []logctx.Workspace
}

func (s *seenWorkspaces) record(ctx context.Context) {
	w, _ := logctx.WorkspaceOf(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seen = append(s.seen, w)
}

func (s *seenWorkspaces) Command(ctx context.Context, _ slack.SlashCommand) *slack.Msg {
	s.record(ctx)
	return &slack.Msg{Text: "ok"}
}

func (s *seenWorkspaces) Interaction(ctx context.Context, _ slack.InteractionCallback) *slack.ViewSubmissionResponse {
	s.record(ctx)
	return nil
}

func (s *seenWorkspaces) Event(ctx context.Context, _ string, _ slackevents.EventsAPIInnerEvent) {
	s.record(ctx)
}

func (s *seenWorkspaces) all() []logctx.Workspace {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.seen)
}

// TestRequestsRunForTheirWorkspace: a command, an interaction and an event,
// over HTTP and over Socket Mode, are handled with the workspace Slack
// sent them from (its team and Enterprise Grid organization) in their
// context, which decides the token of every Web API call they make.
func TestRequestsRunForTheirWorkspace(t *testing.T) {
	seen := &seenWorkspaces{}
	srv := httptest.NewServer(bot.NewServer(seen, bot.NewVerifier(secret, nil), nil, nil, slog.New(slog.DiscardHandler)))
	t.Cleanup(srv.Close)
	send := func(path, body string) {
		t.Helper()
		req := signedRequest(t, srv.URL+path, body, time.Now())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %s", path, resp.Status)
		}
	}
	send("/slack/commands", url.Values{"team_id": {"T0CMD"}, "enterprise_id": {"E0ORG"}, "user_id": {rep}, "command": {"/lead"}}.Encode())
	cb := slack.InteractionCallback{Type: slack.InteractionTypeBlockActions, Team: slack.Team{ID: "T0CLICK"}, Enterprise: slack.Enterprise{ID: "E0ORG"}, User: slack.User{ID: rep}}
	payload, _ := json.Marshal(cb)
	send("/slack/interactions", url.Values{"payload": {string(payload)}}.Encode())
	send("/slack/events", `{"type":"event_callback","team_id":"T0EVENT","enterprise_id":"E0ORG","event_id":"Ev1","event":{"type":"app_home_opened","user":"U1","tab":"home"}}`)

	fs := fakeslack.New(t)
	acks, cancel, done := socketSession(t, fs, seen, url.Values{"team_id": {"T0SOCKET"}, "enterprise_id": {"E0ORG"}, "user_id": {rep}, "command": {"/lead"}})
	waitAck(t, acks)
	cancel()
	waitDone(t, done)

	want := []logctx.Workspace{{Team: "T0CMD", Enterprise: "E0ORG"}, {Team: "T0CLICK", Enterprise: "E0ORG"}, {Team: "T0EVENT", Enterprise: "E0ORG"}, {Team: "T0SOCKET", Enterprise: "E0ORG"}}
	if got := seen.all(); !slices.Equal(got, want) {
		t.Errorf("workspaces in the requests' contexts:\n got %v\nwant %v", got, want)
	}
}
