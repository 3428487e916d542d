package handlers

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/i18n"
)

// The notification form (/salesbot notify alone) and its inputs.
const (
	cbNotify         = "notify_prefs"
	blockNotifyMode  = "notify_mode"
	blockNotifyHour  = "notify_hour"
	blockDaysOff     = "days_off"
	blockDigestQuiet = "digest_quiet"

	// hourAtStart is the hour menu's value for "when my working day
	// starts" (salesbot.DayStart).
	hourAtStart = "start"
)

// notifyUsage is how to write /salesbot notify, shown with a mistake.
const notifyUsage = "`/salesbot notify` (the form) · `notify batch [0-23|start]` · `notify each` · `notify off 2026-12-24..2027-01-02, 2027-02-10` · `notify off none` · `notify digest quiet|skip`"

// notifyCmd runs `/salesbot notify …`: alone, the form with the caller's
// choices; with words, one choice changed at once. Either way the reply
// shows the choices as they now stand.
func (h *Handler) notifyCmd(ctx context.Context, cmd slack.SlashCommand, args []salesbot.Token) (*slack.Msg, error) {
	if h.prefs == nil {
		return nil, salesbot.Errorf(salesbot.EINTERNAL, "Notification choices are not set up on this bot.")
	}
	r, err := h.request(ctx, cmd.TeamID, cmd.UserID, cmd.ChannelID)
	if err != nil {
		return nil, err
	}
	// Read within the trigger's 3 s, bounded, to fill the form in.
	lctx, cancel := context.WithTimeout(ctx, buttonLookup)
	p, err := h.prefs.NotifyPrefs(lctx, r.team, r.actor.User)
	cancel()
	if err != nil {
		return nil, err
	}
	if len(args) == 0 {
		return h.openModal(ctx, cmd.TriggerID, notifyModal(r.lang, r.channel, p, r.actor.Manager))
	}
	word := strings.ToLower(args[0].Text)
	rest := args[1:]
	switch word {
	case "batch", "morning", "汇总", "早上":
		p.Mode = salesbot.NotifyBatch
		if len(rest) > 1 {
			return nil, notifyMistake()
		}
		if len(rest) == 1 {
			if p.BatchHour, err = parseHour(rest[0].Text); err != nil {
				return nil, err
			}
		}
	case "each", "逐条":
		if len(rest) > 0 {
			return nil, notifyMistake()
		}
		p.Mode = salesbot.NotifyEach
	case "off", "days-off", "休假":
		if len(rest) == 0 {
			return nil, notifyMistake()
		}
		if len(rest) == 1 && (strings.EqualFold(rest[0].Text, "none") || rest[0].Text == "无") {
			p.DaysOff = nil
			break
		}
		spans, err := salesbot.ParseDaysOff(salesbot.JoinTokens(rest))
		if err != nil {
			return nil, err
		}
		p.DaysOff = append(p.DaysOff, spans...)
	case "digest", "日报":
		if len(rest) != 1 {
			return nil, notifyMistake()
		}
		switch strings.ToLower(rest[0].Text) {
		case "quiet", "send", "一行", "发送":
			p.SkipEmptyDigest = false
		case "skip", "不发":
			p.SkipEmptyDigest = true
		default:
			return nil, notifyMistake()
		}
	default:
		return nil, notifyMistake()
	}
	return h.setNotify(ctx, r, p)
}

// setNotify records the caller's choices and shows them as they now stand.
func (h *Handler) setNotify(ctx context.Context, r request, p salesbot.NotifyPrefs) (*slack.Msg, error) {
	got, err := h.prefs.SetNotifyPrefs(ctx, r.team, r.actor, p, h.now())
	if err != nil {
		return nil, err
	}
	return ephemeral(r.T(":bell: Your notification choices are saved."), section(notifyText(r.lang, got, r.actor.Manager))), nil
}

func notifyMistake() error {
	return salesbot.Errorf(salesbot.EINVALID, "Write %s.", markup(notifyUsage))
}

// parseHour reads the batch hour: 0 to 23 (8, 08, 8:00), or start for the
// start of the working day.
func parseHour(s string) (int, error) {
	s = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSpace(s), ":00"), "点")
	if strings.EqualFold(s, hourAtStart) || s == "上班" {
		return salesbot.DayStart, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, salesbot.Errorf(salesbot.EINVALID, "%q is not an hour: write 0 to 23, such as `/salesbot notify batch 8`, or `start` for the start of your working day.", s)
	}
	return n, nil // the service says whether it is one of 0–23
}

