package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"salesbot"
)

// formField is one input of a form being filled in.
type formField struct {
	block    *slack.InputBlock
	actionID string
	label    string
	answer   slack.BlockAction
}

// fillForm asks for a form's inputs one by one, submits it, and asks again
// for the inputs the handlers find fault with.
func (c *console) fillForm(ctx context.Context, v openedView) error {
	c.printf("── %s ──  (Enter skips what is optional · :cancel closes the form)\n", emojify(plainText(v.view.Title)))
	fields := c.formFields(v)
	todo := fields
	for {
		for _, f := range todo {
			if err := c.ask(f); err != nil {
				if errors.Is(err, errInterrupt) {
					return errCancel
				}
				return err
			}
		}
		c.fresh = true
		resp := c.h.Interaction(ctx, c.submission(v, fields))
		if resp == nil || len(resp.Errors) == 0 {
			if resp != nil && resp.ResponseAction != "" {
				c.printf("(the bot answered the form with %q, which the console does not show)\n", resp.ResponseAction)
			}
			return nil
		}
		todo = c.faults(fields, resp.Errors)
	}
}

// formFields lists the inputs of a form, printing the rest of it (its
// texts) as it goes.
func (c *console) formFields(v openedView) []*formField {
	var fields []*formField
	for _, b := range v.view.Blocks.BlockSet {
		in, ok := b.(*slack.InputBlock)
		if !ok {
			if s := c.render.block(b, func(control) int { return 0 }); s != "" {
				c.printf("%s\n", s)
			}
			continue
		}
		f := &formField{block: in, label: emojify(plainText(in.Label))}
		f.actionID, f.answer.Type = elementInfo(in.Element)
		f.answer.ActionID, f.answer.BlockID = f.actionID, in.BlockID
		fields = append(fields, f)
	}
	return fields
}

// submission is the view_submission Slack would send with the answers.
func (c *console) submission(v openedView, fields []*formField) slack.InteractionCallback {
	values := map[string]map[string]slack.BlockAction{}
	for _, f := range fields {
		values[f.block.BlockID] = map[string]slack.BlockAction{f.actionID: f.answer}
	}
	return slack.InteractionCallback{
		Type:      slack.InteractionTypeViewSubmission,
		Team:      slack.Team{ID: c.team},
		User:      slack.User{ID: c.user, TeamID: c.team},
		TriggerID: c.slack.newTrigger(),
		View: slack.View{
			ID: v.id, Type: slack.VTModal, TeamID: c.team, CallbackID: v.view.CallbackID,
			PrivateMetadata: v.view.PrivateMetadata, Title: v.view.Title, Blocks: v.view.Blocks,
			State: &slack.ViewState{Values: values},
		},
	}
}

// faults prints what the handlers found wrong with a submitted form and
// returns the inputs to ask again: those named, or all of them when the
// errors name no input the form has.
func (c *console) faults(fields []*formField, errs map[string]string) []*formField {
	var todo []*formField
	for _, f := range fields {
		if msg, ok := errs[f.block.BlockID]; ok {
			c.printf("  ⚠️ %s: %s\n", f.label, emojify(msg))
			todo = append(todo, f)
		}
	}
	if len(todo) == 0 {
		for block, msg := range errs {
			c.printf("  ⚠️ %s: %s\n", block, emojify(msg))
		}
		todo = fields
	}
	return todo
}

// elementInfo returns an input element's action ID and the type Slack gives
// its value.
func elementInfo(e slack.BlockElement) (string, slack.ActionType) {
	switch e := e.(type) {
	case *slack.PlainTextInputBlockElement:
		return e.ActionID, slack.ActionType(e.Type)
	case *slack.SelectBlockElement:
		return e.ActionID, slack.ActionType(e.Type)
	case *slack.DatePickerBlockElement:
		return e.ActionID, slack.ActionType(e.Type)
	case *slack.NumberInputBlockElement:
		return e.ActionID, slack.ActionType(e.Type)
	case *slack.FileInputBlockElement:
		return e.ActionID, slack.ActionType(e.Type)
	}
	return "", slack.ActionType(e.ElementType())
}

