package i18n

// zhInbound is the Chinese of the inbound queue (/lead inbound): inquiries
// recorded by anyone and assigned by the managers.
var zhInbound = map[string]string{}
