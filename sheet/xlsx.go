package sheet

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
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
	formulas, err := checkZip(zr, lim)
	if err != nil {
		return nil, err
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

// checkZip refuses a zip that is no workbook or unpacks to too much, and
// reports whether any worksheet holds a formula.
func checkZip(zr *zip.Reader, lim Limits) (formulas bool, err error) {
	if len(zr.File) > maxParts {
		return false, bomb(lim)
	}
	var total uint64
	workbook := false
	for _, zf := range zr.File {
		total += zf.UncompressedSize64
		if total > uint64(lim.MaxUnzipped) {
			return false, bomb(lim)
		}
		if zf.UncompressedSize64 > ratioFloor && zf.UncompressedSize64 > maxRatio*max(zf.CompressedSize64, 1) {
			return false, bomb(lim)
		}
		workbook = workbook || strings.EqualFold(zf.Name, "xl/workbook.xml")
	}
	if !workbook {
		return false, notSpreadsheet()
	}
	for _, zf := range zr.File {
		if !strings.HasPrefix(strings.ToLower(zf.Name), "xl/worksheets/") || formulas {
			continue
		}
		if formulas, err = hasFormula(zf); err != nil {
			return false, notSpreadsheet()
		}
	}
	return formulas, nil
}

// hasFormula reports whether a worksheet part has a formula element (<f>,
// <f …/>, or one with a namespace prefix).
func hasFormula(zf *zip.File) (bool, error) {
	rc, err := zf.Open()
	if err != nil {
		return false, err
	}
	defer func() { _ = rc.Close() }()
	buf := make([]byte, formulaProbe+8)
	carry := 0
	for {
		n, err := io.ReadFull(rc, buf[carry:])
		chunk := buf[:carry+n]
		for _, tag := range [][]byte{[]byte("<f>"), []byte("<f "), []byte("<f/"), []byte(":f>"), []byte(":f ")} {
			if bytes.Contains(chunk, tag) {
				return true, nil
			}
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		carry = copy(buf, chunk[len(chunk)-3:]) // a tag cut between reads
	}
}

func bomb(lim Limits) error {
	return salesbot.Errorf(salesbot.EINVALID, "The workbook unpacks to more than %s, which no leads file needs (it may be a zip bomb). Copy the leads into a new workbook, save it as .xlsx and import that.", size(lim.MaxUnzipped))
}

// workbook is an open workbook being read.
type workbook struct {
	f        *excelize.File
	formulas bool
	dates    dates
}

// table reads a sheet: the first of its first rows with a company column
// (by ix) is the header, the rows after it its data rows, at most maxRows
// of them (0: any number). A sheet with no such row has no rows, and its
// first non-empty row as the header.
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
		if empty(row) && !(wb.formulas && wb.rowHasFormula(name, i+1, len(t.header))) {
			continue // a row that only a formula without a value fills is a row too
		}
		if maxRows > 0 && len(t.rows) == maxRows {
			return nil, tooManyRows(maxRows+1, maxRows)
		}
		t.rows = append(t.rows, row)
		t.numbers = append(t.numbers, i+1)
	}
	if wb.formulas {
		t.cellErr = func(i int, c col, l *layout) error {
			cell, err := excelize.CoordinatesToCellName(l.at[c]+1, t.numbers[i])
			if err != nil {
				return nil
			}
			if formula, err := wb.f.GetCellFormula(name, cell); err == nil && formula != "" {
				return salesbot.Errorf(salesbot.EINVALID, "Cell %s holds a formula; the bot does not run formulas. Copy the column and paste its values instead (Paste Special → Values).", cell)
			}
			return nil
		}
	}
	if t.header == nil {
		t.header = hs.first // for the refusal
	}
	return t, nil
}

// rowHasFormula reports whether any of a row's first n cells holds a
// formula.
func (wb *workbook) rowHasFormula(sheet string, row, n int) bool {
	for c := 1; c <= n; c++ {
		cell, err := excelize.CoordinatesToCellName(c, row)
		if err != nil {
			return false
		}
		if formula, err := wb.f.GetCellFormula(sheet, cell); err == nil && formula != "" {
			return true
		}
	}
	return false
}
