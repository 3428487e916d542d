package scheduler_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"salesbot"
	"salesbot/bot"
	"salesbot/internal/fakeslack"
)

// stallPosts makes the fake Slack hold every chat.postMessage that match
// accepts, without answering, until the test ends (or release is called);
// stalled is closed when the first one arrives.
func (e *env) stallPosts(match func(fakeslack.Call) bool) (stalled <-chan struct{}, release func()) {
	hold, first := make(chan struct{}), make(chan struct{})
	var once, freed atomic.Bool
	release = func() {
		if !freed.Swap(true) {
			close(hold)
		}
	}
	e.t.Cleanup(release) // before the fake Slack closes, which waits for its calls
	e.slack.OnCall(func(c fakeslack.Call) {
		if c.Method != "chat.postMessage" || !match(c) || freed.Load() {
			return
		}
		if !once.Swap(true) {
			close(first)
		}
		<-hold
	})
	return first, release
}

// TestStalledSendTimesOut: a chat.postMessage that Slack never answers ends
// at the send's deadline; the sweep returns, the reminder goes back as a
// failed try, and a later sweep sends it.
func TestStalledSendTimesOut(t *testing.T) {
	e := newEnv(t, tue10, options{lease: 10 * time.Second, send: 300 * time.Millisecond})
	e.user(rep, time.UTC)
	id := e.dueLead(rep, "Stalled Co", tue10)
	var stalls atomic.Int32
	e.stallPosts(func(fakeslack.Call) bool { return stalls.Add(1) == 1 })

	e.clock.Set(tue10)
	done := make(chan error, 1)
	go func() { done <- e.a.Sweep(e.ctx) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("sweep: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the sweep is still waiting for the stalled send")
	}
	e.wantPosts(rep, 0, "after the stalled send")
	e.wantIndexed(id, tue10.Add(time.Minute)) // retried after the first backoff
	if got := e.counter("salesbot_reminders_total", "outcome", "retried"); got != 1 {
		t.Errorf("retried metric %v, want 1", got)
	}

	e.sweepAt(tue10.Add(time.Minute))
	mustContain(t, "retried reminder", text(e.wantPosts(rep, 1, "the next sweep")[0]), "Stalled Co")
	e.wantIndexed(id, time.Time{})
}

