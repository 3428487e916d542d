package handlers

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/i18n"
)

// SendDigest sends a manager the exceptions-only digest as one direct
// message, so that a failed send never leaves half of it delivered. It
// implements scheduler.Notifier.
func (h *Handler) SendDigest(ctx context.Context, team, manager string, d salesbot.Digest) error {
	ctx = forTeam(ctx, team)
	loc, lang := h.people.Location(ctx, manager), h.langOf(ctx, team, manager)
	title := digestTitle(lang, d, loc)
	if d.Quiet() {
		title = quietLine(lang, d, loc) // the whole digest
	}
	if _, _, err := h.slack.PostMessageContext(ctx, manager, slack.MsgOptionText(title, false), slack.MsgOptionBlocks(exceptionBlocks(lang, d, loc)...)); err != nil {
		return fmt.Errorf("digest to %s: %w", manager, err)
	}
	return nil
}

func digestTitle(lang i18n.Lang, d salesbot.Digest, loc *time.Location) string {
	return i18n.T(lang, "Sales digest — %s", weekday(lang, d.Until.In(loc)))
}

// digestBlocks renders a digest: per rep what happened and what slips, then
// the pipeline by grade and stage. Empty sections are left out.
func digestBlocks(lang i18n.Lang, d salesbot.Digest, loc *time.Location) []slack.Block {
	t := func(format string, args ...any) string { return i18n.T(lang, format, args...) }
	blocks := []slack.Block{
		slack.NewHeaderBlock(plain(digestTitle(lang, d, loc))),
		contextLine(t("Since %s · %d open leads", when(lang, d.Since.In(loc)), d.Open)),
	}
	if d.Calm() {
		return append(blocks, section(t(":sunny: A quiet day: no visits, no new leads, no grade or stage changes, nothing overdue.")))
	}
	return fullBlocks(lang, d, loc, blocks, pendingBlocks(lang, d, loc))
}

// pendingBlocks lists the requests waiting for a manager, if any.
func pendingBlocks(lang i18n.Lang, d salesbot.Digest, loc *time.Location) []slack.Block {
	t := func(format string, args ...any) string { return i18n.T(lang, format, args...) }
	var body []slack.Block
	if len(d.Pending) > 0 {
		lines := make([]string, len(d.Pending))
		for i, a := range d.Pending {
			if a.Kind == salesbot.ApprovalLead {
				lines[i] = t("• *%s*: <@%s> asks for <@%s>'s lead, %s", esc(a.Company), a.Rep, a.Owner, ago(lang, a.AskedAt, d.Until, loc))
				continue
			}
			if a.Kind == salesbot.ApprovalQuote {
				lines[i] = t("• *%s*: quote v%d (%s) to sign off, from <@%s> %s", esc(a.Company), a.QuoteVersion,
					markup(quoteTermsText(lang, salesbot.Quote{Amount: a.Amount, Discount: a.Discount})), a.Rep, ago(lang, a.AskedAt, d.Until, loc))
				continue
			}
			lines[i] = t("• *%s*: %s → %s, asked by <@%s> %s", esc(a.Company), word(lang, a.From.Name()), word(lang, a.To.Name()), a.Rep, ago(lang, a.AskedAt, d.Until, loc))
		}
		body = append(body, chunks(t(":raising_hand: *Waiting for approval* (%d)", len(lines)), lines)...)
	}
	return body
}

