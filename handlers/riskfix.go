package handlers

import (
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/i18n"
)

// A fix for every risk (issue 11): each risk shown on a card, in a reminder
// or in a digest comes with one button that opens the form resolving it,
// filled in. The button carries the lead's ID, the risk's kind and, for a
// kind that can be there more than once (a devil), which one of that kind
// it is: "<lead>|<kind>" or "<lead>|<kind>|<n>". Never a name: the person a
// risk is about is found again at click time from the lead's risks as they
// are then.

// actionRiskFix is the action ID of a risk's button, followed by ":<i>" so
// that the buttons of one actions block (a reminder's, a digest's) differ.
const actionRiskFix = "risk_fix"

// riskFixAction is the action ID of the i-th risk button of a block.
func riskFixAction(i int) string { return actionRiskFix + ":" + strconv.Itoa(i) }

// isRiskFix reports whether an action ID is a risk's button.
func isRiskFix(actionID string) bool {
	return actionID == actionRiskFix || strings.HasPrefix(actionID, actionRiskFix+":")
}

// risksWithButtons bounds the risks a card shows with a button each (a
// section apiece); the rest are listed as text, within Slack's 50 blocks.
const risksWithButtons = 5

// fixing is what a risk's form is filled in from: the lead as read at click
// time and the risk as it stands then. A risk that no longer applies still
// opens its form, filled in with what its kind alone says (the role to
// find, the lead's company): the click asked for that form, and the form
// is where the rep sees the risk is gone.
type fixing struct {
	lang    i18n.Lang
	channel string
	lead    *salesbot.Lead
	risk    salesbot.Risk // Kind always set; the rest only while it applies
}

// riskFix is how one kind of risk is fixed: the button's words and the form
// it opens.
type riskFix struct {
	label func(lang i18n.Lang, r salesbot.Risk) string
	form  func(f fixing) slack.ModalViewRequest
	// visit is set when the fix is the plain visit form: a reminder, which
	// has its own Log visit and Snooze buttons, adds no second one.
	visit bool
}

// riskFixes maps every kind of risk to its fix. A kind missing here shows
// no button (TestEveryRiskKindHasAFix keeps the table whole).
// personFix opens the stakeholder form of the person a risk names, as
// recorded (a devil; the second economic buyer).
var personFix = riskFix{
	label: func(lang i18n.Lang, r salesbot.Risk) string {
		if r.Person == "" {
			return i18n.T(lang, "Update stakeholder")
		}
		return i18n.T(lang, "Update %s", r.Person)
	},
	form: func(f fixing) slack.ModalViewRequest {
		s, _ := f.lead.Stakeholder(f.risk.Person)
		return stakeholderModal(f.lang, f.channel, f.lead.Company, s)
	},
}

