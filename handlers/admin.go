package handlers

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/i18n"
)

// admin runs `/salesbot …`.
func (h *Handler) admin(ctx context.Context, cmd slack.SlashCommand, toks []salesbot.Token) (*slack.Msg, error) {
	if len(toks) == 0 || strings.EqualFold(toks[0].Text, "help") {
		return ephemeral(salesbotHelp(langIn(ctx))), nil
	}
	if strings.EqualFold(toks[0].Text, "lang") || strings.EqualFold(toks[0].Text, "language") || toks[0].Text == "语言" {
		return h.setLang(ctx, cmd, toks[1:])
	}
	if strings.EqualFold(toks[0].Text, "digest") {
		r, err := h.request(ctx, cmd.TeamID, cmd.UserID, cmd.ChannelID)
		if err != nil {
			return nil, err
		}
		return h.digestNow(ctx, r)
	}
	if strings.EqualFold(toks[0].Text, "report") {
		return h.report(ctx, cmd, toks[1:])
	}
	if !strings.EqualFold(toks[0].Text, "managers") {
		lang := langIn(ctx)
		return ephemeral(i18n.T(lang, ":warning: `/salesbot %s` is not a command I know.\n%s", esc(toks[0].Text), salesbotHelp(lang))), nil
	}
	r, err := h.request(ctx, cmd.TeamID, cmd.UserID, cmd.ChannelID)
	if err != nil {
		return nil, err
	}
	if len(toks) == 1 {
		managers, err := h.allManagers(ctx, r.team)
		if err != nil {
			return nil, err
		}
		if len(managers) == 0 {
			return ephemeral(r.T("No managers yet. A workspace admin can add one with `/salesbot managers add @user`.")), nil
		}
		return ephemeral(r.T("Managers: %s", "<@"+strings.Join(managers, ">, <@")+">")), nil
	}
	add, remove := strings.EqualFold(toks[1].Text, "add"), strings.EqualFold(toks[1].Text, "remove")
	if (!add && !remove) || len(toks) < 3 {
		return nil, salesbot.Errorf(salesbot.EINVALID, "Write `/salesbot managers add @user` or `/salesbot managers remove @user`.")
	}
	// Managers grant and withdraw manager rights; so do workspace admins, so
	// that a team with none configured can start.
	if !r.actor.Manager && !h.people.Lookup(ctx, r.actor.User).Admin {
		if remove {
			return nil, salesbot.Errorf(salesbot.EFORBIDDEN, "Only managers and workspace admins can withdraw manager rights.")
		}
		return nil, salesbot.Errorf(salesbot.EFORBIDDEN, "Only managers and workspace admins can grant manager rights.")
	}
	var users []string
	for _, t := range toks[2:] {
		u, ok := mention(t.Text)
		if !ok {
			return nil, salesbot.Errorf(salesbot.EINVALID, "%q is not a person. Mention them: `/salesbot managers %s @lee`.", t.Text, strings.ToLower(toks[1].Text))
		}
		users = append(users, u)
	}
	if remove {
		return h.removeManagers(ctx, r, users)
	}
	return h.addManagers(ctx, r, users)
}

// addManagers grants manager rights, each kept in the team's audit list,
// and welcomes the new managers.
func (h *Handler) addManagers(ctx context.Context, r request, added []string) (*slack.Msg, error) {
	now := h.now()
	for _, u := range added {
		if err := h.store.GrantManager(ctx, r.team, salesbot.ManagerChange{At: now, By: r.actor.User, User: u}); err != nil {
			return nil, fmt.Errorf("add manager %s: %w", u, err)
		}
	}
	h.later(ctx, "welcome managers", func(ctx context.Context) error {
		for _, u := range added {
			lang := h.langOf(ctx, r.team, u)
			if err := h.notify(ctx, u, i18n.T(lang, ":briefcase: <@%s> gave you manager rights in salesbot: you can assign leads, approve quotes and see every pipeline (`/lead list all`).", r.actor.User)); err != nil {
				return err
			}
		}
		return nil
	})
	return ephemeral(r.T(":briefcase: Manager rights granted to %s.", "<@"+strings.Join(added, ">, <@")+">")), nil
}

