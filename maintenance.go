package salesbot

import (
	"context"
	"hash/fnv"
	"strings"
	"unicode/utf8"
)

// MaintenanceAction is one way of keeping in touch with a lead that is not
// ready to buy (客户关系维护方式, seed 000): what to do, and the kind of
// touch to log it as (`/visit … kind:news`); Kind is empty when the team's
// item names none.
type MaintenanceAction struct {
	Kind VisitKind `json:"kind,omitempty"`
	Text string    `json:"text"`
}

// MaintenancePlan is a team's maintenance actions per grade: what a
// reminder for a C or D lead suggests, in turn.
type MaintenancePlan map[Grade][]MaintenanceAction

// The default maintenance actions, from seed 000's 客户关系维护方式: a C lead
// gets fixed-cycle maintenance and the firming up of its resolve with
// reference customers, events and launches (借案例客户坚定其决心, 活动DM,
// 发表会); a D lead has its view changed with suitable articles and
// reference customers (借适当的文章, 案例客户等改变其观念). The shared list of
// the seed (寄新知, 行业别新签约报导, 年节贺卡, 开课程, 办活动, 借助客观的第三者推荐)
// fills both.
var (
	defaultMaintenanceC = []MaintenanceAction{
		{KindCase, "Send a case study of a customer like them"},
		{KindEvent, "Invite them to a seminar or a product launch"},
		{KindNews, "Send industry news: who in their trade signed lately"},
		{KindReference, "Offer a visit to a reference customer"},
		{KindCall, "Call to ask how their current system is doing"},
		{KindGreeting, "Send a festival greeting"},
	}
	defaultMaintenanceD = []MaintenanceAction{
		{KindNews, "Send an article that speaks to their problem"},
		{KindCase, "Send a case study of a reference customer"},
		{KindGreeting, "Send a festival greeting"},
		{KindEvent, "Invite them to an open course or an event"},
		{KindNews, "Pass on market news of their industry"},
	}
)

// DefaultMaintenance is the maintenance plan of a team that set none: seed
// 000's actions for C and D leads.
func DefaultMaintenance() MaintenancePlan {
	return MaintenancePlan{
		GradeC: append([]MaintenanceAction(nil), defaultMaintenanceC...),
		GradeD: append([]MaintenanceAction(nil), defaultMaintenanceD...),
	}
}

// DefaultMaintenanceTexts lists the English of every default action, for
// the catalog of their translations.
func DefaultMaintenanceTexts() []string {
	var out []string
	for _, list := range [][]MaintenanceAction{defaultMaintenanceC, defaultMaintenanceD} {
		for _, a := range list {
			out = append(out, a.Text)
		}
	}
	return out
}

// MaintenanceGrades are the grades whose reminders suggest a maintenance
// action, and whose lists a team may set.
var MaintenanceGrades = []Grade{GradeC, GradeD}

// BQuestion is what a reminder for a B lead asks: a B lead waits for some
// event (a new plant, the budget, a decision) before it starts selecting,
// and the follow-up is there to catch the move to A (seed 000: 保持够密切的
// 联系,以便掌握该客户由B级升级为A级的时机).
const BQuestion = "Has the event they are waiting for happened (the new plant, the budget, the decision)? If so, selection is starting: regrade to A."

// Limits on a team's maintenance lists.
const (
	MaxMaintenanceActions = 12
	maxMaintenanceText    = 200
)

// NextSuggestion returns the action of list to suggest for l's follow-up:
// the one after the action last suggested (l.Suggested), so that the same
// lead never gets the same suggestion twice in a row when the list has two
// or more; a lead given none yet (or whose last is no longer listed) starts
// at a place of its own, so that a rep's leads do not all get the same
// one. false when the list is empty.
func NextSuggestion(l *Lead, list []MaintenanceAction) (MaintenanceAction, bool) {
	if len(list) == 0 {
		return MaintenanceAction{}, false
	}
	for i, a := range list {
		if l.Suggested != "" && a.Text == l.Suggested {
			return list[(i+1)%len(list)], true
		}
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(l.ID)) // never fails
	return list[int(h.Sum32()%uint32(len(list)))], true
}

