package handlers

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/i18n"
)

// touchesCmd runs `/salesbot touches`: alone it lists the team's maintenance
// actions for C and D leads (what their reminders suggest, in turn); a
// manager sets a grade's list with `/salesbot touches C <action>; <action>`
// (each may start with its kind of touch: `news: …`), or goes back to the
// default with `/salesbot touches C default`.
func (h *Handler) touchesCmd(ctx context.Context, cmd slack.SlashCommand, args []salesbot.Token) (*slack.Msg, error) {
	if h.maintenance == nil {
		return nil, salesbot.Errorf(salesbot.EINTERNAL, "Maintenance actions are not set up on this bot.")
	}
	r, err := h.request(ctx, cmd.TeamID, cmd.UserID, cmd.ChannelID)
	if err != nil {
		return nil, err
	}
	if len(args) == 0 {
		plan, err := h.maintenance.Maintenance(ctx, r.team)
		if err != nil {
			return nil, err
		}
		return ephemeral(r.T("Maintenance actions"), touchesBlocks(r.lang, plan)...), nil
	}
	g, err := salesbot.ParseGrade(args[0].Text)
	if err != nil || len(args) < 2 {
		return nil, salesbot.Errorf(salesbot.EINVALID, "Write `/salesbot touches C <action>; <action>` (or D), such as `/salesbot touches C news: send industry news; event: invite to the spring seminar`; `/salesbot touches C default` goes back to the default.")
	}
	var list []salesbot.MaintenanceAction
	if len(args) > 2 || !(strings.EqualFold(args[1].Text, "default") || args[1].Text == "默认") {
		// The list as typed, quotes and all: items are split on semicolons.
		if list, err = salesbot.ParseMaintenanceList(salesbot.JoinTokens(args[1:])); err != nil {
			return nil, err
		}
	}
	plan, err := h.maintenance.SetMaintenance(ctx, r.team, r.actor, g, list)
	if err != nil {
		return nil, err
	}
	return ephemeral(r.T(":white_check_mark: Grade %s's maintenance actions are saved.", string(g)), touchesBlocks(r.lang, plan)...), nil
}

// touchesBlocks lists a plan's actions per grade, numbered in the order
// reminders suggest them, in as many sections as Slack's 3,000 characters
// a section need.
func touchesBlocks(lang i18n.Lang, plan salesbot.MaintenancePlan) []slack.Block {
	lines := touchesLines(lang, plan)
	return chunks(lines[0], lines[1:])
}

// touchesLines are the lines of touchesBlocks, the heading first.
func touchesLines(lang i18n.Lang, plan salesbot.MaintenancePlan) []string {
	lines := []string{i18n.T(lang, "*Maintenance actions* — a C or D lead's reminder suggests the next one in turn; log it with `/visit <company> kind:<kind>`")}
	for _, g := range salesbot.MaintenanceGrades {
		lines = append(lines, i18n.T(lang, "*Grade %s*", string(g)))
		for i, a := range plan[g] {
			line := fmt.Sprintf("%d. %s", i+1, actionText(lang, a))
			if a.Kind != "" {
				line += " `kind:" + string(a.Kind) + "`"
			}
			lines = append(lines, line)
		}
	}
	lines = append(lines, i18n.T(lang, "Managers change a list with `/salesbot touches C <action>; <action>` (each may start with its kind: `news: …`), and go back with `/salesbot touches C default`."))
	return lines
}

// actionText is a maintenance action as its reader sees it: one of the
// default list in their language, one the team wrote as written (escaped).
func actionText(lang i18n.Lang, a salesbot.MaintenanceAction) string {
	if slices.Contains(salesbot.DefaultMaintenanceTexts(), a.Text) {
		return i18n.T(lang, a.Text)
	}
	return esc(a.Text)
}
