package handlers

import (
	"context"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/i18n"
)

// Removing data: `/stance remove <company> "<person>"` and `/lead delete
// <company>` with its confirmation.

const (
	actionLeadDelete       = "lead_delete"        // confirmation: delete the lead, value "<lead>"
	actionLeadDeleteCancel = "lead_delete_cancel" // confirmation: keep it, value "<lead>"

	stanceRemoveUsage = `/stance remove <company> "<person>"`
	leadDeleteUsage   = "/lead delete <company>"
)

// isRemoval says whether a button is one of /lead delete's confirmation.
func isRemoval(actionID string) bool {
	return actionID == actionLeadDelete || actionID == actionLeadDeleteCancel
}

// isStanceRemove says whether /stance's words ask to remove a person:
// they start with "remove" (删除) and go on without a role and an influence, which
// would make them a stance on a company whose name starts with the word.
func isStanceRemove(toks []salesbot.Token) bool {
	if len(toks) == 0 || toks[0].Quoted || !(strings.EqualFold(toks[0].Text, "remove") || toks[0].Text == "删除") {
		return false
	}
	for i := 1; i+1 < len(toks); i++ {
		_, role := salesbot.ParseRole(toks[i].Text)
		_, influence := salesbot.ParseInfluence(toks[i+1].Text)
		if role == nil && influence == nil {
			return false
		}
	}
	return true
}

// stanceRemove runs `/stance remove <company> "<person>"`: the person's
// record and their name go from the lead; what has no index by lead is
// swept once the answer is on its way.
func (h *Handler) stanceRemove(ctx context.Context, cmd slack.SlashCommand, toks []salesbot.Token) (*slack.Msg, error) {
	if h.removal == nil {
		return nil, removalNotSetUp()
	}
	r, err := h.request(ctx, cmd.TeamID, cmd.UserID, cmd.ChannelID)
	if err != nil {
		return nil, err
	}
	if len(toks) == 0 {
		return nil, salesbot.Errorf(salesbot.EINVALID, "Whose record, on which lead? Write `/stance remove <company> \"<person>\"`, e.g. `/stance remove Acme \"Wang Li\"`.")
	}
	l, rest, err := h.findLead(ctx, r, toks, stanceRemoveUsage)
	if err != nil {
		return nil, err
	}
	if len(rest) == 0 {
		return nil, salesbot.Errorf(salesbot.EINVALID, "Whose record? Write `/stance remove %s \"Wang Li\"` with the name as the map shows it.", quoteName(l.Company))
	}
	done, err := h.removal.RemovePerson(ctx, salesbot.PersonRemoval{Actor: r.actor, Team: r.team, LeadID: l.ID, Lead: l,
		Person: salesbot.JoinTokens(rest), Now: h.now()})
	if err != nil {
		return nil, err
	}
	team, id, name := r.team, done.Lead.ID, done.Name
	h.later(ctx, "sweep removed person", func(ctx context.Context) error { return h.removal.Sweep(ctx, team, id, name) })
	return ephemeral(r.T(":wastebasket: %s's record is removed from *%s*, and their name from its history, visits and notes. The history keeps only that a person was removed, and by whom.",
		esc(done.Name), esc(done.Lead.Company))), nil
}

// leadDelete runs `/lead delete <company>`: a manager gets a confirmation
// with the lead's particulars and Delete / Cancel; anyone else is told
// who may, before any look-up.
func (h *Handler) leadDelete(ctx context.Context, r request, args []salesbot.Token) (*slack.Msg, error) {
	if err := salesbot.CanDeleteLead(r.actor); err != nil {
		return nil, err
	}
	if h.removal == nil {
		return nil, removalNotSetUp()
	}
	if len(args) == 0 {
		return nil, salesbot.Errorf(salesbot.EINVALID, "Which lead? Write `/lead delete <company>`, e.g. `/lead delete Acme`.")
	}
	return h.withLead(ctx, r, args, leadDeleteUsage, func(l *salesbot.Lead, rest []salesbot.Token) (*slack.Msg, error) {
		if len(rest) > 0 {
			return nil, salesbot.Errorf(salesbot.EINVALID, "`/lead delete` takes the company only: `/lead delete %s`.", quoteName(l.Company))
		}
		visits, err := h.removal.VisitCount(ctx, r.team, l.ID)
		if err != nil {
			return nil, err
		}
		return deleteConfirmation(r.lang, l, visits), nil
	})
}

