package handlers

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/i18n"
)

// sampleReport is a small week's report, in Shanghai time.
func sampleReport(t *testing.T) salesbot.Report {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 27, 17, 0, 0, 0, loc)
	p, err := salesbot.PeriodFor("week", now, loc)
	if err != nil {
		t.Fatal(err)
	}
	mon, wed := p.From.Add(10*time.Hour), p.From.Add(58*time.Hour)
	leads := []*salesbot.Lead{
		{ID: "l1", Company: "上海明达机械有限公司", Owner: "U0REP", CreatedBy: "U0REP", Grade: salesbot.GradeA, Stage: salesbot.StageFirstVisit, CreatedAt: mon,
			Value: salesbot.Amount{Minor: 180_000_000, Currency: "CNY"}, CloseBy: salesbot.Date{Year: 2026, Month: 12, Day: 31}},
		{ID: "l2", Company: "<!channel> & Sons", Owner: "U0REP", CreatedBy: "U0OTHER", Grade: salesbot.GradeC, Stage: salesbot.StageLead, CreatedAt: wed},
		{ID: "l3", Company: "Acme", Owner: "U0OTHER", CreatedBy: "U0OTHER", Grade: salesbot.GradeB, Stage: salesbot.StageDemo, CreatedAt: p.From.AddDate(0, -1, 0),
			Value: salesbot.Amount{Minor: 40_000_000, Currency: "USD"}, CloseBy: salesbot.Date{Year: 2027, Month: 3, Day: 31}},
		{ID: "l4", Company: "Globex", Owner: "U0OTHER", CreatedBy: "U0OTHER", Grade: salesbot.GradeC, Stage: salesbot.StageLost, CreatedAt: p.From.AddDate(0, -2, 0)},
	}
	changes := []salesbot.Change{
		{LeadID: "l1", Company: "上海明达机械有限公司", Kind: salesbot.ChangeGrade, By: "U0REP", At: mon, From: "C", To: "A", Reason: "selection starts"},
		{LeadID: "l1", Company: "上海明达机械有限公司", Kind: salesbot.ChangeVisit, By: "U0REP", At: wed, To: "2026-11-25"},
		{LeadID: "l3", Company: "Acme", Kind: salesbot.ChangeVisit, By: "U0OTHER", At: wed, To: "2026-11-25"},
		{LeadID: "l4", Company: "Globex", Kind: salesbot.ChangeLost, By: "U0OTHER", At: wed, From: "demo", To: "lost", Reason: "budget frozen"},
	}
	return salesbot.BuildReport(salesbot.ReportInput{Leads: leads, Changes: changes, Currency: "CNY"}, p)
}

