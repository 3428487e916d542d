package service_test

import (
	"math"
	"testing"
	"time"

	"salesbot"
	"salesbot/service"
	"salesbot/store"
)

// Reps of the forecast fixture.
const (
	ownerA = "UREPA"
	ownerB = "UREPB"
	ownerC = "UREPC" // a target, no deals
)

var q4 = salesbot.SalesPeriod{Kind: salesbot.SalesQuarter, Year: 2026, N: 4}

// forecastFixture is two reps' deals around 2026 Q4 (now is 24 November),
// in CNY and one in USD, a won deal, an omitted one, one without a value,
// and slips in and out of the quarter; with targets. The figures the
// tests expect are worked out by hand beside each deal.
func forecastFixture(t *testing.T) (*store.Store, string, map[string]*salesbot.Lead) {
	t.Helper()
	st, team := newTeam(t)
	ctx := t.Context()
	created := now.Add(-20 * salesbot.Day)
	leads := map[string]*salesbot.Lead{}
	for _, d := range []dealSpec{
		// A: commit ¥1,000,000 at quote (50%): weighted ¥500,000.
		{owner: ownerA, company: "A Commit", stage: salesbot.StageQuote, value: cny(1_000_000), closeBy: day(2026, 12, 15), category: salesbot.CategoryCommit},
		// A: best case $200,000 at demo (35%): weighted $70,000.
		{owner: ownerA, company: "A Best", stage: salesbot.StageDemo, value: usd(200_000), closeBy: day(2026, 12, 20), category: salesbot.CategoryBest},
		// A: won today, ¥300,000.
		{owner: ownerA, company: "A Won", stage: salesbot.StageNegotiation, value: cny(300_000), closeBy: day(2026, 11, 30)},
		// A: in the quarter until it slipped out two days ago.
		{owner: ownerA, company: "A Slipped", stage: salesbot.StageDiscovery, value: cny(700_000), closeBy: day(2026, 12, 28)},
		// B: pipeline ¥400,000 at lead (5%): weighted ¥20,000; slipped
		// inside the quarter.
		{owner: ownerB, company: "B Pipe", value: cny(400_000), closeBy: day(2026, 11, 15)},
		// B: no value: open, counted as such, in no sum.
		{owner: ownerB, company: "B NoValue", closeBy: day(2026, 11, 30)},
		// B: omitted ¥50,000: open, in no sum.
		{owner: ownerB, company: "B Omit", value: cny(50_000), closeBy: day(2026, 12, 31), category: salesbot.CategoryOmit},
		// B: slipped out ten days ago: too long ago to list.
		{owner: ownerB, company: "B Old Slip", value: cny(60_000), closeBy: day(2026, 12, 10)},
		// B: next quarter: not counted.
		{owner: ownerB, company: "B Next", value: cny(90_000), closeBy: day(2027, 2, 1)},
	} {
		leads[d.company] = mkDeal(t, st, team, d, created)
	}
	move := func(company string, to salesbot.Date, at time.Time) {
		t.Helper()
		if _, err := st.UpdateLead(ctx, team, leads[company].ID, func(l *salesbot.Lead) (salesbot.Update, error) {
			c, _, err := l.SetCloseBy(salesbot.Actor{User: l.Owner}, to, at)
			return salesbot.Update{Changes: []salesbot.Change{c}}, err
		}); err != nil {
			t.Fatal(err)
		}
	}
	move("A Slipped", day(2027, 1, 10), now.Add(-2*salesbot.Day))
	move("B Pipe", day(2026, 12, 1), now.Add(-3*salesbot.Day))
	move("B Old Slip", day(2027, 2, 1), now.Add(-10*salesbot.Day))
	if _, err := st.UpdateLead(ctx, team, leads["A Won"].ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		c, err := l.Win(salesbot.Actor{User: ownerA}, now)
		return salesbot.Update{Changes: []salesbot.Change{c}}, err
	}); err != nil {
		t.Fatal(err)
	}
	svc := service.New(service.Config{Store: st})
	for _, tg := range []salesbot.Target{
		{Rep: ownerA, Period: q4, Amount: cny(2_000_000)},
		{Rep: ownerC, Period: q4, Amount: cny(100_000)},
		{Rep: "", Period: q4, Amount: cny(3_000_000)},
		{Rep: ownerB, Period: q4.Next(), Amount: cny(999_000)}, // another quarter's
	} {
		if err := svc.SetTarget(ctx, manager, team, tg); err != nil {
			t.Fatal(err)
		}
	}
	return st, team, leads
}

func wantMoney(t *testing.T, what string, got salesbot.Money, want salesbot.Money) {
	t.Helper()
	for c, v := range got {
		if v != want[c] {
			t.Errorf("%s: %s, want %s", what, got.Sprint(), want.Sprint())
			return
		}
	}
	for c, v := range want {
		if got[c] != v {
			t.Errorf("%s: %s, want %s", what, got.Sprint(), want.Sprint())
			return
		}
	}
}

