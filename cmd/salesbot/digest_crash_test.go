package main

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"salesbot"
	"salesbot/internal/fakeslack"
	"salesbot/internal/redistest"
	"salesbot/store"
)

// TestKilledMidDigestSendsItOnce kills `salesbot serve` with SIGKILL while
// the day's digest is on its way to the manager (the fake Slack holds the
// request, then drops it: Slack never got it). The digest was leased, not
// marked sent: a new process on the same Redis sends it once the lease
// (SALESBOT_REMINDER_LEASE, 3 s here) has run out, and only once that day.
func TestKilledMidDigestSendsItOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs two processes")
	}
	bin := buildSalesbot(t)
	fs := fakeslack.New(t)
	redisURL, client := replicaRedis(t)
	st := store.New(client)
	team := redistest.Team(t)

	const manager, rep, company = "U0BOSS", "U0DIGREP", "Digest Dynamics"
	fs.SetUser(manager, fakeslack.User{Name: "Boss", TZ: "UTC"})
	if err := st.AddManager(t.Context(), team, manager); err != nil {
		t.Fatal(err)
	}
	l, c, err := salesbot.NewLead(salesbot.Actor{User: rep}, team, "", company, salesbot.GradeA, time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	l.Schedule(salesbot.DefaultCadence())
	if _, err := st.CreateLead(t.Context(), l, c); err != nil {
		t.Fatal(err)
	}

	// The first digest is held until the bot that sends it is dead, and
	// then dropped.
	held, release := make(chan struct{}), make(chan struct{})
	var seen atomic.Bool
	fs.OnCall(func(call fakeslack.Call) {
		if !isDigest(call, manager) || seen.Swap(true) {
			return
		}
		fs.DropNext("chat.postMessage")
		close(held)
		<-release
	})
	t.Cleanup(func() {
		if !seen.Load() {
			close(release)
		}
	})

	// A digest every minute of the day: whenever the test runs, today's is
	// due.
	environ := serveEnv(fs, replicaSecret, redisURL, "SALESBOT_REMINDER_LEASE=3s", "SALESBOT_DIGEST=* * * * *")
	crashed := startReplica(t, bin, 1, environ)
	select {
	case <-held:
	case <-time.After(15 * time.Second):
		t.Fatal("the first bot never tried to send the digest")
	}
	crashed.kill(t)
	close(release)
	if n := digestsTo(fs, manager); n != 0 {
		t.Fatalf("%d digests delivered before the restart; want 0", n)
	}

	restarted := startReplica(t, bin, 2, environ)
	waitHTTP(t, restarted.base+"/readyz")
	waitUntil(t, "the restarted bot to send the digest", func() bool { return digestsTo(fs, manager) > 0 })
	afterSweeps(t, []*replica{restarted}, 2)
	if n := digestsTo(fs, manager); n != 1 {
		t.Errorf("the digest was delivered %d times; want once", n)
	}
}

// isDigest says whether a call is a digest to the manager.
func isDigest(call fakeslack.Call, manager string) bool {
	return call.Method == "chat.postMessage" && call.Param("channel") == manager && strings.HasPrefix(call.Param("text"), "Sales digest")
}

// digestsTo counts the digests the fake Slack took for a manager.
func digestsTo(fs *fakeslack.Server, manager string) int {
	n := 0
	for _, call := range fs.Calls("chat.postMessage") {
		if call.Failed == "" && isDigest(call, manager) {
			n++
		}
	}
	return n
}
