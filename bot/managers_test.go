package bot_test

import (
	"strings"
	"testing"

	"salesbot/internal/fakeslack"
)

// TestManagersRemove: manager rights granted from Slack can be withdrawn by
// a manager or a workspace admin, not by a rep; both changes are kept in the
// team's audit list; a manager set in SALESBOT_MANAGERS cannot be removed
// from Slack, and the reply says so.
func TestManagersRemove(t *testing.T) {
	h := newHarness(t)
	const admin = "U0ADMIN"
	h.slack.SetUser(admin, fakeslack.User{Name: "Ada Admin", TZ: "Asia/Shanghai", Admin: true})
	mention := func(u string) string { return "<@" + u + "|" + u + ">" }

	mustContain(t, "help", text(h.command(rep, "/salesbot help")), "managers remove @user")
	mustContain(t, "add", text(h.command(manager, "/salesbot managers add "+mention(other))), "granted to <@"+other+">")
	mustContain(t, "now a manager", text(h.command(other, "/lead list all")), "Team pipeline")

	// A rep cannot withdraw rights.
	mustContain(t, "rep", h.command(rep, "/salesbot managers remove "+mention(other)).Text, ":no_entry:", "withdraw manager rights")
	if ok, _ := h.store.IsManager(t.Context(), h.team, other); !ok {
		t.Fatal("a rep withdrew manager rights")
	}
	// The environment's manager stays, and the reply says why.
	mustContain(t, "env manager", h.command(admin, "/salesbot managers remove "+mention(manager)).Text, "SALESBOT_MANAGERS", "cannot be removed from Slack")
	mustContain(t, "env manager stays", text(h.command(manager, "/lead list all")), "Team pipeline")

	// A workspace admin withdraws them.
	mustContain(t, "remove", h.command(admin, "/salesbot managers remove "+mention(other)).Text, "withdrawn from <@"+other+">")
	if ok, _ := h.store.IsManager(t.Context(), h.team, other); ok {
		t.Fatal("still a manager after removal")
	}
	mustContain(t, "no longer a manager", h.command(other, "/lead list all").Text, "Only managers")
	h.h.Wait()
	// The grant's and the removal's messages go out in the background, in
	// either order: find the removal's.
	var removal string
	for _, c := range h.slack.Calls("chat.postMessage") {
		if strings.Contains(c.Text(), "withdrew your manager rights") {
			removal = c.Param("channel") + c.Text()
		}
	}
	mustContain(t, "told", removal, other, "withdrew your manager rights")
	mustContain(t, "again", h.command(manager, "/salesbot managers remove "+mention(other)).Text, "had no manager rights")

	changes, err := h.store.ManagerChanges(t.Context(), h.team, 10)
	if err != nil || len(changes) != 2 {
		t.Fatalf("audit list: %+v %v", changes, err)
	}
	if c := changes[0]; c.Granted || c.User != other || c.By != admin || !c.At.Equal(now) {
		t.Errorf("withdrawal recorded as %+v", c)
	}
	if c := changes[1]; !c.Granted || c.User != other || c.By != manager {
		t.Errorf("grant recorded as %+v", c)
	}
}
