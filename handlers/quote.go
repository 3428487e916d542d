package handlers

import (
	"context"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/i18n"
)

// Quotes (seed 000: "报价单要经过主管的审核签字"): /quote records a version
// and asks the managers to sign it off.

// Callback ID and block IDs of the quote form.
const (
	cbQuote       = "quote"
	blockAmount   = "amount"
	blockDiscount = "discount"
)

const quoteUsage = "/quote <company> <amount> [discount <n>%] [notes]"

// quote runs /quote <company> <amount> [discount <n>%] [notes]; alone, it
// opens the quote form.
func (h *Handler) quote(ctx context.Context, cmd slack.SlashCommand, toks []salesbot.Token) (*slack.Msg, error) {
	if len(toks) == 0 {
		return h.openModal(ctx, cmd.TriggerID, quoteModal(langIn(ctx), cmd.ChannelID, ""))
	}
	r, err := h.request(ctx, cmd.TeamID, cmd.UserID, cmd.ChannelID)
	if err != nil {
		return nil, err
	}
	return h.withLead(ctx, r, toks, quoteUsage, func(l *salesbot.Lead, rest []salesbot.Token) (*slack.Msg, error) {
		amount, discount, notes, err := h.quoteTerms(rest, l)
		if err != nil {
			return nil, err
		}
		return h.askQuote(ctx, r, salesbot.RefRead(l), amount, discount, notes)
	})
}

// quoteTerms reads what follows the company in /quote: the amount (the
// longest start of up to three words that is one), then an optional
// discount ("discount 12%", "12% off", "折扣 12%", "9折"), then notes.
func (h *Handler) quoteTerms(rest []salesbot.Token, l *salesbot.Lead) (salesbot.Amount, salesbot.Discount, string, error) {
	if len(rest) == 0 {
		return salesbot.Amount{}, 0, "", salesbot.Errorf(salesbot.EINVALID, "How much is the quote? e.g. %s.", markup("`/quote "+esc(quoteName(l.Company))+" 180万 discount 10% incl. 3 years of support`"))
	}
	var amount salesbot.Amount
	var err error
	n := 0
	for i := min(len(rest), 3); i >= 1; i-- {
		if a, e := salesbot.ParseAmount(salesbot.JoinTokens(rest[:i]), h.currency); e == nil {
			amount, n = a, i
			break
		} else if i == 1 {
			err = e
		}
	}
	if n == 0 {
		return salesbot.Amount{}, 0, "", err
	}
	rest = rest[n:]
	var discount salesbot.Discount
	if len(rest) > 0 {
		word := strings.ToLower(rest[0].Text)
		switch {
		case word == "discount" || word == "折扣" || word == "优惠":
			if len(rest) < 2 {
				return salesbot.Amount{}, 0, "", salesbot.Errorf(salesbot.EINVALID, "How much discount? Write it after the word, e.g. discount 12%%.")
			}
			if discount, err = salesbot.ParseDiscount(rest[1].Text); err != nil {
				return salesbot.Amount{}, 0, "", err
			}
			rest = rest[2:]
		case strings.HasSuffix(word, "%") || strings.HasSuffix(word, "折"):
			if discount, err = salesbot.ParseDiscount(rest[0].Text); err != nil {
				return salesbot.Amount{}, 0, "", err
			}
			rest = rest[1:]
			if len(rest) > 0 && strings.EqualFold(rest[0].Text, "off") {
				rest = rest[1:]
			}
		}
	}
	return amount, discount, salesbot.JoinTokens(rest), nil
}

// askQuote records a quote version and sends it to the managers who sign it
// off (the owner's, see salesbot.TeamService.SignersOf), then tells the rep.
func (h *Handler) askQuote(ctx context.Context, r request, ref salesbot.LeadRef, amount salesbot.Amount, discount salesbot.Discount, notes string) (*slack.Msg, error) {
	if h.quotes == nil || h.approvs == nil {
		return nil, salesbot.Errorf(salesbot.EINTERNAL, "Quotes are not set up on this bot.")
	}
	var managers []string
	var err error
	if ref.Read != nil {
		managers, err = h.teams.SignersOf(ctx, r.team, ref.Read.Owner, r.actor.User)
	} else {
		managers, err = h.allManagers(ctx, r.team) // not read: any may sign it off
	}
	if err != nil {
		return nil, err
	}
	now := h.now()
	out, err := h.quotes.Quote(ctx, r.actor, ref, amount, discount, notes, managers, now)
	if err != nil {
		return nil, err
	}
	l, q, a := out.Lead, out.Quote, out.Request
	h.settleLater(ctx, r, l, true) // an older version's request is moot now
	needs := ""
	if a.Needs > 1 {
		needs = " " + r.T("Two managers sign it off: a discount of %s is above the limit.", q.Discount.String())
	}
	reply := ephemeral(r.T(":page_facing_up: Quote v%d of *%s*: %s — sent to the managers to sign off; you'll hear back here.", q.Version, esc(l.Company), markup(quoteTermsText(r.lang, q))) + needs)
	if len(out.Ask) == 0 {
		return reply, nil
	}
	request := func(lang i18n.Lang, _ *time.Location) (string, []slack.Block) {
		text, blocks := quoteRequest(lang, out, h.probability)
		return text, append(blocks, approvalButtons(lang, a.ID))
	}
	h.later(ctx, "ask quote approval", func(ctx context.Context) error {
		copies := h.notifyManagers(ctx, r.team, out.Ask, request)
		if len(copies) == 0 {
			return h.notify(ctx, r.actor.User, r.T(":warning: I could not reach any manager about quote v%d of *%s*. Ask your admin to check SALESBOT_MANAGERS.", q.Version, esc(l.Company)))
		}
		return h.keepCopies(ctx, r.team, a.ID, copies)
	})
	return reply, nil
}

