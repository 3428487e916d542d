package scheduler_test

import (
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
