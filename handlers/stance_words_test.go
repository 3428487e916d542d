package handlers

import (
	"testing"

	"salesbot"
)

// TestParseStanceTakesTheManualsWords: /stance takes seed 003's evaluator
// (评估人) as a decision role and the Chinese interface's own words for the
// technical buyer, the contact depths and the attitudes.
func TestParseStanceTakesTheManualsWords(t *testing.T) {
	cases := []struct {
		seed     string
		text     string
		role     salesbot.Role
		decision salesbot.DecisionRole
		depth    salesbot.ContactDepth
		attitude salesbot.Attitude
	}{
		{"003 E evaluator", `"Wang Li" tb high +1 evaluator`, salesbot.RoleTechnicalBuyer, salesbot.DecisionEvaluator, "", ""},
		{"003 E 评估人", `"Wang Li" tb 中 0 评估人 暂短接触 前瞻者`, salesbot.RoleTechnicalBuyer, salesbot.DecisionEvaluator, salesbot.DepthBrief, salesbot.AttitudeVisionary},
		{"002 技术选型人, unquoted name", `李工 技术选型人 高 -1 评估者 多次接触 滞后者`, salesbot.RoleTechnicalBuyer, salesbot.DecisionEvaluator, salesbot.DepthSeveral, salesbot.AttitudeLaggard},
		{"003 改革者 深入接触", `"Zhao" user low +2 改革者 深入接触`, salesbot.RoleUser, "", salesbot.DepthDeep, salesbot.AttitudeInnovator},
	}
	for _, c := range cases {
		toks, err := tokens(c.text)
		if err != nil {
			t.Fatal(err)
		}
		s, err := parseStance(toks)
		if err != nil {
			t.Errorf("%s: %q: %v", c.seed, c.text, err)
			continue
		}
		if s.Role != c.role || s.DecisionRole != c.decision || s.ContactDepth != c.depth || s.Attitude != c.attitude || s.Notes != "" {
			t.Errorf("%s: %q read as role %q, decision %q, depth %q, attitude %q, notes %q", c.seed, c.text, s.Role, s.DecisionRole, s.ContactDepth, s.Attitude, s.Notes)
		}
	}
}
