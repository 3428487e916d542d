// Package handlers turns Slack slash commands, button clicks and modal
// submissions into calls on the sales domain and the store, and renders what
// a person sees (Block Kit). It knows nothing of HTTP or Socket Mode: the bot
// package delivers requests to it and writes its answers back.
package handlers

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/directory"
	"salesbot/i18n"
	"salesbot/internal/logctx"
	"salesbot/service"
	"salesbot/store"
)

// Slack is the part of the Slack Web API the handlers call; *slack.Client
// implements it, and so do the console and the tests' fakes.
type Slack interface {
	OpenViewContext(ctx context.Context, triggerID string, view slack.ModalViewRequest) (*slack.ViewResponse, error)
	PublishViewContext(ctx context.Context, req slack.PublishViewContextRequest) (*slack.ViewResponse, error)
	PostMessageContext(ctx context.Context, channelID string, options ...slack.MsgOption) (string, string, error)
	PostEphemeralContext(ctx context.Context, channelID, userID string, options ...slack.MsgOption) (string, error)
	GetUserInfoContext(ctx context.Context, user string, options ...slack.GetUserInfoOption) (*slack.User, error)
	UpdateMessageContext(ctx context.Context, channelID, timestamp string, options ...slack.MsgOption) (string, string, string, error)
	// UploadFileContext is files upload v2: files.getUploadURLExternal, a
	// POST of the bytes to the URL it gives, files.completeUploadExternal.
	UploadFileContext(ctx context.Context, params slack.UploadFileParameters) (*slack.FileSummary, error)
}

// Store is where the handlers keep data: the leads, and what each reminder
// message the bot sent is about.
type Store interface {
	salesbot.LeadStore
	salesbot.ApprovalStore
	// SaveReminder remembers a reminder (channel, ts) sent to a user, and
	// which leads it is about.
	SaveReminder(ctx context.Context, team, channel, ts, to string, leadIDs []string) error
	// SaveReminderMore remembers a reminder that shows some leads and has
	// the rest to show (a morning message, a page of its Show all), and
	// how it is drawn; ReminderMore reads that back for its recipient only
	// (EFORBIDDEN for anyone else).
	SaveReminderMore(ctx context.Context, team, channel, ts, to string, shown, rest []string, layout string) error
	ReminderMore(ctx context.Context, team, channel, ts, user string) (layout string, rest []string, err error)
	// LastVisits returns each named lead's last visit, LeadsByID the named
	// leads, each in one round trip.
	LastVisits(ctx context.Context, team string, ids []string) (map[string]salesbot.Visit, error)
	LeadsByID(ctx context.Context, team string, ids []string) ([]*salesbot.Lead, error)
	// KeepApprovalCopies records where the managers' copies of a request
	// were posted and returns the request as it stands; ApprovalCopies
	// returns them, to redraw them once it is decided.
	KeepApprovalCopies(ctx context.Context, team, id string, copies []store.MessageRef) (*salesbot.Approval, error)
	ApprovalCopies(ctx context.Context, team, id string) ([]store.MessageRef, error)
	// Lang returns the language a user chose, "" when they chose none.
	Lang(ctx context.Context, team, user string) (string, error)
	// Viewer reads a user's language choice and the team's managers granted
	// from Slack in one round trip.
	Viewer(ctx context.Context, team, user string) (lang string, managers []string, err error)
	// ViewerAndLead is Viewer and FindLead in one round trip; the match is
	// nil when the look-up could not be made that way.
	ViewerAndLead(ctx context.Context, team, user string, q salesbot.LeadQuery) (lang string, managers []string, m *salesbot.LeadMatch, err error)
}

// Responder posts to an interaction's response_url, which is how a button
// click changes the message it was clicked on.
type Responder interface {
	Respond(ctx context.Context, responseURL string, msg *slack.WebhookMessage) error
}

