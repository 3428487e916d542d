package scheduler_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/directory"
	"salesbot/handlers"
	"salesbot/internal/fakeslack"
	"salesbot/internal/redistest"
	"salesbot/scheduler"
	"salesbot/service"
	"salesbot/store"
)

func TestMain(m *testing.M) { redistest.Main(m) }

// Users of the tests' workspace.
const (
	rep      = "U0REP"
	rep2     = "U0REPTWO"
	shanghai = "U0MGRSH" // a manager in Asia/Shanghai
	berlin   = "U0MGRBE" // a manager in Europe/Berlin
)

var cadence = salesbot.DefaultCadence()

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

var (
	newYork   = mustLoad("America/New_York")
	shanghaiZ = mustLoad("Asia/Shanghai")
	berlinZ   = mustLoad("Europe/Berlin")
)

// clock is the tests' fake time: it moves only when a test moves it. It
// reads in serverZone, as time.Now does on a server in its own zone, so
// that nothing can take the clock's location for anyone's time zone.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

// serverZone is the bot's host's zone: no user's, with a DST of its own.
var serverZone = mustLoad("Australia/Lord_Howe")

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t.In(serverZone)
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// teamStore is the real store, seen by the scheduler as holding one team
// only: every test takes a fresh team on a Redis server that other tests
// (and, with REDIS_URL, other packages) share, and must sweep its own.
type teamStore struct {
	*store.Store
	team    string
	claimed func() // when set, runs after each ClaimDue, before the sweep goes on
	leased  func() // when set, runs after each LeaseOnce that leased, before the sweep goes on
	rebuild error  // when set, RebuildReadModels fails with it
	// failLease, when set, fails every LeaseOnce whose key holds it.
	failLease string
	// claim, when set, is told how many teams a scheduler claimed (n > 0)
	// and handed back (n < 0).
	claim func(n int)
}

func (s *teamStore) LeaseOnce(ctx context.Context, team, key, token string, lease time.Duration) (bool, error) {
	if s.failLease != "" && strings.Contains(key, s.failLease) {
		return false, errors.New("lease refused by the test")
	}
	ok, err := s.Store.LeaseOnce(ctx, team, key, token, lease)
	if ok && err == nil && s.leased != nil {
		s.leased()
	}
	return ok, err
}

func (s *teamStore) RebuildReadModels(ctx context.Context, team string) error {
	if s.rebuild != nil {
		return s.rebuild
	}
	return s.Store.RebuildReadModels(ctx, team)
}

func (s *teamStore) Teams(context.Context) ([]string, error) { return []string{s.team}, nil }

// ClaimWakes claims the test's own team only, when its sweep is due.
func (s *teamStore) ClaimWakes(ctx context.Context, now, claimEnd time.Time, limit int) ([]string, error) {
	teams, err := s.Store.ClaimWakesOf(ctx, []string{s.team}, now, claimEnd)
	if s.claim != nil && len(teams) > 0 {
		s.claim(len(teams))
	}
	return teams, err
}

// Refused lists the test's own team only, if its token was refused.
func (s *teamStore) Refused(ctx context.Context, now time.Time) (map[string]string, error) {
	all, err := s.Store.Refused(ctx, now)
	if reason, ok := all[s.team]; ok {
		return map[string]string{s.team: reason}, err
	}
	return nil, err
}

func (s *teamStore) SetWakes(ctx context.Context, claimEnd time.Time, next map[string]time.Time) error {
	if s.claim != nil && len(next) > 0 {
		s.claim(-len(next))
	}
	return s.Store.SetWakes(ctx, claimEnd, next)
}

func (s *teamStore) ClaimDue(ctx context.Context, team, token string, now time.Time, lease time.Duration, limit int) ([]salesbot.ReminderClaim, int, error) {
	claims, recovered, err := s.Store.ClaimDue(ctx, team, token, now, lease, limit)
	if s.claimed != nil && len(claims) > 0 {
		s.claimed()
	}
	return claims, recovered, err
}

// options are what a test changes in the bot's settings.
type options struct {
	digest    string
	review    string // SALESBOT_REVIEW
	managers  []string
	workHours salesbot.WorkHours
	lease     time.Duration
	send      time.Duration // the per-send deadline
	stuck     time.Duration // StuckAfter
	// escalation is SALESBOT_ESCALATION (default: the default ladder).
	escalation salesbot.Escalation
	// prefs: the schedulers read each person's choices (the morning
	// batch by default) rather than remind each as it falls due.
	prefs bool
	// batch is Config.Batch, the reminders claimed per team and sweep
	// (default: the scheduler's).
	batch int
}

// env is the bot as the scheduler drives it: the real handlers and store on
// a real redis-server, a fake Slack, a fake clock, and two scheduler
// replicas (a and b) sharing them.
type env struct {
	t      *testing.T
	ctx    context.Context
	team   string
	clock  *clock
	slack  *fakeslack.Server
	rdb    redis.UniversalClient
	store  *store.Store
	h      *handlers.Handler
	notes  *reviewRecorder // the handlers as the schedulers' Notifier, keeping the reviews sent
	sched  *teamStore      // the store as the schedulers see it
	a, b   *scheduler.Scheduler
	reg    *prometheus.Registry
	people *directory.Directory
	svc    *service.Services
	// restart makes a new scheduler replica on the same store, as a
	// restarted process would be.
	restart func() *scheduler.Scheduler
	// workspaces is the replicas' Config.Workspaces (see restartWith).
	workspaces scheduler.Workspaces
}

// restartWith makes a new scheduler replica as restart does, with ws as
// its Workspaces.
func (e *env) restartWith(ws scheduler.Workspaces) *scheduler.Scheduler {
	e.workspaces = ws
	return e.restart()
}

