package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"salesbot/bot"
	"salesbot/internal/fakeslack"
	"salesbot/internal/redistest"
)

// TestTwoCompaniesInstallFromALink is the "done": two companies
// install the same running serve from its link (state, redirect,
// oauth.v2.access faked at Slack's edge), each installer is their
// workspace's manager, each workspace's commands call Slack with its own
// token only, neither sees the other's lead, and no token is kept in clear.
func TestTwoCompaniesInstallFromALink(t *testing.T) {
	fs := fakeslack.New(t)
	proxy := httputil.NewSingleHostReverseProxy(mustURL(t, fs.URL))
	edge := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/oauth.v2.access" {
			proxy.ServeHTTP(w, r)
			return
		}
		_ = r.ParseForm()
		team := strings.TrimPrefix(r.Form.Get("code"), "code-") // code-T… installs T…
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"ok": true, "access_token": "xoxb-" + team, "token_type": "bot", "scope": "commands,chat:write",
			"bot_user_id": "UBOT" + team, "app_id": "A1", "team": map[string]any{"id": team, "name": team + " Inc"},
			"authed_user": map[string]any{"id": "UADM" + team},
		})
	}))
	defer edge.Close()

	m, addr := serveOAuth(t, edge.URL+"/api/")
	base := "http://" + addr

	browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	installFrom := func(team string) {
		t.Helper()
		resp, err := browser.Get(base + "/slack/install")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc, err := url.Parse(resp.Header.Get("Location"))
		if err != nil || resp.StatusCode != http.StatusFound {
			t.Fatalf("/slack/install: %d %v", resp.StatusCode, err)
		}
		back := base + "/slack/oauth_redirect?code=code-" + team + "&state=" + url.QueryEscape(loc.Query().Get("state"))
		// The same browser: it sends back the install cookie (Secure, so
		// a cookie jar would keep it from this test's plain http).
		var cookie *http.Cookie
		for _, c := range resp.Cookies() {
			if c.Name == "salesbot_install" {
				cookie = c
			}
		}
		if cookie == nil || !cookie.HttpOnly || !cookie.Secure {
			t.Fatalf("/slack/install set no HttpOnly, Secure install cookie: %v", resp.Cookies())
		}
		get := func() (*http.Response, error) {
			req, _ := http.NewRequest(http.MethodGet, back, nil)
			req.AddCookie(&http.Cookie{Name: cookie.Name, Value: cookie.Value})
			return browser.Do(req)
		}
		resp, err = get()
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("redirect for %s: %d %s", team, resp.StatusCode, page)
		}
		// The state works once: the same redirect again is refused.
		if resp, err := get(); err != nil || resp.StatusCode != http.StatusBadRequest {
			t.Errorf("replayed state for %s: %v %v", team, resp.StatusCode, err)
		} else {
			resp.Body.Close()
		}
	}
	t1, t2 := redistest.Team(t), redistest.Team(t)
	installFrom(t1)
	installFrom(t2)

	say := func(team, user, line string) string {
		t.Helper()
		name, text, _ := strings.Cut(line, " ")
		form := url.Values{"team_id": {team}, "user_id": {user}, "channel_id": {"C1"}, "command": {name}, "text": {text}, "trigger_id": {"tr"}}
		body := form.Encode()
		req, _ := http.NewRequest(http.MethodPost, base+"/slack/commands", strings.NewReader(body))
		stamp := strconv.FormatInt(time.Now().Unix(), 10)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Slack-Request-Timestamp", stamp)
		req.Header.Set("X-Slack-Signature", bot.Sign([]byte("s3cret"), stamp, []byte(body)))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s in %s: %d %s", line, team, resp.StatusCode, raw)
		}
		return string(raw)
	}
	if got := say(t1, "UADM"+t1, "/lead new Acme"); !strings.Contains(got, "Acme") {
		t.Errorf("first company's /lead new: %s", got)
	}
	if got := say(t2, "UADM"+t2, "/lead show Acme"); strings.Contains(got, "UADM"+t1) || !strings.Contains(strings.ToLower(got), "no lead") {
		t.Errorf("the second company sees the first's lead: %s", got)
	}
	if got := say(t2, "UADM"+t2, "/salesbot managers"); !strings.Contains(got, "UADM"+t2) || strings.Contains(got, "UADM"+t1) {
		t.Errorf("the second company's managers: %s", got)
	}
	say(t1, "UADM"+t1, "/visit")
	say(t2, "UADM"+t2, "/visit")
	m.handler.Wait()
	for _, team := range []string{t1, t2} {
		if n := len(fs.CallsWith("views.open", "xoxb-"+team)); n != 1 {
			t.Errorf("%s: %d forms opened with its own token, want 1", team, n)
		}
	}
	for _, c := range fs.Calls("") {
		if c.Token != "xoxb-"+t1 && c.Token != "xoxb-"+t2 {
			t.Errorf("%s called with %q, no installed workspace's token", c.Method, c.Token)
		}
	}
	keys, err := redistest.Keys(t.Context(), redistest.Client(t), "*")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		raw, err := redistest.Client(t).Dump(t.Context(), k).Result()
		if err == nil && strings.Contains(raw, "xoxb-") {
			t.Errorf("key %s holds a token in clear", k)
		}
	}
}

func mustURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
