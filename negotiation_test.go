package salesbot_test

import (
	"slices"
	"testing"
	"time"

	"salesbot"
)

// atStage puts a test lead at a stage, however it got there.
func atStage(l *salesbot.Lead, s salesbot.Stage) *salesbot.Lead {
	l.Stage = s
	return l
}

func TestParseSize(t *testing.T) {
	for _, tc := range []struct {
		seed, give string
		want       salesbot.Size
	}{
		{"000 越让越少: a percentage", "5% discount", salesbot.Size{Basis: 500}},
		{"000: a fractional percentage", "2.5 % off the licences", salesbot.Size{Basis: 250}},
		{"000: full-width percent", "３％折扣", salesbot.Size{Basis: 300}},
		{"000: 9折 is 10% off", "9折", salesbot.Size{Basis: 1000}},
		{"000: 95折 is 5% off", "再给95折", salesbot.Size{Basis: 500}},
		{"000: 8.5折 is 15% off", "8.5折", salesbot.Size{Basis: 1500}},
		{"000: an amount with a symbol", "¥50,000 off", salesbot.Size{Amount: salesbot.Amount{Minor: 5_000_000, Currency: "CNY"}}},
		{"000: 万 in Chinese text", "减5万", salesbot.Size{Amount: salesbot.Amount{Minor: 5_000_000, Currency: "CNY"}}},
		{"000: dollars with k", "$20k credit", salesbot.Size{Amount: salesbot.Amount{Minor: 2_000_000, Currency: "USD"}}},
		{"000: a bare number is no size", "3 free training days", salesbot.Size{}},
		{"000: no figure at all", "free installation", salesbot.Size{}},
	} {
		if got := salesbot.ParseSize(tc.give, "CNY"); got != tc.want {
			t.Errorf("seed %s: ParseSize(%q) = %+v; want %+v", tc.seed, tc.give, got, tc.want)
		}
	}
}

func TestSplitConcession(t *testing.T) {
	for _, tc := range []struct {
		seed, text, give, get string
		err                   bool
	}{
		{"000 有给就要: give for get", "5% discount for a three-year contract", "5% discount", "a three-year contract", false},
		{"000: FOR in capitals", "free training FOR a reference visit", "free training", "a reference visit", false},
		{"000: 换取 without spaces", "9折换取三年合同", "9折", "三年合同", false},
		{"000: 换 as a word", "9折 换 三年合同", "9折", "三年合同", false},
		{"000: a 'for' with nothing after is kept, to warn", "5% discount for", "5% discount", "", false},
		{"000: no 'for' at all is refused", "5% discount", "", "", true},
		{"000: 'for' inside a word is no separator", "forty percent fortune", "", "", true},
		{"000: nothing given", "for a contract", "", "", true},
	} {
		give, get, err := salesbot.SplitConcession(tc.text)
		if (err != nil) != tc.err || give != tc.give || get != tc.get {
			t.Errorf("seed %s: SplitConcession(%q) = %q, %q, %v", tc.seed, tc.text, give, get, err)
		}
		if tc.err {
			wantCode(t, err, salesbot.EINVALID)
		}
	}
}

