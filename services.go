package salesbot

import (
	"context"
	"time"
)

// The workflows of the method, one interface each. Package service
// implements them once over the store; the Slack handlers, the scheduler's
// cron jobs and the console are thin callers that parse, call one service
// and render. A rule such as who may do what, what a change implies or what
// is due lives behind these interfaces, never in a caller.

// DigestService tells managers what happened and what is slipping.
type DigestService interface {
	// Digest is a manager's digest: what happened since their last one
	// (or the last day) up to now, what is slipping now, the team's
	// pipeline and the requests waiting for a manager. It reads what the
	// period changed and the team's read models, never the whole team.
	Digest(ctx context.Context, team, manager string, now time.Time) (Digest, error)
	// MarkDigestSent records that the manager's digest up to now went out,
	// so that the next one starts there.
	MarkDigestSent(ctx context.Context, team, manager string, now time.Time) error
	// Overview is the team's pipeline and who is slipping, as a manager's
	// Home shows it: a digest of nothing but what is due now. Overviews of
	// one team asked for at the same time share one reading.
	Overview(ctx context.Context, team string, now time.Time) (Digest, error)
}

// ReportService reports on a period.
type ReportService interface {
	// Report is the team's report of the period, built from what the
	// period registered and changed and the team's read models.
	Report(ctx context.Context, team string, p Period, now time.Time) (Report, error)
}
