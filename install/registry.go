package install

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/workspace"
)

// Store keeps the installations; *store.Store implements it. Their tokens
// reach it sealed.
type Store interface {
	SaveInstallation(ctx context.Context, inst workspace.Installation) error
	Installation(ctx context.Context, owner string) (workspace.Installation, error)
	InstallationsOf(ctx context.Context, team, enterprise string) (own, org workspace.Installation, orgID string, err error)
	LinkTeam(ctx context.Context, team, enterprise string) error
	ReplaceTokens(ctx context.Context, owner, old string, next workspace.Installation) (bool, error)
	MarkUninstalled(ctx context.Context, owner string, at time.Time) (bool, error)
	UninstalledBefore(ctx context.Context, t time.Time, n int) ([]string, error)
	ForgetUninstalled(ctx context.Context, owner string) error
	Purge(ctx context.Context, owner string) (deleted int, skipped bool, err error)
	InstallationOwners(ctx context.Context) ([]string, error)
	// RevokeTeam, GrantTeam and OrgMembers follow which workspaces an
	// org-wide install reaches (orgaccess.go).
	RevokeTeam(ctx context.Context, team, enterprise string, at time.Time) (ownActive, stale bool, err error)
	GrantTeam(ctx context.Context, team, enterprise string, at time.Time) (stale bool, err error)
	OrgMembers(ctx context.Context, enterprise string) ([]string, error)
	// LeaseOnce and ReleaseOnce hold the refresh of an owner's token for
	// one replica at a time.
	LeaseOnce(ctx context.Context, team, key, token string, lease time.Duration) (bool, error)
	ReleaseOnce(ctx context.Context, team, key, token string) error
}

// ManagerGranter makes the installer the workspace's first manager, when
// it has none yet, and wakes the workspace's sweep; *store.Store
// implements it.
type ManagerGranter interface {
	Managers(ctx context.Context, team string) ([]string, error)
	GrantManager(ctx context.Context, team string, c salesbot.ManagerChange) error
	// Wake makes the workspace's next sweep due at once (a reinstall finds
	// the follow-ups that fell due meanwhile).
	Wake(ctx context.Context, team string) error
	// WakeTeams with all makes the sweeps of teams due at once: the
	// workspaces an org-wide install serves, when it is installed again.
	WakeTeams(ctx context.Context, teams []string, all bool) error
}

// Config is what a Registry needs.
type Config struct {
	Store    Store
	Managers ManagerGranter
	// Redis keeps the install links' states.
	Redis        redis.UniversalClient
	Keys         *Keyring
	ClientID     string
	ClientSecret string
	// PublicURL is where browsers and Slack reach the bot, without a
	// trailing slash.
	PublicURL string
	// APIURL is Slack's Web API base, ending in / (SLACK_API_URL).
	APIURL string
	// HTTPClient makes the calls to oauth.v2.access and auth.test; it
	// should have a timeout. nil is http.DefaultClient, under callTimeout.
	HTTPClient *http.Client
	// Retention is how long an uninstalled workspace's data is kept;
	// 0 is DefaultRetention.
	Retention time.Duration
	Logger    *slog.Logger
	// Now is the clock; nil is time.Now.
	Now func() time.Time
	// InstallLimit bounds how often the install link issues a state; its
	// zero parts are DefaultInstallLimit's.
	InstallLimit InstallLimit
	// TrustedProxies are the reverse proxies (load balancers) in front of
	// the bot: a request from one of them counts against the client its
	// X-Forwarded-For names (SALESBOT_TRUSTED_PROXIES). None: the
	// connection's peer is the client, whatever the header says.
	TrustedProxies []netip.Prefix
}

// DefaultRetention is how long an uninstalled workspace's data is kept
// unless SALESBOT_RETENTION says otherwise.
const DefaultRetention = 30 * 24 * time.Hour

// Timings of the registry.
const (
	// installedFor is how long a positive Installed answer is reused in
	// process: an uninstall reaches the other replicas' Installed within
	// it, and their sending at once (BotToken always reads Redis).
	installedFor = 10 * time.Second
	// refreshAhead is how long before its expiry a rotating token is
	// refreshed.
	refreshAhead = 5 * time.Minute
	// refreshLock bounds how long one replica refreshes a token while the
	// others wait for it.
	refreshLock = 15 * time.Second
	// refreshWait is how long a caller waits for another replica's
	// refresh before it uses the old token, still valid, or gives up.
	refreshWait = 3 * time.Second
	// callTimeout bounds one call to Slack (oauth.v2.access, auth.test).
	callTimeout = 10 * time.Second
	// purgeBatch is how many expired workspaces one PurgeExpired purges.
	purgeBatch = 100
)

// Registry implements workspace.Registry over the store, with the tokens
// sealed by a Keyring. It is safe for concurrent use.
type Registry struct {
	cfg        Config
	states     *states
	limiter    *limiter // the install link's
	installed  sync.Map // team+"|"+enterprise → time.Time until which it is known installed
	linked     sync.Map // team → enterprise, already linked in the store
	refreshing sync.Map // owner → struct{}: a background refresh runs
	wg         sync.WaitGroup
}

