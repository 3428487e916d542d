package bot

import (
	"context"
	"encoding/json"
	"log/slog"
	"maps"
	"slices"
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
	// installed, when set, says which workspaces the bot serves: an
	// interaction from another is not claimed (see interactionClaim).
	installed InstallChecker
}

// first reports whether the Events API delivery named key should be
// handled: true when this is its first claim, and also when there is no key,
// no team, no Deduper, or the claim failed (Redis down): the only event
// handled (opening the App Home) changes nothing, so at least once is better
// than never. Interactions, which change things, are claimed failing closed
// (interactionClaim).
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
// should not be deduplicated or carries nothing Slack vouches for to
// deduplicate it on (see interactionClaim):
//
//   - block_actions: the user, the action's action_id and its action_ts (a
//     new click has a new action_ts; a replay carries the same one), or,
//     without an action_ts, the payload's trigger_id, which Slack makes anew
//     for each click;
//   - view_submission: the view's id and hash, or without them the
//     trigger_id. A submission answered with field errors is forgotten again
//     (see releaseAfter), so that the corrected form can be submitted
//     whether or not Slack changed the hash.
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
		switch {
		case a.ActionID == "":
			return ""
		case ts != "":
			return "interaction:action:" + cb.User.ID + ":" + a.ActionID + ":" + ts
		case cb.TriggerID != "":
			return "interaction:trigger:" + cb.TriggerID
		}
	case slack.InteractionTypeViewSubmission:
		switch {
		case cb.View.ID != "" && cb.View.Hash != "":
			return "interaction:view:" + cb.View.ID + ":" + cb.View.Hash
		case cb.TriggerID != "":
			return "interaction:trigger:" + cb.TriggerID
		}
	}
	return ""
}

// changes reports whether an interaction can change anything: a click on a
// button or menu, or a form submitted. Only those must be claimed.
func changes(cb slack.InteractionCallback) bool {
	switch cb.Type {
	case slack.InteractionTypeBlockActions:
		return len(cb.ActionCallback.BlockActions) > 0
	case slack.InteractionTypeViewSubmission:
		return true
	}
	return false
}

// Words of the refusals of interactions that could not be claimed. The
// store, which keeps the language each user chose, is what failed, so they
// are in English.
const (
	retryLater  = "salesbot could not make sure this was not done already, so it did nothing. Please try again in a moment."
	unclaimable = "This request does not say which click or form it is, so salesbot did nothing. Run the command again."
)

// interactionClaim decides whether an interaction is handled, failing closed:
// it is when there is no Deduper or it is the first claim of key. A
// duplicate is acknowledged and not applied; so is a change that carries no
// key (Slack always sends what the key is made of) or whose claim failed (a
// Redis error, a slow Redis), and its user is told to try again: a form
// gets the words under its first input (the returned response), a click
// through its response_url.
func (d dedupe) interactionClaim(ctx context.Context, cb slack.InteractionCallback, key string) (bool, *slack.ViewSubmissionResponse) {
	if d.d == nil || !changes(cb) || !d.serves(ctx, cb) {
		return true, nil
	}
	refuse := func(text string) (bool, *slack.ViewSubmissionResponse) {
		if cb.Type == slack.InteractionTypeViewSubmission {
			return false, slack.NewErrorsViewSubmissionResponse(map[string]string{firstInput(cb.View): text})
		}
		d.tell(ctx, cb.ResponseURL, text)
		return false, nil
	}
	if key == "" || cb.Team.ID == "" {
		d.log.WarnContext(ctx, "dedupe: interaction without what Slack always sends refused", "type", cb.Type)
		return refuse(unclaimable)
	}
	cctx, cancel := context.WithTimeout(ctx, dedupeTimeout)
	defer cancel()
	ok, err := d.d.ClaimOnce(cctx, cb.Team.ID, key, DedupeTTL)
	switch {
	case err != nil:
		d.log.WarnContext(ctx, "dedupe: claim failed; the interaction is not applied", "key", key, "err", err)
		return refuse(retryLater)
	case !ok:
		d.log.InfoContext(ctx, "dedupe: duplicate delivery acknowledged and ignored", "key", key)
		d.metrics.duplicate()
		return false, nil
	}
	return true, nil
}

// serves reports whether the workspace of an interaction is served, as far
// as the claim is concerned: true unless the registry says it is not. An
// interaction from a workspace with no installation is handed on without
// a claim: the handler refuses it and applies nothing, and once the
// workspace installs the app, Slack's retry of the same delivery (or the
// same form submitted again) must get through rather than meet a claim
// left for an hour. When the check fails the claim is made as always
// (failing closed), and the handler's own check answers.
func (d dedupe) serves(ctx context.Context, cb slack.InteractionCallback) bool {
	if d.installed == nil || cb.Team.ID == "" {
		return true
	}
	cctx, cancel := context.WithTimeout(ctx, dedupeTimeout)
	defer cancel()
	ok, err := d.installed.Installed(cctx, cb.Team.ID, cb.Enterprise.ID)
	if err == nil && !ok {
		d.log.InfoContext(ctx, "dedupe: interaction from a workspace not served is not claimed", "team", cb.Team.ID)
		return false
	}
	return true
}

// tellTimeout bounds the post of a refusal to a click's response_url.
const tellTimeout = 5 * time.Second

// tell posts text to a click's response_url, only to the one who clicked,
// after the acknowledgement (it runs on its own).
func (d dedupe) tell(ctx context.Context, responseURL, text string) {
	if responseURL == "" {
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), tellTimeout)
		defer cancel()
		msg := &slack.WebhookMessage{Text: text, ResponseType: slack.ResponseTypeEphemeral}
		if err := slack.PostWebhookContext(ctx, responseURL, msg); err != nil {
			d.log.WarnContext(ctx, "dedupe: cannot tell the user to try again", "err", err)
		}
	}()
}

// firstInput is the block ID of a form's first input, where Slack shows an
// error about the whole form (it accepts errors on input blocks only).
func firstInput(v slack.View) string {
	for _, b := range v.Blocks.BlockSet {
		if in, ok := b.(*slack.InputBlock); ok && in.BlockID != "" {
			return in.BlockID
		}
	}
	if v.State != nil {
		if blocks := slices.Sorted(maps.Keys(v.State.Values)); len(blocks) > 0 {
			return blocks[0]
		}
	}
	return "company"
}

// releaseAfter reports whether a claim must be dropped after the handler
// answered resp: a form sent back with errors was not applied, and its
// corrected resubmission must get through.
func releaseAfter(resp *slack.ViewSubmissionResponse) bool {
	return resp != nil && resp.ResponseAction == slack.RAErrors
}
