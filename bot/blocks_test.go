package bot

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/slack-go/slack"
)

// TestDirectBlocks encodes a message with every kind of block and element
// the bot sends, as slack-go encodes it and as writeJSON does: the same
// bytes.
func TestDirectBlocks(t *testing.T) {
	txt := func(s string) *slack.TextBlockObject {
		return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
	}
	plain := func(s string) *slack.TextBlockObject {
		return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
	}
	button := slack.NewButtonBlockElement("act", "v1", plain("Log a visit"))
	button.Style = slack.StylePrimary
	sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Grade"), "grade",
		slack.NewOptionBlockObject("A", plain("A"), nil), slack.NewOptionBlockObject("B", plain("B <&>"), nil))
	sel.InitialOption = slack.NewOptionBlockObject("B", plain("B <&>"), nil)
	over := slack.NewOverflowBlockElement("more", slack.NewOptionBlockObject("x", plain("X"), nil))
	date := slack.NewDatePickerBlockElement("day")
	blocks := []slack.Block{
		slack.NewHeaderBlock(plain("Acme — lead card")),
		slack.NewSectionBlock(txt("*Acme* <b>"), []*slack.TextBlockObject{txt("a"), txt("b")}, nil),
		slack.NewSectionBlock(txt("with a button"), nil, slack.NewAccessory(button)),
		slack.NewSectionBlock(txt("with a menu"), nil, slack.NewAccessory(sel)),
		slack.NewSectionBlock(txt("with an overflow"), nil, slack.NewAccessory(over), slack.SectionBlockOptionBlockID("s4")),
		slack.NewSectionBlock(txt("with an empty accessory"), nil, &slack.Accessory{}),
		slack.NewDividerBlock(),
		slack.NewActionBlock("actions", button, sel, date),
		&slack.ActionBlock{Type: slack.MBTAction},
		slack.NewContextBlock("ctx", txt(":warning: stalled"), plain("note")),
		slack.NewInputBlock("in", plain("Notes"), nil, slack.NewPlainTextInputBlockElement(plain("…"), "notes")),
	}
	msg := &slack.Msg{ResponseType: slack.ResponseTypeEphemeral, Text: "Acme", Blocks: slack.Blocks{BlockSet: blocks}}
	want, err := json.Marshal(msg)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(msgReply{Msg: msg, Blocks: directBlocks(blocks)}); err != nil {
		t.Fatal(err)
	}
	if got := bytes.TrimSuffix(buf.Bytes(), []byte("\n")); !bytes.Equal(got, want) {
		t.Errorf("direct blocks encode as\n%s\nwant, as slack-go encodes them,\n%s", got, want)
	}
}
