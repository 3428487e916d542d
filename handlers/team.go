package handlers

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/directory"
	"salesbot/i18n"
)

// Teams of managers: `/salesbot team` lists who leads whom; `/salesbot team
// @manager @rep …` (managers and workspace admins) sets a manager's reps,
// `/salesbot team @manager none` makes them lead no one in particular.

const teamUsage = "Write `/salesbot team @manager @rep1 @rep2` to set the reps a manager leads, `/salesbot team @manager none` for a manager who sees everyone, or `/salesbot team` to list the teams."

// teamRepsShown bounds the reps named on one manager's line of the listing.
const teamRepsShown = 40

// teamBlocks bounds the listing's blocks (Slack allows 50).
const teamBlocks = 45

// team runs `/salesbot team [@manager [@rep …|none]]`.
func (h *Handler) team(ctx context.Context, r request, args []salesbot.Token) (*slack.Msg, error) {
	if len(args) == 0 {
		return h.listTeams(ctx, r)
	}
	manager, ok := mention(args[0].Text)
	if !ok {
		return nil, salesbot.Errorf(salesbot.EINVALID, "%q is not a person. Mention the manager first. %s", args[0].Text, markup(r.T(teamUsage)))
	}
	if len(args) == 1 {
		return h.showTeam(ctx, r, manager)
	}
	var reps []string
	if none := strings.ToLower(args[1].Text); len(args) == 2 && (none == "none" || none == "nobody" || none == "无" || none == "没有") {
		reps = nil
	} else {
		for _, t := range args[1:] {
			u, ok := mention(t.Text)
			if !ok {
				return nil, salesbot.Errorf(salesbot.EINVALID, "%q is not a person. Mention each rep with @. %s", t.Text, markup(r.T(teamUsage)))
			}
			reps = append(reps, u)
		}
	}
	admin := h.workspaceAdmin(ctx, r.actor)
	if !r.actor.Manager && !admin {
		// Refused by the service before Slack is asked about anyone.
		_, err := h.teams.SetTeam(ctx, r.team, r.actor, false, manager, reps, h.now())
		return nil, err
	}
	if err := h.checkPeople(ctx, append([]string{manager}, reps...)); err != nil {
		return nil, err
	}
	set, err := h.teams.SetTeam(ctx, r.team, r.actor, admin, manager, reps, h.now())
	if err != nil {
		return nil, err
	}
	c := set.Change
	joined := c.Joined(set.Before)
	h.later(ctx, "tell of a team", func(ctx context.Context) error {
		if manager != r.actor.User {
			lang := h.langOf(ctx, r.team, manager)
			text := i18n.T(lang, ":busts_in_silhouette: <@%s> set your team in salesbot: you lead %s. Their approvals, escalations, weekly reviews and digests come to you.", r.actor.User, mentions(c.Reps))
			if len(c.Reps) == 0 {
				text = i18n.T(lang, ":busts_in_silhouette: <@%s> set you to lead no one in particular in salesbot: you see everyone's work, as every manager did before teams.", r.actor.User)
			}
			if err := h.notify(ctx, manager, text); err != nil {
				return err
			}
		}
		for _, u := range joined {
			if u == r.actor.User {
				continue
			}
			lang := h.langOf(ctx, r.team, u)
			if err := h.notify(ctx, u, i18n.T(lang, ":busts_in_silhouette: <@%s> put you in <@%s>'s team in salesbot: your approvals and escalations go to <@%s>.", r.actor.User, manager, manager)); err != nil {
				h.log.WarnContext(ctx, "rep not told of their team", "rep", u, "err", err)
			}
		}
		return nil
	})
	if len(c.Reps) == 0 {
		return ephemeral(r.T(":busts_in_silhouette: <@%s> leads no one in particular now: they see everyone's work.", manager)), nil
	}
	reply := r.T(":busts_in_silhouette: <@%s> leads %s now: their approvals, escalations, reviews and digests go to <@%s> (and to any manager who leads no one in particular).", manager, mentions(c.Reps), manager)
	return ephemeral(reply), nil
}

// lookupsAtOnce is how many users.info look-ups one command runs at once.
const lookupsAtOnce = 8