// TestReadyzReportsStuckSweep: while a sweep is stuck on a send (here one
// whose deadline is far off), GET /readyz answers 503 and says why; once it
// ends, 200 again.
func TestReadyzReportsStuckSweep(t *testing.T) {
	e := newEnv(t, tue10, options{lease: time.Minute, send: 30 * time.Second, stuck: 300 * time.Millisecond})
	e.user(rep, time.UTC)
	e.dueLead(rep, "Stuck Co", tue10)
	stalled, release := e.stallPosts(func(fakeslack.Call) bool { return true })

	srv := httptest.NewServer(bot.NewServer(nil, nil, e.store, nil, slog.New(slog.NewTextHandler(io.Discard, nil))).Ready(e.a.Ready))
	t.Cleanup(srv.Close)
	readyz := func() (int, string) {
		t.Helper()
		resp, err := http.Get(srv.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	if code, body := readyz(); code != http.StatusOK {
		t.Fatalf("/readyz before Run: %d %s", code, body)
	}

	ctx, cancel := context.WithCancel(e.ctx)
	ran := make(chan error, 1)
	go func() { ran <- e.a.Run(ctx, "@every 1s") }()
	t.Cleanup(func() {
		cancel()
		release()
		if err := <-ran; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	<-stalled
	waitFor(t, "/readyz to report the stuck sweep", func() bool {
		code, body := readyz()
		return code == http.StatusServiceUnavailable && strings.Contains(body, "sweep stuck")
	})
	release()
	waitFor(t, "/readyz to be ready once the sweep ended", func() bool {
		code, _ := readyz()
		return code == http.StatusOK
	})
	e.wantPosts(rep, 1, "after the stall")
}

// waitFor polls cond until it holds, failing the test after 15 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// attemptsOf returns the failed attempts recorded on a lead's follow-up.
func (e *env) attemptsOf(id string) int {
	e.t.Helper()
	n, err := e.rdb.HGet(e.ctx, "sb:{"+e.team+"}:attempts", id).Int()
	if err != nil && err.Error() != "redis: nil" {
		e.t.Fatal(err)
	}
	return n
}

// TestRevokedTokenPausesWorkspace: Slack refusing the bot's token is no
// single rep's failure: nothing is given up or counted as a failed try,
// the workspace's sending waits and is tried again a few minutes later,
// and it shows in the logs' metric and in Ready.
func TestRevokedTokenPausesWorkspace(t *testing.T) {
	for _, slackErr := range []string{"token_revoked", "invalid_auth", "account_inactive", "not_authed"} {
		t.Run(slackErr, func(t *testing.T) {
			e := newEnv(t, tue10, options{})
			e.user(rep, time.UTC)
			e.user(rep2, time.UTC)
			ids := []string{e.dueLead(rep, "Initech", tue10), e.dueLead(rep2, "Hooli", tue10), e.dueLead(rep2, "Pied Piper", tue10)}
			e.slack.FailNext("chat.postMessage", slackErr)
			e.sweepAt(tue10)
			if got := e.slack.Calls("chat.postMessage"); len(got) != 1 || got[0].Failed != slackErr {
				t.Fatalf("want one refused post, got:\n%s", texts(got))
			}
			for _, id := range ids {
				if l := e.get(id); !l.RemindedDue.IsZero() {
					t.Errorf("lead %s marked reminded after a refused token", id)
				}
				if n := e.attemptsOf(id); n != 0 {
					t.Errorf("lead %s: %d failed attempts counted; want none", id, n)
				}
			}
			if got := e.counter("salesbot_slack_auth_failures_total", "error", slackErr); got != 1 {
				t.Errorf("auth failure metric %v, want 1", got)
			}
			if got := e.counter("salesbot_reminders_total", "outcome", "failed"); got != 0 {
				t.Errorf("failed metric %v, want 0", got)
			}
			for _, s := range []interface{ Ready(time.Time) error }{e.a, e.b} {
				if err := s.Ready(time.Now()); err == nil || !strings.Contains(err.Error(), slackErr) {
					t.Errorf("Ready = %v; want the refused token reported", err)
				}
			}
			// The pause holds on every replica, then the token is tried again.
			for _, d := range []time.Duration{time.Minute, 4 * time.Minute} {
				e.sweepAt(tue10.Add(d))
			}
			if n := len(e.slack.Calls("chat.postMessage")); n != 1 {
				t.Fatalf("%d posts during the pause; want the refused one only", n)
			}
			e.sweepAt(tue10.Add(5*time.Minute + time.Second))
			mustContain(t, "after the pause", text(e.wantPosts(rep, 1, "after the pause")[0]), "Initech")
			mustContain(t, "after the pause", text(e.wantPosts(rep2, 1, "after the pause")[0]), "Hooli", "Pied Piper")
			for _, s := range []interface{ Ready(time.Time) error }{e.a, e.b} {
				if err := s.Ready(time.Now()); err != nil {
					t.Errorf("Ready after the token works again = %v", err)
				}
			}
		})
	}
}

// TestRateLimitCountsOnlyTheTriedClaim: a 429 on one rep's message counts a
// failed attempt on that message's follow-ups only, not on the others put
// back untried.
func TestRateLimitCountsOnlyTheTriedClaim(t *testing.T) {
	e := newEnv(t, tue10, options{})
	e.user(rep, time.UTC)
	e.user(rep2, time.UTC)
	tried := e.dueLead(rep, "Initech", tue10)  // U0REP sorts first
	untried := e.dueLead(rep2, "Hooli", tue10) // never sent
	untried2 := e.dueLead(rep2, "Pied Piper", tue10)
	e.slack.RateLimitNext("chat.postMessage", 30)
	e.sweepAt(tue10)
	if got := e.slack.Calls("chat.postMessage"); len(got) != 1 || got[0].Param("channel") != rep {
		t.Fatalf("want one rate-limited post to %s, got:\n%s", rep, texts(got))
	}
	if n := e.attemptsOf(tried); n != 1 {
		t.Errorf("the tried follow-up has %d attempts; want 1", n)
	}
	for _, id := range []string{untried, untried2} {
		if n := e.attemptsOf(id); n != 0 {
			t.Errorf("an untried follow-up has %d attempts; want 0", n)
		}
	}
}

// TestUnknownZoneWaits: a rep whose time zone Slack has not told yet is not
// reminded on a guess (UTC); the follow-up stays due, uncounted, and goes
// out once the zone is known.
func TestUnknownZoneWaits(t *testing.T) {
	e := newEnv(t, tue10, options{})
	e.user(rep, time.UTC)
	id := e.dueLead(rep, "Zoneless Co", tue10)
	var down atomic.Bool
	down.Store(true)
	e.slack.OnCall(func(c fakeslack.Call) {
		if c.Method == "users.info" && down.Load() {
			e.slack.FailNext("users.info", "fatal_error")
		}
	})
	e.sweepAt(tue10)
	if n := len(e.tries(rep)); n != 0 {
		t.Fatalf("%d messages to a rep of unknown zone; want none", n)
	}
	e.wantIndexed(id, tue10.Add(time.Minute))
	if n := e.attemptsOf(id); n != 0 {
		t.Errorf("%d failed attempts counted; want none", n)
	}
	if got := e.counter("salesbot_reminders_total", "outcome", "zone_unknown"); got != 1 {
		t.Errorf("zone_unknown metric %v, want 1", got)
	}
	down.Store(false)
	e.sweepAt(tue10.Add(time.Minute))
	mustContain(t, "reminder", text(e.wantPosts(rep, 1, "once the zone is known")[0]), "Zoneless Co")
	e.sweepAt(tue10.Add(time.Hour))
	e.wantPosts(rep, 1, "later")
}

// TestDigestReleasedWhenCancelled: a sweep cancelled (SIGTERM) after it
// leased a manager's digest and before it sent it gives the lease back,
// though its context is done: another replica sends the digest at once,
// once.
func TestDigestReleasedWhenCancelled(t *testing.T) {
	at := time.Date(2026, 6, 17, 6, 0, 0, 0, time.UTC) // Wednesday 08:00 in Berlin
	e := newEnv(t, at, options{digest: "0 8 * * 1-5", managers: []string{berlin}})
	e.user(berlin, berlinZ)
	e.user(rep, time.UTC)
	e.lead(rep, "Digest Co", salesbot.GradeC, at.Add(-salesbot.Day))
	ctx, cancel := context.WithCancel(e.ctx)
	e.sched.leased = cancel
	e.clock.Set(at)
	if err := e.a.Sweep(ctx); err == nil {
		t.Fatal("the cancelled sweep reported no error")
	}
	e.sched.leased = nil
	if n := len(e.tries(berlin)); n != 0 {
		t.Fatalf("the cancelled sweep sent %d digests", n)
	}
	e.sweep(e.b)
	if n := len(e.digests(berlin)); n != 1 {
		t.Fatalf("%d digests from the other replica, want 1", n)
	}
	e.race(2)
	if n := len(e.digests(berlin)); n != 1 {
		t.Fatalf("%d digests after more sweeps, want 1", n)
	}
}

// TestFailedRebuildHoldsNoReminderUp: a team whose read models cannot be
// rebuilt (Redis failing a step) still gets its reminders; the rebuild is
// tried again on the next sweep, and the sweep reports it.
func TestFailedRebuildHoldsNoReminderUp(t *testing.T) {
	e := newEnv(t, tue10, options{})
	e.user(rep, time.UTC)
	e.dueLead(rep, "Rebuild Co", tue10)
	if err := e.rdb.Del(e.ctx, "sb:{"+e.team+"}:rm:built").Err(); err != nil {
		t.Fatal(err)
	}
	e.sched.rebuild = errors.New("a rebuild step failed")
	e.clock.Set(tue10)
	if err := e.a.Sweep(e.ctx); err == nil || !strings.Contains(err.Error(), "a rebuild step failed") {
		t.Fatalf("sweep: %v; want the rebuild's failure reported", err)
	}
	mustContain(t, "reminder", text(e.wantPosts(rep, 1, "despite the failed rebuild")[0]), "Rebuild Co")
	e.sched.rebuild = nil
	e.clock.Set(tue10.Add(time.Minute))
	e.sweep(e.a)
	if ok, err := e.store.ReadModelsBuilt(e.ctx, e.team); err != nil || !ok {
		t.Fatalf("read models after the next sweep: built %v, %v", ok, err)
	}
}
