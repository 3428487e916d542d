package scheduler_test

import (
	"context"
	"encoding/base32"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"salesbot"
	"salesbot/internal/redistest"
	"salesbot/scheduler"
	"salesbot/service"
	"salesbot/store"
)

// The digest benchmark's team: leads spread over digestReps reps, with a
// day's activity for the manager to read about.
const (
	digestReps    = 100
	digestManager = "UMGR0001"
	// storeFillMax old leads at most are written through the store
	// (CreateLead); a bigger team's other old leads are byte-level clones of
	// them, written with pipelined raw commands, which
	// TestDigestFillMatchesStore shows leave what the store would.
	storeFillMax = 10_000
	// fillBatch leads are cloned per pipeline.
	fillBatch = 10_000
	// storeActivityMax is the store's activityMax (store/store.go): cloned
	// activity entries are added with MAXLEN ~ it, as the store adds them.
	storeActivityMax = 100_000
)

// digestNow is the benchmark's clock: a Tuesday at 10:00 UTC, after the
// 08:00 digest. The manager's last digest went out a day before.
var (
	digestNow   = time.Date(2026, 6, 16, 10, 0, 0, 0, time.UTC)
	digestSince = digestNow.Add(-salesbot.Day)
)

// BenchmarkDigest measures what one manager's daily digest costs the
// scheduler for a team of N leads over 100 reps: one SweepTeam at the
// digest's hour, which claims the day's digest, reads the day's activity and
// the team's read models within the scheduler's default DigestLimits (the
// pipeline's counts, the most overdue follow-ups, the untouched A and B
// leads, each rep's first A and B leads, and the leads the day's changes
// touched), builds the digest and "sends" it with a notifier that sends
// nothing, then sets the manager's mark. Reminders are left out (ClaimDue
// finds none): BenchmarkSweep measures them. Sizes above 10k run only with
// SALESBOT_BENCH_BIG=1.
func BenchmarkDigest(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("leads=%d,reps=%d", n, digestReps), func(b *testing.B) {
			if n > 10_000 && os.Getenv("SALESBOT_BENCH_BIG") != "1" {
				b.Skip("set SALESBOT_BENCH_BIG=1 to run sizes above 10k")
			}
			shape := teamShape{leads: n, reps: digestReps, touchedPerRep: 10, newPerRep: 1}
			shape.templates = min(storeFillMax, shape.oldLeads())
			bt := fillBench(b, shape)
			b.Run("digest", func(b *testing.B) { benchDigest(b, bt) })
			b.Run("home", func(b *testing.B) { benchHome(b, bt) })
		})
	}
}

// benchTeam is a filled team the digest and Home benchmarks share.
type benchTeam struct {
	shape    teamShape
	want     digestWant
	rdb      redis.UniversalClient
	slow     *slowestCommand
	st       *store.Store
	team     string
	redisMiB float64
}

// fillBench writes a team of the given shape, with its read models built.
func fillBench(b *testing.B, shape teamShape) *benchTeam {
	ctx := context.Background()
	// A read timeout of a minute, not go-redis's 3 s or the bot's 1 s
	// (store.NewClient), so that the largest teams are measured at all;
	// what the bot's own client makes of each team is logged below.
	opt, err := redis.ParseURL(redistest.URL(b))
	if err != nil {
		b.Fatal(err)
	}
	opt.ReadTimeout = time.Minute
	rdb := redis.NewClient(opt)
	b.Cleanup(func() { _ = rdb.Close() })
	slow := &slowestCommand{}
	rdb.AddHook(slow)
	st := store.New(rdb, store.WithChangeTime())
	team := redistest.Team(b)
	b.Cleanup(func() { dropTeam(b, rdb, team) })

	start := time.Now()
	want := fillTeam(b, ctx, rdb, st, team, shape, true)
	how := "store.CreateLead/UpdateLead"
	if shape.templates < shape.oldLeads() {
		how = fmt.Sprintf("the store (%d leads) and byte-level clones (%d)", shape.leads-(shape.oldLeads()-shape.templates), shape.oldLeads()-shape.templates)
	}
	redisMiB := redisUsedMemory(b, ctx, rdb) / (1 << 20)
	b.Logf("filled %d leads (%d open, %d overdue) and %d changes of the day with %s in %v; redis-server uses %.0f MiB",
		want.leads, want.open, want.overdue, want.changes(), how, time.Since(start).Round(time.Millisecond), redisMiB)

	// The clones carry their read models, as the store writes them; the
	// rebuild is what a team from before read models pays once, in the
	// sweep.
	rebuild := time.Now()
	if err := st.RebuildReadModels(ctx, team); err != nil {
		b.Fatal(err)
	}
	b.Logf("RebuildReadModels of %d leads took %v", want.leads, time.Since(rebuild).Round(time.Millisecond))
	return &benchTeam{shape: shape, want: want, rdb: rdb, slow: slow, st: st, team: team, redisMiB: redisMiB}
}

