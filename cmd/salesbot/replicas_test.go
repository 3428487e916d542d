package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/bot"
	"salesbot/internal/fakeslack"
	"salesbot/internal/redistest"
	"salesbot/store"
)

// replicaSecret is the signing secret the replicas share.
const replicaSecret = "replicas-secret"

// TestReplicasShareTheWork runs three `salesbot serve` processes on one
// redis-server and one fake Slack, as they would run behind a load balancer,
// and proves that they share the work:
//
//   - a lead created through one replica is graded through a second, visited
//     through the third, and its card read back through the first shows
//     every change;
//   - follow-ups made due through the replicas are reminded exactly once in
//     all, and still once after every replica has swept twice more;
//   - after one replica is killed with SIGKILL, the other two still answer,
//     and a follow-up that falls due afterwards is reminded exactly once;
//   - a form submission that Slack replays, delivered to two replicas at
//     once, logs one visit and is confirmed once;
//   - on SIGTERM the replicas finish what they started and exit cleanly.
func TestReplicasShareTheWork(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs three processes")
	}
	bin := buildSalesbot(t)
	fs := fakeslack.New(t)
	redisURL, client := replicaRedis(t)
	st := store.New(client)
	team := redistest.Team(t)
	fs.SetTeam(team) // the workspace the bot token belongs to (auth.test)

	environ := serveEnv(fs, replicaSecret, redisURL)
	replicas := make([]*replica, 3)
	for i := range replicas {
		replicas[i] = startReplica(t, bin, i+1, environ)
	}
	for _, r := range replicas {
		waitHTTP(t, r.base+"/readyz")
	}

	// 1. One lead, changed through each replica in turn.
	const owner = "U0REPONE"
	replicas[0].mustSay(t, team, owner, `/lead new "Relay Partners" B`, "Relay Partners")
	replicas[1].mustSay(t, team, owner, `/lead grade "Relay Partners" A budget approved`, "Relay Partners")
	replicas[2].mustSay(t, team, owner, `/visit "Relay Partners" walked the plant with the CTO`, "Logged a visit", "Relay Partners")
	// The card shows the grade set through replica 2 and the visit logged
	// through replica 3.
	replicas[0].mustSay(t, team, owner, `/lead show "Relay Partners"`,
		"Relay Partners", "A · closes within 3 months", "walked the plant with the CTO")

	// 2. Follow-ups made due through the replicas: grade A (every 7 days),
	// last visited ten days ago. Two owners, so that there are reminders to
	// more than one person.
	tenDaysAgo := time.Now().UTC().AddDate(0, 0, -10).Format(time.DateOnly)
	due := []string{"Alder Forge", "Birch Mills", "Cedar Works", "Dogwood Labs", "Elm Systems", "Fir Logistics"}
	owners := map[string]string{}
	for i, company := range due {
		owners[company] = []string{"U0REPONE", "U0REPTWO"}[i%2]
		replicas[i%3].mustSay(t, team, owners[company], fmt.Sprintf(`/lead new "%s" A`, company), company)
		replicas[(i+1)%3].mustSay(t, team, owners[company], fmt.Sprintf(`/visit "%s" %s first meeting`, company, tenDaysAgo), "Logged a visit", company)
	}
	waitReminded(t, fs, st, team, owners, due)
	afterSweeps(t, replicas, 2)
	checkRemindedOnce(t, fs, st, team, owners, due)
	for _, company := range due {
		if l := storedLead(t, st, team, company); !l.RemindedDue.Equal(l.Due) {
			t.Errorf("%s: the reminder went out but is not recorded as sent (due %s, reminded for %s)", company, l.Due, l.RemindedDue)
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	// 3. A replica dies without a word; the other two carry on. Every lease
	// was settled above, so nothing waits on the dead replica's leases.
	replicas[1].kill(t)
	if resp, err := http.Get(replicas[1].base + "/healthz"); err == nil {
		resp.Body.Close()
		t.Fatal("the killed replica still answers")
	}
	survivors := []*replica{replicas[0], replicas[2]}
	late := "Gingko Foods"
	owners[late] = "U0REPTWO"
	survivors[0].mustSay(t, team, owners[late], fmt.Sprintf(`/lead new "%s" A`, late), late)
	survivors[1].mustSay(t, team, owners[late], fmt.Sprintf(`/visit "%s" %s first meeting`, late, tenDaysAgo), "Logged a visit", late)
	due = append(due, late)
	waitReminded(t, fs, st, team, owners, due)
	afterSweeps(t, survivors, 2)
	checkRemindedOnce(t, fs, st, team, owners, due)
	for _, r := range survivors {
		r.mustSay(t, team, owners[late], fmt.Sprintf(`/lead show "%s"`, late), late, "first meeting")
	}

	// 4. Slack replays a form submission (the same view ID and hash) and the
	// load balancer sends the two deliveries to different replicas at once:
	// one visit is logged, and it is confirmed once.
	relay := storedLead(t, st, team, "Relay Partners")
	confirmations := func() int {
		n := 0
		for _, call := range fs.Calls("chat.postEphemeral") {
			if call.Param("user") == owner && strings.Contains(call.Text(), "Relay Partners") {
				n++
			}
		}
		return n
	}
	confirmed := confirmations()
	submission := slack.InteractionCallback{Type: slack.InteractionTypeViewSubmission,
		Team: slack.Team{ID: team}, User: slack.User{ID: owner},
		View: slack.View{ID: "V0REPLAYED", Hash: "1700000000.replayed", CallbackID: "visit", PrivateMetadata: `{"c":"C0SALES"}`,
			State: &slack.ViewState{Values: map[string]map[string]slack.BlockAction{
				"company": {"company": {Value: "Relay Partners"}},
				"kind":    {"kind": {SelectedOption: slack.OptionBlockObject{Value: "call"}}},
				"notes":   {"notes": {Value: "called about the pilot"}},
			}}}}
	payload, err := json.Marshal(submission)
	if err != nil {
		t.Fatal(err)
	}
	body := url.Values{"payload": {string(payload)}}.Encode()
	var wg sync.WaitGroup
	statuses := make([]int, len(survivors))
	for i, r := range survivors {
		wg.Go(func() { statuses[i], _ = r.post(t, "/slack/interactions", body) })
	}
	wg.Wait()
	for i, s := range statuses {
		if s != http.StatusOK {
			t.Fatalf("delivery %d of the submission: status %d", i+1, s)
		}
	}
	// A submission is applied before it is answered, so both deliveries
	// are settled now.
	visits, err := st.Visits(t.Context(), team, relay.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	pilot := 0
	for _, v := range visits {
		if v.Notes == "called about the pilot" {
			pilot++
		}
	}
	if pilot != 1 {
		t.Errorf("the replayed submission logged %d visits, want one", pilot)
	}

	// 5. SIGTERM: the two replicas finish what they started (the
	// confirmation is sent after the answer) and exit cleanly.
	for _, r := range survivors {
		r.stop(t)
	}
	if n := confirmations() - confirmed; n != 1 {
		t.Errorf("the replayed submission was confirmed %d times, want once", n)
	}
}

// replicaRedis returns the URL and a client of a redis-server for this test
// alone when redis-server is installed, so that the replicas' sweeps touch
// no other test's teams (go test runs packages at once, and REDIS_URL may be
// one server for all of them), or in cluster mode (make test-cluster) of a
// full Redis Cluster for this test alone. Without redis-server, the
// package's server is used.
func replicaRedis(t *testing.T) (string, redis.UniversalClient) {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		return redistest.URL(t), redistest.Client(t)
	}
	if redistest.ClusterMode() {
		c := redistest.NewFullCluster(t)
		return c.URL, c.Client(t)
	}
	srv := redistest.NewDurable(t)
	opt, err := redis.ParseURL(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(opt)
	t.Cleanup(func() { _ = c.Close() })
	return srv.URL, c
}

// replica is one `salesbot serve` process.
type replica struct {
	n    int    // 1, 2 or 3, for messages
	base string // http://127.0.0.1:port
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited

	mu   sync.Mutex
	logs []string // its stderr lines, shown when the test fails
}

// startReplica starts `salesbot serve` on a free port; it is killed when
// the test ends, and its log is shown if the test failed.
func startReplica(t *testing.T, bin string, n int, environ []string) *replica {
	t.Helper()
	addr := freeAddr(t)
	r := &replica{n: n, base: "http://" + addr, cmd: exec.Command(bin, "serve"), done: make(chan struct{})}
	r.cmd.Env = append(slices.Clip(environ), "LISTEN_ADDR="+addr)
	stderr, err := r.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			r.mu.Lock()
			r.logs = append(r.logs, sc.Text())
			r.mu.Unlock()
		}
		_ = r.cmd.Wait()
		close(r.done)
	}()
	t.Cleanup(func() {
		r.kill(t)
		if t.Failed() {
			r.mu.Lock()
			defer r.mu.Unlock()
			t.Logf("replica %d log:\n%s", r.n, strings.Join(r.logs, "\n"))
		}
	})
	return r
}

