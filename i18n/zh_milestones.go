package i18n

// zhMilestones is the Chinese of the stage milestones (关键节点, DOMAIN.md
// §5); the items themselves are domain words, in zhTerms.
var zhMilestones = map[string]string{
	":grey_question: Not met: %s.":                                     ":grey_question: 尚未达成：%s。",
	":memo: Moved on past unmet milestones (kept in the history): %s.": ":memo: 已越过未达成的关键节点推进（记入历史）：%s。",
	":warning: Not yet done before leaving the stage: %s.":             ":warning: 离开本阶段前尚未完成：%s。",
	"*To leave %s*":       "*离开%s阶段前*",
	"Reconsider the lead": "重新评估这个客户",
	"%s cannot be closed as won yet: %s. Do that first, or ask a manager to close it.": "%s 还不能关闭为签约：%s。请先完成，或请经理关闭。",
}
