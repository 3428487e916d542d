package sheet

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"salesbot"
)

// readCSV reads a CSV file: UTF-8 with or without a byte-order mark,
// UTF-16 with one, or GBK/GB18030 as Chinese Excel saves it; fields
// separated by commas, or by semicolons or tabs when the header is.
func readCSV(data []byte, lim Limits) (*salesbot.ImportFile, error) {
	text, err := decode(data)
	if err != nil {
		return nil, err
	}
	refuse := noCompany
	if !utf8.Valid(data) {
		// Decoded as GB18030, which reads Big5 or Shift-JIS bytes as
		// other characters without a fault: the header may be garbled.
		refuse = noCompanyGuessed
	}
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = separator(text)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.ReuseRecord = false
	t := &table{}
	hs := &headerSearch{ix: leadIndex}
	prevLine, prevSpan := 0, 0 // the last record's first line and how many lines it took
	row := 0
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, salesbot.Errorf(salesbot.EINVALID, "The file cannot be read as CSV (%s). Save it from Excel as CSV UTF-8, or as an Excel workbook (.xlsx).", csvReason(err))
		}
		line, _ := r.FieldPos(0)
		// encoding/csv skips blank lines; a spreadsheet shows them as rows.
		if prevLine == 0 {
			row = line
		} else {
			row += 1 + max(0, line-(prevLine+prevSpan))
		}
		prevLine, prevSpan = line, 1
		for _, f := range rec {
			prevSpan += strings.Count(f, "\n")
		}
		if t.header == nil {
			if hs.header(rec) {
				t.header = rec
			} else if hs.given {
				return nil, refuse(hs.first)
			}
			continue
		}
		if empty(rec) {
			continue
		}
		if len(t.rows) == lim.MaxRows {
			return nil, tooManyRows(lim.MaxRows+1, lim.MaxRows)
		}
		t.rows = append(t.rows, rec)
		t.numbers = append(t.numbers, row)
	}
	if t.header == nil && hs.first != nil {
		return nil, refuse(hs.first)
	}
	if t.header == nil {
		return nil, salesbot.Errorf(salesbot.EINVALID, "The file is empty. Put a header row (Company, Owner, Grade …) and a row per lead in it.")
	}
	return leads(t, lim)
}

func csvReason(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return "line " + strconv.Itoa(pe.Line) + ": " + pe.Err.Error()
	}
	return err.Error()
}

// decode turns a CSV file's bytes into text.
func decode(data []byte) (string, error) {
	var text string
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
		if !utf8.Valid(data) {
			return "", undecodable()
		}
		text = string(data)
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		s, err := decodeWith(unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), data)
		if err != nil {
			return "", undecodable()
		}
		text = s
	case utf8.Valid(data):
		text = string(data)
	case bytes.IndexByte(data, 0) >= 0:
		return "", notSpreadsheet()
	default:
		s, err := decodeWith(simplifiedchinese.GB18030, data)
		if err != nil {
			return "", undecodable()
		}
		text = s
	}
	if strings.ContainsRune(text, 0) {
		// Text files hold no NUL; a binary file renamed .csv does.
		return "", notSpreadsheet()
	}
	return text, nil
}

// decodeWith decodes data, failing on any byte sequence the encoding does
// not map (which the decoders turn into U+FFFD).
func decodeWith(enc encoding.Encoding, data []byte) (string, error) {
	out, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return "", err
	}
	if bytes.ContainsRune(out, utf8.RuneError) {
		return "", errors.New("unmapped bytes")
	}
	return string(out), nil
}

// noCompanyGuessed refuses a file read as GB18030 that has no company
// column, in case the encoding was something else.
func noCompanyGuessed(header []string) error {
	return salesbot.Errorf(salesbot.EINVALID, "The file has no company column (its first row has: %s). If those names look garbled, the file is in an encoding the bot cannot tell: save it from Excel as \"CSV UTF-8\". Otherwise head the column of company names \"Company\" or \"公司\".", foundColumns(header))
}

func undecodable() error {
	return salesbot.Errorf(salesbot.EINVALID, "The file's text is in an encoding the bot cannot read. In Excel, save it as \"CSV UTF-8\" or as an Excel workbook (.xlsx), and import that.")
}

func notSpreadsheet() error {
	return salesbot.Errorf(salesbot.EINVALID, "The file is not a spreadsheet. Import an Excel workbook (.xlsx) or a CSV file saved from Excel.")
}

// separator is the file's separator: that of the first of its first lines
// with any (a title may come before the header), a comma unless the line
// has more semicolons or tabs (outside quotes) than commas.
func separator(text string) rune {
	for i := 0; i < maxTitleRows && text != ""; i++ {
		line := text
		if j := strings.IndexByte(text, '\n'); j >= 0 {
			line, text = text[:j], text[j+1:]
		} else {
			text = ""
		}
		counts := map[rune]int{}
		quoted := false
		for _, r := range line {
			switch {
			case r == '"':
				quoted = !quoted
			case !quoted && (r == ',' || r == ';' || r == '\t'):
				counts[r]++
			}
		}
		if len(counts) == 0 {
			continue
		}
		sep := ','
		for _, r := range []rune{';', '\t'} {
			if counts[r] > counts[sep] {
				sep = r
			}
		}
		return sep
	}
	return ','
}
