package salesbot

import (
	"slices"
	"strings"
	"time"
)

// The exceptions-only digest: what a manager's previous digest reported,
// and how the next one compares the risks it finds with it.

// DigestSeen is what a manager's previous digest reported, so that the
// next one says only what changed: the risks it listed or counted, as
// RiskKey, and the parked leads it named, by ID.
type DigestSeen struct {
	Risks  []string `json:"risks,omitempty"`
	Parked []string `json:"parked,omitempty"`
}

// MaxDigestSeen bounds the risks a digest remembers having reported: a
// team with more standing risks than that hears of the rest again (A
// leads' are kept first).
const MaxDigestSeen = 2000

// RiskKey names one risk of one lead in what a digest reported:
// "<lead ID>|<kind>".
func RiskKey(leadID string, k RiskKind) string { return leadID + "|" + string(k) }

// splitRiskKey reads a RiskKey.
func splitRiskKey(key string) (leadID string, k RiskKind, ok bool) {
	id, kind, ok := strings.Cut(key, "|")
	return id, RiskKind(kind), ok && id != "" && kind != ""
}

// ResolvedRisk is a risk an earlier digest reported that is gone: fixed,
// or its lead closed, parked or graded C or D.
type ResolvedRisk struct {
	Lead *Lead
	Kind RiskKind
	How  RiskGone
}

// RiskGone says how a risk went away.
type RiskGone string

// The ways a risk goes away.
const (
	ResolvedFixed    RiskGone = "fixed"    // the records no longer show it
	ResolvedClosed   RiskGone = "closed"   // the deal was won or lost
	ResolvedRegraded RiskGone = "regraded" // the lead is C or D now: its risks stay on its card
)

// Exceptions reports whether the rep has anything in the exceptions-only
// digest besides standing risks.
func (r RepDigest) Exceptions() bool {
	return len(r.NewRisks)+len(r.Resolved)+len(r.Escalations)+len(r.Slips)+len(r.Parked)+
		len(r.Upgrades)+len(r.Downgrades)+len(r.Won)+len(r.Lost)+len(r.Visits)+len(r.NewLeads) > 0
}

// Standings is how many risks reported before are still there, in all.
func (d Digest) Standings() int {
	n := 0
	for _, r := range d.Reps {
		n += r.Standing
	}
	return n
}

// seenByLead groups the risks a digest reported by lead.
func seenByLead(s DigestSeen) map[string][]RiskKind {
	m := map[string][]RiskKind{}
	for _, key := range s.Risks {
		if id, k, ok := splitRiskKey(key); ok {
			m[id] = append(m[id], k)
		}
	}
	return m
}

// keptRisk is a risk a digest reports (new or standing), to be
// remembered.
type keptRisk struct {
	key   string
	grade Grade
}

// boundSeen is what a digest remembers having reported: at most
// MaxDigestSeen risks, A leads' first, in a stable order.
func boundSeen(kept []keptRisk) []string {
	slices.SortFunc(kept, func(a, b keptRisk) int {
		if d := a.grade.Rank() - b.grade.Rank(); d != 0 {
			return d
		}
		return strings.Compare(a.key, b.key)
	})
	kept = slices.CompactFunc(kept, func(a, b keptRisk) bool { return a.key == b.key })
	out := make([]string, 0, min(len(kept), MaxDigestSeen))
	for _, k := range kept[:min(len(kept), MaxDigestSeen)] {
		out = append(out, k.key)
	}
	return out
}

// exceptionRisks are the risks of an open A or B lead the exceptions-only
// digest follows: its risks other than RiskOverdue, and its follow-up when
// it has been past due for a day (RiskOverdue, with its due date): what
// fell due overnight is the morning's reminder's, not news for a manager.
func exceptionRisks(l *Lead, now time.Time, c Cadence) []Risk {
	return withOverdue(digestRisks(l, now, c), l, now, c)
}

// withOverdue is risks (digestRisks') with the lead's follow-up, when it
// has been past due for a day.
func withOverdue(risks []Risk, l *Lead, now time.Time, c Cadence) []Risk {
	if due := l.NextDue(c); !due.IsZero() && due.Before(now.Add(-Day)) {
		risks = append(risks, newRisk(RiskOverdue, "The follow-up has been due since %s.", DateOf(due.UTC()).String()))
	}
	return risks
}

// addExceptions compares a lead's risks now with those reported before
// (was), files the new and resolved ones and the standing count under its
// owner, names it when it is a parked A or B lead not named before
// (parkedBefore), and adds what this digest reports to seen. It returns
// the risks to remember.
func (reps repDigests) addExceptions(l *Lead, risks []Risk, was []RiskKind, parkedBefore bool, in DigestInput, c Cadence, seen *DigestSeen) []keptRisk {
	watched := l.Open() && (l.Grade == GradeA || l.Grade == GradeB)
	if watched && l.Parked(in.Today) {
		// Asleep: named once, and what was reported is kept as it was.
		if !parkedBefore {
			reps.of(l.Owner).Parked = append(reps.of(l.Owner).Parked, l)
		}
		seen.Parked = append(seen.Parked, l.ID)
		kept := make([]keptRisk, len(was))
		for i, k := range was {
			kept[i] = keptRisk{RiskKey(l.ID, k), l.Grade}
		}
		return kept
	}
	var now []Risk
	if watched {
		now = withOverdue(slices.Clip(risks), l, in.Now, c)
	}
	if len(now) == 0 && len(was) == 0 {
		return nil
	}
	r := reps.of(l.Owner)
	var fresh []Risk
	var kept []keptRisk
	for _, risk := range now {
		kept = append(kept, keptRisk{RiskKey(l.ID, risk.Kind), l.Grade})
		if slices.Contains(was, risk.Kind) {
			r.Standing++
		} else if !slices.ContainsFunc(fresh, func(f Risk) bool { return f.Kind == risk.Kind }) {
			fresh = append(fresh, risk)
		}
	}
	if len(fresh) > 0 {
		r.NewRisks = append(r.NewRisks, LeadRisks{Lead: l, Risks: fresh})
	}
	how := ResolvedFixed
	switch {
	case !l.Open():
		how = ResolvedClosed
	case !watched:
		how = ResolvedRegraded
	}
	for _, k := range was {
		if !slices.ContainsFunc(now, func(risk Risk) bool { return risk.Kind == k }) {
			r.Resolved = append(r.Resolved, ResolvedRisk{Lead: l, Kind: k, How: how})
		}
	}
	return kept
}

// RiskList is what is wrong with a rep's open A and B leads now, as the
// exceptions-only digest follows it (a follow-up past due counts), A first
// then by company; parked leads are left out.
func RiskList(rep string, leads []*Lead, today Date, now time.Time, c Cadence) []LeadRisks {
	var out []LeadRisks
	for _, l := range leads {
		if l.Owner != rep || !l.Open() || (l.Grade != GradeA && l.Grade != GradeB) || l.Parked(today) {
			continue
		}
		if risks := exceptionRisks(l, now, c); len(risks) > 0 {
			out = append(out, LeadRisks{Lead: l, Risks: risks})
		}
	}
	slices.SortStableFunc(out, byGradeAndCompany)
	return out
}
