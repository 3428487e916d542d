package handlers

import (
	"context"
	"fmt"
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
	switch strings.ToLower(toks[0].Text) {
	case "notify", "notifications", "通知":
		return h.notifyCmd(ctx, cmd, toks[1:])
	case "touches", "maintenance", "维护":
		return h.touchesCmd(ctx, cmd, toks[1:])
	case "import", "导入":
		return h.importCmd(ctx, cmd)
	case "export", "导出":
		return h.exportCmd(ctx, cmd)
	}
	switch strings.ToLower(toks[0].Text) {
	case "forecast", "预测", "target", "目标", "review", "复盘":
		r, err := h.request(ctx, cmd.TeamID, cmd.UserID, cmd.ChannelID)
		if err != nil {
			return nil, err
		}
		switch strings.ToLower(toks[0].Text) {
		case "forecast", "预测":
			return h.forecast(ctx, r, toks[1:])
		case "target", "目标":
			return h.target(ctx, r, toks[1:])
		}
		return h.reviewNow(ctx, r, toks[1:])
	}
	if strings.EqualFold(toks[0].Text, "team") || strings.EqualFold(toks[0].Text, "teams") || toks[0].Text == "团队" {
		r, err := h.request(ctx, cmd.TeamID, cmd.UserID, cmd.ChannelID)
		if err != nil {
			return nil, err
		}
		return h.team(ctx, r, toks[1:])
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
		return ephemeral(r.T("Managers: %s", mentions(managers))), nil
	}
	add, remove := strings.EqualFold(toks[1].Text, "add"), strings.EqualFold(toks[1].Text, "remove")
	if (!add && !remove) || len(toks) < 3 {
		return nil, salesbot.Errorf(salesbot.EINVALID, "Write `/salesbot managers add @user` or `/salesbot managers remove @user`.")
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

// addManagers grants manager rights (see salesbot.TeamService) and welcomes
// the new managers.
func (h *Handler) addManagers(ctx context.Context, r request, users []string) (*slack.Msg, error) {
	g, err := h.teams.GrantManagers(ctx, r.team, r.actor, h.workspaceAdmin(ctx, r.actor), users, h.now())
	if err != nil {
		return nil, err
	}
	h.later(ctx, "welcome managers", func(ctx context.Context) error {
		for _, u := range g.Changed {
			lang := h.langOf(ctx, r.team, u)
			if err := h.notify(ctx, u, i18n.T(lang, ":briefcase: <@%s> gave you manager rights in salesbot: you can assign leads, approve quotes and see every pipeline (`/lead list all`).", r.actor.User)); err != nil {
				return err
			}
		}
		return nil
	})
	return ephemeral(r.T(":briefcase: Manager rights granted to %s.", mentions(g.Changed))), nil
}

// removeManagers withdraws manager rights given from Slack (see
// salesbot.TeamService) and tells those who lost them.
func (h *Handler) removeManagers(ctx context.Context, r request, users []string) (*slack.Msg, error) {
	g, err := h.teams.RemoveManagers(ctx, r.team, r.actor, h.workspaceAdmin(ctx, r.actor), users, h.now())
	if err != nil {
		return nil, err
	}
	var lines []string
	if len(g.Changed) > 0 {
		lines = append(lines, r.T(":briefcase: Manager rights withdrawn from %s.", mentions(g.Changed)))
		h.later(ctx, "tell former managers", func(ctx context.Context) error {
			for _, u := range g.Changed {
				lang := h.langOf(ctx, r.team, u)
				if err := h.notify(ctx, u, i18n.T(lang, ":briefcase: <@%s> withdrew your manager rights in salesbot.", r.actor.User)); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if len(g.Unchanged) > 0 {
		lines = append(lines, r.T(":information_source: %s had no manager rights to withdraw.", mentions(g.Unchanged)))
	}
	return ephemeral(strings.Join(lines, "\n")), nil
}

// workspaceAdmin reports whether Slack says the actor is a workspace
// admin; a manager's rights are enough, so Slack is not asked about one.
func (h *Handler) workspaceAdmin(ctx context.Context, a salesbot.Actor) bool {
	return !a.Manager && h.people.Lookup(ctx, a.User).Admin
}

// mentions names users as Slack mentions, comma-separated.
func mentions(users []string) string {
	return "<@" + strings.Join(users, ">, <@") + ">"
}

// followups lists the caller's open leads whose next touch is due, most
// overdue first.
func (h *Handler) followups(ctx context.Context, cmd slack.SlashCommand) (*slack.Msg, error) {
	r, err := h.request(ctx, cmd.TeamID, cmd.UserID, cmd.ChannelID)
	if err != nil {
		return nil, err
	}
	now := h.now()
	f, err := h.reminders.FollowUps(ctx, r.team, r.actor.User, now, r.loc)
	if err != nil {
		return nil, err
	}
	if len(f.Due) == 0 {
		return ephemeral(r.T(":sunny: Nothing is due today. `/lead list` shows what comes next.")), nil
	}
	lines := make([]string, len(f.Due))
	for i, l := range f.Due {
		lines[i] = followupLine(r.lang, l, h.cadence, now, r.loc)
	}
	return ephemeral(r.T("%d follow-ups due", len(f.Due)), chunks(r.T("*%d follow-ups due*", len(f.Due)), lines)...), nil
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
		if err := h.teams.SetLanguage(ctx, cmd.TeamID, cmd.UserID, ""); err != nil {
			return nil, err
		}
		lang = i18n.FromLocale(h.people.Lookup(ctx, cmd.UserID).Locale)
		return ephemeral(i18n.T(lang, ":globe_with_meridians: I follow your Slack language again: %s.", lang.Name())), nil
	}
	chosen, ok := i18n.Parse(args[0].Text)
	if !ok {
		return nil, salesbot.Errorf(salesbot.EINVALID, "%q is not a language I speak. Write `/salesbot lang zh` (中文) or `/salesbot lang en` (English).", args[0].Text)
	}
	if err := h.teams.SetLanguage(ctx, cmd.TeamID, cmd.UserID, string(chosen)); err != nil {
		return nil, err
	}
	return ephemeral(i18n.T(chosen, ":globe_with_meridians: From now on I speak %s to you.", chosen.Name())), nil
}
