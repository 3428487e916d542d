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
