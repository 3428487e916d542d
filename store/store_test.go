package store_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"salesbot"
	"salesbot/internal/redistest"
	"salesbot/store"
)

var (
	now     = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	manager = salesbot.Actor{User: "UBOSS", Manager: true}
	ctx     = context.Background()
)

// newStore returns a store on the test server, a raw client to inspect what
// it wrote, and a fresh team. Its activity is at the changes' made-up times
// (store.WithChangeTime), which the tests' windows are in.
func newStore(t testing.TB) (*store.Store, redis.UniversalClient, string) {
	t.Helper()
	c := redistest.Client(t)
	return store.New(c, store.WithChangeTime()), c, redistest.Team(t)
}

// key names a key of the team as the store's data model lays them out.
func key(team string, parts ...string) string {
	return "sb:{" + team + "}:" + strings.Join(parts, ":")
}

// mustCreate registers a lead as a handler would: the domain makes it, with
// its first due date, and the store saves it.
func mustCreate(t testing.TB, s *store.Store, team, company, owner string, g salesbot.Grade) *salesbot.Lead {
	t.Helper()
	l, c, err := salesbot.NewLead(salesbot.Actor{User: owner}, team, "", company, g, now)
	if err != nil {
		t.Fatal(err)
	}
	l.Schedule(salesbot.DefaultCadence())
	if existing, err := s.CreateLead(ctx, l, c); err != nil {
		t.Fatalf("CreateLead(%q) = %v, %v", company, existing, err)
	}
	return l
}

// mustUpdate runs one domain change on a lead and reschedules it, as a
// handler would.
func mustUpdate(t testing.TB, s *store.Store, team, id string, fn func(*salesbot.Lead) (salesbot.Update, error)) *salesbot.Lead {
	t.Helper()
	l, err := s.UpdateLead(ctx, team, id, func(l *salesbot.Lead) (salesbot.Update, error) {
		u, err := fn(l)
		l.Schedule(salesbot.DefaultCadence())
		return u, err
	})
	if err != nil {
		t.Fatalf("UpdateLead(%s): %v", id, err)
	}
	return l
}

func one(c salesbot.Change, err error) (salesbot.Update, error) {
	return salesbot.Update{Changes: []salesbot.Change{c}}, err
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := salesbot.ErrorCode(err); got != code {
		t.Fatalf("error %v has code %q; want %q", err, got, code)
	}
}

