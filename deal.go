package salesbot

import (
	"context"
	"time"
)

// The deal side of a lead (DOMAIN.md §7): its value, expected close and
// forecast category.

// SetValue records the deal's expected value (预计金额). A lost deal's
// value is history and stays as it was.
func (l *Lead) SetValue(a Actor, v Amount, now time.Time) (Change, error) {
	if err := l.checkEdit(a); err != nil {
		return Change{}, err
	}
	if l.Stage == StageLost {
		return Change{}, l.checkOpen()
	}
	if v.IsZero() || v.Minor <= 0 || !v.Currency.Known() {
		return Change{}, Errorf(EINVALID, "How much is the deal worth? %s", Term(amountHint))
	}
	if v == l.Value {
		return Change{}, Errorf(EINVALID, "%s is already valued at %s.", l.Company, v)
	}
	from := l.Value
	l.Value = v
	return l.change(a, ChangeValue, amountText(from), amountText(v), "", now), nil
}

// amountText is an amount as the history keeps it: "1800000.00 CNY".
func amountText(a Amount) string {
	if a.IsZero() {
		return ""
	}
	return a.Decimal() + " " + string(a.Currency)
}

// SetCloseBy records the expected close date (预计成交日期) of an open
// deal. A later date than the one set is a slip: counted on the lead and
// kept in the history like every change of the date. Slipped reports it.
func (l *Lead) SetCloseBy(a Actor, d Date, now time.Time) (c Change, slipped bool, err error) {
	if err := l.checkEdit(a); err != nil {
		return Change{}, false, err
	}
	if err := l.checkOpen(); err != nil {
		return Change{}, false, err
	}
	if d.IsZero() {
		return Change{}, false, Errorf(EINVALID, "When will it close? Write YYYY-MM-DD (2027-03-31) or YYYY-MM for a month's last day (2027-03).")
	}
	if d == l.CloseBy {
		return Change{}, false, Errorf(EINVALID, "%s is already expected to close on %s.", l.Company, d.String())
	}
	from := l.CloseBy
	slipped = !from.IsZero() && d.After(from)
	if slipped {
		l.Slips++
	}
	l.CloseBy = d
	reason := ""
	if slipped {
		reason = "slip"
	}
	return l.change(a, ChangeCloseBy, from.String(), d.String(), reason, now), slipped, nil
}

// SetCategory puts an open deal in a forecast category (the owner or a
// manager). Committing a deal clears an earlier "at risk".
func (l *Lead) SetCategory(a Actor, c Category, now time.Time) (Change, error) {
	if err := l.checkEdit(a); err != nil {
		return Change{}, err
	}
	if err := l.checkOpen(); err != nil {
		return Change{}, err
	}
	c, err := ParseCategory(string(c))
	if err != nil {
		return Change{}, err
	}
	if c == l.Category.Or() && !(c == CategoryCommit && l.AtRisk) {
		return Change{}, Errorf(EINVALID, "%s is already in %s.", l.Company, Term(c.Name()))
	}
	from := l.Category.Or()
	l.Category = c
	if c == CategoryCommit {
		l.AtRisk = false
	}
	return l.change(a, ChangeForecast, string(from), string(c), "", now), nil
}

// MarkAtRisk flags an open deal as at risk in a review: it is shown as a
// risk until it is committed again, and a committed deal drops to best
// case.
func (l *Lead) MarkAtRisk(a Actor, now time.Time) (Change, error) {
	if err := l.checkEdit(a); err != nil {
		return Change{}, err
	}
	if err := l.checkOpen(); err != nil {
		return Change{}, err
	}
	if l.AtRisk {
		return Change{}, Errorf(EINVALID, "%s is already marked at risk.", l.Company)
	}
	from := l.Category.Or()
	to := from
	if from == CategoryCommit {
		to = CategoryBest
	}
	l.Category, l.AtRisk = to, true
	return l.change(a, ChangeForecast, string(from), string(to), "at risk", now), nil
}

// Drop takes the deal out of the forecast, as the weekly review's Drop
// does, with the reason kept: closed as lost (a manager's choice), or put
// in CategoryOmit and left open.
func (l *Lead) Drop(a Actor, reason string, lost bool, now time.Time) (Change, error) {
	if lost && !a.Manager {
		return Change{}, Errorf(EFORBIDDEN, "Closing a deal as lost from the review is a manager's choice: take it out of the forecast instead.")
	}
	reason, err := cleanText("reason", reason, maxReasonLen)
	if err != nil {
		return Change{}, err
	}
	if reason == "" {
		return Change{}, Errorf(EINVALID, "Why does the deal leave the forecast? Give a short reason, such as \"budget moved to next year\" or \"chose a competitor\".")
	}
	if lost {
		return l.Lose(a, reason, now)
	}
	c, err := l.SetCategory(a, CategoryOmit, now)
	c.Reason = reason
	return c, err
}

// Probability is the deal's win probability in percent, from its stage.
func (l *Lead) Probability(p Probability) int { return p.Of(l.Stage) }

// Deal is the lead as the forecast counts it; a won deal's CloseBy is the
// day it was won (WonOn; for a deal won before WonOn was kept, ClosedAt's
// day in UTC).
func (l *Lead) Deal() Deal {
	d := Deal{ID: l.ID, Company: l.Company, Owner: l.Owner, Grade: l.Grade, Stage: l.Stage,
		Category: l.Category.Or(), Value: l.Value, CloseBy: l.CloseBy, Slips: l.Slips, AtRisk: l.AtRisk, Source: l.Source}
	switch {
	case l.Stage == StageWon && !l.WonOn.IsZero():
		d.CloseBy = l.WonOn
	case l.Stage == StageWon && !l.ClosedAt.IsZero():
		d.CloseBy = DateOf(l.ClosedAt.UTC())
	}
	return d
}

