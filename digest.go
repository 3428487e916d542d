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
	// Seen is what this digest reports (its risks, new and standing, and
	// the parked leads it named or named before and still parked): kept
	// when it is sent, it is the next digest's DigestInput.Seen.
	Seen DigestSeen
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
	// Seen is what the manager's previous digest reported; Leads must
	// hold the leads it names (those still there), so that a risk gone
	// is told as resolved.
	Seen DigestSeen
	// Reps, when not nil, are the reps the manager leads (TeamService.RepsOf):
	// only their leads and changes count. nil: the whole team.
	Reps []string
	// Today is the manager's calendar day, which says whether a lead is
	// parked; zero: Now's day in UTC.
	Today Date
	// Open is how many open leads Reps own, when Reps is set (the team's
	// pipeline is then not theirs); 0 counts those among Leads.
	Open int
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

	// What changed since the manager's previous digest (the
	// exceptions-only digest): the risks that appeared on open A and B
	// leads (a follow-up past due counts as one), A first; those reported
	// before that are gone; how many reported before are still there;
	// the escalation steps taken, the close dates pushed later, and the A
	// and B leads parked that no digest named yet.
	NewRisks    []LeadRisks
	Resolved    []ResolvedRisk
	Standing    int
	Escalations []Change
	Slips       []Change
	Parked      []*Lead
	// Visits and NewLeads are listed by company in one line each, and
	// StageMoves counted, in the exceptions-only digest.
}

