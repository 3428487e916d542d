package store

import (
	"encoding/json"
	"fmt"
	"time"

	"salesbot"
)

// The lead as stored up to version 3 (compact JSON; version 4 is binary,
// codec_lead.go), which every version still decodes, and what the codecs
// share: times as numbers, an owner left out where implied. Changes and
// visits are in codec_entries.go, packed lists in codec_packed.go.

// millis is t in Unix milliseconds, 0 for the zero time.
func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// first returns the first of vs that is not the zero value.
func first[T comparable](vs ...T) T {
	var zero T
	for _, v := range vs {
		if v != zero {
			return v
		}
	}
	return zero
}

// leadVersion marks a lead stored in storedLead's encoding, which versions
// 2 and 3 wrote and version 4 (codec_lead.go) replaced; a lead without it
// was written before, as salesbot.Lead's own JSON. Version 3 (issue 14)
// leaves out who registered the lead and who last changed each person's
// record when that is the lead's owner (see byOwner); version 2, the same
// encoding otherwise, wrote them always.
const (
	leadVersion  = 3
	leadVersion2 = 2
)

// byOwner stores a user who did something to a lead the way version 3
// does: nothing for the lead's owner (most often), "-" for no one.
func byOwner(user, owner string) string {
	switch user {
	case owner:
		return ""
	case "":
		return "-"
	}
	return user
}

// fromByOwner reads back what byOwner stored.
func fromByOwner(stored, owner string) string {
	switch stored {
	case "":
		return owner
	case "-":
		return ""
	}
	return stored
}

// storedLead is a salesbot.Lead as stored: one- and two-letter names, and
// times as Unix nanoseconds (an instant, exactly). The team is the key's.
type storedLead struct {
	V int `json:"v"`
	// Pending counts the entries pushed to the lead's history and visits
	// since they were last packed (codec_packed.go); storage's alone. It
	// comes right after "v", where a script finds it (pendingLua).
	Pending      int                             `json:"pk,omitempty"`
	ID           string                          `json:"i"`
	Company      string                          `json:"c"`
	Owner        string                          `json:"o"`
	Grade        salesbot.Grade                  `json:"g"`
	Stage        salesbot.Stage                  `json:"s"`
	CreatedBy    string                          `json:"cb,omitempty"`
	CreatedAt    int64                           `json:"ca,omitempty"`
	UpdatedAt    int64                           `json:"ua,omitempty"`
	StageSince   int64                           `json:"ss,omitempty"`
	LastTouch    int64                           `json:"lt,omitempty"`
	NextStep     string                          `json:"ns,omitempty"`
	NextStepDue  int64                           `json:"nd,omitempty"`
	Due          int64                           `json:"du,omitempty"`
	SnoozedUntil int64                           `json:"sn,omitempty"`
	RemindedDue  int64                           `json:"rd,omitempty"`
	Facts        map[salesbot.KeyFact]storedFact `json:"f,omitempty"`
	People       []storedStakeholder             `json:"p,omitempty"`
	ClosedAt     int64                           `json:"cl,omitempty"`
	LostReason   string                          `json:"lr,omitempty"`
	// The deal: its value in minor units and currency, expected close,
	// slips, forecast category and at-risk flag.
	ValueMinor int64             `json:"vm,omitempty"`
	Currency   salesbot.Currency `json:"vc,omitempty"`
	CloseBy    salesbot.Date     `json:"cd,omitzero"`
	Slips      int               `json:"sl,omitempty"`
	Category   salesbot.Category `json:"fc,omitempty"`
	AtRisk     bool              `json:"ar,omitempty"`
	WonOn      salesbot.Date     `json:"wo,omitzero"`
	Quotes     []salesbot.Quote  `json:"q,omitempty"`
	GradeConf  int64             `json:"gc,omitempty"`
	// The negotiation: concessions, qualification, rivals.
	Concessions   []storedConcession   `json:"cs,omitempty"`
	Qualification *storedQualification `json:"ql,omitempty"`
	Rivals        []storedRival        `json:"rv,omitempty"`
	// Parking, the escalation ladder, the last maintenance suggestion.
	ParkedUntil salesbot.Date       `json:"pu,omitzero"`
	ParkReason  string              `json:"pr,omitempty"`
	RemindedAt  int64               `json:"ra,omitempty"`
	Climbed     salesbot.LadderStep `json:"cm,omitempty"`
	ClimbAt     int64               `json:"lc,omitempty"`
	Suggested   string              `json:"sg,omitempty"`
	// The lead's source and the company's profile (codec_profile.go).
	Source  salesbot.Source `json:"sr,omitempty"`
	Profile *storedProfile  `json:"pf,omitempty"`
	// The latest removals of a person's record (/stance remove).
	Removals []salesbot.Removal `json:"rm,omitempty"`
}

