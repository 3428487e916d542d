package bot

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
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

// OrgAccess follows which workspaces an Enterprise Grid org-wide install
// reaches; install.Registry implements it.
type OrgAccess interface {
	// RevokeTeams: an org admin removed the app from teams
	// (team_access_revoked); the org-wide install keeps serving the others.
	RevokeTeams(ctx context.Context, enterprise string, teams []string, now time.Time) error
	// GrantTeams: an org admin added the app to teams
	// (team_access_granted).
	GrantTeams(ctx context.Context, enterprise string, teams []string, now time.Time) error
}

// InstallChecker reports whether the bot serves a workspace;
// install.Registry implements it.
type InstallChecker interface {
	Installed(ctx context.Context, team, enterprise string) (bool, error)
}

// Uninstaller makes the app_uninstalled event, and tokens_revoked when it
// revokes bot tokens, uninstall the workspace through u before the event is
// acknowledged: when that fails the delivery is refused (503), so that
// Slack sends it again. When u is also an OrgAccess, team_access_revoked
// and team_access_granted reach it the same way. When u is also an
// InstallChecker, an interaction from a workspace it does not serve is
// not claimed (see dedupe.interactionClaim). It returns s; call it before
// serving.
func (s *Server) Uninstaller(u Uninstaller) *Server {
	s.uninstall = u
	s.dedupe.installed, _ = u.(InstallChecker)
	return s
}

// Uninstaller does for Socket Mode what Server.Uninstaller does over HTTP:
// an uninstall that fails leaves the event unacknowledged, and Slack sends
// it again. It returns s; call it before Run.
func (s *SocketMode) Uninstaller(u Uninstaller) *SocketMode {
	s.uninstall = u
	s.dedupe.installed, _ = u.(InstallChecker)
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

// orgAccessChange is the workspaces an org-wide install gained
// (granted) or lost, as a team_access_granted or team_access_revoked event
// lists them; ok is false for any other event.
func orgAccessChange(ev slackevents.EventsAPIInnerEvent) (teams []string, granted, ok bool) {
	switch data := ev.Data.(type) {
	case *slackevents.TeamAccessGrantedEvent:
		return data.TeamIDs, true, true
	case *slackevents.TeamAccessRevokedEvent:
		return data.TeamIDs, false, true
	}
	return nil, false, false
}

// enterpriseOf is the Enterprise Grid organization an event concerns: the
// outer enterprise_id, else its first authorization's, else the outer
// team_id when it names an enterprise (E…), as an org-wide install's
// events may.
func enterpriseOf(ev slackevents.EventsAPIEvent) string {
	if ev.EnterpriseID != "" {
		return ev.EnterpriseID
	}
	if cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent); ok && cb != nil {
		for _, a := range cb.Authorizations {
			if a.EnterpriseID != "" {
				return a.EnterpriseID
			}
		}
	}
	if strings.HasPrefix(ev.TeamID, "E") {
		return ev.TeamID
	}
	return ""
}

// eventTime is when ev happened (its event_time), or now when it does not
// say: the order of team_access events is theirs, not their deliveries'.
func eventTime(ev slackevents.EventsAPIEvent) time.Time {
	if cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent); ok && cb != nil && cb.EventTime > 0 {
		return time.Unix(int64(cb.EventTime), 0)
	}
	return time.Now()
}

// lifecycle records, with u, the change to the app's installations ev
// announces, if it announces one: an uninstall (app_uninstalled,
// tokens_revoked), or workspaces an org-wide install gained or lost (when
// u is an OrgAccess). It returns the failure to record it. With no u (a
// single-workspace bot) it does nothing.
func lifecycle(ctx context.Context, u Uninstaller, ev slackevents.EventsAPIEvent, log *slog.Logger) error {
	if u == nil {
		return nil
	}
	if teams, granted, ok := orgAccessChange(ev.InnerEvent); ok {
		a, isOrg := u.(OrgAccess)
		if !isOrg {
			return nil
		}
		ctx, cancel := context.WithTimeout(ctx, uninstallTimeout)
		defer cancel()
		enterprise := enterpriseOf(ev)
		change := a.RevokeTeams
		if granted {
			change = a.GrantTeams
		}
		if err := change(ctx, enterprise, teams, eventTime(ev)); err != nil {
			log.ErrorContext(ctx, "org-wide install's workspaces", "event", ev.InnerEvent.Type, "enterprise", enterprise, "teams", teams, "err", err)
			return err
		}
		return nil
	}
	reason := uninstallReason(ev.InnerEvent)
	if reason == "" {
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
