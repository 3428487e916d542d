package salesbot

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The inbound queue (DOMAIN.md §6, §8): anyone records an inquiry that
// came in on its own (a call, a walk-in); it is owned by nobody until a
// manager assigns it to a rep or takes it, and then it becomes a lead whose
// first touch is due soon, in working time. One left waiting a working day
// is raised to the managers again, once per working day.

// InquiryStatus is where an inbound inquiry stands.
type InquiryStatus string

// The states of an inquiry.
const (
	// InquiryWaiting: in the queue, owned by nobody.
	InquiryWaiting InquiryStatus = "waiting"
	// InquiryAssigned: a manager gave it to a rep (or took it): it is a
	// lead now (LeadID).
	InquiryAssigned InquiryStatus = "assigned"
	// InquiryClosed: the company became someone's lead before the inquiry
	// was assigned (registered meanwhile); that lead's owner has it.
	InquiryClosed InquiryStatus = "closed"
)

// MaxInquiryNotes bounds an inquiry's notes.
const MaxInquiryNotes = 500

// Inquiry is an inbound inquiry waiting for a manager to assign it: who
// called or walked in, what they want, who took the call and when.
type Inquiry struct {
	ID      string    `json:"id"`
	Team    string    `json:"team"`
	Company string    `json:"company"`
	Source  Source    `json:"source"`
	Notes   string    `json:"notes,omitempty"`
	By      string    `json:"by"` // who recorded it
	At      time.Time `json:"at"`
	// Zone is the time zone of the one who recorded it (an IANA name): the
	// working days it waits are counted on that clock.
	Zone string `json:"zone,omitempty"`
	// RaiseAt is when, still waiting, it is raised to the managers again;
	// Raised how often it was.
	RaiseAt time.Time     `json:"raise_at,omitzero"`
	Raised  int           `json:"raised,omitempty"`
	Status  InquiryStatus `json:"status"`
	// Once settled: by whom and when; the rep it went to and the lead it
	// became (assigned), or the lead's owner who had the company first
	// (closed).
	SettledBy string    `json:"settled_by,omitempty"`
	SettledAt time.Time `json:"settled_at,omitzero"`
	Rep       string    `json:"rep,omitempty"`
	LeadID    string    `json:"lead,omitempty"`
	Owner     string    `json:"owner,omitempty"`
}

// InquiryInput is an inquiry as a person gave it: the company, how it came
// in and what they want.
type InquiryInput struct {
	Company string
	Source  Source // "" is SourceInbound
	Notes   string
}

// inboundUsage says how to write /lead inbound; every refusal of ParseInquiry
// ends with it.
const inboundUsage = "Write `/lead inbound <company> [source] [notes]`, e.g. `/lead inbound Acme 来电 wants a quote for 200 seats`; a name with spaces goes in quotes: `/lead inbound \"Acme Industrial\" referral`."

// ParseInquiry reads `/lead inbound`'s words: the company (one word, or a
// quoted name), then a lead source when the next word is one (DOMAIN.md §8,
// English or Chinese), then the notes. A word that is not a source starts
// the notes. Unquoted words before a source word are refused with how to
// quote the name, rather than guessed at.
func ParseInquiry(toks []Token) (InquiryInput, error) {
	if len(toks) == 0 || toks[0].Text == "" {
		return InquiryInput{}, Errorf(EINVALID, "Which company called? "+inboundUsage)
	}
	first := toks[0]
	if first.Entity {
		return InquiryInput{}, Errorf(EINVALID, "A company name can't be a mention, channel or link (%s). "+inboundUsage, first.Text)
	}
	if !first.Quoted && isSourceWord(first.Text) {
		// `/lead inbound 来电 …`: the company was left out.
		return InquiryInput{}, Errorf(EINVALID, "%q is a lead source, not a company: the company comes first. "+inboundUsage, first.Text)
	}
	in := InquiryInput{Company: first.Text, Source: SourceInbound}
	rest := toks[1:]
	if len(rest) > 0 && !rest[0].Quoted && !rest[0].Entity {
		if src, err := ParseSource(rest[0].Text); err == nil {
			in.Source, rest = src, rest[1:]
		} else if !first.Quoted && len(rest) > 1 && !rest[1].Quoted && isSourceWord(rest[1].Text) {
			// `/lead inbound Acme Industrial 来电 …`: the name has a space.
			two := first.Text + " " + rest[0].Text
			return InquiryInput{}, Errorf(EINVALID, "Is the company %q? Put a name with spaces in quotes: `/lead inbound \"%s\" %s …`. If it is %q, give the source right after it: `/lead inbound %s inbound %s …`.",
				two, two, rest[1].Text, first.Text, first.Text, rest[0].Text)
		}
	}
	in.Notes = JoinTokens(rest)
	return in, nil
}

