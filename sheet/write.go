package sheet

import (
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"salesbot"
)

// maxCellChars is the most characters a cell of a workbook holds.
const maxCellChars = excelize.TotalCellChars

// Write writes x as an .xlsx workbook: sheets Leads, Stakeholders, Visits, History and Audit.
// What it writes, Read reads back without loss.
//
// Each sheet's header row is bold and frozen. Days are written as text
// YYYY-MM-DD and times as RFC 3339 text in UTC, so that they read back to
// the second (and nanosecond); a value is a number cell beside its currency
// when a number holds it exactly, text otherwise. Text that a spreadsheet
// would run as a formula (=, +, -, @ first) starts with an apostrophe,
// which Read takes off again. Bookkeeping of the reminders (RemindedDue,
// RemindedAt, Climbed, ClimbAt, Suggested) and the lead's Team are not
// written: the bot recomputes them.
func Write(w io.Writer, x salesbot.Export) error {
	x.Leads = slices.DeleteFunc(slices.Clone(x.Leads), func(l *salesbot.Lead) bool { return l == nil })
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E7EEF7"}}})
	if err != nil {
		return fmt.Errorf("export: header style: %w", err)
	}
	if err := f.SetSheetName("Sheet1", sheetLeads); err != nil {
		return fmt.Errorf("export: name the leads sheet: %w", err)
	}
	for _, name := range []string{sheetStakeholders, sheetVisits, sheetHistory, sheetAudit} {
		if _, err := f.NewSheet(name); err != nil {
			return fmt.Errorf("export: add sheet %s: %w", name, err)
		}
	}
	companies := make(map[string]string, len(x.Leads))
	for _, l := range x.Leads {
		companies[l.ID] = l.Company
	}
	sheets := []struct {
		name string
		cols []column
		rows func(emit func([]any) error) error
	}{
		{sheetLeads, leadColumns, func(emit func([]any) error) error {
			for _, l := range x.Leads {
				row, err := leadRow(l)
				if err != nil {
					return err
				}
				if err := emit(row); err != nil {
					return fmt.Errorf("lead %s (%s): %w", l.ID, l.Company, err)
				}
			}
			return nil
		}},
		{sheetStakeholders, stakeholderColumns, func(emit func([]any) error) error {
			for _, l := range x.Leads {
				for _, s := range l.Stakeholders {
					hist, err := jsonText(s.History)
					if err != nil {
						return err
					}
					if err := emit([]any{l.ID, l.Company, s.Name, string(s.Role), string(s.Influence), int(s.Support),
						string(s.DecisionRole), string(s.ContactDepth), string(s.Attitude), s.PersonalWins,
						instant(s.LastMet), s.Notes, s.UpdatedBy, instant(s.UpdatedAt), hist}); err != nil {
						return fmt.Errorf("stakeholder %s of %s: %w", s.Name, l.Company, err)
					}
				}
			}
			return nil
		}},
		{sheetVisits, visitColumns, func(emit func([]any) error) error {
			for _, id := range leadOrder(x.Leads, x.Visits) {
				for _, v := range x.Visits[id] {
					if err := emit([]any{id, companies[id], v.Date.String(), string(v.Kind), v.Notes, v.NextStep,
						v.NextDate.String(), strings.Join(v.Met, "\n"), v.By, instant(v.LoggedAt)}); err != nil {
						return fmt.Errorf("visit of %s on %s: %w", id, v.Date, err)
					}
				}
			}
			return nil
		}},
		{sheetHistory, historyColumns, func(emit func([]any) error) error {
			for _, id := range leadOrder(x.Leads, x.History) {
				for _, c := range x.History[id] {
					if err := emit([]any{id, c.Company, string(c.Kind), c.By, instant(c.At), c.From, c.To, c.Reason}); err != nil {
						return fmt.Errorf("history of %s: %w", id, err)
					}
				}
			}
			return nil
		}},
		{sheetAudit, auditColumns, func(emit func([]any) error) error {
			for _, a := range x.Audit {
				if err := emit([]any{a.Kind, instant(a.At), a.By, a.LeadID, a.Company, a.Subject, a.Detail}); err != nil {
					return fmt.Errorf("audit entry of %s: %w", instant(a.At), err)
				}
			}
			return nil
		}},
	}
	for _, s := range sheets {
		if err := writeSheet(f, s.name, s.cols, bold, s.rows); err != nil {
			return fmt.Errorf("export: sheet %s: %w", s.name, err)
		}
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("export: write workbook: %w", err)
	}
	return nil
}

