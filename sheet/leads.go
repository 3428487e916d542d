package sheet

import (
	"encoding/json"
	"strings"
	"time"

	"salesbot"
)

// rowReader reads the rows of one sheet, collecting what is wrong with
// each cell.
type rowReader struct {
	t     *table
	l     *layout
	dates dates
	team  salesbot.Currency
	errs  []salesbot.RowError
	row   int // the row being read, as the spreadsheet numbers it
	i     int // its index in t.rows
	bad   bool
	// refused are the IDs and normalised companies of the lead rows
	// refused, so that their stakeholders, visits and history are left
	// out without an error of their own.
	refused map[string]bool
}

// start begins reading row i.
func (r *rowReader) start(i int) []string {
	r.i, r.row, r.bad = i, r.t.numbers[i], false
	return r.t.rows[i]
}

// fail records what is wrong with column c of the current row.
func (r *rowReader) fail(c col, err error) {
	r.bad = true
	r.errs = append(r.errs, rowError(r.t.name, r.row, r.l.header[c], err))
}

// get is column c of the current row, or "" and a failure when the cell
// cannot be read as a value (a formula).
func (r *rowReader) get(row []string, c col) string {
	if !r.l.has(c) {
		return ""
	}
	if r.t.cellErr != nil {
		if err := r.t.cellErr(r.i, c, r.l); err != nil {
			r.fail(c, err)
			return ""
		}
	}
	return r.l.cell(row, c)
}

// leads reads a leads table into records, each row's problems into errors.
func leads(t *table, lim Limits) (*salesbot.ImportFile, error) {
	l := match(t.header, leadIndex)
	if !l.has(colCompany) {
		return nil, noCompany(t.header)
	}
	r := &rowReader{t: t, l: l, team: lim.Currency}
	return r.leads(), nil
}

func (r *rowReader) leads() *salesbot.ImportFile {
	out := &salesbot.ImportFile{Rows: len(r.t.rows), Records: make([]salesbot.ImportRecord, 0, len(r.t.rows))}
	seen := make(map[string]int, len(r.t.rows)) // normalised company → its first row
	ids := map[string]int{}                     // lead ID → its row
	r.refused = map[string]bool{}
	for i := range r.t.rows {
		row := r.start(i)
		rec := r.record(row)
		key := salesbot.NormalizeCompany(rec.Lead.Company)
		if first, ok := seen[key]; ok && !r.bad {
			r.fail(colCompany, salesbot.Errorf(salesbot.EINVALID, "%s is a duplicate of row %d. Keep one row per company.", rec.Lead.Company, first))
		}
		if first, ok := ids[rec.Lead.ID]; ok && rec.Lead.ID != "" && !r.bad {
			r.fail(colID, salesbot.Errorf(salesbot.EINVALID, "ID %s is also row %d's. Each lead has its own ID; empty the cell for a new lead.", rec.Lead.ID, first))
		}
		if r.bad {
			r.refused["id:"+r.l.cell(row, colID)] = true
			r.refused["co:"+salesbot.NormalizeCompany(r.l.cell(row, colCompany))] = true
			continue
		}
		if rec.Lead.ID != "" {
			ids[rec.Lead.ID] = r.row
		}
		seen[key] = r.row
		out.Records = append(out.Records, rec)
	}
	out.Errors = r.errs
	return out
}

