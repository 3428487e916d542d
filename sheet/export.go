package sheet

import (
	"encoding/json"
	"slices"
	"strings"

	"salesbot"
)

// maxMet bounds how many people one visit names.
const maxMet = salesbot.MaxStakeholders

// maxOtherRows bounds the rows of the Stakeholders, Visits and History
// sheets, per lead the Leads sheet may have: far more than any export
// within Limits.MaxBytes holds.
const maxOtherRows = 50

// export reads a workbook Write made: the Leads sheet, then the
// Stakeholders, Visits and History sheets onto its records.
func (wb *workbook) export(lim Limits) (*salesbot.ImportFile, error) {
	t, err := wb.table(sheetLeads, leadIndex, lim.MaxRows)
	if err != nil {
		return nil, err
	}
	if !match(t.header, leadIndex).has(colCompany) {
		return nil, noCompany(t.header)
	}
	r := &rowReader{t: t, l: match(t.header, leadIndex), team: lim.Currency, dates: wb.dates}
	out := r.leads()
	m := newMatcher(out, r.refused)
	sheets := wb.f.GetSheetList()
	for _, s := range []struct {
		name string
		ix   index
		read func(*rowReader, []string, *salesbot.ImportRecord)
	}{
		{sheetStakeholders, stakeholderIndex, (*rowReader).stakeholder},
		{sheetVisits, visitIndex, (*rowReader).visit},
		{sheetHistory, historyIndex, (*rowReader).change},
	} {
		if !slices.Contains(sheets, s.name) {
			continue
		}
		t, err := wb.table(s.name, s.ix, maxOtherRows*lim.MaxRows)
		if err != nil {
			return nil, err
		}
		r := &rowReader{t: t, l: match(t.header, s.ix), team: lim.Currency, dates: wb.dates}
		for i := range t.rows {
			row := r.start(i)
			rec := m.find(r, row)
			if rec == nil {
				continue
			}
			s.read(r, row, rec)
		}
		out.Errors = append(out.Errors, r.errs...)
	}
	return out, nil
}

// matcher finds the record a row of another sheet belongs to.
type matcher struct {
	byID      map[string]*salesbot.ImportRecord
	byCompany map[string]*salesbot.ImportRecord
	refused   map[string]bool // see rowReader.refused
}

func newMatcher(f *salesbot.ImportFile, refused map[string]bool) *matcher {
	m := &matcher{refused: refused, byID: map[string]*salesbot.ImportRecord{}, byCompany: map[string]*salesbot.ImportRecord{}}
	for i := range f.Records {
		rec := &f.Records[i]
		if rec.Lead.ID != "" {
			m.byID[rec.Lead.ID] = rec
		}
		m.byCompany[salesbot.NormalizeCompany(rec.Lead.Company)] = rec
	}
	return m
}

// find is the record the row's Lead ID names, else the one of its
// company; nil, with the row failed, when there is none; nil alone when
// the lead's own row was refused (its error says why).
func (m *matcher) find(r *rowReader, row []string) *salesbot.ImportRecord {
	id, company := r.get(row, colID), r.get(row, colCompany)
	if rec, ok := m.byID[id]; ok && id != "" {
		return rec
	}
	if id != "" && m.refused["id:"+id] {
		return nil
	}
	key := salesbot.NormalizeCompany(company)
	if rec, ok := m.byCompany[key]; ok && company != "" {
		return rec
	}
	if company != "" && m.refused["co:"+key] {
		return nil
	}
	c := colID
	if !r.l.has(colID) {
		c = colCompany
	}
	r.fail(c, salesbot.Errorf(salesbot.EINVALID, "No lead of the Leads sheet has ID %q or company %q (or its row there has errors). Give the lead's ID or company as the Leads sheet writes it.", id, company))
	return nil
}

