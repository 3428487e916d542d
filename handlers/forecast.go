package handlers

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/chart"
	"salesbot/i18n"
)

// The manager's pipeline (DOMAIN.md §7): /salesbot forecast and target.

// Charts draws the forecast's pictures as PNG; *chart.Renderer does.
type Charts interface {
	Pipeline(bars []chart.StageBar, l chart.Labels) ([]byte, error)
	Reps(bars []chart.RepBar, l chart.Labels) ([]byte, error)
}

const forecastUsage = "Write `/salesbot forecast [month|quarter|next-month|next-quarter|YYYY-MM|YYYY-Qn] [@rep|all]`, e.g. `/salesbot forecast quarter all`."

// forecastLines bounds how many reps the forecast message lists; the chart
// and the team line count them all.
const forecastLines = 25

// forecast runs /salesbot forecast [period] [@rep|all]: the period's
// numbers at once (they come from the read models), posted where it was
// asked with its charts attached below.
func (h *Handler) forecast(ctx context.Context, r request, args []salesbot.Token) (*slack.Msg, error) {
	if h.forecasts == nil {
		return nil, salesbot.Errorf(salesbot.EINTERNAL, "Forecasts are not set up on this bot.")
	}
	now := h.now()
	today := salesbot.DateOf(now.In(r.loc))
	q := salesbot.ForecastQuery{Team: r.team, Period: salesbot.QuarterOf(today), Now: now}
	if !r.actor.Manager {
		q.Rep = r.actor.User
	}
	periodSet := false
	args, q.BySource = cutBySource(args)
	for _, a := range args {
		if u, ok := mention(a.Text); ok {
			q.Rep = u
			continue
		}
		if strings.EqualFold(a.Text, "all") || a.Text == "全部" || strings.EqualFold(a.Text, "team") {
			q.Rep = ""
			if !r.actor.Manager {
				return nil, salesbot.Errorf(salesbot.EFORBIDDEN, "The team's forecast is for managers. `/salesbot forecast` shows yours.")
			}
			continue
		}
		p, err := salesbot.ParsePeriod(a.Text, today)
		if err != nil || periodSet {
			return nil, salesbot.Errorf(salesbot.EINVALID, "%q is not a period or a person. %s", a.Text, markup(r.T(forecastUsage)))
		}
		q.Period, periodSet = p, true
	}
	f, err := h.forecasts.Forecast(ctx, r.actor, q)
	if err != nil {
		return nil, err
	}
	h.later(ctx, "forecast", func(ctx context.Context) error { return h.postForecast(ctx, r, f) })
	return ephemeral(r.T(":bar_chart: The forecast for %s is being posted here, with its charts.", f.Period)), nil
}

// postForecast posts a forecast where it was asked (or to the asker when
// the bot cannot post there) and attaches its charts below it.
func (h *Handler) postForecast(ctx context.Context, r request, f salesbot.Forecast) error {
	names := h.peopleNames(ctx, forecastPeople(f))
	text, blocks := forecastText(r.lang, f, h.currency), forecastBlocks(r.lang, f, h.currency, h.probability)
	channel, _, err := h.slack.PostMessageContext(ctx, r.channel, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...))
	if slackError(err, "not_in_channel", "channel_not_found") {
		channel, _, err = h.slack.PostMessageContext(ctx, r.actor.User, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...))
	}
	if err != nil {
		_ = h.notify(ctx, r.actor.User, r.T(":warning: Slack did not take the forecast just now. Please try again in a moment."))
		return fmt.Errorf("post forecast: %w", err)
	}
	if h.charts == nil {
		return nil
	}
	for _, c := range forecastCharts(r.lang, f, h.currency, h.probability, names) {
		png, err := c.draw(h.charts)
		if err != nil {
			return fmt.Errorf("draw %s: %w", c.file, err)
		}
		if _, err := h.slack.UploadFileContext(ctx, slack.UploadFileParameters{
			Channel: channel, Filename: c.file, FileSize: len(png), Reader: bytes.NewReader(png), Title: c.title,
		}); err != nil {
			why := r.T("Please try again in a moment.")
			if slackError(err, "missing_scope", "not_allowed_token_type", "no_permission") {
				why = r.T("The bot may not upload files here: a workspace admin can reinstall it with the `files:write` scope.")
			}
			_ = h.notify(ctx, r.actor.User, r.T(":warning: The forecast is posted, but its chart could not be attached. %s", why))
			return fmt.Errorf("attach %s: %w", c.file, err)
		}
	}
	return nil
}

