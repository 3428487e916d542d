package sheet

import (
	"archive/zip"
	"bytes"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"salesbot"
)

// workbookOf makes an .xlsx in the test: cells by reference on one sheet.
func workbookOf(t testing.TB, sheet string, cells map[string]any, formulas map[string]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	if sheet != "Sheet1" {
		if err := f.SetSheetName("Sheet1", sheet); err != nil {
			t.Fatal(err)
		}
	}
	for ref, v := range cells {
		if err := f.SetCellValue(sheet, ref, v); err != nil {
			t.Fatal(err)
		}
	}
	for ref, fm := range formulas {
		if err := f.SetCellFormula(sheet, ref, fm); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestXLSX(t *testing.T) {
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	const s = "客户"
	if err := f.SetSheetName("Sheet1", s); err != nil {
		t.Fatal(err)
	}
	rows := [][]any{
		{"公司", "负责人", "分级", "金额", "预计成交", "上次跟进", "备注"},
		{"Acme Industrial", "U123", "A", 1800000, time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 15, 14, 30, 0, 0, time.UTC), "numbers and dates"},
		{"Globex", "U456", "B", 2500.5, "2026/4/30", "2026年1月15日", nil},
		{"Initech", "U789", "C", nil, nil, nil, nil}, // D4 gets a formula
		{"Umbrella", "=HYPERLINK(\"x\")", "D", "$400k", 46142, nil, "a date serial as a plain number"},
		{},
		{"Hooli", nil, nil, nil, nil, nil, nil}, // row 7; C7 gets a formula
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(s, cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SetCellFormula(s, "D4", "SUM(D2:D3)"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellFormula(s, "C7", `IF(1,"A","B")`); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	got, err := Read("Leads.XLSX", buf.Bytes(), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if got.Rows != 5 || len(got.Records) != 3 {
		t.Fatalf("rows %d, records %+v", got.Rows, got.Records)
	}
	acme, globex, umbrella := got.Records[0].Lead, got.Records[1].Lead, got.Records[2].Lead
	if acme.Value != (salesbot.Amount{Minor: 180000000, Currency: "CNY"}) || acme.CloseBy.String() != "2026-03-31" ||
		acme.LastTouch != time.Date(2026, 1, 15, 14, 30, 0, 0, time.UTC) || got.Records[0].Notes != "numbers and dates" {
		t.Errorf("acme %+v", got.Records[0])
	}
	if globex.Value != (salesbot.Amount{Minor: 250050, Currency: "CNY"}) || globex.CloseBy.String() != "2026-04-30" || globex.LastTouch.Format(time.DateOnly) != "2026-01-15" {
		t.Errorf("globex %+v", globex)
	}
	if umbrella.Value != (salesbot.Amount{Minor: 40000000, Currency: "USD"}) || umbrella.CloseBy.String() != "2026-04-30" ||
		got.Records[2].OwnerRef != "=HYPERLINK(\"x\")" || got.Records[2].Row != 5 {
		t.Errorf("umbrella %+v", got.Records[2])
	}
	if len(got.Errors) != 2 {
		t.Fatalf("errors %+v", got.Errors)
	}
	for i, w := range []struct {
		row         int
		column, has string
	}{{4, "金额", "Cell D4 holds a formula"}, {7, "分级", "Cell C7 holds a formula"}} {
		e := got.Errors[i]
		if e.Sheet != s || e.Row != w.row || e.Column != w.column || !strings.Contains(e.Message, w.has) {
			t.Errorf("error %d = %+v, want row %d column %s %q", i, e, w.row, w.column, w.has)
		}
	}
}

func TestXLSXFindsTheLeadsSheet(t *testing.T) {
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	_ = f.SetCellValue("Sheet1", "A1", "Summary")
	if _, err := f.NewSheet("Pipeline"); err != nil {
		t.Fatal(err)
	}
	_ = f.SetCellValue("Pipeline", "A3", "Customer")
	_ = f.SetCellValue("Pipeline", "B3", "Stage")
	_ = f.SetCellValue("Pipeline", "A4", "Acme")
	_ = f.SetCellValue("Pipeline", "B4", "negotiation")
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	got, err := Read("p.xlsx", buf.Bytes(), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Records) != 1 || got.Records[0].Row != 4 || got.Records[0].Lead.Stage != salesbot.StageNegotiation {
		t.Errorf("got %+v", got)
	}
}

// zipOf makes a zip of the named parts, each of size bytes of zeros when
// content is nil.
func zipOf(t testing.TB, parts map[string]int64) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, n := range parts {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.CopyN(w, zeros{}, n); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func TestXLSXRefusals(t *testing.T) {
	cells := map[string]any{"A1": "Company"}
	for i := range DefaultMaxRows + 1 {
		cells["A"+strconv.Itoa(i+2)] = "Company " + strconv.Itoa(i)
	}
	for _, c := range []struct {
		name string
		data []byte
		lim  Limits
		has  string
	}{
		{"not a zip", []byte("this is no workbook at all"), DefaultLimits(), "not a spreadsheet"},
		{"a zip that is no workbook", zipOf(t, map[string]int64{"word/document.xml": 10}), DefaultLimits(), "not a spreadsheet"},
		{"a broken workbook", zipOf(t, map[string]int64{"xl/workbook.xml": 10, "[Content_Types].xml": 10}), DefaultLimits(), "not a spreadsheet"},
		{"a zip bomb by total", zipOf(t, map[string]int64{"xl/workbook.xml": 10, "xl/worksheets/sheet1.xml": 2 << 20}), Limits{MaxUnzipped: 1 << 20}, "zip bomb"},
		{"a zip bomb by ratio", zipOf(t, map[string]int64{"xl/workbook.xml": 10, "xl/worksheets/sheet1.xml": 40 << 20}), DefaultLimits(), "zip bomb"},
		{"over 5 MB", append([]byte("PK\x03\x04"), make([]byte, DefaultMaxBytes)...), DefaultLimits(), "files up to 5.0 MB"},
		{"10,001 rows", workbookOf(t, "Sheet1", cells, nil), DefaultLimits(), "more than 10000 rows"},
		{"no company column", workbookOf(t, "Sheet1", map[string]any{"A1": "Name", "B1": "电话", "A2": "Acme"}, nil), DefaultLimits(), `(its first row has: "Name", "电话")`},
		{"an empty workbook", workbookOf(t, "Sheet1", nil, nil), DefaultLimits(), "no company column"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, err := Read("leads.xlsx", c.data, c.lim)
			if err == nil || salesbot.ErrorCode(err) != salesbot.EINVALID || !strings.Contains(salesbot.ErrorMessage(err), c.has) {
				t.Fatalf("Read = %v, %v; want EINVALID with %q", f, err, c.has)
			}
		})
	}
}

func TestExportedWorkbook(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	if got := strings.Join(f.GetSheetList(), ","); got != "Leads,Stakeholders,Visits,History,Audit" {
		t.Errorf("sheets %s", got)
	}
	// The hostile company is text with a guard; no cell is a formula.
	if v, _ := f.GetCellValue("Leads", "B4"); v != "'=cmd|' /C calc'!A0" {
		t.Errorf("B4 = %q", v)
	}
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for r, row := range rows {
			for c := range row {
				ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if fm, _ := f.GetCellFormula(sheet, ref); fm != "" {
					t.Errorf("%s!%s holds formula %q", sheet, ref, fm)
				}
			}
		}
		panes, err := f.GetPanes(sheet)
		if err != nil || !panes.Freeze || panes.YSplit != 1 {
			t.Errorf("%s panes %+v, %v", sheet, panes, err)
		}
		style, _ := f.GetCellStyle(sheet, "A1")
		if st, err := f.GetStyle(style); err != nil || st.Font == nil || !st.Font.Bold {
			t.Errorf("%s header style %+v, %v", sheet, st, err)
		}
	}
	// The value is a number cell, beside its currency.
	if typ, _ := f.GetCellType("Leads", "F2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("F2 type %v", typ)
	}
	if v, _ := f.GetCellValue("Leads", "F2", excelize.Options{RawCellValue: true}); v != "1800000.5" {
		t.Errorf("F2 = %q", v)
	}
	if v, _ := f.GetCellValue("Leads", "G2"); v != "CNY" {
		t.Errorf("G2 = %q", v)
	}
	if v, _ := f.GetCellValue("Audit", "F2"); v != "leads.xlsx" {
		t.Errorf("audit subject %q", v)
	}
}

func TestExportedWorkbookEdited(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	// A manager's edits: a bad grade, a visit of an unknown lead, a
	// stakeholder with a bad role, a history row matched by company.
	_ = f.SetCellValue("Leads", "D3", "Z")
	_ = f.SetCellValue("Visits", "A5", "L999")
	_ = f.SetCellValue("Visits", "B5", "Nobody Inc")
	_ = f.SetCellValue("Stakeholders", "D3", "boss")
	_ = f.SetCellValue("History", "A2", "")
	var out bytes.Buffer
	if _, err := f.WriteTo(&out); err != nil {
		t.Fatal(err)
	}
	_ = f.Close()
	got, err := Read("export.xlsx", out.Bytes(), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Records) != 2 || got.Rows != 3 {
		t.Fatalf("records %d rows %d", len(got.Records), got.Rows)
	}
	want := []salesbot.RowError{
		{Sheet: "Leads", Row: 3, Column: "Grade"},
		{Sheet: "Stakeholders", Row: 3, Column: "Role"},
		{Sheet: "Visits", Row: 5, Column: "Lead ID"},
		// History row 4 is of L2, whose lead row was refused: left out
		// with no error of its own.
	}
	if len(got.Errors) != len(want) {
		t.Fatalf("errors %+v", got.Errors)
	}
	for i, w := range want {
		if e := got.Errors[i]; e.Sheet != w.Sheet || e.Row != w.Row || e.Column != w.Column {
			t.Errorf("error %d = %+v, want %+v", i, e, w)
		}
	}
	// History row 2 lost its ID and is matched by company.
	if h := got.Records[0].History; len(h) != 2 || h[0].Kind != salesbot.ChangeCreated {
		t.Errorf("history %+v", h)
	}
	if s := got.Records[0].Lead.Stakeholders; len(s) != 1 || s[0].Name != "Wang Li" {
		t.Errorf("stakeholders %+v", s)
	}
}
