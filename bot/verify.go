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
	"math"
	"net/http"
	"strconv"
	"time"
)

// Errors a request's signature check can fail with.
var (
	ErrMissingSignature = errors.New("missing X-Slack-Signature or X-Slack-Request-Timestamp")
	ErrStaleTimestamp   = errors.New("request timestamp too far from now")
	ErrBadSignature     = errors.New("signature does not match")
)

// MaxClockSkew is how far a request's timestamp may be from now, either way,
// before it is refused as a possible replay.
const MaxClockSkew = 5 * time.Minute

// Verifier checks Slack's request signatures: HMAC-SHA256 of
// "v0:{timestamp}:{raw body}" with the app's signing secret.
type Verifier struct {
	secret []byte
	now    func() time.Time
}

// NewVerifier returns a Verifier for the signing secret; now is the clock
// (time.Now when nil), injectable so Slack's published example can be
// checked.
func NewVerifier(secret string, now func() time.Time) *Verifier {
	if now == nil {
		now = time.Now
	}
	return &Verifier{secret: []byte(secret), now: now}
}

// Verify reports whether the headers carry a valid, fresh signature of body.
// It compares in constant time and reads nothing but the headers and the raw
// body, so it runs before any parsing.
func (v *Verifier) Verify(h http.Header, body []byte) error {
	sig, ts := h.Get("X-Slack-Signature"), h.Get("X-Slack-Request-Timestamp")
	if sig == "" || ts == "" {
		return ErrMissingSignature
	}
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: timestamp %q", ErrStaleTimestamp, ts)
	}
	if skew := math.Abs(float64(v.now().Unix() - secs)); skew > MaxClockSkew.Seconds() {
		return ErrStaleTimestamp
	}
	if !hmac.Equal([]byte(sig), []byte(Sign(v.secret, ts, body))) {
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
