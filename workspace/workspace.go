// Package workspace knows the Slack workspaces the bot is installed in: the
// installation each OAuth install leaves (its bot token, bot user and
// installer), and which token a Web API call made for a workspace must
// carry. With only SLACK_BOT_TOKEN set there is one workspace and one token.
package workspace

import (
	"context"
	"errors"
	"time"
)

// ErrNotInstalled is returned for a workspace the bot has no installation
// in, or whose installation was removed (app_uninstalled, tokens_revoked).
var ErrNotInstalled = errors.New("salesbot is not installed in this workspace")

// Installation is what one OAuth install of the app leaves: a workspace's
// (or, for an Enterprise Grid org-wide install, an organization's) bot
// token and who installed it.
type Installation struct {
	Team       string // T…; "" for an org-wide install
	Enterprise string // E…; "" outside Enterprise Grid
	// OrgWide is true for an Enterprise Grid org-wide install: its token
	// serves every workspace of Enterprise that has no install of its own.
	OrgWide   bool
	BotToken  string   // xoxb-…; kept encrypted at rest
	BotUser   string   // the bot's user ID (U…)
	BotID     string   // the bot's ID (B…)
	Installer string   // the user who installed the app; the first manager
	Scopes    []string // the bot scopes Slack granted
	// RefreshToken and ExpiresAt are set when the app has token rotation
	// on: the bot token expires at ExpiresAt and is refreshed with
	// RefreshToken (oauth.v2.access, grant_type=refresh_token) before.
	RefreshToken string
	ExpiresAt    time.Time
	InstalledAt  time.Time
	// UninstalledAt is when app_uninstalled or tokens_revoked came; zero
	// while installed. The workspace's data is purged SALESBOT_RETENTION
	// after it.
	UninstalledAt time.Time
}

// Owner is the ID whose keys hold the installation: its enterprise for an
// org-wide install, else its team.
func (i Installation) Owner() string {
	if i.OrgWide {
		return i.Enterprise
	}
	return i.Team
}

// Active reports whether the installation may be used to send.
func (i Installation) Active() bool { return i.BotToken != "" && i.UninstalledAt.IsZero() }

// Tokens gives the bot token to call the Web API with for a workspace: its
// own installation's, else its organization's org-wide one. It returns
// ErrNotInstalled when there is neither (or it was uninstalled), and
// refreshes a rotating token that is about to expire.
type Tokens interface {
	BotToken(ctx context.Context, team, enterprise string) (string, error)
}

// Registry answers whether the bot serves a workspace and looks after the
// installations' lifecycle. The install package implements it over Redis.
type Registry interface {
	Tokens
	// Installed reports whether a request from the workspace is served:
	// it has an active installation, its own or its organization's.
	Installed(ctx context.Context, team, enterprise string) (bool, error)
	// Uninstall stops all sending to the workspace at once (app_uninstalled,
	// tokens_revoked) and starts its retention period at now.
	Uninstall(ctx context.Context, team, enterprise, reason string, now time.Time) error
	// PurgeExpired deletes the data of every workspace uninstalled longer
	// ago than the retention period, logs each purge and returns the
	// purged teams.
	PurgeExpired(ctx context.Context, now time.Time) ([]string, error)
}
