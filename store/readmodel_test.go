package store_test

import (
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"salesbot"
	"salesbot/internal/redistest"
	"salesbot/store"
)

// seedMixedTeam registers n leads across grades, owners and stages, then
// moves some of them on: regrades, stage moves, a reassignment, wins and
// losses, so that every read model sees members come and go.
func seedMixedTeam(t *testing.T, s *store.Store, team string, n int) {
	t.Helper()
	owners := []string{"UANN", "UBOB", "UCAT"}
	for i := range n {
		g := salesbot.Grades[i%len(salesbot.Grades)]
		l := mustCreate(t, s, team, fmt.Sprintf("Firm %03d", i), owners[i%len(owners)], g)
		switch i % 7 {
		case 1:
			mustUpdate(t, s, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
				return one(l.MoveStage(manager, salesbot.StageFirstVisit, now))
			})
		case 2:
			mustUpdate(t, s, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
				to := salesbot.GradeA
				if l.Grade == salesbot.GradeA {
					to = salesbot.GradeC
				}
				return one(l.Regrade(manager, to, "budget approved", now))
			})
		case 3:
			mustUpdate(t, s, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
				return one(l.Lose(manager, "went elsewhere", now))
			})
		case 4:
			mustUpdate(t, s, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
				cs, err := l.Assign(manager, "UDAN", now)
				return salesbot.Update{Changes: cs}, err
			})
		case 5:
			mustUpdate(t, s, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
				if _, err := l.MoveStage(manager, salesbot.StageFirstVisit, now); err != nil {
					return salesbot.Update{}, err
				}
				return one(l.MoveStage(manager, salesbot.StageDiscovery, now))
			})
		}
	}
}

// truePipeline counts the open leads by walking the whole team, as the
// digest did before read models.
func truePipeline(t *testing.T, s *store.Store, team string) salesbot.Pipeline {
	t.Helper()
	leads, err := s.AllLeads(ctx, team)
	if err != nil {
		t.Fatal(err)
	}
	p := salesbot.Pipeline{}
	for _, l := range leads {
		if l.Open() {
			p.Add(salesbot.Cell{Grade: l.Grade, Stage: l.Stage}, 1)
		}
	}
	return p
}

func samePipeline(t *testing.T, got, want salesbot.Pipeline) {
	t.Helper()
	for _, c := range salesbot.Cells() {
		if got[c.Grade][c.Stage] != want[c.Grade][c.Stage] {
			t.Errorf("pipeline %s/%s = %d; walking the team counts %d", c.Grade, c.Stage, got[c.Grade][c.Stage], want[c.Grade][c.Stage])
		}
	}
	if got.Total() != want.Total() {
		t.Errorf("pipeline total = %d; want %d", got.Total(), want.Total())
	}
}

func TestPipelineFollowsEveryWrite(t *testing.T) {
	s, _, team := newStore(t)
	seedMixedTeam(t, s, team, 40)
	got, err := pipelineOf(s, team)
	if err != nil {
		t.Fatal(err)
	}
	want := truePipeline(t, s, team)
	if want.Total() == 0 || len(want) < 3 {
		t.Fatalf("seed made too plain a team: %v", want)
	}
	samePipeline(t, got, want)
}

