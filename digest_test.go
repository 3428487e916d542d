package salesbot_test

import (
	"testing"
	"time"

	"salesbot"
)

func TestBuildDigest(t *testing.T) {
	now := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	since := now.Add(-24 * time.Hour)
	lead := func(id, owner string, g salesbot.Grade, st salesbot.Stage, created, touched time.Time) *salesbot.Lead {
		l := &salesbot.Lead{ID: id, Company: id, Owner: owner, Grade: g, Stage: st, CreatedAt: created, LastTouch: touched}
		l.Schedule(salesbot.DefaultCadence())
		return l
	}
	longAgo := now.AddDate(0, -2, 0)
	leads := []*salesbot.Lead{
		lead("acme", "U1", salesbot.GradeA, salesbot.StageDemo, longAgo, now.Add(-9*24*time.Hour)),    // overdue by 2 days
		lead("beta", "U1", salesbot.GradeB, salesbot.StageLead, longAgo, now.Add(-2*time.Hour)),       // fine
		lead("gamma", "U2", salesbot.GradeC, salesbot.StageQuote, longAgo, now.Add(-40*24*time.Hour)), // overdue by 10 days
		lead("delta", "U2", salesbot.GradeA, salesbot.StageWon, longAgo, now.Add(-100*24*time.Hour)),  // closed: never overdue
		lead("quiet", "U3", salesbot.GradeD, salesbot.StageLead, longAgo, now.Add(-10*24*time.Hour)),  // nothing to say
	}
	// An A lead with a plan further out than its cadence: not overdue, but
	// untouched for longer than a week.
	planned := lead("eps", "U2", salesbot.GradeA, salesbot.StageDiscovery, longAgo, now.Add(-10*24*time.Hour))
	planned.NextStepDue = now.Add(3 * 24 * time.Hour)
	planned.Schedule(salesbot.DefaultCadence())
	leads = append(leads, planned)

	at := since.Add(time.Hour)
	changes := []salesbot.Change{
		{LeadID: "beta", Kind: salesbot.ChangeVisit, By: "U1", At: at},
		{LeadID: "beta", Kind: salesbot.ChangeCreated, By: "U1", At: at},
		{LeadID: "beta", Kind: salesbot.ChangeGrade, From: "C", To: "B", By: "U1", At: at},
		{LeadID: "acme", Kind: salesbot.ChangeGrade, From: "A", To: "C", By: "UBOSS", At: at}, // a manager's change counts for the owner
		{LeadID: "gamma", Kind: salesbot.ChangeStage, From: "demo", To: "quote", By: "U2", At: at},
		{LeadID: "delta", Kind: salesbot.ChangeWon, By: "U2", At: at},
		{LeadID: "beta", Kind: salesbot.ChangeVisit, By: "U1", At: since},                // at the boundary: last digest's
		{LeadID: "beta", Kind: salesbot.ChangeVisit, By: "U1", At: now.Add(time.Second)}, // after now: next digest's
		{LeadID: "gone", Kind: salesbot.ChangeVisit, By: "U9", At: at},                   // lead since deleted: counts for who did it
	}
	d := salesbot.BuildDigest(changes, leads, since, now, salesbot.DefaultCadence())
	if d.Quiet() || len(d.Reps) != 3 {
		t.Fatalf("reps = %+v", d.Reps)
	}
	u1, u2, u9 := d.Reps[0], d.Reps[1], d.Reps[2]
	if u1.Rep != "U1" || u2.Rep != "U2" || u9.Rep != "U9" {
		t.Fatalf("order %s %s %s", u1.Rep, u2.Rep, u9.Rep)
	}
	if len(u1.Visits) != 1 || len(u1.NewLeads) != 1 || len(u1.Upgrades) != 1 || len(u1.Downgrades) != 1 {
		t.Errorf("U1 = %+v", u1)
	}
	if len(u1.Overdue) != 1 || u1.Overdue[0].Lead.ID != "acme" || u1.Overdue[0].Days() != 2 {
		t.Errorf("U1 overdue = %+v", u1.Overdue)
	}
	if len(u2.StageMoves) != 1 || len(u2.Won) != 1 || len(u2.Overdue) != 1 || u2.Overdue[0].Days() != 10 {
		t.Errorf("U2 = %+v", u2)
	}
	if len(u2.Untouched) != 1 || u2.Untouched[0].ID != "eps" {
		t.Errorf("U2 untouched = %+v", u2.Untouched)
	}
	if len(u9.Visits) != 1 {
		t.Errorf("U9 = %+v", u9)
	}
	if d.Open != 5 || d.Pipeline[salesbot.GradeA][salesbot.StageDemo] != 1 || d.Pipeline[salesbot.GradeC][salesbot.StageQuote] != 1 {
		t.Errorf("pipeline %v open %d", d.Pipeline, d.Open)
	}

	quiet := salesbot.BuildDigest(nil, []*salesbot.Lead{leads[1]}, since, now, salesbot.DefaultCadence())
	if !quiet.Quiet() || quiet.Open != 1 {
		t.Errorf("a quiet day: %+v", quiet)
	}
}
