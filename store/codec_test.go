package store

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"salesbot"
)

func TestChangeEncoding(t *testing.T) {
	at := time.Date(2026, 11, 23, 2, 0, 0, 123_000_000, time.UTC)
	c := salesbot.Change{LeadID: "ab12cd34", Company: "Acme", Kind: salesbot.ChangeVisit, By: "U1", At: at, To: "2026-11-20", Reason: "demo: met the CFO"}

	raw, err := encodeChange(c, inActivity)
	if err != nil {
		t.Fatal(err)
	}
	// The stream refers to the lead for its company, and keeps of a
	// visit's summary the kind of touch, which is all the digest shows.
	want := c
	want.Company, want.Reason = "", "demo"
	if got, err := decodeChange(raw, ""); err != nil || got != want {
		t.Errorf("activity round trip: %+v, %v; want %+v", got, err, want)
	}

	raw, err = encodeChange(c, inHistory)
	if err != nil {
		t.Fatal(err)
	}
	want = c
	want.Company, want.Reason = "", "" // the key names the lead; the visits list has the summary
	if got, err := decodeChange(raw, "ab12cd34"); err != nil || got != want {
		t.Errorf("history round trip: %+v, %v; want %+v", got, err, want)
	}

	old := `{"lead":"ab12cd34","company":"Acme","kind":"grade","by":"U1","at":"2026-11-23T10:00:00.5+08:00","from":"C","to":"A","reason":"budget set"}`
	got, err := decodeChange([]byte(old), "")
	if err != nil {
		t.Fatal(err)
	}
	if got.LeadID != "ab12cd34" || got.Company != "Acme" || got.Kind != salesbot.ChangeGrade || got.By != "U1" ||
		!got.At.Equal(time.Date(2026, 11, 23, 2, 0, 0, 500_000_000, time.UTC)) || got.From != "C" || got.To != "A" || got.Reason != "budget set" {
		t.Errorf("a change written before decodes as %+v", got)
	}
	if _, err := decodeChange([]byte("{"), ""); err == nil {
		t.Error("a broken change decodes")
	}
}

func TestVisitEncoding(t *testing.T) {
	v := salesbot.Visit{LeadID: "ab12cd34", Date: salesbot.Date{Year: 2026, Month: 11, Day: 20}, Kind: salesbot.KindDemo, Notes: "demo went well",
		NextStep: "quote", NextDate: salesbot.Date{Year: 2026, Month: 11, Day: 30}, Met: []string{"Wang Li"}, By: "U1",
		LoggedAt: time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)}
	raw, err := encodeVisit(v)
	if err != nil {
		t.Fatal(err)
	}
	skipped := 0
	got := decodeVisits([]string{string(raw), "not json"}, "ab12cd34", func(error) { skipped++ })
	if len(got) != 1 || got[0].LeadID != v.LeadID || got[0].Date != v.Date || got[0].Kind != v.Kind || got[0].Notes != v.Notes ||
		got[0].NextStep != v.NextStep || got[0].NextDate != v.NextDate || len(got[0].Met) != 1 || got[0].By != "U1" || !got[0].LoggedAt.Equal(v.LoggedAt) {
		t.Errorf("round trip: %+v; want %+v", got, v)
	}
	if skipped != 1 {
		t.Errorf("skipped %d visits; want the one that is not JSON", skipped)
	}

	old := `{"lead":"ab12cd34","date":"2026-11-20","kind":"demo","notes":"demo went well","next_step":"quote","next_date":"2026-11-30","met":["Wang Li"],"by":"U1","logged_at":"2026-11-23T02:00:00Z"}`
	got = decodeVisits([]string{old}, "ab12cd34", func(error) { skipped++ })
	if len(got) != 1 || got[0].Date != v.Date || got[0].NextDate != v.NextDate || got[0].Notes != v.Notes || len(got[0].Met) != 1 || !got[0].LoggedAt.Equal(v.LoggedAt) {
		t.Errorf("a visit written before decodes as %+v", got)
	}
	if skipped != 1 {
		t.Errorf("skipped %d visits; want only the one that is not JSON", skipped)
	}
}

