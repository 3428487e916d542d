package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"salesbot"
	"salesbot/bot"
	"salesbot/directory"
	"salesbot/handlers"
	"salesbot/internal/fakeslack"
	"salesbot/internal/redistest"
	"salesbot/service"
	"salesbot/store"
)

// homeOpened is an app_home_opened delivery of the harness's team.
func (h *harness) homeOpened(eventID, user string) string {
	return `{"type":"event_callback","team_id":"` + h.team + `","event_id":"` + eventID +
		`","event_time":1700000000,"event":{"type":"app_home_opened","user":"` + user + `","tab":"home","channel":"D1"}}`
}

// event posts a signed Events API delivery; retry > 0 marks it as Slack's
// retry number retry.
func (h *harness) event(body string, retry int) int {
	h.t.Helper()
	req := signedRequest(h.t, h.bot.URL+"/slack/events", body, time.Now())
	req.Header.Set("Content-Type", "application/json")
	if retry > 0 {
		req.Header.Set("X-Slack-Retry-Num", strconv.Itoa(retry))
		req.Header.Set("X-Slack-Retry-Reason", "http_timeout")
	}
	status, _ := h.post(req)
	return status
}

// blockActions is a click on a button as Slack sends it, with its
// action_ts.
func (h *harness) blockActions(user, actionID, value, ts string) slack.InteractionCallback {
	cb := slack.InteractionCallback{Type: slack.InteractionTypeBlockActions, User: slack.User{ID: user},
		Channel:   slack.Channel{GroupConversation: slack.GroupConversation{Conversation: slack.Conversation{ID: "C0SALES"}}},
		TriggerID: "trigger-" + ts, ResponseURL: h.slack.ResponseURL(actionID), ActionTs: ts}
	cb.ActionCallback.BlockActions = []*slack.BlockAction{{ActionID: actionID, BlockID: "b1", Value: value, ActionTs: ts}}
	return cb
}

// viewSubmission is a modal's submission as Slack sends it, with the view's
// id and hash.
func viewSubmission(user, callbackID, viewID, hash string, values map[string]slack.BlockAction) slack.InteractionCallback {
	state := map[string]map[string]slack.BlockAction{}
	for block, v := range values {
		state[block] = map[string]slack.BlockAction{block: v}
	}
	return slack.InteractionCallback{Type: slack.InteractionTypeViewSubmission, User: slack.User{ID: user},
		View: slack.View{ID: viewID, Hash: hash, CallbackID: callbackID, PrivateMetadata: `{"c":"C0SALES"}`,
			State: &slack.ViewState{Values: state}}}
}

// TestEventRetryHandledOnce delivers one app_home_opened event and then
// Slack's retry of it: the home tab is published once.
func TestEventRetryHandledOnce(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Cyberdyne")
	if status := h.event(h.homeOpened("Ev0RETRY", rep), 0); status != http.StatusOK {
		t.Fatalf("event: %d", status)
	}
	h.h.Wait()
	h.slack.WaitFor(t, "views.publish", 1)
	// The retry is acknowledged, and so is another retry of it.
	for retry := 1; retry <= 2; retry++ {
		if status := h.event(h.homeOpened("Ev0RETRY", rep), retry); status != http.StatusOK {
			t.Fatalf("retry %d: %d", retry, status)
		}
	}
	h.h.Wait()
	if n := len(h.slack.Calls("views.publish")); n != 1 {
		t.Fatalf("views.publish called %d times, want 1", n)
	}
	resp, err := http.Get(h.bot.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(metrics), "salesbot_requests_duplicate_total 2") {
		t.Errorf("the two retries are not counted as duplicates in /metrics")
	}
	// Another event (a new event_id) is handled.
	if status := h.event(h.homeOpened("Ev0OTHER", rep), 0); status != http.StatusOK {
		t.Fatalf("event: %d", status)
	}
	h.h.Wait()
	h.slack.WaitFor(t, "views.publish", 2)
}