// forecastPeople are the reps a forecast names.
func forecastPeople(f salesbot.Forecast) []string {
	var ids []string
	for _, l := range f.Reps {
		ids = append(ids, l.Owner)
	}
	return ids
}

// peopleNames looks up how Slack names people, within a small budget; one
// not found in time is named by ID.
func (h *Handler) peopleNames(ctx context.Context, ids []string) map[string]string {
	ctx, cancel := context.WithTimeout(ctx, namesBudget)
	defer cancel()
	names := map[string]string{}
	for _, id := range ids {
		if ctx.Err() != nil {
			break
		}
		if n := h.people.Lookup(ctx, id).Name; n != "" {
			names[id] = n
		}
	}
	return names
}

func forecastText(lang i18n.Lang, f salesbot.Forecast, cur salesbot.Currency) string {
	return i18n.T(lang, "Forecast for %s: won %s, commit %s, weighted %s", f.Period,
		markup(f.Team.Tally.Won.InLanguage(string(lang), cur)), markup(f.Team.Tally.Commit.InLanguage(string(lang), cur)),
		markup(f.Team.Tally.Weighted().InLanguage(string(lang), cur)))
}

// forecastBlocks lays a forecast out: the team's line (or the rep's), each
// rep's, the deals that slipped out lately and the biggest deals.
func forecastBlocks(lang i18n.Lang, f salesbot.Forecast, cur salesbot.Currency, p salesbot.Probability) []slack.Block {
	title := i18n.T(lang, "Forecast · %s", f.Period)
	blocks := []slack.Block{slack.NewHeaderBlock(plain(title))}
	if f.Rep != "" {
		blocks = append(blocks, section(forecastLine(lang, i18n.T(lang, "<@%s>", f.Rep), f.Team, cur)))
	} else {
		blocks = append(blocks, section(forecastLine(lang, i18n.T(lang, "*Team*"), f.Team, cur)))
		var lines []string
		for _, l := range f.Reps[:min(len(f.Reps), forecastLines)] {
			lines = append(lines, forecastLine(lang, fmt.Sprintf("<@%s>", l.Owner), l, cur))
		}
		if len(f.Reps) > forecastLines {
			lines = append(lines, i18n.T(lang, "… and %d more reps (the team line counts them all).", len(f.Reps)-forecastLines))
		}
		blocks = append(blocks, chunks(i18n.T(lang, "*By rep*"), lines)...)
	}
	blocks = append(blocks, forecastSourceBlocks(lang, f, cur)...)
	if len(f.Slipped) > 0 {
		var lines []string
		for _, s := range f.Slipped[:min(len(f.Slipped), 10)] {
			lines = append(lines, i18n.T(lang, "• *%s* · <@%s> · %s → %s", esc(s.Company), s.Owner, s.From.String(), s.To.String()))
		}
		blocks = append(blocks, chunks(i18n.T(lang, ":warning: *Slipped out of %s in the last 7 days* (%d)", f.Period, len(f.Slipped)), lines)...)
	}
	if len(f.Biggest) > 0 {
		var lines []string
		for _, d := range f.Biggest {
			lines = append(lines, i18n.T(lang, "• *%s* · %s · %s · %s · %s · <@%s>", esc(d.Company), d.Value,
				word(lang, d.Stage.Name()), word(lang, d.Category.Name()), d.CloseBy.String(), d.Owner))
		}
		blocks = append(blocks, chunks(i18n.T(lang, "*Biggest deals closing in %s*", f.Period), lines)...)
	}
	var probs []string
	for _, s := range salesbot.Stages {
		probs = append(probs, fmt.Sprintf("%s %d%%", word(lang, s.Name()), p.Of(s)))
	}
	note := i18n.T(lang, "Commit, best case and pipeline are the open deals of each category; omitted deals are left out. Weighted by stage: %s. Sums are per currency, never converted.", strings.Join(probs, " · "))
	if others := otherCurrencies(lang, f.Team.Tally, cur); others != "" {
		note += " " + i18n.T(lang, "The charts are in %s; not drawn: %s.", string(cur), markup(others))
	}
	if f.NoCloseDate > 0 {
		note += " " + i18n.T(lang, "%d open leads have no expected close date, so no period counts them.", f.NoCloseDate)
	}
	if n := f.Team.Tally.NoValue; n > 0 {
		note += " " + i18n.T(lang, "%d open deals closing in the period have no value yet.", n)
	}
	return append(blocks, contextLine(note))
}

