package service_test

import (
	"strings"
	"testing"
	"time"

	"salesbot"
	"salesbot/service"
	"salesbot/store"
)

// dealSpec is a deal of the tests' fixtures: a lead at a stage with, when
// set, a value, an expected close and a category, all set by its owner.
type dealSpec struct {
	owner, company string
	stage          salesbot.Stage
	value          salesbot.Amount
	closeBy        salesbot.Date
	category       salesbot.Category
}

func cny(major int64) salesbot.Amount { return salesbot.Amount{Minor: major * 100, Currency: "CNY"} }
func usd(major int64) salesbot.Amount { return salesbot.Amount{Minor: major * 100, Currency: "USD"} }

func day(y int, m time.Month, d int) salesbot.Date { return salesbot.Date{Year: y, Month: m, Day: d} }

// mkDeal registers the deal at created and sets its deal fields then.
func mkDeal(t *testing.T, st *store.Store, team string, d dealSpec, created time.Time) *salesbot.Lead {
	t.Helper()
	l := create(t, st, team, d.company, d.owner, salesbot.GradeA, created)
	a := salesbot.Actor{User: d.owner}
	l, err := st.UpdateLead(t.Context(), team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		var u salesbot.Update
		add := func(c salesbot.Change, err error) error {
			u.Changes = append(u.Changes, c)
			return err
		}
		if d.stage != "" && d.stage != l.Stage {
			from := l.Stage
			l.Stage, l.StageSince = d.stage, created // the fixture's stage, however it got there
			u.Changes = append(u.Changes, salesbot.Change{LeadID: l.ID, Company: l.Company, Kind: salesbot.ChangeStage, By: d.owner, At: created, From: string(from), To: string(d.stage)})
		}
		if !d.value.IsZero() {
			if err := add(l.SetValue(a, d.value, created)); err != nil {
				return u, err
			}
		}
		if !d.closeBy.IsZero() {
			c, _, err := l.SetCloseBy(a, d.closeBy, created)
			if err := add(c, err); err != nil {
				return u, err
			}
		}
		if d.category != "" && d.category != salesbot.CategoryPipeline {
			if err := add(l.SetCategory(a, d.category, created)); err != nil {
				return u, err
			}
		}
		l.Schedule(salesbot.DefaultCadence())
		return u, nil
	})
	if err != nil {
		t.Fatalf("deal %s: %v", d.company, err)
	}
	return l
}

func ptr[T any](v T) *T { return &v }

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if salesbot.ErrorCode(err) != code {
		t.Fatalf("%s: err %v, want %s", what, err, code)
	}
}