// TestReportSummaryShowsTheDeals: a new lead's value shows on its line,
// the open value by stage has its line, and each rep's split has B, C and
// D apart, in the reader's language.
func TestReportSummaryShowsTheDeals(t *testing.T) {
	r := sampleReport(t)
	r.Touches = append(r.Touches, salesbot.RepTouches{Rep: "U0SPLIT", A: 1, B: 2, C: 3, D: 1, New: 1})
	cases := []struct {
		lang i18n.Lang
		want []string
	}{
		{i18n.En, []string{
			"• *上海明达机械有限公司* — <@U0REP> · A · First visit · *¥1,800,000* · first touch 2026-11-25",
			"• *&lt;!channel&gt; &amp; Sons* — <@U0REP> · C · Lead · registered by <@U0OTHER> · _not touched yet_",
			"*Pipeline value* — open deals with a close date, by stage",
			"First visit ¥1,800,000 · Demo $400,000 · *Total* ¥1,800,000 + $400,000",
			"*Touches by rep* — working A leads · keeping up B, C and D leads · finding new leads",
			// 1, 2, 3, 1, 1 of 8: 12, 25, 37, 12, 12 = 98, with rests of
			// 4 for A, C, D and new: the 2 points left go to A and C.
			"• <@U0SPLIT>: 8 in all — A 13% · B 25% · C 38% · D 12% · new 12%",
			"• <@U0OTHER>: 1 in all — A 0% · B 100% · C 0% · D 0% · new 0%", // Acme, a B lead
		}},
		{i18n.Zh, []string{
			"• *上海明达机械有限公司* — <@U0REP> · A · 初访 · *180万元*",
			"初访 180万元 · 演示 40万美元 · *合计* 180万元 + 40万美元",
			"*各销售跟进分布* — 跑 A 级客户 · B/C/D 级客户关系维护 · 开发新客户",
			"• <@U0SPLIT>：共跟进 8 次 — A 级 13% · B 级 25% · C 级 38% · D 级 12% · 新客户 12%",
		}},
	}
	for _, c := range cases {
		var text strings.Builder
		for _, b := range reportBlocks(c.lang, reportTitle(c.lang, "week", r.Period), r) {
			if s, ok := b.(*slack.SectionBlock); ok && s.Text != nil {
				text.WriteString(s.Text.Text + "\n")
			}
		}
		for _, want := range c.want {
			if !strings.Contains(text.String(), want) {
				t.Errorf("%s summary lacks %q:\n%s", c.lang, want, text.String())
			}
		}
	}
}

func TestReportBlocks(t *testing.T) {
	r := sampleReport(t)
	blocks := reportBlocks(i18n.En, reportTitle(i18n.En, "week", r.Period), r)
	golden(t, "report.json", blocks)
	b, _ := json.Marshal(blocks)
	if strings.Contains(string(b), "<!channel>") {
		t.Errorf("a company name would broadcast: %s", b)
	}
}

// A big month stays one message within Slack's limits: at most 50 blocks,
// 3000 characters a section, 150 in the header; the CSV has the rest.
func TestReportBlocksWithinSlackLimits(t *testing.T) {
	r := sampleReport(t)
	long := strings.Repeat("名", salesbot.MaxCompanyLen)
	for i := range 300 {
		id := fmt.Sprintf("n%d", i)
		r.NewLeads = append(r.NewLeads, salesbot.NewLeadRow{LeadID: id, Company: long, Owner: "U0REP", RegisteredBy: "U0REP", Grade: salesbot.GradeC, Stage: salesbot.StageLead})
		r.GradeMoves = append(r.GradeMoves, salesbot.GradeMove{Change: salesbot.Change{Company: long, From: "C", To: "B", By: "U0REP", Reason: strings.Repeat("r", 300)}, Up: true})
		r.Won = append(r.Won, salesbot.Change{Company: long, By: "U0REP"})
		r.Lost = append(r.Lost, salesbot.Change{Company: long, By: "U0REP", Reason: strings.Repeat("r", 300)})
		r.Touches = append(r.Touches, salesbot.RepTouches{Rep: fmt.Sprintf("U%04d", i), A: i, B: 1, D: 2})
	}
	blocks := reportBlocks(i18n.En, reportTitle(i18n.En, "month", r.Period)+strings.Repeat("!", 200), r)
	if len(blocks) > 50 {
		t.Fatalf("%d blocks, Slack allows 50", len(blocks))
	}
	text := ""
	for _, b := range blocks {
		switch b := b.(type) {
		case *slack.SectionBlock:
			if n := utf8.RuneCountInString(b.Text.Text); n > 3000 {
				t.Errorf("a section of %d characters", n)
			}
			text += b.Text.Text
		case *slack.HeaderBlock:
			if n := utf8.RuneCountInString(b.Text.Text); n > 150 {
				t.Errorf("a header of %d characters", n)
			}
		}
	}
	for _, want := range []string{"*New leads* (302)", "…and 292 more in the CSV file", "*Grade changes* (301)", "*Pipeline*", "*Touches by rep*"} {
		if !strings.Contains(text, want) {
			t.Errorf("summary lacks %q", want)
		}
	}
}
