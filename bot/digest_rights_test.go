package bot_test

import (
	"strings"
	"testing"

	"salesbot/internal/fakeslack"
)

// TestDigestFollowsManagerRights: the daily digest goes to whoever has
// manager rights as /salesbot managers left them: the configured manager,
// one granted, and not one granted and then withdrawn. Granting, the
// commands' rights and the digest's recipients are one rule.
func TestDigestFollowsManagerRights(t *testing.T) {
	h := newHarness(t)
	const lee = "U0LEE"
	h.slack.SetUser(lee, fakeslack.User{Name: "Lee", TZ: "Asia/Shanghai"})
	mention := func(u string) string { return "<@" + u + "|" + u + ">" }
	h.command(rep, "/lead new Digest Worthy Co")
	mustContain(t, "grant", text(h.command(manager, "/salesbot managers add "+mention(lee)+" "+mention(other))), "granted to")
	mustContain(t, "withdraw", h.command(manager, "/salesbot managers remove "+mention(other)).Text, "withdrawn from <@"+other+">")
	h.h.Wait()
	// 10:00 on a Monday in Shanghai: the 08:00 digest is due.
	if err := h.sched.SweepTeam(t.Context(), h.team); err != nil {
		t.Fatal(err)
	}
	digests := map[string]int{}
	for _, c := range h.slack.Calls("chat.postMessage") {
		if c.Failed == "" && strings.HasPrefix(c.Param("text"), "Sales digest") {
			digests[c.Param("channel")]++
		}
	}
	if digests[manager] != 1 || digests[lee] != 1 || digests[other] != 0 || digests[rep] != 0 {
		t.Fatalf("digests sent %v; want one each to %s (configured) and %s (granted), none to %s (withdrawn) or %s", digests, manager, lee, other, rep)
	}
}
