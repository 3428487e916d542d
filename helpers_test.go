package salesbot_test

import (
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the time-zone tests must not depend on the host's zoneinfo

	"salesbot"
)

// The cast of every lead test: the rep who registers the lead, another rep,
// and a sales manager.
var (
	rep      = salesbot.Actor{User: "U0REP"}
	stranger = salesbot.Actor{User: "U0OTHER"}
	boss     = salesbot.Actor{User: "U0BOSS", Manager: true}
)

// registered is when test leads are registered: a Monday morning, UTC.
var registered = time.Date(2026, time.November, 2, 9, 30, 0, 0, time.UTC)

// newLead registers company at grade g, owned by rep, at registered.
func newLead(t testing.TB, company string, g salesbot.Grade) *salesbot.Lead {
	t.Helper()
	l, _, err := salesbot.NewLead(rep, "T1", "L1", company, g, registered)
	if err != nil {
		t.Fatalf("NewLead(%q, %s): %v", company, g, err)
	}
	return l
}

// wantCode fails the test unless err carries the given code ("" means nil).
func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	if got := salesbot.ErrorCode(err); got != code {
		t.Fatalf("error code = %q, want %q (error: %v)", got, code, err)
	}
}

// wantMessage fails the test unless err's user message contains every part.
func wantMessage(t testing.TB, err error, parts ...string) {
	t.Helper()
	msg := salesbot.ErrorMessage(err)
	for _, p := range parts {
		if !strings.Contains(msg, p) {
			t.Errorf("message %q does not contain %q", msg, p)
		}
	}
}

// day is a calendar date.
func day(y int, m time.Month, d int) salesbot.Date { return salesbot.Date{Year: y, Month: m, Day: d} }

// mustLoc loads a time zone.
func mustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load location %s: %v", name, err)
	}
	return loc
}

// mustFields splits text that must split cleanly.
func mustFields(t testing.TB, text string) []salesbot.Token {
	t.Helper()
	tokens, err := salesbot.Fields(text)
	if err != nil {
		t.Fatalf("Fields(%q): %v", text, err)
	}
	return tokens
}
