package main

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"salesbot"
	"salesbot/scheduler"
	"salesbot/store"
)

// Config is serve's settings, read from the environment (INTERFACE.md).
type Config struct {
	BotToken      string
	SigningSecret string
	AppToken      string
	APIURL        string
	RedisURL      string
	ListenAddr    string
	Managers      []string
	Cadence       salesbot.Cadence
	Sweep         string
	Digest        string
	Review        string // cron spec of the weekly review, on each manager's clock
	WorkHours     salesbot.WorkHours
	Currency      salesbot.Currency    // the team's currency
	DiscountLimit salesbot.Discount    // SALESBOT_DISCOUNT_LIMIT: above it a quote needs two managers
	Escalation    salesbot.Escalation  // SALESBOT_ESCALATION: how long a due follow-up may go un-acted, per grade
	Gates         salesbot.Gates       // SALESBOT_GATES: how stage milestones bind a rep
	Font          string               // SALESBOT_FONT: the CJK font charts are drawn with; "" finds one
	Probability   salesbot.Probability // win probability per stage
	InboundDue    salesbot.InboundDue  // SALESBOT_INBOUND_DUE: an assigned inbound lead's first touch, in working time
	// ReminderLease is how long a claimed reminder waits for the replica
	// that claimed it before another sends it.
	ReminderLease time.Duration
	// OAuth is the install flow for many workspaces (SLACK_CLIENT_ID,
	// SLACK_CLIENT_SECRET, SALESBOT_PUBLIC_URL, SALESBOT_ENCRYPTION_KEY,
	// SALESBOT_RETENTION); nil when those are unset, and the bot serves
	// the one workspace of SLACK_BOT_TOKEN.
	OAuth *OAuthConfig
	// SlackTimeout bounds one Slack Web API call, from dialling to the
	// last byte of the answer; 0 means defaultSlackTimeout. It is not an
	// environment setting: tests shorten it.
	SlackTimeout time.Duration
}

// OAuthConfig is the settings of the OAuth install flow.
type OAuthConfig struct {
	ClientID     string
	ClientSecret string
	// PublicURL is where Slack reaches the bot, without a trailing slash:
	// the redirect URL is PublicURL + "/slack/oauth_redirect".
	PublicURL string
	// Keys are the 32-byte AES keys of SALESBOT_ENCRYPTION_KEY: the first
	// encrypts, every one decrypts (the older ones during a rotation).
	Keys [][]byte
	// Retention is how long an uninstalled workspace's data is kept.
	Retention time.Duration
	// TrustedProxies are the reverse proxies in front of the bot
	// (SALESBOT_TRUSTED_PROXIES), whose X-Forwarded-For names the client
	// the install link's rate limit counts; none by default.
	TrustedProxies []netip.Prefix
}

// Defaults of the settings that have one.
const (
	defaultRedisURL  = "redis://localhost:6379/0"
	defaultListen    = ":3000"
	defaultSweep     = "@every 1m"
	defaultDigest    = "0 8 * * 1-5"
	defaultReview    = "0 9 * * 1"
	defaultCurrency  = "CNY"
	defaultWorkHours = "09-18"
	defaultWorkDays  = "1-5"
	defaultAPIURL    = "https://slack.com/api/"
	defaultLease     = "2m"
)

// Deadlines of the Slack Web API client: a whole call, and the dial plus TLS
// handshake inside it. A call that takes longer has met a stalled connection
// or an outage; Slack answers in well under a second.
const (
	defaultSlackTimeout = 15 * time.Second
	slackConnectTimeout = 5 * time.Second
)

// Bounds of SALESBOT_REMINDER_LEASE: a lease must outlast one send with its
// retries (Slack's own timeouts are 30 s), and should not leave a dead
// replica's reminders waiting for hours.
const (
	minLease = 2 * time.Second
	maxLease = time.Hour
)

// SettingError names the environment variable that is wrong and says how.
type SettingError struct {
	Name    string
	Problem string
}

func (e *SettingError) Error() string { return e.Name + ": " + e.Problem }

