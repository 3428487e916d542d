package i18n

// zhNotify is the Chinese of each person's notification choices
// (/salesbot notify): the morning batch, days off, the empty digest.
var zhNotify = map[string]string{
	"%q is not a way to be reminded: choose batch (one morning message) or each (as each falls due).":          "%q 不是提醒方式：请选 batch（每天早上一条汇总）或 each（每条到期时单独提醒）。",
	"%d is not an hour of the day: write 0 to 23, such as 8 for 08:00.":                                        "%d 不是一天中的钟点：请写 0 到 23，例如 8 表示 08:00。",
	"%s..%s is not a span of days: write the first day, then the last, such as 2026-12-24..2027-01-02.":        "%s..%s 不是日期区间：先写第一天，再写最后一天，例如 2026-12-24..2027-01-02。",
	"%s..%s is over already: days off start today or later.":                                                   "%s..%s 已经过去：休假须从今天或以后开始。",
	"%s is more than a year ahead: set days off up to %s.":                                                     "%s 超过一年之后：休假最晚只能设到 %s。",
	"%d spans of days off are more than %d: join adjacent days into one span, such as 2026-12-24..2027-01-02.": "%d 段休假超过了 %d 段上限：请把相邻的日子合成一段，例如 2026-12-24..2027-01-02。",
}
