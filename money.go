package salesbot

import (
	"fmt"
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Currency is an ISO 4217 currency code (CNY, USD, EUR …).
type Currency string

// currencyInfo is what the bot knows of a currency: how many minor units a
// major one has (as a power of ten), how English writes it before the
// figure, and the word Chinese writes after it.
type currencyInfo struct {
	digits int
	symbol string
	zh     string
}

// currencies are the currencies an amount may be in. A code not here is
// refused rather than guessed, so that a typo never becomes a currency.
var currencies = map[Currency]currencyInfo{
	"CNY": {2, "¥", "元"}, "USD": {2, "$", "美元"}, "EUR": {2, "€", "欧元"}, "GBP": {2, "£", "英镑"},
	"JPY": {0, "JP¥", "日元"}, "HKD": {2, "HK$", "港元"}, "TWD": {2, "NT$", "新台币"}, "MOP": {2, "MOP$", "澳门元"},
	"SGD": {2, "S$", "新加坡元"}, "KRW": {0, "₩", "韩元"}, "AUD": {2, "A$", "澳元"}, "CAD": {2, "CA$", "加元"},
	"NZD": {2, "NZ$", "新西兰元"}, "CHF": {2, "CHF ", "瑞士法郎"}, "SEK": {2, "SEK ", "瑞典克朗"},
	"NOK": {2, "NOK ", "挪威克朗"}, "DKK": {2, "DKK ", "丹麦克朗"}, "INR": {2, "₹", "印度卢比"},
	"RUB": {2, "₽", "卢布"}, "THB": {2, "฿", "泰铢"}, "MYR": {2, "RM", "林吉特"}, "IDR": {2, "Rp", "印尼盾"},
	"VND": {0, "₫", "越南盾"}, "PHP": {2, "₱", "菲律宾比索"}, "AED": {2, "AED ", "迪拉姆"},
	"SAR": {2, "SAR ", "沙特里亚尔"}, "BRL": {2, "R$", "雷亚尔"}, "MXN": {2, "MX$", "墨西哥比索"},
	"ZAR": {2, "R ", "兰特"},
}

// currencyWords are how people write a currency other than its code:
// symbols before the figure and words after it. "¥" is the team's yen or
// yuan (JPY for a JPY team, CNY otherwise); see ParseAmount.
var currencyWords = map[string]Currency{
	"$": "USD", "us$": "USD", "usd$": "USD", "€": "EUR", "£": "GBP", "hk$": "HKD", "nt$": "TWD",
	"s$": "SGD", "a$": "AUD", "ca$": "CAD", "c$": "CAD", "nz$": "NZD", "₩": "KRW", "₹": "INR",
	"₽": "RUB", "rmb": "CNY", "人民币": "CNY", "元": "CNY", "块": "CNY", "块钱": "CNY", "圆": "CNY",
	"美元": "USD", "美金": "USD", "欧元": "EUR", "英镑": "GBP", "日元": "JPY", "港币": "HKD", "港元": "HKD",
	"jp¥": "JPY", "cn¥": "CNY",
}

// Multipliers people write after a figure: 1.8M, 400k, 180万, 1.2亿.
var amountMultipliers = map[string]int64{
	"k": 1e3, "千": 1e3, "w": 1e4, "万": 1e4, "m": 1e6, "mn": 1e6, "mm": 1e6, "百万": 1e6,
	"千万": 1e7, "亿": 1e8, "b": 1e9, "bn": 1e9,
}

// MaxAmount bounds an amount, in major units: no deal is worth more. Sums
// of such amounts saturate (Money.Add) rather than wrap, so that no input
// turns a forecast negative.
const MaxAmount = 1_000_000_000_000_000 // 10^15

// ParseCurrency reads an ISO 4217 code the bot knows ("cny" as "CNY").
func ParseCurrency(s string) (Currency, error) {
	c := Currency(strings.ToUpper(strings.TrimSpace(s)))
	if _, ok := currencies[c]; !ok {
		return "", Errorf(EINVALID, "%q is not a currency code I know. Use an ISO 4217 code such as CNY, USD or EUR.", s)
	}
	return c, nil
}

// Digits is how many decimal places the currency's minor unit has (2 for
// CNY's fen, 0 for JPY).
func (c Currency) Digits() int { return currencies[c].digits }

// Known reports whether the bot knows the currency.
func (c Currency) Known() bool { _, ok := currencies[c]; return ok }

// Amount is money as stored: a whole number of minor units (fen, cents) of
// one currency, so that sums are exact.
type Amount struct {
	Minor    int64    `json:"minor"`
	Currency Currency `json:"cur"`
}

// IsZero reports whether no amount is set.
func (a Amount) IsZero() bool { return a == Amount{} }

// Major is the amount in major units (yuan, dollars), for charts; sums are
// made on Minor.
func (a Amount) Major() float64 { return float64(a.Minor) / pow10(a.Currency.Digits()) }

// Decimal writes the amount as a plain decimal in major units with the
// currency's decimal places ("1800000.00"), for files a spreadsheet reads.
func (a Amount) Decimal() string { return decimal(a.Minor, a.Currency.Digits()) }

// String writes the amount the English way, e.g. ¥1,800,000.
func (a Amount) String() string { return a.InLanguage("en") }

// InLanguage writes the amount for a reader of the language: ¥1,800,000 or
// $400,000.50 in English; 180万元, 1.2亿元 or 9,500元 in Chinese (there the
// 万 and 亿 figures are rounded to two decimals, as people say them). The
// i18n package calls it for amounts among a message's arguments.
func (a Amount) InLanguage(lang string) string {
	if a.IsZero() {
		return ""
	}
	info, ok := currencies[a.Currency]
	if !ok {
		info = currencyInfo{digits: 2, symbol: string(a.Currency) + " ", zh: " " + string(a.Currency)}
	}
	if lang == "zh" {
		return zhAmount(a.Minor, info)
	}
	sign := ""
	minor := a.Minor
	if minor < 0 {
		sign, minor = "-", -minor
	}
	s := group(decimal(minor, info.digits))
	if strings.HasSuffix(s, ".00") || (info.digits > 0 && strings.Trim(s[strings.IndexByte(s, '.')+1:], "0") == "") {
		s = s[:strings.IndexByte(s, '.')]
	}
	return sign + info.symbol + s
}

// zhAmount writes minor units the Chinese way: 9,500元, 180万元, 1.2亿元.
func zhAmount(minor int64, info currencyInfo) string {
	sign := ""
	if minor < 0 {
		sign, minor = "-", -minor
	}
	if major := float64(minor) / pow10(info.digits); major >= 1e4 {
		// A figure that rounds to 10000万 is said as 1亿.
		if wan := trimFloat(major / 1e4); major < 1e8 && wan != "10000" {
			return sign + wan + "万" + info.zh
		}
		return sign + trimFloat(major/1e8) + "亿" + info.zh
	}
	s := group(decimal(minor, info.digits))
	if i := strings.IndexByte(s, '.'); i >= 0 && strings.Trim(s[i+1:], "0") == "" {
		s = s[:i]
	}
	return sign + s + info.zh
}

// trimFloat writes f with at most two decimals and no trailing zeros.
func trimFloat(f float64) string {
	s := strconv.FormatFloat(f, 'f', 2, 64)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// decimal writes minor units as a decimal with digits places.
func decimal(minor int64, digits int) string {
	sign := ""
	if minor < 0 {
		sign, minor = "-", -minor
	}
	s := strconv.FormatInt(minor, 10)
	if digits == 0 {
		return sign + s
	}
	for len(s) <= digits {
		s = "0" + s
	}
	return sign + s[:len(s)-digits] + "." + s[len(s)-digits:]
}

// group puts thousands separators into a decimal's whole part.
func group(s string) string {
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString("." + frac)
	}
	return b.String()
}

func pow10(n int) float64 {
	f := 1.0
	for range n {
		f *= 10
	}
	return f
}

// amountHint is how to write an amount, said with every refusal.
const amountHint = "Write amounts like ¥1.8M, 180万, 1.2亿, $400k or 1,800,000 CNY."

// ParseAmount reads an amount as people write it: a figure with an optional
// multiplier (k, M, 万, 亿 …) and an optional currency as a symbol (¥, $, €),
// a word (元, 美元) or an ISO code before or after it ("1,800,000 CNY").
// Without a currency the amount is in team, the team's currency; "¥" is
// team's yen when that is JPY and yuan otherwise. The figure uses "," only
// to group thousands and "." only as the decimal point: "€ 95.000,50" and
// "1.234,5" are refused as ambiguous rather than guessed. Amounts must be
// positive, at most MaxAmount, and exact in the currency's minor unit.
func ParseAmount(s string, team Currency) (Amount, error) {
	if !utf8.ValidString(s) || strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Cf, r) || unicode.IsControl(r) }) >= 0 {
		return Amount{}, Errorf(EINVALID, "That amount has hidden characters in it. Type it plainly. %s", Term(amountHint))
	}
	if utf8.RuneCountInString(s) > 40 {
		return Amount{}, Errorf(EINVALID, "That is too long for an amount. %s", Term(amountHint))
	}
	f := strings.TrimSpace(strings.ReplaceAll(foldWidth(s), "￥", "¥"))
	if f == "" {
		return Amount{}, Errorf(EINVALID, "How much is the deal worth? %s", Term(amountHint))
	}
	if strings.HasPrefix(f, "-") || strings.HasPrefix(f, "−") || strings.Contains(f, "-") {
		return Amount{}, Errorf(EINVALID, "%q is negative: a deal's value is what the customer pays. %s", s, Term(amountHint))
	}
	cur, figure, mult, err := splitAmount(f, team)
	if err != nil {
		return Amount{}, err
	}
	if cur == "" {
		cur = team
	}
	info, ok := currencies[cur]
	if !ok {
		return Amount{}, unknownCurrency(string(cur))
	}
	num, err := parseFigure(figure, s)
	if err != nil {
		return Amount{}, err
	}
	num.Mul(num, new(big.Rat).SetInt64(mult))
	if num.Sign() <= 0 {
		return Amount{}, Errorf(EINVALID, "%q is no money: a deal's value must be more than zero. %s", s, Term(amountHint))
	}
	if num.Cmp(new(big.Rat).SetInt64(MaxAmount)) > 0 {
		return Amount{}, tooMuch(s)
	}
	minor := new(big.Rat).Mul(num, new(big.Rat).SetInt64(int64(pow10(info.digits))))
	if !minor.IsInt() {
		return Amount{}, Errorf(EINVALID, "%q has more decimals than %s has (%d). Round it. %s", s, string(cur), info.digits, Term(amountHint))
	}
	return Amount{Minor: minor.Num().Int64(), Currency: cur}, nil
}

