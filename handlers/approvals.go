package handlers

import (
	"context"
	"fmt"
	"time"

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
		return nil, salesbot.Errorf(salesbot.EFORBIDDEN, "Moving %s to %s needs a manager (%s), and no manager is set up yet. Ask your admin to set SALESBOT_MANAGERS.", l.Company, salesbot.Term(to.Name()), salesbot.Term(why))
	}
	h.withdrawStaleLater(ctx, r, l)
	a := &salesbot.Approval{Team: r.team, LeadID: l.ID, Company: l.Company, From: l.Stage, To: to, Rep: r.actor.User, Why: why, AskedAt: h.now()}
	existing, created, err := h.store.CreateApproval(ctx, a)
	if err != nil {
		return nil, fmt.Errorf("ask approval: %w", err)
	}
	if !created {
		return ephemeral(r.T(":hourglass_flowing_sand: Moving *%s* to *%s* is already waiting for a manager (asked by <@%s> %s).",
			esc(l.Company), word(r.lang, to.Name()), existing.Rep, ago(r.lang, existing.AskedAt, h.now(), r.loc))), nil
	}
	// The manager weighs the deal as it would stand at the new stage (a
	// quote needs the budget known, for one).
	target := *l
	target.Stage, target.StageSince = to, h.now()
	risks := salesbot.Risks(&target, h.now(), h.cadence)
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
		copies := h.notifyManagers(ctx, r.team, managers, func(lang i18n.Lang, _ *time.Location) (string, []slack.Block) { return request(lang) })
		if len(copies) == 0 {
			return h.notify(ctx, r.actor.User, r.T(":warning: I could not reach any manager about moving *%s* to %s. Ask your admin to check SALESBOT_MANAGERS.", esc(l.Company), word(r.lang, to.Name())))
		}
		return h.keepCopies(ctx, r.team, a.ID, copies)
	})
	return ephemeral(r.T(":hourglass_flowing_sand: Moving *%s* to *%s* needs a manager's approval (%s). I've asked %d managers; you'll hear back here.",
		esc(l.Company), word(r.lang, to.Name()), word(r.lang, why), len(managers))), nil
}

// decideApproval settles a request. The decision is recorded first, so the
// first manager to decide wins; an approval then moves the lead, and if the
// lead has moved or closed since, the request is withdrawn instead. Every
// manager's copy is redrawn in that manager's language and the rep is told.
func (h *Handler) decideApproval(ctx context.Context, r request, id string, approve bool, reason string) (*slack.Msg, error) {
	now := h.now()
	a, err := h.store.UpdateApproval(ctx, r.team, id, func(a *salesbot.Approval) error {
		return a.Decide(r.actor, approve, reason, now)
	})
	if err != nil {
		return nil, err
	}
	if approve {
		l, _, err := h.update(ctx, r, byID(a.LeadID), func(l *salesbot.Lead) (salesbot.Update, error) {
			if a.Stale(l) {
				return salesbot.Update{}, movedSince(l)
			}
			return one(l.MoveStage(r.actor, a.To, now))
		})
		if err != nil {
			// Not applied: the request must not read "approved".
			if w, werr := h.store.UpdateApproval(ctx, r.team, id, func(a *salesbot.Approval) error { a.Withdraw(now); return nil }); werr == nil {
				h.redrawApproval(ctx, r.team, w, func(lang i18n.Lang) string { return h.errorText(ctx, lang, err) })
			}
			return nil, err
		}
		h.withdrawStale(ctx, r, l) // other requests from the stage it left
	}
	outcome := func(lang i18n.Lang) string { return outcomeText(lang, a) }
	h.redrawApproval(ctx, r.team, a, outcome)
	if a.Rep != r.actor.User {
		rep := a.Rep
		h.later(ctx, "tell the rep", func(ctx context.Context) error {
			return h.notify(ctx, rep, outcome(h.langOf(ctx, r.team, rep)))
		})
	}
	return ephemeral(outcome(r.lang)), nil
}

// keepCopies records where the managers' copies of a request are, to redraw
// them once it is decided.
func (h *Handler) keepCopies(ctx context.Context, team, id string, copies []salesbot.MessageRef) error {
	a, err := h.store.UpdateApproval(ctx, team, id, func(a *salesbot.Approval) error {
		a.Messages = append(a.Messages, copies...)
		return nil
	})
	if err != nil {
		return err
	}
	if a.Status != salesbot.ApprovalPending {
		// Decided before its copies were recorded: redraw these now.
		late := *a
		late.Messages = copies
		h.redrawApproval(ctx, team, &late, func(lang i18n.Lang) string { return outcomeText(lang, a) })
	}
	return nil
}

// outcomeText says how a request was settled, from the request alone, so
// that every copy reads the same whenever it is redrawn.
func outcomeText(lang i18n.Lang, a *salesbot.Approval) string {
	switch {
	case a.Status == salesbot.ApprovalWithdrawn:
		return i18n.T(lang, "This request was withdrawn: the lead has moved or closed since it was asked.")
	case a.Kind == salesbot.ApprovalLead && a.Status == salesbot.ApprovalApproved:
		return i18n.T(lang, ":handshake: *%s* is <@%s>'s lead now (was <@%s>).", esc(a.Company), a.Rep, a.Owner) +
			i18n.T(lang, " (decided by <@%s>)", a.DecidedBy)
	case a.Kind == salesbot.ApprovalLead:
		return i18n.T(lang, ":lock: *%s* stays with <@%s> (decided by <@%s>).", esc(a.Company), a.Owner, a.DecidedBy)
	case a.Status == salesbot.ApprovalApproved:
		return i18n.T(lang, ":white_check_mark: <@%s> approved: *%s* moved to *%s*.", a.DecidedBy, esc(a.Company), word(lang, a.To.Name()))
	case a.Reason != "":
		return i18n.T(lang, ":no_entry_sign: <@%s> did not approve moving *%s* to *%s*: %s.", a.DecidedBy, esc(a.Company), word(lang, a.To.Name()), esc(a.Reason))
	}
	return i18n.T(lang, ":no_entry_sign: <@%s> did not approve moving *%s* to *%s*.", a.DecidedBy, esc(a.Company), word(lang, a.To.Name()))
}