// benchDigest measures one manager's daily digest, as the scheduler sends
// it (see BenchmarkDigest).
func benchDigest(b *testing.B, bt *benchTeam) {
	ctx := context.Background()
	shape, want, rdb, slow, st, team := bt.shape, bt.want, bt.rdb, bt.slow, bt.st, bt.team
	ds := &digestStore{Store: st}
	notifier := &digestNotifier{}
	svc := service.New(service.Config{Store: ds, Managers: []string{digestManager}})
	s, err := scheduler.New(scheduler.Config{
		Store: ds, Notifier: notifier, People: utcPeople{}, Digests: svc, Teams: svc, Reminders: svc,
		Digest: "0 8 * * *",
		Now:    func() time.Time { return digestNow }, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		b.Fatal(err)
	}
	claim := fmt.Sprintf("digest:%s:%s", digestManager, salesbot.DateOf(digestNow))
	loopStart := time.Now().Truncate(time.Second) // SLOWLOG's times are whole seconds
	b.ReportAllocs()
	digests := 0
	var slowest time.Duration // sum over the digests of each one's slowest Redis command
	trips := 0                // Redis round trips, over all the digests
	slowName := map[string]bool{}
	for b.Loop() {
		b.StopTimer()
		// Today's digest has not gone out; yesterday's went out a day ago.
		if err := st.ForgetOnce(ctx, team, claim); err != nil {
			b.Fatal(err)
		}
		if err := st.SetMark(ctx, team, "digest:"+digestManager, digestSince); err != nil {
			b.Fatal(err)
		}
		slow.d, slow.name, slow.trips = 0, "", 0
		b.StartTimer()
		if err := s.SweepTeam(ctx, team); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		slowest += slow.d
		trips += slow.trips
		slowName[slow.name] = true
		digests++
		b.StartTimer()
	}
	b.StopTimer()
	notifier.check(b, digests, shape, want)
	limits := service.DefaultDigestLimits()
	if most := want.changes() + limits.Overdue + 2*limits.Untouched + shape.reps*limits.PerRep; ds.leadsRead > most || ds.leadsRead == 0 {
		b.Fatalf("the digest read %d leads; want some, and at most %d (the day's changes and the limits)", ds.leadsRead, most)
	}
	if got, err := st.Mark(ctx, team, "digest:"+digestManager); err != nil || !got.Equal(digestNow) {
		b.Fatalf("digest mark at %v (err %v), want %v", got, err, digestNow)
	}
	per := func(d time.Duration) float64 { return d.Seconds() * 1000 / float64(digests) }
	b.ReportMetric(per(b.Elapsed()), "ms/digest")
	b.ReportMetric(per(ds.digestData), "digestdata-ms/op")
	b.ReportMetric(float64(ds.leadsRead), "leads-read/op")
	b.ReportMetric(per(slowest), "slowest-cmd-ms/op")
	b.ReportMetric(float64(trips)/float64(digests), "redis-trips/op")
	b.Logf("slowest Redis command of each digest: %v", slices.Sorted(maps.Keys(slowName)))
	if blocked, ok := redisBusy(b, ctx, rdb, loopStart, "mget"); ok {
		b.ReportMetric(blocked.Seconds()*1000, "redis-mget-ms")
	}
	b.ReportMetric(float64(want.changes()), "changes/digest")
	b.ReportMetric(bt.redisMiB, "redis-MiB")
}

// benchHome measures what a manager's Home reads of the team: the
// overview (the pipeline's counts, the most overdue follow-ups and the
// untouched A and B leads, service.Overview) and the manager's own leads,
// one after the other as separate Home opens do (concurrent opens share
// one overview). Rendering the blocks and views.publish are left out.
func benchHome(b *testing.B, bt *benchTeam) {
	ctx := context.Background()
	svc := service.New(service.Config{Store: bt.st})
	b.ReportAllocs()
	var d salesbot.Digest
	for b.Loop() {
		var err error
		if d, err = svc.Overview(ctx, salesbot.Actor{User: digestManager, Manager: true}, bt.team, digestNow); err != nil {
			b.Fatal(err)
		}
		if _, err := bt.st.LeadsOwnedBy(ctx, bt.team, digestManager); err != nil {
			b.Fatal(err)
		}
	}
	if d.Open != bt.want.open || d.OverdueTotal != bt.want.overdue {
		b.Fatalf("overview: %d open, %d overdue; want %d and %d", d.Open, d.OverdueTotal, bt.want.open, bt.want.overdue)
	}
	b.ReportMetric(float64(d.OverdueShown()), "overdue-listed")
}

// redisBusy is the longest that redis-server spent executing one command
// named name since start, serving no other client meanwhile, as its SLOWLOG
// tells (it logs only commands slower than slowlog-log-slower-than, 10 ms by
// default); ok is false when none was logged.
func redisBusy(b *testing.B, ctx context.Context, rdb redis.UniversalClient, start time.Time, name string) (busy time.Duration, ok bool) {
	b.Helper()
	entries, err := rdb.SlowLogGet(ctx, 128).Result()
	if err != nil {
		b.Fatal(err)
	}
	for _, e := range entries {
		if len(e.Args) > 0 && strings.EqualFold(e.Args[0], name) && !e.Time.Before(start) && e.Duration > busy {
			busy, ok = e.Duration, true
		}
	}
	return busy, ok
}

// slowestCommand keeps the slowest Redis command (a pipeline counts as
// one) since it was last reset, and counts the round trips.
type slowestCommand struct {
	d     time.Duration
	name  string
	trips int
}

func (*slowestCommand) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *slowestCommand) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		start := time.Now()
		err := next(ctx, cmd)
		h.trips++
		if d := time.Since(start); d > h.d {
			h.d, h.name = d, strings.ToUpper(cmd.Name())
		}
		return err
	}
}

