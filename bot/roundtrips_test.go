package bot_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"salesbot"
)

// maxRoundTrips is the most Redis round trips a slash command may make
// before it is answered (a pipeline counts as one).
const maxRoundTrips = 3

// TestRoundTripsPerCommand sends every slash command, in the forms people
// type, and counts the Redis round trips each makes before it is answered.
// Work done after the answer (DMs to managers or owners) is not counted: it
// does not hold up the reply. The setup runs every kind of write once, so
// that Redis has the store's scripts cached (a first EVALSHA costs one more
// round trip, once per Redis server), and lists the team (the first lead of
// a team costs one more round trip, once per process).
func TestRoundTripsPerCommand(t *testing.T) {
	h := newHarness(t)
	setup := []string{
		`/lead new "Acme Industrial Co., Ltd."`,
		`/lead new Beta Logistics`,
		`/lead new Gamma Foods`,
		`/lead lost Gamma no budget`,
		`/stance Acme "Wang Li" eb high +2`,
		`/visit Acme met the CFO`,
		`/lead stage Beta demo`, // a request to the managers
	}
	for _, line := range setup {
		h.command(rep, line)
	}
	// Redis learns each script on its first use (EVALSHA, then EVAL): the
	// count below is of a server that has run the digest's once.
	h.command(manager, `/salesbot digest`)
	h.command(manager, "/lead list all") // reads a page of the read models: its script, cached
	h.h.Wait()

	for _, c := range []struct{ user, line string }{
		{rep, `/lead new Delta Motors`},
		{rep, `/lead new ACME INDUSTRIAL inc`},
		{rep, `/lead new Gamma Foods Asia`}, // a similar name is registered
		{rep, `/lead grade Acme A selection starts in January`},
		{rep, `/lead grade "Acme Industrial" B`},
		{rep, `/lead stage Acme first-visit`},
		{rep, `/lead stage Acme demo`},
		{rep, `/lead key Acme budget 2M RMB`},
		{rep, `/visit Acme 2026-11-20 met the CFO next: 2026-11-30 send the quote`},
		{rep, `/visit Acme`},
		{rep, `/stance Acme "Wang Li" eb high -1 cooler now`},
		{rep, `/stance Acme "Li Na" user low +1`},
		{rep, `/lead show Acme`},
		{rep, `/lead Acme`},
		{rep, `/lead show Bet`},
		{rep, `/lead map Acme`},
		{rep, `/lead list`},
		{manager, `/lead list all`},
		{rep, `/lead pool`},
		{rep, `/followups`},
		{manager, `/lead assign Beta <@` + other + `|other>`},
		{other, `/lead lost Beta went elsewhere`},
		{rep, `/lead won Acme`},
		{rep, `/lead show Nowhere`},
		{other, `/lead grade Acme D`},
		{rep, `/salesbot help`},
		{manager, `/salesbot managers`},
		{manager, `/salesbot digest`}, // from the read models, not the team
		{rep, `/salesbot lang zh`},
		{rep, `/salesbot lang en`},
	} {
		h.command(c.user, c.line)
		trips := h.trips.Load()
		h.h.Wait()
		most := int64(maxRoundTrips)
		if c.line == `/salesbot digest` {
			// Whom the manager leads is read first (TeamService.RepsOf),
			// for the script to read those reps only.
			most++
		}
		if n := trips.Count(); n > most {
			t.Errorf("%s: %d Redis round trips, want at most %d: %s", c.line, n, most, strings.Join(trips.Names(), " "))
		} else {
			t.Logf("%s: %d: %s", c.line, n, strings.Join(trips.Names(), " "))
		}
	}

	// The forms' submissions: the same, with the company typed whole.
	acme := h.lead("Acme Industrial")
	for _, f := range []struct {
		callback string
		values   map[string]slack.BlockAction
	}{
		{"visit", map[string]slack.BlockAction{"company": value("Acme Industrial"), "kind": option("call"), "notes": value("called IT")}},
		{"lead_grade", map[string]slack.BlockAction{"company": value("acme"), "grade": option("A")}},
		{"stance", map[string]slack.BlockAction{"company": value("Acme"), "person": value("Gavin"), "role": option("eb"), "influence": option("high"), "support": option("1")}},
	} {
		if status, body := h.submit(rep, f.callback, f.values); status != http.StatusOK || len(body) != 0 {
			t.Fatalf("%s form: status %d: %s", f.callback, status, body)
		}
		// One more than a command: the submission's de-duplication claim
		// (Slack sends every form with its view ID and hash).
		if trips := h.trips.Load(); trips.Count() > maxRoundTrips+1 {
			t.Errorf("%s form: %d Redis round trips, want at most %d: %s", f.callback, trips.Count(), maxRoundTrips+1, strings.Join(trips.Names(), " "))
		} else {
			t.Logf("%s form: %d: %s", f.callback, trips.Count(), strings.Join(trips.Names(), " "))
		}
	}
	// A button: the card's regrade menu.
	h.click(rep, "grade_set", acme.ID+"|C")
	if trips := h.trips.Load(); trips.Count() > maxRoundTrips {
		t.Errorf("regrade menu: %d Redis round trips, want at most %d: %s", trips.Count(), maxRoundTrips, strings.Join(trips.Names(), " "))
	} else {
		t.Logf("regrade menu: %d: %s", trips.Count(), strings.Join(trips.Names(), " "))
	}
	if l := h.lead("Acme Industrial"); l.Grade != salesbot.GradeC || len(l.Stakeholders) != 3 {
		t.Errorf("after the forms and the menu: grade %s, %d people; want C and 3", l.Grade, len(l.Stakeholders))
	}
}
