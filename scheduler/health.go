package scheduler

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"
)

// health is what Ready reports on: whether Run is sweeping, the sweep under
// way, the last one that finished, and the workspaces whose token Slack
// refused. Times are the real clock's, not Config.Now's.
type health struct {
	mu       sync.Mutex
	running  bool
	since    time.Time     // when Run started
	stuck    time.Duration // how long a sweep may take
	absent   time.Duration // how long since the last sweep finished is too long
	started  time.Time     // the sweep under way; zero when none is
	finished time.Time     // the last sweep that finished
	refused  map[string]string
}

func (h *health) start(now time.Time, stuck, absent time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.running, h.since, h.stuck, h.absent = true, now, stuck, absent
}

func (h *health) stop() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.running = false
}

func (h *health) sweepStarted(now time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.started = now
}

func (h *health) sweepDone(now time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.started, h.finished = time.Time{}, now
}

// authFailed records why Slack refuses a team's token ("" when it does not
// any more, as far as the store says).
func (h *health) authFailed(team, reason string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if reason == "" {
		delete(h.refused, team)
		return
	}
	if h.refused == nil {
		h.refused = map[string]string{}
	}
	h.refused[team] = reason
}

// setRefused replaces the workspaces whose token Slack refuses.
func (h *health) setRefused(refused map[string]string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.refused = refused
}

// Ready reports why the scheduler is not doing its work, or nil: a sweep
// running for longer than Config.StuckAfter (a Slack or Redis call that
// never returns; the cron then skips every later sweep), no sweep finished
// for a sweep interval and StuckAfter more, or a workspace whose token Slack refuses (its messages
// wait). Before Run (or after it returned) only the last is reported.
// now is the real time.
func (s *Scheduler) Ready(now time.Time) error {
	h := &s.health
	h.mu.Lock()
	defer h.mu.Unlock()
	var errs []error
	switch {
	case !h.running:
	case !h.started.IsZero() && now.Sub(h.started) > h.stuck:
		errs = append(errs, fmt.Errorf("sweep stuck: running for %s (more than %s)", now.Sub(h.started).Round(time.Second), h.stuck))
	case h.started.IsZero() && now.Sub(latest(h.finished, h.since)) > h.absent:
		errs = append(errs, fmt.Errorf("no sweep finished for %s (more than %s)", now.Sub(latest(h.finished, h.since)).Round(time.Second), h.absent))
	}
	for _, team := range slices.Sorted(maps.Keys(h.refused)) {
		errs = append(errs, fmt.Errorf("slack refused the bot token of workspace %s (%s): its messages wait", team, h.refused[team]))
	}
	return errors.Join(errs...)
}

func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
