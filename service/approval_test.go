package service_test

import (
	"strings"
	"testing"

	"salesbot"
)

var boss2 = salesbot.Actor{User: "UBOSS2", Manager: true}

// askQuote has a manager move the lead to demo, then the rep ask for the
// move to quote, and returns the request.
func askQuote(t *testing.T, f *stageFixture, id string) *salesbot.Approval {
	t.Helper()
	if _, err := f.move(id, manager, salesbot.StageDemo, now); err != nil {
		t.Fatal(err)
	}
	out, err := f.move(id, stageRep, salesbot.StageQuote, now)
	if err != nil || out.Request == nil {
		t.Fatalf("ask for quote: %+v, %v", out, err)
	}
	return out.Request
}

// TestDecideStage: only managers decide; an approval moves the lead in the
// same write and the rep is told; the first decision settles it and a
// second manager is told who decided; a rejection keeps its reason.
func TestDecideStage(t *testing.T) {
	f := newStageFixture(t)
	ctx := t.Context()
	l := create(t, f.st, f.team, "Acme", stageRep.User, salesbot.GradeA, now.Add(-salesbot.Day))
	a := askQuote(t, f, l.ID)

	if _, err := f.svc.DecideStage(ctx, stageRep, f.team, a.ID, true, "", now); salesbot.ErrorCode(err) != salesbot.EFORBIDDEN {
		t.Fatalf("a rep approved: %v", err)
	}
	if _, err := f.svc.DecideLead(ctx, manager, f.team, a.ID, true, now); salesbot.ErrorCode(err) != salesbot.EINVALID {
		t.Errorf("Assign on a stage request: %v; want EINVALID", err)
	}
	d, err := f.svc.DecideStage(ctx, manager, f.team, a.ID, true, "", now)
	if err != nil || d.Moot != nil || !d.Stale {
		t.Fatalf("approve: %+v, %v; want applied, other requests due for withdrawal", d, err)
	}
	if d.Request.Status != salesbot.ApprovalApproved || d.Lead.Stage != salesbot.StageQuote || d.TellRep != stageRep.User {
		t.Errorf("approved: request %s, lead at %s, tell %q; want approved, quote, the rep", d.Request.Status, d.Lead.Stage, d.TellRep)
	}
	if got := f.read(l.ID); got.Stage != salesbot.StageQuote || !got.Due.Equal(got.CreatedAt.Add(3*salesbot.Day)) {
		t.Errorf("stored lead at %s due %v; want quote, on the services' cadence", got.Stage, got.Due)
	}
	_, err = f.svc.DecideStage(ctx, boss2, f.team, a.ID, false, "no", now)
	if salesbot.ErrorCode(err) != salesbot.ECONFLICT || !strings.Contains(salesbot.ErrorMessage(err), manager.User) {
		t.Errorf("a second manager's decision: %v; want ECONFLICT naming %s", err, manager.User)
	}

	skip, err := f.move(l.ID, stageRep, salesbot.StageNegotiation, now)
	if err != nil || skip.Request == nil {
		t.Fatalf("ask for a skip: %+v, %v", skip, err)
	}
	r, err := f.svc.DecideStage(ctx, boss2, f.team, skip.Request.ID, false, "objections first", now)
	if err != nil || r.Request.Status != salesbot.ApprovalRejected || r.Request.Reason != "objections first" || r.TellRep != stageRep.User {
		t.Fatalf("reject: %+v, %v", r, err)
	}
	if got := f.read(l.ID); got.Stage != salesbot.StageQuote {
		t.Errorf("a rejected skip moved the lead to %s", got.Stage)
	}
}