var _ workspace.Registry = (*Registry)(nil)

// New returns a Registry; it checks that cfg has what it needs.
func New(cfg Config) (*Registry, error) {
	switch {
	case cfg.Store == nil || cfg.Redis == nil:
		return nil, errors.New("install: a store and a Redis client are needed")
	case cfg.Keys == nil:
		return nil, errors.New("install: an encryption keyring is needed")
	case cfg.ClientID == "" || cfg.ClientSecret == "":
		return nil, errors.New("install: the app's client ID and secret are needed")
	}
	if cfg.Retention <= 0 {
		cfg.Retention = DefaultRetention
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: callTimeout}
	}
	if cfg.APIURL == "" {
		cfg.APIURL = slack.APIURL
	}
	cfg.PublicURL = strings.TrimSuffix(cfg.PublicURL, "/")
	return &Registry{cfg: cfg, states: newStates(cfg.ClientSecret, cfg.Redis, cfg.Now), limiter: newLimiter(cfg.InstallLimit, cfg.TrustedProxies)}, nil
}

// lookup finds the active installation that serves team: its own, else the
// org-wide one of its enterprise (named, or remembered). When a request
// names both and the org-wide one serves, it remembers the enterprise for
// the team, so that the scheduler, which knows only the team, finds it.
func (r *Registry) lookup(ctx context.Context, team, enterprise string) (workspace.Installation, string, error) {
	if team == "" {
		if enterprise == "" {
			return workspace.Installation{}, "", workspace.ErrNotInstalled
		}
		team = enterprise // an org-wide event: the enterprise's own record
	}
	own, org, orgID, err := r.cfg.Store.InstallationsOf(ctx, team, enterprise)
	switch {
	case err != nil:
		return workspace.Installation{}, "", err
	case own.Active():
		return own, own.Owner(), nil
	case org.Active() && org.OrgWide:
		if enterprise != "" && team != enterprise {
			r.link(ctx, team, orgID)
		}
		return org, orgID, nil
	}
	return workspace.Installation{}, "", workspace.ErrNotInstalled
}

// link remembers once per process that enterprise's org-wide install
// serves team. A failure only means another try on the next request.
func (r *Registry) link(ctx context.Context, team, enterprise string) {
	if e, ok := r.linked.Load(team); ok && e == enterprise {
		return
	}
	if err := r.cfg.Store.LinkTeam(ctx, team, enterprise); err != nil {
		r.cfg.Logger.WarnContext(ctx, "remember the enterprise of a team", "team", team, "enterprise", enterprise, "err", err)
		return
	}
	r.linked.Store(team, enterprise)
}

// Installed implements workspace.Registry. A positive answer is reused in
// process for at most installedFor; a miss is one round trip to Redis.
func (r *Registry) Installed(ctx context.Context, team, enterprise string) (bool, error) {
	key := team + "|" + enterprise
	now := r.cfg.Now()
	if until, ok := r.installed.Load(key); ok && now.Before(until.(time.Time)) {
		return true, nil
	}
	_, _, err := r.lookup(ctx, team, enterprise)
	if errors.Is(err, workspace.ErrNotInstalled) {
		r.installed.Delete(key)
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("installed %s: %w", team, err)
	}
	r.installed.Store(key, now.Add(installedFor))
	return true, nil
}

// BotToken implements workspace.Tokens: it reads the installation on every
// call (no token outlives an uninstall in a cache) and opens its sealed
// token. A rotating token that expires within refreshAhead is refreshed in
// the background while it is returned, so that no request waits for
// Slack; one that has expired already is refreshed before it returns.
func (r *Registry) BotToken(ctx context.Context, team, enterprise string) (string, error) {
	inst, owner, err := r.lookup(ctx, team, enterprise)
	if err != nil {
		return "", fmt.Errorf("bot token of %s: %w", team, err)
	}
	token, err := r.cfg.Keys.Open(inst.BotToken, owner, "bot_token")
	if err != nil {
		return "", fmt.Errorf("bot token of %s: %w", owner, err)
	}
	now := r.cfg.Now()
	if inst.RefreshToken == "" || inst.ExpiresAt.IsZero() || inst.ExpiresAt.Sub(now) > refreshAhead {
		return token, nil
	}
	if !now.Before(inst.ExpiresAt) {
		return r.refresh(ctx, owner, inst, token)
	}
	r.refreshLater(ctx, owner, inst, token)
	return token, nil
}

// refreshLater refreshes owner's token in the background, once per process
// at a time (and once across replicas: see refresh).
func (r *Registry) refreshLater(ctx context.Context, owner string, inst workspace.Installation, token string) {
	if _, running := r.refreshing.LoadOrStore(owner, struct{}{}); running {
		return
	}
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		defer r.refreshing.Delete(owner)
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), callTimeout+refreshWait)
		defer cancel()
		_, _ = r.refresh(ctx, owner, inst, token) // a failure is logged; the next call tries again
	}()
}

