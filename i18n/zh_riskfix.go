package i18n

// zhRiskfix is the Chinese of the buttons that fix a risk (issue 11): each
// opens the form resolving it, filled in.
var zhRiskfix = map[string]string{
	"Add a coach":            "添加内线",
	"Add the economic buyer": "添加拍板人",
	"Log visit with %s":      "记录与 %s 的拜访",
	"Update stakeholder":     "更新客户角色",
	"Update %s":              "更新 %s",
	"Record key facts":       "记录关键信息",
	"Update the schedule":    "更新时间表",
	"Regrade to %s":          "改为 %s 级",
	"Move stage":             "推进阶段",
	"Update the close date":  "更新预计成交日期",
	"Update the deal":        "更新商机",
}
