package salesbot

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Date is a calendar day with no time zone, as a person writes it
// (2026-11-23). A visit happens on a Date; which instant that is depends on
// the rep's time zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the calendar day of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate reads YYYY-MM-DD (also with / or . between, and full-width
// digits). It rejects days that do not exist, such as 2026-02-30.
func ParseDate(s string) (Date, error) {
	f := strings.NewReplacer("/", "-", ".", "-").Replace(foldWidth(strings.TrimSpace(s)))
	parts := strings.Split(f, "-")
	bad := Errorf(EINVALID, "%q is not a date. Write dates as YYYY-MM-DD, e.g. 2026-11-23.", s)
	if len(parts) != 3 || len(parts[0]) != 4 || len(parts[1]) == 0 || len(parts[1]) > 2 || len(parts[2]) == 0 || len(parts[2]) > 2 {
		return Date{}, bad
	}
	var n [3]int
	for i, p := range parts {
		if strings.TrimLeft(p, "0123456789") != "" {
			return Date{}, bad
		}
		v, err := strconv.Atoi(p)
		if err != nil {
			return Date{}, bad
		}
		n[i] = v
	}
	d := Date{n[0], time.Month(n[1]), n[2]}
	if n[0] < 1900 || n[1] < 1 || n[1] > 12 || n[2] < 1 || DateOf(d.In(time.UTC)) != d {
		return Date{}, Errorf(EINVALID, "%q is not a real day. Write dates as YYYY-MM-DD, e.g. 2026-11-23.", s)
	}
	return d, nil
}

// LooksLikeDate reports whether s is shaped like a date (digits with - / or
// . between), so that a malformed one is reported rather than taken as text.
func LooksLikeDate(s string) bool {
	f := foldWidth(s)
	if len(f) < 6 || len(f) > 12 || f[0] < '0' || f[0] > '9' {
		return false
	}
	seps := 0
	for _, r := range f {
		switch {
		case r >= '0' && r <= '9':
		case r == '-' || r == '/' || r == '.':
			seps++
		default:
			return false
		}
	}
	return seps == 2
}

// IsZero reports whether d is the zero Date (no date).
func (d Date) IsZero() bool { return d == Date{} }

// In returns the first instant of d in loc.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// AddDays returns the day n days after d (before, for negative n).
func (d Date) AddDays(n int) Date { return DateOf(d.In(time.UTC).AddDate(0, 0, n)) }

// Before reports whether d is an earlier day than e.
func (d Date) Before(e Date) bool { return d.In(time.UTC).Before(e.In(time.UTC)) }

// After reports whether d is a later day than e.
func (d Date) After(e Date) bool { return e.Before(d) }

// String writes d as YYYY-MM-DD, or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// MarshalText writes d as YYYY-MM-DD.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads YYYY-MM-DD; the empty string is the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return fmt.Errorf("parse date %q: %w", b, err)
	}
	*d = v
	return nil
}
