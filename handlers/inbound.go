package handlers

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/i18n"
	"salesbot/store"
)

// The inbound queue (/lead inbound): anyone records an inquiry; every
// manager gets it with Assign… and Take it; once one of them settles it,
// every copy is redrawn with where it went. Each button's value is the
// inquiry's ID; who may click is checked again on every click and
// submission, the value being the clicker's to type.
const (
	actionInboundAssign = "inbound_assign" // managers: open the assign form, value "<inquiry>"
	actionInboundTake   = "inbound_take"   // managers: take the inquiry, value "<inquiry>"

	cbInbound       = "lead_inbound"   // the inquiry form (/lead inbound alone)
	cbInboundAssign = "inquiry_assign" // the assign form: a rep to give the inquiry to

	blockInboundSource = "inbound_source"

	// inboundListMax bounds the inquiries /lead inbound list shows (two
	// blocks each, within Slack's 50).
	inboundListMax = 20
)

// isInbound reports whether an action is a click on an inquiry that does
// not open a form (Take it).
func isInbound(actionID string) bool { return actionID == actionInboundTake }

// noInbound refuses the queue on a bot built without it.
func noInbound() error {
	return salesbot.Errorf(salesbot.EINTERNAL, "The inbound queue is not set up on this bot.")
}

// onlyManagersAssign refuses an inquiry's button to someone who is not a
// manager (a forged click: the message only goes to managers).
func onlyManagersAssign() error {
	return salesbot.Errorf(salesbot.EFORBIDDEN, "Only managers assign inbound inquiries (the director assigns leads that came in on their own).")
}

// inbound runs `/lead inbound <company> [source] [notes]` and `/lead
// inbound list`; alone it opens the form (modalFor).
func (h *Handler) inbound(ctx context.Context, r request, args []salesbot.Token) (*slack.Msg, error) {
	if h.inquiries == nil {
		return nil, noInbound()
	}
	if len(args) > 0 && !args[0].Quoted && (strings.EqualFold(args[0].Text, "list") || args[0].Text == "列表") {
		if len(args) > 1 {
			return nil, salesbot.Errorf(salesbot.EINVALID, "`/lead inbound list` takes nothing after it. A company called %q goes in quotes: `/lead inbound \"%s\" …`.", args[0].Text, salesbot.JoinTokens(args))
		}
		return h.inboundList(ctx, r)
	}
	in, err := salesbot.ParseInquiry(args)
	if err != nil {
		return nil, err
	}
	return h.recordInquiry(ctx, r, in)
}

// recordInquiry records an inquiry and sends it to the managers after the
// recorder is answered; a company that is a lead, or waits already, is
// answered instead, and the lead's owner told a new inquiry came in.
func (h *Handler) recordInquiry(ctx context.Context, r request, in salesbot.InquiryInput) (*slack.Msg, error) {
	// Read with the viewer, so this costs no round trip; a failure to read
	// them leaves it to the service.
	managers, err := h.allManagers(ctx, r.team)
	if err != nil {
		managers = nil
	}
	rec, err := h.inquiries.RecordInquiry(ctx, r.actor, r.team, in, managers, h.now())
	switch {
	case err != nil:
		return nil, err
	case rec.Lead != nil:
		return h.inquiryForLead(ctx, r, rec), nil
	case rec.Waiting != nil:
		w := rec.Waiting
		return ephemeral(r.T(":hourglass_flowing_sand: An inquiry from *%s* is waiting already (recorded by <@%s> %s): the managers have it, and nothing new was queued.",
			esc(w.Company), w.By, when(r.lang, inZone(w.At, r.loc)))), nil
	}
	q, managers := rec.Inquiry, rec.Managers
	if len(managers) == 0 {
		return ephemeral(r.T(":warning: The inquiry from *%s* is queued, but no one has manager rights to assign it. Ask your admin to set SALESBOT_MANAGERS.", esc(q.Company))), nil
	}
	team, recorder, lang := r.team, r.actor.User, r.lang
	h.later(ctx, "send an inquiry", func(ctx context.Context) error {
		copies := h.notifyManagers(ctx, team, managers, func(lang i18n.Lang, loc *time.Location) (string, []slack.Block) {
			return inquiryMessage(lang, loc, q, false)
		})
		if len(copies) == 0 {
			return h.notify(ctx, recorder, i18n.T(lang, ":warning: I could not reach any manager about the inquiry from *%s*. It waits in the queue (`/lead inbound list`); ask your admin to check SALESBOT_MANAGERS.", esc(q.Company)))
		}
		return h.keepInquiryCopies(ctx, team, q.ID, copies)
	})
	return ephemeral(r.T(":inbox_tray: The inquiry from *%s* (%s) is recorded and sent to the managers to assign (managers told: %d). Inbound leads get the fastest follow-up.",
		esc(q.Company), sourceName(r.lang, q.Source), len(managers))), nil
}

