package i18n

// zhProfile is the Chinese of lead sources, the company profile and the
// message shortcuts (Log as visit, Register as lead).
var zhProfile = map[string]string{
	"%q is not a lead source. Use one of: inbound (来电), referral (介绍), event (展会), phone (电话), web (网络), press (广告), canvass (扫街), association (协会), relationship (关系), upgrade (增购) or other (其他).": "%q 不是线索来源。请用：inbound（来电）、referral（介绍）、event（展会）、phone（电话）、web（网络）、press（广告）、canvass（扫街）、association（协会）、relationship（关系）、upgrade（增购）或 other（其他）。",

	// Sources.
	"Which source? e.g. `/lead source %s event`. Use one of: inbound (来电), referral (介绍), event (展会), phone (电话), web (网络), press (广告), canvass (扫街), association (协会), relationship (关系), upgrade (增购) or other (其他).":                 "哪个来源？例如 `/lead source %s 展会`。可用：inbound（来电）、referral（介绍）、event（展会）、phone（电话）、web（网络）、press（广告）、canvass（扫街）、association（协会）、relationship（关系）、upgrade（增购）或 other（其他）。",
	"Which source? Write it after source:, e.g. `source: event`. Use one of: inbound (来电), referral (介绍), event (展会), phone (电话), web (网络), press (广告), canvass (扫街), association (协会), relationship (关系), upgrade (增购) or other (其他).": "哪个来源？写在 来源: 之后，例如 `来源: 展会`。可用：inbound（来电）、referral（介绍）、event（展会）、phone（电话）、web（网络）、press（广告）、canvass（扫街）、association（协会）、relationship（关系）、upgrade（增购）或 other（其他）。",
	"%s's source is %s already.":         "%s 的来源已经是 %s。",
	":pushpin: *%s* — source: %s.":       ":pushpin: *%s* — 来源：%s。",
	":pushpin: Source: %s":               ":pushpin: 来源：%s",
	"*Source*: %s":                       "*来源*：%s",
	"Source (how the lead came)":         "来源 Source（客户信息的收集方式）",
	"Notes (the rough need)":             "备注 Notes（大致需求）",
	"What they need, as far as you know": "目前了解到的需求",
	"Kept as the lead's Need key fact.":  "记为该客户的“需求”关键信息。",
	":warning: The lead is registered, but its notes were not kept: %s": ":warning: 客户已登记，但备注未能保存：%s",
	":memo: Need: %s": ":memo: 需求：%s",

	// The company profile.
	"*%s*: `%s`": "*%s*：`%s`",
	"*%s*: %s":   "*%s*：%s",
	":grey_question: Missing from the profile: %s — `/lead profile %s %s=…`": ":grey_question: 基本资料还缺：%s — `/lead profile %s %s=…`",
	"*Company*":        "*公司基本资料*",
	"Profile":          "基本资料",
	"Machinery / 机械制造": "机械制造 / Machinery",
	"Suzhou / 苏州":      "苏州 / Suzhou",
	"1 Xinghu Street":  "星湖街 1 号",
	"Company profile":  "公司基本资料",
	"Company profiles are not set up on this bot.": "本机器人未启用公司基本资料。",
	":clipboard: *%s* — profile updated (%s).":     ":clipboard: *%s* — 基本资料已更新（%s）。",
	"Write each field as key=value after the company, e.g. industry=machinery size=100-500 region=Suzhou; %q is not one.": "在公司名之后按 键=值 填写各项，例如 行业=机械 规模=100-500 地区=苏州；%q 不是这种写法。",
	"Which fields? Write them as key=value, e.g. industry=machinery size=100-500 region=Suzhou website=acme.com.":         "要填哪些项？按 键=值 填写，例如 行业=机械 规模=100-500 地区=苏州 网站=acme.com。",
	"Which size? Write a headcount, a revenue band or both, e.g. size=100-500 or size=\"200人/5000万\".":                    "规模是多少？写人数、营业额区间或两者，例如 规模=100-500 或 规模=\"200人/5000万\"。",
	"The %s is given twice; give it once.": "%s 写了两次；只写一次。",
	"%q is not a profile field. Use industry=, headcount=, revenue=, size=, region=, address= or website= (行业= 人数= 营业额= 规模= 地区= 地址= 网站=).": "%q 不是基本资料的项目。可用 行业= 人数= 营业额= 规模= 地区= 地址= 网站=（或 industry=, headcount=, revenue=, size=, region=, address=, website=）。",
	"The %s has characters that cannot be shown. Type it on one line, as plain text.":                                                      "%s 含有无法显示的字符。请在一行内以纯文本输入。",
	"%q is not a headcount. Write a number of people or a range, e.g. 200, 100-500 or 100–500人.":                                           "%q 不是人数。请写人数或区间，例如 200、100-500 或 100–500人。",
	"%q is not a revenue band. Write a figure or a range, e.g. 5000万-1亿 or $20M.":                                                          "%q 不是营业额区间。请写金额或区间，例如 5000万-1亿 或 $20M。",
	"%q is not a website. Write its address, e.g. acme.com or https://www.acme.com.":                                                       "%q 不是网站地址。请写网址，例如 acme.com 或 https://www.acme.com。",
	"%s's profile already says that; nothing changed.":                                                                                     "%s 的基本资料已经是这样，没有改动。",

	// Help.
	"• `/lead new <company> [A|B|C|D] [source: <source>]` with where it came from (来源): inbound, referral, event, phone, web, press, canvass, association, relationship, upgrade or other · `/lead source <company> <source>` change it":          "• `/lead new <company> [A|B|C|D] [来源: <来源>]` 登记时注明信息来源：来电/上门、介绍、展会、电话、网络、广告、扫街、协会、关系、增购或其他 · `/lead source <company> <来源>` 修改来源",
	"• `/lead profile <company> industry=… size=… region=… address=… website=…` (行业= 规模= 地区= 地址= 网站=) the company's basic data; size= takes a headcount (100-500) and/or a revenue band (5000万-1亿), \"…\" for spaces, - clears (alone: the form)": "• `/lead profile <company> 行业=… 规模=… 地区=… 地址=… 网站=…`（也可用 industry= size= region= address= website=）公司基本资料；规模= 可写人数（100-500）和/或营业额区间（5000万-1亿），有空格时加引号 \"…\"，写 - 清空（只写公司名：打开表单）",
	"*Message shortcuts* (on any message, ⋮ → More message shortcuts) · *Log as visit* opens the visit form with the message as its notes and the lead it names · *Register as lead* opens the new-lead form with the company it names":           "*消息快捷方式*（任意消息上 ⋮ → 更多消息快捷方式）· *Log as visit（记为拜访）* 打开拜访表单，备注为该消息，客户按消息中提到的你的客户猜测 · *Register as lead（登记为客户）* 打开新客户表单，公司名取自消息",

	// The report's and the forecast's split by source.
	"*/salesbot forecast* `[period] [@rep|all] by source` (按来源) the same forecast split by where each lead came from · `/salesbot report` has a *By source* section: leads brought, reaching A, won and their value": "*/salesbot forecast* `[期间] [@rep|all] by source`（按来源）按客户来源拆分同一预测 · `/salesbot report` 含 *按来源* 一节：带来的客户、升至 A 级、成交及金额",
	"%s · %d open, %d won": "%s · 未结 %d，成交 %d",
	"*By source* — the period's deals by where their lead came from": "*按来源* — 本期交易按客户来源拆分",
	"• *%s*: %d new (%d open) · %d reached A · %d won":               "• *%s*：新增 %d（仍在跟进 %d）· 升至 A 级 %d · 成交 %d",
	"*By source* — leads brought, reaching A, won":                   "*按来源*（有效度与覆盖度）— 带来的客户、升至 A 级、成交",
}

// zhProfileTerms are the words of sources and profile fields as the card,
// the report and the forms show them.
var zhProfileTerms = map[string]string{
	"Inbound": "来电/上门", "Referral": "介绍", "Event": "活动/展会", "Phone": "电话行销", "Web": "网络",
	"Press and ads": "广告", "Canvassing": "扫街", "Association": "行业协会", "Relationship": "关系",
	"Upgrade": "旧客户增购", "Other": "其他", "Unknown": "未知",
	"Industry": "行业", "Headcount": "人数", "Revenue": "营业额", "Region": "地区", "Address": "地址", "Website": "网站",
	"industry": "行业", "headcount": "人数", "revenue": "营业额", "region": "地区", "address": "地址", "website": "网站",
}

func init() {
	for en, zh := range zhProfileTerms {
		if _, ok := zhTerms[en]; !ok {
			zhTerms[en] = zh
		}
	}
}