func reread(t *testing.T, st *store.Store, team, id string) *salesbot.Lead {
	t.Helper()
	l, err := st.Lead(t.Context(), team, id)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestSetDealRights: a rep may not set another rep's deal, and nothing is
// written when refused; its owner and a manager may.
func TestSetDealRights(t *testing.T) {
	st, team := newTeam(t)
	svc := service.New(service.Config{Store: st})
	ctx := t.Context()
	today := salesbot.DateOf(now)
	l := create(t, st, team, "Owned Co", "UREP", salesbot.GradeA, now.Add(-salesbot.Day))
	stranger := salesbot.Actor{User: "USTRANGER"}

	_, err := svc.SetDeal(ctx, stranger, salesbot.RefTo(team, l.ID), salesbot.DealChange{Value: ptr(cny(100_000))}, today, now)
	wantCode(t, "a stranger sets the value", err, salesbot.EFORBIDDEN)
	// The form, with fields the lead already has: still refused as a
	// stranger's change, not as nothing changed.
	_, err = svc.SetDeal(ctx, stranger, salesbot.RefTo(team, l.ID), salesbot.DealChange{Category: ptr(salesbot.CategoryPipeline), CloseBy: ptr(salesbot.Date{})}, today, now)
	wantCode(t, "a stranger's form", err, salesbot.EFORBIDDEN)
	_, err = svc.MarkAtRisk(ctx, stranger, salesbot.RefTo(team, l.ID), now)
	wantCode(t, "a stranger marks at risk", err, salesbot.EFORBIDDEN)
	_, err = svc.Drop(ctx, stranger, salesbot.RefTo(team, l.ID), "no budget", true, now)
	wantCode(t, "a stranger drops", err, salesbot.EFORBIDDEN)
	if got := reread(t, st, team, l.ID); !got.Value.IsZero() || got.Category != "" || got.AtRisk || !got.Open() {
		t.Fatalf("after refused changes the lead is %+v", got)
	}

	set, err := svc.SetDeal(ctx, manager, salesbot.RefTo(team, l.ID), salesbot.DealChange{Value: ptr(cny(100_000))}, today, now)
	if err != nil || set.Lead.Value != cny(100_000) || len(set.Changes) != 1 || set.Changes[0].Kind != salesbot.ChangeValue {
		t.Fatalf("a manager sets the value: %+v, %v", set, err)
	}
}

// TestSetDealForm: the form's fields are written in one change of the
// lead, leaving out those that did not change; nothing changed is refused,
// and so is one field set to what it is.
func TestSetDealForm(t *testing.T) {
	st, team := newTeam(t)
	svc := service.New(service.Config{Store: st})
	ctx := t.Context()
	today := salesbot.DateOf(now)
	owner := salesbot.Actor{User: "UREP"}
	l := create(t, st, team, "Form Co", owner.User, salesbot.GradeA, now.Add(-salesbot.Day))
	ref := salesbot.RefTo(team, l.ID)

	all := salesbot.DealChange{Value: ptr(cny(500_000)), CloseBy: ptr(day(2026, 12, 20)), Category: ptr(salesbot.CategoryCommit)}
	set, err := svc.SetDeal(ctx, owner, ref, all, today, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Changes) != 3 || set.Slipped || set.Passed {
		t.Fatalf("the first form: %d changes, slipped %v, passed %v; want 3, no slip, not passed", len(set.Changes), set.Slipped, set.Passed)
	}
	got := reread(t, st, team, l.ID)
	if got.Value != cny(500_000) || got.CloseBy != day(2026, 12, 20) || got.Category != salesbot.CategoryCommit || got.Slips != 0 {
		t.Fatalf("saved %+v", got)
	}

	// The same form again changes nothing.
	_, err = svc.SetDeal(ctx, owner, ref, all, today, now.Add(time.Minute))
	wantCode(t, "the same form again", err, salesbot.EINVALID)
	// One field, set to what it is: the domain's refusal.
	_, err = svc.SetDeal(ctx, owner, ref, salesbot.DealChange{Category: ptr(salesbot.CategoryCommit)}, today, now)
	wantCode(t, "commit again", err, salesbot.EINVALID)
	_, err = svc.SetDeal(ctx, owner, ref, salesbot.DealChange{}, today, now)
	wantCode(t, "an empty change", err, salesbot.EINVALID)

	// The form with only the value changed writes the value only.
	changed := all
	changed.Value = ptr(cny(600_000))
	set, err = svc.SetDeal(ctx, owner, ref, changed, today, now.Add(time.Hour))
	if err != nil || len(set.Changes) != 1 || set.Changes[0].Kind != salesbot.ChangeValue || set.Changes[0].To != "600000.00 CNY" {
		t.Fatalf("value only: %+v, %v", set.Changes, err)
	}
	h, err := st.History(ctx, team, l.ID, 20)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[salesbot.ChangeKind]int{}
	for _, c := range h {
		kinds[c.Kind]++
	}
	if kinds[salesbot.ChangeValue] != 2 || kinds[salesbot.ChangeCloseBy] != 1 || kinds[salesbot.ChangeForecast] != 1 {
		t.Fatalf("history %v; want two values, one close date, one category", kinds)
	}
}

// TestSetDealSlipAndPassed: a later close date is a slip, counted on the
// lead; a close date before today is reported passed.
func TestSetDealSlipAndPassed(t *testing.T) {
	st, team := newTeam(t)
	svc := service.New(service.Config{Store: st})
	ctx := t.Context()
	today := salesbot.DateOf(now) // 2026-11-24
	owner := salesbot.Actor{User: "UREP"}
	l := mkDeal(t, st, team, dealSpec{owner: owner.User, company: "Slip Co", value: cny(80_000), closeBy: day(2026, 12, 1)}, now.Add(-salesbot.Day))
	ref := salesbot.RefTo(team, l.ID)

	set, err := svc.SetDeal(ctx, owner, ref, salesbot.DealChange{CloseBy: ptr(day(2027, 1, 15))}, today, now)
	if err != nil || !set.Slipped || set.Passed || set.Lead.Slips != 1 || set.Changes[0].Reason != "slip" {
		t.Fatalf("pushed later: %+v, %v; want a slip", set, err)
	}
	set, err = svc.SetDeal(ctx, owner, ref, salesbot.DealChange{CloseBy: ptr(day(2026, 12, 10))}, today, now)
	if err != nil || set.Slipped || set.Lead.Slips != 1 {
		t.Fatalf("pulled in: %+v, %v; want no slip, one slip counted", set, err)
	}
	set, err = svc.SetDeal(ctx, owner, ref, salesbot.DealChange{CloseBy: ptr(day(2026, 11, 20)), Value: ptr(cny(80_000))}, today, now)
	if err != nil || !set.Passed || set.Slipped || len(set.Changes) != 1 {
		t.Fatalf("a date already past: %+v, %v; want passed", set, err)
	}
	// The value alone of a deal whose close has passed: still passed.
	set, err = svc.SetDeal(ctx, owner, ref, salesbot.DealChange{Value: ptr(cny(90_000))}, today, now)
	if err != nil || !set.Passed {
		t.Fatalf("value of a passed deal: passed %v, %v", set.Passed, err)
	}
	if got := reread(t, st, team, l.ID); got.Slips != 1 || got.CloseBy != day(2026, 11, 20) {
		t.Fatalf("saved %d slips, close %v", got.Slips, got.CloseBy)
	}
}

// TestMarkAtRiskAndDrop: at risk takes a committed deal to best case;
// dropping asks for a reason, and keeps it: on the omit change, or as the
// lost reason.
func TestMarkAtRiskAndDrop(t *testing.T) {
	st, team := newTeam(t)
	svc := service.New(service.Config{Store: st})
	ctx := t.Context()
	owner := salesbot.Actor{User: "UREP"}
	sure := mkDeal(t, st, team, dealSpec{owner: owner.User, company: "Sure Co", value: cny(10_000), closeBy: day(2026, 12, 1), category: salesbot.CategoryCommit}, now.Add(-salesbot.Day))
	gone := mkDeal(t, st, team, dealSpec{owner: owner.User, company: "Gone Co", value: cny(20_000), closeBy: day(2026, 12, 2)}, now.Add(-salesbot.Day))

	l, err := svc.MarkAtRisk(ctx, manager, salesbot.RefTo(team, sure.ID), now)
	if err != nil || !l.AtRisk || l.Category != salesbot.CategoryBest {
		t.Fatalf("at risk: %+v, %v; want best case, at risk", l, err)
	}
	_, err = svc.MarkAtRisk(ctx, manager, salesbot.RefTo(team, sure.ID), now)
	wantCode(t, "at risk twice", err, salesbot.EINVALID)

	for _, reason := range []string{"", "   ", strings.Repeat("长", 301)} {
		_, err := svc.Drop(ctx, owner, salesbot.RefTo(team, sure.ID), reason, false, now)
		wantCode(t, "drop with reason "+reason[:min(len(reason), 9)], err, salesbot.EINVALID)
	}
	if got := reread(t, st, team, sure.ID); got.Category != salesbot.CategoryBest {
		t.Fatalf("refused drops left %s", got.Category)
	}
	l, err = svc.Drop(ctx, owner, salesbot.RefTo(team, sure.ID), "  moved to next year's budget ", false, now)
	if err != nil || l.Category != salesbot.CategoryOmit || !l.Open() {
		t.Fatalf("omitted: %+v, %v", l, err)
	}
	h, err := st.History(ctx, team, sure.ID, 1)
	if err != nil || len(h) != 1 || h[0].Kind != salesbot.ChangeForecast || h[0].To != "omit" || h[0].Reason != "moved to next year's budget" {
		t.Fatalf("omit change %+v, %v", h, err)
	}

	// Closing it as lost is a manager's choice.
	_, err = svc.Drop(ctx, owner, salesbot.RefTo(team, gone.ID), "chose a competitor", true, now)
	wantCode(t, "a rep drops as lost", err, salesbot.EFORBIDDEN)
	if got := reread(t, st, team, gone.ID); !got.Open() {
		t.Fatal("a rep's refused drop closed the deal")
	}
	l, err = svc.Drop(ctx, salesbot.Actor{User: "U0BOSS", Manager: true}, salesbot.RefTo(team, gone.ID), "chose a competitor", true, now)
	if err != nil || l.Stage != salesbot.StageLost || l.LostReason != "chose a competitor" {
		t.Fatalf("lost: %+v, %v", l, err)
	}
}
