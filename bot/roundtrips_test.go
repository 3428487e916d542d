package bot_test

import (
	"strings"
	"testing"
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
	h.h.Wait()

	for _, c := range []struct{ user, line string }{
		{rep, `/lead new Delta Motors`},
		{rep, `/lead new ACME INDUSTRIAL inc`},
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
		{rep, `/salesbot lang zh`},
		{rep, `/salesbot lang en`},
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
