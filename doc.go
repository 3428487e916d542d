// Package salesbot is the sales method the bot encodes: leads and their grades,
// stages, key facts, stakeholders and visits, and the rules that bind them
// (ownership, cadences, stage moves). It imports nothing of Slack or Redis;
// the store, handlers and bot packages are adapters around it.
//
// The workflows of the method are declared beside what they work on, one
// interface each (DigestService in digest.go, ReportService in report.go …).
// Package service implements them once over the store; the Slack handlers,
// the scheduler's cron jobs and the console are thin callers that parse,
// call one service and render. A rule such as who may do what, what a
// change implies, what is due or who hears of it lives behind these
// interfaces, never in a caller.
package salesbot