// TestReplayedClickAppliedOnce posts the same block_actions payload (the
// new-lead reply's grade button) twice: the grade and the history change
// once, and the click is answered once.
func TestReplayedClickAppliedOnce(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Initrode")
	l := h.lead("Initrode")
	before, err := h.store.History(t.Context(), h.team, l.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	click := h.blockActions(rep, "grade_button", l.ID+"|A", "1700000000.000100")
	for i := range 2 {
		if status, body := h.interact(click); status != http.StatusOK || len(body) != 0 {
			t.Fatalf("delivery %d: status %d body %s", i, status, body)
		}
		h.h.Wait()
	}
	if got := h.lead("Initrode").Grade; got != salesbot.GradeA {
		t.Fatalf("grade %s, want A", got)
	}
	after, err := h.store.History(t.Context(), h.team, l.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before)+1 {
		t.Fatalf("history grew by %d, want 1: %+v", len(after)-len(before), after)
	}
	if n := len(h.slack.Calls("response")); n != 1 {
		t.Fatalf("the click was answered %d times, want 1", n)
	}

	// A new click on the same button (a new action_ts) is applied.
	if status, _ := h.interact(h.blockActions(rep, "grade_button", l.ID+"|B", "1700000001.000200")); status != http.StatusOK {
		t.Fatalf("second click: %d", status)
	}
	h.h.Wait()
	if got := h.lead("Initrode").Grade; got != salesbot.GradeB {
		t.Fatalf("after a new click grade %s, want B", got)
	}
}

// TestReplayedSubmissionLogsOneVisit posts the same view_submission twice:
// one visit is logged, and the replay is answered with an empty 200 (which
// closes the modal, as the first answer did).
func TestReplayedSubmissionLogsOneVisit(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Hooli")
	sub := viewSubmission(rep, "visit", "V0VISIT", "1700000000.abc", map[string]slack.BlockAction{
		"company": value("Hooli"), "kind": option("call"), "notes": value("talked to IT"),
	})
	for i := range 2 {
		if status, body := h.interact(sub); status != http.StatusOK || len(body) != 0 {
			t.Fatalf("delivery %d: status %d body %s", i, status, body)
		}
		h.h.Wait()
	}
	visits, err := h.store.Visits(t.Context(), h.team, h.lead("Hooli").ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(visits) != 1 {
		t.Fatalf("%d visits logged, want 1: %+v", len(visits), visits)
	}
	if n := len(h.slack.Calls("chat.postEphemeral")); n != 1 {
		t.Errorf("confirmed %d times, want 1", n)
	}
}

// TestCorrectedSubmissionAccepted submits a modal with a field error, then
// the corrected form: it is accepted, whether Slack sends the same view hash
// or a new one, and a replay of the accepted one is not applied again.
func TestCorrectedSubmissionAccepted(t *testing.T) {
	for _, c := range []struct{ name, firstHash, fixedHash string }{
		{"new hash", "h1", "h2"},
		{"same hash", "h1", "h1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			h.command(rep, "/lead new Hooli")
			bad := viewSubmission(rep, "visit", "V0FORM", c.firstHash, map[string]slack.BlockAction{
				"company": value("Hooli"), "date": {SelectedDate: "2026-12-24"}, "notes": value("demo"),
			})
			// The refusal is repeated for a replay of the bad submission.
			for i := range 2 {
				status, body := h.interact(bad)
				h.h.Wait()
				var resp slack.ViewSubmissionResponse
				if status != http.StatusOK || json.Unmarshal(body, &resp) != nil || resp.ResponseAction != slack.RAErrors || resp.Errors["date"] == "" {
					t.Fatalf("bad submission %d: status %d body %s", i, status, body)
				}
			}
			fixed := viewSubmission(rep, "visit", "V0FORM", c.fixedHash, map[string]slack.BlockAction{
				"company": value("Hooli"), "date": {SelectedDate: "2026-11-20"}, "notes": value("demo"),
			})
			for i := range 2 {
				status, body := h.interact(fixed)
				h.h.Wait()
				if status != http.StatusOK || len(body) != 0 {
					t.Fatalf("corrected submission %d: status %d body %s", i, status, body)
				}
			}
			visits, err := h.store.Visits(t.Context(), h.team, h.lead("Hooli").ID, 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(visits) != 1 || visits[0].Notes != "demo" {
				t.Fatalf("visits %+v, want the corrected one once", visits)
			}
		})
	}
}

// socketEnvelopes runs Socket Mode for the harness's handler, deduplicating
// in its store, against the fake Slack, which says hello and delivers the
// envelopes in order. It returns the acknowledgements read back and stops
// Socket Mode when the test ends.
func socketEnvelopes(t *testing.T, h *harness, envelopes ...map[string]any) (<-chan map[string]any, func()) {
	t.Helper()
	acks := make(chan map[string]any, len(envelopes)+4)
	upgrader := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	h.slack.Socket = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer conn.Close()
		_ = conn.WriteJSON(map[string]any{"type": "hello", "num_connections": 1})
		for _, e := range envelopes {
			_ = conn.WriteJSON(e)
		}
		for {
			var ack map[string]any
			if err := conn.ReadJSON(&ack); err != nil {
				return
			}
			acks <- ack
		}
	})
	api := slack.New("xoxb-test", slack.OptionAPIURL(h.slack.APIURL()), slack.OptionAppLevelToken("xapp-test"))
	sm := bot.NewSocketMode(socketmode.New(api), h.h, nil, slog.New(slog.NewTextHandler(io.Discard, nil))).Dedupe(h.store)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- sm.Run(ctx) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			waitDone(t, done)
		})
	}
	t.Cleanup(stop)
	return acks, stop
}

