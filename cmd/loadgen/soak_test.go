//go:build soak

package main

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"salesbot"
	"salesbot/internal/redistest"
	"salesbot/store"
)

// Soak settings. SOAK_DURATION (a time.ParseDuration string) overrides
// soakDefault; `make soak` passes it through.
const (
	soakDefault     = 2 * time.Minute
	soakConcurrency = 8
	soakLeads       = 32
	// slackBudget is how long Slack waits for a slash command's answer.
	slackBudget = 3 * time.Second
	// soakGrace is how long after /readyz is 200 again a polite reply is
	// still forgiven (connections in the pool being replaced).
	soakGrace = time.Second
)

// Phases of the soak, as a reply's outcome is attributed to them.
const (
	phaseUp int32 = iota
	phaseDown
	phaseRecovering
)

var phaseNames = [...]string{"up", "down", "recovering"}

// soakStats gathers every reply's outcome.
type soakStats struct {
	mu        sync.Mutex
	kinds     map[string]int // outcome (e.g. "ok/show", "polite/down", "5xx") → count
	latencies []time.Duration
	acked     []string // companies whose /lead new was confirmed
	samples   []string // the first few failures, word for word
}

func (s *soakStats) add(kind string, lat time.Duration, acked, sample string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.kinds[kind]++
	s.latencies = append(s.latencies, lat)
	if acked != "" {
		s.acked = append(s.acked, acked)
	}
	if sample != "" && len(s.samples) < 10 {
		s.samples = append(s.samples, sample)
	}
}

