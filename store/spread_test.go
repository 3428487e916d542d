package store_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"salesbot"
	"salesbot/internal/redistest"
	"salesbot/store"
)

// TestThousandTeamsSpreadOverMasters writes a lead for each of 1,000
// workspaces through the store on a Redis Cluster of three masters, then
// asks each master which teams' keys it holds: every team is on exactly one
// master, with all of its keys, and each master holds a fair share (25% to
// 42%; a third is 33%), since a team's hash tag is the unit the cluster
// spreads.
func TestThousandTeamsSpreadOverMasters(t *testing.T) {
	if !redistest.ClusterMode() {
		t.Skipf("needs a cluster of three masters: make test-cluster runs it (%s=1)", redistest.ClusterEnv)
	}
	const teams = 1000
	c := redistest.Client(t)
	s := store.New(c)
	written := map[string]bool{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	errs := make(chan error, teams)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < teams; i += 8 {
				team := redistest.Team(t)
				l, ch, err := salesbot.NewLead(salesbot.Actor{User: "U1"}, team, "", fmt.Sprintf("Company %04d", i), salesbot.GradeB, now)
				if err == nil {
					l.Schedule(salesbot.DefaultCadence())
					_, err = s.CreateLead(ctx, l, ch)
				}
				if err != nil {
					errs <- fmt.Errorf("team %s: %w", team, err)
					return
				}
				mu.Lock()
				written[team] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	// Each master's teams, from the keys it holds (the cluster is shared
	// with other tests: only this test's teams count).
	held := map[string]map[string]int{} // master → team → keys
	err := c.(*redis.ClusterClient).ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
		mine := map[string]int{}
		iter := node.Scan(ctx, 0, "sb:{*}:*", 1000).Iterator()
		for iter.Next(ctx) {
			team, _, _ := strings.Cut(strings.TrimPrefix(iter.Val(), "sb:{"), "}")
			if written[team] {
				mine[team]++
			}
		}
		mu.Lock()
		defer mu.Unlock()
		held[node.Options().Addr] = mine
		return iter.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(held) != 3 {
		t.Fatalf("%d masters answered; want 3", len(held))
	}
	where := map[string]string{}
	for _, master := range slices.Sorted(maps.Keys(held)) {
		mine := held[master]
		share := float64(len(mine)) / teams
		t.Logf("master %s holds %d teams (%.1f%%)", master, len(mine), 100*share)
		if share < 0.25 || share > 0.42 {
			t.Errorf("master %s holds %.1f%% of the teams; want 25%% to 42%%", master, 100*share)
		}
		for team, n := range mine {
			if other, ok := where[team]; ok {
				t.Errorf("team %s has keys on %s and on %s", team, other, master)
			}
			where[team] = master
			if n < 4 {
				t.Errorf("team %s has %d keys on %s; a lead writes more", team, n, master)
			}
		}
	}
	if len(where) != teams {
		t.Errorf("the masters hold keys of %d teams; want %d", len(where), teams)
	}
}
