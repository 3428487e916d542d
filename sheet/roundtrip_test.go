package sheet

import (
	"bytes"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"salesbot"
)

var (
	t0  = time.Date(2026, 1, 15, 9, 30, 0, 123456789, time.UTC)
	cst = time.FixedZone("CST", 8*3600)
)

// sample is an export of three leads with stakeholders, visits, history,
// Chinese text and hostile text.
func sample() salesbot.Export {
	acme := &salesbot.Lead{
		ID: "L1", Team: "T1", Company: "Acme Industrial", Owner: "U100", Grade: salesbot.GradeA, Stage: salesbot.StageQuote,
		CreatedBy: "U100", CreatedAt: t0, UpdatedAt: t0.Add(time.Hour), StageSince: t0.Add(2 * time.Hour),
		LastTouch: t0.Add(24 * time.Hour), NextStep: "send the revised quote", NextStepDue: t0.Add(72 * time.Hour),
		Due: t0.Add(96 * time.Hour), SnoozedUntil: t0.Add(48 * time.Hour),
		Facts: map[salesbot.KeyFact]salesbot.Fact{
			salesbot.FactBudget: {Text: "¥2M approved", UpdatedBy: "U100", UpdatedAt: t0},
			salesbot.FactNeed:   {Text: "MES for 3 plants\nand a WMS", UpdatedBy: "U100", UpdatedAt: t0},
		},
		Stakeholders: []salesbot.Stakeholder{
			{Name: "Wang Li", Role: salesbot.RoleEconomicBuyer, Influence: salesbot.InfluenceHigh, Support: 2,
				DecisionRole: salesbot.DecisionMaker, ContactDepth: salesbot.DepthSeveral, Attitude: salesbot.AttitudePragmatist,
				PersonalWins: "promotion", LastMet: t0, Notes: "likes data", UpdatedBy: "U100", UpdatedAt: t0,
				History: []salesbot.SupportChange{{From: -1, To: 2, At: t0, By: "U100", Why: "after the demo"}}},
			{Name: "李娜", Role: salesbot.RoleCoach, Influence: salesbot.InfluenceLow, Support: -3, UpdatedBy: "U100", UpdatedAt: t0},
		},
		Value: salesbot.Amount{Minor: 180000050, Currency: "CNY"}, CloseBy: salesbot.Date{Year: 2026, Month: 3, Day: 31},
		Slips: 2, Category: salesbot.CategoryCommit, AtRisk: true,
		Quotes: []salesbot.Quote{{Version: 1, Amount: salesbot.Amount{Minor: 200000000, Currency: "CNY"}, Discount: 1250,
			By: "U100", At: t0, Status: salesbot.QuoteApproved, ApprovedBy: []string{"U900"}, DecidedAt: t0}},
		GradeConfirmed: t0,
		Concessions:    []salesbot.Concession{{Give: "5% off", Get: "a reference visit", Stage: salesbot.StageQuote, By: "U100", At: t0}},
		Qualification:  salesbot.Qualification{Exists: salesbot.Verdict{Answer: salesbot.AnswerYes, Note: "budget"}, By: "U100", At: t0},
		Rivals:         []salesbot.Rival{{Name: "Globex", Position: salesbot.PositionAhead, By: "U100", At: t0}},
		Source:         salesbot.SourceReferral,
		Profile:        salesbot.Profile{Industry: "Manufacturing", Headcount: "200", Revenue: "5000万-1亿", Region: "East", Address: "1 Main St", Website: "acme.example"},
	}
	huawei := &salesbot.Lead{
		ID: "L2", Team: "T1", Company: "华为技术有限公司", Owner: "U200", Grade: salesbot.GradeB, Stage: salesbot.StageLost,
		CreatedBy: "U200", CreatedAt: t0.In(cst), UpdatedAt: t0, StageSince: t0, ClosedAt: t0, LostReason: "价格太高",
		Value: salesbot.Amount{Minor: 4000000, Currency: "USD"}, Source: salesbot.SourceEvent,
		ParkedUntil: salesbot.Date{Year: 2026, Month: 6, Day: 1}, ParkReason: "等预算",
		Profile: salesbot.Profile{Industry: "通信", Region: "深圳"},
	}
	hostile := &salesbot.Lead{
		ID: "L3", Team: "T1", Company: "=cmd|' /C calc'!A0", Owner: "U300", Grade: salesbot.GradeD, Stage: salesbot.StageWon,
		CreatedBy: "U300", CreatedAt: t0, UpdatedAt: t0, StageSince: t0, ClosedAt: t0, WonOn: salesbot.Date{Year: 2026, Month: 1, Day: 20},
		NextStep: "+1 555 0100", Value: salesbot.Amount{Minor: 1, Currency: "JPY"},
		Profile: salesbot.Profile{Address: "@home", Industry: "'=quoted", Revenue: "+5000万"},
	}
	return salesbot.Export{
		Team: "T1", At: t0,
		Leads: []*salesbot.Lead{acme, huawei, hostile},
		Visits: map[string][]salesbot.Visit{
			"L1": {
				{LeadID: "L1", Date: salesbot.Date{Year: 2026, Month: 1, Day: 10}, Kind: salesbot.KindVisit, Notes: "met the plant manager\nsecond line",
					NextStep: "demo", NextDate: salesbot.Date{Year: 2026, Month: 1, Day: 20}, Met: []string{"Wang Li", "李娜"}, By: "U100", LoggedAt: t0},
				{LeadID: "L1", Date: salesbot.Date{Year: 2026, Month: 1, Day: 12}, Kind: salesbot.KindCall, Notes: "=HYPERLINK(\"http://evil\")", By: "U100", LoggedAt: t0},
			},
			"L3": {{LeadID: "L3", Date: salesbot.Date{Year: 2026, Month: 1, Day: 5}, Kind: salesbot.KindDemo, By: "U300", LoggedAt: t0}},
		},
		History: map[string][]salesbot.Change{
			"L1": {
				{LeadID: "L1", Company: "Acme Industrial", Kind: salesbot.ChangeCreated, By: "U100", At: t0, To: "A"},
				{LeadID: "L1", Company: "Acme Industrial", Kind: salesbot.ChangeGrade, By: "U100", At: t0, From: "C", To: "A", Reason: "budget approved"},
			},
			"L2": {{LeadID: "L2", Company: "华为", Kind: salesbot.ChangeLost, By: "U200", At: t0, From: "demo", To: "lost", Reason: "价格太高"}},
		},
		Audit: []salesbot.AuditEntry{{Kind: salesbot.AuditImport, At: t0, By: "U900", Subject: "leads.xlsx", Detail: "3 leads"}},
	}
}

