package service

import (
	"context"
	"fmt"
	"slices"
	"time"

	"salesbot"
)

// forecastBiggest is how many of the biggest deals a forecast lists.
const forecastBiggest = 5

// forecastSlipWindow is how far back a forecast looks for deals that
// slipped out of its period.
const forecastSlipWindow = 7 * salesbot.Day

// Forecast implements salesbot.ForecastService. It reads the period's
// tallies and the targets from the read models: nothing here walks the
// team's leads.
func (s *Services) Forecast(ctx context.Context, a salesbot.Actor, q salesbot.ForecastQuery) (salesbot.Forecast, error) {
	if q.Period.IsZero() {
		return salesbot.Forecast{}, salesbot.Errorf(salesbot.EINVALID, "Which period? Name it as month, quarter, next-month, next-quarter, YYYY-MM (2026-12) or YYYY-Qn (2026-Q4).")
	}
	if !a.Manager && q.Rep != a.User {
		return salesbot.Forecast{}, salesbot.Errorf(salesbot.EFORBIDDEN, "Only managers see other reps' forecasts and the team's; you can see your own forecast.")
	}
	data, err := s.cfg.Store.ForecastData(ctx, q.Team, salesbot.ForecastRead{
		From: q.Period.First(), To: q.Period.Last(), Owner: q.Rep,
		Probability: s.cfg.Probability, Currency: s.cfg.Currency,
		Biggest: forecastBiggest, SlipsSince: q.Now.Add(-forecastSlipWindow),
	})
	if err != nil {
		return salesbot.Forecast{}, fmt.Errorf("forecast %s: %w", q.Period, err)
	}
	targets, err := s.cfg.Store.Targets(ctx, q.Team, q.Period)
	if err != nil {
		return salesbot.Forecast{}, fmt.Errorf("targets of %s: %w", q.Period, err)
	}
	f := salesbot.Forecast{Period: q.Period, Currency: s.cfg.Currency, Biggest: data.Biggest, Rep: q.Rep, NoCloseDate: data.NoCloseDate}
	slips := data.Slips
	if q.Rep != "" {
		line := salesbot.Line{Owner: q.Rep, Tally: tallyOf(data, q.Rep), Target: targets[q.Rep].Amount}
		f.Reps, f.Team = []salesbot.Line{line}, line
		slips = slices.DeleteFunc(slices.Clone(slips), func(sl salesbot.Slip) bool { return sl.Owner != q.Rep })
	} else {
		owners := make([]string, 0, len(data.Tallies)+len(targets))
		for o := range data.Tallies {
			owners = append(owners, o)
		}
		for rep, t := range targets {
			if rep != "" && !t.Amount.IsZero() {
				owners = append(owners, rep)
			}
		}
		slices.Sort(owners)
		owners = slices.Compact(owners)
		team := salesbot.NewTally()
		for _, o := range owners {
			t := tallyOf(data, o)
			team.Merge(t)
			f.Reps = append(f.Reps, salesbot.Line{Owner: o, Tally: t, Target: targets[o].Amount})
		}
		f.Team = salesbot.Line{Tally: team, Target: targets[""].Amount}
	}
	f.Slipped = salesbot.SlippedOut(q.Period, slips)
	if q.BySource {
		if f.Sources, err = s.forecastBySource(ctx, q); err != nil {
			return salesbot.Forecast{}, err
		}
	}
	return f, nil
}

// forecastBySource tallies the same deals by their lead's source: one more
// pass of the forecast script over the period's deals, keyed by source.
func (s *Services) forecastBySource(ctx context.Context, q salesbot.ForecastQuery) ([]salesbot.SourceLine, error) {
	data, err := s.cfg.Store.ForecastData(ctx, q.Team, salesbot.ForecastRead{
		From: q.Period.First(), To: q.Period.Last(), Owner: q.Rep,
		Probability: s.cfg.Probability, Currency: s.cfg.Currency, BySource: true,
	})
	if err != nil {
		return nil, fmt.Errorf("forecast %s by source: %w", q.Period, err)
	}
	return salesbot.SourceLines(data.Tallies), nil
}

// tallyOf is the owner's tally of the period, empty (never nil maps) when
// they have no deals in it.
func tallyOf(data salesbot.ForecastData, owner string) salesbot.Tally {
	t := salesbot.NewTally()
	if got, ok := data.Tallies[owner]; ok {
		t.Merge(got)
	}
	return t
}

// SetTarget implements salesbot.ForecastService. The target is recorded as
// set by the actor at t.At (the caller's now; the clock when not given).
func (s *Services) SetTarget(ctx context.Context, a salesbot.Actor, team string, t salesbot.Target) error {
	if !a.Manager {
		return salesbot.Errorf(salesbot.EFORBIDDEN, "Only a manager sets targets; ask your manager to set this one.")
	}
	if t.Period.IsZero() {
		return salesbot.Errorf(salesbot.EINVALID, "Which period is the target for? Write YYYY-MM (2026-12) for a month or YYYY-Qn (2026-Q4) for a quarter.")
	}
	if t.Amount.Minor <= 0 || !t.Amount.Currency.Known() {
		return salesbot.Errorf(salesbot.EINVALID, "A target is an amount above zero, such as 500k, 180万 or 2M USD.")
	}
	t.By = a.User
	if t.At.IsZero() {
		t.At = time.Now()
	}
	if err := s.cfg.Store.SetTarget(ctx, team, t); err != nil {
		return fmt.Errorf("set target of %q for %s: %w", t.Rep, t.Period, err)
	}
	return nil
}