// inquiryForLead answers an inquiry for a company that is a lead already:
// the recorder learns whose (as much as SightOf lets them: they named it),
// the owner is told a new inquiry came in, and for a lead lost to the
// pool the managers are too, who may give it to a rep again.
func (h *Handler) inquiryForLead(ctx context.Context, r request, rec salesbot.InquiryRecorded) *slack.Msg {
	l := rec.Lead.Lead
	team, recorder, owner, managers := r.team, r.actor.User, rec.Owner, rec.Managers
	company, notes, src := l.Company, rec.Asked.Notes, rec.Asked.Source
	if owner != "" || len(managers) > 0 {
		h.later(ctx, "tell of an inquiry for a lead", func(ctx context.Context) error {
			if owner != "" {
				lang := h.langOf(ctx, team, owner)
				text := i18n.T(lang, ":telephone_receiver: A new inquiry came in for your lead *%s* (%s), recorded by <@%s>.", esc(company), sourceName(lang, src), recorder) + notesQuote(notes)
				if err := h.notify(ctx, owner, text); err != nil {
					return err
				}
			}
			for _, m := range managers {
				if m == recorder || m == owner {
					continue
				}
				lang := h.langOf(ctx, team, m)
				text := i18n.T(lang, ":telephone_receiver: A new inquiry came in for *%s* (%s), recorded by <@%s>. It was lost by <@%s> and is in the pool: give it to a rep with `/lead assign %s @rep`.",
					esc(company), sourceName(lang, src), recorder, l.Owner, esc(quoteName(company))) + notesQuote(notes)
				if err := h.notify(ctx, m, text); err != nil {
					h.log.WarnContext(ctx, "manager not told of an inquiry for a lost lead", "manager", m, "err", err)
				}
			}
			return nil
		})
	}
	switch {
	case rec.Pool:
		return ephemeral(r.T(":recycle: *%s* was lost by <@%s> and is in the pool, so nothing was queued. I've told the managers, who can give it to a rep again.", esc(company), l.Owner))
	case owner == "":
		return ephemeral(r.T(":information_source: *%s* is already your lead, so nothing was queued. Log the inquiry as a touch: `/visit %s <notes>`.", esc(company), esc(quoteName(company))))
	}
	return ephemeral(r.T(":lock: *%s* is already a lead: <@%s>'s since %s. The first to register owns a lead, so nothing was queued; I've told <@%s> a new inquiry came in.",
		esc(company), l.Owner, day(l.CreatedAt, r.loc), l.Owner))
}

// keepInquiryCopies records where the managers' copies of an inquiry are,
// to redraw them once it is settled; one settled meanwhile has them
// redrawn now.
func (h *Handler) keepInquiryCopies(ctx context.Context, team, id string, refs []store.MessageRef) error {
	copies := make([]salesbot.MessageCopy, len(refs))
	for i, m := range refs {
		copies[i] = salesbot.MessageCopy{Channel: m.Channel, TS: m.TS, User: m.User}
	}
	q, err := h.inquiries.KeepInquiryCopies(ctx, team, id, copies)
	if err != nil {
		return err
	}
	if !q.Waiting() {
		h.redrawInquiryCopies(ctx, team, q, copies)
	}
	return nil
}