// TestDecideStageOnALeadMovedSince: a request approved after the lead
// moved is withdrawn, with why, and the lead stays where it is.
func TestDecideStageOnALeadMovedSince(t *testing.T) {
	f := newStageFixture(t)
	l := create(t, f.st, f.team, "Acme", stageRep.User, salesbot.GradeA, now.Add(-salesbot.Day))
	a := askQuote(t, f, l.ID)
	if _, err := f.move(l.ID, stageRep, salesbot.StageDiscovery, now); err != nil {
		t.Fatal(err)
	}
	d, err := f.svc.DecideStage(t.Context(), manager, f.team, a.ID, true, "", now)
	if err != nil || d.Moot == nil || d.Request.Status != salesbot.ApprovalWithdrawn || d.TellRep != "" {
		t.Fatalf("approve a stale request: %+v, %v; want it withdrawn with why", d, err)
	}
	if got := f.read(l.ID); got.Stage != salesbot.StageDiscovery {
		t.Errorf("a stale approval moved the lead to %s", got.Stage)
	}
}

// TestLeadRequests: a rep asks for another's lead; a manager assigns it
// while its owner is still owner, and both the rep and the owner are told;
// a request made before the lead changed hands is withdrawn, not applied;
// Keep leaves it.
func TestLeadRequests(t *testing.T) {
	f := newStageFixture(t)
	ctx := t.Context()
	asker := salesbot.Actor{User: "UASKER"}
	l := create(t, f.st, f.team, "Acme", stageRep.User, salesbot.GradeA, now.Add(-salesbot.Day))

	if _, err := f.svc.RequestLead(ctx, stageRep, f.team, l.ID, stageManagers, now); salesbot.ErrorCode(err) != salesbot.EINVALID {
		t.Errorf("the owner asked for their own lead: %v", err)
	}
	if _, err := f.svc.RequestLead(ctx, asker, f.team, l.ID, nil, now); salesbot.ErrorCode(err) != salesbot.EFORBIDDEN {
		t.Errorf("a request with no manager: %v", err)
	}
	ask, err := f.svc.RequestLead(ctx, asker, f.team, l.ID, stageManagers, now)
	if err != nil || len(ask.Ask) != 2 || ask.Request.Owner != stageRep.User {
		t.Fatalf("request: %+v, %v", ask, err)
	}
	if again, err := f.svc.RequestLead(ctx, asker, f.team, l.ID, stageManagers, now); err != nil || len(again.Ask) != 0 || again.Request.ID != ask.Request.ID {
		t.Errorf("asking again: %+v, %v; want the same request, no one asked anew", again, err)
	}
	rival, err := f.svc.RequestLead(ctx, salesbot.Actor{User: "URIVAL"}, f.team, l.ID, stageManagers, now)
	if err != nil || rival.Request.ID == ask.Request.ID {
		t.Fatalf("a second rep's request: %+v, %v", rival, err)
	}
	if _, err := f.svc.DecideStage(ctx, manager, f.team, ask.Request.ID, true, "", now); salesbot.ErrorCode(err) != salesbot.EINVALID {
		t.Errorf("Approve on a lead request: %v; want EINVALID", err)
	}
	d, err := f.svc.DecideLead(ctx, manager, f.team, ask.Request.ID, true, now)
	if err != nil || d.Moot != nil || d.Lead.Owner != asker.User || d.TellRep != asker.User || d.TellOwner != stageRep.User {
		t.Fatalf("assign: %+v, %v; want the lead the asker's, both told", d, err)
	}
	if got := f.read(l.ID); got.Owner != asker.User {
		t.Errorf("stored owner %s; want %s", got.Owner, asker.User)
	}
	// The other rep's request, asked of the previous owner, no longer fits.
	withdrawn, err := f.svc.WithdrawStale(ctx, d.Lead, now)
	if !d.Stale || err != nil || len(withdrawn) != 1 || withdrawn[0].Request.ID != rival.Request.ID || withdrawn[0].Moot == nil {
		t.Errorf("after the lead changed hands (stale %v): withdrawn %+v, %v; want the rival's request", d.Stale, withdrawn, err)
	}

	// Asked for, then given to someone else before a manager decides.
	m := create(t, f.st, f.team, "Beta", stageRep.User, salesbot.GradeB, now.Add(-salesbot.Day))
	stale, err := f.svc.RequestLead(ctx, asker, f.team, m.ID, stageManagers, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.UpdateLead(ctx, f.team, m.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		cs, err := l.Assign(manager, "UTHIRD", now)
		return salesbot.Update{Changes: cs}, err
	}); err != nil {
		t.Fatal(err)
	}
	d, err = f.svc.DecideLead(ctx, boss2, f.team, stale.Request.ID, true, now)
	if err != nil || d.Moot == nil || d.Request.Status != salesbot.ApprovalWithdrawn {
		t.Fatalf("assign after the lead changed hands: %+v, %v; want withdrawn", d, err)
	}
	if got := f.read(m.ID); got.Owner != "UTHIRD" {
		t.Errorf("a stale request took the lead from its new owner: %s", got.Owner)
	}

	// Keep.
	keep, err := f.svc.RequestLead(ctx, stageRep, f.team, m.ID, stageManagers, now)
	if err != nil {
		t.Fatal(err)
	}
	d, err = f.svc.DecideLead(ctx, manager, f.team, keep.Request.ID, false, now)
	if err != nil || d.Request.Status != salesbot.ApprovalRejected || d.TellRep != stageRep.User || d.TellOwner != "" {
		t.Fatalf("keep: %+v, %v", d, err)
	}
	if got := f.read(m.ID); got.Owner != "UTHIRD" {
		t.Errorf("Keep changed the owner to %s", got.Owner)
	}
}

