// Package scheduler makes the bot act on its own: a sweep, on a cron
// schedule, reminds each rep of the follow-ups their leads' grades call for
// (inside the rep's working hours), and sends each manager the daily digest
// and the weekly review of each rep's pipeline (at their hour in the
// manager's own time zone). Every replica sweeps, but only the teams whose
// next work is due (wake.go), each claimed by one replica at a time; leases
// in Redis make each reminder, digest and review go out once.
package scheduler

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"salesbot"
	"salesbot/internal/logctx"
)

// Notifier sends what the scheduler decides to send; the handlers package
// implements it with Block Kit messages.
type Notifier interface {
	// Remind sends one rep one message about one or more due leads.
	// morning is true for the rep's morning batch: every follow-up that
	// came due before their day started, in one message that may show
	// the first of them and say how many more there are.
	Remind(ctx context.Context, team, owner string, leads []*salesbot.Lead, morning bool) error
	// SendDigest sends a manager the digest.
	SendDigest(ctx context.Context, team, manager string, d salesbot.Digest) error
	// SendReview sends a manager one rep's weekly pipeline review.
	SendReview(ctx context.Context, team, manager string, r salesbot.Review) error
}

// Escalator sends the escalation ladder's messages (handlers implements it
// beside Notifier). Without one, reminders do not climb.
type Escalator interface {
	// Nudge sends the owner the second reminder of a follow-up left
	// un-acted since they were first reminded (since).
	Nudge(ctx context.Context, team, owner string, l *salesbot.Lead, since time.Time) error
	// Escalate sends a manager a rep's follow-up left un-acted since the
	// rep was first reminded, with Remind rep, Reassign and Snooze.
	Escalate(ctx context.Context, team, manager string, l *salesbot.Lead, since time.Time) error
}

// People tells which time zone a user is in.
type People interface {
	// Zone returns the user's time zone, and false when it is not known
	// (Slack never answered for them): the scheduler then waits rather
	// than guess.
	Zone(ctx context.Context, user string) (*time.Location, bool)
}

// Store is what the scheduler keeps in storage: the reminder store, plus the
// leases and pauses that make each send go once and stop sending when Slack
// refuses the workspace's token. store.Store implements it.
type Store interface {
	salesbot.ReminderStore
	Wakes
	// HeldReminders reports, for each of one team's claims, whether its
	// lease is still held; checked just before a send.
	HeldReminders(ctx context.Context, team string, claims []salesbot.ReminderClaim) ([]bool, error)
	// LeaseOnce takes once-only work (a manager's digest of one date) for
	// token for lease, unless it was done or is leased by another.
	LeaseOnce(ctx context.Context, team, key, token string, lease time.Duration) (bool, error)
	// HoldsOnce reports whether token still holds its lease on key.
	HoldsOnce(ctx context.Context, team, key, token string) (bool, error)
	// DoneOnce marks leased work done for ttl and drops the lease; held is
	// false when the lease had been lost.
	DoneOnce(ctx context.Context, team, key, token string, ttl time.Duration) (held bool, err error)
	// ReleaseOnce gives leased work back, to be leased again at once.
	ReleaseOnce(ctx context.Context, team, key, token string) error
	// PauseForAuth stops the team's sending until then because Slack
	// refused its token (reason: the Slack error); AuthPaused returns the
	// reason and the pause's end ("" when there is none).
	PauseForAuth(ctx context.Context, team, reason string, until, now time.Time) error
	AuthPaused(ctx context.Context, team string) (reason string, until time.Time, err error)
}

