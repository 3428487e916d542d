package bot_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
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
)

func TestMain(m *testing.M) { redistest.Main(m) }

const secret = "e2e-signing-secret"

// Users of the tests' workspace.
const (
	manager = "U0MANAGER"
	rep     = "U0REP"
	other   = "U0OTHER"
)

// now is the tests' fixed clock: a Monday morning in Shanghai.
var now = time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)

// harness is the bot as Slack sees it: its HTTP server with a real store on
// a real redis-server, and a fake Slack Web API.
type harness struct {
	t     *testing.T
	team  string
	slack *fakeslack.Server
	store *store.Store
	bot   *httptest.Server
	h     *handlers.Handler
	sched *scheduler.Scheduler
	// trips counts the Redis round trips of the last request, until it was
	// answered.
	trips atomic.Pointer[redistest.Trips]
	// seq numbers what interact fills in, so each payload is a new one.
	seq atomic.Int64
}

// newHarness starts the bot on a fresh team; hooks, when given, are added
// to its Redis client (to fail a chosen call).
func newHarness(t *testing.T, hooks ...redis.Hook) *harness {
	t.Helper()
	return newHarnessGated(t, salesbot.GatesOff, hooks...)
}

// newHarnessGated is newHarness with the stage milestones binding reps as
// gates says (SALESBOT_GATES). The other tests move deals through stages
// to test other things, so newHarness leaves the milestones off; the
// gates' own tests use approve, serve's default.
func newHarnessGated(t *testing.T, gates salesbot.Gates, hooks ...redis.Hook) *harness {
	t.Helper()
	fs := fakeslack.New(t)
	for u, name := range map[string]string{manager: "Mia Manager", rep: "Ray Rep", other: "Olga Other"} {
		fs.SetUser(u, fakeslack.User{Name: name, TZ: "Asia/Shanghai"})
	}
	client := redistest.Client(t)
	client.AddHook(redistest.TripHook{})
	for _, hook := range hooks {
		client.AddHook(hook)
	}
	st := store.New(client, store.WithChangeTime()) // the tests' made-up clock places the activity
	api := slack.New("xoxb-test", slack.OptionAPIURL(fs.APIURL()))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	clock := func() time.Time { return now }
	people := directory.New(api, clock)
	team := redistest.Team(t) // the workspace the bot token belongs to
	svc := service.New(service.Config{Store: st, Logger: log, Managers: []string{manager}, Team: team, Gates: gates})
	h := handlers.New(st, api, handlers.Config{
		Now: clock, Logger: log, Directory: people,
		Digests: svc, Reports: svc, Teams: svc, Reminders: svc, Leads: svc,
		Stages: svc, Approvals: svc, Visits: svc, Stakeholders: svc,
		Deals: svc, Forecasts: svc, Reviews: svc, Quotes: svc, Negotiation: svc, Notify: svc, Maintenance: svc, Charts: chartsFor(t),
		Transfer: svc,
	})
	sched, err := scheduler.New(scheduler.Config{Store: st, Notifier: h, People: people, Digests: svc, Teams: svc, Reminders: svc, Reviews: svc, Now: clock, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	hs := &harness{t: t, team: team, slack: fs, store: st, h: h, sched: sched}
	server := bot.NewServer(h, bot.NewVerifier(secret, nil), st, bot.NewMetrics(), log).Dedupe(st)
	hs.bot = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, trips := redistest.CountTrips(r.Context())
		server.ServeHTTP(w, r.WithContext(ctx))
		trips.Stop()
		hs.trips.Store(trips)
	}))
	t.Cleanup(hs.bot.Close)
	t.Cleanup(h.Wait)
	return hs
}

// signedRequest builds a POST signed as Slack signs it, at time ts.
func signedRequest(t *testing.T, target, body string, ts time.Time) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	stamp := strconv.FormatInt(ts.Unix(), 10)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", stamp)
	req.Header.Set("X-Slack-Signature", bot.Sign([]byte(secret), stamp, []byte(body)))
	return req
}

