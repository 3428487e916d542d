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

// The exceptions-only digest a manager is sent each morning: per rep, only
// what changed since their previous digest (risks new and resolved,
// escalations, slips, grades up and down, wins and losses, parked leads
// named once), the requests waiting, and the risks already reported as a
// count per rep with a Show all button. A day with none of that is one
// line. /salesbot digest shows the full picture instead (digestBlocks).

// actionDigestAll is a digest's Show all: a rep's risks as they are now,
// value "<rep>".
const actionDigestAll = "digest_all"

// quietLine is the whole digest of a quiet day.
func quietLine(lang i18n.Lang, d salesbot.Digest, loc *time.Location) string {
	return digestTitle(lang, d, loc) + " · " + i18n.T(lang, ":sunny: Quiet day: nothing changed since %s · open leads: %d · standing risks: %d",
		when(lang, d.Since.In(loc)), d.Open, d.Standings())
}

// exceptionBlocks lays the exceptions-only digest out, within Slack's 50
// blocks: the new risks with the buttons fixing them while they fit, as
// text when they do not.
func exceptionBlocks(lang i18n.Lang, d salesbot.Digest, loc *time.Location) []slack.Block {
	if d.Quiet() {
		return []slack.Block{section(quietLine(lang, d, loc))}
	}
	t := func(format string, args ...any) string { return i18n.T(lang, format, args...) }
	visits, newLeads, moves := d.Counts()
	head := []slack.Block{
		slack.NewHeaderBlock(plain(digestTitle(lang, d, loc))),
		contextLine(t("Changes since %s · open leads: %d · visits: %d · new leads: %d · stage moves: %d",
			when(lang, d.Since.In(loc)), d.Open, visits, newLeads, moves)),
	}
	pending := pendingBlocks(lang, d, loc)
	for _, buttons := range []bool{true, false} {
		body := append([]slack.Block{}, pending...)
		for _, r := range d.Reps {
			body = append(body, repExceptionBlocks(lang, r, loc, buttons)...)
		}
		if len(head)+len(body) <= maxBlocks {
			return append(head, body...)
		}
	}
	// A big team: every rep's exceptions as text, in as few sections as
	// they need.
	var lines []string
	for _, r := range d.Reps {
		if r.Exceptions() || r.Standing > 0 {
			lines = append(append(lines, "*<@"+r.Rep+">*"), repExceptionLines(lang, r, loc)...)
			lines = append(lines, leadRiskLines(lang, r.NewRisks)...)
			if r.Standing > 0 {
				lines = append(lines, standingText(lang, r))
			}
		}
	}
	body := pending
	if len(lines) > 0 {
		body = append(body, chunks(lines[0], lines[1:])...)
	}
	if len(head)+len(body) > maxBlocks {
		body = append(body[:maxBlocks-len(head)-1], section(t("_…and more: each rep's leads are in `/lead list @rep`._")))
	}
	return append(head, body...)
}

// repExceptionBlocks is one rep's part: what changed, the new risks (with
// their buttons when buttons), and the standing count with Show all; a
// rep with only standing risks is one line.
func repExceptionBlocks(lang i18n.Lang, r salesbot.RepDigest, loc *time.Location, buttons bool) []slack.Block {
	var blocks []slack.Block
	if r.Exceptions() {
		lines := repExceptionLines(lang, r, loc)
		if !buttons {
			lines = append(lines, leadRiskLines(lang, r.NewRisks)...)
		}
		if len(lines) > 0 {
			blocks = append(blocks, chunks("*<@"+r.Rep+">*", lines)...)
		} else {
			blocks = append(blocks, section("*<@"+r.Rep+">*"))
		}
		if buttons {
			for _, lr := range r.NewRisks {
				blocks = append(blocks, leadRiskBlocks(lang, lr)...)
			}
		}
	}
	if r.Standing > 0 {
		text := standingText(lang, r)
		if !r.Exceptions() {
			text = "*<@" + r.Rep + ">* · " + text
		}
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(text), nil, slack.NewAccessory(showAllButton(lang, r.Rep))))
	}
	return blocks
}

func standingText(lang i18n.Lang, r salesbot.RepDigest) string {
	return i18n.T(lang, ":pushpin: Standing risks, reported before: %d", r.Standing)
}

func showAllButton(lang i18n.Lang, rep string) *slack.ButtonBlockElement {
	return slack.NewButtonBlockElement(actionDigestAll, rep, plain(i18n.T(lang, "Show all")))
}

// itemsPerLine bounds the companies one line of a rep's changes names.
const itemsPerLine = 12

