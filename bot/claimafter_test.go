package bot_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"salesbot/internal/redistest"
	"salesbot/workspace"
)

// TestInteractionBeforeTheInstallIsNotClaimed: a click from a workspace
// with no installation is refused, and leaves no de-duplication claim;
// once the workspace installs the app, Slack's retry of the same delivery
// is handled, not swallowed as a duplicate. A click from an installed
// workspace is still claimed: its replay is ignored.
func TestInteractionBeforeTheInstallIsNotClaimed(t *testing.T) {
	team := redistest.Team(t)
	ob := newOrgBot(t, team)
	h := ob.of[team]
	ctx := context.Background()
	cb := slack.InteractionCallback{Type: slack.InteractionTypeBlockActions, User: slack.User{ID: "U3REP"}, ResponseURL: ob.slack.ResponseURL("click")}
	cb.ActionCallback.BlockActions = []*slack.BlockAction{{ActionID: "grade_set", Value: "LNOSUCH|A", ActionTs: "1700000001.5"}}
	responses := func() []string {
		h.h.Wait()
		var out []string
		for _, c := range ob.slack.Calls("response") {
			out = append(out, c.Text())
		}
		return out
	}

	if status, _ := h.interactAsIs(cb); status != http.StatusOK {
		t.Fatalf("click before the install: %d", status)
	}
	if said := responses(); len(said) != 1 || !strings.Contains(said[0], "not installed in this workspace") {
		t.Fatalf("the click before the install was told %q", said)
	}
	for _, k := range teamKeys(t, team) {
		t.Errorf("a click before the install left %s", k)
	}

	sealed, err := ob.ring.Seal("xoxb-own", team, "bot_token")
	if err != nil {
		t.Fatal(err)
	}
	if err := ob.store.SaveInstallation(ctx, workspace.Installation{Team: team, BotToken: sealed, InstalledAt: now}); err != nil {
		t.Fatal(err)
	}
	if status, _ := h.interactAsIs(cb); status != http.StatusOK {
		t.Fatalf("the retry after the install: %d", status)
	}
	said := responses()
	if len(said) != 2 {
		t.Fatalf("the retry after the install was swallowed: responses %q", said)
	}
	if strings.Contains(said[1], "not installed") {
		t.Errorf("the retry after the install was refused: %q", said[1])
	}
	if status, _ := h.interactAsIs(cb); status != http.StatusOK {
		t.Fatalf("the replay: %d", status)
	}
	if said := responses(); len(said) != 2 {
		t.Errorf("the replay of a click from an installed workspace was handled again: %q", said)
	}
}
