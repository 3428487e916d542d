package sheet

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"salesbot"
)

func TestCSVUTF8(t *testing.T) {
	data := "Company,Owner,Grade,Stage,Value,Close date,Source,Last touch,Next step,Notes\n" +
		"Acme Industrial,<@U123>,A,demo,¥1.8M,2026-03-31,referral,2026-01-15,send quote,met twice\n" +
		"华为,wang@example.com,b,初访,180万,2026年4月30日,展会,2026/1/15,,\n"
	f, err := Read("leads.csv", []byte(data), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Errors) != 0 || len(f.Records) != 2 || f.Rows != 2 {
		t.Fatalf("got %+v", f)
	}
	a, h := f.Records[0], f.Records[1]
	if a.Row != 2 || a.Lead.Company != "Acme Industrial" || a.OwnerRef != "<@U123>" || a.Lead.Grade != salesbot.GradeA ||
		a.Lead.Stage != salesbot.StageDemo || a.Lead.Value != (salesbot.Amount{Minor: 180000000, Currency: "CNY"}) ||
		a.Lead.CloseBy != (salesbot.Date{Year: 2026, Month: 3, Day: 31}) || a.Lead.Source != salesbot.SourceReferral ||
		a.Lead.NextStep != "send quote" || a.Notes != "met twice" || a.Lead.Owner != "" {
		t.Errorf("acme: %+v", a)
	}
	if h.Row != 3 || h.Lead.Grade != salesbot.GradeB || h.Lead.Stage != salesbot.StageFirstVisit ||
		h.Lead.Value != (salesbot.Amount{Minor: 180000000, Currency: "CNY"}) || h.Lead.CloseBy != (salesbot.Date{Year: 2026, Month: 4, Day: 30}) ||
		h.Lead.Source != salesbot.SourceEvent || h.Lead.LastTouch.Format("2006-01-02") != "2026-01-15" || h.OwnerRef != "wang@example.com" {
		t.Errorf("huawei: %+v", h)
	}
}

// chineseCSV is a file as Chinese Excel writes it: Chinese headers, and the
// columns in another order, with one the bot does not know.
const chineseCSV = "客户名称,负责人,级别,阶段,预计金额,预计成交日期,来源,上次跟进,下一步,备注,联系电话,行业,人数\r\n" +
	"北京明达科技有限公司,U123,A,交流,\"1,800,000\",2026-01,介绍,2026年1月15日,发报价,老客户介绍,13800000000,制造,200\r\n" +
	"上海华东机械,<@U456>,,,,,,,,,,,\r\n"

func checkChinese(t *testing.T, f *salesbot.ImportFile) {
	t.Helper()
	if len(f.Errors) != 0 || len(f.Records) != 2 {
		t.Fatalf("got %+v", f)
	}
	r := f.Records[0]
	l := r.Lead
	if l.Company != "北京明达科技有限公司" || r.OwnerRef != "U123" || l.Grade != salesbot.GradeA || l.Stage != salesbot.StageDiscovery ||
		l.Value != (salesbot.Amount{Minor: 180000000, Currency: "CNY"}) || l.CloseBy != (salesbot.Date{Year: 2026, Month: 1, Day: 31}) ||
		l.Source != salesbot.SourceReferral || l.LastTouch.Format("2006-01-02") != "2026-01-15" || l.NextStep != "发报价" ||
		r.Notes != "老客户介绍" || l.Profile.Industry != "制造" || l.Profile.Headcount != "200" {
		t.Errorf("first: %+v", r)
	}
	// No grade or stage: what /lead new gives.
	if s := f.Records[1]; s.Lead.Grade != salesbot.GradeC || s.Lead.Stage != salesbot.StageLead || s.OwnerRef != "<@U456>" || s.Row != 3 {
		t.Errorf("second: %+v", s)
	}
}

