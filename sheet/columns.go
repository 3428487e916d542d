package sheet

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// col names a column the bot knows, whatever its header says.
type col int

// The columns of the Leads sheet (and of any leads file), then those of the
// Stakeholders, Visits, History and Audit sheets. colNone is a column the
// bot does not know.
const (
	colNone col = iota
	colID
	colCompany
	colOwner
	colGrade
	colStage
	colValue
	colCurrency
	colCloseBy
	colCategory
	colAtRisk
	colSlips
	colWonOn
	colSource
	colCreatedAt
	colCreatedBy
	colUpdatedAt
	colStageSince
	colLastTouch
	colNextStep
	colNextStepDue
	colDue
	colSnoozedUntil
	colClosedAt
	colLostReason
	colParkedUntil
	colParkReason
	colGradeConfirmed
	colIndustry
	colHeadcount
	colRevenue
	colRegion
	colAddress
	colWebsite
	colFacts
	colQuotes
	colConcessions
	colQualification
	colRivals
	colNotes

	// Stakeholders (with colID as the lead's ID and colCompany).
	colName
	colRole
	colInfluence
	colSupport
	colDecisionRole
	colContactDepth
	colAttitude
	colPersonalWins
	colLastMet
	colUpdatedBy
	colSupportHistory

	// Visits.
	colDate
	colKind
	colNextDate
	colMet
	colBy
	colLoggedAt

	// History and Audit.
	colAt
	colFrom
	colTo
	colReason
	colSubject
	colDetail

	numCols
)

// column is how a column is headed in the workbook Write makes, and the
// other names (English and Chinese) a file may head it with.
type column struct {
	id      col
	header  string
	aliases []string
	width   float64
}

// leadColumns are the Leads sheet's columns in the order Write writes them.
// A file to import needs only the company; every other column is optional.
var leadColumns = []column{
	{colID, "ID", []string{"lead id", "编号", "线索编号"}, 14},
	{colCompany, "Company", []string{"公司", "客户", "客户名称", "公司名称", "company name", "customer", "企业名称"}, 30},
	{colOwner, "Owner", []string{"负责人", "销售", "owner id", "销售人员", "业务员", "rep"}, 14},
	{colGrade, "Grade", []string{"分级", "级别", "等级", "客户分级"}, 8},
	{colStage, "Stage", []string{"阶段", "销售阶段"}, 14},
	{colValue, "Value", []string{"金额", "预计金额", "amount", "deal value", "商机金额"}, 16},
	{colCurrency, "Currency", []string{"币种", "货币"}, 10},
	{colCloseBy, "Close date", []string{"预计成交", "预计成交日期", "预计签约日期", "成交日期", "close by", "expected close"}, 12},
	{colCategory, "Forecast category", []string{"forecast", "预测类别", "预测"}, 12},
	{colAtRisk, "At risk", []string{"有风险", "风险"}, 8},
	{colSlips, "Slips", []string{"推迟次数"}, 8},
	{colWonOn, "Won on", []string{"签约日期"}, 12},
	{colSource, "Source", []string{"来源", "线索来源", "lead source"}, 12},
	{colCreatedAt, "Created at", []string{"created", "创建时间"}, 22},
	{colCreatedBy, "Created by", []string{"创建人"}, 14},
	{colUpdatedAt, "Updated at", []string{"updated", "更新时间"}, 22},
	{colStageSince, "Stage since", []string{"阶段开始"}, 22},
	{colLastTouch, "Last touch", []string{"上次跟进", "最近跟进", "上次联系", "last contact"}, 22},
	{colNextStep, "Next step", []string{"下一步"}, 30},
	{colNextStepDue, "Next step due", []string{"下一步日期", "下一步时间"}, 22},
	{colDue, "Follow-up due", []string{"下次跟进"}, 22},
	{colSnoozedUntil, "Snoozed until", []string{"延后至"}, 22},
	{colClosedAt, "Closed at", []string{"关闭时间"}, 22},
	{colLostReason, "Lost reason", []string{"失败原因"}, 24},
	{colParkedUntil, "Parked until", []string{"暂停至"}, 12},
	{colParkReason, "Park reason", []string{"暂停原因"}, 24},
	{colGradeConfirmed, "Grade confirmed", []string{"分级确认时间"}, 22},
	{colIndustry, "Industry", []string{"行业"}, 16},
	{colHeadcount, "Headcount", []string{"人数", "员工人数", "size"}, 10},
	{colRevenue, "Revenue", []string{"营业额", "营收"}, 14},
	{colRegion, "Region", []string{"地区", "区域"}, 12},
	{colAddress, "Address", []string{"地址"}, 30},
	{colWebsite, "Website", []string{"网站", "网址"}, 24},
	{colFacts, "Key facts (JSON)", []string{"key facts"}, 30},
	{colQuotes, "Quotes (JSON)", []string{"quotes"}, 30},
	{colConcessions, "Concessions (JSON)", []string{"concessions"}, 30},
	{colQualification, "Qualification (JSON)", []string{"qualification"}, 30},
	{colRivals, "Rivals (JSON)", []string{"rivals"}, 30},
	{colNotes, "Notes", []string{"备注", "note"}, 30},
}

