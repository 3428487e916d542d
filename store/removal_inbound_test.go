package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"

	"salesbot"
	"salesbot/store"
)

// inboundLead makes a lead the way the inbound queue does: an inquiry whose
// notes name the person, its copies posted to two managers, assigned to
// UOWNER; then the person and another are put on the lead's map.
func inboundLead(t *testing.T, s *store.Store, team, company string) (*salesbot.Lead, *salesbot.Inquiry) {
	t.Helper()
	q, err := salesbot.NewInquiry(salesbot.Actor{User: "UDESK"}, team, salesbot.InquiryInput{Company: company,
		Notes: "call " + removedName + " back about 200 seats"}, now, salesbot.DefaultWorkHours())
	if err != nil {
		t.Fatal(err)
	}
	if l, w, err := s.QueueInquiry(ctx, q); err != nil {
		t.Fatalf("QueueInquiry = %v, %v, %v", l, w, err)
	}
	if _, err := s.KeepInquiryCopies(ctx, team, q.ID, []salesbot.MessageCopy{{Channel: "D1", TS: "1.1", User: "UBOSS"},
		{Channel: "D2", TS: "2.2", User: "UBOSS2"}}); err != nil {
		t.Fatal(err)
	}
	settled, l, _, err := s.AssignInquiry(ctx, team, q.ID, assignTo("UOWNER", manager))
	if err != nil {
		t.Fatal(err)
	}
	owner := salesbot.Actor{User: "UOWNER"}
	for _, p := range []salesbot.Stakeholder{
		{Name: removedName, Role: salesbot.RoleEconomicBuyer, Influence: salesbot.InfluenceHigh, Support: 1},
		{Name: otherName, Role: salesbot.RoleCoach, Influence: salesbot.InfluenceLow, Support: 2},
	} {
		l = mustUpdate(t, s, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) { return one(l.SetStakeholder(owner, p, now)) })
	}
	return l, settled
}

// waitingThenRegistered queues an inquiry whose notes name the person, then
// registers its company as UOWNER's lead while it waits, with the person
// and another on its map; the inquiry is left waiting, to be closed onto
// the lead.
func waitingThenRegistered(t *testing.T, s *store.Store, team, company string) (*salesbot.Lead, *salesbot.Inquiry) {
	t.Helper()
	q, err := salesbot.NewInquiry(salesbot.Actor{User: "UDESK"}, team, salesbot.InquiryInput{Company: company,
		Notes: "ask for " + removedName}, now, salesbot.DefaultWorkHours())
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.QueueInquiry(ctx, q); err != nil {
		t.Fatal(err)
	}
	l := mustCreate(t, s, team, company, "UOWNER", salesbot.GradeB)
	owner := salesbot.Actor{User: "UOWNER"}
	for _, p := range []salesbot.Stakeholder{
		{Name: removedName, Role: salesbot.RoleEconomicBuyer, Influence: salesbot.InfluenceHigh, Support: 1},
		{Name: otherName, Role: salesbot.RoleCoach, Influence: salesbot.InfluenceLow, Support: 2},
	} {
		l = mustUpdate(t, s, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) { return one(l.SetStakeholder(owner, p, now)) })
	}
	return l, q
}

