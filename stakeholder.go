package salesbot

import (
	"fmt"
	"strconv"
	"strings"
	"time"
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
	"technical": RoleTechnicalBuyer, "technical-buyer": RoleTechnicalBuyer, "technicalbuyer": RoleTechnicalBuyer, "influencer": RoleTechnicalBuyer, "技术决策者": RoleTechnicalBuyer,
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
	QuadrantNeutral    Quadrant = "neutral"    // support 0
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

// DecisionRole is a stakeholder's part in the decision (seeds 000, 003).
type DecisionRole string

// The decision roles.
const (
	DecisionApprover   DecisionRole = "approver"       // 批准者
	DecisionMaker      DecisionRole = "decision-maker" // 决策者
	DecisionInfluencer DecisionRole = "influencer"     // 影响者
	DecisionGatekeeper DecisionRole = "gatekeeper"     // 把关者
)

// DecisionRoles lists the decision roles.
var DecisionRoles = []DecisionRole{DecisionApprover, DecisionMaker, DecisionInfluencer, DecisionGatekeeper}

// ContactDepth is how well the rep knows a stakeholder (seed 003).
type ContactDepth string

// The contact depths, shallowest first.
const (
	DepthNone    ContactDepth = "none"
	DepthBrief   ContactDepth = "brief"
	DepthSeveral ContactDepth = "several"
	DepthDeep    ContactDepth = "deep"
)

// ContactDepths lists the depths, shallowest first.
var ContactDepths = []ContactDepth{DepthNone, DepthBrief, DepthSeveral, DepthDeep}

// Rank orders depths: none is 0, deep 3; an unknown depth counts as none.
func (d ContactDepth) Rank() int {
	for i, x := range ContactDepths {
		if x == d {
			return i
		}
	}
	return 0
}

// Attitude is a stakeholder's attitude to change (seed 003).
type Attitude string

// The attitudes to change.
const (
	AttitudeInnovator    Attitude = "innovator"
	AttitudeVisionary    Attitude = "visionary"
	AttitudePragmatist   Attitude = "pragmatist"
	AttitudeConservative Attitude = "conservative"
	AttitudeLaggard      Attitude = "laggard"
)

// Attitudes lists the attitudes to change.
var Attitudes = []Attitude{AttitudeInnovator, AttitudeVisionary, AttitudePragmatist, AttitudeConservative, AttitudeLaggard}

// Quadrant places the stakeholder. Medium influence counts with high: a
// partial say in the decision is still a say.
func (s Stakeholder) Quadrant() Quadrant {
	high := s.Influence == InfluenceHigh || s.Influence == InfluenceMedium
	switch {
	case s.Support == 0:
		return QuadrantNeutral
	case high && s.Support > 0:
		return QuadrantAngel
	case high:
		return QuadrantDevil
	case s.Support > 0:
		return QuadrantSweetheart
	}
	return QuadrantImp
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

// SetStakeholder records or updates one person's role, influence and
// support. A changed support level shows in the history as from → to.
func (l *Lead) SetStakeholder(a Actor, s Stakeholder, now time.Time) (Change, error) {
	if err := l.checkEdit(a); err != nil {
		return Change{}, err
	}
	name, err := cleanText("person's name", strings.Join(strings.Fields(s.Name), " "), maxPersonNameLen)
	if err != nil {
		return Change{}, err
	}
	if name == "" {
		return Change{}, Errorf(EINVALID, "Who is it? Put the person's name in quotes, e.g. `/stance \"%s\" \"Wang Li\" eb high +2`.", l.Company)
	}
	if s.Notes, err = cleanText("note", s.Notes, maxStakeholderLen); err != nil {
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
	s.Name, s.UpdatedBy, s.UpdatedAt = name, a.User, now
	key := NormalizePerson(name)
	for i, old := range l.Stakeholders {
		if NormalizePerson(old.Name) == key {
			s.Name = old.Name // the spelling first recorded stays
			if s.Notes == "" {
				s.Notes = old.Notes
			}
			l.Stakeholders[i] = s
			return l.change(a, ChangeStance, old.Support.String(), s.Support.String(), s.Name, now), nil
		}
	}
	if len(l.Stakeholders) >= MaxStakeholders {
		return Change{}, Errorf(EINVALID, "%s already has %d people recorded; update one of them instead.", l.Company, MaxStakeholders)
	}
	l.Stakeholders = append(l.Stakeholders, s)
	return l.change(a, ChangeStance, "", s.Support.String(), name, now), nil
}
