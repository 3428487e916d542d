package salesbot

import (
	"context"
	"strings"
	"time"
)

// Stage is where a deal stands in the sales process of DOMAIN.md §5 (销售流程).
type Stage string

// The stages, in order, then the two closed outcomes.
const (
	StageLead        Stage = "lead"        // 取得潜在客户名单
	StageFirstVisit  Stage = "first-visit" // 初访
	StageDiscovery   Stage = "discovery"   // 交流
	StageDemo        Stage = "demo"        // 有针对性的系统演示
	StageQuote       Stage = "quote"       // 正式书面报价
	StageObjections  Stage = "objections"  // 客户的疑虑排除
	StageNegotiation Stage = "negotiation" // 商务谈判
	StageWon         Stage = "won"         // 签约
	StageLost        Stage = "lost"        // 失败
)

// Stages lists the open stages in the order a deal moves through them.
var Stages = []Stage{StageLead, StageFirstVisit, StageDiscovery, StageDemo, StageQuote, StageObjections, StageNegotiation}

var stageNames = map[Stage]string{
	StageLead: "Lead", StageFirstVisit: "First visit", StageDiscovery: "Discovery",
	StageDemo: "Demo", StageQuote: "Quote", StageObjections: "Objections",
	StageNegotiation: "Negotiation", StageWon: "Won", StageLost: "Lost",
}

var stageAliases = map[string]Stage{
	"firstvisit": StageFirstVisit, "first": StageFirstVisit, "visit": StageFirstVisit,
	"exchange": StageDiscovery, "proposal": StageQuote, "objection": StageObjections,
	"negotiate": StageNegotiation, "closing": StageNegotiation,
	"取得潜在客户名单": StageLead, "潜在客户": StageLead, "初访": StageFirstVisit, "交流": StageDiscovery,
	"演示": StageDemo, "系统演示": StageDemo, "报价": StageQuote, "正式书面报价": StageQuote,
	"疑虑排除": StageObjections, "客户的疑虑排除": StageObjections, "商务谈判": StageNegotiation, "谈判": StageNegotiation,
}

// ParseStage reads an open stage by its name (first-visit), a spaced or
// underscored form (first visit, first_visit) or its Chinese name (初访).
// Won and lost are not stages one moves to: they are closed with /lead won
// and /lead lost.
func ParseStage(s string) (Stage, error) {
	key := strings.ToLower(foldWidth(strings.TrimSpace(s)))
	key = strings.NewReplacer(" ", "-", "_", "-").Replace(key)
	for _, st := range Stages {
		if string(st) == key {
			return st, nil
		}
	}
	if st, ok := stageAliases[strings.ReplaceAll(key, "-", "")]; ok {
		return st, nil
	}
	if key == "won" || key == "lost" {
		return "", Errorf(EINVALID, "%s closes a deal; it is not a stage to move to.", key)
	}
	return "", Errorf(EINVALID, "%q is not a stage. Use one of: %s.", s, stageList())
}

func stageList() string {
	names := make([]string, len(Stages))
	for i, st := range Stages {
		names[i] = string(st)
	}
	return strings.Join(names, ", ")
}

// Name is the stage as a person reads it ("First visit").
func (s Stage) Name() string {
	if n, ok := stageNames[s]; ok {
		return n
	}
	return string(s)
}

// Index is the stage's position in Stages, or -1 for won, lost and unknown.
func (s Stage) Index() int {
	for i, st := range Stages {
		if st == s {
			return i
		}
	}
	return -1
}

// Closed reports whether the deal is over (won or lost).
func (s Stage) Closed() bool { return s == StageWon || s == StageLost }

// StageMove is what moving a lead from one stage to another amounts to.
type StageMove int

// The kinds of stage move.
const (
	MoveForward StageMove = iota // one stage on: anyone who may edit the lead
	MoveBack                     // back any number of stages: allowed, and recorded
	MoveSkip                     // forward past one or more stages: a manager's call
)

