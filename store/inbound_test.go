package store_test

import (
	"sync"
	"testing"
	"time"

	"salesbot"
	"salesbot/store"
)

// mustQueue records an inquiry for company at at, as the service would.
func mustQueue(t *testing.T, s *store.Store, team, company string, at time.Time) *salesbot.Inquiry {
	t.Helper()
	q, err := salesbot.NewInquiry(salesbot.Actor{User: "UDESK"}, team, salesbot.InquiryInput{Company: company, Notes: "wants a quote"}, at, salesbot.DefaultWorkHours())
	if err != nil {
		t.Fatal(err)
	}
	if l, w, err := s.QueueInquiry(ctx, q); err != nil {
		t.Fatalf("QueueInquiry(%q) = %v, %v, %v", company, l, w, err)
	}
	return q
}

// assignTo is the service's fn for AssignInquiry: the domain's Assign.
func assignTo(rep string, by salesbot.Actor) func(*salesbot.Inquiry) (*salesbot.Lead, salesbot.Change, error) {
	return func(q *salesbot.Inquiry) (*salesbot.Lead, salesbot.Change, error) {
		l, c, err := q.Assign(by, rep, salesbot.GradeC, now.Add(4*time.Hour), now)
		if err == nil {
			l.Schedule(salesbot.DefaultCadence())
		}
		return l, c, err
	}
}

// TestInboundQueue: inquiries wait oldest first; a second one for the same
// company (by its normalised name) or for a company that is a lead is
// refused with what holds it; the raise index answers only what is due.
func TestInboundQueue(t *testing.T) {
	s, raw, team := newStore(t)
	acme := mustQueue(t, s, team, "Acme Co., Ltd.", now)
	globex := mustQueue(t, s, team, "Globex", now.Add(time.Hour))
	if acme.ID == "" || acme.ID == globex.ID {
		t.Fatalf("IDs %q %q", acme.ID, globex.ID)
	}

	// The same company again, written otherwise: caught, nothing written.
	again, _ := salesbot.NewInquiry(salesbot.Actor{User: "UDESK"}, team, salesbot.InquiryInput{Company: "ACME co ltd"}, now, salesbot.DefaultWorkHours())
	_, waiting, err := s.QueueInquiry(ctx, again)
	wantCode(t, err, salesbot.ECONFLICT)
	if waiting == nil || waiting.ID != acme.ID {
		t.Fatalf("the waiting inquiry returned = %+v; want Acme's", waiting)
	}
	// A company that is a lead: the lead comes back.
	lead := mustCreate(t, s, team, "Initech", "UREP", salesbot.GradeB)
	dup, _ := salesbot.NewInquiry(salesbot.Actor{User: "UDESK"}, team, salesbot.InquiryInput{Company: "initech"}, now, salesbot.DefaultWorkHours())
	existing, _, err := s.QueueInquiry(ctx, dup)
	wantCode(t, err, salesbot.ECONFLICT)
	if existing == nil || existing.ID != lead.ID || existing.Owner != "UREP" {
		t.Fatalf("the lead returned = %+v; want Initech", existing)
	}

	list, total, err := s.Inquiries(ctx, team, 10)
	if err != nil || total != 2 || len(list) != 2 || list[0].ID != acme.ID || list[1].ID != globex.ID {
		t.Fatalf("Inquiries = %v (total %d), %v; want Acme then Globex", list, total, err)
	}
	if list, total, _ := s.Inquiries(ctx, team, 1); len(list) != 1 || total != 2 {
		t.Errorf("a page of 1: %d of %d", len(list), total)
	}
	if n, _ := raw.ZCard(ctx, key(team, "inbound")).Result(); n != 2 {
		t.Errorf("queue holds %d", n)
	}

	// Raised one working day later (Tuesday 09:00 UTC): nothing before.
	if due, err := s.InquiriesToRaise(ctx, team, acme.RaiseAt.Add(-time.Second), 10); err != nil || len(due) != 0 {
		t.Fatalf("due before the raise time: %v, %v", due, err)
	}
	due, err := s.InquiriesToRaise(ctx, team, acme.RaiseAt, 10)
	if err != nil || len(due) != 1 || due[0].ID != acme.ID {
		t.Fatalf("due at the raise time: %v, %v; want Acme", due, err)
	}
	// Marked raised: off until the next working day.
	next := acme.NextRaise(acme.RaiseAt, salesbot.DefaultWorkHours())
	q, err := s.UpdateInquiry(ctx, team, acme.ID, func(q *salesbot.Inquiry) error {
		q.MarkRaised(acme.RaiseAt, salesbot.DefaultWorkHours())
		return nil
	})
	if err != nil || q.Raised != 1 || !q.RaiseAt.Equal(next) {
		t.Fatalf("after a raise: %+v, %v", q, err)
	}
	if due, _ := s.InquiriesToRaise(ctx, team, acme.RaiseAt, 10); len(due) != 0 {
		t.Errorf("raised again the same day: %v", due)
	}
	if got, err := s.Inquiry(ctx, team, acme.ID); err != nil || got.Raised != 1 || got.Company != "Acme Co., Ltd." {
		t.Errorf("Inquiry = %+v, %v", got, err)
	}
	_, err = s.Inquiry(ctx, team, "nosuchid")
	wantCode(t, err, salesbot.ENOTFOUND)
}

