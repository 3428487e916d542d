package store_test

import (
	"slices"
	"testing"
)

func TestViewer(t *testing.T) {
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

}
