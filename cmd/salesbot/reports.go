package main

import (
	"context"
	"time"

	"salesbot"
	"salesbot/store"
)

// buildReport builds a team's report for a period (/salesbot report) from
// its leads as they are now and the changes made in the period.
func buildReport(ctx context.Context, st *store.Store, team string, p salesbot.Period) (salesbot.Report, error) {
	leads, err := st.AllLeads(ctx, team)
	if err != nil {
		return salesbot.Report{}, err
	}
	// Activity leaves out changes made at since itself; a period includes
	// its first instant.
	changes, err := st.Activity(ctx, team, p.From.Add(-time.Nanosecond), time.Now()) // later grade changes tell each touch its grade at the time
	if err != nil {
		return salesbot.Report{}, err
	}
	return salesbot.BuildReport(leads, changes, p), nil
}
