package bot

import "github.com/slack-go/slack"

// Blocks as encoding/json encodes them without a second pass. slack-go's
// action, section and context blocks hold their elements in types with
// their own MarshalJSON (BlockElements, Accessory, ContextElements), whose
// output encoding/json reads and compacts again: a second pass over the
// buttons and menus of every card, about 7% of the CPU a /lead show costs.
// These mirrors carry the same fields with the elements themselves, so the
// encoder writes them in one pass, byte for byte what slack-go writes
// (TestDirectBlocks).

type actionJSON struct {
	Type     slack.MessageBlockType `json:"type"`
	BlockID  string                 `json:"block_id,omitempty"`
	Elements []slack.BlockElement   `json:"elements"`
}

type sectionJSON struct {
	Type      slack.MessageBlockType   `json:"type"`
	Text      *slack.TextBlockObject   `json:"text,omitempty"`
	BlockID   string                   `json:"block_id,omitempty"`
	Fields    []*slack.TextBlockObject `json:"fields,omitempty"`
	Accessory slack.BlockElement       `json:"accessory,omitempty"`
	Expand    bool                     `json:"expand,omitempty"`
}

type contextJSON struct {
	Type     slack.MessageBlockType `json:"type"`
	BlockID  string                 `json:"block_id,omitempty"`
	Elements []slack.MixedElement   `json:"elements"`
}

// directBlocks returns blocks as encoding/json encodes them in one pass:
// action, section and context blocks as their mirrors, others as they are.
// A block a mirror would not encode the same way is left as it is.
func directBlocks(blocks []slack.Block) []any {
	out := make([]any, len(blocks))
	for i, b := range blocks {
		out[i] = b
		switch b := b.(type) {
		case *slack.ActionBlock:
			if b != nil && b.Elements != nil {
				out[i] = actionJSON{Type: b.Type, BlockID: b.BlockID, Elements: b.Elements.ElementSet}
			}
		case *slack.SectionBlock:
			if b == nil {
				continue
			}
			s := sectionJSON{Type: b.Type, Text: b.Text, BlockID: b.BlockID, Fields: b.Fields, Expand: b.Expand}
			if b.Accessory != nil {
				if s.Accessory = accessoryElement(b.Accessory); s.Accessory == nil {
					continue // slack-go writes "accessory":null
				}
			}
			out[i] = s
		case *slack.ContextBlock:
			if b != nil {
				out[i] = contextJSON{Type: b.Type, BlockID: b.BlockID, Elements: b.ContextElements.Elements}
			}
		}
	}
	return out
}

// accessoryElement is the element an accessory holds, as slack-go's
// Accessory.MarshalJSON picks it, for the kinds the bot uses (nil for
// others).
func accessoryElement(a *slack.Accessory) slack.BlockElement {
	switch {
	case a.ImageElement != nil:
		return a.ImageElement
	case a.ButtonElement != nil:
		return a.ButtonElement
	case a.OverflowElement != nil:
		return a.OverflowElement
	case a.DatePickerElement != nil:
		return a.DatePickerElement
	case a.TimePickerElement != nil, a.PlainTextInputElement != nil, a.RadioButtonsElement != nil,
		a.CheckboxGroupsBlockElement != nil:
		return nil // before the select menus in slack-go's order: left to it
	case a.SelectElement != nil:
		return a.SelectElement
	}
	return nil
}
