// Package bot is salesbot's Slack transport: it receives slash commands,
// interactions and events over HTTP (checking Slack's signature) or Socket
// Mode, hands them to the handlers, and writes the acknowledgements back.
package bot

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/slack-go/slack"
)

// Errors a request's signature check can fail with.
var (
	ErrMissingSignature = errors.New("missing X-Slack-Signature or X-Slack-Request-Timestamp")
	ErrStaleTimestamp   = errors.New("request timestamp too far from now")
	ErrBadSignature     = errors.New("signature does not match")
)

// MaxClockSkew is how far a request's timestamp may be from now, either way,
// before it is refused as a possible replay. It is slack-go's window too.
const MaxClockSkew = 5 * time.Minute

// Verifier checks Slack's request signatures: HMAC-SHA256 of
// "v0:{timestamp}:{raw body}" with the app's signing secret.
//
// The bot's own verifier (a nil clock) is slack-go's
// slack.NewSecretsVerifier, which reads the wall clock. Measured side by
// side on a 1 KB slash command (this machine, 2 cores), it costs what the
// hand-written check it replaced did: about 1.6 µs, with 9 allocations and
// 568 B against 10 and 736 B (BenchmarkVerify). A verifier
// with an injected clock, for requests signed at a fixed time such as
// Slack's published example from 2018, checks the timestamp against that
// clock and the signature against Sign, since slack-go's cannot be given a
// clock.
type Verifier struct {
	secret string
	now    func() time.Time // nil: slack-go's verifier and the wall clock
}

// NewVerifier returns a Verifier for the signing secret. now is nil in the
// bot, which then verifies with slack-go's NewSecretsVerifier; tests that
// replay requests signed at a fixed time pass their clock.
func NewVerifier(secret string, now func() time.Time) *Verifier {
	return &Verifier{secret: secret, now: now}
}

// Verify reports whether the headers carry a valid, fresh signature of body:
// nil, or an error that wraps ErrMissingSignature, ErrStaleTimestamp or
// ErrBadSignature. It compares in constant time and reads nothing but the
// headers and the raw body, so it runs before any parsing.
func (v *Verifier) Verify(h http.Header, body []byte) error {
	if v.now != nil {
		return v.verifyAt(h, body, v.now())
	}
	sv, err := slack.NewSecretsVerifier(h, v.secret)
	if err != nil {
		return verifyError(err, h)
	}
	if _, err := sv.Write(body); err != nil {
		return fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	if err := sv.Ensure(); err != nil {
		return ErrBadSignature
	}
	return nil
}

// verifyError maps slack-go's refusals onto the Verifier's errors.
func verifyError(err error, h http.Header) error {
	var num *strconv.NumError
	switch {
	case errors.Is(err, slack.ErrMissingHeaders):
		return ErrMissingSignature
	case errors.Is(err, slack.ErrExpiredTimestamp):
		return ErrStaleTimestamp
	case errors.As(err, &num):
		return fmt.Errorf("%w: timestamp %q", ErrStaleTimestamp, h.Get("X-Slack-Request-Timestamp"))
	case errors.Is(err, slack.ErrInvalidConfiguration):
		return fmt.Errorf("%w: no signing secret is set", ErrBadSignature)
	}
	// slack.ErrInvalidSignature, or a signature that is not v0= and hex.
	return fmt.Errorf("%w: %v", ErrBadSignature, err)
}

// verifyAt is Verify at the injected clock's now.
func (v *Verifier) verifyAt(h http.Header, body []byte, now time.Time) error {
	sig, ts := h.Get("X-Slack-Signature"), h.Get("X-Slack-Request-Timestamp")
	if sig == "" || ts == "" {
		return ErrMissingSignature
	}
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: timestamp %q", ErrStaleTimestamp, ts)
	}
	if now.Sub(time.Unix(secs, 0)).Abs() > MaxClockSkew {
		return ErrStaleTimestamp
	}
	if !hmac.Equal([]byte(sig), []byte(Sign([]byte(v.secret), ts, body))) {
		return ErrBadSignature
	}
	return nil
}

// Sign computes the X-Slack-Signature value for a body sent at timestamp ts
// (Unix seconds, as a string): what Slack sends and what tests send.
func Sign(secret []byte, ts string, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte("v0:" + ts + ":"))
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}
