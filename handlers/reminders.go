package handlers

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/i18n"
)

// Action IDs of a reminder's buttons; each value is the lead's ID or, for
// snoozes, "<lead>|<days>". Nothing else a user typed goes in a value: the
// rest is looked up (a company may be called "A|B Co").
const (
	actionReminderVisit   = "reminder_visit"
	actionReminderSnooze  = "reminder_snooze"
	actionReminderRegrade = "reminder_regrade"
)

// leadsPerReminder bounds the leads in one message: four blocks each within
// Slack's fifty.
const leadsPerReminder = 12

// risksPerReminder bounds the risks a reminder shows of one lead, each with
// its fix among the lead's buttons; the card has them all.
const risksPerReminder = 2

// Remind sends a rep one message about their due leads (several when there
// are many) and remembers what each message holds, so a click can redraw
// it. It implements scheduler.Notifier.
func (h *Handler) Remind(ctx context.Context, team, owner string, leads []*salesbot.Lead, morning bool) error {
	lang := h.langOf(ctx, team, owner)
	for start := 0; start < len(leads); start += leadsPerReminder {
		part := leads[start:min(start+leadsPerReminder, len(leads))]
		blocks, err := h.reminderBlocks(ctx, team, owner, part, nil)
		if err != nil {
			return err
		}
		text := i18n.T(lang, "Follow-up due: %s", esc(part[0].Company))
		if len(part) > 1 {
			text = i18n.T(lang, "%d follow-ups due", len(part))
		}
		channel, ts, err := h.slack.PostMessageContext(ctx, owner, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...))
		if err != nil {
			return fmt.Errorf("remind %s: %w", owner, err)
		}
		ids := make([]string, len(part))
		for i, l := range part {
			ids[i] = l.ID
		}
		if err := h.store.SaveReminder(ctx, team, channel, ts, owner, ids); err != nil {
			// The reminder is out; only redrawing it after a click is lost.
			h.log.WarnContext(ctx, "remember reminder message", "err", err)
		}
	}
	return nil
}

// reminderBlocks renders the leads of a reminder; done holds, by lead ID,
// what was done about a lead, shown instead of its buttons.
func (h *Handler) reminderBlocks(ctx context.Context, team, owner string, leads []*salesbot.Lead, done map[string]string) ([]slack.Block, error) {
	now, loc, lang := h.now(), h.people.Location(ctx, owner), h.langOf(ctx, team, owner)
	t := func(format string, args ...any) string { return i18n.T(lang, format, args...) }
	var blocks []slack.Block
	if len(leads) > 1 {
		blocks = append(blocks, section(t(":alarm_clock: *%d follow-ups are due.*", len(leads))))
	}
	for _, l := range leads {
		visits, err := h.store.Visits(ctx, team, l.ID, 1)
		if err != nil {
			return nil, fmt.Errorf("reminder for %s: %w", l.ID, err)
		}
		blocks = append(blocks, section(reminderText(lang, l, h.cadence, now, loc)))
		var notes []string
		if len(visits) > 0 {
			v := visits[0]
			line := t("Last %s (%s)", word(lang, string(v.Kind)), v.Date.String())
			if v.Notes != "" {
				line += ": " + esc(truncate(v.Notes, 200))
			}
			notes = append(notes, line)
		}
		if gaps := l.UnknownFacts(); len(gaps) > 0 {
			notes = append(notes, t(":grey_question: Still unknown: %s", factLabels(lang, gaps)))
		}
		risks := salesbot.Risks(l, now, h.cadence)
		shown := risks[:min(len(risks), risksPerReminder)]
		if len(risks) > 0 {
			lines := riskLines(lang, shown)
			if len(risks) > len(shown) {
				lines = append(lines, t("…and %d more on the card.", len(risks)-len(shown)))
			}
			notes = append(notes, lines...)
		}
		if len(notes) > 0 {
			blocks = append(blocks, contextLine(strings.Join(notes, "\n")))
		}
		if note, ok := done[l.ID]; ok {
			blocks = append(blocks, contextLine(note))
			continue
		}
		buttons := []slack.BlockElement{
			slack.NewButtonBlockElement(actionReminderVisit, l.ID, plain(t("Log visit"))).WithStyle(slack.StylePrimary),
			slack.NewButtonBlockElement(actionReminderSnooze, l.ID+"|1", plain(t("Snooze 1 day"))),
			slack.NewButtonBlockElement(actionReminderSnooze, l.ID+"|7", plain(t("Snooze 1 week"))),
			slack.NewButtonBlockElement(actionReminderRegrade, l.ID, plain(t("Regrade"))),
		}
		// Each risk shown gets its fix beside the reminder's own buttons;
		// one whose fix is the plain visit form has it in Log visit.
		ns := ordinals(risks)
		for i, r := range shown {
			if riskFixes[r.Kind].visit {
				continue
			}
			if b := riskButton(lang, riskFixAction(i), l, r, ns[i]); b != nil {
				buttons = append(buttons, b)
			}
		}
		blocks = append(blocks, slack.NewActionBlock("reminder:"+l.ID, buttons...))
	}
	return blocks, nil
}

