package bot_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/slack-go/slack"

	"salesbot/bot"
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


