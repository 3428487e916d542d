package scheduler_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"salesbot"
	"salesbot/internal/fakeslack"
)

// mgr is the test team's manager, in UTC.
const mgr = "U0MGRUTC"

// aLead makes an A lead of rep's falling due at due (its last visit a
// cadence before).
func (e *env) aLead(owner, company string, due time.Time) string {
	e.t.Helper()
	last := due.Add(-cadence[salesbot.GradeA])
	id := e.lead(owner, company, salesbot.GradeA, last.Add(-15*salesbot.Day))
	if l := e.visit(id, last, time.UTC, salesbot.KindVisit, "checked in"); !l.Due.Equal(due) {
		e.t.Fatalf("%s falls due at %v; want %v", company, l.Due, due)
	}
	return id
}

// escalations lists the lead's ladder steps kept in its history, oldest
// first.
func (e *env) escalations(id string) []string {
	e.t.Helper()
	hist, err := e.store.History(e.ctx, e.team, id, 100)
	if err != nil {
		e.t.Fatal(err)
	}
	var steps []string
	for _, c := range slices.Backward(hist) {
		if c.Kind == salesbot.ChangeEscalated {
			steps = append(steps, c.To)
		}
	}
	return steps
}

// escalated lists the escalations sent to manager (not their digests).
func (e *env) escalated(manager string) []fakeslack.Call {
	var out []fakeslack.Call
	for _, c := range e.posts(manager) {
		if strings.HasPrefix(c.Param("text"), "Escalated:") {
			out = append(out, c)
		}
	}
	return out
}

// wantCounts fails unless rep and manager have had the numbers of messages
// given.
func (e *env) wantCounts(when string, owner string, toOwner int, manager string, toManager int) {
	e.t.Helper()
	if n := len(e.followUps(owner)); n != toOwner {
		e.t.Errorf("%s: %d messages to the owner, want %d:\n%s", when, n, toOwner, texts(e.followUps(owner)))
	}
	if n := len(e.escalated(manager)); n != toManager {
		e.t.Errorf("%s: %d escalations to the manager, want %d:\n%s", when, n, toManager, texts(e.escalated(manager)))
	}
}

// followUps are the owner's reminders and nudges: the messages to them
// other than the risk news (told once a day, apart from the ladder).
func (e *env) followUps(owner string) []fakeslack.Call {
	var out []fakeslack.Call
	for _, c := range e.posts(owner) {
		if !strings.Contains(c.Text(), "New risks on your leads") {
			out = append(out, c)
		}
	}
	return out
}

// TestLadderClimbsOnce: an A follow-up nobody acts on is reminded, nudged
// once a day later (half of A=2d) and reaches the manager two days after
// the reminder, each step once although two replicas sweep every hour and
// one of them is restarted in between; each step is in the lead's history
// and the team's activity.
func TestLadderClimbsOnce(t *testing.T) {
	e := newEnv(t, tue10, options{managers: []string{mgr}})
	e.user(rep, time.UTC)
	e.user(mgr, time.UTC)
	id := e.aLead(rep, "Acme Industrial", tue10)

	e.sweepAt(tue10)
	e.wantCounts("the reminder", rep, 1, mgr, 0)
	if l := e.get(id); !l.RemindedAt.Equal(tue10) || !l.ClimbAt.Equal(tue10.Add(salesbot.Day)) {
		t.Errorf("after the reminder: reminded at %v, next step at %v; want %v and a day later", l.RemindedAt, l.ClimbAt, tue10)
	}
	for at := tue10.Add(time.Hour); at.Before(tue10.Add(salesbot.Day)); at = at.Add(time.Hour) {
		e.sweepAt(at)
	}
	e.wantCounts("before the nudge", rep, 1, mgr, 0)

	// A restart between the steps: the ladder is in Redis.
	e.a = e.restart()
	for at := tue10.Add(salesbot.Day); at.Before(tue10.Add(2 * salesbot.Day)); at = at.Add(time.Hour) {
		e.race(1)
		e.sweepAt(at)
	}
	e.wantCounts("after the nudge", rep, 2, mgr, 0)
	mustContain(t, "nudge", text(e.followUps(rep)[1]), "Second reminder", "Acme Industrial")
	if got := e.escalations(id); !slices.Equal(got, []string{"nudged"}) {
		t.Errorf("history's steps after the nudge: %v", got)
	}

	e.b = e.restart()
	for at := tue10.Add(2 * salesbot.Day); at.Before(tue10.Add(5 * salesbot.Day)); at = at.Add(time.Hour) {
		e.sweepAt(at)
	}
	e.race(2)
	e.wantCounts("after the managers' step", rep, 2, mgr, 1)
	msg := e.escalated(mgr)[0]
	mustContain(t, "escalation", text(msg), "Acme Industrial", "grade A", "<@"+rep+">", "2 days ago")
	want := []button{
		{"esc_remind", id, "Remind rep"},
		{"esc_reassign", id, "Reassign…"},
		{"esc_snooze", id + "|1", "Snooze 1 day"},
		{"esc_snooze#7", id + "|7", "Snooze 1 week"},
	}
	if b := buttons(t, msg); !slices.Equal(b, want) {
		t.Errorf("escalation's buttons %+v, want %+v", b, want)
	}
	if got := e.escalations(id); !slices.Equal(got, []string{"nudged", "managers"}) {
		t.Errorf("history's steps: %v; want nudged, managers", got)
	}
	e.wantIndexed(id, time.Time{}) // the top of the ladder: nothing more
	act, err := e.store.Activity(e.ctx, e.team, tue10.Add(-time.Hour), tue10.Add(6*salesbot.Day))
	if err != nil {
		t.Fatal(err)
	}
	var steps []string
	for _, c := range act {
		if c.Kind == salesbot.ChangeEscalated && c.LeadID == id {
			steps = append(steps, c.To)
		}
	}
	if !slices.Equal(steps, []string{"nudged", "managers"}) {
		t.Errorf("activity's steps: %v; want nudged, managers", steps)
	}
}

