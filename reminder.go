package salesbot

import (
	"context"
	"time"
)

// ReminderClaim is a due follow-up taken by one sweeper for a while (its
// lease), so that replicas sweeping the same Redis never remind twice.
type ReminderClaim struct {
	Team     string
	LeadID   string
	Token    string // whose lease it is
	Attempts int    // failed sends so far
}

// ReminderStore is what the reminder sweep and the digest need from
// storage, besides LeadStore. Claims follow the lease pattern of job queues
// such as asynq and BullMQ: claim moves due entries aside with a lease, ack
// settles them only while the lease is held, and expired leases go back to
// be claimed again.
type ReminderStore interface {
	LeadStore
	ApprovalStore
	// ClaimDue takes up to limit follow-ups due at or before now, leasing
	// them for lease, and puts back those whose lease expired (counted in
	// recovered: each may have been sent already).
	ClaimDue(ctx context.Context, team, token string, now time.Time, lease time.Duration, limit int) (claims []ReminderClaim, recovered int, err error)
	// AckReminder settles a claim while its lease is held: fn updates the
	// lead (MarkReminded), which is saved and re-indexed in one transaction
	// with the claim's removal. held is false when the lease was lost.
	AckReminder(ctx context.Context, c ReminderClaim, fn func(*Lead) error) (held bool, err error)
	// SettleReminder is AckReminder whose fn also returns changes (a
	// ladder's step) kept in the lead's history and the team's activity
	// in the same transaction.
	SettleReminder(ctx context.Context, c ReminderClaim, fn func(*Lead) ([]Change, error)) (held bool, err error)
	// ReleaseReminder gives a claim back, to be due again at retryAt,
	// counting a failed attempt when failed is true.
	ReleaseReminder(ctx context.Context, c ReminderClaim, retryAt time.Time, failed bool) error
	// PauseSending holds the team's messages back until then, for every
	// replica; a later pause is never cut short by an earlier one.
	PauseSending(ctx context.Context, team string, until, now time.Time) error
	// SendingPausedUntil returns when sending may resume (zero if not paused).
	SendingPausedUntil(ctx context.Context, team string) (time.Time, error)
	// ClaimOnce reports whether this caller is the first to claim key (for
	// the team) within ttl: a digest per manager and local date.
	ClaimOnce(ctx context.Context, team, key string, ttl time.Duration) (bool, error)
	// ForgetOnce drops a claim made with ClaimOnce, so the work can be
	// claimed again (after it failed).
	ForgetOnce(ctx context.Context, team, key string) error
	// Activity returns the team's changes made after since and up to until,
	// oldest first.
	Activity(ctx context.Context, team string, since, until time.Time) ([]Change, error)
	// SetMark and Mark keep a named time per team (such as when a manager's
	// last digest was sent).
	SetMark(ctx context.Context, team, name string, t time.Time) error
	Mark(ctx context.Context, team, name string) (time.Time, error)
}

// ReminderMessage names a reminder message the bot sent, as the messaging
// platform names it: where it is and its ID there.
type ReminderMessage struct {
	Where, ID string
}

// FollowUps is a rep's leads, and those of them that are due.
type FollowUps struct {
	Leads []*Lead // the rep's leads, open and closed
	Due   []*Lead // open, due by the end of the rep's day, most overdue first
}

// Handled is a reminder message as it stands once one of its leads was
// handled: its leads (those still there) and, by lead ID, what was done
// about each so far. A reminder with no Leads is not to be redrawn.
type Handled struct {
	Leads []*Lead
	Notes map[string]string
}

// Reminding is what to do now about a follow-up taken to be reminded of.
type Reminding struct {
	// Send: remind the owner now of the follow-up due at Due.
	Send bool
	Due  time.Time
	// Later, when Send is false and Later is not zero: keep it until then
	// (outside the owner's working hours, or while their time zone is not
	// known). Both unset: it is not due any more (touched, snoozed or
	// closed meanwhile) and is let go, to come back at its new due time.
	Later time.Time
	// ZoneUnknown: it waits because the owner's time zone is not known.
	ZoneUnknown bool
	// Step is what is due: the reminder (LadderReminded), the owner's
	// second nudge (LadderNudged) or the managers' step (LadderManagers;
	// whether each manager may be told now is Escalating's answer).
	Step LadderStep
	// Morning: the reminder belongs to the owner's morning batch, sent
	// in one message with the rest of it.
	Morning bool
}

// ReminderService is the reps' follow-ups: what is due to whom, putting one
// off, and what a reminder says once its leads are handled.
type ReminderService interface {
	// Reminding says whether to remind l's owner of it now: only of a
	// follow-up still due, and only inside the owner's working hours on
	// their own clock; one due in their night waits for their day to
	// start. zone tells a user's time zone (false when it is not known),
	// and is asked only about a follow-up still due; with the zone unknown
	// the reminder waits a while rather than guess, which could remind
	// the owner at night.
	// prefs are the owner's choices (the morning batch, days off): see
	// NotifyPrefs.Timing. A parked lead waits for the day it wakes, on the
	// owner's clock. The ladder's steps (Reminding.Step) go inside the
	// owner's working hours; the managers' step waits while the owner is
	// on a day off.
	Reminding(l *Lead, now time.Time, zone func(user string) (*time.Location, bool), prefs NotifyPrefs) Reminding
	// Escalating says which of managers may be told of an escalation
	// now (inside their working hours on their own clock, not on a day
	// off; prefs by user, the defaults for one missing) and, when none
	// may, from when the first of them may (zero when none ever can, such
	// as when there are none).
	Escalating(managers []string, now time.Time, zone func(user string) (*time.Location, bool), prefs map[string]NotifyPrefs) (open []string, later time.Time)
	// FollowUps reads a rep's leads and says which are due: open, due
	// before the end of the rep's day (now in loc), most overdue first.
	FollowUps(ctx context.Context, team, rep string, now time.Time, loc *time.Location) (FollowUps, error)
	// Snooze puts a lead's next follow-up off until then, as by asked at
	// now, and keeps the lead's due time in step. Only its owner or a
	// manager may, and only while it is open.
	Snooze(ctx context.Context, team string, by Actor, leadID string, until, now time.Time) (*Lead, error)
	// ReminderHandled records what user did about a lead of the reminder
	// message m (note, as its reader sees it) and returns the reminder as
	// it now stands. Only the reminder the bot sent to user, and only when
	// it is about leadID, takes the note: for any other (someone else's, or
	// one the bot does not know) nothing is written and the Handled is
	// empty, so that no one rewrites another's message.
	ReminderHandled(ctx context.Context, team, user string, m ReminderMessage, leadID, note string) (Handled, error)
}
