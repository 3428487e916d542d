package store

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"salesbot"
)

// How changes and visits are stored: JSON with one-letter names, times in
// Unix milliseconds, and without what the key already says (the lead a
// lead's list belongs to); in the activity stream, joined fields (see
// entryOf); in a lead's lists, packed (codec_packed.go). A lead's history
// leaves out a visit's summary, which its visits list holds. Values
// written before this encoding (full names, RFC 3339 times) still decode:
// the two sets of names do not overlap, so one struct reads either.

// storedChange is a salesbot.Change as stored.
type storedChange struct {
	Lead    string              `json:"l,omitempty"`
	Company string              `json:"c,omitempty"`
	Kind    salesbot.ChangeKind `json:"k,omitempty"`
	By      string              `json:"b,omitempty"`
	At      int64               `json:"t,omitempty"`
	From    string              `json:"f,omitempty"`
	To      string              `json:"o,omitempty"`
	Reason  string              `json:"r,omitempty"`

	// The names written before.
	OldLead    string              `json:"lead,omitempty"`
	OldCompany string              `json:"company,omitempty"`
	OldKind    salesbot.ChangeKind `json:"kind,omitempty"`
	OldBy      string              `json:"by,omitempty"`
	OldAt      time.Time           `json:"at,omitzero"`
	OldFrom    string              `json:"from,omitempty"`
	OldTo      string              `json:"to,omitempty"`
	OldReason  string              `json:"reason,omitempty"`
}

// changeIn says where a change is stored: in the lead's own history, or in
// the team's activity stream, which names the lead and its company.
type changeIn int

const (
	inHistory changeIn = iota
	inActivity
)

func encodeChange(c salesbot.Change, where changeIn) ([]byte, error) {
	s := storedChange{Kind: c.Kind, By: c.By, At: millis(c.At), From: c.From, To: c.To, Reason: c.Reason}
	if where == inActivity {
		// The company is the lead's: readers take it from the lead they
		// read anyway (withCompanies). Of a visit's summary the digest
		// shows the kind of touch only.
		s.Lead = c.LeadID
		if c.Kind == salesbot.ChangeVisit {
			s.Reason, _, _ = strings.Cut(c.Reason, ":")
		}
		if raw, ok := entryOf(s); ok {
			return raw, nil
		}
	} else if c.Kind == salesbot.ChangeVisit {
		s.Reason = "" // the visits list has it
	}
	b, err := json.Marshal(s)
	if err != nil {
		return nil, bug{fmt.Errorf("encode change: %w", err)}
	}
	return b, nil
}

// decodeChanges reads a history list's values, packed ones unpacked,
// skipping any that do not decode, each of which it passes to skip.
func decodeChanges[T string | []byte](raws []T, leadID string, skip func(error)) []salesbot.Change {
	cs := make([]salesbot.Change, 0, len(raws))
	for _, raw := range expand(raws, skip) {
		c, err := decodeChange([]byte(raw), leadID)
		if err != nil {
			skip(err)
			continue
		}
		cs = append(cs, c)
	}
	return cs
}

// An activity stream entry since issue 14 is not JSON but its fields
// joined by entrySep: kind, lead, by, time (Unix milliseconds in base 36),
// from, to and reason, the last taking the rest; about half the bytes of
// the JSON. A change whose other fields hold entrySep, or whose kind is
// empty, is stored as JSON, as before; a reader tells them apart by the
// first byte, which JSON's "{" never is in a kind.
const entrySep = "\x1f"

// entryOf is the stream entry of s, or false when s needs JSON.
func entryOf(s storedChange) ([]byte, bool) {
	if s.Kind == "" || strings.HasPrefix(string(s.Kind), "{") {
		return nil, false
	}
	fields := []string{string(s.Kind), s.Lead, s.By, "", s.From, s.To}
	if s.At != 0 {
		fields[3] = strconv.FormatInt(s.At, 36)
	}
	for _, f := range fields {
		if strings.Contains(f, entrySep) {
			return nil, false
		}
	}
	return []byte(strings.Join(append(fields, s.Reason), entrySep)), true
}

// decodeEntry reads a stream entry written by entryOf.
func decodeEntry(raw []byte) (salesbot.Change, error) {
	f := strings.SplitN(string(raw), entrySep, 7)
	if len(f) != 7 {
		return salesbot.Change{}, bug{fmt.Errorf("decode change: %d fields in %q", len(f), raw)}
	}
	c := salesbot.Change{Kind: salesbot.ChangeKind(f[0]), LeadID: f[1], By: f[2], From: f[4], To: f[5], Reason: f[6]}
	if f[3] != "" {
		ms, err := strconv.ParseInt(f[3], 36, 64)
		if err != nil {
			return salesbot.Change{}, bug{fmt.Errorf("decode change: time %q: %w", f[3], err)}
		}
		c.At = time.UnixMilli(ms).UTC()
	}
	return c, nil
}

