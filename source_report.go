package salesbot

import (
	"slices"
	"strconv"
)

// SourceRow is one lead source's worth in a report's period (seed 000's
// 有效度与覆盖度): the leads it brought, how many of them are still open,
// how many of its leads reached A, and the deals it won and their value.
// Source "" is the leads with no recorded source ("Unknown").
type SourceRow struct {
	Source Source
	// New is the leads registered in the period; Open how many of those
	// are open now.
	New, Open int
	// ReachedA is the leads graded A in the period: registered at A, or
	// regraded to A.
	ReachedA int
	// Won is the deals won in the period, and WonValue their value now
	// (per currency; a deal without a value counts but adds nothing).
	Won      int
	WonValue Money
}

// Empty reports whether the source did nothing in the period.
func (r SourceRow) Empty() bool { return r.New == 0 && r.ReachedA == 0 && r.Won == 0 }

// sourceRows splits the period's registrations, grades to A and wins by
// the source of their lead, in Sources' order, with the leads of no
// recorded source last; sources that did nothing are left out. in are the
// period's changes, byID the leads as they are now (a change to a lead no
// longer known counts as Unknown).
func sourceRows(in []Change, fresh map[string]bool, byID map[string]*Lead) []SourceRow {
	rows := map[Source]*SourceRow{}
	row := func(id string) *SourceRow {
		var s Source
		if l := byID[id]; l != nil && l.Source.Valid() {
			s = l.Source
		}
		if rows[s] == nil {
			rows[s] = &SourceRow{Source: s, WonValue: Money{}}
		}
		return rows[s]
	}
	reachedA, won := map[string]bool{}, map[string]bool{}
	for id := range fresh {
		r := row(id)
		r.New++
		if l := byID[id]; l != nil && l.Open() {
			r.Open++
		}
	}
	for _, c := range in {
		switch {
		case (c.Kind == ChangeCreated || c.Kind == ChangeGrade) && Grade(c.To) == GradeA && !reachedA[c.LeadID]:
			reachedA[c.LeadID] = true
			row(c.LeadID).ReachedA++
		case c.Kind == ChangeWon && !won[c.LeadID]:
			won[c.LeadID] = true
			r := row(c.LeadID)
			r.Won++
			if l := byID[c.LeadID]; l != nil && !l.Value.IsZero() {
				r.WonValue.Add(l.Value)
			}
		}
	}
	var out []SourceRow
	for _, s := range append(slices.Clone(Sources), "") {
		if r := rows[s]; r != nil && !r.Empty() {
			out = append(out, *r)
		}
	}
	return out
}

// sourceTable is the report's by-source table for the CSV: a row per
// source and currency won in (a source that won nothing, or nothing with
// a value, has one row with no currency).
func (r Report) sourceTable() (header []string, rows [][]string) {
	header = []string{"Source", "New leads", "Of those open", "Reached A", "Won", "Currency", "Won value"}
	for _, s := range r.Sources {
		base := []string{s.Source.Label(), strconv.Itoa(s.New), strconv.Itoa(s.Open), strconv.Itoa(s.ReachedA), strconv.Itoa(s.Won)}
		curs := s.WonValue.Currencies(r.Currency)
		if len(curs) == 0 {
			rows = append(rows, append(base, "", ""))
			continue
		}
		for _, c := range curs {
			rows = append(rows, append(slices.Clone(base), string(c), s.WonValue.In(c).Decimal()))
		}
	}
	return header, rows
}

// SourceLine is one lead source's deals in a forecast's period ("" for
// the deals whose lead has no recorded source).
type SourceLine struct {
	Source Source
	Tally  Tally
}

// SourceLines orders a forecast's tallies by source as Sources lists them,
// the deals with no (or no known) source last; sources with no deal in the
// period are left out.
func SourceLines(tallies map[string]Tally) []SourceLine {
	byName := map[Source]Tally{}
	for k, t := range tallies {
		s := Source(k)
		if !s.Valid() {
			s = ""
		}
		sum, ok := byName[s]
		if !ok {
			sum = NewTally()
		}
		sum.Merge(t)
		byName[s] = sum
	}
	var lines []SourceLine
	for _, s := range append(slices.Clone(Sources), "") {
		if t, ok := byName[s]; ok {
			lines = append(lines, SourceLine{Source: s, Tally: t})
		}
	}
	return lines
}
