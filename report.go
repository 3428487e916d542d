package salesbot

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"
)

// Period is the span of time a report covers, From and To both included.
type Period struct {
	From, To time.Time
}

// Contains reports whether t falls within the period.
func (p Period) Contains(t time.Time) bool { return !t.Before(p.From) && !t.After(p.To) }

// The periods a report covers, as PeriodFor names them.
const (
	PeriodWeek      = "week"       // this calendar week so far
	PeriodMonth     = "month"      // this calendar month so far
	PeriodLastWeek  = "last-week"  // the previous calendar week, Monday to Sunday
	PeriodLastMonth = "last-month" // the previous calendar month
)

var periodKinds = map[string]string{
	PeriodWeek: PeriodWeek, PeriodMonth: PeriodMonth,
	PeriodLastWeek: PeriodLastWeek, "lastweek": PeriodLastWeek, "上周": PeriodLastWeek,
	PeriodLastMonth: PeriodLastMonth, "lastmonth": PeriodLastMonth, "上月": PeriodLastMonth,
}

// ParsePeriodKind reads the period a manager asks for: week, month,
// last-week (lastweek, last_week, 上周) or last-month (lastmonth, 上月), in
// any case, as one of the Period* names.
func ParsePeriodKind(s string) (string, bool) {
	key := strings.ReplaceAll(strings.ToLower(foldWidth(strings.TrimSpace(s))), "_", "-")
	kind, ok := periodKinds[key]
	return kind, ok
}

// PeriodFor returns the period a manager means by kind (see
// ParsePeriodKind), in loc's calendar:
//
//   - week: the calendar week so far, from Monday 00:00 up to now;
//   - month: the calendar month so far, from the 1st, 00:00, up to now;
//   - last-week: the previous calendar week, from Monday 00:00 up to the
//     next Monday 00:00;
//   - last-month: the previous calendar month, from its 1st, 00:00, up to
//     the 1st of this month, 00:00.
//
// A last period's To is the last instant before its end, which belongs to the
// period after it (Period includes both ends). A week or a month may be 1 hour
// shorter or longer than usual across a change of daylight saving time.
//
// Calendar periods match the weekly and monthly new-leads summaries
// (周/月新增客户信息汇总表): reports of successive periods never count the
// same lead twice. Run on Friday or on the last day of the month, week and
// month cover the whole week or month; run on a Monday morning, week covers
// only that morning, and last-week is the week to review.
func PeriodFor(kind string, now time.Time, loc *time.Location) (Period, error) {
	if loc == nil {
		loc = time.UTC
	}
	today := DateOf(now.In(loc))
	monday := today.AddDays(-((int(now.In(loc).Weekday()) + 6) % 7))
	first := Date{today.Year, today.Month, 1}
	k, _ := ParsePeriodKind(kind)
	switch k {
	case PeriodWeek:
		return Period{From: monday.In(loc), To: now}, nil
	case PeriodMonth:
		return Period{From: first.In(loc), To: now}, nil
	case PeriodLastWeek:
		return Period{From: monday.AddDays(-7).In(loc), To: monday.In(loc).Add(-time.Nanosecond)}, nil
	case PeriodLastMonth:
		prev := DateOf(time.Date(today.Year, today.Month-1, 1, 0, 0, 0, 0, time.UTC))
		return Period{From: prev.In(loc), To: first.In(loc).Add(-time.Nanosecond)}, nil
	}
	return Period{}, Errorf(EINVALID, "%q is not a period. Use week, month, last-week or last-month.", kind)
}

// Report is what a manager reviews for a week or a month (DOMAIN.md §7): the
// leads registered in the period, the grades that moved, the deals closed,
// the pipeline as it stands, and how each rep spent their touches.
type Report struct {
	Period     Period
	NewLeads   []NewLeadRow // leads registered in the period, in the order they were
	GradeMoves []GradeMove  // grade changes in the period, oldest first
	Won, Lost  []Change     // deals closed in the period, oldest first
	Pipeline   Pipeline     // open leads now, by grade and stage
	Open       int          // open leads now, in all
	Value      StageValue   // the open deals' value now, by stage
	Currency   Currency     // the team's: its sums are listed first
	Touches    []RepTouches // per rep, by user ID
	Sources    []SourceRow  // the period by lead source (source_report.go)
	// Names maps user IDs to the names people know them by, for the CSV
	// (which Slack does not render); the caller fills it in. An ID with no
	// name is written as the ID.
	Names map[string]string
}

// NewLeadRow is one line of the new-leads summary. The lead has no recorded
// source (信息收集方式) yet, so the summary names who registered it instead.
type NewLeadRow struct {
	LeadID       string
	Company      string
	RegisteredBy string
	Owner        string // now
	Grade        Grade  // now
	Stage        Stage  // now
	Registered   time.Time
	FirstTouch   Date // the earliest touch logged in the period; zero when none
	// The deal now: its value and expected close (zero when not set), the
	// win probability of its stage in percent, and its forecast category
	// ("" once the deal is won or lost).
	Value       Amount
	CloseBy     Date
	Probability int
	Category    Category
}