// TestAssignInquiry: the inquiry becomes a lead and leaves the queue, its
// name and the raise index in one step; its copies are kept as long as it
// is; a second assignment is the domain's refusal, and a company that
// became a lead meanwhile is returned, writing nothing.
func TestAssignInquiry(t *testing.T) {
	s, raw, team := newStore(t)
	q := mustQueue(t, s, team, "Acme", now)
	copies := []salesbot.MessageCopy{{Channel: "D1", TS: "1.1", User: "UBOSS"}, {Channel: "D2", TS: "2.2", User: "UBOSS2"}}
	if got, err := s.KeepInquiryCopies(ctx, team, q.ID, copies); err != nil || !got.Waiting() {
		t.Fatalf("KeepInquiryCopies = %+v, %v", got, err)
	}

	settled, l, existing, err := s.AssignInquiry(ctx, team, q.ID, assignTo("UREP", manager))
	if err != nil || existing != nil {
		t.Fatalf("AssignInquiry: %v (existing %v)", err, existing)
	}
	if settled.Status != salesbot.InquiryAssigned || settled.LeadID != l.ID || settled.Rep != "UREP" {
		t.Errorf("settled = %+v", settled)
	}
	stored, err := s.Lead(ctx, team, l.ID)
	if err != nil || stored.Owner != "UREP" || stored.Source != salesbot.SourceInbound || stored.CreatedBy != "UDESK" || !stored.Due.Equal(now.Add(4*time.Hour)) {
		t.Fatalf("stored lead = %+v, %v", stored, err)
	}
	hist, err := s.History(ctx, team, l.ID, 5)
	if err != nil || len(hist) != 1 || hist[0].Kind != salesbot.ChangeCreated || hist[0].By != manager.User {
		t.Errorf("history = %+v, %v", hist, err)
	}
	if due, _ := s.DueLeads(ctx, team, now.Add(5*time.Hour), 10); len(due) != 1 || due[0] != l.ID {
		t.Errorf("due leads = %v; want the new lead", due)
	}
	if owned, _ := s.LeadsOwnedBy(ctx, team, "UREP"); len(owned) != 1 {
		t.Errorf("the rep owns %d leads", len(owned))
	}
	// Out of the queue, the raise index and the names; kept settled for a while.
	for _, k := range []string{"inbound", "inbound:raise"} {
		if n, _ := raw.ZCard(ctx, key(team, k)).Result(); n != 0 {
			t.Errorf("%s holds %d after assignment", k, n)
		}
	}
	if n, _ := raw.HLen(ctx, key(team, "inbound", "names")).Result(); n != 0 {
		t.Errorf("the names hold %d after assignment", n)
	}
	if ttl, _ := raw.PTTL(ctx, key(team, "inquiry", q.ID)).Result(); ttl <= 0 {
		t.Errorf("settled inquiry TTL %v; want one", ttl)
	}
	if ttl, _ := raw.PTTL(ctx, key(team, "inquiry", q.ID, "copies")).Result(); ttl <= 0 {
		t.Errorf("copies TTL %v; want one", ttl)
	}
	if got, err := s.InquiryCopies(ctx, team, q.ID); err != nil || len(got) != 2 || got[1] != copies[1] {
		t.Errorf("copies = %v, %v", got, err)
	}
	// A copy recorded after the settlement: told so.
	if got, err := s.KeepInquiryCopies(ctx, team, q.ID, copies[:1]); err != nil || got.Waiting() {
		t.Errorf("a late copy: %+v, %v; want the settled inquiry", got, err)
	}

	// Again: the domain refuses, nothing is written.
	_, _, _, err = s.AssignInquiry(ctx, team, q.ID, assignTo("UOTHER", manager))
	wantCode(t, err, salesbot.ECONFLICT)
	if owned, _ := s.LeadsOwnedBy(ctx, team, "UOTHER"); len(owned) != 0 {
		t.Errorf("the second assignment wrote %d leads", len(owned))
	}
	// The same name may wait again now.
	mustQueue(t, s, team, "Globex", now)

	// Registered meanwhile: the lead comes back, nothing written.
	q2 := mustQueue(t, s, team, "Initech", now)
	lead := mustCreate(t, s, team, "Initech", "UOTHER", salesbot.GradeB)
	_, _, existing, err = s.AssignInquiry(ctx, team, q2.ID, assignTo("UREP", manager))
	wantCode(t, err, salesbot.ECONFLICT)
	if existing == nil || existing.ID != lead.ID {
		t.Fatalf("existing = %+v; want Initech's lead", existing)
	}
	if got, _ := s.Inquiry(ctx, team, q2.ID); !got.Waiting() {
		t.Errorf("the inquiry changed: %+v", got)
	}
	closed, err := s.UpdateInquiry(ctx, team, q2.ID, func(q *salesbot.Inquiry) error { return q.Close(manager, lead, now) })
	if err != nil || closed.Status != salesbot.InquiryClosed {
		t.Fatalf("close: %+v, %v", closed, err)
	}
	if list, total, _ := s.Inquiries(ctx, team, 10); total != 1 || list[0].Company != "Globex" {
		t.Errorf("queue after the close: %v (%d)", list, total)
	}
	_, _, _, err = s.AssignInquiry(ctx, team, "nosuchid", assignTo("UREP", manager))
	wantCode(t, err, salesbot.ENOTFOUND)
	_, err = s.KeepInquiryCopies(ctx, team, "nosuchid", copies)
	wantCode(t, err, salesbot.ENOTFOUND)
	if n, _ := raw.Exists(ctx, key(team, "inquiry", "nosuchid", "copies")).Result(); n != 0 {
		t.Errorf("copies of a gone inquiry kept")
	}
	// An error from fn writes nothing.
	q3 := mustQueue(t, s, team, "Umbrella", now)
	_, err = s.UpdateInquiry(ctx, team, q3.ID, func(q *salesbot.Inquiry) error {
		q.Company = "changed"
		return salesbot.Errorf(salesbot.EINVALID, "no")
	})
	wantCode(t, err, salesbot.EINVALID)
	if got, _ := s.Inquiry(ctx, team, q3.ID); got.Company != "Umbrella" {
		t.Errorf("a refused update wrote %+v", got)
	}
}

