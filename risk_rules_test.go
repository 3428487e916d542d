package salesbot_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"salesbot"
)

// ruleLead is a lead at stage with grade, registered, moved and touched
// recently, all six key facts known (the schedule with no date), an
// economic buyer met in depth and a coach: no risks at any stage. Each row
// of the tests below spoils one thing.
func ruleLead(stage salesbot.Stage, grade salesbot.Grade) *salesbot.Lead {
	facts := map[salesbot.KeyFact]salesbot.Fact{}
	for _, k := range salesbot.KeyFacts {
		facts[k] = salesbot.Fact{Text: "known"}
	}
	l := &salesbot.Lead{
		ID: "L1", Company: "Acme", Owner: "U1", Grade: grade, Stage: stage,
		CreatedAt: riskNow.Add(-2 * salesbot.Day), StageSince: riskNow.Add(-2 * salesbot.Day), LastTouch: riskNow.Add(-salesbot.Day),
		Facts: facts,
		Stakeholders: []salesbot.Stakeholder{
			{Name: "Wang", Role: salesbot.RoleEconomicBuyer, Influence: salesbot.InfluenceHigh, Support: 2, ContactDepth: salesbot.DepthDeep},
			{Name: "Chen", Role: salesbot.RoleCoach, Influence: salesbot.InfluenceMedium, Support: 3, ContactDepth: salesbot.DepthDeep},
		},
	}
	l.Schedule(salesbot.DefaultCadence())
	return l
}

func person(name string, role salesbot.Role, inf salesbot.Influence, support salesbot.Support) salesbot.Stakeholder {
	return salesbot.Stakeholder{Name: name, Role: role, Influence: inf, Support: support}
}

func withoutRole(l *salesbot.Lead, role salesbot.Role) {
	l.Stakeholders = slices.DeleteFunc(l.Stakeholders, func(s salesbot.Stakeholder) bool { return s.Role == role })
}

