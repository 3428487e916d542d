package handlers

import (
	"context"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/i18n"
)

// The profile form, its inputs (one per salesbot.ProfileField, the block ID
// the field's name) and the card's button that opens it; the source select
// of the new-lead form.
const (
	cbLeadProfile     = "lead_profile"
	actionProfileOpen = "profile_open" // card: open the profile form, value "<lead>"
	blockSource       = "source"
	// blockNewNotes is the new-lead form's notes: the rough need, kept as
	// the Need key fact (what a lead must have to leave its first stage).
	blockNewNotes = "new_notes"
)

// profileUsage is how /lead profile is written.
const profileUsage = "/lead profile <company> industry=… size=… region=… address=… website=…"

// profileCommand runs /lead profile and /lead source; ok is false for any
// other sub-command.
func (h *Handler) profileCommand(ctx context.Context, r request, cmd slack.SlashCommand, sub string, args []salesbot.Token) (*slack.Msg, bool, error) {
	switch sub {
	case "profile", "资料", "基本资料":
	case "source", "来源":
		msg, err := h.withLead(ctx, r, args, "/lead source <company> <source>", func(l *salesbot.Lead, rest []salesbot.Token) (*slack.Msg, error) {
			if len(rest) != 1 {
				return nil, salesbot.Errorf(salesbot.EINVALID, "Which source? e.g. `/lead source %s event`. Use one of: inbound (来电), referral (介绍), event (展会), phone (电话), web (网络), press (广告), canvass (扫街), association (协会), relationship (关系), upgrade (增购) or other (其他).", quoteName(l.Company))
			}
			src, err := salesbot.ParseSource(rest[0].Text)
			if err != nil {
				return nil, err
			}
			return h.setSource(ctx, r, salesbot.RefRead(l), src)
		})
		return msg, true, err
	default:
		return nil, false, nil
	}
	if h.profiles == nil {
		return nil, true, salesbot.Errorf(salesbot.EINTERNAL, "Company profiles are not set up on this bot.")
	}
	msg, err := h.withLead(ctx, r, args, profileUsage, func(l *salesbot.Lead, rest []salesbot.Token) (*slack.Msg, error) {
		if len(rest) == 0 {
			// The form, filled in with the profile as it is, for who may
			// change it only.
			if !l.CanEdit(r.actor) {
				return nil, salesbot.Errorf(salesbot.EFORBIDDEN, "%s is %s's lead. Only its owner or a manager can change it; ask a manager to reassign it.", l.Company, salesbot.User(l.Owner))
			}
			return h.openModal(ctx, cmd.TriggerID, profileModal(r.lang, r.channel, l))
		}
		e, err := salesbot.ParseProfileEdit(rest)
		if err != nil {
			return nil, err
		}
		return h.setProfile(ctx, r, salesbot.RefRead(l), e)
	})
	return msg, true, err
}

// setSource records the lead's source.
func (h *Handler) setSource(ctx context.Context, r request, ref salesbot.LeadRef, src salesbot.Source) (*slack.Msg, error) {
	if h.profiles == nil {
		return nil, salesbot.Errorf(salesbot.EINTERNAL, "Company profiles are not set up on this bot.")
	}
	l, err := h.profiles.SetSource(ctx, r.actor, ref, src, h.now())
	if err != nil {
		return nil, err
	}
	return ephemeral(r.T(":pushpin: *%s* — source: %s.", esc(l.Company), sourceText(r.lang, l.Source))), nil
}

// setProfile applies a profile edit and shows the profile as it is now.
func (h *Handler) setProfile(ctx context.Context, r request, ref salesbot.LeadRef, e salesbot.ProfileEdit) (*slack.Msg, error) {
	l, c, err := h.profiles.SetProfile(ctx, r.actor, ref, e, h.now())
	if err != nil {
		return nil, err
	}
	var changed []string
	for _, name := range strings.Split(c.Reason, ", ") {
		changed = append(changed, word(r.lang, salesbot.ProfileField(name).Label()))
	}
	text := r.T(":clipboard: *%s* — profile updated (%s).", esc(l.Company), strings.Join(changed, ", "))
	blocks := []slack.Block{section(text)}
	if lines := profileLines(r.lang, l); len(lines) > 0 {
		blocks = append(blocks, section(strings.Join(lines, "\n")))
	}
	return ephemeral(text, blocks...), nil
}

// sourceText is a source as a card or a reply names it.
func sourceText(lang i18n.Lang, s salesbot.Source) string {
	return word(lang, s.Label())
}

