package install

import (
	"context"
	"crypto/hmac"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/workspace"
)

// AuthorizeURL is Slack's consent page, where /slack/install sends the
// browser.
const AuthorizeURL = "https://slack.com/oauth/v2/authorize"

// Paths of the install flow, both plain browser GETs (Slack does not sign
// them): the state parameter is what protects the redirect.
const (
	InstallPath  = "/slack/install"
	RedirectPath = "/slack/oauth_redirect"
)

// stateTimeout bounds the Redis call that records or uses up a state.
const stateTimeout = 2 * time.Second

// exchangeTimeout bounds oauth.v2.access and auth.test together: with
// saveTimeout it stays under serve's 10 s write deadline.
const exchangeTimeout = 6 * time.Second

// saveTimeout bounds keeping an installation (the record, its manager, the
// sweep's wake), so that the page is written before the server's write
// deadline.
const saveTimeout = 3 * time.Second

// Handler serves GET /slack/install and GET /slack/oauth_redirect.
func (r *Registry) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+InstallPath, r.serveInstall)
	mux.HandleFunc("GET "+RedirectPath, r.serveRedirect)
	return mux
}

// RedirectURL is where Slack sends the browser back after the consent page;
// the app's manifest lists it in oauth_config.redirect_urls.
func (r *Registry) RedirectURL() string { return r.cfg.PublicURL + RedirectPath }

// serveInstall answers the install link with a redirect (302) to Slack's
// consent page, for the manifest's bot scopes, with a new state; beyond
// the install link's limit (ratelimit.go) it answers 429 and records none.
func (r *Registry) serveInstall(w http.ResponseWriter, req *http.Request) {
	if ok, wait, report := r.limiter.allow(req, r.cfg.Now()); !ok {
		if report {
			r.cfg.Logger.WarnContext(req.Context(), "install link: this replica's limit for all clients is reached; installs are refused until it refills",
				"per_second", float64(time.Second)/float64(r.limiter.limit.Global.Every), "burst", r.limiter.limit.Global.Burst)
		}
		r.tooMany(w, wait)
		return
	}
	ctx, cancel := context.WithTimeout(req.Context(), stateTimeout)
	defer cancel()
	state, err := r.states.issue(ctx)
	if err != nil {
		r.cfg.Logger.ErrorContext(ctx, "install link", "err", err)
		r.problem(w, http.StatusServiceUnavailable, "salesbot cannot start the install right now",
			"Its database did not answer. Wait a minute, then open the install link again.")
		return
	}
	q := url.Values{
		"client_id":    {r.cfg.ClientID},
		"scope":        {strings.Join(BotScopes(), ",")},
		"redirect_uri": {r.RedirectURL()},
		"state":        {state},
	}
	w.Header().Set("Cache-Control", "no-store")
	// The state is bound to this browser too: the redirect is finished
	// only where the install started, so that nobody can have someone
	// else's browser finish an install of theirs.
	http.SetCookie(w, &http.Cookie{
		Name: StateCookie, Value: state, Path: "/slack/", MaxAge: int(StateTTL / time.Second),
		HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode,
	})
	http.Redirect(w, req, AuthorizeURL+"?"+q.Encode(), http.StatusFound)
}

// StateCookie is the cookie that binds an install's state to the browser
// that opened the install link.
const StateCookie = "salesbot_install"

// sameBrowser reports whether the redirect comes to the browser that
// opened the install link: its cookie holds the state.
func sameBrowser(req *http.Request, state string) bool {
	c, err := req.Cookie(StateCookie)
	return err == nil && hmac.Equal([]byte(c.Value), []byte(state))
}

// serveRedirect finishes an install: it checks and uses up the state,
// exchanges the code for the tokens, keeps them sealed, makes the installer
// the first manager and says what to do next. A refused request stores
// nothing.
func (r *Registry) serveRedirect(w http.ResponseWriter, req *http.Request) {
	ctx := req.Context()
	w.Header().Set("Cache-Control", "no-store")
	q := req.URL.Query()
	if reason := q.Get("error"); reason != "" {
		// The state is used up too, so that the link cannot be replayed.
		sctx, cancel := context.WithTimeout(ctx, stateTimeout)
		_ = r.states.consume(sctx, q.Get("state"))
		cancel()
		if reason == "access_denied" {
			r.render(w, http.StatusOK, deniedPage, pageData{Start: r.cfg.PublicURL + InstallPath})
			return
		}
		r.problem(w, http.StatusBadRequest, "Slack did not install salesbot", "Slack answered: "+reason+".")
		return
	}
	if q.Get("state") != "" && !sameBrowser(req, q.Get("state")) {
		r.problem(w, http.StatusBadRequest, "This install was started in another browser",
			"Open the install link in this browser and approve it here.")
		return
	}
	sctx, cancel := context.WithTimeout(ctx, stateTimeout)
	err := r.states.consume(sctx, q.Get("state"))
	cancel()
	switch {
	case errors.Is(err, ErrStateExpired):
		r.problem(w, http.StatusBadRequest, "This install link has expired", "An install link works for 10 minutes.")
		return
	case errors.Is(err, ErrStateUsed):
		r.problem(w, http.StatusBadRequest, "This install link was already used", "Each install link works once.")
		return
	case errors.Is(err, ErrStateInvalid):
		r.problem(w, http.StatusBadRequest, "This install link is not valid", "It did not come from this salesbot, or it was altered.")
		return
	case err != nil:
		r.cfg.Logger.ErrorContext(ctx, "install: use the state", "err", err)
		r.problem(w, http.StatusServiceUnavailable, "salesbot cannot finish the install right now", "Its database did not answer.")
		return
	}
	code := q.Get("code")
	if code == "" {
		r.problem(w, http.StatusBadRequest, "Slack sent no code", "The redirect from Slack carried no authorization code.")
		return
	}
	inst, err := r.exchange(ctx, code)
	if err != nil {
		r.cfg.Logger.ErrorContext(ctx, "install: oauth.v2.access", "err", err)
		r.problem(w, http.StatusBadGateway, "Slack did not confirm the install", "salesbot could not exchange Slack's code for the app's token.")
		return
	}
	sctx, cancel = context.WithTimeout(ctx, saveTimeout)
	err = r.save(sctx, inst)
	cancel()
	if err != nil {
		r.cfg.Logger.ErrorContext(ctx, "install: keep the installation", "team", inst.Team, "enterprise", inst.Enterprise, "err", err)
		r.problem(w, http.StatusServiceUnavailable, "salesbot could not keep the install", "Its database did not answer.")
		return
	}
	r.cfg.Logger.InfoContext(ctx, "workspace installed", "team", inst.Team, "enterprise", inst.Enterprise,
		"org_wide", inst.OrgWide, "installer", inst.Installer, "rotating", inst.RefreshToken != "")
	r.render(w, http.StatusOK, installedPage, pageData{
		Team: inst.TeamName, Enterprise: inst.EnterpriseName, OrgWide: inst.OrgWide, Installer: inst.Installer,
		Manager: inst.manager,
	})
}