func (h *slowestCommand) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		start := time.Now()
		err := next(ctx, cmds)
		h.trips++
		if d := time.Since(start); d > h.d {
			h.d, h.name = d, "pipeline"
		}
		return err
	}
}

// digestStore is the real store with no reminders due (the digest alone is
// measured), timing the digest's reads.
type digestStore struct {
	*store.Store
	leadsRead  int
	digestData time.Duration
}

func (*digestStore) ClaimDue(context.Context, string, string, time.Time, time.Duration, int) ([]salesbot.ReminderClaim, int, error) {
	return nil, 0, nil
}

func (s *digestStore) DigestData(ctx context.Context, team string, q salesbot.DigestQuery) (salesbot.DigestData, error) {
	start := time.Now()
	d, err := s.Store.DigestData(ctx, team, q)
	s.digestData += time.Since(start)
	s.leadsRead = len(d.Leads)
	return d, err
}

// digestNotifier sends nothing and keeps the last digest.
type digestNotifier struct {
	sent, reminded int
	manager        string
	last           salesbot.Digest
}

func (n *digestNotifier) Remind(_ context.Context, _, _ string, leads []*salesbot.Lead, _ bool) error {
	n.reminded += len(leads)
	return nil
}

func (n *digestNotifier) SendDigest(_ context.Context, _, manager string, d salesbot.Digest) error {
	n.sent++
	n.manager, n.last = manager, d
	return nil
}

func (n *digestNotifier) SendReview(context.Context, string, string, salesbot.Review) error {
	return nil
}

// check fails unless every sweep sent the manager one digest and the last
// one reports the whole team: every open lead in the pipeline, every rep,
// every change of the day, and every overdue follow-up counted (the most
// overdue of them listed, up to the digest's limit).
func (n *digestNotifier) check(b *testing.B, digests int, shape teamShape, want digestWant) {
	b.Helper()
	if n.sent != digests || n.reminded != 0 || n.manager != digestManager {
		b.Fatalf("%d digests to %q and %d reminders in %d sweeps, want one digest to %s per sweep and no reminder",
			n.sent, n.manager, n.reminded, digests, digestManager)
	}
	d := n.last
	var got digestWant
	got.leads, got.open = want.leads, d.Open
	pipeline := 0
	for _, stages := range d.Pipeline {
		for _, k := range stages {
			pipeline += k
		}
	}
	for _, r := range d.Reps {
		got.visits += len(r.Visits)
		got.newLeads += len(r.NewLeads)
		got.stageMoves += len(r.StageMoves)
		got.upgrades += len(r.Upgrades)
		got.downgrades += len(r.Downgrades)
		got.won += len(r.Won)
		got.lost += len(r.Lost)
	}
	got.overdue = d.OverdueTotal
	if shown, limit := d.OverdueShown(), service.DefaultDigestLimits().Overdue; shown < min(limit, want.overdue) {
		b.Fatalf("the digest lists %d overdue follow-ups; want %d (the most overdue of %d)", shown, min(limit, want.overdue), want.overdue)
	}
	if got != want || pipeline != want.open || len(d.Reps) != shape.reps || !d.Since.Equal(digestSince) || !d.Until.Equal(digestNow) {
		b.Fatalf("digest %v–%v of %d reps, %d in the pipeline, reports %+v;\nwant %v–%v of %d reps, %d in the pipeline, %+v",
			d.Since, d.Until, len(d.Reps), pipeline, got, digestSince, digestNow, shape.reps, want.open, want)
	}
}

// TestDigestFillMatchesStore checks that the benchmark's byte-level clones
// of template leads leave exactly what writing the same leads through
// store.CreateLead leaves: the same keys, types, encodings and values (byte
// for byte, scores, list and stream order), and the same expected digest.
func TestDigestFillMatchesStore(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.Client(t)
	st := store.New(rdb, store.WithChangeTime())
	shape := teamShape{leads: 700, reps: 10, touchedPerRep: 6, newPerRep: 2, templates: 100}
	viaStore, viaRaw := redistest.Team(t), redistest.Team(t)
	t.Cleanup(func() { dropTeam(t, rdb, viaStore); dropTeam(t, rdb, viaRaw) })

	wantStore := fillTeam(t, ctx, rdb, st, viaStore, shape, false)
	wantRaw := fillTeam(t, ctx, rdb, st, viaRaw, shape, true)
	if wantStore != wantRaw {
		t.Errorf("expected digest: %+v through the store, %+v raw", wantStore, wantRaw)
	}
	if wantStore.visits == 0 || wantStore.stageMoves == 0 || wantStore.upgrades == 0 || wantStore.downgrades == 0 ||
		wantStore.won == 0 || wantStore.lost == 0 || wantStore.overdue == 0 || wantStore.open == wantStore.leads {
		t.Errorf("the fill lacks variety: %+v", wantStore)
	}
	a, b := dumpTeam(t, ctx, rdb, viaStore), dumpTeam(t, ctx, rdb, viaRaw)
	if len(a) < shape.leads*2 {
		t.Fatalf("only %d keys through the store for %d leads", len(a), shape.leads)
	}
	for key, va := range a {
		vb, ok := b[key]
		if !ok {
			t.Errorf("%s: written through the store, not raw", key)
			continue
		}
		if vb = strings.ReplaceAll(vb, viaRaw, viaStore); va != vb {
			t.Errorf("%s:\nthrough the store: %.600s\nraw:               %.600s", key, va, vb)
		}
	}
	for key := range b {
		if _, ok := a[key]; !ok {
			t.Errorf("%s: written raw, not through the store", key)
		}
	}
	for _, team := range []string{viaStore, viaRaw} {
		if ok, err := rdb.SIsMember(ctx, "sb:teams", team).Result(); err != nil || !ok {
			t.Errorf("team %s not listed in sb:teams (err %v)", team, err)
		}
	}
}

