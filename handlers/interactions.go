package handlers

import (
	"context"
	"errors"
	"html"
	"regexp"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/i18n"
)

// Action IDs of the buttons and menus the bot puts in messages.
//
// A value carries IDs only (a lead's, a request's) and, where a button
// stands for a choice, the choice (a grade, a number of days): never a name
// someone typed, which may hold any character. Everything else is looked up.
const (
	actionVisitOpen    = "visit_open"    // card: open the visit form, value "<lead>"
	actionStanceOpen   = "stance_open"   // card: open the stakeholder form, value "<lead>"
	actionMapOpen      = "map_open"      // card: show the stakeholder map, value "<lead>"
	actionDealOpen     = "deal_open"     // card: open the deal form, value "<lead>"
	actionCategorySet  = "category_set"  // card: set the forecast category, value "<lead>|<category>"
	actionReviewCommit = "review_commit" // review: commit the deal, value "<lead>|<rep>|<week>"
	actionReviewRisk   = "review_risk"   // review: call the deal at risk, value "<lead>|<rep>|<week>"
	actionReviewDrop   = "review_drop"   // review: drop the deal (opens a form), value "<lead>|<rep>|<week>"
	actionReviewed     = "reviewed"
	actionReviewOpen   = "review_open"  // /salesbot review: send a rep's review, value "<rep>"      // review: done, with a coaching note (opens a form), value "<rep>|<week>"
	actionGradeSet     = "grade_set"    // card: regrade menu, value "<lead>|<grade>"
	actionGradeButton  = "grade_button" // new-lead reply: grade buttons, value "<lead>|<grade>"
	actionLeadRequest  = "lead_request" // duplicate reply, pool: ask a manager for the lead, value "<lead>"
	actionAssignTo     = "assign_to"    // manager: give the lead to the rep who asked, value "<request ID>"
	actionKeep         = "keep"         // manager: keep the lead with its owner, value "<request ID>"
	actionApprove      = "approve"      // manager: approve a stage move, value "<approval ID>"
	actionReject       = "reject"       // manager: reject it with a reason (opens a form), value "<approval ID>"
	actionListMore     = "list_more"    // team pipeline: the next page, value "<offset>|<grade or empty>"
)

// submit handles a modal's submission. It answers nil to close the modal, or
// errors shown under the inputs they are about, and never fails silently.
func (h *Handler) submit(ctx context.Context, cb slack.InteractionCallback) *slack.ViewSubmissionResponse {
	meta, f := parseMeta(cb.View.PrivateMetadata), formOf(cb.View)
	msg, written, err := h.submitted(ctx, cb, meta, f)
	if err != nil {
		block := blockCompany
		var fe *fieldError
		if errors.As(err, &fe) {
			block = fe.block
		}
		return slack.NewErrorsViewSubmissionResponse(map[string]string{block: h.plainMessage(ctx, h.errorText(ctx, langIn(ctx), err))})
	}
	if msg != nil {
		user, team, lang := cb.User.ID, cb.Team.ID, langIn(ctx)
		h.later(ctx, "confirm "+cb.View.CallbackID, func(ctx context.Context) error {
			// The reminder the form was opened from is redrawn if the lead
			// written is the one it names; the store checks the reminder is
			// the submitter's own and about that lead.
			if meta.Message != "" && written != "" && written == meta.Lead {
				note := i18n.T(lang, ":white_check_mark: %s by <@%s>.", handledAs(lang, cb.View.CallbackID), user)
				if err := h.reminderHandled(ctx, team, user, meta.Channel, meta.Message, meta.Lead, note); err != nil {
					h.log.WarnContext(ctx, "redraw reminder", "err", err)
				}
			}
			return h.tell(ctx, meta.Channel, user, msg)
		})
	}
	return nil
}

// handledAs says what a form submitted from a reminder did.
func handledAs(lang i18n.Lang, callbackID string) string {
	if callbackID == cbLeadGrade {
		return i18n.T(lang, "Regraded")
	}
	return i18n.T(lang, "Visit logged")
}

