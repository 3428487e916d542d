package handlers

import (
	"context"
	"fmt"

	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/i18n"
)

// cbReject is the form a manager fills in to reject a request with a reason.
const cbReject = "approval_reject"

// askApproval records a rep's request for a move that needs a manager and
// sends every manager an Approve / Reject message. Asking again while a
// request waits sends nothing new.
func (h *Handler) askApproval(ctx context.Context, r request, l *salesbot.Lead, to salesbot.Stage, why string) (*slack.Msg, error) {
	managers, err := h.allManagers(ctx, r.team)
	if err != nil {
		return nil, err
	}
	if len(managers) == 0 {
		return nil, salesbot.Errorf(salesbot.EFORBIDDEN, "Moving %s to %s needs a manager (%s), and no manager is set up yet. Ask your admin to set SALESBOT_MANAGERS.", l.Company, to.Name(), why)
	}
	a := &salesbot.Approval{Team: r.team, LeadID: l.ID, Company: l.Company, From: l.Stage, To: to, Rep: r.actor.User, Why: why, AskedAt: h.now()}
	existing, created, err := h.store.CreateApproval(ctx, a)
	if err != nil {
		return nil, fmt.Errorf("ask approval: %w", err)
	}
	if !created {
		return ephemeral(r.T(":hourglass_flowing_sand: Moving *%s* to *%s* is already waiting for a manager (asked by <@%s> %s).",
			esc(l.Company), word(r.lang, to.Name()), existing.Rep, ago(r.lang, existing.AskedAt, h.now(), r.loc))), nil
	}
	risks := salesbot.Risks(l, h.now(), h.cadence)
	// Each manager reads the request in their own language.
	request := func(lang i18n.Lang) (string, []slack.Block) {
		text := i18n.T(lang, ":raising_hand: <@%s> asks to move *%s* (grade %s) from %s to *%s*: %s.",
			r.actor.User, esc(l.Company), l.Grade, word(lang, l.Stage.Name()), word(lang, to.Name()), word(lang, why))
		for _, line := range riskLines(lang, risks) {
			text += "\n" + line // what the manager weighs before approving
		}
		return text, []slack.Block{
			section(text),
			slack.NewActionBlock("approval",
				slack.NewButtonBlockElement(actionApprove, a.ID, plain(i18n.T(lang, "Approve"))).WithStyle(slack.StylePrimary),
				slack.NewButtonBlockElement(actionReject, a.ID, plain(i18n.T(lang, "Reject…"))).WithStyle(slack.StyleDanger)),
		}
	}
	h.later(ctx, "ask approval", func(ctx context.Context) error {
		var refs []salesbot.MessageRef
		for _, m := range managers {
			text, blocks := request(h.langOf(ctx, r.team, m))
			channel, ts, err := h.slack.PostMessageContext(ctx, m, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...))
			if err != nil {
				h.log.WarnContext(ctx, "manager not reached", "manager", m, "err", err)
				continue
			}
			refs = append(refs, salesbot.MessageRef{Channel: channel, TS: ts, User: m})
		}
		if len(refs) == 0 {
			return h.notify(ctx, r.actor.User, r.T(":warning: I could not reach any manager about moving *%s* to %s. Ask your admin to check SALESBOT_MANAGERS.", esc(l.Company), word(r.lang, to.Name())))
		}
		_, err := h.store.UpdateApproval(ctx, r.team, a.ID, func(a *salesbot.Approval) error {
			a.Messages = append(a.Messages, refs...)
			return nil
		})
		return err
	})
	return ephemeral(r.T(":hourglass_flowing_sand: Moving *%s* to *%s* needs a manager's approval (%s). I've asked %d manager%s; you'll hear back here.",
		esc(l.Company), word(r.lang, to.Name()), word(r.lang, why), len(managers), plural(len(managers)))), nil
}

// decideApproval settles a request: approving moves the lead, if it is
// still where it was asked from; rejecting records the reason. The first
// manager to decide wins; every manager's copy is redrawn and the rep told.
func (h *Handler) decideApproval(ctx context.Context, r request, id string, approve bool, reason string) (*slack.Msg, error) {
	now := h.now()
	a, err := h.store.Approval(ctx, r.team, id)
	if err != nil {
		return nil, err
	}
	if err := a.Decide(r.actor, approve, reason, now); err != nil { // checked on a copy first
		return nil, err
	}
	if approve {
		// The move comes first: if the lead moved since, the request is
		// moot and stays undecided; if a second manager approves at the
		// same time, their move fails here.
		if _, _, err := h.update(ctx, r, a.LeadID, func(l *salesbot.Lead) (salesbot.Update, error) {
			if l.Stage != a.From {
				return salesbot.Update{}, salesbot.Errorf(salesbot.ECONFLICT, "%s has moved since this was asked: it is at %s now, so nothing changed.", l.Company, l.Stage.Name())
			}
			return one(l.MoveStage(r.actor, a.To, now))
		}); err != nil {
			return nil, err
		}
	}
	a, err = h.store.UpdateApproval(ctx, r.team, id, func(a *salesbot.Approval) error {
		return a.Decide(r.actor, approve, reason, now)
	})
	if err != nil {
		return nil, err
	}
	outcome := func(lang i18n.Lang) string {
		switch {
		case approve:
			return i18n.T(lang, ":white_check_mark: <@%s> approved: *%s* moved to *%s*.", r.actor.User, esc(a.Company), word(lang, a.To.Name()))
		case a.Reason != "":
			return i18n.T(lang, ":no_entry_sign: <@%s> did not approve moving *%s* to *%s*: %s.", r.actor.User, esc(a.Company), word(lang, a.To.Name()), esc(a.Reason))
		}
		return i18n.T(lang, ":no_entry_sign: <@%s> did not approve moving *%s* to *%s*.", r.actor.User, esc(a.Company), word(lang, a.To.Name()))
	}
	// Each manager's copy is redrawn in that manager's language.
	text := outcome(r.lang)
	h.later(ctx, "settle approval", func(ctx context.Context) error {
		for _, m := range a.Messages {
			copyText := text
			if m.User != "" {
				copyText = outcome(h.langOf(ctx, r.team, m.User))
			}
			if _, _, _, err := h.slack.UpdateMessageContext(ctx, m.Channel, m.TS, slack.MsgOptionText(copyText, false), slack.MsgOptionBlocks(section(copyText))); err != nil {
				h.log.WarnContext(ctx, "redraw approval", "err", err)
			}
		}
		if a.Rep != r.actor.User {
			return h.notify(ctx, a.Rep, outcome(h.langOf(ctx, r.team, a.Rep)))
		}
		return nil
	})
	return ephemeral(text), nil
}

// rejectModal asks a manager why a request is rejected.
func rejectModal(lang i18n.Lang, channel, approvalID string) slack.ModalViewRequest {
	v := modal(lang, cbReject, i18n.T(lang, "Reject the request"), i18n.T(lang, "Reject"), channel,
		textInput(blockNotes, i18n.T(lang, "Notes (why not: the rep is told)"), i18n.T(lang, "Budget not confirmed yet"), "", 300, true, false))
	v.PrivateMetadata = modalMeta{Channel: channel, Lead: approvalID}.String()
	return v
}
