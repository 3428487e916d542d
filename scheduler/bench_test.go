package scheduler_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"sync/atomic"
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

// countingNotifier passes each message on to the notifier it wraps (the
// real handlers, for the sweep benchmark) and counts the leads of those
// that went out.
type countingNotifier struct {
	next     *handlers.Handler
	reminded atomic.Int64
}

// RemindMorning, Nudge, Escalate and TellRisks pass through, so that the
// sweep takes the path it takes in serve (the morning batch with the day's
// risk news, the ladder's steps).
func (n *countingNotifier) RemindMorning(ctx context.Context, team, owner string, leads []*salesbot.Lead, news salesbot.RiskNews) error {
	if err := n.next.RemindMorning(ctx, team, owner, leads, news); err != nil {
		return err
	}
	n.reminded.Add(int64(len(leads)))
	return nil
}

func (n *countingNotifier) Nudge(ctx context.Context, team, owner string, l *salesbot.Lead, since time.Time) error {
	return n.next.Nudge(ctx, team, owner, l, since)
}

func (n *countingNotifier) Escalate(ctx context.Context, team, manager string, l *salesbot.Lead, since time.Time) error {
	return n.next.Escalate(ctx, team, manager, l, since)
}

func (n *countingNotifier) TellRisks(ctx context.Context, team, rep string, news salesbot.RiskNews) error {
	return n.next.TellRisks(ctx, team, rep, news)
}

func (n *countingNotifier) Remind(ctx context.Context, team, owner string, leads []*salesbot.Lead, morning bool) error {
	if err := n.next.Remind(ctx, team, owner, leads, morning); err != nil {
		return err
	}
	n.reminded.Add(int64(len(leads)))
	return nil
}

func (n *countingNotifier) SendDigest(ctx context.Context, team, manager string, d salesbot.Digest) error {
	return n.next.SendDigest(ctx, team, manager, d)
}

func (n *countingNotifier) SendReview(context.Context, string, string, salesbot.Review) error {
	return nil
}

// utcPeople has everyone in UTC, without asking Slack.
type utcPeople struct{}

func (utcPeople) Zone(context.Context, string) (*time.Location, bool) { return time.UTC, true }

// BenchmarkSweep measures one production sweep of a team whose due set
// holds total entries, due of them due now: the default batch
// (scheduler.DefaultBatch) claimed, and each rep's message built and sent by
// the real handlers (the leads' last visits read, the rep's language and
// time zone from the directory, whose users.info calls go to a fake Slack
// over HTTP through slack-go, chat.postMessage the same way, the message
// remembered in Redis), then acked. Its cost must follow the batch, not the
// total. Sizes above 100k run only with SALESBOT_BENCH_BIG=1.
func BenchmarkSweep(b *testing.B) {
	forSizes(b, func(b *testing.B, e *benchEnv) {
		fs := fakeslack.New(b)
		fs.RealDMs()
		api := slack.New("xoxb-bench", slack.OptionAPIURL(fs.APIURL()))
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		clock := func() time.Time { return e.now }
		people := directory.New(api, clock)
		svc := service.New(service.Config{Store: e.st, Logger: log, WorkHours: e.allDay})
		h := handlers.New(e.st, api, handlers.Config{Now: clock, Logger: log, Directory: people, Respond: noResponder{},
			Digests: svc, Reports: svc, Teams: svc, Reminders: svc, Notify: svc, Maintenance: svc})
		b.Cleanup(h.Wait)
		notifier := &countingNotifier{next: h}
		// As serve runs it: everyone's choices read (the morning batch by
		// default), the escalation ladder on, the risk news of the day.
		s, err := scheduler.New(scheduler.Config{
			Store: &teamStore{Store: e.st, team: e.team}, Notifier: notifier, People: people,
			Digests: svc, Teams: svc, Reminders: svc, Prefs: svc,
			Now: clock, Logger: log,
		})
		if err != nil {
			b.Fatal(err)
		}
		// A sweep claims up to three batches when the first is full (so
		// that a morning batch many reps share goes whole).
		batch := min(e.due, 3*scheduler.DefaultBatch)
		sweeps := 0
		for b.Loop() {
			b.StopTimer()
			e.reset(b)
			b.StartTimer()
			if err := s.Sweep(e.ctx); err != nil {
				b.Fatal(err)
			}
			sweeps++
		}
		b.StopTimer()
		if got, want := notifier.reminded.Load(), int64(sweeps*batch); got != want {
			b.Fatalf("%d reminders in %d sweeps, want %d", got, sweeps, want)
		}
		e.wantDueNow(b, e.due-batch)
		posts := len(fs.Calls("chat.postMessage"))
		b.ReportMetric(float64(batch), "sent/sweep")
		b.ReportMetric(float64(posts)/float64(sweeps), "posts/sweep")
	})
}