type storedConcession struct {
	Give     string            `json:"g"`
	Get      string            `json:"r,omitempty"`
	Basis    int               `json:"bp,omitempty"`
	Minor    int64             `json:"m,omitempty"`
	Currency salesbot.Currency `json:"c,omitempty"`
	Stage    salesbot.Stage    `json:"s,omitempty"`
	By       string            `json:"b,omitempty"`
	At       int64             `json:"t,omitempty"`
}

type storedVerdict struct {
	Answer salesbot.Answer `json:"a,omitempty"`
	Note   string          `json:"n,omitempty"`
}

type storedQualification struct {
	Exists  storedVerdict `json:"e,omitzero"`
	Compete storedVerdict `json:"c,omitzero"`
	Win     storedVerdict `json:"w,omitzero"`
	Worth   storedVerdict `json:"v,omitzero"`
	By      string        `json:"b,omitempty"`
	At      int64         `json:"t,omitempty"`
}

type storedRival struct {
	Name     string            `json:"n"`
	Position salesbot.Position `json:"p,omitempty"`
	Notes    string            `json:"x,omitempty"`
	By       string            `json:"b,omitempty"`
	At       int64             `json:"t,omitempty"`
}

// encodeNegotiation stores a lead's concessions, qualification and rivals.
func encodeNegotiation(s *storedLead, l *salesbot.Lead) {
	for _, c := range l.Concessions {
		s.Concessions = append(s.Concessions, storedConcession{Give: c.Give, Get: c.Get, Basis: c.Size.Basis,
			Minor: c.Size.Amount.Minor, Currency: c.Size.Amount.Currency, Stage: c.Stage, By: c.By, At: nanos(c.At)})
	}
	if q := l.Qualification; q != (salesbot.Qualification{}) {
		v := func(v salesbot.Verdict) storedVerdict { return storedVerdict{Answer: v.Answer, Note: v.Note} }
		s.Qualification = &storedQualification{Exists: v(q.Exists), Compete: v(q.Compete), Win: v(q.Win), Worth: v(q.Worth), By: q.By, At: nanos(q.At)}
	}
	for _, r := range l.Rivals {
		s.Rivals = append(s.Rivals, storedRival{Name: r.Name, Position: r.Position, Notes: r.Notes, By: r.By, At: nanos(r.At)})
	}
}

// decodeNegotiation reads back what encodeNegotiation stored.
func decodeNegotiation(l *salesbot.Lead, s *storedLead) {
	for _, c := range s.Concessions {
		l.Concessions = append(l.Concessions, salesbot.Concession{Give: c.Give, Get: c.Get,
			Size:  salesbot.Size{Basis: c.Basis, Amount: salesbot.Amount{Minor: c.Minor, Currency: c.Currency}},
			Stage: c.Stage, By: c.By, At: fromNanos(c.At)})
	}
	if q := s.Qualification; q != nil {
		v := func(v storedVerdict) salesbot.Verdict { return salesbot.Verdict{Answer: v.Answer, Note: v.Note} }
		l.Qualification = salesbot.Qualification{Exists: v(q.Exists), Compete: v(q.Compete), Win: v(q.Win), Worth: v(q.Worth), By: q.By, At: fromNanos(q.At)}
	}
	for _, r := range s.Rivals {
		l.Rivals = append(l.Rivals, salesbot.Rival{Name: r.Name, Position: r.Position, Notes: r.Notes, By: r.By, At: fromNanos(r.At)})
	}
}

type storedFact struct {
	Text string `json:"x"`
	By   string `json:"b,omitempty"`
	At   int64  `json:"t,omitempty"`
}

type storedStakeholder struct {
	Name         string                `json:"n"`
	Role         salesbot.Role         `json:"r"`
	Influence    salesbot.Influence    `json:"i"`
	Support      salesbot.Support      `json:"s"`
	DecisionRole salesbot.DecisionRole `json:"dr,omitempty"`
	ContactDepth salesbot.ContactDepth `json:"d,omitempty"`
	Attitude     salesbot.Attitude     `json:"a,omitempty"`
	PersonalWins string                `json:"w,omitempty"`
	LastMet      int64                 `json:"lm,omitempty"`
	History      []storedSupportChange `json:"h,omitempty"`
	Notes        string                `json:"x,omitempty"`
	By           string                `json:"b,omitempty"`
	At           int64                 `json:"t,omitempty"`
}