// forecastLine is one rep's (or the team's) numbers.
func forecastLine(lang i18n.Lang, who string, l salesbot.Line, cur salesbot.Currency) string {
	t := l.Tally
	m := func(x salesbot.Money) markup { return markup(x.InLanguage(string(lang), cur)) }
	s := i18n.T(lang, "%s — won %s · commit %s · best case %s · pipeline %s · weighted %s", markup(who),
		m(t.Won), m(t.Commit), m(t.Best), m(t.Pipeline), m(t.Weighted()))
	if l.Target.IsZero() {
		return s + "\n" + i18n.T(lang, "_No target set._")
	}
	left, _ := l.Remaining()
	if cov, ok := l.Coverage(); ok {
		return s + "\n" + i18n.T(lang, "Target %s · %s to go · coverage %.2f×", l.Target, left, cov)
	}
	return s + "\n" + i18n.T(lang, "Target %s · :tada: met", l.Target)
}

// forecastChart is one picture of a forecast.
type forecastChart struct {
	file, title string
	draw        func(Charts) ([]byte, error)
}

// forecastCharts are a forecast's pictures, in the team's currency: the
// open pipeline by stage, and (for more than one rep) won, commit and best
// case per rep against their targets.
func forecastCharts(lang i18n.Lang, f salesbot.Forecast, cur salesbot.Currency, p salesbot.Probability, names map[string]string) []forecastChart {
	unit := i18n.T(lang, "Value (%s)", string(cur))
	major := func(minor int64) float64 { return salesbot.Amount{Minor: minor, Currency: cur}.Major() }
	var stages []chart.StageBar
	for _, s := range salesbot.Stages {
		v := f.Team.Tally.Stages[s][cur]
		stages = append(stages, chart.StageBar{Label: word(lang, s.Name()), Value: major(v), Weighted: major(v) * float64(p.Of(s)) / 100})
	}
	labels := chart.Labels{
		Unit: unit, Value: i18n.T(lang, "Value"), Weighted: i18n.T(lang, "Weighted"),
		Won: i18n.T(lang, "Won"), Commit: word(lang, "Commit"), Best: word(lang, "Best case"), Target: i18n.T(lang, "Target"),
		Empty: i18n.T(lang, "No open deals"), Format: axisFormat(lang),
	}
	pipeline := labels
	pipeline.Title = i18n.T(lang, "Pipeline by stage · %s", f.Period)
	charts := []forecastChart{{
		file: fmt.Sprintf("forecast-%s-pipeline.png", f.Period), title: pipeline.Title,
		draw: func(c Charts) ([]byte, error) { return c.Pipeline(stages, pipeline) },
	}}
	lines := f.Reps
	if f.Rep != "" {
		lines = []salesbot.Line{f.Team}
		lines[0].Owner = f.Rep
	}
	var reps []chart.RepBar
	for _, l := range lines {
		name := names[l.Owner]
		if name == "" {
			name = l.Owner
		}
		target := 0.0
		if l.Target.Currency == cur {
			target = l.Target.Major()
		}
		reps = append(reps, chart.RepBar{Label: name, Won: major(l.Tally.Won[cur]), Commit: major(l.Tally.Commit[cur]),
			Best: major(l.Tally.Best[cur]), Target: target})
	}
	slices.SortStableFunc(reps, func(a, b chart.RepBar) int {
		return -cmpFloat(a.Won+a.Commit+a.Best, b.Won+b.Commit+b.Best)
	})
	reps = reps[:min(len(reps), 40)]
	repLabels := labels
	repLabels.Title = i18n.T(lang, "Won, commit and best case against target · %s", f.Period)
	return append(charts, forecastChart{
		file: fmt.Sprintf("forecast-%s-reps.png", f.Period), title: repLabels.Title,
		draw: func(c Charts) ([]byte, error) { return c.Reps(reps, repLabels) },
	})
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// axisFormat writes a chart's value ticks the reader's way: 1.8M or 180万.
func axisFormat(lang i18n.Lang) func(float64) string {
	return func(v float64) string {
		trim := func(f float64) string {
			s := strings.TrimRight(fmt.Sprintf("%.2f", f), "0")
			return strings.TrimSuffix(s, ".")
		}
		if lang == i18n.Zh {
			switch {
			case v >= 1e8:
				return trim(v/1e8) + "亿"
			case v >= 1e4:
				return trim(v/1e4) + "万"
			}
			return trim(v)
		}
		switch {
		case v >= 1e9:
			return trim(v/1e9) + "B"
		case v >= 1e6:
			return trim(v/1e6) + "M"
		case v >= 1e3:
			return trim(v/1e3) + "k"
		}
		return trim(v)
	}
}

const targetUsage = "Write `/salesbot target @rep <YYYY-MM|YYYY-Qn> <amount>` or `/salesbot target team 2027-Q1 500万`."

// target runs /salesbot target <@rep|team> <period> <amount> (managers).
func (h *Handler) target(ctx context.Context, r request, args []salesbot.Token) (*slack.Msg, error) {
	if h.forecasts == nil {
		return nil, salesbot.Errorf(salesbot.EINTERNAL, "Forecasts are not set up on this bot.")
	}
	if !r.actor.Manager {
		return nil, salesbot.Errorf(salesbot.EFORBIDDEN, "Managers set targets. `/salesbot forecast` shows yours.")
	}
	if len(args) < 3 {
		return nil, salesbot.Errorf(salesbot.EINVALID, "A target needs whose, which period and how much. %s", markup(r.T(targetUsage)))
	}
	t := salesbot.Target{}
	if !strings.EqualFold(args[0].Text, "team") && args[0].Text != "团队" {
		u, ok := mention(args[0].Text)
		if !ok {
			return nil, salesbot.Errorf(salesbot.EINVALID, "%q is not a rep. Mention one with @, or write team. %s", args[0].Text, markup(r.T(targetUsage)))
		}
		if p := h.people.Lookup(ctx, u); p.Bot || p.Deleted {
			return nil, salesbot.Errorf(salesbot.EINVALID, "%s is not a rep (a bot or a deactivated account): targets are for people who sell.", salesbot.User(u))
		}
		t.Rep = u
	}
	p, err := salesbot.ParseTargetPeriod(args[1].Text)
	if err != nil {
		return nil, err
	}
	amount, err := salesbot.ParseAmount(salesbot.JoinTokens(args[2:]), h.currency)
	if err != nil {
		return nil, err
	}
	t.Period, t.Amount, t.By, t.At = p, amount, r.actor.User, h.now()
	if err := h.forecasts.SetTarget(ctx, r.actor, r.team, t); err != nil {
		return nil, err
	}
	who := r.T("the team")
	if t.Rep != "" {
		who = fmt.Sprintf("<@%s>", t.Rep)
	}
	return ephemeral(r.T(":dart: Target for %s in %s: %s.", markup(who), p, amount)), nil
}

// otherCurrencies writes what a tally holds in currencies other than the
// team's (which the charts, drawn in the team's currency, leave out), or
// "" when there is none.
func otherCurrencies(lang i18n.Lang, t salesbot.Tally, cur salesbot.Currency) string {
	other := salesbot.Money{}
	for _, m := range []salesbot.Money{t.Won, t.Commit, t.Best, t.Pipeline} {
		for c, v := range m {
			if c != cur {
				other[c] += v
			}
		}
	}
	if len(other.Currencies(cur)) == 0 {
		return ""
	}
	return other.InLanguage(string(lang), cur)
}
