package salesbot

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Removing data (/stance remove, /lead delete): a person's record goes with
// every copy of their name the lead holds, and a lead registered by mistake
// goes with every key it has. What stays is that it happened, and who did it.

// ChangePersonRemoved is the history entry of a person's record removed
// from a lead: it carries who removed it and when, never whom.
const ChangePersonRemoved ChangeKind = "person-removed"

// AuditPersonRemoved is the audit kind of a person's record removed with
// /stance remove; like the history entry, it does not name the person.
const AuditPersonRemoved = "person-removed"

// Removed is what the scrub writes where a removed person's name was.
const Removed = "(removed)"

// CanRemovePerson says whether the actor may remove a person's record from
// the lead: its owner, who must be able to honour a person's request to be
// forgotten, or a manager. A closed lead is no exception: its people are
// still on record.
func (l *Lead) CanRemovePerson(a Actor) error {
	if l.CanEdit(a) {
		return nil
	}
	return Errorf(EFORBIDDEN, "Only %s's owner (%s) or a manager can remove a person's record from it.", l.Company, User(l.Owner))
}

// CanDeleteLead says whether the actor may delete a lead: managers only,
// for a lead is history the team shares (a lost one goes back to the pool,
// it is not deleted).
func CanDeleteLead(a Actor) error {
	if a.Manager {
		return nil
	}
	return Errorf(EFORBIDDEN, "Only managers can delete a lead. If this one was registered by mistake, ask a manager to delete it.")
}

// RemovePerson removes the person named (compared as stakeholder names are:
// NormalizePerson) from the lead's stakeholders, every record of theirs
// when there are more than one, and their name as recorded
// from everything else the lead holds (key facts, next step, notes of
// other people, quotes, concessions, rivals, reasons). It returns the name
// as it was recorded, for the caller to scrub the lead's history and
// visits with (Scrub), and the history entry, which does not name them.
func (l *Lead) RemovePerson(a Actor, name string, now time.Time) (string, Change, error) {
	if err := l.CanRemovePerson(a); err != nil {
		return "", Change{}, err
	}
	key := NormalizePerson(name)
	if key == "" {
		return "", Change{}, Errorf(EINVALID, "Whose record? Put the person's name in quotes, as the map shows it.")
	}
	match := func(s Stakeholder) bool { return NormalizePerson(s.Name) == key }
	i := slices.IndexFunc(l.Stakeholders, match)
	if i < 0 {
		return "", Change{}, Errorf(ENOTFOUND, "No one called %s is recorded at %s. `/lead map` lists the people recorded.", name, l.Company)
	}
	// Every record of theirs: an import may have made two ("Wang Li" and
	// "wang li"), and the scrub, which compares names the same way,
	// takes the name out of the notes of both.
	recorded := l.Stakeholders[i].Name
	l.Stakeholders = slices.DeleteFunc(slices.Clone(l.Stakeholders), match)
	l.Scrub(recorded).Lead(l)
	l.Removals = append(l.Removals, Removal{By: a.User, At: now})
	if n := len(l.Removals); n > RemovalsKept {
		l.Removals = slices.Clone(l.Removals[n-RemovalsKept:])
	}
	return recorded, l.change(a, ChangePersonRemoved, "", "", "", now), nil
}

// Removal is that a person's record was removed from a lead, by whom and
// when; the card lists the latest.
type Removal struct {
	By string    `json:"b"`
	At time.Time `json:"t"`
}

// RemovalsKept is how many of its latest removals a lead keeps.
const RemovalsKept = 3

// Scrub finds a removed person's name, as it was recorded, in text, and
// puts Removed in its place. The name matches whatever its case, its width
// (full-width letters) and the spaces between its words; a name inside a
// longer word of Latin letters or digits does not ("Li" is not scrubbed
// from "Lisa"), nor one that begins the name of someone kept ("Li" is not
// scrubbed from "Li Na" while Li Na is still on record).
type Scrub struct {
	name []rune   // the name NormalizePerson'd, spaces single
	keep []string // the names of the people kept that are longer than it
}

// NewScrub returns the scrub of a person's name as recorded; keep are the
// names of the lead's other people, whose mentions stay.
func NewScrub(name string, keep ...string) Scrub {
	sc := Scrub{name: []rune(NormalizePerson(name))}
	for _, k := range keep {
		if n := NormalizePerson(k); len([]rune(n)) > len(sc.name) && n != string(sc.name) {
			sc.keep = append(sc.keep, n)
		}
	}
	return sc
}

