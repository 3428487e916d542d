package service

import (
	"context"
	"fmt"
	"slices"
	"time"

	"salesbot"
)

// reviewMoveWindow is how far back a review shows what changed on a deal:
// the week since the last review.
const reviewMoveWindow = 7 * salesbot.Day

// reviewMoves bounds the changes a review shows per deal.
const reviewMoves = 10

// ReviewedReps implements salesbot.ReviewService: the owners the quarter's
// tallies count open deals for, from the read models, among the reps the
// manager leads (RepsOf; everyone for a manager who leads no one in
// particular).
func (s *Services) ReviewedReps(ctx context.Context, a salesbot.Actor, team string, quarter salesbot.SalesPeriod) ([]string, error) {
	if !a.Manager {
		return nil, salesbot.Errorf(salesbot.EFORBIDDEN, "Only managers review the reps' pipelines; you can see your own review.")
	}
	data, err := s.quarterData(ctx, team, "", quarter)
	if err != nil {
		return nil, err
	}
	reps := make([]string, 0, len(data.Tallies))
	for owner, t := range data.Tallies {
		if owner != "" && t.Open > 0 {
			reps = append(reps, owner)
		}
	}
	// A rep with a target for the quarter is reviewed even with nothing
	// closing in it: that is what the manager would raise.
	targets, err := s.cfg.Store.Targets(ctx, team, quarter)
	if err != nil {
		return nil, err
	}
	for rep, t := range targets {
		if rep != "" && !t.Amount.IsZero() && !slices.Contains(reps, rep) {
			reps = append(reps, rep)
		}
	}
	led, err := s.RepsOf(ctx, team, a.User)
	if err != nil {
		return nil, err
	}
	if led != nil {
		reps = slices.DeleteFunc(reps, func(r string) bool { return !slices.Contains(led, r) })
	}
	slices.Sort(reps)
	return reps, nil
}

// quarterData tallies a quarter for one owner (or all); no biggest deals
// and, as the slips are not wanted, only those recorded after the quarter.
func (s *Services) quarterData(ctx context.Context, team, owner string, quarter salesbot.SalesPeriod) (salesbot.ForecastData, error) {
	data, err := s.cfg.Store.ForecastData(ctx, team, salesbot.ForecastRead{
		From: quarter.First(), To: quarter.Last(), Owner: owner,
		Probability: s.cfg.Probability, Currency: s.cfg.Currency,
		SlipsSince: quarter.Next().First().In(time.UTC),
	})
	if err != nil {
		return salesbot.ForecastData{}, fmt.Errorf("tally %s: %w", quarter, err)
	}
	return data, nil
}

// Review implements salesbot.ReviewService.
func (s *Services) Review(ctx context.Context, a salesbot.Actor, team, rep string, today salesbot.Date, now time.Time) (salesbot.Review, error) {
	if !a.Manager && a.User != rep {
		return salesbot.Review{}, salesbot.Errorf(salesbot.EFORBIDDEN, "Only managers see another rep's pipeline review; you can see your own.")
	}
	if rep == "" {
		return salesbot.Review{}, salesbot.Errorf(salesbot.EINVALID, "Whose review? Name the rep.")
	}
	quarter := salesbot.QuarterOf(today)
	r := salesbot.Review{Team: team, Rep: rep, Week: salesbot.Week(today), Quarter: quarter}
	leads, total, err := s.cfg.Store.DealsClosing(ctx, team, rep, quarter.First(), quarter.Last(), salesbot.ReviewSize)
	if err != nil {
		return salesbot.Review{}, fmt.Errorf("review %s: deals: %w", rep, err)
	}
	r.Total = total
	ids := make([]string, len(leads))
	for i, l := range leads {
		ids[i] = l.ID
	}
	var moves map[string][]salesbot.Change
	if len(ids) > 0 {
		if moves, err = s.cfg.Store.Histories(ctx, team, ids, now.Add(-reviewMoveWindow), reviewMoves); err != nil {
			return salesbot.Review{}, fmt.Errorf("review %s: histories: %w", rep, err)
		}
	}
	r.Deals = make([]salesbot.ReviewDeal, len(leads))
	for i, l := range leads {
		r.Deals[i] = salesbot.ReviewDeal{Lead: l, Risks: salesbot.Risks(l, now, s.cfg.Cadence), Moves: moves[l.ID]}
	}
	data, err := s.quarterData(ctx, team, rep, quarter)
	if err != nil {
		return salesbot.Review{}, fmt.Errorf("review %s: %w", rep, err)
	}
	r.Tally = tallyOf(data, rep)
	notes, err := s.cfg.Store.ReviewNotes(ctx, team, rep, 1)
	if err != nil {
		return salesbot.Review{}, fmt.Errorf("review %s: last note: %w", rep, err)
	}
	if len(notes) > 0 {
		r.Last = &notes[0]
	}
	return r, nil
}

// Reviewed implements salesbot.ReviewService.
func (s *Services) Reviewed(ctx context.Context, a salesbot.Actor, team, rep, week, note string, now time.Time) (salesbot.ReviewNote, error) {
	n, err := salesbot.NewReviewNote(a, rep, week, note, now)
	if err != nil {
		return salesbot.ReviewNote{}, err
	}
	if err := s.cfg.Store.SaveReviewNote(ctx, team, n); err != nil {
		return salesbot.ReviewNote{}, fmt.Errorf("save review of %s for %s: %w", rep, week, err)
	}
	return n, nil
}
