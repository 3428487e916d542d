package handlers

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/i18n"
)

const reportUsage = "Write `/salesbot report week` (this week so far, from Monday), `/salesbot report month` (this month so far), `/salesbot report last-week` (last week, Monday to Sunday) or `/salesbot report last-month` (the whole of last month)."

// How many lines of each list the Slack summary shows; the CSV has them all.
const (
	reportTopLines  = 10
	reportRepsLines = 40
)

// report answers `/salesbot report week|month|last-week|last-month` at once, and builds, posts
// and attaches the report afterwards: uploads are slow.
func (h *Handler) report(ctx context.Context, cmd slack.SlashCommand, args []salesbot.Token) (*slack.Msg, error) {
	r, err := h.request(ctx, cmd.TeamID, cmd.UserID, cmd.ChannelID)
	if err != nil {
		return nil, err
	}
	if !r.actor.Manager {
		return nil, salesbot.Errorf(salesbot.EFORBIDDEN, "Reports are for managers. `/lead list` shows your pipeline, `/followups` what is due.")
	}
	if len(args) != 1 {
		return nil, salesbot.Errorf(salesbot.EINVALID, "Which period? %s", markup(r.T(reportUsage)))
	}
	kind, ok := salesbot.ParsePeriodKind(args[0].Text)
	p, err := salesbot.PeriodFor(kind, h.now(), r.loc)
	if !ok || err != nil {
		return nil, salesbot.Errorf(salesbot.EINVALID, "`%s` is not a period I know. %s", args[0].Text, markup(r.T(reportUsage)))
	}
	if h.reports == nil {
		return nil, salesbot.Errorf(salesbot.EINTERNAL, "Reports are not set up on this bot.")
	}
	h.later(ctx, "report", func(ctx context.Context) error { return h.sendReport(ctx, r, kind, p) })
	return ephemeral(r.T(":hourglass_flowing_sand: Preparing the report for %s… It will be posted here with a CSV file in a moment.", periodName(r.lang, kind, p))), nil
}

// sendReport posts the report's summary where it was asked for (or to the
// manager directly when the bot cannot post there) and attaches the CSV
// beneath it.
func (h *Handler) sendReport(ctx context.Context, r request, kind string, p salesbot.Period) error {
	rep, err := h.reports.Report(ctx, r.team, p, h.now())
	if err != nil {
		// errorReply logs the failure and words it for the manager.
		_ = h.tell(ctx, r.channel, r.actor.User, h.errorReply(ctx, r.lang, fmt.Errorf("report %s: %w", kind, err)))
		return nil
	}
	rep.Names = h.names(ctx, rep)
	title := reportTitle(r.lang, kind, p)
	blocks := reportBlocks(r.lang, title, rep)
	channel, _, err := h.slack.PostMessageContext(ctx, r.channel, slack.MsgOptionText(reportText(r.lang, title, rep), false), slack.MsgOptionBlocks(blocks...))
	if slackError(err, "not_in_channel", "channel_not_found") {
		// A private channel or a conversation the bot is not in: the
		// manager gets the report directly instead, and is told why.
		why := contextLine(r.T(":information_source: I'm not in the conversation you asked from, so the report comes to you here. `/invite @salesbot` there to have it posted there."))
		blocks = slices.Concat(blocks[:1], []slack.Block{why}, blocks[1:]) // still within 50 blocks
		channel, _, err = h.slack.PostMessageContext(ctx, r.actor.User, slack.MsgOptionText(reportText(r.lang, title, rep), false), slack.MsgOptionBlocks(blocks...))
	}
	if err != nil {
		_ = h.notify(ctx, r.actor.User, r.T(":warning: Slack did not take the report just now. Please try `/salesbot report %s` again in a moment.", kind))
		return fmt.Errorf("post report: %w", err)
	}
	data := rep.CSV()
	loc := p.From.Location()
	_, err = h.slack.UploadFileContext(ctx, slack.UploadFileParameters{
		Channel:        channel,
		Filename:       fmt.Sprintf("salesbot-report-%s-%s.csv", day(p.From, loc), day(p.To, loc)),
		FileSize:       len(data),
		Reader:         bytes.NewReader(data),
		Title:          title,
		InitialComment: r.T("The report's tables as a CSV file (UTF-8; opens in Excel)."),
	})
	if err != nil {
		why := r.T("Please try `/salesbot report %s` again in a moment.", kind)
		if slackError(err, "missing_scope", "not_allowed_token_type", "no_permission") {
			why = r.T("The bot may not upload files here: a workspace admin can reinstall it with the `files:write` scope.")
		}
		_ = h.notify(ctx, r.actor.User, r.T(":warning: The report is posted, but its CSV file could not be attached. %s", why))
		return fmt.Errorf("attach report: %w", err)
	}
	return nil
}