func TestCSVEncodings(t *testing.T) {
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(chineseCSV))
	if err != nil {
		t.Fatal(err)
	}
	gb18030, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(chineseCSV))
	if err != nil {
		t.Fatal(err)
	}
	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(chineseCSV))
	if err != nil {
		t.Fatal(err)
	}
	utf16be, err := unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(chineseCSV))
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"utf-8":     []byte(chineseCSV),
		"utf-8 bom": append([]byte{0xEF, 0xBB, 0xBF}, chineseCSV...),
		"gbk":       gbk,
		"gb18030":   gb18030,
		"utf-16le":  utf16,
		"utf-16be":  utf16be,
		"semicolon": []byte(strings.NewReplacer("\"1,800,000\"", "1800000", ",", ";").Replace(chineseCSV)),
		"tab":       []byte(strings.NewReplacer("\"1,800,000\"", "1,800,000", ",", "\t").Replace(chineseCSV)),
	} {
		t.Run(name, func(t *testing.T) {
			f, err := Read("客户.CSV", data, DefaultLimits())
			if err != nil {
				t.Fatal(err)
			}
			checkChinese(t, f)
		})
	}
}

func TestCSVHeaderMatching(t *testing.T) {
	// Case, width, spaces and underscores do not count.
	data := "  ＣＯＭＰＡＮＹ , CLOSE_DATE,last   touch,Next-Step\nAcme,2026-02-28,2026-01-15 14:30,call\n"
	f, err := Read("x.csv", []byte(data), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Records) != 1 || len(f.Errors) != 0 {
		t.Fatalf("got %+v", f)
	}
	l := f.Records[0].Lead
	if l.Company != "Acme" || l.CloseBy.String() != "2026-02-28" || l.LastTouch.Format("2006-01-02 15:04") != "2026-01-15 14:30" || l.NextStep != "call" {
		t.Errorf("lead %+v", l)
	}
}