// normal is a lead as Read gives it back: Team and the reminders'
// bookkeeping are not exported, the owner is OwnerRef, times are UTC.
func normal(l salesbot.Lead) salesbot.Lead {
	l.Team, l.RemindedDue, l.RemindedAt, l.Climbed, l.ClimbAt, l.Suggested = "", time.Time{}, time.Time{}, 0, time.Time{}, ""
	utc := func(t *time.Time) {
		if !t.IsZero() {
			*t = t.UTC()
		}
	}
	for _, t := range []*time.Time{&l.CreatedAt, &l.UpdatedAt, &l.StageSince, &l.LastTouch, &l.NextStepDue, &l.Due, &l.SnoozedUntil, &l.ClosedAt, &l.GradeConfirmed} {
		utc(t)
	}
	return l
}

func TestRoundTrip(t *testing.T) {
	x := sample()
	var buf bytes.Buffer
	if err := Write(&buf, x); err != nil {
		t.Fatal(err)
	}
	got, err := Read("export.xlsx", buf.Bytes(), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Errors) != 0 {
		t.Fatalf("errors: %+v", got.Errors)
	}
	if got.Rows != 3 || len(got.Records) != 3 {
		t.Fatalf("rows %d, records %d; want 3, 3", got.Rows, len(got.Records))
	}
	for i, rec := range got.Records {
		want := normal(*x.Leads[i])
		if rec.OwnerRef != want.Owner {
			t.Errorf("lead %d: owner ref %q, want %q", i, rec.OwnerRef, want.Owner)
		}
		lead := rec.Lead
		lead.Owner = rec.OwnerRef
		if rec.Row != i+2 {
			t.Errorf("lead %d: row %d, want %d", i, rec.Row, i+2)
		}
		if !reflect.DeepEqual(normal(lead), want) {
			t.Errorf("lead %d:\n got %+v\nwant %+v", i, normal(lead), want)
		}
		if !equalTimes(rec.Visits, x.Visits[want.ID]) {
			t.Errorf("lead %d visits:\n got %+v\nwant %+v", i, rec.Visits, x.Visits[want.ID])
		}
		if !equalTimes(rec.History, x.History[want.ID]) {
			t.Errorf("lead %d history:\n got %+v\nwant %+v", i, rec.History, x.History[want.ID])
		}
	}
}