// TestLadderStoppedByAction: a visit (the due time moves: a new ladder), a
// snooze or a regrade after the reminder stops the climb.
func TestLadderStoppedByAction(t *testing.T) {
	for _, tc := range []struct {
		name string
		act  func(e *env, id string, at time.Time)
	}{
		{"visit", func(e *env, id string, at time.Time) {
			e.visit(id, at, time.UTC, salesbot.KindCall, "called back")
		}},
		{"regrade", func(e *env, id string, at time.Time) {
			e.change(id, func(l *salesbot.Lead) (salesbot.Update, error) {
				c, err := l.Regrade(salesbot.Actor{User: rep}, salesbot.GradeB, "no budget this year", at)
				return salesbot.Update{Changes: []salesbot.Change{c}}, err
			})
		}},
		{"snooze", func(e *env, id string, at time.Time) {
			if _, err := e.svc.Snooze(e.ctx, e.team, salesbot.Actor{User: rep}, id, at.Add(7*salesbot.Day), at); err != nil {
				e.t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tue10, options{managers: []string{mgr}})
			e.user(rep, time.UTC)
			e.user(mgr, time.UTC)
			id := e.aLead(rep, "Acme Industrial", tue10)
			e.sweepAt(tue10)
			tc.act(e, id, tue10.Add(2*time.Hour))
			for at := tue10.Add(3 * time.Hour); at.Before(tue10.Add(3 * salesbot.Day)); at = at.Add(3 * time.Hour) {
				e.sweepAt(at)
			}
			e.wantCounts("after "+tc.name, rep, 1, mgr, 0)
			if got := e.escalations(id); len(got) != 0 {
				t.Errorf("steps %v after a %s; want none", got, tc.name)
			}
		})
	}
}

