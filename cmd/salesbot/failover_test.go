package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/internal/fakeslack"
	"salesbot/internal/redistest"
	"salesbot/store"
)

// failoverLease is the reminder lease of the failover tests' replicas: a
// reminder sent while its acknowledgement could not be written is sent
// again once its lease has run out, never sooner.
const failoverLease = 4 * time.Second

// TestClusterMasterFailover kills, with SIGKILL, the Redis Cluster master
// that holds the team's keys while two `salesbot serve` processes answer a
// steady stream of signed slash commands and sweep reminders falling due
// before, during and after the switch. Its replica takes over; see
// failoverRig.run for what must hold. Then the killed node, restarted,
// takes the slots back by CLUSTER FAILOVER under the same traffic.
func TestClusterMasterFailover(t *testing.T) {
	skipUnlessFailover(t)
	c := redistest.NewFullCluster(t)
	f := startFailoverRig(t, c.URL)
	var old string
	f.run(t, switchover{name: "Kill", outage: true}, func() {
		master := c.MasterOf(t, "sb:{"+f.team+"}:leads")
		c.Kill(t, master)
		c.WaitHealthy(t)
		if now := c.MasterOf(t, "sb:{"+f.team+"}:leads"); now == master {
			t.Fatalf("the team's slot is still served by the killed %s", master)
		}
		old = master
	})
	// The killed node, back as a replica, takes its slots over again by a
	// manual failover, which pauses the old master until its replica has
	// caught up: nothing is lost, so nothing is sent twice.
	c.Restart(t, old)
	f.run(t, switchover{name: "Handover"}, func() {
		c.Failover(t, old)
		if now := c.MasterOf(t, "sb:{"+f.team+"}:leads"); now != old {
			t.Fatalf("CLUSTER FAILOVER left the team's slot on %s; want %s", now, old)
		}
	})
	f.stop(t)
}

// TestSentinelFailover does the same behind Redis Sentinel: the master is
// killed and the sentinels promote its replica; then the killed node,
// back as a replica, is handed the master role again by SENTINEL FAILOVER
// (no node dies; see switchover.lossy for what that costs).
func TestSentinelFailover(t *testing.T) {
	skipUnlessFailover(t)
	s := redistest.NewSentinelSet(t)
	f := startFailoverRig(t, s.URL)
	var old, promoted string
	f.run(t, switchover{name: "Kill", outage: true}, func() {
		old = s.Master(t)
		s.Kill(t, old)
		promoted = s.WaitFailover(t, old)
	})
	s.Restart(t, old)
	s.WaitReplicaOf(t, old, promoted)
	f.run(t, switchover{name: "Handover", lossy: true}, func() {
		s.Failover(t)
		if got := s.WaitFailover(t, promoted); got != old {
			t.Fatalf("SENTINEL FAILOVER made %s the master; want %s", got, old)
		}
	})
	f.stop(t)
}

// skipUnlessFailover runs the failover tests in cluster mode only (make
// test-cluster), where their extra redis-servers are expected, in parallel
// with each other.
func skipUnlessFailover(t *testing.T) {
	t.Helper()
	if testing.Short() || !redistest.ClusterMode() {
		t.Skipf("a failover test: make test-cluster runs it (%s=1)", redistest.ClusterEnv)
	}
	// Each has a Redis, a fake Slack and replicas of its own, and spends
	// most of its time waiting for Redis to switch over.
	t.Parallel()
}

// failoverRig is two `salesbot serve` replicas on one Redis, with a lead
// the traffic reads and writes, and a record of every reminder the fake
// Slack received, with when.
type failoverRig struct {
	fs       *fakeslack.Server
	st       *store.Store
	team     string
	replicas []*replica

	mu        sync.Mutex
	reminders []sentReminder
	ids       map[string]string // the due leads' IDs, by company
}

type sentReminder struct {
	text string
	at   time.Time
}

const (
	failoverOwner = "U0FAILOVER"
	trafficLead   = "Quarry Hill"
)