// checkPeople refuses, naming the first, anyone Slack does not know in the
// workspace, a bot or a deactivated account: teams are of people who sell.
// The look-ups run side by side, a few at a time (each bounded by the
// directory), so that a long team neither bursts past Slack's rate limit
// for users.info nor outlasts the command's three seconds.
func (h *Handler) checkPeople(ctx context.Context, users []string) error {
	people := make([]directory.Person, len(users))
	var wg sync.WaitGroup
	slots := make(chan struct{}, lookupsAtOnce)
	for i, u := range users {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer func() { <-slots; wg.Done() }()
			people[i] = h.people.Lookup(ctx, u)
		}()
	}
	wg.Wait()
	for i, p := range people {
		switch {
		case !p.Known:
			return salesbot.Errorf(salesbot.EINVALID, "I cannot find %s in this workspace (or Slack did not answer). Check the mention and try again; nothing changed.", salesbot.User(users[i]))
		case p.Bot || p.Deleted:
			return salesbot.Errorf(salesbot.EINVALID, "%s is a bot or a deactivated account: teams are of people who sell. Nothing changed.", salesbot.User(users[i]))
		}
	}
	return nil
}

// showTeam answers `/salesbot team @manager`: whom they lead.
func (h *Handler) showTeam(ctx context.Context, r request, manager string) (*slack.Msg, error) {
	list, err := h.teams.Teams(ctx, r.team)
	if err != nil {
		return nil, err
	}
	return ephemeral(teamLine(r.lang, list.Teams, manager)), nil
}

// teamLine is one manager's line of the listing.
func teamLine(lang i18n.Lang, t salesbot.ManagerTeams, m string) string {
	reps := t.Reps[m]
	switch {
	case !slices.Contains(t.Managers, m):
		return i18n.T(lang, "• <@%s> has no manager rights, so leads no one (`/salesbot managers add @…` grants them).", m)
	case len(reps) == 0:
		return i18n.T(lang, "• <@%s> leads no one in particular: sees everyone", m)
	case len(reps) > teamRepsShown:
		return i18n.T(lang, "• <@%s> leads %s and %d more", m, mentions(reps[:teamRepsShown]), len(reps)-teamRepsShown)
	}
	return i18n.T(lang, "• <@%s> leads %s", m, mentions(reps))
}

// listTeams answers `/salesbot team`: each manager with their reps, the
// reps led by no one, and the latest changes.
func (h *Handler) listTeams(ctx context.Context, r request) (*slack.Msg, error) {
	list, err := h.teams.Teams(ctx, r.team)
	if err != nil {
		return nil, err
	}
	if len(list.Teams.Managers) == 0 {
		return ephemeral(r.T("No managers yet. A workspace admin can add one with `/salesbot managers add @user`.")), nil
	}
	lines := make([]string, 0, len(list.Teams.Managers)+len(list.Changes)+3)
	for _, m := range list.Teams.Managers {
		lines = append(lines, teamLine(r.lang, list.Teams, m))
	}
	if n := len(list.Unled); n > 0 {
		shown := list.Unled[:min(n, teamRepsShown)]
		line := r.T("Led by no one: %s. Their work goes to the managers who lead no one in particular, or to every manager.", mentions(shown))
		if n > len(shown) {
			line += " " + r.T("(and %d more)", n-len(shown))
		}
		lines = append(lines, line)
	}
	if len(list.Changes) > 0 {
		lines = append(lines, r.T("_Latest changes:_"))
		for _, c := range list.Changes {
			lines = append(lines, teamChangeLine(r, c))
		}
	}
	lines = append(lines, r.T(teamUsage))
	blocks := chunks(r.T(":busts_in_silhouette: *Teams of managers*"), lines)
	if len(blocks) > teamBlocks {
		blocks = append(blocks[:teamBlocks-1], section(r.T("_…and more: `/salesbot team @manager` shows one manager's team._")))
	}
	return ephemeral(r.T("Teams of managers"), blocks...), nil
}

// teamChangeLine says what one change of the history did, and who did it
// when.
func teamChangeLine(r request, c salesbot.TeamChange) string {
	when := day(c.At, r.loc)
	switch {
	case c.Withdrawn:
		return r.T("• %s: <@%s>'s team dropped with their manager rights (by <@%s>)", when, c.Manager, c.By)
	case len(c.Reps) == 0:
		return r.T("• %s: <@%s> set to lead no one in particular (by <@%s>)", when, c.Manager, c.By)
	case len(c.Reps) > teamRepsShown:
		return r.T("• %s: <@%s> set to lead %d reps (by <@%s>)", when, c.Manager, len(c.Reps), c.By)
	}
	return r.T("• %s: <@%s> set to lead %s (by <@%s>)", when, c.Manager, mentions(c.Reps), c.By)
}
