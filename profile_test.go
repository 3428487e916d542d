package salesbot_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"salesbot"
)

func TestParseProfileEditReadsKeysInEnglishAndChinese(t *testing.T) {
	for text, want := range map[string]salesbot.ProfileEdit{
		`industry=machinery region=Suzhou`:             {salesbot.FieldIndustry: "machinery", salesbot.FieldRegion: "Suzhou"},
		`industry="heavy machinery" address=1 Main St`: {salesbot.FieldIndustry: "heavy machinery", salesbot.FieldAddress: "1 Main St"},
		`industry= "heavy machinery" website=acme.com`: {salesbot.FieldIndustry: "heavy machinery", salesbot.FieldWebsite: "acme.com"},
		`行业=机械 人数=200 营业额=5000万 地区=苏州 地址="工业园区 星湖街 1 号" 网站=https://acme.cn`: {salesbot.FieldIndustry: "机械", salesbot.FieldHeadcount: "200", salesbot.FieldRevenue: "5000万", salesbot.FieldRegion: "苏州", salesbot.FieldAddress: "工业园区 星湖街 1 号", salesbot.FieldWebsite: "https://acme.cn"},
		`size=100-500`:                       {salesbot.FieldHeadcount: "100-500"},
		`size=100–500人`:                      {salesbot.FieldHeadcount: "100–500人"},
		`规模=5000万-1亿`:                        {salesbot.FieldRevenue: "5000万-1亿"},
		`size="200人/5000万"`:                  {salesbot.FieldHeadcount: "200人", salesbot.FieldRevenue: "5000万"},
		`size=500+,$20M`:                     {salesbot.FieldHeadcount: "500+", salesbot.FieldRevenue: "$20M"},
		`Headcount=1,200 employees`:          {salesbot.FieldHeadcount: "1,200 employees"},
		`industry=- region=none`:             {salesbot.FieldIndustry: "", salesbot.FieldRegion: ""},
		`website=<http://acme.com|acme.com>`: {salesbot.FieldWebsite: "acme.com"},
		`website=<https://acme.com/about>`:   {salesbot.FieldWebsite: "https://acme.com/about"},
		`ＩＮＤＵＳＴＲＹ＝textiles`:                  {salesbot.FieldIndustry: "textiles"},
	} {
		got, err := salesbot.ParseProfileEdit(mustFields(t, text))
		if err != nil {
			t.Errorf("ParseProfileEdit(%s): %v", text, err)
			continue
		}
		if len(got) != len(want) {
			t.Errorf("ParseProfileEdit(%s) = %v, want %v", text, got, want)
		}
		for f, v := range want {
			if got[f] != v {
				t.Errorf("ParseProfileEdit(%s)[%s] = %q, want %q", text, f, got[f], v)
			}
		}
	}
}

func TestParseProfileEditRefusesWhatCannotBeRight(t *testing.T) {
	for text, wantIn := range map[string]string{
		``:                            "key=value",
		`machinery`:                   "key=value",
		`color=red`:                   "not a profile field",
		`industry=a industry=b`:       "twice",
		`headcount=lots`:              "not a headcount",
		`revenue=big`:                 "not a revenue band",
		`website=javascript:alert(1)`: "not a website",
		`website="javascript://acme.com/%0Aalert(1)"`: "not a website",
		`website=ftp://acme.com`:                      "not a website",
		`website=http://user@acme.com`:                "not a website",
		`website=acme`:                                "not a website",
		`website=<javascript:alert(1)|acme.com>`:      "not a website",
		`industry=` + strings.Repeat("x", 81):         "keep it under 80",
		`size=`:                                       "Which size",
	} {
		_, err := salesbot.ParseProfileEdit(mustFields(t, text))
		wantCode(t, err, salesbot.EINVALID)
		wantMessage(t, err, wantIn)
	}
	if _, err := (salesbot.ProfileEdit{salesbot.FieldIndustry: "a\x07b"}).Clean(); salesbot.ErrorCode(err) != salesbot.EINVALID {
		t.Errorf("a control character: %v", err)
	}
	if _, err := (salesbot.ProfileEdit{salesbot.FieldAddress: "line 1\nline 2"}).Clean(); salesbot.ErrorCode(err) != salesbot.EINVALID {
		t.Errorf("a newline: %v", err)
	}
	if _, err := (salesbot.ProfileEdit{"colour": "red"}).Clean(); salesbot.ErrorCode(err) != salesbot.EINVALID {
		t.Errorf("an unknown field: %v", err)
	}
}