// TestAssignInquiryRace: many managers at once; exactly one lead is made,
// the others are told it was assigned.
func TestAssignInquiryRace(t *testing.T) {
	s, _, team := newStore(t)
	q := mustQueue(t, s, team, "Acme", now)
	const n = 8
	var (
		wg                sync.WaitGroup
		mu                sync.Mutex
		wins, conflicts   int
		winner, otherwise string
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rep := "UREP" + string(rune('A'+i))
			_, l, _, err := s.AssignInquiry(ctx, team, q.ID, assignTo(rep, salesbot.Actor{User: "UBOSS" + rep, Manager: true}))
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				wins++
				winner = l.Owner
			case salesbot.ErrorCode(err) == salesbot.ECONFLICT:
				conflicts++
				otherwise = salesbot.ErrorMessage(err)
			default:
				t.Errorf("assign: %v", err)
			}
		}()
	}
	wg.Wait()
	if wins != 1 || conflicts != n-1 {
		t.Fatalf("%d won, %d conflicts; want 1 and %d", wins, conflicts, n-1)
	}
	names, err := s.LeadNames(ctx, team)
	if err != nil || len(names) != 1 {
		t.Fatalf("leads = %v, %v; want one", names, err)
	}
	if got, _ := s.Inquiry(ctx, team, q.ID); got.Rep != winner {
		t.Errorf("the inquiry went to %s, the lead to %s", got.Rep, winner)
	}
	if otherwise == "" {
		t.Error("no loser's message")
	}
}
