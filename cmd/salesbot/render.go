package main

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/slack-go/slack"
	"golang.org/x/text/width"
)

// renderer writes Block Kit as text for a plain terminal: what a person
// would read in Slack, without the pixels. Buttons and menus are numbered so
// that they can be pressed with :click.
type renderer struct {
	names func(user string) string // a user's display name, "" when unknown
	color bool                     // bold and dim with ANSI codes; only on a terminal
	width int                      // where a row of buttons wraps
}

// control is a button or menu shown in a message.
type control struct {
	label    string
	actionID string
	blockID  string
	value    string                     // a button's value
	options  []*slack.OptionBlockObject // a menu's choices; nil for a button
	initial  *slack.OptionBlockObject   // a menu's current choice
	menu     bool
}

// Terminal attributes, used only when the renderer may colour.
const (
	ansiBold   = "\x1b[1m"
	ansiNoBold = "\x1b[22m"
	ansiDim    = "\x1b[2m"
	ansiReset  = "\x1b[0m"
)

// blocks renders a message: its blocks, or its text when it has none. Each
// button or menu is passed to number, which returns the number it is shown
// with.
func (r renderer) blocks(text string, blocks []slack.Block, number func(control) int) string {
	if len(blocks) == 0 {
		return r.mrkdwn(text)
	}
	var parts []string
	for _, b := range blocks {
		if s := r.block(b, number); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "\n")
}

func (r renderer) block(b slack.Block, number func(control) int) string {
	switch b := b.(type) {
	case *slack.HeaderBlock:
		t := r.text(b.Text)
		return r.bold(t) + "\n" + strings.Repeat("═", max(displayWidth(t), 3))
	case *slack.SectionBlock:
		var parts []string
		if b.Text != nil {
			parts = append(parts, r.labelled(b.Text, false))
		}
		if len(b.Fields) > 0 {
			parts = append(parts, r.fields(b.Fields))
		}
		if b.Accessory != nil {
			if c, ok := accessory(b.Accessory, b.BlockID); ok {
				parts = append(parts, r.controls([]control{c}, number))
			}
		}
		return strings.Join(parts, "\n")
	case *slack.DividerBlock:
		return strings.Repeat("─", r.width)
	case *slack.ContextBlock:
		var texts []string
		for _, e := range b.ContextElements.Elements {
			switch e := e.(type) {
			case *slack.TextBlockObject:
				texts = append(texts, r.text(e))
			case *slack.ImageBlockElement:
				texts = append(texts, "["+e.AltText+"]")
			}
		}
		return r.dim(indent(strings.Join(texts, "  "), "  "))
	case *slack.ActionBlock:
		if b.Elements == nil {
			return ""
		}
		var cs []control
		for _, e := range b.Elements.ElementSet {
			if c, ok := element(e, b.BlockID); ok {
				cs = append(cs, c)
			}
		}
		return r.controls(cs, number)
	case *slack.InputBlock:
		return r.text(b.Label) + ": …"
	case *slack.ImageBlock:
		return "[image: " + b.AltText + "]"
	case *slack.MarkdownBlock:
		return r.mrkdwn(b.Text)
	}
	return fmt.Sprintf("[%s block]", b.BlockType())
}

// element turns a button or a static menu into a control; other elements
// cannot be pressed from the console.
func element(e slack.BlockElement, blockID string) (control, bool) {
	switch e := e.(type) {
	case *slack.ButtonBlockElement:
		return control{label: plainText(e.Text), actionID: e.ActionID, blockID: blockID, value: e.Value}, true
	case *slack.SelectBlockElement:
		if e.Type != slack.OptTypeStatic {
			return control{}, false
		}
		options := e.Options
		for _, g := range e.OptionGroups {
			options = append(options, g.Options...)
		}
		label := plainText(e.Placeholder)
		if label == "" {
			label = "Choose"
		}
		return control{label: label, actionID: e.ActionID, blockID: blockID, options: options, initial: e.InitialOption, menu: true}, true
	case *slack.OverflowBlockElement:
		return control{label: "…", actionID: e.ActionID, blockID: blockID, options: e.Options, menu: true}, true
	}
	return control{}, false
}

