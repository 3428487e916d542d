package salesbot_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"salesbot"
)

func TestParseGrade(t *testing.T) {
	tests := []struct {
		in   string
		want salesbot.Grade
	}{
		{"A", salesbot.GradeA},
		{"a", salesbot.GradeA},
		{"B", salesbot.GradeB},
		{"b", salesbot.GradeB},
		{" c ", salesbot.GradeC},
		{"D", salesbot.GradeD},
		{"Ａ", salesbot.GradeA},             // typed on a Chinese keyboard
		{"ｄ", salesbot.GradeD},             // full-width lower case
		{"\u3000B\u3000", salesbot.GradeB}, // ideographic spaces around it
	}
	for _, tt := range tests {
		got, err := salesbot.ParseGrade(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseGrade(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestParseGradeRefusesAndSaysHow(t *testing.T) {
	for _, in := range []string{"", "E", "AA", "A+", "1", "甲", "grade A", "hot"} {
		t.Run(in, func(t *testing.T) {
			g, err := salesbot.ParseGrade(in)
			wantCode(t, err, salesbot.EINVALID)
			if g != "" {
				t.Errorf("grade = %q alongside an error", g)
			}
			// The reply names what was typed and spells out the four grades
			// with what they mean (DOMAIN.md §1).
			wantMessage(t, err, fmt.Sprintf("%q", in), "A (closes within 3 months)", "B (4–6 months)", "C (7–12 months)", "D (later)")
		})
	}
}

func TestGradeRank(t *testing.T) {
	tests := []struct {
		g     salesbot.Grade
		rank  int
		valid bool
	}{
		{salesbot.GradeA, 0, true},
		{salesbot.GradeB, 1, true},
		{salesbot.GradeC, 2, true},
		{salesbot.GradeD, 3, true},
		{"", 4, false},
		{"E", 4, false},
		{"a", 4, false}, // only ParseGrade folds case
	}
	for _, tt := range tests {
		if got := tt.g.Rank(); got != tt.rank {
			t.Errorf("%q.Rank() = %d, want %d", tt.g, got, tt.rank)
		}
		if got := tt.g.Valid(); got != tt.valid {
			t.Errorf("%q.Valid() = %v, want %v", tt.g, got, tt.valid)
		}
	}
	// Grades is hottest first, so B→A is an up-grade: the rank goes down.
	for i := 1; i < len(salesbot.Grades); i++ {
		if salesbot.Grades[i-1].Rank() >= salesbot.Grades[i].Rank() {
			t.Errorf("Grades out of order at %d: %v", i, salesbot.Grades)
		}
	}
}

func TestGradeMeaning(t *testing.T) {
	seen := map[string]salesbot.Grade{}
	for _, g := range salesbot.Grades {
		m := g.Meaning()
		if m == "" || m == "ungraded" {
			t.Errorf("%s.Meaning() = %q", g, m)
		}
		if other, dup := seen[m]; dup {
			t.Errorf("%s and %s both mean %q", g, other, m)
		}
		seen[m] = g
	}
	if got := salesbot.Grade("X").Meaning(); got != "ungraded" {
		t.Errorf(`Grade("X").Meaning() = %q, want "ungraded"`, got)
	}
}

func TestParseCadence(t *testing.T) {
	day := salesbot.Day
	def := salesbot.DefaultCadence()
	with := func(g salesbot.Grade, d time.Duration) salesbot.Cadence {
		c := salesbot.DefaultCadence()
		c[g] = d
		return c
	}
	tests := []struct {
		spec string
		want salesbot.Cadence
	}{
		{"", def},
		{"   ", def},
		{"A=7d,B=14d,C=30d,D=90d", def},
		{"A=3d", with(salesbot.GradeA, 3*day)},             // the others keep their defaults
		{"a=3d", with(salesbot.GradeA, 3*day)},             // grade in lower case
		{"Ｃ=45d", with(salesbot.GradeC, 45*day)},           // full-width grade
		{" B = 10d ", with(salesbot.GradeB, 10*day)},       // spaces around
		{"A=36h", with(salesbot.GradeA, 36*time.Hour)},     // a Go duration
		{"D=1h30m", with(salesbot.GradeD, 90*time.Minute)}, // a compound Go duration
		{"B=10d, D=60d", salesbot.Cadence{"A": 7 * day, "B": 10 * day, "C": 30 * day, "D": 60 * day}},
	}
	for _, tt := range tests {
		got, err := salesbot.ParseCadence(tt.spec)
		if err != nil {
			t.Errorf("ParseCadence(%q): %v", tt.spec, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseCadence(%q) = %v, want %v", tt.spec, got, tt.want)
		}
	}
}

func TestDefaultCadenceIsTheMethods(t *testing.T) {
	// DOMAIN.md §1: A weekly, B fortnightly, C monthly, D quarterly.
	want := salesbot.Cadence{"A": 7 * salesbot.Day, "B": 14 * salesbot.Day, "C": 30 * salesbot.Day, "D": 90 * salesbot.Day}
	if got := salesbot.DefaultCadence(); !reflect.DeepEqual(got, want) {
		t.Errorf("DefaultCadence() = %v, want %v", got, want)
	}
	// Each call is a fresh map: changing one must not change the default.
	c := salesbot.DefaultCadence()
	c[salesbot.GradeA] = time.Hour
	if salesbot.DefaultCadence()[salesbot.GradeA] != 7*salesbot.Day {
		t.Error("DefaultCadence() shares its map between calls")
	}
}

func TestParseCadenceRefuses(t *testing.T) {
	tests := []struct {
		spec, mention string
	}{
		{"A7d", "A7d"},         // no '='
		{"E=3d", "E"},          // no such grade
		{"A=0d", "0d"},         // never due
		{"A=-1d", "-1d"},       // negative
		{"A=0h", "0h"},         // zero as a Go duration
		{"A=-36h", "-36h"},     // negative Go duration
		{"A=", "A="},           // nothing after '='
		{"=7d", "=7d"},         // no grade
		{"A=7", "7"},           // no unit
		{"A=1.5d", "1.5d"},     // days are whole
		{"A=week", "week"},     // not a duration
		{"A=7d,", `""`},        // a trailing comma is an empty part
		{"A=7d;B=14d", "A=7d"}, // wrong separator
	}
	for _, tt := range tests {
		c, err := salesbot.ParseCadence(tt.spec)
		if err == nil {
			t.Errorf("ParseCadence(%q) = %v, want an error", tt.spec, c)
			continue
		}
		if c != nil {
			t.Errorf("ParseCadence(%q) returned %v alongside its error", tt.spec, c)
		}
		// The operator sees one line naming what is wrong.
		if !strings.Contains(err.Error(), tt.mention) {
			t.Errorf("ParseCadence(%q) error %q does not mention %q", tt.spec, err, tt.mention)
		}
	}
}

func TestParseCadenceOverflow(t *testing.T) {
	if c, err := salesbot.ParseCadence("A=300000d"); err == nil {
		t.Errorf(`ParseCadence("A=300000d") = %v, want an error (the number of days overflows a Duration)`, c[salesbot.GradeA])
	}
}

func TestCadenceString(t *testing.T) {
	tests := []struct {
		c    salesbot.Cadence
		want string
	}{
		{salesbot.DefaultCadence(), "A=7d,B=14d,C=30d,D=90d"},
		{salesbot.Cadence{salesbot.GradeA: 7 * salesbot.Day}, "A=7d"},
		{salesbot.Cadence{salesbot.GradeD: 90 * salesbot.Day, salesbot.GradeB: 36 * time.Hour}, "B=36h0m0s,D=90d"},
		{salesbot.Cadence{}, ""},
	}
	for _, tt := range tests {
		if got := tt.c.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.c, got, tt.want)
		}
	}
}

func TestCadenceRoundTrip(t *testing.T) {
	for _, spec := range []string{"", "A=7d,B=14d,C=30d,D=90d", "A=3d", "B=36h", "A=1d,B=2d,C=3d,D=4d", "D=1h30m", "c=45d, a=12h"} {
		c, err := salesbot.ParseCadence(spec)
		if err != nil {
			t.Fatalf("ParseCadence(%q): %v", spec, err)
		}
		s := c.String()
		again, err := salesbot.ParseCadence(s)
		if err != nil {
			t.Errorf("ParseCadence(%q) (written from %q): %v", s, spec, err)
			continue
		}
		if !reflect.DeepEqual(again, c) {
			t.Errorf("%q → %q → %v, want %v", spec, s, again, c)
		}
		if again.String() != s {
			t.Errorf("%q is not written the same way twice: %q then %q", spec, s, again.String())
		}
	}
}