func startFailoverRig(t *testing.T, redisURL string) *failoverRig {
	t.Helper()
	bin := buildSalesbot(t)
	client, err := store.NewClient(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })
	f := &failoverRig{fs: fakeslack.New(t), st: store.New(client), team: redistest.Team(t), ids: map[string]string{}}
	f.fs.SetTeam(f.team) // the workspace the bot token belongs to (auth.test)
	f.fs.OnCall(func(call fakeslack.Call) {
		if call.Method == "chat.postMessage" && call.Param("channel") == failoverOwner && strings.Contains(call.Text(), "reminder_snooze") {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.reminders = append(f.reminders, sentReminder{text: call.Text(), at: time.Now()})
		}
	})
	environ := serveEnv(f.fs, replicaSecret, redisURL, "SALESBOT_REMINDER_LEASE="+failoverLease.String())
	for i := range 2 {
		f.replicas = append(f.replicas, startReplica(t, bin, i+1, environ))
	}
	for _, r := range f.replicas {
		waitHTTP(t, r.base+"/readyz")
	}
	f.replicas[0].mustSay(t, f.team, failoverOwner, `/lead new "`+trafficLead+`" B`, trafficLead)
	return f
}

// stop ends the replicas with SIGTERM: each must exit cleanly.
func (f *failoverRig) stop(t *testing.T) {
	t.Helper()
	for _, r := range f.replicas {
		r.stop(t)
	}
}

// outcome is one command of the traffic: when it was sent, and how it was
// answered.
type outcome struct {
	at     time.Time
	took   time.Duration
	status int
	reply  string
}

// switchover says what a switch of Redis masters may do to the bot.
type switchover struct {
	name string
	// outage: the master dies, so some commands must meet it and be
	// answered "try again".
	outage bool
	// lossy: the old master keeps taking writes until the bot hears of the
	// switch, and the new one never gets them (Sentinel's handover, unlike
	// Redis Cluster's manual failover, does not pause the old master): a
	// reminder claimed and sent in that second may be claimed and sent
	// again at once, without waiting for a lease. It is still sent at most
	// twice, and never lost.
	lossy bool
}

// run makes ten leads fall due one every 400 ms from a second on, starts
// traffic (a /lead show and a /visit in turn, alternating replicas), and
// two seconds in switches Redis over with change, which returns once Redis
// has settled. Then:
//
//   - every command got an answer (HTTP 200) that is either its own or the
//     bot's transient-failure reply (":hourglass: … try again"), never
//     another error; in an outage, at least one got the latter;
//   - both replicas answer normally again within 15 seconds, without a
//     restart, and keep doing so;
//   - every lead's owner is reminded of it, and recorded as reminded; a
//     second reminder (its acknowledgement lost in the switch) comes at
//     least half a lease after the first (unless the switch is lossy),
//     never a third.
func (f *failoverRig) run(t *testing.T, sw switchover, change func()) {
	t.Helper()
	name := sw.name
	start := time.Now()
	due := make([]string, 10)
	for i := range due {
		due[i] = fmt.Sprintf("%s Due %02d", name, i)
		at := start.Add(time.Second + time.Duration(i)*400*time.Millisecond)
		l, c, err := salesbot.NewLead(salesbot.Actor{User: failoverOwner}, f.team, "", due[i], salesbot.GradeA, at.Add(-salesbot.DefaultCadence()[salesbot.GradeA]))
		if err != nil {
			t.Fatal(err)
		}
		l.Schedule(salesbot.DefaultCadence())
		if _, err := f.st.CreateLead(t.Context(), l, c); err != nil {
			t.Fatal(err)
		}
		f.mu.Lock()
		f.ids[due[i]] = l.ID
		f.mu.Unlock()
	}

	stop := make(chan struct{})
	var (
		wg       sync.WaitGroup
		once     sync.Once
		outcomes []outcome
	)
	// The traffic ends before the test does, even when it fails early.
	halt := func() { once.Do(func() { close(stop) }); wg.Wait() }
	defer halt()
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(30 * time.Millisecond):
			}
			line := `/lead show "` + trafficLead + `"`
			if i%2 == 1 {
				line = fmt.Sprintf(`/visit "%s" %s check-in %d`, trafficLead, name, i)
			}
			outcomes = append(outcomes, f.say(t, f.replicas[i%2], line))
		}
	}()

	time.Sleep(time.Until(start.Add(2 * time.Second)))
	switched := time.Now()
	change()
	settled := time.Now()
	t.Logf("%s: Redis switched over in %s", name, settled.Sub(switched).Round(time.Millisecond))

	// Both replicas answer normally again, without a restart.
	for _, r := range f.replicas {
		deadline := time.Now().Add(15 * time.Second)
		for o := f.say(t, r, `/lead show "`+trafficLead+`"`); !normal(o); o = f.say(t, r, `/lead show "`+trafficLead+`"`) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: replica %d still answers %d %q 15s after the switch", name, r.n, o.status, o.reply)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	recovered := time.Now()
	t.Logf("%s: both replicas answer normally %s after Redis settled", name, recovered.Sub(settled).Round(time.Millisecond))
	time.Sleep(500 * time.Millisecond)
	halt()

	retries, slowest := 0, time.Duration(0)
	for _, o := range outcomes {
		slowest = max(slowest, o.took)
		switch {
		case normal(o):
		case transient(o):
			retries++
			if o.at.After(recovered) {
				t.Errorf("%s: a command sent after recovery was answered %q", name, o.reply)
			}
		default:
			t.Errorf("%s: a command sent %s after the switch began got status %d: %q", name, o.at.Sub(switched).Round(time.Millisecond), o.status, o.reply)
		}
	}
	t.Logf("%s: %d commands, %d answered try again, slowest answer %s", name, len(outcomes), retries, slowest.Round(time.Millisecond))
	if sw.outage && retries == 0 {
		t.Errorf("%s: no command was answered try again: the traffic never met the outage", name)
	}
	for _, r := range f.replicas {
		r.mustSay(t, f.team, failoverOwner, fmt.Sprintf(`/visit "%s" %s after the switch`, trafficLead, name), "Logged a visit")
		r.mustSay(t, f.team, failoverOwner, `/lead show "`+trafficLead+`"`, trafficLead, name+" after the switch")
	}

	// Every reminder went out, was recorded, and went out again only after
	// a lease.
	waitUntil(t, name+": a reminder of every lead", func() bool {
		for _, company := range due {
			if len(f.sent(company)) == 0 {
				return false
			}
		}
		return true
	})
	time.Sleep(failoverLease)
	afterSweeps(t, f.replicas, 2)
	for _, company := range due {
		sent := f.sent(company)
		switch {
		case len(sent) > 2:
			t.Errorf("%s: reminded %d times", company, len(sent))
		case len(sent) == 2 && sent[1].Sub(sent[0]) < failoverLease/2 && !sw.lossy:
			t.Errorf("%s: reminded twice %s apart, within the lease of %s", company, sent[1].Sub(sent[0]), failoverLease)
		case len(sent) == 2:
			t.Logf("%s: reminded again %s later: the switch lost what recorded the first", company, sent[1].Sub(sent[0]).Round(time.Millisecond))
		}
		if l := storedLead(t, f.st, f.team, company); !l.RemindedDue.Equal(l.Due) {
			t.Errorf("%s: reminded but not recorded as reminded (due %s, reminded for %s)", company, l.Due, l.RemindedDue)
		}
	}
}