// profileLines are the card's lines about the company: its source, each
// field filled in, and after the first visit what is still missing.
func profileLines(lang i18n.Lang, l *salesbot.Lead) []string {
	var lines []string
	if l.Source != "" {
		lines = append(lines, i18n.T(lang, "*Source*: %s", sourceText(lang, l.Source)))
	}
	for _, f := range salesbot.ProfileFields {
		if v := l.Profile.Get(f); v != "" {
			// Escaped and in code: a website shows as text, never as a link.
			if f == salesbot.FieldWebsite {
				lines = append(lines, i18n.T(lang, "*%s*: `%s`", word(lang, f.Label()), esc(strings.ReplaceAll(v, "`", "'"))))
				continue
			}
			lines = append(lines, i18n.T(lang, "*%s*: %s", word(lang, f.Label()), esc(truncate(v, 200))))
		}
	}
	if missing := l.Profile.Missing(); len(missing) > 0 && l.ProfileDue() {
		var names []string
		for _, f := range missing {
			names = append(names, strings.ToLower(word(lang, f.Label())))
		}
		lines = append(lines, i18n.T(lang, ":grey_question: Missing from the profile: %s — `/lead profile %s %s=…`",
			strings.Join(names, ", "), esc(quoteName(l.Company)), missing[0]))
	}
	return lines
}

// profileBlocks is the card's company section (nothing when nothing is
// known and nothing is due yet).
func profileBlocks(lang i18n.Lang, l *salesbot.Lead) []slack.Block {
	lines := profileLines(lang, l)
	if len(lines) == 0 {
		return nil
	}
	return chunks(i18n.T(lang, "*Company*"), lines)
}

// profileButton opens the profile form from the card.
func profileButton(lang i18n.Lang, l *salesbot.Lead) *slack.ButtonBlockElement {
	return slack.NewButtonBlockElement(actionProfileOpen, l.ID, plain(i18n.T(lang, "Profile")))
}

// profileModal is the profile form, filled in with the lead's profile (l
// nil: empty, the company to type).
func profileModal(lang i18n.Lang, channel string, l *salesbot.Lead) slack.ModalViewRequest {
	var p salesbot.Profile
	company := ""
	if l != nil {
		p, company = l.Profile, l.Company
	}
	hints := map[salesbot.ProfileField]string{
		salesbot.FieldIndustry: i18n.T(lang, "Machinery / 机械制造"), salesbot.FieldHeadcount: "100-500",
		salesbot.FieldRevenue: "5000万-1亿", salesbot.FieldRegion: i18n.T(lang, "Suzhou / 苏州"),
		salesbot.FieldAddress: i18n.T(lang, "1 Xinghu Street"), salesbot.FieldWebsite: "acme.com",
	}
	blocks := []slack.Block{companyInput(lang, company)}
	for _, f := range salesbot.ProfileFields {
		// The English word stays in a translated label, as INTERFACE.md's
		// labels do ("公司 Company"), so that a form can be found by it.
		label := word(lang, f.Label())
		if label != f.Label() {
			label += " " + f.Label()
		}
		blocks = append(blocks, textInput(string(f), label, hints[f], p.Get(f), 200, false, true))
	}
	return modal(lang, cbLeadProfile, i18n.T(lang, "Company profile"), i18n.T(lang, "Save"), channel, blocks...)
}

// submittedProfile applies the profile form: every field as the form has
// it, an emptied one cleared.
func (h *Handler) submittedProfile(ctx context.Context, r request, l *salesbot.Lead, f form) (*slack.Msg, error) {
	if h.profiles == nil {
		return nil, salesbot.Errorf(salesbot.EINTERNAL, "Company profiles are not set up on this bot.")
	}
	e := salesbot.ProfileEdit{}
	for _, fld := range salesbot.ProfileFields {
		e[fld] = f.text(string(fld))
	}
	for _, fld := range salesbot.ProfileFields {
		if _, err := (salesbot.ProfileEdit{fld: e[fld]}).Clean(); err != nil {
			return nil, inField(string(fld), err)
		}
	}
	return h.setProfile(ctx, r, salesbot.RefRead(l), e)
}

// sourceInput is the new-lead form's source select.
func sourceInput(lang i18n.Lang, initial salesbot.Source) *slack.InputBlock {
	var options []*slack.OptionBlockObject
	for _, s := range salesbot.Sources {
		options = append(options, option(string(s), sourceText(lang, s)))
	}
	return selectInput(lang, blockSource, i18n.T(lang, "Source (how the lead came)"), true, string(initial), options...)
}

