package salesbot

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Lead is a company that might buy (潜在客户): one owner, one grade, one stage,
// what the rep has learned and who the people are.
type Lead struct {
	ID           string           `json:"id"`
	Team         string           `json:"team"`
	Company      string           `json:"company"`
	Owner        string           `json:"owner"`
	Grade        Grade            `json:"grade"`
	Stage        Stage            `json:"stage"`
	CreatedBy    string           `json:"created_by"`
	CreatedAt    time.Time        `json:"created_at"`
	UpdatedAt    time.Time        `json:"updated_at"`
	StageSince   time.Time        `json:"stage_since"`
	LastTouch    time.Time        `json:"last_touch,omitzero"`
	NextStep     string           `json:"next_step,omitempty"`
	NextStepDue  time.Time        `json:"next_step_due,omitzero"`
	Due          time.Time        `json:"due,omitzero"`
	SnoozedUntil time.Time        `json:"snoozed_until,omitzero"`
	RemindedDue  time.Time        `json:"reminded_due,omitzero"`
	Facts        map[KeyFact]Fact `json:"facts,omitempty"`
	Stakeholders []Stakeholder    `json:"stakeholders,omitempty"`
	ClosedAt     time.Time        `json:"closed_at,omitzero"`
	LostReason   string           `json:"lost_reason,omitempty"`
	// The deal (DOMAIN.md §7): its expected value and close, how often the
	// close was pushed later, the rep's forecast category and whether a
	// review called it at risk.
	Value    Amount   `json:"value,omitzero"`
	CloseBy  Date     `json:"close_by,omitzero"`
	Slips    int      `json:"slips,omitempty"`
	Category Category `json:"forecast,omitempty"`
	AtRisk   bool     `json:"at_risk,omitempty"`
	// WonOn is the day the deal was won, on the clock of whoever closed
	// it: the forecast period it counts in.
	WonOn Date `json:"won_on,omitzero"`
	// Quotes are the versions of the deal's formal quote, oldest first.
	Quotes []Quote `json:"quotes,omitempty"`
	// GradeConfirmed is when the grade was last set or confirmed by hand:
	// the first visit's milestone (seed 000: decide whether it is an A).
	GradeConfirmed time.Time `json:"grade_confirmed,omitzero"`
	// The negotiation (negotiation.go): the concessions made, oldest
	// first; the answers to seed 003's four qualification questions; the
	// competitors, a vendor at most once.
	Concessions   []Concession  `json:"concessions,omitempty"`
	Qualification Qualification `json:"qualification,omitzero"`
	Rivals        []Rival       `json:"rivals,omitempty"`
	// Parking (/lead park): the lead's reminders, staleness and escalation
	// are silenced until ParkedUntil (it wakes that day), for ParkReason.
	ParkedUntil Date   `json:"parked_until,omitzero"`
	ParkReason  string `json:"park_reason,omitempty"`
	// The escalation ladder of the follow-up due at RemindedDue: when the
	// owner was first reminded of it (the ladder counts from then), and
	// the last step taken since.
	RemindedAt time.Time  `json:"reminded_at,omitzero"`
	Climbed    LadderStep `json:"climbed,omitempty"`
	// ClimbAt is when the ladder's next step is due (zero: none), so
	// that the store indexes it without knowing the escalation delays.
	ClimbAt time.Time `json:"climb_at,omitzero"`
	// Suggested is the maintenance action last suggested for a C or D
	// lead's follow-up, so that the next suggestion is another.
	Suggested string `json:"suggested,omitempty"`
	// Source is how the lead came to the team (DOMAIN.md §8); "" for a
	// lead registered before sources were kept.
	Source Source `json:"source,omitempty"`
	// Profile is the company's basic data (seed 000's 基本资料), which
	// the first visit completes.
	Profile Profile `json:"profile,omitzero"`
	// Removals are the latest removals of a person's record from the lead
	// (/stance remove), oldest first: by whom and when, never whom.
	Removals []Removal `json:"removals,omitempty"`
}

// Profile is a company's basic data (基本资料): what it does, how large it
// is, where it is and how to find it. Every field is as a person typed it.
type Profile struct {
	Industry  string `json:"industry,omitempty"`
	Headcount string `json:"headcount,omitempty"` // 人数, e.g. "200" or "100-500"
	Revenue   string `json:"revenue,omitempty"`   // 营业额 band, e.g. "5000万-1亿"
	Region    string `json:"region,omitempty"`
	Address   string `json:"address,omitempty"`
	Website   string `json:"website,omitempty"`
}

