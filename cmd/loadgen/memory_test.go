package main

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"salesbot"
	"salesbot/internal/redistest"
	"salesbot/store"
)

// memoryLeads is how many leads TestMemoryPerLead writes into one team: more
// than Redis's listpack thresholds (128 entries), so that the team's indexes
// are in the encodings a real team's are, and their share per lead is an
// average over many.
const memoryLeads = 130

// Text of the size a rep types, for the measured leads.
const (
	stakeholderNotes = "Runs the plant's MES rollout; wants fewer line stops before Q3."
	stakeholderWins  = "Promotion to plant director"
	visitNotes       = "Walked the assembly line with the IT lead; they asked about SSO and the on-premise option, and want a quote for 3 sites."
	visitNext        = "Send the 3-site quote and SSO notes"
)

var stakeholderSpecs = []salesbot.Stakeholder{
	{Name: "Wang Li", Role: salesbot.RoleEconomicBuyer, Influence: salesbot.InfluenceHigh, Support: 1, DecisionRole: salesbot.DecisionMaker},
	{Name: "Li Na", Role: salesbot.RoleTechnicalBuyer, Influence: salesbot.InfluenceHigh, Support: 2, DecisionRole: salesbot.DecisionInfluencer},
	{Name: "Zhang Wei", Role: salesbot.RoleUser, Influence: salesbot.InfluenceMedium, Support: 0},
	{Name: "Chen Jing", Role: salesbot.RoleCoordinator, Influence: salesbot.InfluenceLow, Support: 1, DecisionRole: salesbot.DecisionGatekeeper},
	{Name: "Liu Yang", Role: salesbot.RoleCoach, Influence: salesbot.InfluenceMedium, Support: 3},
}

// writeFullLead writes, through the domain and the store as the handlers do,
// a lead with 5 stakeholders (each with notes and personal wins) and 10
// visits (each meeting two of them, with notes and a next step).
// With terse, every free text (notes, personal wins, next steps) is left
// out: what remains is the cost of the structure alone.
func writeFullLead(ctx context.Context, st *store.Store, team, company string, now time.Time, terse bool) (*salesbot.Lead, error) {
	rep := salesbot.Actor{User: loadUser}
	cadence := salesbot.DefaultCadence()
	l, c, err := salesbot.NewLead(rep, team, "", company, salesbot.GradeB, now)
	if err != nil {
		return nil, err
	}
	l.Schedule(cadence)
	if _, err := st.CreateLead(ctx, l, c); err != nil {
		return nil, err
	}
	update := func(fn func(*salesbot.Lead) (salesbot.Update, error)) error {
		_, err := st.UpdateLead(ctx, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
			u, err := fn(l)
			l.Schedule(cadence)
			return u, err
		})
		return err
	}
	for _, s := range stakeholderSpecs {
		if !terse {
			s.Notes, s.PersonalWins = stakeholderNotes, stakeholderWins
		}
		if err := update(func(l *salesbot.Lead) (salesbot.Update, error) {
			c, err := l.SetStakeholder(rep, s, now)
			return salesbot.Update{Changes: []salesbot.Change{c}}, err
		}); err != nil {
			return nil, fmt.Errorf("stakeholder %s: %w", s.Name, err)
		}
	}
	loc := time.UTC
	today := salesbot.DateOf(now.In(loc))
	for i := range 10 {
		v := salesbot.Visit{
			Kind: salesbot.KindVisit, Notes: visitNotes, NextStep: visitNext, NextDate: today.AddDays(7),
			Met: []string{stakeholderSpecs[i%5].Name, stakeholderSpecs[(i+1)%5].Name},
		}
		if terse {
			v.Notes, v.NextStep, v.NextDate = "", "", salesbot.Date{}
		}
		if err := update(func(l *salesbot.Lead) (salesbot.Update, error) {
			visit := v
			c, err := l.RecordVisit(rep, &visit, loc, now)
			return salesbot.Update{Changes: []salesbot.Change{c}, Visit: &visit}, err
		}); err != nil {
			return nil, fmt.Errorf("visit %d: %w", i, err)
		}
	}
	return st.Lead(ctx, team, l.ID)
}

// memoryUsage is MEMORY USAGE of a key with every element counted
// (SAMPLES 0).
func memoryUsage(ctx context.Context, c redis.UniversalClient, key string) (int64, error) {
	n, err := c.MemoryUsage(ctx, key, 0).Result()
	if err != nil {
		return 0, fmt.Errorf("MEMORY USAGE %s: %w", key, err)
	}
	return n, nil
}

