package service_test

import (
	"fmt"
	"testing"
	"time"

	"salesbot"
	"salesbot/service"
)

var (
	repA = salesbot.Actor{User: "UREP"}
	repB = salesbot.Actor{User: "UOTHER"}
)

// TestRegisterFirstOwns: a company registered already is not registered
// again, and the one who tried learns of it what they may see: another
// rep's open lead is whose, since when and at what grade, nothing more.
func TestRegisterFirstOwns(t *testing.T) {
	st, team := newTeam(t)
	svc := service.New(service.Config{Store: st})
	ctx := t.Context()
	first, err := svc.Register(ctx, repA, team, "Acme Industrial", salesbot.GradeB, now)
	if err != nil || first.Lead == nil || first.Existing != nil {
		t.Fatalf("first registration: %+v, %v", first, err)
	}
	if want := now.Add(salesbot.DefaultCadence()[salesbot.GradeB]); !first.Lead.Due.Equal(want) {
		t.Errorf("first touch due %v; want %v (the grade's cadence)", first.Lead.Due, want)
	}
	if _, err := svc.SetFact(ctx, repA, salesbot.RefTo(team, first.Lead.ID), salesbot.FactBudget, "2M RMB", now); err != nil {
		t.Fatal(err)
	}

	again, err := svc.Register(ctx, repB, team, "ACME industrial", salesbot.GradeA, now.Add(time.Hour))
	if err != nil || again.Lead != nil || again.Existing == nil {
		t.Fatalf("second registration: %+v, %v; want the existing lead", again, err)
	}
	seen := again.Existing
	if seen.Sight != salesbot.SightOwner || seen.Lead.Owner != repA.User || seen.Lead.Grade != salesbot.GradeB || !seen.Lead.CreatedAt.Equal(now) {
		t.Errorf("another rep sees %+v at %v; want whose, since when, which grade", seen.Lead, seen.Sight)
	}
	if len(seen.Lead.Facts) != 0 || seen.Lead.Stage != "" || !seen.Lead.Due.IsZero() {
		t.Errorf("another rep sees more than whose it is: %+v", seen.Lead)
	}
	mine, err := svc.Register(ctx, repA, team, "Acme Industrial", salesbot.GradeA, now)
	if err != nil || mine.Existing == nil || mine.Existing.Sight != salesbot.SightAll || mine.Existing.Lead.Facts[salesbot.FactBudget].Text != "2M RMB" {
		t.Errorf("the owner registering again: %+v, %v; want their own lead whole", mine.Existing, err)
	}
	if all, _ := st.LeadsOwnedBy(ctx, team, repB.User); len(all) != 0 {
		t.Errorf("the second rep owns %d leads; want none", len(all))
	}
}

// TestRegisterSimilarNamesBySight: the similar names a registration lists
// follow SightOf: a rep's own and the pool's are named, another rep's open
// lead only counted; a manager sees them all.
func TestRegisterSimilarNamesBySight(t *testing.T) {
	st, team := newTeam(t)
	svc := service.New(service.Config{Store: st})
	ctx := t.Context()
	create(t, st, team, "Gamma Foods Asia", repB.User, salesbot.GradeA, now)
	create(t, st, team, "Gamma Foods Europe", repA.User, salesbot.GradeC, now)
	lost := create(t, st, team, "Gamma Foods Africa", repB.User, salesbot.GradeC, now)
	if _, err := svc.SetFact(ctx, repB, salesbot.RefTo(team, lost.ID), salesbot.FactNeed, "secret plans", now); err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpdateLead(ctx, team, lost.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		c, err := l.Lose(repB, "no budget", now)
		return salesbot.Update{Changes: []salesbot.Change{c}}, err
	}); err != nil {
		t.Fatal(err)
	}

	reg, err := svc.Register(ctx, repA, team, "Gamma Foods", salesbot.GradeC, now)
	if err != nil || reg.Lead == nil {
		t.Fatalf("register: %+v, %v", reg, err)
	}
	names := map[string]salesbot.Sight{}
	for _, s := range reg.Similar {
		names[s.Lead.Company] = s.Sight
		if s.Sight == salesbot.SightPool && len(s.Lead.Facts) != 0 {
			t.Errorf("a pool lead's facts shown as a similar name: %+v", s.Lead)
		}
	}
	if len(names) != 2 || names["Gamma Foods Europe"] != salesbot.SightAll || names["Gamma Foods Africa"] != salesbot.SightPool || reg.HiddenSimilar != 1 {
		t.Errorf("a rep sees similar names %v and %d hidden; want their own, the pool's, and 1 hidden", names, reg.HiddenSimilar)
	}

	boss, err := svc.Register(ctx, manager, team, "Gamma", salesbot.GradeC, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(boss.Similar) != 3 || boss.HiddenSimilar != 0 {
		t.Errorf("a manager sees %d similar names, %d hidden; want 3 (the limit), none hidden", len(boss.Similar), boss.HiddenSimilar)
	}
}

