package i18n

// zhLadder is the Chinese of the escalation ladder (second reminder, the
// managers' message and its buttons) and of parked deals (/lead park).
var zhLadder = map[string]string{
	"%s is closed: there is nothing to remind anyone of.":           "%s 已关闭：没有需要提醒的跟进。",
	":raising_hand: <@%s> asks you to act on this follow-up today.": ":raising_hand: <@%s> 请你今天处理这条跟进。",
	"Your manager asks about %s":                                    "经理在询问 %s",
	":white_check_mark: <@%s> was reminded again by <@%s>.":         ":white_check_mark: <@%s> 已由 <@%s> 再次提醒。",
	"Reassign a lead": "重新分配客户",
	":bell: *Second reminder* — you were reminded of this follow-up %s and nothing was logged since. Log a visit, snooze it or regrade it; otherwise it goes to your manager.": ":bell: *第二次提醒* —— %s 已提醒过你这条跟进，此后没有任何记录。请记录拜访、推迟或重新分级；否则将上报你的经理。",
	"Second reminder: %s":             "第二次提醒：%s",
	"Escalated: %s (grade %s), <@%s>": "已上报：%s（%s 级），<@%s>",
	":rotating_light: *%s* (grade %s, %s) — <@%s> was reminded of this follow-up %s and has not acted on it.": ":rotating_light: *%s*（%s 级，%s）—— <@%s> %s 已收到这条跟进的提醒，至今未处理。",
	"Remind rep": "提醒销售",
	"Reassign…":  "重新分配…",
	"Only managers can act on an escalation.":                                                                                            "只有经理可以处理上报。",
	":alarm_clock: *%s* is awake again: its follow-ups and reminders are back.":                                                          ":alarm_clock: *%s* 已恢复：跟进和提醒重新开启。",
	"Until when? Write `/lead park %s until %s budget frozen until the new fiscal year`.":                                                "暂停到哪天？请写 `/lead park %s until %s 预算冻结到新财年`。",
	"%q is not a date. Write it as YYYY-MM-DD: `/lead park %s until %s [reason]`.":                                                       "%q 不是日期。请写成 YYYY-MM-DD：`/lead park %s until %s [原因]`。",
	":parking: *%s* is parked until %s: no reminders, staleness or escalation until then. A logged visit or `/lead unpark %s` wakes it.": ":parking: *%s* 已暂停到 %s：在此之前没有提醒、停滞风险和上报。记录一次拜访或 `/lead unpark %s` 可提前恢复。",
	"Reason: %s":                           "原因：%s",
	"Parking leads is not available here.": "这里不能暂停客户。",
	":parking: Parked until %s":            ":parking: 暂停到 %s",
	":parking: Parked until %s — %s":       ":parking: 暂停到 %s —— %s",
	"%s is not after today: a park lasts until a later day, such as until %s.":                                                                                              "%s 不晚于今天：暂停须到今天以后的某一天，例如到 %s。",
	"%s is more than a year ahead: a park lasts until %s at the latest.":                                                                                                    "%s 超过一年之后：暂停最晚只能到 %s。",
	"A grade D lead can be parked for %d days at most (until %s). One that must wait longer is lost for now: close it with /lead lost, or park it for less.":                "D 级客户最多暂停 %d 天（到 %s）。需要等更久的，眼下就是失败：请用 /lead lost 关闭，或暂停更短的时间。",
	"A grade %s lead can be parked for %d days at most (until %s). One that must wait longer is not a %s: regrade it to C or D instead (/lead grade), or park it for less.": "%s 级客户最多暂停 %d 天（到 %s）。需要等更久的就不是 %s 级：请改为重新分级到 C 或 D（/lead grade），或暂停更短的时间。",
	"%s is not parked.": "%s 没有暂停。",
	"• `/lead park <company> until <YYYY-MM-DD> [reason]` (暂停) silence its reminders, staleness and escalation until then · `/lead unpark <company>` (恢复) or a logged visit wakes it": "• `/lead park <公司> until <YYYY-MM-DD> [原因]`（暂停）在此之前不提醒、不算停滞、不上报 · `/lead unpark <公司>`（恢复）或记录一次拜访即恢复",
}
