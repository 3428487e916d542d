package scheduler

import (
	"context"
	"slices"
	"time"

	"salesbot"
)

// due is a claimed follow-up ready to be sent, with the due time it is about
// and what is due of it (the reminder, or a step of its ladder).
type due struct {
	claim   salesbot.ReminderClaim
	lead    *salesbot.Lead
	at      time.Time
	step    salesbot.LadderStep
	morning bool
}

// remind claims the team's due follow-ups and sends each owner one message
// about theirs: the morning batch in one message, the rest several when
// they have more than PerMessage. The ladder's steps go one by one
// (escalate.go).
//
// A full claim (Batch follow-ups) is followed by up to morningRounds-1
// more in the same sweep, so that a morning batch that many reps share
// (each one's follow-ups held to the same batch time) reaches each rep as
// one message rather than split across sweeps.
func (s *Scheduler) remind(ctx context.Context, team string) error {
	now := s.cfg.Now()
	var claims []salesbot.ReminderClaim
	for range morningRounds {
		more, recovered, err := s.cfg.Store.ClaimDue(ctx, team, s.token, now, s.cfg.Lease, s.cfg.Batch)
		if err != nil {
			if len(claims) == 0 {
				return err
			}
			s.log.WarnContext(ctx, "claim more reminders; sending those claimed", "team", team, "err", err)
			break
		}
		s.cfg.Metrics.recovered(recovered)
		claims = append(claims, more...)
		if len(more) < s.cfg.Batch {
			break
		}
	}
	groups, climbs := s.group(ctx, team, claims, now)
	s.send(ctx, team, now, groups)
	s.climb(ctx, team, now, climbs)
	return nil
}

// morningRounds bounds the claims of one sweep of a team at this many
// times Config.Batch.
const morningRounds = 3

// group reads the claimed leads and groups the reminders to send now by
// owner (the morning batch as one group, the rest at most PerMessage to a
// group), and returns the ladder's steps due now apart. When to remind whom
// is the reminder service's rule (salesbot.ReminderService.Reminding): a
// follow-up not due any more is settled, one to send later goes back until
// then. The owners' choices are read in one round trip.
func (s *Scheduler) group(ctx context.Context, team string, claims []salesbot.ReminderClaim, now time.Time) ([][]due, []due) {
	type read struct {
		claim salesbot.ReminderClaim
		lead  *salesbot.Lead
	}
	var reads []read
	var owners []string
	for _, c := range claims {
		if ctx.Err() != nil {
			s.release(ctx, c, now, false)
			continue
		}
		l, err := s.cfg.Store.Lead(ctx, c.Team, c.LeadID)
		if salesbot.ErrorCode(err) == salesbot.ENOTFOUND {
			s.settle(ctx, c, nil)
			continue
		} else if err != nil {
			s.release(ctx, c, now.Add(time.Minute), false)
			continue
		}
		reads = append(reads, read{c, l})
		owners = append(owners, l.Owner)
	}
	prefs := s.prefsOf(ctx, team, owners)
	byOwner := map[string][]due{}
	var climbs []due
	for _, rd := range reads {
		c, l := rd.claim, rd.lead
		p, ok := prefs[l.Owner]
		if !ok {
			p = s.defaultPrefs()
		}
		r := s.cfg.Reminders.Reminding(l, now, func(user string) (*time.Location, bool) {
			return s.cfg.People.Zone(ctx, user)
		}, p)
		if r.ZoneUnknown {
			s.log.WarnContext(ctx, "reminder waits: owner's time zone unknown", "team", c.Team, "owner", l.Owner, "lead", l.ID)
			s.cfg.Metrics.zoneUnknown()
		}
		it := due{claim: c, lead: l, at: r.Due, step: r.Step, morning: r.Morning}
		switch {
		case r.Send && r.Step != salesbot.LadderReminded:
			climbs = append(climbs, it)
		case r.Send:
			byOwner[l.Owner] = append(byOwner[l.Owner], it)
		case !r.Later.IsZero():
			s.release(ctx, c, r.Later, false)
		default:
			s.settle(ctx, c, nil) // re-indexed at its new time, if any
		}
	}
	// One message per group: a rep's morning batch whole, the others at
	// most PerMessage at a time, so that each message is settled (or
	// retried) on its own.
	var groups [][]due
	names := make([]string, 0, len(byOwner))
	for o := range byOwner {
		names = append(names, o)
	}
	slices.Sort(names)
	for _, o := range names {
		var morning, rest []due
		for _, it := range byOwner[o] {
			if it.morning {
				morning = append(morning, it)
			} else {
				rest = append(rest, it)
			}
		}
		if len(morning) > 0 {
			groups = append(groups, morning)
		}
		for items := rest; len(items) > 0; {
			n := min(len(items), s.cfg.PerMessage)
			groups, items = append(groups, items[:n]), items[n:]
		}
	}
	return groups, climbs
}

