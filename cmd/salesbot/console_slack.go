package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/handlers"
)

// dmUser reports whether a message's channel is a person: the handlers post
// direct messages to a user ID.
func dmUser(channel string) (string, bool) {
	if strings.HasPrefix(channel, "D") {
		return "U" + channel[1:], true
	}
	return channel, salesbot.IsUserID(channel)
}

// dmChannel names the console's direct-message channel with a user.
func dmChannel(user string) string { return "D" + strings.TrimLeft(user, "UW") }

// The kinds of outgoing Slack traffic the console prints.
const (
	sentMessage = iota
	sentEphemeral
	sentResponse
	sentHome
	sentUpdate // chat.update of a message posted before
)

type outgoing struct {
	kind           int
	channel, user  string
	ts             string // the message's timestamp, as Slack answers it
	text           string
	blocks         []slack.Block
	url            string
	replace        bool
	deleteOriginal bool
}

type openedView struct {
	id      string
	trigger string
	view    slack.ModalViewRequest
}

// consoleSlack is the Slack the handlers talk to in the console: messages
// are queued to be printed, forms are kept to be filled in at the prompt
// once the request is answered (never inside views.open, which must return
// within the request's deadline), and users.info answers from a small table.
// It is also the handlers' Responder for response_urls.
type consoleSlack struct {
	// api encodes messages exactly as slack-go would send them, into Do.
	api     *slack.Client
	team    string
	tz      string
	manager func(user string) bool

	mu       sync.Mutex
	user     string
	outbox   []outgoing
	views    []openedView
	triggers map[string]time.Time // issued and not yet used
	seq      int
	// files is the folder uploaded files (reports, charts) are saved in,
	// for a person to open; "" keeps none.
	files string
	// shared are the local files given to a form's file input, by the ID
	// files.info knows them by (console_files.go).
	shared sync.Map
}

// triggerLife is how long Slack honours a trigger_id.
const triggerLife = 3 * time.Second

func newConsoleSlack(team, tz string, manager func(string) bool) *consoleSlack {
	s := &consoleSlack{team: team, tz: tz, manager: manager, triggers: map[string]time.Time{}}
	s.api = slack.New("xoxb-console", slack.OptionAPIURL("http://console.invalid/api/"), slack.OptionHTTPClient(s))
	return s
}

var _ handlers.Slack = (*consoleSlack)(nil)

var _ handlers.Responder = (*consoleSlack)(nil)

func (s *consoleSlack) setUser(u string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.user = u
}

func (s *consoleSlack) newTrigger() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for t, issued := range s.triggers {
		if time.Since(issued) > triggerLife {
			delete(s.triggers, t)
		}
	}
	s.seq++
	t := fmt.Sprintf("console-trigger-%d", s.seq)
	s.triggers[t] = time.Now()
	return t
}

func (s *consoleSlack) stamp() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	return fmt.Sprintf("%d.%06d", time.Now().Unix(), s.seq)
}

func (s *consoleSlack) drain() []outgoing {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.outbox
	s.outbox = nil
	return out
}

func (s *consoleSlack) nextView() (openedView, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.views) == 0 {
		return openedView{}, false
	}
	v := s.views[0]
	s.views = s.views[1:]
	return v, true
}

func (s *consoleSlack) queue(o outgoing) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.outbox = append(s.outbox, o)
}

// OpenViewContext keeps the form to be filled in after the request is
// answered. Like Slack, it refuses a trigger_id that is unknown, used or
// older than three seconds.
func (s *consoleSlack) OpenViewContext(ctx context.Context, triggerID string, view slack.ModalViewRequest) (*slack.ViewResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	issued, ok := s.triggers[triggerID]
	delete(s.triggers, triggerID)
	resp := &slack.ViewResponse{}
	switch {
	case !ok:
		resp.Error = "invalid_trigger_id"
		return resp, slack.SlackErrorResponse{Err: resp.Error}
	case time.Since(issued) > triggerLife:
		resp.Error = "expired_trigger_id"
		return resp, slack.SlackErrorResponse{Err: resp.Error}
	}
	s.seq++
	id := fmt.Sprintf("V0CONSOLE%d", s.seq)
	s.views = append(s.views, openedView{id: id, trigger: triggerID, view: view})
	resp.Ok = true
	resp.View = slack.View{ID: id, TeamID: s.team, Type: slack.VTModal, Title: view.Title, Blocks: view.Blocks,
		CallbackID: view.CallbackID, PrivateMetadata: view.PrivateMetadata, State: &slack.ViewState{}}
	return resp, nil
}

