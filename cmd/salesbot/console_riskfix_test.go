package main

import (
	"testing"

	"salesbot"
)

// TestConsoleRiskButton: walking a deal in the console, the card offers the
// form fixing its risk: "no coach" opens the stakeholder form with the role
// Coach chosen, and saving it clears the risk (issue 11).
func TestConsoleRiskButton(t *testing.T) {
	env, team := onRedis(t)
	env["SALESBOT_GATES"] = "off" // the risk's button, not the milestones, is tested here
	s := runScript(t, env, []string{"--team", team},
		`/lead new Kappa B`,
		`/lead stage Kappa first-visit`,
		`/stance Kappa "Wang Li" eb high +1 deep`,
		`/lead show Kappa`,
		`:click 1`, // Add a coach
		``, `Chen Jun`, ``, ``, `2`, `1`, ``, ``, ``, ``,
	)
	mustContain(t, "card", s.reply(t, 3), "No coach (inside contact, 内线) on this account yet.", "[1] Add a coach")
	mustContain(t, "form", s.reply(t, 4), "── Stakeholder ──", "Company [Enter = Kappa]:", "Role [Enter = Coach]")
	l := leadNamed(t, team, "Kappa")
	if c, ok := l.Stakeholder("Chen Jun"); !ok || c.Role != salesbot.RoleCoach {
		t.Fatalf("the coach was not recorded through the risk's form: %+v", l.Stakeholders)
	}
}
