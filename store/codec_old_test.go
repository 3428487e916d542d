package store

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"salesbot"
)

// fullLead is a lead with every field the store keeps set, for round trips
// and for the stored examples of older encodings.
func fullLead() *salesbot.Lead {
	at := time.Date(2026, 11, 23, 2, 0, 0, 123_456_789, time.UTC)
	return &salesbot.Lead{
		ID: "ab12cd34", Team: "T1", Company: "上海精密机械 Acme", Owner: "U1", Grade: salesbot.GradeA, Stage: salesbot.StageNegotiation,
		CreatedBy: "U2", CreatedAt: at, UpdatedAt: at.Add(time.Hour), StageSince: at, LastTouch: at.Add(-48 * time.Hour), NextStep: "quote",
		NextStepDue: at.AddDate(0, 0, 7), Due: at.AddDate(0, 0, 7), SnoozedUntil: at.Add(2 * time.Hour), RemindedDue: at,
		Facts: map[salesbot.KeyFact]salesbot.Fact{
			salesbot.FactBudget: {Text: "2M", UpdatedBy: "U1", UpdatedAt: at},
			salesbot.FactNeed:   {Text: "fewer line stops", UpdatedBy: "U3", UpdatedAt: at.Add(time.Minute)},
		},
		Stakeholders: []salesbot.Stakeholder{{
			Name: "Wang Li", Role: salesbot.RoleEconomicBuyer, Influence: salesbot.InfluenceHigh, Support: 2,
			DecisionRole: salesbot.DecisionMaker, ContactDepth: salesbot.DepthBrief, Attitude: "warm", PersonalWins: "promotion", LastMet: at,
			History: []salesbot.SupportChange{{From: -1, To: 2, At: at, By: "U1", Why: "after the demo"}, {From: 2, To: 1, At: at.Add(time.Hour), By: "U2"}},
			Notes:   "likes pilots", UpdatedBy: "U1", UpdatedAt: at,
		}, {Name: "李娜", Role: salesbot.RoleUser, Influence: salesbot.InfluenceLow, Support: -2, UpdatedBy: "U4", UpdatedAt: at},
			{Name: "Zhang Wei", Role: salesbot.RoleCoach, Influence: salesbot.InfluenceMedium}},
		ClosedAt: at, LostReason: "none",
		Value: salesbot.Amount{Minor: 180_000_000, Currency: "CNY"}, CloseBy: salesbot.Date{Year: 2027, Month: 3, Day: 31},
		Slips: 2, Category: salesbot.CategoryBest, AtRisk: true, WonOn: salesbot.Date{Year: 2027, Month: 4, Day: 2},
		Quotes: []salesbot.Quote{{Version: 1, Amount: salesbot.Amount{Minor: 5_000_000, Currency: "CNY"}, Discount: 500, Notes: "3 sites",
			By: "U1", At: at, Status: salesbot.QuoteApproved, ApprovedBy: []string{"U9"}}},
		GradeConfirmed: at.Add(-time.Hour),
		Concessions: []salesbot.Concession{
			{Give: "5% discount", Get: "three-year contract", Size: salesbot.Size{Basis: 500}, Stage: salesbot.StageObjections, By: "U1", At: at},
		},
		Qualification: salesbot.Qualification{Exists: salesbot.Verdict{Answer: salesbot.AnswerYes, Note: "budget approved"}, By: "U1", At: at},
		Rivals:        []salesbot.Rival{{Name: "SAP", Position: salesbot.PositionAhead, Notes: "demoed first", By: "U1", At: at}},
		ParkedUntil:   salesbot.Date{Year: 2027, Month: 1, Day: 5}, ParkReason: "budget freeze", RemindedAt: at.Add(3 * time.Hour),
		Climbed: salesbot.LadderManagers, ClimbAt: at.Add(4 * time.Hour), Suggested: "regrade",
		Source:   salesbot.SourceReferral,
		Profile:  salesbot.Profile{Industry: "machinery", Headcount: "200", Revenue: "5000万-1亿", Region: "华东", Address: "Pudong", Website: "acme.cn"},
		Removals: []salesbot.Removal{{By: "U1", At: at}},
	}
}

