package salesbot_test

import (
	"strings"
	"testing"
	"time"

	"salesbot"
)

var riskNow = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// riskLead is an A lead at discovery, touched yesterday, with its need known
// and a healthy set of people: no risks at all. Each case spoils one thing.
func riskLead() *salesbot.Lead {
	l := &salesbot.Lead{
		ID: "L1", Company: "Acme", Owner: "U1", Grade: salesbot.GradeA, Stage: salesbot.StageDiscovery,
		CreatedAt: riskNow.AddDate(0, -1, 0), StageSince: riskNow.Add(-3 * salesbot.Day), LastTouch: riskNow.Add(-salesbot.Day),
		Facts: map[salesbot.KeyFact]salesbot.Fact{salesbot.FactNeed: {Text: "MES for two plants"}},
		Stakeholders: []salesbot.Stakeholder{
			{Name: "Wang", Role: salesbot.RoleEconomicBuyer, Influence: salesbot.InfluenceHigh, Support: 2, ContactDepth: salesbot.DepthSeveral, LastMet: riskNow.Add(-2 * salesbot.Day)},
			{Name: "Chen", Role: salesbot.RoleCoach, Influence: salesbot.InfluenceMedium, Support: 3, ContactDepth: salesbot.DepthDeep},
		},
	}
	l.Schedule(salesbot.DefaultCadence())
	return l
}

func kinds(risks []salesbot.Risk) []salesbot.RiskKind {
	var k []salesbot.RiskKind
	for _, r := range risks {
		k = append(k, r.Kind)
	}
	return k
}

func TestRisks(t *testing.T) {
	tests := []struct {
		name  string
		spoil func(l *salesbot.Lead)
		want  []salesbot.RiskKind
		says  string
	}{
		{"healthy", func(*salesbot.Lead) {}, nil, ""},
		{"no economic buyer", func(l *salesbot.Lead) { l.Stakeholders = l.Stakeholders[1:] },
			[]salesbot.RiskKind{salesbot.RiskNoEconomicBuyer}, "final say"},
		{"economic buyer met only briefly", func(l *salesbot.Lead) { l.Stakeholders[0].ContactDepth = salesbot.DepthBrief },
			[]salesbot.RiskKind{salesbot.RiskEconomicBuyerThin}, "Wang"},
		{"economic buyer depth unknown", func(l *salesbot.Lead) { l.Stakeholders[0].ContactDepth = "" },
			[]salesbot.RiskKind{salesbot.RiskEconomicBuyerThin}, "beyond a brief"},
		{"no coach", func(l *salesbot.Lead) { l.Stakeholders = l.Stakeholders[:1] },
			[]salesbot.RiskKind{salesbot.RiskNoCoach}, "内线"},
		{"a devil", func(l *salesbot.Lead) {
			l.Stakeholders = append(l.Stakeholders, salesbot.Stakeholder{Name: "Li Na", Role: salesbot.RoleTechnicalBuyer, Influence: salesbot.InfluenceHigh, Support: -2})
		}, []salesbot.RiskKind{salesbot.RiskDevil}, "Li Na"},
		{"opposed but low influence is no devil", func(l *salesbot.Lead) {
			l.Stakeholders = append(l.Stakeholders, salesbot.Stakeholder{Name: "Zhao", Role: salesbot.RoleUser, Influence: salesbot.InfluenceLow, Support: -3})
		}, nil, ""},
		{"only low influence met lately", func(l *salesbot.Lead) {
			l.Stakeholders[0].LastMet = riskNow.Add(-40 * salesbot.Day)
			l.Stakeholders = append(l.Stakeholders, salesbot.Stakeholder{Name: "Zhao", Role: salesbot.RoleUser, Influence: salesbot.InfluenceLow, Support: 1, LastMet: riskNow.Add(-salesbot.Day)})
		}, []salesbot.RiskKind{salesbot.RiskOnlyLow}, "30 days"},
		{"budget unknown at quote", func(l *salesbot.Lead) { l.Stage = salesbot.StageQuote },
			[]salesbot.RiskKind{salesbot.RiskFactsMissing}, "budget, decision process, schedule"},
		{"A decided in 8 months", func(l *salesbot.Lead) {
			l.Facts[salesbot.FactSchedule] = salesbot.Fact{Text: "board decides 2027-07-20"}
		}, []salesbot.RiskKind{salesbot.RiskGradeVsSchedule}, "suggests C"},
		{"decision date passed", func(l *salesbot.Lead) {
			l.Facts[salesbot.FactSchedule] = salesbot.Fact{Text: "decide by 2026-10"}
		}, []salesbot.RiskKind{salesbot.RiskGradeVsSchedule}, "has passed"},
		{"overdue by more than a cadence", func(l *salesbot.Lead) {
			l.LastTouch = riskNow.Add(-15 * salesbot.Day)
			l.Schedule(salesbot.DefaultCadence())
		}, []salesbot.RiskKind{salesbot.RiskOverdue}, "8 days overdue"},
		{"overdue but within a cadence", func(l *salesbot.Lead) {
			l.LastTouch = riskNow.Add(-10 * salesbot.Day)
			l.Schedule(salesbot.DefaultCadence())
		}, nil, ""},
		{"stuck in a stage", func(l *salesbot.Lead) { l.StageSince = riskNow.Add(-15 * salesbot.Day) },
			[]salesbot.RiskKind{salesbot.RiskStuck}, "15 days"},
		{"people risks wait for the first visit", func(l *salesbot.Lead) {
			l.Stage, l.Stakeholders = salesbot.StageLead, nil
		}, nil, ""},
		{"closed leads have none", func(l *salesbot.Lead) {
			l.Stage, l.Stakeholders = salesbot.StageLost, nil
		}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := riskLead()
			tt.spoil(l)
			risks := salesbot.Risks(l, riskNow, salesbot.DefaultCadence())
			got := kinds(risks)
			if len(got) != len(tt.want) {
				t.Fatalf("risks = %v, want %v", risks, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("risks = %v, want %v", got, tt.want)
				}
			}
			if tt.says != "" && !strings.Contains(risks[0].Message, tt.says) {
				t.Errorf("message %q does not say %q", risks[0].Message, tt.says)
			}
		})
	}
}

