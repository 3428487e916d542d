package salesbot

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Role is a stakeholder's buying role (seed 002).
type Role string

// The buying roles.
const (
	RoleEconomicBuyer  Role = "eb"          // final say, owns the budget, can veto
	RoleTechnicalBuyer Role = "tb"          // judges fit, can veto on technical grounds
	RoleUser           Role = "user"        // lives with the result
	RoleCoordinator    Role = "coordinator" // the customer's project manager
	RoleCoach          Role = "coach"       // helps us win; keep private
)

// Roles lists the buying roles in the order the card shows them.
var Roles = []Role{RoleEconomicBuyer, RoleTechnicalBuyer, RoleUser, RoleCoordinator, RoleCoach}

var roleAliases = map[string]Role{
	"economic": RoleEconomicBuyer, "economic-buyer": RoleEconomicBuyer, "economicbuyer": RoleEconomicBuyer, "经济决策者": RoleEconomicBuyer,
	"technical": RoleTechnicalBuyer, "technical-buyer": RoleTechnicalBuyer, "technicalbuyer": RoleTechnicalBuyer, "influencer": RoleTechnicalBuyer, "技术决策者": RoleTechnicalBuyer, "技术选型人": RoleTechnicalBuyer,
	"users": RoleUser, "使用者": RoleUser, "用户": RoleUser,
	"pm": RoleCoordinator, "协调人": RoleCoordinator, "内线": RoleCoach, "教练": RoleCoach,
}

// ParseRole reads a buying role: eb, tb, user, coordinator or coach (or a
// longer English or Chinese name for one).
func ParseRole(s string) (Role, error) {
	key := strings.ToLower(foldWidth(strings.TrimSpace(s)))
	for _, r := range Roles {
		if string(r) == key {
			return r, nil
		}
	}
	if r, ok := roleAliases[strings.ReplaceAll(key, " ", "-")]; ok {
		return r, nil
	}
	return "", Errorf(EINVALID, "%q is not a role. Use eb (economic buyer), tb (technical buyer), user, coordinator or coach.", s)
}

// Name is the role as a person reads it.
func (r Role) Name() string {
	switch r {
	case RoleEconomicBuyer:
		return "Economic buyer"
	case RoleTechnicalBuyer:
		return "Technical buyer"
	case RoleUser:
		return "User"
	case RoleCoordinator:
		return "Coordinator"
	case RoleCoach:
		return "Coach"
	}
	return string(r)
}

// Influence is how much a stakeholder's word weighs in the decision.
type Influence string

// The influence levels.
const (
	InfluenceHigh   Influence = "high"   // 高: decisive
	InfluenceMedium Influence = "medium" // 中: partial
	InfluenceLow    Influence = "low"    // 低: none really
)

// Influences lists the levels, highest first.
var Influences = []Influence{InfluenceHigh, InfluenceMedium, InfluenceLow}

// ParseInfluence reads high, medium or low (also h/m/l, med, 高/中/低).
func ParseInfluence(s string) (Influence, error) {
	switch strings.ToLower(foldWidth(strings.TrimSpace(s))) {
	case "high", "h", "高":
		return InfluenceHigh, nil
	case "medium", "med", "m", "mid", "中":
		return InfluenceMedium, nil
	case "low", "l", "低":
		return InfluenceLow, nil
	}
	return "", Errorf(EINVALID, "%q is not an influence. Use high, medium or low.", s)
}

// Support is where a stakeholder stands towards us, from −3 (strongly
// against: criticises us, praises rivals) to +3 (strong support).
type Support int

// The support bounds.
const (
	MinSupport Support = -3
	MaxSupport Support = 3
)

// ParseSupport reads a support level −3…+3, written with an ASCII or Unicode
// minus, an optional plus, in ordinary or full-width digits.
func ParseSupport(s string) (Support, error) {
	t := strings.NewReplacer("−", "-", "–", "-", "﹣", "-", "＋", "+").Replace(foldWidth(strings.TrimSpace(s)))
	digits := strings.TrimPrefix(t, "+")
	n, err := strconv.Atoi(digits)
	if err != nil || strings.HasPrefix(digits, "+") || (digits != t && strings.HasPrefix(digits, "-")) || n < int(MinSupport) || n > int(MaxSupport) {
		return 0, Errorf(EINVALID, "%q is not a support level. Use a number from -3 (strongly against) to +3 (strong support).", s)
	}
	return Support(n), nil
}

