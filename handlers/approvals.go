package handlers

import (
	"context"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/i18n"
	"salesbot/store"
)

// cbReject is the form a manager fills in to reject a request with a reason.
const cbReject = "approval_reject"

// notSetUp refuses a command whose service this bot was built without.
func notSetUp() error {
	return salesbot.Errorf(salesbot.EINTERNAL, "Stage moves and requests to managers are not set up on this bot.")
}

// askStage sends the managers a rep's new request for a stage move, with
// Approve / Reject buttons, after the rep is answered, and tells the rep
// what happens next.
func (h *Handler) askStage(ctx context.Context, r request, out salesbot.StageOutcome) *slack.Msg {
	l, a := out.Lead, out.Request
	if len(out.Ask) == 0 {
		return ephemeral(r.T(":hourglass_flowing_sand: Moving *%s* to *%s* is already waiting for a manager (asked by <@%s> %s).",
			esc(l.Company), word(r.lang, a.To.Name()), a.Rep, ago(r.lang, a.AskedAt, h.now(), r.loc)))
	}
	// Each manager reads the request in their own language.
	request := func(lang i18n.Lang, _ *time.Location) (string, []slack.Block) {
		text := i18n.T(lang, ":raising_hand: <@%s> asks to move *%s* (grade %s) from %s to *%s*: %s.",
			a.Rep, esc(l.Company), l.Grade, word(lang, a.From.Name()), word(lang, a.To.Name()), word(lang, a.Why))
		if len(a.Unmet) > 0 {
			text += "\n" + i18n.T(lang, ":grey_question: Not met: %s.", markup(esc(unmetText(lang, a.Unmet))))
		}
		for _, line := range riskLines(lang, out.Risks) {
			text += "\n" + line // what the manager weighs before approving
		}
		return text, []slack.Block{
			section(text),
			slack.NewActionBlock("approval",
				slack.NewButtonBlockElement(actionApprove, a.ID, plain(i18n.T(lang, "Approve"))).WithStyle(slack.StylePrimary),
				slack.NewButtonBlockElement(actionReject, a.ID, plain(i18n.T(lang, "Reject…"))).WithStyle(slack.StyleDanger)),
		}
	}
	managers := out.Ask
	h.later(ctx, "ask approval", func(ctx context.Context) error {
		copies := h.notifyManagers(ctx, r.team, managers, request)
		if len(copies) == 0 {
			return h.notify(ctx, r.actor.User, r.T(":warning: I could not reach any manager about moving *%s* to %s. Ask your admin to check SALESBOT_MANAGERS.", esc(l.Company), word(r.lang, a.To.Name())))
		}
		return h.keepCopies(ctx, r.team, a.ID, copies)
	})
	reply := r.T(":hourglass_flowing_sand: Moving *%s* to *%s* needs a manager's approval (%s). I've asked %d managers; you'll hear back here.",
		esc(l.Company), word(r.lang, a.To.Name()), word(r.lang, a.Why), len(managers))
	if len(out.Unmet) > 0 {
		reply += "\n" + strings.Join(milestoneLines(r.lang, l.Company, out.Unmet), "\n")
	}
	return ephemeral(reply)
}

// decideStage settles a request for a stage move (see
// salesbot.ApprovalService.DecideStage), redraws every manager's copy in
// that manager's language and tells the rep.
func (h *Handler) decideStage(ctx context.Context, r request, id string, approve bool, reason string) (*slack.Msg, error) {
	if h.approvs == nil {
		return nil, notSetUp()
	}
	d, err := h.approvs.DecideStage(ctx, r.actor, r.team, id, approve, reason, h.now())
	if err != nil {
		return nil, err
	}
	if d.Moot != nil {
		h.redrawApproval(ctx, r.team, d.Request, func(lang i18n.Lang) string { return h.errorText(ctx, lang, d.Moot) })
		return nil, d.Moot
	}
	if d.Pending {
		// Approved by this manager; another must approve it too.
		h.quotePending(ctx, r.team, d.Request)
		return ephemeral(quoteOutcome(r.lang, d.Request)), nil
	}
	h.settleLater(ctx, r, d.Lead, d.Stale)
	outcome := func(lang i18n.Lang) string { return outcomeText(lang, d.Request) }
	h.redrawApproval(ctx, r.team, d.Request, outcome)
	if rep := d.TellRep; rep != "" {
		h.later(ctx, "tell the rep", func(ctx context.Context) error {
			return h.notify(ctx, rep, outcome(h.langOf(ctx, r.team, rep)))
		})
	}
	return ephemeral(outcome(r.lang)), nil
}