// fullBlocks is the rest of the full picture, after the requests waiting.
func fullBlocks(lang i18n.Lang, d salesbot.Digest, loc *time.Location, blocks, body []slack.Block) []slack.Block {
	t := func(format string, args ...any) string { return i18n.T(lang, format, args...) }
	// Each lead's risks come with the buttons fixing them, a section and
	// an actions block per lead; when that is more than a message holds,
	// the risks are text (their buttons are on the cards).
	tail := chunks(t("*Pipeline* — open leads by grade and stage"), pipelineLines(lang, d))
	if d.OverdueTotal > d.OverdueShown() {
		// The digest lists the most overdue; say how many it leaves out.
		tail = append(tail, contextLine(t("%d overdue follow-ups in all; the %d most overdue are counted above.", d.OverdueTotal, d.OverdueShown())))
	}
	withButtons := body
	for _, r := range d.Reps {
		withButtons = append(withButtons, chunks("*<@"+r.Rep+">*", repLines(lang, r, d.Until, loc))...)
		for _, lr := range r.Risks {
			withButtons = append(withButtons, leadRiskBlocks(lang, lr)...)
		}
	}
	withButtons = append(withButtons, tail...)
	if len(blocks)+len(withButtons) <= maxBlocks {
		return append(blocks, withButtons...)
	}
	for _, r := range d.Reps {
		body = append(body, chunks("*<@"+r.Rep+">*", append(repLines(lang, r, d.Until, loc), leadRiskLines(lang, r.Risks)...))...)
	}
	body = append(body, tail...)
	if len(blocks)+len(body) > maxBlocks {
		// A big team: pack the reps into as few sections as their text
		// needs, so the digest stays one message.
		var lines []string
		for _, r := range d.Reps {
			lines = append(append(append(lines, "*<@"+r.Rep+">*"), repLines(lang, r, d.Until, loc)...), leadRiskLines(lang, r.Risks)...)
		}
		lines = append(append(lines, t("*Pipeline* — open leads by grade and stage")), pipelineLines(lang, d)...)
		body = chunks(lines[0], lines[1:])
		if len(blocks)+len(body) > maxBlocks {
			body = append(body[:maxBlocks-len(blocks)-1], section(t("_…and more: each rep's pipeline is in `/lead list @rep`._")))
		}
	}
	return append(blocks, body...)
}

func repLines(lang i18n.Lang, r salesbot.RepDigest, now time.Time, loc *time.Location) []string {
	t := func(format string, args ...any) string { return i18n.T(lang, format, args...) }
	var lines []string
	add := func(label string, changes []salesbot.Change, item func(salesbot.Change) string) {
		if len(changes) == 0 {
			return
		}
		items := make([]string, len(changes))
		for i, c := range changes {
			items[i] = item(c)
		}
		lines = append(lines, fmt.Sprintf("%s (%d): %s", label, len(changes), strings.Join(items, ", ")))
	}
	company := func(c salesbot.Change) string { return esc(c.Company) }
	add(t(":handshake: Visits"), r.Visits, func(c salesbot.Change) string {
		kind, _, _ := strings.Cut(c.Reason, ":")
		return fmt.Sprintf("%s (%s)", esc(c.Company), word(lang, kind))
	})
	add(t(":new: New leads"), r.NewLeads, company)
	add(t(":arrow_up: Up"), r.Upgrades, func(c salesbot.Change) string { return fmt.Sprintf("%s %s→%s", esc(c.Company), c.From, c.To) })
	add(t(":arrow_down: Down"), r.Downgrades, func(c salesbot.Change) string { return fmt.Sprintf("%s %s→%s", esc(c.Company), c.From, c.To) })
	add(t(":arrow_right: Stage moves"), r.StageMoves, func(c salesbot.Change) string {
		return fmt.Sprintf("%s %s→%s", esc(c.Company), word(lang, salesbot.Stage(c.From).Name()), word(lang, salesbot.Stage(c.To).Name()))
	})
	add(t(":trophy: Won"), r.Won, company)
	add(t(":x: Lost"), r.Lost, company)
	if len(r.Overdue) > 0 {
		items := make([]string, len(r.Overdue))
		for i, o := range r.Overdue {
			items[i] = fmt.Sprintf("%s (%s, %s)", esc(o.Lead.Company), gradeValue(lang, o.Lead), overdueBy(lang, now.Add(-o.By), now, loc))
		}
		lines = append(lines, t(":red_circle: Overdue (%d): %s", len(items), strings.Join(items, ", ")))
	}
	if len(r.Untouched) > 0 {
		items := make([]string, len(r.Untouched))
		for i, l := range r.Untouched {
			items[i] = fmt.Sprintf("%s (%s)", esc(l.Company), gradeValue(lang, l))
		}
		lines = append(lines, t(":hourglass: A/B leads not touched within their cadence (%d): %s", len(items), strings.Join(items, ", ")))
	}
	return lines
}

