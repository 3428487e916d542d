package salesbot_test

import (
	"testing"
	"time"

	"salesbot"
)

// TestLadder follows one A follow-up up the ladder: the reminder, the
// nudge at half the delay counted from when the reminder went out, the
// managers at the delay, then nothing; a visit starts a new follow-up and a
// regrade stops the climb.
func TestLadder(t *testing.T) {
	e := salesbot.DefaultEscalation() // A=2d
	l := newLead(t, "Acme", salesbot.GradeA)
	l.Schedule(salesbot.DefaultCadence())
	due := l.Due
	if step, ok := l.NextAlarm(); !ok || step != salesbot.LadderReminded || !l.ReminderAt().Equal(due) {
		t.Fatalf("new lead: next alarm %v %v at %v; want the reminder at %v", step, ok, l.ReminderAt(), due)
	}
	if l.AwaitsReminder(due.Add(-time.Second)) || !l.AwaitsReminder(due) {
		t.Errorf("new lead: awaits its reminder before its due time, or not at it")
	}
	sent := due.Add(14 * time.Hour) // reminded the next morning
	l.StartLadder(due, sent, e)
	if l.AwaitsReminder(sent.Add(salesbot.Day)) {
		t.Errorf("reminded: still awaits its reminder at the nudge")
	}
	if step, _ := l.NextAlarm(); step != salesbot.LadderNudged || !l.ReminderAt().Equal(sent.Add(salesbot.Day)) {
		t.Fatalf("reminded: next %v at %v; want the nudge at %v", step, l.ReminderAt(), sent.Add(salesbot.Day))
	}
	c := l.Climb(salesbot.LadderNudged, sent.Add(salesbot.Day+time.Hour), e)
	if c.Kind != salesbot.ChangeEscalated || c.To != "nudged" || c.LeadID != l.ID {
		t.Errorf("nudge's change %+v", c)
	}
	// The nudge went out an hour late: the managers' step keeps half the
	// delay after it.
	if step, _ := l.NextAlarm(); step != salesbot.LadderManagers || !l.ReminderAt().Equal(sent.Add(2*salesbot.Day+time.Hour)) {
		t.Fatalf("nudged: next %v at %v; want the managers at %v", step, l.ReminderAt(), sent.Add(2*salesbot.Day+time.Hour))
	}
	if c := l.Climb(salesbot.LadderManagers, sent.Add(2*salesbot.Day+time.Hour), e); c.To != "managers" {
		t.Errorf("managers' change %+v", c)
	}
	if _, ok := l.NextAlarm(); ok || !l.ReminderAt().IsZero() {
		t.Errorf("at the top: alarm at %v; want none", l.ReminderAt())
	}

	// A nudge held back over a weekend (reminded Friday 09:00, nudged
	// Monday 09:00): the managers' step a day after the nudge, not at once.
	fri := time.Date(2026, 6, 19, 9, 0, 0, 0, time.UTC)
	w := newLead(t, "Weekend", salesbot.GradeA)
	w.Schedule(salesbot.DefaultCadence())
	w.StartLadder(w.Due, fri, e)
	w.Climb(salesbot.LadderNudged, fri.Add(3*salesbot.Day), e)
	if want := fri.Add(4 * salesbot.Day); !w.ReminderAt().Equal(want) {
		t.Errorf("nudged on Monday: the managers at %v; want %v", w.ReminderAt(), want)
	}

	// A grade without escalation does not climb.
	d := newLead(t, "Quiet", salesbot.GradeD)
	d.Schedule(salesbot.DefaultCadence())
	off, err := salesbot.ParseEscalation("D=off")
	if err != nil {
		t.Fatal(err)
	}
	d.StartLadder(d.Due, d.Due, off)
	if !d.ReminderAt().IsZero() {
		t.Errorf("D=off: alarm at %v; want none", d.ReminderAt())
	}

	// A regrade after the reminder stops the climb.
	r := newLead(t, "Regraded", salesbot.GradeA)
	r.Schedule(salesbot.DefaultCadence())
	r.StartLadder(r.Due, r.Due, e)
	if _, err := r.Regrade(rep, salesbot.GradeB, "slower than we hoped", r.Due.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if r.Climbed != salesbot.LadderStopped || !r.ReminderAt().IsZero() {
		t.Errorf("regraded: climbed %v, alarm %v; want stopped, none", r.Climbed, r.ReminderAt())
	}
}

// TestPark: the dates a park takes, the grade's window, and a visit or an
// unpark waking the lead.
func TestPark(t *testing.T) {
	c := salesbot.DefaultCadence()
	today := salesbot.DateOf(registered)
	for _, tt := range []struct {
		name  string
		grade salesbot.Grade
		until salesbot.Date
		code  string
	}{
		{"a week", salesbot.GradeA, today.AddDays(7), ""},
		{"today", salesbot.GradeA, today, salesbot.EINVALID},
		{"in the past", salesbot.GradeB, today.AddDays(-3), salesbot.EINVALID},
		{"A past its window", salesbot.GradeA, today.AddDays(15), salesbot.EINVALID},
		{"A at its window", salesbot.GradeA, today.AddDays(14), ""},
		{"C for two months", salesbot.GradeC, today.AddDays(60), ""},
		{"D for half a year", salesbot.GradeD, today.AddDays(180), ""},
		{"D past its window", salesbot.GradeD, today.AddDays(200), salesbot.EINVALID},
		{"years ahead", salesbot.GradeD, today.AddDays(800), salesbot.EINVALID},
	} {
		t.Run(tt.name, func(t *testing.T) {
			l := newLead(t, "Acme", tt.grade)
			l.Schedule(c)
			ch, err := l.Park(rep, tt.until, "budget frozen", today, c, registered)
			wantCode(t, err, tt.code)
			if tt.code != "" {
				if !l.ParkedUntil.IsZero() {
					t.Errorf("refused park left the lead parked until %s", l.ParkedUntil)
				}
				return
			}
			if ch.Kind != salesbot.ChangeParked || ch.To != tt.until.String() || ch.Reason != "budget frozen" {
				t.Errorf("change %+v", ch)
			}
			if !l.Parked(today) || !l.Parked(tt.until.AddDays(-1)) || l.Parked(tt.until) {
				t.Errorf("parked until %s: parked today %v, the day before %v, that day %v", tt.until, l.Parked(today), l.Parked(tt.until.AddDays(-1)), l.Parked(tt.until))
			}
			if at := l.ReminderAt(); at.Before(l.Waking()) {
				t.Errorf("parked lead's alarm at %v, before it wakes (%v)", at, l.Waking())
			}
		})
	}
	if _, err := newLead(t, "Acme", salesbot.GradeA).Park(stranger, today.AddDays(3), "", today, c, registered); salesbot.ErrorCode(err) != salesbot.EFORBIDDEN {
		t.Errorf("another rep parks: %v; want EFORBIDDEN", err)
	}

	l := newLead(t, "Acme", salesbot.GradeB)
	l.Schedule(c)
	if _, err := l.Park(rep, today.AddDays(10), "", today, c, registered); err != nil {
		t.Fatal(err)
	}
	if _, err := l.RecordVisit(rep, &salesbot.Visit{Kind: salesbot.KindCall, Notes: "budget thawed"}, time.UTC, registered.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if l.Parked(today) {
		t.Error("a logged touch left the lead parked")
	}
	if _, err := l.Unpark(rep, today, registered); salesbot.ErrorCode(err) != salesbot.EINVALID {
		t.Errorf("unpark a lead not parked: %v; want EINVALID", err)
	}
	if _, err := l.Park(rep, today.AddDays(10), "", today, c, registered); err != nil {
		t.Fatal(err)
	}
	if ch, err := l.Unpark(rep, today, registered); err != nil || ch.Kind != salesbot.ChangeUnparked || l.Parked(today) {
		t.Errorf("unpark: %+v, %v, parked %v", ch, err, l.Parked(today))
	}
}

// TestParkedNoStalenessRisks: a parked lead long overdue has no overdue or
// stuck risk until it wakes.
func TestParkedNoStalenessRisks(t *testing.T) {
	c := salesbot.DefaultCadence()
	l := newLead(t, "Acme", salesbot.GradeA)
	l.Schedule(c)
	now := registered.Add(30 * salesbot.Day)
	has := func(k salesbot.RiskKind) bool {
		for _, r := range salesbot.Risks(l, now, c) {
			if r.Kind == k {
				return true
			}
		}
		return false
	}
	if !has(salesbot.RiskOverdue) || !has(salesbot.RiskStuck) {
		t.Fatal("the test lead is not overdue and stuck to begin with")
	}
	if _, err := l.Park(boss, salesbot.DateOf(now).AddDays(7), "", salesbot.DateOf(now), c, now); err != nil {
		t.Fatal(err)
	}
	if has(salesbot.RiskOverdue) || has(salesbot.RiskStuck) {
		t.Errorf("parked lead has staleness risks: %+v", salesbot.Risks(l, now, c))
	}
}

// TestTiming: the morning batch, one by one later in the day, each as it
// falls due, and days off.
func TestTiming(t *testing.T) {
	w := salesbot.DefaultWorkHours() // 09–18, Monday to Friday
	mon := time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC)
	at := func(day, hour int) time.Time {
		return mon.Add(time.Duration(day)*salesbot.Day + time.Duration(hour)*time.Hour)
	}
	batch := salesbot.DefaultNotifyPrefs()
	ten := batch
	ten.BatchHour = 10
	eight := batch
	eight.BatchHour = 8
	each := salesbot.NotifyPrefs{Mode: salesbot.NotifyEach, BatchHour: salesbot.DayStart}
	away := batch
	away.DaysOff = []salesbot.DateSpan{{From: salesbot.DateOf(at(0, 0)), To: salesbot.DateOf(at(1, 0))}}
	for _, tt := range []struct {
		name     string
		p        salesbot.NotifyPrefs
		due, now time.Time
		morning  bool
		later    time.Time
	}{
		{"overnight, before the day", batch, at(0, 3), at(0, 7), true, at(0, 9)},
		{"overnight, at the batch", batch, at(0, 3), at(0, 9), true, time.Time{}},
		{"later in the day", batch, at(0, 11), at(0, 11), false, time.Time{}},
		{"due 09:30 waits for a 10:00 batch", ten, at(0, 9).Add(30 * time.Minute), at(0, 9).Add(40 * time.Minute), true, at(0, 10)},
		{"evening: tomorrow's batch", batch, at(0, 19), at(0, 20), true, at(1, 9)},
		{"evening, an 08:00 batch: tomorrow's batch, not the working day's start", eight, at(0, 19), at(0, 20), true, at(1, 8)},
		{"Saturday morning: Monday's batch", batch, at(5, 0), at(5, 9).Add(10 * time.Minute), true, at(7, 9)},
		{"Friday evening: Monday's batch", batch, at(4, 19), at(4, 19), true, at(7, 9)},
		{"each, Saturday: Monday", each, at(5, 3), at(5, 10), false, at(7, 9)},
		{"each, at night", each, at(0, 3), at(0, 7), false, at(0, 9)},
		{"each, in hours", each, at(0, 3), at(0, 9), false, time.Time{}},
		{"day off", away, at(0, 3), at(0, 9), true, at(2, 9)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			morning, later := tt.p.Timing(tt.due, tt.now, time.UTC, w)
			if morning != tt.morning || !later.Equal(tt.later) {
				t.Errorf("Timing = %v, %v; want %v, %v", morning, later, tt.morning, tt.later)
			}
		})
	}
}
