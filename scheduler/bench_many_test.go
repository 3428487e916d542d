package scheduler_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/directory"
	"salesbot/handlers"
	"salesbot/internal/fakeslack"
	"salesbot/internal/redistest"
	"salesbot/scheduler"
	"salesbot/service"
	"salesbot/store"
)

// The many-workspace benchmarks' shape: 1,000 workspaces of 100 leads each,
// five reps and one manager (manyManager, a manager of every workspace).
const (
	manyTeams   = 1000
	manyLeads   = 100
	manyReps    = 5
	manyManager = "U0MANYMGR"
)

// manyNow is the benchmarks' clock: a Tuesday, 10:00 UTC, past the
// digest's hour (so that the warm-up sweep sends each workspace's digest
// and the timed ones find it done), inside everyone's working hours.
var manyNow = time.Date(2026, 6, 16, 10, 0, 0, 0, time.UTC)

// manyEnv is 1,000 workspaces on one Redis (redistest.Client: one node, or
// the Cluster when the test run gives one), each with a lead (the first)
// that can be made due now, and the bot's real handlers as the scheduler's
// notifier, posting to a fake Slack.
type manyEnv struct {
	ctx    context.Context
	rdb    redis.UniversalClient
	st     *store.Store
	teams  []string
	first  []string // each team's first lead's key
	fresh  []any    // each team's first lead as created
	firstZ []string // each team's first lead's ID
	slack  *fakeslack.Server
	sched  *scheduler.Scheduler
	notes  *countingNotifier
	svc    *service.Services
	digest string
}

// manyWorkspaces builds the 1,000 workspaces (for the benchmark b and its
// sub-benchmarks): one through the store (100 CreateLead), then 999
// byte-level copies of its keys (DUMP, then RESTORE under each new team's
// keys, pipelined), listed and scheduled as writes would list them.
func manyWorkspaces(b *testing.B) *manyEnv {
	b.Helper()
	e, err := buildMany(b)
	if err != nil {
		b.Fatal(err)
	}
	return e
}

