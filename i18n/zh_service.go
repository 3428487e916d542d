package i18n

// zhService is the Chinese of the messages the service layer and its store
// word themselves (salesbot.Errorf in service/ and store/): who may see or
// change a deal, a forecast, a target or a review, and the store's refusals.
var zhService = map[string]string{
	// service/deals.go
	"Nothing to change: give the deal's value, its expected close date or its forecast category.":                                 "没有要修改的内容：请填写商机的预计金额、预计成交日期或销售预测分类。",
	"Nothing changed: %s's deal already has that value, close date and forecast category.":                                        "没有变化：%s 的商机已经是这个预计金额、预计成交日期和销售预测分类。",
	"Why does the deal leave the forecast? Give a short reason, such as \"budget moved to next year\" or \"chose a competitor\".": "商机为什么移出销售预测？请简要写明原因，例如“预算推到明年”或“选了竞争对手”。",

	// service/forecast.go
	"Which period? Name it as month, quarter, next-month, next-quarter, YYYY-MM (2026-12) or YYYY-Qn (2026-Q4).": "哪个周期？请写 month（本月）、quarter（本季度）、next-month（下月）、next-quarter（下季度）、YYYY-MM（2026-12）或 YYYY-Qn（2026-Q4）。",
	"Only managers see other reps' forecasts and the team's; you can see your own forecast.":                     "只有经理能查看其他销售和团队的销售预测；你可以查看自己的销售预测。",
	"Only a manager sets targets; ask your manager to set this one.":                                             "目标只能由经理设置；请让你的经理来设置。",
	"Which period is the target for? Write YYYY-MM (2026-12) for a month or YYYY-Qn (2026-Q4) for a quarter.":    "目标是哪个周期的？按月请写 YYYY-MM（2026-12），按季度请写 YYYY-Qn（2026-Q4）。",
	"A target is an amount above zero, such as 500k, 180万 or 2M USD.":                                            "目标是大于零的金额，例如 500k、180万 或 2M USD。",

	// service/review.go
	"Only managers review the reps' pipelines; you can see your own review.": "只有经理可以做销售的管道复盘；你可以查看自己的管道复盘。",
	"Only managers see another rep's pipeline review; you can see your own.": "只有经理能查看其他销售的管道复盘；你可以查看自己的。",
	"Whose review? Name the rep.":                                            "谁的管道复盘？请指定销售。",

	// store: leads, requests to managers and reminders
	"%s is already registered.":                                        "%s 已被报备。",
	"A lead with ID %s exists already.":                                "ID 为 %s 的客户已存在。",
	"No such lead":                                                     "没有这个客户",
	"That request is gone. Ask again with /lead stage.":                "这个申请已不存在。请用 /lead stage 重新申请。",
	"A reminder is marked handled by someone, about one of its leads.": "跟进提醒要由具体的人针对其中一个客户标记为已处理。",
	"The bot does not remember that message.":                          "机器人已没有那条消息的记录。",
	"That reminder was sent to someone else.":                          "这条跟进提醒是发给别人的。",
	"That reminder is not about this lead.":                            "这条跟进提醒与这个客户无关。",
}
