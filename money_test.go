package salesbot_test

import (
	"strings"
	"testing"

	"salesbot"
)

// amountHintWords is part of the hint every refused amount carries.
const amountHintWords = "Write amounts like"

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in    string
		team  salesbot.Currency
		minor int64
		cur   salesbot.Currency
	}{
		{"¥1.8M", "CNY", 180_000_000, "CNY"},
		{"180万", "CNY", 180_000_000, "CNY"},
		{"1.2亿", "CNY", 12_000_000_000, "CNY"},
		{"$400k", "CNY", 40_000_000, "USD"},
		{"1,800,000 CNY", "CNY", 180_000_000, "CNY"},
		{"1,800,000 CNY", "USD", 180_000_000, "CNY"},
		{"180万元", "CNY", 180_000_000, "CNY"},
		{"180万元", "USD", 180_000_000, "CNY"},
		{"RMB 100", "CNY", 10_000, "CNY"},
		{"100 usd", "CNY", 10_000, "USD"},
		{"１８０万", "CNY", 180_000_000, "CNY"}, // full-width digits
		{"￥5000", "CNY", 500_000, "CNY"},    // full-width yen sign
		{"1.5k EUR", "CNY", 150_000, "EUR"},
		{"¥5000", "JPY", 5000, "JPY"}, // ¥ is the team's yen
		{"¥5000", "USD", 500_000, "CNY"},
		{"0.5", "CNY", 50, "CNY"},
		{"100", "JPY", 100, "JPY"},
		{"  1,234.56  ", "CNY", 123_456, "CNY"},
		{"40万美元", "CNY", 40_000_000, "USD"},
		{"1.2 亿 人民币", "CNY", 12_000_000_000, "CNY"},
		{"2.5mn", "USD", 250_000_000, "USD"},
		{"3bn JPY", "CNY", 3_000_000_000, "JPY"},
		{"HK$12", "CNY", 1200, "HKD"},
		{"JP¥1,000", "CNY", 1000, "JPY"},
		{"1000000000000000", "CNY", 100_000_000_000_000_000, "CNY"}, // MaxAmount itself
		{"10000000亿", "CNY", 100_000_000_000_000_000, "CNY"},        // 10^7 × 10^8 = MaxAmount
	}
	for _, tt := range tests {
		got, err := salesbot.ParseAmount(tt.in, tt.team)
		want := salesbot.Amount{Minor: tt.minor, Currency: tt.cur}
		if err != nil || got != want {
			t.Errorf("ParseAmount(%q, %s) = %+v, %v; want %+v", tt.in, tt.team, got, err, want)
		}
	}
}

