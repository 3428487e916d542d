package salesbot_test

import (
	"reflect"
	"strings"
	"testing"

	"salesbot"
)

// identifiers are the string fields of a lead that name no one in free
// text: IDs, user IDs, the company, a vendor's or the person's own name
// (RemovePerson takes the person's entry out).
var identifiers = map[string]bool{
	"ID": true, "Team": true, "Company": true, "Owner": true, "CreatedBy": true, "UpdatedBy": true, "By": true, "Name": true,
}

// freeText visits every plain string field of v (a pointer), through
// structs, slices and maps of structs, that is not an identifier.
func freeText(v reflect.Value, path string, fn func(path string, s reflect.Value)) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			freeText(v.Elem(), path, fn)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if !f.IsExported() || identifiers[f.Name] {
				continue
			}
			freeText(v.Field(i), path+"."+f.Name, fn)
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Struct {
			for i := range v.Len() {
				freeText(v.Index(i), path+"[]", fn)
			}
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			freeText(e, path+"["+k.String()+"]", fn)
			v.SetMapIndex(k, e)
		}
	case reflect.String:
		if v.Type() == reflect.TypeOf("") {
			fn(path, v)
		}
	}
}

// TestScrubCoversEveryFreeTextField fills every free-text field of a lead,
// its people, facts, quotes, concessions, rivals and profile with the
// person's name, and checks the scrub leaves it in none. A field added to
// Lead later fails here until Scrub.Lead scrubs it (or it is listed as an
// identifier).
func TestScrubCoversEveryFreeTextField(t *testing.T) {
	l := withPeople(t)
	l.Quotes = []salesbot.Quote{{}}
	l.Concessions = []salesbot.Concession{{}}
	l.Rivals = []salesbot.Rival{{Name: "Vendor"}}
	l.Stakeholders[1].History = []salesbot.SupportChange{{}}
	l.Facts = map[salesbot.KeyFact]salesbot.Fact{salesbot.FactNeed: {}}
	const mention = "talked to Zhang Weiqiang 张伟强 today"
	filled := 0
	freeText(reflect.ValueOf(l), "lead", func(_ string, s reflect.Value) { s.SetString(mention); filled++ })
	if filled < 15 {
		t.Fatalf("only %d free-text fields filled", filled)
	}
	if _, _, err := l.RemovePerson(rep, removedPerson, registered); err != nil {
		t.Fatal(err)
	}
	freeText(reflect.ValueOf(l), "lead", func(path string, s reflect.Value) {
		if strings.Contains(s.String(), "张伟强") {
			t.Errorf("%s still names the person: %q", path, s.String())
		}
	})
}
