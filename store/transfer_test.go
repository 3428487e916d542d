package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"salesbot"
	"salesbot/store"
)

// importPlan is a plan of n new leads of the team, with a history entry
// each and, for the first, two visits.
func importPlan(team string, n int) *salesbot.ImportPlan {
	p := &salesbot.ImportPlan{Team: team, File: "f.csv", At: now}
	for i := range n {
		l := salesbot.Lead{Company: "Import " + string(rune('A'+i)), Owner: "U1", Grade: salesbot.GradeB, Stage: salesbot.StageLead,
			CreatedBy: "UBOSS", CreatedAt: now, UpdatedAt: now, StageSince: now, Source: "referral", Profile: salesbot.Profile{Industry: "机械"}}
		l.Schedule(salesbot.DefaultCadence())
		il := salesbot.ImportLead{Row: i + 2, Lead: l, History: []salesbot.Change{{Kind: salesbot.ChangeCreated, By: "UBOSS", At: now, To: "B"}}}
		if i == 0 {
			il.Visits = []salesbot.Visit{{Date: salesbot.DateOf(now.Add(-48 * time.Hour)), Kind: salesbot.KindCall, Notes: "first", By: "U1", LoggedAt: now},
				{Date: salesbot.DateOf(now.Add(-24 * time.Hour)), Kind: salesbot.KindVisit, Notes: "second", By: "U1", LoggedAt: now}}
		}
		p.Leads = append(p.Leads, il)
	}
	return p
}

