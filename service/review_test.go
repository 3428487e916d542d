package service_test

import (
	"slices"
	"testing"
	"time"

	"salesbot"
	"salesbot/service"
)

// TestReviewedReps: the reps with open deals closing in the quarter, in
// order, for managers only.
func TestReviewedReps(t *testing.T) {
	st, team, _ := forecastFixture(t)
	svc := service.New(service.Config{Store: st})
	ctx := t.Context()
	// A rep whose only deal of the quarter is won, and one whose deals
	// close next quarter, have nothing to review.
	l := mkDeal(t, st, team, dealSpec{owner: "UWONONLY", company: "Won Only", stage: salesbot.StageNegotiation, value: cny(5_000), closeBy: day(2026, 12, 1)}, now.Add(-salesbot.Day))
	if _, err := st.UpdateLead(ctx, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		return oneChange(l.Win(salesbot.Actor{User: l.Owner}, now))
	}); err != nil {
		t.Fatal(err)
	}
	mkDeal(t, st, team, dealSpec{owner: "UNEXTQ", company: "Next Q", value: cny(5_000), closeBy: day(2027, 1, 2)}, now.Add(-salesbot.Day))

	reps, err := svc.ReviewedReps(ctx, manager, team, q4)
	// C has a target for the quarter and nothing closing: reviewed too.
	if err != nil || !slices.Equal(reps, []string{ownerA, ownerB, ownerC}) {
		t.Fatalf("reviewed reps %v, %v; want A, B and C", reps, err)
	}
	_, err = svc.ReviewedReps(ctx, salesbot.Actor{User: ownerA}, team, q4)
	wantCode(t, "a rep lists the reviewed reps", err, salesbot.EFORBIDDEN)
}

func oneChange(c salesbot.Change, err error) (salesbot.Update, error) {
	return salesbot.Update{Changes: []salesbot.Change{c}}, err
}

// TestReviewContents: a rep's review is their open deals closing in the
// quarter, soonest first, each with its risks and the week's moves; the
// quarter's tally; and the last note, once a manager reviewed them.
func TestReviewContents(t *testing.T) {
	st, team, leads := forecastFixture(t)
	svc := service.New(service.Config{Store: st})
	ctx := t.Context()
	today := salesbot.DateOf(now) // Tuesday 24 November 2026, week 48

	// A week of moves on B Pipe: slipped three days ago (fixture), a new
	// value yesterday; its value was set twenty days ago, out of the week.
	if _, err := svc.SetDeal(ctx, salesbot.Actor{User: ownerB}, salesbot.RefTo(team, leads["B Pipe"].ID),
		salesbot.DealChange{Value: ptr(cny(450_000))}, today, now.Add(-salesbot.Day)); err != nil {
		t.Fatal(err)
	}
	r, err := svc.Review(ctx, manager, team, ownerB, today, now)
	if err != nil {
		t.Fatal(err)
	}
	if r.Team != team || r.Rep != ownerB || r.Week != "2026-W48" || r.Quarter != q4 || r.Total != 3 || r.Last != nil {
		t.Fatalf("review %+v", r)
	}
	var order []string
	for _, d := range r.Deals {
		order = append(order, d.Lead.Company)
	}
	if !slices.Equal(order, []string{"B NoValue", "B Pipe", "B Omit"}) {
		t.Fatalf("deals %v; want soonest first: B NoValue (30 Nov), B Pipe (1 Dec), B Omit (31 Dec)", order)
	}
	pipe := r.Deals[1]
	if len(pipe.Moves) != 2 || pipe.Moves[0].Kind != salesbot.ChangeValue || pipe.Moves[0].To != "450000.00 CNY" ||
		pipe.Moves[1].Kind != salesbot.ChangeCloseBy || pipe.Moves[1].Reason != "slip" {
		t.Errorf("B Pipe's moves %+v; want the new value, then the slip", pipe.Moves)
	}
	if len(r.Deals[0].Moves) != 0 {
		t.Errorf("B NoValue's moves %+v; want none this week", r.Deals[0].Moves)
	}
	for _, d := range r.Deals {
		if !slices.EqualFunc(d.Risks, salesbot.Risks(d.Lead, now, salesbot.DefaultCadence()), func(a, b salesbot.Risk) bool { return a.Kind == b.Kind }) {
			t.Errorf("%s's risks %v", d.Lead.Company, d.Risks)
		}
	}
	wantMoney(t, "B's pipeline", r.Tally.Pipeline, money(cny(450_000)))
	if r.Tally.Open != 3 || r.Tally.NoValue != 1 {
		t.Errorf("B's tally: %d open, %d without value", r.Tally.Open, r.Tally.NoValue)
	}

	// A passed close date is a risk of the review.
	// (13:00 UTC: the 15th has ended everywhere.)
	a, err := svc.Review(ctx, salesbot.Actor{User: ownerA}, team, ownerA, salesbot.Date{Year: 2026, Month: 12, Day: 16}, now.AddDate(0, 0, 22).Add(4*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Deals) != 2 || a.Deals[0].Lead.Company != "A Commit" || !hasRisk(a.Deals[0].Risks, salesbot.RiskClosePassed) {
		t.Errorf("A's own review on 16 December: %+v", a.Deals)
	}

	// Rights: another rep may not see B's review, nor note it.
	_, err = svc.Review(ctx, salesbot.Actor{User: ownerA}, team, ownerB, today, now)
	wantCode(t, "a rep reads another's review", err, salesbot.EFORBIDDEN)
	_, err = svc.Reviewed(ctx, salesbot.Actor{User: ownerB}, team, ownerB, r.Week, "me", now)
	wantCode(t, "a rep notes their own review", err, salesbot.EFORBIDDEN)

	n, err := svc.Reviewed(ctx, manager, team, ownerB, r.Week, "Get the budget for B NoValue.", now)
	if err != nil || n.By != manager.User || n.Rep != ownerB || n.Week != "2026-W48" {
		t.Fatalf("reviewed: %+v, %v", n, err)
	}
	next, err := svc.Review(ctx, salesbot.Actor{User: ownerB}, team, ownerB, today.AddDays(7), now.AddDate(0, 0, 7))
	if err != nil || next.Week != "2026-W49" || next.Last == nil || next.Last.Note != "Get the budget for B NoValue." {
		t.Fatalf("next week's review: last %+v, %v", next.Last, err)
	}
}

func hasRisk(risks []salesbot.Risk, k salesbot.RiskKind) bool {
	return slices.ContainsFunc(risks, func(r salesbot.Risk) bool { return r.Kind == k })
}
