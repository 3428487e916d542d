package handlers

import (
	"context"
	"fmt"
	"time"

	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/i18n"
)

func (h *Handler) regrade(ctx context.Context, r request, ref salesbot.LeadRef, g salesbot.Grade, reason string) (*slack.Msg, error) {
	now := h.now()
	done, err := h.leads.Regrade(ctx, r.actor, ref, g, reason, now)
	if err != nil {
		return nil, err
	}
	return regraded(r, done, now), nil
}

// regraded tells the person who regraded a lead what it means now.
func regraded(r request, done salesbot.Regraded, now time.Time) *slack.Msg {
	l, c := done.Lead, done.Change
	if done.Kept || c.From == c.To {
		// Kept, or confirmed at the first visit (seed 000: is it an A?).
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
// quote, or skipping stages), asks the owner's managers to approve it (see
// salesbot.StageService.MoveStage and salesbot.TeamService.ManagersOf).
func (h *Handler) moveStage(ctx context.Context, r request, l *salesbot.Lead, to salesbot.Stage) (*slack.Msg, error) {
	if h.stages == nil {
		return nil, notSetUp()
	}
	// The owner's managers decide a rep's request (teams); a manager asks
	// no one, and the team's managers were read with the request.
	managers, err := h.allManagers(ctx, r.team)
	if !r.actor.Manager {
		managers, err = h.teams.ManagersOf(ctx, r.team, l.Owner)
	}
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
	reply := r.T(":arrow_right: *%s* is at *%s* now.", esc(out.Lead.Company), stageText(r.lang, out.Lead.Stage)) + unmetNote(r, out.Unmet)
	return ephemeral(reply), nil
}

// unmetNote says what a move left unmet: for a manager, that they moved
// on regardless (kept in the history); for a rep (SALESBOT_GATES=warn),
// what is not yet done. "" when all was met.
func unmetNote(r request, unmet []salesbot.Milestone) string {
	if len(unmet) == 0 {
		return ""
	}
	items := markup(esc(unmetText(r.lang, itemsOf(unmet))))
	if r.actor.Manager {
		return "\n" + r.T(":memo: Moved on past unmet milestones (kept in the history): %s.", items)
	}
	return "\n" + r.T(":warning: Not yet done before leaving the stage: %s.", items)
}

// closing is the lead a win or a loss is for: as read, or by its ID.
func closing(ref salesbot.LeadRef) *salesbot.Lead {
	if ref.Read != nil {
		return ref.Read
	}
	return &salesbot.Lead{ID: ref.ID, Team: ref.Team}
}

func (h *Handler) win(ctx context.Context, r request, ref salesbot.LeadRef) (*slack.Msg, error) {
	if h.stages == nil {
		return nil, notSetUp()
	}
	out, err := h.stages.Win(ctx, r.actor, closing(ref), h.now())
	if err != nil {
		return nil, err
	}
	h.settleLater(ctx, r, out.Lead, out.Stale)
	reply := r.T(":trophy: *%s* is won. Well done!", esc(out.Lead.Company)) + unmetNote(r, out.Unmet)
	return ephemeral(reply), nil
}

func (h *Handler) lose(ctx context.Context, r request, ref salesbot.LeadRef, reason string) (*slack.Msg, error) {
	if h.stages == nil {
		return nil, notSetUp()
	}
	out, err := h.stages.Lose(ctx, r.actor, closing(ref), reason, h.now())
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

func (h *Handler) assign(ctx context.Context, r request, ref salesbot.LeadRef, rep string) (*slack.Msg, error) {
	return h.assignFrom(ctx, r, ref, rep, "")
}

// assignFrom assigns a lead as assign does, but only while its owner is
// still owner (when owner is not ""): see salesbot.LeadService.Assign. The
// new owner and the previous one are told as the service says.
func (h *Handler) assignFrom(ctx context.Context, r request, ref salesbot.LeadRef, rep, owner string) (*slack.Msg, error) {
	done, err := h.leads.Assign(ctx, r.actor, ref, rep, owner, h.now())
	if err != nil {
		return nil, err
	}
	l := done.Lead
	h.settleLater(ctx, r, l, done.Stale)
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

func (h *Handler) setFact(ctx context.Context, r request, ref salesbot.LeadRef, k salesbot.KeyFact, text string) (*slack.Msg, error) {
	l, err := h.leads.SetFact(ctx, r.actor, ref, k, text, h.now())
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
