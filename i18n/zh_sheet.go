package i18n

// zhSheet is the Chinese of reading an imported leads file (package sheet):
// why a file is refused, and what is wrong with a row or a cell.
var zhSheet = map[string]string{
	"%s is %s; files up to %s can be imported. Split it into smaller files, or leave out columns the bot does not need.":                                            "%s 有 %s，最大只能导入 %s。请拆成几个小文件，或删掉用不到的列。",
	"%s is an old Excel file (.xls) or a workbook with a password. Open it, remove any password and save it as Excel Workbook (.xlsx), then import that.":           "%s 是旧版 Excel 文件（.xls）或设有密码的工作簿。请打开它，去掉密码，另存为 Excel 工作簿（.xlsx）后再导入。",
	"%s is not a file type the bot reads. Open it and save it as Excel Workbook (.xlsx) or CSV UTF-8.":                                                              "无法读取 %s 这种文件类型。请打开后另存为 Excel 工作簿（.xlsx）或 CSV UTF-8。",
	"%s is not a spreadsheet. Import an Excel workbook (.xlsx) or a CSV file (.csv).":                                                                               "%s 不是电子表格。请导入 Excel 工作簿（.xlsx）或 CSV 文件（.csv）。",
	"The file has no company column (its first row has: %s). Head the column of company names \"Company\" or \"公司\" in the first row, and try again.":               "文件中没有公司列（第一行是：%s）。请在第一行把公司名称那一列的标题写成“公司”或“Company”，再试一次。",
	"The file has more than %d rows of leads (%d or more); up to %d can be imported at once. Split it into files of %d rows or fewer.":                              "文件中的客户超过 %d 行（至少 %d 行）；一次最多导入 %d 行。请拆成每个不超过 %d 行的文件。",
	"The file cannot be read as CSV (%s). Save it from Excel as CSV UTF-8, or as an Excel workbook (.xlsx).":                                                        "无法按 CSV 读取该文件（%s）。请在 Excel 中另存为 CSV UTF-8 或 Excel 工作簿（.xlsx）。",
	"The file is empty. Put a header row (Company, Owner, Grade …) and a row per lead in it.":                                                                       "文件是空的。请写一行标题（公司、负责人、分级……），每个客户一行。",
	"The file's text is in an encoding the bot cannot read. In Excel, save it as \"CSV UTF-8\" or as an Excel workbook (.xlsx), and import that.":                   "文件的文字编码无法识别。请在 Excel 中另存为“CSV UTF-8”或 Excel 工作簿（.xlsx）后再导入。",
	"The file is not a spreadsheet. Import an Excel workbook (.xlsx) or a CSV file saved from Excel.":                                                               "该文件不是电子表格。请导入 Excel 工作簿（.xlsx）或从 Excel 保存的 CSV 文件。",
	"The workbook unpacks to more than %s, which no leads file needs (it may be a zip bomb). Copy the leads into a new workbook, save it as .xlsx and import that.": "该工作簿解压后超过 %s，客户文件不需要这么大（可能是压缩炸弹）。请把客户数据复制到新的工作簿，另存为 .xlsx 后再导入。",
	"Cell %s holds a formula; the bot does not run formulas. Copy the column and paste its values instead (Paste Special → Values).":                                "单元格 %s 是公式；机器人不计算公式。请复制该列并“选择性粘贴 → 数值”。",
	"%q is not a date. Write dates as YYYY-MM-DD, e.g. 2026-01-15 (2026/1/15 and 2026年1月15日 work too).":                                                             "%q 不是日期。日期请写成 YYYY-MM-DD，例如 2026-01-15（也可写 2026/1/15 或 2026年1月15日）。",
	"%q is not a date or a time. Write dates as YYYY-MM-DD, e.g. 2026-01-15 (2026/1/15 and 2026年1月15日 work too). A time may follow: 2026-01-15 14:30.":              "%q 不是日期或时间。日期请写成 YYYY-MM-DD，例如 2026-01-15（也可写 2026/1/15 或 2026年1月15日），后面可以跟时间：2026-01-15 14:30。",
	"%q is not a date. Write YYYY-MM-DD (2026-01-15) or YYYY-MM for a month's last day (2026-01).":                                                                  "%q 不是日期。请写 YYYY-MM-DD（2026-01-15），或写 YYYY-MM 表示该月最后一天（2026-01）。",
	"The visit has no date. Write dates as YYYY-MM-DD, e.g. 2026-01-15 (2026/1/15 and 2026年1月15日 work too).":                                                        "这条拜访没有日期。日期请写成 YYYY-MM-DD，例如 2026-01-15（也可写 2026/1/15 或 2026年1月15日）。",
	"The cell has characters that cannot be shown (control characters). Type it as plain text.":                                                                     "单元格中有无法显示的字符（控制字符）。请输入纯文本。",
	"%q should be one word, without spaces.":                                         "%q 应该是一个词，不能有空格。",
	"The cell is %d characters long; keep it under %d.":                              "单元格有 %d 个字符，请不要超过 %d 个。",
	"%q is not yes or no. Write yes or no (是/否), or leave it empty for no.":          "%q 不是“是”或“否”。请写 是/否（yes/no），空着表示否。",
	"%q is not a whole number from 0 to %d.":                                         "%q 不是 0 到 %d 之间的整数。",
	"%s already has %d stakeholders, as many as a lead keeps. Leave the others out.": "%s 已有 %d 位干系人，已达上限。其余的请删去。",
	"The change has no kind. Leave the History sheet as exported.":                   "这条变更没有类型。请保持“History”工作表导出时的样子。",
	"No lead of the Leads sheet has ID %q or company %q (or its row there has errors). Give the lead's ID or company as the Leads sheet writes it.": "“Leads”工作表中没有编号为 %q 或公司为 %q 的客户（或该行有错误）。请按“Leads”工作表填写客户编号或公司。",
	"The row names no person. Write the stakeholder's name, or delete the row.":                                                                     "这一行没有写人名。请填写干系人姓名，或删除该行。",
	"The cell does not hold what the export wrote in this column (%s). Leave it as exported, or empty it.":                                          "单元格内容与导出时写入的格式不符（%s）。请保持导出时的内容，或清空它。",
	"%s is a duplicate of row %d. Keep one row per company.":                                                                                        "%s 与第 %d 行重复。每个公司只保留一行。",
	"The row has no company. Write the company's name, or delete the row.":                                                                          "这一行没有公司。请填写公司名称，或删除该行。",
}
