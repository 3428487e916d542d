package salesbot_test

import (
	"fmt"
	"slices"
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
		lead("beta", "U1", salesbot.GradeB, salesbot.StageLead, longAgo, now.Add(-2*time.Hour)),       // touched; no economic buyer yet
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
	d := salesbot.BuildDigest(salesbot.DigestInput{Changes: changes, Leads: leads, Since: since, Now: now}, salesbot.DefaultCadence())
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
	// Risks: acme and eps (A, no people recorded past the first visit),
	// beta (a B with no economic buyer is a risk from the lead stage on,
	// DOMAIN.md §3); gamma's (C) stay on its card.
	if got := riskLeads(u1.Risks); !slices.Equal(got, []string{"acme", "beta"}) {
		t.Errorf("U1 risks = %q, want acme's and beta's", got)
	}
	if got := riskLeads(u2.Risks); !slices.Equal(got, []string{"eps"}) {
		t.Errorf("U2 risks = %q, want eps's", got)
	}
	if len(salesbot.Risks(leads[2], now, salesbot.DefaultCadence())) == 0 {
		t.Error("gamma has no risks of its own: the test shows nothing")
	}
	if d.Open != 5 || d.Pipeline[salesbot.GradeA][salesbot.StageDemo] != 1 || d.Pipeline[salesbot.GradeC][salesbot.StageQuote] != 1 {
		t.Errorf("pipeline %v open %d", d.Pipeline, d.Open)
	}

	quiet := salesbot.BuildDigest(salesbot.DigestInput{Changes: nil, Leads: []*salesbot.Lead{leads[4]}, Since: since, Now: now}, salesbot.DefaultCadence())
	if !quiet.Quiet() || quiet.Open != 1 {
		t.Errorf("a quiet day: %+v", quiet)
	}
}

// riskLeads are the IDs of the leads in a digest's risk list, in order.
func riskLeads(lr []salesbot.LeadRisks) []string {
	var ids []string
	for _, r := range lr {
		ids = append(ids, r.Lead.ID)
	}
	return ids
}

// TestBuildDigestRisks: a rep's risk list holds open A and B leads only, and
// not their being overdue, which the Overdue list already says; a lead whose
// only risk is that is left out. The lead's card still shows every risk.
func TestBuildDigestRisks(t *testing.T) {
	cadence := salesbot.DefaultCadence()
	noCoach := func(l *salesbot.Lead) { l.Stakeholders = l.Stakeholders[:1] }
	overdue := func(l *salesbot.Lead) { // by more than a C cadence
		l.CreatedAt, l.LastTouch = riskNow.Add(-120*salesbot.Day), riskNow.Add(-100*salesbot.Day)
	}
	both := func(fs ...func(*salesbot.Lead)) func(*salesbot.Lead) {
		return func(l *salesbot.Lead) {
			for _, f := range fs {
				f(l)
			}
		}
	}
	type riskKinds = []salesbot.RiskKind
	tests := []struct {
		name    string
		grade   salesbot.Grade
		spoil   func(*salesbot.Lead)
		card    riskKinds // the lead's risks, as its card shows them
		digest  riskKinds // the lead's risks in the digest; nil: not listed
		overdue bool      // listed as overdue
	}{
		{"A healthy", salesbot.GradeA, func(*salesbot.Lead) {}, nil, nil, false},
		{"A without a coach", salesbot.GradeA, noCoach, riskKinds{salesbot.RiskNoCoach}, riskKinds{salesbot.RiskNoCoach}, false},
		{"B without a coach", salesbot.GradeB, noCoach, riskKinds{salesbot.RiskNoCoach}, riskKinds{salesbot.RiskNoCoach}, false},
		{"C without a coach", salesbot.GradeC, noCoach, riskKinds{salesbot.RiskNoCoach}, nil, false},
		{"D without a coach", salesbot.GradeD, noCoach, riskKinds{salesbot.RiskNoCoach}, nil, false},
		{"A only overdue", salesbot.GradeA, overdue, riskKinds{salesbot.RiskOverdue}, nil, true},
		{"B only overdue", salesbot.GradeB, overdue, riskKinds{salesbot.RiskOverdue}, nil, true},
		{"A overdue without a coach", salesbot.GradeA, both(overdue, noCoach),
			riskKinds{salesbot.RiskNoCoach, salesbot.RiskOverdue}, riskKinds{salesbot.RiskNoCoach}, true},
		{"B overdue and stuck", salesbot.GradeB, both(overdue, func(l *salesbot.Lead) { l.StageSince = riskNow.Add(-60 * salesbot.Day) }),
			riskKinds{salesbot.RiskOverdue, salesbot.RiskStuck}, riskKinds{salesbot.RiskStuck}, true},
		{"C overdue without a coach", salesbot.GradeC, both(overdue, noCoach),
			riskKinds{salesbot.RiskNoCoach, salesbot.RiskOverdue}, nil, true},
		{"A won", salesbot.GradeA, func(l *salesbot.Lead) { l.Stage = salesbot.StageWon; noCoach(l) }, nil, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := riskLead()
			l.Grade = tt.grade
			tt.spoil(l)
			l.Schedule(cadence)
			if got := kinds(salesbot.Risks(l, riskNow, cadence)); !slices.Equal(got, tt.card) {
				t.Fatalf("card risks = %v, want %v", got, tt.card)
			}
			d := salesbot.BuildDigest(salesbot.DigestInput{Changes: nil, Leads: []*salesbot.Lead{l}, Since: riskNow.Add(-salesbot.Day), Now: riskNow}, cadence)
			var r salesbot.RepDigest
			if len(d.Reps) > 0 {
				r = d.Reps[0]
			}
			var got riskKinds
			for _, lr := range r.Risks {
				if lr.Lead != l {
					t.Fatalf("risks of lead %s", lr.Lead.ID)
				}
				if got = kinds(lr.Risks); len(got) == 0 {
					t.Error("listed with no risks")
				}
			}
			if !slices.Equal(got, tt.digest) {
				t.Errorf("digest risks = %v, want %v", got, tt.digest)
			}
			if listed := len(r.Overdue) == 1; listed != tt.overdue {
				t.Errorf("listed as overdue: %v, want %v", listed, tt.overdue)
			}
			if want := tt.digest == nil && !tt.overdue; r.Empty() != want || d.Calm() != want {
				t.Errorf("rep's digest empty: %v, calm: %v; want %v", r.Empty(), d.Calm(), want)
			}
		})
	}

	t.Run("A first, then B, each by company; C and D left out", func(t *testing.T) {
		var leads []*salesbot.Lead
		for i, x := range []struct {
			company string
			grade   salesbot.Grade
		}{{"Beta", "B"}, {"Zeta", "A"}, {"Cee", "C"}, {"Acme", "A"}, {"Dee", "D"}, {"Alpha", "B"}} {
			l := riskLead()
			l.ID, l.Company, l.Grade = fmt.Sprintf("L%d", i), x.company, x.grade
			noCoach(l)
			l.Schedule(cadence)
			leads = append(leads, l)
		}
		d := salesbot.BuildDigest(salesbot.DigestInput{Changes: nil, Leads: leads, Since: riskNow.Add(-salesbot.Day), Now: riskNow}, cadence)
		if len(d.Reps) != 1 {
			t.Fatalf("reps = %+v", d.Reps)
		}
		var got []string
		for _, lr := range d.Reps[0].Risks {
			got = append(got, lr.Lead.Company)
		}
		if want := []string{"Acme", "Zeta", "Alpha", "Beta"}; !slices.Equal(got, want) {
			t.Errorf("risk list = %q, want %q", got, want)
		}
	})
}
