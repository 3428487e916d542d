package handlers

import (
	"strings"
	"testing"

	"salesbot/i18n"
)

// TestHelpIsComposedOfTranslatedLines checks the help a user reads: the
// English as it has always read, every command of INTERFACE.md the bot has
// in it, and every line of it in Chinese.
func TestHelpIsComposedOfTranslatedLines(t *testing.T) {
	const wantLead = "*/lead* — your leads\n" +
		"• `/lead new <company>` register a lead (you own it if no one has it yet)\n" +
		"• `/lead grade <company> <A|B|C|D> [reason]` grade it: A closes within 3 months, B 4–6, C 7–12, D later\n" +
		"• `/lead stage <company> <stage>` move it: lead → first-visit → discovery → demo → quote → objections → negotiation\n" +
		"• `/lead won <company>` · `/lead lost <company> [reason]` close it\n" +
		"• `/lead show <company>` the lead card · `/lead map <company>` its people by influence and support\n" +
		"• `/lead list [A|B|C|D] [@rep|all]` your pipeline\n" +
		"• `/lead key <company> <schedule|budget|need|decision|competition|criteria> <text>` record a key fact\n" +
		"• `/lead assign <company> @rep` (managers) · `/lead pool` lost leads open to be claimed\n" +
		"• `/lead value <company> <amount>` the deal's value: 180万, ¥1.8M, 1.2亿, $400k, 1,800,000 CNY\n" +
		"• `/lead close-by <company> <YYYY-MM-DD|YYYY-MM>` the expected close (a later date is a slip) · `/lead forecast <company> <commit|best|pipeline|omit>` its forecast category\n" +
		"• `/lead qualify <company> [exists=… compete=… win=… worth=…]` seed 003's four questions, each yes, no or unknown (alone: the form) · `/lead rival <company> \"<vendor>\" [ahead|even|behind] [notes]` a competitor\n" +
		"• `/lead park <company> until <YYYY-MM-DD> [reason]` (暂停) silence its reminders, staleness and escalation until then · `/lead unpark <company>` (恢复) or a logged visit wakes it\n" +
		"• `/lead delete <company>` (managers) delete a lead registered by mistake, with its history and indexes, after a confirmation\n" +
		"• `/lead inbound <company> [source] [notes]` anyone: an inbound inquiry (来询) for the managers to assign, e.g. `/lead inbound Acme 来电 wants a quote` · `/lead inbound list` (managers) what waits\n" +
		"• `/lead new <company> [A|B|C|D] [source: <source>]` with where it came from (来源): inbound, referral, event, phone, web, press, canvass, association, relationship, upgrade or other · `/lead source <company> <source>` change it\n" +
		"• `/lead profile <company> industry=… size=… region=… address=… website=…` (行业= 规模= 地区= 地址= 网站=) the company's basic data; size= takes a headcount (100-500) and/or a revenue band (5000万-1亿), \"…\" for spaces, - clears (alone: the form)\n" +
		"Names with spaces go in quotes: \"Acme Industrial\", “华为技术”, 「東京商事」. Each command alone opens a form."
	const wantHelp = "*salesbot* keeps your leads, visits and stakeholders, and reminds you when a lead is due.\n" +
		wantLead + "\n\n" +
		"*/visit* `<company> [YYYY-MM-DD] [notes] [kind:<kind>] [met: \"Name\", \"Name\"] [next: YYYY-MM-DD step]` log a touch (today if no date), its kind (visit, call, demo, event, message, news, case, reference, greeting) and who you met\n" +
		"*/stance* `<company> \"<person>\" <eb|tb|user|coordinator|coach> <high|medium|low> <-3…+3> [approver|decision-maker|evaluator|influencer|gatekeeper] [none|brief|several|deep] [innovator|visionary|pragmatist|conservative|laggard] [notes] [wins: <personal wins>]` where someone stands\n" +
		"*/stance remove* `<company> \"<person>\"` (the lead's owner or a manager) remove one person's record, and their name from the lead's history, visits and notes\n" +
		"*/quote* `<company> <amount> [discount <n>%] [notes]` a quote version, sent to the managers to sign off (two above the discount limit)\n" +
		"*/concede* `<company> <what we give> for <what we get>` (or `… 换取 …`) log a concession in objections or negotiation: each smaller than the last, none for nothing\n" +
		"*/followups* your due and overdue follow-ups\n" +
		"*Message shortcuts* (on any message, ⋮ → More message shortcuts) · *Log as visit* opens the visit form with the message as its notes and the lead it names · *Register as lead* opens the new-lead form with the company it names\n" +
		"*/salesbot* `help` · `digest` (managers: the digest now) · `report week|month|last-week|last-month` (managers: the report, with a CSV file) · `managers` · `managers add @user` (managers) · `lang zh|en` your language\n" +
		"*/salesbot forecast* `[month|quarter|next-month|next-quarter|YYYY-MM|YYYY-Qn] [@rep|all]` won, commit, best case, pipeline, weighted, target and coverage, with charts (this quarter if no period; yours, or any rep's or the team's for managers)\n" +
		"*/salesbot forecast* `[period] [@rep|all] by source` (按来源) the same forecast split by where each lead came from · `/salesbot report` has a *By source* section: leads brought, reaching A, won and their value\n" +
		"*/salesbot target* `<@rep|team> <YYYY-MM|YYYY-Qn> <amount>` (managers) a target · *`/salesbot review [@rep]`* the weekly pipeline review now, by direct message\n" +
		"*/salesbot notify* `[batch [0-23|start] | each | off <YYYY-MM-DD..YYYY-MM-DD, …> | off none | digest quiet|skip]` how your reminders come: one morning message or each as it falls due, its hour, your days off (alone: the form) · `/salesbot touches [C|D <action>; <action> | C|D default]` the maintenance actions reminders suggest (managers set them)\n" +
		"*/salesbot managers* lists who has manager rights · `managers add @user` grants them · `managers remove @user` withdraws them (managers and workspace admins; those set in SALESBOT_MANAGERS stay)\n" +
		"*/salesbot team* lists who leads whom · `team @manager @rep1 @rep2` sets the reps a manager leads: their approvals, escalations, reviews and digests go to that manager · `team @manager none` a manager who sees everyone (managers and workspace admins)\n" +
		"*/salesbot import* (managers) leads from an .xlsx or .csv file: a dry run first, then Import · *`/salesbot export`* (managers) every lead, person, visit and change as an .xlsx workbook, by direct message"
	if got := leadHelp(i18n.En); got != wantLead {
		t.Errorf("/lead help in English:\n%s\nwant:\n%s", got, wantLead)
	}
	help := salesbotHelp(i18n.En)
	if help != wantHelp {
		t.Errorf("/salesbot help in English:\n%s\nwant:\n%s", help, wantHelp)
	}
	for _, command := range []string{
		"/lead new <company>", "/lead grade <company> <A|B|C|D> [reason]", "/lead stage <company> <stage>",
		"/lead won <company>", "/lead lost <company> [reason]", "/lead show <company>", "/lead list [A|B|C|D] [@rep|all]",
		"/lead assign <company> @rep", "/lead key <company> <schedule|budget|need|decision|competition|criteria> <text>",
		"*/visit* `<company> [YYYY-MM-DD] [notes]", "*/stance* `<company> \"<person>\" <eb|tb|user|coordinator|coach> <high|medium|low> <-3…+3>",
		"/lead map <company>", "/lead pool", "*/followups*",
		"*/salesbot* `help`", "`digest`", "`managers add @user`", "`report week|month", "`lang zh|en`",
		"/lead value <company> <amount>", "/lead close-by <company> <YYYY-MM-DD|YYYY-MM>", "/lead forecast <company> <commit|best|pipeline|omit>",
		"*/salesbot forecast*", "*/salesbot target*", "/salesbot review [@rep]", "*/quote*",
		"*/salesbot forecast*", "*/salesbot target*", "/salesbot review [@rep]",
		"*/concede* `<company> <what we give> for <what we get>`", "/lead qualify <company> [exists=… compete=… win=… worth=…]",
		"/lead rival <company> \"<vendor>\" [ahead|even|behind] [notes]",
		"*/salesbot team*", "`team @manager @rep1 @rep2`", "`team @manager none`", "*/salesbot import*", "/salesbot export",
		"/lead delete <company>", "*/stance remove* `<company> \"<person>\"`",
		"/lead new <company> [A|B|C|D] [source: <source>]", "/lead source <company> <source>", "/lead profile <company> industry=…", "*Log as visit*", "*Register as lead*",
		"/lead park <company> until <YYYY-MM-DD> [reason]", "/lead unpark <company>",
		"/lead inbound <company> [source] [notes]",
	} {
		if !strings.Contains(help, command) {
			t.Errorf("the help lacks %q", command)
		}
	}

	for name, zh := range map[string]string{"/lead help": leadHelp(i18n.Zh), "/salesbot help": salesbotHelp(i18n.Zh)} {
		en := leadHelp(i18n.En)
		if name == "/salesbot help" {
			en = help
		}
		enLines, zhLines := strings.Split(en, "\n"), strings.Split(zh, "\n")
		if len(enLines) != len(zhLines) {
			t.Fatalf("%s: %d lines in English, %d in Chinese:\n%s", name, len(enLines), len(zhLines), zh)
		}
		for i, line := range enLines {
			if line != "" && zhLines[i] == line {
				t.Errorf("%s: line %d is not translated: %q", name, i+1, line)
			}
		}
	}
	if zh := salesbotHelp(i18n.Zh); !strings.Contains(zh, leadHelp(i18n.Zh)) {
		t.Errorf("the Chinese /salesbot help does not include /lead's:\n%s", zh)
	}
}