// ask reads one input of a form.
func (c *console) ask(f *formField) error {
	var notes []string
	if f.block.Optional {
		notes = append(notes, "optional")
	}
	switch e := f.block.Element.(type) {
	case *slack.PlainTextInputBlockElement:
		if e.InitialValue != "" {
			notes = append(notes, "Enter = "+e.InitialValue)
		}
		line, err := c.readField(f, notes, func(s string) (string, error) {
			if e.MaxLength > 0 && len([]rune(s)) > e.MaxLength {
				return "", fmt.Errorf("keep it to %d characters", e.MaxLength)
			}
			if e.MinLength > 0 && len([]rune(s)) < e.MinLength {
				return "", fmt.Errorf("write at least %d characters", e.MinLength)
			}
			return s, nil
		}, e.InitialValue)
		f.answer.Value = line
		return err
	case *slack.SelectBlockElement:
		switch e.Type {
		case slack.OptTypeStatic:
			options := e.Options
			for _, g := range e.OptionGroups {
				options = append(options, g.Options...)
			}
			if e.InitialOption != nil {
				notes = append(notes, "Enter = "+plainText(e.InitialOption.Text))
			}
			opt, err := c.choose(f.label+bracket(notes), options, e.InitialOption, f.block.Optional, f.label)
			f.answer.SelectedOption = slack.OptionBlockObject{}
			if opt != nil {
				f.answer.SelectedOption = *opt
			}
			return err
		case slack.OptTypeUser:
			notes = append(notes, "a user ID such as U012ABCDEF")
			line, err := c.readField(f, notes, func(s string) (string, error) {
				u, ok := userID(s)
				if !ok {
					return "", fmt.Errorf("%q is not a user ID such as U012ABCDEF", s)
				}
				return u, nil
			}, e.InitialUser)
			f.answer.SelectedUser = line
			return err
		}
	case *slack.DatePickerBlockElement:
		notes = append(notes, "YYYY-MM-DD")
		if e.InitialDate != "" {
			notes = append(notes, "Enter = "+e.InitialDate)
		}
		line, err := c.readField(f, notes, c.date, e.InitialDate)
		f.answer.SelectedDate = line
		return err
	case *slack.FileInputBlockElement:
		return c.askFile(f, notes)
	}
	c.printf("(%s: the console cannot fill in a %s input; it is left empty)\n", f.label, f.block.Element.ElementType())
	return nil
}

func bracket(notes []string) string {
	if len(notes) == 0 {
		return ""
	}
	return " [" + strings.Join(notes, " · ") + "]"
}

// readField prompts for a text-like input until the answer is acceptable:
// empty keeps def, or leaves an optional input empty.
func (c *console) readField(f *formField, notes []string, check func(string) (string, error), def string) (string, error) {
	for {
		line, err := c.in.ReadLine(f.label + bracket(notes) + ": ")
		if err != nil {
			return "", err
		}
		line = strings.TrimSpace(line)
		switch {
		case line == ":cancel":
			return "", errCancel
		case line == "" && def != "":
			return def, nil
		case line == "" && f.block.Optional:
			return "", nil
		case line == "":
			c.printf("  %s is required.\n", f.label)
			continue
		}
		v, err := check(line)
		if err != nil {
			c.printf("  %s\n", err)
			continue
		}
		return v, nil
	}
}

// date reads a date as a date picker would give it; today, yesterday and
// tomorrow are counted in the console's time zone.
func (c *console) date(s string) (string, error) {
	today := salesbot.DateOf(time.Now().In(c.loc))
	switch strings.ToLower(s) {
	case "today":
		return today.String(), nil
	case "yesterday":
		return today.AddDays(-1).String(), nil
	case "tomorrow":
		return today.AddDays(1).String(), nil
	}
	d, err := salesbot.ParseDate(s)
	if err != nil {
		return "", errors.New("write the date as YYYY-MM-DD (or today, yesterday, tomorrow)")
	}
	return d.String(), nil
}

// choose lists numbered options and reads a choice: its number, value or
// text. An empty answer gives the initial option when it is not only
// marked, or nothing when the choice may be skipped.
func (c *console) choose(prompt string, options []*slack.OptionBlockObject, initial *slack.OptionBlockObject, optional bool, what string) (*slack.OptionBlockObject, error) {
	texts := make([]string, len(options))
	total := 0
	for i, o := range options {
		texts[i] = fmt.Sprintf("%d) %s", i+1, emojify(plainText(o.Text)))
		if what == "" && initial != nil && o.Value == initial.Value {
			texts[i] += " (current)"
		}
		total += displayWidth(texts[i]) + 2
	}
	if total <= screenWidth-2 {
		c.printf("  %s\n", strings.Join(texts, "  "))
	} else {
		c.printf("  %s\n", strings.Join(texts, "\n  "))
	}
	for {
		line, err := c.in.ReadLine(prompt + ": ")
		if err != nil {
			return nil, err
		}
		line = strings.TrimSpace(line)
		switch {
		case line == ":cancel":
			return nil, errCancel
		case line == "" && what == "": // a menu in a message: Enter chooses nothing
			return nil, nil
		case line == "" && initial != nil:
			return initial, nil
		case line == "" && optional:
			return nil, nil
		case line == "":
			c.printf("  %s is required: choose 1 to %d.\n", what, len(options))
			continue
		}
		if o := pick(options, line); o != nil {
			c.printf("  → %s\n", emojify(plainText(o.Text)))
			return o, nil
		}
		c.printf("  Choose 1 to %d (or type the choice).\n", len(options))
	}
}

// pick finds the option an answer names: by its value or text first (so
// that "-1" is the support level, not an index), then by its number, then
// by the start of its text ("B" for "B · closes in 4–6 months") when only
// one option starts so.
func pick(options []*slack.OptionBlockObject, answer string) *slack.OptionBlockObject {
	for _, o := range options {
		if strings.EqualFold(o.Value, answer) || strings.EqualFold(plainText(o.Text), answer) {
			return o
		}
	}
	if n, err := strconv.Atoi(answer); err == nil && n >= 1 && n <= len(options) {
		return options[n-1]
	}
	var found *slack.OptionBlockObject
	for _, o := range options {
		text := strings.ToLower(plainText(o.Text))
		if rest, ok := strings.CutPrefix(text, strings.ToLower(answer)); ok && (rest == "" || rest[0] == ' ') {
			if found != nil {
				return nil
			}
			found = o
		}
	}
	return found
}