// ApprovalNeeded says why moving a deal from one stage to another needs a
// manager, or "" when a rep may make the move alone. Skipping stages needs a
// manager (DOMAIN.md §5, the seed's "NO / NO*"), and so does entering the
// quote stage: a formal written quote must be approved by a manager.
func ApprovalNeeded(from, to Stage) string {
	fi, ti := from.Index(), to.Index()
	switch {
	case fi < 0 || ti < 0 || ti <= fi && to != StageQuote:
		return ""
	case ti > fi+1:
		return "stages are taken one at a time; skipping needs a manager"
	case to == StageQuote && from != StageQuote:
		return "a formal quote must be approved by a manager"
	}
	return ""
}

// CheckStageMove says whether a move from one stage to another is allowed to
// an actor, and what kind of move it is. Reps move forward one stage at a time
// or back; a move that ApprovalNeeded names is refused unless the actor is a
// manager.
func CheckStageMove(from, to Stage, manager bool) (StageMove, error) {
	if from.Closed() {
		return 0, Errorf(EINVALID, "This deal is closed (%s). A manager can reassign a lost lead from the pool.", Term(from.Name()))
	}
	fi, ti := from.Index(), to.Index()
	if ti < 0 {
		return 0, Errorf(EINVALID, "%q is not a stage. Use one of: %s.", to, stageList())
	}
	if ti == fi {
		return 0, Errorf(EINVALID, "The lead is already at %s.", Term(to.Name()))
	}
	if why := ApprovalNeeded(from, to); why != "" && !manager {
		if ti > fi+1 {
			return 0, Errorf(EFORBIDDEN, "Stages are taken one at a time: from %s the next is %s. Skipping to %s needs a manager.",
				Term(from.Name()), Term(Stages[fi+1].Name()), Term(to.Name()))
		}
		return 0, Errorf(EFORBIDDEN, "Moving to %s needs a manager's approval: %s.", Term(to.Name()), Term(why))
	}
	switch {
	case ti < fi:
		return MoveBack, nil
	case ti == fi+1:
		return MoveForward, nil
	}
	return MoveSkip, nil
}

// StageOutcome is what a stage move, a win or a loss did.
type StageOutcome struct {
	// Lead is the lead as saved; as read when the move waits for a manager.
	Lead *Lead
	// Request, when the move needs a manager, is the request for it: new,
	// or the one already waiting (the lead is then unmoved).
	Request *Approval
	// Ask lists the managers to send a new request to; none when the same
	// request was waiting already.
	Ask []string
	// Risks are the deal's risks as it would stand at the stage asked for,
	// for the managers to weigh before approving (a quote needs the budget
	// known, for one).
	Risks []Risk
	// Stale says that requests asked for the lead may no longer fit it:
	// ApprovalService.WithdrawStale is due once the person is answered.
	Stale bool
	// Unmet are the milestones of the stage left (or to be left) that are
	// not met: why the move waits for a manager, what a rep is warned of,
	// or what a manager moved on regardless (kept in the history).
	Unmet []Milestone
}

// StageService moves deals through the stages of DOMAIN.md §5 and closes
// them. Its rules: only the lead's owner or a manager changes it; a rep
// moves one stage on, or back, alone, and a move that ApprovalNeeded names
// (a skip, a formal quote) becomes a request to the team's managers, who
// hear of it; a manager moves anywhere. A rep wins a deal from
// negotiation, a manager from any stage; a lost deal goes to the pool.
// The lead's next touch is rescheduled with every change.
type StageService interface {
	// MoveStage moves l, a lead as the store returned it, to another open
	// stage, or asks managers (the team's: who hear of it) to approve the
	// move. l must not be used afterwards: use the outcome's Lead.
	MoveStage(ctx context.Context, by Actor, l *Lead, to Stage, managers []string, now time.Time) (StageOutcome, error)
	// Win closes l as won.
	Win(ctx context.Context, by Actor, l *Lead, now time.Time) (StageOutcome, error)
	// Lose closes l as lost, with the reason given (may be empty).
	Lose(ctx context.Context, by Actor, l *Lead, reason string, now time.Time) (StageOutcome, error)
}
