package handlers

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"salesbot"
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
	msg, err := h.command(ctx, cmd)
	if err != nil {
		return h.errorReply(ctx, err)
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
	case "followups":
		return h.followups(ctx, cmd)
	case "salesbot":
		return h.admin(ctx, cmd, toks)
	}
	return ephemeral(fmt.Sprintf(":warning: I don't know the command %s.\n%s", esc(cmd.Command), help)), nil
}

// Interaction answers a click or a form submission and returns the body of
// the acknowledgement: a *slack.ViewSubmissionResponse with errors for a form
// that needs fixing, or nil for an empty one. Work that is not needed for the
// acknowledgement runs afterwards; Wait waits for it.
func (h *Handler) Interaction(ctx context.Context, cb slack.InteractionCallback) *slack.ViewSubmissionResponse {
	ctx, cancel := context.WithTimeout(ctx, RequestBudget)
	defer cancel()
	switch cb.Type {
	case slack.InteractionTypeViewSubmission:
		return h.submit(ctx, cb)
	case slack.InteractionTypeBlockActions:
		h.act(ctx, cb)
	default:
		h.log.DebugContext(ctx, "interaction ignored", "type", cb.Type)
	}
	return nil
}

// Event handles an Events API event after it has been acknowledged: opening
// the App Home publishes the viewer's pipeline there.
func (h *Handler) Event(ctx context.Context, team string, ev slackevents.EventsAPIInnerEvent) {
	if opened, ok := ev.Data.(*slackevents.AppHomeOpenedEvent); ok && opened.Tab == "home" {
		h.later(ctx, "publish home", func(ctx context.Context) error {
			return h.publishHome(ctx, team, opened.User)
		})
	}
}

func (h *Handler) publishHome(ctx context.Context, team, user string) error {
	r, err := h.request(ctx, team, user, "")
	if err != nil {
		return err
	}
	leads, err := h.store.LeadsOwnedBy(ctx, team, user)
	if err != nil {
		return fmt.Errorf("home for %s: %w", user, err)
	}
	p := pipeline{title: "Your pipeline", leads: leads, cadence: h.cadence, now: h.now(), loc: r.loc}
	blocks := append(p.blocks(), slack.NewDividerBlock(),
		contextLine("Type `/lead new <company>` to register a lead, `/visit <company> notes` after a visit, `/salesbot help` for everything."))
	if r.actor.Manager {
		blocks = append(blocks, contextLine("You are a manager: `/lead list all` shows the team's pipeline."))
	}
	view := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}}
	if _, err := h.slack.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: user, View: view}); err != nil {
		return fmt.Errorf("publish home for %s: %w", user, err)
	}
	return nil
}
