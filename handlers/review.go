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

// The weekly pipeline review (seed 004 每周例会): one message per rep to
// each manager, with Commit / At risk / Drop per deal and Reviewed.

// Callback IDs of the review's forms.
const (
	cbReviewDrop = "review_drop"
	cbReviewed   = "reviewed"
)

// reviewsMax bounds how many reps /salesbot review's menu lists (a static
// menu holds 100 options).
const reviewsMax = 100

// SendReview sends a manager one rep's weekly review by direct message.
func (h *Handler) SendReview(ctx context.Context, team, manager string, rv salesbot.Review) error {
	ctx = forTeam(ctx, team)
	lang, loc := h.langOf(ctx, team, manager), h.people.Location(ctx, manager)
	blocks := reviewBlocks(lang, rv, h.now(), loc, h.probability, h.currency, true)
	return h.notify(ctx, manager, reviewText(lang, rv), blocks...)
}

// reviewText is the review's notification text.
func reviewText(lang i18n.Lang, rv salesbot.Review) string {
	return i18n.T(lang, "Weekly pipeline review: <@%s>, %d deals closing in %s", rv.Rep, rv.Total, rv.Quarter)
}

// reviewBlocks lays a rep's review out: what the quarter adds up to, then
// each deal with its buttons, then Reviewed (for a manager).
func reviewBlocks(lang i18n.Lang, rv salesbot.Review, now time.Time, loc *time.Location, p salesbot.Probability, cur salesbot.Currency, manager bool) []slack.Block {
	t := rv.Tally
	blocks := []slack.Block{
		section(i18n.T(lang, ":clipboard: *Weekly pipeline review* · <@%s> · %s · %s", rv.Rep, rv.Quarter, rv.Week)),
		contextLine(i18n.T(lang, "Closing this quarter: %d open deals · won %s · commit %s · best case %s · pipeline %s · weighted %s",
			t.Open, markup(t.Won.InLanguage(string(lang), cur)), markup(t.Commit.InLanguage(string(lang), cur)),
			markup(t.Best.InLanguage(string(lang), cur)), markup(t.Pipeline.InLanguage(string(lang), cur)),
			markup(t.Weighted().InLanguage(string(lang), cur)))),
	}
	if rv.Last != nil {
		note := i18n.T(lang, "(no note)")
		if rv.Last.Note != "" {
			note = "“" + esc(truncate(rv.Last.Note, 300)) + "”"
		}
		blocks = append(blocks, contextLine(i18n.T(lang, "Last reviewed %s (%s) by <@%s>: %s", day(rv.Last.At, loc), rv.Last.Week, rv.Last.By, markup(note))))
	}
	if len(rv.Deals) == 0 {
		blocks = append(blocks, section(i18n.T(lang, "No open deals closing this quarter.")))
	}
	for _, d := range rv.Deals {
		l := d.Lead
		text := fmt.Sprintf("*%s* — %s\n%s", esc(l.Company), markup(dealLine(lang, l, p)), stageText(lang, l.Stage))
		if len(d.Risks) > 0 {
			text += "\n" + strings.Join(riskLines(lang, d.Risks[:min(len(d.Risks), 2)]), "\n")
		}
		if moves := movesText(lang, d.Moves); moves != "" {
			text += "\n" + i18n.T(lang, "_Since last week:_ %s", markup(moves))
		}
		blocks = append(blocks, section(truncate(text, 2900)))
		value := l.ID + "|" + rv.Rep + "|" + rv.Week
		blocks = append(blocks, slack.NewActionBlock("review_"+l.ID,
			slack.NewButtonBlockElement(actionReviewCommit, value, plain(i18n.T(lang, "Commit"))).WithStyle(slack.StylePrimary),
			slack.NewButtonBlockElement(actionReviewRisk, value, plain(i18n.T(lang, "At risk"))),
			slack.NewButtonBlockElement(actionReviewDrop, value, plain(i18n.T(lang, "Drop"))).WithStyle(slack.StyleDanger),
		))
	}
	if rv.Total > len(rv.Deals) {
		blocks = append(blocks, contextLine(i18n.T(lang, "Showing the %d closing soonest of %d. `/lead list <@%s>` lists them all.", len(rv.Deals), rv.Total, rv.Rep)))
	}
	if manager {
		if rv.Last != nil && rv.Last.Week == rv.Week {
			blocks = append(blocks, contextLine(i18n.T(lang, ":white_check_mark: Reviewed this week by <@%s>.", rv.Last.By)))
		} else {
			blocks = append(blocks, slack.NewActionBlock("review_done",
				slack.NewButtonBlockElement(actionReviewed, rv.Rep+"|"+rv.Week, plain(i18n.T(lang, "Reviewed"))).WithStyle(slack.StylePrimary)))
		}
	}
	return blocks
}

