package store_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"salesbot"
	"salesbot/internal/redistest"
	"salesbot/store"
)

const (
	removedName = "Zhang Weiqiang 张伟强"
	otherName   = "Li Na"
)

// teamDump reads every key of the team, whatever its type, and returns
// each key's name and contents as text.
func teamDump(t *testing.T, c redis.UniversalClient, team string) map[string]string {
	t.Helper()
	out := map[string]string{}
	var cursor uint64
	for {
		keys, next, err := c.Scan(ctx, cursor, "sb:{"+team+"}:*", 1000).Result()
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range keys {
			typ, err := c.Type(ctx, k).Result()
			if err != nil {
				t.Fatal(err)
			}
			var v any
			switch typ {
			case "string":
				v, err = c.Get(ctx, k).Result()
			case "list":
				var items []string
				items, err = c.LRange(ctx, k, 0, -1).Result()
				v = store.Expand(items) // packed entries as they read
			case "hash":
				v, err = c.HGetAll(ctx, k).Result()
			case "set":
				v, err = c.SMembers(ctx, k).Result()
			case "zset":
				v, err = c.ZRangeWithScores(ctx, k, 0, -1).Result()
			case "stream":
				v, err = c.XRange(ctx, k, "-", "+").Result()
			default:
				t.Fatalf("key %s has type %s, which the dump does not read", k, typ)
			}
			if err != nil {
				t.Fatal(err)
			}
			out[k] = fmt.Sprintf("%v", v)
		}
		if cursor = next; cursor == 0 {
			return out
		}
	}
}

// traces returns the keys whose name or contents hold any of the words,
// compared without case.
func traces(dump map[string]string, words ...string) []string {
	var found []string
	for k, v := range dump {
		text := strings.ToLower(k + " " + v)
		for _, w := range words {
			if strings.Contains(text, strings.ToLower(w)) {
				found = append(found, k)
				break
			}
		}
	}
	return found
}

// morningTS is the made-up timestamp of a lead's morning message in
// richLead: one per lead, and without its ID.
func morningTS(id string) string {
	n := 0
	for _, r := range id {
		n = n*31 + int(r)
	}
	return fmt.Sprintf("1700000000.%d", n%1000000)
}