// Parked reports whether the lead is parked on day today: its reminders,
// staleness and escalation are silent until ParkedUntil.
func (l *Lead) Parked(today Date) bool {
	return !l.ParkedUntil.IsZero() && today.Before(l.ParkedUntil)
}

// Actor is who asks for a change: a Slack user, and whether they hold
// manager rights.
type Actor struct {
	User    string
	Manager bool
	// Zone is the actor's time zone, which says what day "now" is for
	// them (the day a deal they close is won on); nil is UTC.
	Zone *time.Location
}

// Today is the actor's calendar day at now.
func (a Actor) Today(now time.Time) Date {
	if a.Zone == nil {
		return DateOf(now.UTC())
	}
	return DateOf(now.In(a.Zone))
}

// Limits on what a person may type, so that no one field can bloat a lead.
const (
	MaxCompanyLen     = 120
	MaxTextLen        = 1000
	MaxStakeholders   = 60
	maxReasonLen      = 300
	maxPersonNameLen  = 80
	maxStakeholderLen = 500
)

// KeyFact is one of the six things a rep must learn about every serious lead
// (关键信息, DOMAIN.md §2).
type KeyFact string

// The six key facts.
const (
	FactSchedule    KeyFact = "schedule"    // 时间表
	FactBudget      KeyFact = "budget"      // 预算
	FactNeed        KeyFact = "need"        // 需求
	FactDecision    KeyFact = "decision"    // 决策(人及过程)
	FactCompetition KeyFact = "competition" // 竞争
	FactCriteria    KeyFact = "criteria"    // 关键评估项
)

// KeyFacts lists the six key facts in the order the card shows them.
var KeyFacts = []KeyFact{FactSchedule, FactBudget, FactNeed, FactDecision, FactCompetition, FactCriteria}

var keyFactAliases = map[string]KeyFact{
	"时间表": FactSchedule, "时间": FactSchedule, "timeline": FactSchedule, "timing": FactSchedule,
	"预算": FactBudget, "需求": FactNeed, "needs": FactNeed, "决策": FactDecision, "decision-process": FactDecision,
	"竞争": FactCompetition, "competitors": FactCompetition, "关键评估项": FactCriteria, "评估项": FactCriteria,
}

// ParseKeyFact reads a key fact by its English or Chinese name.
func ParseKeyFact(s string) (KeyFact, error) {
	key := strings.ToLower(foldWidth(strings.TrimSpace(s)))
	for _, k := range KeyFacts {
		if string(k) == key {
			return k, nil
		}
	}
	if k, ok := keyFactAliases[key]; ok {
		return k, nil
	}
	return "", Errorf(EINVALID, "%q is not a key fact. Use one of: schedule, budget, need, decision, competition, criteria.", s)
}

// Label is the key fact as the card titles it.
func (k KeyFact) Label() string {
	switch k {
	case FactDecision:
		return "Decision process"
	case FactCriteria:
		return "Key criteria"
	}
	return strings.ToUpper(string(k[:1])) + string(k[1:])
}

// Fact is what the rep recorded about one key fact.
type Fact struct {
	Text      string    `json:"text"`
	UpdatedBy string    `json:"by"`
	UpdatedAt time.Time `json:"at"`
}

// ChangeKind names what a Change did.
type ChangeKind string

// The kinds of change kept in a lead's history.
const (
	ChangeCreated  ChangeKind = "created"
	ChangeGrade    ChangeKind = "grade"
	ChangeStage    ChangeKind = "stage"
	ChangeOwner    ChangeKind = "owner"
	ChangeWon      ChangeKind = "won"
	ChangeLost     ChangeKind = "lost"
	ChangeFact     ChangeKind = "fact"
	ChangeStance   ChangeKind = "stance"
	ChangeVisit    ChangeKind = "visit"
	ChangeReopened ChangeKind = "reopened"
	ChangeSnooze   ChangeKind = "snooze"
	ChangeValue    ChangeKind = "value"
	ChangeCloseBy  ChangeKind = "close-by"
	ChangeForecast ChangeKind = "forecast"
	ChangeQuote    ChangeKind = "quote"
	// ChangeEscalated is a step of the escalation ladder taken on an
	// un-acted follow-up (To names the step).
	ChangeEscalated ChangeKind = "escalated"
	// ChangeParked and ChangeUnparked: the lead's reminders silenced
	// until a date (To, with the reason), and woken again.
	ChangeParked   ChangeKind = "parked"
	ChangeUnparked ChangeKind = "unparked"
)

