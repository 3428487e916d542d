package salesbot_test

import (
	"strings"
	"testing"

	"salesbot"
)

const removedPerson = "Zhang Weiqiang 张伟强"

// withPeople is a lead with the removedPerson and another, the removedPerson named in
// the lead's free text here and there.
func withPeople(t *testing.T) *salesbot.Lead {
	t.Helper()
	l := newLead(t, "Acme", salesbot.GradeA)
	for _, s := range []salesbot.Stakeholder{
		{Name: removedPerson, Role: salesbot.RoleEconomicBuyer, Influence: salesbot.InfluenceHigh, Support: 2, Notes: "reports to the board", PersonalWins: "avoid risk"},
		{Name: "Li Na", Role: salesbot.RoleCoach, Influence: salesbot.InfluenceLow, Support: 3, Notes: "close to zhang weiqiang 张伟强 since school"},
	} {
		if _, err := l.SetStakeholder(rep, s, registered); err != nil {
			t.Fatal(err)
		}
	}
	l.NextStep = "lunch with ZHANG  WEIQIANG 张伟强"
	l.Facts = map[salesbot.KeyFact]salesbot.Fact{salesbot.FactDecision: {Text: removedPerson + " signs; the board approves"}}
	l.Concessions = []salesbot.Concession{{Give: "training for " + removedPerson + "'s team", Get: "a reference"}}
	return l
}

func TestRemovePersonByOwnerOrManagerOnly(t *testing.T) {
	for _, tc := range []struct {
		who  salesbot.Actor
		code string
	}{{rep, ""}, {boss, ""}, {stranger, salesbot.EFORBIDDEN}} {
		l := withPeople(t)
		name, c, err := l.RemovePerson(tc.who, " zhang   weiqiang 张伟强 ", registered)
		wantCode(t, err, tc.code)
		if tc.code != "" {
			wantMessage(t, err, "Acme", "owner", "manager")
			if len(l.Stakeholders) != 2 {
				t.Errorf("refused removal changed the lead: %d people", len(l.Stakeholders))
			}
			continue
		}
		if name != removedPerson {
			t.Errorf("name = %q, want the recorded %q", name, removedPerson)
		}
		if c.Kind != salesbot.ChangePersonRemoved || c.By != tc.who.User || c.From != "" || c.To != "" || c.Reason != "" {
			t.Errorf("change = %+v: want who removed, never whom", c)
		}
		if len(l.Stakeholders) != 1 || l.Stakeholders[0].Name != "Li Na" {
			t.Fatalf("stakeholders = %+v, want Li Na only", l.Stakeholders)
		}
		for _, text := range []string{l.NextStep, l.Facts[salesbot.FactDecision].Text, l.Stakeholders[0].Notes, l.Concessions[0].Give} {
			if strings.Contains(strings.ToLower(text), "zhang") || strings.Contains(text, "张伟强") || !strings.Contains(text, salesbot.Removed) {
				t.Errorf("text %q still names the removedPerson, or lost its place", text)
			}
		}
		if l.Stakeholders[0].PersonalWins != "" || l.Concessions[0].Get != "a reference" {
			t.Errorf("scrub touched what did not name the removedPerson: %+v", l)
		}
	}
}

// Two records of one person (an import made "Wang Li" and "wang li"): both
// go, and the name goes from everything either held, while a person whose
// name starts with theirs stays.
func TestRemovePersonRemovesEveryRecord(t *testing.T) {
	l := withPeople(t)
	l.Stakeholders = append(l.Stakeholders,
		salesbot.Stakeholder{Name: "Wang Li", Role: salesbot.RoleTechnicalBuyer, Notes: "Wang Li runs IT"},
		salesbot.Stakeholder{Name: "Wang Li Na", Role: salesbot.RoleUser, Notes: "works for wang li"},
		salesbot.Stakeholder{Name: "ｗａｎｇ  li", Role: salesbot.RoleUser, Notes: "imported twice", PersonalWins: "Wang Li wants a promotion"})
	l.NextStep = "call Wang Li and Wang Li Na"
	name, _, err := l.RemovePerson(rep, "WANG LI", registered)
	if err != nil {
		t.Fatal(err)
	}
	if name != "Wang Li" {
		t.Errorf("name = %q; want the first record's", name)
	}
	var left []string
	for _, s := range l.Stakeholders {
		left = append(left, s.Name)
		for _, text := range []string{s.Notes, s.PersonalWins} {
			if salesbot.NewScrub("wang li", "Wang Li Na").Mentions(text) {
				t.Errorf("%s's notes still name them: %q", s.Name, text)
			}
		}
	}
	if got := strings.Join(left, ","); got != removedPerson+",Li Na,Wang Li Na" {
		t.Errorf("people left = %s; want every record of Wang Li gone", got)
	}
	if l.NextStep != "call (removed) and Wang Li Na" {
		t.Errorf("next step = %q", l.NextStep)
	}
	v, ok := l.Scrub(name).Visit(salesbot.Visit{Met: []string{"Wang Li", "wang li", "Wang Li Na"}, Notes: "met Wang Li"})
	if !ok || strings.Join(v.Met, ",") != "(removed),(removed),Wang Li Na" || v.Notes != "met (removed)" {
		t.Errorf("visit scrubbed = %+v, %v", v, ok)
	}
}

