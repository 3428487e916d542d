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
		}
	}
	return toks, nil
}

// findLead resolves the company named at the start of toks and returns the
// lead with the tokens that follow the name. A quoted name is taken whole;
// unquoted words are matched longest first against the team's companies,
// then as the unambiguous beginning or part of one name.
func (h *Handler) findLead(ctx context.Context, team string, toks []salesbot.Token, usage string) (*salesbot.Lead, []salesbot.Token, error) {
	if len(toks) == 0 {
		return nil, nil, salesbot.Errorf(salesbot.EINVALID, "Which company? Write it like this: `%s`.", usage)
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
		return nil, nil, fmt.Errorf("find lead: %w", err)
	}
	for _, c := range candidates {
		if id, ok := ids[c.name]; ok {
			l, err := h.store.Lead(ctx, team, id)
			if err != nil {
				return nil, nil, fmt.Errorf("find lead: %w", err)
			}
			return l, toks[c.words:], nil
		}
	}
	l, err := h.findLeadByPart(ctx, team, toks[0].Text)
	if err != nil {
		return nil, nil, err
	}
	return l, toks[1:], nil
}

// findLeadByPart finds the one lead whose normalised name starts with, or
// failing that contains, the normalised query.
func (h *Handler) findLeadByPart(ctx context.Context, team, query string) (*salesbot.Lead, error) {
	key := salesbot.NormalizeCompany(query)
	notFound := salesbot.Errorf(salesbot.ENOTFOUND,
		"No lead is called %q. Register it with `/lead new %s`, or see your leads with `/lead list`.", query, quoteName(query))
	if key == "" {
		return nil, notFound
	}
	names, err := h.store.LeadNames(ctx, team)
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
	matches := prefix
	if len(matches) == 0 {
		matches = contains
	}
	switch len(matches) {
	case 0:
		return nil, notFound
	case 1:
		l, err := h.store.Lead(ctx, team, matches[0])
		if err != nil {
			return nil, fmt.Errorf("find lead: %w", err)
		}
		return l, nil
	}
	var companies []string
	for _, id := range matches[:min(len(matches), 5)] {
		if l, err := h.store.Lead(ctx, team, id); err == nil {
			companies = append(companies, quoteName(l.Company))
		}
	}
	slices.Sort(companies)
	return nil, salesbot.Errorf(salesbot.EINVALID, "%q matches %d leads: %s. Write the full name in quotes.",
		query, len(matches), strings.Join(companies, ", "))
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