var riskFixes = map[salesbot.RiskKind]riskFix{
	salesbot.RiskNoCoach: {
		label: func(lang i18n.Lang, _ salesbot.Risk) string { return i18n.T(lang, "Add a coach") },
		form:  roleForm(salesbot.RoleCoach),
	},
	salesbot.RiskNoEconomicBuyer: {
		label: func(lang i18n.Lang, _ salesbot.Risk) string { return i18n.T(lang, "Add the economic buyer") },
		form:  roleForm(salesbot.RoleEconomicBuyer),
	},
	salesbot.RiskEconomicBuyerThin: {
		label: func(lang i18n.Lang, r salesbot.Risk) string {
			if r.Person == "" {
				return i18n.T(lang, "Log visit")
			}
			return i18n.T(lang, "Log visit with %s", r.Person)
		},
		form: func(f fixing) slack.ModalViewRequest {
			return visitForm(f.lang, f.channel, f.lead.Company, salesbot.KindVisit, f.risk.Person)
		},
	},
	salesbot.RiskDevil: personFix,
	// One of them is wrong (seed 002): the form for the second, to record
	// their true role.
	salesbot.RiskSecondEconomicBuyer: personFix,
	salesbot.RiskQualificationNo: {
		// Seed 001: "没有通过,考虑放弃或降低接触级别": the grade form with the
		// grade below chosen (letting it go is /lead lost).
		label: func(lang i18n.Lang, r salesbot.Risk) string {
			if r.Suggest == "" {
				return i18n.T(lang, "Reconsider the lead")
			}
			return i18n.T(lang, "Regrade to %s", string(r.Suggest))
		},
		form: func(f fixing) slack.ModalViewRequest {
			return gradeForm(f.lang, f.channel, f.lead.Company, f.risk.Suggest)
		},
	},
	salesbot.RiskAUnconfirmed: {
		// The first visit is where an A is confirmed (seed 000): the grade
		// form, A chosen, to keep it or change it after the visit.
		label: func(lang i18n.Lang, _ salesbot.Risk) string { return i18n.T(lang, "Regrade") },
		form: func(f fixing) slack.ModalViewRequest {
			return gradeForm(f.lang, f.channel, f.lead.Company, f.lead.Grade)
		},
	},
	salesbot.RiskOnlyLow: {
		label: func(lang i18n.Lang, _ salesbot.Risk) string { return i18n.T(lang, "Log visit") },
		form:  plainVisit,
		visit: true,
	},
	salesbot.RiskOverdue: {
		label: func(lang i18n.Lang, _ salesbot.Risk) string { return i18n.T(lang, "Log visit") },
		form:  plainVisit,
		visit: true,
	},
	salesbot.RiskFactsMissing: {
		label: func(lang i18n.Lang, _ salesbot.Risk) string { return i18n.T(lang, "Record key facts") },
		form: func(f fixing) slack.ModalViewRequest {
			return keyFactModal(f.lang, f.channel, f.lead.Company, missingFirst(f.lead, f.risk), "")
		},
	},
	salesbot.RiskGradeVsSchedule: {
		label: func(lang i18n.Lang, r salesbot.Risk) string {
			if r.Suggest == "" {
				return i18n.T(lang, "Update the schedule")
			}
			return i18n.T(lang, "Regrade to %s", string(r.Suggest))
		},
		// The grade form with the suggested grade chosen, not a regrade
		// at once: the rep confirms it and may say why, and the regrade
		// goes through its usual rules. A passed decision date suggests
		// no grade: its fix is the schedule.
		form: func(f fixing) slack.ModalViewRequest {
			if f.risk.Suggest == "" {
				return keyFactModal(f.lang, f.channel, f.lead.Company, []salesbot.KeyFact{salesbot.FactSchedule}, f.lead.Facts[salesbot.FactSchedule].Text)
			}
			return gradeForm(f.lang, f.channel, f.lead.Company, f.risk.Suggest)
		},
	},
	salesbot.RiskStuck: {
		label: func(lang i18n.Lang, _ salesbot.Risk) string { return i18n.T(lang, "Move stage") },
		form: func(f fixing) slack.ModalViewRequest {
			return stageModal(f.lang, f.channel, f.lead.Company)
		},
	},
	salesbot.RiskClosePassed: {
		label: func(lang i18n.Lang, _ salesbot.Risk) string { return i18n.T(lang, "Update the close date") },
		form:  dealForm,
	},
	salesbot.RiskAtRisk: {
		label: func(lang i18n.Lang, _ salesbot.Risk) string { return i18n.T(lang, "Update the deal") },
		form:  dealForm,
	},
}

func roleForm(role salesbot.Role) func(f fixing) slack.ModalViewRequest {
	return func(f fixing) slack.ModalViewRequest {
		return stakeholderModal(f.lang, f.channel, f.lead.Company, salesbot.Stakeholder{Role: role})
	}
}

func plainVisit(f fixing) slack.ModalViewRequest {
	return visitForm(f.lang, f.channel, f.lead.Company, salesbot.KindVisit, "")
}