// TestChooseGrade: picking the grade a new lead has keeps it, for someone
// who may edit it; picking another regrades it and moves its next touch.
func TestChooseGrade(t *testing.T) {
	st, team := newTeam(t)
	svc := service.New(service.Config{Store: st})
	ctx := t.Context()
	l := create(t, st, team, "Delta Motors", repA.User, salesbot.GradeC, now)
	kept, err := svc.ChooseGrade(ctx, repA, salesbot.RefTo(team, l.ID), salesbot.GradeC, now)
	if err != nil || !kept.Kept || kept.Lead.Grade != salesbot.GradeC {
		t.Fatalf("choosing the grade it has: %+v, %v; want kept", kept, err)
	}
	if h, _ := st.History(ctx, team, l.ID, 10); len(h) != 1 {
		t.Errorf("keeping the grade wrote history: %v", h)
	}
	if _, err := svc.ChooseGrade(ctx, repB, salesbot.RefTo(team, l.ID), salesbot.GradeC, now); salesbot.ErrorCode(err) != salesbot.EFORBIDDEN {
		t.Errorf("another rep confirming the grade: %v; want EFORBIDDEN", err)
	}
	done, err := svc.ChooseGrade(ctx, repA, salesbot.RefTo(team, l.ID), salesbot.GradeA, now.Add(time.Hour))
	if err != nil || done.Kept || done.Change.From != "C" || done.Change.To != "A" {
		t.Fatalf("choosing A: %+v, %v", done, err)
	}
	if want := now.Add(salesbot.DefaultCadence()[salesbot.GradeA]); !done.Lead.Due.Equal(want) {
		t.Errorf("due %v after regrading to A; want %v", done.Lead.Due, want)
	}
	if stored, _ := st.Lead(ctx, team, l.ID); !stored.Due.Equal(done.Lead.Due) {
		t.Errorf("stored due %v; want %v", stored.Due, done.Lead.Due)
	}
}

// TestAssign: only managers assign; the new owner and the previous one
// are told unless they did it; a request's assignment holds only while
// the owner asked about is still the owner.
func TestAssign(t *testing.T) {
	st, team := newTeam(t)
	svc := service.New(service.Config{Store: st})
	ctx := t.Context()
	l := create(t, st, team, "Echo Tools", repA.User, salesbot.GradeB, now)
	if _, err := svc.Assign(ctx, repA, salesbot.RefTo(team, l.ID), repB.User, "", now); salesbot.ErrorCode(err) != salesbot.EFORBIDDEN {
		t.Fatalf("a rep assigning: %v; want EFORBIDDEN", err)
	}
	done, err := svc.Assign(ctx, manager, salesbot.RefTo(team, l.ID), repB.User, "", now)
	if err != nil {
		t.Fatal(err)
	}
	if done.From != repA.User || done.To != repB.User || !done.TellTo || !done.TellFrom || done.Lead.Owner != repB.User {
		t.Errorf("assignment %+v; want from UREP to UOTHER, both told", done)
	}
	// A request by repA answered after the lead changed hands changes nothing.
	if _, err := svc.Assign(ctx, manager, salesbot.RefTo(team, l.ID), repA.User, repA.User, now); salesbot.ErrorCode(err) != salesbot.ECONFLICT {
		t.Errorf("a stale request's assignment: %v; want ECONFLICT", err)
	}
	self, err := svc.Assign(ctx, manager, salesbot.RefTo(team, l.ID), manager.User, repB.User, now)
	if err != nil {
		t.Fatal(err)
	}
	if self.TellTo || !self.TellFrom {
		t.Errorf("a manager taking a lead: %+v; want only the previous owner told", self)
	}
}

