package i18n

// zhInbound is the Chinese of the inbound queue (/lead inbound): inquiries
// recorded by anyone and assigned by the managers.
var zhInbound = map[string]string{
	// The domain and the store.
	"Which company called? Write `/lead inbound <company> [source] [notes]`, e.g. `/lead inbound Acme 来电 wants a quote for 200 seats`; a name with spaces goes in quotes: `/lead inbound \"Acme Industrial\" referral`.":                                        "是哪家公司来询？请写 `/lead inbound <公司> [来源] [备注]`，例如 `/lead inbound 明达机械 来电 想要200个用户的报价`；名称中有空格时请加引号：`/lead inbound \"Acme Industrial\" 介绍`。",
	"A company name can't be a mention, channel or link (%s). Write `/lead inbound <company> [source] [notes]`, e.g. `/lead inbound Acme 来电 wants a quote for 200 seats`; a name with spaces goes in quotes: `/lead inbound \"Acme Industrial\" referral`.":     "公司名称不能是提及、频道或链接（%s）。请写 `/lead inbound <公司> [来源] [备注]`，例如 `/lead inbound 明达机械 来电 想要200个用户的报价`；名称中有空格时请加引号：`/lead inbound \"Acme Industrial\" 介绍`。",
	"Is the company %q? Put a name with spaces in quotes: `/lead inbound \"%s\" %s …`. If it is %q, give the source right after it: `/lead inbound %s inbound %s …`.":                                                                                           "公司是 %q 吗？名称中有空格时请加引号：`/lead inbound \"%s\" %s …`。如果公司是 %q，请紧跟着写来源：`/lead inbound %s inbound %s …`。",
	"%q is a lead source, not a company: the company comes first. Write `/lead inbound <company> [source] [notes]`, e.g. `/lead inbound Acme 来电 wants a quote for 200 seats`; a name with spaces goes in quotes: `/lead inbound \"Acme Industrial\" referral`.": "%q 是客户来源，不是公司：公司要写在最前面。请写 `/lead inbound <公司> [来源] [备注]`，例如 `/lead inbound 明达机械 来电 想要200个用户的报价`；名称中有空格时请加引号：`/lead inbound \"Acme Industrial\" 介绍`。",
	"`/lead inbound list` takes nothing after it. A company called %q goes in quotes: `/lead inbound \"%s\" …`.":                                                                                                                                                "`/lead inbound list` 后面不跟别的内容。名为 %q 的公司请加引号：`/lead inbound \"%s\" …`。",
	"%q is not a lead source.": "%q 不是客户来源。",
	"The inquiry from %s is closed: it was registered as %s's lead first.":                           "%s 的来询已关闭：它已先被报备为 %s 的客户。",
	"The inquiry from %s was already taken by %s.":                                                   "%s 的来询已由 %s 接手。",
	"The inquiry from %s was already assigned to %s by %s.":                                          "%[1]s 的来询已由 %[3]s 分配给 %[2]s。",
	"Only managers assign inbound inquiries (the director assigns leads that came in on their own).": "只有经理能分配来询（被动获得的客户由营销总监指定）。",
	"Assign the inquiry from %s to whom? Choose a rep.":                                              "%s 的来询分配给谁？请选择一位销售。",
	"Only managers see the inbound queue; they assign what is in it.":                                "只有经理能查看来询队列，并分配其中的来询。",
	"An inquiry from %s is waiting already.":                                                         "%s 的来询已在等待分配。",
	"%s is a lead already.":                                                                          "%s 已是客户。",
	"That inquiry is no longer in the queue.":                                                        "该来询已不在队列中。",
	"The inbound queue is not set up on this bot.":                                                   "此机器人未启用来询队列。",

	// Sources, as messages name them (DOMAIN.md §8).
	"inbound call or walk-in":       "来电/上门",
	"referral":                      "介绍",
	"event or trade show":           "活动/展会",
	"phone campaign":                "电话行销",
	"the web":                       "网络",
	"press and ads":                 "广告",
	"canvassing":                    "扫街",
	"industry association":          "行业协会",
	"relationship":                  "关系",
	"existing customer buying more": "旧客户增购",
	"other source":                  "其他来源",

	// Recording an inquiry.
	":inbox_tray: The inquiry from *%s* (%s) is recorded and sent to the managers to assign (managers told: %d). Inbound leads get the fastest follow-up.":                ":inbox_tray: 已记录 *%s* 的来询（%s），并已发给 %d 位经理分配；来询客户要最快跟进。",
	":hourglass_flowing_sand: An inquiry from *%s* is waiting already (recorded by <@%s> %s): the managers have it, and nothing new was queued.":                          ":hourglass_flowing_sand: *%s* 的来询已在等待分配（<@%s> 于 %s 记录）：经理们已收到，这次没有重复排队。",
	":warning: The inquiry from *%s* is queued, but no one has manager rights to assign it. Ask your admin to set SALESBOT_MANAGERS.":                                     ":warning: *%s* 的来询已排队，但没有人有经理权限来分配。请管理员设置 SALESBOT_MANAGERS。",
	":warning: I could not reach any manager about the inquiry from *%s*. It waits in the queue (`/lead inbound list`); ask your admin to check SALESBOT_MANAGERS.":       ":warning: 无法把 *%s* 的来询发给任何经理。它仍在队列中（`/lead inbound list`）；请管理员检查 SALESBOT_MANAGERS。",
	":information_source: *%s* is already your lead, so nothing was queued. Log the inquiry as a touch: `/visit %s <notes>`.":                                             ":information_source: *%s* 已经是你的客户，所以没有排队。请把这次来询记为一次跟进：`/visit %s <备注>`。",
	":recycle: *%s* was lost by <@%s> and is in the pool, so nothing was queued. I've told the managers, who can give it to a rep again.":                                 ":recycle: *%s* 由 <@%s> 跟丢，已在客户池中，所以没有排队。我已告诉经理们，经理可以把它重新分配给销售。",
	":lock: *%s* is already a lead: <@%s>'s since %s. The first to register owns a lead, so nothing was queued; I've told <@%s> a new inquiry came in.":                   ":lock: *%s* 已是客户：自 %[3]s 起由 <@%[2]s> 负责。先报备者负责，所以没有排队；我已告诉 <@%[4]s> 有新的来询。",
	":telephone_receiver: A new inquiry came in for your lead *%s* (%s), recorded by <@%s>.":                                                                              ":telephone_receiver: 你的客户 *%s* 有新的来询（%s），由 <@%s> 记录。",
	":telephone_receiver: A new inquiry came in for *%s* (%s), recorded by <@%s>. It was lost by <@%s> and is in the pool: give it to a rep with `/lead assign %s @rep`.": ":telephone_receiver: *%s* 有新的来询（%s），由 <@%s> 记录。它由 <@%s> 跟丢，在客户池中：用 `/lead assign %s @销售` 分配给一位销售。",

	// The managers' message, its buttons and what every copy reads once settled.
	":telephone_receiver: *Inbound inquiry: %s* (%s), recorded by <@%s> %s. Assign it to a rep, or take it.":                                                          ":telephone_receiver: *来询：%s*（%s），由 <@%s> 于 %s 记录。请分配给一位销售，或由你接手。",
	":alarm_clock: *Still unassigned: %s* (%s) has waited since %s (recorded by <@%s>). Inbound leads deserve the fastest follow-up: assign it to a rep, or take it.": ":alarm_clock: *仍未分配：%s*（%s）自 %s 起一直在等待（由 <@%s> 记录）。来询客户要最快跟进：请分配给一位销售，或由你接手。",
	"Assign…": "分配…",
	"Take it": "我来接手",
	":lock: The inquiry from *%s* is closed: it was registered as <@%s>'s lead before it was assigned.": ":lock: *%s* 的来询已关闭：分配之前它已被报备为 <@%s> 的客户。",
	":white_check_mark: The inquiry from *%s* (%s): taken by <@%s>.":                                    ":white_check_mark: *%s* 的来询（%s）：已由 <@%s> 接手。",
	":white_check_mark: The inquiry from *%s* (%s): assigned to <@%s> by <@%s>.":                        ":white_check_mark: *%[1]s* 的来询（%[2]s）：已由 <@%[4]s> 分配给 <@%[3]s>。",

	// Assigning: the manager's reply, the rep's message.
	":lock: *%s* became <@%s>'s lead (registered %s) before the inquiry was assigned, so the inquiry is closed and its owner hears of it.": ":lock: 在分配之前，*%s* 已成为 <@%s> 的客户（%s 报备），所以这条来询已关闭，并已通知负责人。",
	":handshake: *%s* is <@%s>'s lead now; its first touch is due by %s (their time). I've told them.":                                     ":handshake: *%s* 现在是 <@%s> 的客户；首次跟进须在 %s（对方当地时间）之前完成。我已通知对方。",
	":inbox_tray: You have a new inbound lead: *%s* (%s), assigned by <@%s>. First touch due by %s.":                                       ":inbox_tray: 你有一个新的来询客户：*%s*（%s），由 <@%s> 分配。首次跟进须在 %s 之前完成。",
	":inbox_tray: You took the inquiry from *%s* (%s): it is your lead now. First touch due by %s.":                                        ":inbox_tray: 你接手了 *%s* 的来询（%s）：它现在是你的客户。首次跟进须在 %s 之前完成。",
	"Recorded by <@%s> %s · `/lead show %s` has its card":                                                                                  "由 <@%s> 于 %s 记录 · `/lead show %s` 查看客户卡片",
	"Choose the rep to give the inquiry to.":                                                                                               "请选择接手这条来询的销售。",
	"%s is not a rep (a bot or a deactivated account): choose a person who sells.":                                                         "%s 不是销售（是机器人或已停用的账号）：请选择一位做销售的人。",

	// The help line, the list and the forms.
	"• `/lead inbound <company> [source] [notes]` anyone: an inbound inquiry (来询) for the managers to assign, e.g. `/lead inbound Acme 来电 wants a quote` · `/lead inbound list` (managers) what waits": "• `/lead inbound <公司> [来源] [备注]` 任何人：记录一条来询，由经理分配，例如 `/lead inbound 明达机械 来电 想要报价` · `/lead inbound list`（经理）查看等待分配的来询",
	":inbox_tray: No inbound inquiry is waiting.": ":inbox_tray: 没有等待分配的来询。",
	"*Inbound queue* — %d waiting, oldest first":  "*来询队列* — %d 条等待分配，最早的在前",
	"Inbound inquiry":         "来询",
	"Record":                  "记录",
	"Source (how it came in)": "来源 Source（怎么来的）",
	"Notes (what they want, who to call back)":  "备注 Notes（对方要什么、回电找谁）",
	"Wants a quote for 200 seats; call Ms Wang": "想要200个用户的报价；回电找王女士",
	"*%s* (%s), recorded by <@%s>.":             "*%s*（%s），由 <@%s> 记录。",
	"Rep (who follows it up)":                   "销售（由谁跟进）",
	"Assign an inquiry":                         "分配来询",
}
