package handlers

import (
	"context"
	"fmt"
	"html"
	"regexp"
	"slices"
	"strings"

	"salesbot"
)

// maxNameWords bounds how many words of an unquoted command are tried as a
// company name.
const maxNameWords = 8

// tokens splits a command's text as salesbot.Fields does and undoes Slack's
// escaping of &, < and > inside each word (entities such as <@U123> stay as
// they are, to be read by mention).
func tokens(text string) ([]salesbot.Token, error) {
	toks, err := salesbot.Fields(text)
	if err != nil {
		return nil, err
	}
	for i, t := range toks {
		if !t.Entity {
			toks[i].Text = html.UnescapeString(t.Text)
		} else if label, ok := linkText(t.Text); ok {
			toks[i] = salesbot.Token{Text: label}
		}
	}
	return toks, nil
}

// linkText reads the text of a link Slack made of something typed: with
// escaping on, "Booking.com" arrives as <http://Booking.com|Booking.com>.
// Mentions and channels are not links.
func linkText(entity string) (string, bool) {
	inner := strings.TrimSuffix(strings.TrimPrefix(entity, "<"), ">")
	target, label, labelled := strings.Cut(inner, "|")
	for _, scheme := range []string{"http://", "https://", "mailto:"} {
		if rest, ok := strings.CutPrefix(target, scheme); ok {
			if labelled {
				return html.UnescapeString(label), true
			}
			return html.UnescapeString(rest), true
		}
	}
	return "", false
}

// findLead resolves the company named at the start of toks and returns the
// lead with the tokens that follow the name. A quoted name is taken whole
// and must match exactly (after normalising); unquoted words are matched
// longest first against the team's companies, then as the unambiguous
// beginning or part of one name.
func (h *Handler) findLead(ctx context.Context, r request, toks []salesbot.Token, usage string) (*salesbot.Lead, []salesbot.Token, error) {
	id, rest, err := h.findLeadID(ctx, r, toks, usage)
	if err != nil {
		return nil, nil, err
	}
	l, err := h.store.Lead(ctx, r.team, id)
	if err != nil {
		return nil, nil, fmt.Errorf("find lead: %w", err)
	}
	return l, rest, nil
}

// findLeadID resolves the company as findLead does and returns the lead's
// ID, for callers that read the lead together with more (the card).
func (h *Handler) findLeadID(ctx context.Context, r request, toks []salesbot.Token, usage string) (string, []salesbot.Token, error) {
	team := r.team
	if len(toks) == 0 {
		return "", nil, salesbot.Errorf(salesbot.EINVALID, "Which company? Write it like this: `%s`.", usage)
	}
	type candidate struct {
		name  string
		words int // how many tokens the name takes
	}
	var candidates []candidate
	if toks[0].Quoted {
		candidates = []candidate{{salesbot.NormalizeCompany(toks[0].Text), 1}}
	} else {
		for n := min(len(toks), maxNameWords); n >= 1; n-- {
			if slices.ContainsFunc(toks[:n], func(t salesbot.Token) bool { return t.Quoted }) {
				continue
			}
			candidates = append(candidates, candidate{salesbot.NormalizeCompany(salesbot.JoinTokens(toks[:n])), n})
		}
	}
	names := make([]string, len(candidates))
	for i, c := range candidates {
		names[i] = c.name
	}
	ids, err := h.store.LeadIDsByName(ctx, team, names)
	if err != nil {
		return "", nil, fmt.Errorf("find lead: %w", err)
	}
	for _, c := range candidates {
		if id, ok := ids[c.name]; ok {
			return id, toks[c.words:], nil
		}
	}
	if toks[0].Quoted {
		return "", nil, notFound(toks[0].Text)
	}
	l, err := h.findLeadByPart(ctx, r, toks[0].Text)
	if err != nil {
		return "", nil, err
	}
	return l.ID, toks[1:], nil
}

func notFound(query string) error {
	return salesbot.Errorf(salesbot.ENOTFOUND,
		"No lead is called %q. Register it with `/lead new %s`, or see your leads with `/lead list`.", query, quoteName(query))
}

// maxCandidates bounds how many partial matches are read to pick one.
const maxCandidates = 20

// findLeadByPart finds the one lead whose normalised name starts with, or
// failing that contains, the normalised query. When several match, a rep's
// own leads are preferred, and other reps' company names are not listed.
func (h *Handler) findLeadByPart(ctx context.Context, r request, query string) (*salesbot.Lead, error) {
	key := salesbot.NormalizeCompany(query)
	if key == "" {
		return nil, notFound(query)
	}
	names, err := h.store.LeadNames(ctx, r.team)
	if err != nil {
		return nil, fmt.Errorf("find lead: %w", err)
	}
	var prefix, contains []string
	for name, id := range names {
		if strings.HasPrefix(name, key) {
			prefix = append(prefix, id)
		} else if strings.Contains(name, key) {
			contains = append(contains, id)
		}
	}
	ids := prefix
	if len(ids) == 0 {
		ids = contains
	}
	slices.Sort(ids)
	var matches, mine []*salesbot.Lead
	for _, id := range ids[:min(len(ids), maxCandidates)] {
		l, err := h.store.Lead(ctx, r.team, id)
		if err != nil {
			return nil, fmt.Errorf("find lead: %w", err)
		}
		matches = append(matches, l)
		if l.CanEdit(r.actor) {
			mine = append(mine, l)
		}
	}
	switch {
	case len(matches) == 0:
		return nil, notFound(query)
	case len(matches) == 1:
		return matches[0], nil
	case len(mine) == 1:
		return mine[0], nil
	case len(mine) == 0:
		return nil, salesbot.Errorf(salesbot.EINVALID, "%q matches %d leads, none of them yours. Write the full name in quotes.", query, len(ids))
	}
	var companies []string
	for _, l := range mine[:min(len(mine), 5)] {
		companies = append(companies, quoteName(l.Company))
	}
	return nil, salesbot.Errorf(salesbot.EINVALID, "%q matches %d of your leads: %s. Write the full name in quotes.",
		query, len(mine), strings.Join(companies, ", "))
}

// quoteName writes a company name the way a command should carry it:
// quoted when it has spaces.
func quoteName(name string) string {
	if strings.ContainsAny(name, " \u3000") {
		return `"` + name + `"`
	}
	return name
}

var mentionPattern = regexp.MustCompile(`^(?:<@([UW][A-Z0-9]+)(?:\|[^>]*)?>|@?([UW][A-Z0-9]{2,}))$`)

// mention reads a user mention: Slack's escaped <@U123|name> form, or a bare
// @U123 / U123 as typed in the console.
func mention(s string) (string, bool) {
	m := mentionPattern.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return "", false
	}
	if m[1] != "" {
		return m[1], true
	}
	return m[2], true
}