// TestAssignReopensLost: a lost lead assigned is reopened, with a next
// touch again.
func TestAssignReopensLost(t *testing.T) {
	st, team := newTeam(t)
	svc := service.New(service.Config{Store: st})
	ctx := t.Context()
	l := create(t, st, team, "Foxtrot", repA.User, salesbot.GradeB, now)
	if _, err := st.UpdateLead(ctx, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		c, err := l.Lose(repA, "", now)
		l.Schedule(salesbot.DefaultCadence())
		return salesbot.Update{Changes: []salesbot.Change{c}}, err
	}); err != nil {
		t.Fatal(err)
	}
	done, err := svc.Assign(ctx, manager, salesbot.RefTo(team, l.ID), repB.User, "", now.Add(salesbot.Day))
	if err != nil {
		t.Fatal(err)
	}
	if done.Lead.Stage != salesbot.StageLead || done.Lead.Due.IsZero() || len(done.Changes) != 2 {
		t.Errorf("reopened: stage %s, due %v, %d changes; want the first stage, a due time, reopened and owner", done.Lead.Stage, done.Lead.Due, len(done.Changes))
	}
}

// TestCardAndMapSight: a lead's card, map and forms are its owner's and
// the managers'; the card comes with the last visit.
func TestCardAndMapSight(t *testing.T) {
	st, team := newTeam(t)
	svc := service.New(service.Config{Store: st})
	ctx := t.Context()
	l := create(t, st, team, "Golf Systems", repA.User, salesbot.GradeA, now)
	if _, err := st.UpdateLead(ctx, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		v := &salesbot.Visit{Date: salesbot.DateOf(now), Kind: salesbot.KindCall, Notes: "called IT"}
		c, err := l.RecordVisit(repA, v, time.UTC, now)
		return salesbot.Update{Changes: []salesbot.Change{c}, Visit: v}, err
	}); err != nil {
		t.Fatal(err)
	}
	for _, a := range []salesbot.Actor{repA, manager} {
		c, err := svc.Card(ctx, a, salesbot.RefTo(team, l.ID))
		if err != nil || c.LastVisit == nil || c.LastVisit.Notes != "called IT" {
			t.Errorf("%s's card: %+v, %v; want it with the last visit", a.User, c, err)
		}
		if _, err := svc.Map(ctx, a, salesbot.RefTo(team, l.ID)); err != nil {
			t.Errorf("%s's map: %v", a.User, err)
		}
	}
	if _, err := svc.Card(ctx, repB, salesbot.RefTo(team, l.ID)); salesbot.ErrorCode(err) != salesbot.EFORBIDDEN {
		t.Errorf("another rep's card: %v; want EFORBIDDEN", err)
	}
	if _, err := svc.Map(ctx, repB, salesbot.RefTo(team, l.ID)); salesbot.ErrorCode(err) != salesbot.EFORBIDDEN {
		t.Errorf("another rep's map: %v; want EFORBIDDEN", err)
	}
	if _, err := svc.Editable(ctx, repB, salesbot.RefTo(team, l.ID)); salesbot.ErrorCode(err) != salesbot.EFORBIDDEN {
		t.Errorf("another rep's lead for a form: %v; want EFORBIDDEN", err)
	}
	if got, err := svc.Editable(ctx, manager, salesbot.RefTo(team, l.ID)); err != nil || got.ID != l.ID {
		t.Errorf("a manager's form: %v, %v", got, err)
	}
}

// TestPoolAsSeen: the pool shows lost leads as the pool's sight allows:
// the company, who lost it and why, not what was learned.
func TestPoolAsSeen(t *testing.T) {
	st, team := newTeam(t)
	svc := service.New(service.Config{Store: st})
	ctx := t.Context()
	l := create(t, st, team, "Hotel Group", repB.User, salesbot.GradeB, now)
	create(t, st, team, "India Works", repB.User, salesbot.GradeB, now)
	if _, err := st.UpdateLead(ctx, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		if _, err := l.SetFact(repB, salesbot.FactBudget, "secret", now); err != nil {
			return salesbot.Update{}, err
		}
		c, err := l.Lose(repB, "went elsewhere", now)
		return salesbot.Update{Changes: []salesbot.Change{c}}, err
	}); err != nil {
		t.Fatal(err)
	}
	pool, err := svc.Pool(ctx, repA, team)
	if err != nil || len(pool) != 1 {
		t.Fatalf("pool: %v, %v; want the lost lead alone", pool, err)
	}
	if p := pool[0]; p.Company != "Hotel Group" || p.Owner != repB.User || p.LostReason != "went elsewhere" || len(p.Facts) != 0 {
		t.Errorf("pool lead seen as %+v; want company, owner, reason and no facts", p)
	}
}