// PublishViewContext prints the Home tab.
func (s *consoleSlack) PublishViewContext(ctx context.Context, req slack.PublishViewContextRequest) (*slack.ViewResponse, error) {
	s.queue(outgoing{kind: sentHome, user: req.UserID, blocks: req.View.Blocks.BlockSet})
	return &slack.ViewResponse{SlackResponse: slack.SlackResponse{Ok: true}}, nil
}

func (s *consoleSlack) PostMessageContext(ctx context.Context, channelID string, options ...slack.MsgOption) (string, string, error) {
	return s.api.PostMessageContext(ctx, channelID, options...)
}

func (s *consoleSlack) UpdateMessageContext(ctx context.Context, channelID, timestamp string, options ...slack.MsgOption) (string, string, string, error) {
	return s.api.UpdateMessageContext(ctx, channelID, timestamp, options...)
}

func (s *consoleSlack) PostEphemeralContext(ctx context.Context, channelID, userID string, options ...slack.MsgOption) (string, error) {
	return s.api.PostEphemeralContext(ctx, channelID, userID, options...)
}

// consoleFileLines is how many lines of an uploaded file the console shows.
const consoleFileLines = 8

// UploadFileContext shows an uploaded file where it was shared: its name,
// its size and its first lines.
func (s *consoleSlack) UploadFileContext(ctx context.Context, params slack.UploadFileParameters) (*slack.FileSummary, error) {
	var r io.Reader = strings.NewReader(params.Content)
	if params.Reader != nil {
		r = params.Reader
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("console upload %s: %w", params.Filename, err)
	}
	text := fmt.Sprintf("[file %s, %d bytes]", params.Filename, len(data))
	if saved, err := s.save(params.Filename, data); err != nil {
		return nil, err
	} else if saved != "" {
		text = fmt.Sprintf("[file %s, %d bytes, saved as %s]", params.Filename, len(data), saved)
	}
	if name := strings.ToLower(params.Filename); strings.HasSuffix(name, ".png") || strings.HasSuffix(name, ".xlsx") {
		// A picture or a workbook: its name and where it is saved say it all.
		s.queue(outgoing{kind: sentMessage, channel: params.Channel, ts: s.stamp(), text: text})
		return s.fileSummary(params.Title), nil
	}
	if params.InitialComment != "" {
		text = params.InitialComment + "\n" + text
	}
	sc := bufio.NewScanner(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))))
	for n := 0; n < consoleFileLines && sc.Scan(); n++ {
		// A code span each, so the renderer shows the line as it is.
		line := strings.ReplaceAll(strings.TrimRight(sc.Text(), "\r"), "`", "'")
		if line != "" {
			line = "`" + slackEscape(line) + "`"
		}
		text += "\n" + line
	}
	if strings.Count(string(data), "\n") > consoleFileLines {
		text += "\n…"
	}
	s.queue(outgoing{kind: sentMessage, channel: params.Channel, ts: s.stamp(), text: text})
	return s.fileSummary(params.Title), nil
}

// fileSummary is what files upload v2 answers for one file.
func (s *consoleSlack) fileSummary(title string) *slack.FileSummary {
	s.mu.Lock()
	s.seq++
	id := fmt.Sprintf("F0CONSOLE%d", s.seq)
	s.mu.Unlock()
	return &slack.FileSummary{ID: id, Title: title}
}