// equalTimes compares after a JSON-free normalisation: DeepEqual treats
// nil and empty slices alike here.
func equalTimes[T any](got, want []T) bool {
	if len(got) == 0 && len(want) == 0 {
		return true
	}
	return reflect.DeepEqual(got, want)
}

func TestRoundTripEdges(t *testing.T) {
	// No leads at all: a workbook with headers only, read as no records.
	var buf bytes.Buffer
	if err := Write(&buf, salesbot.Export{Team: "T1", At: t0}); err != nil {
		t.Fatal(err)
	}
	f, err := Read("empty.xlsx", buf.Bytes(), Limits{})
	if err != nil || len(f.Records) != 0 || len(f.Errors) != 0 || f.Rows != 0 {
		t.Fatalf("empty export: %+v, %v", f, err)
	}
	// Values a float64 cannot hold exactly are text, and read back exact;
	// a currency with no minor unit keeps its figure.
	x := salesbot.Export{Leads: []*salesbot.Lead{
		{ID: "L1", Company: "Big", Grade: salesbot.GradeA, Stage: salesbot.StageLead, Value: salesbot.Amount{Minor: 99999999999999999, Currency: "CNY"}},
		{ID: "L2", Company: "Yen", Grade: salesbot.GradeB, Stage: salesbot.StageLead, Value: salesbot.Amount{Minor: 123456789, Currency: "JPY"}},
		{ID: "L3", Company: "Cents", Grade: salesbot.GradeC, Stage: salesbot.StageLead, Value: salesbot.Amount{Minor: 1, Currency: "USD"}},
		nil,
	}}
	buf.Reset()
	if err := Write(&buf, x); err != nil {
		t.Fatal(err)
	}
	f, err = Read("x.xlsx", buf.Bytes(), Limits{Currency: "USD"})
	if err != nil || len(f.Records) != 3 || len(f.Errors) != 0 {
		t.Fatalf("%+v, %v", f, err)
	}
	for i, rec := range f.Records {
		if rec.Lead.Value != x.Leads[i].Value {
			t.Errorf("%s: value %+v, want %+v", rec.Lead.Company, rec.Lead.Value, x.Leads[i].Value)
		}
	}
}

func TestDate1904(t *testing.T) {
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	date1904 := true
	if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &date1904}); err != nil {
		t.Fatal(err)
	}
	_ = f.SetCellValue("Sheet1", "A1", "Company")
	_ = f.SetCellValue("Sheet1", "B1", "Close date")
	_ = f.SetCellValue("Sheet1", "A2", "Acme")
	_ = f.SetCellValue("Sheet1", "B2", time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC))
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	got, err := Read("mac.xlsx", buf.Bytes(), DefaultLimits())
	if err != nil || len(got.Records) != 1 || got.Records[0].Lead.CloseBy.String() != "2026-03-31" {
		t.Fatalf("%+v, %v", got, err)
	}
}

// TestWriteTooLongForACell: a cell over Excel's 32,767 characters fails
// the export, naming the lead, rather than being cut short.
func TestWriteTooLongForACell(t *testing.T) {
	var quotes []salesbot.Quote
	for v := range 40 {
		quotes = append(quotes, salesbot.Quote{Version: v + 1, Notes: strings.Repeat("长", salesbot.MaxTextLen), Status: salesbot.QuotePending})
	}
	x := salesbot.Export{Leads: []*salesbot.Lead{{ID: "L1", Company: "Acme", Grade: salesbot.GradeA, Stage: salesbot.StageQuote, Quotes: quotes}}}
	err := Write(io.Discard, x)
	if err == nil || !strings.Contains(err.Error(), "L1") || !strings.Contains(err.Error(), "Quotes (JSON)") {
		t.Errorf("Write = %v", err)
	}
}
