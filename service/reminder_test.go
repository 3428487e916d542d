package service_test

import (
	"log/slog"
	"testing"
	"time"

	"salesbot"
	"salesbot/service"
)

// TestFollowUpsDueByEndOfRepsDay: a rep's follow-ups are their open leads
// due before the end of their own day, most overdue first; tomorrow's, a
// closed lead's and another rep's are not among them.
func TestFollowUpsDueByEndOfRepsDay(t *testing.T) {
	st, team := newTeam(t)
	svc := service.New(service.Config{Store: st})
	c := salesbot.DefaultCadence()
	// now is 09:00 UTC, 17:00 in Shanghai: the rep's day ends at 16:00 UTC.
	shanghai := time.FixedZone("CST", 8*3600)
	dueAt := func(at time.Time) time.Time { return at.Add(-c[salesbot.GradeB]) }
	lateToday := create(t, st, team, "Late Today", "UREP", salesbot.GradeB, dueAt(now.Add(6*time.Hour)))
	overdue := create(t, st, team, "Long Overdue", "UREP", salesbot.GradeB, dueAt(now.Add(-5*salesbot.Day)))
	create(t, st, team, "Tomorrow", "UREP", salesbot.GradeB, dueAt(now.Add(8*time.Hour)))
	create(t, st, team, "Someone Elses", "UOTHER", salesbot.GradeB, dueAt(now.Add(-time.Hour)))
	lost := create(t, st, team, "Lost Co", "UREP", salesbot.GradeB, dueAt(now.Add(-2*salesbot.Day)))
	if _, err := st.UpdateLead(t.Context(), team, lost.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		ch, err := l.Lose(salesbot.Actor{User: "UREP"}, "", now)
		return salesbot.Update{Changes: []salesbot.Change{ch}}, err
	}); err != nil {
		t.Fatal(err)
	}
	f, err := svc.FollowUps(t.Context(), team, "UREP", now, shanghai)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Leads) != 4 {
		t.Errorf("%d leads read; want the rep's 4", len(f.Leads))
	}
	var got []string
	for _, l := range f.Due {
		got = append(got, l.ID)
	}
	if len(got) != 2 || got[0] != overdue.ID || got[1] != lateToday.ID {
		t.Fatalf("due %v; want %s (overdue) then %s (later today in Shanghai)", got, overdue.ID, lateToday.ID)
	}
	// For a rep in UTC the same moment is 09:00, and the day ends at 24:00
	// UTC: the lead due at 17:00 UTC is due today too.
	f, err = svc.FollowUps(t.Context(), team, "UREP", now, time.UTC)
	if err != nil || len(f.Due) != 3 {
		t.Fatalf("due in UTC: %d %v; want 3", len(f.Due), err)
	}
}

