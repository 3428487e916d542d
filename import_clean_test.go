package salesbot_test

import (
	"reflect"
	"strings"
	"testing"

	"salesbot"
)

// userFields visits every field of v (a pointer) that names a user — a
// string or []string whose name ends in "By" — through structs, slices
// and maps of structs.
func userFields(v reflect.Value, path string, fn func(path string, f reflect.Value)) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			userFields(v.Elem(), path, fn)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			fv := v.Field(i)
			isUser := strings.HasSuffix(f.Name, "By") &&
				(fv.Kind() == reflect.String || fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() == reflect.String)
			if isUser {
				fn(path+"."+f.Name, fv)
				continue
			}
			userFields(fv, path+"."+f.Name, fn)
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Struct {
			for i := range v.Len() {
				userFields(v.Index(i), path+"[]", fn)
			}
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			userFields(e, path+"["+k.String()+"]", fn)
			v.SetMapIndex(k, e)
		}
	}
}

const hostileUser = "U1> <https://evil|x> <!here> <@U2"

// importedFull is a lead with one of everything that carries a user.
func importedFull() (*salesbot.Lead, []salesbot.Change, []salesbot.Visit) {
	l := &salesbot.Lead{Company: "Acme",
		Stakeholders:  []salesbot.Stakeholder{{Name: "Wang", History: []salesbot.SupportChange{{}}}},
		Facts:         map[salesbot.KeyFact]salesbot.Fact{salesbot.FactNeed: {Text: "need"}},
		Quotes:        []salesbot.Quote{{Version: 1}},
		Concessions:   []salesbot.Concession{{Give: "x"}},
		Rivals:        []salesbot.Rival{{Name: "SAP"}},
		Qualification: salesbot.Qualification{},
	}
	return l, []salesbot.Change{{Kind: salesbot.ChangeCreated}}, []salesbot.Visit{{Notes: "n"}}
}

// TestCleanImportedUsersCoversEveryUserField fills every user field of an
// imported lead, its history and visits with text that would make a link
// and an @here inside <@…>, and checks none is left. A user field added
// later fails here until CleanImportedUsers cleans it.
func TestCleanImportedUsersCoversEveryUserField(t *testing.T) {
	l, history, visits := importedFull()
	filled := 0
	fill := func(_ string, f reflect.Value) {
		filled++
		if f.Kind() == reflect.String {
			f.SetString(hostileUser)
		} else {
			f.Set(reflect.ValueOf([]string{hostileUser, "W0BOSS"}))
		}
	}
	for _, v := range []any{l, &history, &visits} {
		userFields(reflect.ValueOf(v), "", fill)
	}
	if filled < 11 {
		t.Fatalf("only %d user fields filled", filled)
	}
	salesbot.CleanImportedUsers(l, history, visits, "UBOSS")
	check := func(path string, f reflect.Value) {
		if f.Kind() == reflect.String {
			if f.String() != "UBOSS" {
				t.Errorf("%s = %q, want the importer", path, f.String())
			}
			return
		}
		if got := f.Interface().([]string); !reflect.DeepEqual(got, []string{"W0BOSS"}) {
			t.Errorf("%s = %q, want only the user ID", path, got)
		}
	}
	for _, v := range []any{l, &history, &visits} {
		userFields(reflect.ValueOf(v), "", check)
	}
}

// TestCleanImportedUsersKeepsUserIDs: IDs stay; an unanswered
// qualification stays unanswered.
func TestCleanImportedUsersKeepsUserIDs(t *testing.T) {
	l, history, visits := importedFull()
	l.CreatedBy, history[0].By, visits[0].By = "U123ABC", "W99", "U77"
	l.Stakeholders[0].UpdatedBy = "Zhang Wei"
	salesbot.CleanImportedUsers(l, history, visits, "UBOSS")
	if l.CreatedBy != "U123ABC" || history[0].By != "W99" || visits[0].By != "U77" || l.Stakeholders[0].UpdatedBy != "UBOSS" || l.Qualification.By != "" {
		t.Fatalf("got %q %q %q %q %q", l.CreatedBy, history[0].By, visits[0].By, l.Stakeholders[0].UpdatedBy, l.Qualification.By)
	}
	for _, s := range []string{"<@U123>", "U123>", "<@U123", "u123", "U1", " U123", "U123|x", "@U123", ""} {
		if salesbot.IsUserID(s) {
			t.Errorf("IsUserID(%q) = true", s)
		}
	}
}

