package bot

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// Deduper remembers, per team, which of Slack's deliveries have been taken
// on, so that a retried event or a replayed interaction is not applied twice.
// *store.Store implements it in Redis (SET NX with a TTL).
type Deduper interface {
	// ClaimOnce reports whether this caller is the first to claim key
	// within ttl.
	ClaimOnce(ctx context.Context, team, key string, ttl time.Duration) (bool, error)
	// ForgetOnce drops a claim, so that the same delivery is handled again.
	ForgetOnce(ctx context.Context, team, key string) error
}

// DedupeTTL is how long a delivery is remembered: Slack retries an event up
// to three times, the last about five minutes after the first attempt, and an
// interaction is replayed, if at all, within seconds.
const DedupeTTL = time.Hour

// dedupeTimeout bounds a claim, so that a slow Redis cannot eat Slack's 3
// seconds before the handler has even started.
const dedupeTimeout = 500 * time.Millisecond

// dedupe claims deliveries through a Deduper; its zero value (no Deduper)
// lets everything through.
type dedupe struct {
	d       Deduper
	log     *slog.Logger
	metrics *Metrics
}

// first reports whether the delivery named key should be handled: true when
// this is its first claim, and also when there is no key, no team, no
// Deduper, or the claim failed (Redis down): the handler then fails politely
// on its own, and at least once is better than never.
func (d dedupe) first(ctx context.Context, team, key string) bool {
	if d.d == nil || team == "" || key == "" {
		return true
	}
	cctx, cancel := context.WithTimeout(ctx, dedupeTimeout)
	defer cancel()
	ok, err := d.d.ClaimOnce(cctx, team, key, DedupeTTL)
	if err != nil {
		d.log.WarnContext(ctx, "dedupe: claim failed; handling the request anyway", "key", key, "err", err)
		return true
	}
	if !ok {
		d.log.InfoContext(ctx, "dedupe: duplicate delivery acknowledged and ignored", "key", key)
		d.metrics.duplicate()
	}
	return ok
}

// forget drops a claim made by first, so that the same delivery can be
// handled again.
func (d dedupe) forget(ctx context.Context, team, key string) {
	if d.d == nil || team == "" || key == "" {
		return
	}
	cctx, cancel := context.WithTimeout(ctx, dedupeTimeout)
	defer cancel()
	if err := d.d.ForgetOnce(cctx, team, key); err != nil {
		d.log.WarnContext(ctx, "dedupe: cannot drop a claim; a resubmission within the hour is ignored", "key", key, "err", err)
	}
}

// eventKey is the dedupe key of an Events API delivery: its event_id, which
// every retry of it carries. raw is the outer event's JSON, read when the
// parsed event does not carry the ID.
func eventKey(ev slackevents.EventsAPIEvent, raw json.RawMessage) string {
	id := ""
	if cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent); ok && cb != nil {
		id = cb.EventID
	}
	if id == "" && len(raw) > 0 {
		var outer struct {
			EventID string `json:"event_id"`
		}
		if json.Unmarshal(raw, &outer) == nil {
			id = outer.EventID
		}
	}
	if id == "" {
		return ""
	}
	return "event:" + id
}

// interactionKey is the dedupe key of an interaction payload, or "" when it
// should not be deduplicated:
//
//   - block_actions: the user, the action's action_id and its action_ts (a
//     new click has a new action_ts; a replay carries the same one);
//   - view_submission: the view's id and hash. A submission answered with
//     field errors is forgotten again (see releaseAfter), so that the
//     corrected form can be submitted whether or not Slack changed the hash.
//
// Other types (options requests, view_closed, shortcuts) change nothing or
// open a form with a one-time trigger, and are not deduplicated.
func interactionKey(cb slack.InteractionCallback) string {
	switch cb.Type {
	case slack.InteractionTypeBlockActions:
		if len(cb.ActionCallback.BlockActions) == 0 || cb.User.ID == "" {
			return ""
		}
		a := cb.ActionCallback.BlockActions[0]
		ts := a.ActionTs
		if ts == "" {
			ts = cb.ActionTs
		}
		if ts == "" || a.ActionID == "" {
			return ""
		}
		return "interaction:action:" + cb.User.ID + ":" + a.ActionID + ":" + ts
	case slack.InteractionTypeViewSubmission:
		if cb.View.ID == "" || cb.View.Hash == "" {
			return ""
		}
		return "interaction:view:" + cb.View.ID + ":" + cb.View.Hash
	}
	return ""
}

// releaseAfter reports whether a claim must be dropped after the handler
// answered resp: a form sent back with errors was not applied, and its
// corrected resubmission must get through.
func releaseAfter(resp *slack.ViewSubmissionResponse) bool {
	return resp != nil && resp.ResponseAction == slack.RAErrors
}
