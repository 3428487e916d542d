package store_test

import (
	"testing"
	"time"

	"salesbot"
	"salesbot/internal/redistest"
	"salesbot/store"
)

// TestReadsDuringSlotMove: while the slot that holds a team moves between
// Cluster masters, a look-up by name answers "unavailable" (the user is
// asked to try again) whichever of its keys have moved: never "no such
// lead", which a script run on a half-moved slot would say when it finds
// the name on one master and looks for the lead there. Once the slot has
// moved, the lead is found again. (make test-cluster runs it.)
func TestReadsDuringSlotMove(t *testing.T) {
	if !redistest.ClusterMode() {
		t.Skipf("needs a Redis Cluster of its own: make test-cluster runs it (%s=1)", redistest.ClusterEnv)
	}
	c := redistest.NewFullCluster(t)
	client, err := store.NewClient(c.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })
	st := store.New(client)
	ctx := t.Context()
	team := redistest.Team(t)
	l, ch, err := salesbot.NewLead(salesbot.Actor{User: "U0MOVER"}, team, "", "Moving Parts", salesbot.GradeB, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateLead(ctx, l, ch); err != nil {
		t.Fatal(err)
	}
	q := salesbot.LeadQuery{Names: []string{salesbot.NormalizeCompany("Moving Parts")}, Visits: 1}
	found := func(when string) {
		t.Helper()
		m, err := st.FindLead(ctx, team, q)
		if err != nil || len(m.Leads) != 1 || m.Leads[0].ID != l.ID {
			t.Fatalf("%s: found %+v, %v; want the lead", when, m, err)
		}
	}
	// While the slot moves, a look-up finds the lead or is refused as
	// unavailable; it never says there is no such lead.
	meanwhile := func(when string) {
		t.Helper()
		m, err := st.FindLead(ctx, team, q)
		if code := salesbot.ErrorCode(err); err != nil && code != salesbot.EUNAVAILABLE {
			t.Errorf("%s: FindLead failed with %v (%s); want the lead, or unavailable", when, err, code)
		} else if err == nil && (len(m.Leads) != 1 || m.Leads[0].ID != l.ID) {
			t.Errorf("%s: FindLead found %+v; want the lead, or unavailable", when, m)
		}
		// The viewer's read gives no look-up then (the command makes its
		// own, as above), or the right one.
		_, _, vm, err := st.ViewerAndLead(ctx, team, "U0MOVER", q)
		if code := salesbot.ErrorCode(err); err != nil && code != salesbot.EUNAVAILABLE {
			t.Errorf("%s: ViewerAndLead failed with %v (%s)", when, err, code)
		} else if vm != nil && (len(vm.Leads) != 1 || vm.Leads[0].ID != l.ID) {
			t.Errorf("%s: ViewerAndLead found %+v; want the lead, or no look-up", when, vm)
		}
	}
	found("before the move")

	prefix := "sb:{" + team + "}:"
	var to string
	for _, m := range c.Masters(t) {
		if m != c.MasterOf(t, prefix+"names") {
			to = m
		}
	}
	move := c.StartMove(t, prefix+"names", to)
	move.Migrate(prefix+"names", prefix+"names:sorted", prefix+"names:inner")
	meanwhile("the name moved, the lead not")
	move.Migrate(prefix + "lead:" + l.ID)
	meanwhile("the name and the lead moved, the rest of the slot not")
	move.Finish()
	found("after the move")
}
