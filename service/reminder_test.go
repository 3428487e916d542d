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

// TestRemindingLadder: the ladder's steps are what is due once reminded;
// the nudge waits for the owner's hours, the managers' step for the end of
// the owner's day off, a parked lead for the day it wakes on the owner's
// clock; Escalating picks the managers reachable now, or says when the
// first is.
func TestRemindingLadder(t *testing.T) {
	svc := service.New(service.Config{Store: nil})
	c := salesbot.DefaultCadence()
	e := salesbot.DefaultEscalation()
	utc := func(string) (*time.Location, bool) { return time.UTC, true }
	each := salesbot.NotifyPrefs{Mode: salesbot.NotifyEach, BatchHour: salesbot.DayStart}
	tue9 := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	l, _, err := salesbot.NewLead(salesbot.Actor{User: "UREP"}, "T1", "", "Due Co", salesbot.GradeA, tue9.Add(-7*salesbot.Day))
	if err != nil {
		t.Fatal(err)
	}
	l.Schedule(c)
	l.StartLadder(l.Due, tue9, e)

	if r := svc.Reminding(l, tue9.Add(23*time.Hour), utc, each); r.Send || !r.Later.IsZero() {
		t.Errorf("before the nudge: %+v; want nothing", r)
	}
	// The nudge falls due Wednesday 09:00; at 20:00 it waits for Thursday.
	if r := svc.Reminding(l, tue9.Add(salesbot.Day), utc, each); !r.Send || r.Step != salesbot.LadderNudged {
		t.Errorf("nudge due in hours: %+v; want sent", r)
	}
	if r := svc.Reminding(l, tue9.Add(salesbot.Day+11*time.Hour), utc, each); r.Send || !r.Later.Equal(tue9.Add(2*salesbot.Day)) {
		t.Errorf("nudge due at night: %+v; want kept until Thursday 09:00", r)
	}
	l.Climb(salesbot.LadderNudged, tue9.Add(salesbot.Day), e)
	thu := tue9.Add(2 * salesbot.Day)
	if r := svc.Reminding(l, thu, utc, each); !r.Send || r.Step != salesbot.LadderManagers {
		t.Errorf("managers' step: %+v; want sent", r)
	}
	away := each
	away.DaysOff = []salesbot.DateSpan{{From: salesbot.DateOf(thu), To: salesbot.DateOf(thu)}}
	if r := svc.Reminding(l, thu, utc, away); r.Send || !r.Later.Equal(thu.Add(salesbot.Day)) {
		t.Errorf("owner away: %+v; want kept until Friday 09:00", r)
	}

	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	zones := func(u string) (*time.Location, bool) {
		switch u {
		case "UMGRSH":
			return shanghai, true
		case "UMGRUTC":
			return time.UTC, true
		}
		return nil, false
	}
	// Thursday 09:00 UTC is 17:00 in Shanghai: both reachable.
	if open, later := svc.Escalating([]string{"UMGRSH", "UMGRUTC"}, thu, zones, nil); len(open) != 2 || !later.IsZero() {
		t.Errorf("Escalating at 09:00 UTC = %v, %v; want both now", open, later)
	}
	// 11:00 UTC is 19:00 in Shanghai: the UTC manager only.
	if open, _ := svc.Escalating([]string{"UMGRSH", "UMGRUTC"}, thu.Add(2*time.Hour), zones, nil); len(open) != 1 || open[0] != "UMGRUTC" {
		t.Errorf("Escalating at 11:00 UTC = %v; want the UTC manager", open)
	}
	// 20:00 UTC: nobody; Shanghai's Friday 09:00 (01:00 UTC) comes first.
	if open, later := svc.Escalating([]string{"UMGRSH", "UMGRUTC"}, thu.Add(11*time.Hour), zones, nil); len(open) != 0 || !later.Equal(thu.Add(16*time.Hour)) {
		t.Errorf("Escalating at 20:00 UTC = %v, %v; want none until %v", open, later, thu.Add(16*time.Hour))
	}
	if open, later := svc.Escalating([]string{"UNOZONE"}, thu, zones, nil); len(open) != 0 || !later.Equal(thu.Add(service.ZoneRetry)) {
		t.Errorf("zone unknown: %v, %v; want a retry", open, later)
	}

	p, _, err := salesbot.NewLead(salesbot.Actor{User: "UREP"}, "T1", "", "Parked Co", salesbot.GradeB, tue9.Add(-20*salesbot.Day))
	if err != nil {
		t.Fatal(err)
	}
	p.Schedule(c)
	wake := salesbot.DateOf(tue9).AddDays(3)
	if _, err := p.Park(salesbot.Actor{User: "UREP"}, wake, "", salesbot.DateOf(tue9), c, tue9); err != nil {
		t.Fatal(err)
	}
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	ny := func(string) (*time.Location, bool) { return newYork, true }
	// The alarm comes at the earliest the day starts anywhere; in New York
	// it is still the day before: it waits for New York's midnight.
	if r := svc.Reminding(p, p.ReminderAt(), ny, each); r.Send || !r.Later.Equal(wake.In(newYork)) {
		t.Errorf("parked, woken elsewhere first: %+v; want kept until %v", r, wake.In(newYork))
	}
}
