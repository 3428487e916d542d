package store_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"salesbot"
	"salesbot/internal/redistest"
	"salesbot/store"
)

// visitN logs a visit on a lead, its notes numbered.
func visitN(t *testing.T, s *store.Store, team, id string, n int, at time.Time) {
	t.Helper()
	mustUpdate(t, s, team, id, func(l *salesbot.Lead) (salesbot.Update, error) {
		v := &salesbot.Visit{Kind: salesbot.KindCall, Notes: fmt.Sprintf("call number %d", n)}
		c, err := l.RecordVisit(salesbot.Actor{User: "U1"}, v, time.UTC, at)
		return salesbot.Update{Changes: []salesbot.Change{c}, Visit: v}, err
	})
}

// TestPackedLists logs 30 visits on a lead: its lists keep the newest
// entries an element each and pack the others into far fewer elements, and
// every reader still gets every entry, newest first.
func TestPackedLists(t *testing.T) {
	s, rdb, team := newStore(t)
	l := mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)
	const visits = 30
	for i := range visits {
		visitN(t, s, team, l.ID, i, now.Add(time.Duration(i)*time.Minute))
	}
	for _, list := range []string{"visits", "history"} {
		raws := rdb.LRange(ctx, key(team, list, l.ID), 0, -1).Val()
		if len(raws) > store.HotKeep+store.PackAt+2 {
			t.Errorf("%s has %d elements; want its older entries packed", list, len(raws))
		}
		// The newest entry is an element of its own (packed alone, with
		// the dictionary), which a reader of the last visit unpacks alone.
		if got := store.Expand(raws[:1]); len(got) != 1 || !strings.HasPrefix(got[0], "{") {
			t.Errorf("%s's newest element holds %q; want one entry", list, got)
		}
	}
	vs, err := s.Visits(ctx, team, l.ID, 100)
	if err != nil || len(vs) != visits {
		t.Fatalf("Visits = %d, %v; want %d", len(vs), err, visits)
	}
	for i, v := range vs {
		if want := fmt.Sprintf("call number %d", visits-1-i); v.Notes != want || v.LeadID != l.ID {
			t.Errorf("visit %d: %q of %s; want %q, newest first", i, v.Notes, v.LeadID, want)
		}
	}
	if vs, err := s.Visits(ctx, team, l.ID, 3); err != nil || len(vs) != 3 || vs[2].Notes != "call number 27" {
		t.Errorf("Visits(3) = %+v, %v", vs, err)
	}
	h, err := s.History(ctx, team, l.ID, 100)
	if err != nil || len(h) != visits+1 || h[0].Kind != salesbot.ChangeVisit || h[visits].Kind != salesbot.ChangeCreated {
		t.Fatalf("History = %d entries, %v; want %d, the creation last", len(h), err, visits+1)
	}
	for i := 1; i < len(h); i++ {
		if h[i].At.After(h[i-1].At) {
			t.Fatalf("History is not newest first at %d: %v after %v", i, h[i].At, h[i-1].At)
		}
	}
	last, err := s.LastVisits(ctx, team, []string{l.ID})
	if err != nil || last[l.ID].Notes != "call number 29" {
		t.Errorf("LastVisits = %+v, %v", last, err)
	}
	x, hx, err := s.LeadsActivity(ctx, team, []string{l.ID})
	if err != nil || len(x[l.ID]) != visits || x[l.ID][0].Notes != "call number 0" || len(hx[l.ID]) != visits+1 {
		t.Errorf("LeadsActivity = %d visits, %d changes, %v; want all, oldest first", len(x[l.ID]), len(hx[l.ID]), err)
	}
}