func TestGradeVsScheduleSuggests(t *testing.T) {
	l := riskLead()
	l.Grade = salesbot.GradeC
	l.Facts[salesbot.FactSchedule] = salesbot.Fact{Text: "签约 2027年1月"}
	risks := salesbot.Risks(l, riskNow, salesbot.DefaultCadence())
	if len(risks) != 1 || risks[0].Suggest != salesbot.GradeA {
		t.Fatalf("risks %+v; want a suggestion of A", risks)
	}
}

func TestExpectedDecision(t *testing.T) {
	cases := map[string]string{
		"decide by 2027-03-15": "2027-03-15",
		"selection in 2027-03": "2027-03-31",
		"签约 2027年2月":           "2027-02-28",
		"２０２７／０４／０１ start":     "2027-04-01",
		"next spring":          "",
		"2027-13":              "",
	}
	for text, want := range cases {
		l := &salesbot.Lead{Facts: map[salesbot.KeyFact]salesbot.Fact{salesbot.FactSchedule: {Text: text}}}
		d, ok := l.ExpectedDecision()
		if got := d.String(); got != want || ok != (want != "") {
			t.Errorf("ExpectedDecision(%q) = %q %v, want %q", text, got, ok, want)
		}
	}
}

func TestGradeFor(t *testing.T) {
	for days, want := range map[int]salesbot.Grade{0: "A", 90: "A", 100: "B", 180: "B", 200: "C", 365: "C", 400: "D"} {
		if got := salesbot.GradeFor(days); got != want {
			t.Errorf("GradeFor(%d) = %s, want %s", days, got, want)
		}
	}
}
