package service_test

import (
	"slices"
	"testing"
	"time"

	"salesbot"
	"salesbot/service"
)

// TestInboundService: anyone records; every manager is to be told; the
// first touch is due in working time on the rep's clock, past their days
// off and the evening, as SALESBOT_INBOUND_DUE says; a rep assigns nothing
// and sees no queue; a raise is marked once.
func TestInboundService(t *testing.T) {
	st, team := newTeam(t)
	ctx := t.Context()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	svc := service.New(service.Config{Store: st, Managers: []string{"UBOSS"}, InboundDue: salesbot.InboundDue{Time: 3 * time.Hour}})
	if err := st.AddManager(ctx, team, "UBOSS2"); err != nil {
		t.Fatal(err)
	}
	desk := salesbot.Actor{User: "UDESK", Zone: ny}
	// Friday 16:00 in New York.
	at := time.Date(2026, 11, 27, 16, 0, 0, 0, ny)
	rec, err := svc.RecordInquiry(ctx, desk, team, salesbot.InquiryInput{Company: "Acme", Notes: "call back"}, nil, at)
	if err != nil || rec.Inquiry == nil || !slices.Equal(rec.Managers, []string{"UBOSS", "UBOSS2"}) {
		t.Fatalf("record: %+v, %v", rec, err)
	}
	// Raised on Monday 16:00, one working day later on the recorder's clock.
	if want := time.Date(2026, 11, 30, 16, 0, 0, 0, ny); !rec.Inquiry.RaiseAt.Equal(want) {
		t.Errorf("raise at %v; want %v", rec.Inquiry.RaiseAt.In(ny), want)
	}
	// A rep sees no queue and assigns nothing.
	rep := salesbot.Actor{User: "UREP", Zone: ny}
	if _, _, err := svc.Inquiries(ctx, rep, team, 10); salesbot.ErrorCode(err) != salesbot.EFORBIDDEN {
		t.Errorf("a rep's list: %v", err)
	}
	if _, err := svc.AssignInquiry(ctx, rep, team, rec.Inquiry.ID, "UREP", ny, at); salesbot.ErrorCode(err) != salesbot.EFORBIDDEN {
		t.Errorf("a rep assigning: %v", err)
	}
	// The rep is off on Monday: 2 h on Friday, 1 h on Tuesday morning.
	if _, err := svc.SetNotifyPrefs(ctx, team, rep, salesbot.NotifyPrefs{Mode: salesbot.NotifyBatch, BatchHour: salesbot.DayStart,
		DaysOff: []salesbot.DateSpan{{From: salesbot.Date{Year: 2026, Month: 11, Day: 30}, To: salesbot.Date{Year: 2026, Month: 11, Day: 30}}}}, at); err != nil {
		t.Fatal(err)
	}
	done, err := svc.AssignInquiry(ctx, salesbot.Actor{User: "UBOSS", Manager: true}, team, rec.Inquiry.ID, "UREP", ny, at)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 12, 1, 10, 0, 0, 0, ny); !done.Due.Equal(want) || !done.Lead.Due.Equal(want) {
		t.Errorf("first touch due %v; want Tuesday 10:00 (Monday is a day off)", done.Due.In(ny))
	}
	// The raise of a settled inquiry is not marked.
	q, err := svc.MarkRaised(ctx, team, rec.Inquiry.ID, rec.Inquiry.RaiseAt, at.Add(72*time.Hour))
	if err != nil || q.Raised != 0 || q.Status != salesbot.InquiryAssigned {
		t.Errorf("mark a settled inquiry raised: %+v, %v", q, err)
	}
	// A waiting one is, once for its raise time.
	rec2, _ := svc.RecordInquiry(ctx, desk, team, salesbot.InquiryInput{Company: "Globex"}, []string{"UBOSS"}, at)
	due, err := svc.InquiriesToRaise(ctx, team, rec2.Inquiry.RaiseAt, 10)
	if err != nil || len(due) != 1 || due[0].ID != rec2.Inquiry.ID {
		t.Fatalf("to raise: %v, %v", due, err)
	}
	for range 2 {
		if _, err := svc.MarkRaised(ctx, team, rec2.Inquiry.ID, rec2.Inquiry.RaiseAt, rec2.Inquiry.RaiseAt); err != nil {
			t.Fatal(err)
		}
	}
	if q, _ := svc.Inquiry(ctx, salesbot.Actor{User: "UBOSS", Manager: true}, team, rec2.Inquiry.ID); q.Raised != 1 {
		t.Errorf("raised %d times for one raise time", q.Raised)
	}
}