func TestParseAmountRefuses(t *testing.T) {
	tests := []struct {
		in, team, mention string
	}{
		{"€ 95.000,50", "CNY", "ambiguous"},
		{"1.234,5", "CNY", "ambiguous"},
		{"1,5", "CNY", "ambiguous"},
		{"1,80,000", "CNY", "ambiguous"}, // Indian grouping
		{"1,8000", "CNY", "ambiguous"},
		{",100", "CNY", "ambiguous"},
		{"1.", "CNY", "ambiguous"},
		{"1.2.3", "CNY", "ambiguous"},
		{"-100", "CNY", "negative"},
		{"−100", "CNY", "negative"}, // a minus sign
		{"0", "CNY", "more than zero"},
		{"0.00 USD", "CNY", "more than zero"},
		{"0.001", "CNY", "more decimals"},
		{"1.5 JPY", "CNY", "more decimals"},
		{"0.5", "JPY", "more decimals"},
		{"2000000000000000", "CNY", "more than any deal"}, // 2 × 10^15
		{"1000000000000000.01", "CNY", "more than any deal"},
		{"100000000亿", "CNY", "more than any deal"}, // 10^16
		{"10000001亿", "CNY", "more than any deal"},
		{"99999999999999999999999", "CNY", "more than any deal"},
		{"100 XYZ", "CNY", "XYZ"},
		{"100", "XYZ", "XYZ"}, // a team without a known currency
		{"abc", "CNY", "no figure"},
		{"", "CNY", "How much"},
		{"   ", "CNY", "How much"},
		{"1\u200b00", "CNY", "hidden characters"},
		{"100\x00", "CNY", "hidden characters"},
		{"\xff100", "CNY", "hidden characters"},
		{"100 dollars", "CNY", "dollars"},
		{"$100 EUR", "CNY", "two currencies"},
		{"¥100 USD", "CNY", "two currencies"},
		{"100 kk", "CNY", "kk"},
		{strings.Repeat("1", 41), "CNY", "too long"},
	}
	for _, tt := range tests {
		a, err := salesbot.ParseAmount(tt.in, salesbot.Currency(tt.team))
		if salesbot.ErrorCode(err) != salesbot.EINVALID {
			t.Errorf("ParseAmount(%q, %s) = %+v, %v; want EINVALID", tt.in, tt.team, a, err)
			continue
		}
		if !a.IsZero() {
			t.Errorf("ParseAmount(%q, %s) = %+v alongside an error", tt.in, tt.team, a)
		}
		msg := salesbot.ErrorMessage(err)
		if !strings.Contains(msg, tt.mention) || !strings.Contains(msg, amountHintWords) {
			t.Errorf("ParseAmount(%q, %s): message %q should mention %q and say how to write an amount (%q)", tt.in, tt.team, msg, tt.mention, amountHintWords)
		}
	}
}

