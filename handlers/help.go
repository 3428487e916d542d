package handlers

import (
	"strings"

	"salesbot/i18n"
)

// leadHelp is /lead's usage: a heading, a line per family of sub-commands
// and how to write names. Each line is its own catalog entry, so that a
// sentence is translated once, here, wherever the usage is shown.
func leadHelp(lang i18n.Lang) string {
	t := func(line string) string { return i18n.T(lang, line) }
	return strings.Join([]string{
		t("*/lead* — your leads"),
		t("• `/lead new <company>` register a lead (you own it if no one has it yet)"),
		t("• `/lead grade <company> <A|B|C|D> [reason]` grade it: A closes within 3 months, B 4–6, C 7–12, D later"),
		t("• `/lead stage <company> <stage>` move it: lead → first-visit → discovery → demo → quote → objections → negotiation"),
		t("• `/lead won <company>` · `/lead lost <company> [reason]` close it"),
		t("• `/lead show <company>` the lead card · `/lead map <company>` its people by influence and support"),
		t("• `/lead list [A|B|C|D] [@rep|all]` your pipeline"),
		t("• `/lead key <company> <schedule|budget|need|decision|competition|criteria> <text>` record a key fact"),
		t("• `/lead assign <company> @rep` (managers) · `/lead pool` lost leads open to be claimed"),
		t("• `/lead value <company> <amount>` the deal's value: 180万, ¥1.8M, 1.2亿, $400k, 1,800,000 CNY"),
		t("• `/lead close-by <company> <YYYY-MM-DD|YYYY-MM>` the expected close (a later date is a slip) · `/lead forecast <company> <commit|best|pipeline|omit>` its forecast category"),
		t("• `/lead qualify <company> [exists=… compete=… win=… worth=…]` seed 003's four questions, each yes, no or unknown (alone: the form) · `/lead rival <company> \"<vendor>\" [ahead|even|behind] [notes]` a competitor"),
		t("• `/lead park <company> until <YYYY-MM-DD> [reason]` (暂停) silence its reminders, staleness and escalation until then · `/lead unpark <company>` (恢复) or a logged visit wakes it"),
		t("• `/lead delete <company>` (managers) delete a lead registered by mistake, with its history and indexes, after a confirmation"),
		t("• `/lead inbound <company> [source] [notes]` anyone: an inbound inquiry (来询) for the managers to assign, e.g. `/lead inbound Acme 来电 wants a quote` · `/lead inbound list` (managers) what waits"),
		t("• `/lead new <company> [A|B|C|D] [source: <source>]` with where it came from (来源): inbound, referral, event, phone, web, press, canvass, association, relationship, upgrade or other · `/lead source <company> <source>` change it"),
		t("• `/lead profile <company> industry=… size=… region=… address=… website=…` (行业= 规模= 地区= 地址= 网站=) the company's basic data; size= takes a headcount (100-500) and/or a revenue band (5000万-1亿), \"…\" for spaces, - clears (alone: the form)"),
		t("Names with spaces go in quotes: \"Acme Industrial\", “华为技术”, 「東京商事」. Each command alone opens a form."),
	}, "\n")
}

// salesbotHelp is `/salesbot help`: what the bot does, /lead's usage, and a
// line per other command.
func salesbotHelp(lang i18n.Lang) string {
	t := func(line string) string { return i18n.T(lang, line) }
	return strings.Join([]string{
		t("*salesbot* keeps your leads, visits and stakeholders, and reminds you when a lead is due."),
		leadHelp(lang),
		"",
		t("*/visit* `<company> [YYYY-MM-DD] [notes] [kind:<kind>] [met: \"Name\", \"Name\"] [next: YYYY-MM-DD step]` log a touch (today if no date), its kind (visit, call, demo, event, message, news, case, reference, greeting) and who you met"),
		t("*/stance* `<company> \"<person>\" <eb|tb|user|coordinator|coach> <high|medium|low> <-3…+3> [approver|decision-maker|evaluator|influencer|gatekeeper] [none|brief|several|deep] [innovator|visionary|pragmatist|conservative|laggard] [notes] [wins: <personal wins>]` where someone stands"),
		t("*/stance remove* `<company> \"<person>\"` (the lead's owner or a manager) remove one person's record, and their name from the lead's history, visits and notes"),
		t("*/quote* `<company> <amount> [discount <n>%%] [notes]` a quote version, sent to the managers to sign off (two above the discount limit)"),
		t("*/concede* `<company> <what we give> for <what we get>` (or `… 换取 …`) log a concession in objections or negotiation: each smaller than the last, none for nothing"),
		t("*/followups* your due and overdue follow-ups"),
		t("*Message shortcuts* (on any message, ⋮ → More message shortcuts) · *Log as visit* opens the visit form with the message as its notes and the lead it names · *Register as lead* opens the new-lead form with the company it names"),
		t("*/salesbot* `help` · `digest` (managers: the digest now) · `report week|month|last-week|last-month` (managers: the report, with a CSV file) · `managers` · `managers add @user` (managers) · `lang zh|en` your language"),
		t("*/salesbot forecast* `[month|quarter|next-month|next-quarter|YYYY-MM|YYYY-Qn] [@rep|all]` won, commit, best case, pipeline, weighted, target and coverage, with charts (this quarter if no period; yours, or any rep's or the team's for managers)"),
		t("*/salesbot forecast* `[period] [@rep|all] by source` (按来源) the same forecast split by where each lead came from · `/salesbot report` has a *By source* section: leads brought, reaching A, won and their value"),
		t("*/salesbot target* `<@rep|team> <YYYY-MM|YYYY-Qn> <amount>` (managers) a target · *`/salesbot review [@rep]`* the weekly pipeline review now, by direct message"),
		t("*/salesbot notify* `[batch [0-23|start] | each | off <YYYY-MM-DD..YYYY-MM-DD, …> | off none | digest quiet|skip]` how your reminders come: one morning message or each as it falls due, its hour, your days off (alone: the form) · `/salesbot touches [C|D <action>; <action> | C|D default]` the maintenance actions reminders suggest (managers set them)"),
		t("*/salesbot managers* lists who has manager rights · `managers add @user` grants them · `managers remove @user` withdraws them (managers and workspace admins; those set in SALESBOT_MANAGERS stay)"),
		t("*/salesbot team* lists who leads whom · `team @manager @rep1 @rep2` sets the reps a manager leads: their approvals, escalations, reviews and digests go to that manager · `team @manager none` a manager who sees everyone (managers and workspace admins)"),
		t("*/salesbot import* (managers) leads from an .xlsx or .csv file: a dry run first, then Import · *`/salesbot export`* (managers) every lead, person, visit and change as an .xlsx workbook, by direct message"),
	}, "\n")
}
