package handlers

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/i18n"
)

const visitUsage = `/visit <company> [YYYY-MM-DD] [notes] [kind:event] [met: "Wang Li", "Li Na"] [next: YYYY-MM-DD step]`

// visit runs `/visit <company> [date] [notes] [kind:<kind>] [met: names] [next: date step]`.
func (h *Handler) visit(ctx context.Context, cmd slack.SlashCommand, toks []salesbot.Token) (*slack.Msg, error) {
	if len(toks) == 0 {
		return h.openModal(ctx, cmd.TriggerID, visitModal(langIn(ctx), cmd.ChannelID, "", ""))
	}
	r, err := h.request(ctx, cmd.TeamID, cmd.UserID, cmd.ChannelID)
	if err != nil {
		return nil, err
	}
	l, rest, err := h.findLead(ctx, r, toks, visitUsage)
	if err != nil {
		return nil, err
	}
	today := salesbot.DateOf(h.now().In(r.loc))
	vt, err := salesbot.ParseVisitText(rest, today)
	if err != nil {
		return nil, err
	}
	kind := vt.Kind
	if kind == "" {
		kind = salesbot.KindVisit
	}
	msg, err := h.logVisit(ctx, r, salesbot.RefRead(l), salesbot.Visit{Date: vt.Date, Kind: kind, Notes: vt.Notes, Met: vt.Met, NextStep: vt.NextStep, NextDate: vt.NextDate})
	return msg, visitHint(r.lang, err, vt, today)
}

// visitHint adds to the visit service's refusal of a /visit how to write
// it: a touch to come as the next step, a next step from today on, the
// people met quoted or added first.
func visitHint(lang i18n.Lang, err error, vt salesbot.VisitText, today salesbot.Date) error {
	var who *salesbot.UnknownPersonError
	switch {
	case errors.As(err, &who):
		return salesbot.Errorf(salesbot.EINVALID, "%s\nQuote the names when notes follow (met: \"Wang Li\", \"Li Na\" talked pricing), or add someone first with %s.",
			markup(errorMessage(lang, err)), stanceLine(who))
	case errors.Is(err, salesbot.ErrVisitDate) && vt.Date.After(today):
		return salesbot.Errorf(salesbot.EINVALID, "%s\nPlan it with %s.", markup(errorMessage(lang, err)), fmt.Sprintf("`next: %s <step>`", vt.Date))
	case errors.Is(err, salesbot.ErrNextDate) && vt.NextDate.Before(today):
		return salesbot.Errorf(salesbot.EINVALID, "%s\nFor example %s.", markup(errorMessage(lang, err)), fmt.Sprintf("`next: %s call back`", today.AddDays(7)))
	}
	return err
}

// stanceLine is the /stance that records the person a visit named.
func stanceLine(who *salesbot.UnknownPersonError) string {
	return fmt.Sprintf("`/stance \"%s\" \"%s\" <role> <influence> <support>`", who.Company, who.Name)
}

// logVisit logs a touch on the lead through the visit service and words
// what it did.
func (h *Handler) logVisit(ctx context.Context, r request, ref salesbot.LeadRef, v salesbot.Visit) (*slack.Msg, error) {
	if h.visits == nil {
		return nil, salesbot.Errorf(salesbot.EINTERNAL, "Logging visits is not set up on this bot.")
	}
	now := h.now()
	done, err := h.visits.LogVisit(ctx, salesbot.VisitRequest{Actor: r.actor, Team: r.team, LeadID: ref.ID, Lead: ref.Read, Visit: v, Loc: r.loc, Now: now})
	if err != nil {
		return nil, err // the service says which lead
	}
	l, logged := done.Lead, done.Visit
	text := r.T(":white_check_mark: Logged a %s with *%s* on %s.", word(r.lang, string(logged.Kind)), esc(l.Company), logged.Date.String())
	if len(logged.Met) > 0 {
		met := make([]string, len(logged.Met))
		for i, name := range logged.Met {
			s, _ := l.Stakeholder(name)
			depth := strings.ToLower(s.ContactDepth.Name())
			if r.lang == i18n.Zh {
				depth = word(r.lang, s.ContactDepth.Name())
			}
			met[i] = fmt.Sprintf("*%s* (%s)", esc(s.Name), depth)
		}
		text += r.T("\n:busts_in_silhouette: Met %s.", strings.Join(met, ", "))
	}
	if l.NextStep != "" && !l.NextStepDue.IsZero() {
		text += r.T("\nNext step: _%s_ on %s (%s).", esc(l.NextStep), day(l.NextStepDue, r.loc), dueIn(r.lang, l.NextStepDue, now, r.loc))
	} else {
		if l.NextStep != "" {
			text += r.T("\nNext step: _%s_.", esc(l.NextStep))
		}
		text += r.T("\nNext touch %s (%s, grade %s: %s).", day(l.Due, r.loc), dueIn(r.lang, l.Due, now, r.loc), l.Grade, every(r.lang, h.cadence, l.Grade))
	}
	if gaps := l.UnknownFacts(); len(gaps) > 0 && len(gaps) < len(salesbot.KeyFacts) {
		text += r.T("\n:grey_question: Still unknown: %d of 6 key facts — `/lead show %s`.", len(gaps), esc(quoteName(l.Company)))
	}
	return ephemeral(text), nil
}
