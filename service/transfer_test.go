package service_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"salesbot"
	"salesbot/internal/redistest"
	"salesbot/service"
	"salesbot/store"
)

// owners finds owners from a table, counting the look-ups.
type owners struct {
	known map[string]string // ref → user
	calls atomic.Int64
}

func (o *owners) FindOwner(_ context.Context, ref string) (string, error) {
	o.calls.Add(1)
	if u, ok := o.known[ref]; ok {
		return u, nil
	}
	return "", salesbot.Errorf(salesbot.EINVALID, "The owner %s is no one I can find.", ref)
}

// leadsFile is an import file of n leads named prefix-0 …, each owned by
// ref (or nobody when ref is "").
func leadsFile(prefix string, n int, ref string) *salesbot.ImportFile {
	f := &salesbot.ImportFile{Rows: n}
	for i := range n {
		f.Records = append(f.Records, salesbot.ImportRecord{Row: i + 2, OwnerRef: ref,
			Lead: salesbot.Lead{Company: fmt.Sprintf("%s %05d", prefix, i), Grade: salesbot.GradeB, Stage: salesbot.StageLead, Source: salesbot.Source("referral")}})
	}
	return f
}

func plan(t testing.TB, svc *service.Services, team string, f *salesbot.ImportFile, o salesbot.OwnerFinder) *salesbot.ImportPlan {
	t.Helper()
	p := &salesbot.ImportPlan{Team: team, File: "leads.csv", At: now}
	if err := svc.PlanImport(context.Background(), manager, p, f, o); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPlanImport: the dry run resolves each distinct owner once, leaves
// the ownerless to the manager, finds duplicates of existing leads and of
// earlier rows, and writes no lead.
func TestPlanImport(t *testing.T) {
	st, team := newTeam(t)
	svc := service.New(service.Config{Store: st, Now: func() time.Time { return now }})
	create(t, st, team, "Existing Co", "UREP", salesbot.GradeC, now)
	f := leadsFile("Acme", 300, "rep@example.com")
	f.Records[1].OwnerRef = "ghost@example.com"
	f.Records[2].OwnerRef = ""
	f.Records = append(f.Records,
		salesbot.ImportRecord{Row: 400, Lead: salesbot.Lead{Company: "Existing Co., Ltd."}},
		salesbot.ImportRecord{Row: 401, Lead: salesbot.Lead{Company: "ACME 00000"}})
	o := &owners{known: map[string]string{"rep@example.com": "UREP"}}
	p := plan(t, svc, team, f, o)
	if len(p.Leads) != 299 || len(p.Duplicates) != 1 || len(p.Errors) != 2 || p.Defaulted != 1 {
		t.Fatalf("plan: %d new, %d duplicates, %d errors, %d defaulted; want 299, 1, 2, 1: %+v", len(p.Leads), len(p.Duplicates), len(p.Errors), p.Defaulted, p.Errors)
	}
	if got := o.calls.Load(); got != 2 {
		t.Errorf("%d owner look-ups for 2 distinct owners", got)
	}
	if p.Errors[0].Row != 3 || !strings.Contains(p.Errors[0].Message, "ghost@example.com") || p.Errors[1].Row != 401 || !strings.Contains(p.Errors[1].Message, "Row 2") {
		t.Errorf("errors: %+v", p.Errors)
	}
	if l := p.Leads[1]; l.Lead.Owner != manager.User || l.Lead.Due.IsZero() || l.Lead.ID == "" {
		t.Errorf("an ownerless lead: owner %q, due %v, ID %q", l.Lead.Owner, l.Lead.Due, l.Lead.ID)
	}
	if names, _ := st.LeadNames(t.Context(), team); len(names) != 1 {
		t.Fatalf("the dry run wrote leads: %d", len(names))
	}
	if _, err := svc.CancelImport(t.Context(), salesbot.Actor{User: "UREP"}, team, p.ID); salesbot.ErrorCode(err) != salesbot.EFORBIDDEN {
		t.Fatalf("a rep cancelled: %v", err)
	}
	if err := svc.PlanImport(t.Context(), salesbot.Actor{User: "UREP"}, &salesbot.ImportPlan{Team: team}, f, o); salesbot.ErrorCode(err) != salesbot.EFORBIDDEN {
		t.Fatalf("a rep planned an import: %v", err)
	}
}

// TestRunImportResumes: a runner stopped after its first batch leaves the
// job with its cursor; a sweep's ResumeImports finishes it, each lead
// once, and the audit list records it once. A second plan of the same
// leads writes none of them.
func TestRunImportResumes(t *testing.T) {
	st, team := newTeam(t)
	svc := service.New(service.Config{Store: st, Now: func() time.Time { return now }})
	n := service.ImportBatch*2 + 7
	p := plan(t, svc, team, leadsFile("Resume", n, ""), &owners{})
	_, job, started, err := svc.StartImport(t.Context(), manager, team, p.ID, "runner-1", now)
	if err != nil || !started {
		t.Fatal(started, err)
	}
	if _, _, again, err := svc.StartImport(t.Context(), manager, team, p.ID, "runner-2", now); err != nil || again {
		t.Fatalf("started twice: %v %v", again, err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	var seen []salesbot.ImportJob
	job, err = svc.RunImport(ctx, p, job, "runner-1", func(j salesbot.ImportJob) { seen = append(seen, j); cancel() })
	if !errors.Is(err, context.Canceled) || job.Cursor != service.ImportBatch || len(seen) != 1 {
		t.Fatalf("the stopped runner: cursor %d, err %v, %d steps", job.Cursor, err, len(seen))
	}
	// Another replica's sweep takes it over and finishes it.
	var last salesbot.ImportJob
	if err := svc.ResumeImports(t.Context(), team, "runner-2", func(j salesbot.ImportJob) { last = j }, runNow(t)); err != nil {
		t.Fatal(err)
	}
	if !last.Finished() || last.Created != n || last.Already != 0 || last.Cursor != n {
		t.Fatalf("resumed: %+v", last)
	}
	if names, _ := st.LeadNames(t.Context(), team); len(names) != n {
		t.Fatalf("%d leads; want %d", len(names), n)
	}
	audit, err := st.Audit(t.Context(), team, 10)
	if err != nil || len(audit) != 1 || audit[0].Kind != salesbot.AuditImport || audit[0].Subject != "leads.csv" || !strings.Contains(audit[0].Detail, fmt.Sprintf("%d new", n)) {
		t.Fatalf("audit: %+v %v", audit, err)
	}
	// Nothing left to resume.
	if err := svc.ResumeImports(t.Context(), team, "runner-3", func(j salesbot.ImportJob) { t.Errorf("resumed again: %+v", j) }, runNow(t)); err != nil {
		t.Fatal(err)
	}
	// The same file again creates nothing.
	again := plan(t, svc, team, leadsFile("Resume", n, ""), &owners{})
	if len(again.Leads) != 0 || len(again.Duplicates) != n {
		t.Fatalf("the same file again: %d new, %d duplicates", len(again.Leads), len(again.Duplicates))
	}
}

// TestImportRace: two plans of the same leads, imported at once, create
// each lead once; the later counts them as already there.
func TestImportRace(t *testing.T) {
	st, team := newTeam(t)
	svc := service.New(service.Config{Store: st, Now: func() time.Time { return now }})
	a := plan(t, svc, team, leadsFile("Race", 50, ""), &owners{})
	b := plan(t, svc, team, leadsFile("Race", 50, ""), &owners{})
	run := func(p *salesbot.ImportPlan) salesbot.ImportJob {
		_, job, _, err := svc.StartImport(t.Context(), manager, team, p.ID, "r-"+p.ID, now)
		if err != nil {
			t.Fatal(err)
		}
		job, err = svc.RunImport(t.Context(), p, job, "r-"+p.ID, func(salesbot.ImportJob) {})
		if err != nil {
			t.Fatal(err)
		}
		return job
	}
	ja, jb := run(a), run(b)
	if ja.Created != 50 || jb.Created != 0 || jb.Already != 50 {
		t.Fatalf("first %+v, second %+v", ja, jb)
	}
}

// TestImportExpiredPlan: a job whose plan expired before it was resumed
// is given up, reported as interrupted with how far it got, and audited.
func TestImportExpiredPlan(t *testing.T) {
	st, team := newTeam(t)
	svc := service.New(service.Config{Store: st, Now: func() time.Time { return now }})
	p := plan(t, svc, team, leadsFile("Expire", service.ImportBatch+1, ""), &owners{})
	_, job, _, err := svc.StartImport(t.Context(), manager, team, p.ID, "r1", now)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	if _, err := svc.RunImport(ctx, p, job, "r1", func(salesbot.ImportJob) { cancel() }); !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	if _, err := st.DropImportPlan(t.Context(), team, p.ID); err != nil {
		t.Fatal(err)
	}
	var last salesbot.ImportJob
	if err := svc.ResumeImports(t.Context(), team, "r2", func(j salesbot.ImportJob) { last = j }, runNow(t)); err != nil {
		t.Fatal(err)
	}
	if !last.Interrupted || last.Cursor != service.ImportBatch || last.Total != service.ImportBatch+1 {
		t.Fatalf("interrupted job: %+v", last)
	}
	audit, _ := st.Audit(t.Context(), team, 1)
	if len(audit) != 1 || !strings.Contains(audit[0].Detail, "interrupted after 500 of 501") {
		t.Fatalf("audit: %+v", audit)
	}
}

// BenchmarkImport10k writes a 10,000-lead plan the way Import does: the
// production batch size, one pipelined round trip of scripts per batch,
// the job saved after each, on the test run's redis-server.
func BenchmarkImport10k(b *testing.B) {
	st, team := store.New(redistest.Client(b)), redistest.Team(b)
	svc := service.New(service.Config{Store: st, Now: func() time.Time { return now }})
	f := leadsFile("Bench", 10000, "rep@example.com")
	for i := range f.Records {
		f.Records[i].Lead.Value = salesbot.Amount{Minor: 180000000, Currency: "CNY"}
		f.Records[i].Lead.NextStep = "Send the quote"
	}
	o := &owners{known: map[string]string{"rep@example.com": "UREP"}}
	var planning, writing time.Duration
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		t := fmt.Sprintf("%s-%d", team, i)
		p := &salesbot.ImportPlan{Team: t, File: "bench.csv", At: now}
		b.StartTimer()
		start := time.Now()
		if err := svc.PlanImport(b.Context(), manager, p, f, o); err != nil {
			b.Fatal(err)
		}
		planned := time.Now()
		planning += planned.Sub(start)
		_, job, _, err := svc.StartImport(b.Context(), manager, t, p.ID, "bench", now)
		if err != nil {
			b.Fatal(err)
		}
		job, err = svc.RunImport(b.Context(), p, job, "bench", func(salesbot.ImportJob) {})
		if err != nil || job.Created != 10000 {
			b.Fatalf("%+v %v", job, err)
		}
		writing += time.Since(planned)
	}
	b.ReportMetric(float64(planning.Milliseconds())/float64(b.N), "plan-ms/op")
	b.ReportMetric(float64(writing.Milliseconds())/float64(b.N), "write-ms/op")
}

// runNow is a ResumeImports start that runs the resumed import at once.
func runNow(t *testing.T) func(func(context.Context) error) {
	return func(run func(context.Context) error) {
		if err := run(t.Context()); err != nil {
			t.Error(err)
		}
	}
}
