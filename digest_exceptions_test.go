package salesbot_test

import (
	"slices"
	"testing"
	"time"

	"salesbot"
)

// TestExceptionsDigestThreeDays: the digest of each day says what changed
// since the day before's: a risk appears (new), stays (standing, counted),
// goes (resolved); a parked B lead is named once; escalations, slips and
// grade changes are listed; a day with nothing of that is quiet.
func TestExceptionsDigestThreeDays(t *testing.T) {
	c := salesbot.DefaultCadence()
	day1 := riskNow
	noCoach := func() *salesbot.Lead {
		l := riskLead()
		l.ID, l.Company = "L1", "Acme"
		l.Stakeholders = l.Stakeholders[:1]
		l.Schedule(c)
		return l
	}
	healthy := riskLead()
	healthy.ID, healthy.Company, healthy.Owner = "L2", "Beta", "U2"
	parked := riskLead()
	parked.ID, parked.Company, parked.Grade = "L3", "Gamma", salesbot.GradeB
	parked.Stakeholders = parked.Stakeholders[:1] // a risk, silent while parked
	parked.ParkedUntil, parked.ParkReason = salesbot.DateOf(day1).AddDays(60), "budget frozen until April"
	parked.Schedule(c)

	type want struct {
		quiet             bool
		newRisks          []string // "<lead>|<kind>"
		resolved          []string
		standing          int
		parked            []string
		escalations, slip int
	}
	steps := []struct {
		name    string
		now     time.Time
		leads   []*salesbot.Lead
		changes []salesbot.Change
		want    want
	}{
		{
			name:  "day 1: the coach is missing; Gamma parked",
			now:   day1,
			leads: []*salesbot.Lead{noCoach(), healthy, parked},
			changes: []salesbot.Change{
				{LeadID: "L1", Kind: salesbot.ChangeEscalated, To: "managers", By: "U1", At: day1.Add(-time.Hour)},
				{LeadID: "L2", Kind: salesbot.ChangeCloseBy, From: "2026-12-31", To: "2027-03-31", Reason: "slip", By: "U2", At: day1.Add(-time.Hour)},
				{LeadID: "L2", Kind: salesbot.ChangeCloseBy, From: "2027-03-31", To: "2027-02-28", By: "U2", At: day1.Add(-time.Hour)}, // earlier: no slip
			},
			want: want{newRisks: []string{"L1|no-coach"}, parked: []string{"L3"}, escalations: 1, slip: 1},
		},
		{
			name:    "day 2: a visit, nothing else; the risk stands, Gamma is not named again",
			now:     day1.Add(salesbot.Day),
			leads:   []*salesbot.Lead{noCoach(), healthy, parked},
			changes: []salesbot.Change{{LeadID: "L2", Kind: salesbot.ChangeVisit, By: "U2", At: day1.Add(2 * time.Hour)}},
			want:    want{quiet: false, standing: 1},
		},
		{
			name:  "day 3: the coach recorded",
			now:   day1.Add(2 * salesbot.Day),
			leads: []*salesbot.Lead{riskLead(), healthy, parked},
			want:  want{resolved: []string{"L1|no-coach"}},
		},
		{
			name:  "day 4: quiet, and nothing standing",
			now:   day1.Add(3 * salesbot.Day),
			leads: []*salesbot.Lead{riskLead(), healthy, parked},
			want:  want{quiet: true},
		},
	}
	var seen salesbot.DigestSeen
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			for _, l := range st.leads {
				l.LastTouch = st.now.Add(-salesbot.Day) // never overdue here
				l.Schedule(c)
			}
			d := salesbot.BuildDigest(salesbot.DigestInput{Since: st.now.Add(-salesbot.Day), Now: st.now, Changes: st.changes, Leads: st.leads, Seen: seen}, c)
			var got want
			got.quiet = d.Quiet()
			for _, r := range d.Reps {
				for _, lr := range r.NewRisks {
					for _, risk := range lr.Risks {
						got.newRisks = append(got.newRisks, salesbot.RiskKey(lr.Lead.ID, risk.Kind))
					}
				}
				for _, rr := range r.Resolved {
					got.resolved = append(got.resolved, salesbot.RiskKey(rr.Lead.ID, rr.Kind))
				}
				for _, l := range r.Parked {
					got.parked = append(got.parked, l.ID)
				}
				got.standing += r.Standing
				got.escalations += len(r.Escalations)
				got.slip += len(r.Slips)
			}
			if got.quiet != st.want.quiet || !slices.Equal(got.newRisks, st.want.newRisks) || !slices.Equal(got.resolved, st.want.resolved) ||
				got.standing != st.want.standing || !slices.Equal(got.parked, st.want.parked) || got.escalations != st.want.escalations || got.slip != st.want.slip {
				t.Errorf("got %+v\nwant %+v", got, st.want)
			}
			if !slices.Contains(d.Seen.Parked, "L3") {
				t.Errorf("Gamma, parked, forgotten: seen %+v", d.Seen)
			}
			seen = d.Seen
		})
	}
}