// movesText says what changed on a deal lately, newest first: "stage demo
// → quote; close date 2026-12-20 → 2027-01-15".
func movesText(lang i18n.Lang, moves []salesbot.Change) string {
	var parts []string
	for _, c := range moves {
		var s string
		switch c.Kind {
		case salesbot.ChangeStage, salesbot.ChangeWon, salesbot.ChangeLost, salesbot.ChangeReopened:
			s = i18n.T(lang, "stage %s → %s", esc(word(lang, salesbot.Stage(c.From).Name())), esc(word(lang, salesbot.Stage(c.To).Name())))
		case salesbot.ChangeGrade:
			s = i18n.T(lang, "grade %s → %s", esc(c.From), esc(c.To))
		case salesbot.ChangeValue:
			s = i18n.T(lang, "value %s → %s", historyAmount(lang, c.From), historyAmount(lang, c.To))
		case salesbot.ChangeCloseBy:
			s = i18n.T(lang, "close date %s → %s", esc(orDash(c.From)), esc(c.To))
		case salesbot.ChangeForecast:
			s = i18n.T(lang, "forecast %s → %s", word(lang, salesbot.Category(c.From).Name()), word(lang, salesbot.Category(c.To).Name()))
		case salesbot.ChangeVisit:
			s = i18n.T(lang, "visit logged")
		case salesbot.ChangeOwner:
			if !salesbot.IsUserID(c.To) {
				continue // not a person: nothing to mention
			}
			s = i18n.T(lang, "reassigned to <@%s>", c.To)
		default:
			continue
		}
		parts = append(parts, s)
		if len(parts) == 5 {
			break
		}
	}
	return strings.Join(parts, "; ")
}

// historyAmount writes an amount as the history keeps it ("1800000.00
// CNY") the reader's way (¥1,800,000 / 180万元); "—" for none.
func historyAmount(lang i18n.Lang, kept string) markup {
	if kept == "" {
		return "—"
	}
	a, err := salesbot.ParseAmount(kept, "")
	if err != nil {
		return markup(esc(kept))
	}
	return markup(a.InLanguage(string(lang)))
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// reviewNow runs /salesbot review [@rep]: a rep's review, or for a manager
// without a name every rep's, sent by direct message (its buttons change
// the message they are on).
func (h *Handler) reviewNow(ctx context.Context, r request, args []salesbot.Token) (*slack.Msg, error) {
	if h.reviews == nil {
		return nil, salesbot.Errorf(salesbot.EINTERNAL, "Reviews are not set up on this bot.")
	}
	now := h.now()
	today := salesbot.DateOf(now.In(r.loc))
	rep := ""
	switch {
	case len(args) > 1:
		return nil, salesbot.Errorf(salesbot.EINVALID, "Write `/salesbot review` (every rep's) or `/salesbot review @rep` (one rep's).")
	case len(args) == 1:
		u, ok := mention(args[0].Text)
		if !ok {
			return nil, salesbot.Errorf(salesbot.EINVALID, "%q is not a person. Mention the rep: `/salesbot review @wang`.", args[0].Text)
		}
		rep = u
	case !r.actor.Manager:
		rep = r.actor.User
	}
	if rep != "" {
		rv, err := h.reviews.Review(ctx, r.actor, r.team, rep, today, now)
		if err != nil {
			return nil, err
		}
		h.later(ctx, "review", func(ctx context.Context) error {
			blocks := reviewBlocks(r.lang, rv, now, r.loc, h.probability, h.currency, r.actor.Manager)
			return h.notify(ctx, r.actor.User, reviewText(r.lang, rv), blocks...)
		})
		return ephemeral(r.T(":clipboard: <@%s>'s pipeline review is on its way to you by direct message.", rep)), nil
	}
	reps, err := h.reviews.ReviewedReps(ctx, r.actor, r.team, salesbot.QuarterOf(today))
	if err != nil {
		return nil, err
	}
	if len(reps) == 0 {
		return ephemeral(r.T("No rep has open deals closing this quarter (%s): nothing to review.", salesbot.QuarterOf(today))), nil
	}
	// One message with a menu of the reps, rather than a message per rep
	// at once (Slack takes about one message a second in a conversation):
	// picking a rep sends that rep's review.
	var options []*slack.OptionBlockObject
	for _, rep := range reps[:min(len(reps), reviewsMax)] {
		name := h.people.Lookup(ctx, rep).Name
		if name == "" {
			name = rep
		}
		options = append(options, slack.NewOptionBlockObject(rep, plain(truncate(name, 70)), nil))
	}
	text := r.T(":clipboard: %d reps have deals closing or a target in %s. Pick one to get their pipeline review by direct message.", len(reps), salesbot.QuarterOf(today))
	menu := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain(r.T("Choose a rep")), actionReviewOpen, options...)
	blocks := []slack.Block{section(text), slack.NewActionBlock("review_reps", menu)}
	if len(reps) > reviewsMax {
		blocks = append(blocks, contextLine(r.T("The menu lists %d of them; name another with `/salesbot review @rep`.", reviewsMax)))
	}
	return ephemeral(text, blocks...), nil
}

