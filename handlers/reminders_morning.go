package handlers

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"salesbot"
)

// The morning message: a rep's follow-ups due by their batch time in one
// message, as many as fit with the rest behind Show all (paged into its
// thread), and the day's risk news of their other leads after them.

// newsRoom is the most blocks the risk news takes in a morning message.
const newsRoom = 16

// RemindMorning is Remind's morning batch with the rep's risk news of the
// day in the same message: the risks new on their other A and B leads
// (those of the leads in the message show on the leads themselves), so that
// a rep's morning is one message. It implements scheduler.MorningTeller.
func (h *Handler) RemindMorning(ctx context.Context, team, owner string, leads []*salesbot.Lead, news salesbot.RiskNews) error {
	ctx = forTeam(ctx, team)
	if len(leads) == 0 {
		return h.TellRisks(ctx, team, owner, news)
	}
	v, err := h.reminderViewOf(ctx, team, owner, leads)
	if err != nil {
		return err
	}
	return h.remindMorning(ctx, team, owner, v, leads, news)
}

// remindMorning sends the morning message: every lead given, as many as fit
// shown, the rest behind Show all; then the risk news of the rep's other
// leads, if any, in the room left.
func (h *Handler) remindMorning(ctx context.Context, team, owner string, v *reminderView, leads []*salesbot.Lead, news salesbot.RiskNews) error {
	v.room = blockBudget - newsReserve(news.New)
	blocks, shown := v.morning(leads, len(leads), -1)
	// The risks of a lead shown show on it; those of the leads behind Show
	// all, and of the rep's other leads, in the news.
	others := newsBesides(news.New, leads[:shown], h.now())
	layout := layoutMorning + strconv.Itoa(len(leads))
	if len(others) > 0 {
		// The redraw re-reads them: as many as the message can show.
		layout += layoutNews + strings.Join(newsLeadIDs(others[:min(len(others), newsRoom)]), ",")
	}
	rest := leadIDs(leads[shown:])
	blocks = v.withMore(blocks, len(rest))
	blocks = append(blocks, v.newsTail(others, maxBlocks-len(blocks))...)
	text := v.T("Good morning — follow-ups due today: %d", len(leads))
	channel, ts, err := h.slack.PostMessageContext(ctx, owner, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...))
	if err != nil {
		return fmt.Errorf("morning reminder to %s: %w", owner, err)
	}
	if err := h.store.SaveReminderMore(ctx, team, channel, ts, owner, leadIDs(leads[:shown]), rest, layout); err != nil {
		h.log.WarnContext(ctx, "remember morning reminder", "err", err)
	}
	return nil
}

// showAll answers Show all on a morning message (or on a page of it): the
// next page of the leads it did not show, posted in its thread as a compact
// list with their own buttons, and a Show all of its own while more are
// left. Only the reminder's recipient may (the store checks the message
// clicked was sent to them), and only their own open leads are listed.
func (h *Handler) showAll(ctx context.Context, r request, cb slack.InteractionCallback) error {
	channel, ts := cb.Channel.ID, cb.Container.MessageTs
	if channel == "" || ts == "" {
		return outOfDate()
	}
	layout, rest, err := h.store.ReminderMore(ctx, r.team, channel, ts, r.actor.User)
	if salesbot.ErrorCode(err) == salesbot.EFORBIDDEN {
		return notYours()
	} else if err != nil {
		return err
	}
	if len(rest) == 0 {
		return salesbot.Errorf(salesbot.ENOTFOUND, "Nothing more to show: this reminder lists all its follow-ups.")
	}
	page, after := rest[:min(pageSize, len(rest))], rest[min(pageSize, len(rest)):]
	leads, err := h.store.LeadsByID(ctx, r.team, page)
	if err != nil {
		return err
	}
	// Reassigned or closed since the morning: not the clicker's to see.
	leads = slices.DeleteFunc(leads, func(l *salesbot.Lead) bool { return l.Owner != r.actor.User || !l.Open() })
	v := h.reminderView(ctx, r.team, r.actor.User)
	v.compact = true
	plan := h.plan(ctx, r.team)
	for _, l := range leads {
		v.suggest[l.ID] = recordedSuggestion(l, plan)
	}
	blocks, _ := v.morning(leads, len(rest), len(leads))
	blocks = v.withMore(blocks, len(after))
	thread := ts
	if parent, ok := strings.CutPrefix(layout, layoutPage); ok && parent != "" {
		thread = parent
	}
	text := v.T("The rest of this morning's follow-ups: %d", len(rest))
	ch, posted, err := h.slack.PostMessageContext(ctx, channel, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...), slack.MsgOptionTS(thread))
	if err != nil {
		return fmt.Errorf("show all to %s: %w", r.actor.User, err)
	}
	if err := h.store.SaveReminderMore(ctx, r.team, ch, posted, r.actor.User, leadIDs(leads), after, layoutPage+thread); err != nil {
		h.log.WarnContext(ctx, "remember reminder page", "err", err)
	}
	return nil
}