// Change is one entry of a lead's history: who changed what, when, from what,
// to what and why. Grade and stage changes are history, not overwrites.
type Change struct {
	LeadID  string     `json:"lead"`
	Company string     `json:"company"`
	Kind    ChangeKind `json:"kind"`
	By      string     `json:"by"`
	At      time.Time  `json:"at"`
	From    string     `json:"from,omitempty"`
	To      string     `json:"to,omitempty"`
	Reason  string     `json:"reason,omitempty"`
}

func (l *Lead) change(a Actor, kind ChangeKind, from, to, reason string, now time.Time) Change {
	l.UpdatedAt = now
	return Change{LeadID: l.ID, Company: l.Company, Kind: kind, By: a.User, At: now, From: from, To: to, Reason: reason}
}

// NewLead registers a company as a lead owned by the actor, at the first
// stage. The ID is the caller's to choose (the store makes one).
func NewLead(a Actor, team, id, company string, grade Grade, now time.Time) (*Lead, Change, error) {
	name, err := CleanCompany(company)
	if err != nil {
		return nil, Change{}, err
	}
	if !grade.Valid() {
		return nil, Change{}, Errorf(EINVALID, "%q is not a grade. Use A, B, C or D.", grade)
	}
	l := &Lead{
		ID: id, Team: team, Company: name, Owner: a.User, Grade: grade, Stage: StageLead,
		CreatedBy: a.User, CreatedAt: now, StageSince: now,
	}
	return l, l.change(a, ChangeCreated, "", string(grade), "", now), nil
}

// CleanCompany trims a company name and checks it is one a person could
// mean: not empty, not too long, no control characters.
func CleanCompany(name string) (string, error) {
	if !utf8.ValidString(name) {
		return "", Errorf(EINVALID, "That company name has characters that cannot be shown. Type it as plain text.")
	}
	name = strings.Join(strings.Fields(dropInvisible(name)), " ")
	switch {
	case name == "" || NormalizeCompany(name) == "":
		return "", Errorf(EINVALID, "Which company? Give its name, e.g. \"Acme Industrial\".")
	case utf8.RuneCountInString(name) > MaxCompanyLen:
		return "", Errorf(EINVALID, "That company name is %d characters long; keep it under %d.", utf8.RuneCountInString(name), MaxCompanyLen)
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return "", Errorf(EINVALID, "That company name has characters that cannot be shown. Type it as plain text.")
	}
	return name, nil
}

// cleanText trims free text and checks its length; newlines are kept, other
// control characters are refused.
func cleanText(what, s string, max int) (string, error) {
	if !utf8.ValidString(s) {
		return "", Errorf(EINVALID, "The %s has characters that cannot be shown. Type it as plain text.", what)
	}
	s = strings.TrimSpace(dropInvisible(s))
	if n := utf8.RuneCountInString(s); n > max {
		return "", Errorf(EINVALID, "The %s is %d characters long; keep it under %d.", what, n, max)
	}
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }) >= 0 || !utf8.ValidString(s) {
		return "", Errorf(EINVALID, "The %s has characters that cannot be shown. Type it as plain text.", what)
	}
	return s, nil
}

// Open reports whether the deal is still being worked (not won or lost).
func (l *Lead) Open() bool { return !l.Stage.Closed() }

// CanEdit reports whether the actor may change the lead: its owner or a
// manager (DOMAIN.md §6).
func (l *Lead) CanEdit(a Actor) bool { return a.Manager || a.User == l.Owner }

func (l *Lead) checkEdit(a Actor) error {
	if l.CanEdit(a) {
		return nil
	}
	return Errorf(EFORBIDDEN, "%s is %s's lead. Only its owner or a manager can change it; ask a manager to reassign it.", l.Company, User(l.Owner))
}

func (l *Lead) checkOpen() error {
	if l.Open() {
		return nil
	}
	return Errorf(EINVALID, "%s is closed (%s). A manager can reopen it by assigning it to a rep.", l.Company, Term(l.Stage.Name()))
}

