package salesbot_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"salesbot"
)

var riskNow = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// riskLead is an A lead at discovery, touched yesterday, with the key facts
// discovery expects known (all but the key criteria; the schedule without a
// date to check the grade against) and a healthy set of people: no risks at
// all. Each case spoils one thing.
func riskLead() *salesbot.Lead {
	l := &salesbot.Lead{
		ID: "L1", Company: "Acme", Owner: "U1", Grade: salesbot.GradeA, Stage: salesbot.StageDiscovery,
		CreatedAt: riskNow.AddDate(0, -1, 0), StageSince: riskNow.Add(-3 * salesbot.Day), LastTouch: riskNow.Add(-salesbot.Day),
		Facts: map[salesbot.KeyFact]salesbot.Fact{
			salesbot.FactSchedule:    {Text: "the board decides after the pilot"},
			salesbot.FactBudget:      {Text: "about 1.8M, software and services"},
			salesbot.FactNeed:        {Text: "MES for two plants"},
			salesbot.FactDecision:    {Text: "Wang signs; IT and the plant managers weigh in"},
			salesbot.FactCompetition: {Text: "SAP and a local vendor"},
		},
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
		{"key criteria unknown at quote", func(l *salesbot.Lead) { l.Stage = salesbot.StageQuote },
			[]salesbot.RiskKind{salesbot.RiskFactsMissing}, "key criteria"},
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
		{"a D lead with no one recorded waits for the first visit", func(l *salesbot.Lead) {
			l.Grade, l.Stage, l.Stakeholders = salesbot.GradeD, salesbot.StageLead, nil
			l.Schedule(salesbot.DefaultCadence())
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

// TestExpectedDecisionPrefersTheDecisionDate: the date after a decision word
// in its clause is the decision's, wherever it stands in the fact; without
// one, the first date.
func TestExpectedDecisionPrefersTheDecisionDate(t *testing.T) {
	tests := []struct {
		text string
		want string // "" when there is no decision date
	}{
		// English, year-months and full dates.
		{"go-live 2027-09; decision 2027-02", "2027-02-28"},
		{"go-live 2027-09-01, decision by 2027-02-15", "2027-02-15"},
		{"kick-off 2027-01, board decides 2027-03-10", "2027-03-10"},
		{"pilot 2027/01; Contract signing 2027/05", "2027-05-31"},
		{"POC 2027.01.10; SELECTION 2027.04", "2027-04-30"},
		{"training 2027-01 then go-live 2027-06, sign 2027-03-31", "2027-03-31"},
		{"we decide after the pilot 2027-04; go-live 2027-09", "2027-04-30"},
		{"decision 2027-02; signing 2027-03", "2027-02-28"}, // the first labelled date
		// Chinese, with either punctuation width.
		{"上线 2027年9月；决策 2027年2月", "2027-02-28"},
		{"试点 2027-01，签约 2027-06-30", "2027-06-30"},
		{"上线2027年9月，签合同2027年3月15日", "2027-03-15"},
		{"验收 2027.10。定标 2027.04", "2027-04-30"},
		{"上线 2027年9月; 选型 2027年2月", "2027-02-28"},
		{"实施 2027年1月, 决定时间 2027年5月", "2027-05-31"},
		{"２０２７年９月上线；决策　２０２７年２月", "2027-02-28"},
		// No decision date labelled: the first date.
		{"go-live 2027-09, budget 2027-02", "2027-09-30"},
		{"decision pending; go-live 2027-09", "2027-09-30"},           // the label's clause has no date
		{"2027-02 decision; go-live 2027-09", "2027-02-28"},           // the date before the label is just the first
		{"design review 2027-01; go-live 2027-09", "2027-01-31"},      // "design" is no "sign"
		{"contractor on site 2027-01; go-live 2027-09", "2027-01-31"}, // nor "contractor" a "contract"
		{"上线 2027年9月，预算 2027年2月", "2027-09-30"},
		// A labelled date that is no date is not replaced by another one.
		{"go-live 2027-09; decision 2027-13", ""},
		{"决策 明年", ""},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			l := &salesbot.Lead{Facts: map[salesbot.KeyFact]salesbot.Fact{salesbot.FactSchedule: {Text: tt.text}}}
			d, ok := l.ExpectedDecision()
			if got := d.String(); got != tt.want || ok != (tt.want != "") {
				t.Errorf("ExpectedDecision(%q) = %q %v, want %q", tt.text, got, ok, tt.want)
			}
		})
	}
}

// TestGradeVsScheduleReadsTheDecisionDate: an A lead deciding within three
// months is not told that its go-live, later, suggests C.
func TestGradeVsScheduleReadsTheDecisionDate(t *testing.T) {
	tests := []struct {
		schedule string
		want     []salesbot.RiskKind
	}{
		{"go-live 2027-09; decision 2027-01", nil},
		{"上线 2027年9月，签约 2027年1月", nil},
		{"go-live 2027-09", []salesbot.RiskKind{salesbot.RiskGradeVsSchedule}},
	}
	for _, tt := range tests {
		t.Run(tt.schedule, func(t *testing.T) {
			l := riskLead()
			l.Facts[salesbot.FactSchedule] = salesbot.Fact{Text: tt.schedule}
			if got := kinds(salesbot.Risks(l, riskNow, salesbot.DefaultCadence())); !slices.Equal(got, tt.want) {
				t.Errorf("risks = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestExpectedDecisionDateBeforeTheWord(t *testing.T) {
	for text, want := range map[string]string{
		"上线 2027-09，2027-02 签约":                "2027-02-28",
		"go-live 2027-09; 2027-01-15 decision": "2027-01-15",
	} {
		l := &salesbot.Lead{Facts: map[salesbot.KeyFact]salesbot.Fact{salesbot.FactSchedule: {Text: text}}}
		if d, ok := l.ExpectedDecision(); !ok || d.String() != want {
			t.Errorf("ExpectedDecision(%q) = %v %v, want %s", text, d, ok, want)
		}
	}
}