func isSourceWord(s string) bool {
	_, err := ParseSource(s)
	return err == nil
}

// NewInquiry makes the inquiry a actor recorded at now: the company and the
// notes cleaned and bounded, the source inbound unless given, waiting, to be
// raised again one working day later (w, on the recorder's clock). The ID is
// the store's to choose.
func NewInquiry(a Actor, team string, in InquiryInput, now time.Time, w WorkHours) (*Inquiry, error) {
	name, err := CleanCompany(in.Company)
	if err != nil {
		return nil, err
	}
	src := in.Source
	if src == "" {
		src = SourceInbound
	}
	if !src.Valid() {
		return nil, Errorf(EINVALID, "%q is not a lead source.", string(src))
	}
	notes, err := cleanText("note", in.Notes, MaxInquiryNotes)
	if err != nil {
		return nil, err
	}
	zone := "UTC"
	if a.Zone != nil {
		zone = a.Zone.String()
	}
	q := &Inquiry{Team: team, Company: name, Source: src, Notes: notes, By: a.User, At: now, Zone: zone, Status: InquiryWaiting}
	q.RaiseAt = q.NextRaise(now, w)
	return q, nil
}

// Waiting reports whether the inquiry is still in the queue.
func (q *Inquiry) Waiting() bool { return q.Status == InquiryWaiting }

// Location is the recorder's time zone, UTC when it is not known.
func (q *Inquiry) Location() *time.Location {
	if q.Zone != "" {
		if loc, err := time.LoadLocation(q.Zone); err == nil {
			return loc
		}
	}
	return time.UTC
}

// NextRaise is when an inquiry still waiting at after is raised again: one
// working day (w's length of a day) later on the recorder's clock, and if
// that falls at the end of a working day, when the next one starts.
func (q *Inquiry) NextRaise(after time.Time, w WorkHours) time.Time {
	at := NotifyPrefs{}.AddWorking(after.In(q.Location()), w.DayLength(), w)
	return w.Next(at).UTC()
}

// MarkRaised records that the waiting inquiry was raised to the managers
// again at now, and when it is raised next.
func (q *Inquiry) MarkRaised(now time.Time, w WorkHours) {
	q.Raised++
	q.RaiseAt = q.NextRaise(now, w)
}

// SettledError says why a settled inquiry cannot be assigned again: to
// whom it went, and by whom.
func (q *Inquiry) SettledError() error {
	switch {
	case q.Status == InquiryClosed:
		return Errorf(ECONFLICT, "The inquiry from %s is closed: it was registered as %s's lead first.", q.Company, User(q.Owner))
	case q.Rep == q.SettledBy:
		return Errorf(ECONFLICT, "The inquiry from %s was already taken by %s.", q.Company, User(q.Rep))
	}
	return Errorf(ECONFLICT, "The inquiry from %s was already assigned to %s by %s.", q.Company, User(q.Rep), User(q.SettledBy))
}