// Wait waits for the background refreshes BotToken started.
func (r *Registry) Wait() { r.wg.Wait() }

// refresh renews owner's rotating token, one replica at a time: the one
// that takes the lock calls oauth.v2.access and stores the new pair; the
// others wait for it, and meanwhile use the old token while it is valid.
func (r *Registry) refresh(ctx context.Context, owner string, inst workspace.Installation, token string) (string, error) {
	id := rand.Text()
	got, err := r.cfg.Store.LeaseOnce(ctx, owner, refreshLease, id, refreshLock)
	if err != nil {
		return r.stale(ctx, owner, inst, token, fmt.Errorf("lock the refresh: %w", err))
	}
	if !got {
		return r.awaitRefresh(ctx, owner, inst, token)
	}
	defer func() { _ = r.cfg.Store.ReleaseOnce(context.WithoutCancel(ctx), owner, refreshLease, id) }()
	// Another replica may have refreshed between our read and our lock.
	if cur, err := r.cfg.Store.Installation(ctx, owner); err == nil && cur.BotToken != inst.BotToken && cur.Active() {
		return r.cfg.Keys.Open(cur.BotToken, owner, "bot_token")
	}
	refreshToken, err := r.cfg.Keys.Open(inst.RefreshToken, owner, "refresh_token")
	if err != nil {
		return r.stale(ctx, owner, inst, token, err)
	}
	callCtx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	resp, err := slack.RefreshOAuthV2TokenContext(callCtx, r.cfg.HTTPClient, r.cfg.ClientID, r.cfg.ClientSecret, refreshToken, slack.OAuthOptionAPIURL(r.cfg.APIURL))
	if err != nil {
		return r.stale(ctx, owner, inst, token, fmt.Errorf("oauth.v2.access refresh: %w", err))
	}
	next := workspace.Installation{RefreshToken: resp.RefreshToken}
	if resp.ExpiresIn > 0 {
		next.ExpiresAt = r.cfg.Now().Add(time.Duration(resp.ExpiresIn) * time.Second)
	}
	if next.BotToken, err = r.cfg.Keys.Seal(resp.AccessToken, owner, "bot_token"); err == nil {
		next.RefreshToken, err = r.cfg.Keys.Seal(resp.RefreshToken, owner, "refresh_token")
	}
	if err != nil {
		return r.stale(ctx, owner, inst, token, err)
	}
	ok, err := r.cfg.Store.ReplaceTokens(ctx, owner, inst.BotToken, next)
	if err != nil {
		// Slack has rotated the pair: the new token works even though it
		// is not kept; the next call refreshes again with the old refresh
		// token, which Slack honours until the new one is used.
		r.cfg.Logger.WarnContext(ctx, "keep a refreshed token", "team", owner, "err", err)
	} else if !ok {
		return "", fmt.Errorf("bot token of %s: %w", owner, workspace.ErrNotInstalled)
	}
	r.cfg.Logger.InfoContext(ctx, "bot token refreshed", "team", owner, "expires_at", next.ExpiresAt)
	return resp.AccessToken, nil
}

// awaitRefresh waits for the replica refreshing owner's token to store the
// new one, up to refreshWait; then it uses the old token if it is still
// valid.
func (r *Registry) awaitRefresh(ctx context.Context, owner string, inst workspace.Installation, token string) (string, error) {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	deadline := time.NewTimer(refreshWait)
	defer deadline.Stop()
	for {
		select {
		case <-ctx.Done():
			return r.stale(ctx, owner, inst, token, ctx.Err())
		case <-deadline.C:
			return r.stale(ctx, owner, inst, token, errors.New("another replica is still refreshing it"))
		case <-tick.C:
			cur, err := r.cfg.Store.Installation(ctx, owner)
			if err != nil || cur.BotToken == inst.BotToken {
				continue
			}
			if !cur.Active() {
				return "", fmt.Errorf("bot token of %s: %w", owner, workspace.ErrNotInstalled)
			}
			return r.cfg.Keys.Open(cur.BotToken, owner, "bot_token")
		}
	}
}

// stale returns the old token when a refresh failed but it has not expired
// yet (the next call tries again), else the failure.
func (r *Registry) stale(ctx context.Context, owner string, inst workspace.Installation, token string, cause error) (string, error) {
	if r.cfg.Now().Before(inst.ExpiresAt) {
		r.cfg.Logger.WarnContext(ctx, "bot token not refreshed yet; using the current one", "team", owner, "expires_at", inst.ExpiresAt, "err", cause)
		return token, nil
	}
	return "", fmt.Errorf("refresh the bot token of %s: %w", owner, salesbot.Unavailable(cause))
}

// refreshLease names the lease on an owner's token refresh.
const refreshLease = "refreshing"
