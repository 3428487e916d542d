package handlers

import (
	"strings"

	"salesbot"
	"salesbot/i18n"
)

// The stage milestones (关键节点, DOMAIN.md §5): the card's checklist, and
// what a stage move says of the items not met.

// milestoneLines is a checklist, one item to a line: ✅ when met, ❔ with
// what to do when not.
func milestoneLines(lang i18n.Lang, company string, ms []salesbot.Milestone) []string {
	lines := make([]string, len(ms))
	for i, m := range ms {
		if m.Met {
			lines[i] = ":white_check_mark: " + word(lang, m.Item)
			continue
		}
		lines[i] = ":grey_question: " + word(lang, m.Item) + " — " + fixText(lang, company, m.Fix)
	}
	return lines
}

// fixText is what to do about an unmet item, with the company named as a
// command would take it.
func fixText(lang i18n.Lang, company string, fix string) string {
	return strings.ReplaceAll(esc(word(lang, fix)), "&lt;company&gt;", esc(quoteName(company)))
}

// unmetText lists unmet items in a sentence.
func unmetText(lang i18n.Lang, items []string) string {
	words := make([]string, len(items))
	for i, it := range items {
		words[i] = word(lang, it)
	}
	sep := "; "
	if lang == i18n.Zh {
		sep = "；"
	}
	return strings.Join(words, sep)
}

// itemsOf are the milestones' items.
func itemsOf(ms []salesbot.Milestone) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Item
	}
	return out
}
