package handlers

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/sheet"
)

// exportCmd answers `/salesbot export` at once, and reads, writes and
// uploads the workbook afterwards, to the manager directly: it holds the
// whole team's data.
func (h *Handler) exportCmd(ctx context.Context, cmd slack.SlashCommand) (*slack.Msg, error) {
	r, err := h.request(ctx, cmd.TeamID, cmd.UserID, cmd.ChannelID)
	if err != nil {
		return nil, err
	}
	if !r.actor.Manager {
		return nil, salesbot.Errorf(salesbot.EFORBIDDEN, "Exporting the team's data is for managers. `/lead list` shows your pipeline.")
	}
	if h.transfer.svc == nil {
		return nil, salesbot.Errorf(salesbot.EINTERNAL, "Exporting is not set up on this bot.")
	}
	h.long(ctx, "export", exportTimeout, func(ctx context.Context) error {
		err := h.sendExport(ctx, r)
		if err != nil && h.interrupted(ctx) {
			sctx, cancel := afterStop(ctx)
			defer cancel()
			return errors.Join(err, h.notify(sctx, r.actor.User, r.T(":warning: The export was interrupted by a restart. Run `/salesbot export` again.")))
		}
		return err
	})
	return ephemeral(r.T(":hourglass_flowing_sand: Preparing the workbook… It comes to you by direct message in a moment.")), nil
}

// sendExport reads everything the team holds, writes it as a workbook and
// uploads it to the manager, under a line that says what it holds.
func (h *Handler) sendExport(ctx context.Context, r request) error {
	now := h.now()
	x, err := h.transfer.svc.Export(ctx, r.actor, r.team, now)
	if err != nil {
		_ = h.notify(ctx, r.actor.User, h.errorText(ctx, r.lang, fmt.Errorf("export: %w", err)))
		return ignoreCode(err)
	}
	var buf bytes.Buffer
	if err := sheet.Write(&buf, x); err != nil {
		_ = h.notify(ctx, r.actor.User, r.T(":warning: The workbook could not be written. Please try `/salesbot export` again in a moment."))
		return fmt.Errorf("export: write workbook: %w", err)
	}
	visits, changes := 0, 0
	for _, v := range x.Visits {
		visits += len(v)
	}
	for _, c := range x.History {
		changes += len(c)
	}
	line := r.T(":outbox_tray: The team's data as of %s — leads: %d, visits: %d, history entries: %d, audit entries: %d — in the sheets Leads, Stakeholders, Visits, History and Audit. `/salesbot import` reads it back.",
		day(now, r.loc), len(x.Leads), visits, changes, len(x.Audit))
	channel, _, err := h.slack.PostMessageContext(ctx, r.actor.User, slack.MsgOptionText(line, false))
	if err != nil {
		return fmt.Errorf("export: tell %s: %w", r.actor.User, err)
	}
	data := buf.Bytes()
	if _, err := h.slack.UploadFileContext(ctx, slack.UploadFileParameters{
		Channel:  channel,
		Filename: fmt.Sprintf("salesbot-export-%s.xlsx", day(now, r.loc)),
		FileSize: len(data),
		Reader:   bytes.NewReader(data),
		Title:    r.T("salesbot export %s", day(now, r.loc)),
	}); err != nil {
		why := r.T("Please try `/salesbot export` again in a moment.")
		if slackError(err, "missing_scope", "not_allowed_token_type", "no_permission") {
			why = r.T("The bot may not upload files here: a workspace admin can reinstall it with the `files:write` scope.")
		}
		_ = h.notify(ctx, r.actor.User, r.T(":warning: The workbook could not be attached. %s", why))
		return fmt.Errorf("export: upload: %w", err)
	}
	return nil
}
