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
)

// The negotiation of a lead (DOMAIN.md §5): /concede, /lead qualify and
// /lead rival, their forms, and their sections of the card.

// Callback IDs of the negotiation's forms, and their inputs' block IDs.
const (
	cbConcede = "concede"
	cbQualify = "lead_qualify"

	blockGive = "give"
	blockGet  = "get"
	// A question's answer is in "q_<question>", its note in "qn_<question>".
	blockAnswerPrefix = "q_"
	blockNotePrefix   = "qn_"
)

// Usages of the negotiation's commands.
const (
	concedeUsage = "/concede <company> <what we give> for <what we get>"
	qualifyUsage = "/lead qualify <company> [exists=yes|no|unknown compete=… win=… worth=…]"
	rivalUsage   = "/lead rival <company> \"<vendor>\" [ahead|even|behind] [notes]"
)

// cardConcessions is how many concessions the card shows, latest first.
const cardConcessions = 5

// negotiationChange runs /lead qualify, rival and concede (让步); ok is
// false for any other sub-command.
func (h *Handler) negotiationChange(ctx context.Context, r request, cmd slack.SlashCommand, sub string, args []salesbot.Token) (*slack.Msg, bool, error) {
	switch sub {
	case "qualify", "qualification", "评估":
		msg, err := h.qualifyCommand(ctx, r, cmd, args)
		return msg, true, err
	case "rival", "competitor", "竞争对手":
		msg, err := h.withLead(ctx, r, args, rivalUsage, func(l *salesbot.Lead, rest []salesbot.Token) (*slack.Msg, error) {
			return h.rival(ctx, r, l, rest)
		})
		return msg, true, err
	case "concede", "concession", "让步":
		msg, err := h.concedeText(ctx, r, cmd, args)
		return msg, true, err
	}
	return nil, false, nil
}

// concede runs `/concede …` (and `/让步 …` where a client can send it):
// alone, it opens the concession form.
func (h *Handler) concede(ctx context.Context, cmd slack.SlashCommand, toks []salesbot.Token) (*slack.Msg, error) {
	if len(toks) == 0 {
		return h.openModal(ctx, cmd.TriggerID, concedeModal(langIn(ctx), cmd.ChannelID, ""))
	}
	r, err := h.request(ctx, cmd.TeamID, cmd.UserID, cmd.ChannelID)
	if err != nil {
		return nil, err
	}
	return h.concedeText(ctx, r, cmd, toks)
}

// concedeText logs a concession typed as `<company> <give> for <get>`.
func (h *Handler) concedeText(ctx context.Context, r request, cmd slack.SlashCommand, toks []salesbot.Token) (*slack.Msg, error) {
	if len(toks) == 0 {
		return h.openModal(ctx, cmd.TriggerID, concedeModal(r.lang, cmd.ChannelID, ""))
	}
	return h.withLead(ctx, r, toks, concedeUsage, func(l *salesbot.Lead, rest []salesbot.Token) (*slack.Msg, error) {
		give, get, err := salesbot.SplitConcessionTokens(rest)
		if err != nil {
			return nil, salesbot.Errorf(salesbot.EINVALID, "%s\nWrite it like this: `/concede %s 5%% discount for a three-year contract` or `/concede %s 9折 换取 三年合同`.",
				markup(errorMessage(r.lang, err)), quoteName(l.Company), quoteName(l.Company))
		}
		return h.logConcession(ctx, r, salesbot.RefRead(l), give, get)
	})
}

// logConcession logs a concession and says what the method makes of it.
func (h *Handler) logConcession(ctx context.Context, r request, ref salesbot.LeadRef, give, get string) (*slack.Msg, error) {
	if h.negotiation == nil {
		return nil, salesbot.Errorf(salesbot.EINTERNAL, "Negotiation is not set up on this bot.")
	}
	done, err := h.negotiation.Concede(ctx, r.actor, ref, give, get, h.now())
	if err != nil {
		return nil, err
	}
	l, c := done.Lead, done.Concession
	lines := []string{r.T(":handshake: *%s* — concession %d logged: %s", esc(l.Company), len(l.Concessions), concessionText(r.lang, c))}
	if done.Check.Larger {
		lines = append(lines, r.T(":warning: This concession (%s) is larger than the last one (%s). Concede slowly, each concession smaller than the one before (越让越少).",
			c.Size, done.Check.Previous.Size))
	}
	if done.Check.NothingBack {
		lines = append(lines, r.T(":warning: Nothing was asked in return. Every concession should get something back (有给就要): a longer contract, a reference, a faster signature."))
	}
	text := strings.Join(lines, "\n")
	return ephemeral(text, section(text)), nil
}

