package sheet

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"strings"
	"testing"

	"salesbot"
)

// TestLyingZip is a bomb whose central directory says its sheet is small:
// the zip reader stops at the declared size, so the bomb never unpacks.
func TestLyingZip(t *testing.T) {
	var raw bytes.Buffer
	fw, _ := flate.NewWriter(&raw, flate.BestCompression)
	zero := make([]byte, 1<<20)
	for range 20 {
		_, _ = fw.Write(zero)
	}
	_ = fw.Close()
	good := workbookOf(t, "Sheet1", map[string]any{"A1": "Company", "A2": "Acme"}, nil)
	zr, err := zip.NewReader(bytes.NewReader(good), int64(len(good)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if f.Name == "xl/worksheets/sheet1.xml" {
			w, err := zw.CreateRaw(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(nil),
				CompressedSize64: uint64(raw.Len()), UncompressedSize64: 1000})
			if err != nil {
				t.Fatal(err)
			}
			_, _ = w.Write(raw.Bytes())
			continue
		}
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	_ = zw.Close()
	f, err := Read("bomb.xlsx", out.Bytes(), DefaultLimits())
	if err == nil || salesbot.ErrorCode(err) != salesbot.EINVALID {
		t.Fatalf("Read = %+v, %v; want a refusal", f, err)
	}
	if testing.Verbose() {
		t.Log(err)
	}
}

// TestHostileXLSX: control characters, very long cells, injection text and
// error values do not crash the reader and are reported by row.
func TestHostileXLSX(t *testing.T) {
	long := strings.Repeat("x", 30000)
	data := workbookOf(t, "Sheet1", map[string]any{
		"A1": "Company", "B1": "Notes", "C1": "Value", "D1": "Close date", "E1": "At risk", "F1": "Slips",
		"A2": "=cmd|' /C calc'!A0", "B2": "@SUM(A1)",
		"A3": "Acme\x01Corp", "B3": "ok",
		"A4": "Globex", "B4": long,
		"A5": "Initech", "C5": "#DIV/0!", "D5": "99999999", "E5": "maybe", "F5": "-1",
		"A6": strings.Repeat("长", 200),
		"A7": "Umbrella", "C7": "1E+300", "D7": "0",
	}, nil)
	f, err := Read("x.xlsx", data, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Records) != 1 || f.Records[0].Lead.Company != "=cmd|' /C calc'!A0" || f.Records[0].Notes != "@SUM(A1)" {
		t.Fatalf("records %+v", f.Records)
	}
	rows := map[int][]string{}
	for _, e := range f.Errors {
		rows[e.Row] = append(rows[e.Row], e.Column)
	}
	want := map[int]string{3: "Company", 4: "Notes", 5: "Value,Close date,At risk,Slips", 6: "Company", 7: "Value,Close date"}
	for row, cols := range want {
		if got := strings.Join(rows[row], ","); got != cols {
			t.Errorf("row %d errors in %q, want %q", row, got, cols)
		}
	}
}

// TestGuard: text that starts like a formula round-trips through the
// guard, however many apostrophes it starts with.
func TestGuard(t *testing.T) {
	for _, s := range []string{"=1+1", "+86 10", "-", "@x", "'=x", "''+y", "'plain", "plain", "", "'", "''", "\t=x"} {
		g := guard(s)
		if risky(s) && !strings.HasPrefix(g, "'") {
			t.Errorf("guard(%q) = %q leaves it a formula", s, g)
		}
		if unguard(g) != s {
			t.Errorf("unguard(guard(%q)) = %q", s, unguard(g))
		}
		if !risky(s) && g != s {
			t.Errorf("guard(%q) = %q changes safe text", s, g)
		}
	}
}

// FuzzRead: no input crashes Read, as CSV or as a workbook.
func FuzzRead(f *testing.F) {
	f.Add([]byte("Company,Grade\nAcme,A\n"), false)
	f.Add([]byte("公司;金额\n明达;180万\n"), false)
	f.Add([]byte("\xef\xbb\xbfCompany\n\"a\"\"b\",\n"), false)
	f.Add(workbookOf(f, "Sheet1", map[string]any{"A1": "Company", "A2": "Acme", "B1": "Value", "B2": 12.5}, map[string]string{"B3": "1+1"}), true)
	var buf bytes.Buffer
	if err := Write(&buf, sample()); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes(), true)
	f.Fuzz(func(t *testing.T, data []byte, xlsx bool) {
		name := "f.csv"
		if xlsx {
			name = "f.xlsx"
		}
		lim := Limits{MaxBytes: 1 << 20, MaxRows: 100, MaxUnzipped: 8 << 20}
		out, err := Read(name, data, lim)
		if err != nil {
			if salesbot.ErrorCode(err) != salesbot.EINVALID {
				t.Fatalf("error %v is not EINVALID", err)
			}
			return
		}
		for _, r := range out.Records {
			if r.Lead.Company == "" || !r.Lead.Grade.Valid() {
				t.Fatalf("record %+v", r)
			}
		}
	})
}

