package scheduler

import (
	"context"
	"slices"
	"time"

	"salesbot"
)

// climb takes the escalation ladder's steps due now, each once across
// replicas (the claim's lease) and kept in the lead's history and the
// team's activity with the step's settle: the owner's nudge inside the
// owner's working hours, and the managers' step to the owner's managers
// (Teams.ManagersOf) who may be reached now, each on their own clock and not
// on a day off. Managers in other zones who are not reachable then are not
// sent it: the step is taken once, and they read it in their next digest
// (the activity). When none may be reached, the step waits for the first
// who may.
func (s *Scheduler) climb(ctx context.Context, team string, now time.Time, items []due) {
	if len(items) == 0 {
		return
	}
	if s.escalator == nil {
		// A replica whose notifier cannot send ladder steps stops the
		// ladders it claims, rather than hold them or retry forever.
		for _, it := range items {
			s.settle(ctx, it.claim, func(l *salesbot.Lead) error { l.StopLadder(); return nil })
		}
		return
	}
	managers := map[string][]string{}
	unknown := map[string]bool{} // owners whose managers could not be read
	var everyone []string
	for _, it := range items {
		if it.step != salesbot.LadderManagers {
			continue
		}
		if _, ok := managers[it.lead.Owner]; ok {
			continue
		}
		ms, err := s.cfg.Teams.ManagersOf(ctx, team, it.lead.Owner)
		if err != nil {
			s.log.WarnContext(ctx, "managers of a rep; escalation waits", "team", team, "rep", it.lead.Owner, "err", err)
			unknown[it.lead.Owner] = true
			managers[it.lead.Owner] = nil
			continue
		}
		ms = slices.DeleteFunc(slices.Clone(ms), func(m string) bool { return m == it.lead.Owner })
		managers[it.lead.Owner] = ms
		everyone = append(everyone, ms...)
	}
	prefs := s.prefsOf(ctx, team, everyone)
	zone := func(user string) (*time.Location, bool) { return s.cfg.People.Zone(ctx, user) }
	for i, it := range items {
		if ctx.Err() != nil {
			s.releaseAll(ctx, [][]due{items[i:]}, now, false)
			return
		}
		var to []string
		if it.step == salesbot.LadderNudged {
			to = []string{it.lead.Owner}
		} else {
			if unknown[it.lead.Owner] {
				s.release(ctx, it.claim, now.Add(time.Minute), false)
				continue
			}
			ms := managers[it.lead.Owner]
			if len(ms) == 0 {
				// No one to tell: the step is kept in the history all the
				// same, for the digest.
				s.log.WarnContext(ctx, "escalation: the rep has no manager", "team", team, "rep", it.lead.Owner, "lead", it.lead.ID)
				s.settleClimb(ctx, it, now)
				continue
			}
			open, later := s.cfg.Reminders.Escalating(ms, now, zone, prefs)
			if len(open) == 0 {
				if later.IsZero() {
					s.settleClimb(ctx, it, now)
				} else {
					s.release(ctx, it.claim, later, false)
				}
				continue
			}
			to = open
		}
		if held := s.stillHeld(ctx, team, []due{it}, now); len(held) == 0 {
			continue
		}
		if stop := s.sendStep(ctx, team, now, it, to); stop {
			s.releaseAll(ctx, [][]due{items[i+1:]}, now, false)
			return
		}
	}
}

// sendStep sends one step of the ladder to each of to and settles or puts
// it back by what came of it; stop is true when Slack asked every sender
// to wait or refused the token (the rest waits too).
func (s *Scheduler) sendStep(ctx context.Context, team string, now time.Time, it due, to []string) (stop bool) {
	sent := 0
	var lastErr error
	for _, user := range to {
		sendCtx, cancel := s.sendContext(ctx)
		var err error
		if it.step == salesbot.LadderNudged {
			err = s.escalator.Nudge(sendCtx, team, user, it.lead, it.lead.RemindedAt)
		} else {
			err = s.escalator.Escalate(sendCtx, team, user, it.lead, it.lead.RemindedAt)
		}
		cancel()
		if err == nil {
			sent++
			continue
		}
		switch kind, retryAfter, code := classify(err); kind {
		case rateLimited:
			until := now.Add(retryAfter)
			s.pause(ctx, team, until, now)
			if sent > 0 {
				s.settleClimb(ctx, it, now) // some were told: once is once
			} else {
				s.release(ctx, it.claim, until, true)
			}
			return true
		case authRefused:
			s.authRefused(ctx, team, code, now, err)
			if sent > 0 {
				s.settleClimb(ctx, it, now) // some were told: once is once
			} else {
				s.release(ctx, it.claim, now, false)
			}
			return true
		case undeliverable:
			// Given up for this one; another's failure still counts.
			s.log.WarnContext(ctx, "escalation undeliverable", "team", team, "to", user, "lead", it.lead.ID, "err", err)
		default:
			lastErr = err
		}
	}
	if sent == 0 && lastErr != nil {
		s.log.WarnContext(ctx, "escalation not sent; will retry", "team", team, "lead", it.lead.ID, "err", lastErr)
		s.release(ctx, it.claim, now.Add(backoff(it.claim.Attempts)), true)
		s.cfg.Metrics.retried(1)
		return false
	}
	s.settleClimb(ctx, it, now)
	s.cfg.Metrics.sent(sent)
	return false
}

// settleClimb records the step taken, unless the lead was acted on
// meanwhile (its due time moved, its ladder stopped): then it is only
// re-indexed.
func (s *Scheduler) settleClimb(ctx context.Context, it due, now time.Time) {
	ctx, cancel := settleContext(ctx)
	defer cancel()
	held, err := s.cfg.Store.SettleReminder(ctx, it.claim, func(l *salesbot.Lead) ([]salesbot.Change, error) {
		if step, ok := l.NextAlarm(); !ok || step != it.step || !l.Due.Equal(it.at) {
			return nil, nil
		}
		return []salesbot.Change{l.Climb(it.step, now, s.cfg.Escalation)}, nil
	})
	switch {
	case err != nil:
		s.log.ErrorContext(ctx, "settle escalation", "lead", it.claim.LeadID, "err", err)
	case !held:
		s.cfg.Metrics.leaseLost()
		s.log.WarnContext(ctx, "escalation lease lost before ack", "lead", it.claim.LeadID)
	}
}
