package sheet

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"

	"salesbot"
)

// Lengths of the free-text fields, as the domain bounds them where a
// person types them (the next step and reasons as visit.go and lead.go do).
const (
	maxShortText  = 300 // next step, lost and park reasons
	maxFieldText  = 200 // an owner reference
	maxIDLen      = 64  // a lead's ID, a user ID, a history kind
	maxPersonName = 80  // a stakeholder's name
	maxPersonText = 500 // a stakeholder's notes and personal wins
)

// dates reads date cells: text as people write it, or an Excel serial
// (a date-formatted cell read raw).
type dates struct {
	date1904 bool // the workbook counts serials from 1904 (old Mac Excel)
}

// dateHint is how to write a date, said with every refusal.
const dateHint = "Write dates as YYYY-MM-DD, e.g. 2026-01-15 (2026/1/15 and 2026年1月15日 work too)."

// day reads a calendar day. With month, YYYY-MM is the month's last day
// (as /deal close takes it); without, a day must be named.
func (d dates) day(s string, month bool) (salesbot.Date, error) {
	t, ok, err := d.serial(s)
	if err != nil {
		return salesbot.Date{}, err
	}
	if ok {
		return salesbot.DateOf(t), nil
	}
	f, err := yearLast(dayText(s), s)
	if err != nil {
		return salesbot.Date{}, err
	}
	if month {
		if v, err := salesbot.ParseCloseDate(f); err == nil {
			return v, nil
		}
		return salesbot.Date{}, salesbot.Errorf(salesbot.EINVALID, "%q is not a date. Write YYYY-MM-DD (2026-01-15) or YYYY-MM for a month's last day (2026-01).", s)
	}
	if v, err := salesbot.ParseDate(f); err == nil {
		return v, nil
	}
	return salesbot.Date{}, salesbot.Errorf(salesbot.EINVALID, "%q is not a date. "+dateHint, s)
}

// instant reads a time: RFC 3339 as Write writes it, a day (its midnight
// UTC), a day and a time of day (UTC), or an Excel serial.
func (d dates) instant(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	t, ok, err := d.serial(s)
	if err != nil {
		return time.Time{}, err
	}
	if ok {
		return t, nil
	}
	f := norm.NFKC.String(strings.TrimSpace(s))
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006/1/2 15:04:05", "2006/1/2 15:04", "2006-01-02T15:04:05", "2006-01-02T15:04"} {
		if t, err := time.Parse(layout, f); err == nil {
			return t, nil
		}
	}
	day, err := d.day(s, false)
	if err != nil {
		return time.Time{}, salesbot.Errorf(salesbot.EINVALID, "%q is not a date or a time. "+dateHint+" A time may follow: 2026-01-15 14:30.", s)
	}
	return day.In(time.UTC), nil
}

// serial reads an Excel date serial (46037 is 2026-01-15); ok is false
// for anything that is not a plain number.
func (d dates) serial(s string) (time.Time, bool, error) {
	if s == "" || strings.IndexFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != '.' }) >= 0 {
		return time.Time{}, false, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return time.Time{}, false, nil
	}
	// Serials below 3000 (1908) are no pipeline's dates but years and
	// months written 2026 or 2026.01, which the text parsers read; above
	// 2958465 (9999-12-31) there are no days.
	if v < 3000 {
		return time.Time{}, false, nil
	}
	if v > 2958465 {
		return time.Time{}, false, salesbot.Errorf(salesbot.EINVALID, "%q is not a date. "+dateHint, s)
	}
	t, err := excelize.ExcelDateToTime(v, d.date1904)
	if err != nil {
		return time.Time{}, false, salesbot.Errorf(salesbot.EINVALID, "%q is not a date. "+dateHint, s)
	}
	// Serials carry float noise: round to the second.
	return t.Round(time.Second).UTC(), true, nil
}

var chineseDay = strings.NewReplacer("年", "-", "月", "-", "日", "", "号", "")

// dayText folds the ways people write a day to YYYY-MM-DD's shape:
// 2026年1月15日, 2026/1/15, and a day with a time after it.
func dayText(s string) string {
	f := norm.NFKC.String(strings.TrimSpace(s))
	f = chineseDay.Replace(f)
	f = strings.TrimSuffix(f, "-")
	if i := strings.IndexAny(f, " T"); i > 0 {
		if _, err := time.Parse("15:04", strings.TrimSpace(f[i+1:])); err == nil {
			f = f[:i]
		} else if _, err := time.Parse("15:04:05", strings.TrimSpace(f[i+1:])); err == nil {
			f = f[:i]
		}
	}
	return f
}