// richLead registers a lead and gives it everything a person's name or a
// lead's ID can end up in: two people, a support change, a visit that met
// both and names the person, a key fact, a value, a close date that
// slipped, a quote, a review note, a pending approval, a reminder message,
// what a digest reported and what the owner was told of its risks.
func richLead(t *testing.T, s *store.Store, team, company string) *salesbot.Lead {
	t.Helper()
	owner := salesbot.Actor{User: "UOWNER"}
	l := mustCreate(t, s, team, company, owner.User, salesbot.GradeA)
	at := now
	step := func(fn func(l *salesbot.Lead) (salesbot.Update, error)) {
		at = at.Add(time.Minute)
		l = mustUpdate(t, s, team, l.ID, fn)
	}
	for _, p := range []salesbot.Stakeholder{
		{Name: removedName, Role: salesbot.RoleEconomicBuyer, Influence: salesbot.InfluenceHigh, Support: 1, Notes: "signs everything"},
		{Name: otherName, Role: salesbot.RoleCoach, Influence: salesbot.InfluenceLow, Support: 2, Notes: "knows " + removedName},
		{Name: removedName, Role: salesbot.RoleEconomicBuyer, Influence: salesbot.InfluenceHigh, Support: 3, Notes: "won over at the demo"},
	} {
		step(func(l *salesbot.Lead) (salesbot.Update, error) { return one(l.SetStakeholder(owner, p, at)) })
	}
	step(func(l *salesbot.Lead) (salesbot.Update, error) {
		v := &salesbot.Visit{Date: salesbot.DateOf(at), Kind: salesbot.KindVisit, Notes: "lunch with " + removedName,
			Met: []string{removedName, otherName}, NextStep: "send " + removedName + " the plan"}
		c, err := l.RecordVisit(owner, v, time.UTC, at)
		return salesbot.Update{Changes: []salesbot.Change{c}, Visit: v}, err
	})
	step(func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(l.SetFact(owner, salesbot.FactDecision, removedName+" decides with the board", at))
	})
	step(func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(l.SetValue(owner, salesbot.Amount{Minor: 180000000, Currency: "CNY"}, at))
	})
	for _, d := range []salesbot.Date{salesbot.DateOf(now.AddDate(0, 2, 0)), salesbot.DateOf(now.AddDate(0, 3, 0))} {
		step(func(l *salesbot.Lead) (salesbot.Update, error) {
			c, _, err := l.SetCloseBy(owner, d, at)
			return one(c, err)
		})
	}
	if err := s.SaveReviewNote(ctx, team, salesbot.ReviewNote{Rep: owner.User, Week: "2026-W48", By: manager.User,
		Note: "push " + removedName + " for a date", At: at}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.CreateApproval(ctx, &salesbot.Approval{Team: team, LeadID: l.ID, Company: l.Company,
		From: salesbot.StageLead, To: salesbot.StageDemo, Rep: owner.User, Why: removedName + " wants a demo now", AskedAt: at}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveReminder(ctx, team, "D1", "1700000000.000100", owner.User, []string{l.ID}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveReminderMore(ctx, team, "D1", morningTS(l.ID), owner.User, []string{"keptlead"}, []string{l.ID, "keptmore"},
		"morning:3;news:"+l.ID+",keptnews"); err != nil {
		t.Fatal(err)
	}
	if err := s.DigestSent(ctx, team, manager.User, "digest", at, salesbot.DigestSeen{Risks: []string{salesbot.RiskKey(l.ID, "no-coach")}, Parked: []string{l.ID}}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetRisksTold(ctx, team, owner.User, salesbot.DateOf(at), map[string][]salesbot.RiskKind{l.ID: {"no-coach"}}); err != nil {
		t.Fatal(err)
	}
	return l
}

func TestRemovePersonLeavesNoTrace(t *testing.T) {
	s, c, team := newStore(t)
	l := richLead(t, s, team, "Removal Works")
	other := richLead(t, s, team, "Another Lead") // the same person on another lead stays there
	owner := salesbot.Actor{User: "UOWNER"}
	saved, name, err := s.RemovePerson(ctx, team, l.ID, nil, func(l *salesbot.Lead) (string, salesbot.Change, error) {
		return l.RemovePerson(owner, "zhang weiqiang 张伟强", now.Add(time.Hour))
	})
	if err != nil {
		t.Fatal(err)
	}
	if name != removedName || len(saved.Stakeholders) != 1 || saved.Stakeholders[0].Name != otherName {
		t.Fatalf("removed %q, left %+v", name, saved.Stakeholders)
	}
	if err := s.SweepRemoval(ctx, team, l.ID, name); err != nil {
		t.Fatal(err)
	}
	dump := teamDump(t, c, team)
	for _, k := range traces(dump, "张伟强", "weiqiang") {
		// Only the other lead, its visits, history and activity, and its
		// approval may name them.
		if !strings.Contains(dump[k], other.ID) && !strings.Contains(k, other.ID) {
			t.Errorf("%s still names the person: %s", k, dump[k])
		}
	}
	if got := traces(dump, "张伟强"); len(got) == 0 {
		t.Error("the other lead lost the person too")
	}

	// The lead, its other person and its visit remain; its history says
	// who removed someone, and the audit list too, neither whom.
	after, err := s.Lead(ctx, team, l.ID)
	if err != nil || len(after.Stakeholders) != 1 || after.Stakeholders[0].Name != otherName {
		t.Fatalf("lead after = %+v, %v", after, err)
	}
	visits, err := s.Visits(ctx, team, l.ID, 10)
	if err != nil || len(visits) != 1 || strings.Join(visits[0].Met, ",") != salesbot.Removed+","+otherName {
		t.Fatalf("visits = %+v, %v", visits, err)
	}
	history, err := s.History(ctx, team, l.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	if h := history[0]; h.Kind != salesbot.ChangePersonRemoved || h.By != owner.User {
		t.Errorf("newest history entry = %+v", h)
	}
	audit, err := s.Audit(ctx, team, 10)
	if err != nil || len(audit) == 0 || audit[0].Kind != salesbot.AuditPersonRemoved || audit[0].LeadID != l.ID || audit[0].By != owner.User {
		t.Fatalf("audit = %+v, %v", audit, err)
	}
	// The approval waits still, without the name.
	pending, err := s.PendingApprovals(ctx, team)
	if err != nil || len(pending) != 2 {
		t.Fatalf("pending approvals = %+v, %v", pending, err)
	}
}

func TestRemovePersonRefusedWritesNothing(t *testing.T) {
	s, c, team := newStore(t)
	l := richLead(t, s, team, "Refusal Co")
	before := teamDump(t, c, team)
	_, _, err := s.RemovePerson(ctx, team, l.ID, nil, func(l *salesbot.Lead) (string, salesbot.Change, error) {
		return l.RemovePerson(salesbot.Actor{User: "USTRANGER"}, removedName, now)
	})
	wantCode(t, err, salesbot.EFORBIDDEN)
	_, _, err = s.RemovePerson(ctx, team, "nosuchid", nil, func(l *salesbot.Lead) (string, salesbot.Change, error) {
		return l.RemovePerson(manager, removedName, now)
	})
	wantCode(t, err, salesbot.ENOTFOUND)
	after := teamDump(t, c, team)
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s changed by a refused removal", k)
		}
	}
}

func TestDeleteLeadLeavesOnlyTheAudit(t *testing.T) {
	s, c, team := newStore(t)
	company := "Quokkatronic 袋鼠科技"
	l := richLead(t, s, team, company)
	other := richLead(t, s, team, "Wombat Works")
	entry := salesbot.AuditEntry{Kind: salesbot.AuditLeadDeleted, At: now, By: manager.User, LeadID: l.ID, Company: l.Company}
	gone, err := s.DeleteLead(ctx, team, l.ID, func(read *salesbot.Lead) (salesbot.AuditEntry, error) {
		entry.Detail = salesbot.DeletionDetail(read)
		return entry, nil
	})
	if err != nil || gone.ID != l.ID {
		t.Fatalf("DeleteLead = %+v, %v", gone, err)
	}
	if err := s.SweepRemoval(ctx, team, l.ID, ""); err != nil {
		t.Fatal(err)
	}
	dump := teamDump(t, c, team)
	audit := key(team, "audit")
	for _, k := range traces(dump, l.ID, "quokkatronic", "袋鼠科技") {
		if k != audit {
			t.Errorf("%s still holds the deleted lead: %s", k, dump[k])
		}
	}
	if !strings.Contains(dump[audit], l.ID) || !strings.Contains(dump[audit], "owner UOWNER, grade A, stage lead") {
		t.Errorf("audit = %s", dump[audit])
	}
	more := dump[key(team, "msg", "D1", morningTS(l.ID))]
	for _, kept := range []string{"keptlead", "keptmore", "keptnews", "morning:3;news:"} {
		if !strings.Contains(more, kept) {
			t.Errorf("the morning message's record lost %q: %s", kept, more)
		}
	}
	if e, ok, err := s.Deleted(ctx, team, l.ID); err != nil || !ok || e.Company != company {
		t.Errorf("Deleted = %+v, %v, %v", e, ok, err)
	}
	// Its pending request is gone, the other lead's waits.
	if pending, err := s.PendingApprovals(ctx, team); err != nil || len(pending) != 1 || pending[0].LeadID != other.ID {
		t.Errorf("pending approvals = %+v, %v", pending, err)
	}
	// The other lead keeps everything.
	if got := traces(dump, other.ID); len(got) < 10 {
		t.Errorf("the other lead is in %d keys only: %v", len(got), got)
	}
	if _, err := s.Lead(ctx, team, l.ID); salesbot.ErrorCode(err) != salesbot.ENOTFOUND {
		t.Errorf("Lead after delete: %v", err)
	}
	// Its name is free again, and the new lead is found by it.
	again := mustCreate(t, s, team, company, "UOTHER", salesbot.GradeC)
	m, err := s.FindLead(ctx, team, salesbot.LeadQuery{Names: []string{salesbot.NormalizeCompany(company)}, Part: "袋鼠", Limit: 5})
	if err != nil || len(m.Leads) != 1 || m.Leads[0].ID != again.ID {
		t.Errorf("FindLead after registering again = %+v, %v", m, err)
	}
	// Deleting it twice: not found, and no second audit entry.
	_, err = s.DeleteLead(ctx, team, l.ID, func(*salesbot.Lead) (salesbot.AuditEntry, error) { return entry, nil })
	wantCode(t, err, salesbot.ENOTFOUND)
}

func TestDeleteLeadRefusedWritesNothing(t *testing.T) {
	s, c, team := newStore(t)
	l := richLead(t, s, team, "Kept Co")
	before := teamDump(t, c, team)
	_, err := s.DeleteLead(ctx, team, l.ID, func(*salesbot.Lead) (salesbot.AuditEntry, error) {
		return salesbot.AuditEntry{}, salesbot.CanDeleteLead(salesbot.Actor{User: "UREP"})
	})
	wantCode(t, err, salesbot.EFORBIDDEN)
	after := teamDump(t, c, team)
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s changed by a refused delete", k)
		}
	}
}