// plainMessage turns a reply into the plain text a modal's error line
// shows: no leading emoji, no backticks, mentions as names, no escapes.
func (h *Handler) plainMessage(ctx context.Context, s string) string {
	if strings.HasPrefix(s, ":") {
		if _, rest, ok := strings.Cut(s[1:], ": "); ok {
			s = rest
		}
	}
	s = mentionInText.ReplaceAllStringFunc(s, func(m string) string {
		user := mentionInText.FindStringSubmatch(m)[1]
		if name := h.people.Lookup(ctx, user).Name; name != "" {
			return "@" + name
		}
		return "@" + user
	})
	return html.UnescapeString(strings.ReplaceAll(s, "`", ""))
}

var mentionInText = regexp.MustCompile(`<@([UW][A-Z0-9]+)(?:\|[^>]*)?>`)

// submitted applies a submitted form and returns the reply, with the ID of
// the lead it wrote when it wrote one of a reminder's (a visit, a grade).
func (h *Handler) submitted(ctx context.Context, cb slack.InteractionCallback, meta modalMeta, f form) (*slack.Msg, string, error) {
	r, err := h.request(ctx, cb.Team.ID, cb.User.ID, meta.Channel)
	if err != nil {
		return nil, "", err
	}
	if cb.View.CallbackID == cbReject {
		_, err := h.decideStage(ctx, r, meta.Lead, false, f.text(blockNotes))
		return nil, "", inField(blockNotes, err)
	}
	if msg, ok, err := h.submittedReview(ctx, cb, r, meta, f); ok {
		return msg, "", err
	}
	if msg, ok, err := h.submittedNotify(ctx, cb, r, f); ok {
		return msg, "", err
	}
	if msg, ok, err := h.submittedImport(ctx, cb, r, f); ok {
		return msg, "", err
	}
	if msg, ok, err := h.submittedInbound(ctx, cb, r, meta, f); ok {
		return msg, "", err
	}
	if cb.View.CallbackID == cbLeadNew {
		g, err := salesbot.ParseGrade(f.option(blockGrade))
		if err != nil {
			return nil, "", inField(blockGrade, err)
		}
		deal, err := h.formDeal(f)
		if err != nil {
			return nil, "", err // checked before anything is registered
		}
		src, err := formSource(f)
		if err != nil {
			return nil, "", err
		}
		msg, err := h.createLead(ctx, r, f.text(blockCompany), g, true, deal, newLeadExtras{source: src, notes: f.text(blockNewNotes)})
		return msg, "", err
	}
	l, err := h.formLead(ctx, r, f)
	if err != nil {
		return nil, "", err
	}
	msg, err := h.submittedFor(ctx, cb, r, l, f)
	return msg, l.ID, err
}