// Config holds a Scheduler's parts and settings.
type Config struct {
	Store      Store
	Notifier   Notifier
	People     People
	Digest     string           // cron spec of the digest, read in each manager's time zone
	Review     string           // cron spec of the weekly review, read likewise; default DefaultReview
	Now        func() time.Time // the clock; time.Now when nil
	Logger     *slog.Logger
	Lease      time.Duration // how long a claimed reminder or digest is held; default 2 minutes
	Batch      int           // reminders claimed per team and sweep; default 200
	PerMessage int           // due leads in one reminder message at most; default 10
	Metrics    *Metrics      // optional
	// SendTimeout bounds each message sent to Slack (default 20 s; never
	// more than half the lease, so that a send that times out still ends
	// inside its lease).
	SendTimeout time.Duration
	// StuckAfter is how long a sweep may run, or go without finishing,
	// before Ready reports it; default three sweep intervals.
	StuckAfter time.Duration
	// AuthRetry is how long a workspace whose token Slack refused waits
	// before its token is tried again; default 5 minutes.
	AuthRetry time.Duration
	// Digests builds each manager's digest and records it sent.
	Digests salesbot.DigestService
	// Teams says who the team's managers are: each gets the digest.
	Teams salesbot.TeamService
	// Reminders says when to remind whom of a follow-up claimed.
	Reminders salesbot.ReminderService
	// Reviews makes the weekly pipeline reviews each manager is sent;
	// none are sent when it is nil.
	Reviews salesbot.ReviewService
	// Prefs are each person's notification choices (morning batch, days
	// off, the empty digest). When it is nil, reminders come each as it
	// falls due, as before there were choices.
	Prefs salesbot.NotifyService
	// Escalation is how long a due follow-up may go un-acted before it
	// climbs (SALESBOT_ESCALATION); default salesbot.DefaultEscalation().
	Escalation salesbot.Escalation
	// Escalator sends the ladder's nudges and escalations; by default the
	// Notifier, when it implements Escalator. Without one nothing climbs.
	Escalator Escalator
	// Imports resumes imports whose runner stopped (imports.go); by
	// default the Notifier, when it implements Imports.
	Imports Imports
	// Inbound finds the inbound inquiries to raise again (unassigned a
	// working day); by default Reminders, when it implements Inbound.
	// None are raised without it, or when the Notifier is not an
	// InquiryRaiser.
	Inbound Inbound
	// Workspaces, with the OAuth install on, says which workspaces the bot
	// is still installed in (nothing is sent to any other) and purges the
	// data of those uninstalled longer than the retention period. Nil for
	// the single-workspace bot, which is installed wherever it has data.
	Workspaces Workspaces
}

// Workspaces is the part of workspace.Registry the scheduler uses.
type Workspaces interface {
	// Installed reports whether the workspace may be sent to.
	Installed(ctx context.Context, team, enterprise string) (bool, error)
	// PurgeExpired deletes the data of the workspaces uninstalled longer
	// ago than the retention period, and returns them.
	PurgeExpired(ctx context.Context, now time.Time) ([]string, error)
}

// Scheduler runs the sweep. It is safe for concurrent use; any number of
// Schedulers may share one Redis.
type Scheduler struct {
	cfg       Config
	escalator Escalator // nil: reminders do not climb
	digest    cron.Schedule
	review    cron.Schedule
	token     string
	log       *slog.Logger
	mu        sync.Mutex // one sweep at a time per Scheduler
	health    health
	wake      *wakeup   // the team being swept by Sweep (under mu); nil otherwise
	scheduled time.Time // when the teams with data were last put on the schedule (under mu)
}