// say sends a slash command as the failover owner and returns how it was
// answered.
func (f *failoverRig) say(t *testing.T, r *replica, line string) outcome {
	name, text, _ := strings.Cut(line, " ")
	form := url.Values{"team_id": {f.team}, "user_id": {failoverOwner}, "channel_id": {"C0SALES"}, "command": {name}, "text": {text}}
	o := outcome{at: time.Now()}
	o.status, o.reply = r.post(t, "/slack/commands", form.Encode())
	o.took = time.Since(o.at)
	return o
}

// normal reports whether a command was answered as it is when Redis is
// well: a /lead show with the card, a /visit with its confirmation, and no
// error reply (one whose text starts with :hourglass:, :warning: or
// :no_entry:; a card may show :warning: beside a risk).
func normal(o outcome) bool {
	var msg slack.Msg
	if o.status != http.StatusOK || json.Unmarshal([]byte(o.reply), &msg) != nil {
		return false
	}
	for _, e := range []string{":hourglass:", ":warning:", ":no_entry:"} {
		if strings.HasPrefix(msg.Text, e) {
			return false
		}
	}
	return strings.Contains(msg.Text, trafficLead)
}

// transient reports whether a command was answered with the bot's reply
// to a failure that passes: try again in a moment.
func transient(o outcome) bool {
	var msg slack.Msg
	if o.status != http.StatusOK || json.Unmarshal([]byte(o.reply), &msg) != nil {
		return false
	}
	return strings.HasPrefix(msg.Text, ":hourglass:") && strings.Contains(msg.Text, "try again")
}

// sent is when the failover owner was reminded of company (a message with
// the lead's reminder block, whatever else it mentions), in order. It
// reads nothing from Redis: the test's own client may not have heard of
// the switch yet.
func (f *failoverRig) sent(company string) []time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	block := `"block_id":"reminder:` + f.ids[company] + `"`
	var at []time.Time
	for _, r := range f.reminders {
		if strings.Contains(r.text, block) {
			at = append(at, r.at)
		}
	}
	return at
}