// TestPeopleRisksAtEveryStage: DOMAIN.md §3's relationship risks hold from
// the moment the records say so, the lead stage included.
func TestPeopleRisksAtEveryStage(t *testing.T) {
	const (
		lead  = salesbot.StageLead
		first = salesbot.StageFirstVisit
		disc  = salesbot.StageDiscovery
		neg   = salesbot.StageNegotiation
		high  = salesbot.InfluenceHigh
		med   = salesbot.InfluenceMedium
		low   = salesbot.InfluenceLow
	)
	type rk = []salesbot.RiskKind
	tests := []struct {
		seed   string
		stage  salesbot.Stage
		grade  salesbot.Grade
		spoil  func(*salesbot.Lead)
		want   rk
		person string // the Person of the first risk, when one is named
		says   string // in the first risk's message
	}{
		{"000/002 魔鬼: a devil recorded at the lead stage is already a devil", lead, salesbot.GradeC, func(l *salesbot.Lead) {
			l.Stakeholders = append(l.Stakeholders, person("Li Na", salesbot.RoleTechnicalBuyer, high, -2))
		}, rk{salesbot.RiskDevil}, "Li Na", "high influence"},
		{"002 −3 强烈反对 at negotiation", neg, salesbot.GradeA, func(l *salesbot.Lead) {
			l.Stakeholders = append(l.Stakeholders, person("Li Na", salesbot.RoleUser, high, -3))
		}, rk{salesbot.RiskDevil}, "Li Na", "-3"},
		{"002 中 partial influence at −2: the map draws a devil, the risk names one", disc, salesbot.GradeB, func(l *salesbot.Lead) {
			l.Stakeholders = append(l.Stakeholders, person("Zhao", salesbot.RoleCoordinator, med, -2))
		}, rk{salesbot.RiskDevil}, "Zhao", "medium influence"},
		{"002 −1 没兴趣: uninterested is not yet against us", disc, salesbot.GradeA, func(l *salesbot.Lead) {
			l.Stakeholders = append(l.Stakeholders, person("Zhao", salesbot.RoleTechnicalBuyer, high, -1))
		}, nil, "", ""},
		{"000 小鬼: low influence at −3 is no devil", disc, salesbot.GradeA, func(l *salesbot.Lead) {
			l.Stakeholders = append(l.Stakeholders, person("Zhao", salesbot.RoleUser, low, -3))
		}, nil, "", ""},
		{"002 an A at the lead stage without an economic buyer", lead, salesbot.GradeA, func(l *salesbot.Lead) {
			withoutRole(l, salesbot.RoleEconomicBuyer)
		}, rk{salesbot.RiskNoEconomicBuyer}, "", "final say"},
		{"002 a B at the lead stage without an economic buyer", lead, salesbot.GradeB, func(l *salesbot.Lead) {
			withoutRole(l, salesbot.RoleEconomicBuyer)
		}, rk{salesbot.RiskNoEconomicBuyer}, "", "final say"},
		{"002 a C without an economic buyer waits for the first visit", lead, salesbot.GradeC, func(l *salesbot.Lead) {
			withoutRole(l, salesbot.RoleEconomicBuyer)
		}, nil, "", ""},
		{"002 a C without an economic buyer once visited", first, salesbot.GradeC, func(l *salesbot.Lead) {
			withoutRole(l, salesbot.RoleEconomicBuyer)
		}, rk{salesbot.RiskNoEconomicBuyer}, "", "final say"},
		{"004 内线: an A at the lead stage without a coach", lead, salesbot.GradeA, func(l *salesbot.Lead) {
			withoutRole(l, salesbot.RoleCoach)
		}, rk{salesbot.RiskNoCoach}, "", "内线"},
		{"004 a B without a coach waits for the first visit", lead, salesbot.GradeB, func(l *salesbot.Lead) {
			withoutRole(l, salesbot.RoleCoach)
		}, nil, "", ""},
		{"004 a D without a coach once visited", first, salesbot.GradeD, func(l *salesbot.Lead) {
			withoutRole(l, salesbot.RoleCoach)
		}, rk{salesbot.RiskNoCoach}, "", "内线"},
		{"002 通常一个项目只有一位: a second economic buyer", lead, salesbot.GradeC, func(l *salesbot.Lead) {
			l.Stakeholders = append(l.Stakeholders, salesbot.Stakeholder{Name: "Zhou", Role: salesbot.RoleEconomicBuyer, Influence: high, Support: 1, ContactDepth: salesbot.DepthSeveral})
		}, rk{salesbot.RiskSecondEconomicBuyer}, "Zhou", "Wang, Zhou"},
		{"002 a second economic buyer once visited", disc, salesbot.GradeA, func(l *salesbot.Lead) {
			l.Stakeholders = append(l.Stakeholders, salesbot.Stakeholder{Name: "Zhou", Role: salesbot.RoleEconomicBuyer, Influence: high, Support: 1, ContactDepth: salesbot.DepthDeep})
		}, rk{salesbot.RiskSecondEconomicBuyer}, "Zhou", "only one"},
		{"002 关系要做高: the economic buyer met only briefly, at the lead stage", lead, salesbot.GradeB, func(l *salesbot.Lead) {
			l.Stakeholders[0].ContactDepth = salesbot.DepthBrief
		}, rk{salesbot.RiskEconomicBuyerThin}, "Wang", "brief"},
		{"002 an economic buyer not met yet at the lead stage: the first visit is for that", lead, salesbot.GradeA, func(l *salesbot.Lead) {
			l.Stakeholders[0].ContactDepth = salesbot.DepthNone
		}, nil, "", ""},
		{"002 an economic buyer not met at all once visited", first, salesbot.GradeA, func(l *salesbot.Lead) {
			l.Stakeholders[0].ContactDepth = salesbot.DepthNone
		}, rk{salesbot.RiskEconomicBuyerThin}, "Wang", "brief"},
		{"002 关系要做高: only low-influence people met, at the lead stage", lead, salesbot.GradeC, func(l *salesbot.Lead) {
			l.Stakeholders = append(l.Stakeholders, salesbot.Stakeholder{Name: "Sun", Role: salesbot.RoleUser, Influence: low, Support: 1, LastMet: riskNow.Add(-salesbot.Day)})
		}, rk{salesbot.RiskOnlyLow}, "", "30 days"},
	}
	for _, tt := range tests {
		t.Run(tt.seed, func(t *testing.T) {
			l := ruleLead(tt.stage, tt.grade)
			tt.spoil(l)
			risks := salesbot.Risks(l, riskNow, salesbot.DefaultCadence())
			if got := kinds(risks); !slices.Equal(got, tt.want) {
				t.Fatalf("risks = %v, want %v", got, tt.want)
			}
			if len(risks) == 0 {
				return
			}
			if risks[0].Person != tt.person {
				t.Errorf("person = %q, want %q", risks[0].Person, tt.person)
			}
			if !strings.Contains(risks[0].Message, tt.says) {
				t.Errorf("message %q does not say %q", risks[0].Message, tt.says)
			}
		})
	}
}

