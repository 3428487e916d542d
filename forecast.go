package salesbot

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Category is the forecast category a rep puts a deal in (DOMAIN.md §7):
// how sure they are it closes in its period.
type Category string

// The forecast categories. An open deal without one is CategoryPipeline.
const (
	CategoryCommit   Category = "commit"   // will close in the period
	CategoryBest     Category = "best"     // could close in the period
	CategoryPipeline Category = "pipeline" // open, not yet called
	CategoryOmit     Category = "omit"     // not in this forecast
)

// Categories lists the categories in the order forecasts show them.
var Categories = []Category{CategoryCommit, CategoryBest, CategoryPipeline, CategoryOmit}

var categoryAliases = map[string]Category{
	"committed": CategoryCommit, "承诺": CategoryCommit, "确定": CategoryCommit, "必成": CategoryCommit,
	"best-case": CategoryBest, "bestcase": CategoryBest, "best case": CategoryBest, "最佳": CategoryBest,
	"最好情况": CategoryBest, "可能": CategoryBest, "管道": CategoryPipeline, "跟进中": CategoryPipeline,
	"omitted": CategoryOmit, "exclude": CategoryOmit, "排除": CategoryOmit, "不计入": CategoryOmit,
}

// ParseCategory reads a forecast category by its name or a Chinese one.
func ParseCategory(s string) (Category, error) {
	key := strings.ToLower(strings.TrimSpace(foldWidth(s)))
	for _, c := range Categories {
		if string(c) == key {
			return c, nil
		}
	}
	if c, ok := categoryAliases[key]; ok {
		return c, nil
	}
	return "", Errorf(EINVALID, "%q is not a forecast category. Use commit, best, pipeline or omit.", s)
}

// Or is the category, or CategoryPipeline for a deal without one.
func (c Category) Or() Category {
	if c == "" {
		return CategoryPipeline
	}
	return c
}

// Name is the category as forecasts title it.
func (c Category) Name() string {
	switch c.Or() {
	case CategoryCommit:
		return "Commit"
	case CategoryBest:
		return "Best case"
	case CategoryOmit:
		return "Omitted"
	}
	return "Pipeline"
}

// Probability is the win probability, in percent, that each stage implies
// (DOMAIN.md §7); the forecast weights a deal's value by it.
type Probability map[Stage]int

// DefaultProbability is DOMAIN.md §7's table.
func DefaultProbability() Probability {
	return Probability{
		StageLead: 5, StageFirstVisit: 10, StageDiscovery: 20, StageDemo: 35,
		StageQuote: 50, StageObjections: 65, StageNegotiation: 80, StageWon: 100, StageLost: 0,
	}
}

// ParseProbability reads SALESBOT_PROBABILITY, e.g.
// "lead=5,first-visit=10,negotiation=80": stages left out keep their
// default; each value is a whole percent from 0 to 100. Won is always 100
// and lost 0.
func ParseProbability(s string) (Probability, error) {
	p := DefaultProbability()
	if strings.TrimSpace(s) == "" {
		return p, nil
	}
	for _, part := range strings.Split(s, ",") {
		name, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return nil, fmt.Errorf("%q: write stage=percent, e.g. quote=50", part)
		}
		st, err := ParseStage(name)
		if err != nil {
			return nil, fmt.Errorf("%q: %s is not a stage (lead, first-visit, discovery, demo, quote, objections, negotiation)", part, name)
		}
		n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(val), "%"))
		if err != nil || n < 0 || n > 100 {
			return nil, fmt.Errorf("%q: the probability is a whole percent from 0 to 100", part)
		}
		p[st] = n
	}
	return p, nil
}

// Of is the stage's probability in percent.
func (p Probability) Of(s Stage) int {
	if v, ok := p[s]; ok {
		return v
	}
	return DefaultProbability()[s]
}

// String writes the table as SALESBOT_PROBABILITY reads it.
func (p Probability) String() string {
	parts := make([]string, 0, len(Stages))
	for _, s := range Stages {
		parts = append(parts, fmt.Sprintf("%s=%d", s, p.Of(s)))
	}
	return strings.Join(parts, ",")
}

// SalesPeriodKind is how long a forecast period is.
type SalesPeriodKind string

// The period kinds.
const (
	SalesMonth   SalesPeriodKind = "month"
	SalesQuarter SalesPeriodKind = "quarter"
)

