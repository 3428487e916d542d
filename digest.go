package salesbot

import (
	"slices"
	"strings"
	"time"
)

// Digest is what a manager reads each morning (DOMAIN.md §7): per rep, what
// happened since the last digest and what is slipping, then the team's
// pipeline.
type Digest struct {
	Since, Until time.Time
	Reps         []RepDigest             // reps with something to say, by user ID
	Pipeline     map[Grade]map[Stage]int // open leads by grade and stage
	Open         int                     // open leads in all
	Pending      []*Approval             // requests waiting for a manager, oldest first
}

// RepDigest is one rep's part of a digest.
type RepDigest struct {
	Rep        string
	Visits     []Change // touches logged
	NewLeads   []Change // leads registered
	Upgrades   []Change // grade changes towards A
	Downgrades []Change // grade changes towards D
	StageMoves []Change
	Won, Lost  []Change
	Overdue    []Overdue   // follow-ups past due, most overdue first
	Untouched  []*Lead     // A and B leads not touched within their cadence, not yet overdue
	Risks      []LeadRisks // open A and B leads with risks other than being overdue, A first
}

// LeadRisks is a lead with what is wrong with it.
type LeadRisks struct {
	Lead  *Lead
	Risks []Risk
}

// Overdue is a follow-up past its due time.
type Overdue struct {
	Lead *Lead
	By   time.Duration
}

// Days is how many whole days the follow-up is overdue.
func (o Overdue) Days() int { return int(o.By / Day) }

// Empty reports whether the rep has nothing to report.
func (r RepDigest) Empty() bool {
	return len(r.Visits)+len(r.NewLeads)+len(r.Upgrades)+len(r.Downgrades)+len(r.StageMoves)+
		len(r.Won)+len(r.Lost)+len(r.Overdue)+len(r.Untouched)+len(r.Risks) == 0
}

// Quiet reports whether nothing happened, nothing is slipping and nothing
// waits for a manager.
func (d Digest) Quiet() bool { return len(d.Reps) == 0 && len(d.Pending) == 0 }

// BuildDigest assembles a digest from the team's changes in (since, now] and
// its leads as they are now. Each change counts for the lead's current owner
// (for a lead gone since, for whoever made the change).
func BuildDigest(changes []Change, leads []*Lead, since, now time.Time, c Cadence) Digest {
	d := Digest{Since: since, Until: now, Pipeline: map[Grade]map[Stage]int{}}
	owner := make(map[string]string, len(leads))
	for _, l := range leads {
		owner[l.ID] = l.Owner
	}
	reps := map[string]*RepDigest{}
	rep := func(user string) *RepDigest {
		if reps[user] == nil {
			reps[user] = &RepDigest{Rep: user}
		}
		return reps[user]
	}
	for _, ch := range changes {
		if !ch.At.After(since) || ch.At.After(now) {
			continue
		}
		who, ok := owner[ch.LeadID]
		if !ok {
			who = ch.By
		}
		r := rep(who)
		switch ch.Kind {
		case ChangeVisit:
			r.Visits = append(r.Visits, ch)
		case ChangeCreated:
			r.NewLeads = append(r.NewLeads, ch)
		case ChangeGrade:
			if Grade(ch.To).Rank() < Grade(ch.From).Rank() {
				r.Upgrades = append(r.Upgrades, ch)
			} else {
				r.Downgrades = append(r.Downgrades, ch)
			}
		case ChangeStage:
			r.StageMoves = append(r.StageMoves, ch)
		case ChangeWon:
			r.Won = append(r.Won, ch)
		case ChangeLost:
			r.Lost = append(r.Lost, ch)
		}
	}
	for _, l := range leads {
		if !l.Open() {
			continue
		}
		d.Open++
		if d.Pipeline[l.Grade] == nil {
			d.Pipeline[l.Grade] = map[Stage]int{}
		}
		d.Pipeline[l.Grade][l.Stage]++
		if risks := digestRisks(l, now, c); len(risks) > 0 {
			r := rep(l.Owner)
			r.Risks = append(r.Risks, LeadRisks{Lead: l, Risks: risks})
		}
		due := l.NextDue(c)
		switch {
		case due.Before(now):
			r := rep(l.Owner)
			r.Overdue = append(r.Overdue, Overdue{Lead: l, By: now.Sub(due)})
		case (l.Grade == GradeA || l.Grade == GradeB) && untouchedFor(l, now) > c[l.Grade]:
			r := rep(l.Owner)
			r.Untouched = append(r.Untouched, l)
		}
	}
	for _, r := range reps {
		if r.Empty() {
			continue
		}
		slices.SortFunc(r.Overdue, func(a, b Overdue) int { return int(b.By - a.By) })
		slices.SortFunc(r.Untouched, func(a, b *Lead) int { return a.Grade.Rank() - b.Grade.Rank() })
		slices.SortStableFunc(r.Risks, func(a, b LeadRisks) int {
			if d := a.Lead.Grade.Rank() - b.Lead.Grade.Rank(); d != 0 {
				return d
			}
			return strings.Compare(a.Lead.Company, b.Lead.Company)
		})
		d.Reps = append(d.Reps, *r)
	}
	slices.SortFunc(d.Reps, func(a, b RepDigest) int { return strings.Compare(a.Rep, b.Rep) })
	return d
}

// digestRisks are the risks of an open lead a digest repeats: only an A or B
// lead's (a C or D lead's stay on its card), and not that it is overdue (the
// digest's Overdue list says so).
func digestRisks(l *Lead, now time.Time, c Cadence) []Risk {
	if l.Grade != GradeA && l.Grade != GradeB {
		return nil
	}
	return slices.DeleteFunc(Risks(l, now, c), func(r Risk) bool { return r.Kind == RiskOverdue })
}

// untouchedFor is how long ago the lead was last touched (or registered).
func untouchedFor(l *Lead, now time.Time) time.Duration {
	last := l.LastTouch
	if last.IsZero() {
		last = l.CreatedAt
	}
	return now.Sub(last)
}