// splitAmount takes the currency and the multiplier off a folded amount,
// leaving the figure.
func splitAmount(f string, team Currency) (cur Currency, figure string, mult int64, err error) {
	mult = 1
	set := func(c Currency) error {
		if cur != "" && cur != c {
			return Errorf(EINVALID, "%q names two currencies. Give one. %s", f, Term(amountHint))
		}
		cur = c
		return nil
	}
	word := func(w string) (Currency, bool) {
		lw := strings.ToLower(w)
		if lw == "¥" {
			if team == "JPY" {
				return "JPY", true
			}
			return "CNY", true
		}
		if c, ok := currencyWords[lw]; ok {
			return c, true
		}
		if len(w) == 3 && isLetters(w) {
			return Currency(strings.ToUpper(w)), true
		}
		return "", false
	}
	rest := strings.TrimSpace(f)
	// A currency before the figure: a symbol or letters up to the first
	// digit (or a stray separator, which makes the figure ambiguous rather
	// than the currency unknown).
	if i := strings.IndexFunc(rest, func(r rune) bool { return isDigitOrDot(r) || r == ',' }); i > 0 {
		head := strings.TrimSpace(rest[:i])
		c, ok := word(head)
		if !ok {
			return "", "", 0, unknownCurrency(head)
		}
		if err := set(c); err != nil {
			return "", "", 0, err
		}
		rest = strings.TrimSpace(rest[i:])
	} else if i < 0 {
		return "", "", 0, Errorf(EINVALID, "%q has no figure in it. %s", f, Term(amountHint))
	}
	// The figure runs while digits, "," and "." do.
	end := strings.IndexFunc(rest, func(r rune) bool { return !isDigitOrDot(r) && r != ',' })
	if end < 0 {
		end = len(rest)
	}
	figure, rest = rest[:end], strings.TrimSpace(rest[end:])
	// Then a multiplier, then a currency, either with or without spaces.
	for _, m := range []string{"千万", "百万", "万", "亿", "千", "bn", "mn", "mm", "k", "m", "b", "w"} {
		if len(rest) >= len(m) && strings.EqualFold(rest[:len(m)], m) {
			after := rest[len(m):]
			if r, _ := utf8.DecodeRuneInString(after); after == "" || !unicode.IsLetter(r) || !isLetters(m) {
				mult = amountMultipliers[m]
				rest = strings.TrimSpace(after)
				break
			}
		}
	}
	if rest != "" {
		c, ok := word(rest)
		if !ok {
			return "", "", 0, unknownCurrency(rest)
		}
		if err := set(c); err != nil {
			return "", "", 0, err
		}
	}
	return cur, figure, mult, nil
}