func (h *harness) post(req *http.Request) (int, []byte) {
	h.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

func (h *harness) commandForm(user, line string) url.Values {
	name, text, _ := strings.Cut(line, " ")
	return url.Values{
		"team_id": {h.team}, "user_id": {user}, "channel_id": {"C0SALES"}, "command": {name}, "text": {text},
		"trigger_id": {"trigger-" + name}, "response_url": {h.slack.ResponseURL("cmd")},
	}
}

// command sends a signed slash command, as user, and returns the reply.
func (h *harness) command(user, line string) slack.Msg {
	h.t.Helper()
	status, body := h.post(signedRequest(h.t, h.bot.URL+"/slack/commands", h.commandForm(user, line).Encode(), time.Now()))
	if status != http.StatusOK {
		h.t.Fatalf("%s: status %d: %s", line, status, body)
	}
	var msg slack.Msg
	if len(body) > 0 {
		if err := json.Unmarshal(body, &msg); err != nil {
			h.t.Fatalf("%s: reply is not a message: %v: %s", line, err, body)
		}
	}
	return msg
}

// interact sends a signed interaction payload from the harness's team, with
// what Slack puts in every one filled in when the test left it out: a
// click's action_ts and trigger_id, a submitted form's view ID and hash. It
// returns status and body.
func (h *harness) interact(cb slack.InteractionCallback) (int, []byte) {
	h.t.Helper()
	cb.Team.ID = h.team
	n := strconv.FormatInt(h.seq.Add(1), 10)
	switch cb.Type {
	case slack.InteractionTypeBlockActions:
		if cb.TriggerID == "" {
			cb.TriggerID = "trigger-" + n
		}
		if len(cb.ActionCallback.BlockActions) > 0 && cb.ActionCallback.BlockActions[0].ActionTs == "" && cb.ActionTs == "" {
			cb.ActionCallback.BlockActions[0].ActionTs = "1700000001." + n
		}
	case slack.InteractionTypeViewSubmission:
		if cb.View.ID == "" {
			cb.View.ID, cb.View.Hash = "V0HARNESS"+n, "hash-"+n
		}
	}
	return h.interactAsIs(cb)
}

// interactAsIs sends a signed interaction payload as given, from the
// harness's team unless it names one.
func (h *harness) interactAsIs(cb slack.InteractionCallback) (int, []byte) {
	h.t.Helper()
	if cb.Team.ID == "" {
		cb.Team.ID = h.team
	}
	payload, err := json.Marshal(cb)
	if err != nil {
		h.t.Fatal(err)
	}
	form := url.Values{"payload": {string(payload)}}
	return h.post(signedRequest(h.t, h.bot.URL+"/slack/interactions", form.Encode(), time.Now()))
}

// click presses a button (or picks a menu option) as user.
func (h *harness) click(user, actionID, value string) {
	h.t.Helper()
	cb := slack.InteractionCallback{Type: slack.InteractionTypeBlockActions, User: slack.User{ID: user},
		Channel:   slack.Channel{GroupConversation: slack.GroupConversation{Conversation: slack.Conversation{ID: "C0SALES"}}},
		TriggerID: "trigger-click", ResponseURL: h.slack.ResponseURL(actionID)}
	cb.ActionCallback.BlockActions = []*slack.BlockAction{{ActionID: actionID, Value: value}}
	if status, body := h.interact(cb); status != http.StatusOK || len(body) != 0 {
		h.t.Fatalf("click %s: status %d body %s", actionID, status, body)
	}
	h.h.Wait()
}

// submitMeta submits a modal carrying the given private_metadata.
func (h *harness) submitMeta(user, callbackID, meta string, values map[string]slack.BlockAction) (int, []byte) {
	h.t.Helper()
	state := map[string]map[string]slack.BlockAction{}
	for block, v := range values {
		state[block] = map[string]slack.BlockAction{block: v}
	}
	cb := slack.InteractionCallback{Type: slack.InteractionTypeViewSubmission, User: slack.User{ID: user},
		View: slack.View{CallbackID: callbackID, PrivateMetadata: meta, State: &slack.ViewState{Values: state}}}
	status, body := h.interact(cb)
	h.h.Wait()
	return status, body
}

// submit submits a modal with the given values (block ID → value; a value
// for a select block is its option value).
func (h *harness) submit(user, callbackID string, values map[string]slack.BlockAction) (int, []byte) {
	h.t.Helper()
	state := map[string]map[string]slack.BlockAction{}
	for block, v := range values {
		state[block] = map[string]slack.BlockAction{block: v}
	}
	cb := slack.InteractionCallback{Type: slack.InteractionTypeViewSubmission, User: slack.User{ID: user},
		View: slack.View{CallbackID: callbackID, PrivateMetadata: `{"c":"C0SALES"}`, State: &slack.ViewState{Values: state}}}
	status, body := h.interact(cb)
	h.h.Wait()
	return status, body
}

// lead reads a lead back from Redis by company name.
func (h *harness) lead(company string) *salesbot.Lead {
	h.t.Helper()
	key := salesbot.NormalizeCompany(company)
	ids, err := h.store.LeadIDsByName(h.t.Context(), h.team, []string{key})
	if err != nil || ids[key] == "" {
		h.t.Fatalf("lead %q not stored (err %v)", company, err)
	}
	l, err := h.store.Lead(h.t.Context(), h.team, ids[key])
	if err != nil {
		h.t.Fatal(err)
	}
	return l
}

// text is everything a person reads in a message.
func text(msg slack.Msg) string {
	b, _ := json.Marshal(msg.Blocks)
	unescape := strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&")
	return msg.Text + "\n" + unescape.Replace(string(b))
}

func mustContain(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s: want %q in:\n%s", what, w, got)
		}
	}
}

func option(v string) slack.BlockAction {
	return slack.BlockAction{SelectedOption: slack.OptionBlockObject{Value: v}}
}

func value(v string) slack.BlockAction { return slack.BlockAction{Value: v} }