// TestSoak runs mixed traffic (`/lead show`, `/visit`, `/lead new`) at
// soakConcurrency against the bot on a durable Redis (AOF, fsync always) for
// SOAK_DURATION, killing Redis with SIGKILL and starting it again at 1/3 and
// 2/3 of the run. Every reply must come within Slack's 3 s, never as a 5xx
// or a transport error; while Redis is down it must be the polite "try
// again"; afterwards every confirmed `/lead new` is in Redis and /readyz is
// 200. It logs throughput, p50/p99/max and the outcomes by kind, where
// "polite/up/<kind>" counts polite replies while Redis was up (allowed, but
// worth a look: CreateLead's optimistic transaction on the team's names
// hash gives up under sustained concurrent `/lead new` in one team).
//
//	SOAK_DURATION=10m make soak
func TestSoak(t *testing.T) {
	dur := soakDefault
	if v := os.Getenv("SOAK_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 3*time.Second {
			t.Fatalf("SOAK_DURATION=%q: want a duration of at least 3s (e.g. 2m)", v)
		}
		dur = d
	}
	outage := min(max(dur/20, time.Second), 5*time.Second)

	// go-redis logs every failed dial during the outages: keep the output
	// to the report.
	redis.SetLogger(quietLogger{})
	rd := redistest.NewDurable(t)
	r := newRigOn(t, rd.URL)
	c, err := NewClient(r.bot.URL, secret, r.team, loadUser, channel, soakConcurrency)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	companies, err := c.CreateLeads(t.Context(), RunID(), soakLeads)
	if err != nil {
		t.Fatal(err)
	}
	if code := getReadyz(t, r.bot.URL); code != http.StatusOK {
		t.Fatalf("readyz before the soak: %d", code)
	}

	var (
		phase atomic.Int32
		next  atomic.Int64
		stats = &soakStats{kinds: map[string]int{}}
		wg    sync.WaitGroup
		newID = RunID()
	)
	ctx, cancel := context.WithCancel(context.Background())
	halted := false
	halt := func() {
		if !halted {
			halted = true
			cancel()
			wg.Wait()
		}
	}
	defer halt() // also when a t.Fatal ends the test half way
	start := time.Now()
	for range soakConcurrency {
		wg.Go(func() {
			for ctx.Err() == nil {
				n := int(next.Add(1) - 1)
				kind, line, company := soakJob(companies, newID, n)
				ph := phaseNames[phase.Load()]
				t0 := time.Now()
				status, body, err := c.Command(ctx, kind, line)
				lat := time.Since(t0)
				if ctx.Err() != nil {
					return // cut short by the end of the run: not counted
				}
				if ph2 := phaseNames[phase.Load()]; ph2 != ph && ph2 != "up" {
					ph = ph2 // the reply belongs to the outage it ended in
				}
				outcome, acked, sample := classify(kind, company, status, body, err)
				if lat > slackBudget {
					outcome, sample = "slow (>3s)", fmt.Sprintf("%s: %s in %s", line, outcome, lat)
				}
				if strings.HasPrefix(outcome, "polite") {
					outcome += "/" + ph
					if ph == "up" {
						outcome += "/" + kind
						sample = fmt.Sprintf("%s: polite at %s (took %s)", line, t0.Sub(start).Round(time.Millisecond), lat.Round(time.Millisecond))
					}
				}
				if sample != "" {
					sample = "[" + ph + "] " + sample
				}
				stats.add(outcome, lat, acked, sample)
			}
		})
	}

	var recoveries []time.Duration
	for i, at := range []time.Duration{dur / 3, 2 * dur / 3} {
		time.Sleep(time.Until(start.Add(at)))
		phase.Store(phaseDown)
		rd.Stop()
		t.Logf("outage %d: Redis killed at %s", i+1, time.Since(start).Round(time.Millisecond))
		time.Sleep(outage / 4)
		if code := getReadyz(t, r.bot.URL); code != http.StatusServiceUnavailable {
			t.Errorf("outage %d: readyz %d, want 503", i+1, code)
		}
		time.Sleep(outage - outage/4)
		phase.Store(phaseRecovering)
		back := time.Now()
		rd.Start()
		for getReadyz(t, r.bot.URL) != http.StatusOK {
			if time.Since(back) > 10*time.Second {
				t.Fatalf("outage %d: readyz not 200 within 10s of Redis coming back", i+1)
			}
			time.Sleep(20 * time.Millisecond)
		}
		recoveries = append(recoveries, time.Since(back))
		t.Logf("outage %d: Redis back after %s down, readyz 200 after %s", i+1, outage, recoveries[i].Round(time.Millisecond))
		time.Sleep(soakGrace)
		phase.Store(phaseUp)
	}
	time.Sleep(time.Until(start.Add(dur)))
	halt()
	elapsed := time.Since(start)
	r.h.Wait()

	// The report.
	slices.Sort(stats.latencies)
	res := Result{Requests: len(stats.latencies), Elapsed: elapsed, Latencies: stats.latencies}
	var b strings.Builder
	fmt.Fprintf(&b, "soak: %s at concurrency %d over %d leads, 2 Redis outages of %s (readyz back after %v)\n",
		dur, soakConcurrency, soakLeads, outage, recoveries)
	fmt.Fprintf(&b, "requests   %d in %s, %.0f req/s\n", res.Requests, elapsed.Round(time.Millisecond), res.Throughput())
	fmt.Fprintf(&b, "latency    p50 %s  p99 %s  max %s\n", ms(res.Percentile(.5)), ms(res.Percentile(.99)), ms(res.Percentile(1)))
	fmt.Fprintf(&b, "confirmed  %d new leads\n", len(stats.acked))
	fmt.Fprintf(&b, "outcomes:\n")
	for _, k := range slices.Sorted(maps.Keys(stats.kinds)) {
		fmt.Fprintf(&b, "  %-22s %d\n", k, stats.kinds[k])
	}
	for _, s := range stats.samples {
		fmt.Fprintf(&b, "  sample: %.300s\n", s)
	}
	t.Log(b.String())

	// The verdict.
	// A polite reply while Redis is up is allowed (it is what a user gets
	// when, say, concurrent writers keep conflicting on one key), but it is
	// named in the log, since it is not an outage's.
	for k, n := range stats.kinds {
		switch {
		case strings.HasPrefix(k, "polite/up/"):
			t.Logf("note: %d %q replies while Redis was up", n, k)
		case !strings.HasPrefix(k, "ok/") && k != "polite/down" && k != "polite/recovering":
			t.Errorf("%d replies were %q", n, k)
		}
	}
	if stats.kinds["polite/down"] == 0 {
		t.Error("no command during the outages got the polite reply")
	}
	for _, k := range []string{"ok/show", "ok/visit", "ok/new"} {
		if stats.kinds[k] == 0 {
			t.Errorf("no %s", k)
		}
	}
	checkAcked(t, rd.URL, r.team, stats.acked)
	if code := getReadyz(t, r.bot.URL); code != http.StatusOK {
		t.Errorf("readyz after the soak: %d, want 200", code)
	}
}