// TestLadderHoursAndDaysOff: the managers' step waits for the manager's
// working hours on their own clock (Shanghai), then for the end of their
// days off; the owner's nudge waits for the owner's.
func TestLadderHoursAndDaysOff(t *testing.T) {
	e := newEnv(t, tue10, options{managers: []string{shanghai}, prefs: true})
	e.user(rep, time.UTC)
	e.user(shanghai, shanghaiZ)
	// Friday 19 June (Shanghai) is a day off for the manager.
	off := salesbot.NotifyPrefs{Mode: salesbot.NotifyEach, BatchHour: salesbot.DayStart,
		DaysOff: []salesbot.DateSpan{{From: salesbot.DateOf(time.Date(2026, 6, 19, 0, 0, 0, 0, time.UTC)), To: salesbot.DateOf(time.Date(2026, 6, 19, 0, 0, 0, 0, time.UTC))}}}
	if _, err := e.svc.SetNotifyPrefs(e.ctx, e.team, salesbot.Actor{User: shanghai, Manager: true}, off, tue10); err != nil {
		t.Fatal(err)
	}
	id := e.aLead(rep, "Acme Industrial", tue10)
	var sent []time.Time
	for at := tue10; at.Before(tue10.Add(7 * salesbot.Day)); at = at.Add(time.Hour) {
		before := len(e.escalated(shanghai))
		e.sweepAt(at)
		if len(e.escalated(shanghai)) > before {
			sent = append(sent, at)
		}
	}
	// Due Thu 10:00 UTC = 18:00 in Shanghai (closed); Friday is off; the
	// weekend is not a working day: Monday 09:00 Shanghai = 01:00 UTC.
	want := []time.Time{time.Date(2026, 6, 22, 1, 0, 0, 0, time.UTC)}
	if !slices.EqualFunc(sent, want, time.Time.Equal) {
		t.Errorf("escalated at %v; want %v", sent, want)
	}
	if got := e.escalations(id); !slices.Equal(got, []string{"nudged", "managers"}) {
		t.Errorf("steps %v", got)
	}
}