// New checks the configuration and returns a Scheduler.
func New(cfg Config) (*Scheduler, error) {
	if cfg.Store == nil || cfg.Notifier == nil || cfg.People == nil || cfg.Digests == nil || cfg.Teams == nil || cfg.Reminders == nil {
		return nil, errors.New("scheduler: Store, Notifier, People, Digests, Teams and Reminders are required")
	}
	if cfg.Digest == "" {
		cfg.Digest = "0 8 * * 1-5"
	}
	if cfg.Review == "" {
		cfg.Review = DefaultReview
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Escalation == nil {
		cfg.Escalation = salesbot.DefaultEscalation()
	}
	if in, ok := cfg.Reminders.(Inbound); ok && cfg.Inbound == nil {
		cfg.Inbound = in
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 2 * time.Minute
	}
	if cfg.Batch <= 0 {
		cfg.Batch = DefaultBatch
	}
	if cfg.PerMessage <= 0 {
		cfg.PerMessage = 10
	}
	if cfg.SendTimeout <= 0 {
		cfg.SendTimeout = 20 * time.Second
	}
	cfg.SendTimeout = min(cfg.SendTimeout, cfg.Lease/2)
	if cfg.AuthRetry <= 0 {
		cfg.AuthRetry = 5 * time.Minute
	}
	digest, err := ParseDigestSpec(cfg.Digest)
	if err != nil {
		return nil, err
	}
	review, err := ParseReviewSpec(cfg.Review)
	if err != nil {
		return nil, err
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	esc := cfg.Escalator
	if e, ok := cfg.Notifier.(Escalator); ok && esc == nil {
		esc = e
	}
	return &Scheduler{cfg: cfg, escalator: esc, digest: digest, review: review, token: hex.EncodeToString(b), log: cfg.Logger}, nil
}

// DefaultReview is when the weekly review goes out when Config.Review is
// not set: Monday 09:00 on each manager's clock.
const DefaultReview = "0 9 * * 1"

// DefaultBatch is how many reminders a sweep claims per team when
// Config.Batch is not set.
const DefaultBatch = 200

// ParseDigestSpec reads the digest's cron spec. It is read on each manager's
// wall clock, so a time-zone prefix (CRON_TZ=, TZ=) makes no sense and is
// refused; so is anything robfig/cron would panic or fail on.
func ParseDigestSpec(spec string) (s cron.Schedule, err error) {
	return parseWallSpec(spec, "digest")
}

// ParseReviewSpec reads the weekly review's cron spec, as ParseDigestSpec
// reads the digest's.
func ParseReviewSpec(spec string) (s cron.Schedule, err error) {
	return parseWallSpec(spec, "review")
}

// parseWallSpec reads the spec of what (the digest, the review) runs on
// each manager's wall clock.
func parseWallSpec(spec, what string) (s cron.Schedule, err error) {
	if strings.HasPrefix(spec, "CRON_TZ=") || strings.HasPrefix(spec, "TZ=") {
		return nil, fmt.Errorf("%q: the %s runs in each manager's own time zone; leave out the CRON_TZ= prefix", spec, what)
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%q is not a valid schedule: %v", spec, r)
		}
	}()
	s, err = cron.ParseStandard(spec)
	if err != nil {
		return nil, fmt.Errorf("%q is not a valid schedule: %w", spec, err)
	}
	return s, nil
}

// Run sweeps once at once (sending what fell due while the bot was down),
// then on the sweep spec, until ctx is done; then it waits for a sweep under
// way to finish. While it runs, Ready reports a sweep that is stuck.
func (s *Scheduler) Run(ctx context.Context, sweepSpec string) error {
	spec, err := cron.ParseStandard(sweepSpec)
	if err != nil {
		return fmt.Errorf("sweep schedule %q: %w", sweepSpec, err)
	}
	next := spec.Next(time.Now())
	interval := spec.Next(next).Sub(next)
	stuck := s.cfg.StuckAfter
	if stuck <= 0 {
		stuck = 3 * interval
	}
	s.health.start(time.Now(), stuck, interval+stuck)
	defer s.health.stop()
	logger := cron.PrintfLogger(slog.NewLogLogger(s.log.Handler(), slog.LevelWarn))
	c := cron.New(cron.WithChain(cron.Recover(logger), cron.SkipIfStillRunning(logger)))
	c.Schedule(spec, cron.FuncJob(func() { s.sweepLogged(ctx) }))
	s.sweepLogged(ctx)
	c.Start()
	<-ctx.Done()
	<-c.Stop().Done()
	return nil
}

func (s *Scheduler) sweepLogged(ctx context.Context) {
	if ctx.Err() != nil {
		return
	}
	if err := s.Sweep(ctx); err != nil {
		s.log.ErrorContext(ctx, "sweep failed", "err", err)
	}
}

// Sweep sends the reminders, digests and reviews that are due now, of the
// teams whose next work is due (or that were written to since their last
// sweep): it claims them, a batch at a time, so that no other replica
// sweeps them meanwhile, and plans each one's next sweep (wake.go). A team
// with nothing due costs nothing.
// A failure in one team does not stop the others; the errors are joined.
func (s *Scheduler) Sweep(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	start := time.Now()
	s.health.sweepStarted(start)
	defer func() {
		s.health.sweepDone(time.Now())
		s.cfg.Metrics.sweep(time.Since(start))
	}()
	var errs []error
	now := s.cfg.Now()
	if s.cfg.Workspaces != nil {
		// Each purge is logged by the registry; a failed one is tried
		// again next sweep.
		if _, err := s.cfg.Workspaces.PurgeExpired(ctx, now); err != nil {
			errs = append(errs, fmt.Errorf("purge: %w", err))
		}
	}
	errs = append(errs, s.scheduleTeams(ctx, now))
	errs = append(errs, s.sweepWoken(ctx, now))
	errs = append(errs, s.refused(ctx, s.cfg.Now()))
	return errors.Join(errs...)
}

// SweepTeam sends one team's due reminders, digests and reviews, and no other
// team's (the console sweeps only its own).
func (s *Scheduler) SweepTeam(ctx context.Context, team string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sweepTeam(ctx, team)
}

func (s *Scheduler) sweepTeam(ctx context.Context, team string) error {
	// Every Web API call made for the team uses its token.
	ctx = logctx.WithWorkspace(ctx, logctx.Workspace{Team: team})
	// Commands read the read models whether or not Slack takes messages;
	// a failed rebuild is tried again next sweep, and holds no reminder up.
	var errs []error
	if err := s.readModels(ctx, team); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, s.resumeImports(ctx, team))
	if open, err := s.sendingOpen(ctx, team); err != nil || !open {
		return errors.Join(append(errs, err)...)
	}
	if err := s.remind(ctx, team); err != nil {
		errs = append(errs, fmt.Errorf("reminders for %s: %w", team, err))
	}
	// The reminders may have met a 429 or a refused token.
	if open, err := s.sendingOpen(ctx, team); err != nil || !open {
		return errors.Join(append(errs, err)...)
	}
	if err := s.digests(ctx, team); err != nil {
		errs = append(errs, fmt.Errorf("digests for %s: %w", team, err))
	}
	if open, err := s.sendingOpen(ctx, team); err != nil || !open {
		return errors.Join(append(errs, err)...)
	}
	if err := s.reviews(ctx, team); err != nil {
		errs = append(errs, fmt.Errorf("reviews for %s: %w", team, err))
	}
	errs = append(errs, s.riskNews(ctx, team)) // part 4: new risks reach the owner once
	if open, err := s.sendingOpen(ctx, team); err != nil || !open {
		return errors.Join(append(errs, err)...)
	}
	errs = append(errs, s.raiseInquiries(ctx, team))
	return errors.Join(errs...)
}