// LoadConfig reads and checks every setting. needSlack is false for the
// console, which talks to no Slack. The first bad or missing setting is
// returned as a *SettingError.
func LoadConfig(getenv func(string) string, needSlack bool) (Config, error) {
	get := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	c := Config{
		BotToken: get("SLACK_BOT_TOKEN", ""), SigningSecret: get("SLACK_SIGNING_SECRET", ""),
		AppToken: get("SLACK_APP_TOKEN", ""), APIURL: get("SLACK_API_URL", defaultAPIURL),
		RedisURL: get("REDIS_URL", defaultRedisURL), ListenAddr: get("LISTEN_ADDR", defaultListen),
		Sweep: get("SALESBOT_SWEEP", defaultSweep), Digest: get("SALESBOT_DIGEST", defaultDigest),
		Review: get("SALESBOT_REVIEW", defaultReview),
	}
	oauth, err := loadOAuth(get)
	if err != nil {
		return c, err
	}
	c.OAuth = oauth
	if needSlack {
		switch {
		case c.BotToken == "" && c.OAuth == nil:
			return c, &SettingError{"SLACK_BOT_TOKEN", "missing; set it to the app's bot token (xoxb-…), or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SALESBOT_PUBLIC_URL for installs from a link"}
		case c.BotToken != "" && !strings.HasPrefix(c.BotToken, "xoxb-"):
			return c, &SettingError{"SLACK_BOT_TOKEN", "must be a bot token starting with xoxb-"}
		case c.AppToken != "" && !strings.HasPrefix(c.AppToken, "xapp-"):
			return c, &SettingError{"SLACK_APP_TOKEN", "must be an app-level token starting with xapp-"}
		case c.AppToken == "" && c.SigningSecret == "":
			return c, &SettingError{"SLACK_SIGNING_SECRET", "missing; HTTP mode needs the app's signing secret (or set SLACK_APP_TOKEN for Socket Mode)"}
		}
	}
	if u, err := url.Parse(c.APIURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || !strings.HasSuffix(u.Path, "/") {
		return c, &SettingError{"SLACK_API_URL", "must be an http(s) URL ending in /, e.g. https://slack.com/api/"}
	}
	client, err := store.NewClient(c.RedisURL) // parses; does not dial
	if err != nil {
		return c, &SettingError{"REDIS_URL", err.Error()}
	}
	client.Close()
	if _, _, err := net.SplitHostPort(c.ListenAddr); err != nil {
		return c, &SettingError{"LISTEN_ADDR", fmt.Sprintf("%q is not host:port, e.g. :3000", c.ListenAddr)}
	}
	for _, m := range strings.Split(getenv("SALESBOT_MANAGERS"), ",") {
		if m = strings.TrimSpace(m); m == "" {
			continue
		} else if !salesbot.IsUserID(m) {
			return c, &SettingError{"SALESBOT_MANAGERS", fmt.Sprintf("%q is not a Slack user ID such as U012ABCDEF", m)}
		}
		c.Managers = append(c.Managers, m)
	}
	cadence, err := salesbot.ParseCadence(getenv("SALESBOT_CADENCE"))
	if err != nil {
		return c, &SettingError{"SALESBOT_CADENCE", err.Error() + " (default A=7d,B=14d,C=30d,D=90d)"}
	}
	c.Cadence = cadence
	if err := checkCron(c.Sweep); err != nil {
		return c, &SettingError{"SALESBOT_SWEEP", err.Error()}
	}
	if _, err := scheduler.ParseDigestSpec(c.Digest); err != nil {
		return c, &SettingError{"SALESBOT_DIGEST", err.Error()}
	}
	if _, err := scheduler.ParseReviewSpec(c.Review); err != nil {
		return c, &SettingError{"SALESBOT_REVIEW", err.Error()}
	}
	c.Font = strings.TrimSpace(getenv("SALESBOT_FONT"))
	if c.Gates, err = salesbot.ParseGates(getenv("SALESBOT_GATES")); err != nil {
		return c, &SettingError{"SALESBOT_GATES", err.Error()}
	}
	if c.DiscountLimit, err = salesbot.ParseDiscountLimit(getenv("SALESBOT_DISCOUNT_LIMIT")); err != nil {
		return c, &SettingError{"SALESBOT_DISCOUNT_LIMIT", problem(err)}
	}
	if c.Escalation, err = salesbot.ParseEscalation(getenv("SALESBOT_ESCALATION")); err != nil {
		return c, &SettingError{"SALESBOT_ESCALATION", problem(err)}
	}
	if c.InboundDue, err = salesbot.ParseInboundDue(getenv("SALESBOT_INBOUND_DUE")); err != nil {
		return c, &SettingError{"SALESBOT_INBOUND_DUE", problem(err) + " (default " + salesbot.DefaultInboundDue().String() + ")"}
	}
	if c.Currency, err = salesbot.ParseCurrency(get("SALESBOT_CURRENCY", defaultCurrency)); err != nil {
		return c, &SettingError{"SALESBOT_CURRENCY", problem(err)}
	}
	if c.Probability, err = salesbot.ParseProbability(getenv("SALESBOT_PROBABILITY")); err != nil {
		return c, &SettingError{"SALESBOT_PROBABILITY", problem(err) + " (default " + salesbot.DefaultProbability().String() + ")"}
	}
	hours, days := get("SALESBOT_WORK_HOURS", defaultWorkHours), get("SALESBOT_WORK_DAYS", defaultWorkDays)
	if _, err := salesbot.ParseWorkHours(hours, defaultWorkDays); err != nil {
		return c, &SettingError{"SALESBOT_WORK_HOURS", err.Error()}
	}
	if c.WorkHours, err = salesbot.ParseWorkHours(hours, days); err != nil {
		return c, &SettingError{"SALESBOT_WORK_DAYS", err.Error()}
	}
	lease := get("SALESBOT_REMINDER_LEASE", defaultLease)
	if c.ReminderLease, err = time.ParseDuration(lease); err != nil || c.ReminderLease < minLease || c.ReminderLease > maxLease {
		return c, &SettingError{"SALESBOT_REMINDER_LEASE", fmt.Sprintf("%q is not a duration between %v and %v, such as 2m or 90s", lease, minLease, maxLease)}
	}
	return c, nil
}

// problem is what is wrong with a setting as the domain words it for a
// person, without its error code.
func problem(err error) string {
	var e *salesbot.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}

// checkCron parses a cron spec as robfig/cron will, turning its panics on
// malformed CRON_TZ= prefixes into errors.
func checkCron(spec string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%q is not a valid schedule: %v", spec, r)
		}
	}()
	if _, err := cron.ParseStandard(spec); err != nil {
		return fmt.Errorf("%q is not a valid schedule (%v); use cron syntax such as \"0 8 * * 1-5\" or \"@every 1m\"", spec, err)
	}
	return nil
}