func TestCreateLead(t *testing.T) {
	s, rdb, team := newStore(t)
	l := mustCreate(t, s, team, "Acme Industrial Co., Ltd.", "U1", salesbot.GradeB)

	if !regexp.MustCompile(`^[a-z2-7]{8}$`).MatchString(l.ID) {
		t.Errorf("ID = %q; want 8 characters of lowercase base32", l.ID)
	}
	got, err := s.Lead(ctx, team, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != l.ID || got.Company != l.Company || got.Owner != "U1" || got.Grade != salesbot.GradeB || !got.CreatedAt.Equal(now) || !got.Due.Equal(l.Due) {
		t.Errorf("Lead = %+v; want %+v", got, l)
	}
	h, err := s.History(ctx, team, l.ID, 10)
	if err != nil || len(h) != 1 || h[0].Kind != salesbot.ChangeCreated || h[0].LeadID != l.ID {
		t.Errorf("History = %+v, %v; want the creation with the lead's ID", h, err)
	}
	ids, err := s.LeadIDsByName(ctx, team, []string{"acmeindustrial", "other"})
	if err != nil || len(ids) != 1 || ids["acmeindustrial"] != l.ID {
		t.Errorf("LeadIDsByName = %v, %v", ids, err)
	}
	if owned := rdb.SMembers(ctx, key(team, "owner", "U1")).Val(); !slices.Equal(owned, []string{l.ID}) {
		t.Errorf("owner set = %v", owned)
	}
	if sc := rdb.ZScore(ctx, key(team, "leads"), l.ID).Val(); sc != float64(now.Unix()) {
		t.Errorf("leads score = %v; want %d", sc, now.Unix())
	}
	if sc := rdb.ZScore(ctx, key(team, "due"), l.ID).Val(); sc != float64(now.Add(14*salesbot.Day).UnixMilli()) {
		t.Errorf("due score = %v; want created + 14 days in ms", sc)
	}
	if n := rdb.XLen(ctx, key(team, "activity")).Val(); n != 1 {
		t.Errorf("activity has %d entries; want 1", n)
	}
	if ok := rdb.SIsMember(ctx, "sb:teams", team).Val(); !ok {
		t.Errorf("sb:teams lacks %s", team)
	}
	teams, err := s.Teams(ctx)
	if err != nil || !slices.Contains(teams, team) {
		t.Errorf("Teams = %v, %v; want it to hold %s", teams, err, team)
	}
}

// TestCreateLeadConflict registers the same company twice under names that
// differ only in case, width, spacing, punctuation or legal-form suffix.
func TestCreateLeadConflict(t *testing.T) {
	tests := []struct{ first, second string }{
		{"Acme Co., Ltd.", "ACME"},
		{"华为技术有限公司", "华为技术"},
		{"Ａｃｍｅ　Industrial", "acme industrial inc."},
		{"Müller GmbH", "müller"},
		{"Globex Corporation", "GLOBEX   corp"},
		{"阿里巴巴集团公司", "阿里巴巴"},
	}
	for _, tt := range tests {
		t.Run(tt.first+"/"+tt.second, func(t *testing.T) {
			s, rdb, team := newStore(t)
			first := mustCreate(t, s, team, tt.first, "U1", salesbot.GradeA)

			l, c, err := salesbot.NewLead(salesbot.Actor{User: "U2"}, team, "", tt.second, salesbot.GradeC, now.Add(time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			existing, err := s.CreateLead(ctx, l, c)
			wantCode(t, err, salesbot.ECONFLICT)
			if existing == nil || existing.ID != first.ID || existing.Owner != "U1" {
				t.Fatalf("existing = %+v; want the first lead", existing)
			}
			if msg := salesbot.ErrorMessage(err); !strings.Contains(msg, first.Company) || !strings.Contains(msg, "already registered") {
				t.Errorf("message %q; want it to name %q as already registered", msg, first.Company)
			}
			if l.ID != "" {
				t.Errorf("the refused lead kept ID %q", l.ID)
			}
			// Nothing of the second registration was written.
			all, _ := s.AllLeads(ctx, team)
			if len(all) != 1 || all[0].ID != first.ID {
				t.Errorf("AllLeads = %v; want only the first", all)
			}
			if n := rdb.Exists(ctx, key(team, "owner", "U2")).Val(); n != 0 {
				t.Errorf("U2 has an owner set")
			}
			if n := rdb.XLen(ctx, key(team, "activity")).Val(); n != 1 {
				t.Errorf("activity has %d entries; want 1", n)
			}
			if names := rdb.HLen(ctx, key(team, "names")).Val(); names != 1 {
				t.Errorf("names has %d entries; want 1", names)
			}
		})
	}
}

func TestCreateLeadGivenID(t *testing.T) {
	s, _, team := newStore(t)
	l, c, _ := salesbot.NewLead(salesbot.Actor{User: "U1"}, team, "mine0001", "Initech", salesbot.GradeD, now)
	if _, err := s.CreateLead(ctx, l, c); err != nil {
		t.Fatal(err)
	}
	if h, _ := s.History(ctx, team, "mine0001", 1); len(h) != 1 || h[0].LeadID != "mine0001" {
		t.Errorf("History = %+v", h)
	}
	// Another company under the same ID is refused, not overwritten.
	other, c2, _ := salesbot.NewLead(salesbot.Actor{User: "U2"}, team, "mine0001", "Umbrella", salesbot.GradeD, now)
	_, err := s.CreateLead(ctx, other, c2)
	wantCode(t, err, salesbot.ECONFLICT)
	if got, _ := s.Lead(ctx, team, "mine0001"); got.Company != "Initech" {
		t.Errorf("lead became %q", got.Company)
	}
}

// TestUpdateLeadIndexes walks one lead through a visit, a regrade, a
// reassignment, a loss and a reopening, and checks after each step that the
// lead, its history, visits, activity and the owner, due and pool indexes
// agree.
func TestUpdateLeadIndexes(t *testing.T) {
	s, rdb, team := newStore(t)
	l := mustCreate(t, s, team, "Acme", "U1", salesbot.GradeB)
	rep := salesbot.Actor{User: "U1"}

	check := func(step string, owner string, history, activity, visits int, due time.Time, pooled bool) {
		t.Helper()
		got, err := s.Lead(ctx, team, l.ID)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		if got.Owner != owner {
			t.Errorf("%s: owner %s; want %s", step, got.Owner, owner)
		}
		for _, u := range []string{"U1", "U2"} {
			in := rdb.SIsMember(ctx, key(team, "owner", u), l.ID).Val()
			if in != (u == owner) {
				t.Errorf("%s: in %s's owner set = %v", step, u, in)
			}
			leads, _ := s.LeadsOwnedBy(ctx, team, u)
			if (len(leads) == 1) != (u == owner) {
				t.Errorf("%s: LeadsOwnedBy(%s) = %d leads", step, u, len(leads))
			}
		}
		if h, err := s.History(ctx, team, l.ID, 1000); len(h) != history || err != nil {
			t.Errorf("%s: history has %d entries (%v); want %d", step, len(h), err, history)
		}
		// The stream keeps only what digests and reports read: no owner
		// changes, no reopenings.
		if n := rdb.XLen(ctx, key(team, "activity")).Val(); n != int64(activity) {
			t.Errorf("%s: activity has %d entries; want %d", step, n, activity)
		}
		if vs, err := s.Visits(ctx, team, l.ID, 1000); len(vs) != visits || err != nil {
			t.Errorf("%s: visits has %d entries (%v); want %d", step, len(vs), err, visits)
		}
		score, err := rdb.ZScore(ctx, key(team, "due"), l.ID).Result()
		switch {
		case due.IsZero() && err != redis.Nil:
			t.Errorf("%s: in due with score %v; want out", step, score)
		case !due.IsZero() && score != float64(due.UnixMilli()):
			t.Errorf("%s: due score %v (%v); want %v", step, score, err, due)
		case !got.Due.Equal(due):
			t.Errorf("%s: lead's Due %v; want %v", step, got.Due, due)
		}
		score, err = rdb.ZScore(ctx, key(team, "pool"), l.ID).Result()
		switch {
		case !pooled && err != redis.Nil:
			t.Errorf("%s: in pool; want out", step)
		case pooled && score != float64(got.ClosedAt.Unix()):
			t.Errorf("%s: pool score %v (%v); want %d", step, score, err, got.ClosedAt.Unix())
		}
	}
	check("created", "U1", 1, 1, 0, now.Add(14*salesbot.Day), false)

	// A visit with a dated next step: the next step sets the due date.
	later := now.Add(2 * time.Hour)
	next := salesbot.Date{Year: 2026, Month: 11, Day: 30}
	mustUpdate(t, s, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		v := &salesbot.Visit{Kind: salesbot.KindDemo, Notes: "met the CFO", NextStep: "send quote", NextDate: next}
		c, err := l.RecordVisit(rep, v, time.UTC, later)
		return salesbot.Update{Changes: []salesbot.Change{c}, Visit: v}, err
	})
	check("visited", "U1", 2, 2, 1, next.In(time.UTC), false)
	vs, err := s.Visits(ctx, team, l.ID, 5)
	if err != nil || len(vs) != 1 || vs[0].Notes != "met the CFO" || vs[0].NextDate != next || vs[0].LeadID != l.ID {
		t.Errorf("Visits = %+v, %v", vs, err)
	}

	mustUpdate(t, s, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(l.Regrade(rep, salesbot.GradeA, "budget approved", later))
	})
	check("regraded", "U1", 3, 3, 1, next.In(time.UTC), false)

	mustUpdate(t, s, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		cs, err := l.Assign(manager, "U2", later)
		return salesbot.Update{Changes: cs}, err
	})
	check("assigned", "U2", 4, 3, 1, next.In(time.UTC), false)

	lost := mustUpdate(t, s, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(l.Lose(manager, "went with a rival", later.Add(time.Hour)))
	})
	if lost.Stage != salesbot.StageLost || !lost.ClosedAt.Equal(later.Add(time.Hour)) {
		t.Fatalf("lost lead = %+v", lost)
	}
	check("lost", "U2", 5, 4, 1, time.Time{}, true)

	// Reassigning from the pool reopens it: a reopening and an owner change.
	mustUpdate(t, s, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		cs, err := l.Assign(manager, "U1", later.Add(2*time.Hour))
		return salesbot.Update{Changes: cs}, err
	})
	// The lost deal's plan is dropped: the clock runs from the last touch.
	check("reopened", "U1", 7, 4, 1, later.Add(7*salesbot.Day).In(time.UTC), false)

	h, err := s.History(ctx, team, l.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []salesbot.ChangeKind
	for _, c := range h {
		kinds = append(kinds, c.Kind)
	}
	want := []salesbot.ChangeKind{
		salesbot.ChangeOwner, salesbot.ChangeReopened, salesbot.ChangeLost, salesbot.ChangeOwner,
		salesbot.ChangeGrade, salesbot.ChangeVisit, salesbot.ChangeCreated,
	}
	if !slices.Equal(kinds, want) {
		t.Errorf("History kinds = %v; want newest first %v", kinds, want)
	}
	if h2, _ := s.History(ctx, team, l.ID, 2); len(h2) != 2 || h2[0].Kind != salesbot.ChangeOwner {
		t.Errorf("History(2) = %+v", h2)
	}

	// The activity stream holds the changes digests and reports read,
	// oldest first, naming the lead and (from the lead) its company.
	activity, err := s.Activity(ctx, team, time.Time{}, now.AddDate(1, 0, 0))
	if err != nil || len(activity) != 4 {
		t.Fatalf("Activity = %v, %v", activity, err)
	}
	if c := activity[0]; c.Kind != salesbot.ChangeCreated || c.LeadID != l.ID || c.Company != "Acme" {
		t.Errorf("first activity entry = %+v", c)
	}
	if c := activity[1]; c.Kind != salesbot.ChangeVisit || c.Reason != "demo" || c.Company != "Acme" {
		t.Errorf("the visit's activity entry = %+v; want its kind of touch as the reason", c)
	}
	if c := activity[3]; c.Kind != salesbot.ChangeLost || c.Reason != "went with a rival" || c.LeadID != l.ID {
		t.Errorf("last activity entry = %+v", c)
	}
}

