package store_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"salesbot"
)

func TestFindLead(t *testing.T) {
	s, _, team := newStore(t)
	acme := mustCreate(t, s, team, "Acme Industrial", "U1", salesbot.GradeA)
	mustCreate(t, s, team, "Acme Foods", "U2", salesbot.GradeB)
	mustCreate(t, s, team, "Globex", "U1", salesbot.GradeC)
	mustUpdate(t, s, team, acme.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		v := &salesbot.Visit{Kind: salesbot.KindCall, Notes: "first call"}
		c, err := l.RecordVisit(salesbot.Actor{User: "U1"}, v, time.UTC, now)
		return salesbot.Update{Changes: []salesbot.Change{c}, Visit: v}, err
	})

	n := salesbot.NormalizeCompany
	for _, c := range []struct {
		name       string
		q          salesbot.LeadQuery
		wantName   int
		wantLeads  []string
		wantParts  int
		wantVisits int
	}{
		{"exact, second name", salesbot.LeadQuery{Names: []string{n("acme industrial x"), n("acme industrial")}, Visits: 1}, 1, []string{"Acme Industrial"}, 1, 1},
		{"exact, no visits asked", salesbot.LeadQuery{Names: []string{n("globex")}}, 0, []string{"Globex"}, 1, 0},
		{"exact wins over part", salesbot.LeadQuery{Names: []string{n("globex")}, Part: n("acme"), Limit: 5}, 0, []string{"Globex"}, 1, 0},
		{"prefix, several", salesbot.LeadQuery{Names: []string{n("acme")}, Part: n("acme"), Limit: 5, Visits: 1}, -1, []string{"Acme Industrial", "Acme Foods"}, 2, 0},
		{"prefix, limited", salesbot.LeadQuery{Part: n("acme"), Limit: 1}, -1, []string{"?"}, 2, 0},
		{"contains, one, with its visit", salesbot.LeadQuery{Part: n("industrial"), Limit: 5, Visits: 3}, -1, []string{"Acme Industrial"}, 1, 1},
		{"nothing", salesbot.LeadQuery{Names: []string{n("initech")}, Part: n("initech"), Limit: 5}, -1, nil, 0, 0},
		{"no part", salesbot.LeadQuery{Names: []string{n("initech")}}, -1, nil, 0, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, err := s.FindLead(ctx, team, c.q)
			if err != nil {
				t.Fatal(err)
			}
			if m.Name != c.wantName || len(m.Leads) != len(c.wantLeads) || m.Parts != c.wantParts || len(m.Visits) != c.wantVisits {
				t.Fatalf("got name %d, %d leads, %d parts, %d visits; want %d, %d, %d, %d",
					m.Name, len(m.Leads), m.Parts, len(m.Visits), c.wantName, len(c.wantLeads), c.wantParts, c.wantVisits)
			}
			for _, l := range m.Leads {
				if s.RevisionOf(l) == "" {
					t.Errorf("%s has no revision", l.Company)
				}
				if c.wantLeads[0] != "?" && !contains(c.wantLeads, l.Company) {
					t.Errorf("found %s; want one of %v", l.Company, c.wantLeads)
				}
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestUpdateLeadFromStaleRead saves a change from a lead read before
// another writer changed it: the guarded write sees the revision moved, so
// the change is made again on the fresh lead and the other writer's change
// survives.
func TestUpdateLeadFromStaleRead(t *testing.T) {
	s, _, team := newStore(t)
	l := mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)
	read, err := s.Lead(ctx, team, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	mustUpdate(t, s, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(l.SetFact(salesbot.Actor{User: "U1"}, salesbot.FactBudget, "2M", now))
	})
	runs := 0
	saved, err := s.UpdateLeadFrom(ctx, read, func(l *salesbot.Lead) (salesbot.Update, error) {
		runs++
		return one(l.Regrade(salesbot.Actor{User: "U1"}, salesbot.GradeB, "", now))
	})
	if err != nil {
		t.Fatal(err)
	}
	if runs != 2 {
		t.Errorf("fn ran %d times; want 2 (the stale read, then the fresh one)", runs)
	}
	got, err := s.Lead(ctx, team, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Grade != salesbot.GradeB || got.Facts[salesbot.FactBudget].Text != "2M" {
		t.Errorf("stored grade %s, budget %q; want B and the other writer's 2M", got.Grade, got.Facts[salesbot.FactBudget].Text)
	}
	if s.RevisionOf(saved) != s.RevisionOf(got) {
		t.Errorf("returned revision %s; stored %s", s.RevisionOf(saved), s.RevisionOf(got))
	}

	// A fresh read saves at once.
	runs = 0
	if _, err := s.UpdateLeadFrom(ctx, got, func(l *salesbot.Lead) (salesbot.Update, error) {
		runs++
		return one(l.Regrade(salesbot.Actor{User: "U1"}, salesbot.GradeC, "", now))
	}); err != nil || runs != 1 {
		t.Errorf("fresh read: %d runs, err %v; want 1, nil", runs, err)
	}
}

// BenchmarkFindLead looks a lead up in a team of 10,001: by its exact name
// (one HGET and one GET inside the script), and by a word that starts one
// name, which makes the script walk every name of the team.
func BenchmarkFindLead(b *testing.B) {
	s, _, team := newStore(b)
	const leads = 10000
	for i := range leads {
		mustCreate(b, s, team, fmt.Sprintf("Company %05d Holdings", i), fmt.Sprintf("U%03d", i%100), salesbot.GradeB)
	}
	mustCreate(b, s, team, "Zebra Logistics", "U1", salesbot.GradeA)
	// For comparison: what the partial match cost before the script, the
	// team's names read whole and matched in Go.
	b.Run("names over the wire", func(b *testing.B) {
		for b.Loop() {
			names, err := s.LeadNames(ctx, team)
			if err != nil || len(names) != leads+1 {
				b.Fatalf("%d names, err %v", len(names), err)
			}
		}
	})
	n := salesbot.NormalizeCompany
	for _, c := range []struct {
		name string
		q    salesbot.LeadQuery
	}{
		{"exact", salesbot.LeadQuery{Names: []string{n("Zebra Logistics")}, Visits: 1}},
		{"part of every name", salesbot.LeadQuery{Part: n("Holdings"), Limit: 20}},
		{"part", salesbot.LeadQuery{Names: []string{n("Zebra")}, Part: n("Zebra"), Limit: 20, Visits: 1}},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				m, err := s.FindLead(ctx, team, c.q)
				if err != nil || (len(m.Leads) != 1 && m.Parts != leads) {
					b.Fatalf("found %d leads of %d, err %v", len(m.Leads), m.Parts, err)
				}
			}
		})
	}
}

