package handlers

import (
	"context"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/i18n"
)

// The deal side of a lead (DOMAIN.md §7): /lead value, close-by and
// forecast, the deal form, and the deal's line on the card.

// Block IDs of the deal inputs.
const (
	blockValue    = "value"
	blockClose    = "close"
	blockCategory = "category"
	blockOutcome  = "outcome"
)

// Callback ID of the deal form.
const cbLeadDeal = "lead_deal"

// dealChange runs /lead value, close-by and forecast; ok is false for any
// other sub-command.
func (h *Handler) dealChange(ctx context.Context, r request, sub string, args []salesbot.Token) (*slack.Msg, bool, error) {
	var (
		usage, example string
		parse          func(string) (salesbot.DealChange, error)
	)
	switch sub {
	case "value", "amount", "金额":
		usage, example = "/lead value <company> <amount>", "`/lead value %s 180万`"
		parse = func(s string) (salesbot.DealChange, error) {
			v, err := salesbot.ParseAmount(s, h.currency)
			return salesbot.DealChange{Value: &v}, err
		}
	case "close-by", "closeby", "close", "预计成交":
		usage, example = "/lead close-by <company> <YYYY-MM-DD|YYYY-MM>", "`/lead close-by %s 2027-03`"
		parse = func(s string) (salesbot.DealChange, error) {
			d, err := salesbot.ParseCloseDate(s)
			return salesbot.DealChange{CloseBy: &d}, err
		}
	case "forecast", "category", "预测":
		usage, example = "/lead forecast <company> <commit|best|pipeline|omit>", "`/lead forecast %s commit`"
		parse = func(s string) (salesbot.DealChange, error) {
			c, err := salesbot.ParseCategory(s)
			return salesbot.DealChange{Category: &c}, err
		}
	default:
		return nil, false, nil
	}
	msg, err := h.withLead(ctx, r, args, usage, func(l *salesbot.Lead, rest []salesbot.Token) (*slack.Msg, error) {
		if len(rest) == 0 {
			return nil, salesbot.Errorf(salesbot.EINVALID, "What should I record? e.g. %s.", markup(fmt.Sprintf(example, esc(quoteName(l.Company)))))
		}
		c, err := parse(salesbot.JoinTokens(rest))
		if err != nil {
			return nil, err
		}
		return h.setDeal(ctx, r, salesbot.RefRead(l), c)
	})
	return msg, true, err
}

// setDeal writes a deal change and says what it gave.
func (h *Handler) setDeal(ctx context.Context, r request, ref salesbot.LeadRef, c salesbot.DealChange) (*slack.Msg, error) {
	if h.deals == nil {
		return nil, salesbot.Errorf(salesbot.EINTERNAL, "Deals are not set up on this bot.")
	}
	now := h.now()
	set, err := h.deals.SetDeal(ctx, r.actor, ref, c, salesbot.DateOf(now.In(r.loc)), now)
	if err != nil {
		return nil, err
	}
	l := set.Lead
	reply := r.T(":moneybag: *%s* — %s", esc(l.Company), markup(dealLine(r.lang, l, h.probability)))
	if set.Slipped {
		reply += "\n" + r.T(":warning: The close date moved later: a slip (%d so far). Managers see slips in the forecast.", l.Slips)
	}
	if set.Passed {
		reply += "\n" + r.T(":warning: %s has already passed. Recorded as given; set the date the customer expects now.", l.CloseBy.String())
	}
	return ephemeral(reply), nil
}

// dealLine is the deal in one line: value, expected close (and its slips),
// win probability and forecast category.
func dealLine(lang i18n.Lang, l *salesbot.Lead, p salesbot.Probability) string {
	value := i18n.T(lang, "no value yet")
	if !l.Value.IsZero() {
		value = "*" + l.Value.InLanguage(string(lang)) + "*"
	}
	closeBy := i18n.T(lang, "no close date")
	if !l.CloseBy.IsZero() {
		closeBy = i18n.T(lang, "closes %s", l.CloseBy.String())
		if l.Slips > 0 {
			closeBy += " " + i18n.T(lang, "(slipped %d×)", l.Slips)
		}
	}
	if l.Stage == salesbot.StageWon {
		return strings.Join([]string{value, i18n.T(lang, ":trophy: Won")}, " · ")
	}
	line := strings.Join([]string{value, closeBy, i18n.T(lang, "%d%%", l.Probability(p)), word(lang, l.Category.Name())}, " · ")
	if l.AtRisk {
		line += " · " + i18n.T(lang, ":rotating_light: at risk")
	}
	return line
}

