package bot

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/slack-go/slack"
)

// hostile are texts that encoding/json escapes: markup, quotes, control
// characters, HTML-unsafe bytes, JSONP-unsafe separators, invalid UTF-8.
var hostile = []string{
	"", "plain", `<!channel> & <@U1> "quoted" \back\slash`, "line\nbreak\r\ttab\b\f\x00\x01\x1f\x7f",
	"中文 · 报价 — “curly” ‘quotes’ …", "emoji 🎉 :tada:", "sep\u2028and\u2029", "bad \xff\xfe utf8 \xc3", "&amp;&lt;&gt;",
	"</script><script>alert(1)</script>", strings.Repeat("long ", 700),
}

// reference is writeJSON's encoding/json path for m.
func reference(t *testing.T, m *slack.Msg) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(msgReply{Msg: m, Blocks: directBlocks(m.Blocks.BlockSet)}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func checkAppend(t *testing.T, name string, m *slack.Msg) {
	t.Helper()
	got, ok := appendReply(nil, m)
	if !ok {
		t.Errorf("%s: appendReply declines it", name)
		return
	}
	if want := reference(t, m); !bytes.Equal(got, want) {
		t.Errorf("%s: appendReply writes\n%s\nencoding/json\n%s", name, got, want)
	}
}

// everyKind is a message with every block and element kind appendReply
// writes, each with its optional fields set, and text s everywhere.
func everyKind(s string) *slack.Msg {
	txt := func(s string) *slack.TextBlockObject {
		return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
	}
	plain := func(s string) *slack.TextBlockObject {
		return slack.NewTextBlockObject(slack.PlainTextType, s, true, false)
	}
	verbatim := slack.NewTextBlockObject(slack.MarkdownType, s, false, true)
	noEmoji := slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
	confirm := slack.NewConfirmationBlockObject(plain(s), txt(s), plain("Yes "+s), plain("No "+s))
	confirm.Style = slack.StyleDanger
	button := slack.NewButtonBlockElement("act", s, plain(s)).WithStyle(slack.StylePrimary).WithConfirm(confirm).WithURL("https://example.com/?a=1&b=<2>")
	button.AccessibilityLabel, button.AgentPrompt, button.AgentPromptDisplay, button.VisibleToUserIDs = s, s, s, []string{"U1", s}
	bare := &slack.ButtonBlockElement{Text: plain(s)}
	opt := slack.NewOptionBlockObject("v|"+s, plain(s), txt(s))
	opt.URL = "https://example.com/" + s
	sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain(s), "grade", opt, slack.NewOptionBlockObject("B", noEmoji, nil), nil)
	sel.InitialOption, sel.Confirm, sel.FocusOnLoad = opt, confirm, true
	group := slack.NewOptionsGroupSelectBlockElement(slack.OptTypeStatic, plain(s), "grouped",
		slack.NewOptionGroupBlockElement(plain(s), opt), &slack.OptionGroupBlockObject{}, nil)
	n := 3
	users := &slack.SelectBlockElement{Type: slack.OptTypeUser, ActionID: "who", InitialUser: "U1", InitialConversation: s, InitialChannel: "C1",
		DefaultToCurrentConversation: true, ResponseURLEnabled: true, MinQueryLength: &n}
	over := slack.NewOverflowBlockElement("more", opt, slack.NewOptionBlockObject("x", plain("X"), nil))
	over.Confirm = confirm
	date := slack.NewDatePickerBlockElement("day")
	date.Placeholder, date.InitialDate, date.Confirm, date.FocusOnLoad = plain(s), "2026-12-04", confirm, true
	img := slack.NewImageBlockElement("https://example.com/"+s+".png", s)
	header := slack.NewHeaderBlock(plain(s), slack.HeaderBlockOptionBlockID("h"))
	header.Level = 2
	section := slack.NewSectionBlock(txt(s), []*slack.TextBlockObject{txt(s), verbatim, noEmoji}, slack.NewAccessory(button), slack.SectionBlockOptionBlockID("b"+s))
	section.Expand = true
	blocks := []slack.Block{
		header,
		slack.NewHeaderBlock(nil),
		section,
		slack.NewSectionBlock(nil, []*slack.TextBlockObject{txt(s)}, nil),
		slack.NewSectionBlock(txt("menu"), nil, slack.NewAccessory(sel)),
		slack.NewSectionBlock(txt("overflow"), nil, slack.NewAccessory(over)),
		slack.NewSectionBlock(txt("date"), nil, slack.NewAccessory(date)),
		slack.NewSectionBlock(txt("image"), nil, slack.NewAccessory(img)),
		slack.NewDividerBlock(),
		&slack.DividerBlock{Type: slack.MBTDivider, BlockID: s},
		slack.NewActionBlock("actions "+s, button, bare, sel, group, users, over, date, &slack.SelectBlockElement{}, &slack.OverflowBlockElement{Type: "overflow"}),
		&slack.ActionBlock{Type: slack.MBTAction},
		&slack.ActionBlock{Type: slack.MBTAction, Elements: &slack.BlockElements{}},
		slack.NewContextBlock("ctx", txt(s), plain(s), img, &slack.ImageBlockElement{Type: slack.METImage, AltText: s}),
		&slack.ContextBlock{Type: slack.MBTContext},
	}
	return &slack.Msg{
		Type: "message", Channel: "C1", User: "U1", Text: s, Timestamp: "1.2", ThreadTimestamp: "1.1",
		ResponseType: slack.ResponseTypeEphemeral, ReplaceOriginal: true, DeleteOriginal: true,
		Metadata: slack.SlackMetadata{EventType: s}, Blocks: slack.Blocks{BlockSet: blocks},
	}
}