// A write that read the lead before it was deleted, or races the delete,
// never brings it back.
func TestWriteRacingDeleteDoesNotResurrect(t *testing.T) {
	s, c, team := newStore(t)
	l := richLead(t, s, team, "Racing Co")
	stale, err := s.Lead(ctx, team, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 8 {
				_, err := s.UpdateLead(ctx, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
					return one(l.SetFact(manager, salesbot.FactBudget, fmt.Sprintf("budget %d.%d", i, j), now))
				})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	if _, err := s.DeleteLead(ctx, team, l.ID, func(*salesbot.Lead) (salesbot.AuditEntry, error) {
		return salesbot.AuditEntry{Kind: salesbot.AuditLeadDeleted, At: now, By: manager.User, LeadID: l.ID, Company: l.Company}, nil
	}); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if code := salesbot.ErrorCode(err); code != salesbot.ENOTFOUND && code != salesbot.ECONFLICT {
			t.Errorf("a racing write failed with %v", err)
		}
	}
	_, err = s.UpdateLeadFrom(ctx, stale, func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(l.Regrade(manager, salesbot.GradeB, "late", now))
	})
	wantCode(t, err, salesbot.ENOTFOUND)
	if err := s.SweepRemoval(ctx, team, l.ID, ""); err != nil {
		t.Fatal(err)
	}
	dump := teamDump(t, c, team)
	for _, k := range traces(dump, l.ID) {
		if k != key(team, "audit") {
			t.Errorf("%s holds the deleted lead after racing writes: %s", k, dump[k])
		}
	}
}