func waitAcks(t *testing.T, acks <-chan map[string]any, n int) {
	t.Helper()
	for i := range n {
		select {
		case <-acks:
		case <-time.After(10 * time.Second):
			t.Fatalf("%d of %d acknowledgements over Socket Mode", i, n)
		}
	}
}

// TestSocketModeDedupe delivers an event and Slack's retry of it, and a
// click twice, over Socket Mode: each is acknowledged, and applied once.
func TestSocketModeDedupe(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Soylent")
	l := h.lead("Soylent")
	var ev map[string]any
	if err := json.Unmarshal([]byte(h.homeOpened("Ev0SOCKET", rep)), &ev); err != nil {
		t.Fatal(err)
	}
	click := h.blockActions(rep, "grade_button", l.ID+"|A", "1700000000.000300")
	click.Team.ID = h.team
	acks, stop := socketEnvelopes(t, h,
		map[string]any{"type": "events_api", "envelope_id": "env-1", "payload": ev, "retry_attempt": 0},
		map[string]any{"type": "events_api", "envelope_id": "env-2", "payload": ev, "retry_attempt": 1, "retry_reason": "timeout"},
		map[string]any{"type": "interactive", "envelope_id": "env-3", "payload": click, "accepts_response_payload": false},
		map[string]any{"type": "interactive", "envelope_id": "env-4", "payload": click, "accepts_response_payload": false},
	)
	waitAcks(t, acks, 4)
	stop() // every request has been handled when Run returns
	h.h.Wait()
	if n := len(h.slack.Calls("views.publish")); n != 1 {
		t.Errorf("views.publish called %d times, want 1", n)
	}
	if n := len(h.slack.Calls("response")); n != 1 {
		t.Errorf("the click was answered %d times, want 1", n)
	}
	if got := h.lead("Soylent").Grade; got != salesbot.GradeA {
		t.Errorf("grade %s, want A", got)
	}
}

// teamData is the harness team's data in Redis, key → DUMP of its value,
// leaving out the dedupe claims (which expire by themselves).
func teamData(t *testing.T, h *harness) map[string]string {
	t.Helper()
	c := redistest.Client(t)
	keys, err := c.Keys(t.Context(), "sb:{"+h.team+"}:*").Result()
	if err != nil {
		t.Fatal(err)
	}
	data := map[string]string{}
	for _, k := range keys {
		if strings.HasPrefix(k, "sb:{"+h.team+"}:once:") {
			continue
		}
		if data[k], err = c.Dump(t.Context(), k).Result(); err != nil {
			t.Fatalf("DUMP %s: %v", k, err)
		}
	}
	return data
}

