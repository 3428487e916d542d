package salesbot

import (
	"context"
	"regexp"
	"strings"
	"time"
)

// NotifyMode is how a person's follow-up reminders reach them.
type NotifyMode string

// The ways reminders may arrive.
const (
	// NotifyBatch: the follow-ups due by the batch hour come as one
	// message then; those falling due later that day come one by one.
	NotifyBatch NotifyMode = "batch"
	// NotifyEach: each follow-up comes as it falls due (within working
	// hours).
	NotifyEach NotifyMode = "each"
)

// DayStart is the BatchHour that means "when my working day starts".
const DayStart = -1

// DateSpan is a run of calendar days, both ends included.
type DateSpan struct {
	From Date `json:"from"`
	To   Date `json:"to"`
}

// Holds reports whether d falls in the span.
func (s DateSpan) Holds(d Date) bool { return !d.Before(s.From) && !d.After(s.To) }

// String writes the span as ParseDaysOff reads it: "2026-12-24..2027-01-02",
// or one day alone.
func (s DateSpan) String() string {
	if s.From == s.To {
		return s.From.String()
	}
	return s.From.String() + ".." + s.To.String()
}

// spanMarks are the ways to write "to" in a span of days, besides "..".
var spanMarks = regexp.MustCompile(`\s*(?:\.\.|~|～|至|到)\s*`)

// ParseDaysOff reads days off as a person types them: days (2027-02-10) and
// spans (2026-12-24..2027-01-02; also with ~ or 至), separated by commas,
// spaces or 、. Whether they are over or too far ahead is the service's
// rule (NotifyService.SetNotifyPrefs).
func ParseDaysOff(s string) ([]DateSpan, error) {
	s = spanMarks.ReplaceAllString(foldWidth(strings.TrimSpace(s)), "..")
	var out []DateSpan
	for _, item := range strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' || r == ' ' || r == '\n' || r == '\t'
	}) {
		from, to, isSpan := strings.Cut(item, "..")
		if !isSpan {
			to = from
		}
		f, err1 := ParseDate(from)
		t, err2 := ParseDate(to)
		if err1 != nil || err2 != nil || strings.Contains(to, "..") {
			return nil, Errorf(EINVALID, "%q is not a day or a span of days: write them as 2026-12-24..2027-01-02, 2027-02-10.", item)
		}
		out = append(out, DateSpan{From: f, To: t})
	}
	return out, nil
}

// NotifyPrefs are one person's choices about what the bot sends them and
// when (/salesbot notify).
type NotifyPrefs struct {
	Mode NotifyMode `json:"mode"`
	// BatchHour is the local hour (0–23) of the morning batch, or
	// DayStart for the start of the working day.
	BatchHour int `json:"batch_hour"`
	// DaysOff are holidays: no reminders and no escalations reach the
	// person on them; they resume on the next working day.
	DaysOff []DateSpan `json:"days_off,omitempty"`
	// SkipEmptyDigest: a manager's digest on a day when nothing changed is
	// not sent at all (by default it is one line).
	SkipEmptyDigest bool `json:"skip_empty_digest,omitempty"`
}

// DefaultNotifyPrefs is what a person who chose nothing gets: a morning
// batch when their working day starts, no days off, the empty digest sent.
func DefaultNotifyPrefs() NotifyPrefs {
	return NotifyPrefs{Mode: NotifyBatch, BatchHour: DayStart}
}

// Away reports whether d is one of the person's days off.
func (p NotifyPrefs) Away(d Date) bool {
	for _, s := range p.DaysOff {
		if s.Holds(d) {
			return true
		}
	}
	return false
}

// Open reports whether t, in its own location, is a moment the person may
// be sent a reminder or an escalation: inside working hours, not on a day
// off.
func (p NotifyPrefs) Open(t time.Time, w WorkHours) bool {
	return w.Open(t) && !p.Away(DateOf(t))
}

// Next returns t when the person may be reached then (Open), and otherwise
// the start of their next working window that is not a day off, in t's
// location.
func (p NotifyPrefs) Next(t time.Time, w WorkHours) time.Time {
	n := w.Next(t)
	// Days off are at most a few hundred; a year and a half of them is
	// the most any person can have set (SetNotifyPrefs bounds them).
	for range 550 {
		if !p.Away(DateOf(n)) {
			return n
		}
		y, m, d := n.Date()
		n = w.Next(time.Date(y, m, d+1, 0, 0, 0, 0, n.Location()))
	}
	return n
}

// BatchTime is when the morning batch goes out on the given day, on the
// person's clock (loc): the batch hour, or the start of working hours.
func (p NotifyPrefs) BatchTime(day Date, loc *time.Location, w WorkHours) time.Time {
	h := p.BatchHour
	if h == DayStart || h < 0 || h > 23 {
		h = w.From
	}
	y, m, d := day.In(time.UTC).Date()
	return time.Date(y, m, d, h, 0, 0, 0, loc)
}

// NotifyService keeps each person's notification choices.
type NotifyService interface {
	// NotifyPrefs returns user's choices (DefaultNotifyPrefs when they
	// made none).
	NotifyPrefs(ctx context.Context, team, user string) (NotifyPrefs, error)
	// NotifyPrefsOf returns the choices of several users at once, by user
	// (each user named is in the map).
	NotifyPrefsOf(ctx context.Context, team string, users []string) (map[string]NotifyPrefs, error)
	// SetNotifyPrefs records the actor's own choices, checked against now:
	// a batch hour outside 0–23, a span of days off that ends before it
	// starts, is already over, or reaches more than a year ahead is
	// refused (EINVALID) and nothing changes.
	SetNotifyPrefs(ctx context.Context, team string, by Actor, p NotifyPrefs, now time.Time) (NotifyPrefs, error)
}