func TestConcedeRules(t *testing.T) {
	at := registered.Add(time.Hour)
	for _, tc := range []struct {
		seed        string
		stage       salesbot.Stage
		previous    string // the give of a concession logged before, if any
		give, get   string
		larger      bool
		nothingBack bool
		code        string
	}{
		{"000 越让越少: smaller than the last is fine", salesbot.StageNegotiation, "5% discount", "3% discount", "a three-year contract", false, false, ""},
		{"000 越让越少: larger than the last warns", salesbot.StageNegotiation, "3% discount", "5% discount", "a reference visit", true, false, ""},
		{"000 越让越少: amounts compare too", salesbot.StageNegotiation, "¥20,000 off", "减5万", "付款提前", true, false, ""},
		{"000: a percentage and an amount do not compare", salesbot.StageNegotiation, "¥20,000 off", "9折", "三年合同", false, false, ""},
		{"000: sizes that do not parse do not compare", salesbot.StageNegotiation, "free training", "free installation", "a case study", false, false, ""},
		{"000 有给就要: nothing asked in return warns", salesbot.StageNegotiation, "", "5% discount", "nothing", false, true, ""},
		{"000 有给就要: 没有 warns", salesbot.StageNegotiation, "", "9折", "没有", false, true, ""},
		{"000 有给就要: an empty return warns", salesbot.StageNegotiation, "", "9折", "", false, true, ""},
		{"000 疑虑排除: objections take concessions", salesbot.StageObjections, "", "free training", "sign this month", false, false, ""},
		{"000 正式书面报价: at quote a price change is a new quote", salesbot.StageQuote, "", "5% discount", "a contract", false, false, salesbot.EINVALID},
		{"000: not before the quote either", salesbot.StageDemo, "", "5% discount", "a contract", false, false, salesbot.EINVALID},
	} {
		l := atStage(newLead(t, "Acme", salesbot.GradeA), tc.stage)
		if tc.previous != "" {
			if _, _, _, err := l.Concede(rep, tc.previous, "something", "CNY", registered); err != nil {
				t.Fatalf("seed %s: previous: %v", tc.seed, err)
			}
		}
		was := *l
		c, check, ch, err := l.Concede(rep, tc.give, tc.get, "CNY", at)
		wantCode(t, err, tc.code)
		if tc.code != "" {
			unchanged(t, l, was)
			continue
		}
		if check.Larger != tc.larger || check.NothingBack != tc.nothingBack || check.Warns() != (tc.larger || tc.nothingBack) {
			t.Errorf("seed %s: check %+v; want larger %v, nothing back %v", tc.seed, check, tc.larger, tc.nothingBack)
		}
		if tc.larger && check.Previous.Give != tc.previous {
			t.Errorf("seed %s: previous %+v", tc.seed, check.Previous)
		}
		last := l.Concessions[len(l.Concessions)-1]
		if last != c || c.Give != tc.give || c.Get != tc.get || c.By != rep.User || !c.At.Equal(at) || c.Stage != tc.stage {
			t.Errorf("seed %s: logged %+v", tc.seed, last)
		}
		if ch.Kind != salesbot.ChangeConcession || ch.To != tc.give || ch.Reason != tc.get {
			t.Errorf("seed %s: change %+v", tc.seed, ch)
		}
	}
}