// concessionText is one concession: what was given, its size and what was
// got.
func concessionText(lang i18n.Lang, c salesbot.Concession) string {
	give := "_" + esc(truncate(c.Give, 200)) + "_"
	if !c.Size.IsZero() {
		give += " (" + c.Size.InLanguage(string(lang)) + ")"
	}
	if c.NothingBack() {
		return i18n.T(lang, "gave %s for nothing in return", give)
	}
	return i18n.T(lang, "gave %s for _%s_", give, esc(truncate(c.Get, 200)))
}

// concedeModal is the concession form.
func concedeModal(lang i18n.Lang, channel, company string) slack.ModalViewRequest {
	t := func(format string) string { return i18n.T(lang, format) }
	return modal(lang, cbConcede, t("Concession"), t("Log"), channel,
		companyInput(lang, company),
		textInput(blockGive, t("What we give"), t("9折 / ¥50,000 off / free training"), "", 300, false, false),
		textInput(blockGet, t("What we get in return"), t("a three-year contract / 三年合同"), "", 300, false, false),
	)
}

// qualifyCommand runs /lead qualify: with answers, records them; with a
// company only, opens the form for who may change the lead; alone, opens
// it with the company to fill in.
func (h *Handler) qualifyCommand(ctx context.Context, r request, cmd slack.SlashCommand, args []salesbot.Token) (*slack.Msg, error) {
	if len(args) == 0 {
		return h.openModal(ctx, cmd.TriggerID, qualifyModal(r.lang, cmd.ChannelID, nil))
	}
	return h.withLead(ctx, r, args, qualifyUsage, func(l *salesbot.Lead, rest []salesbot.Token) (*slack.Msg, error) {
		if len(rest) == 0 {
			l, err := h.leads.Editable(ctx, r.actor, salesbot.RefRead(l))
			if err != nil {
				return nil, err
			}
			return h.openModal(ctx, cmd.TriggerID, qualifyModal(r.lang, cmd.ChannelID, l))
		}
		answers, err := salesbot.ParseVerdicts(rest)
		if err != nil {
			return nil, salesbot.Errorf(salesbot.EINVALID, "%s\nWrite it like this: `/lead qualify %s exists=yes compete=yes win=unknown worth=yes`, a note after an answer if you like; or `/lead qualify %s` for the form.",
				markup(errorMessage(r.lang, err)), quoteName(l.Company), quoteName(l.Company))
		}
		return h.qualify(ctx, r, salesbot.RefRead(l), answers)
	})
}

// qualify records answers and shows the score, with the advice a "no"
// on a serious lead calls for.
func (h *Handler) qualify(ctx context.Context, r request, ref salesbot.LeadRef, answers salesbot.Verdicts) (*slack.Msg, error) {
	if h.negotiation == nil {
		return nil, salesbot.Errorf(salesbot.EINTERNAL, "Negotiation is not set up on this bot.")
	}
	l, err := h.negotiation.Qualify(ctx, r.actor, ref, answers, h.now())
	if err != nil {
		return nil, err
	}
	lines := []string{r.T(":clipboard: *%s* — %s", esc(l.Company), qualificationScore(r.lang, l.Qualification))}
	for _, risk := range salesbot.Risks(l, h.now(), h.cadence) {
		if risk.Kind == salesbot.RiskQualificationNo {
			lines = append(lines, ":warning: "+esc(riskMessage(r.lang, risk)))
		}
	}
	text := strings.Join(lines, "\n")
	return ephemeral(text, section(text)), nil
}

// qualificationScore is the qualification in one line: "Qualified 3/4 ·
// win unknown".
func qualificationScore(lang i18n.Lang, q salesbot.Qualification) string {
	parts := []string{i18n.T(lang, "Qualified %d/%d", q.Score(), len(salesbot.Questions))}
	if no := q.With(salesbot.AnswerNo); len(no) > 0 {
		parts = append(parts, i18n.T(lang, "%s no", no))
	}
	if unknown := q.With(salesbot.AnswerUnknown); len(unknown) > 0 {
		parts = append(parts, i18n.T(lang, "%s unknown", unknown))
	}
	return strings.Join(parts, " · ")
}

// answerWord is an answer in the reader's language.
func answerWord(lang i18n.Lang, a salesbot.Answer) string {
	switch a.Or() {
	case salesbot.AnswerYes:
		return i18n.T(lang, "yes")
	case salesbot.AnswerNo:
		return i18n.T(lang, "no")
	}
	return i18n.T(lang, "unknown")
}