func TestLeadEncoding(t *testing.T) {
	at := time.Date(2026, 11, 23, 2, 0, 0, 123_456_789, time.UTC)
	l := &salesbot.Lead{
		ID: "ab12cd34", Team: "T1", Company: "Acme", Owner: "U1", Grade: salesbot.GradeA, Stage: salesbot.StageDemo,
		CreatedBy: "U2", CreatedAt: at, UpdatedAt: at.Add(time.Hour), StageSince: at, LastTouch: at, NextStep: "quote",
		NextStepDue: at.AddDate(0, 0, 7), Due: at.AddDate(0, 0, 7), SnoozedUntil: at.Add(2 * time.Hour), RemindedDue: at,
		Facts: map[salesbot.KeyFact]salesbot.Fact{salesbot.FactBudget: {Text: "2M", UpdatedBy: "U1", UpdatedAt: at}},
		Stakeholders: []salesbot.Stakeholder{{
			Name: "Wang Li", Role: salesbot.RoleEconomicBuyer, Influence: salesbot.InfluenceHigh, Support: 2,
			DecisionRole: salesbot.DecisionMaker, ContactDepth: salesbot.DepthBrief, PersonalWins: "promotion", LastMet: at,
			History: []salesbot.SupportChange{{From: -1, To: 2, At: at, By: "U1", Why: "after the demo"}},
			Notes:   "likes pilots", UpdatedBy: "U1", UpdatedAt: at,
		}},
		ClosedAt: at, LostReason: "none",
		Value: salesbot.Amount{Minor: 180_000_000, Currency: "CNY"}, CloseBy: salesbot.Date{Year: 2027, Month: 3, Day: 31},
		Slips: 2, Category: salesbot.CategoryBest, AtRisk: true,
	}
	raw, err := encodeLead(l, 0)
	if err != nil {
		t.Fatal(err)
	}
	s := &Store{}
	got, err := s.readLead(raw, "T1")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, l) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, l)
	}
	if raw[0] != leadMark4 {
		t.Errorf("stored lead starts with %q; want version 4's mark", raw[0])
	}
	// Version 3 (JSON) still decodes, to the same lead.
	v3, err := encodeLeadV3(l, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, field := range []string{`"vm":180000000`, `"vc":"CNY"`, `"cd":"2027-03-31"`, `"sl":2`, `"fc":"best"`, `"ar":true`} {
		if !strings.Contains(string(v3), field) {
			t.Errorf("version 3 lead %s lacks %s", v3, field)
		}
	}
	if got, err := decodeLead(v3, "T1"); err != nil || !reflect.DeepEqual(got, l) {
		t.Errorf("version 3 round trip:\n got %+v, %v\nwant %+v", got, err, l)
	}
	if len(raw) >= len(v3) {
		t.Errorf("stored lead is %d B, no smaller than the %d B of version 3", len(raw), len(v3))
	}
	if rev := s.revs.of(got); rev != revision(raw) {
		t.Errorf("read at revision %q; want %q", rev, revision(raw))
	}

	// A lead written before, as salesbot.Lead's own JSON, still decodes.
	old, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	got, err = decodeLead(old, "T1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Company != "Acme" || got.Stage != salesbot.StageDemo || !got.Due.Equal(l.Due) || len(got.Stakeholders) != 1 ||
		got.Stakeholders[0].History[0].Why != "after the demo" || got.Facts[salesbot.FactBudget].Text != "2M" {
		t.Errorf("a lead written before decodes as %+v", got)
	}
	if len(raw) >= len(old) {
		t.Errorf("stored lead is %d B, no smaller than the %d B of its plain JSON", len(raw), len(old))
	}
	if _, err := decodeLead([]byte(`{"v":2,`), "T1"); err == nil {
		t.Error("a broken lead decodes")
	}
}

// TestLeadByOwner: version 3 leaves the owner out where they did
// something (registered the lead, last changed a person's record) and
// still tells them from someone else and from no one; a version 2 lead
// without a "b" was changed by no one.
func TestLeadByOwner(t *testing.T) {
	at := time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)
	l := &salesbot.Lead{ID: "ab12cd34", Team: "T1", Company: "Acme", Owner: "U1", Grade: salesbot.GradeA, Stage: salesbot.StageLead,
		CreatedBy: "U1", CreatedAt: at, UpdatedAt: at, Stakeholders: []salesbot.Stakeholder{
			{Name: "Wang Li", Role: salesbot.RoleUser, Influence: salesbot.InfluenceLow, UpdatedBy: "U1", UpdatedAt: at},
			{Name: "Li Na", Role: salesbot.RoleUser, Influence: salesbot.InfluenceLow, UpdatedBy: "U2", UpdatedAt: at},
			{Name: "Zhang Wei", Role: salesbot.RoleUser, Influence: salesbot.InfluenceLow},
		}}
	raw, err := encodeLeadV3(l, 0)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(string(raw), `"U1"`) != 1 || !strings.Contains(string(raw), `"b":"U2"`) || !strings.Contains(string(raw), `"b":"-"`) {
		t.Errorf("stored lead %s: want the owner once, U2 and no one as they are", raw)
	}
	got, err := decodeLead(raw, "T1")
	if err != nil || !reflect.DeepEqual(got, l) {
		t.Errorf("version 3 round trip: %+v, %v\nwant %+v", got, err, l)
	}
	// Version 4 stores the owner once too, and tells them apart as well.
	if raw, err = encodeLead(l, 0); err != nil {
		t.Fatal(err)
	}
	if got, err := decodeLead(raw, "T1"); err != nil || !reflect.DeepEqual(got, l) {
		t.Errorf("round trip: %+v, %v\nwant %+v", got, err, l)
	}
	v2 := `{"v":2,"i":"ab12cd34","c":"Acme","o":"U1","g":"A","s":"lead","cb":"U3","p":[{"n":"Wang Li","r":"user","i":"low","s":0},{"n":"Li Na","r":"user","i":"low","s":0,"b":"U1"}]}`
	got, err = decodeLead([]byte(v2), "T1")
	if err != nil || got.CreatedBy != "U3" || got.Stakeholders[0].UpdatedBy != "" || got.Stakeholders[1].UpdatedBy != "U1" {
		t.Errorf("a version 2 lead decodes as %+v, %v", got, err)
	}
}

