package scheduler

import (
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/slack-go/slack"

	"salesbot/workspace"
)

// failure is what a failed send means for what comes next.
type failure int

const (
	// transient: retry this message later, with backoff.
	transient failure = iota
	// rateLimited: Slack asked every sender to wait (429).
	rateLimited
	// undeliverable: this person cannot be messaged; retrying never helps.
	undeliverable
	// authRefused: Slack refused the workspace's token; no message to
	// anyone can go until it is fixed.
	authRefused
)

// Slack errors that mean the person cannot be messaged at all: retrying
// would never succeed.
var unreachable = []string{
	"user_not_found", "channel_not_found", "is_archived",
	"cannot_dm_bot", "user_disabled", "not_in_channel",
}

// Slack errors that mean the bot's own token is refused (revoked, expired,
// the app or its workspace gone): every message would fail alike.
var refused = []string{
	"invalid_auth", "token_revoked", "token_expired", "account_inactive", "not_authed",
}

// classify says how to treat a failed send: which kind of failure it is,
// how long to wait before any message (a 429), and the Slack error code.
func classify(err error) (kind failure, retryAfter time.Duration, code string) {
	var limited *slack.RateLimitedError
	if errors.As(err, &limited) {
		return rateLimited, max(limited.RetryAfter, time.Second), "ratelimited"
	}
	var status slack.StatusCodeError
	if errors.As(err, &status) && status.Code == http.StatusTooManyRequests {
		return rateLimited, 30 * time.Second, "ratelimited" // no Retry-After: wait a while
	}
	if errors.Is(err, workspace.ErrNotInstalled) {
		// Uninstalled while the sweep ran: like a refused token, nothing
		// more goes to the workspace (its next sweep is skipped).
		return authRefused, 0, "not_installed"
	}
	var resp slack.SlackErrorResponse
	if errors.As(err, &resp) {
		switch {
		case slices.Contains(refused, resp.Err):
			return authRefused, 0, resp.Err
		case slices.Contains(unreachable, resp.Err):
			return undeliverable, 0, resp.Err
		}
	}
	return transient, 0, ""
}