func TestRemovePersonFromClosedLead(t *testing.T) {
	l := withPeople(t)
	if _, err := l.Lose(rep, "went elsewhere", registered); err != nil {
		t.Fatal(err)
	}
	if _, _, err := l.RemovePerson(rep, removedPerson, registered); err != nil {
		t.Fatalf("a person's record on a lost lead: %v", err)
	}
}

func TestRemovePersonUnknown(t *testing.T) {
	l := withPeople(t)
	_, _, err := l.RemovePerson(rep, "Wang Wu", registered)
	wantCode(t, err, salesbot.ENOTFOUND)
	wantMessage(t, err, "Wang Wu", "Acme", "/lead map")
	_, _, err = l.RemovePerson(rep, "  ", registered)
	wantCode(t, err, salesbot.EINVALID)
	if len(l.Stakeholders) != 2 {
		t.Errorf("people = %d, want 2", len(l.Stakeholders))
	}
}

func TestCanDeleteLead(t *testing.T) {
	wantCode(t, salesbot.CanDeleteLead(boss), "")
	err := salesbot.CanDeleteLead(rep)
	wantCode(t, err, salesbot.EFORBIDDEN)
	wantMessage(t, err, "Only managers", "ask a manager")
}

func TestScrubText(t *testing.T) {
	sc := salesbot.NewScrub("Li Na")
	for _, tc := range []struct{ in, want string }{
		{"met Li Na today", "met (removed) today"},
		{"met li  na, then LI NA again", "met (removed), then (removed) again"},
		{"met Ｌｉ Ｎａ", "met (removed)"},           // full width
		{"Lisa and Linares", "Lisa and Linares"}, // inside words
		{"Li Nate called", "Li Nate called"},     // a longer word
		{"经理Li Na说", "经理(removed)说"},             // Chinese around it
		{"", ""},
	} {
		got, ok := sc.Text(tc.in)
		if got != tc.want || ok != (tc.in != tc.want) {
			t.Errorf("Text(%q) = %q, %v; want %q", tc.in, got, ok, tc.want)
		}
	}
	zh := salesbot.NewScrub("张伟强")
	if got, _ := zh.Text("约张伟强和张伟强的秘书"); got != "约(removed)和(removed)的秘书" {
		t.Errorf("Chinese scrub = %q", got)
	}
	if got, ok := salesbot.NewScrub("").Text("anything"); ok || got != "anything" {
		t.Errorf("an empty name scrubbed %q", got)
	}
}

func TestScrubKeepsOtherPeople(t *testing.T) {
	sc := salesbot.NewScrub("Li", "Li Na", "Wang Li", "Zhou")
	for _, tc := range []struct{ in, want string }{
		{"Li met Li Na and Wang Li", "(removed) met Li Na and Wang Li"},
		{"li, li na", "(removed), li na"},
	} {
		if got, _ := sc.Text(tc.in); got != tc.want {
			t.Errorf("Text(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
	v, ok := sc.Visit(salesbot.Visit{Met: []string{"Li Na", "li"}})
	if !ok || v.Met[0] != "Li Na" || v.Met[1] != salesbot.Removed {
		t.Errorf("met = %v, %v", v.Met, ok)
	}
	l := withPeople(t)
	if _, _, err := l.RemovePerson(rep, "Li Na", registered); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(l.NextStep, "ZHANG") {
		t.Errorf("removing Li Na touched %q", l.NextStep)
	}
}

func TestScrubChangeAndVisit(t *testing.T) {
	sc := salesbot.NewScrub(removedPerson)
	c, ok := sc.Change(salesbot.Change{Kind: salesbot.ChangeStance, From: "+1", To: "+2", Reason: removedPerson})
	if !ok || c.Reason != salesbot.Removed || c.From != "+1" || c.To != "+2" {
		t.Errorf("stance change = %+v, %v", c, ok)
	}
	if _, ok := sc.Change(salesbot.Change{Kind: salesbot.ChangeGrade, From: "B", To: "A"}); ok {
		t.Error("a grade change named the removedPerson")
	}
	v := salesbot.Visit{Met: []string{"Li Na", "zhang weiqiang 张伟强"}, Notes: "demo for " + removedPerson, NextStep: "call Li Na"}
	met := v.Met
	got, ok := sc.Visit(v)
	if !ok || got.Met[0] != "Li Na" || got.Met[1] != salesbot.Removed || got.Notes != "demo for (removed)" || got.NextStep != "call Li Na" {
		t.Errorf("visit = %+v, %v", got, ok)
	}
	if met[1] == salesbot.Removed {
		t.Error("Visit changed the caller's slice")
	}
}

func TestDeletionDetail(t *testing.T) {
	l := newLead(t, "Acme", salesbot.GradeB)
	if got, want := salesbot.DeletionDetail(l), "owner U0REP, grade B, stage lead"; got != want {
		t.Errorf("detail = %q, want %q", got, want)
	}
}
