package install_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"salesbot/install"
	"salesbot/internal/redistest"
	"salesbot/store"
)

func TestMain(m *testing.M) { redistest.Main(m) }

const publicURL = "https://bot.example.com"

// clock is a fake clock tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fakeSlack answers oauth.v2.access (a code, or a refresh token) and
// auth.test as Slack does, and counts the calls.
type fakeSlack struct {
	*httptest.Server
	mu        sync.Mutex
	grant     map[string]any // oauth.v2.access's answer to a code
	forms     []url.Values   // every oauth.v2.access request
	refreshes int
	// refreshDelay holds a refresh back, so that two callers overlap.
	refreshDelay time.Duration
}

func newFakeSlack(t testing.TB, grant map[string]any) *fakeSlack {
	t.Helper()
	f := &fakeSlack{grant: grant}
	mux := http.NewServeMux()
	mux.HandleFunc("/oauth.v2.access", func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		f.mu.Lock()
		f.forms = append(f.forms, r.PostForm)
		answer := f.grant
		if r.PostForm.Get("grant_type") == "refresh_token" {
			f.refreshes++
			n := f.refreshes
			answer = map[string]any{
				"ok": true, "token_type": "bot", "access_token": "xoxe.xoxb-refreshed-" + string(rune('0'+n)),
				"refresh_token": "xoxe-1-refresh-" + string(rune('0'+n)), "expires_in": 43200,
			}
		}
		delay := f.refreshDelay
		f.mu.Unlock()
		time.Sleep(delay)
		writeJSON(w, answer)
	})
	mux.HandleFunc("/auth.test", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]any{"ok": true, "bot_id": "BSALES", "user_id": "USALESBOT"})
	})
	f.Server = httptest.NewServer(mux)
	t.Cleanup(f.Close)
	return f
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// accessCalls counts the code exchanges (not the refreshes).
func (f *fakeSlack) accessCalls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, form := range f.forms {
		if form.Get("code") != "" {
			n++
		}
	}
	return n
}

// grantFor is oauth.v2.access's answer for an install in team.
func grantFor(team string) map[string]any {
	return map[string]any{
		"ok": true, "token_type": "bot", "access_token": "xoxb-" + team + "-secret", "scope": "commands,chat:write",
		"bot_user_id": "USALESBOT", "app_id": "A1", "team": map[string]any{"id": team, "name": "Acme <Sales>"},
		"authed_user": map[string]any{"id": "UINSTALLER"},
	}
}

// env is one replica's registry over the test Redis, with its fake Slack,
// clock and log.
type env struct {
	reg   *install.Registry
	store *store.Store
	redis redis.UniversalClient
	slack *fakeSlack
	clock *clock
	log   *syncBuffer
	keys  [][]byte
	// secret is the app's client secret the replicas are made with.
	secret string
}

func newKey(t testing.TB) []byte {
	t.Helper()
	k := make([]byte, install.KeySize)
	if _, err := rand.Read(k); err != nil {
		t.Fatal(err)
	}
	return k
}

// newEnv makes a registry with keys (a fresh key when none), answering
// installs with grant.
func newEnv(t testing.TB, grant map[string]any, keys ...[]byte) *env {
	t.Helper()
	return newEnvOn(t, redistest.Client(t), grant, keys...)
}

// newEnvOn is newEnv over the Redis of client.
func newEnvOn(t testing.TB, client redis.UniversalClient, grant map[string]any, keys ...[]byte) *env {
	t.Helper()
	if len(keys) == 0 {
		keys = [][]byte{newKey(t)}
	}
	e := &env{redis: client, slack: newFakeSlack(t, grant), clock: &clock{t: time.Now()}, log: &syncBuffer{}, keys: keys, secret: "shh"}
	e.store = store.New(e.redis)
	e.reg = e.replica(t, keys...)
	return e
}

// replica is another registry over the same Redis, Slack and clock.
func (e *env) replica(t testing.TB, keys ...[]byte) *install.Registry {
	t.Helper()
	ring, err := install.NewKeyring(keys)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := install.New(install.Config{
		Store: e.store, Managers: e.store, Redis: e.redis, Keys: ring, ClientID: "123.456", ClientSecret: e.secret,
		PublicURL: publicURL, APIURL: e.slack.URL + "/", Logger: slog.New(slog.NewJSONHandler(e.log, nil)), Now: e.clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// get sends a browser GET to the registry's handler.
func (e *env) get(t testing.TB, target string) *httptest.ResponseRecorder {
	t.Helper()
	return httptestGet(t, e.reg, target)
}

// httptestGet sends a browser GET to reg's handler.
func httptestGet(t testing.TB, reg *install.Registry, target string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	reg.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	return rec
}

// startInstall follows /slack/install and returns its state.
func (e *env) startInstall(t testing.TB) string {
	t.Helper()
	return stateOf(t, e.reg)
}

// stateOf follows reg's /slack/install and returns its state.
func stateOf(t testing.TB, reg *install.Registry) string {
	t.Helper()
	rec := httptestGet(t, reg, install.InstallPath)
	if rec.Code != http.StatusFound {
		t.Fatalf("/slack/install answered %d: %s", rec.Code, rec.Body)
	}
	loc, err := url.Parse(rec.Header().Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return loc.Query().Get("state")
}

// finish comes back from Slack with code and state, in the browser that
// opened the install link (its cookie holds the state).
func (e *env) finish(t testing.TB, state string) *httptest.ResponseRecorder {
	t.Helper()
	return finishIn(e.reg, state, state)
}

// finishIn comes back from Slack with code and state to a browser whose
// install cookie holds cookie ("" for none).
func finishIn(reg *install.Registry, state, cookie string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, install.RedirectPath+"?code=the-code&state="+url.QueryEscape(state), nil)
	if cookie != "" {
		req.AddCookie(&http.Cookie{Name: install.StateCookie, Value: cookie})
	}
	reg.Handler().ServeHTTP(rec, req)
	return rec
}

// installed runs the whole flow and fails unless it installed.
func (e *env) installed(t testing.TB) {
	t.Helper()
	if rec := e.finish(t, e.startInstall(t)); rec.Code != http.StatusOK {
		t.Fatalf("install answered %d: %s", rec.Code, rec.Body)
	}
}

// rawInstall is the installation hash of owner as Redis holds it.
func (e *env) rawInstall(t testing.TB, owner string) string {
	t.Helper()
	h, err := e.redis.HGetAll(context.Background(), "sb:{"+owner+"}:install").Result()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for k, v := range h {
		b.WriteString(k + "=" + v + "\n")
	}
	return b.String()
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
