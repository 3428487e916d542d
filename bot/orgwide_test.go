package bot_test

import (
	"context"
	"crypto/rand"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"salesbot/bot"
	"salesbot/directory"
	"salesbot/handlers"
	"salesbot/install"
	"salesbot/internal/fakeslack"
	"salesbot/internal/redistest"
	"salesbot/scheduler"
	"salesbot/service"
	"salesbot/store"
	"salesbot/workspace"
)

// orgBot is the bot as serve runs it with the OAuth install: the real
// registry over Redis behind the Router, the handlers, the scheduler and
// the transport's lifecycle events, for an Enterprise Grid organization
// with an org-wide install (token xoxb-org) and workspaces of its own.
type orgBot struct {
	reg   *install.Registry
	ring  *install.Keyring
	store *store.Store
	slack *fakeslack.Server
	sched *scheduler.Scheduler
	clock atomic.Pointer[time.Time]
	ent   string
	url   string
	// of is a harness per team, all on the one bot.
	of map[string]*harness
	// sent counts the org events posted: each happens a minute after the
	// one before (event_time).
	sent int64
}

func newOrgBot(t *testing.T, teams ...string) *orgBot {
	t.Helper()
	ob := &orgBot{ent: "E" + redistest.Team(t)[1:], of: map[string]*harness{}}
	ob.clock.Store(&now)
	clock := func() time.Time { return *ob.clock.Load() }
	fs := fakeslack.New(t)
	for _, u := range []string{manager, rep, "U1REP", "U2REP", "U3REP"} {
		fs.SetUser(u, fakeslack.User{Name: "Person " + u, TZ: "Asia/Shanghai"})
	}
	client := redistest.Client(t)
	st := store.New(client, store.WithChangeTime())
	key := make([]byte, install.KeySize)
	_, _ = rand.Read(key)
	ring, err := install.NewKeyring([][]byte{key})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	reg, err := install.New(install.Config{Store: st, Managers: st, Redis: client, Keys: ring, ClientID: "1.2", ClientSecret: "shh",
		PublicURL: "https://bot.example.com", APIURL: fs.APIURL(), Logger: log, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := ring.Seal("xoxb-org", ob.ent, "bot_token")
	if err != nil {
		t.Fatal(err)
	}
	org := workspace.Installation{Enterprise: ob.ent, OrgWide: true, BotToken: sealed, InstalledAt: now}
	if err := st.SaveInstallation(context.Background(), org); err != nil {
		t.Fatal(err)
	}
	api := workspace.NewRouter(workspace.RouterConfig{Tokens: reg, Options: []slack.Option{slack.OptionAPIURL(fs.APIURL())}})
	people := directory.New(api, clock)
	svc := service.New(service.Config{Store: st, Logger: log})
	h := handlers.New(st, api, handlers.Config{
		Now: clock, Logger: log, Directory: people,
		Digests: svc, Reports: svc, Teams: svc, Reminders: svc, Leads: svc,
		Stages: svc, Approvals: svc, Visits: svc, Stakeholders: svc,
		Deals: svc, Forecasts: svc, Reviews: svc, Quotes: svc, Negotiation: svc, Notify: svc, Maintenance: svc,
		Transfer: svc, Workspaces: reg, InstallURL: installURL,
	})
	sched, err := scheduler.New(scheduler.Config{Store: st, Notifier: h, People: people, Digests: svc, Teams: svc, Reminders: svc,
		Reviews: svc, Now: clock, Logger: log, Workspaces: reg})
	if err != nil {
		t.Fatal(err)
	}
	server := bot.NewServer(h, bot.NewVerifier(secret, nil), st, bot.NewMetrics(), log).Dedupe(st).Uninstaller(reg)
	srv := httptest.NewServer(server)
	t.Cleanup(srv.Close)
	t.Cleanup(h.Wait)
	ob.reg, ob.ring, ob.store, ob.slack, ob.sched, ob.url = reg, ring, st, fs, sched, srv.URL
	for _, team := range teams {
		ob.of[team] = &harness{t: t, team: team, slack: fs, store: st, h: h, sched: sched, bot: srv}
	}
	return ob
}

// orgEvent posts a signed Events API delivery of inner, as Slack sends an
// org-wide install's: the enterprise in the outer team_id and, unless
// viaAuthorizations, in enterprise_id too (else only in authorizations).
func (ob *orgBot) orgEvent(t *testing.T, id, inner string, viaAuthorizations bool) int {
	t.Helper()
	ob.sent++
	return ob.orgEventAt(t, id, inner, viaAuthorizations, 1700000000+60*ob.sent)
}

// orgEventAt posts an org event as orgEvent does, that happened at at
// (Unix seconds, its event_time).
func (ob *orgBot) orgEventAt(t *testing.T, id, inner string, viaAuthorizations bool, at int64) int {
	t.Helper()
	ent := `,"enterprise_id":"` + ob.ent + `"`
	if viaAuthorizations {
		ent = `,"authorizations":[{"enterprise_id":"` + ob.ent + `","team_id":null,"is_bot":true,"is_enterprise_install":true}]`
	}
	body := `{"type":"event_callback","team_id":"` + ob.ent + `"` + ent + `,"event_id":"` + id + `","event_time":` + strconv.FormatInt(at, 10) + `,"event":` + inner + `}`
	req := signedRequest(t, ob.url+"/slack/events", body, time.Now())
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// served reports whether the registry serves team, for the scheduler
// (the team alone) and for a request that names the enterprise, and fails
// the test when BotToken and Installed disagree.
func (ob *orgBot) served(t *testing.T, team, enterprise string) bool {
	t.Helper()
	ctx := context.Background()
	token, tokenErr := ob.reg.BotToken(ctx, team, enterprise)
	if tokenErr != nil && !errors.Is(tokenErr, workspace.ErrNotInstalled) {
		t.Fatal(tokenErr)
	}
	ok, err := ob.reg.Installed(ctx, team, enterprise)
	if err != nil {
		t.Fatal(err)
	}
	if ok != (tokenErr == nil) || (ok && token != "xoxb-org") {
		t.Fatalf("%s|%s: Installed %v but BotToken %q, %v", team, enterprise, ok, token, tokenErr)
	}
	return ok
}

// TestWorkspaceLeavesTheOrgWideInstall: an org admin adds the app to two
// workspaces of the organization (team_access_granted), which are served
// with the org's token and whose sweeps are woken at once; then removes it
// from one (team_access_revoked). That one is told salesbot is not
// installed, its sweep sends nothing, a late retry that names the
// enterprise does not bring it back, and its data is purged after the
// retention; the other keeps working all along, and the org-wide install
// stays. Added again, it is served again.
func TestWorkspaceLeavesTheOrgWideInstall(t *testing.T) {
	t1, t2 := redistest.Team(t), redistest.Team(t)
	ob := newOrgBot(t, t1, t2)
	a, b := ob.of[t1], ob.of[t2]
	ctx := context.Background()

	// Not yet added to either: a command that names no enterprise finds no
	// installation.
	mustContain(t, "before the grant", a.command("U1REP", "/lead new Acme").Text, "not installed in this workspace")

	if status := ob.orgEvent(t, "EvGRANT1", `{"type":"team_access_granted","team_ids":["`+t1+`","`+t2+`"]}`, true); status != http.StatusOK {
		t.Fatalf("team_access_granted answered %d", status)
	}
	for _, team := range []string{t1, t2} {
		if !ob.served(t, team, "") {
			t.Fatalf("%s not served after team_access_granted", team)
		}
		if at, ok, err := ob.store.WakeAt(ctx, team); err != nil || !ok || at.UnixMilli() > 0 {
			t.Errorf("%s's sweep after the grant is at %v (%v, %v), want due at once", team, at, ok, err)
		}
	}
	mustContain(t, "T1 lead", a.command("U1REP", "/lead new Acme Industrial").Text, "Acme Industrial")
	a.command("U1REP", "/lead grade Acme A board meets in January")
	mustContain(t, "T2 lead", b.command("U2REP", "/lead new Beta Logistics").Text, "Beta Logistics")
	b.command("U2REP", "/lead grade Beta A")

	revoke := `{"type":"team_access_revoked","team_ids":["` + t1 + `"]}`
	if status := ob.orgEvent(t, "EvREVOKE1", revoke, false); status != http.StatusOK {
		t.Fatalf("team_access_revoked answered %d", status)
	}
	revokedAt := 1700000000 + 60*ob.sent
	if ob.served(t, t1, "") || ob.served(t, t1, ob.ent) {
		t.Error("the removed workspace is still served")
	}
	if !ob.served(t, t2, "") || !ob.served(t, ob.ent, ob.ent) {
		t.Error("the organization's other workspace, or the org-wide install, is no longer served")
	}
	mustContain(t, "T1 after the removal", a.command("U1REP", "/lead show Acme").Text, "not installed in this workspace", "or was removed")
	mustContain(t, "T2 after the removal", b.command("U2REP", "/lead show Beta").Text, "Beta Logistics")

	// A retry of an event sent before the removal names the enterprise:
	// it is not served, and does not link the workspace again.
	start := len(ob.slack.Calls(""))
	retry := `{"type":"event_callback","team_id":"` + t1 + `","enterprise_id":"` + ob.ent +
		`","event_id":"EvOLDHOME","event_time":1700000000,"event":{"type":"app_home_opened","user":"U1REP","tab":"home","channel":"D1"}}`
	if status := a.event(retry, 1); status != http.StatusOK {
		t.Fatalf("the late retry answered %d", status)
	}
	a.h.Wait()
	if calls := ob.slack.Calls("")[start:]; len(calls) != 0 {
		t.Errorf("the late retry of the removed workspace called Slack: %v", calls)
	}
	if ob.served(t, t1, "") {
		t.Error("a late retry that named the enterprise linked the removed workspace again")
	}

	// Four weeks on both grade A leads are due: only the workspace still
	// in the org-wide install is reminded, with the org's token.
	later := now.Add(28 * 24 * time.Hour)
	ob.clock.Store(&later)
	start = len(ob.slack.Calls(""))
	for _, team := range []string{t1, t2} {
		if err := ob.sched.SweepTeam(ctx, team); err != nil {
			t.Fatal(err)
		}
	}
	a.h.Wait()
	var toT2 bool
	for _, c := range ob.slack.Calls("")[start:] {
		switch {
		case c.Token != "xoxb-org":
			t.Errorf("the sweep called %s with token %q", c.Method, c.Token)
		case strings.Contains(c.Text(), "Acme") || c.Param("channel") == "U1REP":
			t.Errorf("the sweep sent to the removed workspace: %s %s", c.Method, c.Text())
		case c.Method == "chat.postMessage" && c.Param("channel") == "U2REP" && strings.Contains(c.Text(), "Beta"):
			toT2 = true
		}
	}
	if !toT2 {
		t.Error("the sweep did not remind the workspace still in the org-wide install")
	}

	// After the retention the removed workspace's data is purged; the
	// other's and the org-wide install stay.
	// (The transport dates the removal by its event_time.)
	purged, err := ob.reg.PurgeExpired(ctx, time.Now().Add(install.DefaultRetention+time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	// (Other tests' uninstalled workspaces share the Redis.)
	if !slices.Contains(purged, t1) || slices.Contains(purged, t2) || slices.Contains(purged, ob.ent) {
		t.Errorf("purged %v, want %s and neither %s nor %s", purged, t1, t2, ob.ent)
	}
	if keys := teamKeys(t, t1); len(keys) != 0 {
		t.Errorf("the removed workspace's keys after the purge: %v", keys)
	}
	if names, err := ob.store.LeadNames(ctx, t2); err != nil || len(names) != 1 {
		t.Errorf("the other workspace's leads after the purge: %v %v", names, err)
	}
	if inst, err := ob.store.Installation(ctx, ob.ent); err != nil || !inst.Active() {
		t.Errorf("the org-wide install after the purge: %+v %v", inst, err)
	}

	// Added to the workspace again: served again.
	if status := ob.orgEvent(t, "EvGRANT2", `{"type":"team_access_granted","team_ids":["`+t1+`"]}`, false); status != http.StatusOK {
		t.Fatalf("team_access_granted answered %d", status)
	}
	mustContain(t, "T1 added again", a.command("U1REP", "/lead new Gamma").Text, "Gamma")

	// Slack delivers the removal again (a delivery of it that failed, say):
	// it happened before the workspace was added again, so it changes
	// nothing.
	if status := ob.orgEventAt(t, "EvREVOKE1-again", revoke, false, revokedAt); status != http.StatusOK {
		t.Fatalf("the removal delivered again answered %d", status)
	}
	if !ob.served(t, t1, "") {
		t.Error("a removal older than the workspace's return undid it")
	}
	mustContain(t, "T1 after the old removal again", a.command("U1REP", "/lead show Gamma").Text, "Gamma")
}

// TestOrgAccessEventsInSingleWorkspaceMode: with only SLACK_BOT_TOKEN (no
// registry), team_access_revoked and team_access_granted are acknowledged
// and change nothing.
func TestOrgAccessEventsInSingleWorkspaceMode(t *testing.T) {
	h := newHarness(t)
	for i, inner := range []string{`{"type":"team_access_revoked","team_ids":["` + h.team + `"]}`, `{"type":"team_access_granted","team_ids":["T0OTHER"]}`} {
		body := `{"type":"event_callback","team_id":"` + h.team + `","enterprise_id":"E0ORG","event_id":"EvSINGLE` + string(rune('0'+i)) + `","event":` + inner + `}`
		if status := h.event(body, 0); status != http.StatusOK {
			t.Errorf("%s answered %d", inner, status)
		}
	}
	mustContain(t, "single workspace", h.command(rep, "/lead new Acme").Text, "Acme")
}

// TestTeamAccessRevokedOverSocketMode: over Socket Mode too, a workspace
// removed from the org-wide install is no longer served once the event is
// acknowledged, and the organization's other workspace still is.
func TestTeamAccessRevokedOverSocketMode(t *testing.T) {
	t1, t2 := redistest.Team(t), redistest.Team(t)
	ob := newOrgBot(t, t1, t2)
	if err := ob.reg.GrantTeams(context.Background(), ob.ent, []string{t1, t2}, now); err != nil {
		t.Fatal(err)
	}
	fs := fakeslack.New(t)
	acks := make(chan map[string]any, 4)
	upgrader := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	fs.Socket = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer conn.Close()
		_ = conn.WriteJSON(map[string]any{"type": "hello", "num_connections": 1})
		_ = conn.WriteJSON(map[string]any{"type": "events_api", "envelope_id": "env-1", "payload": map[string]any{
			"type": "event_callback", "team_id": ob.ent, "enterprise_id": ob.ent, "event_id": "EvSOCKREVOKE",
			"event": map[string]any{"type": "team_access_revoked", "team_ids": []string{t1}},
		}})
		for {
			var ack map[string]any
			if err := conn.ReadJSON(&ack); err != nil {
				return
			}
			acks <- ack
		}
	})
	api := slack.New("xoxb-test", slack.OptionAPIURL(fs.APIURL()), slack.OptionAppLevelToken("xapp-test"))
	sm := bot.NewSocketMode(socketmode.New(api), &events{}, nil, slog.New(slog.NewTextHandler(io.Discard, nil))).Uninstaller(ob.reg)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- sm.Run(ctx) }()
	waitAck(t, acks)
	cancel()
	waitDone(t, done)
	if ob.served(t, t1, "") || ob.served(t, t1, ob.ent) {
		t.Error("still served after team_access_revoked over Socket Mode")
	}
	if !ob.served(t, t2, "") {
		t.Error("the organization's other workspace is no longer served")
	}
}
