package handlers

import (
	"context"
	"strings"

	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/i18n"
)

// parkCommand runs /lead park (暂停) and /lead unpark (恢复); ok is false
// for any other sub-command.
func (h *Handler) parkCommand(ctx context.Context, r request, sub string, args []salesbot.Token) (*slack.Msg, bool, error) {
	switch sub {
	case "park", "暂停":
		msg, err := h.withLead(ctx, r, args, "/lead park <company> until <YYYY-MM-DD> [reason]", func(l *salesbot.Lead, rest []salesbot.Token) (*slack.Msg, error) {
			return h.park(ctx, r, l, rest)
		})
		return msg, true, err
	case "unpark", "恢复":
		msg, err := h.withLead(ctx, r, args, "/lead unpark <company>", func(l *salesbot.Lead, _ []salesbot.Token) (*slack.Msg, error) {
			parks, err := h.parks()
			if err != nil {
				return nil, err
			}
			l, err = parks.Unpark(ctx, r.actor, salesbot.RefRead(l), h.now())
			if err != nil {
				return nil, err
			}
			return ephemeral(r.T(":alarm_clock: *%s* is awake again: its follow-ups and reminders are back.", esc(l.Company))), nil
		})
		return msg, true, err
	}
	return nil, false, nil
}

// park reads "until <date> [reason]" (until or 至 may be left out) and
// parks the lead.
func (h *Handler) park(ctx context.Context, r request, l *salesbot.Lead, rest []salesbot.Token) (*slack.Msg, error) {
	if len(rest) > 0 && !rest[0].Quoted {
		switch strings.ToLower(rest[0].Text) {
		case "until", "至", "到":
			rest = rest[1:]
		}
	}
	example := r.actor.Today(h.now()).AddDays(14).String()
	if len(rest) == 0 {
		return nil, salesbot.Errorf(salesbot.EINVALID, "Until when? Write `/lead park %s until %s budget frozen until the new fiscal year`.", quoteName(l.Company), example)
	}
	until, err := salesbot.ParseDate(rest[0].Text)
	if err != nil {
		return nil, salesbot.Errorf(salesbot.EINVALID, "%q is not a date. Write it as YYYY-MM-DD: `/lead park %s until %s [reason]`.", rest[0].Text, quoteName(l.Company), example)
	}
	parks, err := h.parks()
	if err != nil {
		return nil, err
	}
	l, err = parks.Park(ctx, r.actor, salesbot.RefRead(l), until, salesbot.JoinTokens(rest[1:]), h.now())
	if err != nil {
		return nil, err
	}
	text := r.T(":parking: *%s* is parked until %s: no reminders, staleness or escalation until then. A logged visit or `/lead unpark %s` wakes it.",
		esc(l.Company), l.ParkedUntil.String(), esc(quoteName(l.Company)))
	if l.ParkReason != "" {
		text += "\n" + r.T("Reason: %s", esc(l.ParkReason))
	}
	return ephemeral(text), nil
}

// parks is the service that parks leads: the lead service's, which
// implements it.
func (h *Handler) parks() (salesbot.ParkService, error) {
	p, ok := h.leads.(salesbot.ParkService)
	if !ok {
		return nil, salesbot.Errorf(salesbot.EINVALID, "Parking leads is not available here.")
	}
	return p, nil
}

// parkedLine is the card's line for a parked lead ("" when it is not).
func parkedLine(lang i18n.Lang, l *salesbot.Lead, today salesbot.Date) string {
	if !l.Parked(today) {
		return ""
	}
	if l.ParkReason == "" {
		return i18n.T(lang, ":parking: Parked until %s", l.ParkedUntil.String())
	}
	return i18n.T(lang, ":parking: Parked until %s — %s", l.ParkedUntil.String(), esc(l.ParkReason))
}