func buildMany(b *testing.B) (*manyEnv, error) {
	ctx := context.Background()
	rdb := redistest.Client(b)
	rdb.AddHook(redistest.TripHook{})
	st := store.New(rdb)
	e := &manyEnv{ctx: ctx, rdb: rdb, st: st}
	start := time.Now()
	template := redistest.Team(b)
	var firstID string
	cadenceC := cadence[salesbot.GradeC]
	for i := range manyLeads {
		// The first falls due now; the others over the next weeks.
		created := manyNow.Add(-cadenceC).Add(time.Duration(i) * 5 * time.Hour)
		owner := fmt.Sprintf("U0MANYREP%d", i%manyReps)
		l, c, err := salesbot.NewLead(salesbot.Actor{User: owner}, template, "", fmt.Sprintf("Workspace Co %03d", i), salesbot.GradeC, created)
		if err != nil {
			return nil, err
		}
		l.Schedule(cadence)
		if _, err := st.CreateLead(ctx, l, c); err != nil {
			return nil, err
		}
		if i == 0 {
			firstID = l.ID
		}
	}
	if err := st.RebuildReadModels(ctx, template); err != nil {
		return nil, err
	}
	keys, err := templateKeys(ctx, rdb, template)
	if err != nil {
		return nil, err
	}
	dumps := make([]*redis.StringCmd, len(keys))
	if _, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, k := range keys {
			dumps[i] = p.Dump(ctx, k)
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("dump the template: %w", err)
	}
	e.teams = []string{template}
	for range manyTeams - 1 {
		e.teams = append(e.teams, redistest.Team(b))
	}
	prefixOf := func(team string) string { return "sb:{" + team + "}:" }
	const perPipe = 20 // teams per pipeline: about 7,000 commands
	for at := 1; at < len(e.teams); at += perPipe {
		_, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for _, team := range e.teams[at:min(at+perPipe, len(e.teams))] {
				for i, k := range keys {
					p.RestoreReplace(ctx, prefixOf(team)+strings.TrimPrefix(k, prefixOf(template)), 0, dumps[i].Val())
				}
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("copy the template: %w", err)
		}
	}
	b.Cleanup(func() { dropMany(rdb, e.teams, keys, prefixOf(template)) })
	members := make([]any, len(e.teams))
	for i, t := range e.teams {
		members[i] = t
		e.first = append(e.first, prefixOf(t)+"lead:"+firstID)
		e.firstZ = append(e.firstZ, firstID)
	}
	if err := rdb.SAdd(ctx, "sb:teams", members...).Err(); err != nil {
		return nil, err
	}
	if err := st.WakeTeams(ctx, e.teams, true); err != nil {
		return nil, err
	}
	// One GET each, pipelined: the leads are in 1,000 slots.
	gets := make([]*redis.StringCmd, len(e.first))
	if _, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, k := range e.first {
			gets[i] = p.Get(ctx, k)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	for _, g := range gets {
		e.fresh = append(e.fresh, g.Val())
	}
	b.Logf("%d workspaces of %d leads (%d keys each) built in %v", len(e.teams), manyLeads, len(keys), time.Since(start).Round(time.Millisecond))

	// The bot as serve runs it, on a fake Slack.
	e.slack = fakeslack.New(b)
	e.slack.RealDMs()
	api := slack.New("xoxb-bench", slack.OptionAPIURL(e.slack.APIURL()))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	clock := func() time.Time { return manyNow }
	people := directory.New(api, clock)
	allDay, err := salesbot.ParseWorkHours("0-24", "0-6")
	if err != nil {
		return nil, err
	}
	e.svc = service.New(service.Config{Store: st, Logger: log, WorkHours: allDay, Managers: []string{manyManager}})
	h := handlers.New(st, api, handlers.Config{Now: clock, Logger: log, Directory: people, Respond: noResponder{},
		Digests: e.svc, Reports: e.svc, Teams: e.svc, Reminders: e.svc, Notify: e.svc, Maintenance: e.svc})
	b.Cleanup(h.Wait)
	e.notes = &countingNotifier{next: h}
	e.digest = "0 8 * * 1-5"
	e.sched, err = scheduler.New(scheduler.Config{
		Store: st, Notifier: e.notes, People: people, Digests: e.svc, Teams: e.svc, Reminders: e.svc, Prefs: e.svc,
		Digest: e.digest, Now: clock, Logger: log,
	})
	if err != nil {
		return nil, err
	}
	// The first sweep: every workspace (all just written to), its digest
	// of the day, its reps' risk news, its first follow-up.
	warm := time.Now()
	if err := e.sched.Sweep(ctx); err != nil {
		return nil, fmt.Errorf("the first sweep: %w", err)
	}
	b.Logf("the first sweep of the %d workspaces took %v", len(e.teams), time.Since(warm).Round(time.Millisecond))
	return e, nil
}

// templateKeys lists a team's keys (on a Cluster, on the master of its slot),
// but the guarded writes' receipts, which expire.
func templateKeys(ctx context.Context, rdb redis.UniversalClient, team string) ([]string, error) {
	var keys []string
	var mu sync.Mutex
	scan := func(ctx context.Context, c redis.Cmdable) error {
		iter := c.Scan(ctx, 0, "sb:{"+team+"}:*", 1000).Iterator()
		for iter.Next(ctx) {
			if !strings.Contains(iter.Val(), "}:receipt:") {
				mu.Lock()
				keys = append(keys, iter.Val())
				mu.Unlock()
			}
		}
		return iter.Err()
	}
	var err error
	if cc, ok := rdb.(*redis.ClusterClient); ok {
		err = cc.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error { return scan(ctx, c) })
	} else {
		err = scan(ctx, rdb)
	}
	return keys, err
}

// dropMany deletes the workspaces' keys (named as the template's were,
// plus the ones the sweeps added), so that a shared server (REDIS_URL) is
// not left 100,000 leads heavier.
func dropMany(rdb redis.UniversalClient, teams, keys []string, template string) {
	ctx := context.Background()
	extra := []string{"due", "inflight", "leases", "attempts", "pause", "pause:auth", "activity", "rm:built"}
	for at := 0; at < len(teams); at += 20 {
		_, _ = rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for _, team := range teams[at:min(at+20, len(teams))] {
				prefix := "sb:{" + team + "}:"
				for _, k := range keys {
					p.Unlink(ctx, prefix+strings.TrimPrefix(k, template))
				}
				for _, k := range extra {
					p.Unlink(ctx, prefix+k)
				}
				p.SRem(ctx, "sb:teams", team)
				p.ZRem(ctx, "{sb:teams}:wake", team)
			}
			return nil
		})
	}
}