// writeSheet streams one sheet: widths, the frozen bold header, the rows.
func writeSheet(f *excelize.File, name string, cols []column, bold int, rows func(emit func([]any) error) error) error {
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	for i, c := range cols {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	header := make([]any, len(cols))
	for i, c := range cols {
		header[i] = c.header
	}
	if err := sw.SetRow("A1", header, excelize.RowOpts{StyleID: bold}); err != nil {
		return err
	}
	n := 1
	err = rows(func(values []any) error {
		for i, v := range values {
			s, ok := v.(string)
			switch {
			case !ok:
			case s == "":
				values[i] = nil
			case utf8.RuneCountInString(s) > maxCellChars:
				return fmt.Errorf("column %s holds %d characters, more than a cell holds (%d)", cols[i].header, utf8.RuneCountInString(s), maxCellChars)
			default:
				values[i] = guard(s)
			}
		}
		n++
		return sw.SetRow("A"+strconv.Itoa(n), values)
	})
	if err != nil {
		return err
	}
	return sw.Flush()
}

// leadRow is a lead's row of the Leads sheet, in leadColumns' order.
func leadRow(l *salesbot.Lead) ([]any, error) {
	var js [5]string
	for i, v := range []any{l.Facts, l.Quotes, l.Concessions, l.Qualification, l.Rivals} {
		s, err := jsonText(v)
		if err != nil {
			return nil, fmt.Errorf("lead %s: %w", l.ID, err)
		}
		js[i] = s
	}
	value, currency := amountCells(l.Value)
	atRisk := ""
	if l.AtRisk {
		atRisk = "yes"
	}
	var slips any
	if l.Slips != 0 {
		slips = l.Slips
	}
	return []any{
		l.ID, l.Company, l.Owner, string(l.Grade), string(l.Stage), value, currency, l.CloseBy.String(),
		string(l.Category), atRisk, slips, l.WonOn.String(), string(l.Source), instant(l.CreatedAt), l.CreatedBy,
		instant(l.UpdatedAt), instant(l.StageSince), instant(l.LastTouch), l.NextStep, instant(l.NextStepDue),
		instant(l.Due), instant(l.SnoozedUntil), instant(l.ClosedAt), l.LostReason, l.ParkedUntil.String(),
		l.ParkReason, instant(l.GradeConfirmed), l.Profile.Industry, l.Profile.Headcount, l.Profile.Revenue,
		l.Profile.Region, l.Profile.Address, l.Profile.Website, js[0], js[1], js[2], js[3], js[4], "",
	}, nil
}

// amountCells writes an amount as a number cell (when a float64 holds it
// exactly, as Excel keeps numbers) and its currency code.
func amountCells(a salesbot.Amount) (any, string) {
	if a.IsZero() {
		return nil, ""
	}
	dec := a.Decimal()
	if strings.Contains(dec, ".") {
		dec = strings.TrimSuffix(strings.TrimRight(dec, "0"), ".")
	}
	if v, err := strconv.ParseFloat(dec, 64); err == nil && math.Abs(v) < 1e15 && strconv.FormatFloat(v, 'f', -1, 64) == dec {
		return v, string(a.Currency)
	}
	return dec, string(a.Currency)
}

// instant writes a time as RFC 3339 in UTC; "" for none.
func instant(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// leadOrder lists the lead IDs of a per-lead map: the exported leads' in
// their order, then any others by ID.
func leadOrder[V any](leads []*salesbot.Lead, m map[string]V) []string {
	ids := make([]string, 0, len(m))
	seen := make(map[string]bool, len(leads))
	for _, l := range leads {
		if _, ok := m[l.ID]; ok && !seen[l.ID] {
			ids = append(ids, l.ID)
			seen[l.ID] = true
		}
	}
	var rest []string
	for id := range m {
		if !seen[id] {
			rest = append(rest, id)
		}
	}
	sort.Strings(rest)
	return append(ids, rest...)
}
