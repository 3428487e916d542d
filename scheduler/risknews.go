package scheduler

import (
	"context"
	"errors"
	"fmt"
	"time"

	"salesbot"
)

// RiskTeller tells a rep, in one message, of the risks that appeared on
// their A and B leads since they were last told (each with the button
// fixing it). A Notifier that implements it (handlers.Handler does) gets
// each rep's risk news sent once a day at the rep's morning batch time;
// one that does not sends none.
type RiskTeller interface {
	TellRisks(ctx context.Context, team, rep string, news salesbot.RiskNews) error
}

// MorningTeller sends a rep's morning batch with their risk news of the day
// in the same message, so that the morning is one message. A Notifier that
// implements it (handlers.Handler does) gets the news with the batch; the
// news of a rep with no batch that day goes on its own (RiskTeller).
type MorningTeller interface {
	RemindMorning(ctx context.Context, team, owner string, leads []*salesbot.Lead, news salesbot.RiskNews) error
}

// riskNewsTTL keeps a rep's risk news of one date marked done past any time
// zone's day.
const riskNewsTTL = 50 * time.Hour

// riskNews tells each rep whose morning batch time has come today (on
// their clock, not on a day off) of the risks new on their A and B leads,
// once per rep and date across replicas (a lease on "risknews:<rep>:<date>",
// as a digest's): it reads that one rep's leads, never the team's. No
// message goes when nothing is new; what the rep knows is kept up to date
// either way (a risk gone is forgotten, to be told again if it comes back).
func (s *Scheduler) riskNews(ctx context.Context, team string) error {
	teller, ok := s.cfg.Notifier.(RiskTeller)
	if !ok {
		return nil
	}
	if open, err := s.sendingOpen(ctx, team); err != nil || !open {
		return err
	}
	now := s.cfg.Now()
	// A rep's morning starts on a whole hour of their clock: the team is
	// looked at again then (reps with open leads only).
	zone := func(u string) (*time.Location, bool) {
		loc, ok := s.cfg.People.Zone(ctx, u)
		if ok {
			s.wake.sendAt(nextHour(now, loc))
		} else {
			s.wake.at(now.Add(wakeRetry))
		}
		return loc, ok
	}
	due, err := s.cfg.Digests.RiskNewsDue(ctx, team, zone, now)
	if err != nil {
		return fmt.Errorf("risk news for %s: %w", team, err)
	}
	return untilStopped(ctx, due,
		func(slot salesbot.RiskNewsSlot) (bool, error) { return s.tellRisks(ctx, teller, team, slot, now) },
		func(slot salesbot.RiskNewsSlot) string { return "risk news for " + slot.Rep })
}

// untilStopped sends each item in turn until one says no other message of
// the team may go now (stop) or ctx ends, and joins the errors, each named
// by name.
func untilStopped[T any](ctx context.Context, items []T, send func(T) (stop bool, err error), name func(T) string) error {
	var errs []error
	for _, item := range items {
		if ctx.Err() != nil {
			return errors.Join(append(errs, ctx.Err())...)
		}
		stop, err := send(item)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name(item), err))
		}
		if stop {
			break
		}
	}
	return errors.Join(errs...)
}