// Scrub returns the scrub of a person's name with the lead's other people
// kept (see NewScrub).
func (l *Lead) Scrub(name string) Scrub {
	keep := make([]string, 0, len(l.Stakeholders))
	for _, s := range l.Stakeholders {
		keep = append(keep, s.Name)
	}
	return NewScrub(name, keep...)
}

// kept marks the runes of rs that are part of a kept person's name.
func (sc Scrub) kept(rs []rune) []bool {
	if len(sc.keep) == 0 {
		return nil
	}
	mask := make([]bool, len(rs))
	for _, k := range sc.keep {
		other := Scrub{name: []rune(k)}
		for i := range rs {
			if end := other.wordAt(rs, i); end > 0 {
				for j := i; j < end; j++ {
					mask[j] = true
				}
			}
		}
	}
	return mask
}

// wordAt returns the end of the name in s from rs[i] when it stands as a
// word there (not inside a longer word of Latin letters or digits), or -1.
func (sc Scrub) wordAt(rs []rune, i int) int {
	if unicode.IsSpace(rs[i]) || (i > 0 && wordy(rs[i-1]) && wordy(rs[i])) {
		return -1
	}
	end := sc.matchAt(rs, i)
	if end > 0 && end < len(rs) && wordy(rs[end-1]) && wordy(rs[end]) {
		return -1
	}
	return end
}

// foldRune is one rune as NormalizePerson compares it.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		return unicode.ToLower(r)
	}
	f := []rune(foldWidth(string(r)))
	if len(f) != 1 {
		return unicode.ToLower(r)
	}
	return unicode.ToLower(f[0])
}

// wordy says whether a rune continues a word of Latin letters or digits.
func wordy(r rune) bool { return r < 0x2E80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) }

// matchAt returns the end of the name in s from rs[i], or -1.
func (sc Scrub) matchAt(rs []rune, i int) int {
	j := i
	for _, n := range sc.name {
		if n == ' ' {
			if j >= len(rs) || !unicode.IsSpace(rs[j]) {
				return -1
			}
			for j < len(rs) && unicode.IsSpace(rs[j]) {
				j++
			}
			continue
		}
		for j < len(rs) && unicode.Is(unicode.Cf, rs[j]) {
			j++ // invisible characters, as NormalizePerson drops them
		}
		if j >= len(rs) || foldRune(rs[j]) != n {
			return -1
		}
		j++
	}
	return j
}

// Text returns s with every mention of the name replaced, and whether
// there was one.
func (sc Scrub) Text(s string) (string, bool) {
	if len(sc.name) == 0 || s == "" {
		return s, false
	}
	rs := []rune(s)
	kept := sc.kept(rs)
	var b strings.Builder
	found := false
	for i := 0; i < len(rs); {
		end := -1
		if kept == nil || !kept[i] {
			end = sc.wordAt(rs, i)
		}
		if end < 0 {
			b.WriteRune(rs[i])
			i++
			continue
		}
		b.WriteString(Removed)
		found = true
		i = end
	}
	if !found {
		return s, false
	}
	return b.String(), true
}

// Mentions says whether s names the person.
func (sc Scrub) Mentions(s string) bool {
	_, ok := sc.Text(s)
	return ok
}

// text scrubs *s in place and reports whether it changed.
func (sc Scrub) text(s *string) bool {
	t, ok := sc.Text(*s)
	*s = t
	return ok
}

// Lead scrubs the name from everything the lead holds besides its
// stakeholders' names (RemovePerson takes the person's own entry out): its
// key facts, next step, reasons, the notes of its other people, its
// quotes, concessions, rivals and qualification notes, and its profile. It
// reports whether it changed anything.
func (sc Scrub) Lead(l *Lead) bool {
	changed := false
	do := func(s *string) { changed = sc.text(s) || changed }
	do(&l.NextStep)
	do(&l.LostReason)
	do(&l.ParkReason)
	do(&l.Suggested)
	for k, f := range l.Facts {
		if sc.text(&f.Text) {
			l.Facts[k], changed = f, true
		}
	}
	for i := range l.Stakeholders {
		s := &l.Stakeholders[i]
		do(&s.Notes)
		do(&s.PersonalWins)
		for j := range s.History {
			do(&s.History[j].Why)
		}
	}
	for i := range l.Quotes {
		do(&l.Quotes[i].Notes)
		do(&l.Quotes[i].Reason)
	}
	q := &l.Qualification
	for _, v := range []*Verdict{&q.Exists, &q.Compete, &q.Win, &q.Worth} {
		do(&v.Note)
	}
	for i := range l.Concessions {
		do(&l.Concessions[i].Give)
		do(&l.Concessions[i].Get)
	}
	for i := range l.Rivals {
		do(&l.Rivals[i].Notes)
	}
	p := &l.Profile
	for _, s := range []*string{&p.Industry, &p.Headcount, &p.Revenue, &p.Region, &p.Address, &p.Website} {
		do(s)
	}
	return changed
}