type storedSupportChange struct {
	From salesbot.Support `json:"f"`
	To   salesbot.Support `json:"o"`
	At   int64            `json:"t,omitempty"`
	By   string           `json:"b,omitempty"`
	Why  string           `json:"y,omitempty"`
}

func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// readLead decodes a lead read on its own and remembers its revision, for
// a write of it to compare (UpdateLeadFrom).
func (s *Store) readLead(data []byte, team string) (*salesbot.Lead, error) {
	l, pending, err := decodeStoredLead(data, team)
	if err != nil {
		return nil, err
	}
	s.revs.remember(l, revision(data), pending)
	return l, nil
}

// decodeLead decodes a lead as stored, in either encoding; team is the team
// whose key it was read from. It remembers no revision.
func decodeLead(data []byte, team string) (*salesbot.Lead, error) {
	l, _, err := decodeStoredLead(data, team)
	return l, err
}

// decodeStoredLead is decodeLead that also returns the entries pushed to
// the lead's lists since they were last packed.
func decodeStoredLead(data []byte, team string) (*salesbot.Lead, int, error) {
	if len(data) > 0 && data[0] == leadMark4 {
		return decodeLead4(data, team)
	}
	var s storedLead
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, 0, bug{fmt.Errorf("decode lead: %w", err)}
	}
	l := new(salesbot.Lead)
	if s.V != leadVersion && s.V != leadVersion2 {
		if err := json.Unmarshal(data, l); err != nil { // written before storedLead
			return nil, 0, bug{fmt.Errorf("decode lead: %w", err)}
		}
	} else {
		*l = salesbot.Lead{
			ID: s.ID, Team: team, Company: s.Company, Owner: s.Owner, Grade: s.Grade, Stage: s.Stage,
			CreatedBy: s.CreatedBy, CreatedAt: fromNanos(s.CreatedAt), UpdatedAt: fromNanos(s.UpdatedAt), StageSince: fromNanos(s.StageSince),
			LastTouch: fromNanos(s.LastTouch), NextStep: s.NextStep, NextStepDue: fromNanos(s.NextStepDue), Due: fromNanos(s.Due),
			SnoozedUntil: fromNanos(s.SnoozedUntil), RemindedDue: fromNanos(s.RemindedDue), ClosedAt: fromNanos(s.ClosedAt), LostReason: s.LostReason,
			Value: salesbot.Amount{Minor: s.ValueMinor, Currency: s.Currency}, CloseBy: s.CloseBy, Slips: s.Slips, Category: s.Category, AtRisk: s.AtRisk, WonOn: s.WonOn, Quotes: s.Quotes, GradeConfirmed: fromNanos(s.GradeConf),
			ParkedUntil: s.ParkedUntil, ParkReason: s.ParkReason, RemindedAt: fromNanos(s.RemindedAt), Climbed: s.Climbed, ClimbAt: fromNanos(s.ClimbAt), Suggested: s.Suggested,
		}
		if len(s.Facts) > 0 {
			l.Facts = make(map[salesbot.KeyFact]salesbot.Fact, len(s.Facts))
			for k, f := range s.Facts {
				l.Facts[k] = salesbot.Fact{Text: f.Text, UpdatedBy: f.By, UpdatedAt: fromNanos(f.At)}
			}
		}
		for _, sp := range s.People {
			p := salesbot.Stakeholder{Name: sp.Name, Role: sp.Role, Influence: sp.Influence, Support: sp.Support, DecisionRole: sp.DecisionRole,
				ContactDepth: sp.ContactDepth, Attitude: sp.Attitude, PersonalWins: sp.PersonalWins, LastMet: fromNanos(sp.LastMet),
				Notes: sp.Notes, UpdatedBy: sp.By, UpdatedAt: fromNanos(sp.At)}
			if s.V == leadVersion {
				p.UpdatedBy = fromByOwner(sp.By, s.Owner)
			}
			for _, h := range sp.History {
				p.History = append(p.History, salesbot.SupportChange{From: h.From, To: h.To, At: fromNanos(h.At), By: h.By, Why: h.Why})
			}
			l.Stakeholders = append(l.Stakeholders, p)
		}
		if s.V == leadVersion {
			l.CreatedBy = fromByOwner(s.CreatedBy, s.Owner)
		}
		decodeNegotiation(l, &s)
		decodeProfile(l, &s)
	}
	if l.Team == "" {
		l.Team = team
	}
	return l, s.Pending, nil
}
