// Command salesbot runs the Slack sales bot (serve), the same handlers from a
// terminal (console), and the container's health probe (healthcheck).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // time zones work in a scratch image too

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"salesbot/bot"
	"salesbot/directory"
	"salesbot/handlers"
	"salesbot/install"
	"salesbot/internal/logctx"
	"salesbot/scheduler"
	"salesbot/service"
	"salesbot/store"
	"salesbot/workspace"
)

const usage = `salesbot — a Slack bot that runs a B2B sales team's daily method.

Usage:
  salesbot serve         run the bot (HTTP endpoints, or Socket Mode when SLACK_APP_TOKEN is set)
  salesbot console       drive the same handlers from this terminal (--user, --manager, --demo)
  salesbot healthcheck   exit 0 when the local bot answers /healthz (for Docker's HEALTHCHECK)
  salesbot rekey         reseal every stored workspace token with the first SALESBOT_ENCRYPTION_KEY

Settings come from the environment; see README.md.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "salesbot:", err)
		os.Exit(1)
	}
}

// run dispatches a subcommand; it is main without the process, for tests.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	switch args[0] {
	case "serve":
		cfg, err := LoadConfig(getenv, true)
		if err != nil {
			return err
		}
		m, err := NewMain(cfg, slog.New(logctx.NewHandler(slog.NewJSONHandler(stderr, nil))))
		if err != nil {
			return err
		}
		defer m.Close()
		return m.Run(ctx)
	case "console":
		return runConsole(ctx, args[1:], getenv, stdin, stdout)
	case "healthcheck":
		return healthcheck(ctx, getenv("LISTEN_ADDR"))
	case "rekey":
		return runRekey(ctx, getenv, stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

// Main is the serving bot: the store, the handlers and the transports wired
// together.
type Main struct {
	cfg       Config
	log       *slog.Logger
	redis     redis.UniversalClient
	store     *store.Store
	handler   *handlers.Handler
	scheduler *scheduler.Scheduler
	// api makes every Web API call with the bot token of the workspace it
	// is made for.
	api *workspace.Router
	// socket is the client Socket Mode connects with (the app-level
	// token); nil over HTTP.
	socket  *slack.Client
	metrics *bot.Metrics
	// install serves the OAuth install's pages (GET /slack/install and
	// /slack/oauth_redirect); nil for the single-workspace bot.
	install http.Handler
	// registry is the OAuth installations; nil with SLACK_BOT_TOKEN alone.
	registry *install.Registry
}

// NewMain wires the bot from its settings. The single-workspace bot asks
// Slack which workspace its token belongs to (auth.test); with the OAuth
// install on, the installations say whose token each call uses, and
// nothing is asked at start. It connects to nothing else yet.
func NewMain(cfg Config, log *slog.Logger) (*Main, error) {
	client, err := store.NewClient(cfg.RedisURL)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	// One HTTP client with deadlines serves every Web API call: handlers,
	// reminders, digests, the directory's users.info and Socket Mode's
	// apps.connections.open, whichever workspace's token each carries.
	// slack-go's default client has none.
	slackOpts := []slack.Option{slack.OptionAPIURL(cfg.APIURL), slack.OptionHTTPClient(newSlackHTTPClient(cfg.SlackTimeout))}
	var (
		registry workspace.Registry // nil: the single-workspace bot
		pages    http.Handler       // the install's pages
	)
	var reg *install.Registry
	if cfg.OAuth != nil {
		// The installations keep each workspace's token, encrypted with
		// cfg.OAuth.Keys; they serve the install's pages too.
		if reg, err = newRegistry(cfg, client, store.New(client, store.WithLogger(log)), log); err != nil {
			_ = client.Close()
			return nil, err
		}
		registry, pages = reg, reg.Handler()
	}
	m, err := newMain(cfg, log, client, registry, slackOpts)
	if err != nil {
		_ = client.Close()
		return nil, err
	}
	m.install, m.registry = pages, reg
	return m, nil
}

// newMain wires the bot over client. With a registry (the OAuth install)
// every Web API call uses the token of the workspace it is made for, and
// requests from a workspace with no installation are answered that it has
// none; without one, the bot serves the workspace of SLACK_BOT_TOKEN.
func newMain(cfg Config, log *slog.Logger, client redis.UniversalClient, registry workspace.Registry, slackOpts []slack.Option) (*Main, error) {
	metrics := bot.NewMetrics()
	// Every round trip of the client the bot uses is counted on the
	// registry /metrics serves (salesbot_redis_*).
	client.AddHook(newRedisMetrics(metrics.Registry))
	routerCfg := workspace.RouterConfig{Token: cfg.BotToken, Options: slackOpts}
	var (
		team, installURL string
		managers         = cfg.Managers
		workspaces       handlers.Workspaces
		installed        scheduler.Workspaces
	)
	if registry != nil {
		routerCfg.Tokens, workspaces, installed = registry, registry, registry
		if cfg.OAuth != nil && cfg.OAuth.PublicURL != "" {
			installURL = strings.TrimSuffix(cfg.OAuth.PublicURL, "/") + "/slack/install"
		}
		if cfg.BotToken != "" {
			log.Warn("SLACK_BOT_TOKEN is ignored with the OAuth install: every workspace, that token's included, is served with its installation's token; install the app there from SALESBOT_PUBLIC_URL/slack/install")
		}
		if len(managers) > 0 {
			log.Warn("SALESBOT_MANAGERS is ignored with the OAuth install: it would name managers in every workspace; each installer becomes their workspace's first manager")
			managers = nil
		}
	}
	api := workspace.NewRouter(routerCfg)
	if registry == nil {
		single, err := api.Client(context.Background(), "auth.test")
		if err != nil {
			return nil, err
		}
		if team, err = tokenTeam(single); err != nil {
			return nil, err
		}
	}
	skipped := prometheus.NewCounter(prometheus.CounterOpts{
		Name: "salesbot_store_records_skipped_total",
		Help: "Stored records left out of a list because they do not decode (each is logged once at Error).",
	})
	metrics.Registry.MustRegister(skipped)
	st := store.New(client, store.WithLogger(log), store.OnSkip(func(string) { skipped.Inc() }))
	people := directory.New(api, nil)
	svc := service.New(service.Config{
		Store: st, Cadence: cfg.Cadence, Logger: log, Managers: managers, Team: team, WorkHours: cfg.WorkHours,
		Currency: cfg.Currency, Probability: cfg.Probability, DiscountLimit: cfg.DiscountLimit, Gates: cfg.Gates,
		Escalation: cfg.Escalation, InboundDue: cfg.InboundDue,
	})
	h := handlers.New(st, api, handlers.Config{
		Cadence: cfg.Cadence, Logger: log, Directory: people,
		Digests: svc, Reports: svc, Teams: svc, Reminders: svc, Leads: svc,
		Stages: svc, Approvals: svc, Visits: svc, Stakeholders: svc,
		Deals: svc, Forecasts: svc, Reviews: svc, Quotes: svc, Negotiation: svc, Notify: svc, Maintenance: svc, Charts: loadCharts(cfg.Font, log),
		Currency: cfg.Currency, Probability: cfg.Probability, Inbound: svc, Removal: svc, Profiles: svc,
		Transfer: svc, Workspaces: workspaces, InstallURL: installURL,
	})
	sched, err := scheduler.New(scheduler.Config{
		Store: st, Notifier: h, People: people, Digests: svc, Teams: svc, Reminders: svc,
		Reviews: svc, Digest: cfg.Digest, Review: cfg.Review, Logger: log, Metrics: scheduler.NewMetrics(metrics.Registry),
		Lease: cfg.ReminderLease, Prefs: svc, Escalation: cfg.Escalation, Inbound: svc, Workspaces: installed,
	})
	if err != nil {
		return nil, err
	}
	m := &Main{cfg: cfg, log: log, redis: client, store: st, handler: h, scheduler: sched, api: api, metrics: metrics}
	if cfg.AppToken != "" {
		// Socket Mode connects with the app-level token; the requests it
		// delivers are answered through the router, like those over HTTP.
		m.socket = slack.New(cfg.BotToken, append(slices.Clone(slackOpts), slack.OptionAppLevelToken(cfg.AppToken))...)
	}
	return m, nil
}

// tokenTeam asks Slack which workspace the bot token belongs to: the
// managers from the environment are managers there, and requests from any
// other workspace are refused.
func tokenTeam(api *slack.Client) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	auth, err := api.AuthTestContext(ctx)
	if err != nil {
		return "", fmt.Errorf("SLACK_BOT_TOKEN: cannot learn its workspace (auth.test): %w", err)
	}
	if auth.TeamID == "" {
		return "", errors.New("SLACK_BOT_TOKEN: auth.test named no workspace")
	}
	return auth.TeamID, nil
}

// newSlackHTTPClient returns the HTTP client of the Slack Web API: a call
// that has not answered within timeout fails instead of holding its caller
// (a sweep, a handler's follow-up) for good. Dialling and the TLS handshake
// get at most slackConnectTimeout of it. A timeout of 0 is
// defaultSlackTimeout.
func newSlackHTTPClient(timeout time.Duration) *http.Client {
	if timeout <= 0 {
		timeout = defaultSlackTimeout
	}
	connect := min(slackConnectTimeout, timeout)
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: connect, KeepAlive: 30 * time.Second}).DialContext,
			TLSHandshakeTimeout:   connect,
			ResponseHeaderTimeout: timeout,
			IdleConnTimeout:       90 * time.Second,
			MaxIdleConnsPerHost:   16,
			ForceAttemptHTTP2:     true,
		},
	}
}

// Run serves until ctx is done (SIGTERM or SIGINT), then stops taking
// requests, finishes those in flight and the work they started, and returns.
func (m *Main) Run(ctx context.Context) error {
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	if err := m.store.Ping(ctx); err != nil {
		m.log.Warn("redis is not answering yet; /readyz stays 503 until it does", "err", err)
	}
	var verifier *bot.Verifier
	if m.cfg.SigningSecret != "" {
		verifier = bot.NewVerifier(m.cfg.SigningSecret, nil)
	}
	var serve http.Handler = withUninstaller(bot.NewServer(m.handler, verifier, m.store, m.metrics, m.log).Dedupe(m.store).Ready(m.scheduler.Ready), m.registry)
	if m.install != nil {
		// The OAuth install's pages beside Slack's endpoints.
		mux := http.NewServeMux()
		mux.Handle("/", serve)
		mux.Handle("GET /slack/install", m.install)
		mux.Handle("GET /slack/oauth_redirect", m.install)
		serve = mux
	}
	srv := &http.Server{
		Addr:              m.cfg.ListenAddr,
		Handler:           serve,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
	}
	ln, err := net.Listen("tcp", m.cfg.ListenAddr)
	if err != nil {
		return fmt.Errorf("LISTEN_ADDR: %w", err)
	}
	errs := make(chan error, 1)
	go func() { errs <- srv.Serve(ln) }()
	mode := "http"
	var socket chan error // Socket Mode's result, when it runs
	if m.cfg.AppToken != "" {
		mode = "socket"
		socket = make(chan error, 1)
		sm := socketUninstaller(bot.NewSocketMode(socketmode.New(m.socket), m.handler, m.metrics, m.log).Dedupe(m.store), m.registry)
		go func() { socket <- sm.Run(ctx) }()
	}
	sweeping := make(chan error, 1)
	go func() { sweeping <- m.scheduler.Run(ctx, m.cfg.Sweep) }()
	m.log.Info("salesbot serving", "addr", ln.Addr().String(), "mode", mode, "sweep", m.cfg.Sweep, "digest", m.cfg.Digest)

	var runErr error
	select {
	case <-ctx.Done():
		m.log.Info("shutting down")
	case runErr = <-errs:
		m.log.Error("http server stopped", "err", runErr)
	case runErr = <-socket:
		m.log.Error("socket mode stopped", "err", runErr)
		socket = nil
	}
	// Stop taking requests, answer those in flight, then finish the work
	// they started (messages to managers, confirmations).
	stop()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		m.log.Error("http shutdown", "err", err)
	}
	if socket != nil {
		if err := <-socket; err != nil && runErr == nil {
			runErr = err
		}
	}
	if err := <-sweeping; err != nil && runErr == nil {
		runErr = err
	}
	m.handler.StopImports() // another replica, or this one restarted, finishes them
	m.handler.Wait()
	if m.registry != nil {
		m.registry.Wait() // a token refresh under way is kept
	}
	if errors.Is(runErr, http.ErrServerClosed) {
		runErr = nil
	}
	return runErr
}

// Close releases the Redis connections.
func (m *Main) Close() error {
	m.store.WaitWakes() // the last writes' wakes (Cluster) land first
	return m.redis.Close()
}

// healthcheck asks the bot on this machine whether it runs.
func healthcheck(ctx context.Context, listen string) error {
	if listen == "" {
		listen = defaultListen
	}
	_, port, err := net.SplitHostPort(listen)
	if err != nil {
		return fmt.Errorf("LISTEN_ADDR: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://127.0.0.1:"+port+"/healthz", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: /healthz answered %s", resp.Status)
	}
	return nil
}
