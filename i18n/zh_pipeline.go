package i18n

// zhPipeline is the Chinese of the manager's pipeline: deal value, close
// date, forecast, targets and the weekly review (DOMAIN.md §7).
var zhPipeline = map[string]string{}
