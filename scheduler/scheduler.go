// Package scheduler makes the bot act on its own: a sweep, on a cron
// schedule, reminds each rep of the follow-ups their leads' grades call for
// (inside the rep's working hours), and sends each manager the daily digest
// (at the digest's hour in the manager's own time zone). Every replica
// sweeps; leases in Redis make each reminder and each digest go out once.
package scheduler

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"salesbot"
)

// Notifier sends what the scheduler decides to send; the handlers package
// implements it with Block Kit messages.
type Notifier interface {
	// Remind sends one rep one message about one or more due leads.
	Remind(ctx context.Context, team, owner string, leads []*salesbot.Lead) error
	// SendDigest sends a manager the digest.
	SendDigest(ctx context.Context, team, manager string, d salesbot.Digest) error
}

// People tells which time zone a user is in.
type People interface {
	Location(ctx context.Context, user string) *time.Location
}

// Config holds a Scheduler's parts and settings.
type Config struct {
	Store      salesbot.ReminderStore
	Notifier   Notifier
	People     People
	Cadence    salesbot.Cadence   // default: salesbot.DefaultCadence()
	WorkHours  salesbot.WorkHours // default: salesbot.DefaultWorkHours()
	Digest     string             // cron spec of the digest, read in each manager's time zone
	Managers   []string           // managers from the environment, besides those added from Slack
	Team       string             // the token's workspace: Managers count there only ("" for every team)
	Now        func() time.Time   // the clock; time.Now when nil
	Logger     *slog.Logger
	Lease      time.Duration // how long a claimed reminder is held; default 2 minutes
	Batch      int           // reminders claimed per team and sweep; default 200
	PerMessage int           // due leads in one reminder message at most; default 10
	Metrics    *Metrics      // optional
}

// Scheduler runs the sweep. It is safe for concurrent use; any number of
// Schedulers may share one Redis.
type Scheduler struct {
	cfg    Config
	digest cron.Schedule
	token  string
	log    *slog.Logger
	mu     sync.Mutex // one sweep at a time per Scheduler
}

