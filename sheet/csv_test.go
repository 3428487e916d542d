package sheet

import (
	"testing"

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
		h.Lead.Source != salesbot.SourceEvent || h.Lead.LastTouch.Format("2006-01-02") != "2026-01-15" {
		t.Errorf("huawei: %+v", h)
	}
}