// TestCleanImportedParts: the JSON cells' parts are bounded as the
// commands bound them.
func TestCleanImportedParts(t *testing.T) {
	if err := salesbot.CleanImportedFacts(map[salesbot.KeyFact]salesbot.Fact{"gossip": {Text: "x"}}); err == nil {
		t.Error("an unknown key fact taken")
	}
	facts := map[salesbot.KeyFact]salesbot.Fact{salesbot.FactNeed: {Text: "  a need  "}, salesbot.FactBudget: {Text: " "}}
	if err := salesbot.CleanImportedFacts(facts); err != nil || facts[salesbot.FactNeed].Text != "a need" || len(facts) != 1 {
		t.Errorf("facts %+v %v", facts, err)
	}
	if err := salesbot.CleanImportedFacts(map[salesbot.KeyFact]salesbot.Fact{salesbot.FactNeed: {Text: strings.Repeat("x", salesbot.MaxTextLen+1)}}); err == nil {
		t.Error("an over-long fact taken")
	}
	quotes := []salesbot.Quote{{Version: 1, Status: salesbot.QuotePending}, {Version: 2, Status: salesbot.QuoteApproved}}
	if err := salesbot.CleanImportedQuotes(&quotes); err != nil || quotes[0].Status != salesbot.QuoteRejected || quotes[1].Status != salesbot.QuoteApproved {
		t.Errorf("quotes %+v %v", quotes, err)
	}
	if err := salesbot.CleanImportedQuotes(&[]salesbot.Quote{{Version: 1, Status: "maybe"}}); err == nil {
		t.Error("a quote of no status taken")
	}
	if err := salesbot.CleanImportedConcessions([]salesbot.Concession{{Give: strings.Repeat("x", 301)}}); err == nil {
		t.Error("an over-long concession taken")
	}
	if err := salesbot.CleanImportedRivals(make([]salesbot.Rival, salesbot.MaxRivals+1)); err == nil {
		t.Error("too many rivals taken")
	}
	if err := salesbot.CleanImportedQualification(&salesbot.Qualification{Win: salesbot.Verdict{Note: strings.Repeat("x", 301)}}); err == nil {
		t.Error("an over-long verdict taken")
	}
	if err := salesbot.CleanImportedSupportHistory(&[]salesbot.SupportChange{{From: 0, To: 9}}); err == nil {
		t.Error("support 9 taken")
	}
	h := make([]salesbot.SupportChange, salesbot.MaxSupportHistory+3)
	h[len(h)-1].Why = strings.Repeat("y", 200)
	if err := salesbot.CleanImportedSupportHistory(&h); err != nil || len(h) != salesbot.MaxSupportHistory || len([]rune(h[len(h)-1].Why)) > 140 {
		t.Errorf("support history %d, %v", len(h), err)
	}
}

// TestCleanImportedOwnerChanges: an owner change's From and To are shown
// as mentions (the weekly review's "reassigned to"), so a file's text there
// becomes the importer too; other kinds keep theirs.
func TestCleanImportedOwnerChanges(t *testing.T) {
	hostile := "U1> <!channel> <@U2"
	history := []salesbot.Change{
		{Kind: salesbot.ChangeOwner, By: "UA", From: "UOLD", To: hostile},
		{Kind: salesbot.ChangeOwner, By: "UA", From: hostile, To: "UNEW"},
		{Kind: salesbot.ChangeGrade, By: "UA", From: "B", To: "A"},
	}
	salesbot.CleanImportedUsers(&salesbot.Lead{}, history, nil, "UBOSS")
	if c := history[0]; c.From != "UOLD" || c.To != "UBOSS" {
		t.Errorf("owner change to a hostile text: %+v", c)
	}
	if c := history[1]; c.From != "UBOSS" || c.To != "UNEW" {
		t.Errorf("owner change from a hostile text: %+v", c)
	}
	if c := history[2]; c.From != "B" || c.To != "A" {
		t.Errorf("a grade change was touched: %+v", c)
	}
}