func TestOpenLeadsPagesTheTeam(t *testing.T) {
	s, _, team := newStore(t)
	seedMixedTeam(t, s, team, 30)
	want := truePipeline(t, s, team).Total()
	var seen []string
	for offset := 0; ; offset += 7 {
		page, total, err := s.OpenLeads(ctx, team, "", offset, 7)
		if err != nil {
			t.Fatal(err)
		}
		if total != want {
			t.Fatalf("OpenLeads total = %d; want %d", total, want)
		}
		for _, l := range page {
			if !l.Open() {
				t.Errorf("closed lead %s in the open list", l.Company)
			}
			seen = append(seen, l.ID)
		}
		if len(page) < 7 {
			break
		}
	}
	if len(seen) != want {
		t.Fatalf("paged through %d leads; want %d", len(seen), want)
	}
	if len(slices.Compact(slices.Sorted(slices.Values(seen)))) != want {
		t.Fatalf("a lead came twice across pages: %v", seen)
	}
	// A grade alone, A before B: the first page of the whole list starts
	// with A leads.
	as, total, err := s.OpenLeads(ctx, team, salesbot.GradeA, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	if total != len(as) || total == 0 {
		t.Fatalf("grade A: %d leads of %d", len(as), total)
	}
	for _, l := range as {
		if l.Grade != salesbot.GradeA {
			t.Errorf("grade filter returned %s (grade %s)", l.Company, l.Grade)
		}
	}
}

func TestDigestDataReadsWhatIsDue(t *testing.T) {
	s, _, team := newStore(t)
	seedMixedTeam(t, s, team, 28)
	later := now.Add(20 * salesbot.Day) // A (7 d) and B (14 d) follow-ups are overdue by then
	d, err := s.DigestData(ctx, team, salesbot.DigestQuery{
		Since: now.Add(-time.Hour), Now: later, Cadence: salesbot.DefaultCadence(),
		Overdue: 1000, Untouched: 1000, PerRep: 1000,
	})
	if err != nil {
		t.Fatal(err)
	}
	all, err := s.AllLeads(ctx, team)
	if err != nil {
		t.Fatal(err)
	}
	read := map[string]bool{}
	for _, l := range d.Leads {
		read[l.ID] = true
	}
	overdue := 0
	for _, l := range all {
		if l.Open() && l.Due.Before(later) {
			overdue++
			if !read[l.ID] {
				t.Errorf("overdue lead %s (due %s) not read", l.Company, l.Due)
			}
		}
		if l.Standing().Watched() && !read[l.ID] {
			t.Errorf("open %s lead %s not read for its risks", l.Grade, l.Company)
		}
	}
	if d.OverdueTotal != overdue || overdue == 0 {
		t.Errorf("OverdueTotal = %d; walking the team finds %d", d.OverdueTotal, overdue)
	}
	samePipeline(t, d.Pipeline, truePipeline(t, s, team))
	if len(d.Changes) == 0 {
		t.Error("no changes read for the period")
	}

	// Limits bound what is read: two overdue, one per rep.
	small, err := s.DigestData(ctx, team, salesbot.DigestQuery{
		Since: later, Now: later, Cadence: salesbot.DefaultCadence(), Overdue: 2, Untouched: 0, PerRep: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(small.Leads); n > 2+4 || n == 0 {
		t.Errorf("limited digest read %d leads; want at most 2 overdue + 1 per rep (4 reps)", n)
	}
	if small.OverdueTotal != overdue {
		t.Errorf("limited digest says %d overdue; want %d", small.OverdueTotal, overdue)
	}
}

func TestRebuildReadModels(t *testing.T) {
	s, c, team := newStore(t)
	seedMixedTeam(t, s, team, 60)
	if got, err := pipelineOf(s, team); err != nil || got.Total() != truePipeline(t, s, team).Total() {
		t.Fatalf("pipeline before the loss: %v, %v", got, err)
	}
	built, err := s.ReadModelsBuilt(ctx, team)
	if err != nil || built {
		t.Fatalf("ReadModelsBuilt before any rebuild = %v, %v; want false", built, err)
	}
	// Lose every read model, as a team written before them has none.
	rm, err := redistest.Keys(ctx, c, key(team, "rm:*"))
	if err != nil || len(rm) == 0 {
		t.Fatalf("read model keys: %v, %v", rm, err)
	}
	if err := c.Del(ctx, rm...).Err(); err != nil {
		t.Fatal(err)
	}
	if got, _ := pipelineOf(s, team); got.Total() != 0 {
		t.Fatalf("pipeline without read models = %d", got.Total())
	}

	// Rebuild while reps keep writing: each write and each step agree.
	ids, err := c.ZRange(ctx, key(team, "leads"), 0, -1).Result()
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		for _, id := range ids[:20] {
			_, _ = s.UpdateLead(ctx, team, id, func(l *salesbot.Lead) (salesbot.Update, error) {
				if !l.Open() || l.Grade == salesbot.GradeB {
					return salesbot.Update{}, salesbot.Errorf(salesbot.EINVALID, "skip")
				}
				return one(l.Regrade(manager, salesbot.GradeB, "rebuild race", now))
			})
		}
	})
	if err := s.RebuildReadModels(ctx, team); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	got, err := pipelineOf(s, team)
	if err != nil {
		t.Fatal(err)
	}
	samePipeline(t, got, truePipeline(t, s, team))
	if built, err := s.ReadModelsBuilt(ctx, team); err != nil || !built {
		t.Fatalf("ReadModelsBuilt after a rebuild = %v, %v", built, err)
	}
	// A rebuild of a team whose read models are whole changes nothing.
	before := dumpReadModels(t, c, team)
	if err := s.RebuildReadModels(ctx, team); err != nil {
		t.Fatal(err)
	}
	if after := dumpReadModels(t, c, team); !maps.EqualFunc(before, after, slices.Equal) {
		t.Fatalf("a second rebuild changed the read models")
	}
}

// dumpReadModels returns every sorted read model's members with scores.
func dumpReadModels(t *testing.T, c redis.UniversalClient, team string) map[string][]string {
	t.Helper()
	ks, err := redistest.Keys(ctx, c, key(team, "rm:*"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, k := range ks {
		if typ, _ := c.Type(ctx, k).Result(); typ != "zset" {
			continue
		}
		zs, err := c.ZRangeWithScores(ctx, k, 0, -1).Result()
		if err != nil {
			t.Fatal(err)
		}
		for _, z := range zs {
			out[k] = append(out[k], fmt.Sprintf("%v=%.0f", z.Member, z.Score))
		}
	}
	return out
}

func TestReportDataMatchesTheWholeTeam(t *testing.T) {
	s, _, team := newStore(t)
	seedMixedTeam(t, s, team, 35)
	p := salesbot.Period{From: now.Add(-time.Hour), To: now.Add(time.Hour)}
	in, err := s.ReportData(ctx, team, p.From, now.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	all, err := s.AllLeads(ctx, team)
	if err != nil {
		t.Fatal(err)
	}
	changes, err := s.Activity(ctx, team, p.From.Add(-time.Nanosecond), now.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	got := salesbot.BuildReport(in, p)
	want := salesbot.BuildReport(salesbot.ReportInput{Leads: all, Changes: changes}, p)
	if got.Open != want.Open || len(got.NewLeads) != len(want.NewLeads) || len(got.Touches) != len(want.Touches) ||
		len(got.GradeMoves) != len(want.GradeMoves) || len(got.Lost) != len(want.Lost) {
		t.Fatalf("report from read models: %d open, %d new, %d reps, %d grade moves, %d lost; from the whole team: %d, %d, %d, %d, %d",
			got.Open, len(got.NewLeads), len(got.Touches), len(got.GradeMoves), len(got.Lost),
			want.Open, len(want.NewLeads), len(want.Touches), len(want.GradeMoves), len(want.Lost))
	}
	if want.Open == 0 || len(want.NewLeads) == 0 || len(want.Touches) < 3 {
		t.Fatalf("seed too plain for the comparison: %+v", want)
	}
	samePipeline(t, got.Pipeline, want.Pipeline)
	if fmt.Sprint(got.CSV()) != fmt.Sprint(want.CSV()) {
		t.Error("the CSVs differ")
	}
	// A later period that registered nothing reads only what changed in it.
	later := salesbot.Period{From: now.Add(30 * salesbot.Day), To: now.Add(31 * salesbot.Day)}
	quiet, err := s.ReportData(ctx, team, later.From, later.To)
	if err != nil {
		t.Fatal(err)
	}
	if len(quiet.Leads) != 0 || len(quiet.Reps) != len(want.Touches) {
		t.Errorf("a quiet period read %d leads and %d reps; want 0 and %d", len(quiet.Leads), len(quiet.Reps), len(want.Touches))
	}
}

// pipelineOf reads the team's pipeline as the digest does (its counts, with
// no lead read).
func pipelineOf(s *store.Store, team string) (salesbot.Pipeline, error) {
	d, err := s.DigestData(ctx, team, salesbot.DigestQuery{Now: now, Floor: now})
	return d.Pipeline, err
}
