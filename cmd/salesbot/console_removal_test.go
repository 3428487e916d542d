package main

import (
	"testing"
)

// TestConsoleRemoval: in the console, the lead's owner removes a person's
// record and the card says so; a rep is refused /lead delete, and a
// manager deletes the lead through its confirmation's Delete button.
func TestConsoleRemoval(t *testing.T) {
	env, team := onRedis(t)
	s := runScript(t, env, []string{"--team", team},
		`/lead new Kappa B`,
		`/stance Kappa "Wang Li" eb high +1`,
		`/stance remove Kappa "Wang Li"`,
		`/lead show Kappa`,
		`/lead delete Kappa`,
		`:as U0BOSS manager`,
		`/lead delete Kappa`,
		`:click 1`,
		`/lead show Kappa`,
	)
	mustContain(t, "removed", s.reply(t, 2), "Wang Li's record is removed from Kappa")
	mustContain(t, "card", s.reply(t, 3), "A person's record was removed by @U0CONSOLE")
	mustContain(t, "rep refused", s.reply(t, 4), "Only managers can delete a lead")
	mustContain(t, "confirmation", s.reply(t, 6), "Delete Kappa for good?", "Owner @U0CONSOLE · grade B", "[1] Delete  [2] Cancel")
	mustContain(t, "deleted", s.reply(t, 7), "Kappa is deleted")
	mustContain(t, "gone", s.reply(t, 8), `No lead is called "Kappa"`)
}
