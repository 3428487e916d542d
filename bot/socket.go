package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"salesbot/internal/logctx"
)

// SocketMode delivers Slack's requests over a Socket Mode websocket instead
// of HTTP: useful behind a firewall, with no public URL.
type SocketMode struct {
	client  *socketmode.Client
	handler Handler
	metrics *Metrics
	log     *slog.Logger
	wg      sync.WaitGroup
	dedupe  dedupe
	// uninstall records app_uninstalled, tokens_revoked and, when it is
	// an OrgAccess, team_access_granted and team_access_revoked (install.go).
	uninstall Uninstaller
}

// NewSocketMode wraps a Socket Mode client (made with socketmode.New from a
// *slack.Client that carries the app-level token).
func NewSocketMode(client *socketmode.Client, h Handler, m *Metrics, log *slog.Logger) *SocketMode {
	if log == nil {
		log = slog.Default()
	}
	return &SocketMode{client: client, handler: h, metrics: m, log: log, dedupe: dedupe{log: log, metrics: m}}
}

// Dedupe makes Socket Mode claim each Events API delivery (by event_id) and
// each interaction payload in d before handling it, as Server.Dedupe does; a
// nil d turns deduplication off. It returns s; call it before Run.
func (s *SocketMode) Dedupe(d Deduper) *SocketMode {
	s.dedupe.d = d
	return s
}

// ackFlushGrace is how long the connection stays open, on shutdown, after
// the last request has been answered, so that its ack is written.
const ackFlushGrace = 500 * time.Millisecond

// fatalSocketErrors are the connection failures that no retry can fix.
var fatalSocketErrors = []string{"invalid_auth", "not_authed", "token_revoked", "account_inactive", "invalid_token", "not_allowed_token_type"}

// Run connects and serves until ctx is done, reconnecting with backoff when
// the connection fails for a passing reason; it returns at once on a bad or
// revoked token. When ctx ends it stops taking requests, answers those
// already received over the still open connection, then closes it.
func (s *SocketMode) Run(ctx context.Context) error {
	conn, closeConn := context.WithCancel(context.WithoutCancel(ctx))
	defer closeConn()
	done := make(chan error, 1)
	go func() { done <- s.supervise(conn) }()
	for {
		select {
		case <-ctx.Done():
			s.wg.Wait()
			// slack-go queues acks for a writer goroutine and has no flush:
			// give it a moment to write the last ones before closing.
			time.Sleep(ackFlushGrace)
			closeConn()
			return <-done
		case err := <-done:
			s.wg.Wait()
			return err
		case evt := <-s.client.Events:
			s.dispatch(ctx, evt)
		}
	}
}

func (s *SocketMode) supervise(ctx context.Context) error {
	backoff := time.Second
	for {
		err := s.client.RunContext(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if fatal(err) {
			return fmt.Errorf("socket mode: %w", err)
		}
		s.log.Warn("socket mode connection lost; reconnecting", "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, time.Minute)
	}
}

func fatal(err error) bool {
	var slackErr slack.SlackErrorResponse
	msg := err.Error()
	if errors.As(err, &slackErr) {
		msg = slackErr.Err
	}
	for _, f := range fatalSocketErrors {
		if strings.Contains(msg, f) {
			return true
		}
	}
	return false
}

// dispatch hands one event to the handlers in its own goroutine, so that
// the events channel is drained quickly, and acknowledges it with the reply.
func (s *SocketMode) dispatch(ctx context.Context, evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeInvalidAuth:
		s.log.Error("socket mode: invalid auth; check SLACK_APP_TOKEN")
		return
	case socketmode.EventTypeConnected:
		s.log.Info("socket mode connected")
		return
	case socketmode.EventTypeSlashCommand, socketmode.EventTypeInteractive, socketmode.EventTypeEventsAPI:
	default:
		return
	}
	if evt.Request == nil {
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		// A request already received is answered even while shutting down.
		ctx := logctx.With(context.WithoutCancel(ctx), "request", evt.Request.EnvelopeID)
		start := time.Now()
		var payload any
		switch data := evt.Data.(type) {
		case slack.SlashCommand:
			ctx := inWorkspace(ctx, data.TeamID, data.EnterpriseID)
			msg := s.handler.Command(ctx, data)
			s.metrics.observe("command", data.Command, "socket", start)
			if msg != nil && tooBigToAck(msg) && data.ResponseURL != "" {
				// Slack drops a large ack without a word: acknowledge empty
				// and send the reply through the command's response_url.
				s.ack(evt.Request, nil)
				s.respondLater(ctx, data.ResponseURL, msg)
				return
			}
			if msg != nil {
				payload = msg
			}
		case slack.InteractionCallback:
			ctx := inWorkspace(ctx, data.Team.ID, data.Enterprise.ID)
			key := interactionKey(data)
			if ok, refused := s.dedupe.interactionClaim(ctx, data, key); !ok {
				if refused != nil {
					payload = refused // the form says to submit it again
				}
				break // a replay, or a claim not made: not applied
			}
			resp := s.handler.Interaction(ctx, data)
			if releaseAfter(resp) {
				s.dedupe.forget(ctx, data.Team.ID, key)
			}
			if resp != nil {
				payload = resp
			}
			s.metrics.observe("interaction", interactionName(data), "socket", start)
		case slackevents.EventsAPIEvent:
			ctx := inWorkspace(ctx, data.TeamID, data.EnterpriseID)
			callback := data.Type == slackevents.CallbackEvent
			if callback && evt.Request.RetryAttempt > 0 {
				ctx = logctx.With(ctx, "retry", evt.Request.RetryAttempt, "retry_reason", evt.Request.RetryReason)
			}
			// Claimed before the ack, so that a retry sent the moment the
			// ack arrives finds the claim.
			first := callback && s.dedupe.first(ctx, data.TeamID, eventKey(data, evt.Request.Payload))
			if first && lifecycle(ctx, s.uninstall, data, s.log) != nil {
				s.dedupe.forget(ctx, data.TeamID, eventKey(data, evt.Request.Payload))
				return // not acknowledged: Slack sends it again
			}
			s.ack(evt.Request, nil)
			if first {
				s.handler.Event(ctx, data.TeamID, data.InnerEvent)
			}
			s.metrics.observe("event", data.InnerEvent.Type, "socket", start)
			return
		default:
			s.log.Warn("socket mode: unexpected payload", "type", evt.Type)
		}
		s.ack(evt.Request, payload)
	}()
}

func (s *SocketMode) ack(req *socketmode.Request, payload any) {
	var err error
	if payload == nil {
		err = s.client.Ack(*req)
	} else {
		err = s.client.Ack(*req, payload)
	}
	if err != nil {
		s.log.Error("socket mode: ack failed", "envelope", req.EnvelopeID, "err", err)
	}
}

// MaxAckBytes is the largest acknowledgement sent over Socket Mode; Slack
// silently drops those of about 20 KB and more.
const MaxAckBytes = 15 << 10

func tooBigToAck(msg *slack.Msg) bool {
	b, err := json.Marshal(msg)
	return err != nil || len(b) > MaxAckBytes
}

func (s *SocketMode) respondLater(ctx context.Context, url string, msg *slack.Msg) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	err := slack.PostWebhookContext(ctx, url, &slack.WebhookMessage{
		Text: msg.Text, Blocks: &msg.Blocks, ResponseType: msg.ResponseType,
	})
	if err != nil {
		s.log.Error("socket mode: reply through response_url failed", "err", err)
	}
}
