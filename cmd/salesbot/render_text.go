package main

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

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
	"raising_hand": "🙋", "parking": "🅿️", "sunny": "☀️", "information_source": "ℹ️", "bell": "🔔",
	"calendar": "📆", "date": "📅", "spiral_calendar_pad": "🗓️", "alarm_clock": "⏰",
	"telephone_receiver": "📞", "email": "📧", "envelope": "✉️", "busts_in_silhouette": "👥",
	"bust_in_silhouette": "👤", "chart_with_upwards_trend": "📈", "chart_with_downwards_trend": "📉",
	"bar_chart": "📊", "clipboard": "📋", "pushpin": "📌", "mag": "🔍", "bulb": "💡",
	"tada": "🎉", "star": "⭐", "fire": "🔥", "rocket": "🚀", "eyes": "👀", "wave": "👋",
	"+1": "👍", "thumbsup": "👍", "-1": "👎", "thumbsdown": "👎", "zzz": "💤", "moneybag": "💰", "rotating_light": "🚨", "wastebasket": "🗑️", "page_facing_up": "📄",
	"dart": "🎯", "construction": "🚧", "speech_balloon": "💬", "link": "🔗",
	"globe_with_meridians": "🌐", "new": "🆕",
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