// TestListRightsAndPages: a rep lists their own pipeline only; a manager
// lists a rep's, or the team's open leads a page of ListPage at a time.
func TestListRightsAndPages(t *testing.T) {
	st, team := newTeam(t)
	svc := service.New(service.Config{Store: st})
	ctx := t.Context()
	for i := range 45 {
		owner := repA.User
		if i%3 == 0 {
			owner = repB.User
		}
		create(t, st, team, fmt.Sprintf("Lima %02d", i), owner, salesbot.GradeB, now.Add(time.Duration(i)*time.Minute))
	}
	create(t, st, team, "Mike A", repA.User, salesbot.GradeA, now)
	for _, q := range []salesbot.ListQuery{{Team: team, All: true}, {Team: team, Owner: repB.User}} {
		if _, err := svc.List(ctx, repA, q); salesbot.ErrorCode(err) != salesbot.EFORBIDDEN {
			t.Errorf("a rep listing %+v: %v; want EFORBIDDEN", q, err)
		}
	}
	own, err := svc.List(ctx, repA, salesbot.ListQuery{Team: team, Grade: salesbot.GradeA})
	if err != nil || len(own.Leads) != 1 || own.Owner != repA.User {
		t.Errorf("a rep's A leads: %+v, %v; want Mike A", own, err)
	}
	first, err := svc.List(ctx, manager, salesbot.ListQuery{Team: team, All: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Leads) != salesbot.ListPage || first.Total != 46 || first.Next != salesbot.ListPage || first.Leads[0].Grade != salesbot.GradeA {
		t.Fatalf("first page: %d leads of %d, next %d, first %s; want %d of 46, next %d, A first",
			len(first.Leads), first.Total, first.Next, first.Leads[0].Company, salesbot.ListPage, salesbot.ListPage)
	}
	last, err := svc.List(ctx, manager, salesbot.ListQuery{Team: team, All: true, Offset: first.Next})
	if err != nil || len(last.Leads) != 6 || last.Next != 0 || last.Offset != salesbot.ListPage {
		t.Errorf("last page: %d leads, next %d, offset %d, %v; want 6, none, %d", len(last.Leads), last.Next, last.Offset, err, salesbot.ListPage)
	}
	bs, err := svc.List(ctx, manager, salesbot.ListQuery{Team: team, All: true, Grade: salesbot.GradeB})
	if err != nil || bs.Total != 45 || bs.Grade != salesbot.GradeB {
		t.Errorf("the team's B leads: total %d, %v; want 45", bs.Total, err)
	}
	theirs, err := svc.List(ctx, manager, salesbot.ListQuery{Team: team, Owner: repB.User})
	if err != nil || len(theirs.Leads) != 15 {
		t.Errorf("a manager listing a rep's pipeline: %d leads, %v; want 15", len(theirs.Leads), err)
	}
}

// TestResolveBySight: a lead named whole is found whoever's it is; a part
// of a name reaches only leads the actor may see, their own first, and
// never tells of another rep's open lead.
func TestResolveBySight(t *testing.T) {
	st, team := newTeam(t)
	svc := service.New(service.Config{Store: st})
	ctx := t.Context()
	theirs := create(t, st, team, "Kilo Works", repB.User, salesbot.GradeB, now)
	part := func(a salesbot.Actor, word string) salesbot.Resolution {
		t.Helper()
		key := salesbot.NormalizeCompany(word)
		res, err := svc.Resolve(ctx, a, team, salesbot.LeadQuery{Names: []string{key}, Part: key, Limit: 20, Caller: a.User}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if res := part(repA, "Kilo"); res.Lead != nil || res.Seen != 0 {
		t.Errorf("a part of another rep's lead: %+v; want nothing seen", res)
	}
	named, err := svc.Resolve(ctx, repA, team, salesbot.LeadQuery{Names: []string{salesbot.NormalizeCompany("Kilo Works")}}, nil)
	if err != nil || named.Lead == nil || named.Lead.ID != theirs.ID || named.Name != 0 {
		t.Errorf("another rep's lead named whole: %+v, %v; want it found", named, err)
	}
	own := create(t, st, team, "Kilo Tools", repA.User, salesbot.GradeC, now)
	if res := part(repA, "Kilo"); res.Lead == nil || res.Lead.ID != own.ID || res.Name != -1 {
		t.Errorf("a part matching one own lead and another rep's: %+v; want the own one", res)
	}
	create(t, st, team, "Kilo Parts", repA.User, salesbot.GradeC, now)
	if res := part(repA, "Kilo"); res.Lead != nil || res.Seen != 2 || len(res.Mine) != 2 {
		t.Errorf("a part matching two own leads: %+v; want none picked, 2 seen, both mine", res)
	}
	if res := part(manager, "Kilo"); res.Lead != nil || res.Seen != 3 {
		t.Errorf("a manager's part: %+v; want 3 seen", res)
	}
}