func TestUpdateLeadWon(t *testing.T) {
	s, rdb, team := newStore(t)
	l := mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)
	mustUpdate(t, s, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(l.Win(manager, now.Add(time.Hour)))
	})
	if err := rdb.ZScore(ctx, key(team, "due"), l.ID).Err(); err != redis.Nil {
		t.Errorf("won lead still due (%v)", err)
	}
	if err := rdb.ZScore(ctx, key(team, "pool"), l.ID).Err(); err != redis.Nil {
		t.Errorf("won lead is in the pool (%v)", err)
	}
}

func TestUpdateLeadFnErrorWritesNothing(t *testing.T) {
	s, rdb, team := newStore(t)
	l := mustCreate(t, s, team, "Acme", "U1", salesbot.GradeB)
	before := rdb.Get(ctx, key(team, "lead", l.ID)).Val()

	refusal := salesbot.Errorf(salesbot.EFORBIDDEN, "not yours")
	got, err := s.UpdateLead(ctx, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		// A half-made change that fn then refuses must not be saved.
		l.Owner, l.Grade, l.Due = "U9", salesbot.GradeA, time.Time{}
		return salesbot.Update{
			Changes: []salesbot.Change{{LeadID: l.ID, Kind: salesbot.ChangeGrade}},
			Visit:   &salesbot.Visit{LeadID: l.ID},
		}, refusal
	})
	if got != nil || err != refusal {
		t.Fatalf("UpdateLead = %v, %v; want nil and fn's error itself", got, err)
	}
	if after := rdb.Get(ctx, key(team, "lead", l.ID)).Val(); after != before {
		t.Errorf("lead changed:\n%s\n%s", before, after)
	}
	if n := rdb.LLen(ctx, key(team, "history", l.ID)).Val(); n != 1 {
		t.Errorf("history has %d entries", n)
	}
	if n := rdb.Exists(ctx, key(team, "visits", l.ID), key(team, "owner", "U9")).Val(); n != 0 {
		t.Errorf("visits or U9's owner set written")
	}
	if n := rdb.XLen(ctx, key(team, "activity")).Val(); n != 1 {
		t.Errorf("activity has %d entries", n)
	}
	if err := rdb.ZScore(ctx, key(team, "due"), l.ID).Err(); err != nil {
		t.Errorf("lead left due: %v", err)
	}
}

