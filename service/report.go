package service

import (
	"context"
	"fmt"
	"time"

	"salesbot"
)

// Report implements salesbot.ReportService.
func (s *Services) Report(ctx context.Context, team string, p salesbot.Period, now time.Time) (salesbot.Report, error) {
	in, err := s.cfg.Store.ReportData(ctx, team, p.From, now)
	if err != nil {
		return salesbot.Report{}, fmt.Errorf("report of %s: %w", team, err)
	}
	return salesbot.BuildReport(in, p), nil
}
