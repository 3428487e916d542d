// Command loadgen sends signed slash commands to a salesbot over HTTP, at a
// fixed concurrency for a fixed duration or number of requests, and reports
// throughput, latency percentiles (p50, p90, p99) and errors.
//
// It first registers its own leads (signed `/lead new` commands, as -user in
// -team), then sends `/lead show <company>`, `/visit <company> <notes>`, or
// both in turn (-command mix), spreading them over those leads:
//
//	loadgen -url http://127.0.0.1:8080 -secret "$SLACK_SIGNING_SECRET" -concurrency 8 -requests 10000 -command show
//
// With -baseline it measures, the same way, the limit to compare the bot
// against: a minimal handler started in this process that verifies the
// signature (bot.NewVerifier) and does one Redis GET against -redis.
//
//	loadgen -baseline -redis redis://127.0.0.1:6379 -concurrency 8 -requests 10000
//
// It only ever talks to this machine: a -url or -redis whose host is not
// 127.0.0.1, localhost or ::1 is refused.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"salesbot/bot"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "loadgen:", err)
		}
		os.Exit(2)
	}
}

// Limits that keep every run bounded.
const (
	maxConcurrency = 1024
	maxRequests    = 10_000_000
	maxDuration    = time.Hour
	maxLeads       = 10_000
	// requestTimeout bounds one request; Slack itself gives up after 3 s.
	requestTimeout = 10 * time.Second
)

// options are the command line's settings.
type options struct {
	url, secret, team, user, channel string
	concurrency, requests, leads     int
	duration                         time.Duration
	command                          string
	baseline                         bool
	redisURL                         string
}

// run is main without the process: it parses args, runs the load and writes
// the report to stdout.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.StringVar(&o.url, "url", "http://127.0.0.1:8080", "the bot's base URL (its /slack/commands is used when no path is given); loopback hosts only")
	fs.StringVar(&o.secret, "secret", os.Getenv("SLACK_SIGNING_SECRET"), "Slack signing secret to sign requests with (default $SLACK_SIGNING_SECRET)")
	fs.StringVar(&o.team, "team", "T0LOADGEN", "Slack team ID the commands come from")
	fs.StringVar(&o.user, "user", "U0LOADGEN", "Slack user ID the commands come from (a rep: not a manager)")
	fs.StringVar(&o.channel, "channel", "C0LOADGEN", "Slack channel ID the commands come from")
	fs.IntVar(&o.concurrency, "concurrency", 8, "requests in flight at once")
	fs.DurationVar(&o.duration, "duration", 0, "how long to send for (default 10s when -requests is 0)")
	fs.IntVar(&o.requests, "requests", 0, "how many requests to send (0: as many as -duration allows)")
	fs.StringVar(&o.command, "command", "show", "what to send: show (/lead show), visit (/visit) or mix (both in turn)")
	fs.IntVar(&o.leads, "leads", 64, "how many leads to register first and spread the commands over")
	fs.BoolVar(&o.baseline, "baseline", false, "measure the baseline instead: an in-process handler that verifies the signature and does one Redis GET")
	fs.StringVar(&o.redisURL, "redis", "redis://127.0.0.1:6379", "Redis for -baseline; loopback hosts only")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: loadgen [flags]\n\nSends signed slash commands to a salesbot and reports throughput and latency.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if o.requests == 0 && o.duration == 0 {
		o.duration = 10 * time.Second
	}
	cfg := Config{
		Concurrency: o.concurrency, Requests: o.requests, Duration: o.duration,
		Command: o.command, Leads: o.leads,
	}
	if err := cfg.validate(); err != nil {
		return err
	}
	if o.secret == "" {
		return errors.New("no signing secret: give -secret or set SLACK_SIGNING_SECRET")
	}

	target := o.url
	if o.baseline {
		stopBaseline, baseURL, err := startBaseline(ctx, o.secret, o.redisURL, o.team)
		if err != nil {
			return err
		}
		defer stopBaseline()
		target = baseURL
	}
	c, err := NewClient(target, o.secret, o.team, o.user, o.channel, o.concurrency)
	if err != nil {
		return err
	}
	defer c.Close()

	if o.baseline {
		// The baseline reads no leads; the bodies are /lead show forms of
		// the same size as the bot's, and any 200 counts.
		cfg.Command = "show"
		res := c.Run(ctx, cfg, []string{"LGBASELINE"}, CheckStatus)
		fmt.Fprintf(stdout, "baseline (signature check + one Redis GET) at %s\n%s", target, res)
		return res.err()
	}
	companies, err := c.CreateLeads(ctx, RunID(), cfg.Leads)
	if err != nil {
		return err
	}
	res := c.Run(ctx, cfg, companies, nil)
	fmt.Fprintf(stdout, "%s over %d leads at %s\n%s", cfg.Command, len(companies), c.target, res)
	return res.err()
}

