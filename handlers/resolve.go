package handlers

import (
	"context"
	"html"
	"regexp"
	"slices"
	"strings"

	"github.com/slack-go/slack"

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
// beginning or part of one name. It is one round trip (Store.FindLead).
func (h *Handler) findLead(ctx context.Context, r request, toks []salesbot.Token, usage string) (*salesbot.Lead, []salesbot.Token, error) {
	f, rest, err := h.find(ctx, r, toks, usage, 0)
	return f.lead, rest, err
}

// found is a lead resolved from what someone typed, with its last visits
// when they were asked for and came along.
type found struct {
	lead      *salesbot.Lead
	visits    []salesbot.Visit
	hasVisits bool // visits were read (there may be none)
}

// find resolves the company as findLead does, reading the lead's last
// visits with it (up to visits of them) in the same round trip.
func (h *Handler) find(ctx context.Context, r request, toks []salesbot.Token, usage string, visits int) (found, []salesbot.Token, error) {
	if len(toks) == 0 {
		return found{}, nil, salesbot.Errorf(salesbot.EINVALID, "Which company? Write it like this: `%s`.", usage)
	}
	q, words := companyQuery(toks, visits, r.actor.User)
	f, err := h.lookUp(ctx, r, q, toks[0].Text)
	if err != nil {
		return found{}, nil, err
	}
	if f.name >= 0 {
		return f.found, toks[words[f.name]:], nil
	}
	return f.found, toks[1:], nil
}

// companyQuery is the look-up for the company named at the start of toks
// (not empty), with how many tokens each of its names takes. A quoted name
// is one name; unquoted words give names from the longest to the first
// word, and the first word is also tried as part of a name, the caller's
// own leads first.
func companyQuery(toks []salesbot.Token, visits int, caller string) (salesbot.LeadQuery, []int) {
	q := salesbot.LeadQuery{Limit: maxCandidates, Visits: visits, Caller: caller}
	if toks[0].Quoted {
		q.Names = []string{salesbot.NormalizeCompany(toks[0].Text)}
		return q, []int{1}
	}
	var words []int
	for n := min(len(toks), maxNameWords); n >= 1; n-- {
		if slices.ContainsFunc(toks[:n], func(t salesbot.Token) bool { return t.Quoted }) {
			continue
		}
		q.Names = append(q.Names, salesbot.NormalizeCompany(salesbot.JoinTokens(toks[:n])))
		words = append(words, n)
	}
	q.Part = salesbot.NormalizeCompany(toks[0].Text)
	return q, words
}

// companyFirst lists the /lead sub-commands whose arguments start with a
// company, and how many of its visits each shows.
var companyFirst = map[string]int{
	"show": 1, "card": 1, "map": 0, "grade": 0, "stage": 0, "won": 0, "win": 0,
	"lost": 0, "lose": 0, "assign": 0, "key": 0, "fact": 0,
}

// prefetchQuery guesses, from a command's text alone, the company look-up
// the command will make, so that it can be read in the same round trip as
// the viewer (Store.ViewerAndLead). A wrong guess costs only the read: find
// uses a prefetched match only for the very query it makes.
func prefetchQuery(cmd slack.SlashCommand) (salesbot.LeadQuery, bool) {
	toks, err := tokens(cmd.Text)
	if err != nil || len(toks) == 0 {
		return salesbot.LeadQuery{}, false
	}
	visits := 0
	switch strings.TrimPrefix(cmd.Command, "/") {
	case "visit", "stance":
	case "lead":
		sub := strings.ToLower(toks[0].Text)
		if n, ok := companyFirst[sub]; ok && !toks[0].Quoted {
			toks, visits = toks[1:], n
		} else if _, known := leadSubs[sub]; known && !toks[0].Quoted {
			return salesbot.LeadQuery{}, false // new, list, pool, help: no company to find
		} else {
			visits = 1 // `/lead Acme` shows Acme's card
		}
	default:
		return salesbot.LeadQuery{}, false
	}
	if len(toks) == 0 {
		return salesbot.LeadQuery{}, false // the form opens
	}
	q, _ := companyQuery(toks, visits, cmd.UserID)
	return q, true
}

// leadSubs are the /lead sub-commands that do not start with a company.
var leadSubs = map[string]bool{"new": true, "add": true, "list": true, "ls": true, "pool": true, "help": true, "inbound": true, "来询": true}

// findByName resolves a company typed whole, as in a form: exactly, else as
// the unambiguous beginning or part of one name.
func (h *Handler) findByName(ctx context.Context, r request, name string) (*salesbot.Lead, error) {
	key := salesbot.NormalizeCompany(name)
	f, err := h.lookUp(ctx, r, salesbot.LeadQuery{Names: []string{key}, Part: key, Limit: maxCandidates, Caller: r.actor.User}, name)
	return f.lead, err
}

// lookedUp is what lookUp found: the lead, and which of the query's names
// matched (-1 for a partial match).
type lookedUp struct {
	found
	name int
}

// lookUp runs q (or uses the match read with the viewer) and picks the
// lead as the LeadService resolves it, wording what it could not pick.
// Other reps' company names are not listed.
func (h *Handler) lookUp(ctx context.Context, r request, q salesbot.LeadQuery, query string) (lookedUp, error) {
	var read *salesbot.LeadMatch
	if m, ok := prefetched(ctx, r.team, q); ok {
		read = &m
	}
	res, err := h.leads.Resolve(ctx, r.actor, r.team, q, read)
	if err != nil {
		return lookedUp{}, err
	}
	switch {
	case res.Lead != nil:
		return lookedUp{found{res.Lead, res.Visits, res.VisitsRead}, res.Name}, nil
	case res.Seen == 0:
		return lookedUp{}, notFound(query)
	case len(res.Mine) == 0:
		return lookedUp{}, salesbot.Errorf(salesbot.EINVALID, "%q matches %d leads, none of them yours. Write the full name in quotes.", query, res.Seen)
	}
	var companies []string
	for _, l := range res.Mine[:min(len(res.Mine), 5)] {
		companies = append(companies, quoteName(l.Company))
	}
	return lookedUp{}, salesbot.Errorf(salesbot.EINVALID, "%q matches %d of your leads: %s. Write the full name in quotes.",
		query, len(res.Mine), strings.Join(companies, ", "))
}

func notFound(query string) error {
	return salesbot.Errorf(salesbot.ENOTFOUND,
		"No lead is called %q. Register it with `/lead new %s`, or see your leads with `/lead list`.", query, quoteName(query))
}

// maxCandidates bounds how many partial matches are read to pick one.
const maxCandidates = 20

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
