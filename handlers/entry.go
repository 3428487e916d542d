package handlers

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"salesbot"
	"salesbot/i18n"
)

// RequestBudget is how long a command may take before it is answered: well
// inside Slack's three seconds, leaving time for the network.
const RequestBudget = 2500 * time.Millisecond

// Command answers a slash command. The returned message is the reply the
// caller sees (ephemeral unless said otherwise); nil means a form was opened
// and the acknowledgement carries no message. It never returns an error:
// every failure becomes a reply that says what to do.
func (h *Handler) Command(ctx context.Context, cmd slack.SlashCommand) *slack.Msg {
	ctx, cancel := context.WithTimeout(ctx, RequestBudget)
	defer cancel()
	if refusal := h.foreign(ctx, cmd.TeamID, cmd.EnterpriseID); refusal != "" {
		h.log.WarnContext(ctx, "command from a workspace the bot is not installed in refused", "team", cmd.TeamID, "user", cmd.UserID)
		return ephemeral(refusal)
	}
	var q *salesbot.LeadQuery
	if guess, ok := prefetchQuery(cmd); ok {
		q = &guess
	}
	ctx, lang := h.withLang(ctx, cmd.TeamID, cmd.UserID, q)
	msg, err := h.command(ctx, cmd)
	if err != nil {
		return h.errorReply(ctx, lang, err)
	}
	return msg
}

func (h *Handler) command(ctx context.Context, cmd slack.SlashCommand) (*slack.Msg, error) {
	if cmd.TeamID == "" || cmd.UserID == "" {
		return nil, salesbot.Errorf(salesbot.EINVALID, "This request has no team or user.")
	}
	toks, err := tokens(cmd.Text)
	if err != nil {
		return nil, err
	}
	switch strings.TrimPrefix(cmd.Command, "/") {
	case "lead":
		return h.lead(ctx, cmd, toks)
	case "visit":
		return h.visit(ctx, cmd, toks)
	case "stance":
		return h.stance(ctx, cmd, toks)
	case "quote", "报价":
		return h.quote(ctx, cmd, toks)
	case "concede", "让步":
		return h.concede(ctx, cmd, toks)
	case "followups":
		return h.followups(ctx, cmd)
	case "salesbot":
		return h.admin(ctx, cmd, toks)
	}
	lang := langIn(ctx)
	return ephemeral(i18n.T(lang, ":warning: I don't know the command %s.\n%s", esc(cmd.Command), salesbotHelp(lang))), nil
}

// Interaction answers a click or a form submission and returns the body of
// the acknowledgement: a *slack.ViewSubmissionResponse with errors for a form
// that needs fixing, or nil for an empty one. Work that is not needed for the
// acknowledgement runs afterwards; Wait waits for it.
func (h *Handler) Interaction(ctx context.Context, cb slack.InteractionCallback) *slack.ViewSubmissionResponse {
	ctx, cancel := context.WithTimeout(ctx, RequestBudget)
	defer cancel()
	if refusal := h.foreign(ctx, cb.Team.ID, cb.Enterprise.ID); refusal != "" {
		h.log.WarnContext(ctx, "interaction from a workspace the bot is not installed in refused", "team", cb.Team.ID, "user", cb.User.ID)
		return h.refuseForeign(ctx, cb, refusal)
	}
	ctx, _ = h.withLang(ctx, cb.Team.ID, cb.User.ID, nil)
	switch cb.Type {
	case slack.InteractionTypeViewSubmission:
		if resp, ok := h.submitNegotiation(ctx, cb); ok {
			return resp
		}
		return h.submit(ctx, cb)
	case slack.InteractionTypeBlockActions:
		h.act(ctx, cb)
	case slack.InteractionTypeMessageAction:
		h.shortcut(ctx, cb)
	default:
		h.log.DebugContext(ctx, "interaction ignored", "type", cb.Type)
	}
	return nil
}

// Event handles an Events API event after it has been acknowledged: opening
// the App Home publishes the viewer's pipeline there.
func (h *Handler) Event(ctx context.Context, team string, ev slackevents.EventsAPIInnerEvent) {
	if refusal := h.foreign(ctx, team, enterpriseOf(ctx, team)); refusal != "" {
		h.log.WarnContext(ctx, "event from a workspace the bot is not installed in ignored", "team", team)
		return
	}
	if opened, ok := ev.Data.(*slackevents.AppHomeOpenedEvent); ok && opened.Tab == "home" {
		h.later(ctx, "publish home", func(ctx context.Context) error {
			return h.publishHome(ctx, team, opened.User)
		})
	}
}