// reviewOpen sends the review of the rep picked from /salesbot review's
// menu.
func (h *Handler) reviewOpen(ctx context.Context, r request, rep string) (*slack.Msg, error) {
	if _, ok := mention("<@" + rep + ">"); !ok {
		return nil, salesbot.Errorf(salesbot.EINVALID, "That menu is out of date. Run the command again.")
	}
	return h.reviewNow(ctx, r, []salesbot.Token{{Text: "<@" + rep + ">"}})
}

// reviewAction runs a review's Commit or At risk on a deal and redraws the
// rep's review with it.
func (h *Handler) reviewAction(ctx context.Context, r request, actionID, leadID, rep string) (*slack.Msg, error) {
	if h.deals == nil || h.reviews == nil {
		return nil, salesbot.Errorf(salesbot.EINTERNAL, "Reviews are not set up on this bot.")
	}
	if !r.actor.Manager && rep != r.actor.User {
		// The review named in the button is another rep's: nothing is
		// changed from it.
		return nil, notYours()
	}
	now := h.now()
	ref := salesbot.RefTo(r.team, leadID)
	var err error
	if actionID == actionReviewCommit {
		c := salesbot.CategoryCommit
		_, err = h.deals.SetDeal(ctx, r.actor, ref, salesbot.DealChange{Category: &c}, salesbot.DateOf(now.In(r.loc)), now)
	} else {
		_, err = h.deals.MarkAtRisk(ctx, r.actor, ref, now)
	}
	if err != nil {
		return nil, err
	}
	return h.redrawnReview(ctx, r, rep, now)
}

// redrawnReview is a rep's review as it stands now, to replace the one
// clicked on.
func (h *Handler) redrawnReview(ctx context.Context, r request, rep string, now time.Time) (*slack.Msg, error) {
	rv, err := h.reviews.Review(ctx, r.actor, r.team, rep, salesbot.DateOf(now.In(r.loc)), now)
	if err != nil {
		return nil, err
	}
	msg := &slack.Msg{Text: reviewText(r.lang, rv)}
	msg.Blocks = slack.Blocks{BlockSet: reviewBlocks(r.lang, rv, now, r.loc, h.probability, h.currency, r.actor.Manager)}
	return msg, nil
}

// dropModal asks why a deal is dropped and whether it is lost or only out
// of the forecast.
// Closing it as lost is the manager's choice: a rep's form offers only
// taking it out of the forecast.
func dropModal(lang i18n.Lang, channel string, l *salesbot.Lead, manager bool) slack.ModalViewRequest {
	outcomes := []*slack.OptionBlockObject{option("omit", i18n.T(lang, "Omitted from the forecast (still open)"))}
	if manager {
		outcomes = append(outcomes, option("lost", i18n.T(lang, "Lost (closed, back to the pool)")))
	}
	outcome := selectInput(lang, blockOutcome, i18n.T(lang, "Drop as"), false, "omit", outcomes...)
	return modal(lang, cbReviewDrop, i18n.T(lang, "Drop a deal"), i18n.T(lang, "Drop"), channel,
		section(i18n.T(lang, "*%s* — %s", esc(l.Company), markup(dealLine(lang, l, nil)))),
		outcome,
		textInput(blockNotes, i18n.T(lang, "Notes (why it is dropped)"), "", "", 300, true, false))
}

