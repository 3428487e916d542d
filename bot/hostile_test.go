package bot_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/bot"
	"salesbot/internal/fakeslack"
	"salesbot/store"
)

// These tests act as a hostile member of the workspace would: every request
// is signed as Slack signs it, and says what the member wants it to say.

// foreignCommand sends a signed slash command as if from another workspace.
func (h *harness) foreignCommand(team, user, line string) slack.Msg {
	h.t.Helper()
	form := h.commandForm(user, line)
	form.Set("team_id", team)
	status, body := h.post(signedRequest(h.t, h.bot.URL+"/slack/commands", form.Encode(), time.Now()))
	if status != http.StatusOK {
		h.t.Fatalf("%s: status %d: %s", line, status, body)
	}
	var msg slack.Msg
	if err := json.Unmarshal(body, &msg); err != nil {
		h.t.Fatalf("%s: reply is not a message: %v: %s", line, err, body)
	}
	return msg
}

// TestForeignWorkspaceRefused: a request whose team_id is not the workspace
// the bot token belongs to is refused and changes nothing, even from a user
// listed in SALESBOT_MANAGERS (a manager of the bot's own workspace).
func TestForeignWorkspaceRefused(t *testing.T) {
	h := newHarness(t)
	const foreign = "T0FOREIGN"
	for _, c := range []struct{ user, line string }{
		{manager, "/salesbot digest"},
		{manager, "/lead list all"},
		{rep, "/lead new Foreign Co"},
		{manager, "/salesbot managers add <@" + other + "|other>"},
	} {
		reply := h.foreignCommand(foreign, c.user, c.line)
		mustContain(t, c.line, reply.Text, "not installed in this workspace")
	}
	if names, err := h.store.LeadNames(t.Context(), foreign); err != nil || len(names) != 0 {
		t.Errorf("a foreign request wrote leads: %v %v", names, err)
	}
	if managers, err := h.store.Managers(t.Context(), foreign); err != nil || len(managers) != 0 {
		t.Errorf("a foreign request granted manager rights: %v %v", managers, err)
	}

	// A form submitted from there is refused under its input.
	sub := viewSubmission(rep, "lead_new", "V0FOREIGN", "h1", map[string]slack.BlockAction{"company": value("Foreign Co"), "grade": option("A")})
	sub.Team.ID = foreign
	status, body := h.interactAsIs(sub)
	if status != http.StatusOK || !strings.Contains(string(body), "not installed in this workspace") {
		t.Errorf("foreign form: %d %s", status, body)
	}
	// A click from there does nothing but say so.
	click := h.blockActions(manager, "approve", "A1", "1700000000.000900")
	click.Team.ID = foreign
	if status, _ := h.interactAsIs(click); status != http.StatusOK {
		t.Errorf("foreign click: %d", status)
	}
	h.h.Wait()
	said := h.slack.WaitFor(t, "response", 1)
	mustContain(t, "foreign click", said[0].Text(), "not installed in this workspace")
	if names, _ := h.store.LeadNames(t.Context(), foreign); len(names) != 0 {
		t.Errorf("a foreign form wrote leads: %v", names)
	}

	// Nor is an event from there handled: no Home tab is published.
	event := strings.Replace(h.homeOpened("Ev0FOREIGN", manager), `"team_id":"`+h.team+`"`, `"team_id":"`+foreign+`"`, 1)
	if status := h.event(event, 0); status != http.StatusOK {
		t.Errorf("foreign event: %d", status)
	}
	h.h.Wait()
	if published := h.slack.Calls("views.publish"); len(published) != 0 {
		t.Errorf("a foreign event published a Home tab: %s", published[0].Text())
	}

	// The bot's own workspace is served as before.
	mustContain(t, "own team", text(h.command(rep, "/lead new Home Co")), "your lead")
}