// defaultPrefs are the choices of someone whose choices are not known:
// the defaults (the morning batch) with Prefs, each as it falls due
// without (as before there were choices).
func (s *Scheduler) defaultPrefs() salesbot.NotifyPrefs {
	if s.cfg.Prefs == nil {
		return salesbot.NotifyPrefs{Mode: salesbot.NotifyEach, BatchHour: salesbot.DayStart}
	}
	return salesbot.DefaultNotifyPrefs()
}

// prefsOf reads the notification choices of users in one round trip; on
// failure (or without Prefs) everyone has the defaults.
func (s *Scheduler) prefsOf(ctx context.Context, team string, users []string) map[string]salesbot.NotifyPrefs {
	if s.cfg.Prefs == nil || len(users) == 0 {
		return nil
	}
	slices.Sort(users)
	users = slices.Compact(users)
	prefs, err := s.cfg.Prefs.NotifyPrefsOf(ctx, team, users)
	if err != nil {
		s.log.WarnContext(ctx, "read notification choices; using the defaults", "team", team, "err", err)
		return nil
	}
	return prefs
}

// send sends each group's message, each under its own deadline and only
// while its leases hold, and settles or puts back each claim by what
// came of it. A 429 or a refused token stops the rest: those claims go back
// untried (no failed attempt counted on them).
func (s *Scheduler) send(ctx context.Context, team string, now time.Time, groups [][]due) {
	for i, items := range groups {
		if ctx.Err() != nil {
			// Shutting down: give the rest back at once for another replica,
			// rather than leave them to wait out their leases.
			s.releaseAll(ctx, groups[i:], now, false)
			return
		}
		if items = s.stillHeld(ctx, team, items, now); len(items) == 0 {
			continue
		}
		owner := items[0].lead.Owner
		leads := make([]*salesbot.Lead, len(items))
		for j, it := range items {
			leads[j] = it.lead
		}
		err := s.remindOwner(ctx, team, owner, leads, items[0].morning, now)
		if err == nil {
			s.markReminded(ctx, items, now, true)
			s.cfg.Metrics.sent(len(items))
			continue
		}
		switch kind, retryAfter, code := classify(err); kind {
		case rateLimited:
			// Slack asked every sender to wait: pause the team and put back
			// this owner's and everyone else's follow-ups until then. Only
			// this message was tried.
			until := now.Add(retryAfter)
			s.pause(ctx, team, until, now)
			s.releaseAll(ctx, groups[i:i+1], until, true)
			s.releaseAll(ctx, groups[i+1:], until, false)
			s.log.WarnContext(ctx, "slack rate limit; reminders wait", "team", team, "retry_after", retryAfter)
			return
		case authRefused:
			// Nothing can go out with this token: stop the workspace's
			// sending and keep every follow-up for when it works again.
			s.authRefused(ctx, team, code, now, err)
			s.releaseAll(ctx, groups[i:], now, false)
			return
		case undeliverable:
			// The owner cannot be reached (deactivated, gone): give up on
			// these follow-ups rather than retry forever.
			s.log.WarnContext(ctx, "reminder undeliverable", "team", team, "owner", owner, "err", err)
			s.markReminded(ctx, items, now, false)
			s.cfg.Metrics.failed(len(items))
		default:
			s.log.WarnContext(ctx, "reminder not sent; will retry", "team", team, "owner", owner, "err", err)
			for _, it := range items {
				s.release(ctx, it.claim, now.Add(backoff(it.claim.Attempts)), true)
			}
			s.cfg.Metrics.retried(len(items))
		}
	}
}

