package service

import (
	"context"
	"fmt"
	"time"

	"salesbot"
)

// Every close date a deal may have: the report's open value counts the
// open deals closing any day.
var (
	firstDay = salesbot.Date{Year: 1, Month: time.January, Day: 1}
	lastDay  = salesbot.Date{Year: 9999, Month: time.December, Day: 31}
)

// Report implements salesbot.ReportService. The open value by stage comes
// from the deal read models (one script, never reading a lead): the
// report's own leads are only those the period registered or changed, not
// the team's pipeline.
func (s *Services) Report(ctx context.Context, team string, p salesbot.Period, now time.Time) (salesbot.Report, error) {
	in, err := s.cfg.Store.ReportData(ctx, team, p.From, now)
	if err != nil {
		return salesbot.Report{}, fmt.Errorf("report of %s: %w", team, err)
	}
	data, err := s.cfg.Store.ForecastData(ctx, team, salesbot.ForecastRead{
		From: firstDay, To: lastDay, Probability: s.cfg.Probability, Currency: s.cfg.Currency,
		SlipsSince: now, // no slips: the report does not list them
	})
	if err != nil {
		return salesbot.Report{}, fmt.Errorf("report of %s: open value: %w", team, err)
	}
	deals := salesbot.NewTally()
	for _, t := range data.Tallies {
		deals.Merge(t)
	}
	in.Deals, in.Probability, in.Currency = &deals, s.cfg.Probability, s.cfg.Currency
	return salesbot.BuildReport(in, p), nil
}