// decideLead settles a rep's request for a lead (see
// salesbot.ApprovalService.DecideLead): every copy is redrawn, and the rep
// and the previous owner are told.
func (h *Handler) decideLead(ctx context.Context, r request, id string, assign bool) (*slack.Msg, error) {
	if h.approvs == nil {
		return nil, notSetUp()
	}
	d, err := h.approvs.DecideLead(ctx, r.actor, r.team, id, assign, h.now())
	if err != nil {
		return nil, err
	}
	if d.Moot != nil {
		h.redrawApproval(ctx, r.team, d.Request, func(lang i18n.Lang) string { return h.errorText(ctx, lang, d.Moot) })
		return nil, d.Moot
	}
	a, l := d.Request, d.Lead
	outcome := func(lang i18n.Lang) string { return outcomeText(lang, a) }
	h.redrawApproval(ctx, r.team, a, outcome)
	h.settleLater(ctx, r, l, d.Stale)
	h.later(ctx, "tell of a lead request", func(ctx context.Context) error {
		if rep := d.TellRep; rep != "" {
			lang := h.langOf(ctx, r.team, rep)
			text := i18n.T(lang, ":lock: <@%s> decided *%s* stays with <@%s>.", r.actor.User, esc(a.Company), a.Owner)
			if assign {
				text = i18n.T(lang, ":inbox_tray: <@%s> gave you *%s* (grade %s, %s). `/lead show %s` has its card.",
					r.actor.User, esc(l.Company), l.Grade, word(lang, l.Stage.Name()), esc(quoteName(l.Company)))
			}
			if err := h.notify(ctx, rep, text); err != nil {
				return err
			}
		}
		if from := d.TellOwner; from != "" {
			lang := h.langOf(ctx, r.team, from)
			return h.notify(ctx, from, i18n.T(lang, ":outbox_tray: <@%s> reassigned *%s* to <@%s>.", r.actor.User, esc(l.Company), a.Rep))
		}
		return nil
	})
	if assign {
		return ephemeral(r.T(":handshake: *%s* is <@%s>'s lead now (was <@%s>).", esc(l.Company), a.Rep, a.Owner)), nil
	}
	return ephemeral(outcome(r.lang)), nil
}

// requestLead sends the managers a rep's request for a lead someone else
// owns, with Assign / Keep buttons (see
// salesbot.ApprovalService.RequestLead).
func (h *Handler) requestLead(ctx context.Context, r request, id string) (*slack.Msg, bool, error) {
	if h.approvs == nil {
		return nil, false, notSetUp()
	}
	managers, err := h.allManagers(ctx, r.team)
	if err != nil {
		return nil, false, err
	}
	now := h.now()
	ask, err := h.approvs.RequestLead(ctx, r.actor, r.team, id, managers, now)
	if err != nil {
		return nil, false, err
	}
	l, a := ask.Lead, ask.Request
	asked := ephemeral(r.T(":hourglass_flowing_sand: I've asked the managers to give you *%s*. You'll hear back here.", esc(l.Company)))
	if len(ask.Ask) == 0 {
		return asked, true, nil // asked before and still waiting: nothing new is sent
	}
	request := func(lang i18n.Lang, loc *time.Location) (string, []slack.Block) {
		touch := i18n.T(lang, "never touched")
		if !l.LastTouch.IsZero() {
			touch = i18n.T(lang, "last touched %s", ago(lang, l.LastTouch, now, loc))
		}
		text := i18n.T(lang, ":raising_hand: <@%s> asks for *%s*, <@%s>'s lead (grade %s, %s, %s). The first to register owns a lead; whoever reached the decision maker deserves it.\n%s",
			r.actor.User, esc(l.Company), l.Owner, l.Grade, word(lang, l.Stage.Name()), touch, deciderContact(lang, l))
		return text, []slack.Block{section(text), slack.NewActionBlock("lead_request_decision",
			slack.NewButtonBlockElement(actionAssignTo, a.ID, plain(i18n.T(lang, "Assign to requester"))).WithStyle(slack.StylePrimary),
			slack.NewButtonBlockElement(actionKeep, a.ID, plain(i18n.T(lang, "Keep with owner"))))}
	}
	copies := h.notifyManagers(ctx, r.team, ask.Ask, request)
	if len(copies) == 0 {
		if _, err := h.approvs.Withdraw(ctx, r.team, a.ID, now); err != nil {
			h.log.WarnContext(ctx, "withdraw unsent request", "approval", a.ID, "err", err)
		}
		return nil, false, salesbot.Errorf(salesbot.EINTERNAL, "I could not reach any manager just now. Please try again in a moment.")
	}
	if err := h.keepCopies(ctx, r.team, a.ID, copies); err != nil {
		h.log.WarnContext(ctx, "keep request copies", "err", err)
	}
	return asked, true, nil
}