// TestExceptionsDigestOverdueAndClosed: an A follow-up a day and more
// past due is a new risk once; a lead won since is told as resolved by its closing; a lead
// graded C since, by its regrade.
func TestExceptionsDigestOverdueAndClosed(t *testing.T) {
	c := salesbot.DefaultCadence()
	late := riskLead()
	late.LastTouch = riskNow.Add(-10 * salesbot.Day)
	late.Schedule(c)
	d := salesbot.BuildDigest(salesbot.DigestInput{Now: riskNow, Leads: []*salesbot.Lead{late}}, c)
	if len(d.Reps) != 1 || len(d.Reps[0].NewRisks) != 1 || d.Reps[0].NewRisks[0].Risks[0].Kind != salesbot.RiskOverdue {
		t.Fatalf("overdue A follow-up not new: %+v", d.Reps)
	}
	// Due overnight (three hours ago): the morning's reminder's, not news
	// for the manager; a day and more past due, it is.
	for _, tc := range []struct {
		pastDue time.Duration
		news    bool
	}{{3 * time.Hour, false}, {23 * time.Hour, false}, {25 * time.Hour, true}} {
		l := riskLead()
		l.LastTouch = riskNow.Add(-c[l.Grade] - tc.pastDue)
		l.Schedule(c)
		got := false
		for _, r := range salesbot.BuildDigest(salesbot.DigestInput{Now: riskNow, Leads: []*salesbot.Lead{l}}, c).Reps {
			for _, lr := range r.NewRisks {
				for _, risk := range lr.Risks {
					got = got || risk.Kind == salesbot.RiskOverdue
				}
			}
		}
		if got != tc.news {
			t.Errorf("a follow-up %v past due: news %v, want %v", tc.pastDue, got, tc.news)
		}
	}
	won, regraded := *late, *late
	won.Stage = salesbot.StageWon
	regraded.Grade = salesbot.GradeC
	for _, tc := range []struct {
		l   *salesbot.Lead
		how salesbot.RiskGone
	}{{&won, salesbot.ResolvedClosed}, {&regraded, salesbot.ResolvedRegraded}} {
		next := salesbot.BuildDigest(salesbot.DigestInput{Now: riskNow.Add(salesbot.Day), Leads: []*salesbot.Lead{tc.l}, Seen: d.Seen}, c)
		if len(next.Reps) != 1 || len(next.Reps[0].Resolved) != 1 || next.Reps[0].Resolved[0].How != tc.how || next.Quiet() {
			t.Errorf("%s: %+v", tc.how, next.Reps)
		}
		if len(next.Seen.Risks) != 0 {
			t.Errorf("%s: still remembered %v", tc.how, next.Seen.Risks)
		}
	}
}

// TestExceptionsDigestForReps: a manager who leads U1 sees U1's leads and
// changes and U1's requests only.
func TestExceptionsDigestForReps(t *testing.T) {
	c := salesbot.DefaultCadence()
	mine, theirs := riskLead(), riskLead()
	mine.Stakeholders = mine.Stakeholders[:1]
	theirs.ID, theirs.Owner, theirs.Company = "L9", "U9", "Other"
	theirs.Stakeholders = theirs.Stakeholders[:1]
	changes := []salesbot.Change{
		{LeadID: "L9", Kind: salesbot.ChangeWon, By: "U9", At: riskNow.Add(-time.Hour)},
		{LeadID: "gone", Kind: salesbot.ChangeLost, By: "U1", At: riskNow.Add(-time.Hour)},
	}
	d := salesbot.BuildDigest(salesbot.DigestInput{Since: riskNow.Add(-salesbot.Day), Now: riskNow, Leads: []*salesbot.Lead{mine, theirs}, Changes: changes, Reps: []string{"U1"}}, c)
	if len(d.Reps) != 1 || d.Reps[0].Rep != "U1" || len(d.Reps[0].NewRisks) != 1 || len(d.Reps[0].Lost) != 1 || d.Open != 1 {
		t.Errorf("reps %+v open %d", d.Reps, d.Open)
	}
	pending := []*salesbot.Approval{{ID: "a1", Rep: "U1"}, {ID: "a2", Rep: "U9"}, {ID: "a3", Rep: "U7", Owner: "U1"}}
	if got := salesbot.ApprovalsFor(pending, []string{"U1"}); len(got) != 2 || got[0].ID != "a1" || got[1].ID != "a3" {
		t.Errorf("approvals %+v", got)
	}
	if got := salesbot.ApprovalsFor(pending, nil); len(got) != 3 {
		t.Errorf("everyone's approvals: %d", len(got))
	}
}