// submittedFor applies a submitted form about a lead already found.
func (h *Handler) submittedFor(ctx context.Context, cb slack.InteractionCallback, r request, l *salesbot.Lead, f form) (*slack.Msg, error) {
	switch cb.View.CallbackID {
	case cbLeadGrade:
		g, err := salesbot.ParseGrade(f.option(blockGrade))
		if err != nil {
			return nil, inField(blockGrade, err)
		}
		msg, err := h.regrade(ctx, r, salesbot.RefRead(l), g, f.text(blockNotes))
		return msg, about(blockGrade, err)
	case cbLeadStage:
		st, err := salesbot.ParseStage(f.option(blockStage))
		if err != nil {
			return nil, inField(blockStage, err)
		}
		msg, err := h.moveStage(ctx, r, l, st)
		return msg, about(blockStage, err)
	case cbLeadKey:
		k, err := salesbot.ParseKeyFact(f.option(blockFact))
		if err != nil {
			return nil, inField(blockFact, err)
		}
		msg, err := h.setFact(ctx, r, salesbot.RefRead(l), k, f.text(blockNotes))
		return msg, about(blockNotes, err)
	case cbLeadWon:
		return h.win(ctx, r, salesbot.RefRead(l))
	case cbLeadLost:
		msg, err := h.lose(ctx, r, salesbot.RefRead(l), f.text(blockNotes))
		return msg, about(blockNotes, err)
	case cbLeadAssign:
		rep := f.user(blockRep)
		if rep == "" {
			return nil, inField(blockRep, salesbot.Errorf(salesbot.EINVALID, "Choose the rep to give the lead to."))
		}
		return h.assign(ctx, r, salesbot.RefRead(l), rep)
	case cbLeadShow:
		return h.show(ctx, r, l)
	case cbLeadMap:
		return h.showMap(ctx, r, salesbot.RefRead(l))
	case cbQuote:
		return h.submittedQuote(ctx, r, l, f)
	case cbLeadProfile:
		return h.submittedProfile(ctx, r, l, f)
	case cbLeadDeal:
		c, err := h.formDeal(f)
		if err != nil {
			return nil, err
		}
		if empty(c) {
			return nil, inField(blockValue, salesbot.Errorf(salesbot.EINVALID, "Fill in the value, the close date or the forecast category."))
		}
		msg, err := h.setDeal(ctx, r, salesbot.RefRead(l), c)
		return msg, about(dealBlock(c), err)
	case cbVisit:
		v, err := formVisit(f)
		if err != nil {
			return nil, err
		}
		msg, err := h.logVisit(ctx, r, salesbot.RefRead(l), v)
		return msg, visitField(r.lang, err)
	case cbStance:
		s, err := formStance(f)
		if err != nil {
			return nil, err
		}
		msg, err := h.setStance(ctx, r, salesbot.RefRead(l), s)
		return msg, about(blockPerson, err)
	}
	return nil, salesbot.Errorf(salesbot.EINVALID, "This form is out of date. Close it and run the command again.")
}

// formLead resolves the company typed in a form: the whole input is the name.
func (h *Handler) formLead(ctx context.Context, r request, f form) (*salesbot.Lead, error) {
	l, err := h.findByName(ctx, r, f.text(blockCompany))
	return l, inField(blockCompany, err)
}

// formVisit reads the visit form. Dates come from date pickers, so they are
// well formed; an empty one leaves the touch today (the service's rule).
func formVisit(f form) (salesbot.Visit, error) {
	v := salesbot.Visit{Kind: salesbot.VisitKind(f.option(blockKind)), Notes: f.text(blockNotes), NextStep: f.text(blockNextStep),
		Met: salesbot.SplitNames(f.text(blockMet))}
	var err error
	if v.Date, err = f.day(blockDate, salesbot.Date{}); err != nil {
		return v, inField(blockDate, err)
	}
	if v.NextDate, err = f.day(blockNextDate, salesbot.Date{}); err != nil {
		return v, inField(blockNextDate, err)
	}
	return v, nil
}

// visitField ties the visit service's complaint about a date or the people
// met to that input. The people met are judged only for someone who may
// change the lead: the service checks rights first.
func visitField(lang i18n.Lang, err error) error {
	switch {
	case errors.Is(err, salesbot.ErrVisitDate):
		return inField(blockDate, err)
	case errors.Is(err, salesbot.ErrNextDate):
		return inField(blockNextDate, err)
	}
	var who *salesbot.UnknownPersonError
	if errors.As(err, &who) {
		return inField(blockMet, salesbot.Errorf(salesbot.EINVALID, "%s Or add them first with %s.", markup(errorMessage(lang, err)), stanceLine(who)))
	}
	return err
}