func accessory(a *slack.Accessory, blockID string) (control, bool) {
	switch {
	case a.ButtonElement != nil:
		return element(a.ButtonElement, blockID)
	case a.SelectElement != nil:
		return element(a.SelectElement, blockID)
	case a.OverflowElement != nil:
		return element(a.OverflowElement, blockID)
	}
	return control{}, false
}

// controls lays out a row of numbered buttons and menus, wrapping it to the
// renderer's width.
func (r renderer) controls(cs []control, number func(control) int) string {
	var lines []string
	line := ""
	for _, c := range cs {
		label := emojify(c.label)
		if c.menu {
			label += " ▾"
		}
		item := fmt.Sprintf("[%d] %s", number(c), label)
		if line != "" && displayWidth(line)+2+displayWidth(item) > r.width-2 {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += "  "
		}
		line += item
	}
	if line != "" {
		lines = append(lines, line)
	}
	return indent(strings.Join(lines, "\n"), "  ")
}

// fields lays out a section's fields two to a line when they fit, one to a
// line when they do not. A field that is a bold label over a value reads
// "Label: value".
func (r renderer) fields(fs []*slack.TextBlockObject) string {
	cells := make([][]string, len(fs))
	for i, f := range fs {
		cells[i] = strings.Split(r.labelled(f, true), "\n")
	}
	left := 0
	for i := 0; i < len(cells); i += 2 {
		for _, l := range cells[i] {
			left = max(left, displayWidth(l))
		}
	}
	const gap = 4
	if left+gap > r.width/2 {
		var out []string
		for _, c := range cells {
			out = append(out, strings.Join(c, "\n"))
		}
		return strings.Join(out, "\n")
	}
	var out []string
	for i := 0; i < len(cells); i += 2 {
		var right []string
		if i+1 < len(cells) {
			right = cells[i+1]
		}
		for j := range max(len(cells[i]), len(right)) {
			l, rt := "", ""
			if j < len(cells[i]) {
				l = cells[i][j]
			}
			if j < len(right) {
				rt = right[j]
			}
			if rt == "" {
				out = append(out, l)
				continue
			}
			out = append(out, l+strings.Repeat(" ", left+gap-displayWidth(l))+rt)
		}
	}
	return strings.Join(out, "\n")
}

var labelled = regexp.MustCompile(`^\*([^*\n]+)\*\n`)

// labelled renders a text that starts with a bold label on a line of its
// own as "Label: value". A section's text does so only when the value is one
// line, so that a list stays under its heading; a field always does.
func (r renderer) labelled(f *slack.TextBlockObject, always bool) string {
	if f.Type == slack.MarkdownType {
		if m := labelled.FindStringSubmatch(f.Text); m != nil && (always || !strings.Contains(f.Text[len(m[0]):], "\n")) {
			return r.mrkdwn("*" + m[1] + ":* " + f.Text[len(m[0]):])
		}
	}
	return r.text(f)
}

// text renders a text object: mrkdwn is read as Slack reads it, plain text
// is shown as written (with its emoji).
func (r renderer) text(t *slack.TextBlockObject) string {
	if t == nil {
		return ""
	}
	if t.Type == slack.MarkdownType {
		return r.mrkdwn(t.Text)
	}
	return emojify(t.Text)
}

func plainText(t *slack.TextBlockObject) string {
	if t == nil {
		return ""
	}
	return t.Text
}

// mrkdwn turns Slack's mrkdwn into plain text: entities (<@U123>, <url|text>)
// become what they show, emoji shortcodes become emoji, *bold* _italic_ and
// ~strike~ lose their markers (bold stays bold on a terminal), and &amp;
// &lt; &gt; are unescaped. `Code` keeps its backticks, which show what to
// type.
func (r renderer) mrkdwn(s string) string {
	var b strings.Builder
	for i, part := range strings.Split(s, "`") {
		if i > 0 {
			b.WriteByte('`')
		}
		if i%2 == 1 && i < strings.Count(s, "`") { // inside a code span
			b.WriteString(unescape(part))
			continue
		}
		part = entity.ReplaceAllStringFunc(part, r.entity)
		part = emojify(part)
		part = r.emphasis(part)
		b.WriteString(unescape(part))
	}
	return b.String()
}