// Change returns an entry of the lead's history (or the team's activity)
// with the name scrubbed from what it changed from and to and why, and
// whether it named the person.
func (sc Scrub) Change(c Change) (Change, bool) {
	a := sc.text(&c.From)
	b := sc.text(&c.To)
	r := sc.text(&c.Reason)
	return c, a || b || r
}

// Visit returns a visit with the person taken out of those met (Removed in
// their place, so that the count of people met stays true) and the name
// scrubbed from its notes and next step, and whether it named them.
func (sc Scrub) Visit(v Visit) (Visit, bool) {
	changed := false
	key := string(sc.name)
	for i, m := range v.Met {
		if NormalizePerson(m) == key {
			if !changed {
				v.Met = slices.Clone(v.Met)
			}
			v.Met[i], changed = Removed, true
		}
	}
	n := sc.text(&v.Notes)
	s := sc.text(&v.NextStep)
	return v, changed || n || s
}

// Inquiry scrubs the name from a settled inbound inquiry that names the
// lead (the one it came from, or one closed because of it): its notes,
// which a person may have taken down with whoever called. It reports
// whether it changed anything.
func (sc Scrub) Inquiry(q *Inquiry) bool { return sc.text(&q.Notes) }

// PersonRemoval asks to remove one person's record from a lead.
type PersonRemoval struct {
	Actor  Actor
	Team   string
	LeadID string
	// Lead, when set, is the lead as the caller read it (from this team),
	// which saves reading it again; the change is made on it in place, so
	// the caller uses only the lead returned.
	Lead *Lead
	// Person is the name as typed; it matches the recorded one as
	// stakeholder names match (NormalizePerson).
	Person string
	Now    time.Time
}

// PersonRemoved is what removing a person did: the lead as saved, and the
// name as it was recorded (for the reply to the one who asked, only).
type PersonRemoved struct {
	Lead *Lead
	Name string
}

// LeadDeletion asks to delete a lead registered by mistake.
type LeadDeletion struct {
	Actor  Actor
	Team   string
	LeadID string
	Now    time.Time
}

// RemovalService removes data.
type RemovalService interface {
	// RemovePerson removes one person's record from a lead and every copy
	// of their name the lead's data holds (its history, visits, the
	// team's activity, review notes and the settled inbound inquiries
	// that name the lead), all or nothing, and records that
	// a person was removed and by whom, in the lead's history and the
	// team's audit list, without the name. Owner or manager only
	// (Lead.CanRemovePerson).
	RemovePerson(ctx context.Context, req PersonRemoval) (PersonRemoved, error)
	// DeleteLead deletes a lead with every key and index entry it has,
	// all or nothing, and records it in the team's audit list. Managers
	// only (CanDeleteLead). It returns the lead as it was.
	DeleteLead(ctx context.Context, req LeadDeletion) (*Lead, error)
	// Sweep finishes a removal with what has no index by lead, a page at
	// a time (the team's activity stream, decided approval requests,
	// reminder messages, digest records): the caller runs it once the
	// person who asked has their answer. name is the person removed
	// from the lead, "" for a deleted lead. Running it again is harmless.
	Sweep(ctx context.Context, team, leadID, name string) error
	// Deleted returns the audit entry of the lead's deletion, if it was
	// deleted (and the entry is still in the audit list).
	Deleted(ctx context.Context, team, leadID string) (AuditEntry, bool, error)
	// VisitCount is how many visits the lead has on record, for the
	// confirmation of its deletion: a count, not a read of them.
	VisitCount(ctx context.Context, team, leadID string) (int, error)
}

// DeletionDetail is what the audit entry of a deleted lead says of it:
// "owner U…, grade …, stage …".
func DeletionDetail(l *Lead) string {
	return "owner " + l.Owner + ", grade " + string(l.Grade) + ", stage " + string(l.Stage)
}