func formStance(f form) (salesbot.Stakeholder, error) {
	role, err := salesbot.ParseRole(f.option(blockRole))
	if err != nil {
		return salesbot.Stakeholder{}, inField(blockRole, err)
	}
	influence, err := salesbot.ParseInfluence(f.option(blockInfluence))
	if err != nil {
		return salesbot.Stakeholder{}, inField(blockInfluence, err)
	}
	support, err := salesbot.ParseSupport(f.option(blockSupport))
	if err != nil {
		return salesbot.Stakeholder{}, inField(blockSupport, err)
	}
	s := salesbot.Stakeholder{Name: f.text(blockPerson), Role: role, Influence: influence, Support: support,
		PersonalWins: f.text(blockWins), Notes: f.text(blockNotes)}
	// The optional menus left empty keep what was recorded.
	if v := f.option(blockDecisionRole); v != "" {
		if s.DecisionRole, err = salesbot.ParseDecisionRole(v); err != nil {
			return salesbot.Stakeholder{}, inField(blockDecisionRole, err)
		}
	}
	if v := f.option(blockDepth); v != "" {
		if s.ContactDepth, err = salesbot.ParseContactDepth(v); err != nil {
			return salesbot.Stakeholder{}, inField(blockDepth, err)
		}
	}
	if v := f.option(blockAttitude); v != "" {
		if s.Attitude, err = salesbot.ParseAttitude(v); err != nil {
			return salesbot.Stakeholder{}, inField(blockAttitude, err)
		}
	}
	return s, nil
}

// actionName is what an action ID names: the ID without the "#…" that
// keeps two buttons of one kind apart within a block (Slack wants each
// action_id once per block), such as Snooze 1 day and Snooze 1 week.
func actionName(id string) string {
	name, _, _ := strings.Cut(id, "#")
	return name
}

// twin is the action ID of a second button of kind within one block.
func twin(kind, tag string) string { return kind + "#" + tag }

// act handles a click on a button or a menu. Forms open at once (the
// trigger lives three seconds), once the lead they are about is read and the
// clicker is allowed to see it; the rest runs after the click is
// acknowledged and answers through the message's response_url.
func (h *Handler) act(ctx context.Context, cb slack.InteractionCallback) {
	if len(cb.ActionCallback.BlockActions) == 0 {
		return
	}
	a := cb.ActionCallback.BlockActions[0]
	a.ActionID = actionName(a.ActionID)
	value := a.Value
	if a.SelectedOption.Value != "" {
		value = a.SelectedOption.Value
	}
	parts := strings.Split(value, "|")
	lang := langIn(ctx)
	reply := func(ctx context.Context, msg *slack.Msg, replace bool, err error) error {
		err = h.deletedLead(ctx, cb.Team.ID, a.ActionID, parts[0], err)
		if err != nil {
			msg, replace = ephemeral(h.errorText(ctx, lang, err)), false
		}
		if msg == nil || cb.ResponseURL == "" {
			return nil
		}
		return h.respond.Respond(ctx, cb.ResponseURL, &slack.WebhookMessage{
			Text: msg.Text, Blocks: &msg.Blocks, ResponseType: slack.ResponseTypeEphemeral, ReplaceOriginal: replace,
		})
	}
	if opensForm(a.ActionID) {
		if err := h.openFromButton(ctx, cb, a.ActionID, parts[0]); err != nil {
			h.later(ctx, "refuse form "+a.ActionID, func(ctx context.Context) error { return reply(ctx, nil, false, err) })
		}
		return
	}
	h.later(ctx, "action "+a.ActionID, func(ctx context.Context) error {
		msg, replace, err := h.action(ctx, cb, a.ActionID, parts)
		return reply(ctx, msg, replace, err)
	})
}

// action does what a click asks and returns the message to show, and whether
// it replaces the one clicked on. A button names its lead by ID, not by a
// name the clicker typed: a refusal about another rep's lead does not name
// it or its owner (salesbot.SightOf).
func (h *Handler) action(ctx context.Context, cb slack.InteractionCallback, actionID string, parts []string) (*slack.Msg, bool, error) {
	msg, replace, err := h.leadAction(ctx, cb, actionID, parts)
	if salesbot.ErrorCode(err) == salesbot.EFORBIDDEN && byLeadID(actionID) {
		err = notYours()
	}
	return msg, replace, err
}