func newEnv(t *testing.T, start time.Time, opt options) *env {
	t.Helper()
	fs := fakeslack.New(t)
	fs.RealDMs()
	rdb := redistest.Client(t)
	st := store.New(rdb, store.WithChangeTime()) // the made-up clock places the activity
	c := &clock{t: start}
	api := slack.New("xoxb-test", slack.OptionAPIURL(fs.APIURL()))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	people := directory.New(api, c.Now)
	e := &env{t: t, ctx: t.Context(), team: redistest.Team(t), clock: c, slack: fs, rdb: rdb, store: st,
		reg: prometheus.NewRegistry(), people: people}
	e.svc = service.New(service.Config{Store: st, Logger: log, Managers: opt.managers, WorkHours: opt.workHours})
	e.h = handlers.New(st, api, handlers.Config{
		Now: c.Now, Logger: log, Directory: people, Respond: noResponder{},
		Digests: e.svc, Reports: e.svc, Teams: e.svc, Reminders: e.svc, Visits: e.svc, Stakeholders: e.svc,
		Maintenance: e.svc,
	})
	t.Cleanup(e.h.Wait)
	e.notes = &reviewRecorder{Handler: e.h, clock: c}
	metrics := scheduler.NewMetrics(e.reg)
	e.sched = &teamStore{Store: st, team: e.team}
	e.restart = func() *scheduler.Scheduler {
		var prefs salesbot.NotifyService
		if opt.prefs {
			prefs = e.svc
		}
		s, err := scheduler.New(scheduler.Config{
			Store: e.sched, Notifier: e.notes, People: people, Digests: e.svc, Teams: e.svc, Reminders: e.svc,
			Reviews: e.svc, Digest: opt.digest, Review: opt.review, Now: c.Now, Logger: log, Lease: opt.lease, Metrics: metrics,
			SendTimeout: opt.send, StuckAfter: opt.stuck, Escalation: opt.escalation, Prefs: prefs, Batch: opt.batch,
			Workspaces: e.workspaces,
		})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	e.a, e.b = e.restart(), e.restart()
	return e
}

// noResponder swallows response_url posts (none of these tests reads them).
type noResponder struct{}

func (noResponder) Respond(context.Context, string, *slack.WebhookMessage) error { return nil }

// user sets a Slack user's time zone.
func (e *env) user(id string, loc *time.Location) {
	e.slack.SetUser(id, fakeslack.User{Name: id, TZ: loc.String()})
}

// lead registers a company for owner at the given (past) time and returns
// its ID.
func (e *env) lead(owner, company string, g salesbot.Grade, created time.Time) string {
	e.t.Helper()
	l, c, err := salesbot.NewLead(salesbot.Actor{User: owner}, e.team, "", company, g, created)
	if err != nil {
		e.t.Fatal(err)
	}
	l.Schedule(cadence)
	if _, err := e.store.CreateLead(e.ctx, l, c); err != nil {
		e.t.Fatalf("create %s: %v", company, err)
	}
	return l.ID
}

// change applies a domain call to a lead and reschedules it, as the
// handlers do.
func (e *env) change(id string, fn func(l *salesbot.Lead) (salesbot.Update, error)) *salesbot.Lead {
	e.t.Helper()
	l, err := e.store.UpdateLead(e.ctx, e.team, id, func(l *salesbot.Lead) (salesbot.Update, error) {
		u, err := fn(l)
		if err == nil {
			l.Schedule(cadence)
		}
		return u, err
	})
	if err != nil {
		e.t.Fatalf("update %s: %v", id, err)
	}
	return l
}

// visit logs a touch of the given kind on the lead, by its owner, at at
// (the rep being in loc).
func (e *env) visit(id string, at time.Time, loc *time.Location, kind salesbot.VisitKind, notes string) *salesbot.Lead {
	e.t.Helper()
	return e.change(id, func(l *salesbot.Lead) (salesbot.Update, error) {
		v := &salesbot.Visit{Kind: kind, Notes: notes}
		c, err := l.RecordVisit(salesbot.Actor{User: l.Owner}, v, loc, at)
		return salesbot.Update{Changes: []salesbot.Change{c}, Visit: v}, err
	})
}

// dueLead registers a grade C lead last visited a cadence before due, so
// that its follow-up falls due at due.
func (e *env) dueLead(owner, company string, due time.Time) string {
	e.t.Helper()
	last := due.Add(-cadence[salesbot.GradeC])
	id := e.lead(owner, company, salesbot.GradeC, last.Add(-15*salesbot.Day))
	if l := e.visit(id, last, time.UTC, salesbot.KindVisit, "checked in"); !l.Due.Equal(due) {
		e.t.Fatalf("%s falls due at %v; want %v", company, l.Due, due)
	}
	return id
}

func (e *env) get(id string) *salesbot.Lead {
	e.t.Helper()
	l, err := e.store.Lead(e.ctx, e.team, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return l
}

// sweep runs one sweep of replica s at the clock's time.
func (e *env) sweep(s *scheduler.Scheduler) {
	e.t.Helper()
	if err := s.Sweep(e.ctx); err != nil {
		e.t.Fatalf("sweep at %v: %v", e.clock.Now(), err)
	}
}

// sweepAt moves the clock to at and has both replicas sweep.
func (e *env) sweepAt(at time.Time) {
	e.t.Helper()
	e.clock.Set(at)
	e.sweep(e.a)
	e.sweep(e.b)
}

// race has both replicas sweep rounds times each, at once.
func (e *env) race(rounds int) {
	e.t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, 2*rounds)
	for _, s := range []*scheduler.Scheduler{e.a, e.b} {
		for range rounds {
			wg.Go(func() {
				if err := s.Sweep(e.ctx); err != nil {
					errs <- err
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		e.t.Errorf("concurrent sweep: %v", err)
	}
}

// posts returns the messages Slack accepted for user (by direct message).
func (e *env) posts(user string) []fakeslack.Call {
	var out []fakeslack.Call
	for _, c := range e.tries(user) {
		if c.Failed == "" {
			out = append(out, c)
		}
	}
	return out
}

// tries returns every chat.postMessage to user, accepted or failed.
func (e *env) tries(user string) []fakeslack.Call {
	var out []fakeslack.Call
	for _, c := range e.slack.Calls("chat.postMessage") {
		if c.Param("channel") == user {
			out = append(out, c)
		}
	}
	return out
}

// digests returns the digests Slack accepted for a manager.
func (e *env) digests(manager string) []fakeslack.Call {
	var out []fakeslack.Call
	for _, c := range e.posts(manager) {
		if strings.HasPrefix(c.Param("text"), "Sales digest") {
			out = append(out, c)
		}
	}
	return out
}

// wantPosts fails the test unless Slack accepted n messages for user.
func (e *env) wantPosts(user string, n int, when string) []fakeslack.Call {
	e.t.Helper()
	got := e.posts(user)
	if len(got) != n {
		e.t.Fatalf("%s: %d messages to %s, want %d:\n%s", when, len(got), user, n, texts(got))
	}
	return got
}

// counter reads a counter of the scheduler's metrics (0 when never counted).
func (e *env) counter(name string, label ...string) float64 {
	e.t.Helper()
	families, err := e.reg.Gather()
	if err != nil {
		e.t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			match := len(label) == 0
			for _, l := range m.GetLabel() {
				match = match || (len(label) == 2 && l.GetName() == label[0] && l.GetValue() == label[1])
			}
			if match {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

// wantIndexed fails the test unless the lead's follow-up is queued in the
// team's due set at want (zero: not queued, but for its escalation
// ladder's next step once reminded) and in no one's lease.
func (e *env) wantIndexed(id string, want time.Time) {
	e.t.Helper()
	prefix := "sb:{" + e.team + "}:"
	if want.IsZero() {
		if l, err := e.store.Lead(e.ctx, e.team, id); err == nil && !l.ClimbAt.IsZero() && l.Due.Equal(l.RemindedDue) {
			want = l.ReminderAt() // reminded: only the ladder's next step is queued
		}
	}
	score, err := e.rdb.ZScore(e.ctx, prefix+"due", id).Result()
	switch {
	case err != nil && err != redis.Nil:
		e.t.Fatal(err)
	case want.IsZero() && err == nil:
		e.t.Errorf("lead %s queued at %v; want it out of the due set", id, time.UnixMilli(int64(score)).UTC())
	case !want.IsZero() && err == redis.Nil:
		e.t.Errorf("lead %s not queued; want it due at %v", id, want.UTC())
	case !want.IsZero() && int64(score) != want.UnixMilli():
		e.t.Errorf("lead %s queued at %v; want %v", id, time.UnixMilli(int64(score)).UTC(), want.UTC())
	}
	if n, err := e.rdb.ZCard(e.ctx, prefix+"inflight").Result(); err != nil || n != 0 {
		e.t.Errorf("%d claims still in flight (err %v); want none", n, err)
	}
}

// text is everything a person reads in a message.
func text(c fakeslack.Call) string {
	unescape := strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&")
	return unescape.Replace(c.Text())
}

func texts(calls []fakeslack.Call) string {
	var b strings.Builder
	for _, c := range calls {
		fmt.Fprintf(&b, "--- %s %s (failed %q)\n%s\n", c.Method, c.Param("channel"), c.Failed, text(c))
	}
	return b.String()
}

func mustContain(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s: want %q in:\n%s", what, w, got)
		}
	}
}

func mustNotContain(t *testing.T, what, got string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(got, w) {
			t.Errorf("%s: do not want %q in:\n%s", what, w, got)
		}
	}
}

// button is one button of a message.
type button struct{ ActionID, Value, Label string }

// buttons lists a message's buttons, in order.
func buttons(t *testing.T, c fakeslack.Call) []button {
	t.Helper()
	var blocks []struct {
		Type     string `json:"type"`
		Elements []struct {
			Type     string          `json:"type"`
			ActionID string          `json:"action_id"`
			Value    string          `json:"value"`
			Text     json.RawMessage `json:"text"` // an object for buttons
		} `json:"elements"`
	}
	if err := json.Unmarshal([]byte(c.Param("blocks")), &blocks); err != nil {
		t.Fatalf("blocks: %v: %s", err, c.Param("blocks"))
	}
	var out []button
	for _, b := range blocks {
		if b.Type != "actions" {
			continue
		}
		for _, el := range b.Elements {
			if el.Type != "button" {
				continue
			}
			var label struct{ Text string }
			if err := json.Unmarshal(el.Text, &label); err != nil {
				t.Fatalf("button %s: %v", el.ActionID, err)
			}
			out = append(out, button{el.ActionID, el.Value, label.Text})
		}
	}
	return out
}

// tue10 is a Tuesday, 10:00 UTC: inside working hours for a rep in UTC.
var tue10 = time.Date(2026, 6, 16, 10, 0, 0, 0, time.UTC)

// TestRemindedOnceByTwoReplicas: a lead last visited 30 days ago (grade C)
// is reminded once, with everything the reminder must show, while two
// replicas sweep at once; so is each of many other leads.
func TestRemindedOnceByTwoReplicas(t *testing.T) {
	e := newEnv(t, tue10, options{})
	e.user(rep, time.UTC)
	last := tue10.Add(-30 * salesbot.Day)
	id := e.lead(rep, "Acme Industrial", salesbot.GradeC, last.Add(-15*salesbot.Day))
	e.change(id, func(l *salesbot.Lead) (salesbot.Update, error) {
		c, err := l.SetFact(salesbot.Actor{User: rep}, salesbot.FactBudget, "40k approved for the year", last)
		return salesbot.Update{Changes: []salesbot.Change{c}}, err
	})
	if l := e.visit(id, last, time.UTC, salesbot.KindVisit, "Met the plant manager; wants a quote for 40 units"); !l.Due.Equal(tue10) {
		t.Fatalf("due %v, want %v", l.Due, tue10)
	}
	// Other reps' leads, due now too, so the replicas contend for many.
	others := map[string]string{} // lead → owner
	for i := range 24 {
		owner := fmt.Sprintf("U0OTHER%d", i%4)
		others[e.dueLead(owner, fmt.Sprintf("Other Co %02d", i), tue10.Add(-time.Duration(i)*time.Hour))] = owner
	}

	e.race(4)

	got := e.wantPosts(rep, 1, "after concurrent sweeps")[0]
	msg := text(got)
	mustContain(t, "reminder", msg, "Acme Industrial", "grade C", "Lead", "last touch 30 days ago",
		"Met the plant manager; wants a quote for 40 units",
		"Still unknown: Schedule, Need, Decision process, Competition, Key criteria")
	mustNotContain(t, "reminder", msg, "Still unknown: Budget", "Other Co")
	want := []button{
		{"reminder_visit", id, "Log visit"}, // IDs only: a company may be called "A|B Co"
		{"reminder_snooze", id + "|1", "Snooze 1 day"},
		{"reminder_snooze#7", id + "|7", "Snooze 1 week"},
		{"reminder_regrade", id, "Regrade"},
	}
	if b := buttons(t, got); !slices.Equal(b, want) {
		t.Errorf("buttons %+v, want %+v", b, want)
	}
	if l := e.get(id); !l.RemindedDue.Equal(l.Due) {
		t.Errorf("lead not marked reminded: due %v, reminded %v", l.Due, l.RemindedDue)
	}
	e.wantIndexed(id, time.Time{})

	// Every other lead is in exactly one message to its owner, batched.
	for lead, owner := range others {
		n := 0
		for _, c := range e.posts(owner) {
			n += strings.Count(c.Param("blocks"), lead+"|1")
		}
		if n != 1 {
			t.Errorf("lead %s of %s reminded %d times, want once", lead, owner, n)
		}
	}
	for i := range 4 {
		e.wantPosts(fmt.Sprintf("U0OTHER%d", i), 1, "other reps")
	}
	if got := e.counter("salesbot_reminders_total", "outcome", "sent"); got != 25 {
		t.Errorf("sent metric %v, want 25", got)
	}
	if got := e.counter("salesbot_reminders_possible_duplicates_total"); got != 0 {
		t.Errorf("possible duplicates %v, want 0", got)
	}

	// Later sweeps send nothing more: one reminder per due follow-up.
	before := len(e.slack.Calls("chat.postMessage"))
	for _, d := range []time.Duration{time.Minute, time.Hour, 5 * time.Hour} {
		e.sweepAt(tue10.Add(d))
	}
	e.race(2)
	if n := len(e.slack.Calls("chat.postMessage")); n != before {
		t.Errorf("later sweeps sent %d more messages:\n%s", n-before, texts(e.slack.Calls("chat.postMessage")[before:]))
	}
}

// TestSnoozeSuppressesUntilNewTime: "Snooze 1 week" on the reminder puts
// the follow-up off a week and redraws the message; it comes back once.
func TestSnoozeSuppressesUntilNewTime(t *testing.T) {
	e := newEnv(t, tue10, options{})
	e.user(rep, time.UTC)
	id := e.dueLead(rep, "Globex", tue10)
	e.sweepAt(tue10)
	first := e.wantPosts(rep, 1, "first sweep")[0]
	if !strings.HasPrefix(first.Channel, "D") || first.TS == "" {
		t.Fatalf("postMessage answered channel %q ts %q", first.Channel, first.TS)
	}

	pressed := tue10.Add(5 * time.Minute)
	e.clock.Set(pressed)
	cb := slack.InteractionCallback{Type: slack.InteractionTypeBlockActions, User: slack.User{ID: rep}, Team: slack.Team{ID: e.team},
		Channel:   slack.Channel{GroupConversation: slack.GroupConversation{Conversation: slack.Conversation{ID: first.Channel}}},
		Container: slack.Container{MessageTs: first.TS}, TriggerID: "trigger-snooze", ResponseURL: e.slack.ResponseURL("snooze")}
	cb.ActionCallback.BlockActions = []*slack.BlockAction{{ActionID: "reminder_snooze", Value: id + "|7"}}
	if resp := e.h.Interaction(e.ctx, cb); resp != nil {
		t.Fatalf("click answered %+v", resp)
	}
	e.h.Wait()

	until := pressed.Add(7 * salesbot.Day)
	if l := e.get(id); !l.SnoozedUntil.Equal(until) || !l.Due.Equal(until) {
		t.Fatalf("after snooze: snoozed until %v, due %v; want both %v", l.SnoozedUntil, l.Due, until)
	}
	e.wantIndexed(id, until)
	updates := e.slack.Calls("chat.update")
	if len(updates) != 1 {
		t.Fatalf("%d chat.update calls, want 1", len(updates))
	}
	if u := updates[0]; u.Param("channel") != first.Channel || u.Param("ts") != first.TS {
		t.Errorf("redrew %s/%s, want the reminder %s/%s", u.Param("channel"), u.Param("ts"), first.Channel, first.TS)
	}
	mustContain(t, "redrawn reminder", text(updates[0]), "Snoozed until Tue 23 Jun 10:05", "<@"+rep+">", "Globex")
	if b := buttons(t, updates[0]); len(b) != 0 {
		t.Errorf("redrawn reminder still has buttons %+v", b)
	}

	for _, at := range []time.Time{pressed.Add(time.Minute), tue10.Add(salesbot.Day), tue10.Add(3 * salesbot.Day), until.Add(-time.Minute)} {
		e.sweepAt(at)
	}
	e.wantPosts(rep, 1, "sweeps while snoozed")

	e.clock.Set(until.Add(time.Minute))
	e.race(3)
	second := e.wantPosts(rep, 2, "sweep after the snooze")[1]
	mustContain(t, "reminder after snooze", text(second), "Globex")
	if second.TS == first.TS {
		t.Errorf("second reminder has the first one's ts %s", first.TS)
	}
	e.sweepAt(until.Add(time.Hour))
	e.wantPosts(rep, 2, "later sweep")
}

// TestRateLimitPausesEveryReplica: a 429 with Retry-After: 30 pauses the
// team's reminders for 30 s on every replica; then the reminder goes once.
func TestRateLimitPausesEveryReplica(t *testing.T) {
	e := newEnv(t, tue10, options{})
	e.user(rep, time.UTC)
	e.user(rep2, time.UTC)
	e.dueLead(rep, "Initech", tue10)
	e.dueLead(rep2, "Hooli", tue10)
	e.dueLead(rep2, "Pied Piper", tue10.Add(5*time.Second)) // falls due during the pause
	e.slack.RateLimitNext("chat.postMessage", 30)

	e.clock.Set(tue10)
	e.sweep(e.a)
	if got := e.slack.Calls("chat.postMessage"); len(got) != 1 || got[0].Failed != "http 429" {
		t.Fatalf("first sweep: want one rate-limited post, got:\n%s", texts(got))
	}
	paused, err := e.store.SendingPausedUntil(e.ctx, e.team)
	if err != nil || !paused.Equal(tue10.Add(30*time.Second)) {
		t.Fatalf("paused until %v (err %v), want %v", paused, err, tue10.Add(30*time.Second))
	}

	for _, d := range []time.Duration{10 * time.Second, 29 * time.Second} {
		e.clock.Set(tue10.Add(d))
		e.sweep(e.b) // the other replica
		e.sweep(e.a)
	}
	if n := len(e.slack.Calls("chat.postMessage")); n != 1 {
		t.Fatalf("sweeps during the pause posted %d more times:\n%s", n-1, texts(e.slack.Calls("chat.postMessage")))
	}

	e.clock.Set(tue10.Add(31 * time.Second))
	e.race(2)
	mustContain(t, "after the pause", text(e.wantPosts(rep, 1, "after the pause")[0]), "Initech")
	mustContain(t, "after the pause", text(e.wantPosts(rep2, 1, "after the pause")[0]), "Hooli", "Pied Piper")
	e.sweepAt(tue10.Add(2 * time.Minute))
	e.wantPosts(rep, 1, "later")
	e.wantPosts(rep2, 1, "later")
}

// TestFailedSendRetriedWithBackoff: a 5xx and then a dropped connection put
// the reminder back for 1 and then 2 minutes; it goes out once after.
func TestFailedSendRetriedWithBackoff(t *testing.T) {
	e := newEnv(t, tue10, options{})
	e.user(rep, time.UTC)
	id := e.dueLead(rep, "Umbrella", tue10)

	e.slack.StatusNext("chat.postMessage", 503)
	e.sweepAt(tue10)
	e.wantIndexed(id, tue10.Add(time.Minute))
	e.sweepAt(tue10.Add(59 * time.Second))
	if n := len(e.tries(rep)); n != 1 {
		t.Fatalf("retried before the backoff: %d tries", n)
	}

	e.slack.DropNext("chat.postMessage")
	e.clock.Set(tue10.Add(time.Minute))
	e.sweep(e.b)
	e.wantIndexed(id, tue10.Add(3*time.Minute)) // second failure: 2 minutes
	e.sweepAt(tue10.Add(3*time.Minute - time.Second))
	tries := e.tries(rep)
	if len(tries) != 2 || tries[0].Failed != "http 503" || tries[1].Failed != "dropped" {
		t.Fatalf("want a 503 and a dropped try, got:\n%s", texts(tries))
	}
	e.wantPosts(rep, 0, "during the backoff")

	e.clock.Set(tue10.Add(3 * time.Minute))
	e.race(2)
	mustContain(t, "retried reminder", text(e.wantPosts(rep, 1, "after the backoff")[0]), "Umbrella")
	e.sweepAt(tue10.Add(time.Hour))
	e.wantPosts(rep, 1, "later")
	if l := e.get(id); !l.RemindedDue.Equal(tue10) {
		t.Errorf("reminded due %v, want %v", l.RemindedDue, tue10)
	}
	if got := e.counter("salesbot_reminders_total", "outcome", "retried"); got != 2 {
		t.Errorf("retried metric %v, want 2", got)
	}
}

// TestUndeliverableGivenUp: a user Slack cannot reach is given up on at
// once: no retry, the follow-up marked reminded.
func TestUndeliverableGivenUp(t *testing.T) {
	for _, slackErr := range []string{"user_not_found", "user_disabled"} {
		t.Run(slackErr, func(t *testing.T) {
			e := newEnv(t, tue10, options{})
			e.user(rep, time.UTC)
			id := e.dueLead(rep, "Soylent", tue10)
			e.slack.FailNext("chat.postMessage", slackErr)
			e.sweepAt(tue10)
			if tries := e.tries(rep); len(tries) != 1 || tries[0].Failed != slackErr {
				t.Fatalf("want one failed try, got:\n%s", texts(tries))
			}
			if l := e.get(id); !l.RemindedDue.Equal(tue10) {
				t.Errorf("reminded due %v, want %v (given up)", l.RemindedDue, tue10)
			}
			e.wantIndexed(id, time.Time{})
			for _, d := range []time.Duration{time.Minute, 2 * time.Minute, time.Hour, salesbot.Day} {
				e.sweepAt(tue10.Add(d))
			}
			if n := len(e.tries(rep)); n != 1 {
				t.Errorf("retried an undeliverable reminder: %d tries", n)
			}
			if got := e.counter("salesbot_reminders_total", "outcome", "failed"); got != 1 {
				t.Errorf("failed metric %v, want 1", got)
			}
		})
	}
}

// sweepEvery has the replicas sweep in turn every step from..to (both
// included) and returns the clock's time at each message Slack accepted
// for user.
func (e *env) sweepEvery(from, to time.Time, step time.Duration, user string) []time.Time {
	e.t.Helper()
	var sent []time.Time
	i := 0
	for at := from; !at.After(to); at = at.Add(step) {
		before := len(e.posts(user))
		e.clock.Set(at)
		e.sweep([]*scheduler.Scheduler{e.a, e.b}[i%2])
		i++
		for range len(e.posts(user)) - before {
			sent = append(sent, at)
		}
	}
	return sent
}

// TestWorkingHoursInOwnersTimeZone: a follow-up due at 03:00 in New York
// waits for 09:00 there.
func TestWorkingHoursInOwnersTimeZone(t *testing.T) {
	due := time.Date(2026, 6, 17, 3, 0, 0, 0, newYork) // a Wednesday
	e := newEnv(t, due, options{})
	e.user(rep, newYork)
	e.dueLead(rep, "Wayne Enterprises", due)
	sent := e.sweepEvery(due, due.Add(8*time.Hour), 10*time.Minute, rep)
	want := time.Date(2026, 6, 17, 9, 0, 0, 0, newYork)
	if len(sent) != 1 || !sent[0].Equal(want) {
		t.Fatalf("sent at %v, want once at %v", sent, want)
	}
	mustContain(t, "reminder", text(e.posts(rep)[0]), "Wayne Enterprises")
}

// TestWeekendWaitsForMonday: due on Friday evening, the reminder goes out
// on Monday at 09:00 with the default working days.
func TestWeekendWaitsForMonday(t *testing.T) {
	due := time.Date(2026, 6, 19, 19, 30, 0, 0, newYork) // a Friday
	e := newEnv(t, due, options{})
	e.user(rep, newYork)
	e.dueLead(rep, "Stark Industries", due)
	sent := e.sweepEvery(due, time.Date(2026, 6, 22, 12, 0, 0, 0, newYork), 30*time.Minute, rep)
	want := time.Date(2026, 6, 22, 9, 0, 0, 0, newYork)
	if len(sent) != 1 || !sent[0].Equal(want) {
		t.Fatalf("sent at %v, want once at %v (Monday 09:00)", sent, want)
	}
}

// TestDaylightSavingDay: on the days New York's clocks change, a follow-up
// due in the night goes out once, at 09:00 on the local clock.
func TestDaylightSavingDay(t *testing.T) {
	everyDay, err := salesbot.ParseWorkHours("09-18", "0-6") // the change days are Sundays
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		day  time.Time // when the follow-up falls due
		wh   salesbot.WorkHours
		want time.Time
	}{
		{"fall back", time.Date(2026, 11, 1, 0, 30, 0, 0, newYork), everyDay, time.Date(2026, 11, 1, 9, 0, 0, 0, newYork)},
		{"spring forward", time.Date(2027, 3, 14, 0, 30, 0, 0, newYork), everyDay, time.Date(2027, 3, 14, 9, 0, 0, 0, newYork)},
		// Due on the Saturday evening before: the wait spans the change.
		{"fall back, weekdays only", time.Date(2026, 10, 31, 20, 0, 0, 0, newYork), salesbot.WorkHours{}, time.Date(2026, 11, 2, 9, 0, 0, 0, newYork)},
		{"spring forward, weekdays only", time.Date(2027, 3, 13, 20, 0, 0, 0, newYork), salesbot.WorkHours{}, time.Date(2027, 3, 15, 9, 0, 0, 0, newYork)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.day, options{workHours: tc.wh})
			e.user(rep, newYork)
			e.dueLead(rep, "Cyberdyne", tc.day)
			sent := e.sweepEvery(tc.day.Add(-time.Hour), tc.want.Add(3*time.Hour), 10*time.Minute, rep)
			if len(sent) != 1 || !sent[0].Equal(tc.want) {
				t.Fatalf("sent at %v, want once at %v", sent, tc.want)
			}
			if local := sent[0].In(newYork); local.Hour() != 9 || local.Minute() != 0 {
				t.Errorf("sent at %v local, want 09:00", local)
			}
		})
	}
}

// TestNightDueBatchedAtStartOfDay: several follow-ups falling due in a
// rep's night come in one message when the day starts.
func TestNightDueBatchedAtStartOfDay(t *testing.T) {
	evening := time.Date(2026, 6, 16, 21, 0, 0, 0, newYork) // Tuesday
	e := newEnv(t, evening, options{})
	e.user(rep, newYork)
	companies := []string{"Night Owl Ltd", "Midnight Oil Co", "Early Bird Inc"}
	ids := []string{
		e.dueLead(rep, companies[0], evening.Add(time.Hour)),   // 22:00
		e.dueLead(rep, companies[1], evening.Add(4*time.Hour)), // 01:00
		e.dueLead(rep, companies[2], evening.Add(7*time.Hour)), // 04:00
	}
	start := time.Date(2026, 6, 17, 9, 0, 0, 0, newYork)
	sent := e.sweepEvery(evening, start.Add(2*time.Hour), 15*time.Minute, rep)
	if len(sent) != 1 || !sent[0].Equal(start) {
		t.Fatalf("sent at %v, want one message at %v", sent, start)
	}
	msg := e.posts(rep)[0]
	mustContain(t, "batched reminder", text(msg), append([]string{"3 follow-ups due"}, companies...)...)
	if n := len(buttons(t, msg)); n != 12 {
		t.Errorf("%d buttons, want 4 for each of 3 leads", n)
	}
	for _, id := range ids {
		e.wantIndexed(id, time.Time{})
	}
}

// TestDigestOncePerManagerInOwnTimeZone: each manager gets the digest at
// 08:00 on their own clock, once, with the right counts, even with two
// replicas sweeping at once; the next one covers only what came since.
func TestDigestOncePerManagerInOwnTimeZone(t *testing.T) {
	// Wednesday 17 June 2026, 08:00 in Shanghai is 00:00 UTC; in Berlin
	// it is 06:00 UTC.
	shanghai8 := time.Date(2026, 6, 17, 0, 0, 0, 0, time.UTC)
	berlin8 := time.Date(2026, 6, 17, 6, 0, 0, 0, time.UTC)
	e := newEnv(t, shanghai8.Add(-time.Hour), options{digest: "0 8 * * 1-5", managers: []string{shanghai}})
	e.user(shanghai, shanghaiZ)
	e.user(berlin, berlinZ)
	e.user(rep, time.UTC)
	e.user(rep2, time.UTC)
	if err := e.store.AddManager(e.ctx, e.team, berlin); err != nil {
		t.Fatal(err)
	}

	// Before the window (Tuesday 00:00–06:00 UTC, after both managers'
	// day-before) leads were registered; in it, things happened.
	before := time.Date(2026, 6, 12, 9, 0, 0, 0, time.UTC)
	win := time.Date(2026, 6, 16, 10, 0, 0, 0, time.UTC)
	actor := salesbot.Actor{User: rep}
	visitOne := e.lead(rep, "Visit One", salesbot.GradeC, before)
	visitTwo := e.lead(rep, "Visit Two", salesbot.GradeC, before)
	up := e.lead(rep, "Up Co", salesbot.GradeC, before)
	down := e.lead(rep, "Down Co", salesbot.GradeB, before)
	stage := e.lead(rep, "Stage Co", salesbot.GradeC, before)
	other := e.lead(rep2, "Other Co", salesbot.GradeC, time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC))
	lateTen := e.lead(rep, "Late Ten", salesbot.GradeC, time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC))
	e.visit(lateTen, time.Date(2026, 5, 8, 0, 0, 0, 0, time.UTC), time.UTC, salesbot.KindCall, "old call") // due 7 June
	lateThree := e.lead(rep, "Late Three", salesbot.GradeC, time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC))
	e.visit(lateThree, time.Date(2026, 5, 15, 0, 0, 0, 0, time.UTC), time.UTC, salesbot.KindCall, "old call") // due 14 June

	e.lead(rep, "Fresh Foods", salesbot.GradeB, win)
	e.visit(visitOne, win.Add(30*time.Minute), time.UTC, salesbot.KindVisit, "toured the site")
	e.visit(visitTwo, win.Add(time.Hour), time.UTC, salesbot.KindCall, "pricing call")
	e.change(up, func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(l.Regrade(actor, salesbot.GradeB, "budget found", win.Add(75*time.Minute)))
	})
	e.change(down, func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(l.Regrade(actor, salesbot.GradeD, "project frozen", win.Add(90*time.Minute)))
	})
	e.change(stage, func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(l.MoveStage(actor, salesbot.StageFirstVisit, win.Add(105*time.Minute)))
	})
	e.visit(other, win.Add(2*time.Hour), time.UTC, salesbot.KindDemo, "demo went well")

	// 07:59 in Shanghai: nothing yet.
	e.sweepAt(shanghai8.Add(-time.Minute))
	if n := len(e.digests(shanghai)) + len(e.digests(berlin)); n != 0 {
		t.Fatalf("%d digests before 08:00", n)
	}

	// 08:00 in Shanghai: the two replicas race; one digest, to Shanghai.
	e.clock.Set(shanghai8)
	e.race(4)
	got := e.digests(shanghai)
	if len(got) != 1 {
		t.Fatalf("%d digests to the Shanghai manager at 08:00, want 1:\n%s", len(got), texts(got))
	}
	for _, at := range []time.Time{shanghai8.Add(time.Minute), shanghai8.Add(3 * time.Hour), berlin8.Add(-time.Minute)} {
		e.sweepAt(at)
	}
	if n := len(e.digests(berlin)); n != 0 {
		t.Fatalf("%d digests to the Berlin manager before 08:00 Berlin time", n)
	}

	// 08:00 in Berlin.
	e.clock.Set(berlin8)
	e.race(4)
	for _, at := range []time.Time{berlin8.Add(time.Minute), berlin8.Add(10 * time.Hour), shanghai8.Add(23*time.Hour + 59*time.Minute)} {
		e.sweepAt(at)
	}
	if n := len(e.digests(shanghai)); n != 1 {
		t.Errorf("%d digests to the Shanghai manager on Wednesday, want 1", n)
	}
	if n := len(e.digests(berlin)); n != 1 {
		t.Fatalf("%d digests to the Berlin manager on Wednesday, want 1", n)
	}
	if got := e.counter("salesbot_digests_sent_total"); got != 2 {
		t.Errorf("digest metric %v, want 2", got)
	}

	// The exceptions-only digest: the grade changes and the risks new on
	// A and B leads are listed, each rep's visits and new leads in a line
	// of companies; stage moves counted.
	for who, d := range map[string]fakeslack.Call{"Shanghai": e.digests(shanghai)[0], "Berlin": e.digests(berlin)[0]} {
		msg := text(d)
		mustContain(t, who+" digest", msg,
			"Sales digest — Wed 17 Jun", "open leads: 9", "visits: 3", "new leads: 1", "stage moves: 1",
			"<@"+rep+">", "Up (1): Up Co C→B", "Down (1): Down Co B→D", "Visits (", "<@"+rep2+">",
			"New risks (2)", "*Fresh Foods* (B): No economic buyer", "*Up Co* (B): No economic buyer",
		)
		mustNotContain(t, who+" digest", msg, "Quiet day", "Pipeline", "Late Ten")
	}

	// Thursday 08:00 in Shanghai: nothing changed since the first; the two
	// risks reported stand, counted in one line.
	e.sweepAt(shanghai8.Add(salesbot.Day))
	got = e.digests(shanghai)
	if len(got) != 2 {
		t.Fatalf("%d digests to the Shanghai manager by Thursday, want 2", len(got))
	}
	msg := text(got[1])
	mustContain(t, "Thursday's digest", msg, "Sales digest — Thu 18 Jun · :sunny: Quiet day: nothing changed since Wed 17 Jun 08:00", "standing risks: 2")
	mustNotContain(t, "Thursday's digest", msg, "Fresh Foods", "Up (", "Down (")
}

