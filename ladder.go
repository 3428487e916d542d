package salesbot

import "time"

// The escalation ladder of one due follow-up (SALESBOT_ESCALATION): once
// the owner was reminded of it, an un-acted follow-up nudges the owner
// once more at half the grade's delay and reaches the owner's managers at
// the delay, both counted from when the reminder went out (so that a night
// or a day off before it does not make a step fire at once), the managers'
// never sooner than half the delay after the nudge. A visit or a
// snooze moves the due time, which starts a new follow-up and so a new
// ladder; a regrade or a park stops it. The next step's time is kept on
// the lead (ClimbAt), so that the store indexes it without the config.

// String names the step as the history keeps it.
func (s LadderStep) String() string {
	switch s {
	case LadderReminded:
		return "reminded"
	case LadderNudged:
		return "nudged"
	case LadderManagers:
		return "managers"
	case LadderStopped:
		return "stopped"
	}
	return "unknown"
}

// NextAlarm says what the lead's next alarm (ReminderAt) is for: the
// reminder itself (LadderReminded) while the owner was not reminded of the
// follow-up due now, else the ladder's next step (LadderNudged, then
// LadderManagers). ok is false when there is none.
func (l *Lead) NextAlarm() (step LadderStep, ok bool) {
	if !l.Open() || l.Due.IsZero() {
		return 0, false
	}
	if !l.Due.Equal(l.RemindedDue) {
		return LadderReminded, true
	}
	if l.ClimbAt.IsZero() {
		return 0, false
	}
	switch l.Climbed {
	case LadderReminded:
		return LadderNudged, true
	case LadderNudged:
		return LadderManagers, true
	}
	return 0, false
}

// AwaitsReminder reports whether the lead's follow-up is due by now and
// its reminder has not gone out yet: the reminder is on its way, in a
// message of its own.
func (l *Lead) AwaitsReminder(now time.Time) bool {
	step, ok := l.NextAlarm()
	return ok && step == LadderReminded && !l.ReminderAt().After(now)
}

// StartLadder records that the owner was reminded, at now, of the
// follow-up due at due: the ladder starts from there, its first step (the
// nudge) at half the grade's delay. A grade without escalation does not
// climb.
func (l *Lead) StartLadder(due, now time.Time, e Escalation) {
	l.RemindedDue, l.RemindedAt, l.Climbed, l.ClimbAt = due, now, LadderReminded, time.Time{}
	if d, ok := e[l.Grade]; ok && d > 0 {
		l.ClimbAt = now.Add(d / 2)
	}
}

// Climb records the ladder's step taken at now (the nudge or the
// managers'), sets the time of the next one, and returns the history's
// entry: To names the step, From the due time (RFC 3339) it is about, By
// the owner whose follow-up it is (the bot took the step, about them).
//
// The managers' step comes at the full delay from the reminder, and never
// sooner than half the delay after the nudge went out: a nudge held back by
// a night or a weekend still leaves the owner as long to act as it would
// have. None follows the managers'. The grade's delay is read now: a grade
// whose escalation was turned off meanwhile climbs no further.
func (l *Lead) Climb(step LadderStep, now time.Time, e Escalation) Change {
	l.Climbed, l.ClimbAt = step, time.Time{}
	if d, ok := e[l.Grade]; ok && d > 0 && step == LadderNudged {
		l.ClimbAt = l.RemindedAt.Add(d)
		if after := now.Add(d / 2); after.After(l.ClimbAt) {
			l.ClimbAt = after
		}
	}
	l.UpdatedAt = now
	return Change{LeadID: l.ID, Company: l.Company, Kind: ChangeEscalated, By: l.Owner, At: now,
		From: l.RemindedDue.UTC().Format(time.RFC3339), To: step.String()}
}

// StopLadder stops the follow-up's ladder: someone acted on it without
// moving its due time (a regrade, a park).
func (l *Lead) StopLadder() {
	if l.Due.Equal(l.RemindedDue) && !l.RemindedDue.IsZero() {
		l.Climbed, l.ClimbAt = LadderStopped, time.Time{}
	}
}

// Waking is when a parked lead may wake, as a moment: the earliest start of
// ParkedUntil in any time zone (UTC+14); the reminder service then waits
// for that day to start on the owner's own clock. Zero when it is not
// parked.
func (l *Lead) Waking() time.Time {
	if l.ParkedUntil.IsZero() {
		return time.Time{}
	}
	return l.ParkedUntil.In(time.UTC).Add(-14 * time.Hour)
}
