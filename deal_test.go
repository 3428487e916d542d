package salesbot_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"salesbot"
)

// unchanged fails the test unless the lead is as it was.
func unchanged(t testing.TB, l *salesbot.Lead, was salesbot.Lead) {
	t.Helper()
	if !reflect.DeepEqual(*l, was) {
		t.Errorf("lead changed on a refusal:\n got %+v\nwant %+v", *l, was)
	}
}

func TestSetValue(t *testing.T) {
	l := newLead(t, "Acme", salesbot.GradeB)
	was := *l
	_, err := l.SetValue(stranger, cny(100), later)
	wantCode(t, err, salesbot.EFORBIDDEN)
	unchanged(t, l, was)

	c, err := l.SetValue(rep, cny(180_000_000), later)
	if err != nil {
		t.Fatal(err)
	}
	want := salesbot.Change{LeadID: "L1", Company: "Acme", Kind: salesbot.ChangeValue, By: rep.User, At: later, To: "1800000.00 CNY"}
	if c != want || l.Value != cny(180_000_000) || l.UpdatedAt != later {
		t.Errorf("change = %+v, value %+v; want %+v", c, l.Value, want)
	}
	c, err = l.SetValue(boss, usd(40_000_050), later)
	if err != nil || c.From != "1800000.00 CNY" || c.To != "400000.50 USD" || c.By != boss.User {
		t.Errorf("a manager revalues: %+v, %v", c, err)
	}

	was = *l
	for _, v := range []salesbot.Amount{usd(40_000_050), {}, cny(-5), {Minor: 5, Currency: "XYZ"}} {
		_, err := l.SetValue(rep, v, later)
		wantCode(t, err, salesbot.EINVALID)
		unchanged(t, l, was)
	}

	if _, err := l.Lose(rep, "went with a rival", later); err != nil {
		t.Fatal(err)
	}
	was = *l
	_, err = l.SetValue(rep, cny(1), later)
	wantCode(t, err, salesbot.EINVALID)
	unchanged(t, l, was)
}

func TestSetCloseBy(t *testing.T) {
	l := newLead(t, "Acme", salesbot.GradeB)
	c, slipped, err := l.SetCloseBy(rep, day(2027, 3, 31), later)
	if err != nil || slipped || l.Slips != 0 || c.Reason != "" || c.From != "" || c.To != "2027-03-31" || c.Kind != salesbot.ChangeCloseBy {
		t.Fatalf("the first date is no slip: %+v, %v, %v; slips %d", c, slipped, err, l.Slips)
	}
	c, slipped, err = l.SetCloseBy(rep, day(2027, 4, 30), later)
	if err != nil || !slipped || l.Slips != 1 || c.Reason != "slip" || c.From != "2027-03-31" || c.To != "2027-04-30" {
		t.Fatalf("a later date is a slip: %+v, %v, %v; slips %d", c, slipped, err, l.Slips)
	}
	c, slipped, err = l.SetCloseBy(boss, day(2027, 2, 15), later)
	if err != nil || slipped || l.Slips != 1 || c.Reason != "" || l.CloseBy != day(2027, 2, 15) {
		t.Fatalf("an earlier date is no slip: %+v, %v, %v; slips %d", c, slipped, err, l.Slips)
	}
	if _, slipped, _ = l.SetCloseBy(rep, day(2027, 2, 16), later); !slipped || l.Slips != 2 {
		t.Errorf("a day later is a slip too: slipped %v, slips %d", slipped, l.Slips)
	}

	was := *l
	_, _, err = l.SetCloseBy(rep, day(2027, 2, 16), later)
	wantCode(t, err, salesbot.EINVALID)
	wantMessage(t, err, "already expected to close on 2027-02-16")
	_, _, err = l.SetCloseBy(rep, salesbot.Date{}, later)
	wantCode(t, err, salesbot.EINVALID)
	_, _, err = l.SetCloseBy(stranger, day(2027, 6, 1), later)
	wantCode(t, err, salesbot.EFORBIDDEN)
	unchanged(t, l, was)

	if _, err := l.Lose(rep, "no budget", later); err != nil {
		t.Fatal(err)
	}
	was = *l
	_, _, err = l.SetCloseBy(rep, day(2027, 6, 1), later)
	wantCode(t, err, salesbot.EINVALID)
	unchanged(t, l, was)
}