// sendingOpen reports whether the team's messages may go out now: not while
// Slack's Retry-After lasts, nor while its token is known to be refused.
//
// In a sweep of woken teams (Sweep) the pauses are read once per team: the
// installation was checked before the team was swept, and a pause this
// sweep makes is known to it (wakeup.pausedUntil); one another replica
// makes meanwhile holds from the next sweep on.
func (s *Scheduler) sendingOpen(ctx context.Context, team string) (bool, error) {
	now := s.cfg.Now()
	if open, known := s.wake.open(now); known {
		return open, nil
	}
	if s.cfg.Workspaces != nil && s.wake == nil {
		installed, err := s.cfg.Workspaces.Installed(ctx, team, "")
		if err != nil {
			return false, fmt.Errorf("installation of %s: %w", team, err)
		}
		if !installed {
			return false, nil
		}
	}
	reason, until, err := s.cfg.Store.AuthPaused(ctx, team)
	if err != nil {
		return false, fmt.Errorf("auth pause of %s: %w", team, err)
	}
	if !until.After(now) {
		reason = ""
	}
	s.health.authFailed(team, reason)
	if reason != "" {
		s.wake.pausedUntil(until)
		s.wake.pausesRead()
		return false, nil
	}
	paused, err := s.cfg.Store.SendingPausedUntil(ctx, team)
	if err != nil {
		return false, fmt.Errorf("sending pause of %s: %w", team, err)
	}
	s.wake.pausedUntil(paused)
	s.wake.pausesRead()
	return !paused.After(now), nil
}

