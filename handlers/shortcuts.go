package handlers

import (
	"context"
	"html"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"salesbot"
)

// The message shortcuts the manifest declares (deploy/slack-manifest.yaml):
// a rep files what they wrote anywhere in Slack as a visit or a new lead.
const (
	shortcutLogVisit = "log_visit_from_message"
	shortcutNewLead  = "register_lead_from_message"
)

// guessLookup bounds the guess at a message's company: the trigger lives
// three seconds, and the form opens without a company rather than late.
const guessLookup = 700 * time.Millisecond

// shortcut answers a message shortcut by opening its form, pre-filled with
// the message: the visit form with the text as its notes and the company
// guessed among the leads the clicker may change (their own, any for a
// manager), or the new-lead form with a company-like phrase of the text
// and the text as its notes (the rough need). A failed guess leaves the
// company empty; nothing is written until the form is submitted, which
// checks everything again.
func (h *Handler) shortcut(ctx context.Context, cb slack.InteractionCallback) {
	lang, channel := langIn(ctx), cb.Channel.ID
	text := plainText(cb.Message.Text)
	notes := cutRunes(text, salesbot.MaxTextLen)
	var view slack.ModalViewRequest
	switch cb.CallbackID {
	case shortcutLogVisit:
		view = visitModal(lang, channel, h.guessCompany(ctx, cb, text), "")
		setInitial(&view, blockNotes, notes)
	case shortcutNewLead:
		view = newLeadModal(lang, channel, salesbot.CompanyPhrase(text))
		setInitial(&view, blockNewNotes, notes)
	default:
		h.log.DebugContext(ctx, "message shortcut ignored", "callback", cb.CallbackID)
		return
	}
	if _, err := h.openModal(ctx, cb.TriggerID, view); err != nil && cb.ResponseURL != "" {
		url := cb.ResponseURL
		h.later(ctx, "refuse shortcut", func(ctx context.Context) error {
			return h.respond.Respond(ctx, url, &slack.WebhookMessage{Text: h.errorText(ctx, lang, err), ResponseType: slack.ResponseTypeEphemeral})
		})
	}
}

// guessCompany is the name of the lead the text most likely names among
// those the clicker may change, or "" (none, or no answer in time).
func (h *Handler) guessCompany(ctx context.Context, cb slack.InteractionCallback, text string) string {
	if h.profiles == nil || strings.TrimSpace(text) == "" {
		return ""
	}
	lctx, cancel := context.WithTimeout(ctx, guessLookup)
	defer cancel()
	manager, err := h.managerIn(lctx, cb.Team.ID, cb.User.ID)
	if err != nil {
		h.log.WarnContext(ctx, "guess a message's company", "err", err)
		return ""
	}
	l, err := h.profiles.GuessLead(lctx, salesbot.Actor{User: cb.User.ID, Manager: manager}, cb.Team.ID, text)
	if err != nil {
		h.log.WarnContext(ctx, "guess a message's company", "err", err)
		return ""
	}
	if l == nil {
		return ""
	}
	return l.Company
}

// setInitial fills in a form's text input.
func setInitial(view *slack.ModalViewRequest, block, value string) {
	for _, b := range view.Blocks.BlockSet {
		if in, ok := b.(*slack.InputBlock); ok && in.BlockID == block {
			if el, ok := in.Element.(*slack.PlainTextInputBlockElement); ok {
				el.InitialValue = cutRunes(value, max(el.MaxLength, 1))
			}
		}
	}
}

// slackEntity is one of Slack's <…> entities in a message's text.
var slackEntity = regexp.MustCompile(`<([^<>]*)>`)

// plainText turns a message's mrkdwn into the plain text a person sees:
// <@U1|wang> as @wang, <#C1|sales> as #sales, <https://x|label> as the
// label, <!here> as @here, &lt; &gt; &amp; as < > &, and characters a
// form cannot hold (control characters other than new lines and tabs)
// dropped.
func plainText(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = slackEntity.ReplaceAllStringFunc(s, func(m string) string {
		inner := m[1 : len(m)-1]
		target, label, labelled := strings.Cut(inner, "|")
		switch {
		case strings.HasPrefix(target, "@"), strings.HasPrefix(target, "#"):
			if labelled && label != "" {
				return target[:1] + strings.TrimPrefix(label, target[:1])
			}
			return target
		case strings.HasPrefix(target, "!"):
			if labelled && label != "" {
				return label
			}
			name, _, _ := strings.Cut(target[1:], "^")
			return "@" + name
		case labelled && label != "":
			return label
		}
		return target
	})
	s = html.UnescapeString(s)
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, s))
}

// cutRunes cuts s to at most n characters, ending in "…" when cut.
func cutRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