// TestViewerAndLead reads the viewer and a look-up in one script. On a
// Redis that has not seen the script (after SCRIPT FLUSH, as after a
// restart) it sends it, and returns both.
func TestViewerAndLead(t *testing.T) {
	s, rdb, team := newStore(t)
	mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)
	if err := s.SetLang(ctx, team, "U1", "zh"); err != nil {
		t.Fatal(err)
	}
	if err := s.AddManager(ctx, team, "U9"); err != nil {
		t.Fatal(err)
	}
	q := salesbot.LeadQuery{Names: []string{salesbot.NormalizeCompany("Acme")}, Visits: 1}
	for _, flush := range []bool{true, false} {
		if flush {
			if err := rdb.ScriptFlush(ctx).Err(); err != nil {
				t.Fatal(err)
			}
		}
		lang, managers, m, err := s.ViewerAndLead(ctx, team, "U1", q)
		if err != nil || lang != "zh" || len(managers) != 1 || managers[0] != "U9" {
			t.Errorf("flushed %v: viewer %q %v %v", flush, lang, managers, err)
		}
		if m == nil || len(m.Leads) != 1 || m.Leads[0].Company != "Acme" {
			t.Errorf("flushed %v: look-up: %+v", flush, m)
		}
	}
	lang, managers, m, err := s.ViewerAndLead(ctx, team, "U2", salesbot.LeadQuery{Names: []string{"nowhere"}})
	if err != nil || lang != "" || len(managers) != 1 || m == nil || len(m.Leads) != 0 || m.Name != -1 {
		t.Errorf("unknown viewer and company: %q %v %+v %v", lang, managers, m, err)
	}

	// A look-up that fails (the names are not a hash) leaves the viewer
	// read; a viewer's read that fails (the language choices are not a
	// hash) fails it, as Viewer does.
	if err := rdb.Rename(ctx, key(team, "names"), key(team, "names-aside")).Err(); err != nil {
		t.Fatal(err)
	}
	if err := rdb.Set(ctx, key(team, "names"), "not a hash", 0).Err(); err != nil {
		t.Fatal(err)
	}
	lang, managers, m, err = s.ViewerAndLead(ctx, team, "U1", q)
	if err != nil || lang != "zh" || len(managers) != 1 || m != nil {
		t.Errorf("failed look-up: viewer %q %v, match %+v, err %v", lang, managers, m, err)
	}
	if err := rdb.Rename(ctx, key(team, "names-aside"), key(team, "names")).Err(); err != nil {
		t.Fatal(err)
	}
	if err := rdb.Del(ctx, key(team, "lang")).Err(); err != nil {
		t.Fatal(err)
	}
	if err := rdb.Set(ctx, key(team, "lang"), "not a hash", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := s.ViewerAndLead(ctx, team, "U1", q); err == nil {
		t.Error("a viewer whose language cannot be read: no error")
	} else if _, _, vErr := s.Viewer(ctx, team, "U1"); vErr == nil || salesbot.ErrorCode(err) != salesbot.ErrorCode(vErr) {
		t.Errorf("ViewerAndLead fails with %v, Viewer with %v", err, vErr)
	}
}

