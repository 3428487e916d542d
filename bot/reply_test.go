package bot

import (
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/slack-go/slack"
)

// TestReplyEncodesAsSlackMsg checks that a reply written through msgReply
// says what slack.Msg's own encoding says.
func TestReplyEncodesAsSlackMsg(t *testing.T) {
	msg := &slack.Msg{
		ResponseType: slack.ResponseTypeEphemeral, Text: "Acme <&> — lead card", ReplaceOriginal: true,
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, "Acme", true, false)),
			slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "*Owner*\n<@U1>", false, false), nil, nil),
			slack.NewActionBlock("lead_actions", slack.NewButtonBlockElement("visit_open", "id|Acme", slack.NewTextBlockObject(slack.PlainTextType, "Log visit", true, false))),
			slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, "Registered", false, false)),
		}},
	}
	want, err := json.Marshal(msg)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	writeJSON(rec, msg)
	var got, wantMap map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(want, &wantMap); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, wantMap) {
		t.Errorf("reply:\n%s\nslack.Msg encodes as:\n%s", rec.Body.Bytes(), want)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("content type %q", ct)
	}
}