// BenchmarkClaimDue measures the one step of a sweep that reads the due
// set: the Lua script taking the due entries out of total.
func BenchmarkClaimDue(b *testing.B) {
	forSizes(b, func(b *testing.B, e *benchEnv) {
		for b.Loop() {
			b.StopTimer()
			e.reset(b)
			if err := e.rdb.Del(e.ctx, e.prefix+"inflight", e.prefix+"leases").Err(); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			claims, _, err := e.st.ClaimDue(e.ctx, e.team, "bench", e.now, time.Minute, e.due)
			if err != nil || len(claims) != e.due {
				b.Fatalf("claimed %d (err %v), want %d", len(claims), err, e.due)
			}
		}
		b.StopTimer()
		e.wantLeft(b, e.total-e.due)
	})
}

// forSizes runs fn as a sub-benchmark for each size of the due set: 1,000
// due among 10k, 100k and 1M, and, to show what the cost follows, 100 and
// 3,000 due among 100k.
func forSizes(b *testing.B, fn func(*testing.B, *benchEnv)) {
	for _, size := range []struct{ total, due int }{
		{10_000, 1000}, {100_000, 1000}, {1_000_000, 1000}, {100_000, 100}, {100_000, 3000},
	} {
		b.Run(fmt.Sprintf("total=%d,due=%d", size.total, size.due), func(b *testing.B) {
			if size.total > 100_000 && os.Getenv("SALESBOT_BENCH_BIG") != "1" {
				b.Skip("set SALESBOT_BENCH_BIG=1 to run sizes above 100k")
			}
			fn(b, newBenchEnv(b, size.total, size.due))
		})
	}
}

// benchEnv is a team whose due set holds total entries, due of them real
// leads due now.
type benchEnv struct {
	ctx          context.Context
	rdb          redis.UniversalClient
	st           *store.Store
	team, prefix string
	total, due   int
	now          time.Time
	allDay       salesbot.WorkHours
	dueAt        []redis.Z // the due entries
	leadKeys     []string  // the due leads' keys
	fresh        []any     // the due leads as created
}

