package sheet

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"salesbot"
)

// bigExport is an export of n leads as a team keeps them: a profile, a
// value, a stakeholder, two visits and two changes each.
func bigExport(n int) salesbot.Export {
	x := salesbot.Export{Team: "T1", At: t0, Visits: map[string][]salesbot.Visit{}, History: map[string][]salesbot.Change{}}
	for i := range n {
		id := fmt.Sprintf("L%05d", i)
		company := fmt.Sprintf("客户 %05d 科技有限公司", i)
		x.Leads = append(x.Leads, &salesbot.Lead{
			ID: id, Company: company, Owner: "U100", Grade: salesbot.Grades[i%4], Stage: salesbot.Stages[i%7],
			CreatedBy: "U100", CreatedAt: t0, UpdatedAt: t0, StageSince: t0, LastTouch: t0, NextStep: "call back",
			NextStepDue: t0.Add(48 * time.Hour), Value: salesbot.Amount{Minor: int64(i+1) * 100000, Currency: "CNY"},
			CloseBy: salesbot.Date{Year: 2026, Month: 6, Day: 30}, Source: salesbot.SourceReferral,
			Profile:      salesbot.Profile{Industry: "制造", Headcount: "200", Region: "华东"},
			Stakeholders: []salesbot.Stakeholder{{Name: "王力", Role: salesbot.RoleEconomicBuyer, Influence: salesbot.InfluenceHigh, Support: 1, UpdatedBy: "U100", UpdatedAt: t0}},
		})
		x.Visits[id] = []salesbot.Visit{
			{LeadID: id, Date: salesbot.Date{Year: 2026, Month: 1, Day: 10}, Kind: salesbot.KindVisit, Notes: "met the plant manager", By: "U100", LoggedAt: t0},
			{LeadID: id, Date: salesbot.Date{Year: 2026, Month: 1, Day: 12}, Kind: salesbot.KindCall, Notes: "follow-up call", By: "U100", LoggedAt: t0},
		}
		x.History[id] = []salesbot.Change{
			{LeadID: id, Company: company, Kind: salesbot.ChangeCreated, By: "U100", At: t0, To: "C"},
			{LeadID: id, Company: company, Kind: salesbot.ChangeGrade, By: "U100", At: t0, From: "C", To: "A", Reason: "budget"},
		}
	}
	return x
}

func BenchmarkWrite10k(b *testing.B) {
	x := bigExport(10_000)
	b.ReportAllocs()
	var size int
	for b.Loop() {
		var buf bytes.Buffer
		if err := Write(&buf, x); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size)/(1<<20), "MB")
}

func BenchmarkRead10kXLSX(b *testing.B) {
	var buf bytes.Buffer
	if err := Write(&buf, bigExport(10_000)); err != nil {
		b.Fatal(err)
	}
	lim := DefaultLimits()
	lim.MaxBytes = 50 << 20 // a whole export with visits and history
	b.ReportAllocs()
	b.ReportMetric(float64(buf.Len())/(1<<20), "MB")
	for b.Loop() {
		f, err := Read("export.xlsx", buf.Bytes(), lim)
		if err != nil || len(f.Records) != 10_000 || len(f.Errors) != 0 {
			b.Fatalf("%v %d", err, len(f.Records))
		}
	}
}

func BenchmarkRead10kCSV(b *testing.B) {
	var s strings.Builder
	s.WriteString("公司,负责人,分级,阶段,金额,预计成交,来源,上次跟进,下一步,备注,行业,人数,地区\n")
	for i := range 10_000 {
		fmt.Fprintf(&s, "客户 %05d 科技有限公司,<@U%d>,%s,%s,%d万,2026-06-30,介绍,2026/1/15,call back,from the old CRM,制造,200,华东\n",
			i, 100+i%20, salesbot.Grades[i%4], salesbot.Stages[i%7], i+1)
	}
	data := []byte(s.String())
	b.ReportAllocs()
	b.ReportMetric(float64(len(data))/(1<<20), "MB")
	for b.Loop() {
		f, err := Read("leads.csv", data, DefaultLimits())
		if err != nil || len(f.Records) != 10_000 || len(f.Errors) != 0 {
			b.Fatalf("%v %d %+v", err, len(f.Records), f.Errors[:min(3, len(f.Errors))])
		}
	}
}

// BenchmarkRead10kXLSXPlain reads a leads workbook as a manager brings it
// from Excel: one sheet, the columns of the issue.
func BenchmarkRead10kXLSXPlain(b *testing.B) { benchPlain(b, nil, 0) }

// BenchmarkRead10kXLSXFormula is the same workbook with one formula cell,
// which makes Read look for formulas in every cell it reads.
func BenchmarkRead10kXLSXFormula(b *testing.B) {
	benchPlain(b, map[string]string{"E5000": "SUM(E2:E3)"}, 1)
}

func benchPlain(b *testing.B, formulas map[string]string, errs int) {
	cells := map[string]any{}
	for c, h := range []string{"公司", "负责人", "分级", "阶段", "金额", "预计成交", "来源", "下一步"} {
		cells[string(rune('A'+c))+"1"] = h
	}
	for i := range 10_000 {
		r := fmt.Sprint(i + 2)
		cells["A"+r] = fmt.Sprintf("客户 %05d 科技有限公司", i)
		cells["B"+r] = "U100"
		cells["C"+r] = string(salesbot.Grades[i%4])
		cells["D"+r] = string(salesbot.Stages[i%7])
		cells["E"+r] = (i + 1) * 10000
		cells["F"+r] = time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
		cells["G"+r] = "介绍"
		cells["H"+r] = "call back"
	}
	data := workbookOf(b, "Sheet1", cells, formulas)
	b.ReportAllocs()
	b.ReportMetric(float64(len(data))/(1<<20), "MB")
	for b.Loop() {
		f, err := Read("leads.xlsx", data, DefaultLimits())
		if err != nil || len(f.Records) != 10_000-errs || len(f.Errors) != errs {
			b.Fatalf("%v %d", err, len(f.Records))
		}
	}
}