// TestDevilRiskNamesTheMapsDevils: the devil risk names exactly the people
// the map draws as devils, whatever their influence and support (DOMAIN.md
// §3: "A devil is exactly the person the devil risk names").
func TestDevilRiskNamesTheMapsDevils(t *testing.T) {
	l := ruleLead(salesbot.StageDiscovery, salesbot.GradeA)
	for _, inf := range salesbot.Influences {
		for s := salesbot.MinSupport; s <= salesbot.MaxSupport; s++ {
			l.Stakeholders = append(l.Stakeholders, person(string(inf)+s.String(), salesbot.RoleUser, inf, s))
		}
	}
	var drawn, named []string
	for _, s := range l.Stakeholders {
		if s.Quadrant() == salesbot.QuadrantDevil {
			drawn = append(drawn, s.Name)
		}
	}
	for _, r := range salesbot.Risks(l, riskNow, salesbot.DefaultCadence()) {
		if r.Kind == salesbot.RiskDevil {
			named = append(named, r.Person)
		}
	}
	if want := []string{"high-3", "high-2", "medium-3", "medium-2"}; !slices.Equal(drawn, want) {
		t.Errorf("the map draws %v as devils, want %v", drawn, want)
	}
	if !slices.Equal(named, drawn) {
		t.Errorf("the risk names %v, the map draws %v", named, drawn)
	}
}

// TestSecondEconomicBuyerNamesThemAll: the risk names every economic buyer
// recorded, joined the reader's way.
func TestSecondEconomicBuyerNamesThemAll(t *testing.T) {
	l := ruleLead(salesbot.StageDemo, salesbot.GradeB)
	l.Stakeholders = append(l.Stakeholders,
		salesbot.Stakeholder{Name: "王总", Role: salesbot.RoleEconomicBuyer, Influence: salesbot.InfluenceHigh, Support: 0, ContactDepth: salesbot.DepthDeep},
		salesbot.Stakeholder{Name: "李总", Role: salesbot.RoleEconomicBuyer, Influence: salesbot.InfluenceHigh, Support: 1, ContactDepth: salesbot.DepthDeep})
	risks := salesbot.Risks(l, riskNow, salesbot.DefaultCadence())
	if len(risks) != 1 || risks[0].Kind != salesbot.RiskSecondEconomicBuyer {
		t.Fatalf("risks = %v, want one second economic buyer", kinds(risks))
	}
	if !strings.HasPrefix(risks[0].Message, "Wang, 王总, 李总 are all recorded as economic buyer") {
		t.Errorf("message %q does not name all three", risks[0].Message)
	}
	names, ok := risks[0].Args[0].(interface{ InLanguage(string) string })
	if !ok || names.InLanguage("zh") != "Wang、王总、李总" {
		t.Errorf("the names in Chinese: %v", risks[0].Args[0])
	}
}

