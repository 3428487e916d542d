package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"salesbot"
	"salesbot/internal/fakeslack"
	"salesbot/internal/redistest"
	"salesbot/store"
)

// TestServeClimbsTheLadderOnce runs two `salesbot serve` processes with
// SALESBOT_ESCALATION in seconds and proves the ladder is wired into the
// binary: an A follow-up left un-acted is reminded, then its owner is
// nudged once, then the configured manager gets it once with the
// escalation's buttons, whichever replica sends each step; each step is in
// the lead's history. A second lead whose owner logs a visit after the
// reminder never climbs.
func TestServeClimbsTheLadderOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs two processes")
	}
	const (
		owner   = "U0LADREP"
		manager = "U0LADMGR"
	)
	bin := buildSalesbot(t)
	fs := fakeslack.New(t)
	redisURL, client := replicaRedis(t)
	st := store.New(client)
	team := redistest.Team(t)
	fs.SetTeam(team)
	environ := serveEnv(fs, replicaSecret, redisURL, "SALESBOT_ESCALATION=A=6s", "SALESBOT_MANAGERS="+manager)
	replicas := []*replica{startReplica(t, bin, 1, environ), startReplica(t, bin, 2, environ)}
	for _, r := range replicas {
		waitHTTP(t, r.base+"/readyz")
	}

	tenDaysAgo := time.Now().UTC().AddDate(0, 0, -10).Format(time.DateOnly)
	owners := map[string]string{"Ladder Works": owner, "Touched Again": owner}
	for i, company := range []string{"Ladder Works", "Touched Again"} {
		replicas[i%2].mustSay(t, team, owner, fmt.Sprintf(`/lead new "%s" A`, company), company)
		replicas[(i+1)%2].mustSay(t, team, owner, fmt.Sprintf(`/visit "%s" %s first meeting`, company, tenDaysAgo), "Logged a visit", company)
	}
	waitReminded(t, fs, st, team, owners, []string{"Ladder Works", "Touched Again"})
	// The rep acts on one of them: a visit today moves its due time a
	// cadence on, so it has nothing left to climb.
	replicas[0].mustSay(t, team, owner, `/visit "Touched Again" called about the pilot`, "Logged a visit")

	escalations := func(company string) (nudges, managers int) {
		for _, call := range fs.Calls("chat.postMessage") {
			text := call.Text()
			if !strings.Contains(text, company) {
				continue
			}
			switch {
			case call.Param("channel") == owner && strings.Contains(text, "Second reminder"):
				nudges++
			case call.Param("channel") == manager && strings.Contains(text, "esc_remind"):
				managers++
			}
		}
		return nudges, managers
	}
	waitUntil(t, "the manager's step of the ladder", func() bool {
		_, m := escalations("Ladder Works")
		return m > 0
	})
	afterSweeps(t, replicas, 3)
	if n, m := escalations("Ladder Works"); n != 1 || m != 1 {
		t.Errorf("Ladder Works: %d nudges and %d manager messages from two replicas, want 1 and 1", n, m)
	}
	if n, m := escalations("Touched Again"); n != 0 || m != 0 {
		t.Errorf("Touched Again, visited after its reminder: %d nudges and %d manager messages, want none", n, m)
	}
	l := storedLead(t, st, team, "Ladder Works")
	if l.Climbed != salesbot.LadderManagers {
		t.Errorf("Ladder Works climbed to step %d, want the managers' (%d)", l.Climbed, salesbot.LadderManagers)
	}
	history, err := st.History(t.Context(), team, l.ID, 50)
	if err != nil {
		t.Fatal(err)
	}
	var steps []string
	slices.SortFunc(history, func(a, b salesbot.Change) int { return a.At.Compare(b.At) }) // newest first, as read
	for _, c := range history {
		if c.Kind == salesbot.ChangeEscalated {
			steps = append(steps, c.To)
		}
	}
	if strings.Join(steps, ",") != "nudged,managers" {
		t.Errorf("the lead's history has the steps %v, want [nudged managers]", steps)
	}
}
