package salesbot

import (
	"context"
	"fmt"
	"time"
)

// An import (/salesbot import) happens in two steps: a dry run reads the
// file and plans what it would write (ImportPlan), which the manager sees
// and confirms; then a job (ImportJob) writes the plan's new leads in
// batches, and can be resumed from its cursor after a crash.

// ImportLead is one new lead a plan would write: the lead as it will be
// stored (its ID drawn, its owner resolved, its next touch scheduled), and
// what an exported workbook carried with it.
type ImportLead struct {
	Row     int      `json:"row"`
	Lead    Lead     `json:"lead"`
	History []Change `json:"history,omitempty"`
	Visits  []Visit  `json:"visits,omitempty"`
}

// ImportPlan is a dry run's outcome: what importing a file would write,
// kept until the manager imports it or cancels it.
type ImportPlan struct {
	ID   string    `json:"id"`
	Team string    `json:"team"`
	By   string    `json:"by"` // the manager who imports
	File string    `json:"file"`
	At   time.Time `json:"at"`
	// Rows is how many data rows the file had.
	Rows int `json:"rows"`
	// Leads are the new leads, in the file's order.
	Leads []ImportLead `json:"leads"`
	// Duplicates are the companies of rows that are leads already, as the
	// team's leads name them.
	Duplicates []string `json:"duplicates,omitempty"`
	// Errors are the rows that cannot be imported, and why.
	Errors []RowError `json:"errors,omitempty"`
	// Defaulted is how many new leads had no owner in the file and go to
	// the manager who imports.
	Defaulted int `json:"defaulted,omitempty"`
	// Channel and TS name the message that shows the plan, and then the
	// import's progress.
	Channel string `json:"channel,omitempty"`
	TS      string `json:"ts,omitempty"`
	Lang    string `json:"lang,omitempty"`
}

// ImportJob is an import under way or done: which plan it writes, how far
// it got (Cursor: the plan's leads before it are written) and what it
// wrote.
type ImportJob struct {
	Plan    string    `json:"plan"`
	Team    string    `json:"team"`
	By      string    `json:"by"`
	File    string    `json:"file"`
	Channel string    `json:"channel,omitempty"`
	TS      string    `json:"ts,omitempty"`
	Lang    string    `json:"lang,omitempty"`
	Total   int       `json:"total"`
	Cursor  int       `json:"cursor"`
	Created int       `json:"created"`
	Already int       `json:"already"`
	Failed  int       `json:"failed"`
	Errors  int       `json:"errors"` // rows the dry run refused, skipped
	Started time.Time `json:"started"`
	// Done is when the job finished; zero while it runs.
	Done time.Time `json:"done,omitzero"`
	// Interrupted is set when the job could not go on (its plan expired).
	Interrupted bool `json:"interrupted,omitempty"`
}

// Finished reports whether the job has written every lead of its plan or
// was given up.
func (j ImportJob) Finished() bool { return !j.Done.IsZero() }

// Detail is what the job did, in English, for the audit list.
func (j ImportJob) Detail() string {
	s := fmt.Sprintf("%d new, %d already there, %d rows with errors skipped", j.Created, j.Already, j.Errors)
	if j.Failed > 0 {
		s += fmt.Sprintf(", %d not written", j.Failed)
	}
	if j.Interrupted {
		s += fmt.Sprintf("; interrupted after %d of %d", j.Cursor, j.Total)
	}
	return s
}

// ImportOutcome is what writing one lead of a plan did.
type ImportOutcome int

// What writing one lead of a plan can do.
const (
	ImportCreated ImportOutcome = iota // the lead is new
	ImportAlready                      // a lead of that name was there already
	ImportFailed                       // the lead could not be written (its ID was taken)
)

// OwnerFinder finds the Slack user an imported file's owner column names:
// a mention (<@U…>), a user ID or an e-mail address. An owner who is no
// one in the workspace, a bot or a deactivated account is an EINVALID
// error that says so.
type OwnerFinder interface {
	FindOwner(ctx context.Context, ref string) (user string, err error)
}

// TransferService takes a team's leads in from a file and out into one
// (/salesbot import, /salesbot export). Both are for managers.
type TransferService interface {
	// PlanImport is the dry run: it resolves each record's owner (an empty
	// one is the manager's), finds the rows that are leads already or
	// repeat an earlier row, and keeps the plan (p, whose Team, File, At,
	// Channel, TS and Lang the caller sets) for the manager to confirm.
	// Nothing is written to the leads.
	PlanImport(ctx context.Context, a Actor, p *ImportPlan, f *ImportFile, owners OwnerFinder) error
	// CancelImport forgets a plan not started and returns it; nil when
	// there was none (it expired, or was cancelled before).
	CancelImport(ctx context.Context, a Actor, team, plan string) (*ImportPlan, error)
	// StartImport starts writing a plan, leased to token; started is false
	// when it was started before, and job is then the job as it stands.
	StartImport(ctx context.Context, a Actor, team, plan, token string, now time.Time) (p *ImportPlan, job ImportJob, started bool, err error)
	// RunImport writes the plan's leads from the job's cursor on, in
	// batches, saving the cursor after each and calling progress; on
	// the last it records the import in the audit list. Cancelling ctx
	// stops it between batches with the job saved and its lease given up,
	// to be resumed.
	RunImport(ctx context.Context, p *ImportPlan, job ImportJob, token string, progress func(ImportJob)) (ImportJob, error)
	// ResumeImports takes over the team's imports whose runner stopped
	// (their lease ran out or was given up): it leases each, and hands
	// start the run that writes it to its end (RunImport), for the caller
	// to run in the background; one whose plan expired it marks
	// interrupted at once. progress sees each step.
	ResumeImports(ctx context.Context, team, token string, progress func(ImportJob), start func(run func(context.Context) error)) error
	// Export reads everything the team holds: every lead, each one's
	// visits and history, and the audit list.
	Export(ctx context.Context, a Actor, team string, now time.Time) (Export, error)
}