// SalesPeriod is a calendar month or quarter that deals close in and targets
// are set for.
type SalesPeriod struct {
	Kind SalesPeriodKind
	Year int
	N    int // the month (1–12) or the quarter (1–4)
}

// MonthOf is the calendar month day d is in.
func MonthOf(d Date) SalesPeriod { return SalesPeriod{SalesMonth, d.Year, int(d.Month)} }

// QuarterOf is the calendar quarter day d is in.
func QuarterOf(d Date) SalesPeriod { return SalesPeriod{SalesQuarter, d.Year, (int(d.Month)-1)/3 + 1} }

// First is the period's first day.
func (p SalesPeriod) First() Date {
	if p.Kind == SalesQuarter {
		return Date{p.Year, time.Month(3*(p.N-1) + 1), 1}
	}
	return Date{p.Year, time.Month(p.N), 1}
}

// Last is the period's last day.
func (p SalesPeriod) Last() Date { return p.Next().First().AddDays(-1) }

// Next is the period after p.
func (p SalesPeriod) Next() SalesPeriod {
	limit := 12
	if p.Kind == SalesQuarter {
		limit = 4
	}
	if p.N == limit {
		return SalesPeriod{p.Kind, p.Year + 1, 1}
	}
	return SalesPeriod{p.Kind, p.Year, p.N + 1}
}

// Contains reports whether day d falls in the period.
func (p SalesPeriod) Contains(d Date) bool {
	return !d.IsZero() && !d.Before(p.First()) && !d.After(p.Last())
}

// IsZero reports whether no period is set.
func (p SalesPeriod) IsZero() bool { return p == SalesPeriod{} }

// String writes the period as targets name it: 2026-12 or 2026-Q4.
func (p SalesPeriod) String() string {
	if p.Kind == SalesQuarter {
		return fmt.Sprintf("%04d-Q%d", p.Year, p.N)
	}
	return fmt.Sprintf("%04d-%02d", p.Year, p.N)
}

// InLanguage writes the period for a reader: "December 2026", "2026 Q4";
// 2026年12月, 2026年第4季度.
func (p SalesPeriod) InLanguage(lang string) string {
	if lang == "zh" {
		if p.Kind == SalesQuarter {
			return fmt.Sprintf("%d年第%d季度", p.Year, p.N)
		}
		return fmt.Sprintf("%d年%d月", p.Year, p.N)
	}
	if p.Kind == SalesQuarter {
		return fmt.Sprintf("%d Q%d", p.Year, p.N)
	}
	return fmt.Sprintf("%s %d", time.Month(p.N), p.Year)
}

// periodHint is how to name a period, said with every refusal.
const periodHint = "Name a period as month, quarter, next-month, next-quarter, YYYY-MM (2026-12) or YYYY-Qn (2026-Q4)."

// ParsePeriod reads a period: month, quarter, next-month, next-quarter
// (relative to today, the reader's day), or YYYY-MM / YYYY-Qn.
func ParsePeriod(s string, today Date) (SalesPeriod, error) {
	key := strings.ToLower(strings.TrimSpace(foldWidth(s)))
	switch key {
	case "month", "this-month", "本月", "这个月":
		return MonthOf(today), nil
	case "quarter", "this-quarter", "本季度", "这个季度", "本季":
		return QuarterOf(today), nil
	case "next-month", "下月", "下个月":
		return MonthOf(today).Next(), nil
	case "next-quarter", "下季度", "下个季度":
		return QuarterOf(today).Next(), nil
	}
	return ParseTargetPeriod(s)
}

// ParseTargetPeriod reads a period written out: YYYY-MM or YYYY-Qn.
func ParseTargetPeriod(s string) (SalesPeriod, error) {
	key := strings.ToUpper(strings.TrimSpace(foldWidth(s)))
	bad := Errorf(EINVALID, "%q is not a period. %s", s, Term(periodHint))
	y, rest, ok := strings.Cut(key, "-")
	if !ok || len(y) != 4 || !allDigits(y) || !allDigits(strings.TrimPrefix(rest, "Q")) {
		// Atoi alone would take "2026-+1" for January.
		return SalesPeriod{}, bad
	}
	year, err := strconv.Atoi(y)
	if err != nil || year < 2000 || year > 2200 {
		return SalesPeriod{}, bad
	}
	if q, ok := strings.CutPrefix(rest, "Q"); ok {
		n, err := strconv.Atoi(q)
		if err != nil || n < 1 || n > 4 || len(q) != 1 {
			return SalesPeriod{}, bad
		}
		return SalesPeriod{SalesQuarter, year, n}, nil
	}
	n, err := strconv.Atoi(rest)
	if err != nil || n < 1 || n > 12 || len(rest) > 2 {
		return SalesPeriod{}, bad
	}
	return SalesPeriod{SalesMonth, year, n}, nil
}

