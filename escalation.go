package salesbot

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Escalation is how long a due follow-up may go un-acted, per grade, before
// it climbs the ladder (SALESBOT_ESCALATION): the owner is nudged once more
// at half the delay, and the owner's manager(s) get it at the delay. A grade
// missing from it never climbs.
type Escalation map[Grade]time.Duration

// LadderStep is how far an un-acted follow-up has climbed the escalation
// ladder.
type LadderStep int

// The steps of the ladder, in order.
const (
	// LadderReminded: only the reminder went out.
	LadderReminded LadderStep = iota
	// LadderNudged: the owner was nudged once more, at half the delay.
	LadderNudged
	// LadderManagers: the owner's managers were told, at the delay.
	LadderManagers
	// LadderStopped: someone acted without moving the due time (a
	// regrade): it climbs no further.
	LadderStopped
)

// DefaultEscalation is A=2d, B=5d, C=10d, D=30d.
func DefaultEscalation() Escalation {
	return Escalation{GradeA: 2 * Day, GradeB: 5 * Day, GradeC: 10 * Day, GradeD: 30 * Day}
}

// ParseEscalation reads a spec such as "A=2d,B=5d,C=10d,D=30d"; durations
// take d, h, m or s ("90s" for tests). Grades left out keep their default;
// "A=off" stops a grade from climbing. An empty spec is the default.
func ParseEscalation(s string) (Escalation, error) {
	e := DefaultEscalation()
	if strings.TrimSpace(s) == "" {
		return e, nil
	}
	for _, part := range strings.Split(s, ",") {
		name, value, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return nil, fmt.Errorf("escalation %q: want GRADE=DURATION such as A=2d", part)
		}
		g, err := ParseGrade(strings.TrimSpace(name))
		if err != nil {
			return nil, fmt.Errorf("escalation %q: %q is not a grade A–D", part, name)
		}
		value = strings.TrimSpace(value)
		if strings.EqualFold(value, "off") {
			delete(e, g)
			continue
		}
		d, err := parseDays(value)
		if err != nil || d < 2*time.Second {
			return nil, fmt.Errorf("escalation %q: %q is not a duration of at least 2s such as 2d, 36h, 90m or 30s", part, value)
		}
		e[g] = d
	}
	return e, nil
}

// String writes e back in the form ParseEscalation reads.
func (e Escalation) String() string {
	parts := make([]string, 0, len(Grades))
	for _, g := range Grades {
		d, ok := e[g]
		switch {
		case !ok:
			parts = append(parts, fmt.Sprintf("%s=off", g))
		case d%Day == 0:
			parts = append(parts, fmt.Sprintf("%s=%dd", g, d/Day))
		default:
			parts = append(parts, fmt.Sprintf("%s=%s", g, d))
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}
