package i18n

// zhRemoval is the Chinese of removing data: /stance remove and /lead
// delete.
var zhRemoval = map[string]string{}
