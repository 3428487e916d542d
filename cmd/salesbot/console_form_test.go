package main

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"salesbot"
)

// scriptedLines is a lineReader that types the given lines, one per prompt,
// and remembers the prompts.
type scriptedLines struct {
	lines   []string
	prompts []string
}

func (s *scriptedLines) ReadLine(prompt string) (string, error) {
	s.prompts = append(s.prompts, prompt)
	if len(s.lines) == 0 {
		return "", io.EOF
	}
	line := s.lines[0]
	s.lines = s.lines[1:]
	return line, nil
}

func (s *scriptedLines) Close() error { return nil }

// formConsole is a console with no handlers that reads the given lines:
// enough to fill in a form and build its submission.
func formConsole(lines ...string) (*console, *scriptedLines, *bytes.Buffer) {
	in := &scriptedLines{lines: lines}
	out := &bytes.Buffer{}
	c := &console{
		team: "T0FORM", user: "U0FORM", loc: time.UTC, in: in, out: out,
		render: renderer{names: demoName, width: screenWidth},
		slack:  newConsoleSlack("T0FORM", "UTC", func(string) bool { return false }),
	}
	return c, in, out
}

func formText(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
}

func formOption(value, text string) *slack.OptionBlockObject {
	return slack.NewOptionBlockObject(value, formText(text), nil)
}

// everyInput is a form with each kind of input the handlers' forms use, and
// one the console cannot fill in.
func everyInput() openedView {
	company := slack.NewPlainTextInputBlockElement(nil, "company_value")
	company.MaxLength = 10
	notes := slack.NewPlainTextInputBlockElement(nil, "notes_value")
	notes.Multiline = true
	optionalNotes := slack.NewInputBlock("notes", formText("Notes"), nil, notes)
	optionalNotes.Optional = true
	grade := slack.NewOptionsGroupSelectBlockElement(slack.OptTypeStatic, nil, "grade_value",
		slack.NewOptionGroupBlockElement(formText("Soon"), formOption("A", "A · closes within 3 months"), formOption("B", "B · closes in 4–6 months")),
		slack.NewOptionGroupBlockElement(formText("Later"), formOption("C", "C · closes in 7–12 months"), formOption("D", "D · not within 12 months")))
	support := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, nil, "support_value",
		formOption("-1", "uninterested"), formOption("0", "neutral"), formOption("1", "friendly"))
	support.InitialOption = formOption("0", "neutral")
	next := slack.NewDatePickerBlockElement("next_value")
	next.InitialDate = "2026-12-01"
	return openedView{id: "V0FORM", view: slack.ModalViewRequest{
		Type: slack.VTModal, Title: formText("Every input"), CallbackID: "every_input", PrivateMetadata: "meta",
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "*Tell us* about it", false, false), nil, nil),
			slack.NewInputBlock("company", formText("Company"), nil, company),
			slack.NewInputBlock("grade", formText("Grade"), nil, grade),
			slack.NewInputBlock("support", formText("Support"), nil, support),
			slack.NewInputBlock("owner", formText("Owner"), nil, slack.NewOptionsSelectBlockElement(slack.OptTypeUser, nil, "owner_value")),
			slack.NewInputBlock("date", formText("Date"), nil, slack.NewDatePickerBlockElement("date_value")),
			slack.NewInputBlock("next", formText("Next"), nil, next),
			optionalNotes,
			slack.NewInputBlock("amount", formText("Amount"), nil, slack.NewNumberInputBlockElement(nil, "amount_value", false)),
		}},
	}}
}

