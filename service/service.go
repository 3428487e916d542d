// Package service implements the workflows the domain package declares
// (salesbot.DigestService, salesbot.ReportService …) once, over the store.
// It speaks neither Slack nor Redis: the handlers, the scheduler and the
// console call it, and the store is any salesbot store.
package service

import (
	"context"
	"log/slog"
	"time"

	"salesbot"
)

// Store is what the services read and write.
type Store interface {
	salesbot.LeadStore
	salesbot.ApprovalStore
	TeamStore
	ReminderStore
	NotifyStore
	MaintenanceStore
	DigestStore
	InboundStore
	TransferStore
	RemovalStore
	// SetMark keeps a named time for the team.
	SetMark(ctx context.Context, team, name string, t time.Time) error
}

// Config holds the services' parts and settings. Store is required.
type Config struct {
	Store   Store
	Cadence salesbot.Cadence // default salesbot.DefaultCadence()
	// DiscountLimit is the discount above which a quote needs two
	// managers (SALESBOT_DISCOUNT_LIMIT); default
	// salesbot.DefaultDiscountLimit.
	DiscountLimit salesbot.Discount
	// Gates is how stage milestones bind a rep (SALESBOT_GATES); default
	// salesbot.GatesApprove.
	Gates salesbot.Gates
	// DigestLimits bounds what a digest reads and shows (its Since, Now,
	// Cadence, Mark and Period are set per digest); default
	// DefaultDigestLimits().
	DigestLimits salesbot.DigestQuery
	Logger       *slog.Logger // default slog.Default()
	// WorkHours are when reps are reminded, on their own clocks; default
	// salesbot.DefaultWorkHours().
	WorkHours salesbot.WorkHours
	// Managers are the managers named in the bot's settings
	// (SALESBOT_MANAGERS); they count in Team only.
	Managers []string
	// Team is the workspace the bot is installed in; "" (the console, a
	// single-team test) serves every team.
	Team string
	// Currency is the team's currency (SALESBOT_CURRENCY): forecasts show
	// it first; default CNY.
	Currency salesbot.Currency
	// Probability is the win probability per stage the forecast weights
	// deals by (SALESBOT_PROBABILITY); default salesbot.DefaultProbability().
	Probability salesbot.Probability
	// Escalation is how long a due follow-up may go un-acted before it
	// climbs (SALESBOT_ESCALATION); default salesbot.DefaultEscalation().
	Escalation salesbot.Escalation
	// Now is the clock of work that runs on its own (an import's batches);
	// time.Now when nil.
	Now func() time.Time
	// InboundDue is how long after assignment an inbound lead's first
	// touch is due, in working time (SALESBOT_INBOUND_DUE); default
	// salesbot.DefaultInboundDue().
	InboundDue salesbot.InboundDue
}

// Services implements the domain's services. It is safe for concurrent use.
type Services struct {
	cfg       Config
	overviews overviews
}

// New returns the services over cfg's store.
func New(cfg Config) *Services {
	if cfg.Cadence == nil {
		cfg.Cadence = salesbot.DefaultCadence()
	}
	if cfg.Gates == "" {
		cfg.Gates = salesbot.GatesApprove
	}
	if cfg.DiscountLimit == 0 {
		cfg.DiscountLimit = salesbot.DefaultDiscountLimit
	}
	if l := cfg.DigestLimits; l.Overdue <= 0 && l.Untouched <= 0 && l.PerRep <= 0 {
		cfg.DigestLimits = DefaultDigestLimits()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.WorkHours == (salesbot.WorkHours{}) {
		cfg.WorkHours = salesbot.DefaultWorkHours()
	}
	if cfg.Currency == "" {
		cfg.Currency = "CNY"
	}
	if cfg.Escalation == nil {
		cfg.Escalation = salesbot.DefaultEscalation()
	}
	if cfg.InboundDue == (salesbot.InboundDue{}) {
		cfg.InboundDue = salesbot.DefaultInboundDue()
	}
	if cfg.Probability == nil {
		cfg.Probability = salesbot.DefaultProbability()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Services{cfg: cfg}
}

var (
	_ salesbot.DigestService   = (*Services)(nil)
	_ salesbot.ReportService   = (*Services)(nil)
	_ salesbot.DealService     = (*Services)(nil)
	_ salesbot.ForecastService = (*Services)(nil)
	_ salesbot.ReviewService   = (*Services)(nil)
)