// dumpTeam reads every key of a team, by its name without the team's
// prefix, as its type, encoding and contents (a stream's entries without
// their IDs, which are the server's clock).
func dumpTeam(t *testing.T, ctx context.Context, rdb redis.UniversalClient, team string) map[string]string {
	t.Helper()
	prefix := "sb:{" + team + "}:"
	var keys []string
	iter := rdb.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	for iter.Next(ctx) {
		if strings.HasPrefix(iter.Val(), prefix+"receipt:") {
			continue // a guarded write's receipt: gone within a minute
		}
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	out := make(map[string]string, len(keys))
	for _, key := range keys {
		typ, err := rdb.Type(ctx, key).Result()
		if err != nil {
			t.Fatal(err)
		}
		enc, err := rdb.ObjectEncoding(ctx, key).Result()
		if err != nil {
			t.Fatal(err)
		}
		var v any
		switch typ {
		case "string":
			v, err = rdb.Get(ctx, key).Result()
		case "hash":
			v, err = rdb.HGetAll(ctx, key).Result()
		case "set":
			var m []string
			m, err = rdb.SMembers(ctx, key).Result()
			slices.Sort(m)
			v = m
		case "zset":
			v, err = rdb.ZRangeWithScores(ctx, key, 0, -1).Result()
		case "list":
			v, err = rdb.LRange(ctx, key, 0, -1).Result()
		case "stream":
			var entries []redis.XMessage
			entries, err = rdb.XRange(ctx, key, "-", "+").Result()
			values := make([]map[string]any, len(entries))
			for i, e := range entries {
				values[i] = e.Values
			}
			v = values
		default:
			t.Fatalf("%s: unexpected type %s", key, typ)
		}
		if err != nil {
			t.Fatal(err)
		}
		out[strings.TrimPrefix(key, prefix)] = fmt.Sprintf("%s %s %v", typ, enc, v)
	}
	return out
}

// teamShape says how big a team is and how busy its last day was.
type teamShape struct {
	leads         int // in all, the day's new ones included
	reps          int
	touchedPerRep int // old leads each rep updated during the day
	newPerRep     int // leads each rep registered during the day
	templates     int // old leads generated one by one; the others copy them (fillTeam)
}

func (s teamShape) newLeads() int { return s.reps * s.newPerRep }
func (s teamShape) oldLeads() int { return s.leads - s.newLeads() }

// digestWant is what the manager's digest must report about a filled team.
type digestWant struct {
	leads, open, overdue                                          int
	visits, newLeads, stageMoves, upgrades, downgrades, won, lost int
}

func (w digestWant) changes() int {
	return w.visits + w.newLeads + w.stageMoves + w.upgrades + w.downgrades + w.won + w.lost
}

// count adds (sign 1) or takes back (-1) a lead as it is now.
func (w *digestWant) count(l *salesbot.Lead, sign int) {
	w.leads += sign
	if l.Open() {
		w.open += sign
		if l.NextDue(cadence).Before(digestNow) {
			w.overdue += sign
		}
	}
}

// changed counts the changes of the day a digest lists.
func (w *digestWant) changed(changes []salesbot.Change) {
	for _, c := range changes {
		switch c.Kind {
		case salesbot.ChangeVisit:
			w.visits++
		case salesbot.ChangeCreated:
			w.newLeads++
		case salesbot.ChangeStage:
			w.stageMoves++
		case salesbot.ChangeGrade:
			if salesbot.Grade(c.To).Rank() < salesbot.Grade(c.From).Rank() {
				w.upgrades++
			} else {
				w.downgrades++
			}
		case salesbot.ChangeWon:
			w.won++
		case salesbot.ChangeLost:
			w.lost++
		}
	}
}

// fillTeam writes a team of the given shape and returns what the digest
// must report about it. Its old leads come first: the first
// shape.templates (oldLead) through store.CreateLead, then each other old
// lead i as a copy of template i % templates under its own ID and company
// name (cloneLead). raw writes those copies as byte-level clones of what
// the store wrote for their template (cloneTemplates); otherwise they go
// through store.CreateLead too. Then come the day's events in time order,
// through the store either way: new leads registered (newLead,
// CreateLead) and old ones touched (touch, UpdateLead).
func fillTeam(tb testing.TB, ctx context.Context, rdb redis.UniversalClient, st *store.Store, team string, shape teamShape, raw bool) digestWant {
	tb.Helper()
	var want digestWant
	if shape.templates < 1 || shape.templates > shape.oldLeads() || shape.templates%shape.reps != 0 {
		tb.Fatalf("%d templates: want a multiple of the %d reps, at most the %d old leads", shape.templates, shape.reps, shape.oldLeads())
	}
	templates := make([]template, shape.templates)
	for i := range templates {
		l, c := oldLead(tb, team, i, shape)
		if _, err := st.CreateLead(ctx, l, c); err != nil {
			tb.Fatal(err)
		}
		templates[i] = template{lead: l, created: c}
		want.count(l, 1)
	}
	if raw {
		cloneTemplates(tb, ctx, rdb, team, templates, shape.oldLeads())
	}
	for i := shape.templates; i < shape.oldLeads(); i++ {
		t := templates[i%len(templates)]
		if !raw {
			l, c := cloneLead(t, i)
			if _, err := st.CreateLead(ctx, l, c); err != nil {
				tb.Fatal(err)
			}
		}
		want.count(t.lead, 1)
	}

	// The day: touches and new leads, evenly spread over (since, now).
	per := shape.touchedPerRep + shape.newPerRep
	events := shape.reps * per
	touches := shape.reps * shape.touchedPerRep
	step := salesbot.Day / time.Duration(events+1)
	stride := shape.oldLeads() / touches
	if stride < 2 {
		tb.Fatalf("%d old leads are too few for %d touches", shape.oldLeads(), touches)
	}
	touched, fresh := 0, 0
	for e := range events {
		at := digestSince.Add(time.Duration(e+1) * step)
		if e%per >= shape.touchedPerRep {
			l, c := newLead(tb, team, shape.oldLeads()+fresh, shape, at)
			fresh++
			if _, err := st.CreateLead(ctx, l, c); err != nil {
				tb.Fatal(err)
			}
			want.count(l, 1)
			want.changed([]salesbot.Change{c})
			continue
		}
		// The touch's lead: the next open one from its place on.
		j := touched
		touched++
		i := j * stride
		for ; ; i++ {
			if i >= shape.oldLeads() {
				tb.Fatalf("no open lead left for touch %d", j)
			}
			l, err := st.Lead(ctx, team, benchLeadID(i))
			if err != nil {
				tb.Fatal(err)
			}
			if l.Open() {
				break
			}
		}
		var (
			before salesbot.Lead
			u      salesbot.Update
		)
		l, err := st.UpdateLead(ctx, team, benchLeadID(i), func(l *salesbot.Lead) (salesbot.Update, error) {
			before = *l
			var err error
			u, err = touch(l, j, at)
			return u, err
		})
		if err != nil {
			tb.Fatal(err)
		}
		want.count(&before, -1)
		want.count(l, 1)
		want.changed(u.Changes)
	}
	return want
}

// template is an old lead written through the store, for others to copy.
type template struct {
	lead    *salesbot.Lead
	created salesbot.Change
	// What the store wrote for it: its own keys, and its entries in the
	// team's shared keys (cloneTemplates).
	pieces []piece
}

// cloneLead is old lead i as a copy of template t: the same lead and
// registration under lead i's ID and company name.
func cloneLead(t template, i int) (*salesbot.Lead, salesbot.Change) {
	l, c := *t.lead, t.created
	l.ID, l.Company = benchLeadID(i), benchCompany(i)
	c.LeadID, c.Company = l.ID, l.Company
	return &l, c
}

// piece is one thing the store wrote for a template lead: a key of its own
// (its name holds the lead's ID), or one entry of a key the team's leads
// share (hash field, set or sorted-set member, stream entry) that holds the
// lead's ID.
type piece struct {
	typ, key string
	vals     []string // string: the value; list: the elements, head first; hash: field, value; set, zset: members; stream: the entry's fields and values
	scores   []float64
}

// cloneTemplates writes old leads templates..n-1 as byte-level clones of
// what the store wrote for their templates, whatever its encoding: it reads
// the team's keys, finds each template's pieces by its ID (any run of 8
// lowercase letters and digits that is one), and writes them again for
// lead i with template i % len(templates)'s ID, company name and normalised
// name replaced by lead i's. The writes go out in pipelines of fillBatch
// leads, in the leads' order, so a stream gets its entries in the order
// the store would have added them; a stream entry is added with MAXLEN ~
// the store's activityMax. TestDigestFillMatchesStore shows the result is
// what the store itself writes.
func cloneTemplates(tb testing.TB, ctx context.Context, rdb redis.UniversalClient, team string, templates []template, n int) {
	tb.Helper()
	byID := make(map[string]int, len(templates))
	for t, tm := range templates {
		byID[tm.lead.ID] = t
	}
	owner := func(s string) (t int, ok bool) {
		found := -1
		for _, tok := range idTokens(s) {
			if t, ok := byID[tok]; ok {
				if found >= 0 && found != t {
					tb.Fatalf("%q holds the IDs of two leads", s)
				}
				found = t
			}
		}
		return found, found >= 0
	}
	for key, typ := range teamKeys(tb, ctx, rdb, team) {
		t, own := owner(key)
		var entries []piece // the key's entries, or the key itself when it is a lead's own
		switch typ {
		case "string":
			v, err := rdb.Get(ctx, key).Result()
			if err != nil {
				tb.Fatal(err)
			}
			entries = []piece{{typ: typ, key: key, vals: []string{v}}}
		case "list":
			v, err := rdb.LRange(ctx, key, 0, -1).Result()
			if err != nil {
				tb.Fatal(err)
			}
			entries = []piece{{typ: typ, key: key, vals: v}}
		case "hash":
			m, err := rdb.HGetAll(ctx, key).Result()
			if err != nil {
				tb.Fatal(err)
			}
			for f, v := range m {
				entries = append(entries, piece{typ: typ, key: key, vals: []string{f, v}})
			}
		case "set":
			m, err := rdb.SMembers(ctx, key).Result()
			if err != nil {
				tb.Fatal(err)
			}
			for _, v := range m {
				entries = append(entries, piece{typ: typ, key: key, vals: []string{v}})
			}
		case "zset":
			m, err := rdb.ZRangeWithScores(ctx, key, 0, -1).Result()
			if err != nil {
				tb.Fatal(err)
			}
			for _, z := range m {
				entries = append(entries, piece{typ: typ, key: key, vals: []string{z.Member.(string)}, scores: []float64{z.Score}})
			}
		case "stream":
			m, err := rdb.XRange(ctx, key, "-", "+").Result()
			if err != nil {
				tb.Fatal(err)
			}
			for _, x := range m {
				e := piece{typ: typ, key: key}
				for f, v := range x.Values {
					e.vals = append(e.vals, f, v.(string))
				}
				entries = append(entries, e)
			}
		default:
			tb.Fatalf("%s: cannot clone a %s", key, typ)
		}
		if own {
			if typ != "string" && typ != "list" {
				tb.Fatalf("%s: cannot clone a lead's own %s", key, typ)
			}
			templates[t].pieces = append(templates[t].pieces, entries...)
			continue
		}
		for _, e := range entries {
			if t, ok := owner(strings.Join(e.vals, " ")); ok {
				if typ == "string" || typ == "list" {
					tb.Fatalf("%s: cannot clone a lead's part of a shared %s", key, typ)
				}
				templates[t].pieces = append(templates[t].pieces, e)
			}
		}
	}
	// The store places each activity entry at its change's time
	// (store.WithChangeTime), and the clones' come right after the
	// templates', at the millisecond of the last, before the day's events.
	last, err := rdb.XRevRangeN(ctx, "sb:{"+team+"}:activity", "+", "-", 1).Result()
	if err != nil || len(last) != 1 {
		tb.Fatalf("the templates' last activity entry: %v, %v", last, err)
	}
	streamMS, _, _ := strings.Cut(last[0].ID, "-")
	for start := len(templates); start < n; start += fillBatch {
		_, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i := start; i < min(start+fillBatch, n); i++ {
				tm := templates[i%len(templates)]
				r := cloneReplacer(tm.lead, i)
				for _, pc := range tm.pieces {
					if pc.typ == "string" && strings.Contains(pc.key, ":lead:") {
						// The lead's value is binary: renamed by the store.
						v, err := store.RenameStoredLead(pc.vals[0], benchLeadID(i), benchCompany(i))
						if err != nil {
							tb.Fatal(err)
						}
						p.Set(ctx, r.Replace(pc.key), v, 0)
						continue
					}
					clonePiece(ctx, p, r, pc, streamMS)
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
}

// cloneReplacer rewrites a template lead's pieces for lead i: its ID, its
// company, its normalised name and the inner names of it that the name
// indexes hold.
func cloneReplacer(template *salesbot.Lead, i int) *strings.Replacer {
	pairs := []string{template.ID, benchLeadID(i), template.Company, benchCompany(i),
		salesbot.NormalizeCompany(template.Company), salesbot.NormalizeCompany(benchCompany(i))}
	from, to := salesbot.InnerNames(template.Company), salesbot.InnerNames(benchCompany(i))
	for j := range min(len(from), len(to)) {
		pairs = append(pairs, from[j], to[j])
	}
	return strings.NewReplacer(pairs...)
}

// clonePiece queues the writes that make pc again with r's replacements.
// A stream entry is added at the millisecond streamMS, after the entries
// of that millisecond already there.
func clonePiece(ctx context.Context, p redis.Pipeliner, r *strings.Replacer, pc piece, streamMS string) {
	key := r.Replace(pc.key)
	vals := make([]any, len(pc.vals))
	for k, v := range pc.vals {
		vals[k] = r.Replace(v)
	}
	switch pc.typ {
	case "string":
		p.Set(ctx, key, vals[0], 0)
	case "list":
		p.RPush(ctx, key, vals...)
	case "hash":
		p.HSet(ctx, key, vals...)
	case "set":
		p.SAdd(ctx, key, vals...)
	case "zset":
		p.ZAdd(ctx, key, redis.Z{Score: pc.scores[0], Member: vals[0]})
	case "stream":
		p.XAdd(ctx, &redis.XAddArgs{Stream: key, ID: streamMS + "-*", MaxLen: storeActivityMax, Approx: true, Values: vals})
	}
}

// teamKeys lists a team's keys with their types.
func teamKeys(tb testing.TB, ctx context.Context, rdb redis.UniversalClient, team string) map[string]string {
	tb.Helper()
	var keys []string
	iter := rdb.Scan(ctx, 0, "sb:{"+team+"}:*", 1000).Iterator()
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		tb.Fatal(err)
	}
	types := make([]*redis.StatusCmd, len(keys))
	if _, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, k := range keys {
			types[i] = p.Type(ctx, k)
		}
		return nil
	}); err != nil {
		tb.Fatal(err)
	}
	out := make(map[string]string, len(keys))
	for i, k := range keys {
		out[k] = types[i].Val()
	}
	return out
}

// idTokens are the runs of exactly 8 lowercase letters and digits in s:
// where a lead ID may be.
func idTokens(s string) []string {
	var toks []string
	run := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && (s[i] >= 'a' && s[i] <= 'z' || s[i] >= '0' && s[i] <= '9') {
			run++
			continue
		}
		if run == 8 {
			toks = append(toks, s[i-8:i])
		}
		run = 0
	}
	return toks
}

