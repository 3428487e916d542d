package salesbot

import "time"

// When a lead is next due: its cadence, the next step its last visit set, a
// snooze, and the one reminder per due follow-up.

// Schedule sets Due, the next touch: the date of the last visit's next step
// when one was given, otherwise the last touch (or registration) plus the
// grade's cadence. Closed leads have none.
func (l *Lead) Schedule(c Cadence) {
	l.Due = l.NextDue(c)
}

// NextDue computes when the lead must next be touched; see Schedule. A
// snooze puts it off to the snooze's end, never earlier.
func (l *Lead) NextDue(c Cadence) time.Time {
	if !l.Open() {
		return time.Time{}
	}
	due := l.NextStepDue
	if due.IsZero() {
		base := l.LastTouch
		if base.IsZero() {
			base = l.CreatedAt
		}
		every, ok := c[l.Grade]
		if !ok {
			every = DefaultCadence()[l.Grade]
		}
		due = base.Add(every)
	}
	if l.SnoozedUntil.After(due) {
		return l.SnoozedUntil
	}
	return due
}

// ReminderAt is the lead's next alarm: its due time, unless a reminder for
// that very due time went out already (one reminder per due follow-up);
// then the escalation ladder's next step (ClimbAt), if any (ladder.go). A
// parked lead's alarm is not before it may wake. Closed leads have none.
func (l *Lead) ReminderAt() time.Time {
	var at time.Time
	switch step, ok := l.NextAlarm(); {
	case !ok:
		return time.Time{}
	case step == LadderReminded:
		at = l.Due
	default:
		at = l.ClimbAt
	}
	if w := l.Waking(); at.Before(w) {
		return w
	}
	return at
}

// MarkReminded records that the owner was reminded of the follow-up due at
// due, so it is not reminded again until the lead's due time moves; its
// ladder does not climb (StartLadder starts one).
func (l *Lead) MarkReminded(due time.Time) {
	l.RemindedDue, l.Climbed, l.ClimbAt = due, LadderStopped, time.Time{}
}

// MaxSnooze bounds how far a follow-up can be put off.
const MaxSnooze = 90 * Day

// Snooze puts the next follow-up off until the given time; the next touch
// clears it.
func (l *Lead) Snooze(a Actor, until, now time.Time) (Change, error) {
	if err := l.checkEdit(a); err != nil {
		return Change{}, err
	}
	if err := l.checkOpen(); err != nil {
		return Change{}, err
	}
	if until.Sub(now) < time.Minute || until.Sub(now) > MaxSnooze {
		return Change{}, Errorf(EINVALID, "A snooze lasts from a minute to %d days.", MaxSnooze/Day)
	}
	l.SnoozedUntil = until
	return l.change(a, ChangeSnooze, "", until.UTC().Format(time.RFC3339), "", now), nil
}