// TestParkedSilentThenWakes: a parked lead is neither reminded nor
// escalated; on the day it wakes it is reminded, and its ladder starts.
func TestParkedSilentThenWakes(t *testing.T) {
	e := newEnv(t, tue10, options{managers: []string{mgr}})
	e.user(rep, time.UTC)
	e.user(mgr, time.UTC)
	id := e.aLead(rep, "Acme Industrial", tue10)
	wake := salesbot.DateOf(tue10).AddDays(6) // Monday 22 June
	if _, err := e.svc.Park(e.ctx, salesbot.Actor{User: rep}, salesbot.RefTo(e.team, id), wake, "budget frozen", tue10.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	for at := tue10; at.Before(wake.In(time.UTC)); at = at.Add(2 * time.Hour) {
		e.sweepAt(at)
	}
	e.wantCounts("while parked", rep, 0, mgr, 0)
	for at := wake.In(time.UTC); at.Before(wake.In(time.UTC).Add(12 * time.Hour)); at = at.Add(time.Hour) {
		e.sweepAt(at)
	}
	e.wantCounts("woken", rep, 1, mgr, 0)
	if l := e.get(id); l.ClimbAt.IsZero() {
		t.Errorf("woken and reminded: no ladder (%+v)", l)
	}
}

// TestMorningBatchOneMessage: with the morning batch (the default choice),
// eleven follow-ups that fell due overnight go as one message at 09:00
// (more than PerMessage, which splits other reminders), and one falling due
// at 11:00 comes on its own then.
func TestMorningBatchOneMessage(t *testing.T) {
	mon7 := time.Date(2026, 6, 15, 7, 0, 0, 0, time.UTC)
	e := newEnv(t, mon7, options{prefs: true})
	e.user(rep, time.UTC)
	var ids []string
	for i := range 11 {
		ids = append(ids, e.dueLead(rep, fmt.Sprintf("Night Co %02d", i), mon7.Add(-time.Duration(i+1)*time.Hour)))
	}
	late := e.dueLead(rep, "Late Co", mon7.Add(4*time.Hour))
	e.sweepAt(mon7)
	e.sweepAt(mon7.Add(time.Hour))
	if n := len(e.posts(rep)); n != 0 {
		t.Fatalf("%d messages before the working day; want none", n)
	}
	e.sweepAt(mon7.Add(2 * time.Hour))
	posts := e.wantPosts(rep, 1, "at 09:00")
	for i, id := range ids {
		if !strings.Contains(posts[0].Param("blocks"), id+"|1") {
			t.Errorf("Night Co %02d missing from the morning message", i)
		}
	}
	if strings.Contains(posts[0].Param("blocks"), late) {
		t.Error("the 11:00 follow-up is in the morning message")
	}
	e.sweepAt(mon7.Add(3 * time.Hour))
	e.wantPosts(rep, 1, "at 10:00")
	e.sweepAt(mon7.Add(4 * time.Hour))
	posts = e.wantPosts(rep, 2, "at 11:00")
	mustContain(t, "the 11:00 follow-up", text(posts[1]), "Late Co")
}

// TestSuggestionRotatesThroughSweeps: the maintenance action a C lead's
// reminder suggests is kept when the sweep settles the reminder, so the
// next follow-up of the same lead suggests another.
func TestSuggestionRotatesThroughSweeps(t *testing.T) {
	e := newEnv(t, tue10, options{managers: []string{mgr}})
	e.user(rep, time.UTC)
	id := e.lead(rep, "Cee Maintenance", salesbot.GradeC, tue10.Add(-31*salesbot.Day))
	var seen []string
	at := tue10
	for i := range 3 {
		e.sweepAt(at)
		posts := e.posts(rep)
		if len(posts) != i+1 {
			t.Fatalf("after sweep %d: %d reminders, want %d", i+1, len(posts), i+1)
		}
		l := e.get(id)
		if l.Suggested == "" {
			t.Fatalf("reminder %d: no suggestion kept on the lead", i+1)
		}
		if !strings.Contains(posts[i].Text(), ":bulb:") {
			t.Errorf("reminder %d suggests nothing:\n%s", i+1, posts[i].Text())
		}
		if i > 0 && l.Suggested == seen[i-1] {
			t.Errorf("reminder %d suggests %q again", i+1, l.Suggested)
		}
		seen = append(seen, l.Suggested)
		// The rep touches it; its next follow-up is a cadence later.
		e.visit(id, at.Add(time.Hour), time.UTC, salesbot.KindCall, "kept in touch")
		at = at.Add(31 * salesbot.Day)
	}
}

// TestMorningIsOneMessage: a rep's morning is one message: the follow-ups
// that fell due overnight, and the risks new on their other A leads (told
// once, with the buttons fixing them); no separate risk news follows that
// day, and the next morning, with nothing new, none at all.
func TestMorningIsOneMessage(t *testing.T) {
	mon7 := time.Date(2026, 6, 15, 7, 0, 0, 0, time.UTC)
	e := newEnv(t, mon7, options{prefs: true})
	e.user(rep, time.UTC)
	due := e.dueLead(rep, "Night Co", mon7.Add(-time.Hour))
	// An A lead due next week, with the A lead's risks (no economic buyer,
	// no coach …): news, not a follow-up.
	risky := e.lead(rep, "Risky Account", salesbot.GradeA, mon7.Add(-2*salesbot.Day))
	for at := mon7; at.Before(mon7.Add(5 * time.Hour)); at = at.Add(30 * time.Minute) {
		e.sweepAt(at)
	}
	posts := e.wantPosts(rep, 1, "Monday morning")
	blocks := posts[0].Param("blocks")
	mustContain(t, "the morning message", text(posts[0]), "Night Co", "New risks on your leads", "Risky Account")
	if !strings.Contains(blocks, due+"|1") || !strings.Contains(blocks, risky+"|no-economic-buyer") {
		t.Errorf("the morning message lacks the follow-up's snooze or the risk's fix button:\n%s", blocks)
	}
	// Tuesday: nothing new, nothing due: no message.
	for at := mon7.Add(salesbot.Day); at.Before(mon7.Add(salesbot.Day + 5*time.Hour)); at = at.Add(30 * time.Minute) {
		e.sweepAt(at)
	}
	e.wantPosts(rep, 1, "Tuesday morning")
}

// TestMorningBatchesOfManyReps: three reps' morning batches held to the
// same 09:00 are more than one claim takes (Batch 5, 12 follow-ups): each
// rep still gets one message, with all their follow-ups, from one sweep of
// one replica.
func TestMorningBatchesOfManyReps(t *testing.T) {
	mon7 := time.Date(2026, 6, 15, 7, 0, 0, 0, time.UTC)
	e := newEnv(t, mon7, options{prefs: true, batch: 5})
	reps := []string{rep, rep2, "U0REPTHREE"}
	for _, r := range reps {
		e.user(r, time.UTC)
		for i := range 4 {
			e.dueLead(r, fmt.Sprintf("%s Night %d", r, i), mon7.Add(-time.Duration(i+1)*time.Hour))
		}
	}
	e.clock.Set(mon7.Add(2 * time.Hour))
	e.sweep(e.a)
	for _, r := range reps {
		posts := e.wantPosts(r, 1, r+"'s morning")
		if n := strings.Count(posts[0].Param("blocks"), `"reminder_regrade"`); n != 4 {
			t.Errorf("%s's morning message has %d follow-ups, want 4", r, n)
		}
	}
}