// benchLeadID is lead i's ID: 8 characters of lowercase base32, as the
// store's own, scattered (an odd multiplier is one-to-one on 40 bits).
func benchLeadID(i int) string {
	x := uint64(i) * 0x9e3779b97f & (1<<40 - 1)
	var b [5]byte
	for k := range b {
		b[k] = byte(x >> (8 * (4 - k)))
	}
	return strings.ToLower(base32.StdEncoding.EncodeToString(b[:]))
}

// benchCompany is lead i's company.
func benchCompany(i int) string {
	return fmt.Sprintf("%s %07d Ltd", companyWords[i%len(companyWords)], i)
}

var companyWords = []string{"Acme", "Globex", "Initech", "Umbrella", "Hooli", "Soylent", "Vandelay", "Wonka", "Tyrell", "Cyberdyne"}

var benchPeople = []struct {
	name string
	role salesbot.Role
}{
	{"Wang Li", salesbot.RoleEconomicBuyer}, {"Li Na", salesbot.RoleTechnicalBuyer}, {"Zhang Wei", salesbot.RoleUser},
	{"Chen Jing", salesbot.RoleCoordinator}, {"Liu Yang", salesbot.RoleCoach},
}

var factTexts = map[salesbot.KeyFact]string{
	salesbot.FactBudget:      "About 1.2M for the first phase, approved by the CFO",
	salesbot.FactNeed:        "Replace the spreadsheets the plant managers report in",
	salesbot.FactDecision:    "IT shortlists, the COO decides, the board signs above 1M",
	salesbot.FactCompetition: "Incumbent vendor and one local integrator",
	salesbot.FactCriteria:    "Works offline on the shop floor; Chinese and English",
}

