package salesbot

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// RiskKind names one of the method's warning signs about a deal.
type RiskKind string

// The deal risks, computed from the records, never typed in (DOMAIN.md §3, §5).
const (
	RiskNoEconomicBuyer     RiskKind = "no-economic-buyer"     // nobody with the final say is recorded
	RiskSecondEconomicBuyer RiskKind = "second-economic-buyer" // more than one economic buyer recorded
	RiskEconomicBuyerThin   RiskKind = "economic-buyer-thin"   // the economic buyer was never met beyond "brief"
	RiskNoCoach             RiskKind = "no-coach"              // no inside contact (内线)
	RiskDevil               RiskKind = "devil"                 // a devil on the map: high or medium influence, at −2 or −3
	RiskOnlyLow             RiskKind = "only-low-influence"    // only low-influence people met lately
	RiskAUnconfirmed        RiskKind = "a-unconfirmed"         // an A still at lead or first visit after its first cadence
	RiskFactsMissing        RiskKind = "facts-missing"         // key facts unknown at a stage that needs them
	RiskGradeVsSchedule     RiskKind = "grade-vs-schedule"     // the grade disagrees with the expected decision date
	RiskOverdue             RiskKind = "overdue"               // the touch is overdue by more than its cadence
	RiskStuck               RiskKind = "stuck"                 // in one stage for more than twice the cadence
	RiskClosePassed         RiskKind = "close-passed"          // the expected close date has passed on an open deal
	RiskAtRisk              RiskKind = "at-risk"               // a review called the deal at risk
)

// Risk is one warning about a lead, with what to do about it.
//
// Format and Args are what Message was made of, so that a reader can be
// told it in their language.
type Risk struct {
	Kind    RiskKind
	Message string
	Suggest Grade // for RiskGradeVsSchedule: the grade the decision date suggests
	// Person is the stakeholder the risk is about (a devil, an economic
	// buyer met only briefly), for the form that fixes it; "" otherwise.
	Person string
	Format string
	Args   []any
}

// newRisk is a risk whose message is format with args.
func newRisk(kind RiskKind, format string, args ...any) Risk {
	return Risk{Kind: kind, Message: fmt.Sprintf(format, args...), Format: format, Args: args}
}

// RecentContact is the window in which "people met lately" is judged.
const RecentContact = 30 * Day

// factsNeeded are the key facts expected at each stage (DOMAIN.md §5's
// milestones): the first visit is where the key facts are gathered and
// confirmed (seed 000 初访: 收集并确认关键信息), so schedule, budget, need and
// decision are due there; competition from discovery on (交流: 排除实力较弱的竞争者);
// all six, the key criteria too, from the demo on (演示: 针对客户关心的部份).
var factsNeeded = map[Stage][]KeyFact{
	StageFirstVisit:  {FactSchedule, FactBudget, FactNeed, FactDecision},
	StageDiscovery:   {FactSchedule, FactBudget, FactNeed, FactDecision, FactCompetition},
	StageDemo:        KeyFacts,
	StageQuote:       KeyFacts,
	StageObjections:  KeyFacts,
	StageNegotiation: KeyFacts,
}

// Risks lists what is wrong with an open lead, most structural first; a
// closed lead has none. The people risks hold at every stage from the
// moment the records say so (see peopleRisks).
func Risks(l *Lead, now time.Time, c Cadence) []Risk {
	if !l.Open() {
		return nil
	}
	var risks []Risk
	add := func(kind RiskKind, format string, args ...any) {
		risks = append(risks, newRisk(kind, format, args...))
	}
	risks = append(risks, peopleRisks(l, now)...)
	confirmed := l.Stage == StageFirstVisit && !l.GradeConfirmed.IsZero() && !l.GradeConfirmed.Before(l.StageSince)
	if l.Grade == GradeA && (l.Stage == StageLead || l.Stage == StageFirstVisit) && !confirmed {
		if open := now.Sub(l.CreatedAt); !l.CreatedAt.IsZero() && open > cadenceOf(c, GradeA) {
			add(RiskAUnconfirmed, "Graded A and still at %s %d days after it was registered: the first visit is where an A is confirmed. Visit, then keep or change the grade.",
				Term(l.Stage.Name()), int(open/Day))
		}
	}
	if gaps := missingFacts(l); len(gaps) > 0 {
		labels := make(Terms, len(gaps))
		for i, k := range gaps {
			labels[i] = strings.ToLower(k.Label())
		}
		add(RiskFactsMissing, "At %s the %s should be known; still unknown.", Term(l.Stage.Name()), labels)
	}
	if r, ok := gradeVsSchedule(l, now); ok {
		risks = append(risks, r)
	}
	risks = append(risks, qualificationRisks(l)...)
	if ClosePassed(l.CloseBy, now) {
		add(RiskClosePassed, "The expected close date %s has passed: set a new one, or close the deal as won or lost.", l.CloseBy.String())
	}
	if l.AtRisk {
		add(RiskAtRisk, "Called at risk in a pipeline review: commit it again once it is back on track.")
	}
	if l.Parked(DateOf(now)) {
		return risks // parked: no staleness risks until it wakes
	}
	every := cadenceOf(c, l.Grade)
	if due := l.NextDue(c); now.Sub(due) > every {
		add(RiskOverdue, "The follow-up is %d days overdue, more than a whole %s cadence (%d days).", int(now.Sub(due)/Day), l.Grade, int(every/Day))
	}
	if in := now.Sub(l.StageSince); !l.StageSince.IsZero() && in > 2*every {
		add(RiskStuck, "Stuck at %s for %d days, more than twice the %s cadence.", Term(l.Stage.Name()), int(in/Day), l.Grade)
	}
	return risks
}