func tooMuch(typed string) error {
	return Errorf(EINVALID, "%q is more than any deal is worth (the limit is 10^15). Check the figure and its multiplier. %s", typed, Term(amountHint))
}

func unknownCurrency(w string) error {
	return Errorf(EINVALID, "%q is not a currency or multiplier I know. Use an ISO 4217 code such as CNY, USD or EUR, and k, M, 万 or 亿. %s", w, Term(amountHint))
}

// parseFigure reads digits with "," grouping thousands and "." as the
// decimal point, refusing any other use of them as ambiguous.
func parseFigure(figure, typed string) (*big.Rat, error) {
	ambiguous := Errorf(EINVALID, "%q is ambiguous: use \",\" only between thousands and \".\" for decimals, e.g. 1,234.50 or 1234.5. %s", typed, Term(amountHint))
	if figure == "" || strings.Count(figure, ".") > 1 {
		return nil, ambiguous
	}
	whole, frac, hasFrac := strings.Cut(figure, ".")
	if strings.Contains(frac, ",") || (hasFrac && frac == "") || whole == "" && !hasFrac {
		return nil, ambiguous
	}
	if strings.Contains(whole, ",") {
		groups := strings.Split(whole, ",")
		if len(groups[0]) == 0 || len(groups[0]) > 3 {
			return nil, ambiguous
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return nil, ambiguous
			}
		}
		whole = strings.Join(groups, "")
	}
	if whole == "" {
		whole = "0"
	}
	if len(whole) > 19 || len(frac) > 19 {
		return nil, tooMuch(typed)
	}
	r, ok := new(big.Rat).SetString(whole + "." + frac + "0")
	if !ok {
		return nil, ambiguous
	}
	return r, nil
}

