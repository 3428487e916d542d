package i18n

// zhTransfer is the Chinese of /salesbot import and /salesbot export.
var zhTransfer = map[string]string{}
