package salesbot_test

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"salesbot"
)

func TestNextDueSnoozed(t *testing.T) {
	cadence := salesbot.DefaultCadence()
	due := registered.Add(14 * salesbot.Day) // grade B's cadence
	planned := registered.Add(5 * salesbot.Day)
	tests := []struct {
		name     string
		nextStep time.Time // NextStepDue; zero leaves the cadence
		snooze   time.Time
		want     time.Time
	}{
		{"no snooze", time.Time{}, time.Time{}, due},
		{"a snooze later than due wins", time.Time{}, due.Add(3 * salesbot.Day), due.Add(3 * salesbot.Day)},
		{"a snooze earlier than due does not bring it forward", time.Time{}, due.Add(-3 * salesbot.Day), due},
		{"a snooze ending at the due time", time.Time{}, due, due},
		{"a snooze later than a planned step wins", planned, planned.Add(time.Hour), planned.Add(time.Hour)},
		{"a snooze earlier than a planned step does not", planned, planned.Add(-time.Hour), planned},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newLead(t, "Acme", salesbot.GradeB)
			l.NextStepDue, l.SnoozedUntil = tt.nextStep, tt.snooze
			if got := l.NextDue(cadence); !got.Equal(tt.want) {
				t.Errorf("NextDue = %v, want %v", got, tt.want)
			}
			l.Schedule(cadence)
			if !l.Due.Equal(tt.want) || !l.ReminderAt().Equal(tt.want) {
				t.Errorf("after Schedule: Due = %v, ReminderAt = %v; want both %v", l.Due, l.ReminderAt(), tt.want)
			}
		})
	}
	t.Run("a closed lead has no due time, snoozed or not", func(t *testing.T) {
		l := newLead(t, "Acme", salesbot.GradeB)
		l.SnoozedUntil = due.Add(salesbot.Day)
		if _, err := l.Win(boss, later); err != nil {
			t.Fatal(err)
		}
		if got := l.NextDue(cadence); !got.IsZero() {
			t.Errorf("NextDue = %v, want zero", got)
		}
	})
}

func TestSnooze(t *testing.T) {
	shanghai := mustLoc(t, "Asia/Shanghai")
	tests := []struct {
		name  string
		by    salesbot.Actor
		until time.Time
		to    string // the change's To
	}{
		{"by the owner", rep, later.Add(10 * salesbot.Day), "2026-11-19T09:30:00Z"},
		{"by a manager", boss, later.Add(10 * salesbot.Day), "2026-11-19T09:30:00Z"},
		{"a minute", rep, later.Add(time.Minute), "2026-11-09T09:31:00Z"},
		{"the longest", rep, later.Add(salesbot.MaxSnooze), "2027-02-07T09:30:00Z"},
		{"given in another zone, kept in UTC", rep, time.Date(2026, 12, 1, 9, 0, 0, 0, shanghai), "2026-12-01T01:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newLead(t, "Acme", salesbot.GradeB)
			c, err := l.Snooze(tt.by, tt.until, later)
			if err != nil {
				t.Fatalf("Snooze: %v", err)
			}
			want := salesbot.Change{LeadID: "L1", Company: "Acme", Kind: salesbot.ChangeSnooze, By: tt.by.User, At: later, To: tt.to}
			if c != want {
				t.Errorf("change = %+v\nwant %+v", c, want)
			}
			if !l.SnoozedUntil.Equal(tt.until) || !l.UpdatedAt.Equal(later) {
				t.Errorf("SnoozedUntil, UpdatedAt = %v, %v; want %v, %v", l.SnoozedUntil, l.UpdatedAt, tt.until, later)
			}
		})
	}
	t.Run("a second snooze replaces the first", func(t *testing.T) {
		l := newLead(t, "Acme", salesbot.GradeB)
		for _, until := range []time.Time{later.Add(20 * salesbot.Day), later.Add(5 * salesbot.Day)} {
			if _, err := l.Snooze(rep, until, later); err != nil {
				t.Fatal(err)
			}
			if !l.SnoozedUntil.Equal(until) {
				t.Errorf("SnoozedUntil = %v, want %v", l.SnoozedUntil, until)
			}
		}
	})
}