// morning draws a header and as many of leads as fit within blockBudget,
// keeping a block for "…and N more"; it returns how many it drew. due is
// the count the header names; page, when not -1, makes it the header of a
// page of Show all listing that many.
func (v *reminderView) morning(leads []*salesbot.Lead, due, page int) ([]slack.Block, int) {
	title := v.T(":sunny: Good morning — follow-ups due today: %d", due)
	if page >= 0 {
		title = v.T(":clipboard: %d more of this morning's follow-ups", page)
	}
	blocks := []slack.Block{section("*" + title + "*")}
	n := 0
	for _, l := range leads {
		lb := v.lead(l)
		room := blockBudget
		if v.room > 0 {
			room = v.room
		}
		if len(blocks)+len(lb)+1 > room {
			break
		}
		blocks = append(blocks, lb...)
		n++
	}
	return blocks, n
}

// withMore ends a message that does not show all its leads with "…and N
// more" and the Show all button.
func (v *reminderView) withMore(blocks []slack.Block, more int) []slack.Block {
	if more <= 0 {
		return blocks
	}
	b := slack.NewButtonBlockElement(actionReminderMore, strconv.Itoa(more), plain(v.T("Show all")))
	return append(blocks, slack.NewSectionBlock(mrkdwn(v.T("…and %d more follow-ups due.", more)), nil, slack.NewAccessory(b)))
}

// newsReserve is how many blocks a morning message keeps for its risk
// news: a title and two blocks a lead, at most newsRoom.
func newsReserve(news []salesbot.LeadRisks) int {
	if len(news) == 0 {
		return 0
	}
	return min(len(news)*2+1, newsRoom)
}

// newsBesides is the risk news about leads other than those given, and
// other than those whose own reminder is on its way (due by now and not yet
// sent: claimed by another sweep, or due since this batch was claimed); a
// reminder shows its lead's risks, so the rep reads of each lead once.
func newsBesides(news []salesbot.LeadRisks, leads []*salesbot.Lead, now time.Time) []salesbot.LeadRisks {
	in := make(map[string]bool, len(leads))
	for _, l := range leads {
		in[l.ID] = true
	}
	var out []salesbot.LeadRisks
	for _, lr := range news {
		if !in[lr.Lead.ID] && !lr.Lead.AwaitsReminder(now) {
			out = append(out, lr)
		}
	}
	return out
}

func newsLeadIDs(news []salesbot.LeadRisks) []string {
	ids := make([]string, len(news))
	for i, lr := range news {
		ids[i] = lr.Lead.ID
	}
	return ids
}

// newsTail draws the risk news that ends a morning message within room
// blocks: its title, then each lead with the buttons fixing its risks, and
// the rest as lines (their buttons are on the cards).
func (v *reminderView) newsTail(news []salesbot.LeadRisks, room int) []slack.Block {
	if len(news) == 0 || room < 2 {
		return nil
	}
	_, blocks := riskNewsBlocks(v.lang, salesbot.RiskNews{New: news})
	if len(blocks) > room {
		blocks = append(blocks[:room-1], section(v.T("_…and more: each lead's risks are on its card._")))
	}
	return blocks
}

// newsStill is, for a morning message being redrawn, the risk news it
// ended with as it stands now: those of its leads (ids, comma-separated)
// still open, still the user's, and still at risk. What was fixed since
// drops out.
func (h *Handler) newsStill(ctx context.Context, team, user, ids string) ([]salesbot.LeadRisks, error) {
	if ids == "" {
		return nil, nil
	}
	leads, err := h.store.LeadsByID(ctx, team, strings.Split(ids, ","))
	if err != nil {
		return nil, fmt.Errorf("redraw the risk news: %w", err)
	}
	now := h.now()
	var out []salesbot.LeadRisks
	for _, l := range leads {
		if l == nil || l.Owner != user || !l.Open() || (l.Grade != salesbot.GradeA && l.Grade != salesbot.GradeB) {
			continue
		}
		if risks := salesbot.Risks(l, now, h.cadence); len(risks) > 0 {
			out = append(out, salesbot.LeadRisks{Lead: l, Risks: risks})
		}
	}
	return out, nil
}