func cadenceOf(c Cadence, g Grade) time.Duration {
	if d, ok := c[g]; ok {
		return d
	}
	return DefaultCadence()[g]
}

// peopleRisks are the relationship risks of seeds 001–004 (DOMAIN.md §3).
// They hold at every stage from the moment the records say so: a devil, a
// second economic buyer, an economic buyer met only briefly or meetings
// with only low-influence people are risks even at the lead stage, and so
// is an A or B lead without an economic buyer and an A lead without a coach
// (these are the leads worth them now). Once the first visit is reached,
// every lead should have an economic buyer and a coach recorded, and an
// economic buyer not met at all counts as met only briefly.
func peopleRisks(l *Lead, now time.Time) []Risk {
	visited := l.Stage != StageLead
	var risks []Risk
	var ebs []*Stakeholder
	var eb, coach *Stakeholder
	metLately, highMet := 0, 0
	for i := range l.Stakeholders {
		s := &l.Stakeholders[i]
		switch s.Role {
		case RoleEconomicBuyer:
			ebs = append(ebs, s)
			if eb == nil || s.ContactDepth.Rank() > eb.ContactDepth.Rank() {
				eb = s
			}
		case RoleCoach:
			coach = s
		}
		if !s.LastMet.IsZero() && now.Sub(s.LastMet) <= RecentContact {
			metLately++
			if s.Influence != InfluenceLow {
				highMet++
			}
		}
		if s.Quadrant() == QuadrantDevil {
			r := newRisk(RiskDevil,
				"%s (%s, %s influence) is against us (%s): find out why and who can turn them.", s.Name, Term(s.Role.Name()), Term(string(s.Influence)), s.Support.String())
			r.Person = s.Name
			risks = append(risks, r)
		}
	}
	var first []Risk
	switch {
	case eb == nil:
		if visited || l.Grade == GradeA || l.Grade == GradeB {
			first = append(first, newRisk(RiskNoEconomicBuyer, "No economic buyer recorded: who has the final say and owns the budget?"))
		}
	case len(ebs) > 1:
		names := make(personNames, len(ebs))
		for i, s := range ebs {
			names[i] = s.Name
		}
		r := newRisk(RiskSecondEconomicBuyer,
			"%s are all recorded as economic buyer, and a project usually has only one: which of them has the final say and owns the budget?", names)
		r.Person = ebs[1].Name
		first = append(first, r)
	}
	if eb != nil && (eb.ContactDepth == DepthBrief || visited && eb.ContactDepth.Rank() <= DepthBrief.Rank()) {
		r := newRisk(RiskEconomicBuyerThin,
			"The economic buyer %s was never met beyond a brief contact: relationships must go high.", eb.Name)
		r.Person = eb.Name
		first = append(first, r)
	}
	if coach == nil && (visited || l.Grade == GradeA) {
		first = append(first, newRisk(RiskNoCoach, "No coach (inside contact, 内线) on this account yet."))
	}
	if metLately > 0 && highMet == 0 {
		first = append(first, newRisk(RiskOnlyLow,
			"Only low-influence people were met in the last %d days.", int(RecentContact/Day)))
	}
	return append(first, risks...)
}

// personNames are people named in a message, joined the reader's way.
type personNames []string

func (n personNames) String() string { return strings.Join(n, ", ") }

// InLanguage joins the names with the enumeration comma in Chinese (王总、李总).
func (n personNames) InLanguage(lang string) string {
	if lang == "zh" {
		return strings.Join(n, "、")
	}
	return n.String()
}

// missingFacts are the key facts the lead's stage needs that are unknown.
func missingFacts(l *Lead) []KeyFact {
	var gaps []KeyFact
	for _, k := range factsNeeded[l.Stage] {
		if !l.factKnown(k) {
			gaps = append(gaps, k)
		}
	}
	return gaps
}

