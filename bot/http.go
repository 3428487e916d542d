package bot

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"salesbot/internal/logctx"
)

// Handler is what the transport delivers Slack's requests to; the handlers
// package implements it.
type Handler interface {
	// Command answers a slash command; nil means an empty acknowledgement.
	Command(ctx context.Context, cmd slack.SlashCommand) *slack.Msg
	// Interaction answers a click or form submission; nil means an empty
	// acknowledgement.
	Interaction(ctx context.Context, cb slack.InteractionCallback) *slack.ViewSubmissionResponse
	// Event handles an Events API event after it has been acknowledged.
	Event(ctx context.Context, team string, ev slackevents.EventsAPIInnerEvent)
}

// Pinger reports whether the datastore answers; /readyz uses it.
type Pinger interface {
	Ping(ctx context.Context) error
}

// ReadyCheck says why the bot is not ready (nil when it is), at now; /readyz
// runs each after the Redis ping. The scheduler's Ready is one.
type ReadyCheck func(now time.Time) error

// MaxBodyBytes bounds an inbound request; Slack's own are far smaller.
const MaxBodyBytes = 1 << 20

// Server serves Slack's HTTP endpoints and the operator's health, readiness
// and metrics endpoints.
type Server struct {
	handler  Handler
	verifier *Verifier
	ready    Pinger
	checks   []ReadyCheck
	metrics  *Metrics
	log      *slog.Logger
	mux      *http.ServeMux
	dedupe   dedupe
	// uninstall records app_uninstalled, tokens_revoked and, when it is
	// an OrgAccess, team_access_granted and team_access_revoked (install.go).
	uninstall Uninstaller
}

// NewServer returns the HTTP side of the bot. Every POST must carry a valid
// Slack signature (checked by v before anything is parsed); with a nil v only
// the operator's endpoints are served.
func NewServer(h Handler, v *Verifier, ready Pinger, m *Metrics, log *slog.Logger) *Server {
	if log == nil {
		log = slog.Default()
	}
	s := &Server{handler: h, verifier: v, ready: ready, metrics: m, log: log, mux: http.NewServeMux(), dedupe: dedupe{log: log, metrics: m}}
	// Without a signing secret (Socket Mode) the Slack endpoints are not
	// served at all: an empty HMAC key would accept forged requests.
	if v != nil {
		s.mux.HandleFunc("POST /slack/commands", s.signed(s.commands))
		s.mux.HandleFunc("POST /slack/interactions", s.signed(s.interactions))
		s.mux.HandleFunc("POST /slack/events", s.signed(s.events))
	}
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok\n") })
	s.mux.HandleFunc("GET /readyz", s.readyz)
	if m != nil {
		s.mux.Handle("GET /metrics", promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{}))
	}
	return s
}

// Dedupe makes the server claim each Events API delivery (by event_id) and
// each interaction payload in d before handling it, so that Slack's retries
// and replays are acknowledged without being applied twice. A nil d turns
// deduplication off. It returns s; call it before serving.
func (s *Server) Dedupe(d Deduper) *Server {
	s.dedupe.d = d
	return s
}

// Ready adds checks that /readyz runs after the Redis ping: the first that
// fails makes it answer 503 with its reason. It returns s; call it before
// serving.
func (s *Server) Ready(checks ...ReadyCheck) *Server {
	s.checks = append(s.checks, checks...)
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// signed reads the raw body (at most MaxBodyBytes), checks its signature and
// only then passes it on.
func (s *Server) signed(next func(http.ResponseWriter, *http.Request, []byte)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			s.metrics.reject("too_large")
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		case err != nil:
			s.metrics.reject("unreadable")
			http.Error(w, "cannot read request body", http.StatusBadRequest)
			return
		}
		r = r.WithContext(logctx.With(r.Context(), "request", logctx.NewID()))
		if err := s.verifier.Verify(r.Header, body); err != nil {
			s.metrics.reject("signature")
			s.log.WarnContext(r.Context(), "request refused", "path", r.URL.Path, "err", err, "remote", r.RemoteAddr)
			http.Error(w, "invalid signature", http.StatusUnauthorized)
			return
		}
		next(w, r, body)
	}
}

func (s *Server) commands(w http.ResponseWriter, r *http.Request, body []byte) {
	start := time.Now()
	cmd, err := parseCommand(body)
	if err != nil {
		http.Error(w, "malformed form body", http.StatusBadRequest)
		return
	}
	ctx := logctx.With(r.Context(), "team", cmd.TeamID, "user", cmd.UserID, "command", cmd.Command)
	ctx = inWorkspace(ctx, cmd.TeamID, cmd.EnterpriseID)
	msg := s.handler.Command(ctx, cmd)
	s.metrics.observe("command", cmd.Command, "http", start)
	writeJSON(w, msg)
}