// TestWithdrawStaleJudgesTheLeadAsItIs: the withdrawal that follows a move
// runs after the reply, and may run late, after the rep has moved on and
// asked for the next stage: the request that fits the lead as it is now
// stays pending, whatever lead the late withdrawal was given.
func TestWithdrawStaleJudgesTheLeadAsItIs(t *testing.T) {
	f := newStageFixture(t)
	ctx := t.Context()
	l := create(t, f.st, f.team, "Acme", stageRep.User, salesbot.GradeA, now.Add(-salesbot.Day))
	moved, err := f.move(l.ID, manager, salesbot.StageDiscovery, now)
	if err != nil {
		t.Fatal(err)
	}
	asked := askQuote(t, f, l.ID)                               // on to demo, then asks for quote
	withdrawn, err := f.svc.WithdrawStale(ctx, moved.Lead, now) // late, with the lead at discovery
	if err != nil {
		t.Fatal(err)
	}
	if len(withdrawn) != 0 {
		t.Fatalf("a late withdrawal withdrew %d requests that fit the lead as it is", len(withdrawn))
	}
	pending, err := f.st.PendingApprovals(ctx, f.team)
	if err != nil || len(pending) != 1 || pending[0].ID != asked.ID {
		t.Fatalf("pending after the late withdrawal: %v, %v; want the quote request", pending, err)
	}
}

// TestDirectAssignWithdrawsLeadRequests: a manager giving a lead away with
// /lead assign makes the reps' pending requests for it stale, as deciding
// one of them does.
func TestDirectAssignWithdrawsLeadRequests(t *testing.T) {
	f := newStageFixture(t)
	ctx := t.Context()
	l := create(t, f.st, f.team, "Acme", stageRep.User, salesbot.GradeA, now.Add(-salesbot.Day))
	if _, err := f.svc.RequestLead(ctx, salesbot.Actor{User: "UASKER"}, f.team, l.ID, stageManagers, now); err != nil {
		t.Fatal(err)
	}
	done, err := f.svc.Assign(ctx, manager, salesbot.RefTo(f.team, l.ID), "UTHIRD", "", now)
	if err != nil || !done.Stale {
		t.Fatalf("assign: %+v, %v; want requests for the lead due for withdrawal", done, err)
	}
	withdrawn, err := f.svc.WithdrawStale(ctx, done.Lead, now)
	if err != nil || len(withdrawn) != 1 {
		t.Fatalf("withdrawn after the assignment: %v, %v; want the request", withdrawn, err)
	}
}