// decodeChange reads a stored change, from a lead's history (JSON) or the
// activity stream (JSON or entryOf's); leadID fills in the lead where the
// value does not name it (a lead's history).
func decodeChange(raw []byte, leadID string) (salesbot.Change, error) {
	if len(raw) > 0 && raw[0] != '{' {
		return decodeEntry(raw)
	}
	var s storedChange
	if err := json.Unmarshal(raw, &s); err != nil {
		return salesbot.Change{}, bug{fmt.Errorf("decode change: %w", err)}
	}
	c := salesbot.Change{
		LeadID: first(s.Lead, s.OldLead, leadID), Company: first(s.Company, s.OldCompany),
		Kind: first(s.Kind, s.OldKind), By: first(s.By, s.OldBy), At: s.OldAt,
		From: first(s.From, s.OldFrom), To: first(s.To, s.OldTo), Reason: first(s.Reason, s.OldReason),
	}
	if s.At != 0 {
		c.At = time.UnixMilli(s.At).UTC()
	}
	return c, nil
}

// storedVisit is a salesbot.Visit as stored in its lead's visits list.
type storedVisit struct {
	Date     salesbot.Date      `json:"d,omitzero"`
	Kind     salesbot.VisitKind `json:"k,omitempty"`
	Notes    string             `json:"n,omitempty"`
	NextStep string             `json:"s,omitempty"`
	NextDate salesbot.Date      `json:"x,omitzero"`
	Met      []string           `json:"m,omitempty"`
	By       string             `json:"b,omitempty"`
	LoggedAt int64              `json:"t,omitempty"`

	// The names written before.
	OldLead     string             `json:"lead,omitempty"`
	OldDate     salesbot.Date      `json:"date,omitzero"`
	OldKind     salesbot.VisitKind `json:"kind,omitempty"`
	OldNotes    string             `json:"notes,omitempty"`
	OldNextStep string             `json:"next_step,omitempty"`
	OldNextDate salesbot.Date      `json:"next_date,omitzero"`
	OldMet      []string           `json:"met,omitempty"`
	OldBy       string             `json:"by,omitempty"`
	OldLoggedAt time.Time          `json:"logged_at,omitzero"`
}

func encodeVisit(v salesbot.Visit) ([]byte, error) {
	b, err := json.Marshal(storedVisit{Date: v.Date, Kind: v.Kind, Notes: v.Notes, NextStep: v.NextStep,
		NextDate: v.NextDate, Met: v.Met, By: v.By, LoggedAt: millis(v.LoggedAt)})
	if err != nil {
		return nil, bug{fmt.Errorf("encode visit: %w", err)}
	}
	return b, nil
}

// decodeVisit reads a stored visit of the lead leadID.
func decodeVisit(raw []byte, leadID string) (salesbot.Visit, error) {
	var s storedVisit
	if err := json.Unmarshal(raw, &s); err != nil {
		return salesbot.Visit{}, bug{fmt.Errorf("decode visit: %w", err)}
	}
	v := salesbot.Visit{
		LeadID: first(s.OldLead, leadID), Date: s.Date, Kind: first(s.Kind, s.OldKind),
		Notes: first(s.Notes, s.OldNotes), NextStep: first(s.NextStep, s.OldNextStep), NextDate: s.NextDate,
		Met: s.Met, By: first(s.By, s.OldBy), LoggedAt: s.OldLoggedAt,
	}
	if v.Date.IsZero() {
		v.Date = s.OldDate
	}
	if v.NextDate.IsZero() {
		v.NextDate = s.OldNextDate
	}
	if v.Met == nil {
		v.Met = s.OldMet
	}
	if s.LoggedAt != 0 {
		v.LoggedAt = time.UnixMilli(s.LoggedAt).UTC()
	}
	return v, nil
}

// decodeVisits reads a visits list's values, packed ones unpacked,
// skipping any that do not decode, each of which it passes to skip.
func decodeVisits[T string | []byte](raws []T, leadID string, skip func(error)) []salesbot.Visit {
	var vs []salesbot.Visit
	for _, raw := range expand(raws, skip) {
		v, err := decodeVisit([]byte(raw), leadID)
		if err != nil {
			skip(err)
			continue
		}
		vs = append(vs, v)
	}
	return vs
}
