package handlers

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/i18n"
)

// lead runs `/lead <sub> …`.
func (h *Handler) lead(ctx context.Context, cmd slack.SlashCommand, toks []salesbot.Token) (*slack.Msg, error) {
	if len(toks) == 0 {
		return h.openModal(ctx, cmd.TriggerID, newLeadModal(langIn(ctx), cmd.ChannelID, ""))
	}
	sub, args := strings.ToLower(toks[0].Text), toks[1:]
	if toks[0].Quoted {
		sub = "" // a quoted name is a company, never a sub-command
	}
	// A sub-command alone opens its form, before any look-up: the trigger
	// lives three seconds.
	if len(args) == 0 {
		if m, ok := modalFor(langIn(ctx), sub, cmd.ChannelID); ok {
			return h.openModal(ctx, cmd.TriggerID, m)
		}
	}
	r, err := h.request(ctx, cmd.TeamID, cmd.UserID, cmd.ChannelID)
	if err != nil {
		return nil, err
	}
	switch sub {
	case "new", "add":
		return h.leadNew(ctx, r, args)
	case "show", "card":
		f, _, err := h.find(ctx, r, args, "/lead show <company>", 1)
		if err != nil {
			return nil, err
		}
		return h.showFound(ctx, r, f)
	case "map":
		return h.withLead(ctx, r, args, "/lead map <company>", func(l *salesbot.Lead, _ []salesbot.Token) (*slack.Msg, error) {
			return h.showMap(ctx, r, salesbot.RefRead(l))
		})
	case "list", "ls":
		return h.list(ctx, r, args)
	case "pool":
		return h.pool(ctx, r)
	case "inbound", "来询":
		return h.inbound(ctx, r, args)
	case "help":
		return ephemeral(leadHelp(r.lang)), nil
	case "delete", "删除":
		return h.leadDelete(ctx, r, args)
	}
	if msg, ok, err := h.leadChange(ctx, r, sub, args); ok {
		return msg, err
	}
	if msg, ok, err := h.parkCommand(ctx, r, sub, args); ok {
		return msg, err
	}
	if msg, ok, err := h.dealChange(ctx, r, sub, args); ok {
		return msg, err
	}
	if msg, ok, err := h.negotiationChange(ctx, r, cmd, sub, args); ok {
		return msg, err
	}
	if msg, ok, err := h.profileCommand(ctx, r, cmd, sub, args); ok {
		return msg, err
	}
	// `/lead Acme` shows Acme's card, when Acme is a lead.
	if f, _, err := h.find(ctx, r, toks, "/lead show <company>", 1); err == nil {
		return h.showFound(ctx, r, f)
	} else if code := salesbot.ErrorCode(err); code != salesbot.ENOTFOUND && code != salesbot.EINVALID {
		return nil, err
	}
	return ephemeral(r.T(":warning: `/lead %s` is not a command I know.\n%s", esc(toks[0].Text), leadHelp(r.lang))), nil
}

