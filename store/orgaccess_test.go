package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"salesbot/internal/redistest"
	"salesbot/workspace"
)

// TestRevokeTeamFromTheOrgWideInstall: a workspace the org-wide install no
// longer reaches is served by it neither through its link nor for a
// request naming the enterprise, cannot be linked again by such a request,
// leaves the members and starts its retention; one with an active install
// of its own keeps it and starts none. A grant undoes the revocation.
func TestRevokeTeamFromTheOrgWideInstall(t *testing.T) {
	s, _, team := newStore(t)
	own := redistest.Team(t)
	ctx := context.Background()
	ent := "E" + redistest.Team(t)[1:]
	at := time.Now()
	if err := s.SaveInstallation(ctx, workspace.Installation{Enterprise: ent, OrgWide: true, BotToken: "sealed-org", InstalledAt: at}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveInstallation(ctx, sealedInstall(own, at)); err != nil {
		t.Fatal(err)
	}
	for _, tm := range []string{team, own} {
		if err := s.LinkTeam(ctx, tm, ent); err != nil {
			t.Fatal(err)
		}
	}
	served := func(tm, enterprise string) bool {
		t.Helper()
		_, org, _, err := s.InstallationsOf(ctx, tm, enterprise)
		if err != nil {
			t.Fatal(err)
		}
		return org.Active()
	}
	if !served(team, "") || !served(team, ent) {
		t.Fatal("the org-wide install does not serve the linked team to begin with")
	}

	ownActive, stale, err := s.RevokeTeam(ctx, team, ent, at)
	if err != nil || ownActive || stale {
		t.Fatalf("RevokeTeam: %v, %v, %v", ownActive, stale, err)
	}
	if served(team, "") || served(team, ent) {
		t.Error("the org-wide install still serves the team after the revocation")
	}
	if err := s.LinkTeam(ctx, team, ent); err != nil {
		t.Fatal(err)
	}
	if served(team, "") {
		t.Error("a request after the revocation linked the team again")
	}
	members, err := s.OrgMembers(ctx, ent)
	if err != nil || slices.Contains(members, team) || !slices.Contains(members, own) {
		t.Errorf("members after the revocation: %v %v", members, err)
	}
	if due, err := s.UninstalledBefore(ctx, at, 1000); err != nil || !slices.Contains(due, team) {
		t.Errorf("the revoked team's retention did not start: %v %v", due, err)
	}

	if ownActive, _, err := s.RevokeTeam(ctx, own, ent, at); err != nil || !ownActive {
		t.Fatalf("RevokeTeam of a team with its own install: %v, %v", ownActive, err)
	}
	if due, err := s.UninstalledBefore(ctx, at, 1000); err != nil || slices.Contains(due, own) {
		t.Errorf("a team with its own install started a retention: %v %v", due, err)
	}
	if inst, err := s.Installation(ctx, own); err != nil || !inst.Active() {
		t.Errorf("the team's own install after the revocation: %+v %v", inst, err)
	}

	// A grant older than the revocation (delivered late) changes nothing.
	if stale, err := s.GrantTeam(ctx, team, ent, at.Add(-time.Minute)); err != nil || !stale {
		t.Fatalf("GrantTeam older than the revocation: stale %v, %v; want stale", stale, err)
	}
	if served(team, "") {
		t.Error("a grant older than the revocation serves the team again")
	}
	granted := at.Add(time.Hour)
	if stale, err := s.GrantTeam(ctx, team, ent, granted); err != nil || stale {
		t.Fatalf("GrantTeam: stale %v, %v", stale, err)
	}
	if !served(team, "") || !served(team, ent) {
		t.Error("the org-wide install does not serve the team granted again")
	}
	if members, err := s.OrgMembers(ctx, ent); err != nil || !slices.Contains(members, team) {
		t.Errorf("members after the grant: %v %v", members, err)
	}
	// Slack delivers the first revocation again (its first delivery
	// failed): older than the grant, it changes nothing.
	if _, stale, err := s.RevokeTeam(ctx, team, ent, at); err != nil || !stale {
		t.Fatalf("RevokeTeam retried after a later grant: stale %v, %v; want stale", stale, err)
	}
	if !served(team, "") {
		t.Error("a retried revocation older than the grant undid it")
	}
	if members, err := s.OrgMembers(ctx, ent); err != nil || !slices.Contains(members, team) {
		t.Errorf("members after the stale revocation: %v %v", members, err)
	}
}