// Config is one load run.
type Config struct {
	Concurrency int           // requests in flight at once
	Requests    int           // stop after this many (0: no limit)
	Duration    time.Duration // stop after this long (0: no limit)
	Command     string        // "show", "visit" or "mix"
	Leads       int           // leads to create first (CreateLeads)
}

func (c Config) validate() error {
	switch {
	case c.Concurrency < 1 || c.Concurrency > maxConcurrency:
		return fmt.Errorf("-concurrency %d: want 1 to %d", c.Concurrency, maxConcurrency)
	case c.Requests < 0 || c.Requests > maxRequests:
		return fmt.Errorf("-requests %d: want 0 to %d", c.Requests, maxRequests)
	case c.Duration < 0 || c.Duration > maxDuration:
		return fmt.Errorf("-duration %s: want 0 to %s", c.Duration, maxDuration)
	case c.Requests == 0 && c.Duration == 0:
		return errors.New("give -requests or -duration")
	case c.Leads < 1 || c.Leads > maxLeads:
		return fmt.Errorf("-leads %d: want 1 to %d", c.Leads, maxLeads)
	}
	switch c.Command {
	case "show", "visit", "mix":
		return nil
	}
	return fmt.Errorf("-command %q: want show, visit or mix", c.Command)
}

// CheckLoopback refuses a URL whose host is not this machine's loopback
// (127.0.0.1, localhost or ::1): the load generator never sends anywhere
// else.
func CheckLoopback(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%q is not a URL: %w", raw, err)
	}
	switch host := u.Hostname(); host {
	case "127.0.0.1", "localhost", "::1":
		return nil
	case "":
		return fmt.Errorf("%q has no host", raw)
	default:
		return fmt.Errorf("%q: host %s is not loopback (127.0.0.1, localhost or ::1); loadgen only targets this machine", raw, host)
	}
}

// Client sends signed slash commands to one bot.
type Client struct {
	http    *http.Client
	target  string // the commands endpoint
	secret  []byte
	team    string
	user    string
	channel string
}

// NewClient returns a client of the bot at base, which must be on loopback;
// a base without a path means its /slack/commands. conns is how many
// connections to keep open (the concurrency).
func NewClient(base, secret, team, user, channel string, conns int) (*Client, error) {
	if err := CheckLoopback(base); err != nil {
		return nil, err
	}
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("%q: want an http:// or https:// URL", base)
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = "/slack/commands"
	}
	if team == "" || user == "" {
		return nil, errors.New("a team and a user are needed")
	}
	tr := &http.Transport{
		Proxy:               nil, // loopback only, never through a proxy
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConns:        2 * conns,
		MaxIdleConnsPerHost: 2 * conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &Client{
		http:   &http.Client{Transport: tr, Timeout: requestTimeout},
		target: u.String(), secret: []byte(secret), team: team, user: user, channel: channel,
	}, nil
}