// Config holds the handlers' settings. Teams and Reminders are required;
// the rest defaults to the default cadence, the real clock and the default
// logger.
type Config struct {
	Cadence salesbot.Cadence // contact cadence per grade
	Now     func() time.Time // the clock; time.Now when nil
	Logger  *slog.Logger
	// Respond posts to response_urls; slack.PostWebhookContext when nil.
	Respond Responder
	// Directory answers who people are; one over the Slack API when nil.
	Directory *directory.Directory
	// Digests builds a manager's digest on demand (/salesbot digest) and
	// the team's overview on a manager's Home.
	Digests salesbot.DigestService
	// Reports builds a team's report for a period (/salesbot report).
	Reports salesbot.ReportService
	// Teams says who manages a team and which teams the bot serves (a
	// request from any other is refused), and records manager rights and
	// language choices.
	Teams salesbot.TeamService
	// Reminders answers what is due to a rep, snoozes follow-ups and
	// records what was done about a reminder's leads.
	Reminders salesbot.ReminderService
	// Leads runs the workflows of a lead (/lead and its buttons and forms);
	// when nil, one over store, which must then be a service.Store.
	Leads salesbot.LeadService
	// Stages moves and closes deals (/lead stage, won, lost) and asks the
	// managers for moves a rep may not make alone; Approvals settles those
	// requests and reps' requests for leads. Without them those commands
	// answer that they are not set up.
	Stages    salesbot.StageService
	Approvals salesbot.ApprovalService
	// Visits logs touches (/visit); Stakeholders records people (/stance).
	Visits       salesbot.VisitService
	Stakeholders salesbot.StakeholderService
	// Deals sets a deal's value, close date and forecast category;
	// Forecasts answers /salesbot forecast and sets targets; Reviews makes
	// the weekly pipeline reviews. Without them those commands answer that
	// they are not set up.
	Deals     salesbot.DealService
	Forecasts salesbot.ForecastService
	// Quotes records quote versions and asks managers to sign them off.
	Quotes  salesbot.QuoteService
	Reviews salesbot.ReviewService
	// Negotiation logs concessions and records the qualification and the
	// rivals (/concede, /lead qualify, /lead rival); without it those
	// commands answer that they are not set up.
	Negotiation salesbot.NegotiationService
	// Charts draws the forecast's pictures; without it the forecast is
	// posted without them.
	Charts Charts
	// Notify keeps each person's notification choices (/salesbot notify);
	// Maintenance the team's maintenance actions (/salesbot touches), which
	// reminders of C and D leads suggest (the default list when nil).
	Notify      salesbot.NotifyService
	Maintenance salesbot.MaintenanceService
	// Currency is the team's currency (SALESBOT_CURRENCY), for amounts
	// written without one; CNY when empty. Probability is the win
	// probability per stage (SALESBOT_PROBABILITY); DOMAIN.md §7's table
	// when nil.
	Currency    salesbot.Currency
	Probability salesbot.Probability
	// Transfer imports leads from a file and exports them into one
	// (/salesbot import, export); without it those commands answer that
	// they are not set up.
	Transfer salesbot.TransferService
	// Removal removes a person's record and deletes leads (/stance
	// remove, /lead delete); when nil, one over store, which must then be
	// a service.Store.
	Removal salesbot.RemovalService
	// Inbound runs the inbound queue (/lead inbound); when nil, Leads
	// does if it implements salesbot.InboundService.
	Inbound salesbot.InboundService
	// Profiles records lead sources and company profiles (/lead source,
	// /lead profile) and guesses the lead a message names; when nil, Leads
	// if it does that too.
	Profiles salesbot.ProfileService
	// Workspaces, with the OAuth install on, says which workspaces the bot
	// is installed in: a request from any other is answered that it is not
	// (and nothing is read or written). Nil for the single-workspace bot,
	// which Teams.Serves alone decides for.
	Workspaces Workspaces
	// InstallURL is where a workspace installs the bot (PublicURL +
	// "/slack/install"), shown to those it is not installed for; "" when
	// the OAuth install is off.
	InstallURL string
}

// Workspaces is the part of workspace.Registry the handlers use.
type Workspaces interface {
	// Installed reports whether a request from the workspace is served.
	Installed(ctx context.Context, team, enterprise string) (bool, error)
}

// Handler answers Slack requests. It is safe for concurrent use.
type Handler struct {
	store     Store
	slack     Slack
	cadence   salesbot.Cadence
	now       func() time.Time
	log       *slog.Logger
	respond   Responder
	people    *directory.Directory
	digests   salesbot.DigestService
	reports   salesbot.ReportService
	teams     salesbot.TeamService
	reminders salesbot.ReminderService
	leads     salesbot.LeadService
	stages    salesbot.StageService
	approvs   salesbot.ApprovalService
	visits    salesbot.VisitService
	stances   salesbot.StakeholderService
	deals     salesbot.DealService
	quotes    salesbot.QuoteService
	forecasts salesbot.ForecastService
	reviews   salesbot.ReviewService
	// negotiation runs /concede, /lead qualify and /lead rival.
	negotiation salesbot.NegotiationService
	prefs       salesbot.NotifyService
	maintenance salesbot.MaintenanceService
	charts      Charts
	currency    salesbot.Currency
	// probability is the win probability per stage.
	probability salesbot.Probability
	removal     salesbot.RemovalService
	inquiries   salesbot.InboundService
	profiles    salesbot.ProfileService
	workspaces  Workspaces // nil: Teams.Serves alone decides
	installURL  string
	bg          sync.WaitGroup
	// transfer runs /salesbot import and export (transfer.go).
	transfer transfer
}