// TestClickWithoutActionTsAppliedOnce: a click that leaves out action_ts is
// de-duplicated on its trigger_id, which Slack makes for each click; one with
// neither is not applied at all.
func TestClickWithoutActionTsAppliedOnce(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Replay Co")
	l := h.lead("Replay Co")
	click := h.blockActions(rep, "grade_set", l.ID+"|A", "")
	click.ActionTs, click.ActionCallback.BlockActions[0].ActionTs = "", ""
	for range 2 {
		if status, _ := h.interactAsIs(click); status != http.StatusOK {
			t.Fatalf("click: %d", status)
		}
		h.h.Wait()
	}
	time.Sleep(100 * time.Millisecond) // a second reply would be on its way
	if got := len(h.slack.Calls("response")); got != 1 {
		t.Errorf("the same click without action_ts was applied %d times, want once", got)
	}

	bare := click
	bare.TriggerID = ""
	bare.ActionCallback.BlockActions = []*slack.BlockAction{{ActionID: "grade_set", Value: l.ID + "|D"}}
	if status, _ := h.interactAsIs(bare); status != http.StatusOK {
		t.Fatalf("bare click: %d", status)
	}
	h.h.Wait()
	said := h.slack.WaitFor(t, "response", 2)
	mustContain(t, "bare click", said[1].Text(), "did nothing")
	if got := h.lead("Replay Co"); got.Grade != "A" {
		t.Errorf("a click with neither action_ts nor trigger_id was applied: grade %s", got.Grade)
	}
}