// kill ends the process with SIGKILL, as a crash or an OOM kill would, and
// waits for it to be gone.
func (r *replica) kill(t *testing.T) {
	t.Helper()
	_ = r.cmd.Process.Kill()
	select {
	case <-r.done:
	case <-time.After(10 * time.Second):
		t.Errorf("replica %d did not exit after SIGKILL", r.n)
	}
}

// stop sends SIGTERM and fails the test unless the replica exits cleanly.
func (r *replica) stop(t *testing.T) {
	t.Helper()
	if err := r.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("replica %d: %v", r.n, err)
	}
	select {
	case <-r.done:
		if code := r.cmd.ProcessState.ExitCode(); code != 0 {
			t.Errorf("replica %d exited with status %d after SIGTERM", r.n, code)
		}
	case <-time.After(20 * time.Second):
		t.Errorf("replica %d did not exit after SIGTERM", r.n)
	}
}

// post sends a body signed as Slack signs it and returns the answer.
func (r *replica) post(t *testing.T, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, r.base+path, strings.NewReader(body))
	if err != nil {
		t.Error(err)
		return 0, ""
	}
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", bot.Sign([]byte(replicaSecret), ts, []byte(body)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Errorf("replica %d: %v", r.n, err)
		return 0, ""
	}
	defer resp.Body.Close()
	reply, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(reply)
}