// leadChange runs the /lead sub-commands that change a lead named first
// (grade, stage, won, lost, assign, key); ok is false for any other.
func (h *Handler) leadChange(ctx context.Context, r request, sub string, args []salesbot.Token) (*slack.Msg, bool, error) {
	switch sub {
	case "grade":
		msg, err := h.withLead(ctx, r, args, "/lead grade <company> <A|B|C|D> [reason]", func(l *salesbot.Lead, rest []salesbot.Token) (*slack.Msg, error) {
			if len(rest) == 0 {
				return nil, salesbot.Errorf(salesbot.EINVALID, "Which grade? e.g. `/lead grade %s A selection starts in January`.", quoteName(l.Company))
			}
			g, err := salesbot.ParseGrade(rest[0].Text)
			if err != nil {
				return nil, err
			}
			return h.regrade(ctx, r, salesbot.RefRead(l), g, salesbot.JoinTokens(rest[1:]))
		})
		return msg, true, err
	case "stage":
		msg, err := h.withLead(ctx, r, args, "/lead stage <company> <stage>", func(l *salesbot.Lead, rest []salesbot.Token) (*slack.Msg, error) {
			if len(rest) == 0 {
				return nil, salesbot.Errorf(salesbot.EINVALID, "Which stage? e.g. `/lead stage %s demo`.", quoteName(l.Company))
			}
			st, err := salesbot.ParseStage(salesbot.JoinTokens(rest))
			if err != nil {
				return nil, err
			}
			return h.moveStage(ctx, r, l, st)
		})
		return msg, true, err
	case "won", "win":
		msg, err := h.withLead(ctx, r, args, "/lead won <company>", func(l *salesbot.Lead, _ []salesbot.Token) (*slack.Msg, error) {
			return h.win(ctx, r, salesbot.RefRead(l))
		})
		return msg, true, err
	case "lost", "lose":
		msg, err := h.withLead(ctx, r, args, "/lead lost <company> [reason]", func(l *salesbot.Lead, rest []salesbot.Token) (*slack.Msg, error) {
			return h.lose(ctx, r, salesbot.RefRead(l), salesbot.JoinTokens(rest))
		})
		return msg, true, err
	case "assign":
		msg, err := h.withLead(ctx, r, args, "/lead assign <company> @rep", func(l *salesbot.Lead, rest []salesbot.Token) (*slack.Msg, error) {
			if len(rest) != 1 {
				return nil, salesbot.Errorf(salesbot.EINVALID, "Assign to whom? Mention one rep: `/lead assign %s @wang`.", quoteName(l.Company))
			}
			rep, ok := mention(rest[0].Text)
			if !ok {
				return nil, salesbot.Errorf(salesbot.EINVALID, "%q is not a person. Mention the rep with @, e.g. `/lead assign %s @wang`.", rest[0].Text, quoteName(l.Company))
			}
			return h.assign(ctx, r, salesbot.RefRead(l), rep)
		})
		return msg, true, err
	case "key", "fact":
		msg, err := h.withLead(ctx, r, args, "/lead key <company> <schedule|budget|need|decision|competition|criteria> <text>", func(l *salesbot.Lead, rest []salesbot.Token) (*slack.Msg, error) {
			if len(rest) == 0 {
				return nil, salesbot.Errorf(salesbot.EINVALID, "Which key fact? e.g. `/lead key %s budget 2M RMB for software and services`.", quoteName(l.Company))
			}
			k, err := salesbot.ParseKeyFact(rest[0].Text)
			if err != nil {
				return nil, err
			}
			return h.setFact(ctx, r, salesbot.RefRead(l), k, salesbot.JoinTokens(rest[1:]))
		})
		return msg, true, err
	}
	return nil, false, nil
}

// withLead resolves the company at the start of args and runs fn on it.
func (h *Handler) withLead(ctx context.Context, r request, args []salesbot.Token, usage string, fn func(*salesbot.Lead, []salesbot.Token) (*slack.Msg, error)) (*slack.Msg, error) {
	l, rest, err := h.findLead(ctx, r, args, usage)
	if err != nil {
		return nil, err
	}
	return fn(l, rest)
}

// leadNew registers a lead. The whole text is the company, unless it is
// quoted and followed by a grade: `/lead new "Acme Industrial" B`; a
// source may follow the company anywhere (`source: event`, 来源：展会).
func (h *Handler) leadNew(ctx context.Context, r request, args []salesbot.Token) (*slack.Msg, error) {
	args, src, _, err := salesbot.CutSource(args)
	if err != nil {
		return nil, err
	}
	for _, t := range args {
		if t.Entity {
			return nil, salesbot.Errorf(salesbot.EINVALID, "A company name can't contain a mention, channel or link (%s). Type the name as plain text.", t.Text)
		}
	}
	company, grade := salesbot.JoinTokens(args), salesbot.GradeC
	graded := false
	if n := len(args); n > 1 && !args[0].Quoted && isGradeLetter(args[n-1]) {
		// `/lead new Acme Industrial A`: a capital A–D at the end is the grade.
		grade, _ = salesbot.ParseGrade(args[n-1].Text)
		company, graded = salesbot.JoinTokens(args[:n-1]), true
	}
	if len(args) > 0 && args[0].Quoted {
		company = args[0].Text
		if len(args) == 2 {
			g, err := salesbot.ParseGrade(args[1].Text)
			if err != nil {
				return nil, err
			}
			grade = g
		} else if len(args) > 2 {
			return nil, salesbot.Errorf(salesbot.EINVALID, "After the quoted name only a grade may follow: `/lead new \"%s\" B`.", args[0].Text)
		}
	}
	return h.createLead(ctx, r, company, grade, graded || (len(args) > 1 && args[0].Quoted), salesbot.DealChange{}, newLeadExtras{source: src})
}

func isGradeLetter(t salesbot.Token) bool {
	_, err := salesbot.ParseGrade(t.Text)
	return err == nil && !t.Quoted && t.Text == strings.ToUpper(t.Text)
}