// Regrade sets the grade, with the reason kept in the history.
func (l *Lead) Regrade(a Actor, g Grade, reason string, now time.Time) (Change, error) {
	if err := l.checkEdit(a); err != nil {
		return Change{}, err
	}
	if err := l.checkOpen(); err != nil {
		return Change{}, err
	}
	if !g.Valid() {
		return Change{}, Errorf(EINVALID, "%q is not a grade. Use A, B, C or D.", g)
	}
	reason, err := cleanText("reason", reason, maxReasonLen)
	if err != nil {
		return Change{}, err
	}
	if g == l.Grade && l.Stage == StageFirstVisit {
		return l.confirmGrade(a, reason, now) // what the first visit is for
	}
	if g == l.Grade {
		return Change{}, Errorf(EINVALID, "%s is already graded %s.", l.Company, g)
	}
	from := l.Grade
	l.Grade, l.GradeConfirmed = g, now
	l.StopLadder()
	return l.change(a, ChangeGrade, string(from), string(g), reason, now), nil
}

// MoveStage moves the deal to another open stage under CheckStageMove's rules.
func (l *Lead) MoveStage(a Actor, to Stage, now time.Time) (Change, error) {
	if err := l.checkEdit(a); err != nil {
		return Change{}, err
	}
	if err := l.checkOpen(); err != nil {
		return Change{}, err
	}
	if _, err := CheckStageMove(l.Stage, to, a.Manager); err != nil {
		return Change{}, err
	}
	from := l.Stage
	l.Stage, l.StageSince = to, now
	return l.change(a, ChangeStage, string(from), string(to), "", now), nil
}

// Win closes the deal as signed (签约). Signing comes after negotiation: a
// rep closes a deal as won from there, and only a manager from an earlier
// stage (a lost deal may be closed from any stage).
func (l *Lead) Win(a Actor, now time.Time) (Change, error) {
	if err := l.checkEdit(a); err != nil {
		return Change{}, err
	}
	if err := l.checkOpen(); err != nil {
		return Change{}, err
	}
	if l.Stage != StageNegotiation && !a.Manager {
		return Change{}, Errorf(EFORBIDDEN, "A deal is won after %s; %s is at %s. Move it on stage by stage, or ask a manager to close it.",
			Term(StageNegotiation.Name()), l.Company, Term(l.Stage.Name()))
	}
	from := l.Stage
	l.Stage, l.StageSince, l.ClosedAt, l.WonOn = StageWon, now, now, a.Today(now)
	return l.change(a, ChangeWon, string(from), string(StageWon), "", now), nil
}

// Lose closes the deal as lost (失败); the lead goes back to the pool, never
// deleted, and the reason is kept.
func (l *Lead) Lose(a Actor, reason string, now time.Time) (Change, error) {
	if err := l.checkEdit(a); err != nil {
		return Change{}, err
	}
	if err := l.checkOpen(); err != nil {
		return Change{}, err
	}
	reason, err := cleanText("reason", reason, maxReasonLen)
	if err != nil {
		return Change{}, err
	}
	from := l.Stage
	l.Stage, l.StageSince, l.ClosedAt, l.LostReason = StageLost, now, now, reason
	return l.change(a, ChangeLost, string(from), string(StageLost), reason, now), nil
}

// Assign gives the lead to another rep; only managers assign (DOMAIN.md §6).
// Assigning a lost lead takes it out of the pool and reopens it at the first
// stage; a won lead stays won.
func (l *Lead) Assign(a Actor, to string, now time.Time) ([]Change, error) {
	if !a.Manager {
		return nil, Errorf(EFORBIDDEN, "Only managers assign leads: ask a manager to give you %s.", l.Company)
	}
	if to == "" {
		return nil, Errorf(EINVALID, "Assign %s to whom? Name the rep.", l.Company)
	}
	if to == l.Owner && l.Stage != StageLost {
		return nil, Errorf(EINVALID, "%s is already %s's lead.", l.Company, User(to))
	}
	var changes []Change
	if l.Stage == StageLost {
		// The lost deal's plan is the old owner's; the new one starts afresh.
		l.Stage, l.StageSince, l.ClosedAt, l.LostReason = StageLead, now, time.Time{}, ""
		l.NextStep, l.NextStepDue = "", time.Time{}
		// The old forecast call and close date were the old owner's too;
		// the value stays, as the opportunity's size.
		l.CloseBy, l.Slips, l.Category, l.AtRisk = Date{}, 0, "", false
		changes = append(changes, l.change(a, ChangeReopened, string(StageLost), string(StageLead), "", now))
	}
	if to != l.Owner {
		from := l.Owner
		l.Owner = to
		l.resetLadder() // the new owner is reminded of the follow-up afresh
		changes = append(changes, l.change(a, ChangeOwner, from, to, "", now))
	}
	return changes, nil
}