func TestSetCategory(t *testing.T) {
	l := newLead(t, "Acme", salesbot.GradeA)
	_, err := l.SetCategory(rep, salesbot.CategoryPipeline, later)
	wantCode(t, err, salesbot.EINVALID) // no category is the pipeline already
	c, err := l.SetCategory(rep, salesbot.CategoryCommit, later)
	if err != nil || c.Kind != salesbot.ChangeForecast || c.From != "pipeline" || c.To != "commit" || l.Category != salesbot.CategoryCommit {
		t.Fatalf("commit: %+v, %v", c, err)
	}
	_, err = l.SetCategory(rep, salesbot.CategoryCommit, later)
	wantCode(t, err, salesbot.EINVALID)

	if _, err := l.MarkAtRisk(boss, later); err != nil {
		t.Fatal(err)
	}
	if !l.AtRisk || l.Category != salesbot.CategoryBest {
		t.Fatalf("at risk: %v, category %q; want at risk in best case", l.AtRisk, l.Category)
	}
	c, err = l.SetCategory(rep, salesbot.CategoryCommit, later)
	if err != nil || l.AtRisk || l.Category != salesbot.CategoryCommit || c.From != "best" {
		t.Errorf("committing again clears at risk: %+v, %v; at risk %v", c, err, l.AtRisk)
	}

	// At risk and still in commit (a stored lead may be so): committing
	// it again is allowed, and clears the flag.
	l.AtRisk = true
	if _, err := l.SetCategory(rep, salesbot.CategoryCommit, later); err != nil || l.AtRisk {
		t.Errorf("recommit an at-risk commit: %v, at risk %v", err, l.AtRisk)
	}

	// Best case keeps an at-risk flag.
	l.AtRisk = true
	if _, err := l.SetCategory(rep, salesbot.CategoryOmit, later); err != nil || !l.AtRisk {
		t.Errorf("omitting keeps at risk: %v, at risk %v", err, l.AtRisk)
	}

	was := *l
	for _, bad := range []salesbot.Category{"", "maybe"} {
		_, err = l.SetCategory(rep, bad, later)
		wantCode(t, err, salesbot.EINVALID)
	}
	_, err = l.SetCategory(stranger, salesbot.CategoryBest, later)
	wantCode(t, err, salesbot.EFORBIDDEN)
	unchanged(t, l, was)

	if _, err := l.Win(boss, later); err != nil {
		t.Fatal(err)
	}
	_, err = l.SetCategory(rep, salesbot.CategoryBest, later)
	wantCode(t, err, salesbot.EINVALID)
}

func TestMarkAtRisk(t *testing.T) {
	l := newLead(t, "Acme", salesbot.GradeA)
	c, err := l.MarkAtRisk(rep, later)
	if err != nil || !l.AtRisk || l.Category != salesbot.CategoryPipeline || c.From != "pipeline" || c.To != "pipeline" || c.Reason != "at risk" {
		t.Fatalf("pipeline at risk: %+v, %v; category %q", c, err, l.Category)
	}
	was := *l
	_, err = l.MarkAtRisk(boss, later)
	wantCode(t, err, salesbot.EINVALID)
	unchanged(t, l, was)

	l = newLead(t, "Beta", salesbot.GradeA)
	if _, err := l.SetCategory(rep, salesbot.CategoryCommit, later); err != nil {
		t.Fatal(err)
	}
	c, err = l.MarkAtRisk(boss, later)
	if err != nil || l.Category != salesbot.CategoryBest || c.From != "commit" || c.To != "best" {
		t.Errorf("a commit at risk drops to best case: %+v, %v", c, err)
	}

	l = newLead(t, "Gamma", salesbot.GradeA)
	was = *l
	_, err = l.MarkAtRisk(stranger, later)
	wantCode(t, err, salesbot.EFORBIDDEN)
	unchanged(t, l, was)
	if _, err := l.Lose(rep, "gone", later); err != nil {
		t.Fatal(err)
	}
	_, err = l.MarkAtRisk(boss, later)
	wantCode(t, err, salesbot.EINVALID)
}

func TestLeadDeal(t *testing.T) {
	l := newLead(t, "Acme", salesbot.GradeA)
	if _, err := l.SetValue(rep, cny(5_000_00), later); err != nil {
		t.Fatal(err)
	}
	if _, _, err := l.SetCloseBy(rep, day(2027, 1, 31), later); err != nil {
		t.Fatal(err)
	}
	want := salesbot.Deal{ID: "L1", Company: "Acme", Owner: rep.User, Grade: salesbot.GradeA, Stage: salesbot.StageLead,
		Category: salesbot.CategoryPipeline, Value: cny(5_000_00), CloseBy: day(2027, 1, 31)}
	if got := l.Deal(); got != want {
		t.Errorf("Deal() = %+v\nwant %+v", got, want)
	}
	if got := l.Probability(salesbot.DefaultProbability()); got != 5 {
		t.Errorf("a lead's probability = %d, want 5", got)
	}

	// Won at 01:00 on New Year's Day in Shanghai: 2026-12-31 in UTC, and
	// the deal counts in December whatever its close date said.
	won := time.Date(2027, time.January, 1, 1, 0, 0, 0, mustLoc(t, "Asia/Shanghai"))
	if _, err := l.Win(boss, won); err != nil {
		t.Fatal(err)
	}
	d := l.Deal()
	if !d.Won() || d.CloseBy != day(2026, 12, 31) {
		t.Errorf("won deal: won %v, CloseBy %v; want the day it was won, 2026-12-31 (UTC)", d.Won(), d.CloseBy)
	}
}

