package store_test

import "testing"

func TestLang(t *testing.T) {
	s, _, team := newStore(t)
	if got, err := s.Lang(ctx, team, "U1"); err != nil || got != "" {
		t.Fatalf("Lang before any choice = %q, %v; want \"\"", got, err)
	}
	for _, lang := range []string{"zh", "en"} {
		if err := s.SetLang(ctx, team, "U1", lang); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Lang(ctx, team, "U1"); err != nil || got != lang {
			t.Errorf("Lang = %q, %v; want %q", got, err, lang)
		}
	}
	if got, _ := s.Lang(ctx, team, "U2"); got != "" {
		t.Errorf("another user's Lang = %q; want \"\"", got)
	}
	if got, _ := s.Lang(ctx, team+"x", "U1"); got != "" {
		t.Errorf("Lang in another team = %q; want \"\"", got)
	}
	if err := s.SetLang(ctx, team, "U1", ""); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Lang(ctx, team, "U1"); got != "" {
		t.Errorf("Lang after forgetting = %q; want \"\"", got)
	}
	if err := s.SetLang(ctx, team, "", "zh"); err == nil {
		t.Error("SetLang of no user succeeded")
	}
}
