package salesbot

import (
	"slices"
	"time"
)

// New risks reach the owner once: when a risk appears on an open A or B
// lead (a stakeholder turns against us, a close date passes), its owner
// hears of it in one message at their morning batch time, with the button
// fixing it, and not again while it stands. A risk that goes away is
// forgotten, so that it is told again if it comes back. A parked lead is
// not told of while it sleeps; an overdue follow-up is the reminders'.

// RiskNews is what a rep is to be told of their leads' risks, and what they
// will then have been told.
type RiskNews struct {
	Rep string
	// Day is the day the news is for (the rep's calendar day): once it
	// is settled (DigestService.MarkRisksTold), the rep is not due again
	// that day.
	Day Date
	// New are the risks not told yet, by lead, A first then by company.
	New []LeadRisks
	// Told is, by lead, the kinds the rep knows of once New is told: each
	// of the rep's leads read, with nil for one with no risk to remember
	// (closed, C or D, or fixed). A parked lead is left out: what it was
	// told stays as it was.
	Told map[string][]RiskKind
}

// NewsOfRisks compares the risks of a rep's leads now with what the rep was
// told of them (told, by lead ID).
func NewsOfRisks(rep string, leads []*Lead, told map[string][]RiskKind, today Date, now time.Time, c Cadence) RiskNews {
	n := RiskNews{Rep: rep, Told: map[string][]RiskKind{}}
	for _, l := range leads {
		if l.Owner != rep {
			continue
		}
		if l.Open() && (l.Grade == GradeA || l.Grade == GradeB) && l.Parked(today) {
			continue
		}
		risks := newsRisks(l, now, c)
		kinds := make([]RiskKind, 0, len(risks))
		var fresh []Risk
		for _, r := range risks {
			if slices.Contains(kinds, r.Kind) {
				continue
			}
			kinds = append(kinds, r.Kind)
			if !slices.Contains(told[l.ID], r.Kind) {
				fresh = append(fresh, r)
			}
		}
		if len(fresh) > 0 {
			n.New = append(n.New, LeadRisks{Lead: l, Risks: fresh})
		}
		if len(kinds) == 0 {
			kinds = nil
		}
		if len(kinds) > 0 || len(told[l.ID]) > 0 {
			n.Told[l.ID] = kinds
		}
	}
	slices.SortStableFunc(n.New, byGradeAndCompany)
	return n
}

// newsRisks are the risks of an open A or B lead its owner is told of: all
// but its follow-up being overdue, which the reminders say.
func newsRisks(l *Lead, now time.Time, c Cadence) []Risk {
	return digestRisks(l, now, c)
}

// RiskNewsDay says whether a rep's risk news is due at now (on the rep's
// clock, in now's location): on a working day that is not one of their
// days off, from their morning batch time until their working day ends.
// day is the date the news is for.
func RiskNewsDay(p NotifyPrefs, now time.Time, w WorkHours) (day Date, due bool) {
	day = DateOf(now)
	if p.Away(day) || !w.Days[now.Weekday()] || now.Hour() >= w.To {
		return day, false
	}
	return day, !now.Before(p.BatchTime(day, now.Location(), w))
}

// RiskNewsSlot is a rep whose risk news is due, and the day it is for.
type RiskNewsSlot struct {
	Rep string
	Day Date
}