// testImport runs the import store on a client: the plan kept and read
// back, the leads written once (again: the same leads, counted as
// written), another plan of the same names left alone, the job's lease
// and heartbeat, and the leads' activity read oldest first.
func testImport(t *testing.T, c redis.UniversalClient, s *store.Store, team string) {
	t.Helper()
	ctx := context.Background()
	p := importPlan(team, 3)
	if err := s.SaveImportPlan(ctx, p, time.Hour); err != nil {
		t.Fatal(err)
	}
	if p.ID == "" || p.Leads[0].Lead.ID == "" || p.Leads[0].History[0].LeadID != p.Leads[0].Lead.ID || p.Leads[0].Visits[1].LeadID != p.Leads[0].Lead.ID {
		t.Fatalf("IDs not drawn: %+v", p.Leads[0])
	}
	got, err := s.ImportPlan(ctx, team, p.ID)
	if err != nil || len(got.Leads) != 3 || got.Leads[2].Lead.Company != "Import C" {
		t.Fatalf("plan read back: %+v %v", got, err)
	}
	if ttl := c.TTL(ctx, "sb:{"+team+"}:import:plan:"+p.ID).Val(); ttl <= 0 || ttl > time.Hour {
		t.Errorf("the plan's TTL is %v", ttl)
	}
	outs, err := s.ImportLeads(ctx, team, got.Leads)
	if err != nil || outs[0] != salesbot.ImportCreated || outs[2] != salesbot.ImportCreated {
		t.Fatalf("ImportLeads = %v, %v", outs, err)
	}
	// Written again after an interruption: the same leads count as written.
	if outs, err := s.ImportLeads(ctx, team, got.Leads); err != nil || outs[1] != salesbot.ImportCreated {
		t.Fatalf("again = %v, %v", outs, err)
	}
	// Another plan naming the same companies: already there.
	other := importPlan(team, 3)
	if err := s.SaveImportPlan(ctx, other, time.Hour); err != nil {
		t.Fatal(err)
	}
	if outs, err := s.ImportLeads(ctx, team, other.Leads); err != nil || outs[0] != salesbot.ImportAlready {
		t.Fatalf("another plan = %v, %v", outs, err)
	}
	l, err := s.Lead(ctx, team, got.Leads[0].Lead.ID)
	if err != nil || l.Source != "referral" || l.Profile.Industry != "机械" || l.Owner != "U1" {
		t.Fatalf("lead = %+v, %v", l, err)
	}
	if n := c.XLen(ctx, "sb:{"+team+"}:activity").Val(); n != 0 {
		t.Errorf("the import wrote %d activity entries; a file's past is no news", n)
	}
	if owned, _ := s.LeadsOwnedBy(ctx, team, "U1"); len(owned) != 3 {
		t.Errorf("U1 owns %d leads", len(owned))
	}
	visits, history, err := s.LeadsActivity(ctx, team, []string{l.ID, got.Leads[1].Lead.ID, "nosuch"})
	if err != nil || len(visits[l.ID]) != 2 || visits[l.ID][0].Notes != "first" || len(history[l.ID]) != 1 || len(history[got.Leads[1].Lead.ID]) != 1 {
		t.Fatalf("activity = %+v %+v %v", visits, history, err)
	}

	// The job: started once, leased to one runner, saved only by it.
	job := salesbot.ImportJob{Plan: p.ID, Team: team, By: "UBOSS", Total: 3, Started: now}
	if ok, err := s.StartImportJob(ctx, job, "r1", time.Minute); err != nil || !ok {
		t.Fatal(ok, err)
	}
	if ok, _ := s.StartImportJob(ctx, job, "r2", time.Minute); ok {
		t.Fatal("started twice")
	}
	if _, ok, _ := s.LeaseImportJob(ctx, team, p.ID, "r2", time.Minute); ok {
		t.Fatal("leased while r1 holds it")
	}
	job.Cursor = 2
	if held, err := s.SaveImportJob(ctx, job, "r2", time.Minute); err != nil || held {
		t.Fatalf("r2 saved r1's job: %v %v", held, err)
	}
	if held, err := s.SaveImportJob(ctx, job, "r1", time.Minute); err != nil || !held {
		t.Fatalf("r1 saved: %v %v", held, err)
	}
	if err := s.ReleaseImportJob(ctx, team, p.ID, "r1"); err != nil {
		t.Fatal(err)
	}
	if running, _ := s.RunningImports(ctx, team); len(running) != 1 || running[0] != p.ID {
		t.Fatalf("running = %v", running)
	}
	j, ok, err := s.LeaseImportJob(ctx, team, p.ID, "r2", time.Minute)
	if err != nil || !ok || j.Cursor != 2 {
		t.Fatalf("r2's lease: %+v %v %v", j, ok, err)
	}
	j.Cursor, j.Done = 3, now
	if held, err := s.SaveImportJob(ctx, *j, "r2", time.Minute); err != nil || !held {
		t.Fatal(held, err)
	}
	if running, _ := s.RunningImports(ctx, team); len(running) != 0 {
		t.Fatalf("a finished job is still running: %v", running)
	}
	if done, ok, _ := s.ImportJob(ctx, team, p.ID); !ok || !done.Finished() {
		t.Fatalf("the finished job: %+v", done)
	}
	if err := s.AddAudit(ctx, team, salesbot.AuditEntry{Kind: salesbot.AuditImport, At: now, By: "UBOSS", Subject: "f.csv", Detail: j.Detail()}); err != nil {
		t.Fatal(err)
	}
	if a, err := s.Audit(ctx, team, 5); err != nil || len(a) != 1 || a[0].Subject != "f.csv" {
		t.Fatalf("audit = %+v %v", a, err)
	}
	if dropped, err := s.DropImportPlan(ctx, team, p.ID); err != nil || !dropped {
		t.Fatal(dropped, err)
	}
	if _, err := s.ImportPlan(ctx, team, p.ID); salesbot.ErrorCode(err) != salesbot.ENOTFOUND {
		t.Fatalf("a dropped plan: %v", err)
	}
}

func TestImportStore(t *testing.T) {
	s, c, team := newStore(t)
	testImport(t, c, s, team)
}

// TestImportAfterScriptFlush: the pipelined scripts are sent whole when
// Redis lost them (a restart, SCRIPT FLUSH).
func TestImportAfterScriptFlush(t *testing.T) {
	s, c, team := newStore(t)
	if err := c.ScriptFlush(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
	p := importPlan(team, 2)
	if err := s.SaveImportPlan(context.Background(), p, time.Hour); err != nil {
		t.Fatal(err)
	}
	outs, err := s.ImportLeads(context.Background(), team, p.Leads)
	if err != nil || outs[0] != salesbot.ImportCreated || outs[1] != salesbot.ImportCreated {
		t.Fatalf("after a flush: %v %v", outs, err)
	}
}

// TestImportMiniredis runs the import store on miniredis, the console's
// embedded Redis.
func TestImportMiniredis(t *testing.T) {
	mr := miniredis.RunT(t)
	c, err := store.NewClient("redis://" + mr.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	testImport(t, c, store.New(c), "TDEMO")
}