// soakJob is the n-th request of the soak: in turn a `/lead show` and a
// `/visit` of one of companies, and a `/lead new` of a company of its own.
func soakJob(companies []string, newID string, n int) (kind, line, company string) {
	switch n % 3 {
	case 0:
		company = companies[n%len(companies)]
		return "show", "/lead show " + company, company
	case 1:
		company = companies[n%len(companies)]
		return "visit", fmt.Sprintf("/visit %s soak visit %d", company, n), company
	default:
		company = Company(newID, n)
		return "new", "/lead new " + company + " B", company
	}
}

// classify names a reply's outcome: "ok/<kind>", "polite" (the "try again"
// reply), "5xx", "status <code>", "transport" or "unexpected/<kind>". acked
// is the company of a confirmed `/lead new`; sample describes a failure.
func classify(kind, company string, status int, body []byte, err error) (outcome, acked, sample string) {
	s := string(body)
	switch {
	case err != nil:
		return "transport", "", fmt.Sprintf("%s %s: %v", kind, company, err)
	case status >= 500:
		return "5xx", "", fmt.Sprintf("%s %s: status %d: %s", kind, company, status, s)
	case status != http.StatusOK:
		return fmt.Sprintf("status %d", status), "", fmt.Sprintf("%s %s: status %d: %s", kind, company, status, s)
	case strings.Contains(s, "try again in a moment"), strings.Contains(s, "Please try again."):
		// Redis unreachable, or others won every race for the same key:
		// either way a reply that says what to do, not a failure.
		return "polite", "", ""
	case kind == "new" && strings.Contains(s, "is your lead now") && strings.Contains(s, company):
		return "ok/new", company, ""
	case kind != "new" && CheckReply(company)(status, body) == nil:
		return "ok/" + kind, "", ""
	}
	return "unexpected/" + kind, "", fmt.Sprintf("%s %s: %s", kind, company, s)
}

// checkAcked fails the test for every confirmed company that is not a lead
// of the team in the Redis at redisURL.
func checkAcked(t *testing.T, redisURL, team string, acked []string) {
	t.Helper()
	rdb, err := store.NewClient(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	st := store.New(rdb)
	missing := 0
	for chunk := range slices.Chunk(acked, 500) {
		keys := make([]string, len(chunk))
		for i, c := range chunk {
			keys[i] = salesbot.NormalizeCompany(c)
		}
		ids, err := st.LeadIDsByName(t.Context(), team, keys)
		if err != nil {
			t.Fatal(err)
		}
		for i, k := range keys {
			if ids[k] == "" {
				if missing++; missing <= 5 {
					t.Errorf("confirmed lead %s is not in Redis", chunk[i])
				}
				continue
			}
			if l, err := st.Lead(t.Context(), team, ids[k]); err != nil || l == nil {
				if missing++; missing <= 5 {
					t.Errorf("confirmed lead %s (%s): %v", chunk[i], ids[k], err)
				}
			}
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d confirmed leads lost", missing, len(acked))
	} else {
		t.Logf("all %d confirmed leads are in Redis", len(acked))
	}
}

func getReadyz(t *testing.T, base string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), slackBudget)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/readyz", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("readyz: %v", err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// quietLogger drops go-redis's internal log lines.
type quietLogger struct{}

func (quietLogger) Printf(context.Context, string, ...any) {}