// Counts are the period's visits, new leads and stage moves, in all: the
// exceptions-only digest counts them.
func (d Digest) Counts() (visits, newLeads, stageMoves int) {
	for _, r := range d.Reps {
		visits, newLeads, stageMoves = visits+len(r.Visits), newLeads+len(r.NewLeads), stageMoves+len(r.StageMoves)
	}
	return visits, newLeads, stageMoves
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

// Quiet reports whether nothing changed since the previous digest: no risk
// appeared or went, no escalation, slip, grade change, win, loss or newly
// parked lead, and no request waits for a manager. Visits, new leads and
// stage moves are counted, not exceptions; standing risks were reported
// before.
func (d Digest) Quiet() bool {
	if len(d.Pending) > 0 {
		return false
	}
	for _, r := range d.Reps {
		if r.Exceptions() {
			return false
		}
	}
	return true
}

// Calm reports whether the digest has nothing at all to show: nothing
// happened in the period, nothing is slipping, nothing waits.
func (d Digest) Calm() bool { return len(d.Reps) == 0 && len(d.Pending) == 0 }

// BuildDigest assembles a digest from the team's changes in (Since, Now]
// and the leads given, as they are now. Each change counts for the lead's
// current owner (for a lead gone since, for whoever made the change).
//
// It also compares the risks of the open A and B leads with what the
// manager's previous digest reported (in.Seen): new, resolved, standing;
// and names the parked A and B leads no digest named yet. A parked lead's
// risks are neither new nor resolved while it sleeps: they are kept as
// they were reported. With in.Reps set, only those reps' leads count.
func BuildDigest(in DigestInput, c Cadence) Digest {
	in = in.forReps()
	if in.Today.IsZero() {
		in.Today = DateOf(in.Now.UTC())
	}
	d := Digest{Since: in.Since, Until: in.Now, Pipeline: Pipeline{}}
	reps := repDigests{}
	reps.addChanges(in)
	seen := seenByLead(in.Seen)
	parkedBefore := make(map[string]bool, len(in.Seen.Parked))
	for _, id := range in.Seen.Parked {
		parkedBefore[id] = true
	}
	var kept []keptRisk
	for _, l := range in.Leads {
		// An open A or B lead's risks, worked out once for both parts.
		var risks []Risk
		if l.Open() && !l.Parked(in.Today) {
			risks = digestRisks(l, in.Now, c)
		}
		kept = append(kept, reps.addExceptions(l, risks, seen[l.ID], parkedBefore[l.ID], in, c, &d.Seen)...)
		if !l.Open() {
			continue
		}
		d.Pipeline.Add(Cell{Grade: l.Grade, Stage: l.Stage}, 1)
		if !l.Parked(in.Today) {
			reps.addSlipping(l, risks, in.Now, c)
		}
	}
	d.Seen.Risks = boundSeen(kept)
	for _, r := range reps {
		if r.Empty() && !r.Exceptions() && r.Standing == 0 {
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
	if in.Reps != nil && in.Open > 0 {
		d.Open = in.Open
	}
	d.OverdueTotal = max(in.OverdueTotal, d.OverdueShown())
	return d
}

// forReps keeps, when Reps is set, only those reps' leads and the changes
// of their leads (of a lead not among Leads, those they made).
func (in DigestInput) forReps() DigestInput {
	if in.Reps == nil {
		return in
	}
	mine := make(map[string]bool, len(in.Reps))
	for _, r := range in.Reps {
		mine[r] = true
	}
	owner := make(map[string]string, len(in.Leads))
	leads := make([]*Lead, 0, len(in.Leads))
	for _, l := range in.Leads {
		owner[l.ID] = l.Owner
		if mine[l.Owner] {
			leads = append(leads, l)
		}
	}
	changes := make([]Change, 0, len(in.Changes))
	for _, ch := range in.Changes {
		who, ok := owner[ch.LeadID]
		if !ok {
			who = ch.By
		}
		if mine[who] {
			changes = append(changes, ch)
		}
	}
	in.Leads, in.Changes = leads, changes
	if in.Pipeline != nil {
		// The team's counts are not this manager's: count their leads.
		in.Pipeline, in.OverdueTotal = nil, 0
	}
	return in
}

// ApprovalsFor keeps the requests about the reps' work (asked by one of
// them, or for a lead one of them owns); reps nil keeps them all.
func ApprovalsFor(pending []*Approval, reps []string) []*Approval {
	if reps == nil {
		return pending
	}
	var out []*Approval
	for _, a := range pending {
		if slices.Contains(reps, a.Rep) || slices.Contains(reps, a.Owner) {
			out = append(out, a)
		}
	}
	return out
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
		case ChangeEscalated:
			r.Escalations = append(r.Escalations, ch)
		case ChangeCloseBy:
			if ch.Reason == "slip" {
				r.Slips = append(r.Slips, ch)
			}
		}
	}
}

// addSlipping files what is slipping on an open lead under its owner: its
// risks (A and B only), and its follow-up when overdue, or when an A or B
// lead went untouched for longer than its cadence.
func (reps repDigests) addSlipping(l *Lead, risks []Risk, now time.Time, c Cadence) {
	if len(risks) > 0 {
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
	slices.SortStableFunc(r.Risks, byGradeAndCompany)
	slices.SortStableFunc(r.NewRisks, byGradeAndCompany)
	slices.SortStableFunc(r.Resolved, func(a, b ResolvedRisk) int { return leadOrder(a.Lead, b.Lead) })
	slices.SortStableFunc(r.Parked, leadOrder)
}

// leadOrder puts A leads first, then B …, and leads of one grade by
// company: the order risks are listed in.
func leadOrder(a, b *Lead) int {
	if d := a.Grade.Rank() - b.Grade.Rank(); d != 0 {
		return d
	}
	return strings.Compare(a.Company, b.Company)
}

// byGradeAndCompany orders leads with their risks as leadOrder does.
func byGradeAndCompany(a, b LeadRisks) int { return leadOrder(a.Lead, b.Lead) }

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
	// MarkDigestSent records that the manager's digest d went out, up to
	// d.Through (the activity's own axis, so that no change falls between
	// two digests whatever the clocks; d.Until when it is zero), and the
	// next one starts there.
	// It also keeps what d reported (d.Seen), which the manager's next
	// digest compares with: both in one write.
	MarkDigestSent(ctx context.Context, team, manager string, d Digest) error
	// RepRisks lists the risks of one rep's open A and B leads as they
	// are now, A first (a digest's Show all): for a manager who leads the
	// rep or sees everyone only (anyone else gets EFORBIDDEN).
	RepRisks(ctx context.Context, manager Actor, team, rep string, now time.Time) ([]LeadRisks, error)
	// RiskNewsDue lists the reps (those with open leads) whose risk news
	// is due at now on their own clock (RiskNewsDay); zone tells a rep's
	// time zone, and a rep whose zone is not known waits.
	RiskNewsDue(ctx context.Context, team string, zone func(user string) (*time.Location, bool), now time.Time) ([]RiskNewsSlot, error)
	// RiskNews reads one rep's leads and what they were told of their
	// risks, and says what is new (NewsOfRisks), on day.
	RiskNews(ctx context.Context, team, rep string, day Date, now time.Time) (RiskNews, error)
	// MarkRisksTold records that the rep was told n.New (n.Told).
	MarkRisksTold(ctx context.Context, team string, n RiskNews) error
	// Overview is the team's pipeline and who is slipping, as a manager's
	// Home shows it: a digest of nothing but what is due now. Only managers
	// see it (anyone else gets an EFORBIDDEN error, and nothing is read).
	// Overviews of one team asked for at the same time share one reading.
	Overview(ctx context.Context, a Actor, team string, now time.Time) (Digest, error)
}