func TestUpdateLeadNotFound(t *testing.T) {
	s, _, team := newStore(t)
	called := false
	_, err := s.UpdateLead(ctx, team, "nosuchid", func(*salesbot.Lead) (salesbot.Update, error) {
		called = true
		return salesbot.Update{}, nil
	})
	wantCode(t, err, salesbot.ENOTFOUND)
	if called {
		t.Error("fn ran on a missing lead")
	}
	_, err = s.Lead(ctx, team, "nosuchid")
	wantCode(t, err, salesbot.ENOTFOUND)
	if msg := salesbot.ErrorMessage(err); msg != "No such lead" {
		t.Errorf("message %q", msg)
	}
}

func TestUpdateLeadRefusesRename(t *testing.T) {
	s, _, team := newStore(t)
	l := mustCreate(t, s, team, "Acme", "U1", salesbot.GradeB)
	_, err := s.UpdateLead(ctx, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		l.Company = "Globex"
		return salesbot.Update{}, nil
	})
	wantCode(t, err, salesbot.EINTERNAL)
	if got, _ := s.Lead(ctx, team, l.ID); got.Company != "Acme" {
		t.Errorf("renamed to %q", got.Company)
	}
}

// TestUpdateLeadConcurrent has 20 writers each add a different person to
// one lead at the same time. Without WATCH and retry, writers that read the
// same version would overwrite each other's stakeholder.
func TestUpdateLeadConcurrent(t *testing.T) {
	const writers = 20
	s, rdb, team := newStore(t)
	l := mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)

	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		calls int
		errs  = make(chan error, writers)
	)
	for i := range writers {
		wg.Go(func() {
			_, err := s.UpdateLead(ctx, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
				mu.Lock()
				calls++
				mu.Unlock()
				p := salesbot.Stakeholder{Name: fmt.Sprintf("Person %02d", i), Role: salesbot.RoleUser, Influence: salesbot.InfluenceLow, Support: 1}
				return one(l.SetStakeholder(salesbot.Actor{User: "U1"}, p, now))
			})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("UpdateLead: %v", err)
		}
	}
	got, err := s.Lead(ctx, team, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Stakeholders) != writers {
		t.Errorf("lead has %d stakeholders; want %d", len(got.Stakeholders), writers)
	}
	if h, err := s.History(ctx, team, l.ID, 1000); len(h) != writers+1 || err != nil {
		t.Errorf("history has %d entries (%v); want %d", len(h), err, writers+1)
	}
	// Stakeholders are no news for the stream: the creation alone.
	if n := rdb.XLen(ctx, key(team, "activity")).Val(); n != 1 {
		t.Errorf("activity has %d entries; want 1", n)
	}
	t.Logf("fn ran %d times for %d writes", calls, writers)
}

func TestHistoryTrimmed(t *testing.T) {
	s, rdb, team := newStore(t)
	l := mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)
	var cs []salesbot.Change
	for i := range 1005 {
		cs = append(cs, salesbot.Change{LeadID: l.ID, Kind: salesbot.ChangeFact, Reason: fmt.Sprint(i)})
	}
	mustUpdate(t, s, team, l.ID, func(*salesbot.Lead) (salesbot.Update, error) {
		return salesbot.Update{Changes: cs}, nil
	})
	if n := rdb.LLen(ctx, key(team, "history", l.ID)).Val(); n > 1000 {
		t.Errorf("history has %d elements; want at most 1000", n)
	}
	if n := rdb.XLen(ctx, key(team, "activity")).Val(); n != 1 {
		t.Errorf("activity has %d entries; want 1 (facts are not in it)", n)
	}
	tests := []struct {
		n     int
		want  int
		first string
	}{
		{0, 0, ""}, {-1, 0, ""}, {1, 1, "1004"}, {3, 3, "1004"}, {5000, 1000, "1004"},
	}
	for _, tt := range tests {
		h, err := s.History(ctx, team, l.ID, tt.n)
		if err != nil || len(h) != tt.want || (tt.want > 0 && h[0].Reason != tt.first) {
			t.Errorf("History(%d) = %d entries, %v; want %d from %s", tt.n, len(h), err, tt.want, tt.first)
		}
	}
	if vs, err := s.Visits(ctx, team, l.ID, 10); err != nil || len(vs) != 0 {
		t.Errorf("Visits = %v, %v; want none", vs, err)
	}
}