func TestParseCurrency(t *testing.T) {
	for in, want := range map[string]salesbot.Currency{"cny": "CNY", " USD ": "USD", "jpy": "JPY"} {
		if got, err := salesbot.ParseCurrency(in); err != nil || got != want {
			t.Errorf("ParseCurrency(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "XYZ", "RMB", "dollar", "¥"} {
		_, err := salesbot.ParseCurrency(in)
		wantCode(t, err, salesbot.EINVALID)
	}
	if salesbot.Currency("JPY").Digits() != 0 || salesbot.Currency("CNY").Digits() != 2 {
		t.Error("JPY has no minor unit and CNY has two decimals")
	}
	if salesbot.Currency("XYZ").Known() || !salesbot.Currency("EUR").Known() {
		t.Error("Known: XYZ is unknown, EUR known")
	}
}

func TestAmountInLanguage(t *testing.T) {
	tests := []struct {
		minor  int64
		cur    salesbot.Currency
		en, zh string
	}{
		{180_000_000, "CNY", "¥1,800,000", "180万元"},
		{40_000_050, "USD", "$400,000.50", "40万美元"},
		{40_000_000, "USD", "$400,000", "40万美元"},
		{1000, "JPY", "JP¥1,000", "1,000日元"},
		{1200, "HKD", "HK$12", "12港元"},
		{12_000_000_000, "CNY", "¥120,000,000", "1.2亿元"},
		{950_000, "CNY", "¥9,500", "9,500元"},
		{123_450, "CNY", "¥1,234.50", "1,234.50元"}, // below 万, cents are kept
		{123_405, "CNY", "¥1,234.05", "1,234.05元"},
		{50, "CNY", "¥0.50", "0.50元"},
		{1, "CNY", "¥0.01", "0.01元"},
		{1_234_567_800, "CNY", "¥12,345,678", "1234.57万元"},
		{1_000_000, "CNY", "¥10,000", "1万元"},
		{123_456_789, "CNY", "¥1,234,567.89", "123.46万元"},
		{9_999_999_999, "CNY", "¥99,999,999.99", "1亿元"}, // rounds up into 亿, not "10000万元"
		{999_999, "CNY", "¥9,999.99", "9,999.99元"},
		{999_999_900, "CNY", "¥9,999,999", "1000万元"},
		{100_000_000_000_000_000, "CNY", "¥1,000,000,000,000,000", "10000000亿元"},
		{5_000_000, "CHF", "CHF 50,000", "5万瑞士法郎"},
	}
	for _, tt := range tests {
		a := salesbot.Amount{Minor: tt.minor, Currency: tt.cur}
		if got := a.InLanguage("en"); got != tt.en {
			t.Errorf("%+v in English = %q, want %q", a, got, tt.en)
		}
		if got := a.String(); got != tt.en {
			t.Errorf("%+v.String() = %q, want %q", a, got, tt.en)
		}
		if got := a.InLanguage("zh"); got != tt.zh {
			t.Errorf("%+v in Chinese = %q, want %q", a, got, tt.zh)
		}
	}
	if got := (salesbot.Amount{}).InLanguage("en"); got != "" {
		t.Errorf("no amount in English = %q, want empty", got)
	}
}

func TestAmountDecimal(t *testing.T) {
	tests := []struct {
		a    salesbot.Amount
		want string
		maj  float64
	}{
		{salesbot.Amount{Minor: 180_000_000, Currency: "CNY"}, "1800000.00", 1_800_000},
		{salesbot.Amount{Minor: 5, Currency: "USD"}, "0.05", 0.05},
		{salesbot.Amount{Minor: 1000, Currency: "JPY"}, "1000", 1000},
	}
	for _, tt := range tests {
		if got := tt.a.Decimal(); got != tt.want {
			t.Errorf("%+v.Decimal() = %q, want %q", tt.a, got, tt.want)
		}
		if got := tt.a.Major(); got != tt.maj {
			t.Errorf("%+v.Major() = %v, want %v", tt.a, got, tt.maj)
		}
	}
}

func TestMoney(t *testing.T) {
	m := salesbot.Money{}
	m.Add(salesbot.Amount{Minor: 40_000_000, Currency: "USD"})
	m.Add(salesbot.Amount{Minor: 100_000_000, Currency: "CNY"})
	m.Add(salesbot.Amount{Minor: 80_000_000, Currency: "CNY"})
	m.Add(salesbot.Amount{}) // no value adds nothing
	m.Add(salesbot.Amount{Minor: 1000, Currency: "EUR"})
	if m["CNY"] != 180_000_000 || m["USD"] != 40_000_000 || m["EUR"] != 1000 || len(m) != 3 {
		t.Fatalf("sums = %v", m)
	}
	if got, want := m.InLanguage("en", "CNY"), "¥1,800,000 + €10 + $400,000"; got != want {
		t.Errorf("in English for a CNY team = %q, want %q", got, want)
	}
	if got, want := m.InLanguage("en", "USD"), "$400,000 + ¥1,800,000 + €10"; got != want {
		t.Errorf("in English for a USD team = %q, want %q", got, want)
	}
	if got, want := m.InLanguage("zh", "CNY"), "180万元 + 10欧元 + 40万美元"; got != want {
		t.Errorf("in Chinese = %q, want %q", got, want)
	}
	if got, want := m.Sprint(), "CNY 1800000.00 + EUR 10.00 + USD 400000.00"; got != want {
		t.Errorf("Sprint = %q, want %q", got, want)
	}
	if got := m.In("GBP"); got != (salesbot.Amount{Currency: "GBP"}) {
		t.Errorf("In(GBP) = %+v, want nothing in GBP", got)
	}

	o := salesbot.Money{"CNY": 1, "GBP": 2}
	m.Merge(o)
	if m["CNY"] != 180_000_001 || m["GBP"] != 2 {
		t.Errorf("merged = %v", m)
	}
	if got, want := m.Currencies("GBP"), []salesbot.Currency{"GBP", "CNY", "EUR", "USD"}; strings.Join(curs(got), ",") != strings.Join(curs(want), ",") {
		t.Errorf("Currencies(GBP) = %v, want %v", got, want)
	}
	// A currency whose sum is zero is not listed.
	if got := (salesbot.Money{"CNY": 0, "USD": 5}).Currencies("CNY"); len(got) != 1 || got[0] != "USD" {
		t.Errorf("Currencies with a zero CNY sum = %v, want [USD]", got)
	}
}

func TestMoneyEmpty(t *testing.T) {
	tests := []struct {
		m              salesbot.Money
		team, lang, to string
	}{
		{salesbot.Money{}, "CNY", "en", "¥0"},
		{nil, "CNY", "zh", "0元"},
		{salesbot.Money{"CNY": 0}, "USD", "en", "$0"},
		{salesbot.Money{}, "JPY", "zh", "0日元"},
		{salesbot.Money{}, "", "en", "0"},
	}
	for _, tt := range tests {
		if got := tt.m.InLanguage(tt.lang, salesbot.Currency(tt.team)); got != tt.to {
			t.Errorf("%v in %s for a %s team = %q, want %q", tt.m, tt.lang, tt.team, got, tt.to)
		}
	}
	if got := (salesbot.Money{}).Sprint(); got != "" {
		t.Errorf("empty Sprint = %q", got)
	}
}

func curs(cs []salesbot.Currency) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = string(c)
	}
	return out
}

