package salesbot

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Digest is what a manager reads each morning (DOMAIN.md §7): per rep, what
// happened since the last digest and what is slipping, then the team's
// pipeline.
type Digest struct {
	Since, Until time.Time
	Reps         []RepDigest // reps with something to say, by user ID
	Pipeline     Pipeline    // open leads by grade and stage
	Open         int         // open leads in all
	Pending      []*Approval // requests waiting for a manager, oldest first
	// OverdueTotal is how many follow-ups are overdue in the team, of which
	// the Reps' Overdue lists show those read (the most overdue).
	OverdueTotal int
	// Through is where the changes end on the activity's own time axis:
	// the next digest starts after it. Zero when the input was not windowed
	// by the store.
	Through time.Time
}

// OverdueShown is how many overdue follow-ups the Reps' lists hold.
func (d Digest) OverdueShown() int {
	n := 0
	for _, r := range d.Reps {
		n += len(r.Overdue)
	}
	return n
}

// DigestInput is what a digest is built from.
type DigestInput struct {
	Since, Now time.Time
	// Changes are the team's changes; those in (Since, Now] count, by the
	// time each was made, unless Windowed.
	Changes []Change
	// Windowed says Changes are exactly the period's, as the store windowed
	// them on the activity's own time axis (the order Redis wrote them in):
	// none is left out for its writer's clock.
	Windowed bool
	// Leads are the leads to report on: those the changes touched, the
	// overdue and untouched ones, and the A and B leads to check for risks
	// (the whole team, for a small one).
	Leads []*Lead
	// Pipeline counts the team's open leads by grade and stage; nil counts
	// Leads, when they are the whole team.
	Pipeline Pipeline
	// OverdueTotal is how many follow-ups are overdue in the team; 0 counts
	// those among Leads.
	OverdueTotal int
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

// BuildDigest assembles a digest from the team's changes in (Since, Now]
// and the leads given, as they are now. Each change counts for the lead's
// current owner (for a lead gone since, for whoever made the change).
func BuildDigest(in DigestInput, c Cadence) Digest {
	d := Digest{Since: in.Since, Until: in.Now, Pipeline: Pipeline{}}
	reps := repDigests{}
	reps.addChanges(in)
	for _, l := range in.Leads {
		if !l.Open() {
			continue
		}
		d.Pipeline.Add(Cell{Grade: l.Grade, Stage: l.Stage}, 1)
		reps.addSlipping(l, in.Now, c)
	}
	for _, r := range reps {
		if r.Empty() {
			continue
		}
		r.sort()
		d.Reps = append(d.Reps, *r)
	}
	slices.SortFunc(d.Reps, func(a, b RepDigest) int { return strings.Compare(a.Rep, b.Rep) })
	if in.Pipeline != nil {
		d.Pipeline = in.Pipeline
	}
	d.Open = d.Pipeline.Total()
	d.OverdueTotal = max(in.OverdueTotal, d.OverdueShown())
	return d
}

// repDigests are the reps' parts of a digest being built, by user ID.
type repDigests map[string]*RepDigest

func (reps repDigests) of(user string) *RepDigest {
	if reps[user] == nil {
		reps[user] = &RepDigest{Rep: user}
	}
	return reps[user]
}

// addChanges files the input's changes (those in (Since, Now] by their
// time, unless Windowed) under the lead's current owner (for a lead not
// among the input's leads, whoever made the change).
func (reps repDigests) addChanges(in DigestInput) {
	owner := make(map[string]string, len(in.Leads))
	for _, l := range in.Leads {
		owner[l.ID] = l.Owner
	}
	for _, ch := range in.Changes {
		if !in.Windowed && (!ch.At.After(in.Since) || ch.At.After(in.Now)) {
			continue
		}
		who, ok := owner[ch.LeadID]
		if !ok {
			who = ch.By
		}
		r := reps.of(who)
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
}

// addSlipping files what is slipping on an open lead under its owner: its
// risks (A and B only), and its follow-up when overdue, or when an A or B
// lead went untouched for longer than its cadence.
func (reps repDigests) addSlipping(l *Lead, now time.Time, c Cadence) {
	if risks := digestRisks(l, now, c); len(risks) > 0 {
		r := reps.of(l.Owner)
		r.Risks = append(r.Risks, LeadRisks{Lead: l, Risks: risks})
	}
	due := l.NextDue(c)
	switch {
	case due.Before(now):
		r := reps.of(l.Owner)
		r.Overdue = append(r.Overdue, Overdue{Lead: l, By: now.Sub(due)})
	case (l.Grade == GradeA || l.Grade == GradeB) && untouchedFor(l, now) > c[l.Grade]:
		r := reps.of(l.Owner)
		r.Untouched = append(r.Untouched, l)
	}
}

// sort puts the most overdue first, A before B, and risks A first then by
// company.
func (r *RepDigest) sort() {
	slices.SortFunc(r.Overdue, func(a, b Overdue) int { return int(b.By - a.By) })
	slices.SortFunc(r.Untouched, func(a, b *Lead) int { return a.Grade.Rank() - b.Grade.Rank() })
	slices.SortStableFunc(r.Risks, func(a, b LeadRisks) int {
		if d := a.Lead.Grade.Rank() - b.Lead.Grade.Rank(); d != 0 {
			return d
		}
		return strings.Compare(a.Lead.Company, b.Lead.Company)
	})
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

// DigestService tells managers what happened and what is slipping.
type DigestService interface {
	// Digest is a manager's digest: what happened since their last one
	// (or the last day) up to now, what is slipping now, the team's
	// pipeline and the requests waiting for a manager. It reads what the
	// period changed and the team's read models, never the whole team.
	// Only a manager has one: anyone else gets an EFORBIDDEN error.
	Digest(ctx context.Context, manager Actor, team string, now time.Time) (Digest, error)
	// MarkDigestSent records that the manager's digest went out, up to
	// through (Digest.Through: the activity's own axis, so that no change
	// falls between two digests whatever the clocks), and the next one
	// starts there.
	MarkDigestSent(ctx context.Context, team, manager string, through time.Time) error
	// Overview is the team's pipeline and who is slipping, as a manager's
	// Home shows it: a digest of nothing but what is due now. Only managers
	// see it (anyone else gets an EFORBIDDEN error, and nothing is read).
	// Overviews of one team asked for at the same time share one reading.
	Overview(ctx context.Context, a Actor, team string, now time.Time) (Digest, error)
}
