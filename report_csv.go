package salesbot

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
	"time"
)

// utf8BOM opens the CSV so that Excel reads it as UTF-8 (Chinese company
// names included) rather than in the system's legacy code page.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// CSV writes the report as one CSV file for Excel: UTF-8 with a byte-order
// mark, CRLF line ends, one table per section, each under a title row and
// a header row and separated by a blank line. Times are in the time zone of
// the period's start. A cell that a spreadsheet would read as a formula
// (starting with = + - @, tab or carriage return) is prefixed with ' so a
// company called "=HYPERLINK(…)" stays text.
func (r Report) CSV() []byte {
	loc := r.Period.From.Location()
	when := func(t time.Time) string { return t.In(loc).Format("2006-01-02 15:04") }
	var buf bytes.Buffer
	buf.Write(utf8BOM)
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	first := true
	table := func(title string, header []string, rows [][]string) {
		if !first {
			_ = w.Write(nil) // encoding/csv writes an empty record as a blank line
		}
		first = false
		_ = w.Write([]string{title})
		_ = w.Write(header)
		for _, row := range rows {
			for i := range row {
				row[i] = cellText(row[i])
			}
			_ = w.Write(row)
		}
	}

	table("Sales report", []string{"From", "To", "Time zone"}, [][]string{{when(r.Period.From), when(r.Period.To), loc.String()}})

	var rows [][]string
	for _, l := range r.NewLeads {
		var value, currency, category string
		if !l.Value.IsZero() {
			value, currency = l.Value.Decimal(), string(l.Value.Currency)
		}
		if l.Category != "" {
			category = l.Category.Name()
		}
		rows = append(rows, []string{l.Company, r.name(l.RegisteredBy), r.name(l.Owner), string(l.Grade), l.Stage.Name(), when(l.Registered), l.FirstTouch.String(),
			value, currency, l.CloseBy.String(), strconv.Itoa(l.Probability), category})
	}
	table("New leads", []string{"Company", "Registered by", "Owner", "Grade", "Stage", "Registered", "First touch",
		"Value", "Currency", "Close date", "Probability (%)", "Forecast category"}, rows)

	rows = nil
	for _, m := range r.GradeMoves {
		dir := "down"
		if m.Up {
			dir = "up"
		}
		rows = append(rows, []string{m.Company, m.From, m.To, dir, r.name(m.By), when(m.At), m.Reason})
	}
	table("Grade changes", []string{"Company", "From", "To", "Direction", "By", "When", "Reason"}, rows)

	rows = nil
	for _, c := range r.Won {
		rows = append(rows, []string{c.Company, r.name(c.By), when(c.At)})
	}
	table("Won", []string{"Company", "Closed by", "When"}, rows)

	rows = nil
	for _, c := range r.Lost {
		rows = append(rows, []string{c.Company, r.name(c.By), when(c.At), c.Reason})
	}
	table("Lost", []string{"Company", "Closed by", "When", "Reason"}, rows)

	header, rows := r.pipelineTable()
	table("Pipeline (open leads now)", header, rows)

	table("Pipeline value (open deals)", []string{"Stage", "Currency", "Open value"}, r.valueRows())

	rows = nil
	for _, t := range r.Touches {
		rows = append(rows, r.touchRow(t))
	}
	table("Touches by rep", []string{"Rep", "A leads", "B leads", "C leads", "D leads", "New leads", "Total",
		"A leads %", "B leads %", "C leads %", "D leads %", "New leads %"}, rows)

	header, rows = r.sourceTable()
	table("By source", header, rows)

	w.Flush() // into a bytes.Buffer, which cannot fail
	return buf.Bytes()
}

// pipelineTable is the pipeline as a table: a row per grade with a cell per
// stage and the grade's total, then the stages' totals.
func (r Report) pipelineTable() (header []string, rows [][]string) {
	header = []string{"Grade"}
	for _, st := range Stages {
		header = append(header, st.Name())
	}
	header = append(header, "Total")
	totals := make([]int, len(Stages)+1)
	for _, g := range Grades {
		row, sum := []string{string(g)}, 0
		for i, st := range Stages {
			n := r.Pipeline[g][st]
			row, sum, totals[i] = append(row, strconv.Itoa(n)), sum+n, totals[i]+n
		}
		totals[len(Stages)] += sum
		rows = append(rows, append(row, strconv.Itoa(sum)))
	}
	row := []string{"Total"}
	for _, n := range totals {
		row = append(row, strconv.Itoa(n))
	}
	return header, append(rows, row)
}

// valueRows are the open value's rows: a row per stage and currency, the
// total per currency, then what the sums leave out.
func (r Report) valueRows() [][]string {
	var rows [][]string
	for _, st := range Stages {
		m := r.Value.Stages[st]
		for _, c := range m.Currencies(r.Currency) {
			rows = append(rows, []string{st.Name(), string(c), m.In(c).Decimal()})
		}
	}
	total := r.Value.Total()
	for _, c := range total.Currencies(r.Currency) {
		rows = append(rows, []string{"Total", string(c), total.In(c).Decimal()})
	}
	return append(rows,
		[]string{"Not summed: open leads with no close date", "", strconv.Itoa(max(r.Open-r.Value.Dated, 0))},
		[]string{"Not summed: open deals with a close date and no value", "", strconv.Itoa(r.Value.NoValue)},
		[]string{"Omitted deals are left out; sums are per currency, never converted.", "", ""})
}

// touchRow is one rep's touches: counts, then percentages.
func (r Report) touchRow(t RepTouches) []string {
	row := []string{r.name(t.Rep)}
	for _, n := range t.Split() {
		row = append(row, strconv.Itoa(n))
	}
	row = append(row, strconv.Itoa(t.Total()))
	for _, n := range t.Percent() {
		row = append(row, strconv.Itoa(n))
	}
	return row
}

// cellText keeps a cell from being read as a formula by a spreadsheet (CSV
// injection): text that starts like one is prefixed with an apostrophe.
func cellText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
