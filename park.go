package salesbot

import (
	"context"
	"time"
)

// Parked deals (/lead park): a lead whose stall has a known reason (budget
// frozen until the new fiscal year) is silenced until a date: no
// reminders, no staleness risks, no escalation. Any logged touch or an
// unpark ends it; on the day it wakes the follow-up is due again.

// MaxPark is how far ahead a park may reach at most.
const MaxPark = 365 * Day

// ParkWindow is how long a lead of grade g may be parked: twice its
// cadence (A 14 days, B 28, C 60, D 180 by default). A lead that can wait
// longer is not of that grade: a park beyond it is refused, asking for a
// regrade instead (or, for a D, to close it as lost).
func ParkWindow(c Cadence, g Grade) time.Duration { return 2 * cadenceOf(c, g) }

// Park silences the lead until the day until (it wakes that day), for
// reason, as asked by a on their day today. The date must be after today,
// at most a year ahead and within the grade's ParkWindow. The follow-up's
// ladder starts again once it wakes.
func (l *Lead) Park(a Actor, until Date, reason string, today Date, c Cadence, now time.Time) (Change, error) {
	if err := l.checkEdit(a); err != nil {
		return Change{}, err
	}
	if err := l.checkOpen(); err != nil {
		return Change{}, err
	}
	if !until.After(today) {
		return Change{}, Errorf(EINVALID, "%s is not after today: a park lasts until a later day, such as until %s.", until, today.AddDays(14))
	}
	if until.After(today.AddDays(int(MaxPark / Day))) {
		return Change{}, Errorf(EINVALID, "%s is more than a year ahead: a park lasts until %s at the latest.", until, today.AddDays(int(MaxPark/Day)))
	}
	window := ParkWindow(c, l.Grade)
	if until.After(today.AddDays(int(window / Day))) {
		if l.Grade == GradeD {
			return Change{}, Errorf(EINVALID, "A grade D lead can be parked for %d days at most (until %s). One that must wait longer is lost for now: close it with /lead lost, or park it for less.",
				int(window/Day), today.AddDays(int(window/Day)))
		}
		return Change{}, Errorf(EINVALID, "A grade %s lead can be parked for %d days at most (until %s). One that must wait longer is not a %s: regrade it to C or D instead (/lead grade), or park it for less.",
			l.Grade, int(window/Day), today.AddDays(int(window/Day)), l.Grade)
	}
	reason, err := cleanText("reason", reason, maxReasonLen)
	if err != nil {
		return Change{}, err
	}
	l.ParkedUntil, l.ParkReason = until, reason
	l.resetLadder()
	return l.change(a, ChangeParked, "", until.String(), reason, now), nil
}

// Unpark ends the lead's park at once: its follow-up is due again.
func (l *Lead) Unpark(a Actor, today Date, now time.Time) (Change, error) {
	if err := l.checkEdit(a); err != nil {
		return Change{}, err
	}
	if !l.Parked(today) {
		return Change{}, Errorf(EINVALID, "%s is not parked.", l.Company)
	}
	from := l.ParkedUntil.String()
	l.endPark()
	return l.change(a, ChangeUnparked, from, "", "", now), nil
}

// endPark wakes the lead (a touch, an unpark): the follow-up due now is
// reminded of afresh.
func (l *Lead) endPark() {
	if l.ParkedUntil.IsZero() {
		return
	}
	l.ParkedUntil, l.ParkReason = Date{}, ""
	l.resetLadder()
}

// resetLadder forgets the reminder of the follow-up due now and its
// ladder: it is reminded of again when due (or when the lead wakes).
func (l *Lead) resetLadder() {
	l.RemindedDue, l.RemindedAt, l.Climbed, l.ClimbAt = time.Time{}, time.Time{}, LadderReminded, time.Time{}
}

// ParkService parks and wakes leads.
type ParkService interface {
	// Park silences the lead until the day until (Lead.Park's rules),
	// as asked by a at now (their day is a.Today(now)).
	Park(ctx context.Context, a Actor, ref LeadRef, until Date, reason string, now time.Time) (*Lead, error)
	// Unpark wakes a parked lead at once.
	Unpark(ctx context.Context, a Actor, ref LeadRef, now time.Time) (*Lead, error)
}
