package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"salesbot"
	"salesbot/internal/redistest"
	"salesbot/store"
	"salesbot/workspace"
)

func sealedInstall(team string, at time.Time) workspace.Installation {
	return workspace.Installation{
		Team: team, BotToken: "sealed-bot", RefreshToken: "sealed-refresh", BotUser: "UBOT", BotID: "BBOT",
		Installer: "UINSTALLER", Scopes: []string{"commands", "chat:write"}, ExpiresAt: at.Add(12 * time.Hour), InstalledAt: at,
	}
}

func TestInstallationRoundTrip(t *testing.T) {
	s, _, team := newStore(t)
	ctx := context.Background()
	at := time.UnixMilli(time.Now().UnixMilli())
	want := sealedInstall(team, at)
	if err := s.SaveInstallation(ctx, want); err != nil {
		t.Fatal(err)
	}
	got, err := s.Installation(ctx, team)
	if err != nil {
		t.Fatal(err)
	}
	if got.BotToken != want.BotToken || got.RefreshToken != want.RefreshToken || got.Installer != want.Installer ||
		!slices.Equal(got.Scopes, want.Scopes) || !got.ExpiresAt.Equal(want.ExpiresAt) || !got.InstalledAt.Equal(at) || !got.Active() {
		t.Errorf("read back %+v, want %+v", got, want)
	}
	if _, err := s.Installation(ctx, redistest.Team(t)); !errors.Is(err, store.ErrNoInstallation) {
		t.Errorf("unknown team: err %v, want ErrNoInstallation", err)
	}
}

func TestInstallationsOfFollowsTheOrgLink(t *testing.T) {
	s, _, team := newStore(t)
	ctx := context.Background()
	ent := "E" + redistest.Team(t)[1:]
	org := workspace.Installation{Enterprise: ent, OrgWide: true, BotToken: "sealed-org", InstalledAt: time.Now()}
	if err := s.SaveInstallation(ctx, org); err != nil {
		t.Fatal(err)
	}
	if _, got, _, err := s.InstallationsOf(ctx, team, ""); err != nil || got.Active() {
		t.Fatalf("before the link: org %+v, err %v; want none", got, err)
	}
	if _, got, id, err := s.InstallationsOf(ctx, team, ent); err != nil || got.BotToken != "sealed-org" || id != ent {
		t.Fatalf("with the enterprise named: org %+v (%s), err %v", got, id, err)
	}
	if err := s.LinkTeam(ctx, team, ent); err != nil {
		t.Fatal(err)
	}
	if _, got, id, err := s.InstallationsOf(ctx, team, ""); err != nil || got.BotToken != "sealed-org" || id != ent {
		t.Fatalf("after the link: org %+v (%s), err %v", got, id, err)
	}
}

func TestReplaceTokensComparesAndSets(t *testing.T) {
	s, _, team := newStore(t)
	ctx := context.Background()
	if err := s.SaveInstallation(ctx, sealedInstall(team, time.Now())); err != nil {
		t.Fatal(err)
	}
	next := workspace.Installation{BotToken: "sealed-bot-2", RefreshToken: "sealed-refresh-2"}
	if ok, err := s.ReplaceTokens(ctx, team, "stale", next); err != nil || ok {
		t.Fatalf("stale old token: replaced %v, err %v; want not replaced", ok, err)
	}
	if ok, err := s.ReplaceTokens(ctx, team, "sealed-bot", next); err != nil || !ok {
		t.Fatalf("current old token: replaced %v, err %v", ok, err)
	}
	got, _ := s.Installation(ctx, team)
	if got.BotToken != "sealed-bot-2" || got.RefreshToken != "sealed-refresh-2" || !got.ExpiresAt.IsZero() {
		t.Errorf("after replace: %+v", got)
	}
}

func TestUninstallDropsTokensAndReinstallKeepsData(t *testing.T) {
	s, c, team := newStore(t)
	ctx := context.Background()
	lead := mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)
	if err := s.SaveInstallation(ctx, sealedInstall(team, time.Now())); err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(-time.Hour)
	if ok, err := s.MarkUninstalled(ctx, team, at); err != nil || !ok {
		t.Fatalf("uninstall: %v, %v", ok, err)
	}
	got, _ := s.Installation(ctx, team)
	if got.Active() || got.BotToken != "" || got.RefreshToken != "" || got.UninstalledAt.Unix() != at.Unix() {
		t.Errorf("after uninstall: %+v; want no tokens, marked", got)
	}
	if score, err := c.ZScore(ctx, "sb:uninstalled", team).Result(); err != nil || int64(score) != at.Unix() {
		t.Errorf("uninstalled set: %v, %v; want %d", score, err, at.Unix())
	}
	if ok, err := s.MarkUninstalled(ctx, redistest.Team(t), at); err != nil || ok {
		t.Errorf("uninstall of a team never installed: %v, %v; want false", ok, err)
	}
	if err := s.SaveInstallation(ctx, sealedInstall(team, time.Now())); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Installation(ctx, team); !got.Active() {
		t.Errorf("after reinstall: %+v; want active", got)
	}
	if err := c.ZScore(ctx, "sb:uninstalled", team).Err(); !errors.Is(err, redis.Nil) {
		t.Errorf("reinstalled team still in the uninstalled set (err %v)", err)
	}
	if _, err := s.Lead(ctx, team, lead.ID); err != nil {
		t.Errorf("reinstall lost the lead: %v", err)
	}
}