// exchanged is an installation with the names Slack gave, in clear.
type exchanged struct {
	workspace.Installation
	TeamName, EnterpriseName string
	manager                  bool // the installer was made a manager
}

// exchange trades the code for the installation (oauth.v2.access), and
// learns the bot's ID (auth.test with the new token).
func (r *Registry) exchange(ctx context.Context, code string) (*exchanged, error) {
	ctx, cancel := context.WithTimeout(ctx, exchangeTimeout)
	defer cancel()
	resp, err := slack.GetOAuthV2ResponseContext(ctx, r.cfg.HTTPClient, r.cfg.ClientID, r.cfg.ClientSecret, code,
		r.RedirectURL(), slack.OAuthOptionAPIURL(r.cfg.APIURL))
	if err != nil {
		return nil, err
	}
	if resp.AccessToken == "" || resp.TokenType != "bot" {
		return nil, errors.New("oauth.v2.access gave no bot token")
	}
	now := r.cfg.Now()
	e := &exchanged{
		Installation: workspace.Installation{
			Team: resp.Team.ID, Enterprise: resp.Enterprise.ID, OrgWide: resp.IsEnterpriseInstall,
			BotToken: resp.AccessToken, BotUser: resp.BotUserID, Installer: resp.AuthedUser.ID,
			RefreshToken: resp.RefreshToken, InstalledAt: now,
		},
		TeamName: resp.Team.Name, EnterpriseName: resp.Enterprise.Name,
	}
	if resp.Scope != "" {
		e.Scopes = strings.Split(resp.Scope, ",")
	}
	if resp.ExpiresIn > 0 {
		e.ExpiresAt = now.Add(time.Duration(resp.ExpiresIn) * time.Second)
	}
	if e.Installation.Owner() == "" {
		return nil, errors.New("oauth.v2.access named no team or enterprise")
	}
	api := slack.New(resp.AccessToken, slack.OptionAPIURL(r.cfg.APIURL), slack.OptionHTTPClient(r.cfg.HTTPClient))
	if auth, err := api.AuthTestContext(ctx); err != nil {
		r.cfg.Logger.WarnContext(ctx, "install: auth.test with the new token", "err", err)
	} else {
		e.BotID = auth.BotID
	}
	return e, nil
}

// save seals the tokens and keeps the installation, then makes the
// installer the first manager of a workspace install (an org-wide install
// has no one workspace: each one's admins grant managers there).
func (r *Registry) save(ctx context.Context, e *exchanged) error {
	owner := e.Installation.Owner()
	sealed := e.Installation
	var err error
	if sealed.BotToken, err = r.cfg.Keys.Seal(e.BotToken, owner, "bot_token"); err != nil {
		return err
	}
	if sealed.RefreshToken, err = r.cfg.Keys.Seal(e.RefreshToken, owner, "refresh_token"); err != nil {
		return err
	}
	if err := r.cfg.Store.SaveInstallation(ctx, sealed); err != nil {
		return err
	}
	r.installed.Clear()
	if r.cfg.Managers == nil {
		return nil
	}
	if e.OrgWide {
		r.wakeMembers(ctx, e.Enterprise)
		return nil
	}
	if e.Installer == "" {
		return nil
	}
	if err := r.cfg.Managers.Wake(ctx, e.Team); err != nil {
		// Its hourly sweep comes anyway.
		r.cfg.Logger.WarnContext(ctx, "install: wake the workspace's sweep", "team", e.Team, "err", err)
	}
	// Only the first install makes its installer a manager: a member who
	// installs the app again in a workspace that has managers gets no
	// rights by it.
	if have, err := r.cfg.Managers.Managers(ctx, e.Team); err != nil || len(have) > 0 {
		if err != nil {
			r.cfg.Logger.WarnContext(ctx, "install: read the workspace's managers", "team", e.Team, "err", err)
		}
		return nil
	}
	grant := salesbot.ManagerChange{At: e.InstalledAt, By: e.Installer, User: e.Installer, Granted: true}
	if err := r.cfg.Managers.GrantManager(ctx, e.Team, grant); err != nil {
		// Installed all the same: a workspace admin can grant it.
		r.cfg.Logger.WarnContext(ctx, "install: make the installer a manager", "team", e.Team, "user", e.Installer, "err", err)
		return nil
	}
	e.manager = true
	return nil
}
