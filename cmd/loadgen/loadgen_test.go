package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/slack-go/slack"

	"salesbot/bot"
	"salesbot/directory"
	"salesbot/handlers"
	"salesbot/internal/fakeslack"
	"salesbot/internal/redistest"
	"salesbot/service"
	"salesbot/store"
)

func TestMain(m *testing.M) { redistest.Main(m) }

const (
	secret   = "loadgen-signing-secret"
	loadUser = "U0LOADGEN" // a rep: every command checks the managers set
	manager  = "U0MANAGER"
	channel  = "C0LOADGEN"
	// loadConcurrency and loadLeads are BenchmarkLoad's settings.
	loadConcurrency = 8
	loadLeads       = 64
)

// rig is the bot as cmd/salesbot wires it (store.NewClient, handlers,
// bot.NewServer with its signature check and metrics) on the test's
// redis-server, with a fake Slack Web API, and next to it the baseline on
// the same Redis; both on loopback httptest servers, both counting the Redis
// round trips of each request.
type rig struct {
	bot, baseline *httptest.Server
	team          string
	trips         *tripStats
	h             *handlers.Handler
}

func newRig(tb testing.TB) *rig {
	tb.Helper()
	return newRigOn(tb, redistest.URL(tb))
}

// newRigOn is newRig on the Redis at redisURL (TestSoak's durable one).
func newRigOn(tb testing.TB, redisURL string) *rig {
	tb.Helper()
	fs := fakeslack.New(tb)
	fs.SetUser(loadUser, fakeslack.User{Name: "Lou Load", TZ: "Asia/Shanghai"})
	trips := newTripStats()
	client := func() redis.UniversalClient {
		c, err := store.NewClient(redisURL)
		if err != nil {
			tb.Fatal(err)
		}
		c.AddHook(redistest.TripHook{})
		tb.Cleanup(func() { _ = c.Close() })
		return c
	}
	st := store.New(client())
	api := slack.New("xoxb-test", slack.OptionAPIURL(fs.APIURL()))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := service.New(service.Config{Store: st, Logger: log, Managers: []string{manager}})
	h := handlers.New(st, api, handlers.Config{Logger: log, Directory: directory.New(api, nil), Digests: svc, Reports: svc, Teams: svc, Reminders: svc, Visits: svc, Stakeholders: svc})
	srv := httptest.NewServer(trips.middleware("bot", bot.NewServer(h, bot.NewVerifier(secret, nil), st, bot.NewMetrics(), log)))
	tb.Cleanup(srv.Close)
	tb.Cleanup(h.Wait)

	team := redistest.Team(tb)
	base := client()
	key := BaselineKey(team)
	if err := SeedBaseline(context.Background(), base, key); err != nil {
		tb.Fatal(err)
	}
	bsrv := httptest.NewServer(trips.middleware("baseline", NewBaseline(bot.NewVerifier(secret, nil), base, key)))
	tb.Cleanup(bsrv.Close)
	return &rig{bot: srv, baseline: bsrv, team: team, trips: trips, h: h}
}

func (r *rig) client(tb testing.TB, base string) *Client {
	tb.Helper()
	c, err := NewClient(base, secret, r.team, loadUser, channel, loadConcurrency)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(c.Close)
	return c
}

// tripStats gathers round trips per kind of request ("bot/show",
// "baseline/show", …), the kind read from loadgen's KindHeader.
type tripStats struct {
	mu     sync.Mutex
	byKind map[string]*kindTrips
}

type kindTrips struct {
	requests, trips int64
	least, most     int64
	sample          []string // the round trips of the first request
}

func newTripStats() *tripStats { return &tripStats{byKind: map[string]*kindTrips{}} }

func (s *tripStats) middleware(name string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, t := redistest.CountTrips(r.Context())
		next.ServeHTTP(w, r.WithContext(ctx))
		t.Stop()
		kind := name + "/" + r.Header.Get(KindHeader)
		n := t.Count()
		s.mu.Lock()
		defer s.mu.Unlock()
		k := s.byKind[kind]
		if k == nil {
			k = &kindTrips{least: n, sample: t.Names()}
			s.byKind[kind] = k
		}
		k.requests++
		k.trips += n
		k.least, k.most = min(k.least, n), max(k.most, n)
	})
}

func (s *tripStats) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.byKind)
}

// get returns the round trips per request of a kind, on average.
func (s *tripStats) get(kind string) (perRequest float64, k kindTrips) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.byKind[kind]
	if p == nil || p.requests == 0 {
		return 0, kindTrips{}
	}
	return float64(p.trips) / float64(p.requests), *p
}

func (s *tripStats) describe(kind string) string {
	avg, k := s.get(kind)
	return fmt.Sprintf("%s: %.2f round trips per request (min %d, max %d, over %d), first: %s",
		kind, avg, k.least, k.most, k.requests, strings.Join(k.sample, " "))
}

