package handlers

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/i18n"
)

// The escalation ladder's messages (scheduler.Escalator): the owner's
// second reminder, and the managers' message with its buttons. Each value
// is the lead's ID (and, for a snooze, "|<days>"); who may click is checked
// again here, the value being the clicker's to type.
const (
	actionEscRemind   = "esc_remind"   // manager: remind the rep again, value "<lead>"
	actionEscReassign = "esc_reassign" // manager: open the assign form, value "<lead>"
	actionEscSnooze   = "esc_snooze"   // manager: snooze the follow-up, value "<lead>|<days>"
)

// isEscalation reports whether an action is one of the managers' buttons
// on an escalation.
func isEscalation(actionID string) bool {
	return actionID == actionEscRemind || actionID == actionEscReassign || actionID == actionEscSnooze
}

// Nudge sends the owner the second reminder of a follow-up left un-acted
// since they were first reminded: the reminder's look and buttons under a
// "second reminder" line. It implements scheduler.Escalator.
func (h *Handler) Nudge(ctx context.Context, team, owner string, l *salesbot.Lead, since time.Time) error {
	ctx = forTeam(ctx, team)
	lang := h.langOf(ctx, team, owner)
	head := i18n.T(lang, ":bell: *Second reminder* — you were reminded of this follow-up %s and nothing was logged since. Log a visit, snooze it or regrade it; otherwise it goes to your manager.",
		ago(lang, since, h.now(), h.people.Location(ctx, owner)))
	return h.remindWith(ctx, team, owner, l, head, i18n.T(lang, "Second reminder: %s", esc(l.Company)))
}

// remindWith sends owner a reminder of one lead under a first line (head)
// and remembers it, so that its buttons redraw it as a reminder's do.
func (h *Handler) remindWith(ctx context.Context, team, owner string, l *salesbot.Lead, head, text string) error {
	v := h.reminderView(ctx, team, owner)
	visits, err := h.store.LastVisits(ctx, team, []string{l.ID})
	if err != nil {
		return fmt.Errorf("reminder for %s: %w", l.ID, err)
	}
	v.visits = visits
	v.suggest[l.ID] = recordedSuggestion(l, h.plan(ctx, team)) // the reminder's own
	blocks := append([]slack.Block{section(head)}, v.blocks([]*salesbot.Lead{l})...)
	channel, ts, err := h.slack.PostMessageContext(ctx, owner, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...))
	if err != nil {
		return fmt.Errorf("remind %s: %w", owner, err)
	}
	if err := h.store.SaveReminder(ctx, team, channel, ts, owner, []string{l.ID}); err != nil {
		h.log.WarnContext(ctx, "remember reminder message", "err", err)
	}
	return nil
}

// Escalate sends a manager a rep's follow-up left un-acted since the rep
// was first reminded: company, grade, rep, how long, with Remind rep,
// Reassign… and Snooze. It implements scheduler.Escalator.
func (h *Handler) Escalate(ctx context.Context, team, manager string, l *salesbot.Lead, since time.Time) error {
	ctx = forTeam(ctx, team)
	lang := h.langOf(ctx, team, manager)
	blocks := escalationBlocks(lang, l, since, h.now(), h.people.Location(ctx, manager), "")
	text := i18n.T(lang, "Escalated: %s (grade %s), <@%s>", esc(l.Company), l.Grade, l.Owner)
	if _, _, err := h.slack.PostMessageContext(ctx, manager, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...)); err != nil {
		return fmt.Errorf("escalate to %s: %w", manager, err)
	}
	return nil
}