// newLeadNotes is the new-lead form's notes input.
func newLeadNotes(lang i18n.Lang, initial string) *slack.InputBlock {
	in := textInput(blockNewNotes, i18n.T(lang, "Notes (the rough need)"), i18n.T(lang, "What they need, as far as you know"), initial, salesbot.MaxTextLen, true, true)
	in.Hint = plain(i18n.T(lang, "Kept as the lead's Need key fact."))
	return in
}

// formSource reads the new-lead form's source; none chosen is "".
func formSource(f form) (salesbot.Source, error) {
	v := f.option(blockSource)
	if v == "" {
		return "", nil
	}
	s, err := salesbot.ParseSource(v)
	return s, inField(blockSource, err)
}

// newLeadExtras is what a new lead may come with besides its deal: its
// source, and notes kept as its Need key fact.
type newLeadExtras struct {
	source salesbot.Source
	notes  string
}

// register registers the lead through the profile service when it has a
// source (the source then in the registration's history), else as before.
func (h *Handler) register(ctx context.Context, r request, company string, g salesbot.Grade, src salesbot.Source, now time.Time) (salesbot.Registration, error) {
	if src != "" && h.profiles != nil {
		return h.profiles.RegisterFrom(ctx, r.actor, r.team, company, g, src, now)
	}
	return h.leads.Register(ctx, r.actor, r.team, company, g, now)
}

// newLeadExtras records the notes of a new lead as its Need and says what
// the lead came with; a failure to record them is told, the lead stays.
func (h *Handler) newLeadExtras(ctx context.Context, r request, l *salesbot.Lead, more newLeadExtras, now time.Time) []slack.Block {
	var blocks []slack.Block
	if l.Source != "" {
		blocks = append(blocks, contextLine(r.T(":pushpin: Source: %s", sourceText(r.lang, l.Source))))
	}
	if more.notes == "" {
		return blocks
	}
	saved, err := h.leads.SetFact(ctx, r.actor, salesbot.RefRead(l), salesbot.FactNeed, more.notes, now)
	if err != nil {
		return append(blocks, section(r.T(":warning: The lead is registered, but its notes were not kept: %s", markup(h.errorText(ctx, r.lang, err)))))
	}
	return append(blocks, contextLine(r.T(":memo: Need: %s", esc(truncate(saved.Facts[salesbot.FactNeed].Text, 300)))))
}

// sourceBlocks is the report's by-source section: per source, the leads
// brought in the period (and how many are still open), how many reached
// A, and the deals won and their value.
func sourceBlocks(lang i18n.Lang, r salesbot.Report) []slack.Block {
	if len(r.Sources) == 0 {
		return nil
	}
	var lines []string
	for _, s := range r.Sources {
		line := i18n.T(lang, "• *%s*: %d new (%d open) · %d reached A · %d won", sourceText(lang, s.Source), s.New, s.Open, s.ReachedA, s.Won)
		if len(s.WonValue.Currencies(r.Currency)) > 0 {
			line += " · " + s.WonValue.InLanguage(string(lang), r.Currency)
		}
		lines = append(lines, line)
	}
	return chunks(i18n.T(lang, "*By source* — leads brought, reaching A, won"), lines)
}

// cutBySource takes "by source" (or "source", "按来源", "来源") out of
// /salesbot forecast's words: the forecast is then split by lead source.
func cutBySource(args []salesbot.Token) ([]salesbot.Token, bool) {
	var rest []salesbot.Token
	found := false
	for i := 0; i < len(args); i++ {
		w := strings.ToLower(args[i].Text)
		switch {
		case args[i].Quoted:
		case w == "by" && i+1 < len(args) && strings.EqualFold(args[i+1].Text, "source"):
			found = true
			i++
			continue
		case w == "source" || w == "sources" || w == "by-source" || w == "来源" || w == "按来源":
			found = true
			continue
		}
		rest = append(rest, args[i])
	}
	return rest, found
}

// forecastSourceBlocks is the forecast split by lead source, when asked.
func forecastSourceBlocks(lang i18n.Lang, f salesbot.Forecast, cur salesbot.Currency) []slack.Block {
	if len(f.Sources) == 0 {
		return nil
	}
	var lines []string
	for _, s := range f.Sources {
		t := s.Tally
		line := forecastLine(lang, "*"+sourceText(lang, s.Source)+"*", salesbot.Line{Tally: t}, cur)
		line, _, _ = strings.Cut(line, "\n") // no target per source
		lines = append(lines, i18n.T(lang, "%s · %d open, %d won", markup(line), t.Open, t.WonDeals))
	}
	return chunks(i18n.T(lang, "*By source* — the period's deals by where their lead came from"), lines)
}