func TestSetProfileIsOneChangeByTheOwnerOrAManager(t *testing.T) {
	l := newLead(t, "Acme", salesbot.GradeB)
	now := registered.Add(time.Hour)
	c, err := l.SetProfile(rep, salesbot.ProfileEdit{salesbot.FieldIndustry: "machinery", salesbot.FieldHeadcount: "200"}, now)
	if err != nil {
		t.Fatal(err)
	}
	if c.Kind != salesbot.ChangeProfile || c.Reason != "industry, headcount" || c.To != "industry: machinery\nheadcount: 200" || c.From != "industry: \nheadcount: " {
		t.Errorf("change = %+v", c)
	}
	if l.Profile.Industry != "machinery" || l.Profile.Headcount != "200" {
		t.Errorf("profile = %+v", l.Profile)
	}
	_, err = l.SetProfile(rep, salesbot.ProfileEdit{salesbot.FieldIndustry: "machinery"}, now)
	wantMessage(t, err, "nothing changed")
	_, err = l.SetProfile(stranger, salesbot.ProfileEdit{salesbot.FieldRegion: "Suzhou"}, now)
	wantCode(t, err, salesbot.EFORBIDDEN)
	if l.Profile.Region != "" {
		t.Error("a stranger's edit was applied")
	}
	if _, err := l.SetProfile(boss, salesbot.ProfileEdit{salesbot.FieldIndustry: ""}, now); err != nil || l.Profile.Industry != "" {
		t.Errorf("a manager clearing the industry: %v, %+v", err, l.Profile)
	}
	_, err = l.SetProfile(rep, salesbot.ProfileEdit{salesbot.FieldWebsite: "javascript:alert(1)"}, now)
	wantCode(t, err, salesbot.EINVALID)
}

func TestMissingIsDueAfterTheFirstVisit(t *testing.T) {
	l := newLead(t, "Acme", salesbot.GradeB)
	if l.ProfileDue() {
		t.Error("a new lead's profile is due before any visit")
	}
	if got := l.Profile.Missing(); len(got) != len(salesbot.ProfileFields) {
		t.Errorf("Missing of an empty profile = %v", got)
	}
	l.Profile.Industry, l.Profile.Website = "machinery", "acme.com"
	want := []salesbot.ProfileField{salesbot.FieldHeadcount, salesbot.FieldRevenue, salesbot.FieldRegion, salesbot.FieldAddress}
	if got := l.Profile.Missing(); !slices.Equal(got, want) {
		t.Errorf("Missing = %v, want %v", got, want)
	}
	l.LastTouch = registered.Add(salesbot.Day)
	if !l.ProfileDue() {
		t.Error("a visited lead's profile is not due")
	}
	l.LastTouch, l.Stage = time.Time{}, salesbot.StageDiscovery
	if !l.ProfileDue() {
		t.Error("a lead past its first visit has no profile due")
	}
}

func TestCutSourceFindsTheSourceAfterTheCompany(t *testing.T) {
	for text, want := range map[string]struct {
		rest string
		src  salesbot.Source
	}{
		`Acme B source: 展会`:                {"Acme B", salesbot.SourceEvent},
		`Acme source:web`:                  {"Acme", salesbot.SourceWeb},
		`Acme 来源：介绍 A`:                     {"Acme A", salesbot.SourceReferral},
		`明达机械 来源:来电`:                       {"明达机械", salesbot.SourceInbound},
		`"Acme Industrial" B source event`: {"Acme Industrial B", salesbot.SourceEvent},
		`Open Source Labs`:                 {"Open Source Labs", ""},
		`Source Corp`:                      {"Source Corp", ""},
	} {
		rest, src, _, err := salesbot.CutSource(mustFields(t, text))
		if err != nil || salesbot.JoinTokens(rest) != want.rest || src != want.src {
			t.Errorf("CutSource(%s) = %q, %q, %v; want %q, %q", text, salesbot.JoinTokens(rest), src, err, want.rest, want.src)
		}
	}
	for _, text := range []string{`Acme source: linkedin`, `Acme source:`, `Acme 来源：微信`} {
		_, _, _, err := salesbot.CutSource(mustFields(t, text))
		wantCode(t, err, salesbot.EINVALID)
	}
	_, _, _, err := salesbot.CutSource(mustFields(t, `Acme source: linkedin`))
	wantMessage(t, err, "inbound (来电)", "other (其他)")
}

