package salesbot

import "time"

// ManagerChange is a grant or a withdrawal of manager rights given from
// Slack, kept in the team's audit list: the changes that are about no lead.
type ManagerChange struct {
	At      time.Time `json:"at"`
	By      string    `json:"by"`      // who gave or withdrew the rights
	User    string    `json:"user"`    // whose rights they were
	Granted bool      `json:"granted"` // false: withdrawn
}