func TestSnoozeRefused(t *testing.T) {
	won := func(l *salesbot.Lead) error { _, err := l.Win(boss, later); return err }
	lost := func(l *salesbot.Lead) error { _, err := l.Lose(rep, "no budget", later); return err }
	tests := []struct {
		name    string
		by      salesbot.Actor
		close   func(*salesbot.Lead) error // nil leaves the lead open
		until   time.Time
		code    string
		mention string
	}{
		{"a stranger", stranger, nil, later.Add(salesbot.Day), salesbot.EFORBIDDEN, "Only its owner or a manager"},
		{"a won lead", boss, won, later.Add(salesbot.Day), salesbot.EINVALID, "is closed"},
		{"a lost lead", rep, lost, later.Add(salesbot.Day), salesbot.EINVALID, "is closed"},
		{"in the past", rep, nil, later.Add(-time.Minute), salesbot.EINVALID, "90 days"},
		{"now", rep, nil, later, salesbot.EINVALID, "90 days"},
		{"beyond MaxSnooze", rep, nil, later.Add(salesbot.MaxSnooze + time.Second), salesbot.EINVALID, "90 days"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newLead(t, "Acme", salesbot.GradeB)
			if tt.close != nil {
				if err := tt.close(l); err != nil {
					t.Fatal(err)
				}
			}
			before := *l
			c, err := l.Snooze(tt.by, tt.until, later)
			wantCode(t, err, tt.code)
			wantMessage(t, err, tt.mention)
			if c != (salesbot.Change{}) {
				t.Errorf("change = %+v, want none", c)
			}
			if !reflect.DeepEqual(*l, before) {
				t.Errorf("refused snooze changed the lead:\n%+v\nwas %+v", *l, before)
			}
		})
	}
}

func TestVisitEndsSnooze(t *testing.T) {
	cadence := salesbot.DefaultCadence()
	l := newLead(t, "Acme", salesbot.GradeB)
	until := later.Add(30 * salesbot.Day)
	if _, err := l.Snooze(rep, until, later); err != nil {
		t.Fatal(err)
	}
	l.Schedule(cadence)
	if !l.Due.Equal(until) {
		t.Fatalf("snoozed Due = %v, want %v", l.Due, until)
	}

	// A visit the stranger may not log leaves the snooze alone.
	if _, err := l.RecordVisit(stranger, &salesbot.Visit{}, time.UTC, later.Add(time.Hour)); salesbot.ErrorCode(err) != salesbot.EFORBIDDEN {
		t.Fatalf("stranger's visit: %v", err)
	}
	if !l.SnoozedUntil.Equal(until) {
		t.Errorf("a refused visit ended the snooze: SnoozedUntil = %v", l.SnoozedUntil)
	}

	touched := later.Add(salesbot.Day)
	visitAt(t, l, rep, salesbot.Visit{Kind: salesbot.KindCall}, time.UTC, touched)
	if !l.SnoozedUntil.IsZero() {
		t.Errorf("SnoozedUntil = %v after a visit, want zero", l.SnoozedUntil)
	}
	l.Schedule(cadence)
	if want := touched.Add(14 * salesbot.Day); !l.Due.Equal(want) || !l.ReminderAt().Equal(want) {
		t.Errorf("Due, ReminderAt = %v, %v; want the cadence from the visit, %v", l.Due, l.ReminderAt(), want)
	}
}