// New returns a Handler that keeps data in store and talks to Slack via api.
func New(store Store, api Slack, cfg Config) *Handler {
	h := &Handler{
		store: store, slack: api, cadence: cfg.Cadence,
		now: cfg.Now, log: cfg.Logger, respond: cfg.Respond, digests: cfg.Digests,
		reports: cfg.Reports, teams: cfg.Teams, reminders: cfg.Reminders,
		stages: cfg.Stages, approvs: cfg.Approvals,
		visits: cfg.Visits, stances: cfg.Stakeholders,
		deals: cfg.Deals, quotes: cfg.Quotes, forecasts: cfg.Forecasts, reviews: cfg.Reviews, charts: cfg.Charts,
		currency: cfg.Currency, probability: cfg.Probability,
		negotiation: cfg.Negotiation, prefs: cfg.Notify, maintenance: cfg.Maintenance,
		transfer:   newTransfer(cfg.Transfer),
		workspaces: cfg.Workspaces, installURL: cfg.InstallURL,
	}
	if h.currency == "" {
		h.currency = "CNY"
	}
	if h.probability == nil {
		h.probability = salesbot.DefaultProbability()
	}
	if h.cadence == nil {
		h.cadence = salesbot.DefaultCadence()
	}
	if h.now == nil {
		h.now = time.Now
	}
	if h.log == nil {
		h.log = slog.Default()
	}
	if h.respond == nil {
		h.respond = webhookResponder{}
	}
	h.leads = cfg.Leads
	if st, ok := store.(service.Store); ok && h.leads == nil {
		h.leads = service.New(service.Config{Store: st, Cadence: h.cadence, Logger: h.log})
	}
	h.removal = cfg.Removal
	if st, ok := store.(service.Store); ok && h.removal == nil {
		h.removal = service.New(service.Config{Store: st, Cadence: h.cadence, Logger: h.log})
	}
	h.inquiries = cfg.Inbound
	if in, ok := h.leads.(salesbot.InboundService); ok && h.inquiries == nil {
		h.inquiries = in
	}
	h.profiles = cfg.Profiles
	if p, ok := h.leads.(salesbot.ProfileService); ok && h.profiles == nil {
		h.profiles = p
	}
	h.people = cfg.Directory
	if h.people == nil {
		h.people = directory.New(api, h.now)
	}
	return h
}

type webhookResponder struct{}

func (webhookResponder) Respond(ctx context.Context, url string, msg *slack.WebhookMessage) error {
	return slack.PostWebhookContext(ctx, url, msg)
}

// Wait blocks until the work started after answering requests (notifications
// to managers and owners, confirmations of modal submissions) has finished.
// Call it on shutdown, after the transport stops taking requests.
func (h *Handler) Wait() { h.bg.Wait() }

// later runs fn after the request has been answered, with its own deadline,
// so that slow Slack calls never hold up Slack's 3-second acknowledgement.
func (h *Handler) later(ctx context.Context, what string, fn func(ctx context.Context) error) {
	h.bg.Add(1)
	go func() {
		defer h.bg.Done()
		ctx, cancel := context.WithTimeout(logctx.Detach(ctx), 15*time.Second)
		defer cancel()
		if err := fn(ctx); err != nil {
			h.log.ErrorContext(ctx, "background work failed", "what", what, "err", err)
		}
	}()
}

// forTeam returns ctx for work the scheduler asks to be done for team
// (reminders, digests, imports it resumes …): it names team's workspace,
// so that the work's Web API calls use team's token, never none or
// another's. A context naming team already (with its Enterprise Grid
// organization) is kept as it is.
func forTeam(ctx context.Context, team string) context.Context {
	if w, ok := logctx.WorkspaceOf(ctx); ok && w.Team == team {
		return ctx
	}
	return logctx.WithWorkspace(ctx, logctx.Workspace{Team: team})
}

// request is what every command or interaction knows about who asked.
type request struct {
	team    string
	actor   salesbot.Actor
	channel string
	loc     *time.Location
	lang    i18n.Lang
}

// T words a message for the person who asked.
func (r request) T(format string, args ...any) string { return i18n.T(r.lang, format, args...) }

func (h *Handler) request(ctx context.Context, team, user, channel string) (request, error) {
	manager, err := false, error(nil)
	if a, ok := ctx.Value(askedKey{}).(asked); ok && a.known && a.team == team && a.user == user {
		manager = a.manager // read with the language, in the same round trip
	} else if manager, err = h.isManager(ctx, team, user); err != nil {
		return request{}, err
	}
	loc := h.people.Location(ctx, user)
	return request{
		team: team, channel: channel,
		actor: salesbot.Actor{User: user, Manager: manager, Zone: loc},
		loc:   loc,
		lang:  h.langOf(ctx, team, user),
	}, nil
}