// record reads one row of a leads table.
func (r *rowReader) record(row []string) salesbot.ImportRecord {
	rec := salesbot.ImportRecord{Row: r.row}
	l := &rec.Lead
	company := r.get(row, colCompany)
	switch name, err := salesbot.CleanCompany(company); {
	case company == "" && r.bad: // the cell holds a formula, said already
	case company == "":
		r.fail(colCompany, salesbot.Errorf(salesbot.EINVALID, "The row has no company. Write the company's name, or delete the row."))
	case !shown(company):
		r.fail(colCompany, salesbot.Errorf(salesbot.EINVALID, "The cell has characters that cannot be shown (control characters). Type it as plain text."))
	case err != nil:
		r.fail(colCompany, err)
	default:
		l.Company = name
	}
	// IDs and creators come from the bot's export, or from another
	// system's (CRM-00123, a person's name): taken as text, not refused.
	// A creator that is no user ID becomes the manager who imports
	// (salesbot.CleanImportedUsers, when the import is planned).
	r.text(row, colID, &l.ID, maxIDLen)
	if strings.ContainsAny(l.ID, "\n\t") {
		r.fail(colID, salesbot.Errorf(salesbot.EINVALID, "%q should be on one line.", l.ID))
		l.ID = ""
	}
	r.text(row, colOwner, &rec.OwnerRef, maxFieldText)
	l.Grade = salesbot.GradeC // what /lead new gives a lead named without one
	if s := r.get(row, colGrade); s != "" {
		if g, err := salesbot.ParseGrade(gradeText(s)); err != nil {
			r.fail(colGrade, err)
		} else {
			l.Grade = g
		}
	}
	l.Stage = salesbot.StageLead
	if s := r.get(row, colStage); s != "" {
		if st, err := stage(s); err != nil {
			r.fail(colStage, err)
		} else {
			l.Stage = st
		}
	}
	if s := r.get(row, colValue); s != "" {
		if v, err := amount(s, r.get(row, colCurrency), r.team); err != nil {
			r.fail(colValue, err)
		} else {
			l.Value = v
		}
	}
	r.day(row, colCloseBy, &l.CloseBy, true)
	if s := r.get(row, colCategory); s != "" {
		if c, err := salesbot.ParseCategory(s); err != nil {
			r.fail(colCategory, err)
		} else {
			l.Category = c
		}
	}
	if s := r.get(row, colAtRisk); s != "" {
		if b, err := yes(s); err != nil {
			r.fail(colAtRisk, err)
		} else {
			l.AtRisk = b
		}
	}
	if s := r.get(row, colSlips); s != "" {
		if n, err := count(s, 1000); err != nil {
			r.fail(colSlips, err)
		} else {
			l.Slips = n
		}
	}
	r.day(row, colWonOn, &l.WonOn, false)
	if s := r.get(row, colSource); s != "" {
		if src, err := salesbot.ParseSource(s); err != nil {
			r.fail(colSource, err)
		} else {
			l.Source = src
		}
	}
	r.instant(row, colCreatedAt, &l.CreatedAt)
	r.text(row, colCreatedBy, &l.CreatedBy, maxFieldText)
	r.instant(row, colUpdatedAt, &l.UpdatedAt)
	r.instant(row, colStageSince, &l.StageSince)
	r.instant(row, colLastTouch, &l.LastTouch)
	r.text(row, colNextStep, &l.NextStep, maxShortText)
	r.instant(row, colNextStepDue, &l.NextStepDue)
	r.instant(row, colDue, &l.Due)
	r.instant(row, colSnoozedUntil, &l.SnoozedUntil)
	r.instant(row, colClosedAt, &l.ClosedAt)
	r.text(row, colLostReason, &l.LostReason, maxShortText)
	r.day(row, colParkedUntil, &l.ParkedUntil, false)
	r.text(row, colParkReason, &l.ParkReason, maxShortText)
	r.instant(row, colGradeConfirmed, &l.GradeConfirmed)
	// The profile is checked as /lead profile checks it.
	r.profile(row, colIndustry, salesbot.FieldIndustry, &l.Profile.Industry)
	r.profile(row, colHeadcount, salesbot.FieldHeadcount, &l.Profile.Headcount)
	r.profile(row, colRevenue, salesbot.FieldRevenue, &l.Profile.Revenue)
	r.profile(row, colRegion, salesbot.FieldRegion, &l.Profile.Region)
	r.profile(row, colAddress, salesbot.FieldAddress, &l.Profile.Address)
	r.profile(row, colWebsite, salesbot.FieldWebsite, &l.Profile.Website)
	// The JSON cells are checked as the commands that record them check
	// them (lengths, counts, values).
	if r.json(row, colFacts, &l.Facts) {
		r.check(colFacts, salesbot.CleanImportedFacts(l.Facts))
	}
	if r.json(row, colQuotes, &l.Quotes) {
		r.check(colQuotes, salesbot.CleanImportedQuotes(&l.Quotes))
	}
	if r.json(row, colConcessions, &l.Concessions) {
		r.check(colConcessions, salesbot.CleanImportedConcessions(l.Concessions))
	}
	if r.json(row, colQualification, &l.Qualification) {
		r.check(colQualification, salesbot.CleanImportedQualification(&l.Qualification))
	}
	if r.json(row, colRivals, &l.Rivals) {
		r.check(colRivals, salesbot.CleanImportedRivals(l.Rivals))
	}
	r.text(row, colNotes, &rec.Notes, salesbot.MaxTextLen)
	return rec
}

// gradeText takes off the words a Chinese sheet writes after a grade
// (A级, B类, C类客户).
func gradeText(s string) string {
	t := strings.TrimSpace(s)
	for _, suffix := range []string{"类客户", "级客户", "级", "类"} {
		if rest, ok := strings.CutSuffix(t, suffix); ok && rest != "" {
			return rest
		}
	}
	return s
}

// text reads a free-text cell into dst.
// profile reads a cell of the company's profile into dst, checked by the
// domain's rule for field f.
func (r *rowReader) profile(row []string, c col, f salesbot.ProfileField, dst *string) {
	s := r.get(row, c)
	if s == "" {
		return
	}
	v, err := salesbot.CleanProfileField(f, s)
	if err != nil {
		r.fail(c, err)
		return
	}
	*dst = v
}

func (r *rowReader) text(row []string, c col, dst *string, max int) {
	if s := r.get(row, c); s != "" {
		if v, err := text(s, max); err != nil {
			r.fail(c, err)
		} else {
			*dst = v
		}
	}
}

// word reads a one-word cell into dst.
func (r *rowReader) word(row []string, c col, dst *string) {
	if s := r.get(row, c); s != "" {
		if v, err := word(s, maxIDLen); err != nil {
			r.fail(c, err)
		} else {
			*dst = v
		}
	}
}

// day reads a date cell into dst.
func (r *rowReader) day(row []string, c col, dst *salesbot.Date, month bool) {
	if s := r.get(row, c); s != "" {
		if d, err := r.dates.day(s, month); err != nil {
			r.fail(c, err)
		} else {
			*dst = d
		}
	}
}

// instant reads a time cell into dst.
func (r *rowReader) instant(row []string, c col, dst *time.Time) {
	if s := r.get(row, c); s != "" {
		if t, err := r.dates.instant(s); err != nil {
			r.fail(c, err)
		} else {
			*dst = t
		}
	}
}

// json reads a cell Write filled with JSON (the lead's key facts, quotes,
// concessions, qualification and rivals) into dst, and reports whether
// it read something.
func (r *rowReader) json(row []string, c col, dst any) bool {
	s := r.get(row, c)
	if s == "" {
		return false
	}
	if err := json.Unmarshal([]byte(s), dst); err != nil {
		r.fail(c, salesbot.Errorf(salesbot.EINVALID, "The cell does not hold what the export wrote in this column (%s). Leave it as exported, or empty it.", err.Error()))
		return false
	}
	return true
}

// check fails column c with err, if any.
func (r *rowReader) check(c col, err error) {
	if err != nil {
		r.fail(c, err)
	}
}
