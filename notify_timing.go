package salesbot

import "time"

// When a reminder reaches a person, by their choices (NotifyPrefs): the
// morning batch, or each as it falls due; never on a day off.

// Timing says when a reminder of a follow-up due at due may reach the
// person at now, on their clock (loc): at once (later is zero) or at later.
// morning is true when it belongs to the morning batch.
//
// With NotifyBatch, the morning batch goes at the batch time (BatchTime) of
// each working day (a working weekday, not a day off): what fell due by
// then goes in one message then, and while that day's batch hour or
// working hours last; what falls due later inside working hours comes one
// by one; what falls due outside them waits for the next working day's
// batch. With NotifyEach everything comes one by one inside working hours,
// and a day off holds it until the next working day.
func (p NotifyPrefs) Timing(due, now time.Time, loc *time.Location, w WorkHours) (morning bool, later time.Time) {
	local := now.In(loc)
	if p.Mode == NotifyEach {
		if p.Open(local, w) {
			return false, time.Time{}
		}
		return false, p.Next(local, w)
	}
	if today := DateOf(local); p.workday(today, w) {
		bt := p.BatchTime(today, loc, w)
		switch {
		case !due.After(bt) && local.Before(bt):
			return true, bt
		case !due.After(bt) && (w.Open(local) || local.Before(bt.Add(time.Hour))):
			return true, time.Time{}
		case due.After(bt) && w.Open(local):
			return false, time.Time{}
		}
	}
	return true, p.nextBatch(local, w)
}

// workday reports whether d is a working day for the person: a working
// weekday that is not one of their days off.
func (p NotifyPrefs) workday(d Date, w WorkHours) bool {
	return w.Days[d.In(time.UTC).Weekday()] && !p.Away(d)
}

// nextBatch is the first batch time after t (in t's location) on a working
// day; t itself when there is none within a year and a half.
func (p NotifyPrefs) nextBatch(t time.Time, w WorkHours) time.Time {
	today := DateOf(t)
	for i := range 550 {
		d := today.AddDays(i)
		if !p.workday(d, w) {
			continue
		}
		if bt := p.BatchTime(d, t.Location(), w); bt.After(t) {
			return bt
		}
	}
	return t
}

// Reachable says whether a person may be sent an escalation or a nudge at
// now on their clock (inside working hours, not on a day off) and,
// when not, from when.
func (p NotifyPrefs) Reachable(now time.Time, loc *time.Location, w WorkHours) (bool, time.Time) {
	local := now.In(loc)
	if p.Open(local, w) {
		return true, time.Time{}
	}
	return false, p.Next(local, w)
}