// TestPackedListsWrittenBefore: lists written before packing (one entry an
// element, in the encoding before issue 4) read as they did, and a later
// write packs them without losing an entry.
func TestPackedListsWrittenBefore(t *testing.T) {
	s, rdb, team := newStore(t)
	l := mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)
	for i := range 12 {
		old := fmt.Sprintf(`{"lead":%q,"date":"2026-11-%02d","kind":"call","notes":"old call %d","by":"U1","logged_at":"2026-11-%02dT10:00:00Z"}`, l.ID, i+1, i, i+1)
		rdb.LPush(ctx, key(team, "visits", l.ID), old)
	}
	if vs, err := s.Visits(ctx, team, l.ID, 100); err != nil || len(vs) != 12 || vs[0].Notes != "old call 11" {
		t.Fatalf("Visits before = %d, %v", len(vs), err)
	}
	for i := range store.PackAt {
		visitN(t, s, team, l.ID, i, now)
	}
	vs, err := s.Visits(ctx, team, l.ID, 100)
	if err != nil || len(vs) != 12+store.PackAt {
		t.Fatalf("Visits after = %d, %v; want %d", len(vs), err, 12+store.PackAt)
	}
	if vs[0].Notes != fmt.Sprintf("call number %d", store.PackAt-1) || vs[len(vs)-1].Notes != "old call 0" {
		t.Errorf("Visits after: newest %q, oldest %q", vs[0].Notes, vs[len(vs)-1].Notes)
	}
	if n := rdb.LLen(ctx, key(team, "visits", l.ID)).Val(); n >= int64(len(vs)) {
		t.Errorf("visits list has %d elements for %d entries; want them packed", n, len(vs))
	}
}

// TestPackedListsScrubbed removes a person who is named in visits that
// were packed since: no key holds the name any more, packed or not, and
// the visits are all still there.
func TestPackedListsScrubbed(t *testing.T) {
	s, rdb, team := newStore(t)
	l := richLead(t, s, team, "Scrub Co")
	owner := salesbot.Actor{User: "UOWNER"}
	for i := range 2 * store.PackAt {
		mustUpdate(t, s, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
			v := &salesbot.Visit{Kind: salesbot.KindCall, Notes: fmt.Sprintf("call %d with %s", i, removedName)}
			c, err := l.RecordVisit(owner, v, time.UTC, now)
			return salesbot.Update{Changes: []salesbot.Change{c}, Visit: v}, err
		})
	}
	before, err := s.Visits(ctx, team, l.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	raws := rdb.LRange(ctx, key(team, "visits", l.ID), 0, -1).Val()
	if !slices.ContainsFunc(raws, func(r string) bool { return !strings.HasPrefix(r, "{") }) {
		t.Fatalf("no visit was packed: %d elements", len(raws))
	}
	if _, _, err := s.RemovePerson(ctx, team, l.ID, nil, func(l *salesbot.Lead) (string, salesbot.Change, error) {
		return l.RemovePerson(owner, removedName, now)
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.SweepRemoval(ctx, team, l.ID, removedName); err != nil {
		t.Fatal(err)
	}
	if got := traces(teamDump(t, rdb, team), removedName); len(got) != 0 {
		t.Errorf("the person is still in %v", got)
	}
	after, err := s.Visits(ctx, team, l.ID, 100)
	if err != nil || len(after) != len(before) {
		t.Errorf("visits after the removal = %d, %v; want all %d", len(after), err, len(before))
	}
}

// TestPackedListsRacing logs visits from several writers at once, each
// write made on the lead as read: none is lost to a packing write.
func TestPackedListsRacing(t *testing.T) {
	s, team := store.New(redistest.Client(t)), redistest.Team(t)
	l := mustCreate(t, s, team, "Race Co", "U1", salesbot.GradeA)
	const writers, each = 4, 12
	done := make(chan struct{})
	for w := range writers {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range each {
				_, err := s.UpdateLead(ctx, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
					v := &salesbot.Visit{Kind: salesbot.KindCall, Notes: fmt.Sprintf("call number %d", w*100+i)}
					c, err := l.RecordVisit(salesbot.Actor{User: "U1"}, v, time.UTC, now)
					return salesbot.Update{Changes: []salesbot.Change{c}, Visit: v}, err
				})
				if err != nil {
					t.Errorf("visit: %v", err)
					return
				}
			}
		}()
	}
	for range writers {
		<-done
	}
	vs, err := s.Visits(ctx, team, l.ID, 1000)
	if err != nil || len(vs) != writers*each {
		t.Fatalf("Visits = %d, %v; want %d", len(vs), err, writers*each)
	}
	seen := map[string]bool{}
	for _, v := range vs {
		seen[v.Notes] = true
	}
	if len(seen) != writers*each {
		t.Errorf("%d distinct visits of %d", len(seen), writers*each)
	}
}
