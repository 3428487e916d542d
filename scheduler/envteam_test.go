package scheduler_test

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"salesbot"
	"salesbot/scheduler"
	"salesbot/service"
)

// TestEnvManagersOnlyInTokenTeam: a manager from SALESBOT_MANAGERS is a
// manager of the workspace the bot token belongs to, and gets no digest of
// another workspace's leads.
func TestEnvManagersOnlyInTokenTeam(t *testing.T) {
	shanghai8 := time.Date(2026, 6, 17, 0, 0, 0, 0, time.UTC) // Wednesday 08:00 in Shanghai
	e := newEnv(t, shanghai8.Add(-time.Hour), options{digest: "0 8 * * 1-5"})
	e.user(shanghai, shanghaiZ)
	e.user(rep, time.UTC)
	e.lead(rep, "Secret Co", salesbot.GradeA, shanghai8.Add(-30*time.Hour))
	sched := func(team string) *scheduler.Scheduler {
		s, err := scheduler.New(scheduler.Config{
			Store: e.sched, Notifier: e.notes, People: e.people, Digests: e.svc, Digest: "0 8 * * 1-5",
			Teams: service.New(service.Config{Store: e.store, Managers: []string{shanghai}, Team: team}), Reminders: e.svc,
			Now: e.clock.Now, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	e.clock.Set(shanghai8.Add(time.Minute))
	e.sweep(sched("T0ELSEWHERE"))
	if got := e.digests(shanghai); len(got) != 0 {
		t.Fatalf("an env manager of another workspace got this team's digest: %v", got[0].Text())
	}
	// The two schedulers are set up as two bots would be, each planning
	// the team's next sweep by its own managers: the second looks at once.
	if err := e.store.Wake(e.ctx, e.team); err != nil {
		t.Fatal(err)
	}
	e.sweep(sched(e.team))
	if got := e.digests(shanghai); len(got) != 1 {
		t.Fatalf("the env manager of this workspace got %d digests, want 1", len(got))
	}
}
