package handlers

import (
	"context"
	"fmt"
	"time"

	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/i18n"
)

// leadRef is the lead a change is for: known by its ID (a button, a form's
// metadata), or as this request read it, which saves reading it again to
// save the change. A lead passed as read must not be used afterwards: the
// change is made on it in place.
type leadRef struct {
	id   string
	read *salesbot.Lead
}

func byID(id string) leadRef          { return leadRef{id: id} }
func asRead(l *salesbot.Lead) leadRef { return leadRef{id: l.ID, read: l} }

// in is the lead as the services name it.
func (ref leadRef) in(team string) salesbot.LeadRef {
	return salesbot.LeadRef{Team: team, ID: ref.id, Read: ref.read}
}

// update applies a domain change to a lead and saves it with its history,
// rescheduling the next touch. fn may run more than once (see
// salesbot.LeadStore.UpdateLead).
func (h *Handler) update(ctx context.Context, r request, ref leadRef, fn func(*salesbot.Lead) (salesbot.Update, error)) (*salesbot.Lead, salesbot.Update, error) {
	var done salesbot.Update
	apply := func(l *salesbot.Lead) (salesbot.Update, error) {
		u, err := fn(l)
		if err != nil {
			return u, err
		}
		l.Schedule(h.cadence)
		done = u
		return u, nil
	}
	var l *salesbot.Lead
	var err error
	if ref.read != nil {
		l, err = h.store.UpdateLeadFrom(ctx, ref.read, apply)
	} else {
		l, err = h.store.UpdateLead(ctx, r.team, ref.id, apply)
	}
	if err != nil {
		return nil, salesbot.Update{}, err // the store says which lead
	}
	return l, done, nil
}

func one(c salesbot.Change, err error) (salesbot.Update, error) {
	return salesbot.Update{Changes: []salesbot.Change{c}}, err
}

func (h *Handler) regrade(ctx context.Context, r request, ref leadRef, g salesbot.Grade, reason string) (*slack.Msg, error) {
	now := h.now()
	done, err := h.leads.Regrade(ctx, r.actor, ref.in(r.team), g, reason, now)
	if err != nil {
		return nil, err
	}
	return regraded(r, done, now), nil
}

// regraded tells the person who regraded a lead what it means now.
func regraded(r request, done salesbot.Regraded, now time.Time) *slack.Msg {
	l, c := done.Lead, done.Change
	if done.Kept {
		return ephemeral(r.T(":white_check_mark: *%s* stays graded *%s*.", esc(l.Company), l.Grade))
	}
	dir := ":arrow_up:"
	if salesbot.Grade(c.To).Rank() > salesbot.Grade(c.From).Rank() {
		dir = ":arrow_down:"
	}
	text := r.T("%s *%s* regraded %s → *%s* (%s). Next touch %s, %s.", dir, esc(l.Company), c.From, c.To,
		word(r.lang, l.Grade.Meaning()), day(l.Due, r.loc), dueIn(r.lang, l.Due, now, r.loc))
	return ephemeral(text)
}

// moveStage moves a lead, or, when the move needs a manager (a rep going to
// quote, or skipping stages), asks the managers to approve it.
func (h *Handler) moveStage(ctx context.Context, r request, l *salesbot.Lead, to salesbot.Stage) (*slack.Msg, error) {
	if !l.CanEdit(r.actor) {
		_, err := l.MoveStage(r.actor, to, h.now()) // for its EFORBIDDEN message
		return nil, err
	}
	if _, err := salesbot.CheckStageMove(l.Stage, to, true); err != nil {
		return nil, err // not a move anyone may make
	}
	if why := salesbot.ApprovalNeeded(l.Stage, to); why != "" && !r.actor.Manager {
		return h.askApproval(ctx, r, l, to, why)
	}
	now := h.now()
	l, _, err := h.update(ctx, r, asRead(l), func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(l.MoveStage(r.actor, to, now))
	})
	if err != nil {
		return nil, err
	}
	h.withdrawStaleLater(ctx, r, l)
	return ephemeral(r.T(":arrow_right: *%s* is at *%s* now.", esc(l.Company), stageText(r.lang, l.Stage))), nil
}