// remindOwner sends one group's message within the send deadline: a
// morning batch with the owner's risk news of the day when it is theirs to
// take (morningNews), settled with the send.
func (s *Scheduler) remindOwner(ctx context.Context, team, owner string, leads []*salesbot.Lead, morning bool, now time.Time) error {
	sendCtx, cancel := s.sendContext(ctx)
	defer cancel()
	if !morning {
		return s.cfg.Notifier.Remind(sendCtx, team, owner, leads, false)
	}
	news, key, ok := s.morningNews(ctx, team, owner, now)
	if !ok {
		return s.cfg.Notifier.Remind(sendCtx, team, owner, leads, true)
	}
	err := s.cfg.Notifier.(MorningTeller).RemindMorning(sendCtx, team, owner, leads, news)
	s.settleMorningNews(ctx, team, key, news, err == nil)
	return err
}

// stillHeld returns the items whose leases this sweeper still holds, just
// before their message goes out; the others are left to whoever took them
// over (or to be claimed again), and counted.
func (s *Scheduler) stillHeld(ctx context.Context, team string, items []due, now time.Time) []due {
	claims := make([]salesbot.ReminderClaim, len(items))
	for i, it := range items {
		claims[i] = it.claim
	}
	held, err := s.cfg.Store.HeldReminders(ctx, team, claims)
	if err != nil {
		s.log.ErrorContext(ctx, "check reminder leases; not sending", "team", team, "err", err)
		for _, it := range items {
			s.release(ctx, it.claim, now, false)
		}
		return nil
	}
	kept := items[:0:0]
	for i, it := range items {
		if held[i] {
			kept = append(kept, it)
			continue
		}
		s.cfg.Metrics.skippedLeaseLost()
		s.log.WarnContext(ctx, "reminder lease lost before send; not sent", "team", team, "lead", it.claim.LeadID)
	}
	return kept
}

// markReminded settles sent (or given up) follow-ups as reminded of the due
// time each was about. A sent one starts its escalation ladder from now,
// when there is someone to escalate to (an Escalator); one given up does
// not climb.
func (s *Scheduler) markReminded(ctx context.Context, items []due, now time.Time, sent bool) {
	ladder := sent && s.escalator != nil
	for _, it := range items {
		at, suggested := it.at, it.lead.Suggested
		s.settle(ctx, it.claim, func(l *salesbot.Lead) error {
			// The notifier recorded on its copy the maintenance action it
			// suggested; kept, the next reminder suggests another.
			if sent {
				l.MarkSuggested(salesbot.MaintenanceAction{Text: suggested})
			}
			if ladder {
				l.StartLadder(at, now, s.cfg.Escalation)
			} else {
				l.MarkReminded(at)
			}
			return nil
		})
	}
}

func (s *Scheduler) releaseAll(ctx context.Context, groups [][]due, at time.Time, failed bool) {
	for _, items := range groups {
		for _, it := range items {
			s.release(ctx, it.claim, at, failed)
		}
	}
}

// pause records Slack's Retry-After for every replica.
func (s *Scheduler) pause(ctx context.Context, team string, until, now time.Time) {
	s.wake.pausedUntil(until)
	ctx, cancel := settleContext(ctx)
	defer cancel()
	if err := s.cfg.Store.PauseSending(ctx, team, until, now); err != nil {
		s.log.ErrorContext(ctx, "pause sending", "team", team, "err", err)
	}
}

// authRefused stops the team's sending for AuthRetry because Slack refused
// its token, says so at Error, and counts it.
func (s *Scheduler) authRefused(ctx context.Context, team, code string, now time.Time, err error) {
	s.log.ErrorContext(ctx, "slack refused the bot token; sending paused", "team", team, "error", code, "retry_in", s.cfg.AuthRetry, "err", err)
	s.cfg.Metrics.authFailure(code)
	s.health.authFailed(team, code)
	s.wake.pausedUntil(now.Add(s.cfg.AuthRetry))
	ctx, cancel := settleContext(ctx)
	defer cancel()
	if err := s.cfg.Store.PauseForAuth(ctx, team, code, now.Add(s.cfg.AuthRetry), now); err != nil {
		s.log.ErrorContext(ctx, "pause sending for auth", "team", team, "err", err)
	}
	if err := s.cfg.Store.SetRefused(ctx, team, code, now.Add(s.cfg.AuthRetry)); err != nil {
		s.log.ErrorContext(ctx, "record the refused token", "team", team, "err", err)
	}
}