// redrawInquiry replaces, after the request is answered, every manager's
// copy of a settled inquiry with where it went, in that manager's
// language; the buttons go.
func (h *Handler) redrawInquiry(ctx context.Context, team string, q *salesbot.Inquiry) {
	h.later(ctx, "redraw an inquiry", func(ctx context.Context) error {
		copies, err := h.inquiries.InquiryCopies(ctx, team, q.ID)
		if err != nil {
			return err
		}
		h.redrawInquiryCopies(ctx, team, q, copies)
		return nil
	})
}

func (h *Handler) redrawInquiryCopies(ctx context.Context, team string, q *salesbot.Inquiry, copies []salesbot.MessageCopy) {
	for _, c := range copies {
		text := inquiryOutcome(h.langOf(ctx, team, c.User), q)
		if _, _, _, err := h.slack.UpdateMessageContext(ctx, c.Channel, c.TS, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(section(text))); err != nil {
			h.log.WarnContext(ctx, "redraw an inquiry", "inquiry", q.ID, "err", err)
		}
	}
}

// inboundAction does what a click on Take it asks: the manager who
// clicked takes the inquiry as their own lead.
func (h *Handler) inboundAction(ctx context.Context, r request, actionID string, parts []string) (*slack.Msg, bool, error) {
	if h.inquiries == nil {
		return nil, false, noInbound()
	}
	if len(parts) != 1 || parts[0] == "" || actionID != actionInboundTake {
		return nil, false, outOfDate()
	}
	if !r.actor.Manager {
		return nil, false, onlyManagersAssign()
	}
	msg, err := h.assignInquiry(ctx, r, parts[0], r.actor.User, r.loc)
	return msg, false, err
}

// assignInquiry gives an inquiry to rep (whose clock is repLoc) as the
// manager in r, redraws every copy and tells the rep; the manager's reply
// says what happened.
func (h *Handler) assignInquiry(ctx context.Context, r request, id, rep string, repLoc *time.Location) (*slack.Msg, error) {
	done, err := h.inquiries.AssignInquiry(ctx, r.actor, r.team, id, rep, repLoc, h.now())
	if err != nil {
		return nil, err
	}
	q := done.Inquiry
	h.redrawInquiry(ctx, r.team, q)
	if l := done.Existing; l != nil {
		team, by := r.team, q.By
		h.later(ctx, "tell of an inquiry for a lead", func(ctx context.Context) error {
			if l.Owner == r.actor.User {
				return nil
			}
			lang := h.langOf(ctx, team, l.Owner)
			return h.notify(ctx, l.Owner, i18n.T(lang, ":telephone_receiver: A new inquiry came in for your lead *%s* (%s), recorded by <@%s>.",
				esc(l.Company), sourceName(lang, q.Source), by)+notesQuote(q.Notes))
		})
		return ephemeral(r.T(":lock: *%s* became <@%s>'s lead (registered %s) before the inquiry was assigned, so the inquiry is closed and its owner hears of it.",
			esc(l.Company), l.Owner, day(l.CreatedAt, r.loc))), nil
	}
	l := done.Lead
	if rep == r.actor.User {
		text, blocks := newInboundLead(r.lang, r.loc, q, l, true)
		return ephemeral(text, blocks...), nil
	}
	team := r.team
	h.later(ctx, "tell the rep of an inbound lead", func(ctx context.Context) error {
		text, blocks := newInboundLead(h.langOf(ctx, team, rep), h.people.Location(ctx, rep), q, l, false)
		return h.notify(ctx, rep, text, blocks...)
	})
	return ephemeral(r.T(":handshake: *%s* is <@%s>'s lead now; its first touch is due by %s (their time). I've told them.",
		esc(l.Company), rep, when(r.lang, inZone(l.Due, repLoc)))), nil
}

// openInboundAssign opens the form that gives an inquiry to a rep: for
// managers only, and only while the inquiry waits (the one read is shown
// in it). The read is bounded: the trigger lives three seconds.
func (h *Handler) openInboundAssign(ctx context.Context, cb slack.InteractionCallback, actor salesbot.Actor, id string) error {
	if h.inquiries == nil {
		return noInbound()
	}
	if !actor.Manager {
		return onlyManagersAssign()
	}
	lctx, cancel := context.WithTimeout(ctx, buttonLookup)
	q, err := h.inquiries.Inquiry(lctx, actor, cb.Team.ID, id)
	cancel()
	if err != nil {
		return err
	}
	if !q.Waiting() {
		return q.SettledError()
	}
	view := inquiryAssignModal(langIn(ctx), cb.Channel.ID, q)
	_, err = h.openModal(ctx, cb.TriggerID, view)
	return err
}

