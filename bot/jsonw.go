package bot

import (
	"reflect"
	"strconv"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// A reply's JSON written without reflection. encoding/json spends most of a
// card's encoding looking fields up by reflection (a fifth of the CPU a
// /lead show costs the bot); this writer appends the same bytes directly
// for the message fields, blocks and elements the bot's replies use, and
// declines anything else, which then goes through encoding/json as before.
// TestAppendReply checks it against encoding/json for every kind it writes.

// jw appends JSON to b; a value it does not know sets failed, and the
// caller throws b away.
type jw struct {
	b      []byte
	failed bool
}

// appendReply appends m as writeJSON's encoding/json path writes it (the
// message with its blocks, then a newline). ok is false when m holds a
// field, block or element this writer does not know.
func appendReply(b []byte, m *slack.Msg) (out []byte, ok bool) {
	if !plainMsg(m) {
		return b, false
	}
	w := jw{b: b}
	w.b = append(w.b, '{')
	first := true
	field := func(name string) {
		if !first {
			w.b = append(w.b, ',')
		}
		first = false
		w.b = append(w.b, '"')
		w.b = append(w.b, name...)
		w.b = append(w.b, '"', ':')
	}
	for _, f := range []struct{ name, v string }{
		{"type", m.Type}, {"channel", m.Channel}, {"user", m.User}, {"text", m.Text},
		{"ts", m.Timestamp}, {"thread_ts", m.ThreadTimestamp}, {"response_type", m.ResponseType},
	} {
		if f.v != "" {
			field(f.name)
			w.str(f.v)
		}
	}
	field("replace_original")
	w.bool(m.ReplaceOriginal)
	field("delete_original")
	w.bool(m.DeleteOriginal)
	field("metadata")
	w.b = append(w.b, `{"event_type":`...)
	w.str(m.Metadata.EventType)
	w.b = append(w.b, `,"event_payload":null}`...)
	if blocks := m.Blocks.BlockSet; len(blocks) > 0 {
		field("blocks")
		array(&w, blocks, w.block)
	}
	w.b = append(w.b, '}', '\n')
	return w.b, !w.failed
}

// plainMsg reports whether m sets only the fields appendReply writes: the
// rest of slack.Msg (attachments, files, a metadata payload …) is left to
// encoding/json. It looks at a copy with those fields cleared, so a field
// a newer slack-go adds is declined too.
func plainMsg(m *slack.Msg) bool {
	if m.Metadata.EventPayload != nil {
		return false
	}
	c := *m
	c.Type, c.Channel, c.User, c.Text, c.Timestamp, c.ThreadTimestamp, c.ResponseType = "", "", "", "", "", "", ""
	c.ReplaceOriginal, c.DeleteOriginal = false, false
	c.Metadata.EventType = ""
	c.Blocks = slack.Blocks{}
	return reflect.ValueOf(&c).Elem().IsZero()
}

func (w *jw) block(blk slack.Block) {
	switch b := blk.(type) {
	case *slack.HeaderBlock:
		if b == nil {
			break
		}
		w.b = append(w.b, `{"type":`...)
		w.str(string(b.Type))
		if b.Text != nil {
			w.b = append(w.b, `,"text":`...)
			w.text(b.Text)
		}
		w.optStr("block_id", b.BlockID)
		if b.Level != 0 {
			w.b = append(w.b, `,"level":`...)
			w.b = strconv.AppendInt(w.b, int64(b.Level), 10)
		}
		w.b = append(w.b, '}')
		return
	case *slack.SectionBlock:
		if b == nil {
			break
		}
		w.b = append(w.b, `{"type":`...)
		w.str(string(b.Type))
		if b.Text != nil {
			w.b = append(w.b, `,"text":`...)
			w.text(b.Text)
		}
		w.optStr("block_id", b.BlockID)
		if len(b.Fields) > 0 {
			w.b = append(w.b, `,"fields":`...)
			array(w, b.Fields, w.text)
		}
		if b.Accessory != nil {
			w.b = append(w.b, `,"accessory":`...)
			w.element(accessoryElement(b.Accessory))
		}
		if b.Expand {
			w.b = append(w.b, `,"expand":true`...)
		}
		w.b = append(w.b, '}')
		return
	case *slack.DividerBlock:
		if b == nil {
			break
		}
		w.b = append(w.b, `{"type":`...)
		w.str(string(b.Type))
		w.optStr("block_id", b.BlockID)
		w.b = append(w.b, '}')
		return
	case *slack.ContextBlock:
		if b == nil {
			break
		}
		w.b = append(w.b, `{"type":`...)
		w.str(string(b.Type))
		w.optStr("block_id", b.BlockID)
		w.b = append(w.b, `,"elements":`...)
		array(w, b.ContextElements.Elements, w.mixed)
		w.b = append(w.b, '}')
		return
	case *slack.ActionBlock:
		if b == nil {
			break
		}
		w.b = append(w.b, `{"type":`...)
		w.str(string(b.Type))
		w.optStr("block_id", b.BlockID)
		w.b = append(w.b, `,"elements":`...)
		if b.Elements == nil {
			w.b = append(w.b, "null"...)
		} else {
			array(w, b.Elements.ElementSet, w.element)
		}
		w.b = append(w.b, '}')
		return
	}
	w.failed = true
}

// mixed writes an element of a context block.
func (w *jw) mixed(e slack.MixedElement) {
	switch e := e.(type) {
	case *slack.TextBlockObject:
		if e != nil {
			w.text(e)
			return
		}
	case *slack.ImageBlockElement:
		if e != nil {
			w.image(e)
			return
		}
	}
	w.failed = true
}

// element writes an interactive element (an action block's, an
// accessory).
func (w *jw) element(e slack.BlockElement) {
	switch e := e.(type) {
	case *slack.ButtonBlockElement:
		if e == nil {
			break
		}
		w.b = append(w.b, '{')
		if e.Type != "" {
			w.b = append(w.b, `"type":`...)
			w.str(string(e.Type))
			w.b = append(w.b, ',')
		}
		w.b = append(w.b, `"text":`...)
		w.textOrNull(e.Text)
		w.optStr("action_id", e.ActionID)
		w.optStr("url", e.URL)
		w.optStr("value", e.Value)
		w.confirm(e.Confirm)
		w.optStr("style", string(e.Style))
		w.optStr("accessibility_label", e.AccessibilityLabel)
		w.optStr("agent_prompt", e.AgentPrompt)
		w.optStr("agent_prompt_display", e.AgentPromptDisplay)
		if len(e.VisibleToUserIDs) > 0 {
			w.b = append(w.b, `,"visible_to_user_ids":`...)
			array(w, e.VisibleToUserIDs, w.str)
		}
		w.b = append(w.b, '}')
		return
	case *slack.SelectBlockElement:
		if e == nil || e.Filter != nil {
			break
		}
		w.b = append(w.b, '{')
		start := len(w.b)
		sep := func() {
			if len(w.b) > start {
				w.b = append(w.b, ',')
			}
		}
		if e.Type != "" {
			w.b = append(w.b, `"type":`...)
			w.str(e.Type)
		}
		if e.Placeholder != nil {
			sep()
			w.b = append(w.b, `"placeholder":`...)
			w.text(e.Placeholder)
		}
		if e.ActionID != "" {
			sep()
			w.b = append(w.b, `"action_id":`...)
			w.str(e.ActionID)
		}
		if len(e.Options) > 0 {
			sep()
			w.b = append(w.b, `"options":`...)
			w.options(e.Options)
		}
		if len(e.OptionGroups) > 0 {
			sep()
			w.b = append(w.b, `"option_groups":`...)
			array(w, e.OptionGroups, w.group)
		}
		if e.InitialOption != nil {
			sep()
			w.b = append(w.b, `"initial_option":`...)
			w.option(e.InitialOption)
		}
		for _, f := range []struct{ name, v string }{
			{"initial_user", e.InitialUser}, {"initial_conversation", e.InitialConversation}, {"initial_channel", e.InitialChannel},
		} {
			if f.v != "" {
				sep()
				w.b = append(w.b, '"')
				w.b = append(w.b, f.name...)
				w.b = append(w.b, '"', ':')
				w.str(f.v)
			}
		}
		if e.DefaultToCurrentConversation {
			sep()
			w.b = append(w.b, `"default_to_current_conversation":true`...)
		}
		if e.ResponseURLEnabled {
			sep()
			w.b = append(w.b, `"response_url_enabled":true`...)
		}
		if e.MinQueryLength != nil {
			sep()
			w.b = append(w.b, `"min_query_length":`...)
			w.b = strconv.AppendInt(w.b, int64(*e.MinQueryLength), 10)
		}
		if e.Confirm != nil {
			sep()
			w.b = append(w.b, `"confirm":`...)
			w.confirmation(e.Confirm)
		}
		if e.FocusOnLoad {
			sep()
			w.b = append(w.b, `"focus_on_load":true`...)
		}
		w.b = append(w.b, '}')
		return
	case *slack.OverflowBlockElement:
		if e == nil {
			break
		}
		w.b = append(w.b, `{"type":`...)
		w.str(string(e.Type))
		w.optStr("action_id", e.ActionID)
		w.b = append(w.b, `,"options":`...)
		w.options(e.Options)
		w.confirm(e.Confirm)
		w.b = append(w.b, '}')
		return
	case *slack.DatePickerBlockElement:
		if e == nil {
			break
		}
		w.b = append(w.b, `{"type":`...)
		w.str(string(e.Type))
		w.optStr("action_id", e.ActionID)
		if e.Placeholder != nil {
			w.b = append(w.b, `,"placeholder":`...)
			w.text(e.Placeholder)
		}
		w.optStr("initial_date", e.InitialDate)
		w.confirm(e.Confirm)
		if e.FocusOnLoad {
			w.b = append(w.b, `,"focus_on_load":true`...)
		}
		w.b = append(w.b, '}')
		return
	case *slack.ImageBlockElement:
		if e != nil {
			w.image(e)
			return
		}
	}
	w.failed = true
}

func (w *jw) image(e *slack.ImageBlockElement) {
	if e.SlackFile != nil {
		w.failed = true
		return
	}
	w.b = append(w.b, `{"type":`...)
	w.str(string(e.Type))
	if e.ImageURL != nil {
		w.b = append(w.b, `,"image_url":`...)
		w.str(*e.ImageURL)
	}
	w.b = append(w.b, `,"alt_text":`...)
	w.str(e.AltText)
	w.b = append(w.b, '}')
}

func (w *jw) options(opts []*slack.OptionBlockObject) { array(w, opts, w.option) }

// array writes items as a JSON array, each with write, as encoding/json
// does: null for a nil slice, [] for an empty one.
func array[T any](w *jw, items []T, write func(T)) {
	if items == nil {
		w.b = append(w.b, "null"...)
		return
	}
	w.b = append(w.b, '[')
	for i, it := range items {
		if i > 0 {
			w.b = append(w.b, ',')
		}
		write(it)
	}
	w.b = append(w.b, ']')
}

func (w *jw) option(o *slack.OptionBlockObject) {
	if o == nil {
		w.b = append(w.b, "null"...)
		return
	}
	w.b = append(w.b, `{"text":`...)
	w.textOrNull(o.Text)
	w.b = append(w.b, `,"value":`...)
	w.str(o.Value)
	if o.Description != nil {
		w.b = append(w.b, `,"description":`...)
		w.text(o.Description)
	}
	w.optStr("url", o.URL)
	w.b = append(w.b, '}')
}

func (w *jw) group(g *slack.OptionGroupBlockObject) {
	if g == nil {
		w.b = append(w.b, "null"...)
		return
	}
	w.b = append(w.b, '{')
	if g.Label != nil {
		w.b = append(w.b, `"label":`...)
		w.text(g.Label)
		w.b = append(w.b, ',')
	}
	w.b = append(w.b, `"options":`...)
	w.options(g.Options)
	w.b = append(w.b, '}')
}

// confirm writes an element's optional confirmation dialog as a field.
func (w *jw) confirm(c *slack.ConfirmationBlockObject) {
	if c != nil {
		w.b = append(w.b, `,"confirm":`...)
		w.confirmation(c)
	}
}

func (w *jw) confirmation(c *slack.ConfirmationBlockObject) {
	w.b = append(w.b, `{"title":`...)
	w.textOrNull(c.Title)
	w.b = append(w.b, `,"text":`...)
	w.textOrNull(c.Text)
	w.b = append(w.b, `,"confirm":`...)
	w.textOrNull(c.Confirm)
	if c.Deny != nil {
		w.b = append(w.b, `,"deny":`...)
		w.text(c.Deny)
	}
	w.optStr("style", string(c.Style))
	w.b = append(w.b, '}')
}

func (w *jw) textOrNull(t *slack.TextBlockObject) {
	if t == nil {
		w.b = append(w.b, "null"...)
		return
	}
	w.text(t)
}

func (w *jw) text(t *slack.TextBlockObject) {
	if t == nil {
		w.failed = true // encoding/json writes null here; never sent
		return
	}
	w.b = append(w.b, `{"type":`...)
	w.str(t.Type)
	w.b = append(w.b, `,"text":`...)
	w.str(t.Text)
	if t.Emoji != nil {
		w.b = append(w.b, `,"emoji":`...)
		w.bool(*t.Emoji)
	}
	if t.Verbatim {
		w.b = append(w.b, `,"verbatim":true`...)
	}
	w.b = append(w.b, '}')
}

// optStr writes ,"name":"v" unless v is empty (omitempty after the first
// field).
func (w *jw) optStr(name, v string) {
	if v == "" {
		return
	}
	w.b = append(w.b, ',', '"')
	w.b = append(w.b, name...)
	w.b = append(w.b, '"', ':')
	w.str(v)
}

func (w *jw) bool(v bool) {
	if v {
		w.b = append(w.b, "true"...)
	} else {
		w.b = append(w.b, "false"...)
	}
}

// jsonSafe marks the ASCII bytes a JSON string holds as they are.
var jsonSafe = func() (safe [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		safe[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return safe
}()

// str writes s as a JSON string exactly as encoding/json's Encoder does
// (HTML-safe: <, > and & as \u003c, \u003e, \u0026; U+2028 and U+2029
// escaped; invalid UTF-8 as U+FFFD).
func (w *jw) str(s string) {
	const hex = "0123456789abcdef"
	b := append(w.b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if jsonSafe[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	w.b = append(b, '"')
}
