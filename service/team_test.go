package service_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"salesbot"
	"salesbot/service"
)

// TestConfiguredManagersCountInOwnTeamOnly: managers from the bot's
// settings are managers of the workspace it is installed in, and of no
// other; those granted in Slack count in their own team.
func TestConfiguredManagersCountInOwnTeamOnly(t *testing.T) {
	st, team := newTeam(t)
	ctx := t.Context()
	svc := service.New(service.Config{Store: st, Managers: []string{"UENV"}, Team: team})
	if _, err := svc.GrantManagers(ctx, team, salesbot.Actor{User: "UENV", Manager: true}, false, []string{"UGRANTED"}, now); err != nil {
		t.Fatal(err)
	}
	if got, err := svc.Managers(ctx, team); err != nil || !slices.Equal(got, []string{"UENV", "UGRANTED"}) {
		t.Fatalf("managers of the bot's team: %v %v; want UENV and UGRANTED", got, err)
	}
	const elsewhere = "T0ELSEWHERE"
	if svc.Serves(elsewhere) || !svc.Serves(team) {
		t.Fatalf("serves %s: %v, its own team: %v; want only its own", elsewhere, svc.Serves(elsewhere), svc.Serves(team))
	}
	if got, err := svc.Managers(ctx, elsewhere); err != nil || len(got) != 0 {
		t.Fatalf("managers of another workspace: %v %v; want none", got, err)
	}
	if ok, err := svc.IsManager(ctx, elsewhere, "UENV"); err != nil || ok {
		t.Fatalf("configured manager is a manager of another workspace: %v %v", ok, err)
	}
	if ok, err := svc.IsManager(ctx, team, "UENV"); err != nil || !ok {
		t.Fatalf("configured manager in the bot's own workspace: %v %v; want a manager", ok, err)
	}
	if got := svc.ManagersAmong(elsewhere, []string{"UB", "UA", "UB"}); !slices.Equal(got, []string{"UA", "UB"}) {
		t.Fatalf("managers among those granted in another workspace: %v; want UA, UB", got)
	}
	// With no team known (the console), the settings count everywhere.
	solo := service.New(service.Config{Store: st, Managers: []string{"UENV"}})
	if ok, err := solo.IsManager(ctx, elsewhere, "UENV"); err != nil || !ok || !solo.Serves(elsewhere) {
		t.Fatalf("without a known team: manager %v (%v), serves %v; want both", ok, err, solo.Serves(elsewhere))
	}
}

// TestManagerRights: managers and workspace admins grant and withdraw
// rights, no one else; a configured manager cannot be removed (and then no
// one named is); every change is kept in the audit list.
func TestManagerRights(t *testing.T) {
	st, team := newTeam(t)
	ctx := t.Context()
	svc := service.New(service.Config{Store: st, Managers: []string{"UENV"}, Team: team})
	rep := salesbot.Actor{User: "UREP"}
	if _, err := svc.GrantManagers(ctx, team, rep, false, []string{"UREP"}, now); salesbot.ErrorCode(err) != salesbot.EFORBIDDEN {
		t.Fatalf("a rep granting rights: %v; want EFORBIDDEN", err)
	}
	g, err := svc.GrantManagers(ctx, team, rep, true, []string{"ULEE", "UKIM"}, now)
	if err != nil || !slices.Equal(g.Changed, []string{"ULEE", "UKIM"}) {
		t.Fatalf("a workspace admin granting rights: %+v %v", g, err)
	}
	if _, err := svc.RemoveManagers(ctx, team, rep, false, []string{"ULEE"}, now); salesbot.ErrorCode(err) != salesbot.EFORBIDDEN {
		t.Fatalf("a rep withdrawing rights: %v; want EFORBIDDEN", err)
	}
	lee := salesbot.Actor{User: "ULEE", Manager: true}
	_, err = svc.RemoveManagers(ctx, team, lee, false, []string{"UKIM", "UENV"}, now)
	if e := (*salesbot.Error)(nil); !errors.As(err, &e) || e.Code != salesbot.EFORBIDDEN || !slices.Contains(e.Args, any(salesbot.User("UENV"))) {
		t.Fatalf("removing a configured manager: %v; want EFORBIDDEN naming UENV", err)
	}
	if ok, _ := svc.IsManager(ctx, team, "UKIM"); !ok {
		t.Fatal("a refused removal withdrew the rights of another named with it")
	}
	g, err = svc.RemoveManagers(ctx, team, lee, false, []string{"UKIM", "UNOBODY"}, now.Add(1))
	if err != nil || !slices.Equal(g.Changed, []string{"UKIM"}) || !slices.Equal(g.Unchanged, []string{"UNOBODY"}) {
		t.Fatalf("removal: %+v %v; want UKIM removed, UNOBODY unchanged", g, err)
	}
	if ok, _ := svc.IsManager(ctx, team, "UKIM"); ok {
		t.Fatal("still a manager after removal")
	}
	audit, err := st.ManagerChanges(ctx, team, 10)
	if err != nil || len(audit) != 3 {
		t.Fatalf("audit list: %+v %v; want two grants and one withdrawal", audit, err)
	}
	if c := audit[0]; c.Granted || c.User != "UKIM" || c.By != "ULEE" {
		t.Fatalf("latest audit entry %+v; want ULEE withdrawing UKIM", c)
	}
}