func (h *Handler) leadAction(ctx context.Context, cb slack.InteractionCallback, actionID string, parts []string) (*slack.Msg, bool, error) {
	channel := cb.Channel.ID
	r, err := h.request(ctx, cb.Team.ID, cb.User.ID, channel)
	if err != nil {
		return nil, false, err
	}
	bad := salesbot.Errorf(salesbot.EINVALID, "That button is out of date. Run the command again.")
	if isEscalation(actionID) {
		return h.escalationAction(ctx, r, actionID, parts)
	}
	if isImport(actionID) {
		return h.importAction(ctx, r, actionID, parts)
	}
	if isRemoval(actionID) {
		return h.removalAction(ctx, r, actionID, parts)
	}
	if isInbound(actionID) {
		return h.inboundAction(ctx, r, actionID, parts)
	}
	switch actionID {
	case actionGradeSet, actionGradeButton:
		if len(parts) != 2 {
			return nil, false, bad
		}
		g, err := salesbot.ParseGrade(parts[1])
		if err != nil {
			return nil, false, err
		}
		if actionID == actionGradeSet {
			msg, err := h.regrade(ctx, r, salesbot.RefTo(r.team, parts[0]), g, "")
			return msg, false, err
		}
		now := h.now()
		done, err := h.leads.ChooseGrade(ctx, r.actor, salesbot.RefTo(r.team, parts[0]), g, now)
		if err != nil {
			return nil, false, err
		}
		return regraded(r, done, now), true, nil
	case actionLeadRequest:
		return h.requestLead(ctx, r, parts[0])
	case actionCategorySet:
		if len(parts) != 2 {
			return nil, false, bad
		}
		c, err := salesbot.ParseCategory(parts[1])
		if err != nil {
			return nil, false, err
		}
		msg, err := h.setDeal(ctx, r, salesbot.RefTo(r.team, parts[0]), salesbot.DealChange{Category: &c})
		return msg, false, err
	case actionReviewOpen:
		msg, err := h.reviewOpen(ctx, r, parts[0])
		return msg, false, err
	case actionReviewCommit, actionReviewRisk:
		if len(parts) != 3 {
			return nil, false, bad
		}
		msg, err := h.reviewAction(ctx, r, actionID, parts[0], parts[1])
		return msg, msg != nil, err
	case actionMapOpen:
		// Shown beside the card, which stays as it is.
		msg, err := h.showMap(ctx, r, salesbot.RefTo(r.team, parts[0]))
		return msg, false, err
	case actionListMore:
		// The next page, below the one clicked on.
		q, ok := listPage(r.team, parts)
		if !ok {
			return nil, false, bad
		}
		msg, err := h.listed(ctx, r, q)
		return msg, false, err
	case actionReminderMore:
		// The rest goes in the reminder's thread; nothing to answer here.
		return nil, false, h.showAll(ctx, r, cb)
	case actionReminderSnooze:
		days, err := strconv.Atoi(parts[len(parts)-1])
		if len(parts) != 2 || err != nil || days < 1 || days > 30 {
			return nil, false, bad
		}
		return nil, false, h.snooze(ctx, r, cb, parts[0], days)
	case actionAssignTo, actionKeep:
		// Every manager's copy is redrawn; nothing to answer here.
		if len(parts) != 1 {
			return nil, false, bad
		}
		_, err := h.decideLead(ctx, r, parts[0], actionID == actionAssignTo)
		return nil, false, err
	case actionDigestAll:
		// Shown below the digest, which stays as it is.
		msg, err := h.digestAll(ctx, r, parts[0])
		return msg, false, err
	case actionApprove:
		// Every manager's copy is redrawn; nothing to answer here.
		_, err := h.decideStage(ctx, r, parts[0], true, "")
		return nil, false, err
	}
	return nil, false, salesbot.Errorf(salesbot.EINVALID, "I don't know that button (%q). It may be from an older version; run the command again.", actionID)
}
