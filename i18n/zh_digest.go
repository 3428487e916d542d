package i18n

// zhDigest is the Chinese of the exceptions-only digest (what changed since
// the manager's last one, standing risks as a count with Show all, the
// quiet day's one line) and of the risk news each rep is told once.
var zhDigest = map[string]string{
	"The follow-up has been due since %s.":                    "跟进自 %s 起已到期。",
	":pushpin: Standing risks, reported before: %d":           ":pushpin: 此前已报告、仍未解决的风险：%d 项",
	":warning: New risks (%d), below":                         ":warning: 新出现的风险（%d 项），见下",
	"(closed as %s)":                                          "（已%s）",
	"(now %s)":                                                "（现为 %s 级）",
	":white_check_mark: Resolved":                             ":white_check_mark: 已解决",
	":rotating_light: Escalated":                              ":rotating_light: 已升级",
	"%s (the rep nudged again)":                               "%s（已再次提醒销售）",
	"%s (to the managers)":                                    "%s（已上报经理）",
	":calendar: Close dates slipped":                          ":calendar: 预计成交日期推迟",
	":zzz: Parked: *%s* (%s) until %s":                        ":zzz: 暂停跟进：*%s*（%s），至 %s",
	"<@%s>'s risks now (%d)":                                  "<@%s> 当前的风险（%d 项）",
	"<@%s> has no risks on open A or B leads now.":            "<@%s> 的 A、B 级在跟客户目前没有风险。",
	"_…and more: each rep's leads are in `/lead list @rep`._": "_……还有更多：每位销售的客户见 `/lead list @rep`。_",
	"New risks on your leads (%d)":                            "你的客户出现了新风险（%d 项）",
	"Each risk is told once, when it appears; it stays on the lead's card until it is fixed.": "每项风险只在出现时提醒一次；解决之前会一直显示在客户卡片上。",
	"_…and more: each lead's risks are on its card._":                                         "_……还有更多：每个客户的风险见其卡片。_",
	"A rep's risks in the digest are for managers; your own are on your leads' cards.":        "简报中销售的风险只供经理查看；你自己的风险在你的客户卡片上。",
	"%s is not in your team: their manager sees their risks.":                                 "%s 不在你的团队：由其经理查看其风险。",
	":sunny: Quiet day: nothing changed since %s · open leads: %d · standing risks: %d":       ":sunny: 平静的一天：自 %s 以来没有变化 · 在跟客户：%d · 未解决风险：%d",
	"Changes since %s · open leads: %d · visits: %d · new leads: %d · stage moves: %d":        "自 %s 以来的变化 · 在跟客户：%d · 拜访：%d · 新客户：%d · 阶段变更：%d",
	// The kinds of risk in a few words (a risk resolved).
	"no economic buyer":               "没有拍板人",
	"a second economic buyer":         "出现第二位拍板人",
	"economic buyer met only briefly": "与拍板人仅暂短接触",
	"no coach":                        "没有内线",
	"a devil":                         "有魔鬼",
	"only low-influence people met":   "只接触了低影响力的人",
	"A not confirmed":                 "A 级未确认",
	"key facts missing":               "关键信息缺失",
	"grade against the schedule":      "等级与时间表不符",
	"follow-up overdue":               "跟进逾期",
	"stuck in its stage":              "停滞在当前阶段",
	"close date passed":               "预计成交日期已过",
	"called at risk":                  "被标为有风险",
	"…and %d more":                    "……还有 %d 个",
}