func one(c salesbot.Change, err error) (salesbot.Update, error) {
	return salesbot.Update{Changes: []salesbot.Change{c}}, err
}

// TestDigestQuietDay: with nothing done and nothing slipping, the digest
// says so in one line.
func TestDigestQuietDay(t *testing.T) {
	at := time.Date(2026, 6, 17, 6, 0, 0, 0, time.UTC) // Wednesday 08:00 in Berlin
	e := newEnv(t, at, options{digest: "0 8 * * 1-5", managers: []string{berlin}})
	e.user(berlin, berlinZ)
	// A C lead: an A or B without an economic buyer is a risk from the
	// lead stage on (DOMAIN.md §3), which a quiet day still reports.
	e.lead(rep, "Calm Corp", salesbot.GradeC, at.Add(-3*salesbot.Day))
	e.race(2)
	got := e.digests(berlin)
	if len(got) != 1 {
		t.Fatalf("%d digests, want 1", len(got))
	}
	msg := text(got[0])
	mustContain(t, "quiet digest", msg, ":sunny: Quiet day: nothing changed since", "open leads: 1")
	if blocks := strings.Count(msg, `"type":"section"`); blocks != 1 || strings.Contains(msg, `"type":"header"`) {
		t.Errorf("a quiet digest of %d sections, want one line:\n%s", blocks, msg)
	}
}