func isDigitOrDot(r rune) bool { return r >= '0' && r <= '9' || r == '.' }

func isLetters(s string) bool {
	for _, r := range s {
		if !isASCIILetterRune(r) {
			return false
		}
	}
	return true
}

func isASCIILetterRune(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }

// Money is a sum of amounts kept per currency, in minor units: amounts in
// different currencies are never added together.
type Money map[Currency]int64

// Add adds an amount to its currency's sum.
func (m Money) Add(a Amount) {
	if a.IsZero() {
		return
	}
	m[a.Currency] = addSat(m[a.Currency], a.Minor)
}

// addSat adds two sums of minor units, stopping at the largest int64
// rather than wrapping round to a negative: a sum is exact up to about
// 9.2×10^18 minor units (9.2×10^16 yuan), far beyond any team's pipeline,
// and never turns negative beyond it.
func addSat(a, b int64) int64 {
	s := a + b
	switch {
	case a > 0 && b > 0 && s < 0:
		return math.MaxInt64
	case a < 0 && b < 0 && s >= 0:
		return math.MinInt64
	}
	return s
}

// mulSat multiplies minor units by a small non-negative factor (a
// probability in percent), stopping at the largest int64.
func mulSat(minor int64, by int) int64 {
	if by != 0 && minor > math.MaxInt64/int64(by) {
		return math.MaxInt64
	}
	return minor * int64(by)
}

// Merge adds every sum of o.
func (m Money) Merge(o Money) {
	for c, v := range o {
		m[c] = addSat(m[c], v)
	}
}

// In is the sum in one currency, as an Amount.
func (m Money) In(c Currency) Amount { return Amount{Minor: m[c], Currency: c} }

// Currencies lists the currencies with a sum, first the team's, then the
// others by code.
func (m Money) Currencies(team Currency) []Currency {
	var out []Currency
	for c, v := range m {
		if v != 0 && c != team {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	if m[team] != 0 {
		out = append([]Currency{team}, out...)
	}
	return out
}

// InLanguage writes the sums for a reader, the team's currency first,
// joined by " + " ("¥1,800,000 + $400,000"); zero in the team's currency
// when there is nothing ("¥0", "0元"; "0" when the team has no currency
// the bot knows).
func (m Money) InLanguage(lang string, team Currency) string {
	cs := m.Currencies(team)
	if len(cs) == 0 {
		info, ok := currencies[team]
		switch {
		case !ok:
			return "0"
		case lang == "zh":
			return "0" + info.zh
		}
		return info.symbol + "0"
	}
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = m.In(c).InLanguage(lang)
	}
	return strings.Join(parts, " + ")
}

// Sprint is a debugging form: "CNY 1800000.00 + USD 400000.00".
func (m Money) Sprint() string {
	var parts []string
	for _, c := range m.Currencies("") {
		parts = append(parts, fmt.Sprintf("%s %s", c, m.In(c).Decimal()))
	}
	return strings.Join(parts, " + ")
}