// GradeMove is a grade change, and whether it was towards A.
type GradeMove struct {
	Change
	Up bool
}

// RepTouches is how one rep's touches in the period split, row by row as
// seed 000's table of a rep's month has them (跑A级客户, B级客户关系维护,
// C级客户关系维护, 开发新客户), with D leads a row of their own too. A
// touch counts once: on a lead registered in the period it is new-lead
// hunting, whatever its grade; otherwise it counts by the lead's grade
// when the touch was logged.
type RepTouches struct {
	Rep        string
	A, B, C, D int
	New        int
}

// Total is the rep's touches in the period.
func (t RepTouches) Total() int { return t.A + t.B + t.C + t.D + t.New }

// Split is the touches in the order the report shows them: A, B, C, D,
// new leads.
func (t RepTouches) Split() [5]int { return [5]int{t.A, t.B, t.C, t.D, t.New} }

// Percent returns Split as whole percentages that add up to 100 (all zero
// when the rep made no touch), rounding by largest remainder; of equal
// remainders the first in Split's order gets the point.
func (t RepTouches) Percent() [5]int {
	var pct [5]int
	total := t.Total()
	if total == 0 {
		return pct
	}
	var rem [5]int
	left := 100
	for i, n := range t.Split() {
		pct[i], rem[i] = n*100/total, n*100%total
		left -= pct[i]
	}
	for ; left > 0; left-- {
		best := 0
		for i := range rem {
			if rem[i] > rem[best] {
				best = i
			}
		}
		pct[best]++
		rem[best] = -1
	}
	return pct
}

// StageValue is what the open deals are worth now, by stage: the value of
// the open deals with an expected close date, commit, best case and
// pipeline (omitted deals left out), summed per currency. The read models
// keep a deal's figures once it has a close date, so a lead with a value
// and no close date is counted in Open - Dated rather than summed.
type StageValue struct {
	Stages  map[Stage]Money
	Dated   int // open deals with an expected close date, omitted ones included
	NoValue int // of those, the ones with no value set
}

// Total is the open value of every stage.
func (v StageValue) Total() Money {
	m := Money{}
	for _, s := range v.Stages {
		m.Merge(s)
	}
	return m
}

// ReportInput is what a report is built from.
type ReportInput struct {
	// Leads are the leads as they are now: at least those registered in
	// the period and those its changes touched (the whole team, for a small
	// one).
	Leads []*Lead
	// Changes run from the period's start up to now.
	Changes []Change
	// Pipeline counts the team's open leads now; nil counts Leads, when
	// they are the whole team.
	Pipeline Pipeline
	// Reps are the reps with open leads now, who show in the report even
	// without a touch; nil takes the owners of Leads' open leads.
	Reps []string
	// Deals tallies the team's open deals now that have a close date, on
	// any day (Stages, Open and NoValue are read); nil tallies Leads',
	// when they are the whole team.
	Deals *Tally
	// Probability is the win probability per stage; nil is
	// DefaultProbability.
	Probability Probability
	// Currency is the team's currency.
	Currency Currency
}

// BuildReport assembles a report of the period; changes outside it are not
// reported. A touch's grade is worked out from the grade changes between it
// and now, so changes should run from the period's start up to now: for a
// period that ended before now (last-week, last-month), the grade changes
// made since its end are used for that alone.
func BuildReport(input ReportInput, p Period) Report {
	r := Report{Period: p, Pipeline: Pipeline{}, Currency: input.Currency}
	prob := input.Probability
	if prob == nil {
		prob = DefaultProbability()
	}
	deals := input.Deals
	if deals == nil {
		t := NewTally()
		deals = &t
	}
	byID := make(map[string]*Lead, len(input.Leads))
	fresh := map[string]bool{} // leads registered in the period
	for _, l := range input.Leads {
		byID[l.ID] = l
		if p.Contains(l.CreatedAt) {
			fresh[l.ID] = true
		}
	}
	in, after := splitAtPeriod(input.Changes, p)
	moves := map[string][]Change{} // grade changes by lead, oldest first
	firstTouch := r.addChanges(in, fresh, moves)
	for _, c := range after {
		moves[c.LeadID] = append(moves[c.LeadID], c)
	}
	reps := repTouches(in, fresh, byID, moves)
	r.Sources = sourceRows(in, fresh, byID)
	rep := func(user string) {
		if reps[user] == nil {
			reps[user] = &RepTouches{Rep: user}
		}
	}
	for _, l := range input.Leads {
		if fresh[l.ID] {
			row := NewLeadRow{
				LeadID: l.ID, Company: l.Company, RegisteredBy: l.CreatedBy, Owner: l.Owner,
				Grade: l.Grade, Stage: l.Stage, Registered: l.CreatedAt, FirstTouch: firstTouch[l.ID],
				Value: l.Value, CloseBy: l.CloseBy, Probability: l.Probability(prob),
			}
			if l.Open() {
				row.Category = l.Category.Or()
			}
			r.NewLeads = append(r.NewLeads, row)
		}
		if !l.Open() {
			continue
		}
		if input.Deals == nil && !l.CloseBy.IsZero() {
			deals.Count(l.Deal(), prob)
		}
		if input.Reps == nil {
			rep(l.Owner) // a rep with open leads and no touch shows as such
		}
		r.Pipeline.Add(Cell{Grade: l.Grade, Stage: l.Stage}, 1)
	}
	for _, user := range input.Reps {
		rep(user)
	}
	if input.Pipeline != nil {
		r.Pipeline = input.Pipeline
	}
	r.Open = r.Pipeline.Total()
	r.Value = StageValue{Stages: map[Stage]Money{}, Dated: deals.Open, NoValue: deals.NoValue}
	for st, m := range deals.Stages {
		if len(m.Currencies("")) > 0 {
			r.Value.Stages[st] = m
		}
	}
	slices.SortFunc(r.NewLeads, func(a, b NewLeadRow) int {
		return cmp.Or(a.Registered.Compare(b.Registered), strings.Compare(a.Company, b.Company))
	})
	for _, t := range reps {
		r.Touches = append(r.Touches, *t)
	}
	slices.SortFunc(r.Touches, func(a, b RepTouches) int { return strings.Compare(a.Rep, b.Rep) })
	return r
}

