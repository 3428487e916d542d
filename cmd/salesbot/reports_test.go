package main

import (
	"testing"
)

func TestConsoleReport(t *testing.T) {
	env, team := onRedis(t)
	s := runScript(t, env, []string{"--team", team, "--tz", "UTC", "--manager"},
		`/lead new 明达机械有限公司`,
		`/lead grade 明达 A selection starts`,
		`/visit 明达 met the CFO`,
		`/lead value 明达 180万`,
		`/salesbot report week`,
		`:as U0REP rep`,
		`/salesbot report month`,
	)
	mustContain(t, "report", s.reply(t, 4),
		"Preparing the report for the week from", "[message in C0CONSOLE]", "Sales report — the week from",
		"明达机械有限公司 — @U0CONSOLE · A · Lead · ¥1,800,000 · first touch "+today().String(),
		"⬆️ 明达机械有限公司 C→A",
		"[file salesbot-report-", ".csv, ", " bytes, saved as ",
		"`Company,Registered by,Owner,Grade,Stage,Registered,First touch,Value,Currency,Close date,Probability (%),Forecast category`")
	mustContain(t, "a rep", s.reply(t, 6), "⛔", "Reports are for managers")
}
