package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"salesbot"
	"salesbot/bot"
	"salesbot/internal/fakeslack"
	"salesbot/internal/redistest"
	"salesbot/store"
)

func TestServeRefusesBadSettings(t *testing.T) {
	var stderr strings.Builder
	err := run(t.Context(), []string{"serve"}, env(map[string]string{"SLACK_BOT_TOKEN": "xoxb-1"}), strings.NewReader(""), io.Discard, &stderr)
	if err == nil || !strings.Contains(err.Error(), "SLACK_SIGNING_SECRET") {
		t.Fatalf("err %v", err)
	}
	if err := run(t.Context(), []string{"bogus"}, env(nil), strings.NewReader(""), io.Discard, &stderr); err == nil {
		t.Fatal("unknown command accepted")
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestServeProcess builds the real binary, serves a signed slash command,
// passes the healthcheck, and exits 0 on SIGTERM.
func TestServeProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildSalesbot(t)
	fs := fakeslack.New(t)
	addr := freeAddr(t)
	// A lead that fell due a week ago, for the sweep to remind its owner of.
	team := redistest.Team(t)
	fs.SetTeam(team) // the workspace the bot token belongs to (auth.test)
	st := store.New(redistest.Client(t))
	due, c, err := salesbot.NewLead(salesbot.Actor{User: "U0OWNER"}, team, "", "Overdue Co", salesbot.GradeA, time.Now().AddDate(0, 0, -14))
	if err != nil {
		t.Fatal(err)
	}
	due.Schedule(salesbot.DefaultCadence())
	if _, err := st.CreateLead(t.Context(), due, c); err != nil {
		t.Fatal(err)
	}
	environ := serveEnv(fs, "proc-secret", redistest.URL(t), "LISTEN_ADDR="+addr)
	cmd := exec.Command(bin, "serve")
	cmd.Env = environ
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	logs := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			logs <- sc.Text()
		}
		close(logs)
	}()
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	base := "http://" + addr
	waitHTTP(t, base+"/readyz")

	check := exec.Command(bin, "healthcheck")
	check.Env = environ
	if out, err := check.CombinedOutput(); err != nil {
		t.Fatalf("healthcheck: %v %s", err, out)
	}

	// The sweep reminds the owner once, within seconds. Other messages may
	// come first: the process sweeps every team in this redis-server,
	// other tests' too, and tells their reps of new risks.
	var reminder fakeslack.Call
	deadline := time.Now().Add(15 * time.Second)
	for reminder.Method == "" && time.Now().Before(deadline) {
		for _, call := range fs.Calls("chat.postMessage") {
			if call.Param("channel") == "U0OWNER" && strings.Contains(call.Text(), "reminder_snooze") {
				reminder = call
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(reminder.Text(), "Overdue Co") || !strings.Contains(reminder.Text(), "reminder_snooze") {
		var seen []string
		for _, call := range fs.Calls("chat.postMessage") {
			seen = append(seen, call.Param("channel")+" "+call.Failed+": "+call.Text())
		}
		t.Fatalf("no reminder to U0OWNER in 15 s among:\n%s", strings.Join(seen, "\n"))
	}

	form := url.Values{"team_id": {team}, "user_id": {"U0PROC"}, "channel_id": {"C1"}, "command": {"/lead"}, "text": {"new Proc Co"}}
	body := form.Encode()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req, _ := http.NewRequest(http.MethodPost, base+"/slack/commands", strings.NewReader(body))
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", bot.Sign([]byte("proc-secret"), ts, []byte(body)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	reply, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(reply), "Proc Co") {
		t.Fatalf("command: %d %s", resp.StatusCode, reply)
	}
	time.Sleep(2500 * time.Millisecond) // more sweeps go by
	sent := 0
	for _, call := range fs.Calls("chat.postMessage") {
		if call.Param("channel") == "U0OWNER" && strings.Contains(call.Text(), "reminder_snooze") {
			sent++
		}
	}
	if sent != 1 {
		t.Errorf("the owner was reminded %d times; want once", sent)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not exit after SIGTERM")
	}
	var all []string
	for l := range logs {
		all = append(all, l)
	}
	joined := strings.Join(all, "\n")
	if !strings.Contains(joined, "shutting down") {
		t.Errorf("no shutdown log:\n%s", joined)
	}
	for _, secret := range []string{"proc-secret", "xoxb-test"} {
		if strings.Contains(joined, secret) {
			t.Errorf("logs leak %s", secret)
		}
	}
}

func waitHTTP(t *testing.T, target string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 15*time.Second)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s never answered 200 (last: %v)", target, fmt.Sprint(err))
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// buildSalesbot builds the salesbot binary into the test's temporary
// directory and returns its path.
func buildSalesbot(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "salesbot")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// serveEnv is the environment of a `salesbot serve` that talks to the fake
// Slack fs and the Redis at redisURL, signs with secret, and sweeps every
// second at any hour of any day, with no managers from the environment.
// extra settings ("NAME=value") come last and win.
func serveEnv(fs *fakeslack.Server, secret, redisURL string, extra ...string) []string {
	env := append(os.Environ(),
		"SLACK_BOT_TOKEN=xoxb-test", "SLACK_SIGNING_SECRET="+secret, "SLACK_APP_TOKEN=",
		"SLACK_API_URL="+fs.APIURL(), "REDIS_URL="+redisURL,
		"SALESBOT_SWEEP=@every 1s", "SALESBOT_WORK_HOURS=0-24", "SALESBOT_WORK_DAYS=0-6", "SALESBOT_MANAGERS=")
	return append(env, extra...)
}