// TestNewsOfRisks: a rep hears of a risk once; a risk that went away is
// forgotten, and told again when it comes back; a parked lead is left as
// it was; C and D leads and overdue follow-ups are not told of.
func TestNewsOfRisks(t *testing.T) {
	c := salesbot.DefaultCadence()
	today := salesbot.DateOf(riskNow)
	devil := func() *salesbot.Lead {
		l := riskLead()
		l.Stakeholders = append(l.Stakeholders, salesbot.Stakeholder{Name: "Li", Role: salesbot.RoleTechnicalBuyer, Influence: salesbot.InfluenceHigh, Support: -3})
		l.LastTouch = riskNow.Add(-20 * salesbot.Day) // overdue too: not told
		l.Schedule(c)
		return l
	}
	cLead := riskLead()
	cLead.ID, cLead.Grade = "L5", salesbot.GradeC
	cLead.Stakeholders = cLead.Stakeholders[:1]

	n := salesbot.NewsOfRisks("U1", []*salesbot.Lead{devil(), cLead}, nil, today, riskNow, c)
	if len(n.New) != 1 || !slices.Equal(kinds(n.New[0].Risks), []salesbot.RiskKind{salesbot.RiskDevil}) {
		t.Fatalf("first news: %+v", n.New)
	}
	if !slices.Equal(n.Told["L1"], []salesbot.RiskKind{salesbot.RiskDevil}) || n.Told["L5"] != nil {
		t.Fatalf("told %+v", n.Told)
	}
	again := salesbot.NewsOfRisks("U1", []*salesbot.Lead{devil()}, n.Told, today, riskNow.Add(salesbot.Day), c)
	if len(again.New) != 0 {
		t.Fatalf("told twice: %+v", again.New)
	}
	fixed := salesbot.NewsOfRisks("U1", []*salesbot.Lead{riskLead()}, again.Told, today, riskNow, c)
	if len(fixed.New) != 0 || fixed.Told["L1"] != nil {
		t.Fatalf("fixed: %+v %+v", fixed.New, fixed.Told)
	}
	if _, ok := fixed.Told["L1"]; !ok {
		t.Fatal("the fixed lead's entry is not cleared")
	}
	back := salesbot.NewsOfRisks("U1", []*salesbot.Lead{devil()}, map[string][]salesbot.RiskKind{}, today, riskNow, c)
	if len(back.New) != 1 {
		t.Fatalf("a risk back is not told again: %+v", back.New)
	}
	p := devil()
	p.ParkedUntil = today.AddDays(10)
	if sleeping := salesbot.NewsOfRisks("U1", []*salesbot.Lead{p}, nil, today, riskNow, c); len(sleeping.New) != 0 || len(sleeping.Told) != 0 {
		t.Fatalf("parked lead told of: %+v", sleeping)
	}
	if other := salesbot.NewsOfRisks("U2", []*salesbot.Lead{devil()}, nil, today, riskNow, c); len(other.New) != 0 {
		t.Fatalf("another rep's lead told of: %+v", other)
	}
}

func TestRiskNewsDay(t *testing.T) {
	w := salesbot.DefaultWorkHours()
	loc := time.FixedZone("UTC+8", 8*3600)
	at := func(d, h int) time.Time { return time.Date(2026, 12, d, h, 0, 0, 0, loc) } // 1 Dec 2026 is a Tuesday
	off := salesbot.NotifyPrefs{Mode: salesbot.NotifyBatch, BatchHour: salesbot.DayStart,
		DaysOff: []salesbot.DateSpan{{From: salesbot.DateOf(at(2, 0)), To: salesbot.DateOf(at(2, 0))}}}
	eight := salesbot.NotifyPrefs{Mode: salesbot.NotifyBatch, BatchHour: 8}
	for _, tc := range []struct {
		p    salesbot.NotifyPrefs
		now  time.Time
		want bool
	}{
		{salesbot.DefaultNotifyPrefs(), at(1, 8), false},
		{salesbot.DefaultNotifyPrefs(), at(1, 9), true},
		{salesbot.DefaultNotifyPrefs(), at(1, 18), false}, // the day is over
		{eight, at(1, 8), true},
		{off, at(2, 10), false}, // a day off
		{off, at(3, 10), true},
		{salesbot.DefaultNotifyPrefs(), at(5, 10), false}, // Saturday
	} {
		if day, got := salesbot.RiskNewsDay(tc.p, tc.now, w); got != tc.want || day != salesbot.DateOf(tc.now) {
			t.Errorf("%v with %+v: %v, want %v", tc.now, tc.p, got, tc.want)
		}
	}
}
