// Package salesbot is the sales method the bot encodes: leads and their grades,
// stages, key facts, stakeholders and visits, and the rules that bind them
// (ownership, cadences, stage moves). It imports nothing of Slack or Redis;
// the store, handlers and bot packages are adapters around it.
package salesbot