// slackError reports whether err is a Slack API error with one of the codes.
func slackError(err error, codes ...string) bool {
	var resp slack.SlackErrorResponse
	if !errors.As(err, &resp) {
		return false
	}
	for _, c := range codes {
		if resp.Err == c {
			return true
		}
	}
	return false
}

// namesBudget bounds the time spent looking people up for a report, so a
// slow Slack leaves IDs in the CSV rather than no report at all.
const namesBudget = 3 * time.Second

// names looks up the people a report mentions, for the CSV (a spreadsheet
// shows no Slack mentions).
func (h *Handler) names(ctx context.Context, rep salesbot.Report) map[string]string {
	ctx, cancel := context.WithTimeout(ctx, namesBudget)
	defer cancel()
	names := map[string]string{}
	add := func(user string) {
		if _, ok := names[user]; ok || user == "" {
			return
		}
		names[user] = h.people.Lookup(ctx, user).Name
	}
	for _, l := range rep.NewLeads {
		add(l.RegisteredBy)
		add(l.Owner)
	}
	for _, m := range rep.GradeMoves {
		add(m.By)
	}
	for _, c := range append(append([]salesbot.Change{}, rep.Won...), rep.Lost...) {
		add(c.By)
	}
	for _, t := range rep.Touches {
		add(t.Rep)
	}
	return names
}

// periodName says which period a report covers, as the reader calls it;
// kind is one of the salesbot.Period* names.
func periodName(lang i18n.Lang, kind string, p salesbot.Period) string {
	from := p.From
	switch kind {
	case salesbot.PeriodMonth:
		return i18n.T(lang, "%s so far", month(lang, from))
	case salesbot.PeriodLastMonth:
		return month(lang, from)
	case salesbot.PeriodLastWeek:
		return i18n.T(lang, "last week, %s to %s", weekday(lang, from), weekday(lang, p.To.In(from.Location())))
	}
	return i18n.T(lang, "the week from %s", weekday(lang, from))
}

func reportTitle(lang i18n.Lang, kind string, p salesbot.Period) string {
	return i18n.T(lang, "Sales report — %s", periodName(lang, kind, p))
}

// reportText is the message's plain text: what a notification shows.
func reportText(lang i18n.Lang, title string, r salesbot.Report) string {
	return i18n.T(lang, "%s: %d new leads, %d won, %d lost", title, len(r.NewLeads), len(r.Won), len(r.Lost))
}