func TestConcedeRefusals(t *testing.T) {
	l := atStage(newLead(t, "Acme", salesbot.GradeA), salesbot.StageNegotiation)
	was := *l
	_, _, _, err := l.Concede(stranger, "5%", "a contract", "CNY", registered)
	wantCode(t, err, salesbot.EFORBIDDEN)
	unchanged(t, l, was)
	_, _, _, err = l.Concede(rep, "  ", "a contract", "CNY", registered)
	wantCode(t, err, salesbot.EINVALID)
	unchanged(t, l, was)

	if _, _, _, err := l.Concede(boss, "5%", "a contract", "CNY", registered); err != nil {
		t.Fatalf("a manager concedes: %v", err)
	}
	for i := range 6 {
		if _, _, _, err := l.Concede(rep, "free training", "a case study", "CNY", registered.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	latest := l.LatestConcessions(5)
	if len(latest) != 5 || !latest[0].At.Equal(registered.Add(5*time.Minute)) || latest[4].At.Equal(registered) {
		t.Errorf("latest 5: %+v", latest)
	}
}

func TestParseVerdicts(t *testing.T) {
	toks := func(s string) []salesbot.Token {
		t.Helper()
		ts, err := salesbot.Fields(s)
		if err != nil {
			t.Fatal(err)
		}
		return ts
	}
	got, err := salesbot.ParseVerdicts(toks(`exists=yes budget approved compete=no they want SAP win=unknown worth=是`))
	if err != nil {
		t.Fatal(err)
	}
	want := salesbot.Verdicts{
		salesbot.QuestionExists:  {Answer: salesbot.AnswerYes, Note: "budget approved"},
		salesbot.QuestionCompete: {Answer: salesbot.AnswerNo, Note: "they want SAP"},
		salesbot.QuestionWin:     {Answer: salesbot.AnswerUnknown},
		salesbot.QuestionWorth:   {Answer: salesbot.AnswerYes},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for q, v := range want {
		if got[q] != v {
			t.Errorf("seed 003 %s: %+v; want %+v", q, got[q], v)
		}
	}
	if got, err := salesbot.ParseVerdicts(toks(`存在＝否 赢：未知`)); err != nil || got[salesbot.QuestionExists].Answer != salesbot.AnswerNo || got[salesbot.QuestionWin].Answer != salesbot.AnswerUnknown {
		t.Errorf("seed 003 in Chinese: %+v, %v", got, err)
	}
	for _, bad := range []string{"exists=maybe", "budget=yes", "exists=yes exists=no", "hello exists=yes"} {
		if _, err := salesbot.ParseVerdicts(toks(bad)); salesbot.ErrorCode(err) != salesbot.EINVALID {
			t.Errorf("seed 003: %q parsed: %v", bad, err)
		}
	}
}

func TestQualify(t *testing.T) {
	l := newLead(t, "Acme", salesbot.GradeA)
	was := *l
	_, err := l.Qualify(stranger, salesbot.Verdicts{salesbot.QuestionExists: {Answer: salesbot.AnswerYes}}, registered)
	wantCode(t, err, salesbot.EFORBIDDEN)
	unchanged(t, l, was)
	_, err = l.Qualify(rep, salesbot.Verdicts{}, registered)
	wantCode(t, err, salesbot.EINVALID)
	_, err = l.Qualify(rep, salesbot.Verdicts{"budget": {Answer: salesbot.AnswerYes}}, registered)
	wantCode(t, err, salesbot.EINVALID)
	_, err = l.Qualify(rep, salesbot.Verdicts{salesbot.QuestionWin: {Answer: "maybe"}}, registered)
	wantCode(t, err, salesbot.EINVALID)
	unchanged(t, l, was)

	c, err := l.Qualify(rep, salesbot.Verdicts{
		salesbot.QuestionExists: {Answer: salesbot.AnswerYes, Note: "budget approved"}, salesbot.QuestionCompete: {Answer: salesbot.AnswerYes},
		salesbot.QuestionWorth: {Answer: salesbot.AnswerYes},
	}, registered)
	if err != nil {
		t.Fatal(err)
	}
	q := l.Qualification
	if q.Score() != 3 || q.By != rep.User || !q.At.Equal(registered) || !slices.Equal(q.With(salesbot.AnswerUnknown), salesbot.QuestionList{salesbot.QuestionWin}) {
		t.Errorf("seed 003: qualified %+v", q)
	}
	if c.Kind != salesbot.ChangeQualified || c.From != "" || c.To != "exists=yes compete=yes win=unknown worth=yes" {
		t.Errorf("change %+v", c)
	}
	// Answering one question again keeps the others.
	if _, err := l.Qualify(boss, salesbot.Verdicts{salesbot.QuestionWin: {Answer: salesbot.AnswerNo, Note: "SAP is entrenched"}}, registered); err != nil {
		t.Fatal(err)
	}
	if q := l.Qualification; q.Score() != 3 || q.Exists.Note != "budget approved" || q.Win != (salesbot.Verdict{Answer: salesbot.AnswerNo, Note: "SAP is entrenched"}) || q.By != boss.User {
		t.Errorf("seed 003: one answer again: %+v", q)
	}
}

func TestQualificationRisk(t *testing.T) {
	now := registered.Add(time.Hour)
	for _, tc := range []struct {
		seed    string
		grade   salesbot.Grade
		answers salesbot.Verdicts
		risk    bool
		suggest salesbot.Grade
	}{
		{"001 没有通过,考虑放弃或降低接触级别: a no on an A lead", salesbot.GradeA, salesbot.Verdicts{salesbot.QuestionWin: {Answer: salesbot.AnswerNo}}, true, salesbot.GradeB},
		{"001: a no on a B lead", salesbot.GradeB, salesbot.Verdicts{salesbot.QuestionWorth: {Answer: salesbot.AnswerNo}}, true, salesbot.GradeC},
		{"001: a C lead is maintenance already", salesbot.GradeC, salesbot.Verdicts{salesbot.QuestionWin: {Answer: salesbot.AnswerNo}}, false, ""},
		{"003: unknown is no risk", salesbot.GradeA, salesbot.Verdicts{salesbot.QuestionWin: {Answer: salesbot.AnswerUnknown}}, false, ""},
		{"003: never qualified is no risk", salesbot.GradeA, nil, false, ""},
	} {
		l := newLead(t, "Acme", tc.grade)
		if tc.answers != nil {
			if _, err := l.Qualify(rep, tc.answers, registered); err != nil {
				t.Fatal(err)
			}
		}
		var found *salesbot.Risk
		for _, r := range salesbot.Risks(l, now, salesbot.DefaultCadence()) {
			if r.Kind == salesbot.RiskQualificationNo {
				found = &r
			}
		}
		if (found != nil) != tc.risk {
			t.Errorf("seed %s: risk %+v; want %v", tc.seed, found, tc.risk)
			continue
		}
		if found != nil && found.Suggest != tc.suggest {
			t.Errorf("seed %s: suggests %s; want %s", tc.seed, found.Suggest, tc.suggest)
		}
	}
}

func TestSetRival(t *testing.T) {
	l := newLead(t, "Acme", salesbot.GradeB)
	if !slices.Contains(l.UnknownFacts(), salesbot.FactCompetition) {
		t.Fatal("competition known with no rival")
	}
	was := *l
	for _, tc := range []struct {
		seed  string
		who   salesbot.Actor
		r     salesbot.Rival
		code  string
		known bool
	}{
		{"000 竞争: a stranger's lead", stranger, salesbot.Rival{Name: "SAP"}, salesbot.EFORBIDDEN, false},
		{"000 竞争: a rival with no name", rep, salesbot.Rival{Name: "  "}, salesbot.EINVALID, false},
		{"000 竞争: a position that is none", rep, salesbot.Rival{Name: "SAP", Position: "winning"}, salesbot.EINVALID, false},
	} {
		_, err := l.SetRival(tc.who, tc.r, registered)
		wantCode(t, err, tc.code)
		unchanged(t, l, was)
	}
	c, err := l.SetRival(rep, salesbot.Rival{Name: "SAP", Position: "领先", Notes: "demoed first"}, registered)
	if err != nil {
		t.Fatal(err)
	}
	if c.Kind != salesbot.ChangeRival || c.To != "SAP (ahead)" || len(l.Rivals) != 1 || l.Rivals[0].Position != salesbot.PositionAhead {
		t.Errorf("seed 000 竞争: %+v %+v", c, l.Rivals)
	}
	if slices.Contains(l.UnknownFacts(), salesbot.FactCompetition) {
		t.Error("seed 000 竞争: competition still unknown once a rival is recorded")
	}
	// The same vendor, written differently, updates its entry; notes stay.
	if _, err := l.SetRival(boss, salesbot.Rival{Name: "sap", Position: salesbot.PositionBehind}, registered.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if len(l.Rivals) != 1 || l.Rivals[0].Position != salesbot.PositionBehind || l.Rivals[0].Notes != "demoed first" || l.Rivals[0].By != boss.User {
		t.Errorf("seed 000 竞争: same vendor: %+v", l.Rivals)
	}
	_, err = l.SetRival(rep, salesbot.Rival{Name: "SAP", Position: salesbot.PositionBehind}, registered)
	wantCode(t, err, salesbot.EINVALID)
	if _, err := l.SetRival(rep, salesbot.Rival{Name: "Oracle NetSuite"}, registered); err != nil || len(l.Rivals) != 2 {
		t.Errorf("a second vendor: %v %+v", err, l.Rivals)
	}
}

func TestRivalNameEnd(t *testing.T) {
	for _, tc := range []struct {
		text string
		want int
	}{
		{`"SAP" ahead cheaper`, 1},
		{`Oracle NetSuite even`, 2},
		{`SAP cheaper licences`, 1},
		{`ahead of us`, 0},
		{`""`, 0},
		{``, 0},
	} {
		toks, err := salesbot.Fields(tc.text)
		if err != nil {
			t.Fatal(err)
		}
		if got := salesbot.RivalNameEnd(toks); got != tc.want {
			t.Errorf("seed 000 竞争: RivalNameEnd(%s) = %d; want %d", tc.text, got, tc.want)
		}
	}
}

func TestSplitConcessionKeepsQuotes(t *testing.T) {
	give, get, err := salesbot.SplitConcession(`"discount for volume" for "a reference" visit`)
	if err != nil || give != "discount for volume" || get != "a reference visit" {
		t.Errorf("seed 000: quoted 'for' split: %q, %q, %v", give, get, err)
	}
}