// allDigits reports whether s is ASCII digits only (and not empty).
func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// ParseCloseDate reads an expected close date: YYYY-MM-DD, or YYYY-MM for
// the month's last day.
func ParseCloseDate(s string) (Date, error) {
	f := strings.TrimSpace(foldWidth(s))
	if strings.Count(strings.NewReplacer("/", "-", ".", "-").Replace(f), "-") == 1 {
		p, err := ParseTargetPeriod(strings.NewReplacer("/", "-", ".", "-").Replace(f))
		if err != nil || p.Kind != SalesMonth {
			return Date{}, Errorf(EINVALID, "%q is not a date. Write YYYY-MM-DD (2027-03-31) or YYYY-MM for a month's last day (2027-03).", s)
		}
		return p.Last(), nil
	}
	d, err := ParseDate(f)
	if err != nil {
		return Date{}, Errorf(EINVALID, "%q is not a date. Write YYYY-MM-DD (2027-03-31) or YYYY-MM for a month's last day (2027-03).", s)
	}
	return d, nil
}

// Deal is a lead as the forecast counts it: who owns it, where it stands,
// what it is worth and when it is expected to close (or was won).
type Deal struct {
	ID       string
	Company  string
	Owner    string
	Grade    Grade
	Stage    Stage
	Category Category
	Value    Amount
	CloseBy  Date // the expected close; for a won deal, the day it was won
	Slips    int
	AtRisk   bool
	Source   Source // how the lead came (source_report.go); "" when not recorded
}

// Won reports whether the deal was signed.
func (d Deal) Won() bool { return d.Stage == StageWon }

// Tally is what a rep's (or the team's) deals of a period add up to. Sums
// are per currency; Commit, Best and Pipeline are the open deals of each
// category (disjoint, so they stack); omitted deals count in no sum.
type Tally struct {
	Won      Money
	Commit   Money
	Best     Money
	Pipeline Money
	// WeightedPct is Σ value × probability in percent, i.e. a hundred times
	// the probability-weighted value (Weighted rounds it), so that tallies
	// merge without rounding twice.
	WeightedPct Money
	Open        int // open deals closing in the period, omitted ones included
	WonDeals    int
	NoValue     int // open deals closing in the period with no value set
	// Stages is the open value (Commit + Best + Pipeline) by stage, for
	// the pipeline-by-stage chart.
	Stages map[Stage]Money
}

// NewTally is an empty tally.
func NewTally() Tally {
	return Tally{Won: Money{}, Commit: Money{}, Best: Money{}, Pipeline: Money{}, WeightedPct: Money{}, Stages: map[Stage]Money{}}
}

// Count adds a deal of the period to the tally: a won deal to Won, an open
// one to its category's sum and, weighted by its stage's probability, to
// the weighted total. The caller picks the deals of the period.
func (t *Tally) Count(d Deal, p Probability) {
	if d.Won() {
		t.WonDeals++
		t.Won.Add(d.Value)
		return
	}
	if d.Stage.Closed() {
		return
	}
	t.Open++
	if d.Value.IsZero() {
		t.NoValue++
		return
	}
	switch d.Category.Or() {
	case CategoryCommit:
		t.Commit.Add(d.Value)
	case CategoryBest:
		t.Best.Add(d.Value)
	case CategoryPipeline:
		t.Pipeline.Add(d.Value)
	default:
		return
	}
	t.WeightedPct.Add(Amount{Minor: mulSat(d.Value.Minor, p.Of(d.Stage)), Currency: d.Value.Currency})
	if t.Stages == nil {
		t.Stages = map[Stage]Money{}
	}
	if t.Stages[d.Stage] == nil {
		t.Stages[d.Stage] = Money{}
	}
	t.Stages[d.Stage].Add(d.Value)
}