// TestUpdateLeadFromRefusalIsJudgedFresh: a change refused on the lead as
// read (it is graded B already) is tried again on the lead as it is (another
// writer made it A meanwhile), where it applies.
func TestUpdateLeadFromRefusalIsJudgedFresh(t *testing.T) {
	s, _, team := newStore(t)
	l := mustCreate(t, s, team, "Acme", "U1", salesbot.GradeB)
	read, err := s.Lead(ctx, team, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	rep := salesbot.Actor{User: "U1"}
	mustUpdate(t, s, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(l.Regrade(rep, salesbot.GradeA, "", now))
	})
	saved, err := s.UpdateLeadFrom(ctx, read, func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(l.Regrade(rep, salesbot.GradeB, "", now))
	})
	if err != nil || saved.Grade != salesbot.GradeB {
		t.Fatalf("regrade to B after another writer's A: %v, %v", saved, err)
	}
	// Refused on the lead as it is too: the refusal comes back as fn gave it.
	got, _ := s.Lead(ctx, team, l.ID)
	if _, err := s.UpdateLeadFrom(ctx, got, func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(l.Regrade(rep, salesbot.GradeB, "", now))
	}); salesbot.ErrorCode(err) != salesbot.EINVALID {
		t.Errorf("regrade to the grade it has: %v; want EINVALID", err)
	}
}

// TestRebuildBuildsTheNameIndexes: a team whose names were written before
// the name indexes existed finds no partial name until RebuildReadModels
// (run by the sweep) builds them in chunks; a look-up never walks the team.
// A partial name is a name's beginning, or a word's inside it.
func TestRebuildBuildsTheNameIndexes(t *testing.T) {
	s, rdb, team := newStore(t)
	mustCreate(t, s, team, "Acme Industrial", "U1", salesbot.GradeA)
	mustCreate(t, s, team, "Acme Foods", "U1", salesbot.GradeB)
	mustCreate(t, s, team, "Globex Acme", "U1", salesbot.GradeC)
	if n := rdb.ZCard(ctx, key(team, "names", "sorted")).Val(); n != 3 {
		t.Fatalf("sorted names hold %d entries; want 3", n)
	}
	rdb.Del(ctx, key(team, "names", "sorted"), key(team, "names", "inner")) // as before the indexes
	n := salesbot.NormalizeCompany
	if m, err := s.FindLead(ctx, team, salesbot.LeadQuery{Part: n("acme"), Limit: 5}); err != nil || len(m.Leads) != 0 {
		t.Fatalf("before the rebuild: %d leads, %v; want none (the look-up reads only the indexes)", len(m.Leads), err)
	}
	if err := s.RebuildReadModels(ctx, team); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		part  string
		leads int
	}{{n("acme"), 2}, {n("acme foo"), 1}, {n("globex"), 1}, {n("industrial"), 1}, {n("cme"), 0}, {n("initech"), 0}} {
		m, err := s.FindLead(ctx, team, salesbot.LeadQuery{Part: c.part, Limit: 5})
		if err != nil || len(m.Leads) != c.leads || m.Parts != c.leads {
			t.Errorf("part %q: %d leads (%d in all), err %v; want %d", c.part, len(m.Leads), m.Parts, err, c.leads)
		}
	}
	if n := rdb.ZCard(ctx, key(team, "names", "sorted")).Val(); n != 3 {
		t.Errorf("sorted names rebuilt with %d entries; want 3", n)
	}

	// A name whose lead is gone is taken over, and its old entry goes.
	gone := mustCreate(t, s, team, "Initech", "U1", salesbot.GradeC)
	rdb.Del(ctx, key(team, "lead", gone.ID))
	again := mustCreate(t, s, team, "Initech", "U2", salesbot.GradeB)
	entries := rdb.ZRangeByLex(ctx, key(team, "names", "sorted"), &redis.ZRangeBy{Min: "[" + n("initech"), Max: "[" + n("initech") + "\xff"}).Val()
	if len(entries) != 1 || !strings.HasSuffix(entries[0], again.ID) {
		t.Errorf("sorted names for Initech: %q; want only the new lead %s", entries, again.ID)
	}
}

