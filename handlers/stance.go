package handlers

import (
	"context"
	"fmt"

	"github.com/slack-go/slack"

	"salesbot"
)

const stanceUsage = `/stance <company> "<person>" <eb|tb|user|coordinator|coach> <high|medium|low> <-3…+3> [notes]`

// stance runs `/stance <company> "<person>" <role> <influence> <support> [notes]`.
func (h *Handler) stance(ctx context.Context, cmd slack.SlashCommand, toks []salesbot.Token) (*slack.Msg, error) {
	if len(toks) == 0 {
		return h.openModal(ctx, cmd.TriggerID, stanceModal(cmd.ChannelID, "", ""))
	}
	r, err := h.request(ctx, cmd.TeamID, cmd.UserID, cmd.ChannelID)
	if err != nil {
		return nil, err
	}
	l, rest, err := h.findLead(ctx, r, toks, stanceUsage)
	if err != nil {
		return nil, err
	}
	s, err := parseStance(rest)
	if err != nil {
		return nil, salesbot.Errorf(salesbot.EINVALID, "%s\nWrite it like this: `/stance %s \"Wang Li\" eb high +2 met at the demo`.",
			salesbot.ErrorMessage(err), quoteName(l.Company))
	}
	return h.setStance(ctx, r, l.ID, s)
}

// parseStance reads `"<person>" <role> <influence> <support> [notes]`. An
// unquoted name of several words is read up to the first word that is a
// role.
func parseStance(toks []salesbot.Token) (salesbot.Stakeholder, error) {
	if len(toks) == 0 {
		return salesbot.Stakeholder{}, salesbot.Errorf(salesbot.EINVALID, "Who is it? Put the person's name in quotes.")
	}
	nameEnd := 1
	if !toks[0].Quoted {
		for i := 1; i < len(toks) && i <= 4; i++ {
			if _, err := salesbot.ParseRole(toks[i].Text); err == nil {
				nameEnd = i
				break
			}
		}
	}
	name, rest := salesbot.JoinTokens(toks[:nameEnd]), toks[nameEnd:]
	if len(rest) < 3 {
		return salesbot.Stakeholder{}, salesbot.Errorf(salesbot.EINVALID, "For %s I need a role, an influence and a support level.", name)
	}
	role, err := salesbot.ParseRole(rest[0].Text)
	if err != nil {
		return salesbot.Stakeholder{}, err
	}
	influence, err := salesbot.ParseInfluence(rest[1].Text)
	if err != nil {
		return salesbot.Stakeholder{}, err
	}
	support, err := salesbot.ParseSupport(rest[2].Text)
	if err != nil {
		return salesbot.Stakeholder{}, err
	}
	return salesbot.Stakeholder{Name: name, Role: role, Influence: influence, Support: support, Notes: salesbot.JoinTokens(rest[3:])}, nil
}

func (h *Handler) setStance(ctx context.Context, r request, id string, s salesbot.Stakeholder) (*slack.Msg, error) {
	now := h.now()
	l, u, err := h.update(ctx, r, id, func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(l.SetStakeholder(r.actor, s, now))
	})
	if err != nil {
		return nil, err
	}
	c := u.Changes[0]
	saved, _ := l.Stakeholder(s.Name)
	text := fmt.Sprintf("%s *%s* at *%s*: %s · %s influence · %s %s — %s.", quadrantEmoji(saved.Quadrant()), esc(saved.Name), esc(l.Company),
		saved.Role.Name(), saved.Influence, saved.Support, saved.Support.Meaning(), saved.Quadrant())
	if c.From != "" && c.From != c.To {
		text += fmt.Sprintf("\nSupport %s → %s.", c.From, c.To)
	}
	return ephemeral(text), nil
}