// createLead registers a company as the caller's lead, from its source
// when known, and, when the form gave them, records its deal (value, close
// date, category) and its rough need (the form's notes).
func (h *Handler) createLead(ctx context.Context, r request, company string, grade salesbot.Grade, graded bool, deal salesbot.DealChange, more newLeadExtras) (*slack.Msg, error) {
	now := h.now()
	reg, err := h.register(ctx, r, company, grade, more.source, now)
	if err != nil {
		return nil, err
	}
	if reg.Existing != nil {
		return alreadyOwned(r, *reg.Existing), nil
	}
	l := reg.Lead
	text := r.T(":white_check_mark: *%s* is your lead now, graded *%s* (%s). First touch %s.",
		esc(l.Company), l.Grade, word(r.lang, l.Grade.Meaning()), dueIn(r.lang, l.Due, now, r.loc))
	blocks := []slack.Block{section(text)}
	if !empty(deal) && h.deals != nil {
		set, err := h.deals.SetDeal(ctx, r.actor, salesbot.RefRead(l), deal, salesbot.DateOf(now.In(r.loc)), now)
		if err != nil {
			blocks = append(blocks, section(r.T(":warning: The lead is registered, but its deal was not recorded: %s", markup(h.errorText(ctx, r.lang, err)))))
		} else {
			blocks = append(blocks, section(":moneybag: "+dealLine(r.lang, set.Lead, h.probability)))
		}
	}
	blocks = append(blocks, h.newLeadExtras(ctx, r, l, more, now)...)
	if similar := similarNames(r, reg); len(similar) > 0 {
		blocks = append(blocks, contextLine(r.T(":mag: Similar names are registered already: %s. If one is the same company, close this one with `/lead lost %s duplicate` and ask a manager for the other.",
			strings.Join(similar, ", "), esc(quoteName(l.Company)))))
	}
	if !graded {
		blocks = append(blocks,
			contextLine(r.T("How soon can it close? Pick the grade; it sets how often you are reminded.")),
			slack.NewActionBlock("lead_new_grade", gradeButtons(r.lang, l)...))
	}
	return ephemeral(text, blocks...), nil
}

func gradeButtons(lang i18n.Lang, l *salesbot.Lead) []slack.BlockElement {
	var buttons []slack.BlockElement
	for _, g := range salesbot.Grades {
		b := slack.NewButtonBlockElement(actionGradeButton, l.ID+"|"+string(g), plain(string(g)+" · "+word(lang, g.Meaning())))
		if g == l.Grade {
			b = b.WithStyle(slack.StylePrimary)
		}
		buttons = append(buttons, b)
	}
	return buttons
}

// alreadyOwned tells a rep who registered a known company what they may
// see of the lead registered first (first to register owns, DOMAIN.md §6),
// and offers to ask a manager for it.
func alreadyOwned(r request, existing salesbot.SeenLead) *slack.Msg {
	l := existing.Lead
	var text string
	switch {
	case l.Stage == salesbot.StageLost:
		text = r.T(":recycle: *%s* was lost by <@%s> and is back in the pool. A manager can give it to you.", esc(l.Company), l.Owner)
	case existing.Sight == salesbot.SightAll && l.Owner == r.actor.User:
		text = r.T(":information_source: *%s* is already your lead (grade %s, %s).", esc(l.Company), l.Grade, word(r.lang, l.Stage.Name()))
		return ephemeral(text, section(text))
	default:
		text = r.T(":lock: *%s* is already registered: it is <@%s>'s lead since %s (grade %s). The first to register owns a lead; a manager can reassign it.",
			esc(l.Company), l.Owner, day(l.CreatedAt, r.loc), l.Grade)
	}
	return ephemeral(text, section(text), slack.NewActionBlock("lead_request",
		slack.NewButtonBlockElement(actionLeadRequest, l.ID, plain(r.T("Ask a manager for it")))))
}

// show renders the card of a lead already read (or named by ID), for its
// owner and managers.
func (h *Handler) show(ctx context.Context, r request, l *salesbot.Lead) (*slack.Msg, error) {
	return h.showRef(ctx, r, salesbot.RefRead(l))
}

// showFound renders the card of a lead looked up by name, with the last
// visit read along with it when it came along.
func (h *Handler) showFound(ctx context.Context, r request, f found) (*slack.Msg, error) {
	ref := salesbot.RefRead(f.lead)
	ref.Visits, ref.VisitsRead = f.visits, f.hasVisits
	return h.showRef(ctx, r, ref)
}

func (h *Handler) showRef(ctx context.Context, r request, ref salesbot.LeadRef) (*slack.Msg, error) {
	lc, err := h.leads.Card(ctx, r.actor, ref)
	if err != nil {
		return nil, err
	}
	c := card{lead: lc.Lead, lastVisit: lc.LastVisit, cadence: h.cadence, now: h.now(), loc: r.loc, lang: r.lang, probability: h.probability}
	return ephemeral(r.T("%s — lead card", esc(lc.Lead.Company)), append(c.blocks(), removalBlocks(r, lc.Lead)...)...), nil
}

