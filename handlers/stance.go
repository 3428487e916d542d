package handlers

import (
	"context"
	"strings"

	"github.com/slack-go/slack"

	"salesbot"
)

const stanceUsage = `/stance <company> "<person>" <eb|tb|user|coordinator|coach> <high|medium|low> <-3…+3> [approver|decision-maker|evaluator|influencer|gatekeeper] [none|brief|several|deep] [innovator|visionary|pragmatist|conservative|laggard] [notes] [wins: <personal wins>]`

// stance runs `/stance <company> "<person>" <role> <influence> <support>
// [decision role] [contact depth] [attitude] [notes] [wins: …]`.
func (h *Handler) stance(ctx context.Context, cmd slack.SlashCommand, toks []salesbot.Token) (*slack.Msg, error) {
	if len(toks) == 0 {
		return h.openModal(ctx, cmd.TriggerID, stanceModal(langIn(ctx), cmd.ChannelID, "", ""))
	}
	if isStanceRemove(toks) {
		return h.stanceRemove(ctx, cmd, toks[1:])
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
		return nil, salesbot.Errorf(salesbot.EINVALID, "%s\nWrite it like this: `/stance %s \"Wang Li\" eb high +2 approver brief pragmatist met at the demo wins: avoid risk`; the words after the support level are optional.",
			markup(errorMessage(r.lang, err)), quoteName(l.Company))
	}
	return h.setStance(ctx, r, salesbot.RefRead(l), s)
}

// winsMarkers open a stakeholder's personal wins at the end of /stance.
var winsMarkers = []string{"wins:", "wins：", "个人需求:", "个人需求："}

// parseStance reads `"<person>" <role> <influence> <support> [decision role]
// [contact depth] [attitude] [notes] [wins: personal wins]`. An unquoted
// name of several words is read up to the first word that is a role. The
// optional words come in any order before the notes, each at most once: the
// first word that is none of them (or one already given) starts the notes,
// so notes that begin with such a word go in quotes.
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
	s := salesbot.Stakeholder{Name: name, Role: role, Influence: influence, Support: support}
	rest = rest[3:]
	for len(rest) > 0 && !rest[0].Quoted && optionalStanceWord(&s, rest[0].Text) {
		rest = rest[1:]
	}
	notes, wins, _ := salesbot.CutMarker(rest, winsMarkers...)
	s.Notes, s.PersonalWins = salesbot.JoinTokens(notes), salesbot.JoinTokens(wins)
	return s, nil
}

// optionalStanceWord records word as the stakeholder's decision role,
// contact depth or attitude to change, whichever it is and is not yet set,
// and reports whether it was one.
func optionalStanceWord(s *salesbot.Stakeholder, word string) bool {
	if d, err := salesbot.ParseDecisionRole(word); err == nil && s.DecisionRole == "" {
		s.DecisionRole = d
		return true
	}
	if d, err := salesbot.ParseContactDepth(word); err == nil && s.ContactDepth == "" {
		s.ContactDepth = d
		return true
	}
	if a, err := salesbot.ParseAttitude(word); err == nil && s.Attitude == "" {
		s.Attitude = a
		return true
	}
	return false
}

// setStance records one stakeholder through the stakeholder service and
// words what it did.
func (h *Handler) setStance(ctx context.Context, r request, ref salesbot.LeadRef, s salesbot.Stakeholder) (*slack.Msg, error) {
	if h.stances == nil {
		return nil, salesbot.Errorf(salesbot.EINTERNAL, "Recording stakeholders is not set up on this bot.")
	}
	done, err := h.stances.SetStance(ctx, salesbot.StanceRequest{Actor: r.actor, Team: r.team, LeadID: ref.ID, Lead: ref.Read, Stakeholder: s, Now: h.now()})
	if err != nil {
		return nil, err // the service says which lead
	}
	l, c, saved := done.Lead, done.Change, done.Stakeholder
	w := func(english string) string { return word(r.lang, english) }
	text := r.T("%s *%s* at *%s*: %s · %s influence · %s %s — %s.", quadrantEmoji(saved.Quadrant()), esc(saved.Name), esc(l.Company),
		w(saved.Role.Name()), w(string(saved.Influence)), saved.Support, w(saved.Support.Meaning()), w(string(saved.Quadrant())))
	if c.From != "" && c.From != c.To {
		text += r.T("\nSupport %s → %s.", c.From, c.To)
	}
	var more []string
	if saved.DecisionRole != "" {
		more = append(more, w(saved.DecisionRole.Name()))
	}
	more = append(more, w(saved.ContactDepth.Name()))
	if saved.Attitude != "" {
		more = append(more, w(saved.Attitude.Name()))
	}
	text += "\n" + strings.Join(more, " · ")
	if saved.PersonalWins != "" {
		text += r.T(" · wins: _%s_", esc(truncate(saved.PersonalWins, 200)))
	}
	return ephemeral(text + r.T("\nThe map: `/lead map %s`.", esc(quoteName(l.Company)))), nil
}
