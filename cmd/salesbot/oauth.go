package main

import (
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"salesbot/bot"
	"salesbot/install"
	"salesbot/store"
)

// defaultRetention is SALESBOT_RETENTION's default: how long an
// uninstalled workspace's data is kept for a reinstall.
const defaultRetention = "30d"

// Bounds of SALESBOT_RETENTION.
const (
	minRetention = time.Minute
	maxRetention = 10 * 365 * 24 * time.Hour
)

// loadOAuth reads the settings of the install flow: nil when none of
// SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SALESBOT_PUBLIC_URL is set; an
// error naming the first one missing when only some are.
func loadOAuth(get func(name, def string) string) (*OAuthConfig, error) {
	names := []string{"SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SALESBOT_PUBLIC_URL"}
	var set, missing []string
	for _, n := range names {
		if get(n, "") == "" {
			missing = append(missing, n)
		} else {
			set = append(set, n)
		}
	}
	if len(set) == 0 {
		return nil, nil
	}
	if len(missing) > 0 {
		return nil, &SettingError{missing[0], fmt.Sprintf("missing; installs from a link need SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SALESBOT_PUBLIC_URL together (%s set, %s not)",
			strings.Join(set, ", "), strings.Join(missing, ", "))}
	}
	o := &OAuthConfig{ClientID: get("SLACK_CLIENT_ID", ""), ClientSecret: get("SLACK_CLIENT_SECRET", "")}
	public := get("SALESBOT_PUBLIC_URL", "")
	u, err := url.Parse(public)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(public, "?") {
		return nil, &SettingError{"SALESBOT_PUBLIC_URL", fmt.Sprintf("%q is not an https URL without a query, such as https://salesbot.example.com", public)}
	}
	o.PublicURL = strings.TrimSuffix(public, "/")
	rawKeys := get("SALESBOT_ENCRYPTION_KEY", "")
	if rawKeys == "" {
		return nil, &SettingError{"SALESBOT_ENCRYPTION_KEY", "missing; installs from a link keep each workspace's token encrypted with it: set one or more base64 32-byte keys, newest first (make one with: openssl rand -base64 32)"}
	}
	if o.Keys, err = install.ParseKeys(rawKeys); err != nil {
		return nil, &SettingError{"SALESBOT_ENCRYPTION_KEY", err.Error()}
	}
	retention := get("SALESBOT_RETENTION", defaultRetention)
	if o.Retention, err = parseRetention(retention); err != nil {
		return nil, &SettingError{"SALESBOT_RETENTION", err.Error()}
	}
	if o.TrustedProxies, err = install.ParseTrustedProxies(get("SALESBOT_TRUSTED_PROXIES", "")); err != nil {
		return nil, &SettingError{"SALESBOT_TRUSTED_PROXIES", err.Error() + "; list the load balancers' addresses or networks, separated by commas"}
	}
	return o, nil
}

// parseRetention reads a duration in days ("30d") or as Go writes it
// ("36h", "90m"), between minRetention and maxRetention.
func parseRetention(s string) (time.Duration, error) {
	var d time.Duration
	var err error
	if n, ok := strings.CutSuffix(s, "d"); ok {
		var days int
		if days, err = strconv.Atoi(n); err == nil {
			d = time.Duration(days) * 24 * time.Hour
		}
	} else {
		d, err = time.ParseDuration(s)
	}
	if err != nil || d < minRetention || d > maxRetention {
		return 0, fmt.Errorf("%q is not a duration between 1m and 3650d, such as 30d, 36h or 90m", s)
	}
	return d, nil
}

// newRegistry builds the installations' registry of the OAuth install
// flow; nil when OAuth is off (cfg.OAuth nil).
func newRegistry(cfg Config, client redis.UniversalClient, st *store.Store, log *slog.Logger) (*install.Registry, error) {
	if cfg.OAuth == nil {
		return nil, nil
	}
	ring, err := install.NewKeyring(cfg.OAuth.Keys)
	if err != nil {
		return nil, fmt.Errorf("SALESBOT_ENCRYPTION_KEY: %w", err)
	}
	return install.New(install.Config{
		Store: st, Managers: st, Redis: client, Keys: ring,
		ClientID: cfg.OAuth.ClientID, ClientSecret: cfg.OAuth.ClientSecret, PublicURL: cfg.OAuth.PublicURL,
		APIURL: cfg.APIURL, HTTPClient: newSlackHTTPClient(cfg.SlackTimeout), Retention: cfg.OAuth.Retention, Logger: log,
		TrustedProxies: cfg.OAuth.TrustedProxies,
	})
}

// withUninstaller has app_uninstalled and tokens_revoked uninstall, and
// team_access_revoked and team_access_granted change the workspaces an
// org-wide install serves; s as it is when reg is nil. (Run mounts the install's pages beside s.)
func withUninstaller(s *bot.Server, reg *install.Registry) *bot.Server {
	if reg == nil {
		return s
	}
	return s.Uninstaller(reg)
}

// socketUninstaller has Socket Mode's app_uninstalled and tokens_revoked
// uninstall; sm as it is when reg is nil.
func socketUninstaller(sm *bot.SocketMode, reg *install.Registry) *bot.SocketMode {
	if reg == nil {
		return sm
	}
	return sm.Uninstaller(reg)
}
