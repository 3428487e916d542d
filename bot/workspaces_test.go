package bot_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/bot"
	"salesbot/directory"
	"salesbot/handlers"
	"salesbot/internal/fakeslack"
	"salesbot/internal/redistest"
	"salesbot/scheduler"
	"salesbot/service"
	"salesbot/store"
	"salesbot/workspace"
)

// installs is a map-backed workspace.Registry: each installed team's bot
// token. It counts the Installed checks made for each team, and fails
// those of a team named in broken as Redis would.
type installs struct {
	mu      sync.Mutex
	tokens  map[string]string
	broken  map[string]bool
	checked map[string]int
	// stale teams are still said to be installed, as a cached check says
	// of a workspace uninstalled a moment ago, with no token.
	stale map[string]bool
}

func newInstalls() *installs {
	return &installs{tokens: map[string]string{}, broken: map[string]bool{}, checked: map[string]int{}, stale: map[string]bool{}}
}

func (r *installs) BotToken(_ context.Context, team, _ string) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if t := r.tokens[team]; t != "" {
		return t, nil
	}
	return "", workspace.ErrNotInstalled
}

func (r *installs) Installed(_ context.Context, team, _ string) (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.checked[team]++
	if r.broken[team] {
		return false, errors.New("redis: connection refused")
	}
	return r.tokens[team] != "" || r.stale[team], nil
}

func (r *installs) Uninstall(_ context.Context, team, _, _ string, _ time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.tokens, team)
	return nil
}

func (r *installs) PurgeExpired(context.Context, time.Time) ([]string, error) { return nil, nil }

func (r *installs) checks(team string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.checked[team]
}

const installURL = "https://salesbot.example.com/slack/install"

// workspaces is the bot as the OAuth install runs it: one server for many
// workspaces, each with its own token, through a Router over a registry.
type workspaces struct {
	reg   *installs
	clock atomic.Pointer[time.Time]
	slack *fakeslack.Server
	sched *scheduler.Scheduler
	// of is a harness per team, all on the one bot.
	of map[string]*harness
}

