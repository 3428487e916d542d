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

// Text that differs from visit to visit and person to person, as a rep's
// does: the same lead measured with it shows what packing (which
// compresses) gains on text that does not repeat itself.
var (
	variedVisitNotes = []string{
		"Walked the assembly line with the IT lead; they asked about SSO and the on-premise option, and want a quote for 3 sites.",
		"Call with procurement: they need our ISO certificates and two references from automotive suppliers before the budget review.",
		"Demo for the plant managers went well, though the Suzhou site worries about the MES interface and the night-shift training.",
		"Finance pushed back on the price per seat; offered a three-year term with a 6% discount if they sign before the quarter ends.",
		"Met the new CTO, who came from a competitor and prefers cloud; we must show the hybrid setup and the data residency answer.",
		"Site visit in Ningbo: 40 operators, paper checklists, frequent line stops; strong case for the mobile inspection module.",
		"The pilot scope is agreed: one line, eight weeks, success measured by fewer unplanned stops and faster shift handovers.",
		"Legal sent back the DPA with changes to the liability cap and the audit clause; our counsel reviews them this Friday.",
		"Workshop with the quality team mapped their eleven inspection steps; four can be automated with the vision add-on.",
		"Steering committee meeting postponed a week because of the Lunar New Year shutdown; the sponsor still backs the project.",
	}
	variedNextSteps = []string{
		"Send the 3-site quote and SSO notes", "Mail ISO certificates and references", "Plan MES interface call with Suzhou",
		"Draft the three-year offer", "Prepare the hybrid deployment deck", "Price the mobile inspection module",
		"Send the pilot plan for sign-off", "Return the DPA with our comments", "Demo the vision add-on to QA",
		"Confirm the new committee date",
	}
	variedNotes = []string{
		"Runs the plant's MES rollout; wants fewer line stops before Q3.",
		"Owns the IT budget; cautious after a failed ERP project in 2023.",
		"Shift lead on line 2, daily user; keen on the mobile checklists.",
		"Schedules every meeting; close to the CFO and reads all emails.",
		"Former customer of ours at Bosch; coaches us on the politics.",
	}
	variedWins = []string{
		"Promotion to plant director", "A clean audit this year", "Less paperwork on shift",
		"Recognition from the CFO", "Being right about us again",
	}
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
// The text is as text says: the same typical notes everywhere (withText),
// notes that differ (varied), or none at all (terse): what remains then is
// the cost of the structure alone.
func writeFullLead(ctx context.Context, st *store.Store, team, company string, now time.Time, text textKind) (*salesbot.Lead, error) {
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
	for i, s := range stakeholderSpecs {
		switch text {
		case withText:
			s.Notes, s.PersonalWins = stakeholderNotes, stakeholderWins
		case varied:
			s.Notes, s.PersonalWins = variedNotes[i], variedWins[i]
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
		switch text {
		case varied:
			v.Notes, v.NextStep = variedVisitNotes[i], variedNextSteps[i]
		case terse:
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

// textKind is the free text a measured lead has.
type textKind int

const (
	withText textKind = iota // the same typical notes on every visit and person
	varied                   // notes of the same length that differ
	terse                    // no free text
)

func (k textKind) String() string { return [...]string{"with-text", "varied", "terse"}[k] }

// Memory goals of issue 14 for a lead with 5 stakeholders and 10 visits
// with typical notes: its own keys, and with its share of the team's.
const (
	goalOwn   = 2048
	goalTotal = 4096
)

// TestMemoryPerLead writes memoryLeads leads with 5 stakeholders and 10
// visits each into a fresh team and logs what Redis says each costs
// (MEMORY USAGE): the lead's own keys (its value, its history list, its
// visits list), and its share of the team's indexes and activity stream;
// run with -v to read them. It fails when a lead costs more than the
// ceilings measured with issue 14's binary lead, dictionary packing and
// joined stream entries (a few percent above, for other Redis versions'
// accounting): before issue 14 a lead with text cost 6,296 B of its own
// and 11,787 B in all. It logs how far each is from the goals
// (goalOwn, goalTotal), which the typical lead (withText) meets and must
// keep meeting; the varied one does not.
func TestMemoryPerLead(t *testing.T) {
	for _, tc := range []struct {
		text       textKind
		own, total int64 // ceilings, bytes per lead
	}{
		{withText, 1700, goalTotal},
		{varied, 2650, 5050},
		{terse, 1200, 3600},
	} {
		t.Run(tc.text.String(), func(t *testing.T) {
			t.Parallel()
			own, total := measureLeads(t, tc.text)
			if own > tc.own || total > tc.total {
				t.Errorf("a lead costs %d B of its own and %d B in all; want at most %d and %d", own, total, tc.own, tc.total)
			}
			t.Logf("against the goals: own %d B of %d (%.2f×), in all %d B of %d (%.2f×)",
				own, goalOwn, float64(own)/goalOwn, total, goalTotal, float64(total)/goalTotal)
		})
	}
}

// measureLeads writes the leads and logs what they cost; it returns the
// mean cost per lead of its own keys, and with its share of the team's.
func measureLeads(t *testing.T, text textKind) (own, total int64) {
	ctx := t.Context()
	client := redistest.Client(t)
	st := store.New(client)
	team := redistest.Team(t)
	now := time.Now().UTC()
	leads := make([]*salesbot.Lead, memoryLeads)
	for i := range leads {
		l, err := writeFullLead(ctx, st, team, fmt.Sprintf("Shanghai Precision Machinery %03d", i), now, text)
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
	var sums [3]int64 // lead, history, visits, summed over the leads
	for _, l := range leads {
		for i, key := range []string{prefix + "lead:" + l.ID, prefix + "history:" + l.ID, prefix + "visits:" + l.ID} {
			n, err := memoryUsage(ctx, client, key)
			if err != nil {
				t.Fatal(err)
			}
			sums[i] += n
		}
	}
	shared, sharedSum := sharedKeys(t, client, prefix, leads)
	n := int64(len(leads))
	perLead := (sums[0] + sums[1] + sums[2]) / n
	var b strings.Builder
	fmt.Fprintf(&b, "memory per lead (5 stakeholders, 10 visits, %s; MEMORY USAGE … SAMPLES 0, mean of %d leads):\n", text, n)
	fmt.Fprintf(&b, "  lead        %6d B (value %d B)\n", sums[0]/n, mustLen(t, ctx, client, prefix+"lead:"+leads[0].ID))
	fmt.Fprintf(&b, "  history     %6d B (16 changes)\n", sums[1]/n)
	fmt.Fprintf(&b, "  visits      %6d B (10 visits)\n", sums[2]/n)
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
		fmt.Fprintf(&b, "  newest of %s (%d B): %q\n", key[len(prefix):strings.LastIndex(key, ":")], len(last), last)
	}
	if lead, err := client.Get(ctx, prefix+"lead:"+leads[0].ID).Result(); err == nil {
		fmt.Fprintf(&b, "  lead (%d B): %q\n", len(lead), lead)
	}
	t.Log(b.String())
	return perLead, perLead + sharedSum/n
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

func mustLen(t *testing.T, ctx context.Context, c redis.UniversalClient, key string) int64 {
	t.Helper()
	n, err := c.StrLen(ctx, key).Result()
	if err != nil {
		t.Fatal(err)
	}
	return n
}
