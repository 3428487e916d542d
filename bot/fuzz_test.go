package bot_test

// Fuzz targets for what reaches the bot over HTTP before any handler runs:
// the signature check, and the form and JSON bodies of slash commands and
// interactions. The handler behind the server is a stub that only counts
// calls, so these need no Redis and no Slack.
//
//	go test -run=NONE -fuzz='^FuzzInteractionPayload$' -fuzztime=30s ./bot

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"salesbot/bot"
)

// fuzzClock is the verifier's now in these targets (and the wall clock
// is the bot's own verifier's, in FuzzVerify).
var fuzzClock = time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)

const fuzzSecret = "fuzz-signing-secret"

func fuzzNow() time.Time { return fuzzClock }

// fuzzHeaders are the headers Slack signs a request with.
func fuzzHeaders(sig, ts string) http.Header {
	h := http.Header{}
	h.Set("X-Slack-Signature", sig)
	h.Set("X-Slack-Request-Timestamp", ts)
	return h
}

func FuzzVerify(f *testing.F) {
	ts := strconv.FormatInt(fuzzClock.Unix(), 10)
	for _, s := range []struct {
		secret, ts, sig string
		body            []byte
	}{
		{fuzzSecret, ts, "", []byte("token=x&team_id=T1&command=%2Flead&text=show+Acme")},
		{fuzzSecret, ts, "v0=" + strings.Repeat("0", 64), []byte(`payload={"type":"block_actions"}`)},
		{"", ts, "v0=", nil},
		{"秘密", "+" + ts, "V0=ABC", []byte("text=上海某某机械有限公司 ２０２６－１１－２３")},
		{fuzzSecret, "99999999999999999999", "v0=x", []byte("\x00\xff\xfe")},
		{fuzzSecret, "-9223372036854775808", "v1=abc", []byte(`"“«「『＂'`)},
		{fuzzSecret, "1.7e9", "v0=\r\n", []byte("\x1b[31m")},
		{fuzzSecret, ts + " ", "v0=" + strings.Repeat("f", 128), bytes.Repeat([]byte("a"), 4096)},
	} {
		f.Add(s.secret, s.ts, s.sig, s.body, uint(0), byte(1))
	}
	f.Fuzz(func(t *testing.T, secret, ts, sig string, body []byte, pos uint, flip byte) {
		v := bot.NewVerifier(secret, fuzzNow)
		// Whatever the headers hold, a request is let through only with
		// the right signature of this very body at a fresh timestamp.
		if err := v.Verify(fuzzHeaders(sig, ts), body); err == nil {
			secs, perr := strconv.ParseInt(ts, 10, 64)
			if perr != nil || sig != bot.Sign([]byte(secret), ts, body) || fuzzAbs(fuzzClock.Unix()-secs) > int64(bot.MaxClockSkew/time.Second) {
				t.Fatalf("Verify(sig %q, ts %q, body %q) accepted a forged or stale request", sig, ts, body)
			}
		}
		_ = v.Verify(http.Header{"X-Slack-Signature": {sig, ts}, "X-Slack-Request-Timestamp": {ts, sig}}, body)
		_ = v.Verify(nil, body)

		// The bot's own verifier (slack-go's, on the wall clock) holds to
		// the same: a signature of this very body (hex in either case) at
		// a fresh timestamp, or nothing.
		live := bot.NewVerifier(secret, nil)
		if err := live.Verify(fuzzHeaders(sig, ts), body); err == nil {
			secs, perr := strconv.ParseInt(ts, 10, 64)
			if perr != nil || !strings.EqualFold(sig, bot.Sign([]byte(secret), ts, body)) || fuzzAbs(time.Now().Unix()-secs) > int64(bot.MaxClockSkew/time.Second)+5 {
				t.Fatalf("live Verify(sig %q, ts %q, body %q) accepted a forged or stale request", sig, ts, body)
			}
		}
		if secret != "" {
			now := strconv.FormatInt(time.Now().Unix(), 10)
			signed := fuzzHeaders(bot.Sign([]byte(secret), now, body), now)
			if err := live.Verify(signed, body); err != nil {
				t.Fatalf("live Verify of a body signed now: %v", err)
			}
			if err := live.Verify(signed, append(bytes.Clone(body), flip)); err == nil {
				t.Fatalf("live Verify accepted a byte added to body %q", body)
			}
		}

		fresh := strconv.FormatInt(fuzzClock.Unix()-int64(pos%300), 10)
		good := bot.Sign([]byte(secret), fresh, body)
		if err := v.Verify(fuzzHeaders(good, fresh), body); err != nil {
			t.Fatalf("Verify of a body signed at %s: %v", fresh, err)
		}
		if flip == 0 {
			flip = 0x80
		}
		if len(body) == 0 {
			if err := v.Verify(fuzzHeaders(good, fresh), []byte{flip}); err == nil {
				t.Fatalf("Verify accepted a byte added to an empty body")
			}
			return
		}
		for _, i := range []int{int(pos % uint(len(body))), 0, len(body) - 1} {
			changed := bytes.Clone(body)
			changed[i] ^= flip
			if err := v.Verify(fuzzHeaders(good, fresh), changed); err == nil {
				t.Fatalf("Verify accepted body %q with byte %d changed (signed %q)", changed, i, body)
			}
		}
	})
}

func fuzzAbs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// fuzzHandler is a bot.Handler that records how often it is called.
type fuzzHandler struct {
	mu                          sync.Mutex
	commands, interactions, evs int
}