// leadRiskLines are the digest's lines about leads at risk, one a lead.
func leadRiskLines(lang i18n.Lang, leads []salesbot.LeadRisks) []string {
	lines := make([]string, len(leads))
	for i, lr := range leads {
		lines[i] = leadRiskLine(lang, lr)
	}
	return lines
}

func leadRiskLine(lang i18n.Lang, lr salesbot.LeadRisks) string {
	msgs := make([]string, len(lr.Risks))
	for i, risk := range lr.Risks {
		msgs[i] = esc(riskMessage(lang, risk))
	}
	return fmt.Sprintf(":warning: *%s* (%s): %s", esc(lr.Lead.Company), gradeValue(lang, lr.Lead), strings.Join(msgs, " "))
}

// leadRiskBlocks are a lead's risks in the digest with the buttons fixing
// them, in the order of its risks (the first few).
func leadRiskBlocks(lang i18n.Lang, lr salesbot.LeadRisks) []slack.Block {
	blocks := []slack.Block{section(leadRiskLine(lang, lr))}
	var buttons []slack.BlockElement
	ns := ordinals(lr.Risks)
	for i, r := range lr.Risks[:min(len(lr.Risks), risksWithButtons)] {
		if b := riskButton(lang, riskFixAction(i), lr.Lead, r, ns[i]); b != nil {
			buttons = append(buttons, b)
		}
	}
	if len(buttons) > 0 {
		blocks = append(blocks, slack.NewActionBlock("", buttons...))
	}
	return blocks
}

// gradeValue is how the digest tags a lead it names: its grade, and its
// deal's value when one is set ("A, ¥1,800,000").
func gradeValue(lang i18n.Lang, l *salesbot.Lead) string {
	if v := dealValue(lang, l); v != "" {
		return fmt.Sprintf("%s, %s", l.Grade, v)
	}
	return string(l.Grade)
}

// overdueBy says how many calendar days ago, for the reader, a follow-up
// fell due; the reminders count the same way.
func overdueBy(lang i18n.Lang, due, now time.Time, loc *time.Location) string {
	if n := daysBetween(due, now, loc); n >= 1 {
		return i18n.T(lang, "%d days", n)
	}
	return i18n.T(lang, "since today")
}

func pipelineLines(lang i18n.Lang, d salesbot.Digest) []string {
	var lines []string
	for _, g := range salesbot.Grades {
		byStage := d.Pipeline[g]
		var parts []string
		total := 0
		for _, st := range salesbot.Stages {
			if n := byStage[st]; n > 0 {
				parts = append(parts, fmt.Sprintf("%s %d", word(lang, st.Name()), n))
				total += n
			}
		}
		if total > 0 {
			lines = append(lines, fmt.Sprintf("*%s* (%d): %s", g, total, strings.Join(parts, " · ")))
		}
	}
	if len(lines) == 0 {
		lines = append(lines, i18n.T(lang, "No open leads."))
	}
	return lines
}

// digestNow answers /salesbot digest: the caller's digest since their last
// one, for managers.
func (h *Handler) digestNow(ctx context.Context, r request) (*slack.Msg, error) {
	if h.digests == nil {
		return nil, salesbot.Errorf(salesbot.EINTERNAL, "The digest is not set up on this bot.")
	}
	d, err := h.digests.Digest(ctx, r.actor, r.team, h.now())
	if err != nil {
		return nil, fmt.Errorf("digest: %w", err)
	}
	return ephemeral(digestTitle(r.lang, d, r.loc), digestBlocks(r.lang, d, r.loc)...), nil
}
