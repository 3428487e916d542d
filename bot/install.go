package bot

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/slack-go/slack/slackevents"
)

// Uninstaller stops serving a workspace when Slack says the app left it;
// install.Registry implements it.
type Uninstaller interface {
	Uninstall(ctx context.Context, team, enterprise, reason string, now time.Time) error
}

// uninstallTimeout bounds the recording of an uninstall, inside the 3
// seconds Slack gives an event's acknowledgement.
const uninstallTimeout = 2 * time.Second

// Install serves the OAuth install flow h on GET /slack/install and GET
// /slack/oauth_redirect. These are a browser's requests, which Slack does
// not sign: h checks its own state parameter. It returns s; call it
// before serving.
func (s *Server) Install(h http.Handler) *Server {
	s.mux.Handle("GET /slack/install", h)
	s.mux.Handle("GET /slack/oauth_redirect", h)
	return s
}

// Uninstaller makes the app_uninstalled event, and tokens_revoked when it
// revokes bot tokens, uninstall the workspace through u before the event is
// acknowledged: when that fails the delivery is refused (503), so that
// Slack sends it again. It returns s; call it before serving.
func (s *Server) Uninstaller(u Uninstaller) *Server {
	s.uninstall = u
	return s
}

// Uninstaller does for Socket Mode what Server.Uninstaller does over HTTP:
// an uninstall that fails leaves the event unacknowledged, and Slack sends
// it again. It returns s; call it before Run.
func (s *SocketMode) Uninstaller(u Uninstaller) *SocketMode {
	s.uninstall = u
	return s
}

// uninstallReason is why ev ends the app's installation ("app_uninstalled",
// "tokens_revoked"), or "" when it does not: a tokens_revoked event that
// revokes only user tokens leaves the bot's.
func uninstallReason(ev slackevents.EventsAPIInnerEvent) string {
	switch data := ev.Data.(type) {
	case *slackevents.AppUninstalledEvent, slackevents.AppUninstalledEvent:
		return string(slackevents.AppUninstalled)
	case *slackevents.TokensRevokedEvent:
		if len(data.Tokens.Bot) > 0 {
			return string(slackevents.TokensRevoked)
		}
	case slackevents.TokensRevokedEvent:
		if len(data.Tokens.Bot) > 0 {
			return string(slackevents.TokensRevoked)
		}
	}
	return ""
}

// uninstalled records the uninstall ev announces, if it announces one, with
// u; it returns the failure to record it. With no u (a single-workspace
// bot) it does nothing.
func uninstalled(ctx context.Context, u Uninstaller, ev slackevents.EventsAPIEvent, log *slog.Logger) error {
	reason := uninstallReason(ev.InnerEvent)
	if u == nil || reason == "" {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, uninstallTimeout)
	defer cancel()
	if err := u.Uninstall(ctx, ev.TeamID, ev.EnterpriseID, reason, time.Now()); err != nil {
		log.ErrorContext(ctx, "uninstall", "team", ev.TeamID, "enterprise", ev.EnterpriseID, "reason", reason, "err", err)
		return err
	}
	return nil
}