func (h *fuzzHandler) Command(context.Context, slack.SlashCommand) *slack.Msg {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.commands++
	return nil
}

func (h *fuzzHandler) Interaction(context.Context, slack.InteractionCallback) *slack.ViewSubmissionResponse {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.interactions++
	return nil
}

func (h *fuzzHandler) Event(context.Context, string, slackevents.EventsAPIInnerEvent) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.evs++
}

func (h *fuzzHandler) calls() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.commands + h.interactions + h.evs
}

// Interaction payloads as Slack sends them, and damaged ones.
var fuzzPayloads = []string{
	`{"type":"block_actions","team":{"id":"T1"},"user":{"id":"U1"},"trigger_id":"1.2.3","actions":[{"action_id":"approve","block_id":"b","type":"button","value":"abc123"}]}`,
	`{"type":"view_submission","team":{"id":"T1"},"user":{"id":"U1"},"view":{"callback_id":"lead_new","private_metadata":"{\"company\":\"上海某某机械有限公司\"}","state":{"values":{"company":{"company":{"type":"plain_text_input","value":"“Acme” «Industrial»"}},"grade":{"grade":{"type":"static_select","selected_option":{"value":"A","text":{"type":"plain_text","text":"A"}}}},"day":{"day":{"type":"datepicker","selected_date":"２０２６－１１－２３"}}}}}}`,
	`{"type":"view_submission","view":{"callback_id":"no_such_form","blocks":[{"type":"input","block_id":"x","element":{"type":"unknown_element"}},{"type":"rich_text","elements":[{"type":"rich_text_section","elements":[{"type":"text","text":"\u0000"}]}]}]}}`,
	`{"type":"block_actions","actions":[{"action_id":"no_such_action","type":"overflow","selected_option":{"value":"99999999999999999999"}},{"type":"multi_static_select","selected_options":[null,{}]}]}`,
	`{"type":"shortcut","callback_id":"x","message":{"blocks":[{"type":"section","accessory":{"type":"image"}},{"type":"actions","elements":[{"type":"button"},null]}]}}`,
	`{"type":"view_closed","view":{"blocks":[null,1,"x",{"type":null}]}}`,
	`{"type":"block_actions","actions":{"action_id":"x"},"view":[]}`,
	`{"type":1e999}`,
	`{"type":"` + "\xff\xfe" + `"}`,
	`[]`, `null`, `"payload"`, `{`, ``, `{"a":` + strings.Repeat("[", 10000),
}

func FuzzInteractionPayload(f *testing.F) {
	raws := []string{
		"token=x&team_id=T1&user_id=U1&command=%2Flead&text=new+%22Acme+Industrial%22+A",
		"command=/visit&text=上海某某机械有限公司 ２０２６－１１－２３ 拜访 next: 2026-12-01",
		"payload=%7B%22type%22%3A%22block_actions%22%7D",
		"payload=&payload=x",
		"a=%zz&b=%",
		"a;b=c",
		"\x00\xff\xfe=\x1b",
		"text=" + strings.Repeat("%E4%B8%8A", 1000),
	}
	for i, p := range fuzzPayloads {
		f.Add(p, []byte(raws[i%len(raws)]), false)
	}
	f.Add(fuzzPayloads[0], []byte("x"), true)
	f.Fuzz(func(t *testing.T, payload string, raw []byte, big bool) {
		h := &fuzzHandler{}
		srv := bot.NewServer(h, bot.NewVerifier(fuzzSecret, fuzzNow), nil, nil, slog.New(slog.DiscardHandler))
		ts := strconv.FormatInt(fuzzClock.Unix(), 10)
		if big {
			// Over the limit: refused with 413 before anything is parsed.
			if len(raw) == 0 {
				raw = []byte("a")
			}
			raw = bytes.Repeat(raw, bot.MaxBodyBytes/len(raw)+1)
		}
		bodies := [][]byte{
			[]byte(url.Values{"payload": {payload}}.Encode()),
			raw,
			[]byte(url.Values{"command": {"/lead"}, "text": {payload}, "user_id": {"U1"}, "team_id": {"T1"}}.Encode()),
			append([]byte("payload="), payload...),
		}
		for _, path := range []string{"/slack/interactions", "/slack/commands"} {
			for i, body := range bodies {
				if big && i != 1 {
					continue
				}
				before := h.calls()
				req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("X-Slack-Request-Timestamp", ts)
				req.Header.Set("X-Slack-Signature", bot.Sign([]byte(fuzzSecret), ts, body))
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, req)
				called := h.calls() - before
				switch code := rec.Code; {
				case code == http.StatusOK:
					if called != 1 {
						t.Fatalf("POST %s %q: 200 after %d handler calls; want 1", path, body, called)
					}
				case code == http.StatusBadRequest || code == http.StatusRequestEntityTooLarge:
					if called != 0 {
						t.Fatalf("POST %s %q: %d, yet the handler was called", path, body, code)
					}
				default:
					t.Fatalf("POST %s %q: status %d; want 200, 400 or 413", path, body, code)
				}
				if big && rec.Code != http.StatusRequestEntityTooLarge {
					t.Fatalf("POST %s of %d bytes: status %d; want 413", path, len(body), rec.Code)
				}
				if !big && len(body) <= bot.MaxBodyBytes && rec.Code == http.StatusRequestEntityTooLarge {
					t.Fatalf("POST %s of %d bytes: 413 under the limit", path, len(body))
				}
			}
		}
	})
}