// TestSetLanguage: a choice is kept, and "" forgets it.
func TestSetLanguage(t *testing.T) {
	st, team := newTeam(t)
	ctx := t.Context()
	svc := service.New(service.Config{Store: st})
	if err := svc.SetLanguage(ctx, team, "UREP", "zh"); err != nil {
		t.Fatal(err)
	}
	if got, err := st.Lang(ctx, team, "UREP"); err != nil || got != "zh" {
		t.Fatalf("language %q %v; want zh", got, err)
	}
	if err := svc.SetLanguage(ctx, team, "UREP", ""); err != nil {
		t.Fatal(err)
	}
	if got, err := st.Lang(ctx, team, "UREP"); err != nil || got != "" {
		t.Fatalf("language after forgetting %q %v; want none", got, err)
	}
}

// TestTeamsOfManagers: managers and workspace admins set who leads whom,
// no one else; a rep is given only to a manager; routing follows the teams
// (a manager of no one sees everyone); every change is kept, and
// withdrawing rights drops the team.
func TestTeamsOfManagers(t *testing.T) {
	st, team := newTeam(t)
	ctx := t.Context()
	svc := service.New(service.Config{Store: st, Managers: []string{"UENV"}, Team: team})
	boss := salesbot.Actor{User: "UENV", Manager: true}
	if _, err := svc.GrantManagers(ctx, team, boss, false, []string{"ULEE", "UKIM"}, now); err != nil {
		t.Fatal(err)
	}
	// Before any team: everyone's work goes to every manager.
	if got, _ := svc.ManagersOf(ctx, team, "UREP1"); !slices.Equal(got, []string{"UENV", "UKIM", "ULEE"}) {
		t.Fatalf("no teams yet: %v; want every manager", got)
	}
	rep := salesbot.Actor{User: "UREP1"}
	if _, err := svc.SetTeam(ctx, team, rep, false, "ULEE", []string{"UREP1"}, now); salesbot.ErrorCode(err) != salesbot.EFORBIDDEN {
		t.Fatalf("a rep setting a team: %v; want EFORBIDDEN", err)
	}
	_, err := svc.SetTeam(ctx, team, boss, false, "UREP2", []string{"UREP1"}, now)
	if salesbot.ErrorCode(err) != salesbot.EINVALID || !strings.Contains(err.Error(), "/salesbot managers add") {
		t.Fatalf("a rep given to a non-manager: %v; want EINVALID saying how to grant rights", err)
	}
	if _, err := svc.SetTeam(ctx, team, boss, false, "ULEE", []string{"ULEE"}, now); salesbot.ErrorCode(err) != salesbot.EINVALID {
		t.Fatalf("leading themself: %v; want EINVALID", err)
	}
	if list, _ := svc.Teams(ctx, team); len(list.Changes) != 0 {
		t.Fatalf("refused changes were kept: %+v", list.Changes)
	}
	set, err := svc.SetTeam(ctx, team, boss, false, "ULEE", []string{"UREP1", "UREP2"}, now)
	if err != nil || !slices.Equal(set.Change.Reps, []string{"UREP1", "UREP2"}) || set.Before != nil {
		t.Fatalf("set ULEE's team: %+v %v", set, err)
	}
	admin := salesbot.Actor{User: "UADMIN"}
	if _, err := svc.SetTeam(ctx, team, admin, true, "UKIM", []string{"UREP3"}, now.Add(time.Minute)); err != nil {
		t.Fatalf("a workspace admin setting UKIM's team: %v", err)
	}
	for _, c := range []struct {
		rep  string
		want []string
	}{
		{"UREP1", []string{"UENV", "ULEE"}}, // their manager, and the manager of no one
		{"UREP3", []string{"UENV", "UKIM"}},
		{"UNEW", []string{"UENV"}}, // led by no one: the manager of no one
	} {
		if got, err := svc.ManagersOf(ctx, team, c.rep); err != nil || !slices.Equal(got, c.want) {
			t.Errorf("ManagersOf(%s) = %v %v; want %v", c.rep, got, err, c.want)
		}
	}
	if got, _ := svc.RepsOf(ctx, team, "ULEE"); !slices.Equal(got, []string{"UREP1", "UREP2"}) {
		t.Errorf("RepsOf(ULEE) = %v", got)
	}
	if got, _ := svc.RepsOf(ctx, team, "UENV"); got != nil {
		t.Errorf("RepsOf(UENV), who leads no one = %v; want nil (everyone)", got)
	}
	if got, _ := svc.SignersOf(ctx, team, "UREP3", "UREP3"); !slices.Equal(got, []string{"UENV", "UKIM"}) {
		t.Errorf("SignersOf(UREP3) = %v", got)
	}
	// Replacing: the reps led before come back.
	set, err = svc.SetTeam(ctx, team, salesbot.Actor{User: "ULEE", Manager: true}, false, "ULEE", []string{"UREP2", "UREP4"}, now.Add(2*time.Minute))
	if err != nil || !slices.Equal(set.Before, []string{"UREP1", "UREP2"}) || !slices.Equal(set.Change.Joined(set.Before), []string{"UREP4"}) {
		t.Fatalf("replace: %+v %v", set, err)
	}
	// Withdrawing UKIM's rights drops the team.
	if _, err := svc.RemoveManagers(ctx, team, boss, false, []string{"UKIM"}, now.Add(3*time.Minute)); err != nil {
		t.Fatal(err)
	}
	list, err := svc.Teams(ctx, team)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := list.Teams.Reps["UKIM"]; ok || !slices.Equal(list.Teams.Managers, []string{"UENV", "ULEE"}) {
		t.Fatalf("teams after UKIM's rights were withdrawn: %+v", list.Teams)
	}
	if len(list.Changes) != 4 || !list.Changes[0].Withdrawn || list.Changes[0].Manager != "UKIM" || list.Changes[3].By != "UENV" {
		t.Fatalf("history: %+v; want ULEE's, UKIM's, ULEE's again, UKIM's dropped", list.Changes)
	}
	// none: ULEE leads no one in particular again.
	if _, err := svc.SetTeam(ctx, team, boss, false, "ULEE", nil, now.Add(4*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if got, _ := svc.RepsOf(ctx, team, "ULEE"); got != nil {
		t.Errorf("RepsOf(ULEE) after none = %v; want nil", got)
	}
}

// TestRequestsFollowTeams: a quote is signed off among the owner's
// managers: a rep's quote goes to their own manager; one their manager
// wrote goes to every manager, and its writer may not sign it off while
// another can; a request for a lead goes to the managers of the requester
// and of the owner, not to a third team's.
func TestRequestsFollowTeams(t *testing.T) {
	st, team := newTeam(t)
	ctx := t.Context()
	svc := service.New(service.Config{Store: st, Managers: []string{"UM1", "UM2", "UM3"}, Team: team, Gates: salesbot.GatesOff})
	m1, m2 := salesbot.Actor{User: "UM1", Manager: true}, salesbot.Actor{User: "UM2", Manager: true}
	for m, reps := range map[string][]string{"UM1": {"UR1"}, "UM2": {"UR2"}, "UM3": {"UR3"}} {
		if _, err := svc.SetTeam(ctx, team, m1, false, m, reps, now); err != nil {
			t.Fatal(err)
		}
	}
	l := create(t, st, team, "Acme", "UR1", salesbot.GradeA, now.Add(-salesbot.Day))
	if _, err := svc.MoveStage(ctx, m1, l, salesbot.StageDemo, nil, now); err != nil {
		t.Fatal(err)
	}
	quote := func(by salesbot.Actor) salesbot.QuoteOutcome {
		t.Helper()
		l, err := st.Lead(ctx, team, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		signers, err := svc.SignersOf(ctx, team, l.Owner, by.User)
		if err != nil {
			t.Fatal(err)
		}
		out, err := svc.Quote(ctx, by, salesbot.RefRead(l), salesbot.Amount{Minor: 100_000_00, Currency: "CNY"}, 0, "", signers, now)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	if out := quote(salesbot.Actor{User: "UR1"}); !slices.Equal(out.Ask, []string{"UM1"}) {
		t.Fatalf("a rep's quote asks %v; want their manager UM1 only", out.Ask)
	}
	out := quote(m1)
	if !slices.Equal(out.Ask, []string{"UM1", "UM2", "UM3"}) {
		t.Fatalf("the team lead's quote asks %v; want every manager", out.Ask)
	}
	if _, err := svc.DecideStage(ctx, m1, team, out.Request.ID, true, "", now); salesbot.ErrorCode(err) != salesbot.EFORBIDDEN {
		t.Fatalf("the writer signing off their quote while others can: %v; want EFORBIDDEN", err)
	}
	if d, err := svc.DecideStage(ctx, m2, team, out.Request.ID, true, "", now); err != nil || d.Request.Status != salesbot.ApprovalApproved || d.Request.SelfApproved {
		t.Fatalf("another manager signs it off: %+v %v", d.Request, err)
	}

	ask, err := svc.RequestLead(ctx, salesbot.Actor{User: "UR2"}, team, l.ID, []string{"UM1", "UM2", "UM3"}, now)
	if err != nil || !slices.Equal(ask.Ask, []string{"UM1", "UM2"}) {
		t.Fatalf("UR2 asking for UR1's lead asks %v (%v); want UM1 and UM2, not UM3", ask.Ask, err)
	}
}
