package salesbot

import (
	"fmt"
	"strings"
	"time"
)

// Milestones (关键节点, DOMAIN.md §5): what must be true to leave each stage.
// Seed 001: "没有到达设定的关键节点…无法进入到下一个时期".

// Milestone is one item of a stage's exit checklist, and whether the lead
// meets it.
type Milestone struct {
	Item string // what must be true, e.g. "the budget known"
	Fix  string // what to do when it is not
	Met  bool
	Seed string // the manual it comes from
}

// Gates is how stage milestones bind a rep (SALESBOT_GATES).
type Gates string

// The gate modes.
const (
	GatesApprove Gates = "approve" // moving past unmet items needs a manager
	GatesWarn    Gates = "warn"    // the rep moves, warned of what is unmet
	GatesOff     Gates = "off"     // milestones are shown, never enforced
)

// ParseGates reads SALESBOT_GATES; empty is GatesApprove.
func ParseGates(s string) (Gates, error) {
	switch g := Gates(strings.ToLower(strings.TrimSpace(s))); g {
	case "":
		return GatesApprove, nil
	case GatesApprove, GatesWarn, GatesOff:
		return g, nil
	}
	return "", fmt.Errorf("%q: use approve, warn or off", s)
}

// Milestones is the exit checklist of stage s for the lead (DOMAIN.md §5's
// table), each item with whether it is met. Closed stages have none.
func Milestones(l *Lead, s Stage) []Milestone {
	fact := func(k KeyFact, seed string) Milestone {
		return Milestone{Item: "the " + strings.ToLower(k.Label()) + " known", Fix: "record it: /lead key <company> " + string(k) + " <what you learned>", Met: l.factKnown(k), Seed: seed}
	}
	since := l.StageSince
	metHere := func(p Stakeholder) bool { return !p.LastMet.IsZero() && !p.LastMet.Before(since) }
	switch s {
	case StageLead:
		return []Milestone{
			{Item: "graded", Fix: "grade it: /lead grade <company> <A|B|C|D>", Met: l.Grade.Valid(), Seed: "000 取得潜在客户名单: 判断客户等级"},
			fact(FactNeed, "000 取得潜在客户名单: 大致了解需求"),
		}
	case StageFirstVisit:
		seed := "000 初访: 收集并确认关键信息"
		return []Milestone{
			fact(FactSchedule, seed), fact(FactBudget, seed), fact(FactNeed, seed), fact(FactDecision, seed),
			{Item: "the grade confirmed or changed after the visit", Fix: "set the grade again: /lead grade <company> <A|B|C|D> (the same grade confirms it)",
				Met: !l.GradeConfirmed.IsZero() && !l.GradeConfirmed.Before(since), Seed: "000 初访: 目的是确定是不是A级客户"},
		}
	case StageDiscovery:
		highMet, coach := false, false
		for _, p := range l.Stakeholders {
			if metHere(p) && (p.Role == RoleEconomicBuyer || p.Influence == InfluenceHigh) {
				highMet = true
			}
			if p.Role == RoleCoach {
				coach = true
			}
		}
		return []Milestone{
			{Item: "an economic buyer or another high-influence person met at this stage", Fix: "meet them and log it: /visit <company> met: \"<name>\"", Met: highMet, Seed: "000 交流: 要求决策高层参加"},
			{Item: "a coach (inside contact) recorded", Fix: "record one: /stance <company> \"<name>\" coach …", Met: coach, Seed: "001 关键节点: 内线与关键人关系"},
			{Item: "the competition known", Fix: "record it: /lead key <company> competition <who>", Met: l.factKnown(FactCompetition), Seed: "000 交流: 排除实力较弱的竞争者"},
		}
	case StageDemo:
		return []Milestone{fact(FactCriteria, "001 关键节点: 影响采购标准"), fact(FactDecision, "000 演示: 针对客户关心的部份")}
	case StageQuote:
		return []Milestone{
			{Item: "a quote signed off by a manager", Fix: "send one: /quote <company> <amount> [discount <n>%]", Met: l.LatestApprovedQuote() != nil, Seed: "000 报价单要经过主管的审核签字"},
			fact(FactBudget, "000 正式书面报价"),
		}
	case StageObjections:
		ebDeep := false
		for _, p := range l.Stakeholders {
			if p.Role == RoleEconomicBuyer && p.ContactDepth.Rank() > DepthBrief.Rank() {
				ebDeep = true
			}
		}
		return []Milestone{
			{Item: "the objections raised logged and answered (a touch logged at this stage)", Fix: "log how they were answered: /visit <company> <notes>",
				Met: !l.LastTouch.IsZero() && !l.LastTouch.Before(since), Seed: "000 客户的疑虑排除"},
			{Item: "the economic buyer met more than briefly", Fix: "meet them again and log it: /visit <company> met: \"<name>\"", Met: ebDeep, Seed: "002 关系要做高"},
		}
	case StageNegotiation:
		logged, allBack := len(l.Concessions) > 0, true
		for _, c := range l.Concessions {
			if c.NothingBack() {
				allBack = false
			}
		}
		return []Milestone{
			{Item: "the concessions logged", Fix: "log each: /concede <company> <what we give> for <what we get>", Met: logged, Seed: "000 商务谈判: 慢慢让，越让越少"},
			{Item: "each concession with what we got for it", Fix: "give nothing without getting something: /concede <company> <what we give> for <what we get>", Met: logged && allBack, Seed: "000 商务谈判: 有'给'就应该'要'东西回来"},
		}
	}
	return nil
}

// Unmet lists the items of a checklist not met.
func Unmet(ms []Milestone) []Milestone {
	var out []Milestone
	for _, m := range ms {
		if !m.Met {
			out = append(out, m)
		}
	}
	return out
}

// Items are the items of a checklist, as Terms for a message.
func Items(ms []Milestone) Terms {
	t := make(Terms, len(ms))
	for i, m := range ms {
		t[i] = m.Item
	}
	return t
}

// ConfirmGrade records that the grade was looked at again and kept: what
// the first visit is for (seed 000). Only at the first visit; elsewhere a
// grade that does not change is refused as before.
func (l *Lead) confirmGrade(a Actor, reason string, now time.Time) (Change, error) {
	l.GradeConfirmed = now
	return l.change(a, ChangeGrade, string(l.Grade), string(l.Grade), strings.TrimSpace("confirmed "+reason), now), nil
}

// GateUnmet lists the unmet items of the stage a forward move leaves
// (none for a move back, or from a closed stage): what a rep needs a
// manager for under GatesApprove, or is warned of under GatesWarn.
func GateUnmet(l *Lead, to Stage) []Milestone {
	if to.Index() <= l.Stage.Index() || l.Stage.Closed() {
		return nil
	}
	// Every stage left on the way: a skip passes the checklists of the
	// stages skipped too.
	var unmet []Milestone
	seen := map[string]bool{}
	for i := l.Stage.Index(); i < to.Index(); i++ {
		for _, m := range Unmet(Milestones(l, Stages[i])) {
			if !seen[m.Item] { // the need is due at the lead and the first visit both
				seen[m.Item] = true
				unmet = append(unmet, m)
			}
		}
	}
	return unmet
}

// OverrideReason is what the history keeps when a manager moves a deal on
// past unmet milestones: "override: the budget known; …".
func OverrideReason(unmet []Milestone) string {
	if len(unmet) == 0 {
		return ""
	}
	items := make([]string, len(unmet))
	for i, m := range unmet {
		items[i] = m.Item
	}
	return "override: " + strings.Join(items, "; ")
}