// refuseForeign answers an interaction from a workspace the bot is not
// installed in with text: a form shows it under its first input, a click
// gets it through its response_url. Nothing is read or written.
func (h *Handler) refuseForeign(ctx context.Context, cb slack.InteractionCallback, text string) *slack.ViewSubmissionResponse {
	switch cb.Type {
	case slack.InteractionTypeViewSubmission:
		return slack.NewErrorsViewSubmissionResponse(map[string]string{firstInput(cb.View): h.plainMessage(ctx, text)})
	case slack.InteractionTypeBlockActions:
		if cb.ResponseURL != "" {
			url := cb.ResponseURL
			h.later(ctx, "refuse a foreign click", func(ctx context.Context) error {
				return h.respond.Respond(ctx, url, &slack.WebhookMessage{Text: text, ResponseType: slack.ResponseTypeEphemeral})
			})
		}
	}
	return nil
}

// firstInput is the block ID of a form's first input block, where an error
// about the whole form is shown (Slack accepts errors only on inputs).
func firstInput(v slack.View) string {
	for _, b := range v.Blocks.BlockSet {
		if in, ok := b.(*slack.InputBlock); ok && in.BlockID != "" {
			return in.BlockID
		}
	}
	if blocks := slices.Sorted(maps.Keys(formOf(v))); len(blocks) > 0 {
		return blocks[0]
	}
	return blockCompany
}

func (h *Handler) publishHome(ctx context.Context, team, user string) error {
	r, err := h.request(ctx, team, user, "")
	if err != nil {
		return err
	}
	now := h.now()
	f, err := h.reminders.FollowUps(ctx, team, user, now, r.loc)
	if err != nil {
		return fmt.Errorf("home for %s: %w", user, err)
	}
	leads := f.Leads
	blocks := []slack.Block{section(r.T(":wave: *Your follow-ups*"))}
	if due := f.Due; len(due) > 0 {
		lines := make([]string, len(due))
		for i, l := range due {
			lines[i] = followupLine(r.lang, l, h.cadence, now, r.loc)
		}
		blocks = append(blocks, chunks(r.T("%d due today or overdue", len(due)), lines)...)
	} else {
		blocks = append(blocks, section(r.T(":sunny: Nothing is due today.")))
	}
	blocks = append(blocks, slack.NewDividerBlock())
	blocks = append(blocks, pipeline{title: r.T("Your pipeline"), leads: leads, cadence: h.cadence, now: now, loc: r.loc, lang: r.lang}.blocks()...)
	if d, err := h.teamOverview(ctx, r, now); err != nil {
		return fmt.Errorf("home for %s: %w", user, err)
	} else if d != nil {
		blocks = append(blocks, slack.NewDividerBlock())
		blocks = append(blocks, chunks(r.T("*Team* — open leads by grade and stage"), pipelineLines(r.lang, *d))...)
		var overdue []string
		for _, rep := range d.Reps {
			if len(rep.Overdue)+len(rep.Untouched) > 0 {
				overdue = append(overdue, r.T("<@%s>: %d overdue, %d A/B untouched", rep.Rep, len(rep.Overdue), len(rep.Untouched)))
			}
		}
		if len(overdue) > 0 {
			blocks = append(blocks, chunks(r.T("*Slipping*"), overdue)...)
		}
		if more := d.OverdueTotal - d.OverdueShown(); more > 0 {
			blocks = append(blocks, contextLine(r.T("%d overdue follow-ups in all; the %d most overdue are counted above.", d.OverdueTotal, d.OverdueShown())))
		}
	}
	blocks = append(blocks, slack.NewDividerBlock(),
		contextLine(r.T("Type `/lead new <company>` to register a lead, `/visit <company> notes` after a visit, `/salesbot help` for everything.")))
	if len(blocks) > maxHomeBlocks {
		blocks = append(blocks[:maxHomeBlocks-1], contextLine(r.T("…more with `/lead list`.")))
	}
	view := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}}
	if _, err := h.slack.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: user, View: view}); err != nil {
		return fmt.Errorf("publish home for %s: %w", user, err)
	}
	return nil
}

// maxHomeBlocks is Slack's limit on a Home tab's blocks.
const maxHomeBlocks = 100

// teamOverview is the team's part of a manager's Home, or nil for someone
// the digest service does not show it to.
func (h *Handler) teamOverview(ctx context.Context, r request, now time.Time) (*salesbot.Digest, error) {
	if h.digests == nil {
		return nil, nil
	}
	d, err := h.digests.Overview(ctx, r.actor, r.team, now)
	switch {
	case salesbot.ErrorCode(err) == salesbot.EFORBIDDEN:
		return nil, nil
	case err != nil:
		return nil, err
	}
	return &d, nil
}
