package handlers

import (
	"context"
	"fmt"

	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/i18n"
)

// TellRisks tells a rep, in one direct message, of the risks new on their
// A and B leads, each lead with the buttons fixing its risks (as many
// leads as Slack's 50 blocks hold; the rest as text, their buttons being
// on the cards). It implements scheduler.RiskTeller.
func (h *Handler) TellRisks(ctx context.Context, team, rep string, news salesbot.RiskNews) error {
	ctx = forTeam(ctx, team)
	if len(news.New) == 0 {
		return nil
	}
	lang := h.langOf(ctx, team, rep)
	title, blocks := riskNewsBlocks(lang, news)
	if _, _, err := h.slack.PostMessageContext(ctx, rep, slack.MsgOptionText(title, false), slack.MsgOptionBlocks(blocks...)); err != nil {
		return fmt.Errorf("risk news to %s: %w", rep, err)
	}
	return nil
}

// riskNewsBlocks lays the risk news out: its title, a line saying it is
// told once, then the leads.
func riskNewsBlocks(lang i18n.Lang, news salesbot.RiskNews) (string, []slack.Block) {
	n := 0
	for _, lr := range news.New {
		n += len(lr.Risks)
	}
	title := i18n.T(lang, "New risks on your leads (%d)", n)
	blocks := []slack.Block{
		section("*" + title + "*"),
		contextLine(i18n.T(lang, "Each risk is told once, when it appears; it stays on the lead's card until it is fixed.")),
	}
	for i, lr := range news.New {
		more := leadRiskBlocks(lang, lr)
		if len(blocks)+len(more) > maxBlocks-1 {
			rest := leadRiskLines(lang, news.New[i:])
			blocks = append(blocks, chunks(rest[0], rest[1:])...)
			break
		}
		blocks = append(blocks, more...)
	}
	if len(blocks) > maxBlocks {
		blocks = append(blocks[:maxBlocks-1], section(i18n.T(lang, "_…and more: each lead's risks are on its card._")))
	}
	return title, blocks
}
