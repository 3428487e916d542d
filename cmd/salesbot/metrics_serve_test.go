package main

import (
	"bufio"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"salesbot/bot"
	"salesbot/internal/fakeslack"
	"salesbot/internal/redistest"
)

// TestServeMetricsCountRedisAndRequests runs `salesbot serve` against a fake
// Slack and the test Redis, sends it a signed slash command, and scrapes
// /metrics: the request and the Redis round trips it made are both counted,
// as README promises.
func TestServeMetricsCountRedisAndRequests(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildSalesbot(t)
	fs := fakeslack.New(t)
	team := redistest.Team(t)
	fs.SetTeam(team) // the workspace the bot token belongs to (auth.test)
	addr := freeAddr(t)
	const secret = "metrics-secret"
	cmd := exec.Command(bin, "serve")
	cmd.Env = serveEnv(fs, secret, redistest.URL(t), "LISTEN_ADDR="+addr)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	})
	base := "http://" + addr
	waitHTTP(t, base+"/readyz")

	form := url.Values{"team_id": {team}, "user_id": {"U0METRICS"}, "channel_id": {"C1"}, "command": {"/lead"}, "text": {"new Metrics Co"}}
	body := form.Encode()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, base+"/slack/commands", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", bot.Sign([]byte(secret), ts, []byte(body)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	reply, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(reply), "Metrics Co") {
		t.Fatalf("command: %d %s", resp.StatusCode, reply)
	}

	metrics := scrape(t, base+"/metrics")
	for _, name := range []string{"salesbot_requests_total", "salesbot_redis_round_trips_total"} {
		if metrics[name] <= 0 {
			t.Errorf("%s = %v after a slash command; want more than 0", name, metrics[name])
		}
	}
}

// scrape reads a Prometheus text exposition and sums each metric's samples
// over their labels.
func scrape(t *testing.T, target string) map[string]float64 {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, target, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", target, resp.Status)
	}
	sums := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		name, _, _ := strings.Cut(fields[0], "{")
		v, err := strconv.ParseFloat(fields[len(fields)-1], 64)
		if err != nil {
			t.Fatalf("metric line %q: %v", line, err)
		}
		sums[name] += v
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return sums
}