// TestAppendReply checks that appendReply writes what encoding/json
// writes, byte for byte, for every block, element and message field it
// knows, with hostile text in each.
func TestAppendReply(t *testing.T) {
	for _, s := range hostile {
		checkAppend(t, "every kind with "+s, everyKind(s))
	}
	checkAppend(t, "no blocks", &slack.Msg{ResponseType: slack.ResponseTypeEphemeral, Text: ":warning: no"})
	checkAppend(t, "empty", &slack.Msg{})
	checkAppend(t, "empty block list", &slack.Msg{Text: "x", Blocks: slack.Blocks{BlockSet: []slack.Block{}}})

	// Random strings of the bytes and runes that matter.
	pieces := []string{"a", "<", ">", "&", `"`, `\`, "\n", "\x00", "\x1f", "\x7f", "é", "中", "🎉", "\u2028", "\u2029", "\xff", "\xe4\xb8", " "}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		var b strings.Builder
		for range rng.IntN(20) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		checkAppend(t, "random", everyKind(b.String()))
	}
}

// TestAppendReplyDeclines checks that what appendReply does not know is
// left to encoding/json, and that writeJSON still writes it as before.
func TestAppendReplyDeclines(t *testing.T) {
	txt := slack.NewTextBlockObject(slack.MarkdownType, "x", false, false)
	for name, m := range map[string]*slack.Msg{
		"attachments":     {Text: "x", Attachments: []slack.Attachment{{Text: "a"}}},
		"payload":         {Text: "x", Metadata: slack.SlackMetadata{EventType: "e", EventPayload: map[string]any{"a": 1}}},
		"input block":     {Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewInputBlock("in", txt, nil, slack.NewPlainTextInputBlockElement(nil, "n"))}}},
		"empty accessory": {Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewSectionBlock(txt, nil, &slack.Accessory{})}}},
		"nil block":       {Blocks: slack.Blocks{BlockSet: []slack.Block{(*slack.SectionBlock)(nil)}}},
		"nil text field":  {Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewSectionBlock(nil, []*slack.TextBlockObject{nil}, nil)}}},
		"image block":     {Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewImageBlock("https://example.com/a.png", "a", "", nil)}}},
		"radio accessory": {Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewSectionBlock(txt, nil, slack.NewAccessory(slack.NewRadioButtonsBlockElement("r")))}}},
		"select filter":   {Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewActionBlock("a", &slack.SelectBlockElement{Type: "conversations_select", Filter: &slack.SelectBlockElementFilter{}})}}},
	} {
		if _, ok := appendReply(nil, m); ok {
			t.Errorf("%s: appendReply writes it", name)
		}
		var buf bytes.Buffer
		if err := encodeReply(&buf, m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if want := reference(t, m); !bytes.Equal(buf.Bytes(), want) {
			t.Errorf("%s: writeJSON writes\n%s\nwant\n%s", name, buf.Bytes(), want)
		}
	}
}

// TestAppendReplyEveryMsgField sets each field of slack.Msg in turn: either
// appendReply declines the message or writes what encoding/json writes. A
// field a newer slack-go adds is covered without changing this test.
func TestAppendReplyEveryMsgField(t *testing.T) {
	typ := reflect.TypeFor[slack.Msg]()
	written := 0
	for i := range typ.NumField() {
		m := &slack.Msg{Text: "x"}
		f := reflect.ValueOf(m).Elem().Field(i)
		if !setNonZero(f) {
			t.Logf("%s: not set (kind %s)", typ.Field(i).Name, f.Kind())
			continue
		}
		got, ok := appendReply(nil, m)
		if !ok {
			continue
		}
		written++
		if want := reference(t, m); !bytes.Equal(got, want) {
			t.Errorf("with %s set: appendReply writes\n%s\nencoding/json\n%s", typ.Field(i).Name, got, want)
		}
	}
	if written < 10 {
		t.Errorf("appendReply writes only %d of slack.Msg's fields set alone", written)
	}
}

// setNonZero gives v a value other than its zero value, if it can.
func setNonZero(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.String:
		v.SetString("s<&>")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64:
		v.SetInt(7)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
	case reflect.Struct:
		for i := range v.NumField() {
			if setNonZero(v.Field(i)) {
				return true
			}
		}
		return false
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
	default:
		return false
	}
	return true
}

// BenchmarkReply encodes a card-sized reply both ways.
func BenchmarkReply(b *testing.B) {
	m := everyKind("Acme Industrial <&> — lead card")
	b.Run("append", func(b *testing.B) {
		b.ReportAllocs()
		var buf bytes.Buffer
		for b.Loop() {
			buf.Reset()
			if err := encodeReply(&buf, m); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		b.ReportAllocs()
		var buf bytes.Buffer
		for b.Loop() {
			buf.Reset()
			if err := json.NewEncoder(&buf).Encode(msgReply{Msg: m, Blocks: directBlocks(m.Blocks.BlockSet)}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