// Merge adds another tally.
func (t *Tally) Merge(o Tally) {
	t.Won.Merge(o.Won)
	t.Commit.Merge(o.Commit)
	t.Best.Merge(o.Best)
	t.Pipeline.Merge(o.Pipeline)
	t.WeightedPct.Merge(o.WeightedPct)
	t.Open += o.Open
	t.WonDeals += o.WonDeals
	t.NoValue += o.NoValue
	for s, m := range o.Stages {
		if t.Stages == nil {
			t.Stages = map[Stage]Money{}
		}
		if t.Stages[s] == nil {
			t.Stages[s] = Money{}
		}
		t.Stages[s].Merge(m)
	}
}

// Weighted is the probability-weighted value of the open deals, rounded
// to the minor unit.
func (t Tally) Weighted() Money {
	w := Money{}
	for c, v := range t.WeightedPct {
		w[c] = v/100 + (v%100+50)/100
	}
	return w
}

// OpenValue is the open pipeline the tally counts: commit, best case and
// pipeline together (not omitted deals).
func (t Tally) OpenValue() Money {
	m := Money{}
	m.Merge(t.Commit)
	m.Merge(t.Best)
	m.Merge(t.Pipeline)
	return m
}

// Line is one row of a forecast: a rep (Owner), or the team (Owner "").
type Line struct {
	Owner  string
	Tally  Tally
	Target Amount // zero when no target is set for the period
}

// Remaining is what is left of the target after what was won in the
// target's currency; ok is false without a target, and the result is
// never below zero.
func (l Line) Remaining() (Amount, bool) {
	if l.Target.IsZero() {
		return Amount{}, false
	}
	left := l.Target.Minor - l.Tally.Won[l.Target.Currency]
	return Amount{Minor: max(left, 0), Currency: l.Target.Currency}, true
}

// Coverage is the open pipeline in the target's currency divided by what
// remains of the target (DOMAIN.md §7). ok is false without a target or
// when the target is met (nothing remains to cover).
func (l Line) Coverage() (float64, bool) {
	left, ok := l.Remaining()
	if !ok || left.Minor == 0 {
		return 0, false
	}
	return float64(l.Tally.OpenValue()[left.Currency]) / float64(left.Minor), true
}

// Slip is one push of a deal's expected close to a later day.
type Slip struct {
	LeadID  string
	Company string
	Owner   string
	From    Date
	To      Date
	At      time.Time
}

// SlippedOut keeps the slips that took a deal out of the period: from a day
// in it to a day after it. Each deal is listed once, with its latest such
// slip, latest first.
func SlippedOut(p SalesPeriod, slips []Slip) []Slip {
	latest := map[string]Slip{}
	for _, s := range slips {
		if p.Contains(s.From) && s.To.After(p.Last()) {
			if was, ok := latest[s.LeadID]; !ok || s.At.After(was.At) {
				latest[s.LeadID] = s
			}
		}
	}
	out := make([]Slip, 0, len(latest))
	for _, s := range latest {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].At.Equal(out[j].At) {
			return out[i].At.After(out[j].At)
		}
		return out[i].LeadID < out[j].LeadID
	})
	return out
}

// Bigger orders deals for "the biggest deals": the team's currency first,
// then by value, then by the sooner close, then by ID.
func Bigger(team Currency) func(a, b Deal) bool {
	return func(a, b Deal) bool {
		if (a.Value.Currency == team) != (b.Value.Currency == team) {
			return a.Value.Currency == team
		}
		if a.Value.Currency != b.Value.Currency {
			return a.Value.Currency < b.Value.Currency
		}
		if a.Value.Minor != b.Value.Minor {
			return a.Value.Minor > b.Value.Minor
		}
		if a.CloseBy != b.CloseBy {
			return a.CloseBy.Before(b.CloseBy)
		}
		return a.ID < b.ID
	}
}

// Forecast is a period's forecast: a line per rep and one for the team,
// the deals that slipped out of the period lately and the biggest deals
// closing in it.
type Forecast struct {
	Period   SalesPeriod
	Currency Currency // the team's currency
	Reps     []Line   // by owner
	Team     Line
	Slipped  []Slip
	Biggest  []Deal
	// Scope says whose forecast it is: one rep's (Rep set) or the team's.
	Rep string
	// NoCloseDate counts the open leads in scope with no expected close
	// date, which no period counts.
	NoCloseDate int
	// Sources splits the same deals by lead source, when asked
	// (ForecastQuery.BySource).
	Sources []SourceLine
}