// String writes the level with its sign: −2, 0, +3.
func (s Support) String() string {
	if s > 0 {
		return fmt.Sprintf("+%d", int(s))
	}
	return strconv.Itoa(int(s))
}

// Meaning says what the level stands for.
func (s Support) Meaning() string {
	switch s {
	case 3:
		return "strong support"
	case 2:
		return "support"
	case 1:
		return "friendly"
	case 0:
		return "neutral"
	case -1:
		return "uninterested"
	case -2:
		return "against"
	}
	return "strongly against"
}

// Quadrant places a stakeholder by influence × support: where the rep should
// spend time (seed 000).
type Quadrant string

// The quadrants.
const (
	QuadrantAngel      Quadrant = "angel"      // 天使: high influence, supportive
	QuadrantDevil      Quadrant = "devil"      // 魔鬼: high influence, opposed
	QuadrantSweetheart Quadrant = "sweetheart" // 小甜甜: low influence, supportive
	QuadrantImp        Quadrant = "imp"        // 小鬼: low influence, opposed
	QuadrantNeutral    Quadrant = "neutral"    // support 0 or −1: not yet for or against us
)

// Stakeholder is one person at the customer and where they stand (DOMAIN.md
// §3).
type Stakeholder struct {
	Name         string          `json:"name"`
	Role         Role            `json:"role"`
	Influence    Influence       `json:"influence"`
	Support      Support         `json:"support"`
	DecisionRole DecisionRole    `json:"decision_role,omitempty"`
	ContactDepth ContactDepth    `json:"depth,omitempty"`
	Attitude     Attitude        `json:"attitude,omitempty"`
	PersonalWins string          `json:"wins,omitempty"`
	LastMet      time.Time       `json:"last_met,omitzero"`
	History      []SupportChange `json:"history,omitempty"` // support changes, oldest first
	Notes        string          `json:"notes,omitempty"`
	UpdatedBy    string          `json:"by"`
	UpdatedAt    time.Time       `json:"at"`
}

// SupportChange is one change of a stakeholder's support, kept as history
// ("Wang Li: −1 → +2 on 2026-11-03 after the demo").
type SupportChange struct {
	From Support   `json:"from"`
	To   Support   `json:"to"`
	At   time.Time `json:"at"`
	By   string    `json:"by"`
	Why  string    `json:"why,omitempty"`
}

// Quadrant places the stakeholder (DOMAIN.md §3): influence high or medium
// is the high side (a partial say in the decision is still a say, worth
// the rep's time), low the low side; support +1 and above is supportive,
// −2 and below opposed, and −1 (uninterested) and 0 (no opinion) neutral,
// for an uninterested person is not yet against us. The map draws people
// by it and the devil risk names exactly its devils.
func (s Stakeholder) Quadrant() Quadrant {
	high := s.Influence == InfluenceHigh || s.Influence == InfluenceMedium
	switch {
	case s.Support >= 1 && high:
		return QuadrantAngel
	case s.Support >= 1:
		return QuadrantSweetheart
	case s.Support <= -2 && high:
		return QuadrantDevil
	case s.Support <= -2:
		return QuadrantImp
	}
	return QuadrantNeutral
}

// Stakeholder returns the lead's stakeholder with that name (compared as
// NormalizePerson does), if any.
func (l *Lead) Stakeholder(name string) (Stakeholder, bool) {
	key := NormalizePerson(name)
	for _, s := range l.Stakeholders {
		if NormalizePerson(s.Name) == key {
			return s, true
		}
	}
	return Stakeholder{}, false
}

// MaxSupportHistory bounds how many support changes are kept per person;
// the oldest go first.
const MaxSupportHistory = 20

// maxWhyLen bounds the reason kept with a support change.
const maxWhyLen = 140

