package scheduler_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"salesbot"
	"salesbot/internal/fakeslack"
	"salesbot/scheduler"
)

// withPrefs is a third replica that reads each person's notification
// choices (the env's two have none, and everyone the defaults).
func (e *env) withPrefs() *scheduler.Scheduler {
	e.t.Helper()
	s, err := scheduler.New(scheduler.Config{
		Store: e.sched, Notifier: e.notes, People: e.people, Digests: e.svc, Teams: e.svc, Reminders: e.svc,
		Prefs: e.svc, Digest: "0 8 * * 1-5", Now: e.clock.Now,
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

// economicBuyer records (or, with none, removes) a lead's economic buyer,
// met in depth: the one risk of a B lead registered just now.
func (e *env) economicBuyer(id string, present bool, at time.Time) {
	e.t.Helper()
	l := e.change(id, func(l *salesbot.Lead) (salesbot.Update, error) {
		if !present {
			l.Stakeholders = nil
			return salesbot.Update{}, nil
		}
		return one(l.SetStakeholder(salesbot.Actor{User: l.Owner}, salesbot.Stakeholder{Name: "Wang", Role: salesbot.RoleEconomicBuyer,
			Influence: salesbot.InfluenceHigh, Support: 1, ContactDepth: salesbot.DepthDeep, LastMet: at}, at))
	})
	if risks := salesbot.Risks(l, at, cadence); present && len(risks) != 0 {
		e.t.Fatalf("%s still has risks: %+v", l.Company, risks)
	}
}

// TestDigestExceptionsThreeDays: Wednesday's digest names the risk new on
// a B lead; Thursday's, nothing having changed, is one line counting it as
// standing; once fixed, Friday's says it is resolved; Monday's is quiet
// with nothing standing.
func TestDigestExceptionsThreeDays(t *testing.T) {
	wed := time.Date(2026, 6, 17, 8, 0, 0, 0, berlinZ)
	e := newEnv(t, wed.Add(-time.Hour), options{digest: "0 8 * * 1-5", managers: []string{berlin}})
	e.user(berlin, berlinZ)
	e.user(rep, time.UTC)
	acme := e.lead(rep, "Acme", salesbot.GradeB, wed.Add(-2*salesbot.Day))

	e.sweepAt(wed)
	got := e.digests(berlin)
	if len(got) != 1 {
		t.Fatalf("%d digests on Wednesday", len(got))
	}
	mustContain(t, "Wednesday", text(got[0]), "<@"+rep+">", "New risks (1)", "*Acme* (B): No economic buyer", `"action_id":"risk_fix:0"`)

	e.sweepAt(wed.Add(salesbot.Day))
	got = e.digests(berlin)
	if len(got) != 2 {
		t.Fatalf("%d digests by Thursday", len(got))
	}
	mustContain(t, "Thursday", text(got[1]), "Quiet day", "standing risks: 1")
	mustNotContain(t, "Thursday", text(got[1]), "Acme", "New risks")

	e.economicBuyer(acme, true, wed.Add(salesbot.Day+time.Hour))
	e.sweepAt(wed.Add(2 * salesbot.Day))
	got = e.digests(berlin)
	if len(got) != 3 {
		t.Fatalf("%d digests by Friday", len(got))
	}
	mustContain(t, "Friday", text(got[2]), "Resolved (1): Acme — no economic buyer")
	mustNotContain(t, "Friday", text(got[2]), "Quiet day", "New risks", "Show all")

	e.sweepAt(wed.Add(5 * salesbot.Day))
	got = e.digests(berlin)
	if len(got) != 4 {
		t.Fatalf("%d digests by Monday", len(got))
	}
	mustContain(t, "Monday", text(got[3]), "Quiet day", "standing risks: 0")
}

// TestDigestSkippedOnQuietDay: a manager who chose so gets no digest on a
// quiet day; the day still counts as sent, so that the next digest starts
// there, and it still reports only what is new.
func TestDigestSkippedOnQuietDay(t *testing.T) {
	wed := time.Date(2026, 6, 17, 8, 0, 0, 0, berlinZ)
	e := newEnv(t, wed.Add(-time.Hour), options{digest: "0 8 * * 1-5", managers: []string{berlin}})
	e.user(berlin, berlinZ)
	e.user(rep, time.UTC)
	if _, err := e.svc.SetNotifyPrefs(e.ctx, e.team, salesbot.Actor{User: berlin, Manager: true, Zone: berlinZ},
		salesbot.NotifyPrefs{Mode: salesbot.NotifyBatch, BatchHour: salesbot.DayStart, SkipEmptyDigest: true}, wed); err != nil {
		t.Fatal(err)
	}
	s := e.withPrefs()
	e.lead(rep, "Calm Corp", salesbot.GradeC, wed.Add(-3*salesbot.Day))
	for _, at := range []time.Time{wed, wed.Add(time.Hour)} {
		e.clock.Set(at)
		e.sweep(s)
	}
	if got := e.digests(berlin); len(got) != 0 {
		t.Fatalf("a quiet digest sent to a manager who chose not to have it:\n%s", texts(got))
	}
	// Thursday: a B lead registered; the digest reaches back to
	// Wednesday's, which was skipped, not to Tuesday.
	e.lead(rep, "Busy Co", salesbot.GradeB, wed.Add(10*time.Hour))
	e.clock.Set(wed.Add(salesbot.Day))
	e.sweep(s)
	got := e.digests(berlin)
	if len(got) != 1 {
		t.Fatalf("%d digests on Thursday, want 1", len(got))
	}
	mustContain(t, "Thursday", text(got[0]), "Changes since Wed 17 Jun 08:00", "new leads: 1", "*Busy Co* (B)")
	// Without the choice, a quiet day is one line.
	e.sweepAt(wed.Add(2 * salesbot.Day))
	if n := len(e.digests(berlin)); n != 2 {
		t.Fatalf("%d digests by Friday from replicas without the choice, want 2", n)
	}
}

// TestDigestOfEightRepsOnAQuietDay: a manager of 8 reps, each with a risk
// reported before, gets one line on a day when nothing changed.
func TestDigestOfEightRepsOnAQuietDay(t *testing.T) {
	wed := time.Date(2026, 6, 17, 8, 0, 0, 0, berlinZ)
	e := newEnv(t, wed.Add(-time.Hour), options{digest: "0 8 * * 1-5", managers: []string{berlin}})
	e.user(berlin, berlinZ)
	for i := range 8 {
		r := fmt.Sprintf("U0REP%d", i)
		e.user(r, time.UTC)
		e.lead(r, fmt.Sprintf("Lead %d", i), salesbot.GradeB, wed.Add(-2*salesbot.Day))
		e.lead(r, fmt.Sprintf("Calm %d", i), salesbot.GradeC, wed.Add(-2*salesbot.Day))
	}
	e.sweepAt(wed)
	e.sweepAt(wed.Add(salesbot.Day))
	got := e.digests(berlin)
	if len(got) != 2 {
		t.Fatalf("%d digests, want 2", len(got))
	}
	mustContain(t, "Wednesday", text(got[0]), "<@U0REP0>", "<@U0REP7>")
	quiet := text(got[1])
	mustContain(t, "Thursday", quiet, "Quiet day", "open leads: 16", "standing risks: 8")
	if n := strings.Count(quiet, `"type":`); n != 2 { // one section and its text, nothing else
		t.Errorf("the quiet digest of 8 reps has %d typed parts, want a section of one text:\n%s", n, quiet)
	}
	if lines := strings.Count(got[1].Param("text"), "\n") + 1; lines > 1 {
		t.Errorf("the quiet digest is %d lines", lines)
	}
}

// riskNews returns the risk news Slack accepted for rep.
func (e *env) riskNews(rep string) []fakeslack.Call {
	var out []fakeslack.Call
	for _, c := range e.posts(rep) {
		if strings.HasPrefix(c.Param("text"), "New risks on your leads") {
			out = append(out, c)
		}
	}
	return out
}

// TestRiskNewsToldOnce: a risk new on a rep's B lead reaches the rep once,
// at the start of their working day, with the button fixing it, even with
// two replicas racing; not again the next days while it stands; once it is
// fixed and comes back, it is told again. A day off holds it back.
func TestRiskNewsToldOnce(t *testing.T) {
	wed := time.Date(2026, 6, 17, 9, 0, 0, 0, time.UTC) // 09:00, the start of the rep's day
	e := newEnv(t, wed.Add(-time.Hour), options{digest: "0 8 * * 1-5"})
	e.user(rep, time.UTC)
	acme := e.lead(rep, "Acme", salesbot.GradeB, wed.Add(-2*salesbot.Day))
	e.lead(rep, "Calm Corp", salesbot.GradeC, wed.Add(-2*salesbot.Day)) // C: not told of

	e.sweepAt(wed.Add(-time.Minute))
	if n := len(e.riskNews(rep)); n != 0 {
		t.Fatalf("%d risk news before the rep's day starts", n)
	}
	e.clock.Set(wed)
	e.race(3)
	got := e.riskNews(rep)
	if len(got) != 1 {
		t.Fatalf("%d risk news at 09:00, want 1:\n%s", len(got), texts(got))
	}
	mustContain(t, "risk news", text(got[0]), "New risks on your leads (1)", "*Acme* (B): No economic buyer", `"action_id":"risk_fix:0"`)
	mustNotContain(t, "risk news", text(got[0]), "Calm Corp")
	for _, at := range []time.Time{wed.Add(time.Hour), wed.Add(8 * time.Hour), wed.Add(salesbot.Day), wed.Add(salesbot.Day + 3*time.Hour)} {
		e.sweepAt(at)
	}
	if n := len(e.riskNews(rep)); n != 1 {
		t.Fatalf("%d risk news by Thursday, want still 1", n)
	}

	// Fixed on Thursday: Friday's round forgets it; it comes back on
	// Friday afternoon: told on Monday (not on the weekend).
	e.economicBuyer(acme, true, wed.Add(salesbot.Day+4*time.Hour))
	e.sweepAt(wed.Add(2 * salesbot.Day))
	e.economicBuyer(acme, false, wed.Add(2*salesbot.Day+5*time.Hour))
	// Monday 22 June is a day off.
	if _, err := e.svc.SetNotifyPrefs(e.ctx, e.team, salesbot.Actor{User: rep}, salesbot.NotifyPrefs{Mode: salesbot.NotifyBatch, BatchHour: salesbot.DayStart,
		DaysOff: []salesbot.DateSpan{{From: salesbot.DateOf(wed.Add(5 * salesbot.Day)), To: salesbot.DateOf(wed.Add(5 * salesbot.Day))}}}, wed.Add(2*salesbot.Day)); err != nil {
		t.Fatal(err)
	}
	for _, at := range []time.Time{wed.Add(3 * salesbot.Day), wed.Add(4 * salesbot.Day), wed.Add(5 * salesbot.Day), wed.Add(5*salesbot.Day + 5*time.Hour)} {
		e.sweepAt(at)
	}
	if n := len(e.riskNews(rep)); n != 1 {
		t.Fatalf("%d risk news by Monday (a weekend, then a day off), want still 1", n)
	}
	e.sweepAt(wed.Add(6 * salesbot.Day))
	got = e.riskNews(rep)
	if len(got) != 2 {
		t.Fatalf("%d risk news by Tuesday, want 2: the risk came back", len(got))
	}
	mustContain(t, "the risk back", text(got[1]), "*Acme* (B): No economic buyer")
}