// deleteConfirmation asks a manager to confirm deleting a lead. Its
// buttons carry the lead's ID only.
func deleteConfirmation(lang i18n.Lang, l *salesbot.Lead, visits int) *slack.Msg {
	text := i18n.T(lang, ":warning: Delete *%s* for good?\nOwner <@%s> · grade %s · stage %s · visits: %d · people: %d\nIts history, visits and indexes go with it; the audit log keeps that you deleted it.",
		esc(l.Company), l.Owner, l.Grade, word(lang, l.Stage.Name()), visits, len(l.Stakeholders))
	return ephemeral(text, section(text), slack.NewActionBlock("lead_delete",
		slack.NewButtonBlockElement(actionLeadDelete, l.ID, plain(i18n.T(lang, "Delete"))).WithStyle(slack.StyleDanger),
		slack.NewButtonBlockElement(actionLeadDeleteCancel, l.ID, plain(i18n.T(lang, "Cancel")))))
}

// removalAction answers the confirmation's buttons. Delete checks the
// clicker's manager rights again (the service does), whoever was shown
// the confirmation.
func (h *Handler) removalAction(ctx context.Context, r request, actionID string, parts []string) (*slack.Msg, bool, error) {
	if len(parts) != 1 || parts[0] == "" {
		return nil, false, outOfDate()
	}
	if h.removal == nil {
		return nil, false, removalNotSetUp()
	}
	if actionID == actionLeadDeleteCancel {
		return ephemeral(r.T(":white_check_mark: Cancelled: nothing was deleted.")), true, nil
	}
	gone, err := h.removal.DeleteLead(ctx, salesbot.LeadDeletion{Actor: r.actor, Team: r.team, LeadID: parts[0], Now: h.now()})
	if err != nil {
		return nil, false, err
	}
	team, id := r.team, gone.ID
	h.later(ctx, "sweep deleted lead", func(ctx context.Context) error { return h.removal.Sweep(ctx, team, id, "") })
	return ephemeral(r.T(":wastebasket: *%s* is deleted, with its history, visits and indexes; its name is free to register again. The audit log keeps that you deleted it.",
		esc(gone.Company))), true, nil
}

// removalNotSetUp answers a removal on a bot built without a RemovalService.
func removalNotSetUp() error {
	return salesbot.Errorf(salesbot.EINTERNAL, "Removing data is not set up on this bot.")
}

// deletedLead words a lead not found by its ID (a button on an older
// message) as deleted, when the audit log says it was; else err stands.
// Only a button whose value starts with a lead's ID (leadButton) is looked
// up: the audit list is not read for a request's, a plan's or an
// inquiry's.
func (h *Handler) deletedLead(ctx context.Context, team, actionID, id string, err error) error {
	if salesbot.ErrorCode(err) != salesbot.ENOTFOUND || id == "" || h.removal == nil || !leadButton(actionID) {
		return err
	}
	e, ok, aerr := h.removal.Deleted(ctx, team, id)
	if aerr != nil || !ok {
		return err
	}
	return salesbot.Errorf(salesbot.ENOTFOUND, "That lead was deleted by %s on %s.", salesbot.User(e.By), e.At.UTC().Format(time.DateOnly))
}

// leadButton says whether a button's value starts with a lead's ID: the
// buttons on a lead (byLeadID), the forms they open, a reminder's, a
// risk's fix, a request for a lead and the deletion's confirmation.
func leadButton(actionID string) bool {
	switch {
	case byLeadID(actionID), isRemoval(actionID), isRiskFix(actionID):
		return true
	}
	switch actionID {
	case actionVisitOpen, actionStanceOpen, actionReminderVisit, actionReminderRegrade, actionLeadRequest:
		return true
	}
	return false
}

// removalBlocks lists on a card the people's records removed from the lead
// lately, newest first: that one was, by whom and when, never whom. The
// lead keeps them (Lead.Removals), so the card reads nothing more.
func removalBlocks(r request, l *salesbot.Lead) []slack.Block {
	var lines []string
	for i := len(l.Removals) - 1; i >= 0; i-- {
		c := l.Removals[i]
		lines = append(lines, r.T(":wastebasket: A person's record was removed by <@%s> on %s.", c.By, day(c.At, r.loc)))
	}
	if len(lines) == 0 {
		return nil
	}
	return []slack.Block{contextLine(strings.Join(lines, "\n"))}
}