// TestDigestOnDaylightSavingDays: a digest at 02:30 Berlin time goes out
// once on the day 02:30 does not exist and once on the day it comes twice.
func TestDigestOnDaylightSavingDays(t *testing.T) {
	for _, tc := range []struct {
		name     string
		midnight time.Time // local midnight starting the day
		want     time.Time // the one send
	}{
		// 02:00 CET jumps to 03:00 CEST: the first sweep after is at 03:00.
		{"spring forward", time.Date(2027, 3, 28, 0, 0, 0, 0, berlinZ), time.Date(2027, 3, 28, 1, 0, 0, 0, time.UTC)},
		// 03:00 CEST falls back to 02:00 CET: 02:30 comes at 00:30 and 01:30 UTC.
		{"fall back", time.Date(2026, 10, 25, 0, 0, 0, 0, berlinZ), time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.midnight, options{digest: "30 2 * * *"})
			e.user(berlin, berlinZ)
			if err := e.store.AddManager(e.ctx, e.team, berlin); err != nil {
				t.Fatal(err)
			}
			end := time.Date(tc.midnight.Year(), tc.midnight.Month(), tc.midnight.Day(), 23, 50, 0, 0, berlinZ)
			sent := e.sweepEvery(tc.midnight, end, 10*time.Minute, berlin)
			if len(sent) != 1 || !sent[0].Equal(tc.want) {
				t.Fatalf("digests at %v, want one at %v", sent, tc.want)
			}
			// The next day has its own.
			next := time.Date(tc.midnight.Year(), tc.midnight.Month(), tc.midnight.Day()+1, 2, 30, 0, 0, berlinZ)
			e.sweepAt(next)
			if n := len(e.digests(berlin)); n != 2 {
				t.Errorf("%d digests by the next day's 02:30, want 2", n)
			}
		})
	}
}