// TestLoadgenSmoke drives the bot and the baseline with a few dozen requests
// of each kind: no errors, the card names its company, and every request is
// counted. It asserts nothing about time.
func TestLoadgenSmoke(t *testing.T) {
	r := newRig(t)
	ctx := t.Context()
	c := r.client(t, r.bot.URL)
	companies, err := c.CreateLeads(ctx, RunID(), 4)
	if err != nil {
		t.Fatal(err)
	}
	status, body, err := c.Command(ctx, "show", "/lead show "+companies[0])
	if err != nil || status != http.StatusOK {
		t.Fatalf("show: status %d, err %v: %s", status, err, body)
	}
	if !bytes.Contains(body, []byte(companies[0])) || !bytes.Contains(body, []byte("lead card")) {
		t.Errorf("show: the reply is not %s's card: %s", companies[0], body)
	}
	for _, command := range []string{"show", "visit", "mix"} {
		res := c.Run(ctx, Config{Concurrency: 4, Requests: 24, Command: command, Leads: len(companies)}, companies, nil)
		if res.Errors != 0 || res.Requests != 24 {
			t.Errorf("%s: %d requests, %d errors:\n%s", command, res.Requests, res.Errors, res)
		}
	}
	res := r.client(t, r.baseline.URL).Run(ctx, Config{Concurrency: 4, Requests: 24, Command: "show", Leads: 1}, []string{"X"}, CheckStatus)
	if res.Errors != 0 || res.Requests != 24 {
		t.Errorf("baseline: %d requests, %d errors:\n%s", res.Requests, res.Errors, res)
	}
	r.h.Wait()
	for _, kind := range []string{"bot/new", "bot/show", "bot/visit", "baseline/show"} {
		if avg, _ := r.trips.get(kind); avg == 0 {
			t.Errorf("%s: no Redis round trips counted", kind)
		}
		t.Log(r.trips.describe(kind))
	}
	if avg, _ := r.trips.get("baseline/show"); avg != 1 {
		t.Errorf("baseline: %.2f round trips per request, want 1", avg)
	}
}

// TestRunCommandLine runs loadgen as its command line does, against the
// bot and in -baseline mode.
func TestRunCommandLine(t *testing.T) {
	r := newRig(t)
	var out, errOut bytes.Buffer
	args := []string{"-url", r.bot.URL, "-secret", secret, "-team", r.team, "-requests", "16", "-concurrency", "2", "-command", "mix", "-leads", "3"}
	if err := run(t.Context(), args, &out, &errOut); err != nil {
		t.Fatalf("%v\n%s%s", err, out.String(), errOut.String())
	}
	mustContain(t, out.String(), "mix over 3 leads", "requests   16 in", "errors     0")

	out.Reset()
	args = []string{"-baseline", "-redis", redistest.URL(t), "-secret", secret, "-team", r.team, "-requests", "16", "-concurrency", "2"}
	if err := run(t.Context(), args, &out, &errOut); err != nil {
		t.Fatalf("baseline: %v\n%s%s", err, out.String(), errOut.String())
	}
	mustContain(t, out.String(), "baseline (signature check + one Redis GET)", "requests   16 in", "errors     0")
}

// TestRunRefuses checks that loadgen refuses what it must not do.
func TestRunRefuses(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-url", "http://example.com:8080", "-secret", "s"}, "not loopback"},
		{[]string{"-url", "http://10.0.0.1", "-secret", "s"}, "not loopback"},
		{[]string{"-baseline", "-redis", "redis://192.0.2.1:6379", "-secret", "s"}, "-redis"},
		{[]string{"-command", "delete", "-secret", "s"}, "want show, visit or mix"},
		{[]string{"-concurrency", "0", "-secret", "s"}, "-concurrency 0"},
		{[]string{"-requests", "-1", "-secret", "s"}, "-requests -1"},
		{[]string{"-url", "ftp://127.0.0.1/", "-secret", "s"}, "http://"},
		{[]string{"-secret", ""}, "no signing secret"},
		{[]string{"-secret", "s", "extra"}, "unexpected argument"},
	} {
		err := run(t.Context(), tc.args, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err %v, want %q", tc.args, err, tc.want)
		}
	}
	for _, ok := range []string{"http://127.0.0.1:1", "http://localhost:8080/slack/commands", "http://[::1]:80"} {
		if err := CheckLoopback(ok); err != nil {
			t.Errorf("CheckLoopback(%q): %v", ok, err)
		}
	}
}

func TestPercentile(t *testing.T) {
	var r Result
	for i := 1; i <= 100; i++ {
		r.Latencies = append(r.Latencies, time.Duration(i)*time.Millisecond)
	}
	r.Requests, r.Elapsed = 100, time.Second
	for p, want := range map[float64]time.Duration{.5: 50 * time.Millisecond, .9: 90 * time.Millisecond, .99: 99 * time.Millisecond, 1: 100 * time.Millisecond} {
		if got := r.Percentile(p); got != want {
			t.Errorf("p%v = %s, want %s", p*100, got, want)
		}
	}
	if got := r.Throughput(); got != 100 {
		t.Errorf("throughput %v, want 100", got)
	}
	if got := (Result{}).Percentile(.5); got != 0 {
		t.Errorf("no requests: p50 %s", got)
	}
}