// save writes an uploaded file into the console's folder under its own
// name (made safe, numbered so that no file is overwritten) and returns
// the path; "" when the console keeps no files.
func (s *consoleSlack) save(name string, data []byte) (string, error) {
	if s.files == "" {
		return "", nil
	}
	base := strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r < ' ' {
			return '_'
		}
		return r
	}, filepath.Base(name))
	if base == "." || base == ".." || base == "" {
		base = "file"
	}
	s.mu.Lock()
	s.seq++
	dest := filepath.Join(s.files, fmt.Sprintf("%03d-%s", s.seq, base))
	s.mu.Unlock()
	if err := os.WriteFile(dest, data, 0o644); err != nil {
		return "", fmt.Errorf("console upload %s: %w", name, err)
	}
	return dest, nil
}

// GetUserInfoContext answers users.info: everyone is in the console's time
// zone; the demo's people have names; a user with manager rights from the
// console is a workspace admin.
func (s *consoleSlack) GetUserInfoContext(ctx context.Context, user string, options ...slack.GetUserInfoOption) (*slack.User, error) {
	name := demoName(user)
	u := &slack.User{
		ID: user, TeamID: s.team, Name: strings.ToLower(strings.ReplaceAll(name, " ", ".")), RealName: name,
		TZ: s.tz, IsAdmin: s.manager(user),
	}
	if u.Name == "" {
		u.Name = strings.ToLower(user)
	}
	if name == "" {
		name = user // shown as the messages show them: @U0CONSOLE
	}
	u.Profile.RealName, u.Profile.DisplayName = name, name
	return u, nil
}

// Respond takes what the handlers post to a response_url.
func (s *consoleSlack) Respond(ctx context.Context, responseURL string, msg *slack.WebhookMessage) error {
	if !strings.HasPrefix(responseURL, "console://response/") {
		return fmt.Errorf("respond: %q is not a response_url the console gave out", responseURL)
	}
	o := outgoing{kind: sentResponse, url: responseURL, text: msg.Text, replace: msg.ReplaceOriginal, deleteOriginal: msg.DeleteOriginal}
	if msg.Blocks != nil {
		o.blocks = msg.Blocks.BlockSet
	}
	s.mu.Lock()
	o.user = s.user
	s.outbox = append(s.outbox, o)
	s.mu.Unlock()
	return nil
}

// Do receives the Web API calls that api makes: chat.postMessage and
// chat.postEphemeral, encoded by slack-go as they would go to Slack.
func (s *consoleSlack) Do(req *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, err
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, fmt.Errorf("console slack: %w", err)
	}
	o := outgoing{channel: form.Get("channel"), user: form.Get("user"), text: form.Get("text")}
	if b := form.Get("blocks"); b != "" {
		var blocks slack.Blocks
		if err := json.Unmarshal([]byte(b), &blocks); err != nil {
			return nil, fmt.Errorf("console slack: blocks: %w", err)
		}
		o.blocks = blocks.BlockSet
	}
	o.ts = s.stamp()
	answer := map[string]any{"ok": true, "channel": o.channel, "ts": o.ts}
	switch path.Base(req.URL.Path) {
	case "chat.postMessage":
		o.kind = sentMessage
		if u, ok := dmUser(o.channel); ok {
			answer["channel"] = dmChannel(u) // as Slack answers a post to a user
		}
	case "chat.update":
		o.kind, o.ts = sentUpdate, form.Get("ts")
		answer["ts"] = o.ts
	case "chat.postEphemeral":
		o.kind = sentEphemeral
		answer["message_ts"] = answer["ts"]
	default:
		answer = map[string]any{"ok": false, "error": "unknown_method"}
	}
	if answer["ok"] == true {
		s.queue(o)
	}
	b, _ := json.Marshal(answer)
	return &http.Response{
		StatusCode: http.StatusOK, Status: "200 OK",
		Header:  http.Header{"Content-Type": {"application/json"}},
		Body:    io.NopCloser(bytes.NewReader(b)),
		Request: req,
	}, nil
}
