package salesbot_test

import (
	"fmt"
	"strings"
	"testing"

	"salesbot"
)

// wang is the customer's general manager, as first recorded.
var wang = salesbot.Stakeholder{Name: "Wang Li", Role: salesbot.RoleEconomicBuyer, Influence: salesbot.InfluenceHigh, Support: 1, Notes: "wants to be seen by the board"}

func TestSetStakeholder(t *testing.T) {
	l := newLead(t, "Acme", salesbot.GradeA)
	c, err := l.SetStakeholder(rep, wang, later)
	if err != nil {
		t.Fatal(err)
	}
	want := salesbot.Change{LeadID: "L1", Company: "Acme", Kind: salesbot.ChangeStance, By: rep.User, At: later, To: "+1", Reason: "Wang Li"}
	if c != want {
		t.Errorf("change = %+v\nwant %+v", c, want)
	}
	if len(l.Stakeholders) != 1 {
		t.Fatalf("stakeholders = %+v", l.Stakeholders)
	}
	if s := l.Stakeholders[0]; s.UpdatedBy != rep.User || !s.UpdatedAt.Equal(later) || s.Notes != wang.Notes {
		t.Errorf("stakeholder = %+v", s)
	}

	// The same person typed on a Chinese keyboard, in other case, turned
	// against us: one person, updated, and the history shows +1 → −2.
	update := salesbot.Stakeholder{Name: "ＷＡＮＧ\u3000ｌｉ", Role: salesbot.RoleEconomicBuyer, Influence: salesbot.InfluenceHigh, Support: -2}
	c, err = l.SetStakeholder(rep, update, later.Add(salesbot.Day))
	if err != nil {
		t.Fatal(err)
	}
	if c.From != "+1" || c.To != "-2" || c.Kind != salesbot.ChangeStance {
		t.Errorf("change = %+v, want from +1 to -2", c)
	}
	if len(l.Stakeholders) != 1 {
		t.Fatalf("an update added a person: %+v", l.Stakeholders)
	}
	s, ok := l.Stakeholder("wang li")
	if !ok || s.Support != -2 {
		t.Fatalf("Stakeholder(wang li) = %+v, %v", s, ok)
	}
	if s.Notes != wang.Notes {
		t.Errorf("notes = %q; an update without notes keeps the old ones", s.Notes)
	}
	if s.Quadrant() != salesbot.QuadrantDevil {
		t.Errorf("quadrant = %s, want devil", s.Quadrant())
	}

	// A second person is added, not merged.
	if _, err := l.SetStakeholder(boss, salesbot.Stakeholder{Name: "Wang Lei", Role: salesbot.RoleCoach, Influence: salesbot.InfluenceLow, Support: 3}, later); err != nil {
		t.Fatal(err)
	}
	if len(l.Stakeholders) != 2 {
		t.Errorf("stakeholders = %+v, want Wang Li and Wang Lei", l.Stakeholders)
	}
	if _, ok := l.Stakeholder("Zhang San"); ok {
		t.Error("Stakeholder found someone never recorded")
	}
}

func TestSetStakeholderRefuses(t *testing.T) {
	with := func(f func(*salesbot.Stakeholder)) salesbot.Stakeholder {
		s := wang
		f(&s)
		return s
	}
	tests := []struct {
		name    string
		actor   salesbot.Actor
		s       salesbot.Stakeholder
		code    string
		mention string
	}{
		{"stranger", stranger, wang, salesbot.EFORBIDDEN, "<@U0REP>'s lead"},
		{"no name", rep, with(func(s *salesbot.Stakeholder) { s.Name = " \u3000 " }), salesbot.EINVALID, "Who is it?"},
		{"name too long", rep, with(func(s *salesbot.Stakeholder) { s.Name = strings.Repeat("x", 81) }), salesbot.EINVALID, "81 characters"},
		{"control character in the name", rep, with(func(s *salesbot.Stakeholder) { s.Name = "Wang\x00Li" }), salesbot.EINVALID, "cannot be shown"},
		{"notes too long", rep, with(func(s *salesbot.Stakeholder) { s.Notes = strings.Repeat("x", 501) }), salesbot.EINVALID, "501 characters"},
		{"bad role", rep, with(func(s *salesbot.Stakeholder) { s.Role = "ceo" }), salesbot.EINVALID, "not a role"},
		{"no role", rep, with(func(s *salesbot.Stakeholder) { s.Role = "" }), salesbot.EINVALID, "not a role"},
		{"bad influence", rep, with(func(s *salesbot.Stakeholder) { s.Influence = "huge" }), salesbot.EINVALID, "not an influence"},
		{"support 4", rep, with(func(s *salesbot.Stakeholder) { s.Support = 4 }), salesbot.EINVALID, "4 is not a support level"},
		{"support -4", rep, with(func(s *salesbot.Stakeholder) { s.Support = -4 }), salesbot.EINVALID, "-4 is not a support level"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newLead(t, "Acme", salesbot.GradeA)
			_, err := l.SetStakeholder(tt.actor, tt.s, later)
			wantCode(t, err, tt.code)
			wantMessage(t, err, tt.mention)
			if len(l.Stakeholders) != 0 {
				t.Errorf("a refused stance was recorded: %+v", l.Stakeholders)
			}
		})
	}
}