// TestRemovalReachesTheInquiry: a lead that came in through the inbound
// queue keeps its inquiry (with the caller's notes) for a while; removing
// the person scrubs their name from it, keeping the inquiry and the time
// it has left; deleting the lead deletes it with its copies, and an
// inquiry closed because of the lead goes too. A SCAN of the team finds no
// trace of either.
func TestRemovalReachesTheInquiry(t *testing.T) {
	s, c, team := newStore(t)
	l, q := inboundLead(t, s, team, "Quokkatronic 袋鼠科技")
	if l.NextStep == "" || !strings.Contains(l.NextStep, "张伟强") {
		t.Fatalf("the lead's next step = %q; want the inquiry's notes", l.NextStep)
	}
	// An inquiry closed because of a lead (its company was registered
	// while it waited) names that lead too.
	wombat, q2 := waitingThenRegistered(t, s, team, "Wombat Works")
	if _, err := s.UpdateInquiry(ctx, team, q2.ID, func(q *salesbot.Inquiry) error { return q.Close(manager, wombat, now) }); err != nil {
		t.Fatal(err)
	}
	// Another lead through the queue, whose inquiry names the person too,
	// keeps it.
	kept, keptQ := inboundLead(t, s, team, "Kept Co")

	ttl := func(k string) time.Duration {
		d, err := c.PTTL(ctx, k).Result()
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	if d := ttl(key(team, "inquiry", "lead", l.ID)); d <= 0 {
		t.Errorf("the lead's inquiries are listed without a TTL (%v)", d)
	}

	for _, id := range []string{l.ID, wombat.ID} {
		if _, _, err := s.RemovePerson(ctx, team, id, nil, func(l *salesbot.Lead) (string, salesbot.Change, error) {
			return l.RemovePerson(salesbot.Actor{User: "UOWNER"}, removedName, now.Add(time.Hour))
		}); err != nil {
			t.Fatal(err)
		}
		if err := s.SweepRemoval(ctx, team, id, removedName); err != nil {
			t.Fatal(err)
		}
	}
	dump := teamDump(t, c, team)
	for _, k := range traces(dump, "张伟强", "weiqiang") {
		if !strings.Contains(k+dump[k], kept.ID) && !strings.Contains(k, keptQ.ID) {
			t.Errorf("%s still names the person: %s", k, dump[k])
		}
	}
	got, err := s.Inquiry(ctx, team, q.ID)
	if err != nil || got.Notes != "call "+salesbot.Removed+" back about 200 seats" || got.LeadID != l.ID {
		t.Fatalf("the inquiry after the removal = %+v, %v", got, err)
	}
	if d := ttl(key(team, "inquiry", q.ID)); d <= 0 || d > 30*24*time.Hour {
		t.Errorf("the scrubbed inquiry's TTL = %v; want what it had left", d)
	}
	if got, err := s.Inquiry(ctx, team, q2.ID); err != nil || got.Notes != "" || got.Status != salesbot.InquiryClosed { // a closed inquiry keeps no notes
		t.Errorf("the closed inquiry after the removal = %+v, %v", got, err)
	}
	if got, _ := s.Inquiry(ctx, team, keptQ.ID); !strings.Contains(got.Notes, removedName) {
		t.Errorf("another lead's inquiry lost the name: %+v", got)
	}

	for _, gone := range []*salesbot.Lead{l, wombat} {
		if _, err := s.DeleteLead(ctx, team, gone.ID, func(*salesbot.Lead) (salesbot.AuditEntry, error) {
			return salesbot.AuditEntry{Kind: salesbot.AuditLeadDeleted, At: now, By: manager.User, LeadID: gone.ID, Company: gone.Company}, nil
		}); err != nil {
			t.Fatal(err)
		}
		if err := s.SweepRemoval(ctx, team, gone.ID, ""); err != nil {
			t.Fatal(err)
		}
	}
	dump = teamDump(t, c, team)
	for _, k := range traces(dump, l.ID, "quokkatronic", "袋鼠科技", q.ID, wombat.ID, "wombat", q2.ID) {
		if k != key(team, "audit") {
			t.Errorf("%s still holds the deleted lead: %s", k, dump[k])
		}
	}
	_, err = s.Inquiry(ctx, team, q.ID)
	wantCode(t, err, salesbot.ENOTFOUND)
	// A copy recorded late, after the lead went: not kept.
	if _, err := s.KeepInquiryCopies(ctx, team, q.ID, []salesbot.MessageCopy{{Channel: "D3", TS: "3.3", User: "UBOSS3"}}); salesbot.ErrorCode(err) != salesbot.ENOTFOUND {
		t.Errorf("a late copy of the deleted lead's inquiry: %v", err)
	}
	if n, _ := c.Exists(ctx, key(team, "inquiry", q.ID, "copies")).Result(); n != 0 {
		t.Error("a late copy of the deleted lead's inquiry was kept")
	}
	// The other lead keeps its inquiry and copies.
	if got, err := s.InquiryCopies(ctx, team, keptQ.ID); err != nil || len(got) != 2 {
		t.Errorf("the other lead's copies = %v, %v", got, err)
	}
}

// TestDeleteLeadRacingInquiryClose: an inquiry closed onto the lead
// between the deletion's read and its write fails the deletion's guard,
// which reads again and deletes it too; likewise a person's removal
// scrubs one closed onto the lead while it was being judged.
func TestDeleteLeadRacingInquiryClose(t *testing.T) {
	s, c, team := newStore(t)
	l, q2 := waitingThenRegistered(t, s, team, "Racing Inquiry Co")
	calls := 0
	if _, err := s.DeleteLead(ctx, team, l.ID, func(read *salesbot.Lead) (salesbot.AuditEntry, error) {
		if calls++; calls == 1 {
			// Closed onto the lead after the deletion read it: the list of
			// its inquiries changes under the deletion.
			if _, err := s.UpdateInquiry(ctx, team, q2.ID, func(q *salesbot.Inquiry) error { return q.Close(manager, read, now) }); err != nil {
				t.Error(err)
			}
		}
		return salesbot.AuditEntry{Kind: salesbot.AuditLeadDeleted, At: now, By: manager.User, LeadID: read.ID}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if calls < 2 {
		t.Errorf("the deletion was judged %d times; want again after the inquiry changed", calls)
	}
	if _, err := s.Inquiry(ctx, team, q2.ID); salesbot.ErrorCode(err) != salesbot.ENOTFOUND {
		t.Errorf("the inquiry closed during the deletion is still there: %v", err)
	}
	if n, err := c.Exists(ctx, key(team, "inquiry", "lead", l.ID)).Result(); err != nil || n != 0 {
		t.Errorf("the list of the lead's inquiries is still there: %d, %v", n, err)
	}

	// The removal: an inquiry naming the person closed onto the lead
	// after the removal read the lead's inquiries.
	l, q3 := waitingThenRegistered(t, s, team, "Racing Removal Co")
	calls = 0
	if _, _, err := s.RemovePerson(ctx, team, l.ID, nil, func(read *salesbot.Lead) (string, salesbot.Change, error) {
		if calls++; calls == 1 {
			if _, err := s.UpdateInquiry(ctx, team, q3.ID, func(q *salesbot.Inquiry) error { return q.Close(manager, read, now) }); err != nil {
				t.Error(err)
			}
		}
		return read.RemovePerson(manager, removedName, now)
	}); err != nil {
		t.Fatal(err)
	}
	if calls < 2 {
		t.Errorf("the removal was judged %d times; want again after the inquiry changed", calls)
	}
	if got, err := s.Inquiry(ctx, team, q3.ID); err != nil || got.Notes != "" || got.Status != salesbot.InquiryClosed {
		t.Errorf("the inquiry closed during the removal = %+v, %v", got, err)
	}
}

// TestRemovalReachesTheInquiryMiniredis: the same on miniredis, the
// embedded Redis of the console demo (SET … KEEPTTL in a script).
func TestRemovalReachesTheInquiryMiniredis(t *testing.T) {
	mr := miniredis.RunT(t)
	c, err := store.NewClient("redis://" + mr.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	s, team := store.New(c, store.WithChangeTime()), "TDEMO"
	l, q := inboundLead(t, s, team, "Mini Inbound Co")
	if _, _, err := s.RemovePerson(ctx, team, l.ID, nil, func(l *salesbot.Lead) (string, salesbot.Change, error) {
		return l.RemovePerson(manager, removedName, now)
	}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Inquiry(ctx, team, q.ID); err != nil || strings.Contains(got.Notes, "张伟强") {
		t.Fatalf("the inquiry after the removal = %+v, %v", got, err)
	}
	if d := mr.TTL(key(team, "inquiry", q.ID)); d <= 0 {
		t.Errorf("the scrubbed inquiry lost its TTL (%v)", d)
	}
	if _, err := s.DeleteLead(ctx, team, l.ID, func(*salesbot.Lead) (salesbot.AuditEntry, error) {
		return salesbot.AuditEntry{Kind: salesbot.AuditLeadDeleted, At: now, By: manager.User, LeadID: l.ID}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.SweepRemoval(ctx, team, l.ID, ""); err != nil {
		t.Fatal(err)
	}
	for _, k := range traces(teamDump(t, c, team), l.ID, q.ID) {
		if k != key(team, "audit") {
			t.Errorf("%s still holds the deleted lead", k)
		}
	}
}

// TestCloseOntoADeletedLead: an inquiry closed onto a lead deleted
// meanwhile is not saved (it would name the deleted lead for 30 days): the
// close is refused as a conflict to try again, and the inquiry waits.
func TestCloseOntoADeletedLead(t *testing.T) {
	s, c, team := newStore(t)
	q := mustQueue(t, s, team, "Vanishing Co", now)
	l := mustCreate(t, s, team, "Vanishing Co", "UOTHER", salesbot.GradeB)
	calls := 0
	_, err := s.UpdateInquiry(ctx, team, q.ID, func(q *salesbot.Inquiry) error {
		calls++
		if _, err := s.DeleteLead(ctx, team, l.ID, func(*salesbot.Lead) (salesbot.AuditEntry, error) {
			return salesbot.AuditEntry{Kind: salesbot.AuditLeadDeleted, At: now, By: manager.User, LeadID: l.ID}, nil
		}); err != nil && salesbot.ErrorCode(err) != salesbot.ENOTFOUND {
			t.Error(err)
		}
		return q.Close(manager, l, now)
	})
	wantCode(t, err, salesbot.ECONFLICT)
	if calls != 1 {
		t.Errorf("the close was tried %d times; a lead that is gone needs no second try", calls)
	}
	if got, err := s.Inquiry(ctx, team, q.ID); err != nil || !got.Waiting() || got.LeadID != "" {
		t.Errorf("the inquiry = %+v, %v; want it waiting still", got, err)
	}
	if n, _ := c.Exists(ctx, key(team, "inquiry", "lead", l.ID)).Result(); n != 0 {
		t.Error("the deleted lead has inquiries listed under it")
	}
}
