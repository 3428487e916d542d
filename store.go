package salesbot

import (
	"context"
	"time"
)

// Update is what one change to a lead writes besides the lead itself: the
// history entries, and the visit when the change logged one.
type Update struct {
	Changes []Change
	Visit   *Visit
}

// LeadQuery is a company as typed, for LeadStore.FindLead.
type LeadQuery struct {
	// Names are normalised names to try in turn; the first that is a lead's
	// name wins.
	Names []string
	// Part, when not "", is tried when no name is: the leads whose
	// normalised name starts with it or, when none does, contains it.
	Part string
	// Limit bounds how many leads matching Part are returned.
	Limit int
	// Visits is how many of a single found lead's last visits come with it.
	Visits int
	// Caller, when set, is who asks: their own leads come first among the
	// leads matching Part.
	Caller string
}

// LeadMatch is what LeadStore.FindLead found.
type LeadMatch struct {
	// Name is the index in LeadQuery.Names of the name that matched, or -1.
	Name int
	// Leads holds the lead named, or the leads matching Part (by ID, at most
	// Limit of them); none when nothing matched.
	Leads []*Lead
	// Parts is how many leads matched Part in all.
	Parts int
	// Visits are the last visits of the only lead found, newest first.
	Visits []Visit
}

// LeadStore keeps a team's leads, their history and visits, and who the
// managers are. Every method is atomic: a crash never leaves a lead
// half-written. Errors carry ENOTFOUND, ECONFLICT or EUNAVAILABLE codes where
// those apply.
type LeadStore interface {
	// CreateLead saves a new lead unless the team already has one whose
	// company normalises to the same name; then it returns that lead and an
	// ECONFLICT error, and writes nothing.
	CreateLead(ctx context.Context, l *Lead, c Change) (existing *Lead, err error)
	// Lead returns one lead, or an ENOTFOUND error.
	Lead(ctx context.Context, team, id string) (*Lead, error)
	// LeadIDsByName maps each of the given normalised names that belongs to
	// a lead of the team to that lead's ID; names with no lead are left out.
	LeadIDsByName(ctx context.Context, team string, names []string) (map[string]string, error)
	// FindLead looks a lead up by name in one round trip.
	FindLead(ctx context.Context, team string, q LeadQuery) (LeadMatch, error)
	// SimilarLeads returns up to n leads whose normalised name has the
	// company's at its start or at a word inside, or is a part of it
	// (NameParts), by ID, leaving out the lead with ID except.
	SimilarLeads(ctx context.Context, team, company, except string, n int) ([]*Lead, error)
	// LeadNames returns every lead of the team as normalised name → ID.
	LeadNames(ctx context.Context, team string) (map[string]string, error)
	// UpdateLead applies fn to the current lead and saves the result with the
	// Update's history and visit, all or nothing. fn may run more than once
	// when another writer changes the lead at the same time; an error from fn
	// writes nothing and is returned as it is.
	UpdateLead(ctx context.Context, team, id string, fn func(*Lead) (Update, error)) (*Lead, error)
	// UpdateLeadFrom is UpdateLead starting from a lead this store returned
	// (read), which saves reading it again when no one changed it since.
	// fn may change read in place: use only the lead returned.
	UpdateLeadFrom(ctx context.Context, read *Lead, fn func(*Lead) (Update, error)) (*Lead, error)
	// LeadsOwnedBy returns the leads a rep owns, open and closed.
	LeadsOwnedBy(ctx context.Context, team, owner string) ([]*Lead, error)
	// AllLeads returns every lead of the team. It reads the whole team:
	// for reports and exports, never for a request's reply.
	AllLeads(ctx context.Context, team string) ([]*Lead, error)
	// Pool returns the team's lost leads, most recently lost first, at most
	// n of them.
	Pool(ctx context.Context, team string, n int) ([]*Lead, error)
	// Visits returns a lead's last n visits, newest first.
	Visits(ctx context.Context, team, leadID string, n int) ([]Visit, error)
	// History returns a lead's last n changes, newest first.
	History(ctx context.Context, team, leadID string, n int) ([]Change, error)
	// DueLeads returns the IDs of the team's open leads whose next touch is
	// due at or before until, soonest first, at most limit of them.
	DueLeads(ctx context.Context, team string, until time.Time, limit int) ([]string, error)
	// Managers returns the users granted manager rights from Slack.
	Managers(ctx context.Context, team string) ([]string, error)
	// AddManager grants a user manager rights.
	AddManager(ctx context.Context, team, user string) error
	// IsManager reports whether a user was granted manager rights from Slack.
	IsManager(ctx context.Context, team, user string) (bool, error)
	// Teams lists the Slack teams that have any data.
	Teams(ctx context.Context) ([]string, error)
	// Ping reports whether the store answers.
	Ping(ctx context.Context) error
	ReadModels
	DealStore
}