// deciderContact says how far the owner got with the people who decide: the
// economic buyer and anyone recorded as decision maker or approver (DOMAIN.md
// §6: the deeper contact with the decision maker wins).
func deciderContact(lang i18n.Lang, l *salesbot.Lead) string {
	var parts []string
	for _, s := range l.Stakeholders {
		if s.Role != salesbot.RoleEconomicBuyer && s.DecisionRole != salesbot.DecisionMaker && s.DecisionRole != salesbot.DecisionApprover {
			continue
		}
		// Name reads an unrecorded depth as "No contact".
		parts = append(parts, i18n.T(lang, "*%s* (%s): %s", esc(s.Name), word(lang, s.Role.Name()), word(lang, s.ContactDepth.Name())))
	}
	if len(parts) == 0 {
		return i18n.T(lang, "<@%s> has recorded no economic buyer or decision maker here yet.", l.Owner)
	}
	return i18n.T(lang, "<@%s>'s contact with who decides: %s.", l.Owner, strings.Join(parts, "; "))
}

// keepCopies records where the managers' copies of a request are, to redraw
// them once it is decided.
func (h *Handler) keepCopies(ctx context.Context, team, id string, copies []store.MessageRef) error {
	a, err := h.store.KeepApprovalCopies(ctx, team, id, copies)
	if err != nil {
		return err
	}
	if a.Status != salesbot.ApprovalPending {
		// Decided before its copies were recorded: redraw these now.
		h.redrawCopies(ctx, team, copies, func(lang i18n.Lang) string { return outcomeText(lang, a) })
	}
	return nil
}

// outcomeText says how a request was settled, from the request alone, so
// that every copy reads the same whenever it is redrawn.
func outcomeText(lang i18n.Lang, a *salesbot.Approval) string {
	switch {
	case a.Kind == salesbot.ApprovalQuote:
		return quoteOutcome(lang, a)
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

// redrawApproval replaces every manager's copy of a request with its
// outcome, each in that manager's language.
func (h *Handler) redrawApproval(ctx context.Context, team string, a *salesbot.Approval, outcome func(i18n.Lang) string) {
	id := a.ID
	h.later(ctx, "redraw approval", func(ctx context.Context) error {
		copies, err := h.store.ApprovalCopies(ctx, team, id)
		if err != nil {
			return err
		}
		h.redrawCopies(ctx, team, copies, outcome)
		return nil
	})
}

// redrawCopies replaces the given copies of a request with its outcome,
// each in its reader's language.
func (h *Handler) redrawCopies(ctx context.Context, team string, copies []store.MessageRef, outcome func(i18n.Lang) string) {
	for _, m := range copies {
		text := outcome(h.langOf(ctx, team, m.User))
		if _, _, _, err := h.slack.UpdateMessageContext(ctx, m.Channel, m.TS, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(section(text))); err != nil {
			h.log.WarnContext(ctx, "redraw approval", "err", err)
		}
	}
}

// settleLater withdraws, after the request is answered, the requests for
// l that a change left stale, when the service says some may be (see
// salesbot.ApprovalService.WithdrawStale), and redraws their copies with
// why. A failure only leaves them for a manager's click to settle.
func (h *Handler) settleLater(ctx context.Context, r request, l *salesbot.Lead, stale bool) {
	if !stale || h.approvs == nil {
		return
	}
	h.later(ctx, "withdraw stale requests", func(ctx context.Context) error {
		withdrawn, err := h.approvs.WithdrawStale(ctx, l, h.now())
		for _, d := range withdrawn {
			h.redrawApproval(ctx, r.team, d.Request, func(lang i18n.Lang) string { return errorMessage(lang, d.Moot) })
		}
		return err
	})
}

// notifyManagers sends every manager the message render words in their
// language and returns the copies it posted; a failure to reach one is
// logged and does not stop the rest.
func (h *Handler) notifyManagers(ctx context.Context, team string, managers []string, render func(i18n.Lang, *time.Location) (string, []slack.Block)) []store.MessageRef {
	var copies []store.MessageRef
	for _, m := range managers {
		p := h.people.Lookup(ctx, m)
		text, blocks := render(h.langOf(ctx, team, m), p.Loc)
		channel, ts, err := h.slack.PostMessageContext(ctx, m, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...))
		if err != nil {
			h.log.WarnContext(ctx, "manager not reached", "manager", m, "err", err)
			continue
		}
		copies = append(copies, store.MessageRef{Channel: channel, TS: ts, User: m})
	}
	return copies
}

// rejectModal asks a manager why a request is rejected.
func rejectModal(lang i18n.Lang, channel, approvalID string) slack.ModalViewRequest {
	v := modal(lang, cbReject, i18n.T(lang, "Reject the request"), i18n.T(lang, "Reject"), channel,
		textInput(blockNotes, i18n.T(lang, "Notes (why not: the rep is told)"), i18n.T(lang, "Budget not confirmed yet"), "", 300, true, false))
	v.PrivateMetadata = modalMeta{Channel: channel, Lead: approvalID}.String()
	return v
}
