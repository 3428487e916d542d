package handlers

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/i18n"
)

// Action IDs of a reminder's buttons; each value is the lead's ID or, for
// snoozes, "<lead>|<days>". Nothing else a user typed goes in a value: the
// rest is looked up (a company may be called "A|B Co"). Show all's value is
// only the count it shows: the leads are those the message clicked on was
// saved with, for its recipient alone.
const (
	actionReminderVisit   = "reminder_visit"
	actionReminderSnooze  = "reminder_snooze"
	actionReminderRegrade = "reminder_regrade"
	actionReminderMore    = "reminder_more"
)

// leadsPerReminder bounds the leads in one message: four blocks each within
// Slack's fifty.
const leadsPerReminder = 12

// risksPerReminder bounds the risks a reminder shows of one lead, each with
// its fix among the lead's buttons; the card has them all.
const risksPerReminder = 2

// blockBudget is the most blocks a reminder message uses: Slack takes 50 in
// a message, and the rest is room. pageSize is how many leads a page of
// Show all lists, two blocks each.
const (
	blockBudget = 45
	pageSize    = 20
)

// The layouts of a reminder saved with its rest (store's SaveReminderMore):
// the morning message ("morning:<how many were due>") and a page of its Show
// all, compact ("page:<the morning message's ts>", the thread its pages go
// in).
const (
	layoutMorning = "morning:"
	layoutPage    = "page:"
	// layoutNews follows a morning layout that ends with the rep's risk
	// news: the IDs of the leads it was about, comma-separated.
	layoutNews = ";news:"
)

// Remind sends a rep one message about their due leads (several when there
// are many) and remembers what each message holds, so a click can redraw
// it. The morning batch (morning) is one message whatever the count: a
// header, as many leads as fit within blockBudget, then "…and N more" with
// a Show all button. It implements scheduler.Notifier.
//
// A C or D lead's reminder suggests the next maintenance action of the
// team's list, a B lead's asks whether the event it waits for happened
// (salesbot.SuggestionFor). Remind records the action suggested on each
// lead it was given (Lead.MarkSuggested), which are the sender's copies:
// the sender saves it with the lead when it marks the reminder sent, so
// that the next reminder suggests another.
func (h *Handler) Remind(ctx context.Context, team, owner string, leads []*salesbot.Lead, morning bool) error {
	ctx = forTeam(ctx, team)
	if len(leads) == 0 {
		return nil
	}
	v, err := h.reminderViewOf(ctx, team, owner, leads)
	if err != nil {
		return err
	}
	if morning {
		return h.remindMorning(ctx, team, owner, v, leads, salesbot.RiskNews{})
	}
	for start := 0; start < len(leads); start += leadsPerReminder {
		part := leads[start:min(start+leadsPerReminder, len(leads))]
		blocks := v.blocks(part)
		text := v.T("Follow-up due: %s", esc(part[0].Company))
		if len(part) > 1 {
			text = v.T("%d follow-ups due", len(part))
		}
		channel, ts, err := h.slack.PostMessageContext(ctx, owner, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...))
		if err != nil {
			return fmt.Errorf("remind %s: %w", owner, err)
		}
		if err := h.store.SaveReminder(ctx, team, channel, ts, owner, leadIDs(part)); err != nil {
			// The reminder is out; only redrawing it after a click is lost.
			h.log.WarnContext(ctx, "remember reminder message", "err", err)
		}
	}
	return nil
}

// reminderViewOf is the view of a reminder about leads: each lead's
// suggestion (recorded on the lead, for the sender to keep) and last visit.
func (h *Handler) reminderViewOf(ctx context.Context, team, owner string, leads []*salesbot.Lead) (*reminderView, error) {
	plan := h.plan(ctx, team)
	v := h.reminderView(ctx, team, owner)
	for _, l := range leads {
		s := salesbot.SuggestionFor(l, plan)
		l.MarkSuggested(s.Action)
		v.suggest[l.ID] = s
	}
	visits, err := h.store.LastVisits(ctx, team, leadIDs(leads))
	if err != nil {
		return nil, fmt.Errorf("reminder for %s: %w", owner, err)
	}
	v.visits = visits
	return v, nil
}