// stakeholder reads a row of the Stakeholders sheet onto its lead.
func (r *rowReader) stakeholder(row []string, rec *salesbot.ImportRecord) {
	var s salesbot.Stakeholder
	r.text(row, colName, &s.Name, maxPersonName)
	if s.Name == "" && !r.bad {
		r.fail(colName, salesbot.Errorf(salesbot.EINVALID, "The row names no person. Write the stakeholder's name, or delete the row."))
	}
	// Role, influence and support are what /stance requires.
	switch v := r.get(row, colRole); {
	case v != "":
		if x, err := salesbot.ParseRole(v); err != nil {
			r.fail(colRole, err)
		} else {
			s.Role = x
		}
	case !r.bad:
		r.fail(colRole, salesbot.Errorf(salesbot.EINVALID, "The person has no role. Use eb (economic buyer), tb (technical buyer), user, coordinator or coach."))
	}
	switch v := r.get(row, colInfluence); {
	case v != "":
		if x, err := salesbot.ParseInfluence(v); err != nil {
			r.fail(colInfluence, err)
		} else {
			s.Influence = x
		}
	case !r.bad:
		r.fail(colInfluence, salesbot.Errorf(salesbot.EINVALID, "The person has no influence. Use high, medium or low."))
	}
	switch v := r.get(row, colSupport); {
	case v != "":
		if x, err := salesbot.ParseSupport(v); err != nil {
			r.fail(colSupport, err)
		} else {
			s.Support = x
		}
	case !r.bad:
		r.fail(colSupport, salesbot.Errorf(salesbot.EINVALID, "The person has no support level. Use a number from -3 (strongly against) to +3 (strong support)."))
	}
	if v := r.get(row, colDecisionRole); v != "" {
		if x, err := salesbot.ParseDecisionRole(v); err != nil {
			r.fail(colDecisionRole, err)
		} else {
			s.DecisionRole = x
		}
	}
	if v := r.get(row, colContactDepth); v != "" {
		if x, err := salesbot.ParseContactDepth(v); err != nil {
			r.fail(colContactDepth, err)
		} else {
			s.ContactDepth = x
		}
	}
	if v := r.get(row, colAttitude); v != "" {
		if x, err := salesbot.ParseAttitude(v); err != nil {
			r.fail(colAttitude, err)
		} else {
			s.Attitude = x
		}
	}
	r.text(row, colPersonalWins, &s.PersonalWins, maxPersonText)
	r.instant(row, colLastMet, &s.LastMet)
	r.text(row, colNotes, &s.Notes, maxPersonText)
	r.word(row, colUpdatedBy, &s.UpdatedBy)
	r.instant(row, colUpdatedAt, &s.UpdatedAt)
	if r.json(row, colSupportHistory, &s.History) {
		r.check(colSupportHistory, salesbot.CleanImportedSupportHistory(&s.History))
	}
	if r.bad {
		return
	}
	if _, ok := rec.Lead.Stakeholder(s.Name); ok {
		r.fail(colName, salesbot.Errorf(salesbot.EINVALID, "%s is on %s's Stakeholders rows already. Keep one row per person.", s.Name, rec.Lead.Company))
		return
	}
	if len(rec.Lead.Stakeholders) >= salesbot.MaxStakeholders {
		r.fail(colName, salesbot.Errorf(salesbot.EINVALID, "%s already has %d stakeholders, as many as a lead keeps. Leave the others out.", rec.Lead.Company, salesbot.MaxStakeholders))
		return
	}
	rec.Lead.Stakeholders = append(rec.Lead.Stakeholders, s)
}

// visit reads a row of the Visits sheet onto its lead.
func (r *rowReader) visit(row []string, rec *salesbot.ImportRecord) {
	v := salesbot.Visit{LeadID: rec.Lead.ID}
	switch s := r.get(row, colDate); {
	case s != "":
		if d, err := r.dates.day(s, false); err != nil {
			r.fail(colDate, err)
		} else {
			v.Date = d
		}
	case !r.bad:
		r.fail(colDate, salesbot.Errorf(salesbot.EINVALID, "The visit has no date. "+dateHint))
	}
	if s := r.get(row, colKind); s != "" {
		if k, err := salesbot.ParseVisitKind(s); err != nil {
			r.fail(colKind, err)
		} else {
			v.Kind = k
		}
	}
	r.text(row, colNotes, &v.Notes, salesbot.MaxTextLen)
	r.text(row, colNextStep, &v.NextStep, maxShortText)
	r.day(row, colNextDate, &v.NextDate, false)
	if s := r.get(row, colMet); s != "" {
		if names, err := text(s, maxMet*(maxPersonName+1)); err != nil {
			r.fail(colMet, err)
		} else {
			for _, n := range strings.Split(names, "\n") {
				if n = strings.TrimSpace(n); n != "" {
					v.Met = append(v.Met, n)
				}
			}
		}
	}
	r.word(row, colBy, &v.By)
	r.instant(row, colLoggedAt, &v.LoggedAt)
	if !r.bad {
		rec.Visits = append(rec.Visits, v)
	}
}

// change reads a row of the History sheet onto its lead.
func (r *rowReader) change(row []string, rec *salesbot.ImportRecord) {
	c := salesbot.Change{LeadID: rec.Lead.ID, Company: rec.Lead.Company}
	if company := r.get(row, colCompany); company != "" {
		r.text(row, colCompany, &c.Company, salesbot.MaxCompanyLen) // as it was named then
	}
	var kind string
	r.word(row, colKind, &kind)
	if kind == "" && !r.bad {
		r.fail(colKind, salesbot.Errorf(salesbot.EINVALID, "The change has no kind. Leave the History sheet as exported."))
	}
	c.Kind = salesbot.ChangeKind(kind)
	r.word(row, colBy, &c.By)
	r.instant(row, colAt, &c.At)
	r.text(row, colFrom, &c.From, salesbot.MaxTextLen)
	r.text(row, colTo, &c.To, salesbot.MaxTextLen)
	r.text(row, colReason, &c.Reason, salesbot.MaxTextLen)
	if !r.bad {
		rec.History = append(rec.History, c)
	}
}

// jsonText writes v as JSON for a cell; "" for nothing.
func jsonText(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	if s := string(b); s != "null" && s != "{}" && s != "[]" {
		return s, nil
	}
	return "", nil
}