// submittedInbound applies the inquiry form and the assign form; ok is
// false for any other form. Every complaint is shown under an input of
// the form it is about (the assign form has one: the rep).
func (h *Handler) submittedInbound(ctx context.Context, cb slack.InteractionCallback, r request, meta modalMeta, f form) (*slack.Msg, bool, error) {
	switch cb.View.CallbackID {
	case cbInbound:
		if h.inquiries == nil {
			return nil, true, noInbound()
		}
		in := salesbot.InquiryInput{Company: f.text(blockCompany), Source: salesbot.SourceInbound, Notes: f.text(blockNotes)}
		if _, err := salesbot.CleanCompany(in.Company); err != nil {
			return nil, true, inField(blockCompany, err)
		}
		if v := f.option(blockInboundSource); v != "" {
			src, err := salesbot.ParseSource(v)
			if err != nil {
				return nil, true, inField(blockInboundSource, err)
			}
			in.Source = src
		}
		msg, err := h.recordInquiry(ctx, r, in)
		return msg, true, about(blockNotes, err)
	case cbInboundAssign:
		if h.inquiries == nil {
			return nil, true, inField(blockRep, noInbound())
		}
		rep := f.user(blockRep)
		if rep == "" {
			return nil, true, inField(blockRep, salesbot.Errorf(salesbot.EINVALID, "Choose the rep to give the inquiry to."))
		}
		if p := h.people.Lookup(ctx, rep); p.Bot || p.Deleted {
			return nil, true, inField(blockRep, salesbot.Errorf(salesbot.EINVALID, "%s is not a rep (a bot or a deactivated account): choose a person who sells.", salesbot.User(rep)))
		}
		msg, err := h.assignInquiry(ctx, r, meta.Lead, rep, h.people.Location(ctx, rep))
		return msg, true, inField(blockRep, err)
	}
	return nil, false, nil
}

// inboundList shows the managers what waits, oldest first, each with
// Assign… and Take it.
func (h *Handler) inboundList(ctx context.Context, r request) (*slack.Msg, error) {
	qs, total, err := h.inquiries.Inquiries(ctx, r.actor, r.team, inboundListMax)
	if err != nil {
		return nil, err
	}
	if total == 0 {
		return ephemeral(r.T(":inbox_tray: No inbound inquiry is waiting.")), nil
	}
	title := r.T("*Inbound queue* — %d waiting, oldest first", total)
	blocks := []slack.Block{section(title)}
	for _, q := range qs {
		text, _ := inquiryMessage(r.lang, r.loc, q, false)
		blocks = append(blocks, section(text+notesQuote(q.Notes)), inquiryButtons(r.lang, q))
	}
	if more := total - len(qs); more > 0 {
		blocks = append(blocks, contextLine(r.T("…and %d more", more)))
	}
	return ephemeral(title, blocks...), nil
}

// RaiseInquiry sends every manager an inquiry still waiting a working day
// after it came in, with its buttons, and keeps the copies to redraw. It
// implements scheduler.InquiryRaiser. It fails when no manager could be
// reached, so that the raise is tried again.
func (h *Handler) RaiseInquiry(ctx context.Context, team string, q *salesbot.Inquiry) error {
	ctx = forTeam(ctx, team)
	if h.inquiries == nil {
		return nil
	}
	managers, err := h.teams.Managers(ctx, team)
	if err != nil {
		return fmt.Errorf("raise inquiry %s: %w", q.ID, err)
	}
	if len(managers) == 0 {
		return nil
	}
	copies := h.notifyManagers(ctx, team, managers, func(lang i18n.Lang, loc *time.Location) (string, []slack.Block) {
		return inquiryMessage(lang, loc, q, true)
	})
	if len(copies) == 0 {
		return fmt.Errorf("raise inquiry %s: no manager reached", q.ID)
	}
	return h.keepInquiryCopies(ctx, team, q.ID, copies)
}