func TestCSVRowNumbers(t *testing.T) {
	// A quoted cell over two lines is one row; a blank line is a row.
	data := "Company,Notes\n\"Acme\",\"line one\nline two\"\n\nGlobex,x\n,\nInitech,y\n"
	f, err := Read("x.csv", []byte(data), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	var rows []int
	for _, r := range f.Records {
		rows = append(rows, r.Row)
	}
	if len(rows) != 3 || rows[0] != 2 || rows[1] != 4 || rows[2] != 6 || f.Records[0].Notes != "line one\nline two" {
		t.Errorf("rows %v, notes %q", rows, f.Records[0].Notes)
	}
	if f.Rows != 3 {
		t.Errorf("Rows = %d, want 3 (empty rows are not counted)", f.Rows)
	}
}

func TestRowErrors(t *testing.T) {
	data := "Company,Grade,Close date,Value,Stage,Source\n" +
		"Acme,A,2026-03-31,¥1.8M,demo,web\n" + // row 2: good
		"Globex,E,2026-03-31,,,\n" + // row 3: bad grade
		"Initech,B,2026-02-30,,,\n" + // row 4: not a day
		"Umbrella,B,,\"1.234,5\",,\n" + // row 5: ambiguous amount
		"ACME Co.,B,,,,\n" + // row 6: duplicate of row 2
		"Hooli,B,soon,lots,won,tv\n" + // row 7: three bad cells
		",B,,,,\n" + // row 8: no company
		"Stark,,,,,\n" // row 9: good
	f, err := Read("x.csv", []byte(data), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if f.Rows != 8 {
		t.Errorf("Rows = %d", f.Rows)
	}
	var good []string
	for _, r := range f.Records {
		good = append(good, r.Lead.Company)
	}
	if strings.Join(good, ",") != "Acme,Stark" {
		t.Errorf("records %v", good)
	}
	want := []struct {
		row    int
		column string
		has    string
	}{
		{3, "Grade", "is not a grade"},
		{4, "Close date", "is not a date"},
		{5, "Value", "ambiguous"},
		{6, "Company", "duplicate of row 2"},
		{7, "Value", "no figure"},
		{7, "Close date", "is not a date"},
		{7, "Source", "not a lead source"},
		{8, "Company", "no company"},
	}
	if len(f.Errors) != len(want) {
		t.Fatalf("errors %+v", f.Errors)
	}
	for i, w := range want {
		e := f.Errors[i]
		if e.Row != w.row || e.Column != w.column || !strings.Contains(e.Message, w.has) || e.Sheet != "" || e.Format == "" {
			t.Errorf("error %d = %+v, want row %d column %s with %q", i, e, w.row, w.column, w.has)
		}
	}
}

func TestCSVRefusals(t *testing.T) {
	big := bytes.Repeat([]byte("a"), DefaultMaxBytes+1)
	var rows strings.Builder
	rows.WriteString("Company\n")
	for i := range DefaultMaxRows + 1 {
		rows.WriteString("Company " + strconv.Itoa(i) + "\n")
	}
	var exact strings.Builder
	exact.WriteString("Company\n")
	for i := range DefaultMaxRows {
		exact.WriteString("Company " + strconv.Itoa(i) + "\n")
	}
	for _, c := range []struct {
		name, file string
		data       []byte
		has        string
	}{
		{"over 5 MB", "big.csv", big, "files up to 5.0 MB"},
		{"10,001 rows", "rows.csv", []byte(rows.String()), "more than 10000 rows"},
		{"no company column", "x.csv", []byte("Name,Phone\nAcme,123\n"), `no company column (its first row has: "Name", "Phone")`},
		{"undecodable", "x.csv", []byte("Company\n\x81\x20\xff\xfe\x80\n"), "encoding"},
		{"binary", "x.csv", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "not a spreadsheet"},
		{"empty", "x.csv", []byte("\n\n"), "empty"},
		{"a pdf", "leads.pdf", []byte("%PDF-1.4"), "not a spreadsheet"},
		{"old xls", "leads.xls", []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, "old Excel file"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, err := Read(c.file, c.data, DefaultLimits())
			if err == nil || salesbot.ErrorCode(err) != salesbot.EINVALID || !strings.Contains(salesbot.ErrorMessage(err), c.has) {
				t.Fatalf("Read = %v, %v; want EINVALID with %q", f, err, c.has)
			}
		})
	}
	f, err := Read("exact.csv", []byte(exact.String()), DefaultLimits())
	if err != nil || len(f.Records) != DefaultMaxRows {
		t.Fatalf("10,000 rows: %v", err)
	}
}

func TestHostileCSV(t *testing.T) {
	long := strings.Repeat("长", 5000)
	data := "Company,Notes,Next step,Industry\n" +
		"=cmd|' /C calc'!A0,@SUM(1+1),+1,-2\n" + // formula-looking text is text
		"Acme\x07,ok,,\n" + // a control character in the company
		"Globex," + long + ",,\n" + // a very long note
		"Initech,\"unterminated\n"
	f, err := Read("x.csv", []byte(data), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Records) != 2 || f.Records[0].Lead.Company != "=cmd|' /C calc'!A0" || f.Records[0].Notes != "@SUM(1+1)" ||
		f.Records[0].Lead.NextStep != "+1" || f.Records[0].Lead.Profile.Industry != "-2" {
		t.Fatalf("records %+v", f.Records)
	}
	if len(f.Errors) != 2 || f.Errors[0].Row != 3 || f.Errors[1].Row != 4 || f.Errors[1].Column != "Notes" {
		t.Errorf("errors %+v", f.Errors)
	}
}

func TestDuplicateID(t *testing.T) {
	f, err := Read("x.csv", []byte("ID,Company\nL1,Acme\nL1,Globex\n,Initech\n"), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Records) != 2 || len(f.Errors) != 1 || f.Errors[0].Row != 3 || f.Errors[0].Column != "ID" || !strings.Contains(f.Errors[0].Message, "also row 2") {
		t.Errorf("got %+v", f)
	}
}

func TestCSVTitleRows(t *testing.T) {
	data := "2025 客户名单,,\n导出于 2025-12-31,,\n,,\n公司,级别,金额\n明达,A级,180万\n华东,c类客户,\n"
	f, err := Read("x.csv", []byte(data), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Records) != 2 || len(f.Errors) != 0 || f.Records[0].Row != 5 || f.Records[0].Lead.Grade != salesbot.GradeA || f.Records[1].Lead.Grade != salesbot.GradeC {
		t.Errorf("got %+v", f)
	}
	// Ten rows and no header: refused, naming the first.
	var many strings.Builder
	for range 11 {
		many.WriteString("Name,Phone\n")
	}
	if _, err := Read("x.csv", []byte(many.String()), DefaultLimits()); err == nil || !strings.Contains(salesbot.ErrorMessage(err), `"Name", "Phone"`) {
		t.Errorf("no header: %v", err)
	}
}

func TestCSVSeparatorAfterTitle(t *testing.T) {
	data := "客户名单 2025\n\n公司;金额;备注\n明达;1.5万;\"a;b, c\"\n"
	f, err := Read("x.csv", []byte(data), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Records) != 1 || f.Records[0].Lead.Company != "明达" || f.Records[0].Notes != "a;b, c" || f.Records[0].Lead.Value.Minor != 1500000 {
		t.Fatalf("got %+v", f)
	}
}

func TestDates(t *testing.T) {
	var d dates
	for in, want := range map[string]string{
		"2026-01-15": "2026-01-15", "2026/1/15": "2026-01-15", "2026年1月15日": "2026-01-15", "2026.1.15": "2026-01-15",
		"2026-01": "2026-01-31", "2026.02": "2026-02-28", "2026年2月": "2026-02-28", "46037": "2026-01-15",
		"46037.75": "2026-01-15", "2026-01-15 14:30": "2026-01-15", "２０２６－０１－１５": "2026-01-15",
		"1/15/2026": "2026-01-15", "15/01/2026": "2026-01-15", "15.1.2026": "2026-01-15", "3/3/2026": "2026-03-03", "1/15/2026 9:30": "2026-01-15",
	} {
		got, err := d.day(in, true)
		if err != nil || got.String() != want {
			t.Errorf("day(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	for _, in := range []string{"2026", "2026-02-30", "3/4/2026", "31/31/2026", "soon", "99999999", "2026-13"} {
		if got, err := d.day(in, true); err == nil {
			t.Errorf("day(%q) = %v; want an error", in, got)
		}
	}
	if _, err := d.day("2026-01", false); err == nil {
		t.Errorf("a month is not a day where a day is asked")
	}
	for in, want := range map[string]string{
		"2026-01-15T09:30:00.123456789Z": "2026-01-15T09:30:00.123456789Z", "2026-01-15T17:30:00+08:00": "2026-01-15T09:30:00Z",
		"2026-01-15 14:30": "2026-01-15T14:30:00Z", "2026/1/5 9:05": "2026-01-05T09:05:00Z", "46037.5": "2026-01-15T12:00:00Z",
		"2026年1月15日": "2026-01-15T00:00:00Z",
	} {
		got, err := d.instant(in)
		if err != nil || got.Format(time.RFC3339Nano) != want {
			t.Errorf("instant(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
}

func TestCSVOtherEncoding(t *testing.T) {
	// Bytes in another encoding that GB18030 reads as other words
	// (here 啊阿,埃挨): the refusal says they may be garbled.
	other := []byte{0xb0, 0xa1, 0xb0, 0xa2, ',', 0xb0, 0xa3, 0xb0, 0xa4, '\n', 'x', ',', 'A', '\n'}
	_, err := Read("x.csv", other, DefaultLimits())
	if err == nil || !strings.Contains(salesbot.ErrorMessage(err), "garbled") {
		t.Errorf("Read = %v", err)
	}
}

func TestForeignIDs(t *testing.T) {
	data := "ID,Company,Created by\nCRM 00123,Acme,Wang Li\n\"a\nb\",Globex,\n"
	f, err := Read("x.csv", []byte(data), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Records) != 1 || f.Records[0].Lead.ID != "CRM 00123" || f.Records[0].Lead.CreatedBy != "Wang Li" ||
		len(f.Errors) != 1 || f.Errors[0].Row != 3 || f.Errors[0].Column != "ID" {
		t.Errorf("got %+v", f)
	}
}

// TestProfileCellsFollowTheProfileRules: the profile columns are checked
// as /lead profile checks them, so a file cannot store a link a person
// could not type.
func TestProfileCellsFollowTheProfileRules(t *testing.T) {
	data := "公司,网站,人数,行业\n" +
		"Acme,javascript:alert(1),200,机械\n" + // row 2: not a website
		"Globex,globex.example,many,\n" + // row 3: not a headcount
		"Initech,https://initech.example,100-500人,软件\n" // row 4: good
	f, err := Read("x.csv", []byte(data), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Records) != 1 || f.Records[0].Lead.Profile.Headcount != "100-500人" || f.Records[0].Lead.Profile.Website == "" {
		t.Fatalf("records %+v", f.Records)
	}
	if len(f.Errors) != 2 || f.Errors[0].Row != 2 || f.Errors[0].Column != "网站" || f.Errors[1].Row != 3 || f.Errors[1].Column != "人数" {
		t.Errorf("errors %+v", f.Errors)
	}
}
