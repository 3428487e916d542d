package salesbot

import (
	"context"
	"fmt"
	"time"
)

// The weekly pipeline review (seed 004 每周例会, DOMAIN.md §7): a manager
// walks each rep's deals closing this quarter.

// ReviewSize bounds how many of a rep's deals one review shows (what fits
// one Slack message with a row of buttons per deal).
const ReviewSize = 15

// Week names the ISO week day d is in: 2026-W49.
func Week(d Date) string {
	y, w := d.In(time.UTC).ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

// ReviewDeal is one deal of a review: the lead, its risks now, and what
// changed on it since the last week.
type ReviewDeal struct {
	Lead  *Lead
	Risks []Risk
	Moves []Change // newest first
}

// Review is one rep's weekly review: their open deals closing in the
// quarter, soonest first (at most ReviewSize of Total), what they add up
// to, and the last review's note.
type Review struct {
	Team    string
	Rep     string
	Week    string
	Quarter SalesPeriod
	Deals   []ReviewDeal
	Total   int
	Tally   Tally
	Last    *ReviewNote
}

// ReviewNote records that a manager reviewed a rep's deals for a week,
// with the coaching note the rep received.
type ReviewNote struct {
	Rep  string    `json:"rep"`
	Week string    `json:"week"`
	By   string    `json:"by"`
	Note string    `json:"note"`
	At   time.Time `json:"at"`
}

// MaxNoteLen bounds a coaching note.
const MaxNoteLen = 2000

// NewReviewNote checks a coaching note from a manager (only managers
// review; the note may be empty).
func NewReviewNote(a Actor, rep, week, note string, now time.Time) (ReviewNote, error) {
	if !a.Manager {
		return ReviewNote{}, Errorf(EFORBIDDEN, "Only managers review a rep's pipeline.")
	}
	if rep == "" || week == "" {
		return ReviewNote{}, Errorf(EINVALID, "Whose review is it? Start it again from the review message.")
	}
	note, err := cleanText("note", note, MaxNoteLen)
	if err != nil {
		return ReviewNote{}, err
	}
	return ReviewNote{Rep: rep, Week: week, By: a.User, Note: note, At: now}, nil
}

// ReviewService makes the weekly reviews and keeps their notes.
type ReviewService interface {
	// ReviewedReps lists the reps with open deals closing in the quarter,
	// or a target for it (managers only), for the weekly review.
	ReviewedReps(ctx context.Context, a Actor, team string, quarter SalesPeriod) ([]string, error)
	// Review makes a rep's review for the week today is in: for a manager,
	// or for the rep themself.
	Review(ctx context.Context, a Actor, team, rep string, today Date, now time.Time) (Review, error)
	// Reviewed keeps a manager's review of a rep's week with its coaching
	// note; the rep is to be told.
	Reviewed(ctx context.Context, a Actor, team, rep, week, note string, now time.Time) (ReviewNote, error)
}
