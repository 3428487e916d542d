package bot_test

import (
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"salesbot/directory"
	"salesbot/scheduler"
	"salesbot/service"
)

// TestInboundRaisedAfterAWorkingDay: an inquiry still unassigned a working
// day after it came in is raised to every manager again, once, though two
// replicas sweep; not before; once more the next working day; and the
// raised copies are redrawn with the rest once it is assigned.
func TestInboundRaisedAfterAWorkingDay(t *testing.T) {
	h := inboundHarness(t)
	id := inquiryOf(t, h, "/lead inbound Acme 来电 wants a quote", "Acme")
	loc := shanghai(t)
	clock := time.Date(2026, 11, 24, 9, 59, 0, 0, loc) // Tuesday, a minute before a working day has passed
	api := slack.New("xoxb-test", slack.OptionAPIURL(h.slack.APIURL()))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := service.New(service.Config{Store: h.store, Logger: log, Managers: []string{manager}, Team: h.team})
	replica := func() *scheduler.Scheduler {
		s, err := scheduler.New(scheduler.Config{Store: h.store, Notifier: h.h, People: directory.New(api, func() time.Time { return clock }),
			Digests: svc, Teams: svc, Reminders: svc, Reviews: svc, Now: func() time.Time { return clock }, Logger: log})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	a, b := replica(), replica()
	sweep := func() {
		t.Helper()
		for _, s := range []*scheduler.Scheduler{a, b} {
			if err := s.SweepTeam(t.Context(), h.team); err != nil {
				t.Fatalf("sweep: %v", err)
			}
		}
		h.h.Wait()
	}
	raised := func() []string {
		var to []string
		for _, c := range h.slack.Calls("chat.postMessage") {
			if strings.Contains(readable(c), "Still unassigned: Acme*") {
				to = append(to, c.Param("channel"))
			}
		}
		slices.Sort(to)
		return to
	}

	sweep()
	if got := raised(); len(got) != 0 {
		t.Fatalf("raised before a working day had passed: %v", got)
	}
	clock = time.Date(2026, 11, 24, 10, 30, 0, 0, loc)
	sweep()
	sweep()
	if got := raised(); !slices.Equal(got, []string{lead1, manager}) {
		t.Fatalf("raised to %v; want each manager once", got)
	}
	c := postedTo(h, "Still unassigned: Acme*")[manager]
	mustContain(t, "the raise", readable(c), "has waited since Mon 23 Nov 10:00", "<@"+desk+">", "wants a quote", "Assign…", "Take it")
	checkBlocks(t, "the raise", c)
	// Tuesday afternoon: not again; Wednesday morning, after another working day: again.
	clock = time.Date(2026, 11, 24, 17, 0, 0, 0, loc)
	sweep()
	if got := raised(); len(got) != 2 {
		t.Fatalf("raised again the same day: %v", got)
	}
	clock = time.Date(2026, 11, 25, 10, 31, 0, 0, loc)
	sweep()
	if got := raised(); len(got) != 4 {
		t.Fatalf("after a second working day raised %d times; want 4 (twice to each)", len(got))
	}
	if q, _ := h.store.Inquiry(t.Context(), h.team, id); q.Raised != 2 {
		t.Errorf("raised %d times", q.Raised)
	}

	// Taken: the first copies and the raised ones are all redrawn; no more raises.
	h.click(manager, "inbound_take", id)
	if n := len(updated(h, "taken by <@"+manager+">")); n != 2 {
		t.Errorf("copies redrawn in %d channels", n)
	}
	redraws := 0
	for _, c := range h.slack.Calls("chat.update") {
		if strings.Contains(readable(c), "taken by <@"+manager+">") {
			redraws++
		}
	}
	if redraws != 6 {
		t.Errorf("%d copies redrawn; want 6 (the first two and two raises of two)", redraws)
	}
	clock = time.Date(2026, 11, 26, 11, 0, 0, 0, loc)
	sweep()
	if got := raised(); len(got) != 4 {
		t.Errorf("raised after it was taken: %v", got)
	}
}

// TestInboundRoundTrips: recording an inquiry is answered within the
// Redis round trips every command keeps to; the list too.
func TestInboundRoundTrips(t *testing.T) {
	h := inboundHarness(t)
	h.command(desk, "/lead inbound Warmup") // loads the script once
	h.h.Wait()
	for _, c := range []struct{ user, line string }{
		{desk, "/lead inbound Acme 来电 wants a quote"},
		{desk, "/lead inbound acme again"},
		{manager, "/lead inbound list"},
	} {
		h.command(c.user, c.line)
		trips := h.trips.Load()
		h.h.Wait()
		if n := trips.Count(); n > maxRoundTrips {
			t.Errorf("%s: %d Redis round trips, want at most %d: %s", c.line, n, maxRoundTrips, strings.Join(trips.Names(), " "))
		} else {
			t.Logf("%s: %d: %s", c.line, n, strings.Join(trips.Names(), " "))
		}
	}
}

// TestInboundAssignRoundTrips measures the assign form's submission, which
// does its work before the modal closes.
func TestInboundAssignRoundTrips(t *testing.T) {
	h := inboundHarness(t)
	for _, company := range []string{"Warmup", "Acme"} {
		id := inquiryOf(t, h, "/lead inbound "+company, company)
		status, body := h.submitMeta(manager, "inquiry_assign", `{"c":"C0SALES","l":"`+id+`"}`, map[string]slack.BlockAction{"rep": {SelectedUser: rep}})
		if status != 200 || len(body) != 0 {
			t.Fatalf("assign: %d %s", status, body)
		}
	}
	trips := h.trips.Load()
	t.Logf("the assign form: %d: %s", trips.Count(), strings.Join(trips.Names(), " "))
	if n := trips.Count(); n > maxRoundTrips+2 {
		t.Errorf("the assign form: %d Redis round trips, want at most %d", n, maxRoundTrips+2)
	}
}

// TestInboundTwoManagersAtOnce: two managers press Take it at the same
// moment; one gets the lead, the other is told who did.
func TestInboundTwoManagersAtOnce(t *testing.T) {
	h := inboundHarness(t)
	id := inquiryOf(t, h, "/lead inbound Acme", "Acme")
	done := make(chan struct{})
	for _, m := range []string{manager, lead1} {
		go func() {
			defer func() { done <- struct{}{} }()
			cb := slack.InteractionCallback{Type: slack.InteractionTypeBlockActions, User: slack.User{ID: m},
				ResponseURL: h.slack.ResponseURL("take-" + m)}
			cb.ActionCallback.BlockActions = []*slack.BlockAction{{ActionID: "inbound_take", Value: id}}
			h.interact(cb)
		}()
	}
	<-done
	<-done
	h.h.Wait()
	names, err := h.store.LeadNames(t.Context(), h.team)
	if err != nil || len(names) != 1 {
		t.Fatalf("leads: %v, %v; want Acme once", names, err)
	}
	owner := h.lead("Acme").Owner
	var took, told int
	for _, c := range h.slack.Calls("response") {
		switch s := readable(c); {
		case strings.Contains(s, "You took the inquiry from *Acme*"):
			took++
		case strings.Contains(s, "already taken by <@"+owner+">"):
			told++
		}
	}
	if took != 1 || told != 1 {
		t.Errorf("%d took it, %d were told who did; want one each", took, told)
	}
	if to := sortedKeys(updated(h, "taken by <@"+owner+">")); !slices.Equal(to, []string{"D0LEAD1", "D0MANAGER"}) {
		t.Errorf("copies redrawn in %v", to)
	}
}