// TestFormFillerFillsEveryInput fills in a form with each kind of input,
// answering some wrongly first, and checks the submission the handlers
// would get: each answer where Slack puts it.
func TestFormFillerFillsEveryInput(t *testing.T) {
	c, in, out := formConsole(
		"", "A very long company name", "Acme", // required, then too long
		"9", "b", // no option 9; "b" starts one option's text
		"", // keeps the initial choice
		"nobody", "<@U0TOMREED>",
		"soon", "tomorrow",
		"", // keeps the initial date
		"", // optional: left empty
	)
	v := everyInput()
	fields := c.formFields(v)
	if len(fields) != 8 {
		t.Fatalf("%d fields; want the form's 8 inputs", len(fields))
	}
	for _, f := range fields {
		if err := c.ask(f); err != nil {
			t.Fatalf("ask %s: %v", f.label, err)
		}
	}
	if len(in.lines) != 0 {
		t.Errorf("lines left unread: %q", in.lines)
	}
	cb := c.submission(v, fields)
	if cb.Type != slack.InteractionTypeViewSubmission || cb.View.CallbackID != "every_input" || cb.View.PrivateMetadata != "meta" || cb.View.ID != "V0FORM" || cb.User.ID != "U0FORM" || cb.Team.ID != "T0FORM" {
		t.Errorf("submission %+v does not carry the form and who sent it", cb)
	}
	values := cb.View.State.Values
	tomorrow := salesbot.DateOf(time.Now().UTC()).AddDays(1).String()
	for _, tc := range []struct {
		block, action, got, want string
	}{
		{"company", "company_value", values["company"]["company_value"].Value, "Acme"},
		{"grade", "grade_value", values["grade"]["grade_value"].SelectedOption.Value, "B"},
		{"support", "support_value", values["support"]["support_value"].SelectedOption.Value, "0"},
		{"owner", "owner_value", values["owner"]["owner_value"].SelectedUser, "U0TOMREED"},
		{"date", "date_value", values["date"]["date_value"].SelectedDate, tomorrow},
		{"next", "next_value", values["next"]["next_value"].SelectedDate, "2026-12-01"},
		{"notes", "notes_value", values["notes"]["notes_value"].Value, ""},
		{"amount", "amount_value", values["amount"]["amount_value"].Value, ""},
	} {
		if tc.got != tc.want {
			t.Errorf("%s.%s = %q; want %q", tc.block, tc.action, tc.got, tc.want)
		}
	}
	if got := values["grade"]["grade_value"].Type; got != slack.ActionType(slack.OptTypeStatic) {
		t.Errorf("grade's type %q; want %q", got, slack.OptTypeStatic)
	}
	mustContain(t, "the form", out.String(),
		"Tell us about it",
		"Company is required.", "keep it to 10 characters",
		"1) A · closes within 3 months", "Choose 1 to 4", "→ B · closes in 4–6 months",
		"1) uninterested  2) neutral  3) friendly",
		`"nobody" is not a user ID`,
		"write the date as YYYY-MM-DD",
		"the console cannot fill in a number_input input",
	)
	mustContain(t, "the prompts", strings.Join(in.prompts, "\n"),
		"Support [Enter = neutral]", "Owner [a user ID such as U012ABCDEF]", "Next [YYYY-MM-DD · Enter = 2026-12-01]", "Notes [optional]")
}

// TestFormFillerCancels: :cancel at any prompt closes the form.
func TestFormFillerCancels(t *testing.T) {
	v := everyInput()
	for i, lines := range [][]string{{":cancel"}, {"Acme", ":cancel"}} {
		c, _, _ := formConsole(lines...)
		var err error
		for _, f := range c.formFields(v) {
			if err = c.ask(f); err != nil {
				break
			}
		}
		if !errors.Is(err, errCancel) {
			t.Errorf("script %d: %v; want the form cancelled", i, err)
		}
	}
}

// TestFormFillerAsksAgainWhatIsWrong: the inputs the handlers find fault
// with are asked again; an error about an input the form lacks asks for all.
func TestFormFillerAsksAgainWhatIsWrong(t *testing.T) {
	c, _, out := formConsole()
	fields := c.formFields(everyInput())
	todo := c.faults(fields, map[string]string{"date": "The date is in the future.", "owner": ":warning: not a rep"})
	if len(todo) != 2 || todo[0].block.BlockID != "owner" || todo[1].block.BlockID != "date" {
		t.Errorf("asks again %v; want owner and date, in the form's order", todo)
	}
	mustContain(t, "faults", out.String(), "⚠️ Date: The date is in the future.", "⚠️ Owner: ⚠️ not a rep")
	if todo := c.faults(fields, map[string]string{"elsewhere": "Something else."}); len(todo) != len(fields) {
		t.Errorf("an error about no input asks again %d inputs; want all %d", len(todo), len(fields))
	}
}
