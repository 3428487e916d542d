package service_test

import (
	"strings"
	"testing"
	"time"

	"salesbot"
	"salesbot/service"
	"salesbot/store"
)

// shanghai is the reps' zone in these tests: their "today" is not UTC's.
var shanghai = time.FixedZone("CST", 8*3600)

// visitTeam returns the services over a fresh team, the store, and the team.
func visitTeam(t *testing.T) (*service.Services, *store.Store, string) {
	t.Helper()
	st, team := newTeam(t)
	return service.New(service.Config{Store: st}), st, team
}

// visitsOf returns a lead's logged visits, newest first.
func visitsOf(t *testing.T, st *store.Store, team, id string) []salesbot.Visit {
	t.Helper()
	v, err := st.Visits(t.Context(), team, id, 10)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// stored reads a lead as the store has it.
func stored(t *testing.T, st *store.Store, team, id string) *salesbot.Lead {
	t.Helper()
	l, err := st.Lead(t.Context(), team, id)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// isDue reports whether the store's due index holds the lead as due by until.
func isDue(t *testing.T, st *store.Store, team, id string, until time.Time) bool {
	t.Helper()
	ids, err := st.DueLeads(t.Context(), team, until, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, got := range ids {
		if got == id {
			return true
		}
	}
	return false
}

// TestLogVisitKeepsDueInStep: a touch moves the lead's last touch, and the
// service reschedules its next touch by the grade's cadence (or to the next
// step's date), in the lead and in the store's due index.
func TestLogVisitKeepsDueInStep(t *testing.T) {
	svc, st, team := visitTeam(t)
	ctx := t.Context()
	rep := salesbot.Actor{User: "UREP"}
	l := create(t, st, team, "Overdue Ltd", rep.User, salesbot.GradeA, now.Add(-10*salesbot.Day))
	if !isDue(t, st, team, l.ID, now) {
		t.Fatal("a grade A lead untouched for 10 days is not due; the test proves nothing")
	}
	done, err := svc.LogVisit(ctx, salesbot.VisitRequest{Actor: rep, Team: team, LeadID: l.ID, Loc: shanghai, Now: now,
		Visit: salesbot.Visit{Notes: "walked the plant"}})
	if err != nil {
		t.Fatal(err)
	}
	want := now.Add(7 * salesbot.Day)
	if !done.Lead.LastTouch.Equal(now) || !done.Lead.Due.Equal(want) {
		t.Fatalf("after a visit now: last touch %v, due %v; want %v, %v", done.Lead.LastTouch, done.Lead.Due, now, want)
	}
	if got := stored(t, st, team, l.ID); !got.Due.Equal(want) {
		t.Fatalf("stored due %v, want %v", got.Due, want)
	}
	if isDue(t, st, team, l.ID, now.Add(6*salesbot.Day)) || !isDue(t, st, team, l.ID, want) {
		t.Fatal("the due index did not move with the visit")
	}
	if done.Visit.Date != salesbot.DateOf(now.In(shanghai)) || done.Visit.Kind != salesbot.KindVisit || done.Change.Kind != salesbot.ChangeVisit {
		t.Fatalf("logged %+v (change %s); want a visit today in the rep's zone", done.Visit, done.Change.Kind)
	}

	// A next step with a date sets the next touch to that day.
	today := salesbot.DateOf(now.In(shanghai))
	next := today.AddDays(3)
	done, err = svc.LogVisit(ctx, salesbot.VisitRequest{Actor: rep, Team: team, LeadID: l.ID, Loc: shanghai, Now: now.Add(time.Hour),
		Visit: salesbot.Visit{Kind: salesbot.KindCall, NextStep: "send the quote", NextDate: next}})
	if err != nil {
		t.Fatal(err)
	}
	if !done.Lead.Due.Equal(next.In(shanghai)) || done.Lead.NextStep != "send the quote" {
		t.Fatalf("due %v, next step %q; want %v, the step", done.Lead.Due, done.Lead.NextStep, next.In(shanghai))
	}
	if !isDue(t, st, team, l.ID, next.In(shanghai)) || isDue(t, st, team, l.ID, next.In(shanghai).Add(-time.Minute)) {
		t.Fatal("the due index is not at the next step's date")
	}
}

// TestLogVisitDates: a touch may be back-dated (from a lead the caller
// read) but not logged for a day still to come, which writes nothing.
func TestLogVisitDates(t *testing.T) {
	svc, st, team := visitTeam(t)
	ctx := t.Context()
	rep := salesbot.Actor{User: "UREP"}
	l := create(t, st, team, "Backdated Co", rep.User, salesbot.GradeB, now.Add(-20*salesbot.Day))
	today := salesbot.DateOf(now.In(shanghai))

	tomorrow := today.AddDays(1)
	_, err := svc.LogVisit(ctx, salesbot.VisitRequest{Actor: rep, Team: team, LeadID: l.ID, Loc: shanghai, Now: now, Visit: salesbot.Visit{Date: tomorrow}})
	if salesbot.ErrorCode(err) != salesbot.EINVALID || !strings.Contains(salesbot.ErrorMessage(err), "in the future") {
		t.Fatalf("a visit tomorrow: %v; want EINVALID, in the future", err)
	}
	if n := len(visitsOf(t, st, team, l.ID)); n != 0 {
		t.Fatalf("%d visits after a refused one", n)
	}
	if got := stored(t, st, team, l.ID); !got.Due.Equal(l.Due) || !got.LastTouch.IsZero() {
		t.Fatalf("a refused visit moved the lead: due %v, last touch %v", got.Due, got.LastTouch)
	}

	read := stored(t, st, team, l.ID)
	yesterday := today.AddDays(-1)
	done, err := svc.LogVisit(ctx, salesbot.VisitRequest{Actor: rep, Team: team, Lead: read, Loc: shanghai, Now: now, Visit: salesbot.Visit{Date: yesterday}})
	if err != nil {
		t.Fatal(err)
	}
	touched := yesterday.In(shanghai).Add(12 * time.Hour)
	if !done.Lead.LastTouch.Equal(touched) || !done.Lead.Due.Equal(touched.Add(14*salesbot.Day)) {
		t.Fatalf("back-dated visit: last touch %v, due %v; want %v and 14 days on", done.Lead.LastTouch, done.Lead.Due, touched)
	}
	if v := visitsOf(t, st, team, l.ID); len(v) != 1 || v[0].Date != yesterday {
		t.Fatalf("visits %+v; want yesterday's", v)
	}
}

// TestLogVisitRights: only the owner and managers log touches; anyone else
// is refused before anything is written, judged on the lead as it is (a
// lead reassigned since the caller read it).
func TestLogVisitRights(t *testing.T) {
	svc, st, team := visitTeam(t)
	ctx := t.Context()
	rep, other := salesbot.Actor{User: "UREP"}, salesbot.Actor{User: "UOTHER"}
	l := create(t, st, team, "Guarded Inc", rep.User, salesbot.GradeB, now.Add(-3*salesbot.Day))

	_, err := svc.LogVisit(ctx, salesbot.VisitRequest{Actor: other, Team: team, LeadID: l.ID, Loc: shanghai, Now: now})
	if salesbot.ErrorCode(err) != salesbot.EFORBIDDEN {
		t.Fatalf("another rep's visit: %v; want EFORBIDDEN", err)
	}
	if n := len(visitsOf(t, st, team, l.ID)); n != 0 {
		t.Fatalf("%d visits after a refused one", n)
	}
	if _, err := svc.LogVisit(ctx, salesbot.VisitRequest{Actor: manager, Team: team, LeadID: l.ID, Loc: shanghai, Now: now}); err != nil {
		t.Fatalf("a manager's visit: %v", err)
	}

	// The rep read the lead; a manager gives it away; the rep's stale read
	// does not let them log a touch on it.
	read := stored(t, st, team, l.ID)
	if _, err := st.UpdateLead(ctx, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		changes, err := l.Assign(manager, other.User, now)
		return salesbot.Update{Changes: changes}, err
	}); err != nil {
		t.Fatal(err)
	}
	_, err = svc.LogVisit(ctx, salesbot.VisitRequest{Actor: rep, Team: team, Lead: read, Loc: shanghai, Now: now.Add(time.Minute)})
	if salesbot.ErrorCode(err) != salesbot.EFORBIDDEN {
		t.Fatalf("a visit on a lead given away since it was read: %v; want EFORBIDDEN", err)
	}
	if n := len(visitsOf(t, st, team, l.ID)); n != 1 {
		t.Fatalf("%d visits; want the manager's only", n)
	}

	// A lead read in one team is not written as another team's.
	_, err = svc.LogVisit(ctx, salesbot.VisitRequest{Actor: manager, Team: "T0ELSEWHERE", Lead: stored(t, st, team, l.ID), Loc: shanghai, Now: now})
	if salesbot.ErrorCode(err) != salesbot.EINTERNAL {
		t.Fatalf("a lead passed for another team: %v; want EINTERNAL", err)
	}
	if n := len(visitsOf(t, st, team, l.ID)); n != 1 {
		t.Fatalf("%d visits after one for the wrong team", n)
	}
}

// TestLogVisitMet: the people met are the lead's stakeholders, as first
// recorded, each met a step deeper; a name not recorded writes nothing.
func TestLogVisitMet(t *testing.T) {
	svc, st, team := visitTeam(t)
	ctx := t.Context()
	rep := salesbot.Actor{User: "UREP"}
	l := create(t, st, team, "Met Corp", rep.User, salesbot.GradeA, now.Add(-2*salesbot.Day))
	if _, err := svc.SetStance(ctx, salesbot.StanceRequest{Actor: rep, Team: team, LeadID: l.ID, Now: now,
		Stakeholder: salesbot.Stakeholder{Name: "Wang Li", Role: salesbot.RoleEconomicBuyer, Influence: salesbot.InfluenceHigh, Support: 1}}); err != nil {
		t.Fatal(err)
	}
	_, err := svc.LogVisit(ctx, salesbot.VisitRequest{Actor: rep, Team: team, LeadID: l.ID, Loc: shanghai, Now: now,
		Visit: salesbot.Visit{Met: []string{"Li Na"}}})
	if salesbot.ErrorCode(err) != salesbot.EINVALID || !strings.Contains(salesbot.ErrorMessage(err), "Wang Li") {
		t.Fatalf("meeting someone not recorded: %v; want EINVALID naming who is", err)
	}
	done, err := svc.LogVisit(ctx, salesbot.VisitRequest{Actor: rep, Team: team, LeadID: l.ID, Loc: shanghai, Now: now,
		Visit: salesbot.Visit{Met: []string{"wang  li"}}})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := done.Lead.Stakeholder("Wang Li")
	if len(done.Visit.Met) != 1 || done.Visit.Met[0] != "Wang Li" || s.ContactDepth != salesbot.DepthBrief || !s.LastMet.Equal(now) {
		t.Fatalf("met %v, Wang Li %s last met %v; want Wang Li, brief, now", done.Visit.Met, s.ContactDepth, s.LastMet)
	}
}

// TestEditableForForm: a form opened from a button (which names its lead
// by ID) gets its lead for the owner and managers only (LeadService.Editable);
// the handler words the refusal so that it names neither the lead nor its
// owner (bot's TestFormButtonsOnlyForOwnLeads).
func TestEditableForForm(t *testing.T) {
	svc, st, team := visitTeam(t)
	ctx := t.Context()
	rep, other := salesbot.Actor{User: "UREP"}, salesbot.Actor{User: "UOTHER"}
	l := create(t, st, team, "Secret Deal Ltd", rep.User, salesbot.GradeA, now)
	for _, a := range []salesbot.Actor{rep, manager} {
		got, err := svc.Editable(ctx, a, salesbot.RefTo(team, l.ID))
		if err != nil || got.ID != l.ID {
			t.Fatalf("%s opening a form: %v, %v", a.User, got, err)
		}
	}
	got, err := svc.Editable(ctx, other, salesbot.RefTo(team, l.ID))
	if salesbot.ErrorCode(err) != salesbot.EFORBIDDEN || got != nil {
		t.Fatalf("another rep opening a form: %v, %v; want EFORBIDDEN and no lead", got, err)
	}
	if _, err := svc.Editable(ctx, rep, salesbot.RefTo(team, "L999999")); salesbot.ErrorCode(err) != salesbot.ENOTFOUND {
		t.Fatalf("a lead that does not exist: %v; want ENOTFOUND", err)
	}
	// A lost lead is in the pool, open to asking for, not to forms.
	if _, err := st.UpdateLead(ctx, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		c, err := l.Lose(rep, "budget cut", now)
		return salesbot.Update{Changes: []salesbot.Change{c}}, err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Editable(ctx, other, salesbot.RefTo(team, l.ID)); salesbot.ErrorCode(err) != salesbot.EFORBIDDEN {
		t.Fatalf("another rep opening a form on a lost lead: %v; want EFORBIDDEN", err)
	}
}
