package handlers

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/i18n"
)

// Block Kit limits that matter when a list grows.
const (
	maxSectionText = 2900 // Slack allows 3000 characters in a section's text
	maxBlocks      = 48   // Slack allows 50 blocks in a message
)

// esc escapes user-written text for mrkdwn, so that a company called
// "<!channel>" is shown, not broadcast. It is the one escaping function:
// every string someone typed (a company, a person, notes, a reason) goes
// through it before it is put in a message's text, its fallback text or its
// blocks, and errorMessage passes the arguments of every error through it.
// Plain-text fields (headers, button labels, form inputs) are not mrkdwn and
// take the text as it is.
func esc(s string) string {
	if !strings.ContainsAny(s, "&<>") {
		return s // most text: no copy
	}
	return mrkdwnEscaper.Replace(s)
}

// mrkdwnEscaper is built once: building a Replacer costs more than using it,
// and esc runs for every name on every card.
var mrkdwnEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func truncate(s string, max int) string {
	if len(s) <= max || utf8.RuneCountInString(s) <= max { // no more runes than bytes
		return s
	}
	return string([]rune(s)[:max-1]) + "…"
}

func mrkdwn(text string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, truncate(text, maxSectionText), false, false)
}

// plain is plain text with emoji shown, as slack.NewTextBlockObject makes
// it, in one allocation instead of two (the object, its emoji flag): a
// card has a dozen of them.
func plain(text string) *slack.TextBlockObject {
	t := &struct {
		obj   slack.TextBlockObject
		emoji bool
	}{emoji: true}
	t.obj = slack.TextBlockObject{Type: slack.PlainTextType, Text: text, Emoji: &t.emoji}
	return &t.obj
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
func ago(lang i18n.Lang, t, now time.Time, loc *time.Location) string {
	switch n := daysBetween(t, now, loc); {
	case n <= 0:
		return i18n.T(lang, "today")
	case n == 1:
		return i18n.T(lang, "yesterday")
	default:
		return i18n.T(lang, "%d days ago", n)
	}
}

// dueIn says when a due time comes, or how overdue it is.
func dueIn(lang i18n.Lang, due, now time.Time, loc *time.Location) string {
	switch n := daysBetween(now, due, loc); {
	case n < 0:
		return i18n.T(lang, ":red_circle: overdue by %d days", -n)
	case n == 0:
		return i18n.T(lang, ":large_orange_circle: due today")
	case n == 1:
		return i18n.T(lang, "due tomorrow")
	default:
		return i18n.T(lang, "due in %d days", n)
	}
}

func every(lang i18n.Lang, c salesbot.Cadence, g salesbot.Grade) string {
	d := c[g]
	if d%salesbot.Day == 0 {
		return i18n.T(lang, "every %d days", int(d/salesbot.Day))
	}
	return i18n.T(lang, "every %s", d.String())
}

// word is a domain term (a stage's or role's name, a grade's meaning) in
// the reader's language.
func word(lang i18n.Lang, english string) string { return i18n.Word(lang, english) }

func stageText(lang i18n.Lang, s salesbot.Stage) string {
	if i := s.Index(); i >= 0 {
		return i18n.T(lang, "%s (%d of %d)", word(lang, s.Name()), i+1, len(salesbot.Stages))
	}
	if s == salesbot.StageWon {
		return i18n.T(lang, ":trophy: Won")
	}
	return i18n.T(lang, ":x: Lost")
}

// card is the lead card: everything a rep or manager needs about one lead,
// in blocks that read well on a phone.
type card struct {
	lead      *salesbot.Lead
	lastVisit *salesbot.Visit
	cadence   salesbot.Cadence
	now       time.Time
	loc       *time.Location
	lang      i18n.Lang
	// probability is the win probability per stage, for the deal line.
	probability salesbot.Probability
}

func (c card) blocks() []slack.Block {
	l, lang := c.lead, c.lang
	fields := []*slack.TextBlockObject{
		mrkdwn(i18n.T(lang, "*Owner*\n<@%s>", l.Owner)),
		mrkdwn(i18n.T(lang, "*Grade*\n%s · %s", l.Grade, word(lang, l.Grade.Meaning()))),
		mrkdwn(i18n.T(lang, "*Stage*\n%s", stageText(lang, l.Stage))),
		mrkdwn(i18n.T(lang, "*Next touch*\n%s", c.nextTouch())),
		mrkdwn(i18n.T(lang, "*Deal*\n%s", markup(dealLine(lang, l, c.probability)))),
	}
	blocks := make([]slack.Block, 0, 24) // a card has about 15
	blocks = append(blocks,
		slack.NewHeaderBlock(plain(truncate(l.Company, 150))),
		slack.NewSectionBlock(nil, fields, nil),
		section(i18n.T(lang, "*Last touch*\n%s", c.lastTouch())),
	)
	if p := parkedLine(lang, l, salesbot.DateOf(inZone(c.now, c.loc))); p != "" {
		blocks = append(blocks, section(p))
	}
	if q := quoteLine(lang, l, c.loc); q != "" {
		blocks = append(blocks, section(q))
	}
	if ms := salesbot.Milestones(l, l.Stage); len(ms) > 0 {
		blocks = append(blocks, chunks(i18n.T(lang, "*To leave %s*", word(lang, l.Stage.Name())), milestoneLines(lang, l.Company, ms))...)
	}
	if risks := salesbot.Risks(l, c.now, c.cadence); len(risks) > 0 {
		blocks = append(blocks, riskBlocks(lang, l, risks)...)
	}
	blocks = append(blocks, slack.NewDividerBlock())
	blocks = append(blocks, chunks(i18n.T(lang, "*Key facts*"), c.keyFacts())...)
	blocks = append(blocks, chunks(c.stakeholders())...)
	blocks = append(blocks, profileBlocks(lang, l)...)
	blocks = append(blocks, negotiationBlocks(lang, l, c.loc)...)
	blocks = append(blocks, contextLine(i18n.T(lang, "Registered %s by <@%s> · %s cadence: %s",
		day(l.CreatedAt, c.loc), l.CreatedBy, l.Grade, every(lang, c.cadence, l.Grade))))
	if l.Open() {
		blocks = append(blocks, slack.NewActionBlock("lead_actions",
			slack.NewButtonBlockElement(actionVisitOpen, l.ID, plain(i18n.T(lang, "Log visit"))).WithStyle(slack.StylePrimary),
			slack.NewButtonBlockElement(actionStanceOpen, l.ID, plain(i18n.T(lang, "Add stakeholder"))),
			gradeSelect(lang, l),
			slack.NewButtonBlockElement(actionMapOpen, l.ID, plain(i18n.T(lang, "Stakeholder map"))),
			slack.NewButtonBlockElement(actionDealOpen, l.ID, plain(i18n.T(lang, "Deal"))),
			categorySelect(lang, l),
			profileButton(lang, l),
		))
	}
	return blocks
}

func gradeSelect(lang i18n.Lang, l *salesbot.Lead) *slack.SelectBlockElement {
	options := make([]*slack.OptionBlockObject, len(salesbot.Grades))
	var initial *slack.OptionBlockObject
	for i, g := range salesbot.Grades {
		options[i] = slack.NewOptionBlockObject(l.ID+"|"+string(g), plain(string(g)+" · "+word(lang, g.Meaning())), nil)
		if g == l.Grade {
			initial = options[i]
		}
	}
	sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain(i18n.T(lang, "Regrade")), actionGradeSet, options...)
	sel.InitialOption = initial
	return sel
}