// Assign makes the waiting inquiry a lead of rep, as the manager a decided
// at now: graded g at the first stage, from the inquiry's source,
// registered by whoever recorded the inquiry, its first touch due at due
// with the inquiry's notes as its next step. The first entry of its history
// says it came in as an inquiry recorded by whom and was assigned by a. Only
// managers assign inquiries (DOMAIN.md §6); a settled one is an ECONFLICT
// saying to whom it went. The lead's ID is the store's to choose.
func (q *Inquiry) Assign(a Actor, rep string, g Grade, due, now time.Time) (*Lead, Change, error) {
	if !a.Manager {
		return nil, Change{}, Errorf(EFORBIDDEN, "Only managers assign inbound inquiries (the director assigns leads that came in on their own).")
	}
	if !q.Waiting() {
		return nil, Change{}, q.SettledError()
	}
	if rep == "" {
		return nil, Change{}, Errorf(EINVALID, "Assign the inquiry from %s to whom? Choose a rep.", q.Company)
	}
	l, c, err := NewLead(Actor{User: rep}, q.Team, "", q.Company, g, now)
	if err != nil {
		return nil, Change{}, err
	}
	l.Source, l.CreatedBy, l.NextStepDue = q.Source, q.By, due
	l.NextStep = truncateRunes(q.Notes, maxNextStepLen)
	c.By = a.User
	c.Reason = fmt.Sprintf("inbound inquiry recorded by <@%s> %s, assigned by <@%s>", q.By, q.At.UTC().Format(time.RFC3339), a.User)
	q.Status, q.SettledBy, q.SettledAt, q.Rep = InquiryAssigned, a.User, now, rep
	return l, c, nil
}

// Close settles the waiting inquiry because its company became l's lead
// meanwhile: l's owner has it, and the queue no longer does.
func (q *Inquiry) Close(a Actor, l *Lead, now time.Time) error {
	if !q.Waiting() {
		return q.SettledError()
	}
	q.Status, q.SettledBy, q.SettledAt, q.Owner, q.LeadID = InquiryClosed, a.User, now, l.Owner, l.ID
	return nil
}

// maxNextStepLen bounds the next step a lead takes from its inquiry's notes.
const maxNextStepLen = 300

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// MessageCopy is where the bot posted one copy of a message to many people
// (an inquiry's to each manager), to redraw it once settled.
type MessageCopy struct {
	Channel string `json:"c"`
	TS      string `json:"ts"`
	User    string `json:"u"`
}

// InboundDue is how long after assignment an inbound lead's first touch is
// due, in working time (SALESBOT_INBOUND_DUE): whole working days, then
// hours. Seed 004: inbound leads deserve the fastest follow-up.
type InboundDue struct {
	Days int
	Time time.Duration
}

// DefaultInboundDue is 4 working hours: an inquiry assigned in the morning
// is touched the same working day.
func DefaultInboundDue() InboundDue { return InboundDue{Time: 4 * time.Hour} }

// maxInboundDays bounds SALESBOT_INBOUND_DUE: a first touch further off is
// no fast follow-up.
const maxInboundDays = 30

// ParseInboundDue reads a span of working time such as "4h", "90m", "1d"
// (one working day) or "1d4h"; "" is the default. It is at least a second
// (for tests) and at most 30 working days.
func ParseInboundDue(s string) (InboundDue, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return DefaultInboundDue(), nil
	}
	var d InboundDue
	rest := s
	if days, after, ok := strings.Cut(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 {
			return InboundDue{}, fmt.Errorf("%q is not a span of working time such as 4h, 90m, 1d or 1d4h", s)
		}
		d.Days, rest = n, after
	}
	if rest != "" {
		t, err := time.ParseDuration(rest)
		if err != nil || t < 0 {
			return InboundDue{}, fmt.Errorf("%q is not a span of working time such as 4h, 90m, 1d or 1d4h", s)
		}
		d.Time = t
	}
	if d.Days == 0 && d.Time < time.Second {
		return InboundDue{}, fmt.Errorf("%q is too short: give at least a second of working time, such as 4h", s)
	}
	if d.Days > maxInboundDays || d.Days == maxInboundDays && d.Time > 0 || d.Time > maxInboundDays*24*time.Hour {
		return InboundDue{}, fmt.Errorf("%q is more than %d working days", s, maxInboundDays)
	}
	return d, nil
}

