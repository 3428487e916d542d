package handlers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/i18n"
	"salesbot/internal/logctx"
	"salesbot/workspace"
)

// How the handlers answer: errors as the person who asked reads them (the
// workspace the bot does not serve, a mistake, a fault), their arguments
// escaped, ephemeral replies, and direct messages.

// installedLookup bounds the check of a workspace's installation, which
// runs before anything else a request does.
const installedLookup = 500 * time.Millisecond

// foreign says why a request from the workspace (team, and its Enterprise
// Grid organization) gets no answer: "" when it is served, else the reply
// that says it is not (see salesbot.TeamService.Serves and Workspaces) or,
// when its installation cannot be checked, to try again.
func (h *Handler) foreign(ctx context.Context, team, enterprise string) string {
	if !h.teams.Serves(team) {
		return foreignReply(i18n.FromLocale(""))
	}
	if h.workspaces == nil {
		return ""
	}
	ictx, cancel := context.WithTimeout(ctx, installedLookup)
	installed, err := h.workspaces.Installed(ictx, team, enterprise)
	cancel()
	switch {
	case err != nil:
		h.log.WarnContext(ctx, "installation check failed; asked to try again", "team", team, "err", err)
		return both(":hourglass: salesbot can't check its installation in this workspace right now. Please try again in a moment.")
	case !installed:
		if h.installURL != "" {
			return both(":no_entry: salesbot is not installed in this workspace, or was removed from it, so it does not answer requests from it. A Slack admin can install it from %s", "<"+esc(h.installURL)+">")
		}
		return both(":no_entry: salesbot is not installed in this workspace, or was removed from it, so it does not answer requests from it. Ask your Slack admin to install it here.")
	}
	return ""
}

// both words a message in English and then in Chinese: for a workspace the
// bot does not serve, whose people's language it cannot know.
func both(format string, args ...any) string {
	return i18n.T(i18n.En, format, args...) + "\n" + i18n.T(i18n.Zh, format, args...)
}

// enterpriseOf is the Enterprise Grid organization of the workspace ctx's
// work belongs to, when that workspace is team.
func enterpriseOf(ctx context.Context, team string) string {
	if w, ok := logctx.WorkspaceOf(ctx); ok && w.Team == team {
		return w.Enterprise
	}
	return ""
}

// foreignReply is what a request from a workspace the bot is not installed
// in gets instead of an answer.
func foreignReply(lang i18n.Lang) string {
	return i18n.T(lang, ":no_entry: salesbot is not installed in this workspace, so it does not answer requests from it. Ask your Slack admin to install it here.")
}

// errorReply turns an error into the ephemeral message its user sees. This is
// the one place where error codes become words; internal failures are
// logged, never shown.
func (h *Handler) errorReply(ctx context.Context, lang i18n.Lang, err error) *slack.Msg {
	return ephemeral(h.errorText(ctx, lang, err))
}

func (h *Handler) errorText(ctx context.Context, lang i18n.Lang, err error) string {
	switch salesbot.ErrorCode(err) {
	case salesbot.EINVALID, salesbot.ENOTFOUND, salesbot.ECONFLICT:
		return ":warning: " + errorMessage(lang, err)
	case salesbot.EFORBIDDEN:
		return ":no_entry: " + errorMessage(lang, err)
	case salesbot.EUNAVAILABLE:
		h.log.WarnContext(ctx, "store unavailable", "err", err)
		return i18n.T(lang, ":hourglass: salesbot can't reach its database right now. Please try again in a moment.")
	}
	if errors.Is(err, workspace.ErrNotInstalled) {
		// Uninstalled while the request ran: Slack would not take the
		// bot's answer any more.
		h.log.WarnContext(ctx, "workspace uninstalled during the request", "err", err)
		return i18n.T(lang, ":no_entry: salesbot is not installed in this workspace, or was removed from it, so it does not answer requests from it. Ask your Slack admin to install it here.")
	}
	if errors.Is(err, context.DeadlineExceeded) {
		h.log.WarnContext(ctx, "request timed out", "err", err)
		return i18n.T(lang, ":hourglass: That took too long. Please try again in a moment.")
	}
	h.log.ErrorContext(ctx, "request failed", "err", err)
	return ":warning: " + errorMessage(lang, err)
}

// errorMessage is salesbot.ErrorMessage in the reader's language: a domain
// error is worded again from its format, with the arguments the domain marks
// as terms (salesbot.Term, salesbot.Terms) translated and every other one,
// such as a company's or a person's name, left as it is but escaped (esc):
// an error about a company called "<!channel>" shows the name, and pings
// no one.
func errorMessage(lang i18n.Lang, err error) string {
	var e *salesbot.Error
	switch {
	case err == nil:
		return ""
	case !errors.As(err, &e):
		return i18n.T(lang, "Something went wrong on our side. Please try again in a moment.")
	case e.Format != "":
		return i18n.T(lang, e.Format, escArgs(e.Args)...)
	}
	return esc(e.Message)
}

// markup is text already written for mrkdwn, with what someone typed in it
// escaped (a message of its own, rendered): errorMessage passes it on as it
// is, where it would escape a plain string a second time.
type markup string

// escArgs escapes the string arguments of a message (esc) and names the
// people in it (salesbot.User) as Slack mentions; terms, numbers and markup
// stay as they are.
func escArgs(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case string:
			a = esc(v)
		case salesbot.User:
			a = userMention(v)
		}
		out[i] = a
	}
	return out
}

// userMention is a person as Slack names them: <@U…>. An ID that is not one
// (it never should be) is shown escaped, as text.
func userMention(u salesbot.User) markup {
	if id, ok := mention(string(u)); ok {
		return markup("<@" + id + ">")
	}
	return markup(esc(string(u)))
}

// ephemeral is a reply only the person who asked sees.
func ephemeral(text string, blocks ...slack.Block) *slack.Msg {
	msg := &slack.Msg{ResponseType: slack.ResponseTypeEphemeral, Text: text}
	if len(blocks) > 0 {
		msg.Blocks = slack.Blocks{BlockSet: blocks}
	}
	return msg
}

// notify sends a direct message from the bot to a user.
func (h *Handler) notify(ctx context.Context, user, text string, blocks ...slack.Block) error {
	opts := []slack.MsgOption{slack.MsgOptionText(text, false)}
	if len(blocks) > 0 {
		opts = append(opts, slack.MsgOptionBlocks(blocks...))
	}
	if _, _, err := h.slack.PostMessageContext(ctx, user, opts...); err != nil {
		return fmt.Errorf("message %s: %w", user, err)
	}
	return nil
}

// tell shows a user the outcome of a modal they submitted: in the channel
// they started from, only to them, or by direct message when the bot cannot
// post there.
func (h *Handler) tell(ctx context.Context, channel, user string, msg *slack.Msg) error {
	opts := []slack.MsgOption{slack.MsgOptionText(msg.Text, false)}
	if len(msg.Blocks.BlockSet) > 0 {
		opts = append(opts, slack.MsgOptionBlocks(msg.Blocks.BlockSet...))
	}
	if channel != "" && !strings.HasPrefix(channel, "D") {
		if _, err := h.slack.PostEphemeralContext(ctx, channel, user, opts...); err == nil {
			return nil
		}
	}
	if _, _, err := h.slack.PostMessageContext(ctx, user, opts...); err != nil {
		return fmt.Errorf("tell %s: %w", user, err)
	}
	return nil
}