// DecisionDate is the date the grade check of DOMAIN.md §1 reads: the
// expected close when one is set, else the decision date in the schedule
// key fact. fromClose says which.
func (l *Lead) DecisionDate() (d Date, fromClose bool, ok bool) {
	if !l.CloseBy.IsZero() {
		return l.CloseBy, true, true
	}
	d, ok = l.ExpectedDecision()
	return d, false, ok
}

// ForecastQuery is which forecast to make: the period, and whose (one rep,
// or the whole team when Rep is ""; a rep may only ask for their own).
type ForecastQuery struct {
	Team   string
	Period SalesPeriod
	Rep    string
	Now    time.Time
	// BySource asks for the deals split by lead source too
	// (Forecast.Sources).
	BySource bool
}

// Target is what a manager expects a rep (or the team, Rep "") to win in
// a period.
type Target struct {
	Rep    string
	Period SalesPeriod
	Amount Amount
	By     string
	At     time.Time
}

// ForecastService answers the manager's pipeline questions (DOMAIN.md §7)
// from the read models, never reading the whole team.
type ForecastService interface {
	// Forecast makes the period's forecast: a rep may see their own, a
	// manager any rep's or the team's.
	Forecast(ctx context.Context, a Actor, q ForecastQuery) (Forecast, error)
	// SetTarget sets a rep's (or, with rep "", the team's) target for a
	// period (managers only). A rep is someone who owns or has owned
	// leads.
	SetTarget(ctx context.Context, a Actor, team string, t Target) error
}

// DealChange is what to change of a deal: each field set is written, in
// one change of the lead (the deal form sets several at once).
type DealChange struct {
	Value    *Amount
	CloseBy  *Date
	Category *Category
}

// DealSet is what a deal change gave: the lead as saved, the changes
// written, and whether the close date slipped or is already past (today is
// the actor's day).
type DealSet struct {
	Lead    *Lead
	Changes []Change
	Slipped bool
	Passed  bool
}

// DealService changes the deal side of one lead: its value, expected
// close and forecast category (the owner or a manager), and what the
// weekly review's buttons do.
type DealService interface {
	// SetDeal writes what c sets. With one field set, setting it to what it
	// is already is refused (EINVALID); with several (the form), the ones
	// that did not change are left out, and nothing changed is refused.
	// Passed compares the close date with today.
	SetDeal(ctx context.Context, a Actor, ref LeadRef, c DealChange, today Date, now time.Time) (DealSet, error)
	// MarkAtRisk flags the deal at risk (the review's "At risk").
	MarkAtRisk(ctx context.Context, a Actor, ref LeadRef, now time.Time) (*Lead, error)
	// Drop takes the deal out of the forecast with a reason: closed as
	// lost, or (lost false) put in CategoryOmit with the reason kept.
	Drop(ctx context.Context, a Actor, ref LeadRef, reason string, lost bool, now time.Time) (*Lead, error)
}

// ForecastRead is what DealStore.ForecastData reads: the deals closing
// (open) or won from From to To, both days included, of one owner or
// (Owner "") all; the Biggest largest open ones (Bigger's order, with
// Currency the team's); and the slips recorded since SlipsSince that took
// a deal out of the period (from a day in it to a day after it) and that
// it is still out of, open (at most MaxSlips of them, latest first).
type ForecastRead struct {
	From, To    Date
	Owner       string
	Probability Probability
	Currency    Currency
	Biggest     int
	SlipsSince  time.Time
	// BySource tallies by the deals' lead source ("" for none) instead of
	// by owner: ForecastData.Tallies is then keyed by source.
	BySource bool
}

// MaxSlips bounds the slips one forecast reads.
const MaxSlips = 200

// ForecastData is what the read models hold of a period: a tally per owner
// (only owners with deals in the period), the biggest open deals and the
// recent slips.
type ForecastData struct {
	Tallies map[string]Tally
	Biggest []Deal
	Slips   []Slip
	// NoCloseDate counts the open leads (of the owner, or the team's) with
	// no expected close date: no period's forecast counts them.
	NoCloseDate int
}

// DealStore keeps what the forecast, the targets and the weekly review
// read, beside the leads (DOMAIN.md §7). Every lead write keeps the deal
// read models in step: the open deals by expected close (the team's and
// each owner's), the won deals by the day they were won, each deal's
// figures, and the slips of the last weeks.
type DealStore interface {
	// ForecastData tallies a period from the read models in one script,
	// never reading a lead.
	ForecastData(ctx context.Context, team string, q ForecastRead) (ForecastData, error)
	// DealsClosing returns an owner's open deals closing from one day to
	// another (both included), soonest first, at most n of them, and how
	// many there are.
	DealsClosing(ctx context.Context, team, owner string, from, to Date, n int) ([]*Lead, int, error)
	// Targets returns the period's targets by rep ("" for the team's).
	Targets(ctx context.Context, team string, p SalesPeriod) (map[string]Target, error)
	// SetTarget sets one target, replacing the one before.
	SetTarget(ctx context.Context, team string, t Target) error
	// SaveReviewNote keeps a review note.
	SaveReviewNote(ctx context.Context, team string, n ReviewNote) error
	// ReviewNotes returns a rep's last n review notes, newest first.
	ReviewNotes(ctx context.Context, team, rep string, n int) ([]ReviewNote, error)
	// Histories returns the changes of each lead made since a time, newest
	// first, at most n per lead, in one round trip.
	Histories(ctx context.Context, team string, ids []string, since time.Time, n int) (map[string][]Change, error)
}