// TestOldEncodings: values stored by earlier versions, kept in testdata as
// they were written (by encodeLeadV3 and the z1 packing of commit e5795c5;
// never to be rewritten), still decode: a version 3 lead (JSON), and a
// history and a visits list packed in the first packed format (z1).
func TestOldEncodings(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "lead_v3.json"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeLead(raw, "T1")
	if err != nil {
		t.Fatal(err)
	}
	if want := fullLead(); !reflect.DeepEqual(got, want) {
		t.Errorf("version 3 lead:\n got %+v\nwant %+v", got, want)
	}
	for _, name := range []string{"visits_z1.bin", "history_z1.bin"} {
		raw, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if !isPacked(string(raw)) {
			t.Fatalf("%s is not a packed element", name)
		}
		fail := func(err error) { t.Errorf("%s: %v", name, err) }
		if name == "visits_z1.bin" {
			vs := decodeVisits([]string{string(raw)}, "ab12cd34", fail)
			if want := oldVisits(); !reflect.DeepEqual(vs, want) {
				t.Errorf("z1 visits:\n got %+v\nwant %+v", vs, want)
			}
			continue
		}
		cs := decodeChanges([]string{string(raw)}, "ab12cd34", fail)
		if want := oldChanges(); !reflect.DeepEqual(cs, want) {
			t.Errorf("z1 history:\n got %+v\nwant %+v", cs, want)
		}
	}
}

// oldVisits are the visits of the stored z1 example, newest first.
func oldVisits() []salesbot.Visit {
	var vs []salesbot.Visit
	for i := range 5 {
		vs = append(vs, salesbot.Visit{LeadID: "ab12cd34", Date: salesbot.Date{Year: 2026, Month: 11, Day: 20 - i}, Kind: salesbot.KindVisit,
			Notes: "Walked the line; they want a quote for 3 sites. 走访了生产线。", NextStep: "quote", NextDate: salesbot.Date{Year: 2026, Month: 11, Day: 30},
			Met: []string{"Wang Li", "李娜"}, By: "U1", LoggedAt: time.Date(2026, 11, 20-i, 2, 0, 0, 0, time.UTC)})
	}
	return vs
}

// oldChanges are the changes of the stored z1 example, newest first.
func oldChanges() []salesbot.Change {
	var cs []salesbot.Change
	for i := range 5 {
		cs = append(cs, salesbot.Change{LeadID: "ab12cd34", Kind: salesbot.ChangeGrade, By: "U1",
			At: time.Date(2026, 11, 20-i, 2, 0, 0, 0, time.UTC), From: "B", To: "A", Reason: "budget set"})
	}
	return cs
}

// encodeLeadV3 encodes a lead as version 3 stored it (JSON), with the number of entries pushed
// to its lists since they were last packed.
func encodeLeadV3(l *salesbot.Lead, pending int) ([]byte, error) {
	s := storedLead{
		V: leadVersion, Pending: pending, ID: l.ID, Company: l.Company, Owner: l.Owner, Grade: l.Grade, Stage: l.Stage,
		CreatedBy: byOwner(l.CreatedBy, l.Owner), CreatedAt: nanos(l.CreatedAt), UpdatedAt: nanos(l.UpdatedAt), StageSince: nanos(l.StageSince),
		LastTouch: nanos(l.LastTouch), NextStep: l.NextStep, NextStepDue: nanos(l.NextStepDue), Due: nanos(l.Due),
		SnoozedUntil: nanos(l.SnoozedUntil), RemindedDue: nanos(l.RemindedDue), ClosedAt: nanos(l.ClosedAt), LostReason: l.LostReason,
		ValueMinor: l.Value.Minor, Currency: l.Value.Currency, CloseBy: l.CloseBy, Slips: l.Slips, Category: l.Category, AtRisk: l.AtRisk, WonOn: l.WonOn, Quotes: l.Quotes, GradeConf: nanos(l.GradeConfirmed),
		ParkedUntil: l.ParkedUntil, ParkReason: l.ParkReason, RemindedAt: nanos(l.RemindedAt), Climbed: l.Climbed, ClimbAt: nanos(l.ClimbAt), Suggested: l.Suggested,
	}
	if len(l.Facts) > 0 {
		s.Facts = make(map[salesbot.KeyFact]storedFact, len(l.Facts))
		for k, f := range l.Facts {
			s.Facts[k] = storedFact{Text: f.Text, By: f.UpdatedBy, At: nanos(f.UpdatedAt)}
		}
	}
	for _, p := range l.Stakeholders {
		sp := storedStakeholder{Name: p.Name, Role: p.Role, Influence: p.Influence, Support: p.Support, DecisionRole: p.DecisionRole,
			ContactDepth: p.ContactDepth, Attitude: p.Attitude, PersonalWins: p.PersonalWins, LastMet: nanos(p.LastMet),
			Notes: p.Notes, By: byOwner(p.UpdatedBy, l.Owner), At: nanos(p.UpdatedAt)}
		for _, h := range p.History {
			sp.History = append(sp.History, storedSupportChange{From: h.From, To: h.To, At: nanos(h.At), By: h.By, Why: h.Why})
		}
		s.People = append(s.People, sp)
	}
	encodeNegotiation(&s, l)
	encodeProfile(&s, l)
	b, err := json.Marshal(s)
	if err != nil {
		return nil, bug{fmt.Errorf("encode lead: %w", err)}
	}
	return b, nil
}

