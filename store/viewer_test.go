package store_test

import (
	"slices"
	"testing"
	"time"

	"salesbot"
)

func TestViewerAndLeadWithVisits(t *testing.T) {
	s, _, team := newStore(t)
	if lang, managers, err := s.Viewer(ctx, team, "U1"); err != nil || lang != "" || len(managers) != 0 {
		t.Fatalf("unknown viewer: %q %v %v", lang, managers, err)
	}
	if err := s.SetLang(ctx, team, "U1", "zh"); err != nil {
		t.Fatal(err)
	}
	if err := s.AddManager(ctx, team, "U1"); err != nil {
		t.Fatal(err)
	}
	if err := s.AddManager(ctx, team, "U0"); err != nil {
		t.Fatal(err)
	}
	if lang, managers, err := s.Viewer(ctx, team, "U1"); err != nil || lang != "zh" || !slices.Equal(managers, []string{"U0", "U1"}) {
		t.Fatalf("viewer: %q %v %v", lang, managers, err)
	}

	l := mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)
	for _, notes := range []string{"first", "second"} {
		mustUpdate(t, s, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
			v := &salesbot.Visit{Kind: salesbot.KindCall, Notes: notes}
			c, err := l.RecordVisit(salesbot.Actor{User: "U1"}, v, time.UTC, now)
			return salesbot.Update{Changes: []salesbot.Change{c}, Visit: v}, err
		})
	}
	got, visits, err := s.LeadWithVisits(ctx, team, l.ID, 1)
	if err != nil || got.ID != l.ID || len(visits) != 1 || visits[0].Notes != "second" {
		t.Fatalf("LeadWithVisits = %+v, %+v, %v", got, visits, err)
	}
	if _, _, err := s.LeadWithVisits(ctx, team, "nosuch", 1); salesbot.ErrorCode(err) != salesbot.ENOTFOUND {
		t.Errorf("missing lead: %v", err)
	}
}