// TestAUnconfirmed: an A still at the lead stage or the first visit after
// its first cadence is a risk: the first visit is where an A is confirmed
// (seed 000 初访, 目的: 确定是不是A级客户).
func TestAUnconfirmed(t *testing.T) {
	slow := salesbot.Cadence{salesbot.GradeA: 14 * salesbot.Day}
	tests := []struct {
		seed    string
		stage   salesbot.Stage
		grade   salesbot.Grade
		age     int // days since the lead was registered
		cadence salesbot.Cadence
		want    bool
	}{
		{"000 an A at the lead stage after its first 7 days", salesbot.StageLead, salesbot.GradeA, 8, nil, true},
		{"000 an A at the lead stage within its first 7 days", salesbot.StageLead, salesbot.GradeA, 6, nil, false},
		{"000 an A at the first visit after its first 7 days", salesbot.StageFirstVisit, salesbot.GradeA, 10, nil, true},
		{"000 an A past the first visit is confirmed", salesbot.StageDiscovery, salesbot.GradeA, 30, nil, false},
		{"000 a B at the lead stage is no A to confirm", salesbot.StageLead, salesbot.GradeB, 30, nil, false},
		{"000 the team's A cadence counts (14 days)", salesbot.StageLead, salesbot.GradeA, 10, slow, false},
		{"000 the team's A cadence, passed", salesbot.StageFirstVisit, salesbot.GradeA, 15, slow, true},
	}
	for _, tt := range tests {
		t.Run(tt.seed, func(t *testing.T) {
			l := ruleLead(tt.stage, tt.grade)
			l.CreatedAt = riskNow.Add(-time.Duration(tt.age) * salesbot.Day)
			cadence := salesbot.DefaultCadence()
			for g, d := range tt.cadence {
				cadence[g] = d
			}
			l.Schedule(cadence)
			risks := salesbot.Risks(l, riskNow, cadence)
			if got := slices.Contains(kinds(risks), salesbot.RiskAUnconfirmed); got != tt.want {
				t.Fatalf("risks = %v; a-unconfirmed %v, want %v", kinds(risks), got, tt.want)
			}
			if tt.want && len(risks) != 1 {
				t.Errorf("risks = %v, want a-unconfirmed alone", kinds(risks))
			}
			if tt.want && !strings.Contains(risks[0].Message, "first visit is where an A is confirmed") {
				t.Errorf("message %q", risks[0].Message)
			}
		})
	}
}

// TestFactsNeededByStage: the key facts are expected from the first visit
// on (seed 000 初访: 收集并确认关键信息), as DOMAIN.md §5's milestones have them
// due: schedule, budget, need and decision at the first visit, competition
// from discovery (交流: 排除实力较弱的竞争者), the key criteria from the demo.
func TestFactsNeededByStage(t *testing.T) {
	tests := []struct {
		seed  string
		stage salesbot.Stage
		known []salesbot.KeyFact
		want  string // the facts named as missing; "" for no risk
	}{
		{"000 取得潜在客户名单: nothing is due yet", salesbot.StageLead, nil, ""},
		{"000 初访: 收集并确认关键信息", salesbot.StageFirstVisit, nil, "schedule, budget, need, decision process"},
		{"000 初访: competition and criteria may still be open", salesbot.StageFirstVisit,
			[]salesbot.KeyFact{salesbot.FactSchedule, salesbot.FactBudget, salesbot.FactNeed, salesbot.FactDecision}, ""},
		{"000 初访: one gap", salesbot.StageFirstVisit,
			[]salesbot.KeyFact{salesbot.FactSchedule, salesbot.FactNeed, salesbot.FactDecision}, "budget"},
		{"000 交流: 排除实力较弱的竞争者", salesbot.StageDiscovery,
			[]salesbot.KeyFact{salesbot.FactSchedule, salesbot.FactBudget, salesbot.FactNeed, salesbot.FactDecision}, "competition"},
		{"000 交流: criteria may still be open", salesbot.StageDiscovery,
			[]salesbot.KeyFact{salesbot.FactSchedule, salesbot.FactBudget, salesbot.FactNeed, salesbot.FactDecision, salesbot.FactCompetition}, ""},
		{"000 演示: 针对客户关心的部份", salesbot.StageDemo,
			[]salesbot.KeyFact{salesbot.FactSchedule, salesbot.FactBudget, salesbot.FactNeed, salesbot.FactDecision, salesbot.FactCompetition}, "key criteria"},
		{"000 正式书面报价: all six", salesbot.StageQuote, []salesbot.KeyFact{salesbot.FactNeed}, "schedule, budget, decision process, competition, key criteria"},
		{"000 商务谈判: all six", salesbot.StageNegotiation, salesbot.KeyFacts, ""},
	}
	for _, tt := range tests {
		t.Run(tt.seed, func(t *testing.T) {
			l := ruleLead(tt.stage, salesbot.GradeB)
			l.Facts = map[salesbot.KeyFact]salesbot.Fact{}
			for _, k := range tt.known {
				l.Facts[k] = salesbot.Fact{Text: "known"}
			}
			risks := salesbot.Risks(l, riskNow, salesbot.DefaultCadence())
			if tt.want == "" {
				if len(risks) != 0 {
					t.Fatalf("risks = %v, want none", kinds(risks))
				}
				return
			}
			if len(risks) != 1 || risks[0].Kind != salesbot.RiskFactsMissing {
				t.Fatalf("risks = %v, want facts-missing", kinds(risks))
			}
			if !strings.Contains(risks[0].Message, " the "+tt.want+" should be known") {
				t.Errorf("message %q does not name %q", risks[0].Message, tt.want)
			}
		})
	}
}