// stakeholderColumns are the Stakeholders sheet's columns.
var stakeholderColumns = []column{
	{colID, "Lead ID", []string{"id"}, 14},
	{colCompany, "Company", []string{"公司"}, 30},
	{colName, "Name", []string{"姓名"}, 16},
	{colRole, "Role", []string{"角色"}, 12},
	{colInfluence, "Influence", []string{"影响力"}, 10},
	{colSupport, "Support", []string{"支持度"}, 8},
	{colDecisionRole, "Decision role", []string{"决策角色"}, 14},
	{colContactDepth, "Contact depth", []string{"接触深度"}, 12},
	{colAttitude, "Attitude", []string{"态度"}, 12},
	{colPersonalWins, "Personal wins", []string{"个人赢"}, 24},
	{colLastMet, "Last met", []string{"上次见面"}, 22},
	{colNotes, "Notes", []string{"备注"}, 30},
	{colUpdatedBy, "Updated by", []string{"更新人"}, 14},
	{colUpdatedAt, "Updated at", []string{"更新时间"}, 22},
	{colSupportHistory, "Support history (JSON)", []string{"support history"}, 30},
}

// visitColumns are the Visits sheet's columns.
var visitColumns = []column{
	{colID, "Lead ID", []string{"id"}, 14},
	{colCompany, "Company", []string{"公司"}, 30},
	{colDate, "Date", []string{"日期"}, 12},
	{colKind, "Kind", []string{"方式"}, 10},
	{colNotes, "Notes", []string{"备注"}, 40},
	{colNextStep, "Next step", []string{"下一步"}, 30},
	{colNextDate, "Next date", []string{"下一步日期"}, 12},
	{colMet, "Met", []string{"见了"}, 20},
	{colBy, "By", []string{"记录人"}, 14},
	{colLoggedAt, "Logged at", []string{"记录时间"}, 22},
}

// historyColumns are the History sheet's columns.
var historyColumns = []column{
	{colID, "Lead ID", []string{"id"}, 14},
	{colCompany, "Company", []string{"公司"}, 30},
	{colKind, "Kind", []string{"类型"}, 12},
	{colBy, "By", []string{"操作人"}, 14},
	{colAt, "At", []string{"时间"}, 22},
	{colFrom, "From", []string{"从"}, 16},
	{colTo, "To", []string{"到"}, 16},
	{colReason, "Reason", []string{"原因"}, 30},
}

// auditColumns are the Audit sheet's columns.
var auditColumns = []column{
	{colKind, "Kind", nil, 14},
	{colAt, "At", nil, 22},
	{colBy, "By", nil, 14},
	{colID, "Lead ID", nil, 14},
	{colCompany, "Company", nil, 30},
	{colSubject, "Subject", nil, 20},
	{colDetail, "Detail", nil, 40},
}

// The workbook's sheets.
const (
	sheetLeads        = "Leads"
	sheetStakeholders = "Stakeholders"
	sheetVisits       = "Visits"
	sheetHistory      = "History"
	sheetAudit        = "Audit"
)

// headerKey folds a header for matching: width, case, spaces and the
// punctuation people put between words do not count.
func headerKey(s string) string {
	s = strings.ToLower(norm.NFKC.String(s))
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '_' || r == '-' || r == '.' || r == '*' || r == ':' || r == '：' || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, s)
}

// index maps folded headers to columns.
type index map[string]col

func indexOf(cols []column) index {
	ix := index{}
	for _, c := range cols {
		ix[headerKey(c.header)] = c.id
		for _, a := range c.aliases {
			if _, taken := ix[headerKey(a)]; !taken {
				ix[headerKey(a)] = c.id
			}
		}
	}
	return ix
}

var (
	leadIndex        = indexOf(leadColumns)
	stakeholderIndex = indexOf(stakeholderColumns)
	visitIndex       = indexOf(visitColumns)
	historyIndex     = indexOf(historyColumns)
)

// layout is where each known column of a sheet is: the cell index and the
// header as the file writes it.
type layout struct {
	at     [numCols]int // index into a row, -1 when the column is missing
	header [numCols]string
}

// match reads a header row: the first column headed with each known name
// counts, the others are ignored.
func match(header []string, ix index) *layout {
	l := &layout{}
	for i := range l.at {
		l.at[i] = -1
	}
	for i, h := range header {
		c, ok := ix[headerKey(unguard(h))]
		if !ok || l.at[c] >= 0 {
			continue
		}
		l.at[c], l.header[c] = i, strings.TrimSpace(h)
	}
	return l
}

// has reports whether the sheet has the column.
func (l *layout) has(c col) bool { return l.at[c] >= 0 }

// cell is the row's cell in column c, trimmed and with Write's formula
// guard taken off; "" when the column or the cell is missing.
func (l *layout) cell(row []string, c col) string {
	i := l.at[c]
	if i < 0 || i >= len(row) {
		return ""
	}
	return unguard(strings.TrimSpace(row[i]))
}

// guard prefixes text that a spreadsheet would run as a formula (=, +, -,
// @, or a tab or carriage return before one) with an apostrophe, so that
// an exported cell is only ever text (CSV or formula injection). Text that
// already starts with apostrophes before such a character gets one more,
// so that unguard gives every text back as it was.
func guard(s string) string {
	if risky(s) {
		return "'" + s
	}
	return s
}

// unguard takes guard's apostrophe off.
func unguard(s string) string {
	if strings.HasPrefix(s, "'") && risky(s) {
		return s[1:]
	}
	return s
}

func risky(s string) bool {
	t := strings.TrimLeft(s, "'")
	if t == "" {
		return false
	}
	switch t[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}