var entity = regexp.MustCompile(`<([^<>\n]+)>`)

// entity renders one <…> entity of mrkdwn.
func (r renderer) entity(m string) string {
	body := m[1 : len(m)-1]
	target, label, hasLabel := strings.Cut(body, "|")
	switch {
	case strings.HasPrefix(target, "@"):
		id := target[1:]
		if name := r.names(id); name != "" {
			return "@" + name
		}
		if hasLabel && label != "" {
			return "@" + strings.TrimPrefix(label, "@")
		}
		return "@" + id
	case strings.HasPrefix(target, "#"):
		if hasLabel && label != "" {
			return "#" + label
		}
		return target
	case strings.HasPrefix(target, "!"):
		if hasLabel {
			return label
		}
		if cmd, _, _ := strings.Cut(target[1:], "^"); cmd == "here" || cmd == "channel" || cmd == "everyone" {
			return "@" + cmd
		}
		return target[1:]
	case hasLabel:
		return label
	}
	return target
}

// emphasis drops the markers of *bold*, _italic_ and ~strike~ where Slack
// would read them as markers: opening after a space or punctuation, closing
// before one, with no space just inside.
func (r renderer) emphasis(s string) string {
	runes := []rune(s)
	var b strings.Builder
	for i := 0; i < len(runes); i++ {
		c := runes[i]
		if c != '*' && c != '_' && c != '~' || !opens(runes, i) {
			b.WriteRune(c)
			continue
		}
		end := closing(runes, i)
		if end < 0 {
			b.WriteRune(c)
			continue
		}
		inner := r.emphasis(string(runes[i+1 : end]))
		if c == '*' {
			inner = r.bold(inner)
		}
		b.WriteString(inner)
		i = end
	}
	return b.String()
}

func opens(runes []rune, i int) bool {
	if i+1 >= len(runes) || unicode.IsSpace(runes[i+1]) || runes[i+1] == runes[i] {
		return false
	}
	return i == 0 || boundary(runes[i-1])
}

// closing finds the marker that closes the one at i, on the same line.
func closing(runes []rune, i int) int {
	for j := i + 1; j < len(runes) && runes[j] != '\n'; j++ {
		if runes[j] != runes[i] || j == i+1 || unicode.IsSpace(runes[j-1]) {
			continue
		}
		if j+1 == len(runes) || boundary(runes[j+1]) {
			return j
		}
	}
	return -1
}

// boundary reports whether a marker next to r can open or close emphasis:
// anything but a letter or digit of a word written with spaces. Chinese and
// Japanese run words together, so their characters count as boundaries.
func boundary(r rune) bool {
	if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) {
		return true
	}
	return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '*' && r != '_' && r != '~'
}

var unescape = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace

func (r renderer) bold(s string) string {
	if !r.color || s == "" {
		return s
	}
	return ansiBold + s + ansiNoBold
}

func (r renderer) dim(s string) string {
	if !r.color || s == "" {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = ansiDim + l + ansiReset
	}
	return strings.Join(lines, "\n")
}

func indent(s, prefix string) string {
	if s == "" {
		return s
	}
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}

