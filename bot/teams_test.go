package bot_test

import (
	"slices"
	"strings"
	"testing"

	"salesbot/internal/fakeslack"
)

// Two teams of managers in the tests' workspace: lead1 leads rep, lead2
// leads other; manager (SALESBOT_MANAGERS) leads no one in particular.
const (
	lead1 = "U0LEAD1"
	lead2 = "U0LEAD2"
	unled = "U0UNLED" // a rep of no team
)

func tag(u string) string { return "<@" + u + "|" + strings.ToLower(u) + ">" }

// twoTeams grants lead1 and lead2 manager rights and gives each a team.
func twoTeams(t *testing.T, h *harness) {
	t.Helper()
	for u, name := range map[string]string{lead1: "Lea One", lead2: "Leo Two", unled: "Una Unled"} {
		h.slack.SetUser(u, fakeslack.User{Name: name, TZ: "Asia/Shanghai"})
	}
	mustContain(t, "grant", h.command(manager, "/salesbot managers add "+tag(lead1)+" "+tag(lead2)).Text, "granted")
	mustContain(t, "team 1", h.command(manager, "/salesbot team "+tag(lead1)+" "+tag(rep)).Text, "<@"+lead1+"> leads <@"+rep+"> now")
	mustContain(t, "team 2", h.command(lead2, "/salesbot 团队 "+tag(lead2)+" "+tag(other)).Text, "<@"+lead2+"> leads <@"+other+"> now")
	h.h.Wait()
}

// dmsTo lists whom the posted messages containing want went to.
func dmsTo(h *harness, want string) []string {
	var to []string
	for _, c := range h.slack.Calls("chat.postMessage") {
		if strings.Contains(c.Text(), want) {
			to = append(to, c.Param("channel"))
		}
	}
	slices.Sort(to)
	return to
}

// TestTeamRoutesApprovals: with two teams, a rep's request to skip a stage
// reaches the rep's own manager and the manager who leads no one in
// particular, not the other team's manager; so does a quote; a rep of no
// team still reaches the manager of no one.
func TestTeamRoutesApprovals(t *testing.T) {
	h := newHarness(t)
	twoTeams(t, h)
	mustContain(t, "lead1 told", strings.Join(dmsTo(h, "set your team"), " "), lead1)
	mustContain(t, "rep told", strings.Join(dmsTo(h, "put you in"), " "), rep)

	h.command(rep, "/lead new Acme")
	mustContain(t, "skip", h.command(rep, "/lead stage Acme demo").Text, "needs a manager's approval", "asked 2 managers")
	h.h.Wait()
	if got, want := dmsTo(h, "asks to move *Acme*"), []string{lead1, manager}; !slices.Equal(got, want) {
		t.Fatalf("the skip request went to %v; want %v (not %s)", got, want, lead2)
	}

	// A quote of rep's goes the same way.
	h.command(manager, "/lead stage Acme demo")
	h.command(rep, "/quote Acme 100万")
	h.h.Wait()
	if got, want := dmsTo(h, "sign off quote v1 for *Acme*"), []string{lead1, manager}; !slices.Equal(got, want) {
		t.Fatalf("the quote went to %v; want %v, never %s", got, want, lead2)
	}

	// The other team's rep reaches their own manager.
	h.command(other, "/lead new Globex")
	h.command(other, "/lead stage Globex demo")
	h.h.Wait()
	if got, want := dmsTo(h, "asks to move *Globex*"), []string{lead2, manager}; !slices.Equal(got, want) {
		t.Fatalf("the other team's request went to %v; want %v", got, want)
	}
	// A rep of no team: the manager of no one.
	h.command(unled, "/lead new Initech")
	h.command(unled, "/lead stage Initech demo")
	h.h.Wait()
	if got, want := dmsTo(h, "asks to move *Initech*"), []string{manager}; !slices.Equal(got, want) {
		t.Fatalf("an unled rep's request went to %v; want %v", got, want)
	}

	// The listing: each manager with their reps, the unled rep, the history.
	list := text(h.command(rep, "/salesbot team"))
	mustContain(t, "listing", list, "Teams of managers",
		"<@"+lead1+"> leads <@"+rep+">", "<@"+lead2+"> leads <@"+other+">",
		"<@"+manager+"> leads no one in particular", "Led by no one: <@"+unled+">",
		"Latest changes", "set to lead <@"+other+"> (by <@"+lead2+">)")
	mustContain(t, "one manager", h.command(rep, "/salesbot team "+tag(lead1)).Text, "<@"+lead1+"> leads <@"+rep+">")
	h.command(rep, "/salesbot lang zh")
	mustContain(t, "listing in Chinese", text(h.command(rep, "/salesbot team")), "经理团队", "无人带领")
}