// tellRisks sends one rep's risk news of a day under its lease. stop is
// true when no other message of the team may go now (a 429, a refused
// token).
func (s *Scheduler) tellRisks(ctx context.Context, teller RiskTeller, team string, slot salesbot.RiskNewsSlot, now time.Time) (stop bool, err error) {
	key := fmt.Sprintf("risknews:%s:%s", slot.Rep, slot.Day)
	if ok, err := s.cfg.Store.LeaseOnce(ctx, team, key, s.token, s.cfg.Lease); err != nil || !ok {
		s.wake.leased(key)
		return false, err // told today, or under way on another replica
	}
	news, err := s.cfg.Digests.RiskNews(ctx, team, slot.Rep, slot.Day, now)
	if err != nil {
		s.releaseLease(ctx, team, key)
		return false, err
	}
	if len(news.New) > 0 {
		send := func(ctx context.Context) error { return teller.TellRisks(ctx, team, slot.Rep, news) }
		err = s.sendLeased(ctx, team, key, riskNewsTTL, send, "risk news", "rep", slot.Rep)
	} else {
		err = s.doneOnce(ctx, team, key)
	}
	switch kind, retryAfter, code := classify(err); {
	case err == nil:
	case errors.Is(err, errLeaseLost):
		s.log.WarnContext(ctx, "risk news lease lost before send; not sent", "team", team, "rep", slot.Rep)
		return false, nil
	case kind == undeliverable:
		s.log.WarnContext(ctx, "risk news undeliverable; given up for today", "team", team, "rep", slot.Rep, "err", err)
		return false, s.doneOnce(ctx, team, key)
	case kind == authRefused:
		s.authRefused(ctx, team, code, now, err)
		s.releaseLease(ctx, team, key)
		return true, nil
	case kind == rateLimited:
		s.pause(ctx, team, now.Add(retryAfter), now)
		s.releaseLease(ctx, team, key)
		return true, nil
	default:
		// Tried again on the next sweep, the same day.
		s.wake.at(now.Add(wakeRetry))
		s.releaseLease(ctx, team, key)
		return false, err
	}
	sctx, cancel := settleContext(ctx)
	defer cancel()
	if err := s.cfg.Digests.MarkRisksTold(sctx, team, news); err != nil {
		return false, err
	}
	return false, nil
}

// doneOnce marks leased once-only work done for the day without sending
// anything.
func (s *Scheduler) doneOnce(ctx context.Context, team, key string) error {
	ctx, cancel := settleContext(ctx)
	defer cancel()
	if _, err := s.cfg.Store.DoneOnce(ctx, team, key, s.token, riskNewsTTL); err != nil {
		return fmt.Errorf("mark %s done: %w", key, err)
	}
	return nil
}

// morningNews takes the rep's risk news of today (on their clock) to go
// with their morning batch: under the news's own once-a-day lease, so that
// it is told once whether with the batch or on its own. ok is false when
// it is not to go with the batch (told today already, under way on another
// replica, the rep's day unknown, or no MorningTeller); the batch then goes
// without it.
func (s *Scheduler) morningNews(ctx context.Context, team, rep string, now time.Time) (news salesbot.RiskNews, key string, ok bool) {
	if _, teller := s.cfg.Notifier.(MorningTeller); !teller {
		return salesbot.RiskNews{}, "", false
	}
	loc, known := s.cfg.People.Zone(ctx, rep)
	if !known {
		return salesbot.RiskNews{}, "", false
	}
	day := salesbot.DateOf(now.In(loc))
	key = fmt.Sprintf("risknews:%s:%s", rep, day)
	if got, err := s.cfg.Store.LeaseOnce(ctx, team, key, s.token, s.cfg.Lease); err != nil || !got {
		return salesbot.RiskNews{}, "", false
	}
	news, err := s.cfg.Digests.RiskNews(ctx, team, rep, day, now)
	if err != nil {
		s.log.WarnContext(ctx, "risk news for the morning batch; it goes on its own", "team", team, "rep", rep, "err", err)
		s.releaseLease(ctx, team, key)
		return salesbot.RiskNews{}, "", false
	}
	return news, key, true
}

// settleMorningNews records the risk news sent with a morning batch (sent)
// as told and its day done, or gives its lease back for the news to go on
// its own.
func (s *Scheduler) settleMorningNews(ctx context.Context, team, key string, news salesbot.RiskNews, sent bool) {
	if !sent {
		s.releaseLease(ctx, team, key)
		return
	}
	if err := s.doneOnce(ctx, team, key); err != nil {
		s.log.ErrorContext(ctx, "mark the risk news told", "team", team, "rep", news.Rep, "err", err)
	}
	sctx, cancel := settleContext(ctx)
	defer cancel()
	if err := s.cfg.Digests.MarkRisksTold(sctx, team, news); err != nil {
		s.log.ErrorContext(ctx, "mark the risks told", "team", team, "rep", news.Rep, "err", err)
	}
}