// TestUnknownAndMalformedRequests sends what the bot has no handler for and
// what is not well formed: each is answered, with 200 and a polite word or an
// empty acknowledgement, or 400 for a body that cannot be read, and nothing
// is written.
func TestUnknownAndMalformedRequests(t *testing.T) {
	h := newHarness(t)
	post := func(path, contentType, body string) (int, []byte) {
		t.Helper()
		req := signedRequest(t, h.bot.URL+path, body, time.Now())
		req.Header.Set("Content-Type", contentType)
		status, reply := h.post(req)
		h.h.Wait()
		return status, reply
	}
	form := "application/x-www-form-urlencoded"
	h.command(rep, "/lead new Hooli")
	l := h.lead("Hooli")
	h.h.Wait()
	before := teamData(t, h)
	if len(before) == 0 {
		t.Fatal("no team data to compare with")
	}

	// An unknown slash command gets a polite reply.
	msg := h.command(rep, "/nosuchcommand do things")
	mustContain(t, "unknown command", msg.Text, "I don't know the command", "/nosuchcommand")
	if msg.ResponseType != slack.ResponseTypeEphemeral {
		t.Errorf("unknown command reply type %q", msg.ResponseType)
	}

	// An unknown form: acknowledged with an empty body or field errors,
	// never a body that would break the modal.
	for _, company := range []string{"Hooli", "Nobody Inc", ""} {
		status, body := h.interact(viewSubmission(rep, "no_such_form", "V0UNKNOWN"+company, "h1", map[string]slack.BlockAction{"company": value(company)}))
		h.h.Wait()
		var resp slack.ViewSubmissionResponse
		if status != http.StatusOK || json.Unmarshal(body, &resp) != nil || resp.ResponseAction != slack.RAErrors || resp.Errors["company"] == "" {
			t.Errorf("unknown callback_id, company %q: status %d body %s, want an error under the company input", company, status, body)
		}
	}

	// An unknown button: an empty acknowledgement, and a polite word through
	// the response_url.
	if status, body := h.interact(h.blockActions(rep, "no_such_action", l.ID+"|A", "1700000000.000400")); status != http.StatusOK || len(body) != 0 {
		t.Errorf("unknown action_id: status %d body %s", status, body)
	}
	h.h.Wait()
	if calls := h.slack.Calls("response"); len(calls) != 1 || !strings.Contains(strings.ToLower(calls[0].Param("text")), "run the command again") ||
		calls[0].Param("response_type") != "ephemeral" {
		t.Errorf("unknown action_id answered %v, want one ephemeral reply saying to run the command again", calls)
	}
	// A button without a value, and a click with no action at all.
	if status, _ := h.interact(h.blockActions(rep, "grade_button", "", "1700000000.000500")); status != http.StatusOK {
		t.Errorf("grade button without a value: status %d", status)
	}
	if status, _ := h.interact(slack.InteractionCallback{Type: slack.InteractionTypeBlockActions, User: slack.User{ID: rep}}); status != http.StatusOK {
		t.Errorf("block_actions without actions: status %d", status)
	}
	// An interaction type the bot does not handle.
	if status, _ := h.interact(slack.InteractionCallback{Type: "no_such_type", User: slack.User{ID: rep}}); status != http.StatusOK {
		t.Errorf("unknown interaction type: status %d", status)
	}
	h.h.Wait()

	// Bodies that cannot be read are refused with 400.
	for _, c := range []struct{ name, path, contentType, body string }{
		{"payload not JSON", "/slack/interactions", form, url.Values{"payload": {"{not json"}}.Encode()},
		{"payload JSON of the wrong shape", "/slack/interactions", form, url.Values{"payload": {`{"type":42}`}}.Encode()},
		{"no payload", "/slack/interactions", form, "foo=bar"},
		{"interaction body not a form", "/slack/interactions", form, "payload=%zz"},
		{"command body not a form", "/slack/commands", form, "command=%zz"},
		{"event not JSON", "/slack/events", "application/json", "{not json"},
	} {
		if status, reply := post(c.path, c.contentType, c.body); status != http.StatusBadRequest {
			t.Errorf("%s: status %d body %s, want 400", c.name, status, reply)
		}
	}
	// A well-formed event of a type the bot does not know is acknowledged,
	// or Slack would retry it.
	if status, reply := post("/slack/events", "application/json",
		`{"type":"event_callback","team_id":"`+h.team+`","event_id":"Ev0UNKNOWN","event":{"type":"no_such_event","user":"`+rep+`"}}`); status != http.StatusOK {
		t.Errorf("unknown event type: status %d body %s", status, reply)
	}

	after := teamData(t, h)
	if len(after) != len(before) {
		t.Errorf("keys before %d, after %d", len(before), len(after))
	}
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s changed", k)
		}
	}
	for _, m := range []string{"views.publish", "views.open", "chat.postMessage", "chat.postEphemeral"} {
		if n := len(h.slack.Calls(m)); n != 0 {
			t.Errorf("%s called %d times", m, n)
		}
	}
}

// newHarnessOn is a harness (without digests, reports or a scheduler) whose
// store is on the Redis at redisURL, through a client configured as the
// bot's own (store.NewClient: its timeouts fit Slack's 3 seconds).
func newHarnessOn(t *testing.T, redisURL string) *harness {
	t.Helper()
	return newHarnessLogging(t, redisURL, io.Discard)
}