var (
	decisionDate = regexp.MustCompile(`(\d{4})[-/.年](\d{1,2})(?:[-/.月](\d{1,2}))?`)
	// decisionWord labels the date nearest it, in its clause, as the
	// decision's: what ends a selection (seed 000's schedule: 签约, 决定ERP厂商,
	// 完成ERP选型).
	decisionWord = regexp.MustCompile(`(?i)\b(?:decide|decides|decided|decision|sign|signs|signed|signing|contract|award|awarded)\b|\bselection\s+(?:ends|closes|complete[sd]?)\b|决策|决定|签约|签合同|签订合同|定标|选定|完成选型|选型完成|选型结束`)
	// selectionWord labels the date nearest it as the start of a selection
	// (开始ERP选型), which a decision follows; it is read only when no
	// decision date is labelled.
	selectionWord = regexp.MustCompile(`(?i)\b(?:select|selecting|selection)\b|选型|招标`)
	// clauseBreak separates the clauses of a schedule fact (full-width commas
	// and semicolons are folded to these before).
	clauseBreak = regexp.MustCompile(`[;,。]`)
)

// ExpectedDecision reads the expected decision date from the schedule key
// fact (`/lead key Acme schedule decide by 2027-03`), a month standing for its
// last day. The decision is what ends a selection, not what starts it: the
// first date labelled by a decision word (decide, sign, contract, 决策, 签约,
// 决定厂商, 完成选型 …) in its clause, so that "selection starts 2027-01;
// decision 2027-03" reads March and "2027-01 开始选型，2027-04 签约" April.
// Without one, the start of the selection ("选型 2027-02": seed 000's A is a
// lead whose selection has started or starts soon), and without that, the
// first date in the fact.
func (l *Lead) ExpectedDecision() (Date, bool) {
	text := foldWidth(l.Facts[FactSchedule].Text)
	m := labelledDate(text, decisionWord)
	if m == nil {
		m = labelledDate(text, selectionWord)
	}
	if m == nil {
		m = decisionDate.FindStringSubmatch(text)
	}
	if m == nil {
		return Date{}, false
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	if mo < 1 || mo > 12 || y < 1900 {
		return Date{}, false
	}
	if m[3] == "" {
		last := DateOf(time.Date(y, time.Month(mo)+1, 0, 0, 0, 0, 0, time.UTC))
		return last, true
	}
	d, err := ParseDate(fmt.Sprintf("%s-%s-%s", m[1], m[2], m[3]))
	return d, err == nil
}

// labelledDate is the submatch of the first date labelled by word in a
// clause of text, or nil: the first date after the word in its clause
// ("decide by 2027-02"), else the last one before it ("2027-02 签约", as
// Chinese puts it).
func labelledDate(text string, word *regexp.Regexp) []string {
	for _, clause := range clauseBreak.Split(text, -1) {
		if w := word.FindStringIndex(clause); w != nil {
			if m := decisionDate.FindStringSubmatch(clause[w[1]:]); m != nil {
				return m
			}
			if all := decisionDate.FindAllStringSubmatch(clause[:w[0]], -1); len(all) > 0 {
				return all[len(all)-1]
			}
		}
	}
	return nil
}

// GradeFor is the grade a decision that many days away suggests: A within 3
// months, B in 4–6, C in 7–12, D later (DOMAIN.md §1).
func GradeFor(days int) Grade {
	switch {
	case days <= 92:
		return GradeA
	case days <= 183:
		return GradeB
	case days <= 366:
		return GradeC
	}
	return GradeD
}

// gradeVsSchedule flags a grade that disagrees with the expected decision
// date (the expected close when one is set: DecisionDate), suggesting, not
// changing, the grade the date calls for. A passed close date is its own
// risk (RiskClosePassed).
func gradeVsSchedule(l *Lead, now time.Time) (Risk, bool) {
	d, fromClose, ok := l.DecisionDate()
	if !ok {
		return Risk{}, false
	}
	days := int(d.In(time.UTC).Sub(DateOf(now.UTC()).In(time.UTC)) / Day)
	if days < 0 && fromClose {
		return Risk{}, false
	}
	if fromClose {
		if g := GradeFor(days); g != l.Grade {
			r := newRisk(RiskGradeVsSchedule,
				"Graded %s but expected to close on %s, in %d days: that suggests %s (%s).", string(l.Grade), d.String(), days, string(g), Term(g.Meaning()))
			r.Suggest = g
			return r, true
		}
		return Risk{}, false
	}
	if days < 0 {
		return newRisk(RiskGradeVsSchedule,
			"The expected decision date %s has passed: update the schedule or the grade.", d.String()), true
	}
	if g := GradeFor(days); g != l.Grade {
		r := newRisk(RiskGradeVsSchedule,
			"Graded %s but the decision is expected on %s, in %d days: that suggests %s (%s).", string(l.Grade), d.String(), days, string(g), Term(g.Meaning()))
		r.Suggest = g
		return r, true
	}
	return Risk{}, false
}

// ClosePassed reports whether a close date has passed at now wherever the
// reader is: once its day has ended in the last time zone to end it
// (UTC−12), so that no one is told a deal is late on its close day.
func ClosePassed(d Date, now time.Time) bool {
	if d.IsZero() {
		return false
	}
	return now.After(d.AddDays(1).In(time.UTC).Add(12 * time.Hour))
}