// oldLead is lead i of the team as it stood before the day: registered up
// to a year before, graded A–D, moved on some stages with people and key
// facts recorded as it went, last touched up to twice its cadence before
// the day (so that about half are overdue), one in ten won or lost, and
// half of the overdue ones reminded already. Only its registration is in
// its history and the team's activity: the digest reads none of the rest.
// The same i always gives the same lead.
func oldLead(tb testing.TB, team string, i int, shape teamShape) (*salesbot.Lead, salesbot.Change) {
	tb.Helper()
	l, c, err := genOldLead(team, i, shape)
	if err != nil {
		tb.Fatal(err)
	}
	return l, c
}

func genOldLead(team string, i int, shape teamShape) (*salesbot.Lead, salesbot.Change, error) {
	rng := rand.New(rand.NewPCG(uint64(i), 0xd16e57))
	owner := benchRep(i, shape.reps)
	rep := salesbot.Actor{User: owner}
	mgr := salesbot.Actor{User: owner, Manager: true} // for moves a manager would approve
	created := digestSince.Add(-salesbot.Day - time.Duration(rng.Int64N(int64(365*salesbot.Day))))
	l, c, err := salesbot.NewLead(rep, team, benchLeadID(i), benchCompany(i), benchGrade(rng), created)
	if err != nil {
		return nil, c, fmt.Errorf("lead %d: %w", i, err)
	}
	check := func(_ salesbot.Change, e error) {
		if e != nil && err == nil {
			err = fmt.Errorf("lead %d: %w", i, e)
		}
	}

	worked := created.Add(time.Duration(rng.Int64N(int64(digestSince.Sub(created) / 2))))
	if stage := min(rng.IntN(8), rng.IntN(8), len(salesbot.Stages)-1); stage > 0 {
		check(l.MoveStage(mgr, salesbot.Stages[stage], worked))
		for k := range 1 + rng.IntN(3) {
			p := benchPeople[(i+k)%len(benchPeople)]
			s := salesbot.Stakeholder{Name: p.name, Role: p.role, Influence: salesbot.Influences[rng.IntN(3)],
				Support: salesbot.Support(rng.IntN(7) - 3)}
			if k == 0 {
				s.Notes = "Met at the trade fair; wants a pilot before the budget round."
			}
			check(l.SetStakeholder(rep, s, worked))
		}
		for _, k := range salesbot.KeyFacts {
			if rng.IntN(2) == 0 {
				text := factTexts[k]
				if k == salesbot.FactSchedule {
					text = fmt.Sprintf("Pilot in Q3; decision by 2026-%02d", 1+rng.IntN(12))
				}
				check(l.SetFact(rep, k, text, worked))
			}
		}
	}
	last := worked
	if rng.IntN(10) < 9 {
		at := digestSince.Add(-time.Duration(rng.Int64N(int64(2 * cadence[l.Grade]))))
		if at.Before(worked) {
			at = worked
		}
		v := &salesbot.Visit{Kind: salesbot.VisitKinds[rng.IntN(len(salesbot.VisitKinds))], Notes: "Walked the plant managers through the rollout plan."}
		if len(l.Stakeholders) > 0 {
			v.Met = []string{l.Stakeholders[0].Name}
		}
		if rng.IntN(3) == 0 {
			v.NextStep, v.NextDate = "Send the pilot proposal", salesbot.DateOf(at).AddDays(1+rng.IntN(14))
		}
		check(l.RecordVisit(rep, v, time.UTC, at))
		last = at
	}
	closed := last.Add(time.Duration(rng.Int64N(int64(digestSince.Sub(last)) + 1)))
	switch r := rng.IntN(100); {
	case r < 4:
		check(l.Win(mgr, closed))
	case r < 10:
		check(l.Lose(rep, "Went with the incumbent", closed))
	}
	l.Schedule(cadence)
	if at := l.ReminderAt(); !at.IsZero() && at.Before(digestSince) && rng.IntN(2) == 0 {
		l.MarkReminded(at)
	}
	return l, c, err
}