// TestMissedDigestSentOnReturn: a bot down from 07:00 to 11:00 sends the
// morning's digest once when it is back, the same day.
func TestMissedDigestSentOnReturn(t *testing.T) {
	day := func(d, h, m int) time.Time { return time.Date(2026, 6, d, h, m, 0, 0, berlinZ) }
	e := newEnv(t, day(17, 6, 59), options{digest: "0 8 * * 1-5"})
	e.user(berlin, berlinZ)
	if err := e.store.AddManager(e.ctx, e.team, berlin); err != nil {
		t.Fatal(err)
	}
	e.user(rep, time.UTC)
	early := e.lead(rep, "Early Co", salesbot.GradeC, day(10, 9, 0))
	later := e.lead(rep, "Later Co", salesbot.GradeC, day(10, 9, 0))
	e.sweepAt(day(17, 6, 59))
	// Down until 11:00; meanwhile, at 09:00, a visit was logged.
	e.visit(early, day(17, 9, 0), berlinZ, salesbot.KindVisit, "while the bot was down")
	e.sweepAt(day(17, 11, 0))
	got := e.digests(berlin)
	if len(got) != 1 {
		t.Fatalf("%d digests when back at 11:00, want 1", len(got))
	}
	mustContain(t, "late digest", text(got[0]), "Sales digest — Wed 17 Jun", "visits: 1")
	e.visit(later, day(17, 14, 0), berlinZ, salesbot.KindCall, "after the digest")
	for _, at := range []time.Time{day(17, 11, 1), day(17, 15, 0), day(17, 23, 59), day(18, 7, 59)} {
		e.sweepAt(at)
	}
	if n := len(e.digests(berlin)); n != 1 {
		t.Fatalf("%d digests by Thursday 07:59, want 1", n)
	}
	// Thursday's covers what came since Wednesday's, not the day before it.
	e.sweepAt(day(18, 8, 0))
	got = e.digests(berlin)
	if len(got) != 2 {
		t.Fatalf("%d digests by Thursday 08:00, want 2", len(got))
	}
	// (The visits are counted: one since Wednesday's, not two.)
	mustContain(t, "Thursday's digest", text(got[1]), "Sales digest — Thu 18 Jun", "since Wed 17 Jun 11:00", "visits: 1")
}