// newHarnessLogging is newHarnessOn with the bot's logs written to logs.
func newHarnessLogging(t *testing.T, redisURL string, logs io.Writer) *harness {
	t.Helper()
	fs := fakeslack.New(t)
	for u, name := range map[string]string{manager: "Mia Manager", rep: "Ray Rep", other: "Olga Other"} {
		fs.SetUser(u, fakeslack.User{Name: name, TZ: "Asia/Shanghai"})
	}
	client, err := store.NewClient(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })
	st := store.New(client)
	api := slack.New("xoxb-test", slack.OptionAPIURL(fs.APIURL()))
	log := slog.New(slog.NewTextHandler(logs, nil))
	clock := func() time.Time { return now }
	svc := service.New(service.Config{Store: st, Logger: log, Managers: []string{manager}})
	h := handlers.New(st, api, handlers.Config{Now: clock, Logger: log, Directory: directory.New(api, clock), Digests: svc, Reports: svc, Teams: svc, Reminders: svc})
	srv := httptest.NewServer(bot.NewServer(h, bot.NewVerifier(secret, nil), st, bot.NewMetrics(), log).Dedupe(st))
	t.Cleanup(srv.Close)
	t.Cleanup(h.Wait)
	return &harness{t: t, team: redistest.Team(t), slack: fs, store: st, bot: srv, h: h}
}

func readyz(t *testing.T, h *harness) int {
	t.Helper()
	resp, err := http.Get(h.bot.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestRedisRestartMidTraffic kills the bot's Redis (AOF on, fsync always)
// while commands keep coming, and starts it again: during the outage
// commands get the polite "try again" reply and /readyz is 503; afterwards
// /readyz is 200 again within a bounded wait, every lead acknowledged before
// or during the outage is there, and the same bot serves new commands.
func TestRedisRestartMidTraffic(t *testing.T) {
	rd := redistest.NewDurable(t)
	h := newHarnessOn(t, rd.URL)

	const before = 10
	for i := range before {
		mustContain(t, "before the outage", text(h.command(rep, fmt.Sprintf("/lead new Before %d", i))), "your lead")
	}
	if status := readyz(t, h); status != http.StatusOK {
		t.Fatalf("readyz before the outage: %d", status)
	}

	// Traffic: new leads, one after another, until told to stop. A lead
	// whose creation was acknowledged must survive; one that got the
	// polite reply may or may not exist.
	var (
		mu             sync.Mutex
		acked          []string
		polite, others int
	)
	stopTraffic := make(chan struct{})
	trafficDone := make(chan struct{})
	var stopOnce sync.Once
	halt := func() { stopOnce.Do(func() { close(stopTraffic); <-trafficDone }) }
	defer halt() // also when the test fails half way: no t.Errorf after it ends
	go func() {
		defer close(trafficDone)
		for i := 0; ; i++ {
			select {
			case <-stopTraffic:
				return
			default:
			}
			name := fmt.Sprintf("Traffic %d", i)
			req := signedRequest(t, h.bot.URL+"/slack/commands", h.commandForm(rep, "/lead new "+name).Encode(), time.Now())
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Errorf("%s: %v", name, err)
				return
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			mu.Lock()
			switch {
			case resp.StatusCode != http.StatusOK:
				t.Errorf("%s: status %d: %s", name, resp.StatusCode, body)
				others++
			case strings.Contains(string(body), "your lead"):
				acked = append(acked, name)
			case strings.Contains(string(body), "try again in a moment"):
				polite++
			default:
				t.Errorf("%s: unexpected reply %s", name, body)
				others++
			}
			mu.Unlock()
			time.Sleep(5 * time.Millisecond)
		}
	}()
	time.Sleep(200 * time.Millisecond)

	rd.Stop()
	msg := h.command(rep, "/lead show Before 1")
	mustContain(t, "during the outage", msg.Text, "try again in a moment")
	if status := readyz(t, h); status != http.StatusServiceUnavailable {
		t.Errorf("readyz during the outage: %d, want 503", status)
	}
	time.Sleep(300 * time.Millisecond)

	rd.Start()
	deadline := time.Now().Add(10 * time.Second)
	for readyz(t, h) != http.StatusOK {
		if time.Now().After(deadline) {
			t.Fatal("readyz not 200 within 10s of Redis coming back")
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // traffic after the restart
	halt()

	mu.Lock()
	defer mu.Unlock()
	if polite == 0 {
		t.Error("no command during the outage got the polite reply")
	}
	if len(acked) == 0 {
		t.Error("no command was acknowledged during the traffic")
	}
	t.Logf("traffic: %d acknowledged, %d polite, %d other", len(acked), polite, others)
	for i := range before {
		h.lead(fmt.Sprintf("Before %d", i))
	}
	for _, name := range acked {
		h.lead(name)
	}
	mustContain(t, "after the restart", text(h.command(rep, "/lead show Before 3")), "Before 3")
	mustContain(t, "after the restart", text(h.command(rep, "/lead new After")), "your lead")
	h.lead("After")
}