// repExceptionLines are a rep's changes since the last digest, a line per
// kind, the new risks aside.
func repExceptionLines(lang i18n.Lang, r salesbot.RepDigest, loc *time.Location) []string {
	t := func(format string, args ...any) string { return i18n.T(lang, format, args...) }
	var lines []string
	list := func(label string, items []string) {
		if len(items) == 0 {
			return
		}
		// A line stays well inside a section's 3,000 characters however
		// busy the rep was.
		shown := items[:min(len(items), itemsPerLine)]
		line := fmt.Sprintf("%s (%d): %s", label, len(items), strings.Join(shown, ", "))
		if len(items) > len(shown) {
			line += " " + t("…and %d more", len(items)-len(shown))
		}
		lines = append(lines, line)
	}
	changes := func(cs []salesbot.Change, item func(salesbot.Change) string) []string {
		items := make([]string, len(cs))
		for i, c := range cs {
			items[i] = item(c)
		}
		return items
	}
	if len(r.NewRisks) > 0 {
		n := 0
		for _, lr := range r.NewRisks {
			n += len(lr.Risks)
		}
		lines = append(lines, t(":warning: New risks (%d), below", n))
	}
	company := func(c salesbot.Change) string { return esc(c.Company) }
	list(t(":handshake: Visits"), changes(r.Visits, company))
	list(t(":new: New leads"), changes(r.NewLeads, company))
	resolved := make([]string, len(r.Resolved))
	for i, rr := range r.Resolved {
		resolved[i] = fmt.Sprintf("%s — %s", esc(rr.Lead.Company), riskLabel(lang, rr.Kind))
		switch rr.How {
		case salesbot.ResolvedClosed:
			resolved[i] += " " + t("(closed as %s)", word(lang, rr.Lead.Stage.Name()))
		case salesbot.ResolvedRegraded:
			resolved[i] += " " + t("(now %s)", string(rr.Lead.Grade))
		}
	}
	list(t(":white_check_mark: Resolved"), resolved)
	list(t(":rotating_light: Escalated"), changes(r.Escalations, func(c salesbot.Change) string {
		if c.To == "nudged" {
			return t("%s (the rep nudged again)", esc(c.Company))
		}
		return t("%s (to the managers)", esc(c.Company))
	}))
	list(t(":calendar: Close dates slipped"), changes(r.Slips, func(c salesbot.Change) string {
		return fmt.Sprintf("%s %s→%s", esc(c.Company), c.From, c.To)
	}))
	grade := func(c salesbot.Change) string { return fmt.Sprintf("%s %s→%s", esc(c.Company), c.From, c.To) }
	list(t(":arrow_up: Up"), changes(r.Upgrades, grade))
	list(t(":arrow_down: Down"), changes(r.Downgrades, grade))
	list(t(":trophy: Won"), changes(r.Won, company))
	list(t(":x: Lost"), changes(r.Lost, company))
	for _, l := range r.Parked {
		line := t(":zzz: Parked: *%s* (%s) until %s", esc(l.Company), gradeValue(lang, l), l.ParkedUntil.String())
		if l.ParkReason != "" {
			line += " — " + esc(l.ParkReason)
		}
		lines = append(lines, line)
	}
	return lines
}

// riskLabel names a kind of risk in a few words, for a risk resolved.
func riskLabel(lang i18n.Lang, k salesbot.RiskKind) string {
	labels := map[salesbot.RiskKind]string{
		salesbot.RiskNoEconomicBuyer:     "no economic buyer",
		salesbot.RiskSecondEconomicBuyer: "a second economic buyer",
		salesbot.RiskEconomicBuyerThin:   "economic buyer met only briefly",
		salesbot.RiskNoCoach:             "no coach",
		salesbot.RiskDevil:               "a devil",
		salesbot.RiskOnlyLow:             "only low-influence people met",
		salesbot.RiskAUnconfirmed:        "A not confirmed",
		salesbot.RiskFactsMissing:        "key facts missing",
		salesbot.RiskGradeVsSchedule:     "grade against the schedule",
		salesbot.RiskOverdue:             "follow-up overdue",
		salesbot.RiskStuck:               "stuck in its stage",
		salesbot.RiskClosePassed:         "close date passed",
		salesbot.RiskAtRisk:              "called at risk",
	}
	if label, ok := labels[k]; ok {
		return i18n.T(lang, label)
	}
	return esc(string(k))
}

// digestAll answers a digest's Show all: the rep's risks as they are now,
// shown to the manager who clicked (re-checked: a manager who leads the rep
// or sees everyone), below the digest.
func (h *Handler) digestAll(ctx context.Context, r request, rep string) (*slack.Msg, error) {
	if h.digests == nil {
		return nil, salesbot.Errorf(salesbot.EINTERNAL, "The digest is not set up on this bot.")
	}
	if !salesbot.IsUserID(rep) {
		return nil, salesbot.Errorf(salesbot.EINVALID, "That button is out of date. Run the command again.")
	}
	risks, err := h.digests.RepRisks(ctx, r.actor, r.team, rep, h.now())
	if err != nil {
		return nil, fmt.Errorf("risks of %s: %w", rep, err)
	}
	n := 0
	for _, lr := range risks {
		n += len(lr.Risks)
	}
	title := i18n.T(r.lang, "<@%s>'s risks now (%d)", rep, n)
	if n == 0 {
		return ephemeral(title, section(i18n.T(r.lang, "<@%s> has no risks on open A or B leads now.", rep))), nil
	}
	blocks := []slack.Block{section("*" + title + "*")}
	for i, lr := range risks {
		more := leadRiskBlocks(r.lang, lr)
		if len(blocks)+len(more) > maxBlocks-1 {
			rest := leadRiskLines(r.lang, risks[i:])
			blocks = append(blocks, chunks(rest[0], rest[1:])...)
			break
		}
		blocks = append(blocks, more...)
	}
	if len(blocks) > maxBlocks {
		blocks = append(blocks[:maxBlocks-1], section(i18n.T(r.lang, "_…and more: each lead's risks are on its card._")))
	}
	return ephemeral(title, blocks...), nil
}