// newWorkspaces starts the bot for the given teams (team → token; "" for a
// team with no installation).
func newWorkspaces(t *testing.T, tokens map[string]string) *workspaces {
	t.Helper()
	ws := &workspaces{reg: newInstalls(), of: map[string]*harness{}}
	ws.clock.Store(&now)
	clock := func() time.Time { return *ws.clock.Load() }
	for team, token := range tokens {
		if token != "" {
			ws.reg.tokens[team] = token
		}
	}
	fs := fakeslack.New(t)
	for _, u := range []string{manager, rep, other, "U1REP", "U2REP"} {
		fs.SetUser(u, fakeslack.User{Name: "Person " + u, TZ: "Asia/Shanghai"})
	}
	client := redistest.Client(t)
	client.AddHook(redistest.TripHook{})
	st := store.New(client, store.WithChangeTime())
	api := workspace.NewRouter(workspace.RouterConfig{Tokens: ws.reg, Options: []slack.Option{slack.OptionAPIURL(fs.APIURL())}})
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	people := directory.New(api, clock)
	// As serve wires OAuth mode: no team of its own, no managers from the
	// settings.
	svc := service.New(service.Config{Store: st, Logger: log})
	h := handlers.New(st, api, handlers.Config{
		Now: clock, Logger: log, Directory: people,
		Digests: svc, Reports: svc, Teams: svc, Reminders: svc, Leads: svc,
		Stages: svc, Approvals: svc, Visits: svc, Stakeholders: svc,
		Deals: svc, Forecasts: svc, Reviews: svc, Quotes: svc, Negotiation: svc, Notify: svc, Maintenance: svc,
		Transfer: svc, Workspaces: ws.reg, InstallURL: installURL,
	})
	sched, err := scheduler.New(scheduler.Config{Store: st, Notifier: h, People: people, Digests: svc, Teams: svc, Reminders: svc,
		Reviews: svc, Now: clock, Logger: log, Workspaces: ws.reg})
	if err != nil {
		t.Fatal(err)
	}
	ws.slack, ws.sched = fs, sched
	server := bot.NewServer(h, bot.NewVerifier(secret, nil), st, bot.NewMetrics(), log).Dedupe(st)
	for team := range tokens {
		ws.of[team] = &harness{t: t, team: team, slack: fs, store: st, h: h, sched: sched}
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, trips := redistest.CountTrips(r.Context())
		server.ServeHTTP(w, r.WithContext(ctx))
		trips.Stop()
		for _, hs := range ws.of {
			hs.trips.Store(trips)
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(h.Wait)
	for _, hs := range ws.of {
		hs.bot = srv
	}
	return ws
}

// tokensSince returns the tokens the Web API calls after the first n
// carried (response_url posts, which carry none, left out).
func (ws *workspaces) tokensSince(n int) map[string][]string {
	out := map[string][]string{}
	for _, c := range ws.slack.Calls("")[n:] {
		if c.Method != "response" && c.Method != "upload" {
			out[c.Token] = append(out[c.Token], c.Method)
		}
	}
	return out
}

// onlyToken fails the test unless every call since the first n carried
// token, and returns the methods called.
func (ws *workspaces) onlyToken(t *testing.T, what string, n int, token string) []string {
	t.Helper()
	got := ws.tokensSince(n)
	for tok, methods := range got {
		if tok != token {
			t.Errorf("%s: %v made with token %q, want only %q", what, methods, tok, token)
		}
	}
	return got[token]
}

// TestEachWorkspaceCallsWithItsOwnToken: two companies install the bot;
// each one's commands, forms, Home tab and reminders go out with its own
// token only, and neither sees the other's leads.
func TestEachWorkspaceCallsWithItsOwnToken(t *testing.T) {
	t1, t2 := redistest.Team(t), redistest.Team(t)
	ws := newWorkspaces(t, map[string]string{t1: "xoxb-one", t2: "xoxb-two"})
	a, b := ws.of[t1], ws.of[t2]

	start := len(ws.slack.Calls(""))
	mustContain(t, "T1 lead", a.command("U1REP", "/lead new Acme Industrial").Text, "Acme Industrial")
	a.command("U1REP", "/lead grade Acme A board meets in January")
	a.command("U1REP", "/visit") // opens the visit form
	if status := a.event(strings.ReplaceAll(a.homeOpened("Ev0T1HOME", "U1REP"), manager, "U1REP"), 0); status != http.StatusOK {
		t.Fatalf("home event: %d", status)
	}
	a.h.Wait()
	methods := ws.onlyToken(t, "workspace 1", start, "xoxb-one")
	for _, want := range []string{"views.open", "views.publish", "users.info"} {
		if !strings.Contains(strings.Join(methods, " "), want) {
			t.Errorf("workspace 1 made no %s: %v", want, methods)
		}
	}

	start = len(ws.slack.Calls(""))
	shown := b.command("U2REP", "/lead show Acme Industrial")
	mustContain(t, "T1's lead from T2", shown.Text, "No lead is called")
	if strings.Contains(text(shown), "board meets") {
		t.Errorf("workspace 2 read workspace 1's lead: %s", text(shown))
	}
	b.command("U2REP", "/lead new Beta Logistics")
	b.command("U2REP", "/lead grade Beta A")
	b.command("U2REP", "/visit")
	b.h.Wait()
	methods = ws.onlyToken(t, "workspace 2", start, "xoxb-two")
	if !strings.Contains(strings.Join(methods, " "), "views.open") {
		t.Errorf("workspace 2 opened no form: %v", methods)
	}
	if names, err := b.store.LeadNames(t.Context(), t1); err != nil || len(names) != 1 {
		t.Errorf("workspace 1's leads: %v %v, want Acme alone", names, err)
	}

	// A card from the store, on a cached hit: the installation check adds
	// no round trip, and is made once per request.
	a.command("U1REP", "/lead show Acme")
	before := ws.reg.checks(t1)
	a.command("U1REP", "/lead show Acme")
	if n := ws.reg.checks(t1) - before; n != 1 {
		t.Errorf("/lead show checked the installation %d times, want once", n)
	}
	if n := a.trips.Load().Count(); n > 1 {
		t.Errorf("/lead show: %d Redis round trips, want 1: %v", n, a.trips.Load().Names())
	}

	// Four weeks on, each grade A lead is due: the sweep of each team
	// reminds its rep with that team's token.
	later := now.Add(28 * 24 * time.Hour) // a Monday, 10:00 in Shanghai
	ws.clock.Store(&later)
	for _, c := range []struct{ team, rep, company, token string }{{t1, "U1REP", "Acme", "xoxb-one"}, {t2, "U2REP", "Beta", "xoxb-two"}} {
		start = len(ws.slack.Calls(""))
		if err := ws.sched.SweepTeam(context.Background(), c.team); err != nil {
			t.Fatal(err)
		}
		ws.of[c.team].h.Wait()
		ws.onlyToken(t, "sweep of "+c.company, start, c.token)
		var reminded bool
		for _, call := range ws.slack.Calls("chat.postMessage")[0:] {
			if call.Token == c.token && call.Param("channel") == c.rep && strings.Contains(call.Text(), c.company) {
				reminded = true
			}
		}
		if !reminded {
			t.Errorf("the sweep of %s sent %s no reminder of %s with its token: %v", c.team, c.rep, c.company, ws.tokensSince(start))
		}
	}
}

// TestUninstalledWorkspaceIsToldSo: a command, a form and a click from a
// workspace the registry has no installation for are answered (200, never
// a 500) that salesbot is not installed there, with the install link, in
// English and Chinese; nothing is written for the team and nothing is
// sent to Slack with any token. When the registry cannot answer, the
// reply asks to try again.
func TestUninstalledWorkspaceIsToldSo(t *testing.T) {
	gone, down := redistest.Team(t), redistest.Team(t)
	ws := newWorkspaces(t, map[string]string{gone: "", down: "xoxb-down"})
	ws.reg.broken[down] = true
	h := ws.of[gone]
	start := len(ws.slack.Calls(""))

	for _, line := range []string{"/lead new Acme", "/visit Acme", "/salesbot managers add <@U0X>", "/lead show Acme"} {
		before := ws.reg.checks(gone)
		reply := h.command(rep, line)
		mustContain(t, line, reply.Text, "not installed in this workspace", "or was removed", "<"+installURL+">", "没有安装在这个工作区")
		if reply.ResponseType == slack.ResponseTypeInChannel {
			t.Errorf("%s: the refusal was posted in the channel", line)
		}
		if n := ws.reg.checks(gone) - before; n != 1 {
			t.Errorf("%s: %d installation checks, want 1", line, n)
		}
	}
	if keys := teamKeys(t, gone); len(keys) != 0 {
		t.Errorf("commands from an uninstalled workspace wrote: %v", keys)
	}
	status, body := h.submit(rep, "visit", map[string]slack.BlockAction{"company": value("Acme"), "notes": value("met")})
	if status != http.StatusOK || !strings.Contains(string(body), "not installed in this workspace") {
		t.Errorf("form from an uninstalled workspace: %d %s", status, body)
	}
	cb := slack.InteractionCallback{Type: slack.InteractionTypeBlockActions, User: slack.User{ID: rep}, ResponseURL: ws.slack.ResponseURL("gone")}
	cb.ActionCallback.BlockActions = []*slack.BlockAction{{ActionID: "grade_set", Value: "L1|A", ActionTs: "1700000001.1"}}
	if status, _ := h.interact(cb); status != http.StatusOK {
		t.Errorf("click from an uninstalled workspace: %d", status)
	}
	before := ws.reg.checks(gone)
	if status := h.event(h.homeOpened("Ev0GONE", rep), 0); status != http.StatusOK {
		t.Errorf("event from an uninstalled workspace: %d", status)
	}
	if n := ws.reg.checks(gone) - before; n != 1 {
		t.Errorf("the event checked the installation %d times, want once", n)
	}
	h.h.Wait()
	if said := ws.slack.Calls("response"); len(said) != 1 || !strings.Contains(said[0].Text(), "not installed in this workspace") {
		t.Errorf("the click was not told: %v", said)
	}
	if got := ws.tokensSince(start); len(got) != 0 {
		t.Errorf("requests from an uninstalled workspace called Slack: %v", got)
	}
	// The transport claims each interaction before the handlers see it
	// (de-duplication, an hour): that claim is all there may be.
	for _, k := range teamKeys(t, gone) {
		if !strings.Contains(k, ":once:") {
			t.Errorf("interactions from an uninstalled workspace wrote %s", k)
		}
	}

	reply := ws.of[down].command(rep, "/lead new Acme")
	mustContain(t, "registry down", reply.Text, "try again", "稍后再试")
	if strings.Contains(reply.Text, "not installed") {
		t.Errorf("a registry that cannot answer was taken for no installation: %s", reply.Text)
	}
	if keys := teamKeys(t, down); len(keys) != 0 {
		t.Errorf("a request whose installation could not be checked wrote: %v", keys)
	}
}

// TestUninstalledDuringARequest: a workspace uninstalled just after its
// installation was checked gets the same clear reply when the bot's answer
// needs Slack, not "something went wrong".
func TestUninstalledDuringARequest(t *testing.T) {
	t1 := redistest.Team(t)
	ws := newWorkspaces(t, map[string]string{t1: ""})
	ws.reg.stale[t1] = true
	reply := ws.of[t1].command(rep, "/visit")
	mustContain(t, "uninstalled meanwhile", reply.Text, "not installed in this workspace", "or was removed")
	if n := len(ws.slack.Calls("views.open")); n != 0 {
		t.Errorf("%d forms opened with no token", n)
	}
}

// TestRequestWithoutAWorkspaceIsRefused: with the OAuth install, a request
// that names no workspace is not served and calls Slack with no token.
func TestRequestWithoutAWorkspaceIsRefused(t *testing.T) {
	t1 := redistest.Team(t)
	ws := newWorkspaces(t, map[string]string{t1: "xoxb-one"})
	h := ws.of[t1]
	start := len(ws.slack.Calls(""))
	form := url.Values{"team_id": {""}, "user_id": {rep}, "channel_id": {"C0SALES"}, "command": {"/visit"}, "text": {"Acme"}, "trigger_id": {"t"}}
	status, body := h.post(signedRequest(t, h.bot.URL+"/slack/commands", form.Encode(), time.Now()))
	if status != http.StatusOK || !strings.Contains(string(body), "not installed") {
		t.Errorf("a command with no team: %d %s", status, body)
	}
	if got := ws.tokensSince(start); len(got) != 0 {
		t.Errorf("a command with no team called Slack: %v", got)
	}
}

// teamKeys lists the team's keys in Redis.
func teamKeys(t *testing.T, team string) []string {
	t.Helper()
	var keys []string
	iter := redistest.Client(t).Scan(t.Context(), 0, "sb:{"+team+"}:*", 1000).Iterator()
	for iter.Next(t.Context()) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	return keys
}

// TestImportCallsWithItsWorkspacesToken: an import, its dry run, its
// progress and its resumption by a sweep (a context of the sweep's own)
// read the file and redraw its message with the token of the workspace it
// was started in.
func TestImportCallsWithItsWorkspacesToken(t *testing.T) {
	t1, t2 := redistest.Team(t), redistest.Team(t)
	ws := newWorkspaces(t, map[string]string{t1: "xoxb-one", t2: "xoxb-two"})
	h := ws.of[t1]
	if err := h.store.GrantManager(t.Context(), t1, salesbot.ManagerChange{At: now, By: "U0INSTALLER", User: manager, Granted: true}); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("Company,Grade\n")
	n := service.ImportBatch + 50
	for i := range n {
		fmt.Fprintf(&b, "Company %04d,B\n", i)
	}
	start := len(ws.slack.Calls(""))
	d := h.importForm(manager, "big.csv", []byte(b.String()))
	mustContain(t, "dry run", d.text, fmt.Sprintf("New: *%d*", n))

	// Another replica starts it and stops after the first batch; the sweep
	// of the team resumes it.
	other := service.New(service.Config{Store: h.store})
	p, job, started, err := other.StartImport(t.Context(), salesbot.Actor{User: manager, Manager: true}, t1, d.plan, "replica-2", now)
	if err != nil || !started {
		t.Fatal(started, err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	if _, err := other.RunImport(ctx, p, job, "replica-2", func(salesbot.ImportJob) { cancel() }); err == nil {
		t.Fatal("the runner was not stopped")
	}
	if err := ws.sched.SweepTeam(context.Background(), t1); err != nil {
		t.Fatal(err)
	}
	h.h.Wait()
	mustContain(t, "resumed", h.lastUpdate(), "Imported big.csv", fmt.Sprintf("new: *%d*", n))
	methods := strings.Join(ws.onlyToken(t, "import", start, "xoxb-one"), " ")
	for _, want := range []string{"files.info", "download", "chat.update"} {
		if !strings.Contains(methods, want) {
			t.Errorf("the import made no %s with its workspace's token: %s", want, methods)
		}
	}
	if last := ws.slack.Calls("chat.update"); last[len(last)-1].Token != "xoxb-one" {
		t.Errorf("the resumed import's last redraw carried %q", last[len(last)-1].Token)
	}
}

// TestRevokedTokenPausesItsWorkspaceOnly: Slack refusing one workspace's
// token (token_revoked) pauses that workspace's sending, as before there
// were many; the other workspace's reminders go out.
func TestRevokedTokenPausesItsWorkspaceOnly(t *testing.T) {
	t1, t2 := redistest.Team(t), redistest.Team(t)
	ws := newWorkspaces(t, map[string]string{t1: "xoxb-one", t2: "xoxb-two"})
	ws.of[t1].command("U1REP", "/lead new Acme")
	ws.of[t1].command("U1REP", "/lead grade Acme A")
	ws.of[t2].command("U2REP", "/lead new Beta")
	ws.of[t2].command("U2REP", "/lead grade Beta A")
	ws.slack.OnCall(func(c fakeslack.Call) {
		if c.Method == "chat.postMessage" && c.Token == "xoxb-one" {
			ws.slack.FailNext("chat.postMessage", "token_revoked")
		}
	})
	later := now.Add(28 * 24 * time.Hour)
	ws.clock.Store(&later)
	for _, team := range []string{t1, t2} {
		_ = ws.sched.SweepTeam(context.Background(), team)
	}
	if reason, until, err := ws.of[t1].store.AuthPaused(t.Context(), t1); err != nil || reason != "token_revoked" || !until.After(later) {
		t.Errorf("workspace 1's sending not paused for its revoked token: %q %v %v", reason, until, err)
	}
	if reason, _, err := ws.of[t2].store.AuthPaused(t.Context(), t2); err != nil || reason != "" {
		t.Errorf("workspace 2 paused for workspace 1's token: %q %v", reason, err)
	}
	var sent []string
	for _, c := range ws.slack.Calls("chat.postMessage") {
		if c.Failed == "" {
			sent = append(sent, c.Token+" "+c.Param("channel"))
		}
	}
	if len(sent) == 0 || slices.ContainsFunc(sent, func(s string) bool { return s != "xoxb-two U2REP" }) {
		t.Errorf("messages sent: %v, want workspace 2's rep's alone", sent)
	}
}