func (c card) nextTouch() string {
	l := c.lead
	if !l.Open() {
		if l.Stage == salesbot.StageLost && l.LostReason != "" {
			return i18n.T(c.lang, "none — lost: %s", esc(l.LostReason))
		}
		return i18n.T(c.lang, "none — closed %s", day(l.ClosedAt, c.loc))
	}
	due := l.NextDue(c.cadence)
	s := fmt.Sprintf("%s · %s", day(due, c.loc), dueIn(c.lang, due, c.now, c.loc))
	if l.NextStep != "" {
		s += "\n_" + esc(truncate(l.NextStep, 200)) + "_"
	}
	return s
}

func (c card) lastTouch() string {
	l := c.lead
	if l.LastTouch.IsZero() {
		return i18n.T(c.lang, "Never touched. Log the first visit with `/visit %s`.", esc(quoteName(l.Company)))
	}
	s := fmt.Sprintf("%s (%s)", day(l.LastTouch, c.loc), ago(c.lang, l.LastTouch, c.now, c.loc))
	if v := c.lastVisit; v != nil {
		s += i18n.T(c.lang, " — %s by <@%s>", word(c.lang, string(v.Kind)), v.By)
		if v.Notes != "" {
			s += ": " + esc(truncate(v.Notes, 300))
		}
	}
	return s
}