func TestDueLeads(t *testing.T) {
	s, rdb, team := newStore(t)
	// Created together, so each grade's cadence orders them: A 7 days,
	// B 14, C 30, D 90.
	a := mustCreate(t, s, team, "Alpha", "U1", salesbot.GradeA)
	b := mustCreate(t, s, team, "Bravo", "U1", salesbot.GradeB)
	c := mustCreate(t, s, team, "Charlie", "U2", salesbot.GradeC)
	d := mustCreate(t, s, team, "Delta", "U2", salesbot.GradeD)

	tests := []struct {
		until time.Time
		limit int
		want  []string
	}{
		{now, 10, nil},
		{now.Add(7*salesbot.Day - time.Millisecond), 10, nil},
		{now.Add(7 * salesbot.Day), 10, []string{a.ID}}, // at the due instant counts
		{now.Add(30 * salesbot.Day), 10, []string{a.ID, b.ID, c.ID}},
		{now.Add(365 * salesbot.Day), 10, []string{a.ID, b.ID, c.ID, d.ID}},
		{now.Add(365 * salesbot.Day), 2, []string{a.ID, b.ID}},
		{now.Add(365 * salesbot.Day), 0, nil},
	}
	for _, tt := range tests {
		got, err := s.DueLeads(ctx, team, tt.until, tt.limit)
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("DueLeads(%v, %d) = %v, %v; want %v", tt.until, tt.limit, got, err, tt.want)
		}
	}

	// Closed leads leave due; so does an open lead whose Due is cleared.
	mustUpdate(t, s, team, a.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(l.Win(manager, now))
	})
	mustUpdate(t, s, team, c.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(l.Lose(salesbot.Actor{User: "U2"}, "no budget", now))
	})
	_, err := s.UpdateLead(ctx, team, d.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		l.Due = time.Time{}
		return salesbot.Update{}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.DueLeads(ctx, team, now.Add(365*salesbot.Day), 10)
	if err != nil || !slices.Equal(got, []string{b.ID}) {
		t.Errorf("DueLeads after closing = %v, %v; want only %s", got, err, b.ID)
	}
	if n := rdb.ZCard(ctx, key(team, "due")).Val(); n != 1 {
		t.Errorf("due holds %d leads; want 1", n)
	}
}

func TestPool(t *testing.T) {
	s, rdb, team := newStore(t)
	l := mustCreate(t, s, team, "Acme", "U1", salesbot.GradeC)
	lostAt := now.Add(48 * time.Hour)
	mustUpdate(t, s, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(l.Lose(salesbot.Actor{User: "U1"}, "chose SAP", lostAt))
	})
	pool := rdb.ZRangeWithScores(ctx, key(team, "pool"), 0, -1).Val()
	if len(pool) != 1 || pool[0].Member != l.ID || pool[0].Score != float64(lostAt.Unix()) {
		t.Fatalf("pool = %v; want %s at %d", pool, l.ID, lostAt.Unix())
	}
	older := mustCreate(t, s, team, "Globex", "U2", salesbot.GradeB)
	mustUpdate(t, s, team, older.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(l.Lose(salesbot.Actor{User: "U2"}, "", lostAt.Add(-time.Hour)))
	})
	listed, err := s.Pool(ctx, team, 10)
	if err != nil || len(listed) != 2 || listed[0].ID != l.ID || listed[0].LostReason != "chose SAP" || listed[1].ID != older.ID {
		t.Fatalf("Pool = %v, %v; want Acme (chose SAP) then Globex", listed, err)
	}
	if one, _ := s.Pool(ctx, team, 1); len(one) != 1 || one[0].ID != l.ID {
		t.Errorf("Pool(1) = %v; want only the latest", one)
	}
	got := mustUpdate(t, s, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		cs, err := l.Assign(manager, "U3", lostAt.Add(time.Hour))
		return salesbot.Update{Changes: cs}, err
	})
	if got.Stage != salesbot.StageLead || got.Owner != "U3" {
		t.Errorf("reassigned lead = %s, %s", got.Stage, got.Owner)
	}
	if ids := rdb.ZRange(ctx, key(team, "pool"), 0, -1).Val(); !slices.Equal(ids, []string{older.ID}) {
		t.Errorf("pool holds %v after reassignment; want only Globex", ids)
	}
	if leads, _ := s.LeadsOwnedBy(ctx, team, "U3"); len(leads) != 1 || leads[0].ID != l.ID {
		t.Errorf("U3 owns %v", leads)
	}
	if leads, _ := s.LeadsOwnedBy(ctx, team, "U1"); len(leads) != 0 {
		t.Errorf("U1 still owns %v", leads)
	}
}