// mustSay sends a slash command as user and fails the test unless the reply
// contains every one of wants. It returns what the reply says (text and
// blocks).
func (r *replica) mustSay(t *testing.T, team, user, line string, wants ...string) string {
	t.Helper()
	name, text, _ := strings.Cut(line, " ")
	form := url.Values{"team_id": {team}, "user_id": {user}, "channel_id": {"C0SALES"}, "command": {name}, "text": {text}}
	status, body := r.post(t, "/slack/commands", form.Encode())
	if status != http.StatusOK {
		t.Fatalf("replica %d, %s: status %d: %s", r.n, line, status, body)
	}
	var msg slack.Msg
	if err := json.Unmarshal([]byte(body), &msg); err != nil {
		t.Fatalf("replica %d, %s: the reply is not a message: %v: %s", r.n, line, err, body)
	}
	blocks, _ := json.Marshal(msg.Blocks)
	reply := msg.Text + "\n" + strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(string(blocks))
	for _, w := range wants {
		if !strings.Contains(reply, w) {
			t.Fatalf("replica %d, %s: want %q in the reply:\n%s", r.n, line, w, reply)
		}
	}
	return reply
}

// sweeps is how many sweeps the replica has finished, from its /metrics.
func (r *replica) sweeps(t *testing.T) int {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, r.base+"/metrics", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("replica %d: metrics: %v", r.n, err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "salesbot_sweep_duration_seconds_count "); ok {
			n, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("replica %d: metrics: %q", r.n, sc.Text())
			}
			return int(n)
		}
	}
	return 0
}

// afterSweeps waits until every replica has finished n more sweeps: anything
// a replica could still send twice would have been sent by then.
func afterSweeps(t *testing.T, replicas []*replica, n int) {
	t.Helper()
	start := make([]int, len(replicas))
	for i, r := range replicas {
		start[i] = r.sweeps(t)
	}
	waitUntil(t, fmt.Sprintf("every replica to sweep %d more times", n), func() bool {
		for i, r := range replicas {
			if r.sweeps(t) < start[i]+n {
				return false
			}
		}
		return true
	})
}

// reminders counts, by company, the follow-up reminders the fake Slack has
// received: direct messages to the lead's owner with the lead's own
// reminder block (its buttons), whatever else they mention (a morning
// message tells of other leads' risks too).
func reminders(t *testing.T, fs *fakeslack.Server, st *store.Store, team string, owners map[string]string, companies []string) map[string]int {
	t.Helper()
	blocks := make(map[string]string, len(companies))
	for _, c := range companies {
		blocks[c] = `"block_id":"reminder:` + storedLead(t, st, team, c).ID + `"`
	}
	count := map[string]int{}
	for _, call := range fs.Calls("chat.postMessage") {
		for _, c := range companies {
			if call.Param("channel") == owners[c] && strings.Contains(call.Param("blocks"), blocks[c]) {
				count[c]++
			}
		}
	}
	return count
}

// waitReminded waits until every company's owner has been reminded of it.
func waitReminded(t *testing.T, fs *fakeslack.Server, st *store.Store, team string, owners map[string]string, companies []string) {
	t.Helper()
	waitUntil(t, "a reminder of each due follow-up", func() bool {
		count := reminders(t, fs, st, team, owners, companies)
		for _, c := range companies {
			if count[c] == 0 {
				return false
			}
		}
		return true
	})
}

// checkRemindedOnce fails the test unless each company's owner was reminded
// of it exactly once, whichever replica sent it; it shows the messages when
// not.
func checkRemindedOnce(t *testing.T, fs *fakeslack.Server, st *store.Store, team string, owners map[string]string, companies []string) {
	t.Helper()
	count := reminders(t, fs, st, team, owners, companies)
	for _, c := range companies {
		if count[c] != 1 {
			t.Errorf("%s: its owner was reminded %d times by the replicas together, want once", c, count[c])
		}
	}
	if t.Failed() {
		for _, call := range fs.Calls("chat.postMessage") {
			t.Logf("chat.postMessage to %s: %s", call.Param("channel"), call.Text())
		}
	}
}

// storedLead reads a lead from Redis by its company name.
func storedLead(t *testing.T, st *store.Store, team, company string) *salesbot.Lead {
	t.Helper()
	key := salesbot.NormalizeCompany(company)
	ids, err := st.LeadIDsByName(t.Context(), team, []string{key})
	if err != nil || ids[key] == "" {
		t.Fatalf("lead %q not stored (err %v)", company, err)
	}
	l, err := st.Lead(t.Context(), team, ids[key])
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// waitUntil polls cond until it holds, failing the test after 15 seconds.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		select {
		case <-t.Context().Done():
			t.Fatalf("gave up waiting for %s: %v", what, t.Context().Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}