func dealForm(f fixing) slack.ModalViewRequest { return dealModal(f.lang, f.channel, f.lead) }

// missingFirst lists the key facts a facts-missing risk is about, the ones
// its message names (the domain passes them as Terms) first, then the
// lead's other unknown facts.
func missingFirst(l *salesbot.Lead, r salesbot.Risk) []salesbot.KeyFact {
	var named []string
	for _, a := range r.Args {
		if t, ok := a.(salesbot.Terms); ok {
			named = append(named, t...)
		}
	}
	var first, rest []salesbot.KeyFact
	for _, k := range l.UnknownFacts() {
		if containsFold(named, k.Label()) {
			first = append(first, k)
		} else {
			rest = append(rest, k)
		}
	}
	return append(first, rest...)
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// riskButton is the button fixing risk, the n-th of its kind on lead l, or
// nil for a kind without a fix.
func riskButton(lang i18n.Lang, actionID string, l *salesbot.Lead, r salesbot.Risk, n int) *slack.ButtonBlockElement {
	fix, ok := riskFixes[r.Kind]
	if !ok {
		return nil
	}
	value := l.ID + "|" + string(r.Kind)
	if n > 0 {
		value += "|" + strconv.Itoa(n)
	}
	// Button labels are plain text: a name in one needs no escaping, only
	// Slack's 75 characters.
	return slack.NewButtonBlockElement(actionID, value, plain(truncate(fix.label(lang, r), 75)))
}

// ordinals numbers each risk among those of its kind before it: the n a
// button carries.
func ordinals(risks []salesbot.Risk) []int {
	seen := map[salesbot.RiskKind]int{}
	ns := make([]int, len(risks))
	for i, r := range risks {
		ns[i] = seen[r.Kind]
		seen[r.Kind]++
	}
	return ns
}

// riskBlocks lays out a card's risks: a heading, then the first ones a
// section each with the button fixing it, then the rest as text.
func riskBlocks(lang i18n.Lang, l *salesbot.Lead, risks []salesbot.Risk) []slack.Block {
	blocks := []slack.Block{section(i18n.T(lang, "*Risks* (%d)", len(risks)))}
	ns := ordinals(risks)
	shown := min(len(risks), risksWithButtons)
	for i, r := range risks[:shown] {
		var acc *slack.Accessory
		if b := riskButton(lang, riskFixAction(0), l, r, ns[i]); b != nil {
			acc = slack.NewAccessory(b)
		}
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(riskLine(lang, r)), nil, acc))
	}
	if rest := riskLines(lang, risks[shown:]); len(rest) > 0 {
		blocks = append(blocks, chunks(rest[0], rest[1:])...)
	}
	return blocks
}

// riskFixValue reads a risk button's value: the lead's ID, the kind and
// which one of that kind.
func riskFixValue(value string) (lead string, kind salesbot.RiskKind, n int, ok bool) {
	parts := strings.Split(value, "|")
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" {
		return "", "", 0, false
	}
	if len(parts) == 3 {
		var err error
		if n, err = strconv.Atoi(parts[2]); err != nil || n < 0 {
			return "", "", 0, false
		}
	}
	return parts[0], salesbot.RiskKind(parts[1]), n, true
}

// riskFixForm is the form fixing the n-th risk of kind on l as it is now;
// ok is false for a kind no fix is known for (a button from another
// version).
func riskFixForm(f fixing, risks []salesbot.Risk, n int) (slack.ModalViewRequest, bool) {
	fix, ok := riskFixes[f.risk.Kind]
	if !ok {
		return slack.ModalViewRequest{}, false
	}
	seen := 0
	for _, r := range risks {
		if r.Kind != f.risk.Kind {
			continue
		}
		if seen == n {
			f.risk = r
			break
		}
		seen++
	}
	return fix.form(f), true
}