func TestDecisionDate(t *testing.T) {
	l := newLead(t, "Acme", salesbot.GradeA)
	if _, _, ok := l.DecisionDate(); ok {
		t.Error("no close date and no schedule: no decision date")
	}
	if _, err := l.SetFact(rep, salesbot.FactSchedule, "decide by 2027-06", later); err != nil {
		t.Fatal(err)
	}
	if d, fromClose, ok := l.DecisionDate(); !ok || fromClose || d != day(2027, 6, 30) {
		t.Errorf("from the schedule: %v, %v, %v", d, fromClose, ok)
	}
	if _, _, err := l.SetCloseBy(rep, day(2027, 1, 15), later); err != nil {
		t.Fatal(err)
	}
	if d, fromClose, ok := l.DecisionDate(); !ok || !fromClose || d != day(2027, 1, 15) {
		t.Errorf("the close date wins: %v, %v, %v", d, fromClose, ok)
	}
}

// riskKinds lists the kinds of the lead's risks now.
func riskKinds(l *salesbot.Lead, now time.Time) map[salesbot.RiskKind]salesbot.Risk {
	out := map[salesbot.RiskKind]salesbot.Risk{}
	for _, r := range salesbot.Risks(l, now, salesbot.DefaultCadence()) {
		out[r.Kind] = r
	}
	return out
}

func TestDealRisks(t *testing.T) {
	t.Run("close passed", func(t *testing.T) {
		l := newLead(t, "Acme", salesbot.GradeA)
		if _, _, err := l.SetCloseBy(rep, day(2026, 11, 8), later); err != nil {
			t.Fatal(err)
		}
		// Passed once the 8th has ended everywhere: 12:00 UTC on the 9th
		// is midnight in UTC−12.
		if _, ok := riskKinds(l, time.Date(2026, time.November, 9, 11, 0, 0, 0, time.UTC))[salesbot.RiskClosePassed]; ok {
			t.Error("the close date passed while it was still the 8th somewhere")
		}
		now := time.Date(2026, time.November, 9, 13, 0, 0, 0, time.UTC)
		risks := riskKinds(l, now)
		r, ok := risks[salesbot.RiskClosePassed]
		if !ok || !strings.Contains(r.Message, "2026-11-08") {
			t.Errorf("risks = %v; want %s naming the date", risks, salesbot.RiskClosePassed)
		}
		if _, ok := risks[salesbot.RiskGradeVsSchedule]; ok {
			t.Errorf("a passed close date is its own risk, not %s: %v", salesbot.RiskGradeVsSchedule, risks)
		}
		// On its day it has not passed yet.
		if _, ok := riskKinds(l, time.Date(2026, time.November, 8, 23, 0, 0, 0, time.UTC))[salesbot.RiskClosePassed]; ok {
			t.Error("the close date passes after its day")
		}
		// A closed deal has no risks.
		if _, err := l.Win(boss, now); err != nil {
			t.Fatal(err)
		}
		if risks := salesbot.Risks(l, now, salesbot.DefaultCadence()); len(risks) != 0 {
			t.Errorf("won deal risks = %v", risks)
		}
	})
	t.Run("close date grades", func(t *testing.T) {
		l := newLead(t, "Acme", salesbot.GradeD)
		// The schedule says a year and a half away, which D fits; the close
		// date, a month away, wins.
		if _, err := l.SetFact(rep, salesbot.FactSchedule, "decide by 2028-06", later); err != nil {
			t.Fatal(err)
		}
		if _, ok := riskKinds(l, later)[salesbot.RiskGradeVsSchedule]; ok {
			t.Fatal("D fits a decision in 2028")
		}
		if _, _, err := l.SetCloseBy(rep, salesbot.DateOf(later).AddDays(30), later); err != nil {
			t.Fatal(err)
		}
		r, ok := riskKinds(l, later)[salesbot.RiskGradeVsSchedule]
		if !ok || r.Suggest != salesbot.GradeA || !strings.Contains(r.Message, "in 30 days") {
			t.Errorf("risk = %+v, %v; want %s suggesting A", r, ok, salesbot.RiskGradeVsSchedule)
		}
	})
	t.Run("at risk", func(t *testing.T) {
		l := newLead(t, "Acme", salesbot.GradeA)
		if _, err := l.MarkAtRisk(boss, later); err != nil {
			t.Fatal(err)
		}
		if _, ok := riskKinds(l, later)[salesbot.RiskAtRisk]; !ok {
			t.Error("a deal called at risk shows it")
		}
		if _, err := l.SetCategory(rep, salesbot.CategoryCommit, later); err != nil {
			t.Fatal(err)
		}
		if _, ok := riskKinds(l, later)[salesbot.RiskAtRisk]; ok {
			t.Error("committed again, it is no longer at risk")
		}
	})
}