func TestDealRecords(t *testing.T) {
	d := salesbot.Deal{ID: "ab12cd34", Company: "Acme \u4e2d\u56fd | Co", Owner: "U1", Grade: salesbot.GradeB, Stage: salesbot.StageQuote,
		Category: salesbot.CategoryCommit, Value: salesbot.Amount{Minor: 99_999_999_999_999_999, Currency: "USD"},
		CloseBy: salesbot.Date{Year: 2027, Month: 3, Day: 31}, Slips: 3, AtRisk: true, Source: salesbot.SourceReferral}
	for _, d := range []salesbot.Deal{d, {ID: "x", Owner: "U2", Stage: salesbot.StageLead, Category: salesbot.CategoryPipeline,
		CloseBy: salesbot.Date{Year: 1969, Month: 12, Day: 31}}} {
		got, err := parseDealRecord(d.ID, dealRecord(d))
		if err != nil || got != d {
			t.Errorf("deal record round trip: %+v, %v; want %+v", got, err, d)
		}
	}
	s := salesbot.Slip{LeadID: "ab12cd34", Company: "Acme", Owner: "U1", From: salesbot.Date{Year: 2027, Month: 3, Day: 31},
		To: salesbot.Date{Year: 2027, Month: 4, Day: 30}, At: time.Date(2026, 11, 23, 2, 0, 0, 5_000_000, time.UTC)}
	if got, err := parseSlipRecord(slipRecord(s)); err != nil || got != s {
		t.Errorf("slip record round trip: %+v, %v; want %+v", got, err, s)
	}
	if _, err := parseDealRecord("x", "U1\x1fquote"); err == nil {
		t.Error("a short deal record parses")
	}
}

// TestLeadNegotiationEncoding: a lead's concessions, qualification and
// rivals come back as they were written, under their short names.
func TestLeadNegotiationEncoding(t *testing.T) {
	at := time.Date(2026, 11, 23, 2, 0, 0, 123_456_789, time.UTC)
	l := &salesbot.Lead{
		ID: "ab12cd34", Team: "T1", Company: "Acme", Owner: "U1", Grade: salesbot.GradeA, Stage: salesbot.StageNegotiation,
		CreatedAt: at, StageSince: at,
		Concessions: []salesbot.Concession{
			{Give: "5% discount", Get: "three-year contract", Size: salesbot.Size{Basis: 500}, Stage: salesbot.StageObjections, By: "U1", At: at},
			{Give: "减5万", Get: "", Size: salesbot.Size{Amount: salesbot.Amount{Minor: 5_000_000, Currency: "CNY"}}, Stage: salesbot.StageNegotiation, By: "U2", At: at.Add(time.Hour)},
			{Give: "free training", Get: "a reference visit", Stage: salesbot.StageNegotiation, By: "U1", At: at.Add(2 * time.Hour)},
		},
		Qualification: salesbot.Qualification{
			Exists: salesbot.Verdict{Answer: salesbot.AnswerYes, Note: "budget approved"}, Compete: salesbot.Verdict{Answer: salesbot.AnswerNo},
			Win: salesbot.Verdict{Answer: salesbot.AnswerUnknown}, By: "U1", At: at,
		},
		Rivals: []salesbot.Rival{
			{Name: "SAP", Position: salesbot.PositionAhead, Notes: "demoed first", By: "U1", At: at},
			{Name: "用友", By: "U2", At: at},
		},
	}
	raw, err := encodeLead(l, 0)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeLead(raw, "T1")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, l) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, l)
	}
	v3, err := encodeLeadV3(l, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, field := range []string{`"cs":[`, `"bp":500`, `"ql":{`, `"e":{"a":"yes","n":"budget approved"}`, `"rv":[`, `"p":"ahead"`} {
		if !strings.Contains(string(v3), field) {
			t.Errorf("version 3 lead %s lacks %s", v3, field)
		}
	}
	if got, err := decodeLead(v3, "T1"); err != nil || !reflect.DeepEqual(got, l) {
		t.Errorf("version 3 round trip: %+v, %v", got, err)
	}

	// A lead with none of them stores none of them.
	plain := &salesbot.Lead{ID: "x", Team: "T1", Company: "Beta", Owner: "U1", Grade: salesbot.GradeC, Stage: salesbot.StageLead}
	raw, err = encodeLead(plain, 0)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.ContainsAny(raw, "{}") {
		t.Errorf("a lead without a negotiation stores JSON for one: %q", raw)
	}
	if got, err := decodeLead(raw, "T1"); err != nil || !reflect.DeepEqual(got, plain) {
		t.Errorf("round trip without a negotiation: %+v, %v", got, err)
	}
}