func TestReminderAt(t *testing.T) {
	shanghai := mustLoc(t, "Asia/Shanghai")
	due := registered.Add(14 * salesbot.Day)
	tests := []struct {
		name     string
		due      time.Time
		reminded time.Time
		close    func(*salesbot.Lead) error // nil leaves the lead open
		want     time.Time
	}{
		{"due, not reminded", due, time.Time{}, nil, due},
		{"no due time", time.Time{}, time.Time{}, nil, time.Time{}},
		{"no due time, reminded before", time.Time{}, due, nil, time.Time{}},
		{"reminded of this due time", due, due, nil, time.Time{}},
		{"reminded of the same instant in another zone", due, due.In(shanghai), nil, time.Time{}},
		{"reminded of an earlier due time", due, due.Add(-7 * salesbot.Day), nil, due},
		{"reminded of a later due time", due, due.Add(time.Millisecond), nil, due},
		{"won", due, time.Time{}, func(l *salesbot.Lead) error { _, err := l.Win(boss, later); return err }, time.Time{}},
		{"lost", due, time.Time{}, func(l *salesbot.Lead) error { _, err := l.Lose(rep, "", later); return err }, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newLead(t, "Acme", salesbot.GradeB)
			if tt.close != nil {
				if err := tt.close(l); err != nil {
					t.Fatal(err)
				}
			}
			// Set after closing: ReminderAt must not lean on Schedule
			// having cleared a closed lead's Due.
			l.Due, l.RemindedDue = tt.due, tt.reminded
			if got := l.ReminderAt(); !got.Equal(tt.want) || got.IsZero() != tt.want.IsZero() {
				t.Errorf("ReminderAt = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestMarkReminded follows one lead through reminders: once reminded of a
// due time it is not reminded again until the due time moves.
func TestMarkReminded(t *testing.T) {
	cadence := salesbot.DefaultCadence()
	l := newLead(t, "Acme", salesbot.GradeA)
	l.Schedule(cadence)
	first := registered.Add(7 * salesbot.Day)
	if !l.ReminderAt().Equal(first) {
		t.Fatalf("ReminderAt = %v, want %v", l.ReminderAt(), first)
	}

	l.MarkReminded(l.Due)
	if !l.RemindedDue.Equal(first) || !l.ReminderAt().IsZero() {
		t.Errorf("after MarkReminded: RemindedDue = %v, ReminderAt = %v; want %v and zero", l.RemindedDue, l.ReminderAt(), first)
	}
	// A change that leaves the due time where it was brings no new reminder.
	if _, err := l.SetFact(rep, salesbot.FactBudget, "50k", first.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	l.Schedule(cadence)
	if !l.ReminderAt().IsZero() {
		t.Errorf("ReminderAt = %v after a change that kept Due; want zero", l.ReminderAt())
	}
	// The reminded mark survives the JSON the store keeps.
	b, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	var back salesbot.Lead
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !back.RemindedDue.Equal(first) || !back.ReminderAt().IsZero() {
		t.Errorf("after JSON: RemindedDue = %v, ReminderAt = %v", back.RemindedDue, back.ReminderAt())
	}

	// A visit moves the due time: a new reminder.
	touched := first.Add(salesbot.Day)
	visitAt(t, l, rep, salesbot.Visit{}, time.UTC, touched)
	l.Schedule(cadence)
	second := touched.Add(7 * salesbot.Day)
	if !l.ReminderAt().Equal(second) {
		t.Errorf("after a visit: ReminderAt = %v, want %v", l.ReminderAt(), second)
	}
	l.MarkReminded(l.Due)
	if !l.ReminderAt().IsZero() {
		t.Errorf("reminded again: ReminderAt = %v, want zero", l.ReminderAt())
	}

	// A snooze moves it too.
	until := second.Add(3 * salesbot.Day)
	if _, err := l.Snooze(rep, until, second.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	l.Schedule(cadence)
	if !l.ReminderAt().Equal(until) {
		t.Errorf("after a snooze: ReminderAt = %v, want %v", l.ReminderAt(), until)
	}
}