func TestLeadLists(t *testing.T) {
	s, rdb, team := newStore(t)
	var ids []string
	for i, name := range []string{"Delta", "Alpha", "Charlie", "Bravo"} {
		l, c, _ := salesbot.NewLead(salesbot.Actor{User: "U1"}, team, "", name, salesbot.GradeB, now.Add(time.Duration(i)*time.Minute))
		if _, err := s.CreateLead(ctx, l, c); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, l.ID)
	}
	echo, c, _ := salesbot.NewLead(salesbot.Actor{User: "U2"}, team, "", "Echo", salesbot.GradeA, now.Add(time.Hour))
	if _, err := s.CreateLead(ctx, echo, c); err != nil {
		t.Fatal(err)
	}

	leadIDs := func(ls []*salesbot.Lead) []string {
		var out []string
		for _, l := range ls {
			out = append(out, l.ID)
		}
		return out
	}
	owned, err := s.LeadsOwnedBy(ctx, team, "U1")
	if err != nil || !slices.Equal(leadIDs(owned), ids) {
		t.Errorf("LeadsOwnedBy = %v, %v; want %v in order of creation", leadIDs(owned), err, ids)
	}
	all, err := s.AllLeads(ctx, team)
	if err != nil || !slices.Equal(leadIDs(all), append(slices.Clone(ids), echo.ID)) {
		t.Errorf("AllLeads = %v, %v", leadIDs(all), err)
	}
	if none, err := s.LeadsOwnedBy(ctx, team, "UNOBODY"); err != nil || len(none) != 0 {
		t.Errorf("LeadsOwnedBy(nobody) = %v, %v", none, err)
	}
	names, err := s.LeadNames(ctx, team)
	if err != nil || len(names) != 5 || names["alpha"] != ids[1] {
		t.Errorf("LeadNames = %v, %v", names, err)
	}
	if got, err := s.LeadIDsByName(ctx, team, nil); err != nil || len(got) != 0 {
		t.Errorf("LeadIDsByName(nil) = %v, %v", got, err)
	}

	// A lead whose key vanished is skipped, not an error.
	rdb.Del(ctx, key(team, "lead", ids[0]))
	if owned, err := s.LeadsOwnedBy(ctx, team, "U1"); err != nil || !slices.Equal(leadIDs(owned), ids[1:]) {
		t.Errorf("LeadsOwnedBy after a lead vanished = %v, %v", leadIDs(owned), err)
	}
	if all, err := s.AllLeads(ctx, team); err != nil || len(all) != 4 {
		t.Errorf("AllLeads after a lead vanished = %v, %v", leadIDs(all), err)
	}

	empty := redistest.Team(t)
	if all, err := s.AllLeads(ctx, empty); err != nil || len(all) != 0 {
		t.Errorf("AllLeads of an empty team = %v, %v", all, err)
	}
}

