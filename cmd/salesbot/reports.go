package main

import (
	"context"
	"time"

	"salesbot"
	"salesbot/store"
)

// buildReport builds a team's report for a period (/salesbot report) from
// what the period registered and changed, and the team's read models.
func buildReport(ctx context.Context, st *store.Store, team string, p salesbot.Period) (salesbot.Report, error) {
	in, err := st.ReportData(ctx, team, p.From, time.Now())
	if err != nil {
		return salesbot.Report{}, err
	}
	return salesbot.BuildReport(in, p), nil
}
