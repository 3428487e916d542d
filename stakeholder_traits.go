package salesbot

import "strings"

// DecisionRole is a stakeholder's part in the decision (seeds 000, 003).
type DecisionRole string

// The decision roles.
const (
	DecisionApprover   DecisionRole = "approver"       // 批准者
	DecisionMaker      DecisionRole = "decision-maker" // 决策者
	DecisionEvaluator  DecisionRole = "evaluator"      // 评估人 (seed 003): assesses the options
	DecisionInfluencer DecisionRole = "influencer"     // 影响者
	DecisionGatekeeper DecisionRole = "gatekeeper"     // 把关者
)

// DecisionRoles lists the decision roles.
var DecisionRoles = []DecisionRole{DecisionApprover, DecisionMaker, DecisionEvaluator, DecisionInfluencer, DecisionGatekeeper}

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

// aliasKey is how a typed word is looked up among a field's values and their
// aliases: case, width, surrounding space and the separator between words
// ("decision maker", "decision_maker") do not matter.
func aliasKey(s string) string {
	return strings.NewReplacer(" ", "-", "_", "-").Replace(strings.ToLower(foldWidth(strings.TrimSpace(s))))
}

var decisionRoleAliases = map[string]DecisionRole{
	"dm": DecisionMaker, "decisionmaker": DecisionMaker, "decider": DecisionMaker,
	"批准者": DecisionApprover, "批准人": DecisionApprover,
	"决策者": DecisionMaker, "决策人": DecisionMaker, "决策制定者": DecisionMaker,
	"评估人": DecisionEvaluator, "评估者": DecisionEvaluator, "assessor": DecisionEvaluator,
	"影响者": DecisionInfluencer, "影响人": DecisionInfluencer,
	"gate-keeper": DecisionGatekeeper, "把关者": DecisionGatekeeper, "把关人": DecisionGatekeeper,
}

// ParseDecisionRole reads a decision role: approver, decision-maker (dm),
// evaluator, influencer or gatekeeper, or its Chinese name (批准者, 决策者,
// 评估人, 影响者, 把关者).
func ParseDecisionRole(s string) (DecisionRole, error) {
	key := aliasKey(s)
	for _, d := range DecisionRoles {
		if string(d) == key {
			return d, nil
		}
	}
	if d, ok := decisionRoleAliases[key]; ok {
		return d, nil
	}
	return "", Errorf(EINVALID, "%q is not a decision role. Use approver, decision-maker (dm), evaluator, influencer or gatekeeper.", s)
}

// Name is the decision role as a person reads it.
func (d DecisionRole) Name() string {
	switch d {
	case DecisionApprover:
		return "Approver"
	case DecisionMaker:
		return "Decision maker"
	case DecisionEvaluator:
		return "Evaluator"
	case DecisionInfluencer:
		return "Influencer"
	case DecisionGatekeeper:
		return "Gatekeeper"
	}
	return string(d)
}

// Meaning says what the decision role does.
func (d DecisionRole) Meaning() string {
	switch d {
	case DecisionApprover:
		return "signs off the decision"
	case DecisionMaker:
		return "makes the choice"
	case DecisionEvaluator:
		return "assesses the options"
	case DecisionInfluencer:
		return "shapes the choice"
	case DecisionGatekeeper:
		return "controls access and checks"
	}
	return ""
}

var depthAliases = map[string]ContactDepth{
	"未接触": DepthNone, "没接触": DepthNone,
	"暂短接触": DepthBrief, "短暂接触": DepthBrief, "简短接触": DepthBrief,
	"多次接触": DepthSeveral,
	"深入接触": DepthDeep, "深度接触": DepthDeep,
}

// ParseContactDepth reads a contact depth: none, brief, several or deep, or
// its Chinese name (未接触, 暂短接触, 多次接触, 深入接触).
func ParseContactDepth(s string) (ContactDepth, error) {
	key := aliasKey(s)
	for _, d := range ContactDepths {
		if string(d) == key {
			return d, nil
		}
	}
	if d, ok := depthAliases[key]; ok {
		return d, nil
	}
	return "", Errorf(EINVALID, "%q is not a contact depth. Use none, brief, several or deep.", s)
}

// Name is the depth as a person reads it; an unknown depth reads as none.
func (d ContactDepth) Name() string {
	switch d {
	case DepthBrief:
		return "Brief contact"
	case DepthSeveral:
		return "Several contacts"
	case DepthDeep:
		return "Deep contact"
	}
	return "No contact"
}

// Deeper is the depth one meeting more brings: one step, at most deep.
func (d ContactDepth) Deeper() ContactDepth {
	return ContactDepths[min(d.Rank()+1, len(ContactDepths)-1)]
}

var attitudeAliases = map[string]Attitude{
	"改革者": AttitudeInnovator, "创新者": AttitudeInnovator,
	"early-adopter": AttitudeVisionary, "前瞻者": AttitudeVisionary, "远见者": AttitudeVisionary,
	"early-majority": AttitudePragmatist, "实用主义者": AttitudePragmatist, "实用者": AttitudePragmatist,
	"late-majority": AttitudeConservative, "保守者": AttitudeConservative, "保守派": AttitudeConservative,
	"滞后者": AttitudeLaggard, "落后者": AttitudeLaggard,
}

// ParseAttitude reads an attitude to change: innovator, visionary,
// pragmatist, conservative or laggard, or its Chinese name (改革者, 前瞻者,
// 实用主义者, 保守者, 滞后者).
func ParseAttitude(s string) (Attitude, error) {
	key := aliasKey(s)
	for _, a := range Attitudes {
		if string(a) == key {
			return a, nil
		}
	}
	if a, ok := attitudeAliases[key]; ok {
		return a, nil
	}
	return "", Errorf(EINVALID, "%q is not an attitude to change. Use innovator, visionary, pragmatist, conservative or laggard.", s)
}

// Name is the attitude as a person reads it.
func (a Attitude) Name() string {
	if a == "" {
		return ""
	}
	return strings.ToUpper(string(a[:1])) + string(a[1:])
}

// Meaning says how someone with the attitude meets a new system.
func (a Attitude) Meaning() string {
	switch a {
	case AttitudeInnovator:
		return "tries the new first"
	case AttitudeVisionary:
		return "buys a vision of change"
	case AttitudePragmatist:
		return "wants proof from peers"
	case AttitudeConservative:
		return "follows once it is standard"
	case AttitudeLaggard:
		return "resists change"
	}
	return ""
}