func money(amounts ...salesbot.Amount) salesbot.Money {
	m := salesbot.Money{}
	for _, a := range amounts {
		m.Add(a)
	}
	return m
}

// TestTeamForecastByHand: the team's quarter, reps in order with their
// targets, the team line and its coverage, the slips out of the quarter
// and the biggest deals, as worked out by hand.
func TestTeamForecastByHand(t *testing.T) {
	st, team, _ := forecastFixture(t)
	svc := service.New(service.Config{Store: st})
	f, err := svc.Forecast(t.Context(), manager, salesbot.ForecastQuery{Team: team, Period: q4, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if f.Period != q4 || f.Currency != "CNY" || f.Rep != "" {
		t.Fatalf("forecast of %v in %s for %q", f.Period, f.Currency, f.Rep)
	}
	var owners []string
	for _, l := range f.Reps {
		owners = append(owners, l.Owner)
	}
	if len(owners) != 3 || owners[0] != ownerA || owners[1] != ownerB || owners[2] != ownerC {
		t.Fatalf("reps %v, want A, B and C (a target without deals)", owners)
	}
	a, b, c := f.Reps[0], f.Reps[1], f.Reps[2]

	wantMoney(t, "A won", a.Tally.Won, money(cny(300_000)))
	wantMoney(t, "A commit", a.Tally.Commit, money(cny(1_000_000)))
	wantMoney(t, "A best", a.Tally.Best, money(usd(200_000)))
	wantMoney(t, "A pipeline", a.Tally.Pipeline, money())
	wantMoney(t, "A weighted", a.Tally.Weighted(), money(cny(500_000), usd(70_000)))
	if a.Tally.Open != 2 || a.Tally.WonDeals != 1 || a.Tally.NoValue != 0 || a.Target != cny(2_000_000) {
		t.Errorf("A: %d open, %d won, %d without value, target %v", a.Tally.Open, a.Tally.WonDeals, a.Tally.NoValue, a.Target)
	}
	// ¥1,000,000 open against ¥2,000,000 − ¥300,000 won.
	if left, _ := a.Remaining(); left != cny(1_700_000) {
		t.Errorf("A remaining %v", left)
	}
	if cov, ok := a.Coverage(); !ok || math.Abs(cov-1_000_000.0/1_700_000) > 1e-9 {
		t.Errorf("A coverage %v %v", cov, ok)
	}

	wantMoney(t, "B pipeline", b.Tally.Pipeline, money(cny(400_000)))
	wantMoney(t, "B weighted", b.Tally.Weighted(), money(cny(20_000)))
	wantMoney(t, "B won", b.Tally.Won, money())
	wantMoney(t, "B commit+best", b.Tally.OpenValue(), money(cny(400_000)))
	if b.Tally.Open != 3 || b.Tally.NoValue != 1 || !b.Target.IsZero() {
		t.Errorf("B: %d open, %d without value, target %v; want 3, 1, none (the next quarter's is not this one's)", b.Tally.Open, b.Tally.NoValue, b.Target)
	}
	if _, ok := b.Coverage(); ok {
		t.Errorf("B has a coverage without a target")
	}

	if c.Tally.Open != 0 || len(c.Tally.OpenValue()) != 0 || c.Target != cny(100_000) {
		t.Errorf("C: %+v", c)
	}
	if cov, ok := c.Coverage(); !ok || cov != 0 {
		t.Errorf("C coverage %v %v; want 0", cov, ok)
	}

	tm := f.Team
	wantMoney(t, "team won", tm.Tally.Won, money(cny(300_000)))
	wantMoney(t, "team open", tm.Tally.OpenValue(), money(cny(1_400_000), usd(200_000)))
	wantMoney(t, "team weighted", tm.Tally.Weighted(), money(cny(520_000), usd(70_000)))
	if tm.Owner != "" || tm.Tally.Open != 5 || tm.Tally.WonDeals != 1 || tm.Tally.NoValue != 1 || tm.Target != cny(3_000_000) {
		t.Errorf("team: %+v", tm)
	}
	// ¥1,400,000 open against ¥3,000,000 − ¥300,000.
	if cov, ok := tm.Coverage(); !ok || math.Abs(cov-1_400_000.0/2_700_000) > 1e-9 {
		t.Errorf("team coverage %v %v", cov, ok)
	}

	if len(f.Slipped) != 1 || f.Slipped[0].Company != "A Slipped" || f.Slipped[0].From != day(2026, 12, 28) || f.Slipped[0].To != day(2027, 1, 10) {
		t.Errorf("slipped %+v; want A Slipped only (B Pipe stayed in, B Old Slip is too old)", f.Slipped)
	}

	if len(f.Biggest) == 0 || len(f.Biggest) > 5 || f.Biggest[0].Company != "A Commit" || f.Biggest[1].Company != "B Pipe" {
		t.Fatalf("biggest %+v", f.Biggest)
	}
	sawUSD := false
	for _, d := range f.Biggest {
		if d.Won() || !q4.Contains(d.CloseBy) {
			t.Errorf("biggest lists %s (%s, closing %v)", d.Company, d.Stage, d.CloseBy)
		}
		if d.Value.Currency == "USD" {
			sawUSD = true
		} else if sawUSD {
			t.Errorf("biggest lists %s after a USD deal: the team's currency comes first", d.Company)
		}
	}
}

// TestRepForecastScope: a rep sees their own forecast, whose team line is
// their line and whose slips are theirs; not another rep's nor the team's.
// A manager sees any rep's.
func TestRepForecastScope(t *testing.T) {
	st, team, leads := forecastFixture(t)
	svc := service.New(service.Config{Store: st})
	ctx := t.Context()
	own := salesbot.ForecastQuery{Team: team, Period: q4, Rep: ownerA, Now: now}
	f, err := svc.Forecast(ctx, salesbot.Actor{User: ownerA}, own)
	if err != nil {
		t.Fatal(err)
	}
	if f.Rep != ownerA || len(f.Reps) != 1 || f.Reps[0].Owner != ownerA || f.Team.Owner != f.Reps[0].Owner || f.Team.Target != cny(2_000_000) {
		t.Fatalf("own forecast: %+v", f)
	}
	wantMoney(t, "own team line", f.Team.Tally.OpenValue(), money(cny(1_000_000), usd(200_000)))
	if len(f.Slipped) != 1 || f.Slipped[0].LeadID != leads["A Slipped"].ID {
		t.Errorf("own slips %+v", f.Slipped)
	}
	for _, d := range f.Biggest {
		if d.Owner != ownerA {
			t.Errorf("A's biggest deals list %s's %s", d.Owner, d.Company)
		}
	}

	for what, q := range map[string]salesbot.ForecastQuery{
		"another rep's": {Team: team, Period: q4, Rep: ownerB, Now: now},
		"the team's":    {Team: team, Period: q4, Now: now},
	} {
		_, err := svc.Forecast(ctx, salesbot.Actor{User: ownerA}, q)
		wantCode(t, "a rep asks for "+what, err, salesbot.EFORBIDDEN)
	}

	f, err = svc.Forecast(ctx, manager, salesbot.ForecastQuery{Team: team, Period: q4, Rep: ownerB, Now: now})
	if err != nil || len(f.Reps) != 1 || f.Team.Tally.Open != 3 || len(f.Slipped) != 0 {
		t.Fatalf("B's forecast for a manager: %+v, %v; want 3 open, no slips out", f, err)
	}
	// A rep without deals: an empty line, not an error.
	f, err = svc.Forecast(ctx, manager, salesbot.ForecastQuery{Team: team, Period: q4, Rep: "UNOBODY", Now: now})
	if err != nil || len(f.Reps) != 1 || f.Team.Tally.Open != 0 || f.Team.Tally.Won == nil {
		t.Fatalf("nobody's forecast: %+v, %v", f, err)
	}
}

// TestSetTarget: only managers set targets, of a period, above zero; the
// target records who set it.
func TestSetTarget(t *testing.T) {
	st, team := newTeam(t)
	svc := service.New(service.Config{Store: st})
	ctx := t.Context()
	tg := salesbot.Target{Rep: ownerA, Period: q4, Amount: cny(1_000), At: now}
	wantCode(t, "a rep sets a target", svc.SetTarget(ctx, salesbot.Actor{User: ownerA}, team, tg), salesbot.EFORBIDDEN)
	bad := tg
	bad.Amount = salesbot.Amount{}
	wantCode(t, "no amount", svc.SetTarget(ctx, manager, team, bad), salesbot.EINVALID)
	bad = tg
	bad.Period = salesbot.SalesPeriod{}
	wantCode(t, "no period", svc.SetTarget(ctx, manager, team, bad), salesbot.EINVALID)
	if got, err := st.Targets(ctx, team, q4); err != nil || len(got) != 0 {
		t.Fatalf("targets after refusals: %v, %v", got, err)
	}
	if err := svc.SetTarget(ctx, manager, team, tg); err != nil {
		t.Fatal(err)
	}
	got, err := st.Targets(ctx, team, q4)
	if err != nil || got[ownerA].Amount != cny(1_000) || got[ownerA].By != manager.User || !got[ownerA].At.Equal(now) {
		t.Fatalf("targets %+v, %v", got, err)
	}
}