func (h *Handler) win(ctx context.Context, r request, ref leadRef) (*slack.Msg, error) {
	now := h.now()
	l, _, err := h.update(ctx, r, ref, func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(l.Win(r.actor, now))
	})
	if err != nil {
		return nil, err
	}
	h.withdrawStaleLater(ctx, r, l)
	return ephemeral(r.T(":trophy: *%s* is won. Well done!", esc(l.Company))), nil
}

func (h *Handler) lose(ctx context.Context, r request, ref leadRef, reason string) (*slack.Msg, error) {
	now := h.now()
	l, _, err := h.update(ctx, r, ref, func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(l.Lose(r.actor, reason, now))
	})
	if err != nil {
		return nil, err
	}
	h.withdrawStaleLater(ctx, r, l)
	if l.LostReason != "" {
		return ephemeral(r.T(":x: *%s* is lost (%s). It goes back to the pool, where a manager can reassign it.", esc(l.Company), esc(l.LostReason))), nil
	}
	return ephemeral(r.T(":x: *%s* is lost. It goes back to the pool, where a manager can reassign it.", esc(l.Company))), nil
}

func (h *Handler) assign(ctx context.Context, r request, ref leadRef, rep string) (*slack.Msg, error) {
	return h.assignFrom(ctx, r, ref, rep, "")
}

// assignFrom assigns a lead as assign does, but only while its owner is
// still owner (when owner is not ""): see salesbot.LeadService.Assign. The
// new owner and the previous one are told as the service says.
func (h *Handler) assignFrom(ctx context.Context, r request, ref leadRef, rep, owner string) (*slack.Msg, error) {
	done, err := h.leads.Assign(ctx, r.actor, ref.in(r.team), rep, owner, h.now())
	if err != nil {
		return nil, err
	}
	l := done.Lead
	h.later(ctx, "notify assignment", func(ctx context.Context) error {
		if done.TellTo {
			lang := h.langOf(ctx, r.team, done.To)
			if err := h.notify(ctx, done.To, i18n.T(lang, ":inbox_tray: <@%s> gave you *%s* (grade %s, %s). `/lead show %s` has its card.",
				done.By, esc(l.Company), l.Grade, word(lang, l.Stage.Name()), esc(quoteName(l.Company)))); err != nil {
				return err
			}
		}
		if done.TellFrom {
			lang := h.langOf(ctx, r.team, done.From)
			return h.notify(ctx, done.From, i18n.T(lang, ":outbox_tray: <@%s> reassigned *%s* to <@%s>.", done.By, esc(l.Company), done.To))
		}
		return nil
	})
	return ephemeral(r.T(":handshake: *%s* is <@%s>'s lead now (was <@%s>).", esc(l.Company), done.To, done.From)), nil
}

func (h *Handler) setFact(ctx context.Context, r request, ref leadRef, k salesbot.KeyFact, text string) (*slack.Msg, error) {
	l, err := h.leads.SetFact(ctx, r.actor, ref.in(r.team), k, text, h.now())
	if err != nil {
		return nil, err
	}
	reply := fmt.Sprintf(":memo: *%s* — %s: %s", esc(l.Company), word(r.lang, k.Label()), esc(l.Facts[k].Text))
	if gaps := l.UnknownFacts(); len(gaps) > 0 {
		reply += r.T("\nStill unknown: %s.", factLabels(r.lang, gaps))
	} else {
		reply += r.T("\nAll six key facts are known.")
	}
	return ephemeral(reply), nil
}

// notifyManagers sends every manager the message render words in their
// language and returns the copies it posted; a failure to reach one is
// logged and does not stop the rest.
func (h *Handler) notifyManagers(ctx context.Context, team string, managers []string, render func(i18n.Lang, *time.Location) (string, []slack.Block)) []salesbot.MessageRef {
	var copies []salesbot.MessageRef
	for _, m := range managers {
		p := h.people.Lookup(ctx, m)
		text, blocks := render(h.langOf(ctx, team, m), p.Loc)
		channel, ts, err := h.slack.PostMessageContext(ctx, m, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...))
		if err != nil {
			h.log.WarnContext(ctx, "manager not reached", "manager", m, "err", err)
			continue
		}
		copies = append(copies, salesbot.MessageRef{Channel: channel, TS: ts, User: m})
	}
	return copies
}
