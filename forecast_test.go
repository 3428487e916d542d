package salesbot_test

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"salesbot"
)

func TestParseCategory(t *testing.T) {
	tests := map[string]salesbot.Category{
		"commit": salesbot.CategoryCommit, " Commit ": salesbot.CategoryCommit, "committed": salesbot.CategoryCommit,
		"必成": salesbot.CategoryCommit, "best": salesbot.CategoryBest, "best case": salesbot.CategoryBest,
		"Best-Case": salesbot.CategoryBest, "可能": salesbot.CategoryBest, "pipeline": salesbot.CategoryPipeline,
		"跟进中": salesbot.CategoryPipeline, "omit": salesbot.CategoryOmit, "omitted": salesbot.CategoryOmit,
		"不计入": salesbot.CategoryOmit, "ＣＯＭＭＩＴ": salesbot.CategoryCommit,
	}
	for in, want := range tests {
		if got, err := salesbot.ParseCategory(in); err != nil || got != want {
			t.Errorf("ParseCategory(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "won", "maybe", "commit!"} {
		_, err := salesbot.ParseCategory(in)
		wantCode(t, err, salesbot.EINVALID)
		wantMessage(t, err, "commit, best, pipeline or omit")
	}
	if salesbot.Category("").Or() != salesbot.CategoryPipeline || salesbot.Category("").Name() != "Pipeline" || salesbot.CategoryBest.Name() != "Best case" {
		t.Error("a deal without a category is in the pipeline")
	}
}

func TestParseProbability(t *testing.T) {
	defaults := map[salesbot.Stage]int{
		salesbot.StageLead: 5, salesbot.StageFirstVisit: 10, salesbot.StageDiscovery: 20, salesbot.StageDemo: 35,
		salesbot.StageQuote: 50, salesbot.StageObjections: 65, salesbot.StageNegotiation: 80,
		salesbot.StageWon: 100, salesbot.StageLost: 0,
	}
	for _, in := range []string{"", "  "} {
		p, err := salesbot.ParseProbability(in)
		if err != nil {
			t.Fatalf("ParseProbability(%q): %v", in, err)
		}
		for st, want := range defaults {
			if got := p.Of(st); got != want {
				t.Errorf("default probability of %s = %d, want %d (DOMAIN.md §7)", st, got, want)
			}
		}
	}
	if got, want := salesbot.DefaultProbability().String(), "lead=5,first-visit=10,discovery=20,demo=35,quote=50,objections=65,negotiation=80"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}

	p, err := salesbot.ParseProbability("quote=40, negotiation = 90%,first-visit=0")
	if err != nil {
		t.Fatal(err)
	}
	want := map[salesbot.Stage]int{}
	for st, v := range defaults {
		want[st] = v
	}
	want[salesbot.StageQuote], want[salesbot.StageNegotiation], want[salesbot.StageFirstVisit] = 40, 90, 0
	for st, w := range want {
		if got := p.Of(st); got != w {
			t.Errorf("overridden probability of %s = %d, want %d", st, got, w)
		}
	}
	if again, err := salesbot.ParseProbability(p.String()); err != nil || !reflect.DeepEqual(again, p) {
		t.Errorf("ParseProbability(%q) = %v, %v; want %v", p.String(), again, err, p)
	}

	for _, in := range []string{"quote=101", "quote=-1", "quote=abc", "quote", "quote=", "stage9=50", "won=50", "lost=10", "quote=50,", "quote=5.5"} {
		if p, err := salesbot.ParseProbability(in); err == nil {
			t.Errorf("ParseProbability(%q) = %v, want an error", in, p)
		}
	}
	// Won is always 100 and lost 0, whatever else is set.
	p, _ = salesbot.ParseProbability("negotiation=100,lead=0")
	if p.Of(salesbot.StageWon) != 100 || p.Of(salesbot.StageLost) != 0 {
		t.Errorf("won = %d, lost = %d; want 100 and 0", p.Of(salesbot.StageWon), p.Of(salesbot.StageLost))
	}
	// A table missing a stage falls back to its default.
	if got := (salesbot.Probability{}).Of(salesbot.StageDemo); got != 35 {
		t.Errorf("empty table's demo = %d, want the default 35", got)
	}
}

func TestParsePeriod(t *testing.T) {
	month := func(y, m int) salesbot.SalesPeriod {
		return salesbot.SalesPeriod{Kind: salesbot.SalesMonth, Year: y, N: m}
	}
	quarter := func(y, q int) salesbot.SalesPeriod {
		return salesbot.SalesPeriod{Kind: salesbot.SalesQuarter, Year: y, N: q}
	}
	dec3 := day(2026, 12, 3)
	tests := []struct {
		in    string
		today salesbot.Date
		want  salesbot.SalesPeriod
	}{
		{"month", dec3, month(2026, 12)},
		{"This-Month", dec3, month(2026, 12)},
		{"本月", dec3, month(2026, 12)},
		{"quarter", dec3, quarter(2026, 4)},
		{"本季度", dec3, quarter(2026, 4)},
		{"next-month", dec3, month(2027, 1)},
		{"下个月", dec3, month(2027, 1)},
		{"next-quarter", dec3, quarter(2027, 1)},
		{"下季度", dec3, quarter(2027, 1)},
		{"next-month", day(2026, 1, 31), month(2026, 2)},
		{"next-quarter", day(2026, 3, 31), quarter(2026, 2)},
		{"quarter", day(2026, 4, 1), quarter(2026, 2)},
		{"2026-Q4", dec3, quarter(2026, 4)},
		{"2026-q1", dec3, quarter(2026, 1)},
		{"2026-12", dec3, month(2026, 12)},
		{"2027-1", dec3, month(2027, 1)},
		{" ２０２６－１２ ", dec3, month(2026, 12)},
	}
	for _, tt := range tests {
		got, err := salesbot.ParsePeriod(tt.in, tt.today)
		if err != nil || got != tt.want {
			t.Errorf("ParsePeriod(%q, %v) = %+v, %v; want %+v", tt.in, tt.today, got, err, tt.want)
		}
	}
	for _, in := range []string{"2026-Q5", "2026-Q0", "2026-13", "2026-00", "Q4", "next-year", "", "2026", "26-12",
		"2026-012", "2026-Q", "2026-Q11", "1999-12", "2026-+1", "2026-+9", "2026-Q+1", "+2026-12", "2026-12-01"} {
		p, err := salesbot.ParsePeriod(in, dec3)
		wantCode(t, err, salesbot.EINVALID)
		wantMessage(t, err, "YYYY-Qn")
		if !p.IsZero() {
			t.Errorf("ParsePeriod(%q) = %+v alongside an error", in, p)
		}
	}
}

func TestSalesPeriodDays(t *testing.T) {
	tests := []struct {
		p           salesbot.SalesPeriod
		first, last salesbot.Date
		str, en, zh string
	}{
		{salesbot.SalesPeriod{Kind: salesbot.SalesMonth, Year: 2028, N: 2}, day(2028, 2, 1), day(2028, 2, 29), "2028-02", "February 2028", "2028年2月"},
		{salesbot.SalesPeriod{Kind: salesbot.SalesMonth, Year: 2027, N: 2}, day(2027, 2, 1), day(2027, 2, 28), "2027-02", "February 2027", "2027年2月"},
		{salesbot.SalesPeriod{Kind: salesbot.SalesMonth, Year: 2026, N: 12}, day(2026, 12, 1), day(2026, 12, 31), "2026-12", "December 2026", "2026年12月"},
		{salesbot.SalesPeriod{Kind: salesbot.SalesQuarter, Year: 2026, N: 4}, day(2026, 10, 1), day(2026, 12, 31), "2026-Q4", "2026 Q4", "2026年第4季度"},
		{salesbot.SalesPeriod{Kind: salesbot.SalesQuarter, Year: 2028, N: 1}, day(2028, 1, 1), day(2028, 3, 31), "2028-Q1", "2028 Q1", "2028年第1季度"},
		{salesbot.SalesPeriod{Kind: salesbot.SalesQuarter, Year: 2026, N: 2}, day(2026, 4, 1), day(2026, 6, 30), "2026-Q2", "2026 Q2", "2026年第2季度"},
	}
	for _, tt := range tests {
		if tt.p.First() != tt.first || tt.p.Last() != tt.last {
			t.Errorf("%v runs %v to %v, want %v to %v", tt.p, tt.p.First(), tt.p.Last(), tt.first, tt.last)
		}
		if tt.p.String() != tt.str || tt.p.InLanguage("en") != tt.en || tt.p.InLanguage("zh") != tt.zh {
			t.Errorf("%+v written %q, %q, %q; want %q, %q, %q", tt.p, tt.p.String(), tt.p.InLanguage("en"), tt.p.InLanguage("zh"), tt.str, tt.en, tt.zh)
		}
		if !tt.p.Contains(tt.first) || !tt.p.Contains(tt.last) || tt.p.Contains(tt.first.AddDays(-1)) || tt.p.Contains(tt.last.AddDays(1)) {
			t.Errorf("%v contains its first and last days and nothing either side", tt.p)
		}
		if again, err := salesbot.ParseTargetPeriod(tt.p.String()); err != nil || again != tt.p {
			t.Errorf("ParseTargetPeriod(%q) = %+v, %v", tt.p.String(), again, err)
		}
		if tt.p.Next().First() != tt.last.AddDays(1) {
			t.Errorf("%v's next period starts %v, want %v", tt.p, tt.p.Next().First(), tt.last.AddDays(1))
		}
	}
	if (salesbot.SalesPeriod{Kind: salesbot.SalesMonth, Year: 2026, N: 12}).Contains(salesbot.Date{}) {
		t.Error("no day is in no period")
	}
	if q := salesbot.QuarterOf(day(2026, 9, 30)); q.N != 3 || q.Year != 2026 || q.Kind != salesbot.SalesQuarter {
		t.Errorf("QuarterOf(2026-09-30) = %+v", q)
	}
}

func TestParseCloseDate(t *testing.T) {
	tests := map[string]salesbot.Date{
		"2027-03":    day(2027, 3, 31),
		"2027-02":    day(2027, 2, 28),
		"2028-02":    day(2028, 2, 29),
		"2027/03":    day(2027, 3, 31),
		"2027.3":     day(2027, 3, 31),
		"2027-03-15": day(2027, 3, 15),
		"2027/03/15": day(2027, 3, 15),
		" 2027.3.15": day(2027, 3, 15),
		"２０２７－０３":    day(2027, 3, 31),
	}
	for in, want := range tests {
		if got, err := salesbot.ParseCloseDate(in); err != nil || got != want {
			t.Errorf("ParseCloseDate(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"2027-02-30", "2027-Q1", "2027-13", "2027", "", "next-month", "March", "2027-03-15-01", "27-03"} {
		d, err := salesbot.ParseCloseDate(in)
		wantCode(t, err, salesbot.EINVALID)
		wantMessage(t, err, "YYYY-MM-DD")
		if !d.IsZero() {
			t.Errorf("ParseCloseDate(%q) = %v alongside an error", in, d)
		}
	}
}

// cny and usd are amounts in yuan and dollars, in minor units.
func cny(minor int64) salesbot.Amount { return salesbot.Amount{Minor: minor, Currency: "CNY"} }
func usd(minor int64) salesbot.Amount { return salesbot.Amount{Minor: minor, Currency: "USD"} }

func TestTallyCount(t *testing.T) {
	p := salesbot.DefaultProbability()
	deals := []salesbot.Deal{
		{ID: "1", Stage: salesbot.StageDemo, Category: salesbot.CategoryCommit, Value: cny(333)},      // 35%
		{ID: "2", Stage: salesbot.StageDemo, Category: salesbot.CategoryBest, Value: cny(333)},        // 35%
		{ID: "3", Stage: salesbot.StageDemo, Value: cny(333)},                                         // no category: pipeline, 35%
		{ID: "4", Stage: salesbot.StageQuote, Category: salesbot.CategoryOmit, Value: cny(1_000_000)}, // omitted
		{ID: "5", Stage: salesbot.StageNegotiation, Category: salesbot.CategoryCommit, Value: usd(10_000)},
		{ID: "6", Stage: salesbot.StageLead, Category: salesbot.CategoryPipeline},                      // no value
		{ID: "7", Stage: salesbot.StageWon, Category: salesbot.CategoryCommit, Value: cny(50_000)},     // won
		{ID: "8", Stage: salesbot.StageWon, Category: salesbot.CategoryOmit, Value: usd(7)},            // won, even omitted
		{ID: "9", Stage: salesbot.StageLost, Category: salesbot.CategoryCommit, Value: cny(9_999_999)}, // lost: nowhere
	}
	tally := salesbot.NewTally()
	for _, d := range deals {
		tally.Count(d, p)
	}
	want := salesbot.Tally{
		Won:         salesbot.Money{"CNY": 50_000, "USD": 7},
		Commit:      salesbot.Money{"CNY": 333, "USD": 10_000},
		Best:        salesbot.Money{"CNY": 333},
		Pipeline:    salesbot.Money{"CNY": 333},
		WeightedPct: salesbot.Money{"CNY": 3 * 333 * 35, "USD": 10_000 * 80},
		Open:        6, // deals 1–6: the omitted and the valueless included
		WonDeals:    2,
		NoValue:     1,
		// The open value by stage: commit, best case and pipeline.
		Stages: map[salesbot.Stage]salesbot.Money{salesbot.StageDemo: {"CNY": 999}, salesbot.StageNegotiation: {"USD": 10_000}},
	}
	if !reflect.DeepEqual(tally, want) {
		t.Fatalf("tally = %+v\nwant    %+v", tally, want)
	}
	// 3 × 333 at 35% is 349.65, rounded to 350.
	if got := tally.Weighted(); !reflect.DeepEqual(got, salesbot.Money{"CNY": 350, "USD": 8_000}) {
		t.Errorf("Weighted = %v, want CNY 350 and USD 8000", got)
	}
	if got := tally.OpenValue(); !reflect.DeepEqual(got, salesbot.Money{"CNY": 999, "USD": 10_000}) {
		t.Errorf("OpenValue = %v, want CNY 999 and USD 10000 (not the omitted deal)", got)
	}
}

func TestTallyWeightedRounding(t *testing.T) {
	tests := []struct {
		pct, want int64
	}{{0, 0}, {49, 0}, {50, 1}, {149, 1}, {150, 2}, {34965, 350}, {34949, 349}}
	for _, tt := range tests {
		tally := salesbot.Tally{WeightedPct: salesbot.Money{"CNY": tt.pct}}
		if got := tally.Weighted()["CNY"]; got != tt.want {
			t.Errorf("WeightedPct %d rounds to %d, want %d", tt.pct, got, tt.want)
		}
	}
}

func TestTallyMerge(t *testing.T) {
	p := salesbot.DefaultProbability()
	stages := []salesbot.Stage{salesbot.StageLead, salesbot.StageDemo, salesbot.StageQuote, salesbot.StageNegotiation, salesbot.StageWon, salesbot.StageLost}
	var deals []salesbot.Deal
	for i := range 60 {
		d := salesbot.Deal{
			ID: fmt.Sprint(i), Owner: []string{"U1", "U2", "U3"}[i%3], Stage: stages[i%len(stages)],
			Category: salesbot.Categories[i%len(salesbot.Categories)], Value: cny(int64(1000*i + 7)),
		}
		if i%7 == 0 {
			d.Value = usd(int64(i + 1))
		}
		if i%11 == 0 {
			d.Value = salesbot.Amount{}
		}
		deals = append(deals, d)
	}
	team, reps := salesbot.NewTally(), map[string]salesbot.Tally{}
	for _, d := range deals {
		team.Count(d, p)
		r, ok := reps[d.Owner]
		if !ok {
			r = salesbot.NewTally()
		}
		r.Count(d, p)
		reps[d.Owner] = r
	}
	merged := salesbot.NewTally()
	for _, r := range reps {
		merged.Merge(r)
	}
	if !reflect.DeepEqual(merged, team) {
		t.Errorf("the reps' tallies merged = %+v\nthe team's = %+v", merged, team)
	}
}

func TestLineCoverage(t *testing.T) {
	line := func(target salesbot.Amount, won, open salesbot.Money) salesbot.Line {
		tally := salesbot.NewTally()
		tally.Won, tally.Pipeline = won, open
		return salesbot.Line{Owner: "U1", Tally: tally, Target: target}
	}
	tests := []struct {
		name     string
		l        salesbot.Line
		left     salesbot.Amount
		leftOK   bool
		coverage float64
		covOK    bool
	}{
		{"on track", line(cny(1_000_000), salesbot.Money{"CNY": 400_000}, salesbot.Money{"CNY": 1_500_000}), cny(600_000), true, 2.5, true},
		{"met", line(cny(1_000_000), salesbot.Money{"CNY": 1_000_000}, salesbot.Money{"CNY": 1_500_000}), cny(0), true, 0, false},
		{"beaten", line(cny(1_000_000), salesbot.Money{"CNY": 1_200_000}, salesbot.Money{}), cny(0), true, 0, false},
		{"no target", line(salesbot.Amount{}, salesbot.Money{"CNY": 400_000}, salesbot.Money{"CNY": 1_500_000}), salesbot.Amount{}, false, 0, false},
		{"other currencies", line(cny(1_000_000), salesbot.Money{"CNY": 400_000, "USD": 900_000}, salesbot.Money{"CNY": 300_000, "USD": 5_000_000}), cny(600_000), true, 0.5, true},
		{"nothing open", line(cny(1_000_000), salesbot.Money{}, salesbot.Money{}), cny(1_000_000), true, 0, true},
	}
	for _, tt := range tests {
		left, ok := tt.l.Remaining()
		if left != tt.left || ok != tt.leftOK {
			t.Errorf("%s: Remaining = %+v, %v; want %+v, %v", tt.name, left, ok, tt.left, tt.leftOK)
		}
		cov, ok := tt.l.Coverage()
		if cov != tt.coverage || ok != tt.covOK {
			t.Errorf("%s: Coverage = %v, %v; want %v, %v", tt.name, cov, ok, tt.coverage, tt.covOK)
		}
	}
	// Coverage counts commit, best case and pipeline alike.
	tally := salesbot.NewTally()
	tally.Commit["CNY"], tally.Best["CNY"], tally.Pipeline["CNY"] = 100, 200, 300
	if cov, _ := (salesbot.Line{Tally: tally, Target: cny(200)}).Coverage(); cov != 3 {
		t.Errorf("coverage of 600 open over 200 = %v, want 3", cov)
	}
}

func TestSlippedOut(t *testing.T) {
	q4 := salesbot.SalesPeriod{Kind: salesbot.SalesQuarter, Year: 2026, N: 4}
	at := func(d int) time.Time { return time.Date(2026, time.November, d, 10, 0, 0, 0, time.UTC) }
	slips := []salesbot.Slip{
		{LeadID: "out", From: day(2026, 12, 10), To: day(2027, 1, 15), At: at(1)},
		{LeadID: "inside", From: day(2026, 11, 10), To: day(2026, 12, 20), At: at(2)},
		{LeadID: "in", From: day(2026, 9, 30), To: day(2026, 10, 1), At: at(3)},
		{LeadID: "twice", From: day(2026, 10, 5), To: day(2027, 2, 1), At: at(4)},
		{LeadID: "twice", From: day(2026, 12, 31), To: day(2027, 3, 1), At: at(6)},
		{LeadID: "twice", From: day(2027, 2, 1), To: day(2027, 4, 1), At: at(7)}, // already out
		{LeadID: "edge", From: day(2026, 10, 1), To: day(2027, 1, 1), At: at(5)},
		{LeadID: "later", From: day(2027, 1, 5), To: day(2027, 2, 1), At: at(8)},
		{LeadID: "over", From: day(2026, 9, 1), To: day(2027, 1, 1), At: at(9)}, // never in the period
	}
	got := SlipIDs(salesbot.SlippedOut(q4, slips))
	if want := "twice@6 edge@5 out@1"; got != want {
		t.Errorf("SlippedOut = %s, want %s", got, want)
	}
	if got := salesbot.SlippedOut(q4, nil); got == nil || len(got) != 0 {
		t.Errorf("no slips = %#v, want an empty list", got)
	}
	// Slips at the same moment are listed by lead.
	tie := []salesbot.Slip{
		{LeadID: "b", From: day(2026, 12, 1), To: day(2027, 1, 1), At: at(1)},
		{LeadID: "a", From: day(2026, 12, 1), To: day(2027, 1, 1), At: at(1)},
	}
	if got := SlipIDs(salesbot.SlippedOut(q4, tie)); got != "a@1 b@1" {
		t.Errorf("tied slips = %s, want a@1 b@1", got)
	}
}

// SlipIDs writes slips as lead@day-of-November.
func SlipIDs(slips []salesbot.Slip) string {
	parts := make([]string, len(slips))
	for i, s := range slips {
		parts[i] = fmt.Sprintf("%s@%d", s.LeadID, s.At.Day())
	}
	return strings.Join(parts, " ")
}

func TestBigger(t *testing.T) {
	deals := []salesbot.Deal{
		{ID: "usd-big", Value: usd(900_000_000), CloseBy: day(2026, 12, 1)},
		{ID: "cny-small", Value: cny(100), CloseBy: day(2026, 12, 1)},
		{ID: "cny-big-late", Value: cny(5_000), CloseBy: day(2026, 12, 20)},
		{ID: "cny-big-soon", Value: cny(5_000), CloseBy: day(2026, 12, 5)},
		{ID: "cny-big-soon-a", Value: cny(5_000), CloseBy: day(2026, 12, 5)},
		{ID: "eur", Value: salesbot.Amount{Minor: 1, Currency: "EUR"}, CloseBy: day(2026, 12, 1)},
		{ID: "usd-small", Value: usd(1), CloseBy: day(2026, 12, 1)},
	}
	sort.Slice(deals, func(i, j int) bool { return salesbot.Bigger("CNY")(deals[i], deals[j]) })
	var ids []string
	for _, d := range deals {
		ids = append(ids, d.ID)
	}
	if got, want := strings.Join(ids, " "), "cny-big-soon cny-big-soon-a cny-big-late cny-small eur usd-big usd-small"; got != want {
		t.Errorf("biggest first:\n got %s\nwant %s", got, want)
	}
}

func BenchmarkTallyCount(b *testing.B) {
	p := salesbot.DefaultProbability()
	stages := append(append([]salesbot.Stage{}, salesbot.Stages...), salesbot.StageWon, salesbot.StageLost)
	deals := make([]salesbot.Deal, 10_000)
	for i := range deals {
		deals[i] = salesbot.Deal{
			ID: fmt.Sprint(i), Stage: stages[i%len(stages)], Category: salesbot.Categories[i%len(salesbot.Categories)],
			Value: cny(int64(i) * 1_000_00),
		}
		if i%5 == 0 {
			deals[i].Value = usd(int64(i) * 100)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		t := salesbot.NewTally()
		for _, d := range deals {
			t.Count(d, p)
		}
	}
}