// TestRemovalMiniredis runs the removal scripts and the sweep on
// miniredis, the embedded Redis of the console demo.
func TestRemovalMiniredis(t *testing.T) {
	mr := miniredis.RunT(t)
	c, err := store.NewClient("redis://" + mr.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	s, team := store.New(c, store.WithChangeTime()), "TDEMO"
	l := richLead(t, s, team, "Mini Co")
	if _, _, err := s.RemovePerson(ctx, team, l.ID, nil, func(l *salesbot.Lead) (string, salesbot.Change, error) {
		return l.RemovePerson(manager, removedName, now)
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.SweepRemoval(ctx, team, l.ID, removedName); err != nil {
		t.Fatal(err)
	}
	if got := traces(teamDump(t, c, team), "张伟强"); len(got) != 0 {
		t.Errorf("the person is still in %v", got)
	}
	if _, err := s.DeleteLead(ctx, team, l.ID, func(*salesbot.Lead) (salesbot.AuditEntry, error) {
		return salesbot.AuditEntry{Kind: salesbot.AuditLeadDeleted, At: now, By: manager.User, LeadID: l.ID}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.SweepRemoval(ctx, team, l.ID, ""); err != nil {
		t.Fatal(err)
	}
	for _, k := range traces(teamDump(t, c, team), l.ID) {
		if k != key(team, "audit") {
			t.Errorf("%s still holds the deleted lead", k)
		}
	}
}

// A removal refused on a stale copy of the lead is judged again on the
// lead as it is: the rep it was reassigned to meanwhile may remove.
func TestRemovePersonJudgedOnTheLeadAsItIs(t *testing.T) {
	s, _, team := newStore(t)
	l := richLead(t, s, team, "Stale Co")
	read, err := s.Lead(ctx, team, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	mustUpdate(t, s, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		_, err := l.Assign(manager, "UNEW", now)
		return salesbot.Update{}, err
	})
	saved, _, err := s.RemovePerson(ctx, team, l.ID, read, func(l *salesbot.Lead) (string, salesbot.Change, error) {
		return l.RemovePerson(salesbot.Actor{User: "UNEW"}, removedName, now)
	})
	if err != nil || saved.Owner != "UNEW" || len(saved.Stakeholders) != 1 {
		t.Fatalf("RemovePerson on a stale copy = %+v, %v", saved, err)
	}
}

// TestRemovalOnCluster runs removal and its sweep on a one-node Redis
// Cluster, where a script's keys must share one slot and SCAN goes to the
// master holding the team's.
func TestRemovalOnCluster(t *testing.T) {
	c, err := store.NewClient(redistest.Cluster(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	s, team := store.New(c, store.WithChangeTime()), redistest.Team(t)
	l := richLead(t, s, team, "Cluster Co")
	if _, _, err := s.RemovePerson(ctx, team, l.ID, nil, func(l *salesbot.Lead) (string, salesbot.Change, error) {
		return l.RemovePerson(manager, removedName, now)
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.SweepRemoval(ctx, team, l.ID, removedName); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeleteLead(ctx, team, l.ID, func(*salesbot.Lead) (salesbot.AuditEntry, error) {
		return salesbot.AuditEntry{Kind: salesbot.AuditLeadDeleted, At: now, By: manager.User, LeadID: l.ID}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.SweepRemoval(ctx, team, l.ID, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Lead(ctx, team, l.ID); salesbot.ErrorCode(err) != salesbot.ENOTFOUND {
		t.Errorf("lead after delete: %v", err)
	}
}

// A removal racing visits being logged on the lead gets through, and
// leaves no visit logged before it naming the person.
func TestRemovePersonRacingVisits(t *testing.T) {
	s, c, team := newStore(t)
	l := richLead(t, s, team, "Busy Co")
	owner := salesbot.Actor{User: "UOWNER"}
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 10 {
				_, err := s.UpdateLead(ctx, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
					v := &salesbot.Visit{Kind: salesbot.KindCall, Notes: fmt.Sprintf("call %d.%d with %s", i, j, otherName)}
					c, err := l.RecordVisit(owner, v, time.UTC, now)
					return salesbot.Update{Changes: []salesbot.Change{c}, Visit: v}, err
				})
				if err != nil {
					t.Errorf("visit: %v", err)
					return
				}
			}
		}()
	}
	if _, _, err := s.RemovePerson(ctx, team, l.ID, nil, func(l *salesbot.Lead) (string, salesbot.Change, error) {
		return l.RemovePerson(owner, removedName, now)
	}); err != nil {
		t.Fatalf("removal racing visits: %v", err)
	}
	wg.Wait()
	if err := s.SweepRemoval(ctx, team, l.ID, removedName); err != nil {
		t.Fatal(err)
	}
	if got := traces(teamDump(t, c, team), "张伟强"); len(got) != 0 {
		t.Errorf("the person is still in %v", got)
	}
	visits, err := s.Visits(ctx, team, l.ID, 100)
	if err != nil || len(visits) != 41 {
		t.Errorf("visits = %d, %v; want all 41", len(visits), err)
	}
}