// removeManagers withdraws manager rights given from Slack, each kept in the
// team's audit list, and tells those who lost them. Managers set in
// SALESBOT_MANAGERS cannot be removed from Slack: nothing is withdrawn when
// one is named.
func (h *Handler) removeManagers(ctx context.Context, r request, users []string) (*slack.Msg, error) {
	for _, u := range users {
		if h.envManager(r.team, u) {
			return nil, salesbot.Errorf(salesbot.EFORBIDDEN, "<@%s> is a manager set in SALESBOT_MANAGERS, the bot's settings, and cannot be removed from Slack. Ask whoever runs salesbot to take them out of SALESBOT_MANAGERS.", u)
		}
	}
	now := h.now()
	var removed, not []string
	for _, u := range users {
		ok, err := h.store.RemoveManager(ctx, r.team, salesbot.ManagerChange{At: now, By: r.actor.User, User: u})
		if err != nil {
			return nil, fmt.Errorf("remove manager %s: %w", u, err)
		}
		if ok {
			removed = append(removed, u)
		} else {
			not = append(not, u)
		}
	}
	var lines []string
	if len(removed) > 0 {
		lines = append(lines, r.T(":briefcase: Manager rights withdrawn from %s.", "<@"+strings.Join(removed, ">, <@")+">"))
		h.later(ctx, "tell former managers", func(ctx context.Context) error {
			for _, u := range removed {
				lang := h.langOf(ctx, r.team, u)
				if err := h.notify(ctx, u, i18n.T(lang, ":briefcase: <@%s> withdrew your manager rights in salesbot.", r.actor.User)); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if len(not) > 0 {
		lines = append(lines, r.T(":information_source: %s had no manager rights to withdraw.", "<@"+strings.Join(not, ">, <@")+">"))
	}
	return ephemeral(strings.Join(lines, "\n")), nil
}

// followups lists the caller's open leads whose next touch is due, most
// overdue first.
func (h *Handler) followups(ctx context.Context, cmd slack.SlashCommand) (*slack.Msg, error) {
	r, err := h.request(ctx, cmd.TeamID, cmd.UserID, cmd.ChannelID)
	if err != nil {
		return nil, err
	}
	leads, err := h.store.LeadsOwnedBy(ctx, r.team, r.actor.User)
	if err != nil {
		return nil, fmt.Errorf("followups: %w", err)
	}
	now := h.now()
	due := dueLeads(leads, h.cadence, now, r.loc)
	if len(due) == 0 {
		return ephemeral(r.T(":sunny: Nothing is due today. `/lead list` shows what comes next.")), nil
	}
	lines := make([]string, len(due))
	for i, l := range due {
		lines[i] = followupLine(r.lang, l, h.cadence, now, r.loc)
	}
	return ephemeral(r.T("%d follow-ups due", len(due)), chunks(r.T("*%d follow-ups due*", len(due)), lines)...), nil
}

// dueLeads returns the open leads due by the end of the reader's today, most
// overdue first.
func dueLeads(leads []*salesbot.Lead, c salesbot.Cadence, now time.Time, loc *time.Location) []*salesbot.Lead {
	endOfToday := salesbot.DateOf(now.In(loc)).AddDays(1).In(loc)
	var due []*salesbot.Lead
	for _, l := range leads {
		if l.Open() && l.NextDue(c).Before(endOfToday) {
			due = append(due, l)
		}
	}
	slices.SortFunc(due, func(a, b *salesbot.Lead) int { return a.NextDue(c).Compare(b.NextDue(c)) })
	return due
}

func followupLine(lang i18n.Lang, l *salesbot.Lead, c salesbot.Cadence, now time.Time, loc *time.Location) string {
	s := fmt.Sprintf("• *%s* (%s, %s) — %s", esc(l.Company), l.Grade, word(lang, l.Stage.Name()), dueIn(lang, l.NextDue(c), now, loc))
	if !l.LastTouch.IsZero() {
		s += i18n.T(lang, " · last touch %s", ago(lang, l.LastTouch, now, loc))
	}
	if l.NextStep != "" {
		s += " · _" + esc(truncate(l.NextStep, 100)) + "_"
	}
	return s
}

// setLang answers `/salesbot lang [zh|en]`: alone it says the caller's
// language and how to change it; with one it records the choice and answers
// in the new language. `/salesbot lang auto` forgets the choice, so the
// Slack locale decides again.
func (h *Handler) setLang(ctx context.Context, cmd slack.SlashCommand, args []salesbot.Token) (*slack.Msg, error) {
	lang := h.langOf(ctx, cmd.TeamID, cmd.UserID)
	if len(args) == 0 {
		return ephemeral(i18n.T(lang, ":globe_with_meridians: I speak %s to you. Change it with `/salesbot lang zh` (中文) or `/salesbot lang en` (English); `/salesbot lang auto` follows your Slack language again.", lang.Name())), nil
	}
	if len(args) > 1 {
		return nil, salesbot.Errorf(salesbot.EINVALID, "Write `/salesbot lang zh` or `/salesbot lang en`.")
	}
	if strings.EqualFold(args[0].Text, "auto") {
		if err := h.store.SetLang(ctx, cmd.TeamID, cmd.UserID, ""); err != nil {
			return nil, fmt.Errorf("forget language: %w", err)
		}
		lang = i18n.FromLocale(h.people.Lookup(ctx, cmd.UserID).Locale)
		return ephemeral(i18n.T(lang, ":globe_with_meridians: I follow your Slack language again: %s.", lang.Name())), nil
	}
	chosen, ok := i18n.Parse(args[0].Text)
	if !ok {
		return nil, salesbot.Errorf(salesbot.EINVALID, "%q is not a language I speak. Write `/salesbot lang zh` (中文) or `/salesbot lang en` (English).", args[0].Text)
	}
	if err := h.store.SetLang(ctx, cmd.TeamID, cmd.UserID, string(chosen)); err != nil {
		return nil, fmt.Errorf("set language: %w", err)
	}
	return ephemeral(i18n.T(chosen, ":globe_with_meridians: From now on I speak %s to you.", chosen.Name())), nil
}