// Close releases the client's idle connections.
func (c *Client) Close() { c.http.CloseIdleConnections() }

// KindHeader names, on every request, the kind of command it carries
// ("new", "show", "visit"), so that a test can tell them apart on the server.
const KindHeader = "X-Loadgen-Command"

// Command sends one signed slash command, e.g. "/lead show Acme", and returns
// the HTTP status and the reply's body.
func (c *Client) Command(ctx context.Context, kind, line string) (int, []byte, error) {
	name, text, _ := strings.Cut(line, " ")
	form := url.Values{
		"team_id": {c.team}, "user_id": {c.user}, "user_name": {"loadgen"},
		"channel_id": {c.channel}, "command": {name}, "text": {text},
	}
	body := form.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.target, strings.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", bot.Sign(c.secret, ts, []byte(body)))
	req.Header.Set(KindHeader, kind)
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	reply, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return resp.StatusCode, nil, fmt.Errorf("read reply: %w", err)
	}
	return resp.StatusCode, reply, nil
}

// RunID is a short random tag that keeps one run's company names apart from
// another's on the same bot.
func RunID() string { return strings.ToUpper(rand.Text()[:5]) }

// Company is the name of the i-th lead of a run.
func Company(runID string, i int) string { return fmt.Sprintf("LG%s%04d", runID, i) }

// CreateLeads registers n leads (graded B, so that no grade buttons are
// asked for) with signed `/lead new` commands, one at a time, and returns
// their company names.
func (c *Client) CreateLeads(ctx context.Context, runID string, n int) ([]string, error) {
	companies := make([]string, n)
	for i := range companies {
		companies[i] = Company(runID, i)
		status, reply, err := c.Command(ctx, "new", "/lead new "+companies[i]+" B")
		if err == nil {
			err = CheckReply(companies[i])(status, reply)
		}
		if err != nil {
			return nil, fmt.Errorf("create lead %s: %w", companies[i], err)
		}
	}
	return companies, nil
}

// A Check judges one reply; nil means it is what was asked for.
type Check func(status int, body []byte) error

// CheckStatus accepts any 200.
func CheckStatus(status int, body []byte) error {
	if status != http.StatusOK {
		return fmt.Errorf("status %d: %.200s", status, body)
	}
	return nil
}

// errorMarks begin the text of every refusal or failure the bot answers
// with (handlers.errorText, alreadyOwned).
var errorMarks = []string{":warning:", ":no_entry:", ":hourglass:", ":lock:", ":recycle:"}

// CheckReply accepts a 200 whose reply names the company and is not one of
// the bot's refusals or failures.
func CheckReply(company string) Check {
	return func(status int, body []byte) error {
		if err := CheckStatus(status, body); err != nil {
			return err
		}
		s := string(body)
		// The reply's own text says whether it is a refusal; a card's
		// blocks may start with a warning of their own (its risks).
		text := replyText(body) // a body that is no message fails the check below
		for _, m := range errorMarks {
			if strings.HasPrefix(text, m) {
				return fmt.Errorf("refused: %.300s", s)
			}
		}
		if !strings.Contains(s, company) {
			return fmt.Errorf("reply does not name %s: %.300s", company, s)
		}
		return nil
	}
}

// replyText is the top-level "text" of a JSON reply ("" for none). It reads
// the reply only up to that field, which the bot writes before the blocks:
// decoding a whole card would cost the load generator, which shares the
// machine's CPUs with the bot, about as much as the bot's own encoding.
func replyText(body []byte) string {
	dec := json.NewDecoder(bytes.NewReader(body))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return ""
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return ""
		}
		if key == "text" {
			var text string
			_ = dec.Decode(&text)
			return text
		}
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return ""
		}
	}
	return ""
}