// TestFailedDigestRetried: a digest Slack did not take is sent on a later
// sweep, once.
func TestFailedDigestRetried(t *testing.T) {
	at := time.Date(2026, 6, 17, 6, 0, 0, 0, time.UTC) // Wednesday 08:00 in Berlin
	e := newEnv(t, at, options{digest: "0 8 * * 1-5", managers: []string{berlin}})
	e.user(berlin, berlinZ)
	e.slack.StatusNext("chat.postMessage", 500)
	e.sweep(e.a)
	if tries := e.tries(berlin); len(tries) != 1 || tries[0].Failed != "http 500" {
		t.Fatalf("want one failed try, got:\n%s", texts(tries))
	}
	e.clock.Set(at.Add(time.Minute))
	e.race(3)
	e.sweepAt(at.Add(time.Hour))
	if n := len(e.digests(berlin)); n != 1 {
		t.Fatalf("%d digests after the failure, want 1", n)
	}
	if got := e.counter("salesbot_digests_sent_total"); got != 1 {
		t.Errorf("digest metric %v, want 1", got)
	}
}

// TestTouchedWhileClaimed: a visit logged between a sweep's claim and its
// send moves the follow-up; the sweep sends nothing and leaves it queued at
// its new time.
func TestTouchedWhileClaimed(t *testing.T) {
	e := newEnv(t, tue10, options{})
	e.user(rep, time.UTC)
	id := e.dueLead(rep, "Tyrell", tue10)
	var once sync.Once
	e.sched.claimed = func() {
		once.Do(func() { e.visit(id, tue10, time.UTC, salesbot.KindCall, "called just now") })
	}
	e.sweepAt(tue10)
	e.wantPosts(rep, 0, "sweep that raced a visit")
	e.wantIndexed(id, tue10.Add(cadence[salesbot.GradeC]))
	e.sweepAt(tue10.Add(cadence[salesbot.GradeC]))
	e.wantPosts(rep, 1, "when the next follow-up falls due")
}

