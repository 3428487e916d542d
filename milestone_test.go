package salesbot_test

import (
	"testing"
	"time"

	"salesbot"
)

// TestMilestones: each stage's exit checklist (DOMAIN.md §5 关键节点), one
// row per item, the seed named.
func TestMilestones(t *testing.T) {
	since := registered.Add(10 * salesbot.Day)
	after := since.Add(salesbot.Day)
	eb := salesbot.Stakeholder{Name: "Wang Li", Role: salesbot.RoleEconomicBuyer, Influence: salesbot.InfluenceHigh, Support: 1}
	coach := salesbot.Stakeholder{Name: "Chen Jun", Role: salesbot.RoleCoach, Influence: salesbot.InfluenceMedium, Support: 3}
	for _, tc := range []struct {
		seed  string
		stage salesbot.Stage
		set   func(l *salesbot.Lead)
		item  string
		met   bool
	}{
		{"000 取得潜在客户名单: 大致了解需求", salesbot.StageLead, func(*salesbot.Lead) {}, "the need known", false},
		{"000 取得潜在客户名单", salesbot.StageLead, func(l *salesbot.Lead) { l.Facts[salesbot.FactNeed] = salesbot.Fact{Text: "MES"} }, "the need known", true},
		{"000 取得潜在客户名单: 判断客户等级", salesbot.StageLead, func(*salesbot.Lead) {}, "graded", true},
		{"000 初访: 收集并确认关键信息", salesbot.StageFirstVisit, func(*salesbot.Lead) {}, "the budget known", false},
		{"000 初访: 确定是不是A级客户 (graded before the visit)", salesbot.StageFirstVisit, func(l *salesbot.Lead) { l.GradeConfirmed = since.Add(-time.Hour) }, "the grade confirmed or changed after the visit", false},
		{"000 初访: 确定是不是A级客户", salesbot.StageFirstVisit, func(l *salesbot.Lead) { l.GradeConfirmed = after }, "the grade confirmed or changed after the visit", true},
		{"000 交流: 要求决策高层参加 (met before this stage)", salesbot.StageDiscovery, func(l *salesbot.Lead) {
			p := eb
			p.LastMet = since.Add(-salesbot.Day)
			l.Stakeholders = []salesbot.Stakeholder{p}
		}, "an economic buyer or another high-influence person met at this stage", false},
		{"000 交流: 要求决策高层参加", salesbot.StageDiscovery, func(l *salesbot.Lead) {
			p := eb
			p.LastMet = after
			l.Stakeholders = []salesbot.Stakeholder{p}
		}, "an economic buyer or another high-influence person met at this stage", true},
		{"001 关键节点: 内线", salesbot.StageDiscovery, func(*salesbot.Lead) {}, "a coach (inside contact) recorded", false},
		{"001 关键节点: 内线", salesbot.StageDiscovery, func(l *salesbot.Lead) { l.Stakeholders = []salesbot.Stakeholder{coach} }, "a coach (inside contact) recorded", true},
		{"000 交流: 排除实力较弱的竞争者", salesbot.StageDiscovery, func(*salesbot.Lead) {}, "the competition known", false},
		{"001 关键节点: 影响采购标准", salesbot.StageDemo, func(*salesbot.Lead) {}, "the key criteria known", false},
		{"000 报价单要经过主管的审核签字", salesbot.StageQuote, func(*salesbot.Lead) {}, "a quote signed off by a manager", false},
		{"000 报价单要经过主管的审核签字", salesbot.StageQuote, func(l *salesbot.Lead) {
			l.Quotes = []salesbot.Quote{{Version: 1, Status: salesbot.QuoteApproved}}
		}, "a quote signed off by a manager", true},
		{"000 报价单要经过主管的审核签字 (pending)", salesbot.StageQuote, func(l *salesbot.Lead) {
			l.Quotes = []salesbot.Quote{{Version: 1, Status: salesbot.QuotePending}}
		}, "a quote signed off by a manager", false},
		{"000 客户的疑虑排除", salesbot.StageObjections, func(l *salesbot.Lead) { l.LastTouch = after }, "the objections raised logged and answered (a touch logged at this stage)", true},
		{"002 关系要做高", salesbot.StageObjections, func(l *salesbot.Lead) {
			p := eb
			p.ContactDepth = salesbot.DepthBrief
			l.Stakeholders = []salesbot.Stakeholder{p}
		}, "the economic buyer met more than briefly", false},
	} {
		l := newLead(t, "Acme", salesbot.GradeA)
		l.Stage, l.StageSince, l.Facts = tc.stage, since, map[salesbot.KeyFact]salesbot.Fact{}
		tc.set(l)
		found := false
		for _, m := range salesbot.Milestones(l, tc.stage) {
			if m.Item == tc.item {
				found = true
				if m.Met != tc.met || m.Fix == "" || m.Seed == "" {
					t.Errorf("%s: %q met %v (fix %q); want %v", tc.seed, tc.item, m.Met, m.Fix, tc.met)
				}
			}
		}
		if !found {
			t.Errorf("%s: no item %q at %s", tc.seed, tc.item, tc.stage)
		}
	}
}