// TestMemoryPerLead writes memoryLeads leads with 5 stakeholders and 10
// visits each into a fresh team and logs what Redis says each costs
// (MEMORY USAGE): the lead's own keys (its JSON, its history list, its
// visits list), and its share of the team's indexes and activity stream. It
// asserts nothing about the sizes; run with -v to read them.
func TestMemoryPerLead(t *testing.T) {
	for _, terse := range []bool{false, true} {
		name := "with-text"
		if terse {
			name = "terse"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			measureLeads(t, terse)
		})
	}
}

func measureLeads(t *testing.T, terse bool) {
	ctx := t.Context()
	client := redistest.Client(t)
	st := store.New(client)
	team := redistest.Team(t)
	now := time.Now().UTC()
	leads := make([]*salesbot.Lead, memoryLeads)
	for i := range leads {
		l, err := writeFullLead(ctx, st, team, fmt.Sprintf("Shanghai Precision Machinery %03d", i), now, terse)
		if err != nil {
			t.Fatal(err)
		}
		leads[i] = l
	}
	if n := len(leads[0].Stakeholders); n != 5 {
		t.Fatalf("the lead has %d stakeholders, want 5", n)
	}
	if vs, err := st.Visits(ctx, team, leads[0].ID, 100); err != nil || len(vs) != 10 {
		t.Fatalf("the lead has %d visits (err %v), want 10", len(vs), err)
	}

	prefix := "sb:{" + team + "}:"
	var own [3]int64 // lead, history, visits, summed over the leads
	for _, l := range leads {
		for i, key := range []string{prefix + "lead:" + l.ID, prefix + "history:" + l.ID, prefix + "visits:" + l.ID} {
			n, err := memoryUsage(ctx, client, key)
			if err != nil {
				t.Fatal(err)
			}
			own[i] += n
		}
	}
	shared, sharedSum := sharedKeys(t, client, prefix, leads)
	n := int64(len(leads))
	perLead := (own[0] + own[1] + own[2]) / n
	var b strings.Builder
	fmt.Fprintf(&b, "memory per lead (5 stakeholders, 10 visits, terse %v; MEMORY USAGE … SAMPLES 0, mean of %d leads):\n", terse, n)
	fmt.Fprintf(&b, "  lead JSON   %6d B (value %d B of JSON)\n", own[0]/n, mustJSONLen(t, ctx, client, prefix+"lead:"+leads[0].ID))
	fmt.Fprintf(&b, "  history     %6d B (16 changes)\n", own[1]/n)
	fmt.Fprintf(&b, "  visits      %6d B (10 visits)\n", own[2]/n)
	fmt.Fprintf(&b, "  own keys    %6d B (goal < 2048 B)\n", perLead)
	for _, name := range slices.Sorted(maps.Keys(shared)) {
		fmt.Fprintf(&b, "  share of %-20s %6d B\n", name, shared[name]/n)
	}
	fmt.Fprintf(&b, "  with shares %6d B\n", perLead+sharedSum/n)
	for _, key := range []string{prefix + "history:" + leads[0].ID, prefix + "visits:" + leads[0].ID} {
		last, err := client.LIndex(ctx, key, 0).Result()
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "  newest of %s (%d B): %s\n", key[len(prefix):strings.LastIndex(key, ":")], len(last), last)
	}
	if lead, err := client.Get(ctx, prefix+"lead:"+leads[0].ID).Result(); err == nil {
		fmt.Fprintf(&b, "  lead (%d B): %s\n", len(lead), lead)
	}
	t.Log(b.String())
}

// sharedKeys measures every key of the team that is not one lead's own
// (its JSON, history and visits): the indexes, the read models and the
// activity stream, by name, and their sum. Guarded writes' one-minute
// receipts are left out: they expire.
func sharedKeys(t *testing.T, client redis.UniversalClient, prefix string, leads []*salesbot.Lead) (map[string]int64, int64) {
	t.Helper()
	own := map[string]bool{}
	for _, l := range leads {
		for _, k := range []string{"lead:", "history:", "visits:"} {
			own[prefix+k+l.ID] = true
		}
	}
	keys, err := client.Keys(t.Context(), prefix+"*").Result()
	if err != nil {
		t.Fatal(err)
	}
	shared := map[string]int64{}
	var sum int64
	for _, key := range keys {
		name := strings.TrimPrefix(key, prefix)
		if own[key] || strings.HasPrefix(name, "receipt:") {
			continue
		}
		n, err := memoryUsage(t.Context(), client, key)
		if err != nil {
			t.Fatal(err)
		}
		shared[name] = n
		sum += n
	}
	if _, ok := shared["rm:open:B"]; !ok {
		t.Fatalf("no read model among the team's keys: %v", slices.Sorted(maps.Keys(shared)))
	}
	return shared, sum
}

func mustJSONLen(t *testing.T, ctx context.Context, c redis.UniversalClient, key string) int64 {
	t.Helper()
	n, err := c.StrLen(ctx, key).Result()
	if err != nil {
		t.Fatal(err)
	}
	return n
}