// SetStakeholder records or updates one person: buying role, influence and
// support always; decision role, contact depth, attitude to change, personal
// wins and notes when given (empty keeps what was recorded). A changed
// support level is kept in the person's History, with the notes given as
// the reason, and shows in the lead's history as from → to. When and how
// deeply the person was met is the visits' to record (RecordVisit); a
// contact depth given here is the rep's own judgement and wins.
func (l *Lead) SetStakeholder(a Actor, s Stakeholder, now time.Time) (Change, error) {
	if err := l.checkEdit(a); err != nil {
		return Change{}, err
	}
	name, err := cleanText("person's name", strings.Join(strings.Fields(s.Name), " "), maxPersonNameLen)
	if err != nil {
		return Change{}, err
	}
	if name == "" {
		return Change{}, Errorf(EINVALID, "Who is it? Give the person's name.")
	}
	if s.Notes, err = cleanText("note", s.Notes, maxStakeholderLen); err != nil {
		return Change{}, err
	}
	if s.PersonalWins, err = cleanText("personal wins", s.PersonalWins, maxStakeholderLen); err != nil {
		return Change{}, err
	}
	if s.Role, err = ParseRole(string(s.Role)); err != nil {
		return Change{}, err
	}
	if s.Influence, err = ParseInfluence(string(s.Influence)); err != nil {
		return Change{}, err
	}
	if s.Support < MinSupport || s.Support > MaxSupport {
		return Change{}, Errorf(EINVALID, "%d is not a support level. Use a number from -3 to +3.", s.Support)
	}
	if s.DecisionRole != "" {
		if s.DecisionRole, err = ParseDecisionRole(string(s.DecisionRole)); err != nil {
			return Change{}, err
		}
	}
	if s.ContactDepth != "" {
		if s.ContactDepth, err = ParseContactDepth(string(s.ContactDepth)); err != nil {
			return Change{}, err
		}
	}
	if s.Attitude != "" {
		if s.Attitude, err = ParseAttitude(string(s.Attitude)); err != nil {
			return Change{}, err
		}
	}
	s.Name, s.UpdatedBy, s.UpdatedAt = name, a.User, now
	s.LastMet, s.History = time.Time{}, nil // the visits' and this method's to keep, never the caller's
	key := NormalizePerson(name)
	for i, old := range l.Stakeholders {
		if NormalizePerson(old.Name) != key {
			continue
		}
		why := s.Notes
		s.Name = old.Name // the spelling first recorded stays
		s.Notes = cmp.Or(s.Notes, old.Notes)
		s.PersonalWins = cmp.Or(s.PersonalWins, old.PersonalWins)
		s.DecisionRole = cmp.Or(s.DecisionRole, old.DecisionRole)
		s.ContactDepth = cmp.Or(s.ContactDepth, old.ContactDepth)
		s.Attitude = cmp.Or(s.Attitude, old.Attitude)
		s.LastMet = old.LastMet
		s.History = slices.Clone(old.History)
		if s.Support != old.Support {
			if utf8.RuneCountInString(why) > maxWhyLen {
				why = string([]rune(why)[:maxWhyLen-1]) + "…"
			}
			s.History = append(s.History, SupportChange{From: old.Support, To: s.Support, At: now, By: a.User, Why: why})
			if n := len(s.History); n > MaxSupportHistory {
				s.History = slices.Delete(s.History, 0, n-MaxSupportHistory)
			}
		}
		l.Stakeholders[i] = s
		return l.change(a, ChangeStance, old.Support.String(), s.Support.String(), s.Name, now), nil
	}
	if len(l.Stakeholders) >= MaxStakeholders {
		return Change{}, Errorf(EINVALID, "%s already has %d people recorded; update one of them instead.", l.Company, MaxStakeholders)
	}
	s.ContactDepth = cmp.Or(s.ContactDepth, DepthNone)
	l.Stakeholders = append(l.Stakeholders, s)
	return l.change(a, ChangeStance, "", s.Support.String(), name, now), nil
}

// LastSupportChange returns the stakeholder's most recent support change,
// if any was recorded.
func (s Stakeholder) LastSupportChange() (SupportChange, bool) {
	if len(s.History) == 0 {
		return SupportChange{}, false
	}
	return s.History[len(s.History)-1], true
}