// escalationBlocks is the managers' message about l; with a note (what was
// done about it) the note stands where the buttons were.
func escalationBlocks(lang i18n.Lang, l *salesbot.Lead, since, now time.Time, loc *time.Location, note string) []slack.Block {
	t := func(format string, args ...any) string { return i18n.T(lang, format, args...) }
	blocks := []slack.Block{
		section(t(":rotating_light: *%s* (grade %s, %s) — <@%s> was reminded of this follow-up %s and has not acted on it.",
			esc(l.Company), l.Grade, word(lang, l.Stage.Name()), l.Owner, ago(lang, since, now, loc))),
	}
	touched := t("never touched")
	if !l.LastTouch.IsZero() {
		touched = t("last touch %s", ago(lang, l.LastTouch, now, loc))
	}
	blocks = append(blocks, contextLine(dueIn(lang, l.Due, now, loc)+" · "+touched))
	if note != "" {
		return append(blocks, contextLine(note))
	}
	return append(blocks, slack.NewActionBlock("escalation:"+l.ID,
		slack.NewButtonBlockElement(actionEscRemind, l.ID, plain(t("Remind rep"))).WithStyle(slack.StylePrimary),
		slack.NewButtonBlockElement(actionEscReassign, l.ID, plain(t("Reassign…"))),
		slack.NewButtonBlockElement(actionEscSnooze, l.ID+"|1", plain(t("Snooze 1 day"))),
		slack.NewButtonBlockElement(twin(actionEscSnooze, "7"), l.ID+"|7", plain(t("Snooze 1 week"))),
	))
}

// onlyManagers refuses an escalation's button to someone who is not a
// manager (a forged click: the message only goes to managers).
func onlyManagers() error {
	return salesbot.Errorf(salesbot.EFORBIDDEN, "Only managers can act on an escalation.")
}

// escalationAction does what a manager's click on an escalation asks and
// returns the message redrawn with a note instead of its buttons.
func (h *Handler) escalationAction(ctx context.Context, r request, actionID string, parts []string) (*slack.Msg, bool, error) {
	if !r.actor.Manager {
		return nil, false, onlyManagers()
	}
	l, err := h.leads.Editable(ctx, r.actor, salesbot.RefTo(r.team, parts[0]))
	if err != nil {
		return nil, false, err
	}
	now := h.now()
	var note string
	switch actionID {
	case actionEscRemind:
		if !l.Open() {
			return nil, false, salesbot.Errorf(salesbot.EINVALID, "%s is closed: there is nothing to remind anyone of.", l.Company)
		}
		lang := h.langOf(ctx, r.team, l.Owner)
		head := i18n.T(lang, ":raising_hand: <@%s> asks you to act on this follow-up today.", r.actor.User)
		if err := h.remindWith(ctx, r.team, l.Owner, l, head, i18n.T(lang, "Your manager asks about %s", esc(l.Company))); err != nil {
			return nil, false, err
		}
		note = r.T(":white_check_mark: <@%s> was reminded again by <@%s>.", l.Owner, r.actor.User)
	case actionEscSnooze:
		days, err := strconv.Atoi(parts[len(parts)-1])
		if len(parts) != 2 || err != nil || (days != 1 && days != 7) {
			return nil, false, outOfDate()
		}
		until := now.Add(time.Duration(days) * salesbot.Day)
		if l, err = h.reminders.Snooze(ctx, r.team, r.actor, l.ID, until, now); err != nil {
			return nil, false, err
		}
		note = r.T(":zzz: Snoozed until %s by <@%s>.", when(r.lang, until.In(r.loc)), r.actor.User)
	default:
		return nil, false, outOfDate()
	}
	blocks := escalationBlocks(r.lang, l, l.RemindedAt, now, r.loc, note)
	return &slack.Msg{Text: note, Blocks: slack.Blocks{BlockSet: blocks}}, true, nil
}

// reassignModal is the assign form opened from an escalation: the company
// filled in, a rep to choose. Submitting it is /lead assign's path: the new
// owner and the old one are told.
func reassignModal(lang i18n.Lang, channel string, l *salesbot.Lead) slack.ModalViewRequest {
	t := func(format string) string { return i18n.T(lang, format) }
	rep := slack.NewInputBlock(blockRep, plain(t("Rep")), nil, slack.NewOptionsSelectBlockElement(slack.OptTypeUser, plain(t("Choose a rep")), blockRep))
	return modal(lang, cbLeadAssign, t("Reassign a lead"), t("Assign"), channel, companyInput(lang, l.Company), rep)
}
