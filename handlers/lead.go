package handlers

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

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
			return h.stakeholderMap(r, l)
		})
	case "list", "ls":
		return h.list(ctx, r, args)
	case "pool":
		return h.pool(ctx, r)
	case "grade":
		return h.withLead(ctx, r, args, "/lead grade <company> <A|B|C|D> [reason]", func(l *salesbot.Lead, rest []salesbot.Token) (*slack.Msg, error) {
			if len(rest) == 0 {
				return nil, salesbot.Errorf(salesbot.EINVALID, "Which grade? e.g. `/lead grade %s A selection starts in January`.", quoteName(l.Company))
			}
			g, err := salesbot.ParseGrade(rest[0].Text)
			if err != nil {
				return nil, err
			}
			return h.regrade(ctx, r, asRead(l), g, salesbot.JoinTokens(rest[1:]))
		})
	case "stage":
		return h.withLead(ctx, r, args, "/lead stage <company> <stage>", func(l *salesbot.Lead, rest []salesbot.Token) (*slack.Msg, error) {
			if len(rest) == 0 {
				return nil, salesbot.Errorf(salesbot.EINVALID, "Which stage? e.g. `/lead stage %s demo`.", quoteName(l.Company))
			}
			st, err := salesbot.ParseStage(salesbot.JoinTokens(rest))
			if err != nil {
				return nil, err
			}
			return h.moveStage(ctx, r, l, st)
		})
	case "won", "win":
		return h.withLead(ctx, r, args, "/lead won <company>", func(l *salesbot.Lead, _ []salesbot.Token) (*slack.Msg, error) {
			return h.win(ctx, r, asRead(l))
		})
	case "lost", "lose":
		return h.withLead(ctx, r, args, "/lead lost <company> [reason]", func(l *salesbot.Lead, rest []salesbot.Token) (*slack.Msg, error) {
			return h.lose(ctx, r, asRead(l), salesbot.JoinTokens(rest))
		})
	case "assign":
		return h.withLead(ctx, r, args, "/lead assign <company> @rep", func(l *salesbot.Lead, rest []salesbot.Token) (*slack.Msg, error) {
			if len(rest) != 1 {
				return nil, salesbot.Errorf(salesbot.EINVALID, "Assign to whom? Mention one rep: `/lead assign %s @wang`.", quoteName(l.Company))
			}
			rep, ok := mention(rest[0].Text)
			if !ok {
				return nil, salesbot.Errorf(salesbot.EINVALID, "%q is not a person. Mention the rep with @, e.g. `/lead assign %s @wang`.", rest[0].Text, quoteName(l.Company))
			}
			return h.assign(ctx, r, asRead(l), rep)
		})
	case "key", "fact":
		return h.withLead(ctx, r, args, "/lead key <company> <schedule|budget|need|decision|competition|criteria> <text>", func(l *salesbot.Lead, rest []salesbot.Token) (*slack.Msg, error) {
			if len(rest) == 0 {
				return nil, salesbot.Errorf(salesbot.EINVALID, "Which key fact? e.g. `/lead key %s budget 2M RMB for software and services`.", quoteName(l.Company))
			}
			k, err := salesbot.ParseKeyFact(rest[0].Text)
			if err != nil {
				return nil, err
			}
			return h.setFact(ctx, r, asRead(l), k, salesbot.JoinTokens(rest[1:]))
		})
	case "help":
		return ephemeral(leadHelp(r.lang)), nil
	}
	// `/lead Acme` shows Acme's card, when Acme is a lead.
	if f, _, err := h.find(ctx, r, toks, "/lead show <company>", 1); err == nil {
		return h.showFound(ctx, r, f)
	} else if code := salesbot.ErrorCode(err); code != salesbot.ENOTFOUND && code != salesbot.EINVALID {
		return nil, err
	}
	return ephemeral(r.T(":warning: `/lead %s` is not a command I know.\n%s", esc(toks[0].Text), leadHelp(r.lang))), nil
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
// quoted and followed by a grade: `/lead new "Acme Industrial" B`.
func (h *Handler) leadNew(ctx context.Context, r request, args []salesbot.Token) (*slack.Msg, error) {
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
	return h.createLead(ctx, r, company, grade, graded || (len(args) > 1 && args[0].Quoted))
}