// Suggestion is what a reminder suggests doing about a lead besides
// touching it: a maintenance action for a C or D lead, the question that
// catches a B lead's move to A.
type Suggestion struct {
	Action   MaintenanceAction // for C and D; zero otherwise
	Question string            // for B (BQuestion); empty otherwise
}

// IsZero reports whether there is nothing to suggest.
func (s Suggestion) IsZero() bool { return s.Action.Text == "" && s.Question == "" }

// SuggestionFor is what a reminder of l's follow-up suggests, from the
// team's plan: the next maintenance action of its grade's list for a C or
// D lead (NextSuggestion), the B question for a B lead, nothing for an A
// lead (active selling, not maintenance) or a closed one.
func SuggestionFor(l *Lead, plan MaintenancePlan) Suggestion {
	if !l.Open() {
		return Suggestion{}
	}
	switch l.Grade {
	case GradeB:
		return Suggestion{Question: BQuestion}
	case GradeC, GradeD:
		list := plan[l.Grade]
		if list == nil {
			list = DefaultMaintenance()[l.Grade]
		}
		if a, ok := NextSuggestion(l, list); ok {
			return Suggestion{Action: a}
		}
	}
	return Suggestion{}
}

// MarkSuggested records the maintenance action a reminder suggested for
// the lead, so that the next reminder suggests another (NextSuggestion).
// The reminder's sender calls it when the reminder went out; a zero action
// changes nothing.
func (l *Lead) MarkSuggested(a MaintenanceAction) {
	if a.Text != "" {
		l.Suggested = a.Text
	}
}

// ParseMaintenanceList reads a team's list of maintenance actions as a
// manager types it: items separated by semicolons (; ；) or new lines, each
// optionally starting with its kind of touch and a colon ("news: send the
// trends report", "活动：邀请参加春季研讨会"). Items repeated are kept once.
func ParseMaintenanceList(s string) ([]MaintenanceAction, error) {
	items := strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '；' || r == '\n' })
	var out []MaintenanceAction
	seen := map[string]bool{}
	for _, item := range items {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		a := MaintenanceAction{Text: item}
		if i := strings.IndexAny(item, ":："); i > 0 {
			if k, err := ParseVisitKind(item[:i]); err == nil {
				_, size := utf8.DecodeRuneInString(item[i:])
				a = MaintenanceAction{Kind: k, Text: strings.TrimSpace(item[i+size:])}
			}
		}
		var err error
		if a.Text, err = cleanText("maintenance action", a.Text, maxMaintenanceText); err != nil {
			return nil, err
		}
		if a.Text == "" || seen[a.Text] {
			continue
		}
		seen[a.Text] = true
		out = append(out, a)
	}
	switch {
	case len(out) == 0:
		return nil, Errorf(EINVALID, "Give at least one action, separated by semicolons, such as `news: send industry news; event: invite to the spring seminar; greeting: a festival card`.")
	case len(out) > MaxMaintenanceActions:
		return nil, Errorf(EINVALID, "%d actions are more than %d: keep the ones your team really uses.", len(out), MaxMaintenanceActions)
	}
	return out, nil
}

// MaintenanceService keeps each team's maintenance actions.
type MaintenanceService interface {
	// Maintenance returns the team's plan: its own list for a grade where
	// a manager set one, the default (DefaultMaintenance) elsewhere.
	Maintenance(ctx context.Context, team string) (MaintenancePlan, error)
	// SetMaintenance replaces the list of grade g (C or D) with list, or
	// goes back to the default with an empty list. Only managers may
	// (EFORBIDDEN); another grade, or a list too long, is refused
	// (EINVALID) and nothing changes. It returns the plan as it now is.
	SetMaintenance(ctx context.Context, team string, by Actor, g Grade, list []MaintenanceAction) (MaintenancePlan, error)
}