// parseCommand reads a command's form body as url.ParseQuery and
// slashCommand read it (the first value of each field; an error for a bad
// escape or a semicolon in a key), without building the url.Values map:
// only the fields a command has are kept (TestParseCommand).
func parseCommand(body []byte) (slack.SlashCommand, error) {
	if bytes.Count(body, []byte("&")) >= 1000 {
		// Not a command Slack sends: url.ParseQuery, with its own limit on
		// the number of fields, decides.
		form, err := url.ParseQuery(string(body))
		return slashCommand(form), err
	}
	var cmd slack.SlashCommand
	var seen uint32 // the fields set, by their bit in commandFields
	var firstErr error
	for rest := body; len(rest) > 0; {
		var pair []byte
		pair, rest, _ = bytes.Cut(rest, []byte("&"))
		if len(pair) == 0 {
			continue
		}
		if bytes.IndexByte(pair, ';') >= 0 {
			firstErr = cmp.Or(firstErr, errors.New("invalid semicolon separator in query"))
			continue
		}
		rawKey, rawValue, _ := bytes.Cut(pair, []byte("="))
		key, err := unescapeForm(rawKey)
		if err != nil {
			firstErr = cmp.Or(firstErr, err)
			continue
		}
		value, err := unescapeForm(rawValue)
		if err != nil {
			firstErr = cmp.Or(firstErr, err)
			continue
		}
		i := slices.Index(commandFields[:], key)
		if i < 0 || seen&(1<<i) != 0 {
			continue
		}
		seen |= 1 << i
		switch i {
		case 0:
			cmd.Token = value
		case 1:
			cmd.TeamID = value
		case 2:
			cmd.TeamDomain = value
		case 3:
			cmd.EnterpriseID = value
		case 4:
			cmd.EnterpriseName = value
		case 5:
			cmd.IsEnterpriseInstall = value == "true"
		case 6:
			cmd.ChannelID = value
		case 7:
			cmd.ChannelName = value
		case 8:
			cmd.UserID = value
		case 9:
			cmd.UserName = value
		case 10:
			cmd.Command = value
		case 11:
			cmd.Text = value
		case 12:
			cmd.ResponseURL = value
		case 13:
			cmd.TriggerID = value
		case 14:
			cmd.APIAppID = value
		}
	}
	if firstErr != nil {
		return slack.SlashCommand{}, firstErr
	}
	return cmd, nil
}

// commandFields are the form fields of a command that parseCommand keeps,
// in the order of its switch.
var commandFields = [...]string{
	"token", "team_id", "team_domain", "enterprise_id", "enterprise_name", "is_enterprise_install",
	"channel_id", "channel_name", "user_id", "user_name", "command", "text", "response_url", "trigger_id", "api_app_id",
}

// unescapeForm is url.QueryUnescape, with no work for text that has
// nothing escaped.
func unescapeForm(b []byte) (string, error) {
	if bytes.IndexByte(b, '%') < 0 && bytes.IndexByte(b, '+') < 0 {
		return string(b), nil
	}
	return url.QueryUnescape(string(b))
}

// slashCommand reads the fields Slack sends with a command.
func slashCommand(f url.Values) slack.SlashCommand {
	return slack.SlashCommand{
		Token: f.Get("token"), TeamID: f.Get("team_id"), TeamDomain: f.Get("team_domain"),
		EnterpriseID: f.Get("enterprise_id"), EnterpriseName: f.Get("enterprise_name"),
		IsEnterpriseInstall: f.Get("is_enterprise_install") == "true",
		ChannelID:           f.Get("channel_id"), ChannelName: f.Get("channel_name"),
		UserID: f.Get("user_id"), UserName: f.Get("user_name"),
		Command: f.Get("command"), Text: f.Get("text"),
		ResponseURL: f.Get("response_url"), TriggerID: f.Get("trigger_id"), APIAppID: f.Get("api_app_id"),
	}
}

func (s *Server) interactions(w http.ResponseWriter, r *http.Request, body []byte) {
	start := time.Now()
	form, err := url.ParseQuery(string(body))
	if err != nil || form.Get("payload") == "" {
		http.Error(w, "missing payload", http.StatusBadRequest)
		return
	}
	var cb slack.InteractionCallback
	if err := json.Unmarshal([]byte(form.Get("payload")), &cb); err != nil {
		s.log.WarnContext(r.Context(), "malformed interaction payload", "err", err)
		http.Error(w, "malformed payload", http.StatusBadRequest)
		return
	}
	ctx := logctx.With(r.Context(), "team", cb.Team.ID, "user", cb.User.ID, "interaction", interactionName(cb))
	ctx = inWorkspace(ctx, cb.Team.ID, cb.Enterprise.ID)
	key := interactionKey(cb)
	if ok, refused := s.dedupe.interactionClaim(ctx, cb, key); !ok {
		// A replay (the first delivery was applied, and closed the form if
		// it was one: an empty acknowledgement says the same again), or a
		// claim that could not be made: the form says to submit it again.
		writeJSON(w, refused)
		return
	}
	resp := s.handler.Interaction(ctx, cb)
	if releaseAfter(resp) {
		s.dedupe.forget(ctx, cb.Team.ID, key)
	}
	s.metrics.observe("interaction", interactionName(cb), "http", start)
	if resp == nil {
		w.WriteHeader(http.StatusOK)
		return
	}
	writeJSON(w, resp)
}

