package salesbot

import "time"

// Standing is where a lead stands in its team's read models: the few facts
// that say which counts and lists the lead belongs to. The store keeps those
// read models in step with each lead in the same write, from the Standing
// before and after the change, so that a manager's pipeline, digest and
// overdue list are read from them without walking the team.
type Standing struct {
	Open    bool
	Grade   Grade
	Stage   Stage
	Owner   string
	Created time.Time
	Due     time.Time // the next touch (Lead.Due); zero when none is set
	Touched time.Time // the last touch, or the registration when none
	// Deal is the lead as the forecast counts it (Lead.Deal): the deal read
	// models hold an open deal by its expected close and a won one by the
	// day it was won.
	Deal Deal
}

// Standing returns where the lead stands now.
func (l *Lead) Standing() Standing {
	touched := l.LastTouch
	if touched.IsZero() {
		touched = l.CreatedAt
	}
	return Standing{
		Open:    l.Open(),
		Grade:   l.Grade,
		Stage:   l.Stage,
		Owner:   l.Owner,
		Created: l.CreatedAt,
		Due:     l.Due,
		Touched: touched,
		Deal:    l.Deal(),
	}
}

// Closing is the day an open deal is expected to close, when it has one:
// the day the forecast's read models hold it by.
func (s Standing) Closing() (Date, bool) {
	return s.Deal.CloseBy, s.Open && !s.Deal.CloseBy.IsZero()
}

// WonOn is the day a won deal was won (UTC), when known.
func (s Standing) WonOn() (Date, bool) {
	return s.Deal.CloseBy, s.Deal.Won() && !s.Deal.CloseBy.IsZero()
}

// Watched reports whether the digest watches the lead for slipping: an open
// A or B lead, whose risks and untouched days the digest repeats (a C or D
// lead's stay on its card).
func (s Standing) Watched() bool {
	return s.Open && (s.Grade == GradeA || s.Grade == GradeB)
}

// Cell is the pipeline cell an open lead counts in.
type Cell struct {
	Grade Grade
	Stage Stage
}

// Pipeline counts a team's open leads by grade and stage.
type Pipeline map[Grade]map[Stage]int

// Add counts n more leads in a cell.
func (p Pipeline) Add(c Cell, n int) {
	if n == 0 {
		return
	}
	if p[c.Grade] == nil {
		p[c.Grade] = map[Stage]int{}
	}
	p[c.Grade][c.Stage] += n
}

// Total is the number of open leads counted.
func (p Pipeline) Total() int {
	n := 0
	for _, stages := range p {
		for _, c := range stages {
			n += c
		}
	}
	return n
}

// Cells lists every cell of the pipeline, grade by grade (A first) and stage
// by stage in the order a deal moves.
func Cells() []Cell {
	cells := make([]Cell, 0, len(Grades)*len(Stages))
	for _, g := range Grades {
		for _, s := range Stages {
			cells = append(cells, Cell{Grade: g, Stage: s})
		}
	}
	return cells
}