func TestSetStakeholderCap(t *testing.T) {
	l := newLead(t, "Acme", salesbot.GradeA)
	person := func(i int) salesbot.Stakeholder {
		return salesbot.Stakeholder{Name: fmt.Sprintf("Person %d", i), Role: salesbot.RoleUser, Influence: salesbot.InfluenceLow}
	}
	for i := range salesbot.MaxStakeholders {
		if _, err := l.SetStakeholder(rep, person(i), later); err != nil {
			t.Fatalf("person %d: %v", i, err)
		}
	}
	_, err := l.SetStakeholder(rep, person(salesbot.MaxStakeholders), later)
	wantCode(t, err, salesbot.EINVALID)
	wantMessage(t, err, "already has 60 people")
	if len(l.Stakeholders) != salesbot.MaxStakeholders {
		t.Errorf("%d stakeholders, want the cap %d", len(l.Stakeholders), salesbot.MaxStakeholders)
	}
	// At the cap, people already recorded can still be updated.
	p := person(0)
	p.Support = 2
	if _, err := l.SetStakeholder(rep, p, later); err != nil {
		t.Errorf("update at the cap: %v", err)
	}
}

func TestSetStakeholderStoresCanonicalValues(t *testing.T) {
	l := newLead(t, "Acme", salesbot.GradeA)
	if _, err := l.SetStakeholder(rep, salesbot.Stakeholder{Name: "王总", Role: "EB", Influence: "高", Support: -3}, later); err != nil {
		t.Fatal(err)
	}
	s := l.Stakeholders[0]
	if s.Role != salesbot.RoleEconomicBuyer || s.Influence != salesbot.InfluenceHigh || s.Quadrant() != salesbot.QuadrantDevil {
		t.Errorf("stored role %q, influence %q, quadrant %s; want eb, high, devil", s.Role, s.Influence, s.Quadrant())
	}
}

func TestQuadrant(t *testing.T) {
	const (
		high = salesbot.InfluenceHigh
		med  = salesbot.InfluenceMedium
		low  = salesbot.InfluenceLow
	)
	tests := []struct {
		influence salesbot.Influence
		support   salesbot.Support
		want      salesbot.Quadrant
	}{
		{high, 3, salesbot.QuadrantAngel},
		{high, 1, salesbot.QuadrantAngel},
		{high, 0, salesbot.QuadrantNeutral},
		{high, -1, salesbot.QuadrantDevil},
		{high, -3, salesbot.QuadrantDevil},
		{med, 2, salesbot.QuadrantAngel}, // medium counts as high: a partial say is a say
		{med, 0, salesbot.QuadrantNeutral},
		{med, -2, salesbot.QuadrantDevil},
		{low, 3, salesbot.QuadrantSweetheart},
		{low, 1, salesbot.QuadrantSweetheart},
		{low, 0, salesbot.QuadrantNeutral},
		{low, -1, salesbot.QuadrantImp},
		{low, -3, salesbot.QuadrantImp},
	}
	for _, tt := range tests {
		s := salesbot.Stakeholder{Name: "x", Role: salesbot.RoleUser, Influence: tt.influence, Support: tt.support}
		if got := s.Quadrant(); got != tt.want {
			t.Errorf("%s influence, support %s: quadrant %s, want %s", tt.influence, tt.support, got, tt.want)
		}
	}
}