func TestJob(t *testing.T) {
	companies := []string{"A1", "B2"}
	for n, want := range []string{"/lead show A1", "/visit B2 load test visit 1", "/lead show A1", "/visit B2 load test visit 3"} {
		if _, line, _ := job("mix", companies, n); line != want {
			t.Errorf("mix %d: %q, want %q", n, line, want)
		}
	}
}

func mustContain(t *testing.T, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("want %q in:\n%s", w, got)
		}
	}
}

// BenchmarkLoad measures, in one process on one redis-server, the baseline
// (signature check + one GET), `/lead show` and `/visit`, each sent by
// loadConcurrency workers over loopback HTTP, b.N requests per run:
//
//	go test -run=NONE -bench=Load -benchtime=20000x ./cmd/loadgen/
//
// Besides ns/op (the inverse of throughput) it reports req/s, p50, p90 and
// p99 in milliseconds, errors, and Redis round trips per request.
func BenchmarkLoad(b *testing.B) {
	r, c, companies := loadedRig(b)
	baseline := r.client(b, r.baseline.URL)
	for _, tc := range []struct {
		name, command, kind string
		c                   *Client
		check               Check
	}{
		{"baseline", "show", "baseline/show", baseline, CheckStatus},
		{"show", "show", "bot/show", c, nil},
		{"visit", "visit", "bot/visit", c, nil},
	} {
		b.Run(tc.name, func(b *testing.B) {
			r.trips.reset()
			runLoad(b, tc.c, tc.command, companies, tc.check)
			trips, _ := r.trips.get(tc.kind)
			b.ReportMetric(trips, "trips/op")
			if b.N > 1 {
				b.Log(r.trips.describe(tc.kind))
			}
		})
	}
}

// loadedRig is a rig whose bot has loadLeads leads of the load user's,
// with a client of the bot and the leads' companies.
func loadedRig(b *testing.B) (*rig, *Client, []string) {
	b.Helper()
	r := newRig(b)
	c := r.client(b, r.bot.URL)
	companies, err := c.CreateLeads(context.Background(), RunID(), loadLeads)
	if err != nil {
		b.Fatal(err)
	}
	return r, c, companies
}

// runLoad sends b.N of command through c at loadConcurrency, fails b on
// any error, and reports throughput, p50, p90 and p99 latency and errors.
func runLoad(b *testing.B, c *Client, command string, companies []string, check Check) {
	b.Helper()
	res := c.Run(context.Background(), Config{Concurrency: loadConcurrency, Requests: b.N, Command: command, Leads: loadLeads}, companies, check)
	if res.Errors > 0 {
		b.Errorf("%d errors:\n%s", res.Errors, res)
	}
	b.ReportMetric(res.Throughput(), "req/s")
	b.ReportMetric(msFloat(res.Percentile(.5)), "p50-ms")
	b.ReportMetric(msFloat(res.Percentile(.9)), "p90-ms")
	b.ReportMetric(msFloat(res.Percentile(.99)), "p99-ms")
	b.ReportMetric(float64(res.Errors), "errors")
}

func msFloat(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func TestReplyText(t *testing.T) {
	for body, want := range map[string]string{
		`{"response_type":"ephemeral","text":":warning: no","blocks":[{"type":"section","text":{"type":"mrkdwn","text":"x"}}]}`: ":warning: no",
		`{"blocks":[{"text":"inner"}],"text":"outer"}`: "outer",
		`{"response_type":"ephemeral"}`:                "",
		`not json`:                                     "",
		`{"text":`:                                     "",
	} {
		if got := replyText([]byte(body)); got != want {
			t.Errorf("replyText(%s) = %q, want %q", body, got, want)
		}
	}
	check := CheckReply("Acme")
	if err := check(http.StatusOK, []byte(`{"text":":no_entry: Acme is not yours"}`)); err == nil {
		t.Error("a refusal naming the company passes the check")
	}
	if err := check(http.StatusOK, []byte(`{"text":"Acme — lead card","blocks":[{"text":":warning: stalled"}]}`)); err != nil {
		t.Errorf("a card with a risk warning fails the check: %v", err)
	}
}

// BenchmarkOneAtATime sends the baseline's request and `/lead show`, one at
// a time from one goroutine, and reports the time and the allocations of
// each (the bot, the load generator's client and the loopback HTTP
// together, the same for both): on a machine whose other load makes
// BenchmarkLoad's throughput swing, the allocations per request still
// compare.
//
//	go test -run=NONE -bench=OneAtATime -benchtime=5000x ./cmd/loadgen/
func BenchmarkOneAtATime(b *testing.B) {
	r, c, companies := loadedRig(b)
	ctx := context.Background()
	baseline := r.client(b, r.baseline.URL)
	for _, tc := range []struct {
		name string
		c    *Client
	}{{"baseline", baseline}, {"show", c}} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				status, body, err := tc.c.Command(ctx, "show", "/lead show "+companies[i%len(companies)])
				if err != nil || status != http.StatusOK {
					b.Fatalf("status %d, err %v: %s", status, err, body)
				}
				i++
			}
		})
	}
}