// questionText is a question as the form asks it.
func questionText(lang i18n.Lang, q salesbot.Question) string {
	switch q {
	case salesbot.QuestionExists:
		return i18n.T(lang, "Does the opportunity exist?")
	case salesbot.QuestionCompete:
		return i18n.T(lang, "Can we compete?")
	case salesbot.QuestionWin:
		return i18n.T(lang, "Can we win?")
	}
	return i18n.T(lang, "Is it worth winning?")
}

// qualifyModal is the form of seed 003's four questions, filled in with
// the lead's answers; with no lead it asks for the company first. The
// lead's ID rides in the form, so a rename does not lose it.
func qualifyModal(lang i18n.Lang, channel string, l *salesbot.Lead) slack.ModalViewRequest {
	var blocks []slack.Block
	var q salesbot.Qualification
	if l == nil {
		blocks = append(blocks, companyInput(lang, ""))
	} else {
		q = l.Qualification
		blocks = append(blocks, section(i18n.T(lang, "*%s* — %s", esc(l.Company), qualificationScore(lang, q))))
	}
	for _, k := range salesbot.Questions {
		var options []*slack.OptionBlockObject
		for _, a := range []salesbot.Answer{salesbot.AnswerYes, salesbot.AnswerNo, salesbot.AnswerUnknown} {
			options = append(options, option(string(a), answerWord(lang, a)))
		}
		v := q.Of(k)
		blocks = append(blocks,
			selectInput(lang, blockAnswerPrefix+string(k), questionText(lang, k), false, string(v.Answer.Or()), options...),
			textInput(blockNotePrefix+string(k), i18n.T(lang, "Notes (why)"), "", v.Note, 300, false, true))
	}
	m := modal(lang, cbQualify, i18n.T(lang, "Qualification"), i18n.T(lang, "Save"), channel, blocks...)
	if l != nil {
		m.PrivateMetadata = modalMeta{Channel: channel, Lead: l.ID}.String()
	}
	return m
}

// formVerdicts reads the four answers of the qualification form.
func formVerdicts(f form) (salesbot.Verdicts, error) {
	out := salesbot.Verdicts{}
	for _, k := range salesbot.Questions {
		block := blockAnswerPrefix + string(k)
		a, err := salesbot.ParseAnswer(f.option(block))
		if err != nil {
			return nil, inField(block, salesbot.Errorf(salesbot.EINVALID, "Answer yes, no or unknown."))
		}
		out[k] = salesbot.Verdict{Answer: a, Note: f.text(blockNotePrefix + string(k))}
	}
	return out, nil
}

// rival records a competitor from `"<vendor>" [ahead|even|behind] [notes]`.
func (h *Handler) rival(ctx context.Context, r request, l *salesbot.Lead, rest []salesbot.Token) (*slack.Msg, error) {
	n := salesbot.RivalNameEnd(rest)
	if n == 0 {
		return nil, salesbot.Errorf(salesbot.EINVALID, "Which vendor? Name the rival first, in quotes if it has spaces: `/lead rival %s \"SAP\" ahead they demoed first`.", quoteName(l.Company))
	}
	rv := salesbot.Rival{Name: salesbot.JoinTokens(rest[:n])}
	rest = rest[n:]
	if len(rest) > 0 && !rest[0].Quoted {
		if p, err := salesbot.ParsePosition(rest[0].Text); err == nil {
			rv.Position, rest = p, rest[1:]
		}
	}
	rv.Notes = salesbot.JoinTokens(rest)
	if h.negotiation == nil {
		return nil, salesbot.Errorf(salesbot.EINTERNAL, "Negotiation is not set up on this bot.")
	}
	saved, err := h.negotiation.SetRival(ctx, r.actor, salesbot.RefRead(l), rv, h.now())
	if err != nil {
		return nil, err
	}
	text := r.T(":dart: *%s* — rivals:", esc(saved.Company)) + "\n" + strings.Join(rivalLines(r.lang, saved), "\n")
	return ephemeral(text, section(text)), nil
}

// positionWord is a rival's position in the reader's language.
func positionWord(lang i18n.Lang, p salesbot.Position) string {
	switch p {
	case salesbot.PositionAhead:
		return i18n.T(lang, "ahead of us")
	case salesbot.PositionEven:
		return i18n.T(lang, "even with us")
	case salesbot.PositionBehind:
		return i18n.T(lang, "behind us")
	}
	return i18n.T(lang, "position unknown")
}