func interactionName(cb slack.InteractionCallback) string {
	if cb.Type == slack.InteractionTypeViewSubmission {
		return "view_submission:" + cb.View.CallbackID
	}
	if len(cb.ActionCallback.BlockActions) > 0 {
		return string(cb.Type) + ":" + cb.ActionCallback.BlockActions[0].ActionID
	}
	return string(cb.Type)
}

func (s *Server) events(w http.ResponseWriter, r *http.Request, body []byte) {
	start := time.Now()
	ev, err := slackevents.ParseEvent(json.RawMessage(body), slackevents.OptionNoVerifyToken())
	if err != nil {
		if !json.Valid(body) {
			http.Error(w, "malformed event", http.StatusBadRequest)
			return
		}
		// Well-formed JSON with an event type slack-go does not know (or
		// cannot map): acknowledge it, or Slack retries it and in the end
		// turns the subscription off.
		s.log.InfoContext(r.Context(), "event ignored", "err", err)
		w.WriteHeader(http.StatusOK)
		return
	}
	switch ev.Type {
	case slackevents.URLVerification:
		var challenge slackevents.ChallengeResponse
		if err := json.Unmarshal(body, &challenge); err != nil {
			http.Error(w, "malformed challenge", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, challenge.Challenge)
	case slackevents.CallbackEvent:
		ctx := logctx.With(r.Context(), "team", ev.TeamID, "event", ev.InnerEvent.Type)
		ctx = inWorkspace(ctx, ev.TeamID, ev.EnterpriseID)
		if n := r.Header.Get("X-Slack-Retry-Num"); n != "" {
			ctx = logctx.With(ctx, "retry", n, "retry_reason", r.Header.Get("X-Slack-Retry-Reason"))
		}
		first := s.dedupe.first(ctx, ev.TeamID, eventKey(ev, body))
		if first && lifecycle(ctx, s.uninstall, ev, s.log) != nil {
			s.dedupe.forget(ctx, ev.TeamID, eventKey(ev, body))
			http.Error(w, "try again", http.StatusServiceUnavailable) // Slack retries
			return
		}
		w.WriteHeader(http.StatusOK)
		if first {
			s.handler.Event(ctx, ev.TeamID, ev.InnerEvent)
		}
	default:
		w.WriteHeader(http.StatusOK)
	}
	s.metrics.observe("event", ev.InnerEvent.Type, "http", start)
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), time.Second)
	defer cancel()
	if err := s.ready.Ping(ctx); err != nil {
		http.Error(w, "redis unavailable", http.StatusServiceUnavailable)
		return
	}
	for _, check := range s.checks {
		if err := check(time.Now()); err != nil {
			s.log.WarnContext(ctx, "not ready", "err", err)
			http.Error(w, "not ready: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
	}
	_, _ = io.WriteString(w, "ready\n")
}

// writeJSON writes v as the acknowledgement body; a nil message is an empty
// 200.
func writeJSON[T any](w http.ResponseWriter, v *T) {
	if v == nil {
		w.WriteHeader(http.StatusOK)
		return
	}
	buf := replyBufs.Get().(*bytes.Buffer)
	defer replyBufs.Put(buf)
	buf.Reset()
	if err := encodeReply(buf, v); err != nil {
		http.Error(w, "cannot encode reply", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	// With its length known, a card of a few kilobytes goes out as it is,
	// not in chunks (net/http chunks a body of unknown length past 2 KB).
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	_, _ = w.Write(buf.Bytes()) // copied: the buffer goes back to the pool
}

// encodeReply writes v to buf as encoding/json's Encoder does (a newline
// after it). A message goes through appendReply when it holds only what
// that knows, else through msgReply.
func encodeReply[T any](buf *bytes.Buffer, v *T) error {
	m, ok := any(v).(*slack.Msg)
	if !ok {
		return json.NewEncoder(buf).Encode(v)
	}
	if b, ok := appendReply(buf.AvailableBuffer(), m); ok {
		_, _ = buf.Write(b) // b is buf's own free space: no copy
		return nil
	}
	return json.NewEncoder(buf).Encode(msgReply{Msg: m, Blocks: directBlocks(m.Blocks.BlockSet)})
}

// replyBufs are writeJSON's buffers, reused: a card's reply is kilobytes.
var replyBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// msgReply is a slack.Msg whose blocks encoding/json encodes directly. As
// slack.Msg has them, they go through Blocks.MarshalJSON, whose output the
// encoder then reads and compacts again: a second pass over every card,
// 8% of the CPU a /lead show costs. The blocks field here hides the
// embedded one; its blocks are directBlocks'.
type msgReply struct {
	*slack.Msg
	Blocks []any `json:"blocks,omitempty"`
}