// sendContext is the context of one message to Slack: its own deadline,
// and not cancelled with the sweep, so that a send under way at shutdown
// ends (and is settled) rather than being cut off after Slack took it.
func (s *Scheduler) sendContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), s.cfg.SendTimeout)
}

// settleContext is the context of a step that records what happened to a
// send: it must happen even when the sweep is being cancelled.
func settleContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
}

// backoff is the wait before retrying a failed send: 1, 2, 4 … minutes, at
// most an hour.
func backoff(attempts int) time.Duration {
	d := time.Minute << min(attempts, 6)
	return min(d, time.Hour)
}

func (s *Scheduler) settle(ctx context.Context, c salesbot.ReminderClaim, fn func(*salesbot.Lead) error) {
	if fn == nil {
		fn = func(*salesbot.Lead) error { return nil }
	}
	ctx, cancel := settleContext(ctx)
	defer cancel()
	held, err := s.cfg.Store.AckReminder(ctx, c, fn)
	switch {
	case err != nil:
		s.log.ErrorContext(ctx, "ack reminder", "lead", c.LeadID, "err", err)
	case !held:
		// Another sweeper took the lease over: the reminder may go twice.
		s.cfg.Metrics.leaseLost()
		s.log.WarnContext(ctx, "reminder lease lost before ack", "lead", c.LeadID)
	}
}

func (s *Scheduler) release(ctx context.Context, c salesbot.ReminderClaim, at time.Time, failed bool) {
	ctx, cancel := settleContext(ctx)
	defer cancel()
	if err := s.cfg.Store.ReleaseReminder(ctx, c, at, failed); err != nil {
		s.log.ErrorContext(ctx, "release reminder", "lead", c.LeadID, "err", err)
	}
}

// readModels builds the team's read models once, if they were never built
// (a team with leads from before they existed): the digest and the
// manager's Home count from them.
func (s *Scheduler) readModels(ctx context.Context, team string) error {
	built, err := s.cfg.Store.ReadModelsBuilt(ctx, team)
	if err != nil || built {
		return err
	}
	// One replica rebuilds; the others go on with their reminders. A
	// rebuild that outlasts the lease may run twice, which is harmless.
	const key = "read-models"
	if ok, err := s.cfg.Store.LeaseOnce(ctx, team, key, s.token, s.cfg.Lease); err != nil || !ok {
		s.wake.leased(key)
		return err
	}
	defer func() {
		ctx, cancel := settleContext(ctx)
		defer cancel()
		if err := s.cfg.Store.ReleaseOnce(ctx, team, key, s.token); err != nil {
			s.log.WarnContext(ctx, "release the read models' lease", "team", team, "err", err)
		}
	}()
	start := time.Now()
	if err := s.cfg.Store.RebuildReadModels(ctx, team); err != nil {
		return fmt.Errorf("read models of %s: %w", team, err)
	}
	s.log.InfoContext(ctx, "read models built", "team", team, "took", time.Since(start))
	return nil
}