// reminderText is what a reminder says of one lead: its grade and stage,
// the deal's value and expected close when set, when the follow-up is due,
// the last touch and the next step.
func reminderText(lang i18n.Lang, l *salesbot.Lead, cadence salesbot.Cadence, now time.Time, loc *time.Location) string {
	t := func(format string, args ...any) string { return i18n.T(lang, format, args...) }
	touched := t("never touched")
	if !l.LastTouch.IsZero() {
		touched = t("last touch %s", ago(lang, l.LastTouch, now, loc))
	}
	text := t(":alarm_clock: *%s* — grade %s · %s\n%s · %s", esc(l.Company), l.Grade, word(lang, l.Stage.Name()),
		dueIn(lang, l.NextDue(cadence), now, loc), touched)
	var deal []string
	if v := dealValue(lang, l); v != "" {
		deal = append(deal, ":moneybag: *"+v+"*")
	}
	if !l.CloseBy.IsZero() {
		deal = append(deal, t("closes %s", l.CloseBy.String()))
	}
	if len(deal) > 0 {
		text += "\n" + strings.Join(deal, " · ")
	}
	if l.NextStep != "" {
		text += t("\nNext step: _%s_", esc(truncate(l.NextStep, 200)))
	}
	return text
}

// snooze puts a lead's follow-up off by days and redraws the reminder.
func (h *Handler) snooze(ctx context.Context, r request, cb slack.InteractionCallback, id string, days int) error {
	now := h.now()
	until := now.Add(time.Duration(days) * salesbot.Day)
	if _, err := h.reminders.Snooze(ctx, r.team, r.actor, id, until, now); err != nil {
		return err
	}
	note := r.T(":zzz: Snoozed until %s by <@%s>.", when(r.lang, until.In(r.loc)), r.actor.User)
	return h.reminderHandled(ctx, r.team, r.actor.User, cb.Channel.ID, cb.Container.MessageTs, id, note)
}

// reminderHandled records what user did about one lead of a reminder and
// redraws the message, so the rep sees at a glance what is handled. Which
// message may be redrawn is the reminder service's rule: only the user's
// own reminder about that lead (a click or a form that names someone
// else's changes nothing).
func (h *Handler) reminderHandled(ctx context.Context, team, user, channel, ts, id, note string) error {
	done, err := h.reminders.ReminderHandled(ctx, team, user, salesbot.ReminderMessage{Where: channel, ID: ts}, id, note)
	if err != nil || len(done.Leads) == 0 {
		return err
	}
	blocks, err := h.reminderBlocks(ctx, team, user, done.Leads, done.Notes)
	if err != nil {
		return err
	}
	if _, _, _, err := h.slack.UpdateMessageContext(ctx, channel, ts, slack.MsgOptionText(note, false), slack.MsgOptionBlocks(blocks...)); err != nil {
		return fmt.Errorf("redraw reminder: %w", err)
	}
	return nil
}
