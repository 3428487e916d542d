package scheduler

import (
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/slack-go/slack"
)

// Slack errors that mean the person cannot be messaged at all: retrying
// would never succeed.
var undeliverable = []string{
	"account_inactive", "user_not_found", "channel_not_found", "is_archived",
	"cannot_dm_bot", "user_disabled", "not_in_channel", "invalid_auth", "token_revoked",
}

// classify says how to treat a failed send: wait retryAfter before any
// message (a 429), give up (permanent), or retry with backoff (neither).
func classify(err error) (retryAfter time.Duration, permanent bool) {
	var limited *slack.RateLimitedError
	if errors.As(err, &limited) {
		return max(limited.RetryAfter, time.Second), false
	}
	var status slack.StatusCodeError
	if errors.As(err, &status) && status.Code == http.StatusTooManyRequests {
		return 30 * time.Second, false // no Retry-After: wait a while
	}
	var resp slack.SlackErrorResponse
	if errors.As(err, &resp) && slices.Contains(undeliverable, resp.Err) {
		return 0, true
	}
	return 0, false
}
