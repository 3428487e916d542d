package salesbot

import "time"

// When a reminder reaches a person, by their choices (NotifyPrefs): the
// morning batch, or each as it falls due; never on a day off.

// Timing says when a reminder of a follow-up due at due may reach the
// person at now, on their clock (loc): at once (later is zero) or at later.
// morning is true when it belongs to the morning batch: with NotifyBatch,
// what fell due by the day's batch time waits for it and goes in one
// message then (even when the batch hour chosen is outside working hours,
// for that hour); what falls due later that day comes one by one inside
// working hours. With NotifyEach everything comes one by one inside
// working hours. A day off holds everything until the next working day.
func (p NotifyPrefs) Timing(due, now time.Time, loc *time.Location, w WorkHours) (morning bool, later time.Time) {
	local := now.In(loc)
	today := DateOf(local)
	if p.Away(today) {
		return false, p.Next(local, w)
	}
	if p.Mode != NotifyEach {
		bt := p.BatchTime(today, loc, w)
		if !due.After(bt) {
			switch {
			case local.Before(bt):
				return true, bt
			case w.Open(local) || local.Before(bt.Add(time.Hour)):
				return true, time.Time{}
			}
			// The batch's hour and the working day are over: the next
			// working day's batch takes it.
			return true, p.Next(local, w)
		}
	}
	if p.Open(local, w) {
		return false, time.Time{}
	}
	return false, p.Next(local, w)
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
