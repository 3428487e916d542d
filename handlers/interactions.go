package handlers

import (
	"context"
	"errors"
	"html"
	"regexp"
	"strconv"
	"strings"
	"time"

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
	actionVisitOpen   = "visit_open"   // card: open the visit form, value "<lead>"
	actionStanceOpen  = "stance_open"  // card: open the stakeholder form, value "<lead>"
	actionMapOpen     = "map_open"     // card: show the stakeholder map, value "<lead>"
	actionGradeSet    = "grade_set"    // card: regrade menu, value "<lead>|<grade>"
	actionGradeButton = "grade_button" // new-lead reply: grade buttons, value "<lead>|<grade>"
	actionLeadRequest = "lead_request" // duplicate reply, pool: ask a manager for the lead, value "<lead>"
	actionAssignTo    = "assign_to"    // manager: give the lead to the rep who asked, value "<request ID>"
	actionKeep        = "keep"         // manager: keep the lead with its owner, value "<request ID>"
	actionApprove     = "approve"      // manager: approve a stage move, value "<approval ID>"
	actionReject      = "reject"       // manager: reject it with a reason (opens a form), value "<approval ID>"
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
		_, err := h.decideApproval(ctx, r, meta.Lead, false, f.text(blockNotes))
		return nil, "", inField(blockNotes, err)
	}
	if cb.View.CallbackID == cbLeadNew {
		g, err := salesbot.ParseGrade(f.option(blockGrade))
		if err != nil {
			return nil, "", inField(blockGrade, err)
		}
		msg, err := h.createLead(ctx, r, f.text(blockCompany), g, true)
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
		msg, err := h.regrade(ctx, r, asRead(l), g, f.text(blockNotes))
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
		msg, err := h.setFact(ctx, r, asRead(l), k, f.text(blockNotes))
		return msg, about(blockNotes, err)
	case cbLeadWon:
		return h.win(ctx, r, asRead(l))
	case cbLeadLost:
		msg, err := h.lose(ctx, r, asRead(l), f.text(blockNotes))
		return msg, about(blockNotes, err)
	case cbLeadAssign:
		rep := f.user(blockRep)
		if rep == "" {
			return nil, inField(blockRep, salesbot.Errorf(salesbot.EINVALID, "Choose the rep to give the lead to."))
		}
		return h.assign(ctx, r, asRead(l), rep)
	case cbLeadShow:
		return h.show(ctx, r, l)
	case cbLeadMap:
		return h.stakeholderMap(r, l)
	case cbVisit:
		v, err := formVisit(f)
		if err != nil {
			return nil, err
		}
		msg, err := h.logVisit(ctx, r, asRead(l), v)
		return msg, visitField(r.lang, err)
	case cbStance:
		s, err := formStance(f)
		if err != nil {
			return nil, err
		}
		msg, err := h.setStance(ctx, r, asRead(l), s)
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

// act handles a click on a button or a menu. Forms open at once (the
// trigger lives three seconds), once the lead they are about is read and the
// clicker is allowed to see it; the rest runs after the click is
// acknowledged and answers through the message's response_url.
func (h *Handler) act(ctx context.Context, cb slack.InteractionCallback) {
	if len(cb.ActionCallback.BlockActions) == 0 {
		return
	}
	a := cb.ActionCallback.BlockActions[0]
	value := a.Value
	if a.SelectedOption.Value != "" {
		value = a.SelectedOption.Value
	}
	parts := strings.Split(value, "|")
	lang := langIn(ctx)
	reply := func(ctx context.Context, msg *slack.Msg, replace bool, err error) error {
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
	switch actionID {
	case actionGradeSet, actionGradeButton:
		if len(parts) != 2 {
			return nil, false, bad
		}
		g, err := salesbot.ParseGrade(parts[1])
		if err != nil {
			return nil, false, err
		}
		msg, err := h.regrade(ctx, r, byID(parts[0]), g, "")
		if salesbot.ErrorCode(err) == salesbot.EINVALID && actionID == actionGradeButton {
			l, lerr := h.store.Lead(ctx, r.team, parts[0])
			if lerr == nil && l.Grade == g { // the default grade, confirmed
				return ephemeral(r.T(":white_check_mark: *%s* stays graded *%s*.", esc(l.Company), g)), true, nil
			}
		}
		return msg, actionID == actionGradeButton, err
	case actionLeadRequest:
		return h.requestLead(ctx, r, parts[0])
	case actionMapOpen:
		// Shown beside the card, which stays as it is.
		l, err := h.store.Lead(ctx, r.team, parts[0])
		if err != nil {
			return nil, false, err
		}
		msg, err := h.stakeholderMap(r, l)
		return msg, false, err
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
	case actionApprove:
		// Every manager's copy is redrawn; nothing to answer here.
		_, err := h.decideApproval(ctx, r, parts[0], true, "")
		return nil, false, err
	}
	return nil, false, salesbot.Errorf(salesbot.EINVALID, "I don't know that button (%q). It may be from an older version; run the command again.", actionID)
}

// requestLead sends the managers a rep's request for a lead someone else
// owns, with Assign / Keep buttons.
func (h *Handler) requestLead(ctx context.Context, r request, id string) (*slack.Msg, bool, error) {
	l, err := h.store.Lead(ctx, r.team, id)
	if err != nil {
		return nil, false, err
	}
	switch {
	case l.Owner == r.actor.User && l.Open():
		return nil, false, salesbot.Errorf(salesbot.EINVALID, "%s is your lead already.", l.Company)
	case l.Stage == salesbot.StageWon:
		return nil, false, salesbot.Errorf(salesbot.EINVALID, "%s is a won deal; it stays with <@%s>.", l.Company, l.Owner)
	}
	managers, err := h.allManagers(ctx, r.team)
	if err != nil {
		return nil, false, err
	}
	if len(managers) == 0 {
		return nil, false, salesbot.Errorf(salesbot.EFORBIDDEN, "No manager is set up yet to decide. Ask your admin to set SALESBOT_MANAGERS.")
	}
	now := h.now()
	a := &salesbot.Approval{Kind: salesbot.ApprovalLead, Team: r.team, LeadID: l.ID, Company: l.Company, From: l.Stage, Owner: l.Owner, Rep: r.actor.User, AskedAt: now}
	a, created, err := h.store.CreateApproval(ctx, a)
	if err != nil {
		return nil, false, err
	}
	asked := ephemeral(r.T(":hourglass_flowing_sand: I've asked the managers to give you *%s*. You'll hear back here.", esc(l.Company)))
	if !created {
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
	copies := h.notifyManagers(ctx, r.team, managers, request)
	if len(copies) == 0 {
		_, _ = h.store.UpdateApproval(ctx, r.team, a.ID, func(a *salesbot.Approval) error { a.Withdraw(now); return nil })
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