// notifyText words a person's choices, a line each; the empty digest only
// for a manager, who gets the digest.
func notifyText(lang i18n.Lang, p salesbot.NotifyPrefs, manager bool) string {
	t := func(format string, args ...any) string { return i18n.T(lang, format, args...) }
	var lines []string
	switch {
	case p.Mode == salesbot.NotifyEach:
		lines = append(lines, t("• Follow-ups: each as it falls due, within your working hours"))
	case p.BatchHour == salesbot.DayStart:
		lines = append(lines, t("• Follow-ups: one morning message when your working day starts; those due later that day one by one"))
	default:
		lines = append(lines, t("• Follow-ups: one morning message at %02d:00; those due later that day one by one", p.BatchHour))
	}
	if len(p.DaysOff) == 0 {
		lines = append(lines, t("• Days off: none"))
	} else {
		lines = append(lines, t("• Days off (no reminders, no escalations; they resume the next working day): %s", spansText(p.DaysOff)))
	}
	if manager {
		if p.SkipEmptyDigest {
			lines = append(lines, t("• Digest on a quiet day: not sent"))
		} else {
			lines = append(lines, t("• Digest on a quiet day: one line"))
		}
	}
	return t("*Your notifications*") + "\n" + strings.Join(lines, "\n")
}

func spansText(spans []salesbot.DateSpan) string {
	s := make([]string, len(spans))
	for i, d := range spans {
		s[i] = d.String()
	}
	return strings.Join(s, ", ")
}

// notifyModal is the notification form filled in with p; the empty digest
// is a manager's choice only.
func notifyModal(lang i18n.Lang, channel string, p salesbot.NotifyPrefs, manager bool) slack.ModalViewRequest {
	t := func(format string, args ...any) string { return i18n.T(lang, format, args...) }
	// Menus rather than radio buttons and a checkbox: the console fills
	// in menus, as it does every other form's.
	batch := option(string(salesbot.NotifyBatch), t("One morning message"))
	batch.Description = plain(t("Due follow-ups together at the batch hour; later ones one by one"))
	each := option(string(salesbot.NotifyEach), t("Each as it falls due"))
	mode := selectInput(lang, blockNotifyMode, t("Follow-up reminders"), false, string(p.Mode), batch, each)

	hours := []*slack.OptionBlockObject{option(hourAtStart, t("When my working day starts"))}
	for h := range 24 {
		hours = append(hours, option(strconv.Itoa(h), fmt.Sprintf("%02d:00", h)))
	}
	initial := hourAtStart
	if p.BatchHour != salesbot.DayStart {
		initial = strconv.Itoa(p.BatchHour)
	}
	hour := selectInput(lang, blockNotifyHour, t("Batch hour"), false, initial, hours...)

	off := textInput(blockDaysOff, t("Days off"), "2026-12-24..2027-01-02, 2027-02-10", spansText(p.DaysOff), 1000, false, true)
	off.Hint = plain(t("Days and spans, separated by commas. No reminders and no escalations reach you then; they resume the next working day."))

	blocks := []slack.Block{mode, hour, off}
	if manager {
		quiet := "send"
		if p.SkipEmptyDigest {
			quiet = "skip"
		}
		blocks = append(blocks, selectInput(lang, blockDigestQuiet, t("Digest on a quiet day"), false, quiet,
			option("send", t("One line")), option("skip", t("Not sent"))))
	}
	return modal(lang, cbNotify, t("Notifications"), t("Save"), channel, blocks...)
}

// submittedNotify applies the notification form; ok is false for another
// form. Each mistake is shown under its input.
func (h *Handler) submittedNotify(ctx context.Context, cb slack.InteractionCallback, r request, f form) (msg *slack.Msg, ok bool, err error) {
	if cb.View.CallbackID != cbNotify {
		return nil, false, nil
	}
	if h.prefs == nil {
		return nil, true, salesbot.Errorf(salesbot.EINTERNAL, "Notification choices are not set up on this bot.")
	}
	p, err := h.prefs.NotifyPrefs(ctx, r.team, r.actor.User)
	if err != nil {
		return nil, true, err
	}
	switch mode := salesbot.NotifyMode(f.option(blockNotifyMode)); mode {
	case salesbot.NotifyBatch, salesbot.NotifyEach:
		p.Mode = mode
	default:
		return nil, true, inField(blockNotifyMode, salesbot.Errorf(salesbot.EINVALID, "Choose one morning message or each as it falls due."))
	}
	if p.BatchHour, err = parseHour(f.option(blockNotifyHour)); err != nil || p.BatchHour > 23 || p.BatchHour < salesbot.DayStart {
		return nil, true, inField(blockNotifyHour, salesbot.Errorf(salesbot.EINVALID, "Choose the hour of your morning message."))
	}
	if p.DaysOff, err = salesbot.ParseDaysOff(f.text(blockDaysOff)); err != nil {
		return nil, true, inField(blockDaysOff, err)
	}
	if r.actor.Manager {
		switch f.option(blockDigestQuiet) {
		case "send":
			p.SkipEmptyDigest = false
		case "skip":
			p.SkipEmptyDigest = true
		}
	}
	// The hour and the mode were checked: what the service refuses now is
	// about the days off.
	msg, err = h.setNotify(ctx, r, p)
	return msg, true, about(blockDaysOff, err)
}
