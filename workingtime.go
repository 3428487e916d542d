package salesbot

import "time"

// DayLength is how long one working day lasts: From to To.
func (w WorkHours) DayLength() time.Duration { return time.Duration(w.To-w.From) * time.Hour }

// anyDay reports whether any weekday is a working day.
func (w WorkHours) anyDay() bool {
	for _, ok := range w.Days {
		if ok {
			return true
		}
	}
	return false
}

// maxWindows bounds how many working days AddWorking walks: far more than
// any span it is given (SALESBOT_INBOUND_DUE is at most 30 working days).
const maxWindows = 2000

// AddWorking returns the moment d of working time after t, in t's
// location: time counts only inside the working hours w of the person's
// working days (not on their days off), so 4 hours after 16:00 with hours
// 09–18 is 11:00 the next working day, and 4 hours after Friday 20:00 is
// Monday 13:00. A span that ends exactly at a day's end ends then (18:00),
// not at the next day's start. Each day's window is built from the calendar,
// so a daylight-saving change moves it with the clock. With no working day
// at all it is plain time.
func (p NotifyPrefs) AddWorking(t time.Time, d time.Duration, w WorkHours) time.Time {
	if d <= 0 {
		return t
	}
	if !w.anyDay() {
		return t.Add(d)
	}
	for range maxWindows {
		start := p.Next(t, w)
		if !p.Open(start, w) {
			return t.Add(d) // days off without end: never hold it back forever
		}
		y, m, day := start.Date()
		end := time.Date(y, m, day, w.To, 0, 0, 0, start.Location())
		left := end.Sub(start)
		if d <= left {
			return start.Add(d)
		}
		d -= left
		t = end
	}
	return t.Add(d)
}