// plan is the team's maintenance plan; the default one when it has none or
// it cannot be read (a reminder goes out all the same).
func (h *Handler) plan(ctx context.Context, team string) salesbot.MaintenancePlan {
	if h.maintenance == nil {
		return salesbot.DefaultMaintenance()
	}
	plan, err := h.maintenance.Maintenance(ctx, team)
	if err != nil {
		h.log.WarnContext(ctx, "maintenance actions; default used", "team", team, "err", err)
		return salesbot.DefaultMaintenance()
	}
	return plan
}

// recordedSuggestion is what a reminder sent earlier suggested for l, as
// recorded when it went out (Lead.Suggested), for drawing it again.
func recordedSuggestion(l *salesbot.Lead, plan salesbot.MaintenancePlan) salesbot.Suggestion {
	s := salesbot.SuggestionFor(l, plan)
	if s.Action.Text == "" || l.Suggested == "" {
		return s
	}
	s.Action = salesbot.MaintenanceAction{Text: l.Suggested}
	for _, a := range plan[l.Grade] {
		if a.Text == l.Suggested {
			s.Action = a
		}
	}
	return s
}

func leadIDs(leads []*salesbot.Lead) []string {
	ids := make([]string, len(leads))
	for i, l := range leads {
		ids[i] = l.ID
	}
	return ids
}

// reminderView is how a reminder's leads are drawn for its reader: in
// their language and on their clock, with what is suggested for each, their
// last visits and what was done about each so far. compact draws a lead in
// two blocks (a page of Show all) instead of three.
type reminderView struct {
	h       *Handler
	lang    i18n.Lang
	now     time.Time
	loc     *time.Location
	suggest map[string]salesbot.Suggestion
	visits  map[string]salesbot.Visit
	done    map[string]string
	compact bool
	// room is how many blocks the leads may take (blockBudget when zero):
	// less when risk news follows them.
	room int
}

func (h *Handler) reminderView(ctx context.Context, team, owner string) *reminderView {
	return &reminderView{h: h, lang: h.langOf(ctx, team, owner), now: h.now(), loc: h.people.Location(ctx, owner),
		suggest: map[string]salesbot.Suggestion{}, visits: map[string]salesbot.Visit{}}
}

func (v *reminderView) T(format string, args ...any) string { return i18n.T(v.lang, format, args...) }

// blocks draws the leads of an ordinary reminder, with a heading when there
// are several.
func (v *reminderView) blocks(leads []*salesbot.Lead) []slack.Block {
	var blocks []slack.Block
	if len(leads) > 1 {
		blocks = append(blocks, section(v.T(":alarm_clock: *%d follow-ups are due.*", len(leads))))
	}
	for _, l := range leads {
		blocks = append(blocks, v.lead(l)...)
	}
	return blocks
}

// lead draws one lead: its section, a context line (its last visit, what
// it suggests, the key facts missing, its first risks; in the section when
// compact) and its buttons, or what was done about it instead.
func (v *reminderView) lead(l *salesbot.Lead) []slack.Block {
	lang := v.lang
	text := reminderText(lang, l, v.h.cadence, v.now, v.loc)
	risks := salesbot.Risks(l, v.now, v.h.cadence)
	shown := risks[:min(len(risks), risksPerReminder)]
	var notes []string
	if line := suggestionLine(lang, l, v.suggest[l.ID]); line != "" {
		notes = append(notes, line)
	}
	if v.compact {
		if len(notes) > 0 {
			text += "\n" + notes[0]
		}
		notes = nil
	} else {
		if visit, ok := v.visits[l.ID]; ok {
			line := v.T("Last %s (%s)", word(lang, string(visit.Kind)), visit.Date.String())
			if visit.Notes != "" {
				line += ": " + esc(truncate(visit.Notes, 200))
			}
			notes = append([]string{line}, notes...)
		}
		if gaps := l.UnknownFacts(); len(gaps) > 0 {
			notes = append(notes, v.T(":grey_question: Still unknown: %s", factLabels(lang, gaps)))
		}
		if len(risks) > 0 {
			lines := riskLines(lang, shown)
			if len(risks) > len(shown) {
				lines = append(lines, v.T("…and %d more on the card.", len(risks)-len(shown)))
			}
			notes = append(notes, lines...)
		}
	}
	blocks := []slack.Block{section(text)}
	if len(notes) > 0 {
		blocks = append(blocks, contextLine(truncate(strings.Join(notes, "\n"), maxContextText)))
	}
	if note, ok := v.done[l.ID]; ok {
		return append(blocks, contextLine(note))
	}
	buttons := []slack.BlockElement{
		slack.NewButtonBlockElement(actionReminderVisit, l.ID, plain(v.T("Log visit"))).WithStyle(slack.StylePrimary),
		slack.NewButtonBlockElement(actionReminderSnooze, l.ID+"|1", plain(v.T("Snooze 1 day"))),
		slack.NewButtonBlockElement(twin(actionReminderSnooze, "7"), l.ID+"|7", plain(v.T("Snooze 1 week"))),
		slack.NewButtonBlockElement(actionReminderRegrade, l.ID, plain(v.T("Regrade"))),
	}
	// Each risk shown gets its fix beside the reminder's own buttons; one
	// whose fix is the plain visit form has it in Log visit.
	ns := ordinals(risks)
	for i, r := range shown {
		if riskFixes[r.Kind].visit {
			continue
		}
		if b := riskButton(lang, riskFixAction(i), l, r, ns[i]); b != nil {
			buttons = append(buttons, b)
		}
	}
	return append(blocks, slack.NewActionBlock("reminder:"+l.ID, buttons...))
}