// movedSince is the error for a request whose lead is no longer where it
// was asked from.
func movedSince(l *salesbot.Lead) error {
	return salesbot.Errorf(salesbot.ECONFLICT, "%s has moved since this was asked: it is at %s now, so nothing changed.", l.Company, salesbot.Term(l.Stage.Name()))
}

// redrawApproval replaces every manager's copy of a request with its
// outcome, each in that manager's language.
func (h *Handler) redrawApproval(ctx context.Context, team string, a *salesbot.Approval, outcome func(i18n.Lang) string) {
	copies := a.Messages
	h.later(ctx, "redraw approval", func(ctx context.Context) error {
		for _, m := range copies {
			text := outcome(h.langOf(ctx, team, m.User))
			if _, _, _, err := h.slack.UpdateMessageContext(ctx, m.Channel, m.TS, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(section(text))); err != nil {
				h.log.WarnContext(ctx, "redraw approval", "err", err)
			}
		}
		return nil
	})
}

// withdrawStaleLater runs withdrawStale after the request is answered: the
// reply does not wait for it.
func (h *Handler) withdrawStaleLater(ctx context.Context, r request, l *salesbot.Lead) {
	h.later(ctx, "withdraw stale requests", func(ctx context.Context) error {
		h.withdrawStale(ctx, r, l)
		return nil
	})
}

// withdrawStale withdraws the lead's pending requests that no longer fit it
// (it moved or closed), so that none waits for ever and the managers' copies
// say why. A failure only leaves them for a manager's click to settle.
func (h *Handler) withdrawStale(ctx context.Context, r request, l *salesbot.Lead) {
	pending, err := h.store.PendingApprovals(ctx, r.team)
	if err != nil {
		h.log.WarnContext(ctx, "pending approvals", "err", err)
		return
	}
	now := h.now()
	for _, p := range pending {
		if p.LeadID != l.ID || !p.Stale(l) {
			continue
		}
		w, err := h.store.UpdateApproval(ctx, r.team, p.ID, func(a *salesbot.Approval) error {
			if a.Status == salesbot.ApprovalPending {
				a.Withdraw(now)
			}
			return nil
		})
		if err != nil {
			h.log.WarnContext(ctx, "withdraw approval", "approval", p.ID, "err", err)
			continue
		}
		moved := movedSince(l)
		h.redrawApproval(ctx, r.team, w, func(lang i18n.Lang) string { return errorMessage(lang, moved) })
	}
}

// rejectModal asks a manager why a request is rejected.
func rejectModal(lang i18n.Lang, channel, approvalID string) slack.ModalViewRequest {
	v := modal(lang, cbReject, i18n.T(lang, "Reject the request"), i18n.T(lang, "Reject"), channel,
		textInput(blockNotes, i18n.T(lang, "Notes (why not: the rep is told)"), i18n.T(lang, "Budget not confirmed yet"), "", 300, true, false))
	v.PrivateMetadata = modalMeta{Channel: channel, Lead: approvalID}.String()
	return v
}

// decideLead settles a rep's request for a lead: Assign gives it to them if
// it is still with the owner it had when they asked; Keep leaves it. The
// first manager to decide wins and every copy is redrawn.
func (h *Handler) decideLead(ctx context.Context, r request, id string, assign bool) (*slack.Msg, error) {
	now := h.now()
	a, err := h.store.UpdateApproval(ctx, r.team, id, func(a *salesbot.Approval) error {
		if a.Kind != salesbot.ApprovalLead {
			return salesbot.Errorf(salesbot.EINVALID, "That button is out of date. Run the command again.")
		}
		return a.Decide(r.actor, assign, "", now)
	})
	if err != nil {
		return nil, err
	}
	outcome := func(lang i18n.Lang) string { return outcomeText(lang, a) }
	if !assign {
		h.redrawApproval(ctx, r.team, a, outcome)
		rep := a.Rep
		h.later(ctx, "notify keep", func(ctx context.Context) error {
			return h.notify(ctx, rep, i18n.T(h.langOf(ctx, r.team, rep), ":lock: <@%s> decided *%s* stays with <@%s>.", r.actor.User, esc(a.Company), a.Owner))
		})
		return ephemeral(outcome(r.lang)), nil
	}
	msg, err := h.assignFrom(ctx, r, byID(a.LeadID), a.Rep, a.Owner)
	if err != nil {
		if w, werr := h.store.UpdateApproval(ctx, r.team, id, func(a *salesbot.Approval) error { a.Withdraw(now); return nil }); werr == nil {
			h.redrawApproval(ctx, r.team, w, func(lang i18n.Lang) string { return h.errorText(ctx, lang, err) })
		}
		return nil, err
	}
	h.redrawApproval(ctx, r.team, a, outcome)
	return msg, nil
}
