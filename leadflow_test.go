package salesbot

import (
	"testing"
	"time"
)

// TestSeen: a lead as seen holds only what its sight shows.
func TestSeen(t *testing.T) {
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	l := &Lead{ID: "L1", Team: "T1", Company: "Acme", Owner: "UOWN", Grade: GradeA, Stage: StageLost, CreatedAt: at,
		ClosedAt: at.Add(Day), LostReason: "budget", NextStep: "call", Due: at.Add(7 * Day),
		Facts: map[KeyFact]Fact{FactBudget: {Text: "2M"}}, Stakeholders: []Stakeholder{{Name: "Wang"}}}
	if got := l.Seen(SightAll); got != l {
		t.Errorf("SightAll: a copy; want the lead itself")
	}
	if got := l.Seen(SightNone); got != nil {
		t.Errorf("SightNone: %+v; want nothing", got)
	}
	pool := l.Seen(SightPool)
	if pool.Company != "Acme" || pool.Owner != "UOWN" || pool.LostReason != "budget" || !pool.ClosedAt.Equal(l.ClosedAt) || pool.Stage != StageLost {
		t.Errorf("SightPool: %+v; want company, owner, stage, when and why it was lost", pool)
	}
	owner := l.Seen(SightOwner)
	if owner.Owner != "UOWN" || owner.Grade != GradeA || !owner.CreatedAt.Equal(at) || owner.Stage != "" || owner.LostReason != "" {
		t.Errorf("SightOwner: %+v; want whose, since when and the grade only", owner)
	}
	for _, seen := range []*Lead{pool, owner} {
		if seen.Facts != nil || seen.Stakeholders != nil || seen.NextStep != "" || !seen.Due.IsZero() {
			t.Errorf("seen as %+v: more than the sight shows", seen)
		}
	}
}
