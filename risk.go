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
	RiskNoEconomicBuyer   RiskKind = "no-economic-buyer"   // nobody with the final say is recorded
	RiskEconomicBuyerThin RiskKind = "economic-buyer-thin" // the economic buyer was never met beyond "brief"
	RiskNoCoach           RiskKind = "no-coach"            // no inside contact (内线)
	RiskDevil             RiskKind = "devil"               // a high-influence person at −2 or −3
	RiskOnlyLow           RiskKind = "only-low-influence"  // only low-influence people met lately
	RiskFactsMissing      RiskKind = "facts-missing"       // key facts unknown at a stage that needs them
	RiskGradeVsSchedule   RiskKind = "grade-vs-schedule"   // the grade disagrees with the expected decision date
	RiskOverdue           RiskKind = "overdue"             // the touch is overdue by more than its cadence
	RiskStuck             RiskKind = "stuck"               // in one stage for more than twice the cadence
	RiskClosePassed       RiskKind = "close-passed"        // the expected close date has passed on an open deal
	RiskAtRisk            RiskKind = "at-risk"             // a review called the deal at risk
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

// factsNeeded are the key facts a deal should not move on without, by stage
// (seed 001's key nodes: budget known before a quote, the decision process
// before a demo …).
var factsNeeded = map[Stage][]KeyFact{
	StageDiscovery:   {FactNeed},
	StageDemo:        {FactNeed, FactDecision},
	StageQuote:       {FactBudget, FactNeed, FactDecision, FactSchedule},
	StageObjections:  {FactBudget, FactNeed, FactDecision, FactSchedule, FactCompetition},
	StageNegotiation: KeyFacts,
}

// Risks lists what is wrong with an open lead, most structural first; a
// closed lead has none. People risks start after the lead stage, once the
// rep has met the customer.
func Risks(l *Lead, now time.Time, c Cadence) []Risk {
	if !l.Open() {
		return nil
	}
	var risks []Risk
	add := func(kind RiskKind, format string, args ...any) {
		risks = append(risks, newRisk(kind, format, args...))
	}
	if l.Stage != StageLead {
		risks = append(risks, peopleRisks(l, now)...)
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

// peopleRisks are the relationship risks of seeds 001–004.
func peopleRisks(l *Lead, now time.Time) []Risk {
	var risks []Risk
	var eb, coach *Stakeholder
	metLately, highMet := 0, 0
	for i := range l.Stakeholders {
		s := &l.Stakeholders[i]
		switch s.Role {
		case RoleEconomicBuyer:
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
		if s.Influence == InfluenceHigh && s.Support <= -2 {
			r := newRisk(RiskDevil,
				"%s (%s, high influence) is against us (%s): find out why and who can turn them.", s.Name, Term(s.Role.Name()), s.Support.String())
			r.Person = s.Name
			risks = append(risks, r)
		}
	}
	var first []Risk
	switch {
	case eb == nil:
		first = append(first, newRisk(RiskNoEconomicBuyer, "No economic buyer recorded: who has the final say and owns the budget?"))
	case eb.ContactDepth.Rank() <= DepthBrief.Rank():
		r := newRisk(RiskEconomicBuyerThin,
			"The economic buyer %s was never met beyond a brief contact: relationships must go high.", eb.Name)
		r.Person = eb.Name
		first = append(first, r)
	}
	if coach == nil {
		first = append(first, newRisk(RiskNoCoach, "No coach (inside contact, 内线) on this account yet."))
	}
	if metLately > 0 && highMet == 0 {
		first = append(first, newRisk(RiskOnlyLow,
			"Only low-influence people were met in the last %d days.", int(RecentContact/Day)))
	}
	return append(first, risks...)
}

// missingFacts are the key facts the lead's stage needs that are unknown.
func missingFacts(l *Lead) []KeyFact {
	var gaps []KeyFact
	for _, k := range factsNeeded[l.Stage] {
		if strings.TrimSpace(l.Facts[k].Text) == "" {
			gaps = append(gaps, k)
		}
	}
	return gaps
}

var (
	decisionDate = regexp.MustCompile(`(\d{4})[-/.年](\d{1,2})(?:[-/.月](\d{1,2}))?`)
	// decisionWord labels the date after it, in its clause, as the decision's.
	decisionWord = regexp.MustCompile(`(?i)\b(?:decide|decides|decision|sign|signing|contract|select|selection)\b|决策|决定|签约|签合同|选型|定标`)
	// clauseBreak separates the clauses of a schedule fact (full-width commas
	// and semicolons are folded to these before).
	clauseBreak = regexp.MustCompile(`[;,。]`)
)

// ExpectedDecision reads the expected decision date from the schedule key
// fact (`/lead key Acme schedule decide by 2027-03`), a month standing for its
// last day: the first date that follows a decision word (decide, sign,
// contract, select, 决策, 签约, 选型 …) in the same clause, so that "go-live
// 2027-09; decision 2027-02" is read as February; without one, the first
// date in the fact.
func (l *Lead) ExpectedDecision() (Date, bool) {
	text := foldWidth(l.Facts[FactSchedule].Text)
	m := labelledDate(text)
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

// labelledDate is the submatch of the first date that follows a decision
// word in the same clause of text, or nil.
func labelledDate(text string) []string {
	for _, clause := range clauseBreak.Split(text, -1) {
		if w := decisionWord.FindStringIndex(clause); w != nil {
			// After the word first ("decide by 2027-02"), else before it
			// ("2027-02 签约", as Chinese puts it).
			if m := decisionDate.FindStringSubmatch(clause[w[1]:]); m != nil {
				return m
			}
			if m := decisionDate.FindStringSubmatch(clause[:w[0]]); m != nil {
				return m
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
