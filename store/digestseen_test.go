package store_test

import (
	"slices"
	"testing"
	"time"

	"salesbot"
)

// TestDigestSeen: what a digest reported is kept with its mark in one
// write, read back with the digest data (with the leads it names, even
// those the digest would not read otherwise), and a team-led manager's
// digest counts their reps' open leads only.
func TestDigestSeen(t *testing.T) {
	s, _, team := newStore(t)
	c := mustCreate(t, s, team, "Cee Co", "UANN", salesbot.GradeC) // not read for risks nor due
	a := mustCreate(t, s, team, "Aye Co", "UBOB", salesbot.GradeA)
	mustCreate(t, s, team, "Bee Co", "UBOB", salesbot.GradeB)
	seen := salesbot.DigestSeen{Risks: []string{salesbot.RiskKey(c.ID, salesbot.RiskNoCoach), salesbot.RiskKey("gone", salesbot.RiskDevil)}, Parked: []string{a.ID}}
	through := now.Add(time.Hour)
	if err := s.DigestSent(ctx, team, "UMGR", "digest:UMGR", through, seen); err != nil {
		t.Fatal(err)
	}
	if mark, err := s.Mark(ctx, team, "digest:UMGR"); err != nil || !mark.Equal(through) {
		t.Fatalf("mark %v, %v; want %v", mark, err, through)
	}
	q := salesbot.DigestQuery{Since: now, Now: now.Add(2 * time.Hour), Floor: now, Cadence: salesbot.DefaultCadence(), Seen: "UMGR", Reps: []string{"UBOB"}}
	d, err := s.DigestData(ctx, team, q)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(d.Seen.Risks, seen.Risks) || !slices.Equal(d.Seen.Parked, seen.Parked) {
		t.Errorf("seen read back %+v, want %+v", d.Seen, seen)
	}
	read := map[string]bool{}
	for _, l := range d.Leads {
		read[l.ID] = true
	}
	if !read[c.ID] || !read[a.ID] {
		t.Errorf("the leads the last digest named are not read: %v", read)
	}
	if d.Open != 2 {
		t.Errorf("UBOB's open leads: %d, want 2", d.Open)
	}
	if other, err := s.DigestSeen(ctx, team, "UOTHER"); err != nil || len(other.Risks)+len(other.Parked) != 0 {
		t.Errorf("another manager's: %+v, %v", other, err)
	}
}

// TestRisksTold: what each lead's owner was told is kept by lead; a lead
// with nothing to remember is forgotten.
func TestRisksTold(t *testing.T) {
	s, _, team := newStore(t)
	told := map[string][]salesbot.RiskKind{"L1": {salesbot.RiskDevil, salesbot.RiskNoCoach}, "L2": {salesbot.RiskClosePassed}}
	day := salesbot.DateOf(now)
	if err := s.SetRisksTold(ctx, team, "UREP", day, told); err != nil {
		t.Fatal(err)
	}
	got, err := s.RisksTold(ctx, team, "UREP", []string{"L1", "L2", "L3"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got["L1"], told["L1"]) || !slices.Equal(got["L2"], told["L2"]) || len(got) != 2 {
		t.Fatalf("told read back %v", got)
	}
	if _, on, err := s.RiskNewsOwners(ctx, team); err != nil || on["UREP"] != day {
		t.Fatalf("UREP's news settled on %v (%v), want %v", on["UREP"], err, day)
	}
	if err := s.SetRisksTold(ctx, team, "UREP", day, map[string][]salesbot.RiskKind{"L1": nil}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.RisksTold(ctx, team, "UREP", []string{"L1", "L2"}); len(got) != 1 || got["L1"] != nil {
		t.Fatalf("L1 not forgotten: %v", got)
	}
	// L2 is reassigned: what UREP was told is not known to its new owner,
	// who is told of its risks anew.
	if got, _ := s.RisksTold(ctx, team, "UNEW", []string{"L2"}); len(got) != 0 {
		t.Fatalf("the new owner of L2 knows %v, want nothing", got)
	}
}