// yearLast turns a day written with the year last (as English Excel saves
// CSV: 1/15/2026, or 15/01/2026) to year-first when the day tells which
// number is the month (one above 12); when neither is, it is refused as
// ambiguous rather than guessed.
func yearLast(f, typed string) (string, error) {
	parts := strings.Split(strings.NewReplacer(".", "/", "-", "/").Replace(f), "/")
	if len(parts) != 3 || len(parts[2]) != 4 || len(parts[0]) > 2 || len(parts[1]) > 2 {
		return f, nil
	}
	a, err1 := strconv.Atoi(parts[0])
	b, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil {
		return f, nil
	}
	switch {
	case a > 12 && b > 12:
		return f, nil // no day; ParseDate says so
	case a > 12:
		return parts[2] + "-" + parts[1] + "-" + parts[0], nil
	case b > 12:
		return parts[2] + "-" + parts[0] + "-" + parts[1], nil
	case a == b:
		return parts[2] + "-" + parts[0] + "-" + parts[1], nil
	}
	return "", salesbot.Errorf(salesbot.EINVALID, "%q could be day/month or month/day. Write dates as YYYY-MM-DD, e.g. 2026-01-15.", typed)
}

// amount reads a deal's value: the value cell as people write it (¥1.8M,
// 180万, 1,800,000, a number cell) with the currency cell's code after it
// when there is one; with no currency at all it is team's.
func amount(value, currency string, team salesbot.Currency) (salesbot.Amount, error) {
	value = numberText(value)
	if currency != "" {
		value += " " + currency
	}
	return salesbot.ParseAmount(value, team)
}

// numberText writes a number cell's raw value as a plain decimal: Excel
// stores 1.8E+16 and float noise (1799999.9999999998) that no person typed.
func numberText(s string) string {
	if s == "" || strings.IndexFunc(s, func(r rune) bool {
		return (r < '0' || r > '9') && r != '.' && r != 'E' && r != 'e' && r != '+' && r != '-'
	}) >= 0 {
		return s
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return s
	}
	if strings.ContainsAny(s, "Ee") {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	if i := strings.IndexByte(s, '.'); i >= 0 && len(s)-i-1 > 6 {
		return strings.TrimSuffix(strings.TrimRight(strconv.FormatFloat(v, 'f', 4, 64), "0"), ".")
	}
	return s
}

// text checks a free-text cell: valid, no control characters but line
// breaks and tabs, at most max characters.
func text(s string, max int) (string, error) {
	if !shown(s) {
		return "", salesbot.Errorf(salesbot.EINVALID, "The cell has characters that cannot be shown (control characters). Type it as plain text.")
	}
	if n := utf8.RuneCountInString(s); n > max {
		return "", salesbot.Errorf(salesbot.EINVALID, "The cell is %d characters long; keep it under %d.", n, max)
	}
	if strings.IndexByte(s, '\r') >= 0 {
		s = lineBreaks.Replace(s)
	}
	return s, nil
}

var lineBreaks = strings.NewReplacer("\r\n", "\n", "\r", "\n")

// shown reports whether text is valid and free of control characters
// (but line breaks and tabs) and of U+FFFD, which stands for bytes some
// program could not read: the cell's text is broken.
func shown(s string) bool {
	return utf8.ValidString(s) && strings.IndexFunc(s, func(r rune) bool {
		return unicode.IsControl(r) && r != '\n' && r != '\t' && r != '\r' || r == utf8.RuneError
	}) < 0
}

// word checks a one-word cell (an ID, a user, a kind): no spaces, no
// control characters, at most max characters.
func word(s string, max int) (string, error) {
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 || !utf8.ValidString(s) {
		return "", salesbot.Errorf(salesbot.EINVALID, "%q should be one word, without spaces.", s)
	}
	if n := utf8.RuneCountInString(s); n > max {
		return "", salesbot.Errorf(salesbot.EINVALID, "The cell is %d characters long; keep it under %d.", n, max)
	}
	return s, nil
}

// yes reads a yes/no cell; empty is no.
func yes(s string) (bool, error) {
	switch strings.ToLower(norm.NFKC.String(s)) {
	case "", "no", "n", "false", "0", "否", "不", "无":
		return false, nil
	case "yes", "y", "true", "1", "是", "有", "x", "✓":
		return true, nil
	}
	return false, salesbot.Errorf(salesbot.EINVALID, "%q is not yes or no. Write yes or no (是/否), or leave it empty for no.", s)
}

// count reads a whole number from 0 to max.
func count(s string, max int) (int, error) {
	n, err := strconv.Atoi(numberText(s))
	if err != nil || n < 0 || n > max {
		return 0, salesbot.Errorf(salesbot.EINVALID, "%q is not a whole number from 0 to %d.", s, max)
	}
	return n, nil
}

// stage reads a stage, open or closed: an exported workbook holds won and
// lost deals, which /lead stage does not move to.
func stage(s string) (salesbot.Stage, error) {
	switch strings.ToLower(norm.NFKC.String(s)) {
	case "won", "签约", "赢单", "成交", "已成交":
		return salesbot.StageWon, nil
	case "lost", "失败", "输单", "丢单", "已失败":
		return salesbot.StageLost, nil
	}
	return salesbot.ParseStage(s)
}