func TestManagers(t *testing.T) {
	s, _, team := newStore(t)
	for _, u := range []string{"UZED", "UADA", "UZED"} {
		if err := s.AddManager(ctx, team, u); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := s.Managers(ctx, team); err != nil || !slices.Equal(got, []string{"UADA", "UZED"}) {
		t.Errorf("Managers = %v, %v", got, err)
	}
	for u, want := range map[string]bool{"UADA": true, "UZED": true, "UREP": false} {
		if got, err := s.IsManager(ctx, team, u); err != nil || got != want {
			t.Errorf("IsManager(%s) = %v, %v; want %v", u, got, err, want)
		}
	}
	if teams, _ := s.Teams(ctx); !slices.Contains(teams, team) {
		t.Errorf("Teams lacks %s after AddManager", team)
	}
	if err := s.AddManager(ctx, team, ""); err == nil {
		t.Error("AddManager of no user succeeded")
	}
}

// TestTeamsApart registers the same companies and managers in two teams:
// neither sees the other's.
func TestTeamsApart(t *testing.T) {
	s, _, t1 := newStore(t)
	t2 := redistest.Team(t)
	a1 := mustCreate(t, s, t1, "Acme", "U1", salesbot.GradeA)
	a2 := mustCreate(t, s, t2, "ACME Inc.", "U1", salesbot.GradeB) // no conflict across teams
	mustCreate(t, s, t2, "Globex", "U1", salesbot.GradeC)
	if err := s.AddManager(ctx, t1, "UBOSS"); err != nil {
		t.Fatal(err)
	}

	if _, err := s.Lead(ctx, t2, a1.ID); salesbot.ErrorCode(err) != salesbot.ENOTFOUND {
		t.Errorf("team 2 reads team 1's lead: %v", err)
	}
	if all, _ := s.AllLeads(ctx, t1); len(all) != 1 || all[0].ID != a1.ID {
		t.Errorf("team 1 leads: %v", all)
	}
	if owned, _ := s.LeadsOwnedBy(ctx, t2, "U1"); len(owned) != 2 || (owned[0].ID != a2.ID && owned[1].ID != a2.ID) {
		t.Errorf("team 2 U1's leads: %v", owned)
	}
	if names, _ := s.LeadNames(ctx, t1); len(names) != 1 || names["acme"] != a1.ID {
		t.Errorf("team 1 names: %v", names)
	}
	if ids, _ := s.LeadIDsByName(ctx, t2, []string{"acme"}); ids["acme"] != a2.ID {
		t.Errorf("team 2 acme: %v", ids)
	}
	if ok, _ := s.IsManager(ctx, t2, "UBOSS"); ok {
		t.Error("team 1's manager manages team 2")
	}
	due1, _ := s.DueLeads(ctx, t1, now.Add(365*salesbot.Day), 10)
	if !slices.Equal(due1, []string{a1.ID}) {
		t.Errorf("team 1 due: %v", due1)
	}
	if h, _ := s.History(ctx, t1, a2.ID, 10); len(h) != 0 {
		t.Errorf("team 1 reads team 2's history: %v", h)
	}
	teams, _ := s.Teams(ctx)
	if !slices.Contains(teams, t1) || !slices.Contains(teams, t2) {
		t.Errorf("Teams = %v; want both", teams)
	}
}

func TestBadTeam(t *testing.T) {
	s, _, _ := newStore(t)
	for _, team := range []string{"", "T{1}", "T}"} {
		if _, err := s.Lead(ctx, team, "x"); err == nil {
			t.Errorf("Lead(team %q) succeeded", team)
		}
		l := &salesbot.Lead{Team: team, Company: "Acme", Owner: "U1"}
		if _, err := s.CreateLead(ctx, l, salesbot.Change{}); err == nil {
			t.Errorf("CreateLead(team %q) succeeded", team)
		}
	}
}

// TestUnavailable points the store at a port where nothing listens: every
// method fails fast with EUNAVAILABLE, which tells the user to retry.
func TestUnavailable(t *testing.T) {
	c, err := store.NewClient(closedURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s := store.New(c)
	team := "TDOWN"
	noop := func(*salesbot.Lead) (salesbot.Update, error) { return salesbot.Update{}, nil }
	calls := map[string]func() error{
		"CreateLead": func() error {
			_, err := s.CreateLead(ctx, &salesbot.Lead{Team: team, Company: "Acme", Owner: "U1"}, salesbot.Change{})
			return err
		},
		"Lead":          func() error { _, err := s.Lead(ctx, team, "x"); return err },
		"LeadIDsByName": func() error { _, err := s.LeadIDsByName(ctx, team, []string{"acme"}); return err },
		"LeadNames":     func() error { _, err := s.LeadNames(ctx, team); return err },
		"UpdateLead":    func() error { _, err := s.UpdateLead(ctx, team, "x", noop); return err },
		"LeadsOwnedBy":  func() error { _, err := s.LeadsOwnedBy(ctx, team, "U1"); return err },
		"AllLeads":      func() error { _, err := s.AllLeads(ctx, team); return err },
		"Visits":        func() error { _, err := s.Visits(ctx, team, "x", 5); return err },
		"History":       func() error { _, err := s.History(ctx, team, "x", 5); return err },
		"DueLeads":      func() error { _, err := s.DueLeads(ctx, team, now, 5); return err },
		"Managers":      func() error { _, err := s.Managers(ctx, team); return err },
		"AddManager":    func() error { return s.AddManager(ctx, team, "U1") },
		"IsManager":     func() error { _, err := s.IsManager(ctx, team, "U1"); return err },
		"Teams":         func() error { _, err := s.Teams(ctx); return err },
		"Ping":          func() error { return s.Ping(ctx) },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			err := call()
			wantCode(t, err, salesbot.EUNAVAILABLE)
			var se *salesbot.Error
			if !errors.As(err, &se) || se.Err == nil {
				t.Errorf("error %v keeps no cause", err)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("took %v; Slack gives up after 3s", d)
			}
		})
	}
}