// TestLeadVersion4: every field of a lead comes back from version 4, with
// the count of pending entries its header carries, and a deflated value
// cut short anywhere fails to decode.
func TestLeadVersion4(t *testing.T) {
	for _, l := range []*salesbot.Lead{fullLead(), cardLead(false), cardLead(true), {ID: "x", Team: "T1"}} {
		raw, err := encodeLead(l, 300)
		if err != nil {
			t.Fatal(err)
		}
		got, pending, err := decodeStoredLead(raw, "T1")
		if err != nil || !reflect.DeepEqual(got, l) {
			t.Errorf("round trip of %s:\n got %+v, %v\nwant %+v", l.ID, got, err, l)
		}
		if pending != 255 {
			t.Errorf("pending %d; want 300 kept as 255", pending)
		}
		// A deflated body knows its end; a plain one may end between
		// fields, and must then at least not decode as the whole.
		deflated := raw[2]&flagDeflated != 0
		for n := range len(raw) {
			got, err := decodeLead(raw[:n], "T1")
			if err == nil && (deflated || reflect.DeepEqual(got, l)) {
				t.Errorf("lead %s cut to %d of %d B decodes", l.ID, n, len(raw))
			}
		}
	}
}

// FuzzDecodeLead: no stored value, however broken, makes decoding a lead
// panic, and what version 4 decodes encodes back to a value that decodes
// the same.
func FuzzDecodeLead(f *testing.F) {
	for _, l := range []*salesbot.Lead{fullLead(), cardLead(true)} {
		raw, err := encodeLead(l, 2)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
		plain := append([]byte(nil), raw[:leadHeader]...)
		f.Add(plain)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		l, pending, err := decodeStoredLead(raw, "T1")
		if err != nil || len(raw) == 0 || raw[0] != leadMark4 {
			return
		}
		again, err := encodeLead(l, pending)
		if err != nil {
			return // a value no write makes (a bad quote in its JSON)
		}
		if l2, _, err := decodeStoredLead(again, "T1"); err != nil || !reflect.DeepEqual(l, l2) {
			t.Errorf("re-encoded lead decodes as %+v, %v; want %+v", l2, err, l)
		}
	})
}

// TestRenameStoredLead: a stored lead renamed is what the store writes for
// the renamed lead, byte for byte, with the same pending count; a version
// 3 value comes back as version 4.
func TestRenameStoredLead(t *testing.T) {
	l := fullLead()
	raw, err := encodeLead(l, 5)
	if err != nil {
		t.Fatal(err)
	}
	renamed := *l
	renamed.ID, renamed.Company = "zz99yy88", "Beta 北京"
	want, err := encodeLead(&renamed, 5)
	if err != nil {
		t.Fatal(err)
	}
	v3, err := encodeLeadV3(l, 5)
	if err != nil {
		t.Fatal(err)
	}
	for _, from := range [][]byte{raw, v3} {
		got, err := RenameStoredLead(string(from), renamed.ID, renamed.Company)
		if err != nil || got != string(want) {
			t.Errorf("renamed %.10q: %q, %v; want %q", from, got, err, want)
		}
	}
	if _, err := RenameStoredLead("{", "x", "y"); err == nil {
		t.Error("a broken lead renames")
	}
}

// TestActivityEntry: a stream entry is the change's fields joined, the
// reason last whatever it holds; a change with the separator in another
// field, or without a kind, is JSON as before; both decode to the change.
func TestActivityEntry(t *testing.T) {
	at := time.Date(2026, 11, 23, 2, 0, 0, 123_000_000, time.UTC)
	for _, tc := range []struct {
		c    salesbot.Change
		json bool
	}{
		{salesbot.Change{LeadID: "ab12cd34", Kind: salesbot.ChangeLost, By: "U1", At: at, From: "demo", Reason: "price\x1fand\x1ftiming"}, false},
		{salesbot.Change{LeadID: "ab12cd34", Kind: salesbot.ChangeGrade, By: "U1", From: "B", To: "A"}, false},
		{salesbot.Change{LeadID: "ab12cd34", Kind: salesbot.ChangeStage, By: "U\x1f1", At: at}, true},
		{salesbot.Change{LeadID: "ab12cd34", By: "U1", At: at}, true},
	} {
		raw, err := encodeChange(tc.c, inActivity)
		if err != nil {
			t.Fatal(err)
		}
		if isJSON := raw[0] == '{'; isJSON != tc.json {
			t.Errorf("%+v stored as %q; want JSON %v", tc.c, raw, tc.json)
		}
		if got, err := decodeChange(raw, ""); err != nil || got != tc.c {
			t.Errorf("%q decodes as %+v, %v; want %+v", raw, got, err, tc.c)
		}
	}
	if _, err := decodeChange([]byte("visit\x1fab12cd34"), ""); err == nil {
		t.Error("a short entry decodes")
	}
}
