package scheduler_test

import (
	"strings"
	"testing"
	"time"

	"salesbot"
)

// TestReviewsFollowTeams: with teams of managers, each manager's weekly
// review covers only the reps they lead; the manager who leads no one in
// particular reviews everyone, as before teams; a change of team shows in
// the next week's reviews.
func TestReviewsFollowTeams(t *testing.T) {
	const lead2, all = "U0MGRTWO", "U0MGRALL"
	mon9 := time.Date(2026, 6, 15, 9, 0, 0, 0, berlinZ) // Monday
	e := newEnv(t, mon9.Add(-time.Hour), options{review: "0 9 * * 1"})
	for _, u := range []string{berlin, lead2, all} {
		e.user(u, berlinZ)
		if err := e.store.AddManager(e.ctx, e.team, u); err != nil {
			t.Fatal(err)
		}
	}
	e.user(rep, time.UTC)
	e.user(rep2, time.UTC)
	created := mon9.Add(-10 * salesbot.Day)
	e.deal(rep, "June Co", created, 500_000, salesbot.Date{Year: 2026, Month: 6, Day: 30})
	e.deal(rep2, "May Co", created, 200_000, salesbot.Date{Year: 2026, Month: 5, Day: 20})
	admin := salesbot.Actor{User: all, Manager: true}
	setTeam := func(m string, reps ...string) {
		t.Helper()
		if _, err := e.svc.SetTeam(e.ctx, e.team, admin, false, m, reps, e.clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	setTeam(berlin, rep)
	setTeam(lead2, rep2)

	e.clock.Set(mon9)
	e.race(4)
	e.wantReviewed(berlin, "berlin leads rep", "2026-W25 "+rep)
	e.wantReviewed(lead2, "lead2 leads rep2", "2026-W25 "+rep2)
	e.wantReviewed(all, "the manager of no one", "2026-W25 "+rep, "2026-W25 "+rep2)

	// berlin takes rep2 over: the next week's reviews follow.
	setTeam(berlin, rep, rep2)
	setTeam(lead2)
	e.clock.Set(mon9.Add(7 * salesbot.Day))
	e.race(4)
	e.wantReviewed(berlin, "the next week", "2026-W25 "+rep, "2026-W26 "+rep, "2026-W26 "+rep2)
	e.wantReviewed(lead2, "the next week, leading no one", "2026-W25 "+rep2, "2026-W26 "+rep, "2026-W26 "+rep2)
}

// TestTwoTeamsRouteEscalationsAndDigests: with two teams of managers, an A
// follow-up each rep ignores climbs to that rep's own manager and nobody
// else, and each manager's digest speaks of their own rep's leads only.
func TestTwoTeamsRouteEscalationsAndDigests(t *testing.T) {
	const north, south = "U0MGRNORTH", "U0MGRSOUTH"
	e := newEnv(t, tue10, options{managers: []string{north, south}, digest: "0 8 * * *"})
	for _, u := range []string{rep, rep2, north, south} {
		e.user(u, time.UTC)
	}
	admin := salesbot.Actor{User: north, Manager: true}
	for m, r := range map[string]string{north: rep, south: rep2} {
		if _, err := e.svc.SetTeam(e.ctx, e.team, admin, false, m, []string{r}, tue10); err != nil {
			t.Fatal(err)
		}
	}
	e.aLead(rep, "Northern Mills", tue10)
	e.aLead(rep2, "Southern Ports", tue10)
	for at := tue10; at.Before(tue10.Add(3 * salesbot.Day)); at = at.Add(time.Hour) {
		e.sweepAt(at)
	}
	for m, want := range map[string]string{north: "Northern Mills", south: "Southern Ports"} {
		got := e.escalated(m)
		if len(got) != 1 || !strings.Contains(text(got[0]), want) {
			t.Errorf("%s: escalations %s; want one, of %s", m, texts(got), want)
		}
	}
	for m, pair := range map[string][2]string{north: {"Northern Mills", "Southern Ports"}, south: {"Southern Ports", "Northern Mills"}} {
		var digests []string
		for _, c := range e.posts(m) {
			if !strings.HasPrefix(c.Param("text"), "Escalated:") {
				digests = append(digests, text(c))
			}
		}
		if len(digests) == 0 {
			t.Fatalf("%s: no digest in three days", m)
		}
		all := strings.Join(digests, "\n")
		if !strings.Contains(all, pair[0]) || strings.Contains(all, pair[1]) {
			t.Errorf("%s's digests speak of %q and not of %q? They read:\n%s", m, pair[0], pair[1], all)
		}
	}
}