// dealValue is a lead's value for a list line, or "" when it has none.
func dealValue(lang i18n.Lang, l *salesbot.Lead) string {
	if l.Value.IsZero() {
		return ""
	}
	return l.Value.InLanguage(string(lang))
}

// categorySelect is the card's menu of forecast categories.
func categorySelect(lang i18n.Lang, l *salesbot.Lead) *slack.SelectBlockElement {
	options := make([]*slack.OptionBlockObject, len(salesbot.Categories))
	var initial *slack.OptionBlockObject
	for i, c := range salesbot.Categories {
		options[i] = slack.NewOptionBlockObject(l.ID+"|"+string(c), plain(word(lang, c.Name())), nil)
		if c == l.Category.Or() {
			initial = options[i]
		}
	}
	sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain(i18n.T(lang, "Forecast")), actionCategorySet, options...)
	sel.InitialOption = initial
	return sel
}

// dealInputs are the deal's inputs of a form, all optional, filled with
// the lead's deal when there is one.
func dealInputs(lang i18n.Lang, l *salesbot.Lead) []slack.Block {
	value, category := "", ""
	var closeBy salesbot.Date
	if l != nil {
		if !l.Value.IsZero() {
			value = l.Value.Decimal() + " " + string(l.Value.Currency)
		}
		closeBy, category = l.CloseBy, string(l.Category)
	}
	closeIn := dateInput(blockClose, i18n.T(lang, "Close (expected close date)"))
	if !closeBy.IsZero() {
		closeIn.Element.(*slack.DatePickerBlockElement).InitialDate = closeBy.String()
	}
	var cats []*slack.OptionBlockObject
	for _, c := range salesbot.Categories {
		cats = append(cats, option(string(c), word(lang, c.Name())))
	}
	return []slack.Block{
		textInput(blockValue, i18n.T(lang, "Value (expected deal value)"), "180万 / ¥1.8M / $400k", value, 40, false, true),
		closeIn,
		selectInput(lang, blockCategory, i18n.T(lang, "Forecast category"), true, category, cats...),
	}
}

// dealModal is the deal form of a lead: value, close date and category.
func dealModal(lang i18n.Lang, channel string, l *salesbot.Lead) slack.ModalViewRequest {
	company := ""
	if l != nil {
		company = l.Company
	}
	blocks := append([]slack.Block{companyInput(lang, company)}, dealInputs(lang, l)...)
	return modal(lang, cbLeadDeal, i18n.T(lang, "Deal"), i18n.T(lang, "Save"), channel, blocks...)
}

// formDeal reads the deal inputs of a form: what was filled in. A value is
// read as typed, with the team's currency when it names none.
func (h *Handler) formDeal(f form) (salesbot.DealChange, error) {
	var c salesbot.DealChange
	if s := f.text(blockValue); s != "" {
		v, err := salesbot.ParseAmount(s, h.currency)
		if err != nil {
			return c, inField(blockValue, err)
		}
		c.Value = &v
	}
	if s := f.date(blockClose); s != "" {
		d, err := salesbot.ParseDate(s)
		if err != nil {
			return c, inField(blockClose, err)
		}
		c.CloseBy = &d
	}
	if s := f.option(blockCategory); s != "" {
		cat, err := salesbot.ParseCategory(s)
		if err != nil {
			return c, inField(blockCategory, err)
		}
		c.Category = &cat
	}
	return c, nil
}

// empty reports whether a deal change sets nothing.
func empty(c salesbot.DealChange) bool {
	return c.Value == nil && c.CloseBy == nil && c.Category == nil
}

// dealBlock is the form input a deal error is about.
func dealBlock(c salesbot.DealChange) string {
	switch {
	case c.Value != nil:
		return blockValue
	case c.CloseBy != nil:
		return blockClose
	}
	return blockCategory
}