// openReviewed opens the form a manager closes a rep's review with: the
// coaching note the rep receives.
func (h *Handler) openReviewed(ctx context.Context, cb slack.InteractionCallback, actor salesbot.Actor, value string) error {
	if !actor.Manager {
		return salesbot.Errorf(salesbot.EFORBIDDEN, "Only managers review a rep's pipeline.")
	}
	rep, week, ok := strings.Cut(value, "|")
	if _, valid := mention("<@" + rep + ">"); !ok || !valid || week == "" {
		return salesbot.Errorf(salesbot.EINVALID, "That button is out of date. Run the command again.")
	}
	lang := langIn(ctx)
	view := modal(lang, cbReviewed, i18n.T(lang, "Reviewed"), i18n.T(lang, "Send"), cb.Channel.ID,
		section(i18n.T(lang, "Pipeline review of <@%s>, %s.", rep, week)),
		textInput(blockNotes, i18n.T(lang, "Notes (coaching note for the rep)"), i18n.T(lang, "What went well, what to do next week"), "", salesbot.MaxNoteLen, true, true))
	view.PrivateMetadata = modalMeta{Channel: cb.Channel.ID, Message: cb.Container.MessageTs, Rep: rep, Week: week}.String()
	_, err := h.openModal(ctx, cb.TriggerID, view)
	return err
}

// submittedReview applies the review's forms: a drop, or the coaching note.
// ok is false for any other form.
func (h *Handler) submittedReview(ctx context.Context, cb slack.InteractionCallback, r request, meta modalMeta, f form) (*slack.Msg, bool, error) {
	now := h.now()
	switch cb.View.CallbackID {
	case cbReviewDrop:
		if h.deals == nil {
			return nil, true, salesbot.Errorf(salesbot.EINTERNAL, "Reviews are not set up on this bot.")
		}
		lost := f.option(blockOutcome) == "lost"
		l, err := h.deals.Drop(ctx, r.actor, salesbot.RefTo(r.team, meta.Lead), f.text(blockNotes), lost, now)
		if err != nil {
			return nil, true, inField(blockNotes, err)
		}
		h.redrawReview(ctx, r, meta, meta.Rep, now)
		outcome := i18n.T(r.lang, "omitted from the forecast")
		if lost {
			outcome = i18n.T(r.lang, "closed as lost")
		}
		return ephemeral(r.T(":wastebasket: *%s* dropped: %s.", esc(l.Company), outcome)), true, nil
	case cbReviewed:
		if h.reviews == nil {
			return nil, true, salesbot.Errorf(salesbot.EINTERNAL, "Reviews are not set up on this bot.")
		}
		note, err := h.reviews.Reviewed(ctx, r.actor, r.team, meta.Rep, meta.Week, f.text(blockNotes), now)
		if err != nil {
			return nil, true, inField(blockNotes, err)
		}
		h.redrawReview(ctx, r, meta, note.Rep, now)
		h.later(ctx, "coaching note", func(ctx context.Context) error {
			lang := h.langOf(ctx, r.team, note.Rep)
			text := i18n.T(lang, ":clipboard: <@%s> reviewed your pipeline for %s.", note.By, note.Week)
			if note.Note != "" {
				text += "\n>" + strings.ReplaceAll(esc(note.Note), "\n", "\n>")
			}
			return h.notify(ctx, note.Rep, text)
		})
		return ephemeral(r.T(":white_check_mark: Review of <@%s> kept; the note is on its way to them.", note.Rep)), true, nil
	}
	return nil, false, nil
}

// redrawReview redraws the review message a form was opened from, after
// the form is answered.
func (h *Handler) redrawReview(ctx context.Context, r request, meta modalMeta, rep string, now time.Time) {
	if meta.Channel == "" || meta.Message == "" || rep == "" {
		return
	}
	h.later(ctx, "redraw review", func(ctx context.Context) error {
		msg, err := h.redrawnReview(ctx, r, rep, now)
		if err != nil {
			return err
		}
		_, _, _, err = h.slack.UpdateMessageContext(ctx, meta.Channel, meta.Message,
			slack.MsgOptionText(msg.Text, false), slack.MsgOptionBlocks(msg.Blocks.BlockSet...))
		return err
	})
}