// TestRestartBetweenClaimAndSend: a replica that claimed a follow-up and
// died holds it only until its lease runs out; then another sends it, once.
// Leases run on Redis's clock, not the sweepers': this one is a second of
// real time, whatever the sweepers' clocks say meanwhile.
func TestRestartBetweenClaimAndSend(t *testing.T) {
	lease := time.Second
	e := newEnv(t, tue10, options{lease: lease})
	e.user(rep, time.UTC)
	id := e.dueLead(rep, "Massive Dynamic", tue10)

	claimed := time.Now()
	claims, _, err := e.store.ClaimDue(e.ctx, e.team, "dead-replica", tue10, lease, 10)
	if err != nil || len(claims) != 1 || claims[0].LeadID != id {
		t.Fatalf("ClaimDue = %+v, %v; want the one lead", claims, err)
	}
	// The replica dies here. The others sweep while its lease holds, even
	// with clocks running hours ahead.
	for _, d := range []time.Duration{0, 30 * time.Second, time.Hour} {
		e.sweepAt(tue10.Add(d))
	}
	if n := len(e.tries(rep)); n != 0 {
		t.Fatalf("sent %d times while the dead replica's lease held", n)
	}
	time.Sleep(time.Until(claimed.Add(lease + 100*time.Millisecond)))

	// The lease runs out; a live replica takes the follow-up over. Should
	// the "dead" one wake up then and ack, its lease is gone: its ack must
	// change nothing, and the live one's send and ack go on.
	lateAck := func() {
		held, err := e.store.AckReminder(e.ctx, claims[0], func(l *salesbot.Lead) error {
			l.MarkReminded(time.Time{})
			return nil
		})
		if err != nil || held {
			t.Errorf("late ack = %v, %v; want not held", held, err)
		}
	}
	var once sync.Once
	e.sched.claimed = func() { once.Do(lateAck) }
	e.clock.Set(tue10.Add(time.Hour + time.Second))
	e.race(3)
	mustContain(t, "recovered reminder", text(e.wantPosts(rep, 1, "after the lease")[0]), "Massive Dynamic")
	e.sweepAt(tue10.Add(2 * time.Hour))
	e.wantPosts(rep, 1, "later")
	e.wantIndexed(id, time.Time{})
	if l := e.get(id); !l.RemindedDue.Equal(tue10) {
		t.Errorf("reminded due %v, want %v", l.RemindedDue, tue10)
	}
	if got := e.counter("salesbot_reminders_possible_duplicates_total"); got != 1 {
		t.Errorf("possible duplicates %v, want 1 (the recovered lease)", got)
	}
	lateAck() // after the live replica's ack, too
}

