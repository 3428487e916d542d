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
	// SimilarLeads returns up to n leads whose normalised name contains name
	// or is contained in it, by ID, leaving out the lead with ID except and
	// names of one character.
	SimilarLeads(ctx context.Context, team, name, except string, n int) ([]*Lead, error)
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
	// AllLeads returns every lead of the team.
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
}