// emoji maps the shortcodes the bot writes, and some common ones, to the
// characters a terminal shows. Unknown shortcodes stay as they are.
var emoji = map[string]string{
	"white_check_mark": "✅", "heavy_check_mark": "✔️", "warning": "⚠️", "no_entry": "⛔",
	"no_entry_sign": "🚫", "x": "❌", "hourglass": "⌛", "hourglass_flowing_sand": "⏳",
	"trophy": "🏆", "lock": "🔒", "unlock": "🔓", "recycle": "♻️", "memo": "📝",
	"grey_question": "❔", "question": "❓", "grey_exclamation": "❕", "exclamation": "❗",
	"red_circle": "🔴", "large_orange_circle": "🟠", "large_yellow_circle": "🟡",
	"large_green_circle": "🟢", "large_blue_circle": "🔵", "white_circle": "⚪", "black_circle": "⚫",
	"angel": "😇", "innocent": "😇", "smiling_imp": "😈", "imp": "👿", "heart": "❤️",
	"arrow_up": "⬆️", "arrow_down": "⬇️", "arrow_right": "➡️", "arrow_left": "⬅️",
	"handshake": "🤝", "inbox_tray": "📥", "outbox_tray": "📤", "briefcase": "💼",
	"raising_hand": "🙋", "sunny": "☀️", "information_source": "ℹ️", "bell": "🔔",
	"calendar": "📆", "date": "📅", "spiral_calendar_pad": "🗓️", "alarm_clock": "⏰",
	"telephone_receiver": "📞", "email": "📧", "envelope": "✉️", "busts_in_silhouette": "👥",
	"bust_in_silhouette": "👤", "chart_with_upwards_trend": "📈", "chart_with_downwards_trend": "📉",
	"bar_chart": "📊", "clipboard": "📋", "pushpin": "📌", "mag": "🔍", "bulb": "💡",
	"tada": "🎉", "star": "⭐", "fire": "🔥", "rocket": "🚀", "eyes": "👀", "wave": "👋",
	"+1": "👍", "thumbsup": "👍", "-1": "👎", "thumbsdown": "👎", "zzz": "💤", "moneybag": "💰",
	"dart": "🎯", "construction": "🚧", "speech_balloon": "💬", "link": "🔗",
}

var shortcode = regexp.MustCompile(`:([a-z0-9_+\-]+):`)

func emojify(s string) string {
	return shortcode.ReplaceAllStringFunc(s, func(m string) string {
		if e, ok := emoji[m[1:len(m)-1]]; ok {
			return e
		}
		return m
	})
}

// displayWidth is how many terminal columns s takes: wide East Asian
// characters and emoji take two; ANSI codes, joiners and variation selectors
// none. Terminals differ on some emoji; this is close enough to line up
// columns.
func displayWidth(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if s[i] == '\x1b' {
			if j := strings.IndexByte(s[i:], 'm'); j > 0 {
				i += j + 1
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n += runeWidth(r)
	}
	return n
}

func runeWidth(r rune) int {
	switch {
	case r == 0x200D || (r >= 0xFE00 && r <= 0xFE0F) || unicode.Is(unicode.Mn, r):
		return 0
	case r >= 0x1F000:
		return 2
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// wrap breaks the lines of s that are wider than width at spaces, for a
// terminal that would otherwise break them mid-word. What follows a break
// is indented as its line was, and past a leading bullet.
func wrap(s string, width int) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		out = append(out, wrapLine(line, width)...)
	}
	return strings.Join(out, "\n")
}

func wrapLine(line string, width int) []string {
	if displayWidth(line) <= width {
		return []string{line}
	}
	attrs := "" // leading ANSI codes, which take no room
	for strings.HasPrefix(line[len(attrs):], "\x1b[") {
		j := strings.IndexByte(line[len(attrs):], 'm')
		if j < 0 {
			break
		}
		attrs = line[:len(attrs)+j+1]
	}
	body := strings.TrimLeft(line[len(attrs):], " ")
	indent := strings.Repeat(" ", len(line)-len(attrs)-len(body))
	hang := indent
	if strings.HasPrefix(body, "• ") {
		hang += "  "
	}
	var lines []string
	cur, words := attrs+indent, 0
	for _, word := range strings.Split(body, " ") {
		if words > 0 && displayWidth(cur)+1+displayWidth(word) > width {
			lines = append(lines, cur)
			cur, words = hang+word, 1
			continue
		}
		if words > 0 {
			cur += " "
		}
		cur += word
		words++
	}
	return append(lines, cur)
}
