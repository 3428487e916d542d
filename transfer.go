package salesbot

import "time"

// Leads in and out of the bot (/salesbot import, /salesbot export, removal
// of data): the shapes the file formats, the store and the Slack side agree
// on.

// ImportRecord is one lead read from a file a manager imports: the row it
// came from, the lead as the file gives it and, from a workbook the bot
// exported, its visits and history.
type ImportRecord struct {
	// Row is the row's number in its sheet as a spreadsheet shows it (the
	// header is row 1).
	Row int
	// Lead is the lead as the file writes it (Company, Grade, Stage, Value,
	// CloseBy, Source, LastTouch, NextStep, Profile, Stakeholders …). Its
	// Owner is not set: OwnerRef says who it is. A row with no grade has
	// the grade /lead new gives (C), one with no stage the first stage.
	Lead Lead
	// OwnerRef is the owner as the file writes it: a Slack mention, a user
	// ID or an e-mail address; "" when the column is empty or missing.
	OwnerRef string
	// Notes is the row's notes column.
	Notes string
	// Visits and History come from an exported workbook's Visits and
	// History sheets, oldest first.
	Visits  []Visit
	History []Change
}

// RowError is what is wrong with one row (or one cell) of an imported file,
// and how to write it right.
type RowError struct {
	Sheet   string // "" for a CSV file
	Row     int    // as a spreadsheet numbers it; 0 for the whole file
	Column  string // the column's header as the file writes it; "" for the row
	Message string // what is wrong and how to fix it
	// Format and Args are what Message was made of (as in Error), so
	// that the reader's language can word it: i18n.T(lang, Format, Args...).
	Format string
	Args   []any
}

// ImportFile is what a file to import holds: the leads it names, the rows
// that could not be read, and how many data rows there were.
type ImportFile struct {
	Records []ImportRecord
	Errors  []RowError
	Rows    int
}

// Export is everything a team takes out of the bot: its leads with their
// stakeholders, each lead's visits and history (oldest first, by lead ID),
// and the team's audit list (newest first).
type Export struct {
	Team    string
	At      time.Time
	Leads   []*Lead
	Visits  map[string][]Visit
	History map[string][]Change
	Audit   []AuditEntry
}

// AuditEntry is one entry of a team's audit list: a change that is about no
// lead, or about one that is gone (manager rights, teams of managers, leads
// deleted, imports).
type AuditEntry struct {
	Kind    string    `json:"kind"`
	At      time.Time `json:"at"`
	By      string    `json:"by"`
	LeadID  string    `json:"lead,omitempty"`
	Company string    `json:"company,omitempty"`
	// Subject is whom or what the change is about (a user, a file);
	// Detail says what it did, in English.
	Subject string `json:"subject,omitempty"`
	Detail  string `json:"detail,omitempty"`
}

// Audit kinds of entries that are no ManagerChange or TeamChange.
const (
	AuditManager     = "manager"      // a grant or withdrawal of manager rights (ManagerChange)
	AuditTeam        = TeamChangeKind // a change of a manager's team (TeamChange)
	AuditLeadDeleted = "lead-deleted" // a lead removed with /lead delete
	AuditImport      = "import"       // a file imported with /salesbot import
)