func TestWeek(t *testing.T) {
	tests := map[salesbot.Date]string{
		day(2026, 12, 3):  "2026-W49",
		day(2027, 1, 1):   "2026-W53", // a Friday: ISO week of the year before
		day(2027, 1, 4):   "2027-W01",
		day(2025, 12, 29): "2026-W01", // a Monday: ISO week of the year after
	}
	for d, want := range tests {
		if got := salesbot.Week(d); got != want {
			t.Errorf("Week(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestNewReviewNote(t *testing.T) {
	n, err := salesbot.NewReviewNote(boss, rep.User, "2026-W49", "  Push Acme for the EB meeting. ", later)
	want := salesbot.ReviewNote{Rep: rep.User, Week: "2026-W49", By: boss.User, Note: "Push Acme for the EB meeting.", At: later}
	if err != nil || n != want {
		t.Errorf("note = %+v, %v; want %+v", n, err, want)
	}
	if n, err := salesbot.NewReviewNote(boss, rep.User, "2026-W49", "", later); err != nil || n.Note != "" {
		t.Errorf("an empty note: %+v, %v", n, err)
	}
	_, err = salesbot.NewReviewNote(rep, rep.User, "2026-W49", "I reviewed myself", later)
	wantCode(t, err, salesbot.EFORBIDDEN)
	for _, tt := range []struct{ rep, week, note string }{
		{"", "2026-W49", "x"}, {rep.User, "", "x"}, {rep.User, "2026-W49", strings.Repeat("x", salesbot.MaxNoteLen+1)},
	} {
		_, err = salesbot.NewReviewNote(boss, tt.rep, tt.week, tt.note, later)
		wantCode(t, err, salesbot.EINVALID)
	}
}

// TestWonOnTheClosersDay: a deal won at 07:00 on April 1st in Shanghai
// (23:00 on March 31st in UTC) counts in April, the closer's day.
func TestWonOnTheClosersDay(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	l := newLead(t, "Acme", salesbot.GradeA)
	l.Stage = salesbot.StageNegotiation
	closer := salesbot.Actor{User: rep.User, Zone: shanghai}
	if _, err := l.Win(closer, time.Date(2027, time.April, 1, 7, 0, 0, 0, shanghai)); err != nil {
		t.Fatal(err)
	}
	if got := l.Deal().CloseBy; got != day(2027, 4, 1) {
		t.Errorf("won on %v; want 2027-04-01, the closer's day", got)
	}
}

// TestReopenedDealStartsAfresh: a lost deal reassigned keeps its value but
// not the old owner's forecast call, close date or slips.
func TestReopenedDealStartsAfresh(t *testing.T) {
	l := newLead(t, "Acme", salesbot.GradeA)
	if _, err := l.SetValue(rep, salesbot.Amount{Minor: 100_000, Currency: "CNY"}, later); err != nil {
		t.Fatal(err)
	}
	for _, d := range []salesbot.Date{day(2027, 1, 10), day(2027, 2, 10)} {
		if _, _, err := l.SetCloseBy(rep, d, later); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := l.SetCategory(rep, salesbot.CategoryCommit, later); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Lose(rep, "budget", later); err != nil {
		t.Fatal(err)
	}
	mgr := salesbot.Actor{User: "U0MGR", Manager: true}
	if _, err := l.Assign(mgr, "U0NEWREP", later); err != nil {
		t.Fatal(err)
	}
	if !l.CloseBy.IsZero() || l.Slips != 0 || l.Category.Or() != salesbot.CategoryPipeline || l.AtRisk || l.Value.Minor != 100_000 {
		t.Errorf("reopened deal: close %v, slips %d, category %q, at risk %v, value %v", l.CloseBy, l.Slips, l.Category, l.AtRisk, l.Value)
	}
}