// approvalButtons are a request's Approve and Reject… buttons.
func approvalButtons(lang i18n.Lang, id string) *slack.ActionBlock {
	return slack.NewActionBlock("approval",
		slack.NewButtonBlockElement(actionApprove, id, plain(i18n.T(lang, "Approve"))).WithStyle(slack.StylePrimary),
		slack.NewButtonBlockElement(actionReject, id, plain(i18n.T(lang, "Reject…"))).WithStyle(slack.StyleDanger))
}

// quoteTermsText is a quote's terms in one line: ¥1,800,000 · 12% off.
func quoteTermsText(lang i18n.Lang, q salesbot.Quote) string {
	s := "*" + q.Amount.InLanguage(string(lang)) + "*"
	if q.Discount > 0 {
		s += " · " + i18n.T(lang, "%s off", q.Discount.String())
	}
	return s
}

// quoteRequest is what the managers weigh before signing a quote off: its
// terms and the change from the version before, the budget fact, the
// deal's value and the lead's risks.
func quoteRequest(lang i18n.Lang, out salesbot.QuoteOutcome, p salesbot.Probability) (string, []slack.Block) {
	l, q, a := out.Lead, out.Quote, out.Request
	text := i18n.T(lang, ":page_facing_up: <@%s> asks you to sign off quote v%d for *%s* (grade %s, %s): %s.",
		a.Rep, q.Version, esc(l.Company), l.Grade, word(lang, l.Stage.Name()), markup(quoteTermsText(lang, q)))
	lines := []string{text}
	if prev := l.PreviousQuote(q.Version); prev != nil {
		lines = append(lines, i18n.T(lang, "Version %d was %s (%s).", prev.Version, markup(quoteTermsText(lang, *prev)), word(lang, quoteStatusWord(prev.Status))))
	}
	if q.Notes != "" {
		lines = append(lines, i18n.T(lang, "Notes: %s", esc(q.Notes)))
	}
	budget := i18n.T(lang, "not known yet")
	if f := l.Facts[salesbot.FactBudget].Text; f != "" {
		budget = esc(f)
	}
	lines = append(lines, i18n.T(lang, "Budget: %s", markup(budget)), i18n.T(lang, "Deal: %s", markup(dealLine(lang, l, p))))
	if a.Needs > 1 {
		lines = append(lines, i18n.T(lang, ":busts_in_silhouette: Two managers sign this off: a discount of %s is above the limit.", q.Discount.String()))
	}
	if a.Owner != "" && a.Owner != a.Rep {
		lines = append(lines, i18n.T(lang, "Owner: <@%s>.", a.Owner))
	}
	if cs := l.LatestConcessions(3); len(cs) > 0 {
		var given []string
		for _, c := range cs {
			given = append(given, i18n.T(lang, "%s for %s", esc(c.Give), esc(orDash(c.Get))))
		}
		lines = append(lines, i18n.T(lang, "Concessions so far, latest first: %s", markup(strings.Join(given, "; "))))
	}
	lines = append(lines, riskLines(lang, out.Risks)...)
	body := truncate(strings.Join(lines, "\n"), 2900)
	return text, []slack.Block{section(body)}
}

// quoteStatusWord names a quote's status.
func quoteStatusWord(s salesbot.QuoteStatus) string {
	switch s {
	case salesbot.QuoteApproved:
		return "approved"
	case salesbot.QuoteRejected:
		return "rejected"
	}
	return "waiting for sign-off"
}