// TestExpectedDecisionEndsTheSelection: the decision date is what ends a
// selection (seed 000's schedule: 签约, 决定ERP厂商, 完成ERP选型), not what
// starts it (开始ERP选型); a selection's start stands in only when no end is
// written.
func TestExpectedDecisionEndsTheSelection(t *testing.T) {
	tests := []struct {
		seed string
		text string
		want string
	}{
		{"000 选型 starts it, the decision ends it", "selection starts 2027-01; decision 2027-03", "2027-03-31"},
		{"000 开始选型 … 签约", "2027-01 开始选型，2027-04 签约", "2027-04-30"},
		{"000 one clause, the date nearest the word", "2027-01 开始选型 2027-04 签约", "2027-04-30"},
		{"000 决定厂商 before 签约", "开始选型 2027-01，决定厂商 2027-03，签约 2027-04", "2027-03-31"},
		{"000 完成选型 ends the selection", "选型 2027年2月，完成选型 2027年5月", "2027-05-31"},
		{"000 selection ends", "selection ends 2027-04; go-live 2027-10", "2027-04-30"},
		{"000 the contract, in English", "selection 2027-02, contract signed 2027-05-20", "2027-05-20"},
		{"000 定标 ends a tender", "招标 2027-03，定标 2027-04", "2027-04-30"},
		{"000 A: 已经开始或即将于近期开始进行选型 — a start alone stands in", "选型 2027年2月", "2027-02-28"},
		{"000 a selection's start before a go-live", "上线 2027年9月; 开始选型 2027年2月", "2027-02-28"},
		{"000 sign in one clause with the selection", "selection starts 2027-01 and we sign 2027-06", "2027-06-30"},
	}
	for _, tt := range tests {
		t.Run(tt.seed, func(t *testing.T) {
			l := &salesbot.Lead{Facts: map[salesbot.KeyFact]salesbot.Fact{salesbot.FactSchedule: {Text: tt.text}}}
			d, ok := l.ExpectedDecision()
			if !ok || d.String() != tt.want {
				t.Errorf("ExpectedDecision(%q) = %v %v, want %s", tt.text, d, ok, tt.want)
			}
		})
	}
}

// TestGradeVsScheduleReadsTheSigningDate: an A whose selection starts soon
// but that signs in seven months is told so (seed 000: A closes within 3
// months).
func TestGradeVsScheduleReadsTheSigningDate(t *testing.T) {
	tests := []struct {
		schedule string
		suggest  salesbot.Grade // "" for no risk
	}{
		{"selection starts 2027-01; decision 2027-03", salesbot.GradeB},
		{"2027-01 开始选型，2027-04 签约", salesbot.GradeB},
		{"开始选型 2026-12，签约 2027-06", salesbot.GradeC},
		{"开始选型 2026-12，签约 2027-01", ""},
	}
	for _, tt := range tests {
		t.Run(tt.schedule, func(t *testing.T) {
			l := ruleLead(salesbot.StageDiscovery, salesbot.GradeA)
			l.Facts[salesbot.FactSchedule] = salesbot.Fact{Text: tt.schedule}
			risks := salesbot.Risks(l, riskNow, salesbot.DefaultCadence())
			if tt.suggest == "" {
				if len(risks) != 0 {
					t.Fatalf("risks = %v, want none", kinds(risks))
				}
				return
			}
			if len(risks) != 1 || risks[0].Kind != salesbot.RiskGradeVsSchedule || risks[0].Suggest != tt.suggest {
				t.Fatalf("risks = %+v, want grade-vs-schedule suggesting %s", risks, tt.suggest)
			}
		})
	}
}