// Result is what one load run measured.
type Result struct {
	Requests  int             // requests sent
	Errors    int             // of which failed: no answer, not 200, or a wrong reply
	Elapsed   time.Duration   // from the first request sent to the last answer
	Latencies []time.Duration // of every request, sorted
	Samples   []string        // the first few errors
}

// Throughput is the requests answered per second.
func (r Result) Throughput() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// Percentile returns the latency below which fraction p (0 < p ≤ 1) of the
// requests finished (nearest rank); 0 without requests.
func (r Result) Percentile(p float64) time.Duration {
	n := len(r.Latencies)
	if n == 0 {
		return 0
	}
	i := int(math.Ceil(p*float64(n))) - 1
	return r.Latencies[min(max(i, 0), n-1)]
}

func (r Result) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "requests   %d in %s\n", r.Requests, r.Elapsed.Round(time.Millisecond))
	fmt.Fprintf(&b, "throughput %.0f req/s\n", r.Throughput())
	fmt.Fprintf(&b, "latency    p50 %s  p90 %s  p99 %s  max %s\n", ms(r.Percentile(.5)), ms(r.Percentile(.9)), ms(r.Percentile(.99)), ms(r.Percentile(1)))
	fmt.Fprintf(&b, "errors     %d\n", r.Errors)
	for _, s := range r.Samples {
		fmt.Fprintf(&b, "  %s\n", s)
	}
	return b.String()
}

func (r Result) err() error {
	if r.Errors > 0 {
		return fmt.Errorf("%d of %d requests failed", r.Errors, r.Requests)
	}
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }

// maxSamples bounds how many errors a Result keeps word for word.
const maxSamples = 5

// Run sends cfg.Command over companies from cfg.Concurrency workers until
// cfg.Requests were sent or cfg.Duration has passed (whichever comes first)
// or ctx is done. The n-th request goes to companies[n % len]; with mix, even
// ones are shows and odd ones visits. check judges each reply; nil means
// CheckReply of its company.
func (c *Client) Run(ctx context.Context, cfg Config, companies []string, check Check) Result {
	var (
		next     atomic.Int64
		mu       sync.Mutex
		res      Result
		wg       sync.WaitGroup
		deadline time.Time
	)
	start := time.Now()
	if cfg.Duration > 0 {
		deadline = start.Add(cfg.Duration)
	}
	for range cfg.Concurrency {
		wg.Go(func() {
			var lat []time.Duration
			errs, samples := 0, []string(nil)
			for ctx.Err() == nil {
				n := int(next.Add(1) - 1)
				if (cfg.Requests > 0 && n >= cfg.Requests) || (!deadline.IsZero() && time.Now().After(deadline)) {
					break
				}
				kind, line, company := job(cfg.Command, companies, n)
				t0 := time.Now()
				status, body, err := c.Command(ctx, kind, line)
				lat = append(lat, time.Since(t0))
				if err == nil {
					if check != nil {
						err = check(status, body)
					} else {
						err = CheckReply(company)(status, body)
					}
				}
				if err != nil {
					errs++
					if len(samples) < maxSamples {
						samples = append(samples, line+": "+err.Error())
					}
				}
			}
			mu.Lock()
			defer mu.Unlock()
			res.Latencies = append(res.Latencies, lat...)
			res.Errors += errs
			res.Samples = append(res.Samples, samples...)
		})
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	res.Requests = len(res.Latencies)
	slices.Sort(res.Latencies)
	if len(res.Samples) > maxSamples {
		res.Samples = res.Samples[:maxSamples]
	}
	return res
}

// job is the n-th request of a run: its kind, command line and company.
func job(command string, companies []string, n int) (kind, line, company string) {
	company = companies[n%len(companies)]
	kind = command
	if command == "mix" {
		kind = "show"
		if n%2 == 1 {
			kind = "visit"
		}
	}
	if kind == "visit" {
		return kind, "/visit " + company + " load test visit " + strconv.Itoa(n), company
	}
	return kind, "/lead show " + company, company
}
