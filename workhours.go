package salesbot

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// WorkHours is when reminders may reach a rep: local hours [From, To) on the
// working weekdays, in the rep's own time zone.
type WorkHours struct {
	From, To int
	Days     [7]bool // by time.Weekday
}

// DefaultWorkHours is 09:00–18:00, Monday to Friday.
func DefaultWorkHours() WorkHours {
	w, _ := ParseWorkHours("09-18", "1-5")
	return w
}

// ParseWorkHours reads hours as "09-18" and days as weekday numbers, ranges
// or lists with 0 or 7 for Sunday ("1-5", "1-6", "0-6", "1,3,5").
func ParseWorkHours(hours, days string) (WorkHours, error) {
	var w WorkHours
	from, to, ok := strings.Cut(hours, "-")
	f, err1 := strconv.Atoi(strings.TrimSpace(from))
	t, err2 := strconv.Atoi(strings.TrimSpace(to))
	if !ok || err1 != nil || err2 != nil || f < 0 || t > 24 || f >= t {
		return WorkHours{}, fmt.Errorf("%q is not a span of hours such as 09-18", hours)
	}
	w.From, w.To = f, t
	for _, part := range strings.Split(days, ",") {
		lo, hi, isRange := strings.Cut(strings.TrimSpace(part), "-")
		a, err1 := strconv.Atoi(lo)
		b, err2 := a, error(nil)
		if isRange {
			b, err2 = strconv.Atoi(hi)
		}
		if err1 != nil || err2 != nil || a < 0 || b > 7 || a > b {
			return WorkHours{}, fmt.Errorf("%q is not a set of weekdays such as 1-5 (0 or 7 is Sunday)", days)
		}
		for d := a; d <= b; d++ {
			w.Days[d%7] = true
		}
	}
	return w, nil
}

// Open reports whether t, in its own location, falls in working hours.
func (w WorkHours) Open(t time.Time) bool {
	return w.Days[t.Weekday()] && t.Hour() >= w.From && t.Hour() < w.To
}

// Next returns t when it falls in working hours, and otherwise the start of
// the next working window, in t's location. Each day's start is built from
// the calendar, so a daylight-saving change moves it with the clock.
func (w WorkHours) Next(t time.Time) time.Time {
	if w.Open(t) {
		return t
	}
	y, m, d := t.Date()
	for i := range 8 {
		start := time.Date(y, m, d+i, w.From, 0, 0, 0, t.Location())
		if w.Days[start.Weekday()] && start.After(t) {
			return start
		}
	}
	return t // no working day at all: never hold a reminder back forever
}