// dueNow makes the first lead of n workspaces due now, as created, and
// those workspaces' sweeps due now, as the sweep that planned them would
// have: what a minute in which n follow-ups fall due looks like.
func (e *manyEnv) dueNow(b *testing.B, n int) {
	_, err := e.rdb.Pipelined(e.ctx, func(p redis.Pipeliner) error {
		for i, team := range e.teams[:n] {
			p.Set(e.ctx, e.first[i], e.fresh[i], 0)
			p.ZAdd(e.ctx, "sb:{"+team+"}:due", redis.Z{Score: float64(manyNow.UnixMilli()), Member: e.firstZ[i]})
			p.ZAdd(e.ctx, "{sb:teams}:wake", redis.Z{Score: float64(manyNow.UnixMilli()), Member: team})
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkSweepManyWorkspaces measures one sweep of one replica over
// 1,000 workspaces of 100 leads each, due of them with a follow-up due now
// (sent through the real handlers to a fake Slack, and acked), the others
// with nothing due: what it costs follows the workspaces with work due, not
// the 1,000. "walk-all" is the sweep as it was before the wake schedule
// (each workspace looked at, SweepTeam), for comparison.
func BenchmarkSweepManyWorkspaces(b *testing.B) {
	e := manyWorkspaces(b)
	for _, due := range []int{1000, 100, 0} {
		b.Run(fmt.Sprintf("workspaces=%d,leads=%d,due=%d", manyTeams, manyTeams*manyLeads, due), func(b *testing.B) {
			before := e.notes.reminded.Load()
			sweeps, trips := 0, int64(0)
			for b.Loop() {
				b.StopTimer()
				e.dueNow(b, due)
				ctx, count := redistest.CountTrips(e.ctx)
				b.StartTimer()
				if err := e.sched.Sweep(ctx); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				count.Stop()
				trips += count.Count()
				sweeps++
				b.StartTimer()
			}
			b.StopTimer()
			if got, want := e.notes.reminded.Load()-before, int64(sweeps*due); got != want {
				b.Fatalf("%d reminders in %d sweeps, want %d", got, sweeps, want)
			}
			b.ReportMetric(float64(trips)/float64(sweeps), "redis-trips/sweep")
			if due > 0 {
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(sweeps*due), "ns/due-workspace")
			}
		})
	}
	for _, due := range []int{1000, 0} {
		b.Run(fmt.Sprintf("workspaces=%d,leads=%d,due=%d,walk-all", manyTeams, manyTeams*manyLeads, due), func(b *testing.B) {
			before := e.notes.reminded.Load()
			sweeps, trips := 0, int64(0)
			for b.Loop() {
				b.StopTimer()
				e.dueNow(b, due)
				ctx, count := redistest.CountTrips(e.ctx)
				b.StartTimer()
				for _, team := range e.teams {
					if err := e.sched.SweepTeam(ctx, team); err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer()
				count.Stop()
				trips += count.Count()
				sweeps++
				b.StartTimer()
			}
			b.StopTimer()
			if got, want := e.notes.reminded.Load()-before, int64(sweeps*due); got != want {
				b.Fatalf("%d reminders in %d sweeps, want %d", got, sweeps, want)
			}
			b.ReportMetric(float64(trips)/float64(sweeps), "redis-trips/sweep")
		})
	}
}

// BenchmarkDigestManyWorkspaces measures the digest hour of 1,000
// workspaces: one sweep that builds and sends each workspace's manager
// the daily digest (the real handlers, to a fake Slack); ns/workspace is
// the time per workspace's digest, its sweep included.
func BenchmarkDigestManyWorkspaces(b *testing.B) {
	e := manyWorkspaces(b)
	day := salesbot.DateOf(manyNow)
	digests, trips := 0, int64(0)
	before := len(e.slack.Calls("chat.postMessage"))
	for b.Loop() {
		b.StopTimer()
		// Today's digest not sent yet, and each workspace's sweep due now
		// (08:00 has come).
		_, err := e.rdb.Pipelined(e.ctx, func(p redis.Pipeliner) error {
			for _, team := range e.teams {
				p.Del(e.ctx, "sb:{"+team+"}:once:digest:"+manyManager+":"+day.String())
				p.ZAdd(e.ctx, "{sb:teams}:wake", redis.Z{Score: float64(manyNow.UnixMilli()), Member: team})
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		ctx, count := redistest.CountTrips(e.ctx)
		b.StartTimer()
		if err := e.sched.Sweep(ctx); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		count.Stop()
		trips += count.Count()
		digests += len(e.teams)
		b.StartTimer()
	}
	b.StopTimer()
	if got := len(e.slack.Calls("chat.postMessage")) - before; got != digests {
		b.Fatalf("%d messages, want %d digests", got, digests)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(digests), "ns/workspace")
	b.ReportMetric(float64(trips)/float64(digests), "redis-trips/workspace")
}