// TestTeamBadInput: a rep cannot set teams; a rep given to a non-manager
// is refused with how to grant rights; unknown people, bots and
// deactivated accounts are refused; none of it changes a team.
func TestTeamBadInput(t *testing.T) {
	h := newHarness(t)
	twoTeams(t, h)
	const bot, gone, ghost = "U0BOT", "U0GONE", "U0GHOST"
	h.slack.SetUser(bot, fakeslack.User{Name: "Build Bot", Bot: true})
	h.slack.SetUser(gone, fakeslack.User{Name: "Gone Girl", Deleted: true})

	for _, c := range []struct {
		user, line string
		wants      []string
	}{
		{rep, "/salesbot team " + tag(lead1) + " " + tag(other), []string{"Only managers and workspace admins"}},
		{manager, "/salesbot team " + tag(unled) + " " + tag(rep), []string{"has no manager rights", "/salesbot managers add"}},
		{manager, "/salesbot team " + tag(lead1) + " " + tag(bot), []string{"<@" + bot + ">", "a bot or a deactivated account"}},
		{manager, "/salesbot team " + tag(lead1) + " " + tag(gone), []string{"<@" + gone + ">", "a bot or a deactivated account"}},
		{manager, "/salesbot team " + tag(lead1) + " wang", []string{`"wang" is not a person`, "/salesbot team @manager @rep1 @rep2"}},
		{manager, "/salesbot team lead1 " + tag(rep), []string{`"lead1" is not a person`, "Mention the manager first"}},
		{manager, "/salesbot team " + tag(lead1) + " " + tag(lead1), []string{"cannot lead themself"}},
	} {
		mustContain(t, c.line, h.command(c.user, c.line).Text, c.wants...)
	}
	// Someone Slack does not know.
	h.slack.FailNext("users.info", "user_not_found")
	mustContain(t, "unknown", h.command(manager, "/salesbot team "+tag(lead1)+" "+tag(ghost)).Text, "cannot find <@"+ghost+">")

	if _, reps, _, err := h.store.ManagerTeams(t.Context(), h.team, false); err != nil || !slices.Equal(reps[lead1], []string{rep}) {
		t.Errorf("lead1's team after bad input: %v %v; want rep alone", reps[lead1], err)
	}
	changes, err := h.store.TeamChanges(t.Context(), h.team, 10)
	if err != nil || len(changes) != 2 {
		t.Fatalf("history after bad input: %+v %v; want the two teams only", changes, err)
	}

	// none: lead1 sees everyone again; withdrawing lead2's rights drops
	// their team, and both are in the history.
	mustContain(t, "none", h.command(manager, "/salesbot team "+tag(lead1)+" none").Text, "leads no one in particular now")
	mustContain(t, "remove", h.command(manager, "/salesbot managers remove "+tag(lead2)).Text, "withdrawn")
	list := text(h.command(manager, "/salesbot team"))
	mustContain(t, "after none and removal", list, "<@"+lead1+"> leads no one in particular", "team dropped with their manager rights")
	if strings.Contains(list, "<@"+lead2+"> leads") {
		t.Errorf("a former manager still leads a team:\n%s", list)
	}
}
