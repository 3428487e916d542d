package bot_test

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"salesbot/bot"
)

// signedHeaders are the headers Slack sends with body signed at ts.
func signedHeaders(secret, ts string, body []byte) http.Header {
	h := http.Header{}
	h.Set("X-Slack-Request-Timestamp", ts)
	h.Set("X-Slack-Signature", bot.Sign([]byte(secret), ts, body))
	return h
}

// TestVerifierWallClock checks the bot's own verifier (slack-go's
// NewSecretsVerifier, on the wall clock): what it accepts and refuses, and
// with which of the Verifier's errors.
func TestVerifierWallClock(t *testing.T) {
	const secret = "wall-clock-secret"
	body := []byte("token=x&team_id=T1&user_id=U1&command=%2Flead&text=show+Acme")
	now := time.Now()
	at := func(d time.Duration) string { return strconv.FormatInt(now.Add(d).Unix(), 10) }
	v := bot.NewVerifier(secret, nil)

	with := func(change func(h http.Header)) http.Header {
		h := signedHeaders(secret, at(0), body)
		change(h)
		return h
	}
	cases := []struct {
		name   string
		header http.Header
		body   []byte
		want   error
	}{
		{"signed now", signedHeaders(secret, at(0), body), body, nil},
		{"signed four minutes ago", signedHeaders(secret, at(-4*time.Minute), body), body, nil},
		{"signed six minutes ago", signedHeaders(secret, at(-6*time.Minute), body), body, bot.ErrStaleTimestamp},
		{"signed six minutes ahead", signedHeaders(secret, at(6*time.Minute), body), body, bot.ErrStaleTimestamp},
		{"another secret", signedHeaders("another-secret", at(0), body), body, bot.ErrBadSignature},
		{"changed body", signedHeaders(secret, at(0), body), append([]byte("x"), body...), bot.ErrBadSignature},
		{"no headers", http.Header{}, body, bot.ErrMissingSignature},
		{"no timestamp", with(func(h http.Header) { h.Del("X-Slack-Request-Timestamp") }), body, bot.ErrMissingSignature},
		{"timestamp not a number", with(func(h http.Header) { h.Set("X-Slack-Request-Timestamp", "soon") }), body, bot.ErrStaleTimestamp},
		{"signature not hex", with(func(h http.Header) { h.Set("X-Slack-Signature", "v0=zz") }), body, bot.ErrBadSignature},
		{"signature of another version", with(func(h http.Header) {
			h.Set("X-Slack-Signature", "v1="+strings.TrimPrefix(h.Get("X-Slack-Signature"), "v0="))
		}), body, bot.ErrBadSignature},
	}
	for _, c := range cases {
		if err := v.Verify(c.header, c.body); !errors.Is(err, c.want) {
			t.Errorf("%s: err %v, want %v", c.name, err, c.want)
		}
	}
	if err := bot.NewVerifier("", nil).Verify(signedHeaders("", at(0), body), body); !errors.Is(err, bot.ErrBadSignature) {
		t.Errorf("no signing secret: err %v, want %v", err, bot.ErrBadSignature)
	}
}

// BenchmarkVerify is the bot's verifier on a 1 KB slash command (the figure
// in Verifier's doc comment).
func BenchmarkVerify(b *testing.B) {
	body := []byte("token=x&team_id=T1&user_id=U1&command=%2Flead&text=" + strings.Repeat("a", 950))
	h := signedHeaders("bench-secret", strconv.FormatInt(time.Now().Unix(), 10), body)
	v := bot.NewVerifier("bench-secret", nil)
	b.ReportAllocs()
	for b.Loop() {
		if err := v.Verify(h, body); err != nil {
			b.Fatal(err)
		}
	}
}
