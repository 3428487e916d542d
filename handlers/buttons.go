package handlers

import (
	"context"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"salesbot"
)

// opensForm reports whether a button opens a form.
func opensForm(actionID string) bool {
	switch actionID {
	case actionVisitOpen, actionReminderVisit, actionStanceOpen, actionReminderRegrade, actionReject, actionDealOpen, actionReviewDrop, actionReviewed, actionEscReassign, actionInboundAssign,
		actionProfileOpen:
		return true
	}
	return isRiskFix(actionID)
}

// buttonLookup bounds the read a button makes before it opens a form: the
// trigger lives three seconds.
const buttonLookup = 500 * time.Millisecond

// openFromButton opens the form a button stands for, pre-filled with the
// lead (or request) its value names, read from the store in one bounded
// round trip: the form opens only for someone who may act on it (the lead's
// owner or a manager, as the visit service's LeadForForm rules; a manager
// for a request), so it never shows another rep's lead. Forms opened from a reminder remember it, to redraw it once
// submitted (after checking it is the submitter's own). Buttons from older
// versions, whose value also held the company after a "|", still work: the
// ID comes first.
func (h *Handler) openFromButton(ctx context.Context, cb slack.InteractionCallback, actionID, id string) error {
	team, user, channel, lang := cb.Team.ID, cb.User.ID, cb.Channel.ID, langIn(ctx)
	lctx, cancel := context.WithTimeout(ctx, buttonLookup)
	defer cancel()
	manager, err := h.managerIn(lctx, team, user)
	if err != nil {
		return err
	}
	actor := salesbot.Actor{User: user, Manager: manager}
	if actionID == actionReviewed {
		return h.openReviewed(ctx, cb, actor, cb.ActionCallback.BlockActions[0].Value)
	}
	if actionID == actionInboundAssign {
		return h.openInboundAssign(ctx, cb, actor, id)
	}
	if actionID == actionReject {
		if !actor.Manager {
			return salesbot.Errorf(salesbot.EFORBIDDEN, "Only managers can reject a request.")
		}
		_, err := h.openModal(ctx, cb.TriggerID, rejectModal(lang, channel, id))
		return err
	}
	if actionID == actionEscReassign && !actor.Manager {
		return onlyManagers()
	}
	if isRiskFix(actionID) {
		if _, _, _, ok := riskFixValue(cb.ActionCallback.BlockActions[0].Value); !ok {
			return outOfDate()
		}
	}
	l, err := h.leads.Editable(lctx, actor, salesbot.RefTo(team, id))
	if salesbot.ErrorCode(err) == salesbot.EFORBIDDEN {
		return notYours() // named by ID: not even whose it is
	} else if err != nil {
		return err
	}
	var view slack.ModalViewRequest
	if isRiskFix(actionID) {
		// The risks as they are now: the person a devil's button is
		// about is found again here, not carried in the button.
		_, kind, n, _ := riskFixValue(cb.ActionCallback.BlockActions[0].Value)
		f := fixing{lang: lang, channel: channel, lead: l, risk: salesbot.Risk{Kind: kind}}
		v, ok := riskFixForm(f, salesbot.Risks(l, h.now(), h.cadence), n)
		if !ok {
			return outOfDate()
		}
		_, err = h.openModal(ctx, cb.TriggerID, v)
		return err
	}
	switch actionID {
	case actionVisitOpen, actionReminderVisit:
		view = visitModal(lang, channel, l.Company, "")
	case actionStanceOpen:
		view = stanceModal(lang, channel, l.Company, "")
	case actionReminderRegrade:
		view = gradeModal(lang, channel, l.Company)
	case actionDealOpen:
		view = dealModal(lang, channel, l)
	case actionProfileOpen:
		view = profileModal(lang, channel, l)
	case actionEscReassign:
		view = reassignModal(lang, channel, l)
	case actionReviewDrop:
		// The value is "<lead>|<rep>|<week>": the review to redraw.
		_, rest, _ := strings.Cut(cb.ActionCallback.BlockActions[0].Value, "|")
		rep, week, _ := strings.Cut(rest, "|")
		if !actor.Manager && rep != user {
			return notYours()
		}
		view = dropModal(lang, channel, l, actor.Manager)
		view.PrivateMetadata = modalMeta{Channel: channel, Message: cb.Container.MessageTs, Lead: l.ID, Rep: rep, Week: week}.String()
	}
	if actionID == actionReminderVisit || actionID == actionReminderRegrade {
		view.PrivateMetadata = modalMeta{Channel: channel, Message: cb.Container.MessageTs, Lead: l.ID}.String()
	}
	_, err = h.openModal(ctx, cb.TriggerID, view)
	return err
}

// managerIn reports whether user is a manager in team: as read with the
// language for this request when it was, else from the store.
func (h *Handler) managerIn(ctx context.Context, team, user string) (bool, error) {
	if a, ok := ctx.Value(askedKey{}).(asked); ok && a.known && a.team == team && a.user == user {
		return a.manager, nil
	}
	return h.isManager(ctx, team, user)
}

// byLeadID reports whether a button acts on the lead its value names.
func byLeadID(actionID string) bool {
	switch actionID {
	case actionGradeSet, actionGradeButton, actionMapOpen, actionReminderSnooze, actionDealOpen, actionCategorySet, actionProfileOpen,
		actionReviewCommit, actionReviewRisk, actionReviewDrop, actionEscRemind, actionEscReassign, actionEscSnooze:
		return true
	}
	return false
}

// notYours refuses a lead reached by its ID to someone who may not see it.
func notYours() error {
	return salesbot.Errorf(salesbot.EFORBIDDEN, "That lead is not yours: only its owner and managers can see it or change it.")
}

// outOfDate refuses a button this version cannot read.
func outOfDate() error {
	return salesbot.Errorf(salesbot.EINVALID, "That button is out of date. Run the command again.")
}