// list shows a pipeline by grade: the caller's, or for managers a named
// rep's or the team's, a page at a time.
func (h *Handler) list(ctx context.Context, r request, args []salesbot.Token) (*slack.Msg, error) {
	q := salesbot.ListQuery{Team: r.team}
	for _, t := range args {
		if g, err := salesbot.ParseGrade(t.Text); err == nil && !t.Quoted {
			q.Grade = g
		} else if strings.EqualFold(t.Text, "all") {
			q.All = true
		} else if u, ok := mention(t.Text); ok {
			q.Owner = u
		} else {
			return nil, salesbot.Errorf(salesbot.EINVALID, "%q is neither a grade nor a rep. Write `/lead list [A|B|C|D] [@rep|all]`.", t.Text)
		}
	}
	return h.listed(ctx, r, q)
}

// listed reads the pipeline q names and renders it.
func (h *Handler) listed(ctx context.Context, r request, q salesbot.ListQuery) (*slack.Msg, error) {
	list, err := h.leads.List(ctx, r.actor, q)
	if err != nil {
		return nil, err
	}
	title := r.T("Your pipeline")
	switch {
	case list.All:
		title = r.T("Team pipeline")
	case list.Owner != r.actor.User:
		title = r.T("Pipeline of <@%s>", list.Owner)
	}
	if list.Grade != "" {
		title = r.T("%s — grade %s", title, list.Grade)
	}
	p := pipeline{title: title, leads: list.Leads, showOwner: list.All, cadence: h.cadence, now: h.now(), loc: r.loc, lang: r.lang}
	if list.All {
		p.page = &list
	}
	return ephemeral(title, p.blocks()...), nil
}

// pool lists lost leads open to be claimed, with why they were lost; a rep
// asks a manager for one, a manager assigns it.
func (h *Handler) pool(ctx context.Context, r request) (*slack.Msg, error) {
	leads, err := h.leads.Pool(ctx, r.actor, r.team)
	if err != nil {
		return nil, err
	}
	if len(leads) == 0 {
		return ephemeral(r.T("The pool is empty: no lost leads are waiting for a new owner.")), nil
	}
	blocks := []slack.Block{section(r.T("*The pool* — %d lost leads open to be claimed", len(leads)))}
	for _, l := range leads {
		why := r.T("no reason given")
		if l.LostReason != "" {
			why = esc(l.LostReason)
		}
		line := r.T("*%s* (grade %s) — lost %s by <@%s>: _%s_", esc(l.Company), l.Grade, day(l.ClosedAt, r.loc), l.Owner, why)
		button := slack.NewButtonBlockElement(actionLeadRequest, l.ID, plain(r.T("Ask for it")))
		if r.actor.Manager {
			line += r.T("\nAssign it with `/lead assign %s @rep`.", esc(quoteName(l.Company)))
			button = nil
		}
		var accessory *slack.Accessory
		if button != nil {
			accessory = slack.NewAccessory(button)
		}
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(line), nil, accessory))
		if len(blocks) >= maxBlocks {
			break
		}
	}
	return ephemeral(r.T("The pool"), blocks...), nil
}

// similarNames writes the similar names a registration found, as the rep
// may see them: their own and, for a manager, everyone's by name and owner;
// a lead in the pool by name; other reps' leads only counted.
func similarNames(r request, reg salesbot.Registration) []string {
	var similar []string
	for _, other := range reg.Similar {
		if other.Sight == salesbot.SightAll {
			similar = append(similar, fmt.Sprintf("*%s* (<@%s>)", esc(other.Lead.Company), other.Lead.Owner))
		} else {
			similar = append(similar, r.T("*%s* (in the pool)", esc(other.Lead.Company)))
		}
	}
	if reg.HiddenSimilar > 0 {
		similar = append(similar, r.T("%d of other reps' (a manager can tell you whose)", reg.HiddenSimilar))
	}
	return similar
}

// listPage reads a "Show more" button's value, "<offset>|<grade or
// empty>": which page of the team's pipeline to show. Who may see it is
// checked again when it is read.
func listPage(team string, parts []string) (salesbot.ListQuery, bool) {
	if len(parts) != 2 {
		return salesbot.ListQuery{}, false
	}
	offset, err := strconv.Atoi(parts[0])
	if err != nil || offset < 0 {
		return salesbot.ListQuery{}, false
	}
	q := salesbot.ListQuery{Team: team, All: true, Offset: offset}
	if parts[1] != "" {
		g, err := salesbot.ParseGrade(parts[1])
		if err != nil {
			return salesbot.ListQuery{}, false
		}
		q.Grade = g
	}
	return q, true
}

// listMoreValue is the value of the button that shows the page of the
// team's pipeline after list.
func listMoreValue(list *salesbot.LeadList) string {
	return strconv.Itoa(list.Next) + "|" + string(list.Grade)
}