// splitAtPeriod returns the changes made in the period, and the grade
// changes made after it (which tell a touch its grade at the time), each
// oldest first.
func splitAtPeriod(changes []Change, p Period) (in, after []Change) {
	in = make([]Change, 0, len(changes))
	for _, c := range changes {
		switch {
		case p.Contains(c.At):
			in = append(in, c)
		case c.At.After(p.To) && c.Kind == ChangeGrade:
			after = append(after, c)
		}
	}
	byTime := func(a, b Change) int { return a.At.Compare(b.At) }
	slices.SortStableFunc(in, byTime)
	slices.SortStableFunc(after, byTime)
	return in, after
}

// addChanges reports the period's changes: registrations (marked fresh),
// grade moves (kept in moves by lead too), wins and losses. It returns
// each lead's first touch in the period.
func (r *Report) addChanges(in []Change, fresh map[string]bool, moves map[string][]Change) map[string]Date {
	firstTouch := map[string]Date{}
	for _, c := range in {
		switch c.Kind {
		case ChangeCreated:
			fresh[c.LeadID] = true
		case ChangeGrade:
			moves[c.LeadID] = append(moves[c.LeadID], c)
			r.GradeMoves = append(r.GradeMoves, GradeMove{Change: c, Up: Grade(c.To).Rank() < Grade(c.From).Rank()})
		case ChangeWon:
			r.Won = append(r.Won, c)
		case ChangeLost:
			r.Lost = append(r.Lost, c)
		case ChangeVisit:
			if d, err := ParseDate(c.To); err == nil {
				if f, ok := firstTouch[c.LeadID]; !ok || d.Before(f) {
					firstTouch[c.LeadID] = d
				}
			}
		}
	}
	return firstTouch
}

// repTouches splits each rep's touches in the period between new leads and
// leads of each grade (the grade the lead had when touched). A touch on a
// lead the report could not read (the store skipped its record as
// unreadable) has no grade and is left out.
func repTouches(in []Change, fresh map[string]bool, byID map[string]*Lead, moves map[string][]Change) map[string]*RepTouches {
	reps := map[string]*RepTouches{}
	for _, c := range in {
		if c.Kind != ChangeVisit {
			continue
		}
		g := gradeAt(byID[c.LeadID], moves[c.LeadID], c.At)
		if !fresh[c.LeadID] && !slices.Contains(Grades, g) {
			continue
		}
		t := reps[c.By]
		if t == nil {
			t = &RepTouches{Rep: c.By}
			reps[c.By] = t
		}
		switch {
		case fresh[c.LeadID]:
			t.New++
		case g == GradeA:
			t.A++
		case g == GradeB:
			t.B++
		case g == GradeC:
			t.C++
		default:
			t.D++
		}
	}
	return reps
}

// gradeAt is the lead's grade at time t: its grade now, with the grade
// changes made after t undone (moves are the lead's, oldest first). A lead
// not known any more has no grade.
func gradeAt(l *Lead, moves []Change, t time.Time) Grade {
	var g Grade
	if l != nil {
		g = l.Grade
	}
	for i := len(moves) - 1; i >= 0 && moves[i].At.After(t); i-- {
		g = Grade(moves[i].From)
	}
	return g
}

// Upgrades counts the grade changes towards A.
func (r Report) Upgrades() int {
	n := 0
	for _, m := range r.GradeMoves {
		if m.Up {
			n++
		}
	}
	return n
}

// Visits counts the touches logged in the period.
func (r Report) Visits() int {
	n := 0
	for _, t := range r.Touches {
		n += t.Total()
	}
	return n
}

// name is how the CSV writes a user.
func (r Report) name(user string) string {
	if n := r.Names[user]; n != "" {
		return n
	}
	return user
}

// ReportService reports on a period.
type ReportService interface {
	// Report is the team's report of the period, built from what the
	// period registered and changed and the team's read models.
	Report(ctx context.Context, team string, p Period, now time.Time) (Report, error)
}
