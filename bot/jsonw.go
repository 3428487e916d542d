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