// TestSnoozeKeepsDueInStep: a snooze moves the lead's due time with it,
// stored; only the owner or a manager may snooze.
func TestSnoozeKeepsDueInStep(t *testing.T) {
	st, team := newTeam(t)
	svc := service.New(service.Config{Store: st})
	l := create(t, st, team, "Snoozy Co", "UREP", salesbot.GradeA, now.Add(-30*salesbot.Day))
	until := now.Add(7 * salesbot.Day)
	if _, err := svc.Snooze(t.Context(), team, salesbot.Actor{User: "USTRANGER"}, l.ID, until, now); salesbot.ErrorCode(err) != salesbot.EFORBIDDEN {
		t.Fatalf("a stranger's snooze: %v; want EFORBIDDEN", err)
	}
	got, err := svc.Snooze(t.Context(), team, salesbot.Actor{User: "UREP"}, l.ID, until, now)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := st.Lead(t.Context(), team, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Due.Equal(until) || !stored.Due.Equal(until) || !stored.SnoozedUntil.Equal(until) {
		t.Fatalf("after the snooze: due %v, stored due %v, snoozed until %v; want all %v", got.Due, stored.Due, stored.SnoozedUntil, until)
	}
	due, err := st.DueLeads(t.Context(), team, until.Add(-time.Minute), 10)
	if err != nil || len(due) != 0 {
		t.Fatalf("due before the snooze ends: %v %v; want none", due, err)
	}
}

// TestReminderHandledOnlyOnOwnReminder: a note is recorded on the reminder
// the bot sent to the user, about a lead it holds; anyone else's reminder,
// a lead it does not hold, or a message the bot does not know is left as
// it is and nothing is to be redrawn.
func TestReminderHandledOnlyOnOwnReminder(t *testing.T) {
	st, team := newTeam(t)
	svc := service.New(service.Config{Store: st, Logger: slog.New(slog.DiscardHandler)})
	ctx := t.Context()
	a := create(t, st, team, "Alpha", "UREP", salesbot.GradeA, now.Add(-30*salesbot.Day))
	b := create(t, st, team, "Beta", "UREP", salesbot.GradeB, now.Add(-30*salesbot.Day))
	other := create(t, st, team, "Other", "UREP", salesbot.GradeB, now.Add(-30*salesbot.Day))
	m := salesbot.ReminderMessage{Where: "DREP", ID: "1700000000.000100"}
	if err := st.SaveReminder(ctx, team, m.Where, m.ID, "UREP", []string{a.ID, b.ID}); err != nil {
		t.Fatal(err)
	}
	for name, try := range map[string]func() (salesbot.Handled, error){
		"someone else's reminder": func() (salesbot.Handled, error) {
			return svc.ReminderHandled(ctx, team, "UMALLORY", m, a.ID, "hijacked")
		},
		"a lead it does not hold": func() (salesbot.Handled, error) {
			return svc.ReminderHandled(ctx, team, "UREP", m, other.ID, "wrong lead")
		},
		"a message the bot does not know": func() (salesbot.Handled, error) {
			return svc.ReminderHandled(ctx, team, "UREP", salesbot.ReminderMessage{Where: "DREP", ID: "1.2"}, a.ID, "unknown")
		},
		"no message": func() (salesbot.Handled, error) {
			return svc.ReminderHandled(ctx, team, "UREP", salesbot.ReminderMessage{}, a.ID, "none")
		},
	} {
		h, err := try()
		if err != nil || len(h.Leads) != 0 {
			t.Errorf("%s: %d leads to redraw, %v; want none, no error", name, len(h.Leads), err)
		}
	}
	h, err := svc.ReminderHandled(ctx, team, "UREP", m, b.ID, "snoozed")
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Leads) != 2 || h.Leads[0].ID != a.ID || h.Leads[1].ID != b.ID {
		t.Fatalf("reminder's leads %v; want %s, %s", h.Leads, a.ID, b.ID)
	}
	if len(h.Notes) != 1 || h.Notes[b.ID] != "snoozed" {
		t.Fatalf("notes %v; want only the owner's on %s (no one else's got in)", h.Notes, b.ID)
	}
}

// TestReminding: a follow-up still due is sent inside its owner's working
// hours on their own clock, waits for their day to start outside them, and
// waits a while when their time zone is not known; one not due any more is
// let go, without asking where the owner is.
func TestReminding(t *testing.T) {
	svc := service.New(service.Config{Store: nil})
	c := salesbot.DefaultCadence()
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	// Tuesday 24 November 2026, 09:00 UTC is 04:00 in New York.
	l, _, err := salesbot.NewLead(salesbot.Actor{User: "UREP"}, "T1", "", "Due Co", salesbot.GradeA, now.Add(-30*salesbot.Day))
	if err != nil {
		t.Fatal(err)
	}
	l.Schedule(c)
	asked := 0
	each := salesbot.NotifyPrefs{Mode: salesbot.NotifyEach}
	in := func(loc *time.Location, known bool) func(string) (*time.Location, bool) {
		return func(user string) (*time.Location, bool) {
			asked++
			if user != "UREP" {
				t.Errorf("asked the zone of %s; want the owner's", user)
			}
			return loc, known
		}
	}
	if r := svc.Reminding(l, now, in(time.UTC, true), each); !r.Send || !r.Due.Equal(l.Due) {
		t.Errorf("due, at 09:00 on the owner's clock: %+v; want sent now about %v", r, l.Due)
	}
	startOfDay := time.Date(2026, 11, 24, 9, 0, 0, 0, newYork)
	if r := svc.Reminding(l, now, in(newYork, true), each); r.Send || !r.Later.Equal(startOfDay) {
		t.Errorf("due at 04:00 on the owner's clock: %+v; want kept until %v", r, startOfDay)
	}
	if r := svc.Reminding(l, now, in(nil, false), each); r.Send || !r.ZoneUnknown || !r.Later.Equal(now.Add(service.ZoneRetry)) {
		t.Errorf("owner's zone unknown: %+v; want kept for %v", r, service.ZoneRetry)
	}
	l.MarkReminded(l.Due)
	asked = 0
	if r := svc.Reminding(l, now, in(time.UTC, true), each); r.Send || !r.Later.IsZero() || asked != 0 {
		t.Errorf("reminded already: %+v, zone asked %d times; want let go, never asked", r, asked)
	}
}
