package salesbot_test

import (
	"encoding/json"
	"testing"
	"time"

	"salesbot"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want salesbot.Date
	}{
		{"2026-11-23", day(2026, 11, 23)},
		{"2026-1-5", day(2026, 1, 5)},
		{" 2026-11-23 ", day(2026, 11, 23)},
		{"2026/11/23", day(2026, 11, 23)},
		{"2026.11.23", day(2026, 11, 23)},
		{"2026/1/5", day(2026, 1, 5)},
		{"２０２６－１１－２３", day(2026, 11, 23)}, // full-width digits and hyphens
		{"２０２６/１１/２３", day(2026, 11, 23)},
		{"２０２６．１１．２３", day(2026, 11, 23)},
		{"2028-02-29", day(2028, 2, 29)}, // a leap day
		{"1900-01-01", day(1900, 1, 1)},
	}
	for _, tt := range tests {
		got, err := salesbot.ParseDate(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseDateRefuses(t *testing.T) {
	tests := []struct{ in, mention string }{
		{"2026-02-30", "not a real day"},
		{"2027-02-29", "not a real day"}, // 2027 is no leap year
		{"2026-13-01", "not a real day"},
		{"2026-00-10", "not a real day"},
		{"2026-11-00", "not a real day"},
		{"2026-04-31", "not a real day"},
		{"1899-12-31", "not a real day"},
		{"26-1-1", "is not a date"},
		{"abc", "is not a date"},
		{"", "is not a date"},
		{"2026-11", "is not a date"},
		{"2026-11-23-1", "is not a date"},
		{"2026-011-1", "is not a date"},
		{"2026-11-23T10:00", "is not a date"},
		{"20261123", "is not a date"},
		{"2026-1a-05", "is not a date"},
		{"2026--1-05", "is not a date"},
		{"23/11/2026", "is not a date"},
	}
	for _, tt := range tests {
		d, err := salesbot.ParseDate(tt.in)
		wantCode(t, err, salesbot.EINVALID)
		if !d.IsZero() {
			t.Errorf("ParseDate(%q) = %v alongside an error", tt.in, d)
		}
		// The reply shows how to write a date.
		wantMessage(t, err, tt.mention, "YYYY-MM-DD", "2026-11-23")
	}
}

func TestParseDateSignedParts(t *testing.T) {
	if d, err := salesbot.ParseDate("2026-+1-+1"); err == nil {
		t.Errorf(`ParseDate("2026-+1-+1") = %v, want an error`, d)
	}
}

func TestLooksLikeDate(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"2026-11-23", true},
		{"2026-02-30", true}, // shaped like one, so it is reported, not taken as a note
		{"26-1-1", true},
		{"2026/1/5", true},
		{"2026.11.23", true},
		{"23.11.2026", true},
		{"２０２６－１１－２３", true},
		{"abc", false},
		{"", false},
		{"2026", false},
		{"1-2", false},
		{"1-2-3", false}, // too short to be a date
		{"20261123", false},
		{"2026-11-23x", false},
		{"-2026-11-23", false},
		{"2026-11-23-24", false},
		{"9am-10am", false},
		{"+86-21-5555", false},
	}
	for _, tt := range tests {
		if got := salesbot.LooksLikeDate(tt.in); got != tt.want {
			t.Errorf("LooksLikeDate(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestDateAddDays(t *testing.T) {
	tests := []struct {
		from salesbot.Date
		n    int
		want salesbot.Date
	}{
		{day(2026, 11, 23), 0, day(2026, 11, 23)},
		{day(2026, 11, 23), 7, day(2026, 11, 30)},
		{day(2026, 1, 31), 1, day(2026, 2, 1)},
		{day(2026, 2, 28), 1, day(2026, 3, 1)},
		{day(2028, 2, 28), 1, day(2028, 2, 29)}, // leap year
		{day(2026, 12, 31), 1, day(2027, 1, 1)},
		{day(2027, 1, 1), -1, day(2026, 12, 31)},
		{day(2026, 3, 1), -1, day(2026, 2, 28)},
		{day(2026, 11, 23), 90, day(2027, 2, 21)},
		{day(2026, 3, 29), 1, day(2026, 3, 30)}, // Europe's clocks change that night; a Date has no zone
	}
	for _, tt := range tests {
		if got := tt.from.AddDays(tt.n); got != tt.want {
			t.Errorf("%v.AddDays(%d) = %v, want %v", tt.from, tt.n, got, tt.want)
		}
	}
}

func TestDateOrder(t *testing.T) {
	a, b := day(2026, 12, 31), day(2027, 1, 1)
	if !a.Before(b) || a.After(b) || !b.After(a) || b.Before(a) {
		t.Errorf("%v and %v are out of order", a, b)
	}
	if a.Before(a) || a.After(a) {
		t.Errorf("%v is before or after itself", a)
	}
}

func TestDateString(t *testing.T) {
	tests := []struct {
		d    salesbot.Date
		want string
	}{
		{salesbot.Date{}, ""},
		{day(2026, 1, 5), "2026-01-05"},
		{day(2026, 11, 23), "2026-11-23"},
	}
	for _, tt := range tests {
		if got := tt.d.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.d, got, tt.want)
		}
	}
	if !(salesbot.Date{}).IsZero() || day(2026, 1, 5).IsZero() {
		t.Error("IsZero is wrong")
	}
}

func TestDateOfAndIn(t *testing.T) {
	shanghai := mustLoc(t, "Asia/Shanghai")
	newYork := mustLoc(t, "America/New_York")
	instant := time.Date(2026, 11, 23, 20, 0, 0, 0, time.UTC)
	// The same instant is a different calendar day in each rep's zone.
	if got := salesbot.DateOf(instant.In(shanghai)); got != day(2026, 11, 24) {
		t.Errorf("DateOf in Shanghai = %v, want 2026-11-24", got)
	}
	if got := salesbot.DateOf(instant.In(newYork)); got != day(2026, 11, 23) {
		t.Errorf("DateOf in New York = %v, want 2026-11-23", got)
	}
	start := day(2026, 11, 24).In(shanghai)
	if want := time.Date(2026, 11, 23, 16, 0, 0, 0, time.UTC); !start.Equal(want) {
		t.Errorf("2026-11-24 starts in Shanghai at %v, want %v", start.UTC(), want)
	}
}

func TestDateJSON(t *testing.T) {
	type record struct {
		Date salesbot.Date `json:"date"`
		Next salesbot.Date `json:"next,omitzero"`
	}
	tests := []struct {
		in   record
		json string
	}{
		{record{Date: day(2026, 11, 23)}, `{"date":"2026-11-23"}`},
		{record{Date: day(2026, 1, 5), Next: day(2027, 2, 1)}, `{"date":"2026-01-05","next":"2027-02-01"}`},
		{record{}, `{"date":""}`},
	}
	for _, tt := range tests {
		b, err := json.Marshal(tt.in)
		if err != nil {
			t.Fatalf("Marshal(%+v): %v", tt.in, err)
		}
		if string(b) != tt.json {
			t.Errorf("Marshal(%+v) = %s, want %s", tt.in, b, tt.json)
		}
		var out record
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatalf("Unmarshal(%s): %v", b, err)
		}
		if out != tt.in {
			t.Errorf("%+v → %s → %+v", tt.in, b, out)
		}
	}
	for _, bad := range []string{`{"date":"2026-02-30"}`, `{"date":"tomorrow"}`, `{"date":20261123}`} {
		var out record
		if err := json.Unmarshal([]byte(bad), &out); err == nil {
			t.Errorf("Unmarshal(%s) = %+v, want an error", bad, out)
		}
	}
}
