package fakeslack

// This file holds the Block Kit rules the fake refuses messages by.

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// blocksProblem checks a message's blocks against the Block Kit rules that
// Slack enforces and that tests could otherwise miss: at most 50 blocks (100
// in a view), a section's text of at most 3,000 characters, a block_id used
// once in a message, and an action_id used once in a block.
// It returns what is wrong, or "" (also for calls that carry no message).
func blocksProblem(c Call) string {
	var blocks []map[string]any
	most := 50
	switch c.Method {
	case "chat.postMessage", "chat.update", "chat.postEphemeral", "response":
		raw := c.Param("blocks")
		if raw == "" {
			return ""
		}
		if err := json.Unmarshal([]byte(raw), &blocks); err != nil {
			return "blocks are not a JSON list: " + err.Error()
		}
	case "views.open", "views.publish", "views.update", "views.push":
		var view struct {
			Blocks []map[string]any `json:"blocks"`
		}
		if err := json.Unmarshal([]byte(c.Param("view")), &view); err != nil {
			return "the view is not JSON: " + err.Error()
		}
		blocks, most = view.Blocks, 100 // a modal or a Home tab takes 100
	default:
		return ""
	}
	if len(blocks) > most {
		return fmt.Sprintf("%d blocks; Slack takes %d", len(blocks), most)
	}
	blockIDs := map[string]bool{}
	for i, b := range blocks {
		if id, _ := b["block_id"].(string); id != "" {
			if blockIDs[id] {
				return fmt.Sprintf("block %d repeats the block_id %q", i, id)
			}
			blockIDs[id] = true
		}
		if b["type"] == "section" {
			text, _ := b["text"].(map[string]any)
			if s, _ := text["text"].(string); utf8.RuneCountInString(s) > 3000 {
				return fmt.Sprintf("section %d has %d characters; Slack takes 3000", i, utf8.RuneCountInString(s))
			}
		}
		var elements []any
		if els, ok := b["elements"].([]any); ok && b["type"] == "actions" {
			elements = els
		}
		if acc, ok := b["accessory"].(map[string]any); ok {
			elements = append(elements, acc)
		}
		actionIDs := map[string]bool{}
		for _, e := range elements {
			el, _ := e.(map[string]any)
			id, _ := el["action_id"].(string)
			if id == "" {
				continue
			}
			if actionIDs[id] {
				return fmt.Sprintf("block %d repeats the action_id %q", i, id)
			}
			actionIDs[id] = true
		}
	}
	return ""
}