// newLead is lead i, registered during the day at at.
func newLead(tb testing.TB, team string, i int, shape teamShape, at time.Time) (*salesbot.Lead, salesbot.Change) {
	rng := rand.New(rand.NewPCG(uint64(i), 0xd16e57))
	l, c, err := salesbot.NewLead(salesbot.Actor{User: benchRep(i, shape.reps)}, team, benchLeadID(i), benchCompany(i), benchGrade(rng), at)
	if err != nil {
		tb.Fatal(err)
	}
	l.Schedule(cadence)
	return l, c
}

// touch is the j-th touch of the day, on an open lead at at, as a handler
// makes it: a visit, call, demo, event or message, one in three with a next
// step; one in four also moves the lead a stage on, one in ten regrades it
// (up or down), and one in 25 wins it or loses it.
func touch(l *salesbot.Lead, j int, at time.Time) (salesbot.Update, error) {
	rep := salesbot.Actor{User: l.Owner}
	mgr := salesbot.Actor{User: l.Owner, Manager: true}
	v := &salesbot.Visit{Kind: salesbot.VisitKinds[j%len(salesbot.VisitKinds)], Notes: "Went through the quote with the buying team; they want two references."}
	if len(l.Stakeholders) > 0 {
		v.Met = []string{l.Stakeholders[0].Name}
	}
	if j%3 == 0 {
		v.NextStep, v.NextDate = "Send the references", salesbot.DateOf(at).AddDays(7)
	}
	c, err := l.RecordVisit(rep, v, time.UTC, at)
	if err != nil {
		return salesbot.Update{}, err
	}
	u := salesbot.Update{Changes: []salesbot.Change{c}, Visit: v}
	add := func(c salesbot.Change, err error) error {
		if err == nil {
			u.Changes = append(u.Changes, c)
		}
		return err
	}
	if next := l.Stage.Index() + 1; j%4 == 1 && next < len(salesbot.Stages) {
		if err := add(l.MoveStage(mgr, salesbot.Stages[next], at)); err != nil {
			return salesbot.Update{}, err
		}
	}
	if j%10 == 2 {
		r := l.Grade.Rank()
		to := r + 1
		if r == len(salesbot.Grades)-1 || (j%20 == 2 && r > 0) {
			to = r - 1
		}
		if err := add(l.Regrade(rep, salesbot.Grades[to], "Decision date moved", at)); err != nil {
			return salesbot.Update{}, err
		}
	}
	switch j % 25 {
	case 5:
		err = add(l.Win(mgr, at))
	case 17:
		err = add(l.Lose(rep, "Budget frozen until next year", at))
	}
	if err != nil {
		return salesbot.Update{}, err
	}
	l.Schedule(cadence)
	return u, nil
}

func benchRep(i, reps int) string { return fmt.Sprintf("UREP%04d", i%reps) }

// benchGrade draws a grade: 15% A, 25% B, 35% C, 25% D.
func benchGrade(rng *rand.Rand) salesbot.Grade {
	switch r := rng.IntN(100); {
	case r < 15:
		return salesbot.GradeA
	case r < 40:
		return salesbot.GradeB
	case r < 75:
		return salesbot.GradeC
	}
	return salesbot.GradeD
}

// redisUsedMemory is the server's used_memory, in bytes.
func redisUsedMemory(tb testing.TB, ctx context.Context, rdb redis.UniversalClient) float64 {
	info, err := rdb.Info(ctx, "memory").Result()
	if err != nil {
		tb.Fatal(err)
	}
	for line := range strings.SplitSeq(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, "used_memory:"); ok {
			n, err := strconv.ParseFloat(v, 64)
			if err != nil {
				tb.Fatal(err)
			}
			return n
		}
	}
	tb.Fatal("no used_memory in INFO memory")
	return 0
}