// withSheetXML replaces a workbook's first sheet with the given XML.
func withSheetXML(t testing.TB, sheetData string) []byte {
	t.Helper()
	good := workbookOf(t, "Sheet1", map[string]any{"A1": "x"}, nil)
	zr, err := zip.NewReader(bytes.NewReader(good), int64(len(good)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if f.Name != "xl/worksheets/sheet1.xml" {
			if err := zw.Copy(f); err != nil {
				t.Fatal(err)
			}
			continue
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write([]byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` + sheetData + `</sheetData></worksheet>`))
	}
	_ = zw.Close()
	return out.Bytes()
}

// TestFarCells: cells at the sheet's last row and column read as rows of
// their own, without the rows between counting.
func TestFarCells(t *testing.T) {
	data := withSheetXML(t, `<row r="1"><c r="A1" t="inlineStr"><is><t>Company</t></is></c></row>`+
		`<row r="2"><c r="A2" t="inlineStr"><is><t>Acme</t></is></c><c r="XFD2" t="inlineStr"><is><t>far</t></is></c></row>`+
		`<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>Last</t></is></c></row>`)
	f, err := Read("far.xlsx", data, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Records) != 2 || f.Records[1].Row != 1048576 || f.Rows != 2 {
		t.Errorf("got %d records, rows %d", len(f.Records), f.Rows)
	}
}

// TestFarCellsWithFormula: the same with a formula, which makes Read ask
// excelize for each cell's formula.
func TestFarCellsWithFormula(t *testing.T) {
	data := withSheetXML(t, `<row r="1"><c r="A1" t="inlineStr"><is><t>Company</t></is></c><c r="B1" t="inlineStr"><is><t>Grade</t></is></c></row>`+
		`<row r="2"><c r="A2" t="inlineStr"><is><t>Acme</t></is></c><c r="B2" t="str"><f>"A"</f><v>A</v></c><c r="XFD2" t="inlineStr"><is><t>far</t></is></c></row>`+
		`<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>Last</t></is></c><c r="XFD1048576" t="inlineStr"><is><t>far</t></is></c></row>`)
	f, err := Read("far.xlsx", data, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Records) != 1 || len(f.Errors) != 1 || f.Errors[0].Row != 2 || f.Errors[0].Column != "Grade" {
		t.Errorf("got %+v", f)
	}
}

// TestSharedFormula: a formula filled down (a shared formula) is refused
// in every cell it fills, and one in a prefixed namespace too.
func TestSharedFormula(t *testing.T) {
	data := withSheetXML(t, `<row r="1"><c r="A1" t="inlineStr"><is><t>Company</t></is></c><c r="B1" t="inlineStr"><is><t>Value</t></is></c></row>`+
		`<row r="2"><c r="A2" t="inlineStr"><is><t>Acme</t></is></c><c r="B2"><f t="shared" ref="B2:B3" si="0">1+1</f><v>2</v></c></row>`+
		`<row r="3"><c r="A3" t="inlineStr"><is><t>Globex</t></is></c><c r="B3"><f t="shared" si="0"/><v>2</v></c></row>`+
		`<row r="4"><c r="A4" t="inlineStr"><is><t>Initech</t></is></c><c r="B4"><v>2</v></c></row>`)
	f, err := Read("shared.xlsx", data, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Records) != 1 || f.Records[0].Lead.Company != "Initech" || len(f.Errors) != 2 || f.Errors[1].Row != 3 || !strings.Contains(f.Errors[1].Message, "B3") {
		t.Errorf("got %+v", f)
	}
}

// TestFormulaCompany: a formula in the company column is one error.
func TestFormulaCompany(t *testing.T) {
	data := withSheetXML(t, `<row r="1"><c r="A1" t="inlineStr"><is><t>公司</t></is></c></row>`+
		`<row r="2"><c r="A2" t="str"><f>"Acme"</f><v>Acme</v></c></row>`+
		`<row r="3"><c r="A3" t="str"><f>""</f><v></v></c></row>`)
	f, err := Read("f.xlsx", data, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Records) != 0 || len(f.Errors) != 1 || f.Errors[0].Row != 2 || f.Errors[0].Column != "公司" || f.Rows != 1 {
		t.Errorf("got %+v", f)
	}
}