func TestSimilarLeads(t *testing.T) {
	s, _, team := newStore(t)
	acme := mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)
	mustCreate(t, s, team, "Acme Industrial", "U1", salesbot.GradeB)
	mustCreate(t, s, team, "Big Acme Foods", "U2", salesbot.GradeC)
	mustCreate(t, s, team, "A", "U2", salesbot.GradeC) // one character: in every name, never similar
	mustCreate(t, s, team, "华为", "U2", salesbot.GradeC)
	mustCreate(t, s, team, "华为技术", "U2", salesbot.GradeC)
	for _, c := range []struct {
		name, except string
		limit, want  int
	}{
		{"Acme", acme.ID, 5, 2},             // contained in two others; itself left out
		{"Acme", "", 5, 3},                  // and itself
		{"Acme", acme.ID, 1, 1},             // limited
		{"Acme Industrial Group", "", 5, 2}, // contains Acme and Acme Industrial
		{"华为技术", "", 5, 2},                  // two-rune names count
		{"Initech", "", 5, 0},
	} {
		got, err := s.SimilarLeads(ctx, team, c.name, c.except, c.limit)
		if err != nil || len(got) != c.want {
			t.Errorf("%q except %q: %d leads, err %v; want %d", c.name, c.except, len(got), err, c.want)
		}
		for i := 1; i < len(got); i++ {
			if got[i-1].ID >= got[i].ID {
				t.Errorf("%q: not by ID", c.name)
			}
		}
	}
}

// TestFindLeadPrefersTheCallersOwn: among more partial matches than the
// limit, the caller's own leads come first, whatever their IDs; past the
// index's scan bound the count is still right.
func TestFindLeadPrefersTheCallersOwn(t *testing.T) {
	s, _, team := newStore(t)
	for i := range 30 {
		mustCreate(t, s, team, fmt.Sprintf("Acme %02d", i), "UOTHER", salesbot.GradeC)
	}
	var mine []string
	for i := range 3 {
		mine = append(mine, mustCreate(t, s, team, fmt.Sprintf("Acme Mine %d", i), "UME", salesbot.GradeB).ID)
	}
	m, err := s.FindLead(ctx, team, salesbot.LeadQuery{Part: "acme", Limit: 5, Caller: "UME"})
	if err != nil || len(m.Leads) != 5 || m.Parts != 33 {
		t.Fatalf("FindLead: %d leads of %d, %v; want 5 of 33", len(m.Leads), m.Parts, err)
	}
	for i, l := range m.Leads[:3] {
		if l.Owner != "UME" {
			t.Errorf("lead %d is %s's %s; want the caller's three first", i, l.Owner, l.Company)
		}
	}
	// A word inside the names: the inner index, the caller first too.
	m, err = s.FindLead(ctx, team, salesbot.LeadQuery{Part: "mine", Limit: 2, Caller: "UME"})
	if err != nil || len(m.Leads) != 2 || m.Parts != 3 || !slices.Contains(mine, m.Leads[0].ID) {
		t.Fatalf("FindLead(mine): %d leads of %d, %v", len(m.Leads), m.Parts, err)
	}
}

// TestFindLeadCountsPastTheScan: a word that starts more names than one
// look-up reads still finds leads, and says how many there are.
func TestFindLeadCountsPastTheScan(t *testing.T) {
	s, _, team := newStore(t)
	const n = 520 // past findScan (500)
	for i := range n {
		mustCreate(t, s, team, fmt.Sprintf("Zeta %03d", i), "U1", salesbot.GradeD)
	}
	m, err := s.FindLead(ctx, team, salesbot.LeadQuery{Part: "zeta", Limit: 3})
	if err != nil || len(m.Leads) != 3 || m.Parts != n {
		t.Fatalf("FindLead: %d leads of %d, %v; want 3 of %d", len(m.Leads), m.Parts, err, n)
	}
}