func TestParseRole(t *testing.T) {
	tests := []struct {
		in   string
		want salesbot.Role
	}{
		{"eb", salesbot.RoleEconomicBuyer}, {"EB", salesbot.RoleEconomicBuyer}, {"economic buyer", salesbot.RoleEconomicBuyer},
		{"Economic-Buyer", salesbot.RoleEconomicBuyer}, {"经济决策者", salesbot.RoleEconomicBuyer}, {"ＥＢ", salesbot.RoleEconomicBuyer},
		{"tb", salesbot.RoleTechnicalBuyer}, {"influencer", salesbot.RoleTechnicalBuyer}, {"technical buyer", salesbot.RoleTechnicalBuyer},
		{"user", salesbot.RoleUser}, {"用户", salesbot.RoleUser},
		{"coordinator", salesbot.RoleCoordinator}, {"PM", salesbot.RoleCoordinator},
		{"coach", salesbot.RoleCoach}, {"内线", salesbot.RoleCoach},
	}
	for _, tt := range tests {
		if got, err := salesbot.ParseRole(tt.in); err != nil || got != tt.want {
			t.Errorf("ParseRole(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{"", "ceo", "buyer", "e b"} {
		_, err := salesbot.ParseRole(in)
		wantCode(t, err, salesbot.EINVALID)
		wantMessage(t, err, "eb (economic buyer), tb (technical buyer), user, coordinator or coach")
	}
	if got := salesbot.RoleCoach.Name(); got != "Coach" {
		t.Errorf("RoleCoach.Name() = %q", got)
	}
}

func TestParseInfluence(t *testing.T) {
	tests := []struct {
		in   string
		want salesbot.Influence
	}{
		{"high", salesbot.InfluenceHigh}, {"H", salesbot.InfluenceHigh}, {"高", salesbot.InfluenceHigh}, {"ＨＩＧＨ", salesbot.InfluenceHigh},
		{"medium", salesbot.InfluenceMedium}, {"med", salesbot.InfluenceMedium}, {"m", salesbot.InfluenceMedium}, {"中", salesbot.InfluenceMedium},
		{" low ", salesbot.InfluenceLow}, {"l", salesbot.InfluenceLow}, {"低", salesbot.InfluenceLow},
	}
	for _, tt := range tests {
		if got, err := salesbot.ParseInfluence(tt.in); err != nil || got != tt.want {
			t.Errorf("ParseInfluence(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{"", "huge", "3", "very high"} {
		_, err := salesbot.ParseInfluence(in)
		wantCode(t, err, salesbot.EINVALID)
		wantMessage(t, err, "high, medium or low")
	}
}

func TestParseSupport(t *testing.T) {
	tests := []struct {
		in   string
		want salesbot.Support
	}{
		{"0", 0}, {"+0", 0}, {"-0", 0},
		{"1", 1}, {"+1", 1}, {"+3", 3}, {"3", 3},
		{"-1", -1}, {"-3", -3},
		{"−2", -2}, // U+2212 minus sign, as macOS types it
		{"–2", -2}, // en dash
		{"﹣2", -2}, // small hyphen-minus
		{"－２", -2}, // full width
		{"＋３", 3},
		{" +2 ", 2},
	}
	for _, tt := range tests {
		if got, err := salesbot.ParseSupport(tt.in); err != nil || got != tt.want {
			t.Errorf("ParseSupport(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{"", "4", "-4", "+4", "+-1", "--1", "1.5", "two", "high", "+ 1"} {
		_, err := salesbot.ParseSupport(in)
		wantCode(t, err, salesbot.EINVALID)
		wantMessage(t, err, "-3 (strongly against) to +3 (strong support)")
	}
}

func TestParseSupportDoublePlus(t *testing.T) {
	if got, err := salesbot.ParseSupport("++1"); err == nil {
		t.Errorf(`ParseSupport("++1") = %v, want an error`, got)
	}
}

func TestSupportString(t *testing.T) {
	tests := []struct {
		s             salesbot.Support
		text, meaning string
	}{
		{3, "+3", "strong support"},
		{2, "+2", "support"},
		{1, "+1", "friendly"},
		{0, "0", "neutral"},
		{-1, "-1", "uninterested"},
		{-2, "-2", "against"},
		{-3, "-3", "strongly against"},
	}
	for _, tt := range tests {
		if got := tt.s.String(); got != tt.text {
			t.Errorf("Support(%d).String() = %q, want %q", int(tt.s), got, tt.text)
		}
		if got := tt.s.Meaning(); got != tt.meaning {
			t.Errorf("Support(%d).Meaning() = %q, want %q", int(tt.s), got, tt.meaning)
		}
		// What String writes, ParseSupport reads back.
		if back, err := salesbot.ParseSupport(tt.s.String()); err != nil || back != tt.s {
			t.Errorf("ParseSupport(%q) = %v, %v; want %v", tt.s.String(), back, err, tt.s)
		}
	}
}
