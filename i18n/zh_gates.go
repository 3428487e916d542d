package i18n

// zhGates is the catalog of the risks as the method states them (DOMAIN.md
// §3, §5): the devil as the map draws it, a second economic buyer, an A not
// confirmed by a first visit, and the decision roles with seed 003's 评估人.
var zhGates = map[string]string{
	"%s (%s, %s influence) is against us (%s): find out why and who can turn them.":                                                               "%s（%s，%s影响力）反对我们（%s）：弄清原因，找到能扭转其态度的人。",
	"%s are all recorded as economic buyer, and a project usually has only one: which of them has the final say and owns the budget?":             "%s 都记录为拍板人，而通常一个项目只有一位：究竟谁最后拍板、掌控预算？",
	"Graded A and still at %s %d days after it was registered: the first visit is where an A is confirmed. Visit, then keep or change the grade.": "登记 %[2]d 天后仍是 A 级、仍停留在「%[1]s」：初访就是为了确定是不是 A 级客户。请去拜访，然后确认或调整等级。",
	"%q is not a decision role. Use approver, decision-maker (dm), evaluator, influencer or gatekeeper.":                                          "%q 不是决策角色。请用 approver（批准者）、decision-maker / dm（决策者）、evaluator（评估人）、influencer（影响者）或 gatekeeper（把关者）。",
}