// quoteOutcome says how a quote request was settled, from the request
// alone.
func quoteOutcome(lang i18n.Lang, a *salesbot.Approval) string {
	terms := quoteTermsText(lang, salesbot.Quote{Amount: a.Amount, Discount: a.Discount})
	switch a.Status {
	case salesbot.ApprovalApproved:
		s := i18n.T(lang, ":white_check_mark: Quote v%d of *%s* (%s) is signed off by %s.", a.QuoteVersion, esc(a.Company), markup(terms), markup(mentions(a.Approvers)))
		if a.SelfApproved {
			s += " " + i18n.T(lang, "(Approved by the lead's own owner: there is no other manager.)")
		}
		if a.ShortOfApprovers {
			s += " " + i18n.T(lang, "(Its discount needs %d managers; the team has no other to ask.)", a.Needs)
		}
		return s
	case salesbot.ApprovalRejected:
		if a.Reason != "" {
			return i18n.T(lang, ":no_entry_sign: <@%s> did not sign off quote v%d of *%s* (%s): %s.", a.DecidedBy, a.QuoteVersion, esc(a.Company), markup(terms), esc(a.Reason))
		}
		return i18n.T(lang, ":no_entry_sign: <@%s> did not sign off quote v%d of *%s* (%s).", a.DecidedBy, a.QuoteVersion, esc(a.Company), markup(terms))
	case salesbot.ApprovalPending:
		return i18n.T(lang, ":hourglass_flowing_sand: Quote v%d of *%s* (%s) is approved by %s; a second manager's approval is needed (the discount is above the limit).",
			a.QuoteVersion, esc(a.Company), markup(terms), markup(mentions(a.Approvers)))
	}
	return i18n.T(lang, "This request was withdrawn: the lead has moved or closed since it was asked.")
}

// quoteLine is the card's line about the latest approved quote, or "".
func quoteLine(lang i18n.Lang, l *salesbot.Lead, loc *time.Location) string {
	q := l.LatestApprovedQuote()
	if q == nil {
		if last := l.LatestQuote(); last != nil {
			return i18n.T(lang, "*Quote* v%d %s — %s", last.Version, markup(quoteTermsText(lang, *last)), word(lang, quoteStatusWord(last.Status)))
		}
		return ""
	}
	return i18n.T(lang, "*Quote* v%d %s — signed off by %s on %s", q.Version, markup(quoteTermsText(lang, *q)), markup(mentions(q.ApprovedBy)), day(q.DecidedAt, loc))
}

// quoteModal is the quote form.
func quoteModal(lang i18n.Lang, channel, company string) slack.ModalViewRequest {
	return modal(lang, cbQuote, i18n.T(lang, "Quote"), i18n.T(lang, "Send for sign-off"), channel,
		companyInput(lang, company),
		textInput(blockAmount, i18n.T(lang, "Amount (the quote's total)"), "180万 / ¥1.8M / $400k", "", 40, false, false),
		textInput(blockDiscount, i18n.T(lang, "Discount (percent off)"), "12%", "", 10, false, true),
		textInput(blockNotes, i18n.T(lang, "Notes (what the quote covers)"), "", "", salesbot.MaxTextLen, true, true))
}

// submittedQuote applies the quote form.
func (h *Handler) submittedQuote(ctx context.Context, r request, l *salesbot.Lead, f form) (*slack.Msg, error) {
	amount, err := salesbot.ParseAmount(f.text(blockAmount), h.currency)
	if err != nil {
		return nil, inField(blockAmount, err)
	}
	var discount salesbot.Discount
	if s := f.text(blockDiscount); s != "" {
		if discount, err = salesbot.ParseDiscount(s); err != nil {
			return nil, inField(blockDiscount, err)
		}
	}
	msg, err := h.askQuote(ctx, r, salesbot.RefRead(l), amount, discount, f.text(blockNotes))
	return msg, about(blockAmount, err)
}

// quotePending redraws every manager's copy of a quote approved by one
// manager and still waiting for another, with its buttons.
func (h *Handler) quotePending(ctx context.Context, team string, a *salesbot.Approval) {
	id := a.ID
	h.later(ctx, "redraw quote request", func(ctx context.Context) error {
		copies, err := h.store.ApprovalCopies(ctx, team, id)
		if err != nil {
			return err
		}
		l, err := h.store.Lead(ctx, team, a.LeadID)
		if err != nil {
			return err
		}
		q := l.Quote(a.QuoteVersion)
		for _, m := range copies {
			lang := h.langOf(ctx, team, m.User)
			text := quoteOutcome(lang, a)
			blocks := []slack.Block{section(text)}
			if q != nil {
				// What they sign off, again: the terms, the budget, the risks.
				_, req := quoteRequest(lang, salesbot.QuoteOutcome{Lead: l, Quote: *q, Request: a, Risks: salesbot.Risks(l, h.now(), h.cadence)}, h.probability)
				blocks = append(blocks, req...)
			}
			if _, _, _, err := h.slack.UpdateMessageContext(ctx, m.Channel, m.TS, slack.MsgOptionText(text, false),
				slack.MsgOptionBlocks(append(blocks, approvalButtons(lang, id))...)); err != nil {
				h.log.WarnContext(ctx, "redraw quote request", "err", err)
			}
		}
		return nil
	})
}