// closedRedis is a go-redis client of an address where nothing listens: each
// command fails at the network, as against a Redis that is down.
func closedRedis(t *testing.T) redis.UniversalClient {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// TestClaimFailureNotApplied: when the de-duplication claim fails in Redis,
// a click and a form are not applied, and the user is told to try again.
func TestClaimFailureNotApplied(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Claim Co")
	l := h.lead("Claim Co")
	// The same bot, whose claims go to a Redis that does not answer.
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	broken := store.New(closedRedis(t))
	srv := httptest.NewServer(bot.NewServer(h.h, bot.NewVerifier(secret, nil), h.store, bot.NewMetrics(), log).Dedupe(broken))
	t.Cleanup(srv.Close)
	h.bot = srv

	if status, _ := h.interact(h.blockActions(rep, "grade_set", l.ID+"|A", "1700000000.000700")); status != http.StatusOK {
		t.Fatalf("click: %d", status)
	}
	h.h.Wait()
	said := h.slack.WaitFor(t, "response", 1)
	mustContain(t, "click", said[0].Text(), "try again")
	status, body := h.interact(viewSubmission(rep, "visit", "V0CLAIM", "h1", map[string]slack.BlockAction{"company": value("Claim Co"), "notes": value("met them")}))
	h.h.Wait()
	if status != http.StatusOK || !strings.Contains(string(body), "try again") {
		t.Errorf("form: %d %s", status, body)
	}
	if got := h.lead("Claim Co"); got.Grade != "C" || !got.LastTouch.IsZero() {
		t.Errorf("applied without a claim: grade %s, last touch %v", got.Grade, got.LastTouch)
	}
}

// actionValues reads, from a message's blocks as Slack received them, the
// value of each button and menu option by action_id (a menu's options all
// go under its action_id).
func actionValues(t *testing.T, blocksJSON string) map[string][]string {
	t.Helper()
	var blocks []map[string]any
	if err := json.Unmarshal([]byte(blocksJSON), &blocks); err != nil {
		t.Fatalf("blocks: %v: %s", err, blocksJSON)
	}
	values := map[string][]string{}
	var walk func(v any, action string)
	walk = func(v any, action string) {
		switch v := v.(type) {
		case map[string]any:
			if id, ok := v["action_id"].(string); ok {
				action = id
			}
			if val, ok := v["value"].(string); ok && action != "" {
				values[action] = append(values[action], val)
			}
			for _, child := range v {
				walk(child, action)
			}
		case []any:
			for _, child := range v {
				walk(child, action)
			}
		}
	}
	for _, b := range blocks {
		walk(b, "")
	}
	return values
}

// clickIn presses a button of a message in channel ts, as user.
func (h *harness) clickIn(user, channel, ts, actionID, value string) {
	h.t.Helper()
	cb := slack.InteractionCallback{Type: slack.InteractionTypeBlockActions, User: slack.User{ID: user},
		Channel:   slack.Channel{GroupConversation: slack.GroupConversation{Conversation: slack.Conversation{ID: channel}}},
		Container: slack.Container{Type: "message", ChannelID: channel, MessageTs: ts}, ResponseURL: h.slack.ResponseURL(actionID)}
	cb.ActionCallback.BlockActions = []*slack.BlockAction{{ActionID: actionID, Value: value}}
	if status, body := h.interact(cb); status != http.StatusOK || len(body) != 0 {
		h.t.Fatalf("click %s: status %d body %s", actionID, status, body)
	}
	h.h.Wait()
}

// remind sends owner the reminder about the named leads and returns the
// message Slack accepted.
func (h *harness) remind(owner string, companies ...string) fakeslack.Call {
	h.t.Helper()
	var leads []*salesbot.Lead
	for _, c := range companies {
		leads = append(leads, h.lead(c))
	}
	before := len(h.slack.Calls("chat.postMessage"))
	if err := h.h.Remind(h.t.Context(), h.team, owner, leads, false); err != nil {
		h.t.Fatal(err)
	}
	return h.slack.WaitFor(h.t, "chat.postMessage", before+1)[before]
}

// TestOthersReminderNotRewritten: a member who names someone else's
// reminder message, in a form's private_metadata or in a click's container,
// changes their own lead and not that message.
func TestOthersReminderNotRewritten(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Victim Co")
	h.command(other, "/lead new Mine Co")
	victim, mine := h.lead("Victim Co"), h.lead("Mine Co")
	msg := h.remind(rep, "Victim Co")
	channel, ts := msg.Channel, msg.TS

	// A visit form on their own lead, claiming to come from the victim's
	// reminder: about the victim's lead, then about their own.
	for _, lead := range []string{victim.ID, mine.ID} {
		meta := `{"c":"` + channel + `","m":"` + ts + `","l":"` + lead + `"}`
		if status, body := h.submitMeta(other, "visit", meta, map[string]slack.BlockAction{"company": value("Mine Co"), "notes": value("called")}); status != http.StatusOK || len(body) != 0 {
			t.Fatalf("form: %d %s", status, body)
		}
	}
	// Snoozing their own lead from the victim's reminder; a manager too.
	h.clickIn(other, channel, ts, "reminder_snooze", mine.ID+"|1")
	h.clickIn(manager, channel, ts, "reminder_snooze", victim.ID+"|7")
	time.Sleep(100 * time.Millisecond)
	if updates := h.slack.Calls("chat.update"); len(updates) != 0 {
		t.Fatalf("someone else's reminder was rewritten: %s", updates[0].Text())
	}
	if l := h.lead("Mine Co"); l.LastTouch.IsZero() {
		t.Error("the member's own visit was not logged")
	}

	// The reminder's own recipient still redraws it.
	h.clickIn(rep, channel, ts, "reminder_snooze", victim.ID+"|1")
	mustContain(t, "own reminder", h.slack.WaitFor(t, "chat.update", 1)[0].Text(), "Snoozed until", "<@"+rep+">")
}

// TestFormButtonsOnlyForOwnLeads: a bare lead ID in a visit_open,
// stance_open or reminder button's value opens no form with another rep's
// lead in it; the owner and managers get theirs.
func TestFormButtonsOnlyForOwnLeads(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Hidden Dynamics")
	l := h.lead("Hidden Dynamics")
	for _, action := range []string{"visit_open", "stance_open", "reminder_visit", "reminder_regrade"} {
		h.click(other, action, l.ID)
	}
	time.Sleep(100 * time.Millisecond)
	if opened := h.slack.Calls("views.open"); len(opened) != 0 {
		t.Fatalf("a form opened for another rep's lead: %s", opened[0].Text())
	}
	said := h.slack.WaitFor(t, "response", 4)
	for _, s := range said {
		mustContain(t, "refusal", s.Text(), "not yours")
		if strings.Contains(s.Text(), "Hidden Dynamics") || strings.Contains(s.Text(), rep) {
			t.Errorf("the refusal names the lead or its owner: %s", s.Text())
		}
	}
	// Buttons that act on the lead by ID refuse without naming it either.
	h.click(other, "map_open", l.ID)
	h.click(other, "grade_set", l.ID+"|A")
	for _, s := range h.slack.WaitFor(t, "response", 6)[4:] {
		mustContain(t, "refusal", s.Text(), "not yours")
		if strings.Contains(s.Text(), "Hidden Dynamics") || strings.Contains(s.Text(), rep) {
			t.Errorf("the refusal names the lead or its owner: %s", s.Text())
		}
	}
	h.click(rep, "visit_open", l.ID)
	h.click(manager, "stance_open", l.ID)
	opened := h.slack.WaitFor(t, "views.open", 2)
	mustContain(t, "owner's form", opened[0].Text(), `"initial_value":"Hidden Dynamics"`)
	mustContain(t, "manager's form", opened[1].Text(), `"callback_id":"stance"`, `"initial_value":"Hidden Dynamics"`)
}

// TestLeadRequestRefusalSaysWhat: a rep who presses a manager's Assign
// button is told that only managers decide who keeps a lead, not something
// about stage moves.
func TestLeadRequestRefusalSaysWhat(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Refusal Co")
	h.click(other, "lead_request", h.lead("Refusal Co").ID)
	id := leadRequestID.FindStringSubmatch(h.slack.WaitFor(t, "chat.postMessage", 1)[0].Text())[1]
	h.click(rep, "assign_to", id)
	said := h.slack.WaitFor(t, "response", 2)
	last := said[len(said)-1].Text()
	mustContain(t, "refusal", last, "who keeps a lead")
	if strings.Contains(last, "stage moves") {
		t.Errorf("the refusal speaks of stage moves: %s", last)
	}
}

// plainText matches a plain_text object in blocks' JSON.
var plainText = regexp.MustCompile(`"type":"plain_text","text":"(?:[^"\\]|\\.)*"`)

// TestHostileCompanyNameEscaped: a company named to ping everyone, or
// someone, reaches no one unescaped: not in the reminder's text or blocks,
// not in the managers' request and its edited copy, not in an error.
func TestHostileCompanyNameEscaped(t *testing.T) {
	h := newHarness(t)
	const evil = "<!channel> Evil <@U0EVIL> & Co"
	if status, body := h.submit(rep, "lead_new", map[string]slack.BlockAction{"company": value(evil), "grade": option("B")}); status != http.StatusOK || len(body) != 0 {
		t.Fatalf("register: %d %s", status, body)
	}
	l := h.lead(evil)
	h.remind(rep, evil)
	h.click(other, "lead_request", l.ID)
	id := leadRequestID.FindStringSubmatch(h.slack.WaitFor(t, "chat.postMessage", 2)[1].Text())[1]
	h.click(manager, "keep", id)
	h.slack.WaitFor(t, "chat.update", 1)
	h.command(rep, `/lead stage "`+strings.ReplaceAll(evil, "<", "&lt;")+`" discovery`) // a domain error naming it
	reply := h.command(rep, "/lead show Evil")
	sent := []string{text(reply)}

	unescape := strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&")
	for _, c := range h.slack.Calls("") {
		if c.Method == "views.open" || c.Method == "users.info" {
			continue // plain-text inputs take the name as it is
		}
		sent = append(sent, c.Method+": "+unescape.Replace(c.Param("text")+"\n"+c.Param("blocks")))
	}
	seen := 0
	for _, s := range sent {
		s = plainText.ReplaceAllString(s, "") // not mrkdwn: Slack shows it as typed
		for _, raw := range []string{"<!channel>", "<@U0EVIL>"} {
			if strings.Contains(s, raw) {
				t.Errorf("%q reached someone unescaped:\n%s", raw, s)
			}
		}
		if strings.Contains(s, "&lt;!channel&gt; Evil &lt;@U0EVIL&gt; &amp; Co") {
			seen++
		}
	}
	if seen < 5 {
		t.Errorf("the escaped name was shown %d times; want it in the card, the reminder, the request, its copy and the rep's news:\n%s", seen, strings.Join(sent, "\n---\n"))
	}
}

// TestPartialNameRevealsNoOthersLead: a word that is part of another rep's
// company is answered as if nothing matched: the rep does not learn the
// company or its owner (salesbot.SightOf). The whole name still says who
// owns it, so they can ask a manager.
func TestPartialNameRevealsNoOthersLead(t *testing.T) {
	h := newHarness(t)
	h.command(rep, `/lead new "Umbrella Pharmaceuticals"`)
	for _, line := range []string{"/lead show Umbrel", "/visit Umbrel met them", "/lead map Umbrel", "/lead grade Umbrel A"} {
		reply := text(h.command(other, line))
		if strings.Contains(reply, "Pharmaceuticals") || strings.Contains(reply, rep) {
			t.Errorf("%s: another rep's lead revealed: %s", line, reply)
		}
	}
	mustContain(t, "whole name", text(h.command(other, `/lead show "Umbrella Pharmaceuticals"`)), "<@"+rep+">")
	mustContain(t, "owner", text(h.command(rep, "/lead show Umbrel")), "Umbrella Pharmaceuticals", "lead card")
}