// TestFollowupsMostOverdueFirst: /followups lists what is due by the end of
// the caller's day, most overdue first.
func TestFollowupsMostOverdueFirst(t *testing.T) {
	e := newEnv(t, tue10, options{})
	e.user(rep, time.UTC)
	e.dueLead(rep, "Two Days Late", tue10.Add(-2*salesbot.Day))
	e.dueLead(rep, "Ten Days Late", tue10.Add(-10*salesbot.Day))
	e.dueLead(rep, "Due Tonight", tue10.Add(8*time.Hour))
	e.dueLead(rep, "Five Days Late", tue10.Add(-5*salesbot.Day))
	e.dueLead(rep, "Next Week", tue10.Add(7*salesbot.Day))
	e.dueLead(rep2, "Someone Elses", tue10.Add(-20*salesbot.Day))

	msg := e.h.Command(e.ctx, slack.SlashCommand{TeamID: e.team, UserID: rep, ChannelID: "C0SALES", Command: "/followups"})
	if msg == nil {
		t.Fatal("no reply")
	}
	b, _ := json.Marshal(msg.Blocks)
	got := msg.Text + "\n" + string(b)
	mustContain(t, "/followups", got, "4 follow-ups due", "overdue by 10 days")
	mustNotContain(t, "/followups", got, "Next Week", "Someone Elses")
	order := []string{"Ten Days Late", "Five Days Late", "Two Days Late", "Due Tonight"}
	last := -1
	for _, c := range order {
		i := strings.Index(got, c)
		if i < 0 || i < last {
			t.Fatalf("want %v in that order in:\n%s", order, got)
		}
		last = i
	}
}

// TestLongReminderRetriedWithoutDuplicates: a rep with more due follow-ups
// than one message holds gets several messages; when a later one fails,
// the retry must not send the earlier ones again.
func TestLongReminderRetriedWithoutDuplicates(t *testing.T) {
	e := newEnv(t, tue10, options{})
	e.user(rep, time.UTC)
	ids := make([]string, 13)
	for i := range ids {
		ids[i] = e.dueLead(rep, fmt.Sprintf("Backlog Co %02d", i), tue10.Add(-time.Duration(i)*time.Minute))
	}
	posts := 0
	e.slack.OnCall(func(c fakeslack.Call) {
		if c.Method == "chat.postMessage" {
			if posts++; posts == 2 {
				e.slack.StatusNext("chat.postMessage", 500)
			}
		}
	})
	e.sweepAt(tue10)
	if tries := e.tries(rep); len(tries) < 2 || tries[1].Failed == "" {
		t.Fatalf("want the second message to fail, got:\n%s", texts(tries))
	}
	e.sweepAt(tue10.Add(time.Minute))
	e.sweepAt(tue10.Add(time.Hour))
	for _, id := range ids {
		n := 0
		for _, c := range e.posts(rep) {
			n += strings.Count(c.Param("blocks"), id+"|7")
		}
		if n != 1 {
			t.Errorf("lead %s reminded %d times, want once", id, n)
		}
	}
}

// TestUndeliverableManagerGivenUp: a manager Slack cannot reach
// (deactivated) is not retried on every sweep all day, as an undeliverable
// rep's reminders are not.
func TestUndeliverableManagerGivenUp(t *testing.T) {
	at := time.Date(2026, 6, 17, 6, 0, 0, 0, time.UTC) // Wednesday 08:00 in Berlin
	e := newEnv(t, at, options{digest: "0 8 * * 1-5", managers: []string{berlin}})
	e.user(berlin, berlinZ)
	e.slack.OnCall(func(c fakeslack.Call) {
		if c.Method == "chat.postMessage" && c.Param("channel") == berlin {
			e.slack.FailNext("chat.postMessage", "user_disabled")
		}
	})
	e.sweepEvery(at, at.Add(time.Hour), time.Minute, berlin)
	if n := len(e.tries(berlin)); n != 1 {
		t.Errorf("%d tries to send a deactivated manager the digest in an hour of sweeps, want 1", n)
	}
}
