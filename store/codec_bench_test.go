package store

import (
	"testing"
	"time"

	"salesbot"
)

// cardLead is a lead as TestMemoryPerLead (cmd/loadgen) writes it: five
// stakeholders with notes and personal wins, a next step, ten visits'
// worth of touches; varied gives each person notes of their own.
func cardLead(varied bool) *salesbot.Lead {
	at := time.Date(2026, 11, 23, 2, 0, 0, 123_456_789, time.UTC)
	notes := []string{
		"Runs the plant's MES rollout; wants fewer line stops before Q3.",
		"Owns the IT budget; cautious after a failed ERP project in 2023.",
		"Shift lead on line 2, daily user; keen on the mobile checklists.",
		"Schedules every meeting; close to the CFO and reads all emails.",
		"Former customer of ours at Bosch; coaches us on the politics.",
	}
	wins := []string{"Promotion to plant director", "A clean audit this year", "Less paperwork on shift", "Recognition from the CFO", "Being right about us again"}
	people := []salesbot.Stakeholder{
		{Name: "Wang Li", Role: salesbot.RoleEconomicBuyer, Influence: salesbot.InfluenceHigh, Support: 1, DecisionRole: salesbot.DecisionMaker},
		{Name: "Li Na", Role: salesbot.RoleTechnicalBuyer, Influence: salesbot.InfluenceHigh, Support: 2, DecisionRole: salesbot.DecisionInfluencer},
		{Name: "Zhang Wei", Role: salesbot.RoleUser, Influence: salesbot.InfluenceMedium},
		{Name: "Chen Jing", Role: salesbot.RoleCoordinator, Influence: salesbot.InfluenceLow, Support: 1, DecisionRole: salesbot.DecisionGatekeeper},
		{Name: "Liu Yang", Role: salesbot.RoleCoach, Influence: salesbot.InfluenceMedium, Support: 3},
	}
	for i := range people {
		p := &people[i]
		p.Notes, p.PersonalWins = notes[0], wins[0]
		if varied {
			p.Notes, p.PersonalWins = notes[i], wins[i]
		}
		p.ContactDepth, p.LastMet, p.UpdatedBy, p.UpdatedAt = salesbot.DepthDeep, at.Add(time.Duration(i)*time.Hour), "U0LOADGEN", at
	}
	return &salesbot.Lead{
		ID: "uano3l7i", Team: "T1", Company: "Shanghai Precision Machinery 000", Owner: "U0LOADGEN", Grade: salesbot.GradeB,
		Stage: salesbot.StageLead, CreatedBy: "U0LOADGEN", CreatedAt: at, UpdatedAt: at.Add(9 * time.Hour), StageSince: at,
		LastTouch: at.Add(9 * time.Hour), NextStep: "Send the 3-site quote and SSO notes", NextStepDue: at.AddDate(0, 0, 7),
		Due: at.AddDate(0, 0, 7), Stakeholders: people,
	}
}

// BenchmarkDecodeLead decodes a stored 5-stakeholder lead, as every card
// (/lead show), digest and report does; "-v3" decodes the same lead stored
// as version 3 (JSON) was, for a comparison in one run.
func BenchmarkDecodeLead(b *testing.B) {
	for _, bc := range []struct {
		name   string
		varied bool
		v3     bool
	}{{"typical", false, false}, {"varied", true, false}, {"typical-v3", false, true}, {"varied-v3", true, true}} {
		encode := encodeLead
		if bc.v3 {
			encode = encodeLeadV3
		}
		raw, err := encode(cardLead(bc.varied), 3)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := decodeLead(raw, "T1"); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(raw)), "stored-B")
		})
	}
}

// BenchmarkEncodeLead encodes the same lead, as every write of it does,
// in version 4 and (v3) as version 3 did.
func BenchmarkEncodeLead(b *testing.B) {
	l := cardLead(true)
	for name, encode := range map[string]func(*salesbot.Lead, int) ([]byte, error){"v4": encodeLead, "v3": encodeLeadV3} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := encode(l, 3); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
