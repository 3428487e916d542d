package handlers

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"salesbot"
)

// Block Kit limits that matter when a list grows.
const (
	maxSectionText = 2900 // Slack allows 3000 characters in a section's text
	maxBlocks      = 48   // Slack allows 50 blocks in a message
)

// esc escapes user-written text for mrkdwn, so that a company called
// "<!channel>" is shown, not broadcast.
func esc(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func truncate(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return string([]rune(s)[:max-1]) + "…"
}

func mrkdwn(text string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, truncate(text, maxSectionText), false, false)
}

func plain(text string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, text, true, false)
}

func section(text string) *slack.SectionBlock { return slack.NewSectionBlock(mrkdwn(text), nil, nil) }

func contextLine(text string) *slack.ContextBlock {
	return slack.NewContextBlock("", mrkdwn(text))
}

// day writes an instant as the calendar day it falls on for the reader.
func day(t time.Time, loc *time.Location) string {
	return salesbot.DateOf(t.In(loc)).String()
}

// daysBetween counts calendar days from a to b in loc (negative when b is
// earlier).
func daysBetween(a, b time.Time, loc *time.Location) int {
	da, db := salesbot.DateOf(a.In(loc)).In(time.UTC), salesbot.DateOf(b.In(loc)).In(time.UTC)
	return int(db.Sub(da).Hours() / 24)
}

// ago says how long before now t was, in days.
func ago(t, now time.Time, loc *time.Location) string {
	switch n := daysBetween(t, now, loc); {
	case n <= 0:
		return "today"
	case n == 1:
		return "yesterday"
	default:
		return fmt.Sprintf("%d days ago", n)
	}
}