// keyFacts lists what is known, then the gaps.
func (c card) keyFacts() []string {
	lines := make([]string, 0, len(salesbot.KeyFacts)+1)
	for _, k := range salesbot.KeyFacts {
		if f, ok := c.lead.Facts[k]; ok && f.Text != "" {
			lines = append(lines, ":white_check_mark: *"+word(c.lang, k.Label())+"*: "+esc(truncate(f.Text, 300)))
		}
	}
	if gaps := c.lead.UnknownFacts(); len(gaps) > 0 {
		lines = append(lines, i18n.T(c.lang, ":grey_question: *Unknown*: %s — record with `/lead key %s %s …`",
			factLabels(c.lang, gaps), esc(quoteName(c.lead.Company)), gaps[0]))
	}
	return lines
}

// riskLines writes risks one to a line.
func riskLines(lang i18n.Lang, risks []salesbot.Risk) []string {
	lines := make([]string, len(risks))
	for i, r := range risks {
		lines[i] = riskLine(lang, r)
	}
	return lines
}

// riskLine writes one risk.
func riskLine(lang i18n.Lang, r salesbot.Risk) string {
	return ":warning: " + esc(riskMessage(lang, r))
}

// riskMessage is a risk's message in the reader's language: the arguments
// the domain marks as terms are translated, names are left as they are.
func riskMessage(lang i18n.Lang, r salesbot.Risk) string {
	if r.Format == "" {
		return r.Message
	}
	return i18n.T(lang, r.Format, r.Args...)
}

// factLabels writes key facts as the card names them: "Schedule, Budget".
func factLabels(lang i18n.Lang, facts []salesbot.KeyFact) string {
	labels := make(i18n.List, len(facts))
	for i, k := range facts {
		labels[i] = k.Label()
	}
	return i18n.T(lang, "%s", labels)
}

// stakeholders returns the heading and one line per person, by role.
func (c card) stakeholders() (string, []string) {
	people, lang := c.lead.Stakeholders, c.lang
	if len(people) == 0 {
		return i18n.T(lang, "*Stakeholders*"), []string{i18n.T(lang, "No one recorded yet. Add people with `/stance %s \"Name\" eb high +1`.", esc(quoteName(c.lead.Company)))}
	}
	sorted := slices.Clone(people)
	slices.SortStableFunc(sorted, func(a, b salesbot.Stakeholder) int {
		return slices.Index(salesbot.Roles, a.Role) - slices.Index(salesbot.Roles, b.Role)
	})
	lines := make([]string, len(sorted))
	for i, s := range sorted {
		lines[i] = i18n.T(lang, "%s *%s* — %s · %s influence · %s %s", quadrantEmoji(s.Quadrant()), esc(s.Name),
			word(lang, s.Role.Name()), word(lang, string(s.Influence)), s.Support, word(lang, s.Support.Meaning())) +
			" · " + word(lang, s.ContactDepth.Name()) + " · " + metText(lang, s, c.now, c.loc)
	}
	return i18n.T(lang, "*Stakeholders* (%d)", len(sorted)), lines
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
	// page, when set, says which page of the team's open leads this is,
	// for the summary and the button to the next one.
	page    *salesbot.LeadList
	cadence salesbot.Cadence
	now     time.Time
	loc     *time.Location
	lang    i18n.Lang
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
		heading := i18n.T(p.lang, "*%s* · %s · %d leads · %s", g, word(p.lang, g.Meaning()), len(leads), every(p.lang, p.cadence, g))
		blocks = append(blocks, chunks(heading, lines)...)
	}
	if open == 0 {
		blocks = append(blocks, section(i18n.T(p.lang, "No open leads here. Register one with `/lead new <company>`.")))
	}
	summary := i18n.T(p.lang, "%d open", open)
	if won+lost > 0 {
		summary += i18n.T(p.lang, " · %d won · %d lost", won, lost)
	}
	if p.page != nil {
		return p.paged(blocks, open)
	}
	if len(blocks) > maxBlocks {
		blocks = append(blocks[:maxBlocks-1], section(i18n.T(p.lang, "_…and more: narrow it with `/lead list A` (or B, C, D)._")))
	}
	return append(blocks, contextLine(summary))
}