// TestGateUnmet: a forward move is gated by the items of the stage it
// leaves; a move back never is.
func TestGateUnmet(t *testing.T) {
	l := newLead(t, "Acme", salesbot.GradeA)
	if got := salesbot.GateUnmet(l, salesbot.StageFirstVisit); len(got) != 1 || got[0].Item != "the need known" {
		t.Errorf("leaving lead: %+v", got)
	}
	l.Stage = salesbot.StageDemo
	if got := salesbot.GateUnmet(l, salesbot.StageDiscovery); got != nil {
		t.Errorf("a move back is gated: %+v", got)
	}
	if r := salesbot.OverrideReason(salesbot.GateUnmet(l, salesbot.StageQuote)); r != "override: the key criteria known; the decision process known" {
		t.Errorf("override reason %q", r)
	}
}

// TestConfirmGradeAtFirstVisit: seed 000's first visit decides whether it
// is an A: the same grade given again there confirms it; elsewhere it is
// refused as before.
func TestConfirmGradeAtFirstVisit(t *testing.T) {
	l := newLead(t, "Acme", salesbot.GradeA)
	_, err := l.Regrade(rep, salesbot.GradeA, "", registered)
	wantCode(t, err, salesbot.EINVALID)
	l.Stage, l.StageSince = salesbot.StageFirstVisit, registered
	c, err := l.Regrade(rep, salesbot.GradeA, "met the CFO", registered.Add(salesbot.Day))
	if err != nil || c.From != "A" || c.To != "A" || l.GradeConfirmed.IsZero() {
		t.Fatalf("confirm: %+v, %v", c, err)
	}
	for _, m := range salesbot.Milestones(l, salesbot.StageFirstVisit) {
		if m.Item == "the grade confirmed or changed after the visit" && !m.Met {
			t.Error("the confirmed grade does not meet the first visit's milestone")
		}
	}
}

func TestParseGates(t *testing.T) {
	for in, want := range map[string]salesbot.Gates{"": salesbot.GatesApprove, "approve": salesbot.GatesApprove, "WARN": salesbot.GatesWarn, "off": salesbot.GatesOff} {
		if got, err := salesbot.ParseGates(in); err != nil || got != want {
			t.Errorf("ParseGates(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := salesbot.ParseGates("strict"); err == nil {
		t.Error("strict accepted")
	}
}

// TestGateUnmetAcrossASkip: a skip passes the checklists of the stages
// skipped too.
func TestGateUnmetAcrossASkip(t *testing.T) {
	l := newLead(t, "Acme", salesbot.GradeA)
	got := salesbot.GateUnmet(l, salesbot.StageDiscovery)
	items := map[string]bool{}
	for _, m := range got {
		items[m.Item] = true
	}
	if !items["the need known"] || !items["the budget known"] || !items["the grade confirmed or changed after the visit"] {
		t.Errorf("a skip from lead to discovery is gated by %v", items)
	}
	if len(items) != len(got) {
		t.Errorf("an item is listed twice: %+v", got)
	}
}

// TestConfirmedAIsNoLongerARisk: seed 000: once the first visit confirms
// the A, the "A not confirmed" risk goes.
func TestConfirmedAIsNoLongerARisk(t *testing.T) {
	l := newLead(t, "Acme", salesbot.GradeA)
	l.Stage, l.StageSince = salesbot.StageFirstVisit, registered
	later := registered.Add(30 * salesbot.Day)
	if _, ok := riskKinds(l, later)[salesbot.RiskAUnconfirmed]; !ok {
		t.Fatal("no A-unconfirmed risk before the confirmation")
	}
	if _, err := l.Regrade(rep, salesbot.GradeA, "", registered.Add(salesbot.Day)); err != nil {
		t.Fatal(err)
	}
	if _, ok := riskKinds(l, later)[salesbot.RiskAUnconfirmed]; ok {
		t.Error("the confirmed A is still a risk")
	}
}
