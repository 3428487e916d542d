package i18n

// zhRemoval is the Chinese of removing data: /stance remove and /lead
// delete.
var zhRemoval = map[string]string{
	"• `/lead delete <company>` (managers) delete a lead registered by mistake, with its history and indexes, after a confirmation":                                  "• `/lead delete <company>`（主管）删除误登记的客户及其历史和索引，删除前需确认",
	"*/stance remove* `<company> \"<person>\"` (the lead's owner or a manager) remove one person's record, and their name from the lead's history, visits and notes": "*/stance remove* `<company> \"<person>\"`（客户负责人或主管）删除某个人的记录，并从该客户的历史、拜访和备注中抹去其姓名",
	":white_check_mark: Cancelled: nothing was deleted.": ":white_check_mark: 已取消：没有删除任何内容。",
	":wastebasket: *%s* is deleted, with its history, visits and indexes; its name is free to register again. The audit log keeps that you deleted it.": ":wastebasket: *%s* 已删除，连同其历史、拜访记录和索引；该名称可以重新登记。审计日志记录了是你删除的。",
	"That lead was deleted by %s on %s.":                                                                                                                                                 "该客户已于 %[2]s 被 %[1]s 删除。",
	":wastebasket: A person's record was removed by <@%s> on %s.":                                                                                                                        ":wastebasket: <@%s> 于 %s 删除了一个人的记录。",
	"Whose record, on which lead? Write `/stance remove <company> \"<person>\"`, e.g. `/stance remove Acme \"Wang Li\"`.":                                                                "删除哪个客户的哪个人？请写 `/stance remove <company> \"<person>\"`，例如 `/stance remove Acme \"王力\"`。",
	"Whose record? Write `/stance remove %s \"Wang Li\"` with the name as the map shows it.":                                                                                             "删除谁的记录？请按关系图上的姓名写 `/stance remove %s \"王力\"`。",
	":wastebasket: %s's record is removed from *%s*, and their name from its history, visits and notes. The history keeps only that a person was removed, and by whom.":                  ":wastebasket: 已从 *%[2]s* 删除 %[1]s 的记录，其姓名也已从历史、拜访记录和备注中抹去。历史中只保留“有人被删除”以及由谁删除。",
	"Which lead? Write `/lead delete <company>`, e.g. `/lead delete Acme`.":                                                                                                              "删除哪个客户？请写 `/lead delete <company>`，例如 `/lead delete Acme`。",
	"`/lead delete` takes the company only: `/lead delete %s`.":                                                                                                                          "`/lead delete` 只需要公司名：`/lead delete %s`。",
	":warning: Delete *%s* for good?\nOwner <@%s> · grade %s · stage %s · visits: %d · people: %d\nIts history, visits and indexes go with it; the audit log keeps that you deleted it.": ":warning: 确定永久删除 *%s*？\n负责人 <@%s> · 等级 %s · 阶段 %s · 拜访：%d · 人员：%d\n其历史、拜访记录和索引将一并删除；审计日志会记录是你删除的。",
	"Delete": "删除",
	"Only %s's owner (%s) or a manager can remove a person's record from it.":                             "只有 %s 的负责人（%s）或主管可以删除其中某个人的记录。",
	"Only managers can delete a lead. If this one was registered by mistake, ask a manager to delete it.": "只有主管可以删除客户。如果这是误登记的，请让主管删除。",
	"Whose record? Put the person's name in quotes, as the map shows it.":                                 "删除谁的记录？请按关系图上的姓名加引号写出。",
	"No one called %s is recorded at %s. `/lead map` lists the people recorded.":                          "%[2]s 没有名为 %[1]s 的人员记录。`/lead map` 可列出已记录的人员。",
	"Removing data is not set up on this bot.":                                                            "本机器人未启用数据删除功能。",
}