// reportBlocks renders the summary of a report: the counts, the top lines
// of each table, the pipeline and each rep's split of touches. The full
// tables go in the CSV.
func reportBlocks(lang i18n.Lang, title string, r salesbot.Report) []slack.Block {
	t := func(format string, args ...any) string { return i18n.T(lang, format, args...) }
	loc := r.Period.From.Location()
	at := func(tm time.Time) string { return when(lang, tm.In(loc)) }
	moves := t("*%d* grade changes", len(r.GradeMoves))
	if n := len(r.GradeMoves); n > 0 {
		moves += fmt.Sprintf(" (:arrow_up: %d · :arrow_down: %d)", r.Upgrades(), n-r.Upgrades())
	}
	blocks := []slack.Block{
		slack.NewHeaderBlock(plain(truncate(title, 150))),
		contextLine(t("%s → %s (%s) · %d open leads", at(r.Period.From), at(r.Period.To), loc.String(), r.Open)),
		section(t(":new: *%d* new leads · %s · :trophy: *%d* won · :x: *%d* lost · :handshake: *%d* touches",
			len(r.NewLeads), moves, len(r.Won), len(r.Lost), r.Visits())),
	}
	var body []slack.Block
	list := func(heading string, n int, line func(i int) string) {
		if n == 0 {
			return
		}
		lines := make([]string, 0, min(n, reportTopLines)+1)
		for i := range min(n, reportTopLines) {
			lines = append(lines, line(i))
		}
		if n > reportTopLines {
			lines = append(lines, t("_…and %d more in the CSV file._", n-reportTopLines))
		}
		body = append(body, chunks(fmt.Sprintf("*%s* (%d)", heading, n), lines)...)
	}
	list(t("New leads"), len(r.NewLeads), func(i int) string {
		l := r.NewLeads[i]
		s := fmt.Sprintf("• *%s* — <@%s> · %s · %s", esc(truncate(l.Company, 80)), l.Owner, l.Grade, word(lang, l.Stage.Name()))
		if !l.Value.IsZero() {
			s += " · *" + l.Value.InLanguage(string(lang)) + "*"
		}
		if l.RegisteredBy != l.Owner {
			s += t(" · registered by <@%s>", l.RegisteredBy)
		}
		if !l.FirstTouch.IsZero() {
			return s + t(" · first touch %s", l.FirstTouch.String())
		}
		return s + t(" · _not touched yet_")
	})
	list(t("Grade changes"), len(r.GradeMoves), func(i int) string {
		m := r.GradeMoves[i]
		arrow := ":arrow_down:"
		if m.Up {
			arrow = ":arrow_up:"
		}
		s := t("• %s *%s* %s→%s by <@%s>, %s", arrow, esc(truncate(m.Company, 80)), m.From, m.To, m.By, day(m.At, loc))
		if m.Reason != "" {
			s += " — _" + esc(truncate(m.Reason, 100)) + "_"
		}
		return s
	})
	list(t(":trophy: Won"), len(r.Won), func(i int) string {
		c := r.Won[i]
		return fmt.Sprintf("• *%s* — <@%s>, %s", esc(truncate(c.Company, 80)), c.By, day(c.At, loc))
	})
	list(t(":x: Lost"), len(r.Lost), func(i int) string {
		c := r.Lost[i]
		s := fmt.Sprintf("• *%s* — <@%s>, %s", esc(truncate(c.Company, 80)), c.By, day(c.At, loc))
		if c.Reason != "" {
			s += " — _" + esc(truncate(c.Reason, 100)) + "_"
		}
		return s
	})
	body = append(body, chunks(t("*Pipeline* — open leads now, by grade and stage"), pipelineLines(lang, salesbot.Digest{Pipeline: r.Pipeline}))...)
	if total := r.Value.Total(); len(total.Currencies(r.Currency)) > 0 {
		var lines []string
		for _, st := range salesbot.Stages {
			if m := r.Value.Stages[st]; len(m.Currencies(r.Currency)) > 0 {
				lines = append(lines, fmt.Sprintf("%s %s", word(lang, st.Name()), m.InLanguage(string(lang), r.Currency)))
			}
		}
		lines = append(lines, t("*Total* %s", total.InLanguage(string(lang), r.Currency)))
		body = append(body, chunks(t("*Pipeline value* — open deals with a close date, by stage"), []string{strings.Join(lines, " · ")})...)
	}
	body = append(body, sourceBlocks(lang, r)...)
	if len(r.Touches) > 0 {
		var lines []string
		for i, tt := range r.Touches {
			if i == reportRepsLines {
				lines = append(lines, t("_…and %d more in the CSV file._", len(r.Touches)-i))
				break
			}
			lines = append(lines, touchLine(lang, tt))
		}
		body = append(body, chunks(t("*Touches by rep* — working A leads · keeping up B, C and D leads · finding new leads"), lines)...)
	}
	if len(blocks)+len(body) > maxBlocks-1 { // not with today's caps; kept should they grow
		body = append(body[:maxBlocks-2-len(blocks)], section(t("_…and more in the CSV file._")))
	}
	blocks = append(blocks, body...)
	return append(blocks, contextLine(t(":bar_chart: Every table in full follows as a CSV file.")))
}

func touchLine(lang i18n.Lang, t salesbot.RepTouches) string {
	if t.Total() == 0 {
		return i18n.T(lang, "• <@%s>: _no touches_", t.Rep)
	}
	p := t.Percent()
	return i18n.T(lang, "• <@%s>: %d in all — A %d%% · B %d%% · C %d%% · D %d%% · new %d%%", t.Rep, t.Total(), p[0], p[1], p[2], p[3], p[4])
}
