package sheet

import (
	"archive/zip"
	"bytes"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"

	"salesbot"
)

// Bounds of a workbook's zip beyond Limits.MaxUnzipped: no real workbook
// has this many parts, nor a part this much smaller packed than unpacked.
const (
	maxParts     = 10_000
	maxRatio     = 200      // unpacked size over packed, for one part
	ratioFloor   = 10 << 20 // parts unpacking to less than this may compress as they like
	xmlInMemory  = 16 << 20 // excelize keeps parts up to this in memory
	formulaProbe = 64 << 10 // how much of a part the formula search reads at a time
)

// readXLSX reads a workbook: its zip is checked before excelize opens it.
func readXLSX(data []byte, lim Limits) (*salesbot.ImportFile, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, notSpreadsheet()
	}
	if err := checkZip(zr, lim); err != nil {
		return nil, err
	}
	formulas, err := findFormulas(zr)
	if err != nil {
		return nil, notSpreadsheet()
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		RawCellValue:      true,
		UnzipSizeLimit:    lim.MaxUnzipped,
		UnzipXMLSizeLimit: min(lim.MaxUnzipped, xmlInMemory),
	})
	if err != nil && strings.Contains(err.Error(), "unzip size") {
		// checkZip counts the same sizes; this is the second line.
		return nil, bomb(lim)
	}
	if err != nil {
		return nil, notSpreadsheet()
	}
	defer func() { _ = f.Close() }()
	wb := &workbook{f: f, formulas: formulas}
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		wb.dates.date1904 = *props.Date1904
	}
	sheets := f.GetSheetList()
	if slices.Contains(sheets, sheetLeads) {
		return wb.export(lim)
	}
	var first []string
	for i, name := range sheets {
		t, err := wb.table(name, leadIndex, lim.MaxRows)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			first = t.header
		}
		if match(t.header, leadIndex).has(colCompany) {
			r := &rowReader{t: t, l: match(t.header, leadIndex), team: lim.Currency, dates: wb.dates}
			return r.leads(), nil
		}
	}
	return nil, noCompany(first)
}

// checkZip refuses a zip that is no workbook or unpacks to too much.
func checkZip(zr *zip.Reader, lim Limits) error {
	if len(zr.File) > maxParts {
		return bomb(lim)
	}
	var total uint64
	workbook := false
	for _, zf := range zr.File {
		total += zf.UncompressedSize64
		if total > uint64(lim.MaxUnzipped) {
			return bomb(lim)
		}
		if zf.UncompressedSize64 > ratioFloor && zf.UncompressedSize64 > maxRatio*max(zf.CompressedSize64, 1) {
			return bomb(lim)
		}
		workbook = workbook || strings.EqualFold(zf.Name, "xl/workbook.xml")
	}
	if !workbook {
		return notSpreadsheet()
	}
	return nil
}

func bomb(lim Limits) error {
	return salesbot.Errorf(salesbot.EINVALID, "The workbook unpacks to more than %s, which no leads file needs (it may be a zip bomb). Copy the leads into a new workbook, save it as .xlsx and import that.", size(lim.MaxUnzipped))
}

// workbook is an open workbook being read.
type workbook struct {
	f        *excelize.File
	formulas formulaCells
	dates    dates
}

// table reads a sheet: the first of its first rows with a company column
// (by ix) is the header, the rows after it its data rows, at most maxRows
// of them. A sheet with no such row has no rows, and its first non-empty
// row as the header (for the refusal).
func (wb *workbook) table(name string, ix index, maxRows int) (*table, error) {
	rows, err := wb.f.GetRows(name, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, notSpreadsheet()
	}
	t := &table{name: name}
	hs := &headerSearch{ix: ix}
	for i, row := range rows {
		if t.header == nil {
			if hs.header(row) {
				t.header = row
			} else if hs.given {
				break
			}
			continue
		}
		if empty(row) {
			// A row empty to the eye is skipped, even when formulas
			// that give "" fill it: a person sees no lead there.
			continue
		}
		if len(t.rows) == maxRows {
			return nil, tooManyRows(maxRows+1, maxRows)
		}
		t.rows = append(t.rows, row)
		t.numbers = append(t.numbers, i+1)
	}
	if cells := wb.formulas[name]; len(cells) > 0 {
		t.cellErr = func(i int, c col, l *layout) error {
			cell, err := excelize.CoordinatesToCellName(l.at[c]+1, t.numbers[i])
			if err != nil || !cells[cell] {
				return nil
			}
			return salesbot.Errorf(salesbot.EINVALID, "Cell %s holds a formula; the bot does not run formulas. Copy the column and paste its values instead (Paste Special → Values).", cell)
		}
	}
	if t.header == nil {
		t.header = hs.first // for the refusal
	}
	return t, nil
}