func newBenchEnv(b *testing.B, total, due int) *benchEnv {
	rdb := redistest.Client(b)
	e := &benchEnv{ctx: context.Background(), rdb: rdb, st: store.New(rdb), team: redistest.Team(b), total: total, due: due,
		now: time.Date(2026, 6, 16, 10, 0, 0, 0, time.UTC)}
	e.prefix = "sb:{" + e.team + "}:"
	b.Cleanup(func() { dropTeam(b, rdb, e.team) })
	var err error
	if e.allDay, err = salesbot.ParseWorkHours("0-24", "0-6"); err != nil {
		b.Fatal(err)
	}

	// The due follow-ups are real leads, registered a cadence ago.
	for i := range due {
		at := e.now.Add(-time.Duration(i) * time.Second)
		l, c, err := salesbot.NewLead(salesbot.Actor{User: fmt.Sprintf("U%04d", i%50)}, e.team, "", fmt.Sprintf("Bench Co %05d", i), salesbot.GradeC, at.Add(-cadence[salesbot.GradeC]))
		if err != nil {
			b.Fatal(err)
		}
		l.Schedule(cadence)
		if _, err := e.st.CreateLead(e.ctx, l, c); err != nil {
			b.Fatal(err)
		}
		// A visit on the day it was registered, for the reminder to show.
		_, err = e.st.UpdateLead(e.ctx, e.team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
			v := &salesbot.Visit{Kind: salesbot.KindVisit, Notes: "Met the buyer; next step a demo"}
			c, err := l.RecordVisit(salesbot.Actor{User: l.Owner}, v, time.UTC, at.Add(-cadence[salesbot.GradeC]))
			l.Schedule(cadence)
			return salesbot.Update{Changes: []salesbot.Change{c}, Visit: v}, err
		})
		if err != nil {
			b.Fatal(err)
		}
		e.leadKeys = append(e.leadKeys, e.prefix+"lead:"+l.ID)
		e.dueAt = append(e.dueAt, redis.Z{Score: float64(l.Due.UnixMilli()), Member: l.ID})
	}
	// The leads as created, to put back before each sweep (a sweep marks
	// them reminded).
	if e.fresh, err = rdb.MGet(e.ctx, e.leadKeys...).Result(); err != nil {
		b.Fatal(err)
	}
	// The rest fall due from tomorrow on, one a second.
	future := e.now.Add(salesbot.Day)
	const batch = 10_000
	for start := 0; start < total-due; start += batch {
		_, err := rdb.Pipelined(e.ctx, func(p redis.Pipeliner) error {
			zs := make([]redis.Z, 0, batch)
			for i := start; i < min(start+batch, total-due); i++ {
				zs = append(zs, redis.Z{Score: float64(future.Add(time.Duration(i) * time.Second).UnixMilli()), Member: "later" + strconv.Itoa(i)})
			}
			p.ZAdd(e.ctx, e.prefix+"due", zs...)
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	e.wantLeft(b, total)
	return e
}

// reset puts the due leads back as they were created, and due, and the
// team's sweep due (as the sweep before would have planned it).
func (e *benchEnv) reset(b *testing.B) {
	if err := e.st.Wake(e.ctx, e.team); err != nil {
		b.Fatal(err)
	}
	_, err := e.rdb.Pipelined(e.ctx, func(p redis.Pipeliner) error {
		for i, key := range e.leadKeys {
			p.Set(e.ctx, key, e.fresh[i], 0)
		}
		p.ZAdd(e.ctx, e.prefix+"due", e.dueAt...)
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// wantLeft fails unless the due set holds n entries.
func (e *benchEnv) wantLeft(b *testing.B, n int) {
	if got, err := e.rdb.ZCard(e.ctx, e.prefix+"due").Result(); err != nil || got != int64(n) {
		b.Fatalf("due set holds %d (err %v), want %d", got, err, n)
	}
}

// wantDueNow fails unless the due set holds n entries due now, and all
// total entries: the leads reminded are back in it, for their escalation
// ladder's next step.
func (e *benchEnv) wantDueNow(b *testing.B, n int) {
	if got, err := e.rdb.ZCount(e.ctx, e.prefix+"due", "-inf", strconv.FormatInt(e.now.UnixMilli(), 10)).Result(); err != nil || got != int64(n) {
		b.Fatalf("due set holds %d due now (err %v), want %d", got, err, n)
	}
	e.wantLeft(b, e.total)
}

// dropTeam deletes a benchmark team's keys, so a shared server (REDIS_URL)
// is not left a million entries heavier.
func dropTeam(tb testing.TB, rdb redis.UniversalClient, team string) {
	ctx := context.Background()
	iter := rdb.Scan(ctx, 0, "sb:{"+team+"}:*", 1000).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		tb.Logf("drop team %s: %v", team, err)
		return
	}
	for start := 0; start < len(keys); start += 500 {
		_ = rdb.Unlink(ctx, keys[start:min(start+500, len(keys))]...).Err()
	}
	_ = rdb.SRem(ctx, "sb:teams", team).Err()
}
