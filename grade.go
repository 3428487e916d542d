package salesbot

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Grade says how soon a lead can close (客户分级); it decides how often the
// owner must touch it.
type Grade string

// The four grades of DOMAIN.md §1.
const (
	GradeA Grade = "A" // can close within 3 months
	GradeB Grade = "B" // can close in 4–6 months
	GradeC Grade = "C" // can close in 7–12 months
	GradeD Grade = "D" // cannot close within 12 months
)

// Grades lists every grade, hottest first.
var Grades = []Grade{GradeA, GradeB, GradeC, GradeD}

// ParseGrade reads a grade written as A–D in either case, or in full width.
func ParseGrade(s string) (Grade, error) {
	switch strings.ToUpper(foldWidth(strings.TrimSpace(s))) {
	case "A":
		return GradeA, nil
	case "B":
		return GradeB, nil
	case "C":
		return GradeC, nil
	case "D":
		return GradeD, nil
	}
	return "", Errorf(EINVALID, "%q is not a grade. Use A (closes within 3 months), B (4–6 months), C (7–12 months) or D (later).", s)
}

// Valid reports whether g is one of A–D.
func (g Grade) Valid() bool { return g == GradeA || g == GradeB || g == GradeC || g == GradeD }

// Rank orders grades: A is 0, D is 3. An up-grade lowers the rank.
func (g Grade) Rank() int {
	for i, x := range Grades {
		if x == g {
			return i
		}
	}
	return len(Grades)
}

// Meaning says in a few words what the grade stands for.
func (g Grade) Meaning() string {
	switch g {
	case GradeA:
		return "closes within 3 months"
	case GradeB:
		return "closes in 4–6 months"
	case GradeC:
		return "closes in 7–12 months"
	case GradeD:
		return "not within 12 months"
	}
	return "ungraded"
}

// Cadence is how often a lead of each grade must be touched.
type Cadence map[Grade]time.Duration

// DefaultCadence is the method's default: A weekly, B fortnightly, C monthly,
// D quarterly.
func DefaultCadence() Cadence {
	return Cadence{GradeA: 7 * Day, GradeB: 14 * Day, GradeC: 30 * Day, GradeD: 90 * Day}
}

// Day is 24 hours; cadences are counted in days.
const Day = 24 * time.Hour

// ParseCadence reads a cadence such as "A=7d,B=14d,C=30d,D=90d". Grades left
// out keep their default; durations are whole days ("7d") or Go durations
// ("36h").
func ParseCadence(s string) (Cadence, error) {
	c := DefaultCadence()
	if strings.TrimSpace(s) == "" {
		return c, nil
	}
	for _, part := range strings.Split(s, ",") {
		name, value, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return nil, fmt.Errorf("cadence %q: want GRADE=DURATION such as A=7d", part)
		}
		g, err := ParseGrade(name)
		if err != nil {
			return nil, fmt.Errorf("cadence %q: %q is not a grade A–D", part, name)
		}
		d, err := parseDays(strings.TrimSpace(value))
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("cadence %q: %q is not a positive duration such as 7d or 36h", part, value)
		}
		c[g] = d
	}
	return c, nil
}

// String writes c back in the form ParseCadence reads.
func (c Cadence) String() string {
	parts := make([]string, 0, len(c))
	for _, g := range Grades {
		if d, ok := c[g]; ok {
			if d%Day == 0 {
				parts = append(parts, fmt.Sprintf("%s=%dd", g, d/Day))
			} else {
				parts = append(parts, fmt.Sprintf("%s=%s", g, d))
			}
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

// maxCadenceDays bounds a cadence: ten years, far beyond any sales cycle and
// far from overflowing a time.Duration.
const maxCadenceDays = 3650

func parseDays(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil {
			return 0, err
		}
		if days > maxCadenceDays {
			return 0, fmt.Errorf("%d days is more than %d", days, maxCadenceDays)
		}
		return time.Duration(days) * Day, nil
	}
	d, err := time.ParseDuration(s)
	if err == nil && d > maxCadenceDays*Day {
		return 0, fmt.Errorf("%s is more than %d days", s, maxCadenceDays)
	}
	return d, err
}