// SetFact records one key fact.
func (l *Lead) SetFact(a Actor, k KeyFact, text string, now time.Time) (Change, error) {
	if err := l.checkEdit(a); err != nil {
		return Change{}, err
	}
	text, err := cleanText(k.Label()+" note", text, MaxTextLen)
	if err != nil {
		return Change{}, err
	}
	if text == "" {
		return Change{}, Errorf(EINVALID, "What did you learn about the %s? Write it after the fact's name.", k)
	}
	if l.Facts == nil {
		l.Facts = map[KeyFact]Fact{}
	}
	from := l.Facts[k].Text
	l.Facts[k] = Fact{Text: text, UpdatedBy: a.User, UpdatedAt: now}
	return l.change(a, ChangeFact, from, text, string(k), now), nil
}

// UnknownFacts lists the key facts not yet recorded: the gaps the card calls
// out.
func (l *Lead) UnknownFacts() []KeyFact {
	var gaps []KeyFact
	for _, k := range KeyFacts {
		if !l.factKnown(k) {
			gaps = append(gaps, k)
		}
	}
	return gaps
}

// LeadService runs the workflows of one lead: registering it, grading,
// assigning, recording its key facts, reading its card, and the lists. Each
// method checks the actor's rights with the domain's rules before any
// change (CanEdit: the owner or a manager; Assign: managers only), keeps
// the lead's next touch in step with every change (Schedule) and returns
// what it did as data; who hears of it is in the result.
type LeadService interface {
	// Register registers a company as the actor's lead at a grade. The
	// first to register owns a lead: a company whose name normalises to a
	// registered one's is not registered again, and the actor learns of the
	// existing lead what SightOf allows them (they named it). Other leads
	// with similar names are listed as SightOf allows (they were not
	// named): the actor's own, the pool's, and for a manager everyone's;
	// other reps' are only counted.
	Register(ctx context.Context, a Actor, team, company string, g Grade, now time.Time) (Registration, error)
	// Resolve picks the lead a look-up by name (q) names, reading it
	// unless read is the match already read for q: the lead named exactly,
	// whoever's it is (the actor named it; what they may do with it is
	// checked when they do it); else, of the leads whose name holds q.Part,
	// the only one the actor may see (SightOf, not named: their own, the
	// pool's, any for a manager), or the only one of their own.
	Resolve(ctx context.Context, a Actor, team string, q LeadQuery, read *LeadMatch) (Resolution, error)
	// Regrade sets the lead's grade, with the reason kept in the history
	// (owner or manager, open leads, a new grade).
	Regrade(ctx context.Context, a Actor, ref LeadRef, g Grade, reason string, now time.Time) (Regraded, error)
	// ChooseGrade is Regrade for the grade picked right after registering:
	// picking the grade the lead has already keeps it (Kept) rather than
	// failing, for someone who may edit it.
	ChooseGrade(ctx context.Context, a Actor, ref LeadRef, g Grade, now time.Time) (Regraded, error)
	// Assign gives the lead to the rep to (managers only; a lost lead is
	// reopened). When owner is not "", it assigns only while owner is still
	// the owner and the deal is not won: a request for a lead must not
	// take it from someone who got it since (ECONFLICT). The new owner and
	// the previous one are to be told (Assignment.TellTo, TellFrom).
	Assign(ctx context.Context, a Actor, ref LeadRef, to, owner string, now time.Time) (Assignment, error)
	// SetFact records one key fact (owner or manager).
	SetFact(ctx context.Context, a Actor, ref LeadRef, k KeyFact, text string, now time.Time) (*Lead, error)
	// Card reads what the lead's card shows, for its owner and managers
	// only (SightAll); it reads the last visit unless ref came with it.
	Card(ctx context.Context, a Actor, ref LeadRef) (LeadCard, error)
	// Map reads the lead for its stakeholder map, for its owner and
	// managers only (SightAll).
	Map(ctx context.Context, a Actor, ref LeadRef) (*Lead, error)
	// Editable reads the lead for a form that changes it, for who may
	// change it only (CanEdit: its owner or a manager), so that a form
	// never shows another rep's lead.
	Editable(ctx context.Context, a Actor, ref LeadRef) (*Lead, error)
	// Pool lists the lost leads open to be claimed, most recently lost
	// first, at most PoolSize, as the actor may see them (SightPool).
	Pool(ctx context.Context, a Actor, team string) ([]*Lead, error)
	// List reads a pipeline: the actor's own (any grade, open and closed),
	// or, for managers only, a named rep's or the whole team's open leads,
	// read a page of ListPage at a time from the read models.
	List(ctx context.Context, a Actor, q ListQuery) (LeadList, error)
}
