package bot

import (
	"strconv"

	"github.com/slack-go/slack"
)

// The elements, options and confirmation dialogs of a reply's blocks, as
// appendReply writes them (jsonw.go).

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