func TestSourceIsHistoryFromRegistrationOn(t *testing.T) {
	l, c, err := salesbot.NewLeadFrom(rep, "T1", "L1", "Acme", salesbot.GradeB, salesbot.SourceEvent, registered)
	if err != nil || l.Source != salesbot.SourceEvent || c.Reason != "source: event" || c.Kind != salesbot.ChangeCreated {
		t.Fatalf("NewLeadFrom = %+v, %+v, %v", l, c, err)
	}
	ch, err := l.SetSource(rep, salesbot.SourceReferral, registered)
	if err != nil || ch.Kind != salesbot.ChangeSource || ch.From != "event" || ch.To != "referral" {
		t.Errorf("SetSource = %+v, %v", ch, err)
	}
	_, err = l.SetSource(stranger, salesbot.SourceWeb, registered)
	wantCode(t, err, salesbot.EFORBIDDEN)
	_, err = l.SetSource(rep, salesbot.SourceReferral, registered)
	wantCode(t, err, salesbot.EINVALID)
	_, err = l.SetSource(rep, "linkedin", registered)
	wantMessage(t, err, "not a lead source")
	if _, _, err := salesbot.NewLeadFrom(rep, "T1", "L2", "Acme", salesbot.GradeB, "fax", registered); salesbot.ErrorCode(err) != salesbot.EINVALID {
		t.Errorf("NewLeadFrom with a bad source: %v", err)
	}
}

func TestCompanyCandidatesFindNamesInsideText(t *testing.T) {
	got := salesbot.CompanyCandidates("明天去拜访华为技术有限公司，谈 ERP 选型\nMet Acme Industrial Co., Ltd. today")
	for _, want := range []string{salesbot.NormalizeCompany("华为技术有限公司"), salesbot.NormalizeCompany("Acme Industrial"), "acme", "erp"} {
		if !slices.Contains(got, want) {
			t.Errorf("candidates lack %q", want)
		}
	}
	for i := 1; i < len(got); i++ {
		if len([]rune(got[i])) > len([]rune(got[i-1])) {
			t.Fatalf("candidates not longest first: %q before %q", got[i-1], got[i])
		}
	}
	long := strings.Repeat("明达机械苏州工厂设备采购项目", 400)
	if n := len(salesbot.CompanyCandidates(long)); n == 0 || n > salesbot.MaxCandidates {
		t.Errorf("%d candidates for a long text", n)
	}
	if got := salesbot.CompanyCandidates("\xff\xfe <@U1> !!"); slices.Contains(got, "") {
		t.Error("an empty candidate")
	}
}

func TestCompanyPhraseGuessesANameToRegister(t *testing.T) {
	for text, want := range map[string]string{
		"明天去拜访华为技术有限公司，谈 ERP":                                             "华为技术有限公司",
		"苏州明达机械有限公司 想上 MES":                                               "苏州明达机械有限公司",
		"Call from Acme Industrial Co., Ltd. about MES":                   "Acme Industrial Co., Ltd.",
		"Globex Inc. wants a demo":                                        "Globex Inc.",
		"Initech\nthey need 20 licences":                                  "Initech",
		"we talked for a long while about many things and nothing at all": "",
		"": "",
	} {
		if got := salesbot.CompanyPhrase(text); got != want {
			t.Errorf("CompanyPhrase(%q) = %q, want %q", text, got, want)
		}
	}
}

// BenchmarkCompanyCandidates: the names a long message (its first 1,000
// characters, Chinese and English) is looked up by, before one HMGET.
func BenchmarkCompanyCandidates(b *testing.B) {
	text := strings.Repeat("明天去拜访苏州明达机械有限公司，谈 MES 选型；Met Acme Industrial Co., Ltd. about ERP.\n", 20)
	for b.Loop() {
		if len(salesbot.CompanyCandidates(text)) == 0 {
			b.Fatal("no candidates")
		}
	}
}