// maxContextText bounds a reminder's context line, well within what Slack
// takes in one.
const maxContextText = 1900

// suggestionLine words what a reminder suggests for a lead: the maintenance
// action, with the /visit that logs it, or the B question.
func suggestionLine(lang i18n.Lang, l *salesbot.Lead, s salesbot.Suggestion) string {
	switch {
	case s.Question != "":
		return i18n.T(lang, ":question: %s", i18n.T(lang, s.Question))
	case s.Action.Text == "":
		return ""
	case s.Action.Kind != "":
		return i18n.T(lang, ":bulb: Try: %s — then `/visit %s kind:%s`", actionText(lang, s.Action), esc(quoteName(l.Company)), string(s.Action.Kind))
	}
	return i18n.T(lang, ":bulb: Try: %s", actionText(lang, s.Action))
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
// else's changes nothing). A morning message, or a page of its Show all, is
// drawn again as it was sent, its Show all kept.
func (h *Handler) reminderHandled(ctx context.Context, team, user, channel, ts, id, note string) error {
	done, err := h.reminders.ReminderHandled(ctx, team, user, salesbot.ReminderMessage{Where: channel, ID: ts}, id, note)
	if err != nil || len(done.Leads) == 0 {
		return err
	}
	layout, rest, err := h.store.ReminderMore(ctx, team, channel, ts, user)
	if err != nil {
		return err
	}
	v := h.reminderView(ctx, team, user)
	v.done = done.Notes
	plan := h.plan(ctx, team)
	for _, l := range done.Leads {
		v.suggest[l.ID] = recordedSuggestion(l, plan)
	}
	var blocks []slack.Block
	switch {
	case strings.HasPrefix(layout, layoutPage):
		v.compact = true
		blocks, _ = v.morning(done.Leads, 0, len(done.Leads))
		blocks = v.withMore(blocks, len(rest))
	case strings.HasPrefix(layout, layoutMorning):
		if v.visits, err = h.store.LastVisits(ctx, team, leadIDs(done.Leads)); err != nil {
			return err
		}
		counts, newsIDs, _ := strings.Cut(strings.TrimPrefix(layout, layoutMorning), layoutNews)
		due, _ := strconv.Atoi(counts)
		others, err := h.newsStill(ctx, team, user, newsIDs)
		if err != nil {
			return err
		}
		v.room = blockBudget - newsReserve(others)
		blocks, _ = v.morning(done.Leads, due, -1)
		blocks = v.withMore(blocks, len(rest))
		blocks = append(blocks, v.newsTail(others, maxBlocks-len(blocks))...)
	default:
		if v.visits, err = h.store.LastVisits(ctx, team, leadIDs(done.Leads)); err != nil {
			return err
		}
		blocks = v.blocks(done.Leads)
	}
	if _, _, _, err := h.slack.UpdateMessageContext(ctx, channel, ts, slack.MsgOptionText(note, false), slack.MsgOptionBlocks(blocks...)); err != nil {
		return fmt.Errorf("redraw reminder: %w", err)
	}
	return nil
}
