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

// TestKilledMidSendRemindsOnce kills `salesbot serve` with SIGKILL after it
// has claimed a reminder, while its message is still on the way to Slack
// (the fake Slack holds the request, then drops it: Slack never got it).
// A new process started on the same Redis sends that reminder once the
// claim's lease (SALESBOT_REMINDER_LEASE, 3 s here) has run out, and only
// once, and records it as sent.
func TestKilledMidSendRemindsOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs two processes")
	}
	bin := buildSalesbot(t)
	fs := fakeslack.New(t)
	redisURL, client := replicaRedis(t)
	st := store.New(client)
	team := redistest.Team(t)
	fs.SetTeam(team) // the workspace the bot token belongs to (auth.test)

	const owner, company = "U0CRASH", "Crashpad Industries"
	l, c, err := salesbot.NewLead(salesbot.Actor{User: owner}, team, "", company, salesbot.GradeA, time.Now().AddDate(0, 0, -14))
	if err != nil {
		t.Fatal(err)
	}
	l.Schedule(salesbot.DefaultCadence()) // due a week ago
	if _, err := st.CreateLead(t.Context(), l, c); err != nil {
		t.Fatal(err)
	}

	// The first reminder is held until the bot that sends it is dead, and
	// then dropped.
	held, release := make(chan struct{}), make(chan struct{})
	var seen atomic.Bool
	fs.OnCall(func(call fakeslack.Call) {
		if call.Method != "chat.postMessage" || !strings.Contains(call.Text(), company) || seen.Swap(true) {
			return
		}
		fs.DropNext("chat.postMessage")
		close(held)
		<-release
	})

	environ := serveEnv(fs, replicaSecret, redisURL, "SALESBOT_REMINDER_LEASE=3s")
	crashed := startReplica(t, bin, 1, environ)
	select {
	case <-held:
	case <-time.After(15 * time.Second):
		t.Fatal("the first bot never tried to send the reminder")
	}
	crashed.kill(t)
	close(release)
	if n := delivered(fs, owner, company); n != 0 {
		t.Fatalf("%d reminders delivered before the restart; want 0", n)
	}

	restarted := startReplica(t, bin, 2, environ)
	waitHTTP(t, restarted.base+"/readyz")
	waitUntil(t, "the restarted bot to send the reminder", func() bool { return delivered(fs, owner, company) > 0 })
	afterSweeps(t, []*replica{restarted}, 2)
	if n := delivered(fs, owner, company); n != 1 {
		t.Errorf("the reminder was delivered %d times; want once", n)
	}
	if got := storedLead(t, st, team, company); !got.RemindedDue.Equal(got.Due) {
		t.Errorf("the reminder went out but is not recorded as sent (due %s, reminded for %s)", got.Due, got.RemindedDue)
	}
}

// delivered counts the reminders of company that reached owner: direct
// messages with the reminder's buttons that the fake Slack answered.
func delivered(fs *fakeslack.Server, owner, company string) int {
	n := 0
	for _, call := range fs.Calls("chat.postMessage") {
		if call.Failed == "" && call.Param("channel") == owner && strings.Contains(call.Text(), company) && strings.Contains(call.Text(), "reminder_snooze") {
			n++
		}
	}
	return n
}