func TestPurgeDeletesEveryKeyOfTheTeamOnly(t *testing.T) {
	for _, tc := range []struct {
		name   string
		client func(t *testing.T) redis.UniversalClient
	}{
		{"server", func(t *testing.T) redis.UniversalClient { return redistest.Client(t) }},
		{"cluster", func(t *testing.T) redis.UniversalClient {
			c, err := store.NewClient(redistest.Cluster(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { c.Close() })
			return c
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.client(t)
			s := store.New(c)
			ctx := context.Background()
			gone, kept := redistest.Team(t), redistest.Team(t)
			for _, team := range []string{gone, kept} {
				for i := range 5 {
					mustCreate(t, s, team, fmt.Sprintf("Acme %d", i), "U1", salesbot.GradeB)
				}
				if err := s.SaveInstallation(ctx, sealedInstall(team, time.Now())); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := s.MarkUninstalled(ctx, gone, time.Now()); err != nil {
				t.Fatal(err)
			}
			keysBefore := teamKeys(t, c, kept)
			n, skipped, err := s.Purge(ctx, gone)
			if err != nil || skipped || n == 0 {
				t.Fatalf("purge: %d keys, skipped %v, err %v", n, skipped, err)
			}
			if left := teamKeys(t, c, gone); len(left) != 0 {
				t.Errorf("keys left after the purge: %v", left)
			}
			if after := teamKeys(t, c, kept); !slices.Equal(after, keysBefore) {
				t.Errorf("other team's keys changed: %v, want %v", after, keysBefore)
			}
			if in, _ := c.SIsMember(ctx, "sb:teams", gone).Result(); in {
				t.Error("purged team still in sb:teams")
			}
			if err := c.ZScore(ctx, "sb:uninstalled", gone).Err(); !errors.Is(err, redis.Nil) {
				t.Errorf("purged team still in the uninstalled set (err %v)", err)
			}
		})
	}
}

func TestPurgeLockKeepsASecondPurgerOut(t *testing.T) {
	s, c, team := newStore(t)
	ctx := context.Background()
	mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)
	if err := s.SaveInstallation(ctx, sealedInstall(team, time.Now())); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MarkUninstalled(ctx, team, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := c.Set(ctx, "sb:purging:{"+team+"}", 1, time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	if n, skipped, err := s.Purge(ctx, team); err != nil || !skipped || n != 0 {
		t.Fatalf("purge while locked: %d keys, skipped %v, err %v; want skipped, nothing", n, skipped, err)
	}
	if len(teamKeys(t, c, team)) == 0 {
		t.Error("a locked purge deleted keys")
	}
}

func TestInstallationOwnersAndUninstalledBefore(t *testing.T) {
	s, _, team := newStore(t)
	ctx := context.Background()
	if err := s.SaveInstallation(ctx, sealedInstall(team, time.Now())); err != nil {
		t.Fatal(err)
	}
	owners, err := s.InstallationOwners(ctx)
	if err != nil || !slices.Contains(owners, team) {
		t.Fatalf("owners %v (err %v) lack %s", owners, err, team)
	}
	at := time.Unix(1000, 0) // long before every other test's uninstalls
	if _, err := s.MarkUninstalled(ctx, team, at); err != nil {
		t.Fatal(err)
	}
	if got, err := s.UninstalledBefore(ctx, at.Add(-time.Second), 10); err != nil || slices.Contains(got, team) {
		t.Errorf("before the uninstall: %v (err %v)", got, err)
	}
	if got, err := s.UninstalledBefore(ctx, at, 10); err != nil || !slices.Contains(got, team) {
		t.Errorf("at the uninstall: %v (err %v); want %s", got, err, team)
	}
}

// teamKeys lists the keys of team, sorted.
func teamKeys(t *testing.T, c redis.UniversalClient, team string) []string {
	t.Helper()
	ctx := context.Background()
	var keys []string
	scan := func(ctx context.Context, n redis.Cmdable) error {
		iter := n.Scan(ctx, 0, "sb:{"+team+"}:*", 1000).Iterator()
		for iter.Next(ctx) {
			keys = append(keys, iter.Val())
		}
		return iter.Err()
	}
	var err error
	if cc, ok := c.(*redis.ClusterClient); ok {
		err = cc.ForEachMaster(ctx, func(ctx context.Context, n *redis.Client) error { return scan(ctx, n) })
	} else {
		err = scan(ctx, c)
	}
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(keys)
	return keys
}

func TestPurgeSkipsAnOwnerNoLongerUninstalled(t *testing.T) {
	s, c, team := newStore(t)
	ctx := context.Background()
	mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)
	// Never uninstalled, or purged by another replica a moment ago.
	if n, skipped, err := s.Purge(ctx, team); err != nil || !skipped || n != 0 {
		t.Fatalf("purge of an owner not uninstalled: %d keys, skipped %v, err %v; want skipped", n, skipped, err)
	}
	if len(teamKeys(t, c, team)) == 0 {
		t.Error("deleted keys of an owner not uninstalled")
	}
}