// New checks the configuration and returns a Scheduler.
func New(cfg Config) (*Scheduler, error) {
	if cfg.Store == nil || cfg.Notifier == nil || cfg.People == nil {
		return nil, errors.New("scheduler: Store, Notifier and People are required")
	}
	if cfg.Cadence == nil {
		cfg.Cadence = salesbot.DefaultCadence()
	}
	if cfg.WorkHours == (salesbot.WorkHours{}) {
		cfg.WorkHours = salesbot.DefaultWorkHours()
	}
	if cfg.Digest == "" {
		cfg.Digest = "0 8 * * 1-5"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 2 * time.Minute
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 200
	}
	if cfg.PerMessage <= 0 {
		cfg.PerMessage = 10
	}
	digest, err := ParseDigestSpec(cfg.Digest)
	if err != nil {
		return nil, err
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return &Scheduler{cfg: cfg, digest: digest, token: hex.EncodeToString(b), log: cfg.Logger}, nil
}

// ParseDigestSpec reads the digest's cron spec. It is read on each manager's
// wall clock, so a time-zone prefix (CRON_TZ=, TZ=) makes no sense and is
// refused; so is anything robfig/cron would panic or fail on.
func ParseDigestSpec(spec string) (s cron.Schedule, err error) {
	if strings.HasPrefix(spec, "CRON_TZ=") || strings.HasPrefix(spec, "TZ=") {
		return nil, fmt.Errorf("%q: the digest runs in each manager's own time zone; leave out the CRON_TZ= prefix", spec)
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
// way to finish.
func (s *Scheduler) Run(ctx context.Context, sweepSpec string) error {
	logger := cron.PrintfLogger(slog.NewLogLogger(s.log.Handler(), slog.LevelWarn))
	c := cron.New(cron.WithChain(cron.Recover(logger), cron.SkipIfStillRunning(logger)))
	if _, err := c.AddFunc(sweepSpec, func() { s.sweepLogged(ctx) }); err != nil {
		return fmt.Errorf("sweep schedule %q: %w", sweepSpec, err)
	}
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

// Sweep sends, for every team, the reminders and digests that are due now.
// A failure in one team does not stop the others; the errors are joined.
func (s *Scheduler) Sweep(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	start := time.Now()
	defer func() { s.cfg.Metrics.sweep(time.Since(start)) }()
	teams, err := s.cfg.Store.Teams(ctx)
	if err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	var errs []error
	for _, team := range teams {
		errs = append(errs, s.sweepTeam(ctx, team))
	}
	return errors.Join(errs...)
}

// SweepTeam sends one team's due reminders and digests, and no other
// team's (the console sweeps only its own).
func (s *Scheduler) SweepTeam(ctx context.Context, team string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sweepTeam(ctx, team)
}

func (s *Scheduler) sweepTeam(ctx context.Context, team string) error {
	var errs []error
	if err := s.remind(ctx, team); err != nil {
		errs = append(errs, fmt.Errorf("reminders for %s: %w", team, err))
	}
	if err := s.digests(ctx, team); err != nil {
		errs = append(errs, fmt.Errorf("digests for %s: %w", team, err))
	}
	return errors.Join(errs...)
}

// due is a claimed follow-up ready to be sent, with the due time it is about.
type due struct {
	claim salesbot.ReminderClaim
	lead  *salesbot.Lead
	at    time.Time
}

// remind claims the team's due follow-ups and sends each owner one message
// about theirs. A follow-up that is not due any more (touched or snoozed
// meanwhile) is dropped; one due outside the owner's working hours goes back
// until they start.
func (s *Scheduler) remind(ctx context.Context, team string) error {
	now := s.cfg.Now()
	if paused, err := s.cfg.Store.SendingPausedUntil(ctx, team); err != nil {
		return err
	} else if paused.After(now) {
		return nil
	}
	claims, recovered, err := s.cfg.Store.ClaimDue(ctx, team, s.token, now, s.cfg.Lease, s.cfg.Batch)
	if err != nil {
		return err
	}
	s.cfg.Metrics.recovered(recovered)
	byOwner := map[string][]due{}
	for _, c := range claims {
		l, err := s.cfg.Store.Lead(ctx, team, c.LeadID)
		if salesbot.ErrorCode(err) == salesbot.ENOTFOUND {
			s.settle(ctx, c, nil)
			continue
		} else if err != nil {
			s.release(ctx, c, now.Add(time.Minute), false)
			continue
		}
		at := l.ReminderAt()
		if at.IsZero() || at.After(now) {
			s.settle(ctx, c, nil) // re-indexed at its new time, if any
			continue
		}
		local := now.In(s.cfg.People.Location(ctx, l.Owner))
		if !s.cfg.WorkHours.Open(local) {
			s.release(ctx, c, s.cfg.WorkHours.Next(local), false)
			continue
		}
		byOwner[l.Owner] = append(byOwner[l.Owner], due{claim: c, lead: l, at: at})
	}
	// One message per group: a rep's due leads, at most PerMessage at a
	// time, so that each message is settled (or retried) on its own.
	var groups [][]due
	owners := make([]string, 0, len(byOwner))
	for o := range byOwner {
		owners = append(owners, o)
	}
	slices.Sort(owners)
	for _, o := range owners {
		for items := byOwner[o]; len(items) > 0; {
			n := min(len(items), s.cfg.PerMessage)
			groups, items = append(groups, items[:n]), items[n:]
		}
	}
	for i, items := range groups {
		owner := items[0].lead.Owner
		leads := make([]*salesbot.Lead, len(items))
		for j, it := range items {
			leads[j] = it.lead
		}
		err := s.cfg.Notifier.Remind(ctx, team, owner, leads)
		if err == nil {
			for _, it := range items {
				at := it.at
				s.settle(ctx, it.claim, func(l *salesbot.Lead) error { l.MarkReminded(at); return nil })
			}
			s.cfg.Metrics.sent(len(items))
			continue
		}
		switch retryAfter, permanent := classify(err); {
		case retryAfter > 0:
			// Slack asked every sender to wait: pause the team and put back
			// this owner's and everyone else's follow-ups until then.
			until := now.Add(retryAfter)
			if err := s.cfg.Store.PauseSending(ctx, team, until, now); err != nil {
				s.log.ErrorContext(ctx, "pause sending", "team", team, "err", err)
			}
			for _, rest := range groups[i:] {
				for _, it := range rest {
					s.release(ctx, it.claim, until, true)
				}
			}
			s.log.WarnContext(ctx, "slack rate limit; reminders wait", "team", team, "retry_after", retryAfter)
			return nil
		case permanent:
			// The owner cannot be reached (deactivated, gone): give up on
			// these follow-ups rather than retry forever.
			s.log.WarnContext(ctx, "reminder undeliverable", "team", team, "owner", owner, "err", err)
			for _, it := range items {
				at := it.at
				s.settle(ctx, it.claim, func(l *salesbot.Lead) error { l.MarkReminded(at); return nil })
			}
			s.cfg.Metrics.failed(len(items))
		default:
			s.log.WarnContext(ctx, "reminder not sent; will retry", "team", team, "owner", owner, "err", err)
			for _, it := range items {
				s.release(ctx, it.claim, now.Add(backoff(it.claim.Attempts)), true)
			}
			s.cfg.Metrics.retried(len(items))
		}
	}
	return nil
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
	if err := s.cfg.Store.ReleaseReminder(ctx, c, at, failed); err != nil {
		s.log.ErrorContext(ctx, "release reminder", "lead", c.LeadID, "err", err)
	}
}
