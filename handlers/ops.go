package handlers

import (
	"context"
	"fmt"

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
	l, u, err := h.update(ctx, r, ref, func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(l.Regrade(r.actor, g, reason, now))
	})
	if err != nil {
		return nil, err
	}
	c := u.Changes[0]
	dir := ":arrow_up:"
	if salesbot.Grade(c.To).Rank() > salesbot.Grade(c.From).Rank() {
		dir = ":arrow_down:"
	}
	text := r.T("%s *%s* regraded %s → *%s* (%s). Next touch %s, %s.", dir, esc(l.Company), c.From, c.To,
		word(r.lang, l.Grade.Meaning()), day(l.Due, r.loc), dueIn(r.lang, l.Due, now, r.loc))
	return ephemeral(text), nil
}

// moveStage moves a lead, or, when the move needs a manager (a rep going to
// quote, or skipping stages), asks the managers to approve it (see
// salesbot.StageService.MoveStage).
func (h *Handler) moveStage(ctx context.Context, r request, l *salesbot.Lead, to salesbot.Stage) (*slack.Msg, error) {
	if h.stages == nil {
		return nil, notSetUp()
	}
	managers, err := h.allManagers(ctx, r.team)
	if err != nil {
		return nil, err
	}
	out, err := h.stages.MoveStage(ctx, r.actor, l, to, managers, h.now())
	if err != nil {
		return nil, err
	}
	h.settleLater(ctx, r, out.Lead, out.Stale)
	if out.Request != nil {
		return h.askStage(ctx, r, out), nil
	}
	return ephemeral(r.T(":arrow_right: *%s* is at *%s* now.", esc(out.Lead.Company), stageText(r.lang, out.Lead.Stage))), nil
}

// closing is the lead a win or a loss is for: as read, or by its ID.
func closing(r request, ref leadRef) *salesbot.Lead {
	if ref.read != nil {
		return ref.read
	}
	return &salesbot.Lead{ID: ref.id, Team: r.team}
}

func (h *Handler) win(ctx context.Context, r request, ref leadRef) (*slack.Msg, error) {
	if h.stages == nil {
		return nil, notSetUp()
	}
	out, err := h.stages.Win(ctx, r.actor, closing(r, ref), h.now())
	if err != nil {
		return nil, err
	}
	h.settleLater(ctx, r, out.Lead, out.Stale)
	return ephemeral(r.T(":trophy: *%s* is won. Well done!", esc(out.Lead.Company))), nil
}

func (h *Handler) lose(ctx context.Context, r request, ref leadRef, reason string) (*slack.Msg, error) {
	if h.stages == nil {
		return nil, notSetUp()
	}
	out, err := h.stages.Lose(ctx, r.actor, closing(r, ref), reason, h.now())
	if err != nil {
		return nil, err
	}
	h.settleLater(ctx, r, out.Lead, out.Stale)
	l := out.Lead
	if l.LostReason != "" {
		return ephemeral(r.T(":x: *%s* is lost (%s). It goes back to the pool, where a manager can reassign it.", esc(l.Company), esc(l.LostReason))), nil
	}
	return ephemeral(r.T(":x: *%s* is lost. It goes back to the pool, where a manager can reassign it.", esc(l.Company))), nil
}

func (h *Handler) assign(ctx context.Context, r request, ref leadRef, rep string) (*slack.Msg, error) {
	return h.assignFrom(ctx, r, ref, rep, "")
}

// assignFrom assigns a lead as assign does, but only while its owner is
// still owner (when owner is not ""): a request for a lead must not take it
// from someone who got it since.
func (h *Handler) assignFrom(ctx context.Context, r request, ref leadRef, rep, owner string) (*slack.Msg, error) {
	now := h.now()
	var from string
	l, _, err := h.update(ctx, r, ref, func(l *salesbot.Lead) (salesbot.Update, error) {
		if owner != "" && (l.Owner != owner || l.Stage == salesbot.StageWon) {
			return salesbot.Update{}, salesbot.Errorf(salesbot.ECONFLICT, "%s has changed hands since this was asked: it is <@%s>'s lead now, so nothing changed.", l.Company, l.Owner)
		}
		from = l.Owner
		changes, err := l.Assign(r.actor, rep, now)
		return salesbot.Update{Changes: changes}, err
	})
	if err != nil {
		return nil, err
	}
	h.later(ctx, "notify assignment", func(ctx context.Context) error {
		if rep != r.actor.User {
			lang := h.langOf(ctx, r.team, rep)
			if err := h.notify(ctx, rep, i18n.T(lang, ":inbox_tray: <@%s> gave you *%s* (grade %s, %s). `/lead show %s` has its card.",
				r.actor.User, esc(l.Company), l.Grade, word(lang, l.Stage.Name()), esc(quoteName(l.Company)))); err != nil {
				return err
			}
		}
		if from != rep && from != r.actor.User {
			lang := h.langOf(ctx, r.team, from)
			return h.notify(ctx, from, i18n.T(lang, ":outbox_tray: <@%s> reassigned *%s* to <@%s>.", r.actor.User, esc(l.Company), rep))
		}
		return nil
	})
	return ephemeral(r.T(":handshake: *%s* is <@%s>'s lead now (was <@%s>).", esc(l.Company), rep, from)), nil
}

func (h *Handler) setFact(ctx context.Context, r request, ref leadRef, k salesbot.KeyFact, text string) (*slack.Msg, error) {
	now := h.now()
	l, _, err := h.update(ctx, r, ref, func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(l.SetFact(r.actor, k, text, now))
	})
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