// ReadModels answers a manager's questions about the whole team from
// per-team counts and indexes kept in step with every lead, so that no
// request reads the team.
type ReadModels interface {
	// OpenLeads returns a page of the team's open leads (of one grade, or
	// all, A first): at most n from offset on, and how many there are.
	OpenLeads(ctx context.Context, team string, grade Grade, offset, n int) ([]*Lead, int, error)
	// DigestData reads what a digest of the period needs, within q's limits.
	DigestData(ctx context.Context, team string, q DigestQuery) (DigestData, error)
	// ReportData reads what a report of a period starting at from needs,
	// up to now: the changes, the leads registered or changed, the pipeline
	// and the reps with open leads.
	ReportData(ctx context.Context, team string, from, now time.Time) (ReportInput, error)
	// ReadModelsBuilt reports whether the team's read models were built:
	// every write keeps them, but a team with leads from before they
	// existed needs RebuildReadModels once.
	ReadModelsBuilt(ctx context.Context, team string) (bool, error)
	// RebuildReadModels restates where each of the team's leads stands, in
	// short steps that writers can run between.
	RebuildReadModels(ctx context.Context, team string) error
}

// DigestQuery bounds what a digest reads of a team.
type DigestQuery struct {
	Since, Now time.Time
	Cadence    Cadence
	// Overdue is how many of the most overdue follow-ups are read; Untouched
	// how many A and B leads (of each grade) untouched within their cadence;
	// PerRep how many of each rep's A and B leads, A first and soonest due
	// first, are read for risks.
	Overdue, Untouched, PerRep int
	// Mark, when set, names the team's mark that holds when the manager's
	// last digest went out; Period turns that (zero when there was none)
	// into the period's start, which then replaces Since.
	Mark   string
	Period func(last time.Time) time.Time
	// Floor, when set, is the oldest change the digest may need: no
	// activity before it is read, whatever the period turns out to be.
	Floor time.Time
	// Seen, when set, names what the manager's previous digest reported
	// (their user ID): it is read, and the leads it names with it.
	Seen string
	// Reps, when not nil, are the only reps whose leads are read for
	// risks (PerRep) and counted (DigestData.Open).
	Reps []string
}

// DigestData is what a digest is made of: the period's changes, the leads
// they touched, the overdue and untouched leads and each rep's first A and
// B leads (each lead once), and the team's pipeline.
type DigestData struct {
	Since time.Time // the period's start (DigestQuery.Period's answer)
	// Through is the period's end on the activity's own time axis (the
	// store's clock, not the caller's): every change written after it is
	// in the next period.
	Through  time.Time
	Changes  []Change
	Leads    []*Lead
	Pipeline Pipeline
	// OverdueTotal is how many follow-ups are overdue in all, of which at
	// most DigestQuery.Overdue were read.
	OverdueTotal int
	Pending      []*Approval // requests waiting for a manager
	// Seen is what the previous digest reported (DigestQuery.Seen).
	Seen DigestSeen
	// Open is how many open leads DigestQuery.Reps own, when it is set.
	Open int
}

// Input is the digest's input for the period the data was read for.
func (d DigestData) Input(q DigestQuery) DigestInput {
	return DigestInput{Since: d.Since, Now: q.Now, Changes: d.Changes, Windowed: true, Leads: d.Leads, Pipeline: d.Pipeline,
		OverdueTotal: d.OverdueTotal, Seen: d.Seen, Reps: q.Reps, Open: d.Open}
}