func isGradeLetter(t salesbot.Token) bool {
	_, err := salesbot.ParseGrade(t.Text)
	return err == nil && !t.Quoted && t.Text == strings.ToUpper(t.Text)
}

func (h *Handler) createLead(ctx context.Context, r request, company string, grade salesbot.Grade, graded bool) (*slack.Msg, error) {
	now := h.now()
	l, c, err := salesbot.NewLead(r.actor, r.team, "", company, grade, now)
	if err != nil {
		return nil, err
	}
	l.Schedule(h.cadence)
	existing, err := h.store.CreateLead(ctx, l, c)
	if salesbot.ErrorCode(err) == salesbot.ECONFLICT && existing != nil {
		return h.alreadyOwned(r, existing), nil
	} else if err != nil {
		return nil, fmt.Errorf("create lead: %w", err)
	}
	text := r.T(":white_check_mark: *%s* is your lead now, graded *%s* (%s). First touch %s.",
		esc(l.Company), l.Grade, word(r.lang, l.Grade.Meaning()), dueIn(r.lang, l.Due, now, r.loc))
	blocks := []slack.Block{section(text)}
	if similar := h.similarLeads(ctx, r, l); len(similar) > 0 {
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

// alreadyOwned tells a rep who registered a known company who owns it, and
// offers to ask a manager for it (first to register owns, DOMAIN.md §6): the
// rep named it, so they may see that much (salesbot.SightOwner).
func (h *Handler) alreadyOwned(r request, existing *salesbot.Lead) *slack.Msg {
	var text string
	switch {
	case existing.Stage == salesbot.StageLost:
		text = r.T(":recycle: *%s* was lost by <@%s> and is back in the pool. A manager can give it to you.", esc(existing.Company), existing.Owner)
	case existing.Owner == r.actor.User:
		text = r.T(":information_source: *%s* is already your lead (grade %s, %s).", esc(existing.Company), existing.Grade, word(r.lang, existing.Stage.Name()))
		return ephemeral(text, section(text))
	default:
		text = r.T(":lock: *%s* is already registered: it is <@%s>'s lead since %s (grade %s). The first to register owns a lead; a manager can reassign it.",
			esc(existing.Company), existing.Owner, day(existing.CreatedAt, r.loc), existing.Grade)
	}
	return ephemeral(text, section(text), slack.NewActionBlock("lead_request",
		slack.NewButtonBlockElement(actionLeadRequest, existing.ID, plain(r.T("Ask a manager for it")))))
}

// show renders the card of a lead already read, reading only its last
// visit; reps see only their own leads.
func (h *Handler) show(ctx context.Context, r request, l *salesbot.Lead) (*slack.Msg, error) {
	visits, err := h.store.Visits(ctx, r.team, l.ID, 1)
	if err != nil {
		return nil, fmt.Errorf("show lead: %w", err)
	}
	return h.card(r, l, visits)
}

// showFound renders the card of a lead looked up by name, with the last
// visit read along with it, or read now when it did not come along.
func (h *Handler) showFound(ctx context.Context, r request, f found) (*slack.Msg, error) {
	if !f.hasVisits {
		return h.show(ctx, r, f.lead)
	}
	return h.card(r, f.lead, f.visits)
}

// card renders a lead's card for someone allowed to see it.
func (h *Handler) card(r request, l *salesbot.Lead, visits []salesbot.Visit) (*slack.Msg, error) {
	if l.SightOf(r.actor, true) < salesbot.SightAll {
		return nil, salesbot.Errorf(salesbot.EFORBIDDEN, "%s is <@%s>'s lead; only its owner and managers can see its card.", l.Company, l.Owner)
	}
	c := card{lead: l, cadence: h.cadence, now: h.now(), loc: r.loc, lang: r.lang}
	if len(visits) > 0 {
		c.lastVisit = &visits[0]
	}
	return ephemeral(r.T("%s — lead card", esc(l.Company)), c.blocks()...), nil
}

// stakeholderMap places the lead's people in the influence × support
// quadrants (DOMAIN.md §3): per person the buying and decision role, how
// deeply and how lately they were met, and their last change of support, so
// that a manager reads where to spend time at a glance on a phone.
func (h *Handler) stakeholderMap(r request, l *salesbot.Lead) (*slack.Msg, error) {
	if l.SightOf(r.actor, true) < salesbot.SightAll {
		return nil, salesbot.Errorf(salesbot.EFORBIDDEN, "%s is <@%s>'s lead; only its owner and managers can see its people.", l.Company, l.Owner)
	}
	quadrants := []struct {
		q    salesbot.Quadrant
		name string
	}{
		{salesbot.QuadrantAngel, r.T("Angels 天使 — high influence, supportive: spend time here")},
		{salesbot.QuadrantDevil, r.T("Devils 魔鬼 — high influence, opposed: neutralise")},
		{salesbot.QuadrantSweetheart, r.T("Sweethearts 小甜甜 — low influence, supportive")},
		{salesbot.QuadrantImp, r.T("Imps 小鬼 — low influence, opposed")},
		{salesbot.QuadrantNeutral, r.T("Neutral — support 0")},
	}
	title := r.T("People at %s", esc(l.Company))
	blocks := []slack.Block{slack.NewHeaderBlock(plain(truncate(r.T("People at %s", l.Company), 150)))}
	if len(l.Stakeholders) == 0 {
		blocks = append(blocks, section(r.T("No one recorded yet. Add people with `/stance %s \"Name\" eb high +1`.", esc(quoteName(l.Company)))))
		return ephemeral(title, blocks...), nil
	}
	now := h.now()
	var counts []string
	for _, quad := range quadrants {
		var people []salesbot.Stakeholder
		for _, s := range l.Stakeholders {
			if s.Quadrant() == quad.q {
				people = append(people, s)
			}
		}
		if len(people) == 0 {
			continue
		}
		counts = append(counts, fmt.Sprintf("%s %d", quadrantEmoji(quad.q), len(people)))
		// The weightiest first: influence, then how strongly they stand.
		slices.SortStableFunc(people, func(a, b salesbot.Stakeholder) int {
			if d := slices.Index(salesbot.Influences, a.Influence) - slices.Index(salesbot.Influences, b.Influence); d != 0 {
				return d
			}
			return abs(int(b.Support)) - abs(int(a.Support))
		})
		lines := make([]string, len(people))
		for i, s := range people {
			lines[i] = mapEntry(r.lang, s, now, r.loc)
		}
		blocks = append(blocks, chunks(quadrantEmoji(quad.q)+" *"+quad.name+"*", lines)...)
	}
	people := r.T("%d people", len(l.Stakeholders))
	summary := contextLine(r.T("%s · %s · update with `/stance`, log who you met with `/visit … met: \"Name\"`", people, strings.Join(counts, " · ")))
	blocks = slices.Insert(blocks, 1, slack.Block(summary))
	if len(blocks) > maxBlocks {
		blocks = append(blocks[:maxBlocks-1], section(r.T("_…and more people than fit here._")))
	}
	return ephemeral(title, blocks...), nil
}

// metText says when a person was last met.
func metText(lang i18n.Lang, s salesbot.Stakeholder, now time.Time, loc *time.Location) string {
	switch {
	case !s.LastMet.IsZero():
		return i18n.T(lang, "met %s", ago(lang, s.LastMet, now, loc))
	case s.ContactDepth.Rank() > 0:
		return i18n.T(lang, "no meeting logged")
	}
	return i18n.T(lang, "never met")
}

// mapEntry is one person on the map: who they are in the decision, how well
// and how lately we know them, and their last change of support.
func mapEntry(lang i18n.Lang, s salesbot.Stakeholder, now time.Time, loc *time.Location) string {
	who := []string{word(lang, s.Role.Name())}
	if s.DecisionRole != "" {
		who = append(who, word(lang, s.DecisionRole.Name()))
	}
	who = append(who, i18n.T(lang, "%s influence", word(lang, string(s.Influence))))
	entry := fmt.Sprintf("• *%s* %s — %s", esc(s.Name), s.Support, strings.Join(who, " · "))

	contact := []string{word(lang, s.ContactDepth.Name()), metText(lang, s, now, loc)}
	if s.Attitude != "" {
		contact = append(contact, word(lang, s.Attitude.Name()))
	}
	entry += "\n      " + strings.Join(contact, " · ")

	if c, ok := s.LastSupportChange(); ok {
		arrow := "▲"
		if c.To < c.From {
			arrow = "▼"
		}
		entry += i18n.T(lang, "\n      %s %s → %s on %s", arrow, c.From, c.To, day(c.At, loc))
		if c.Why != "" {
			entry += " _" + esc(truncate(c.Why, 100)) + "_"
		}
	}
	return entry
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// list shows a pipeline by grade: the caller's, or for managers a named
// rep's or everyone's.
func (h *Handler) list(ctx context.Context, r request, args []salesbot.Token) (*slack.Msg, error) {
	owner, all, grade := r.actor.User, false, salesbot.Grade("")
	for _, t := range args {
		if g, err := salesbot.ParseGrade(t.Text); err == nil && !t.Quoted {
			grade = g
		} else if strings.EqualFold(t.Text, "all") {
			all = true
		} else if u, ok := mention(t.Text); ok {
			owner = u
		} else {
			return nil, salesbot.Errorf(salesbot.EINVALID, "%q is neither a grade nor a rep. Write `/lead list [A|B|C|D] [@rep|all]`.", t.Text)
		}
	}
	if (all || owner != r.actor.User) && !r.actor.Manager {
		return nil, salesbot.Errorf(salesbot.EFORBIDDEN, "Only managers see other reps' pipelines. `/lead list` shows yours.")
	}
	var (
		leads []*salesbot.Lead
		err   error
		title = r.T("Your pipeline")
	)
	if all {
		title = r.T("Team pipeline")
		leads, err = h.store.AllLeads(ctx, r.team)
	} else {
		leads, err = h.store.LeadsOwnedBy(ctx, r.team, owner)
		if owner != r.actor.User {
			title = r.T("Pipeline of <@%s>", owner)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("list leads: %w", err)
	}
	leads = slices.DeleteFunc(leads, func(l *salesbot.Lead) bool { return l.SightOf(r.actor, false) < salesbot.SightAll })
	if grade != "" {
		kept := leads[:0]
		for _, l := range leads {
			if l.Grade == grade && l.Open() {
				kept = append(kept, l)
			}
		}
		leads, title = kept, r.T("%s — grade %s", title, grade)
	}
	p := pipeline{title: title, leads: leads, showOwner: all, cadence: h.cadence, now: h.now(), loc: r.loc, lang: r.lang}
	return ephemeral(title, p.blocks()...), nil
}

// poolSize bounds how many lost leads /lead pool shows.
const poolSize = 40

// pool lists lost leads open to be claimed, with why they were lost; a rep
// asks a manager for one, a manager assigns it.
func (h *Handler) pool(ctx context.Context, r request) (*slack.Msg, error) {
	leads, err := h.store.Pool(ctx, r.team, poolSize)
	if err != nil {
		return nil, fmt.Errorf("pool: %w", err)
	}
	leads = slices.DeleteFunc(leads, func(l *salesbot.Lead) bool { return l.SightOf(r.actor, false) < salesbot.SightPool })
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

// maxSimilar bounds how many similar names a new lead's reply lists.
const maxSimilar = 3

// similarLeads names the team's other leads whose normalised name contains
// the new one's or is contained in it ("明达机械" and "上海明达机械"): not
// duplicates under the ownership rule, but worth a look before two reps
// work the same company. Only what the rep may see of each is shown
// (salesbot.SightOf: they did not name these): their own and, for a
// manager, everyone's by name and owner; a lead in the pool by name; another
// rep's lead only counted. A failure to look only loses the hint.
func (h *Handler) similarLeads(ctx context.Context, r request, l *salesbot.Lead) []string {
	key := salesbot.NormalizeCompany(l.Company)
	if len([]rune(key)) < 2 {
		return nil
	}
	others, err := h.store.SimilarLeads(ctx, r.team, l.Company, l.ID, maxSimilar)
	if err != nil {
		h.log.WarnContext(ctx, "similar leads", "err", err)
		return nil
	}
	var similar []string
	hidden := 0
	for _, other := range others {
		switch other.SightOf(r.actor, false) {
		case salesbot.SightAll:
			similar = append(similar, fmt.Sprintf("*%s* (<@%s>)", esc(other.Company), other.Owner))
		case salesbot.SightPool:
			similar = append(similar, r.T("*%s* (in the pool)", esc(other.Company)))
		default:
			hidden++
		}
	}
	if hidden > 0 {
		similar = append(similar, r.T("%d of other reps' (a manager can tell you whose)", hidden))
	}
	return similar
}