// TestKeysOneSlot checks the data model's promise to Redis Cluster: every
// key of a team has the hash tag {T}, so they all hash to one slot. It
// drives every method on a real one-node cluster, where Redis refuses a
// transaction or MGET whose keys span slots, then asks the cluster for each
// key's slot.
func TestKeysOneSlot(t *testing.T) {
	c, err := store.NewClient(redistest.Cluster(t))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s := store.New(c)
	team := redistest.Team(t)

	l := mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)
	mustCreate(t, s, team, "Globex", "U2", salesbot.GradeB)
	if _, err := s.CreateLead(ctx, &salesbot.Lead{Team: team, Company: "ACME", Owner: "U3"}, salesbot.Change{}); salesbot.ErrorCode(err) != salesbot.ECONFLICT {
		t.Fatalf("conflict on a cluster: %v", err)
	}
	mustUpdate(t, s, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		v := &salesbot.Visit{Kind: salesbot.KindCall}
		c, err := l.RecordVisit(salesbot.Actor{User: "U1"}, v, time.UTC, now)
		return salesbot.Update{Changes: []salesbot.Change{c}, Visit: v}, err
	})
	mustUpdate(t, s, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(l.Lose(manager, "", now))
	})
	mustUpdate(t, s, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		cs, err := l.Assign(manager, "U2", now)
		return salesbot.Update{Changes: cs}, err
	})
	if err := s.AddManager(ctx, team, "UBOSS"); err != nil {
		t.Fatal(err)
	}
	reads := []error{
		func() error { _, err := s.AllLeads(ctx, team); return err }(),
		func() error { _, err := s.LeadsOwnedBy(ctx, team, "U2"); return err }(),
		func() error { _, err := s.LeadIDsByName(ctx, team, []string{"acme", "globex"}); return err }(),
		func() error { _, err := s.DueLeads(ctx, team, now.Add(time.Hour*24*365), 10); return err }(),
		func() error { _, err := s.Teams(ctx); return err }(),
		// The find script reads keys it builds (a lead, its visits): they
		// are in the names hash's slot, which a cluster allows.
		func() error {
			m, err := s.FindLead(ctx, team, salesbot.LeadQuery{Names: []string{"acme"}, Visits: 1})
			if err == nil && (len(m.Leads) != 1 || len(m.Visits) != 1) {
				return fmt.Errorf("found %d leads and %d visits", len(m.Leads), len(m.Visits))
			}
			return err
		}(),
		func() error {
			m, err := s.FindLead(ctx, team, salesbot.LeadQuery{Part: "glo", Limit: 5, Visits: 1})
			if err == nil && len(m.Leads) != 1 {
				return fmt.Errorf("found %d leads by part", len(m.Leads))
			}
			return err
		}(),
		func() error {
			_, _, err := s.CreateApproval(ctx, &salesbot.Approval{Team: team, LeadID: l.ID, Company: "Acme", From: salesbot.StageLead, To: salesbot.StageQuote, Rep: "U2", AskedAt: now})
			return err
		}(),
	}
	for i, err := range reads {
		if err != nil {
			t.Errorf("read %d on a cluster: %v", i, err)
		}
	}

	cc := c.(*redis.ClusterClient)
	var keys []string
	err = cc.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
		// The cluster is shared with other tests; take this team's keys,
		// wherever the team appears in them.
		ks, err := node.Keys(ctx, "*"+team+"*").Result()
		keys = append(keys, ks...)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slot := cc.ClusterKeySlot(ctx, "{"+team+"}").Val()
	var families []string
	for _, k := range keys {
		if !strings.HasPrefix(k, "sb:{"+team+"}:") {
			t.Errorf("key %q lacks the team's hash tag", k)
			continue
		}
		if got := cc.ClusterKeySlot(ctx, k).Val(); got != slot {
			t.Errorf("key %q is in slot %d; the team's is %d", k, got, slot)
		}
		family, _, _ := strings.Cut(strings.TrimPrefix(k, "sb:{"+team+"}:"), ":")
		if !slices.Contains(families, family) {
			families = append(families, family)
		}
	}
	slices.Sort(families)
	// pool is empty again after the reassignment; the others all exist.
	want := []string{"activity", "approval", "approvals", "due", "history", "lead", "leads", "managers", "names", "owner", "receipt", "rm", "visits"}
	if !slices.Equal(families, want) {
		t.Errorf("key families %v; want %v", families, want)
	}
}

func BenchmarkUpdateLead(b *testing.B) {
	s, _, team := newStore(b)
	l := mustCreate(b, s, team, "Acme", "U1", salesbot.GradeA)
	rep := salesbot.Actor{User: "U1"}
	for i := 0; b.Loop(); i++ {
		_, err := s.UpdateLead(ctx, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
			return one(l.SetFact(rep, salesbot.FactBudget, fmt.Sprintf("%d k", i), now))
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLead(b *testing.B) {
	s, _, team := newStore(b)
	l := mustCreate(b, s, team, "Acme", "U1", salesbot.GradeA)
	for b.Loop() {
		if _, err := s.Lead(ctx, team, l.ID); err != nil {
			b.Fatal(err)
		}
	}
}

// TestAllLeadsReadsInChunks reads a team bigger than one MGET takes: every
// lead comes back, oldest first, in one MGET per thousand, so that no single
// command holds Redis up for long, all in one pipeline. The same team is
// searched by a word in every name.
func TestAllLeadsReadsInChunks(t *testing.T) {
	c := redistest.Client(t)
	c.AddHook(redistest.TripHook{})
	s, team := store.New(c), redistest.Team(t)
	const n = 2100
	for i := range n {
		l, ch, err := salesbot.NewLead(salesbot.Actor{User: "U1"}, team, "", fmt.Sprintf("Company %04d", i), salesbot.GradeB, now.Add(time.Duration(i)*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateLead(ctx, l, ch); err != nil {
			t.Fatal(err)
		}
	}
	tctx, trips := redistest.CountTrips(ctx)
	leads, err := s.AllLeads(tctx, team)
	if err != nil {
		t.Fatal(err)
	}
	if len(leads) != n || leads[0].Company != "Company 0000" || leads[n-1].Company != fmt.Sprintf("Company %04d", n-1) {
		t.Fatalf("%d leads, first %q, last %q", len(leads), leads[0].Company, leads[len(leads)-1].Company)
	}
	if names := trips.Names(); len(names) != 2 || names[1] != "[MGET MGET MGET]" {
		t.Errorf("round trips %v; want the IDs, then 3 MGETs in one pipeline", names)
	}
	if s.RevisionOf(leads[0]) != "" {
		t.Error("a lead read in bulk carries a revision")
	}

	// A word in every name: the find script matches them all (more than
	// Lua's unpack takes at once) and returns the first by ID.
	m, err := s.FindLead(ctx, team, salesbot.LeadQuery{Part: salesbot.NormalizeCompany("Company"), Limit: 5})
	if err != nil || m.Parts != n || len(m.Leads) != 5 {
		t.Fatalf("part of every name: %d of %d leads, err %v", len(m.Leads), m.Parts, err)
	}
	for i := 1; i < len(m.Leads); i++ {
		if m.Leads[i-1].ID >= m.Leads[i].ID {
			t.Errorf("matches not by ID: %s before %s", m.Leads[i-1].ID, m.Leads[i].ID)
		}
	}
}
