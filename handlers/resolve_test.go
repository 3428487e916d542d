package handlers

import (
	"slices"
	"testing"

	"github.com/slack-go/slack"

	"salesbot"
)

// TestPrefetchQuery checks the guess of a command's company look-up: the
// same names and visits find asks for, and no guess where no company comes
// first.
func TestPrefetchQuery(t *testing.T) {
	n := salesbot.NormalizeCompany
	for _, c := range []struct {
		command, text string
		names         []string // nil: no guess
		part          string
		visits        int
	}{
		{"/lead", "show Acme Industrial", []string{n("Acme Industrial"), n("Acme")}, n("Acme"), 1},
		{"/lead", "Card acme", []string{n("acme")}, n("acme"), 1},
		{"/lead", `"Acme Industrial"`, []string{n("Acme Industrial")}, "", 1},
		{"/lead", "Acme", []string{n("Acme")}, n("Acme"), 1},
		{"/lead", "grade Acme A", []string{n("Acme A"), n("Acme")}, n("Acme"), 0},
		{"/lead", `stage "Acme" demo`, []string{n("Acme")}, "", 0},
		{"/visit", "Acme 2026-11-20 met", []string{n("Acme 2026-11-20 met"), n("Acme 2026-11-20"), n("Acme")}, n("Acme"), 0},
		{"/stance", `Acme "Wang Li" eb high +2`, []string{n("Acme")}, n("Acme"), 0},
		{"/lead", "grade", nil, "", 0}, // the form opens
		{"/lead", "new Acme", nil, "", 0},
		{"/lead", "list all", nil, "", 0},
		{"/lead", "", nil, "", 0},
		{"/salesbot", "help", nil, "", 0},
		{"/visit", "", nil, "", 0},
	} {
		q, ok := prefetchQuery(slack.SlashCommand{Command: c.command, Text: c.text})
		if ok != (c.names != nil) {
			t.Errorf("%s %s: guessed %v; want %v", c.command, c.text, ok, c.names != nil)
			continue
		}
		if ok && (!slices.Equal(q.Names, c.names) || q.Part != c.part || q.Visits != c.visits || q.Limit != maxCandidates) {
			t.Errorf("%s %s: query %+v; want names %q, part %q, visits %d", c.command, c.text, q, c.names, c.part, c.visits)
		}
	}
}