// asked remembers, for the rest of a request, what was read about the
// person who made it (language, manager rights, the team's managers) and
// the company look-up read along with it, so that each is read once.
type asked struct {
	team, user string
	lang       i18n.Lang
	manager    bool      // granted from Slack or the environment
	managers   []string  // the team's, from Slack and the environment
	known      bool      // managers were read (the store answered)
	prefetch   *prefetch // nil when the command's look-up was not read
}

type askedKey struct{}

// prefetch is a company look-up read together with the viewer, for the
// command to use once (see prefetchQuery).
type prefetch struct {
	q    salesbot.LeadQuery
	m    salesbot.LeadMatch
	used bool
}

// prefetched returns the match read with the viewer, if it was read for
// exactly q and not used yet: the lead in it may be changed in place by
// the one who uses it.
func prefetched(ctx context.Context, team string, q salesbot.LeadQuery) (salesbot.LeadMatch, bool) {
	a, ok := ctx.Value(askedKey{}).(asked)
	if !ok || a.prefetch == nil || a.prefetch.used || a.team != team {
		return salesbot.LeadMatch{}, false
	}
	p := a.prefetch.q
	if !slices.Equal(p.Names, q.Names) || p.Part != q.Part || p.Limit != q.Limit || p.Visits != q.Visits || p.Caller != q.Caller {
		return salesbot.LeadMatch{}, false
	}
	a.prefetch.used = true
	return a.prefetch.m, true
}

// withLang looks up the language of the person making a request and keeps
// it in ctx. With a query (not nil), it reads that company look-up in the
// same round trip, for the command to use.
func (h *Handler) withLang(ctx context.Context, team, user string, q *salesbot.LeadQuery) (context.Context, i18n.Lang) {
	a := asked{team: team, user: user, lang: i18n.FromLocale(h.people.Lookup(ctx, user).Locale)}
	if team != "" && user != "" {
		// One round trip for the language choice and the manager check,
		// bounded: this runs before a form opens, within the trigger's 3 s.
		lctx, cancel := context.WithTimeout(ctx, langLookup)
		var (
			chosen string
			added  []string
			err    error
		)
		if q != nil {
			var m *salesbot.LeadMatch
			if chosen, added, m, err = h.store.ViewerAndLead(lctx, team, user, *q); err == nil && m != nil {
				a.prefetch = &prefetch{q: *q, m: *m}
			}
		} else {
			chosen, added, err = h.store.Viewer(lctx, team, user)
		}
		cancel()
		if err != nil {
			h.log.WarnContext(ctx, "viewer", "user", user, "err", err)
		} else {
			a.managers, a.known = h.teams.ManagersAmong(team, added), true
			a.manager = slices.Contains(a.managers, user)
			if lang, ok := i18n.Parse(chosen); ok {
				a.lang = lang
			}
		}
	}
	return context.WithValue(ctx, askedKey{}, a), a.lang
}

// langIn is the language of the person making the request in ctx (see
// withLang), English when none is known.
func langIn(ctx context.Context) i18n.Lang {
	if a, ok := ctx.Value(askedKey{}).(asked); ok {
		return a.lang
	}
	return i18n.En
}

// langLookup bounds the read of a user's language choice.
const langLookup = 300 * time.Millisecond

// langOf is the language to speak to a user in: the one they chose with
// /salesbot lang, else the one of their Slack locale. A store that cannot
// answer leaves the locale to decide.
func (h *Handler) langOf(ctx context.Context, team, user string) i18n.Lang {
	if a, ok := ctx.Value(askedKey{}).(asked); ok && a.team == team && a.user == user {
		return a.lang
	}
	if team != "" && user != "" {
		// Bounded: this runs before a form opens, within the trigger's 3 s.
		lctx, cancel := context.WithTimeout(ctx, langLookup)
		chosen, err := h.store.Lang(lctx, team, user)
		cancel()
		if err != nil {
			h.log.WarnContext(ctx, "language choice", "user", user, "err", err)
		} else if lang, ok := i18n.Parse(chosen); ok {
			return lang
		}
	}
	return i18n.FromLocale(h.people.Lookup(ctx, user).Locale)
}

// isManager reports whether user has manager rights in team (see
// salesbot.TeamService).
func (h *Handler) isManager(ctx context.Context, team, user string) (bool, error) {
	return h.teams.IsManager(ctx, team, user)
}

// allManagers lists everyone with manager rights in a team (see
// salesbot.TeamService). Within a request they were read with the
// language, so it costs nothing.
func (h *Handler) allManagers(ctx context.Context, team string) ([]string, error) {
	if a, ok := ctx.Value(askedKey{}).(asked); ok && a.known && a.team == team {
		return slices.Clone(a.managers), nil
	}
	return h.teams.Managers(ctx, team)
}
