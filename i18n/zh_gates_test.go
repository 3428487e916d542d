package i18n_test

import (
	"strings"
	"testing"

	"salesbot"
	"salesbot/i18n"
)

// TestManualsOwnWords: the Chinese interface names the domain's values with
// the manuals' own words.
func TestManualsOwnWords(t *testing.T) {
	tests := []struct {
		seed    string
		english string
		want    string
	}{
		{"003 组织结构分析图: 暂短接触", salesbot.DepthBrief.Name(), "暂短接触"},
		{"003 暂短接触 (the value as typed)", string(salesbot.DepthBrief), "暂短接触"},
		{"003 多次接触", salesbot.DepthSeveral.Name(), "多次接触"},
		{"003 深入接触", salesbot.DepthDeep.Name(), "深入接触"},
		{"003 I 改革者", salesbot.AttitudeInnovator.Name(), "改革者"},
		{"003 V 前瞻者", salesbot.AttitudeVisionary.Name(), "前瞻者"},
		{"003 P 实用主义者", salesbot.AttitudePragmatist.Name(), "实用主义者"},
		{"003 C 保守者", salesbot.AttitudeConservative.Name(), "保守者"},
		{"003 L 滞后者", salesbot.AttitudeLaggard.Name(), "滞后者"},
		{"003 E 评估人", salesbot.DecisionEvaluator.Name(), "评估人"},
		{"000 把关者 is the gatekeeper's", salesbot.DecisionGatekeeper.Name(), "把关者"},
		{"002 +1 有好感", salesbot.Support(1).Meaning(), "有好感"},
		{"002 0 中间", salesbot.Support(0).Meaning(), "中间"},
		{"002 −1 没兴趣", salesbot.Support(-1).Meaning(), "没兴趣"},
		{"002 −2 反对", salesbot.Support(-2).Meaning(), "反对"},
		{"002 Technical Buyer: not the gatekeeper's word", salesbot.RoleTechnicalBuyer.Name(), "技术选型人"},
	}
	for _, tt := range tests {
		if got := i18n.Word(i18n.Zh, tt.english); got != tt.want {
			t.Errorf("%s: %q reads %q, want %q", tt.seed, tt.english, got, tt.want)
		}
	}
	// The technical buyer's word is a role the parser takes back.
	if r, err := salesbot.ParseRole(i18n.Word(i18n.Zh, salesbot.RoleTechnicalBuyer.Name())); err != nil || r != salesbot.RoleTechnicalBuyer {
		t.Errorf("the technical buyer's Chinese does not parse as tb: %q, %v", r, err)
	}
	// 把关 belongs to the gatekeeper: no other role or decision role uses it.
	for _, r := range salesbot.Roles {
		if w := i18n.Word(i18n.Zh, r.Name()); strings.Contains(w, "把关") {
			t.Errorf("role %s reads %q, the gatekeeper's word", r, w)
		}
	}
	// The words as typed parse back to the values they name.
	for _, d := range salesbot.ContactDepths {
		if got, err := salesbot.ParseContactDepth(i18n.Word(i18n.Zh, d.Name())); err != nil || got != d {
			t.Errorf("depth %s: its Chinese parses as %q, %v", d, got, err)
		}
	}
	for _, a := range salesbot.Attitudes {
		if got, err := salesbot.ParseAttitude(i18n.Word(i18n.Zh, a.Name())); err != nil || got != a {
			t.Errorf("attitude %s: its Chinese parses as %q, %v", a, got, err)
		}
	}
	for _, d := range salesbot.DecisionRoles {
		if got, err := salesbot.ParseDecisionRole(i18n.Word(i18n.Zh, d.Name())); err != nil || got != d {
			t.Errorf("decision role %s: its Chinese parses as %q, %v", d, got, err)
		}
	}
}