// dueIn says when a due time comes, or how overdue it is.
func dueIn(due, now time.Time, loc *time.Location) string {
	switch n := daysBetween(now, due, loc); {
	case n < 0:
		return fmt.Sprintf(":red_circle: overdue by %d day%s", -n, plural(-n))
	case n == 0:
		return ":large_orange_circle: due today"
	case n == 1:
		return "due tomorrow"
	default:
		return fmt.Sprintf("due in %d days", n)
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func every(c salesbot.Cadence, g salesbot.Grade) string {
	d := c[g]
	if d%salesbot.Day == 0 {
		return fmt.Sprintf("every %d days", d/salesbot.Day)
	}
	return "every " + d.String()
}

func stageText(s salesbot.Stage) string {
	if i := s.Index(); i >= 0 {
		return fmt.Sprintf("%s (%d of %d)", s.Name(), i+1, len(salesbot.Stages))
	}
	if s == salesbot.StageWon {
		return ":trophy: Won"
	}
	return ":x: Lost"
}

// card is the lead card: everything a rep or manager needs about one lead,
// in blocks that read well on a phone.
type card struct {
	lead      *salesbot.Lead
	lastVisit *salesbot.Visit
	cadence   salesbot.Cadence
	now       time.Time
	loc       *time.Location
}

func (c card) blocks() []slack.Block {
	l := c.lead
	fields := []*slack.TextBlockObject{
		mrkdwn("*Owner*\n<@" + l.Owner + ">"),
		mrkdwn(fmt.Sprintf("*Grade*\n%s · %s", l.Grade, l.Grade.Meaning())),
		mrkdwn("*Stage*\n" + stageText(l.Stage)),
		mrkdwn("*Next touch*\n" + c.nextTouch()),
	}
	blocks := []slack.Block{
		slack.NewHeaderBlock(plain(truncate(l.Company, 150))),
		slack.NewSectionBlock(nil, fields, nil),
		section("*Last touch*\n" + c.lastTouch()),
	}
	if risks := salesbot.Risks(l, c.now, c.cadence); len(risks) > 0 {
		blocks = append(blocks, chunks(fmt.Sprintf("*Risks* (%d)", len(risks)), riskLines(risks))...)
	}
	blocks = append(blocks, slack.NewDividerBlock())
	blocks = append(blocks, chunks("*Key facts*", c.keyFacts())...)
	blocks = append(blocks, chunks(c.stakeholders())...)
	blocks = append(blocks, contextLine(fmt.Sprintf("Registered %s by <@%s> · %s cadence: %s",
		day(l.CreatedAt, c.loc), l.CreatedBy, l.Grade, every(c.cadence, l.Grade))))
	if l.Open() {
		blocks = append(blocks, slack.NewActionBlock("lead_actions",
			slack.NewButtonBlockElement(actionVisitOpen, l.ID+"|"+l.Company, plain("Log visit")).WithStyle(slack.StylePrimary),
			slack.NewButtonBlockElement(actionStanceOpen, l.ID+"|"+l.Company, plain("Add stakeholder")),
			gradeSelect(l),
			slack.NewButtonBlockElement(actionMapOpen, l.ID, plain("Stakeholder map")),
		))
	}
	return blocks
}

func gradeSelect(l *salesbot.Lead) *slack.SelectBlockElement {
	var options []*slack.OptionBlockObject
	for _, g := range salesbot.Grades {
		options = append(options, slack.NewOptionBlockObject(l.ID+"|"+string(g), plain(string(g)+" · "+g.Meaning()), nil))
	}
	sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Regrade"), actionGradeSet, options...)
	for _, o := range options {
		if strings.HasSuffix(o.Value, "|"+string(l.Grade)) {
			sel.InitialOption = o
		}
	}
	return sel
}

func (c card) nextTouch() string {
	l := c.lead
	if !l.Open() {
		if l.Stage == salesbot.StageLost && l.LostReason != "" {
			return "none — lost: " + esc(l.LostReason)
		}
		return "none — closed " + day(l.ClosedAt, c.loc)
	}
	due := l.NextDue(c.cadence)
	s := fmt.Sprintf("%s · %s", day(due, c.loc), dueIn(due, c.now, c.loc))
	if l.NextStep != "" {
		s += "\n_" + esc(truncate(l.NextStep, 200)) + "_"
	}
	return s
}

func (c card) lastTouch() string {
	l := c.lead
	if l.LastTouch.IsZero() {
		return "Never touched. Log the first visit with `/visit " + esc(quoteName(l.Company)) + "`."
	}
	s := fmt.Sprintf("%s (%s)", day(l.LastTouch, c.loc), ago(l.LastTouch, c.now, c.loc))
	if v := c.lastVisit; v != nil {
		s += fmt.Sprintf(" — %s by <@%s>", v.Kind, v.By)
		if v.Notes != "" {
			s += ": " + esc(truncate(v.Notes, 300))
		}
	}
	return s
}

// keyFacts lists what is known, then the gaps.
func (c card) keyFacts() []string {
	var lines []string
	for _, k := range salesbot.KeyFacts {
		if f, ok := c.lead.Facts[k]; ok && f.Text != "" {
			lines = append(lines, fmt.Sprintf(":white_check_mark: *%s*: %s", k.Label(), esc(truncate(f.Text, 300))))
		}
	}
	if gaps := c.lead.UnknownFacts(); len(gaps) > 0 {
		lines = append(lines, fmt.Sprintf(":grey_question: *Unknown*: %s — record with `/lead key %s %s …`",
			factLabels(gaps), esc(quoteName(c.lead.Company)), gaps[0]))
	}
	return lines
}

// riskLines writes risks one to a line.
func riskLines(risks []salesbot.Risk) []string {
	lines := make([]string, len(risks))
	for i, r := range risks {
		lines[i] = ":warning: " + esc(r.Message)
	}
	return lines
}

// factLabels writes key facts as the card names them: "Schedule, Budget".
func factLabels(facts []salesbot.KeyFact) string {
	labels := make([]string, len(facts))
	for i, k := range facts {
		labels[i] = k.Label()
	}
	return strings.Join(labels, ", ")
}

// stakeholders returns the heading and one line per person, by role.
func (c card) stakeholders() (string, []string) {
	people := c.lead.Stakeholders
	if len(people) == 0 {
		return "*Stakeholders*", []string{"No one recorded yet. Add people with `/stance " + esc(quoteName(c.lead.Company)) + " \"Name\" eb high +1`."}
	}
	sorted := slices.Clone(people)
	slices.SortStableFunc(sorted, func(a, b salesbot.Stakeholder) int {
		return slices.Index(salesbot.Roles, a.Role) - slices.Index(salesbot.Roles, b.Role)
	})
	lines := make([]string, len(sorted))
	for i, s := range sorted {
		lines[i] = fmt.Sprintf("%s *%s* — %s · %s influence · %s %s", quadrantEmoji(s.Quadrant()), esc(s.Name),
			s.Role.Name(), s.Influence, s.Support, s.Support.Meaning())
	}
	return fmt.Sprintf("*Stakeholders* (%d)", len(sorted)), lines
}

func quadrantEmoji(q salesbot.Quadrant) string {
	switch q {
	case salesbot.QuadrantAngel:
		return ":angel:"
	case salesbot.QuadrantDevil:
		return ":smiling_imp:"
	case salesbot.QuadrantSweetheart:
		return ":heart:"
	case salesbot.QuadrantImp:
		return ":imp:"
	}
	return ":white_circle:"
}

// pipeline renders leads grouped by grade, due soonest first, with days since
// the last touch; owner names are shown when the list spans reps.
type pipeline struct {
	title     string
	leads     []*salesbot.Lead
	showOwner bool
	cadence   salesbot.Cadence
	now       time.Time
	loc       *time.Location
}

func (p pipeline) blocks() []slack.Block {
	blocks := []slack.Block{section("*" + p.title + "*")}
	var won, lost int
	byGrade := map[salesbot.Grade][]*salesbot.Lead{}
	for _, l := range p.leads {
		switch l.Stage {
		case salesbot.StageWon:
			won++
		case salesbot.StageLost:
			lost++
		default:
			byGrade[l.Grade] = append(byGrade[l.Grade], l)
		}
	}
	open := 0
	for _, g := range salesbot.Grades {
		leads := byGrade[g]
		if len(leads) == 0 {
			continue
		}
		open += len(leads)
		slices.SortFunc(leads, func(a, b *salesbot.Lead) int { return a.NextDue(p.cadence).Compare(b.NextDue(p.cadence)) })
		lines := make([]string, len(leads))
		for i, l := range leads {
			lines[i] = p.line(l)
		}
		heading := fmt.Sprintf("*%s* · %s · %d lead%s · %s", g, g.Meaning(), len(leads), plural(len(leads)), every(p.cadence, g))
		blocks = append(blocks, chunks(heading, lines)...)
	}
	if open == 0 {
		blocks = append(blocks, section("No open leads here. Register one with `/lead new <company>`."))
	}
	summary := fmt.Sprintf("%d open", open)
	if won+lost > 0 {
		summary += fmt.Sprintf(" · %d won · %d lost", won, lost)
	}
	if len(blocks) > maxBlocks {
		blocks = append(blocks[:maxBlocks-1], section("_…and more: narrow it with `/lead list A` (or B, C, D)._"))
	}
	return append(blocks, contextLine(summary))
}

func (p pipeline) line(l *salesbot.Lead) string {
	touched := "never touched"
	if !l.LastTouch.IsZero() {
		touched = "touched " + ago(l.LastTouch, p.now, p.loc)
	}
	s := fmt.Sprintf("• *%s* — %s · %s · %s", esc(l.Company), l.Stage.Name(), touched, dueIn(l.NextDue(p.cadence), p.now, p.loc))
	if p.showOwner {
		s += " · <@" + l.Owner + ">"
	}
	return s
}

// chunks lays lines out under a heading in as many sections as their length
// needs.
func chunks(heading string, lines []string) []slack.Block {
	var blocks []slack.Block
	cur := heading
	for _, line := range lines {
		if utf8.RuneCountInString(cur)+utf8.RuneCountInString(line)+1 > maxSectionText {
			blocks = append(blocks, section(cur))
			cur = ""
		}
		if cur != "" {
			cur += "\n"
		}
		cur += line
	}
	return append(blocks, section(cur))
}
