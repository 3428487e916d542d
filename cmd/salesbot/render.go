package main

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/slack-go/slack"
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
