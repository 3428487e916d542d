// Package sheet reads the leads files a manager imports (.xlsx or .csv) and
// writes the workbook a manager exports, so that what it writes it reads
// back without loss. It knows spreadsheets and the domain's parsers; it
// knows neither Slack nor Redis.
package sheet

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"salesbot"
)

// Limits bound what Read accepts.
type Limits struct {
	MaxBytes    int64 // the file as uploaded; default 5 MB
	MaxRows     int   // data rows (the header not counted); default 10,000
	MaxUnzipped int64 // an .xlsx's parts, unzipped, in all; default 100 MB (zip bombs)
	// Currency is the team's currency (SALESBOT_CURRENCY), for amounts
	// that name none; "" is CNY.
	Currency salesbot.Currency
}

// The default limits.
const (
	DefaultMaxBytes    = 5 << 20
	DefaultMaxRows     = 10_000
	DefaultMaxUnzipped = 100 << 20
)

// DefaultLimits are the limits of issue 13: 5 MB, 10,000 rows, 100 MB
// unzipped, amounts in CNY unless they say otherwise.
func DefaultLimits() Limits {
	return Limits{MaxBytes: DefaultMaxBytes, MaxRows: DefaultMaxRows, MaxUnzipped: DefaultMaxUnzipped, Currency: "CNY"}
}

// withDefaults fills the zero fields of lim.
func (lim Limits) withDefaults() Limits {
	d := DefaultLimits()
	if lim.MaxBytes <= 0 {
		lim.MaxBytes = d.MaxBytes
	}
	if lim.MaxRows <= 0 {
		lim.MaxRows = d.MaxRows
	}
	if lim.MaxUnzipped <= 0 {
		lim.MaxUnzipped = d.MaxUnzipped
	}
	if lim.Currency == "" {
		lim.Currency = d.Currency
	}
	return lim
}

// Read reads a leads file: name's extension (.xlsx or .csv; case-insensitive) says the format.
// A file it cannot take at all (not a spreadsheet, too big, too many rows, no company column,
// an encoding it cannot read, a zip bomb) is an error with code salesbot.EINVALID whose message
// says what is wrong and how to fix it. Problems of single rows or cells go in ImportFile.Errors
// (with row numbers as a spreadsheet shows them, header = row 1, and the column's header as written).
//
// The header is the first row with a company column (titles may come
// before it, up to ten rows); in an .xlsx, of the first sheet that has
// one. Columns are matched by their English or Chinese names (company/公司,
// owner/负责人, grade/分级 …), ignoring case, width and spaces; columns it
// does not know are ignored, and so are rows empty to the eye.
// Each record's Lead has no Owner (OwnerRef says who) and no Team. A row
// with no grade gets the grade /lead new gives (C); one with no stage is
// at the first stage (lead). Dates without a time are midnight UTC.
//
// A workbook that Write made (it has a Leads sheet) is read whole: the
// Stakeholders sheet fills each record's Lead.Stakeholders, and the Visits
// and History sheets its Visits and History, matched to the lead by the
// Lead ID column, else by company. Its Audit sheet is not read.
func Read(name string, data []byte, lim Limits) (*salesbot.ImportFile, error) {
	lim = lim.withDefaults()
	if int64(len(data)) > lim.MaxBytes {
		return nil, salesbot.Errorf(salesbot.EINVALID, "%s is %s; files up to %s can be imported. Split it into smaller files, or leave out columns the bot does not need.", name, size(int64(len(data))), size(lim.MaxBytes))
	}
	switch ext := strings.ToLower(filepath.Ext(name)); {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return readXLSX(data, lim) // a workbook, whatever its name says
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return nil, salesbot.Errorf(salesbot.EINVALID, "%s is an old Excel file (.xls) or a workbook with a password. Open it, remove any password and save it as Excel Workbook (.xlsx), then import that.", name)
	case ext == ".csv" || ext == ".txt" || ext == ".tsv":
		return readCSV(data, lim)
	case ext == ".xlsx" || ext == ".xlsm":
		return readXLSX(data, lim)
	case ext == ".xls" || ext == ".et" || ext == ".numbers" || ext == ".ods":
		return nil, salesbot.Errorf(salesbot.EINVALID, "%s is not a file type the bot reads. Open it and save it as Excel Workbook (.xlsx) or CSV UTF-8.", name)
	default:
		return nil, salesbot.Errorf(salesbot.EINVALID, "%s is not a spreadsheet. Import an Excel workbook (.xlsx) or a CSV file (.csv).", name)
	}
}

// size writes a byte count as people read it.
func size(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// rowError makes a RowError of a cell's error, keeping the domain error's
// format and arguments so that the reader's language can word it.
func rowError(sheet string, row int, column string, err error) salesbot.RowError {
	re := salesbot.RowError{Sheet: sheet, Row: row, Column: column, Message: salesbot.ErrorMessage(err)}
	var e *salesbot.Error
	if errors.As(err, &e) {
		re.Format, re.Args = e.Format, e.Args
	}
	return re
}

// table is one sheet of a file as text: its header and its data rows, with
// the spreadsheet's number of each.
type table struct {
	name    string // the sheet's name; "" for a CSV file
	header  []string
	rows    [][]string
	numbers []int // numbers[i] is rows[i]'s row number
	// cellErr, when set, reports a cell that cannot be read as a value (a
	// formula); its row is refused.
	cellErr func(i int, c col, l *layout) error
}

// maxTitleRows is how many non-empty rows may come before the header
// (a title, a date, a note): the header is the first with a company column.
const maxTitleRows = 10

// headerSearch finds a sheet's header row among its first rows.
type headerSearch struct {
	ix    index
	first []string // the first non-empty row, for a refusal
	seen  int
	given bool // no header within maxTitleRows: stop looking
}

// header reports whether row is the header; rows before it are skipped.
func (h *headerSearch) header(row []string) bool {
	if h.given || empty(row) {
		return false
	}
	if h.first == nil {
		h.first = row
	}
	h.seen++
	if l := match(row, h.ix); l.has(colCompany) || l.has(colID) {
		return true
	}
	h.given = h.seen >= maxTitleRows
	return false
}

// foundColumns lists a header's non-empty cells, for a message.
func foundColumns(header []string) string {
	var out []string
	for _, h := range header {
		if h = strings.TrimSpace(h); h != "" {
			out = append(out, fmt.Sprintf("%q", h))
		}
		if len(out) == 12 {
			out = append(out, "…")
			break
		}
	}
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, ", ")
}

// noCompany refuses a file whose header has no company column.
func noCompany(header []string) error {
	return salesbot.Errorf(salesbot.EINVALID, "The file has no company column (its first row has: %s). Head the column of company names \"Company\" or \"公司\" in the first row, and try again.", foundColumns(header))
}

// tooManyRows refuses a file of more rows than the limit.
func tooManyRows(n, max int) error {
	return salesbot.Errorf(salesbot.EINVALID, "The file has more than %d rows of leads (%d or more); up to %d can be imported at once. Split it into files of %d rows or fewer.", max, n, max, max)
}

// empty reports whether every cell of a row is blank.
func empty(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