// rivalLines are the lead's rivals, one to a line, leaders first.
func rivalLines(lang i18n.Lang, l *salesbot.Lead) []string {
	var lines []string
	for _, p := range append(append([]salesbot.Position{}, salesbot.Positions...), "") {
		for _, rv := range l.Rivals {
			if rv.Position != p {
				continue
			}
			line := fmt.Sprintf("• *%s* — %s", esc(rv.Name), positionWord(lang, rv.Position))
			if rv.Notes != "" {
				line += ": _" + esc(truncate(rv.Notes, 200)) + "_"
			}
			lines = append(lines, line)
		}
	}
	return lines
}

// negotiationBlocks are the card's sections of the negotiation: the
// qualification score, the rivals and the latest concessions, each only
// when there is something to show.
func negotiationBlocks(lang i18n.Lang, l *salesbot.Lead, loc *time.Location) []slack.Block {
	var blocks []slack.Block
	if l.Qualification.Asked() {
		blocks = append(blocks, section(i18n.T(lang, "*Qualification*\n%s", qualificationScore(lang, l.Qualification))))
	}
	if len(l.Rivals) > 0 {
		blocks = append(blocks, chunks(i18n.T(lang, "*Rivals* (%d)", len(l.Rivals)), rivalLines(lang, l))...)
	}
	if len(l.Concessions) > 0 {
		var lines []string
		for _, c := range l.LatestConcessions(cardConcessions) {
			mark := "•"
			if c.NothingBack() {
				mark = ":warning:"
			}
			lines = append(lines, fmt.Sprintf("%s %s %s (<@%s>)", mark, day(c.At, loc), concessionText(lang, c), c.By))
		}
		heading := i18n.T(lang, "*Concessions* (%d)", len(l.Concessions))
		if len(l.Concessions) > cardConcessions {
			heading = i18n.T(lang, "*Concessions* (%d, the latest %d)", len(l.Concessions), cardConcessions)
		}
		blocks = append(blocks, chunks(heading, lines)...)
	}
	return blocks
}

// submitNegotiation handles the submission of a negotiation form (ok
// false for any other form), as submit does: errors under the input they
// are about, the outcome told afterwards.
func (h *Handler) submitNegotiation(ctx context.Context, cb slack.InteractionCallback) (*slack.ViewSubmissionResponse, bool) {
	if cb.View.CallbackID != cbQualify && cb.View.CallbackID != cbConcede {
		return nil, false
	}
	meta, f := parseMeta(cb.View.PrivateMetadata), formOf(cb.View)
	msg, err := h.submittedNegotiation(ctx, cb, meta, f)
	if err != nil {
		block := firstInput(cb.View)
		var fe *fieldError
		if errors.As(err, &fe) {
			block = fe.block
		}
		return slack.NewErrorsViewSubmissionResponse(map[string]string{block: h.plainMessage(ctx, h.errorText(ctx, langIn(ctx), err))}), true
	}
	user := cb.User.ID
	h.later(ctx, "confirm "+cb.View.CallbackID, func(ctx context.Context) error {
		return h.tell(ctx, meta.Channel, user, msg)
	})
	return nil, true
}

// submittedNegotiation applies a submitted negotiation form. The lead is
// the one the form was opened for, else the one named in it; the service
// checks the submitter may change it.
func (h *Handler) submittedNegotiation(ctx context.Context, cb slack.InteractionCallback, meta modalMeta, f form) (*slack.Msg, error) {
	r, err := h.request(ctx, cb.Team.ID, cb.User.ID, meta.Channel)
	if err != nil {
		return nil, err
	}
	var ref salesbot.LeadRef
	if meta.Lead != "" {
		ref = salesbot.RefTo(r.team, meta.Lead)
	} else {
		l, err := h.formLead(ctx, r, f)
		if err != nil {
			return nil, err
		}
		ref = salesbot.RefRead(l)
	}
	if cb.View.CallbackID == cbConcede {
		msg, err := h.logConcession(ctx, r, ref, f.text(blockGive), f.text(blockGet))
		return msg, about(blockGive, err)
	}
	answers, err := formVerdicts(f)
	if err != nil {
		return nil, err
	}
	msg, err := h.qualify(ctx, r, ref, answers)
	if salesbot.ErrorCode(err) == salesbot.EFORBIDDEN && meta.Lead != "" {
		err = notYours() // the form names the lead by ID: say no more of it
	}
	return msg, err
}
