package handlers

import (
	"strings"
	"time"

	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/i18n"
)

// What the inbound queue's messages and forms look like.

// sourceName is a lead source as a message names it, in lang.
func sourceName(lang i18n.Lang, s salesbot.Source) string {
	switch s {
	case salesbot.SourceInbound:
		return i18n.T(lang, "inbound call or walk-in")
	case salesbot.SourceReferral:
		return i18n.T(lang, "referral")
	case salesbot.SourceEvent:
		return i18n.T(lang, "event or trade show")
	case salesbot.SourcePhone:
		return i18n.T(lang, "phone campaign")
	case salesbot.SourceWeb:
		return i18n.T(lang, "the web")
	case salesbot.SourcePress:
		return i18n.T(lang, "press and ads")
	case salesbot.SourceCanvass:
		return i18n.T(lang, "canvassing")
	case salesbot.SourceAssociation:
		return i18n.T(lang, "industry association")
	case salesbot.SourceRelationship:
		return i18n.T(lang, "relationship")
	case salesbot.SourceUpgrade:
		return i18n.T(lang, "existing customer buying more")
	}
	return i18n.T(lang, "other source")
}

// notesQuote is an inquiry's notes as a quote under a message's first
// line, escaped; nothing when there are none.
func notesQuote(notes string) string {
	if notes == "" {
		return ""
	}
	return "\n>" + strings.ReplaceAll(esc(notes), "\n", "\n>")
}

// inquiryMessage is an inquiry as the managers get it (raised: again,
// still waiting a working day later), on the reader's clock, with its
// buttons.
func inquiryMessage(lang i18n.Lang, loc *time.Location, q *salesbot.Inquiry, raised bool) (string, []slack.Block) {
	head := i18n.T(lang, ":telephone_receiver: *Inbound inquiry: %s* (%s), recorded by <@%s> %s. Assign it to a rep, or take it.",
		esc(q.Company), sourceName(lang, q.Source), q.By, when(lang, inZone(q.At, loc)))
	if raised {
		head = i18n.T(lang, ":alarm_clock: *Still unassigned: %s* (%s) has waited since %s (recorded by <@%s>). Inbound leads deserve the fastest follow-up: assign it to a rep, or take it.",
			esc(q.Company), sourceName(lang, q.Source), when(lang, inZone(q.At, loc)), q.By)
	}
	return head, []slack.Block{section(head + notesQuote(q.Notes)), inquiryButtons(lang, q)}
}

// inquiryButtons are an inquiry's Assign… and Take it.
func inquiryButtons(lang i18n.Lang, q *salesbot.Inquiry) *slack.ActionBlock {
	return slack.NewActionBlock("inquiry:"+q.ID,
		slack.NewButtonBlockElement(actionInboundAssign, q.ID, plain(i18n.T(lang, "Assign…"))).WithStyle(slack.StylePrimary),
		slack.NewButtonBlockElement(actionInboundTake, q.ID, plain(i18n.T(lang, "Take it"))))
}

// inquiryOutcome says where a settled inquiry went: what every copy reads
// once it is settled, whenever it is redrawn.
func inquiryOutcome(lang i18n.Lang, q *salesbot.Inquiry) string {
	switch {
	case q.Status == salesbot.InquiryClosed:
		return i18n.T(lang, ":lock: The inquiry from *%s* is closed: it was registered as <@%s>'s lead before it was assigned.", esc(q.Company), q.Owner)
	case q.Rep == q.SettledBy:
		return i18n.T(lang, ":white_check_mark: The inquiry from *%s* (%s): taken by <@%s>.", esc(q.Company), sourceName(lang, q.Source), q.Rep)
	}
	return i18n.T(lang, ":white_check_mark: The inquiry from *%s* (%s): assigned to <@%s> by <@%s>.", esc(q.Company), sourceName(lang, q.Source), q.Rep, q.SettledBy)
}

// newInboundLead tells the rep (or the manager who took it: self) of their
// new inbound lead: when its first touch is due on their clock, what the
// caller wanted, and Log visit.
func newInboundLead(lang i18n.Lang, loc *time.Location, q *salesbot.Inquiry, l *salesbot.Lead, self bool) (string, []slack.Block) {
	due := when(lang, inZone(l.Due, loc))
	text := i18n.T(lang, ":inbox_tray: You have a new inbound lead: *%s* (%s), assigned by <@%s>. First touch due by %s.", esc(l.Company), sourceName(lang, q.Source), q.SettledBy, due)
	if self {
		text = i18n.T(lang, ":inbox_tray: You took the inquiry from *%s* (%s): it is your lead now. First touch due by %s.", esc(l.Company), sourceName(lang, q.Source), due)
	}
	body := text + notesQuote(q.Notes)
	return text, []slack.Block{
		section(body),
		contextLine(i18n.T(lang, "Recorded by <@%s> %s · `/lead show %s` has its card", q.By, when(lang, inZone(q.At, loc)), esc(quoteName(l.Company)))),
		slack.NewActionBlock("inbound_lead:"+l.ID,
			slack.NewButtonBlockElement(actionVisitOpen, l.ID, plain(i18n.T(lang, "Log visit"))).WithStyle(slack.StylePrimary)),
	}
}

// inboundModal is the form `/lead inbound` alone opens: the company, how it
// came in (inbound unless chosen) and what they want.
func inboundModal(lang i18n.Lang, channel string) slack.ModalViewRequest {
	var sources []*slack.OptionBlockObject
	for _, s := range salesbot.Sources {
		sources = append(sources, option(string(s), sourceName(lang, s)))
	}
	return modal(lang, cbInbound, i18n.T(lang, "Inbound inquiry"), i18n.T(lang, "Record"), channel,
		companyInput(lang, ""),
		selectInput(lang, blockInboundSource, i18n.T(lang, "Source (how it came in)"), true, string(salesbot.SourceInbound), sources...),
		textInput(blockNotes, i18n.T(lang, "Notes (what they want, who to call back)"), i18n.T(lang, "Wants a quote for 200 seats; call Ms Wang"), "", salesbot.MaxInquiryNotes, true, true),
	)
}

// inquiryAssignModal asks a manager which rep gets the inquiry; the
// inquiry rides in the metadata, and is read again on submission.
func inquiryAssignModal(lang i18n.Lang, channel string, q *salesbot.Inquiry) slack.ModalViewRequest {
	about := i18n.T(lang, "*%s* (%s), recorded by <@%s>.", esc(q.Company), sourceName(lang, q.Source), q.By) + notesQuote(q.Notes)
	rep := slack.NewInputBlock(blockRep, plain(i18n.T(lang, "Rep (who follows it up)")), nil,
		slack.NewOptionsSelectBlockElement(slack.OptTypeUser, plain(i18n.T(lang, "Choose a rep")), blockRep))
	v := modal(lang, cbInboundAssign, i18n.T(lang, "Assign an inquiry"), i18n.T(lang, "Assign"), channel, section(about), rep)
	v.PrivateMetadata = modalMeta{Channel: channel, Lead: q.ID}.String()
	return v
}