func BenchmarkParseAmount(b *testing.B) {
	inputs := []string{"¥1.8M", "180万元", "$400k", "1,800,000 CNY", "1.5k EUR", "€ 95.000,50"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		salesbot.ParseAmount(inputs[i%len(inputs)], "CNY")
	}
}

// fuzzTeams are the team currencies FuzzParseAmount tries: digits or
// not, the yen, and ones the bot does not know.
var fuzzTeams = []string{"CNY", "JPY", "USD", "KRW", "XYZ", ""}

func FuzzParseAmount(f *testing.F) {
	for _, s := range append([]string{
		"¥1.8M", "180万", "1.2亿", "$400k", "1,800,000 CNY", "180万元", "RMB 100", "100 usd",
		"１８０万", "￥5000", "1.5k EUR", "0.5", "€ 95.000,50", "1.234,5", "1,5", "0.001",
		"1.5 JPY", "2000000000000000", "10000000亿", "100 XYZ", "1\u200b00", "100 dollars",
		"$100 EUR", "1,80,000", "HK$12", "JP¥1,000", "1000000000000000.00 CNY", ".5", "5.",
		"3bn JPY", "2.5mn", "40万美元", "1 千万", "½", "1e5", "0x10",
	}, fuzzHostileText...) {
		f.Add(s, uint8(0))
	}
	f.Add("¥100", uint8(1))
	f.Add("100", uint8(3))
	f.Fuzz(func(t *testing.T, s string, which uint8) {
		// The team's currency is one of a few, not any string: the
		// minimizer would otherwise spend the run on long team names.
		team := fuzzTeams[int(which)%len(fuzzTeams)]
		a, err := salesbot.ParseAmount(s, salesbot.Currency(team))
		if err != nil {
			if code := salesbot.ErrorCode(err); code != salesbot.EINVALID {
				t.Fatalf("ParseAmount(%q, %q): error code %q, want %q", s, team, code, salesbot.EINVALID)
			}
			if !a.IsZero() {
				t.Fatalf("ParseAmount(%q, %q) = %+v alongside an error", s, team, a)
			}
			return
		}
		if a.Minor <= 0 || !a.Currency.Known() {
			t.Fatalf("ParseAmount(%q, %q) = %+v: not a positive amount in a known currency", s, team, a)
		}
		limit := int64(salesbot.MaxAmount)
		for range a.Currency.Digits() {
			limit *= 10
		}
		if a.Minor > limit {
			t.Fatalf("ParseAmount(%q, %q) = %+v: over MaxAmount", s, team, a)
		}
		typed := a.Decimal() + " " + string(a.Currency)
		again, err := salesbot.ParseAmount(typed, salesbot.Currency(team))
		if err != nil || again != a {
			t.Fatalf("ParseAmount(%q, %q) = %+v, but ParseAmount(%q) = %+v, %v", s, team, a, typed, again, err)
		}
		// Whatever parses can be written.
		if a.InLanguage("en") == "" || a.InLanguage("zh") == "" {
			t.Fatalf("%+v is written as nothing", a)
		}
	})
}