// paged ends a page of the team's open leads: which ones of how many it
// shows, and a button to the next page when there is one.
func (p pipeline) paged(blocks []slack.Block, shown int) []slack.Block {
	pg := p.page
	if len(blocks) > maxBlocks-2 {
		blocks = blocks[:maxBlocks-2]
	}
	if shown > 0 {
		blocks = append(blocks, contextLine(i18n.T(p.lang, "Open leads %d–%d of %d", pg.Offset+1, pg.Offset+shown, pg.Total)))
	}
	if pg.Next > 0 {
		blocks = append(blocks, slack.NewActionBlock("list_more",
			slack.NewButtonBlockElement(actionListMore, listMoreValue(pg), plain(i18n.T(p.lang, "Show more")))))
	}
	return blocks
}

func (p pipeline) line(l *salesbot.Lead) string {
	touched := i18n.T(p.lang, "never touched")
	if !l.LastTouch.IsZero() {
		touched = i18n.T(p.lang, "touched %s", ago(p.lang, l.LastTouch, p.now, p.loc))
	}
	s := fmt.Sprintf("• *%s* — %s · %s · %s", esc(l.Company), word(p.lang, l.Stage.Name()), touched, dueIn(p.lang, l.NextDue(p.cadence), p.now, p.loc))
	if v := dealValue(p.lang, l); v != "" {
		s += " · " + v
	}
	if p.showOwner {
		s += " · <@" + l.Owner + ">"
	}
	return s
}

// chunks lays lines out under a heading in as many sections as their length
// needs.
func chunks(heading string, lines []string) []slack.Block {
	size := len(heading)
	for _, line := range lines {
		size += len(line) + 1
	}
	blocks := make([]slack.Block, 0, 1)
	var cur strings.Builder
	cur.Grow(min(size, 4*maxSectionText))
	cur.WriteString(heading)
	n := utf8.RuneCountInString(heading) // runes in cur
	for _, line := range lines {
		ln := utf8.RuneCountInString(line)
		if n+ln+1 > maxSectionText {
			blocks = append(blocks, section(cur.String()))
			size -= cur.Len()
			cur = strings.Builder{}
			cur.Grow(min(size, 4*maxSectionText))
			n = 0
		}
		if cur.Len() > 0 {
			cur.WriteByte('\n')
			n++
		}
		cur.WriteString(line)
		n += ln
	}
	return append(blocks, section(cur.String()))
}

var zhWeekdays = [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

// weekday writes t's date with its weekday: "Mon 2 Jan", "11月23日 周一".
func weekday(lang i18n.Lang, t time.Time) string {
	if lang == i18n.Zh {
		return fmt.Sprintf("%d月%d日 %s", int(t.Month()), t.Day(), zhWeekdays[t.Weekday()])
	}
	return t.Format("Mon 2 Jan")
}

// when writes t with its weekday and time: "Mon 2 Jan 15:04".
func when(lang i18n.Lang, t time.Time) string {
	return weekday(lang, t) + " " + t.Format("15:04")
}

// month writes t's month: "January 2006", "2026年1月".
func month(lang i18n.Lang, t time.Time) string {
	if lang == i18n.Zh {
		return fmt.Sprintf("%d年%d月", t.Year(), int(t.Month()))
	}
	return t.Format("January 2006")
}

// inZone is t in loc, or in UTC when loc is not known.
func inZone(t time.Time, loc *time.Location) time.Time {
	if loc == nil {
		return t.UTC()
	}
	return t.In(loc)
}
