package sheet

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"salesbot"
)

// cellOf is the cell of sheet's column headed header, row row.
func cellOf(t *testing.T, f *excelize.File, sheet, header string, row int) string {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for i, h := range rows[0] {
		if h == header {
			c, err := excelize.CoordinatesToCellName(i+1, row)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
	}
	t.Fatalf("%s has no column %q", sheet, header)
	return ""
}

// TestImportedPartsFollowTheCommandsRules: a workbook's stakeholders are
// taken as /stance takes them (one row per person, by the person's
// normalised name; role, influence and support required), its JSON cells
// as the commands bound them, and a quote waiting for sign-off arrives
// rejected, for no approval request comes with it.
func TestImportedPartsFollowTheCommandsRules(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	set := func(sheet, header string, row int, v any) {
		if err := f.SetCellValue(sheet, cellOf(t, f, sheet, header, row), v); err != nil {
			t.Fatal(err)
		}
	}
	// Stakeholders row 3 (李娜, of L1) renamed to Wang Li as spelt again;
	// row 4 a new person of L1 with no role.
	set("Stakeholders", "Name", 3, "  WANG   li ")
	for h, v := range map[string]any{"Lead ID": "L1", "Company": "Acme Industrial", "Name": "Zhao Min", "Influence": "high", "Support": 1} {
		set("Stakeholders", h, 4, v)
	}
	// L1's quote waits for sign-off; L2's concessions are too long.
	set("Leads", "Quotes (JSON)", 2, `[{"v":1,"amount":{"minor":100,"currency":"CNY"},"by":"U100","at":"2026-01-01T00:00:00Z","status":"pending"}]`)
	set("Leads", "Concessions (JSON)", 3, `[{"give":"`+strings.Repeat("x", 400)+`","by":"U200","at":"2026-01-01T00:00:00Z"}]`)
	var out bytes.Buffer
	if _, err := f.WriteTo(&out); err != nil {
		t.Fatal(err)
	}
	got, err := Read("export.xlsx", out.Bytes(), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	want := []salesbot.RowError{
		{Sheet: "Leads", Row: 3, Column: "Concessions (JSON)"},
		{Sheet: "Stakeholders", Row: 3, Column: "Name"},
		{Sheet: "Stakeholders", Row: 4, Column: "Role"},
	}
	if len(got.Errors) != len(want) {
		t.Fatalf("errors %+v", got.Errors)
	}
	for i, w := range want {
		if e := got.Errors[i]; e.Sheet != w.Sheet || e.Row != w.Row || e.Column != w.Column {
			t.Errorf("error %d = %+v, want %+v", i, e, w)
		}
	}
	acme := got.Records[0].Lead
	if s := acme.Stakeholders; len(s) != 1 || s[0].Name != "Wang Li" {
		t.Errorf("stakeholders %+v", s)
	}
	if q := acme.Quotes; len(q) != 1 || q[0].Status != salesbot.QuoteRejected || q[0].Reason != salesbot.PendingImportReason {
		t.Errorf("the pending quote arrived as %+v", q)
	}
}