// String writes d as ParseInboundDue reads it.
func (d InboundDue) String() string {
	switch {
	case d.Days == 0:
		s := d.Time.String()
		if strings.HasSuffix(s, "m0s") {
			s = strings.TrimSuffix(s, "0s")
		}
		if strings.HasSuffix(s, "h0m") {
			s = strings.TrimSuffix(s, "0m")
		}
		return s
	case d.Time == 0:
		return fmt.Sprintf("%dd", d.Days)
	}
	return fmt.Sprintf("%dd%s", d.Days, InboundDue{Time: d.Time})
}

// After is when a first touch is due that was assigned at t: d of working
// time later on t's clock, in the working hours w, skipping the days off
// of p (the rep's).
func (d InboundDue) After(t time.Time, w WorkHours, p NotifyPrefs) time.Time {
	return p.AddWorking(t, time.Duration(d.Days)*w.DayLength()+d.Time, w)
}

// InquiryRecorded is what recording an inquiry did. Exactly one of
// Inquiry, Lead and Waiting is set.
type InquiryRecorded struct {
	// Asked is the inquiry as recorded, its company and notes cleaned,
	// whether or not it was queued.
	Asked *Inquiry
	// Inquiry is the inquiry queued; Managers are to be sent it, each
	// with Assign and Take it.
	Inquiry  *Inquiry
	Managers []string
	// Lead is the company's lead, registered already, as the recorder may
	// see it (they named it): nothing was queued. Owner is its owner, to
	// be told a new inquiry came in ("" when that is the recorder); when
	// the lead was lost (Pool), Managers are told too, who may give it to
	// a rep again.
	Lead  *SeenLead
	Owner string
	Pool  bool
	// Waiting is the inquiry for the company that waits already: nothing
	// was queued.
	Waiting *Inquiry
}

// InquiryAssignment is what assigning an inquiry did: it became Lead, its
// first touch due at Due; or, when the company became a lead first
// (Existing), the inquiry was closed. Inquiry is the inquiry as it stands.
type InquiryAssignment struct {
	Inquiry  *Inquiry
	Lead     *Lead
	Due      time.Time
	Existing *Lead
}

// InboundService runs the inbound queue (/lead inbound).
type InboundService interface {
	// RecordInquiry records an inquiry anyone took: queued unless its
	// company is a lead already (whose owner is to be told) or an inquiry
	// for it waits already. managers are the team's managers as the caller
	// read them (TeamService.Managers); nil reads them.
	RecordInquiry(ctx context.Context, a Actor, team string, in InquiryInput, managers []string, now time.Time) (InquiryRecorded, error)
	// AssignInquiry gives a waiting inquiry to rep (a manager taking it
	// names themself), as a lead whose first touch is due SALESBOT_INBOUND_DUE
	// of working time later on the rep's clock (repZone): managers only,
	// checked on every call; of two at once exactly one wins, and the
	// other's is an ECONFLICT saying to whom it went.
	AssignInquiry(ctx context.Context, a Actor, team, id, rep string, repZone *time.Location, now time.Time) (InquiryAssignment, error)
	// Inquiry reads one inquiry, for managers only.
	Inquiry(ctx context.Context, a Actor, team, id string) (*Inquiry, error)
	// Inquiries lists the waiting inquiries, oldest first, at most n, and
	// how many wait in all; for managers only.
	Inquiries(ctx context.Context, a Actor, team string, n int) ([]*Inquiry, int, error)
	// KeepInquiryCopies records where the managers' copies of an inquiry
	// were posted, and returns the inquiry as it stands: one settled
	// already needs these copies redrawn at once.
	KeepInquiryCopies(ctx context.Context, team, id string, copies []MessageCopy) (*Inquiry, error)
	// InquiryCopies returns where the copies of an inquiry were posted.
	InquiryCopies(ctx context.Context, team, id string) ([]MessageCopy, error)
	// InquiriesToRaise returns the waiting inquiries whose raise time has
	// come by now, soonest first, at most n: what costs is what is due.
	InquiriesToRaise(ctx context.Context, team string, now time.Time, n int) ([]*Inquiry, error)
	// MarkRaised records that an inquiry due to be raised at raiseAt was
	// raised at now, and sets its next raise; nothing changes when it was
	// settled or marked since.
	MarkRaised(ctx context.Context, team, id string, raiseAt, now time.Time) (*Inquiry, error)
}
