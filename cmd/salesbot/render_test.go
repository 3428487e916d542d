package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/slack-go/slack"
)

func TestMrkdwn(t *testing.T) {
	r := renderer{names: demoName, width: 78}
	for _, tc := range []struct{ in, want string }{
		{"*Acme* is your lead, graded *B*.", "Acme is your lead, graded B."},
		{"_send the quote_ on 2026-05-01", "send the quote on 2026-05-01"},
		{"~old~ new", "old new"},
		{"*上海明达*是你的", "上海明达是你的"},
		{"snake_case_name and 2*3*4 stay", "snake_case_name and 2*3*4 stay"},
		{"a * b * c", "a * b * c"},
		{"<@U0WANGFANG> asks <@U0NOBODY>", "@Wang Fang asks @U0NOBODY"},
		{"<@U0NOBODY|lee> and <#C123|general>", "@lee and #general"},
		{"see <https://example.com/x|the docs> or <https://example.com>", "see the docs or https://example.com"},
		{"&lt;!channel&gt; &amp; co", "<!channel> & co"},
		{"<!here> look", "@here look"},
		{":white_check_mark: done :no_such_emoji: at 10:30:00", "✅ done :no_such_emoji: at 10:30:00"},
		{"`/lead new &lt;company&gt;` *now*", "`/lead new <company>` now"},
		{"`*kept*` and *cut*", "`*kept*` and cut"},
		{":red_circle: overdue by 2 days · :large_orange_circle: due today", "🔴 overdue by 2 days · 🟠 due today"},
	} {
		if got := r.mrkdwn(tc.in); got != tc.want {
			t.Errorf("mrkdwn(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}

func TestRenderBlocks(t *testing.T) {
	plainT := func(s string) *slack.TextBlockObject {
		return slack.NewTextBlockObject(slack.PlainTextType, s, true, false)
	}
	md := func(s string) *slack.TextBlockObject {
		return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
	}
	opts := []*slack.OptionBlockObject{slack.NewOptionBlockObject("x|A", plainT("A"), nil), slack.NewOptionBlockObject("x|B", plainT("B"), nil)}
	blocks := []slack.Block{
		slack.NewHeaderBlock(plainT("北京新创")),
		slack.NewSectionBlock(nil, []*slack.TextBlockObject{md("*Owner*\n<@U0TOMREED>"), md("*Grade*\nB"), md("*Stage*\nDemo"), md("*Next touch*\ntoday\n_call back_")}, nil),
		slack.NewDividerBlock(),
		slack.NewSectionBlock(md("*Key facts*\n:white_check_mark: *Budget*: 1M\n:grey_question: *Unknown*: Need"), nil, nil),
		slack.NewContextBlock("", md("Registered by <@U0LIUYANG>")),
		slack.NewActionBlock("a", slack.NewButtonBlockElement("visit_open", "x", plainT("Log visit")),
			slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plainT("Regrade"), "grade_set", opts...)),
		slack.NewActionBlock("b", slack.NewButtonBlockElement("approve", "y", plainT("Approve"))),
	}
	var got []control
	r := renderer{names: demoName, width: 40}
	text := r.blocks("fallback", blocks, func(c control) int { got = append(got, c); return len(got) })
	want := strings.Join([]string{
		"北京新创",
		"════════",
		"Owner: @Tom Reed    Grade: B",
		"Stage: Demo         Next touch: today",
		"                    call back",
		strings.Repeat("─", 40),
		"Key facts",
		"✅ Budget: 1M",
		"❔ Unknown: Need",
		"  Registered by @Liu Yang",
		"  [1] Log visit  [2] Regrade ▾",
		"  [3] Approve",
	}, "\n")
	if text != want {
		t.Errorf("rendered:\n%s\nwant:\n%s", text, want)
	}
	if len(got) != 3 || got[0].actionID != "visit_open" || !got[1].menu || len(got[1].options) != 2 || got[2].value != "y" {
		t.Errorf("controls = %+v", got)
	}
	if r.blocks("*just* text", nil, nil) != "just text" {
		t.Errorf("a message without blocks shows its text")
	}

	r.color = true
	if s := r.blocks("", blocks[4:5], nil); s != ansiDim+"  Registered by @Liu Yang"+ansiReset {
		t.Errorf("context on a terminal = %q; want it dimmed", s)
	}
}

// TestEveryShortcodeTheBotWritesIsAnEmoji reads the code that words the
// bot's messages, in both languages, for emoji shortcodes: the console
// shows each as its emoji, not as ":name:".
func TestEveryShortcodeTheBotWritesIsAnEmoji(t *testing.T) {
	code := regexp.MustCompile(`:([a-z][a-z0-9_+\-]*[a-z0-9]):`)
	for _, dir := range []string{"../../handlers", "../../i18n", "../../scheduler", "../.."} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			src, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range code.FindAllStringSubmatch(string(src), -1) {
				if _, ok := emoji[m[1]]; !ok {
					t.Errorf("%s writes %s, which the console shows as it is", name, m[0])
				}
			}
		}
	}
}