// nameSeparators split a list of names: commas and semicolons, ASCII and
// full width, and the ideographic enumeration comma (王总、李工).
const nameSeparators = ",，、;；"

// SplitNames splits a typed list of people ("Wang Li, Li Na", "王总、李工")
// into names: quotes around a name and extra spaces are dropped, and empty
// entries skipped.
func SplitNames(s string) []string {
	var names []string
	for part := range strings.FieldsFuncSeq(s, func(r rune) bool { return strings.ContainsRune(nameSeparators, r) }) {
		name := strings.Join(strings.Fields(strings.Trim(strings.TrimSpace(part), `"'“”„「」『』＂«»`)), " ")
		if name != "" {
			names = append(names, name)
		}
	}
	return names
}

// maxNamesListed bounds how many recorded people an error lists.
const maxNamesListed = 8

// ResolveMet reads the names of the people met on a touch as the lead's
// stakeholders (compared as NormalizePerson does) and returns them as first
// recorded, each once. A name that is not one of the lead's people is an
// EINVALID error that says who is recorded, caused by an
// *UnknownPersonError.
func (l *Lead) ResolveMet(names []string) ([]string, error) {
	var met []string
	seen := map[string]bool{}
	for _, name := range names {
		name = strings.Join(strings.Fields(name), " ")
		key := NormalizePerson(name)
		if key == "" || seen[key] {
			continue
		}
		s, ok := l.Stakeholder(name)
		if !ok {
			return nil, l.unknownPerson(name)
		}
		seen[key] = true
		met = append(met, s.Name)
	}
	return met, nil
}

// UnknownPersonError is the cause of ResolveMet's error about a name that
// is not one of the lead's people (errors.As finds it): the lead's company
// and the name as given, so that the caller can say how to add them.
type UnknownPersonError struct {
	Company, Name string
}

func (e *UnknownPersonError) Error() string {
	return fmt.Sprintf("%q is not one of the people at %s", e.Name, e.Company)
}

func (l *Lead) unknownPerson(name string) error {
	cause := &UnknownPersonError{Company: l.Company, Name: name}
	if len(l.Stakeholders) == 0 {
		e := Errorf(EINVALID, "No one is recorded at %s yet, so I don't know %q.", l.Company, name)
		e.Err = cause
		return e
	}
	var recorded []string
	for _, s := range l.Stakeholders[:min(len(l.Stakeholders), maxNamesListed)] {
		recorded = append(recorded, s.Name)
	}
	list := strings.Join(recorded, ", ")
	if more := len(l.Stakeholders) - len(recorded); more > 0 {
		list += fmt.Sprintf(" and %d more", more)
	}
	e := Errorf(EINVALID, "%q is not one of the people recorded at %s (%s). Check the spelling, and separate names with commas.", name, l.Company, list)
	e.Err = cause
	return e
}

// StanceRequest is one stakeholder to record or update on a team's lead.
type StanceRequest struct {
	Actor Actor
	Team  string
	// LeadID names the lead. Lead, when set, is the lead as the caller read
	// it (from this team), which saves reading it again; the change is made
	// on it in place, so the caller uses only the lead the service returns.
	LeadID      string
	Lead        *Lead
	Stakeholder Stakeholder
	Now         time.Time
}

// StanceSet is what recording a stakeholder did: the lead as saved, the
// person as now recorded (the spelling first recorded, what was kept of
// the earlier record), and the change, whose From and To are the support
// before (empty for someone new) and after.
type StanceSet struct {
	Lead        *Lead
	Stakeholder Stakeholder
	Change      Change
}

// StakeholderService keeps the people at a lead's customer and where they
// stand.
type StakeholderService interface {
	// SetStance records or updates one person on a lead (see
	// Lead.SetStakeholder) and saves it with its history, all or nothing.
	// Only the lead's owner or a manager may: anyone else gets an
	// EFORBIDDEN error and nothing is written, judged on the lead as it is
	// when written. A lead has at most MaxStakeholders people. The lead's
	// next touch (Due) is kept in step with the lead.
	SetStance(ctx context.Context, req StanceRequest) (StanceSet, error)
}
