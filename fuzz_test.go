package salesbot_test

// Fuzz targets for the parsers that read what people type: dates, company
// names, cadences, working hours, the enumerated fields of a lead and the
// schedule fact, plus the risk rules fed with whatever a stored lead may hold.
// Their seed corpora are the f.Add calls below and testdata/fuzz/<FuzzName>/.
//
//	go test -run=NONE -fuzz='^FuzzParseDate$' -fuzztime=30s .

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"salesbot"
)

// fuzzHostileText is the seed every text fuzz target starts from: Chinese text,
// full-width digits, quotes of every kind, huge numbers, control characters
// and invalid UTF-8.
var fuzzHostileText = []string{
	"",
	" ",
	"\u3000",
	"上海某某机械有限公司",
	"２０２６－１１－２３",
	"“Acme” ‘x’ «y» „z“ 「a」 『b』 ＂c＂ \"d\" 'e' `f`",
	"99999999999999999999999999",
	"-9223372036854775808",
	"\x00\x01\x1b[31m\x7f",
	"\u200b\u200d\ufeff\u00ad",
	"\xff\xfe\xfd",
	"a\xc3",
	"\u202eevil",
}

func FuzzParseDate(f *testing.F) {
	for _, s := range append([]string{
		"2026-11-23", "2026/1/5", "2026.11.23", " 2026-11-23 ", "２０２６．１１．２３",
		"2028-02-29", "2027-02-29", "1899-12-31", "9999-12-31", "0000-00-00",
		"2026-11-23-01", "2026--1", "+202-1-1", "2026-１-٣", "²⁰²⁶-1-1", "2026\u200b-11-23",
		"2026-11-31", "26-11-23", "2026-011-23", "⑳26-1-1",
	}, fuzzHostileText...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := salesbot.ParseDate(s)
		if err != nil {
			if code := salesbot.ErrorCode(err); code != salesbot.EINVALID {
				t.Fatalf("ParseDate(%q): error code %q, want %q", s, code, salesbot.EINVALID)
			}
			if !d.IsZero() {
				t.Fatalf("ParseDate(%q) = %v alongside an error", s, d)
			}
			return
		}
		if d.IsZero() || d.Year < 1900 || d.Year > 9999 || d.Month < time.January || d.Month > time.December || d.Day < 1 || d.Day > 31 {
			t.Fatalf("ParseDate(%q) = %+v: not a plausible date", s, d)
		}
		if salesbot.DateOf(d.In(time.UTC)) != d {
			t.Fatalf("ParseDate(%q) = %+v: not a real day", s, d)
		}
		again, err := salesbot.ParseDate(d.String())
		if err != nil || again != d {
			t.Fatalf("ParseDate(%q) = %v, but ParseDate(%q) = %+v, %v", s, d, d.String(), again, err)
		}
		var u salesbot.Date
		if b, _ := d.MarshalText(); u.UnmarshalText(b) != nil || u != d {
			t.Fatalf("ParseDate(%q) = %v does not survive MarshalText/UnmarshalText: %+v", s, d, u)
		}
		// What ParseDate accepts, LooksLikeDate recognises (it does not
		// trim), so an accepted date is never mistaken for text.
		if !salesbot.LooksLikeDate(strings.TrimSpace(s)) {
			t.Fatalf("ParseDate(%q) accepts %v, but LooksLikeDate(%q) is false", s, d, strings.TrimSpace(s))
		}
		if !salesbot.LooksLikeDate(d.String()) {
			t.Fatalf("LooksLikeDate(%q) is false", d.String())
		}
	})
}

func FuzzLooksLikeDate(f *testing.F) {
	for _, s := range append([]string{"2026-11-23", "2026/13/45", "1-2-3", "12-12-12", "２０２６．１１．２３", "2026-11-23x"}, fuzzHostileText...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !salesbot.LooksLikeDate(s) {
			return
		}
		// Shaped like a date: ParseDate takes it or says how to write one.
		if _, err := salesbot.ParseDate(s); err != nil && salesbot.ErrorCode(err) != salesbot.EINVALID {
			t.Fatalf("LooksLikeDate(%q), but ParseDate fails with code %q: %v", s, salesbot.ErrorCode(err), err)
		}
	})
}

func FuzzNormalizeCompany(f *testing.F) {
	for _, s := range append([]string{
		"Acme Industrial Co., Ltd.", "ACME INDUSTRIAL", "Acme\u200bIndustrial", "Ａｃｍｅ　Ｉｎｄｕｓｔｒｉａｌ",
		"Costco", "Company", "Co Ltd", "Ltd Ltd Inc", "Acme-Inc", "上海某某机械股份有限公司", "有限公司",
		"公司有限公司", "某某 集团公司", "İSTANBUL Ltd", "ǅemal GmbH", "ß Straße AG", "...", "「」", "Ω K Å",
		"Σ ΣΑΣ", "x\u0301 Co.",
	}, fuzzHostileText...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		key := salesbot.NormalizeCompany(name)
		if !utf8.ValidString(key) {
			t.Fatalf("NormalizeCompany(%q) = %q: not valid UTF-8", name, key)
		}
		if i := strings.IndexFunc(key, func(r rune) bool {
			return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) || unicode.Is(unicode.Cf, r)
		}); i >= 0 {
			t.Fatalf("NormalizeCompany(%q) = %q: keeps a space, punctuation, symbol or format character at byte %d", name, key, i)
		}
		// The key is a fixed point up to canonical equivalence: normalizing
		// it again gives the same text. Not byte for byte: a combining mark
		// after a dropped separator is joined to the word before without
		// being composed with it ("A´" folds to "A \u0301", whose key is
		// "a\u0301" while "Á" has "á"), so the bytes may still change.
		if again := salesbot.NormalizeCompany(key); norm.NFC.String(again) != norm.NFC.String(key) {
			t.Fatalf("NormalizeCompany(%q) = %q, but NormalizeCompany(%q) = %q", name, key, key, again)
		}
		if again := salesbot.NormalizeCompany(key); salesbot.NormalizeCompany(again) != again {
			t.Fatalf("NormalizeCompany(%q) = %q, NormalizeCompany of that = %q, and of that %q", name, key, again, salesbot.NormalizeCompany(again))
		}
		if key == "" {
			if _, err := salesbot.CleanCompany(name); err == nil {
				t.Fatalf("CleanCompany(%q) accepts a name whose key is empty", name)
			}
			return
		}
		// A trailing Latin legal form never tells two companies apart.
		if withSuffix := salesbot.NormalizeCompany(name + " Ltd."); withSuffix != key {
			t.Fatalf("NormalizeCompany(%q) = %q, but with \" Ltd.\" added: %q", name, key, withSuffix)
		}
		clean, err := salesbot.CleanCompany(name)
		if err != nil {
			if code := salesbot.ErrorCode(err); code != salesbot.EINVALID {
				t.Fatalf("CleanCompany(%q): error code %q, want %q", name, code, salesbot.EINVALID)
			}
			return
		}
		// What CleanCompany keeps is registered under the same key.
		if got := salesbot.NormalizeCompany(clean); got != key {
			t.Fatalf("CleanCompany(%q) = %q with key %q; the name as typed has key %q", name, clean, got, key)
		}
		if clean != strings.TrimSpace(clean) || strings.Contains(clean, "  ") || !utf8.ValidString(clean) {
			t.Fatalf("CleanCompany(%q) = %q: not trimmed to single spaces", name, clean)
		}
		if n := utf8.RuneCountInString(clean); n > salesbot.MaxCompanyLen {
			t.Fatalf("CleanCompany(%q) = %q: %d runes, over MaxCompanyLen", name, clean, n)
		}
		if strings.IndexFunc(clean, unicode.IsControl) >= 0 {
			t.Fatalf("CleanCompany(%q) = %q: keeps a control character", name, clean)
		}
		again, err := salesbot.CleanCompany(clean)
		if err != nil || again != clean {
			t.Fatalf("CleanCompany(%q) = %q, but CleanCompany(%q) = %q, %v", name, clean, clean, again, err)
		}
	})
}

func FuzzNormalizePerson(f *testing.F) {
	for _, s := range append([]string{"Wang Li", "  WANG   li ", "王力", "Ｗａｎｇ　Ｌｉ", "O'Brien", "José\u0301"}, fuzzHostileText...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		key := salesbot.NormalizePerson(name)
		if again := salesbot.NormalizePerson(key); again != key {
			t.Fatalf("NormalizePerson(%q) = %q, but NormalizePerson(%q) = %q", name, key, key, again)
		}
		if key != strings.TrimSpace(key) || strings.Contains(key, "  ") {
			t.Fatalf("NormalizePerson(%q) = %q: not trimmed to single spaces", name, key)
		}
	})
}

func FuzzParseCadence(f *testing.F) {
	for _, s := range append([]string{
		"A=7d,B=14d,C=30d,D=90d", "a=1d", "A=36h", "Ａ=７d", " A = 7d , B = 14d ", "A=3650d", "A=3651d",
		"A=87600h", "A=87601h", "A=1ns", "A=0d", "A=-1d", "A=+7d", "A=9223372036854775807d",
		"A=99999999999999999999h", "E=7d", "A=7d,", "A", "=", "A=7d,A=1d", "A=1.5h30m",
	}, fuzzHostileText...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := salesbot.ParseCadence(s)
		if err != nil {
			if c != nil {
				t.Fatalf("ParseCadence(%q) = %v alongside an error", s, c)
			}
			return
		}
		for _, g := range salesbot.Grades {
			d, ok := c[g]
			if !ok || d <= 0 || d > 3650*salesbot.Day {
				t.Fatalf("ParseCadence(%q): grade %s every %v (present %v); want a positive duration of at most 3650 days", s, g, d, ok)
			}
		}
		if len(c) != len(salesbot.Grades) {
			t.Fatalf("ParseCadence(%q) = %v: grades other than A–D", s, c)
		}
		again, err := salesbot.ParseCadence(c.String())
		if err != nil || again.String() != c.String() {
			t.Fatalf("ParseCadence(%q) = %v, but ParseCadence(%q) = %v, %v", s, c, c.String(), again, err)
		}
		for g, d := range c {
			if again[g] != d {
				t.Fatalf("ParseCadence(%q): %s = %v, but read back from %q: %v", s, g, d, c.String(), again[g])
			}
		}
	})
}

func FuzzParseWorkHours(f *testing.F) {
	for _, s := range [][2]string{
		{"09-18", "1-5"}, {"0-24", "0-6"}, {"9-18", "1,3,5"}, {" 8 - 17 ", " 1 - 6 "}, {"18-9", "1-5"},
		{"9-9", "1-5"}, {"-1-18", "1-5"}, {"9-25", "1-5"}, {"09-18", "7"}, {"09-18", "0-8"}, {"09-18", "5-1"},
		{"09-18", ""}, {"09-18", "1-5,"}, {"９-１８", "１-５"}, {"9-18", "-1"}, {"-0-24", "-0"},
		{"99999999999999999999-1", "1-5"}, {"0-9223372036854775807", "0-9223372036854775807"}, {"上午9点-下午6点", "周一到周五"},
		{"\xff-\xfe", "\x00"},
	} {
		f.Add(s[0], s[1], int64(0))
	}
	f.Add("09-18", "1-5", int64(1_800_000_000))
	f.Add("0-1", "0", int64(-62135596800))
	f.Fuzz(func(t *testing.T, hours, days string, at int64) {
		w, err := salesbot.ParseWorkHours(hours, days)
		if err != nil {
			if w != (salesbot.WorkHours{}) {
				t.Fatalf("ParseWorkHours(%q, %q) = %+v alongside an error", hours, days, w)
			}
			return
		}
		if w.From < 0 || w.From >= w.To || w.To > 24 {
			t.Fatalf("ParseWorkHours(%q, %q) = %d-%d: want 0 ≤ From < To ≤ 24", hours, days, w.From, w.To)
		}
		open := 0
		for _, d := range w.Days {
			if d {
				open++
			}
		}
		if open == 0 {
			t.Fatalf("ParseWorkHours(%q, %q) = %+v: no working day", hours, days, w)
		}
		// Reminders held for working hours are sent at the next opening,
		// which is never earlier and always open.
		now := time.Unix(at%(1<<40), 0).UTC()
		next := w.Next(now)
		if next.Before(now) || !w.Open(next) || next.Sub(now) > 8*salesbot.Day {
			t.Fatalf("ParseWorkHours(%q, %q) = %+v: Next(%v) = %v", hours, days, w, now, next)
		}
	})
}

func FuzzParseSupport(f *testing.F) {
	for _, s := range append([]string{
		"+3", "-3", "0", "3", "−2", "–1", "﹣1", "＋２", "-0", "+0", "++1", "+-1", "--1", "4", "-4", "٣", "+ 2",
		"9223372036854775807", "-9223372036854775809",
	}, fuzzHostileText...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := salesbot.ParseSupport(s)
		if err != nil {
			if code := salesbot.ErrorCode(err); code != salesbot.EINVALID || v != 0 {
				t.Fatalf("ParseSupport(%q) = %v, error code %q; want 0, %q", s, v, code, salesbot.EINVALID)
			}
			return
		}
		if v < salesbot.MinSupport || v > salesbot.MaxSupport {
			t.Fatalf("ParseSupport(%q) = %d: out of -3…+3", s, v)
		}
		if again, err := salesbot.ParseSupport(v.String()); err != nil || again != v {
			t.Fatalf("ParseSupport(%q) = %v, but ParseSupport(%q) = %v, %v", s, v, v.String(), again, err)
		}
	})
}

func FuzzParseGrade(f *testing.F) {
	for _, s := range append([]string{"A", "b", " C ", "Ｄ", "ｄ", "E", "AA", "甲", "ª", "Ａ\u200b"}, fuzzHostileText...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		g, err := salesbot.ParseGrade(s)
		if err != nil {
			if code := salesbot.ErrorCode(err); code != salesbot.EINVALID || g != "" {
				t.Fatalf("ParseGrade(%q) = %q, error code %q; want \"\", %q", s, g, code, salesbot.EINVALID)
			}
			return
		}
		if !g.Valid() || g.Rank() >= len(salesbot.Grades) {
			t.Fatalf("ParseGrade(%q) = %q: not a grade", s, g)
		}
		if again, err := salesbot.ParseGrade(string(g)); err != nil || again != g {
			t.Fatalf("ParseGrade(%q) = %q, but ParseGrade(%q) = %q, %v", s, g, g, again, err)
		}
	})
}

func FuzzParseStage(f *testing.F) {
	for _, s := range append([]string{
		"lead", "first-visit", "First Visit", "first_visit", "FIRST-VISIT", "初访", "系统演示", "won", "lost", "WON",
		"quote", "proposal", "ｑｕｏｔｅ", "first--visit", "-first-visit-", "negotiation\u200b",
	}, fuzzHostileText...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		st, err := salesbot.ParseStage(s)
		if err != nil {
			if code := salesbot.ErrorCode(err); code != salesbot.EINVALID || st != "" {
				t.Fatalf("ParseStage(%q) = %q, error code %q; want \"\", %q", s, st, code, salesbot.EINVALID)
			}
			return
		}
		// Only open stages are moved to; won and lost are closed otherwise.
		if st.Index() < 0 || st.Closed() {
			t.Fatalf("ParseStage(%q) = %q: not an open stage", s, st)
		}
		if again, err := salesbot.ParseStage(string(st)); err != nil || again != st {
			t.Fatalf("ParseStage(%q) = %q, but ParseStage(%q) = %q, %v", s, st, st, again, err)
		}
	})
}

func FuzzParseRole(f *testing.F) {
	for _, s := range append([]string{
		"eb", "TB", " user ", "coordinator", "coach", "economic buyer", "Technical-Buyer", "经济决策者", "内线",
		"ｅｂ", "pm", "economic  buyer", "e b",
	}, fuzzHostileText...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := salesbot.ParseRole(s)
		if err != nil {
			if code := salesbot.ErrorCode(err); code != salesbot.EINVALID || r != "" {
				t.Fatalf("ParseRole(%q) = %q, error code %q; want \"\", %q", s, r, code, salesbot.EINVALID)
			}
			return
		}
		known := false
		for _, x := range salesbot.Roles {
			known = known || x == r
		}
		if !known {
			t.Fatalf("ParseRole(%q) = %q: not a buying role", s, r)
		}
		if again, err := salesbot.ParseRole(string(r)); err != nil || again != r {
			t.Fatalf("ParseRole(%q) = %q, but ParseRole(%q) = %q, %v", s, r, r, again, err)
		}
	})
}

// FuzzParseTerms covers the other one-word fields of a lead: influence,
// decision role, contact depth, attitude to change, key fact and visit kind.
func FuzzParseTerms(f *testing.F) {
	for _, s := range append([]string{
		"high", "H", "中", "decision maker", "decision_maker", "DM", "把关者", "brief", "暂短接触", "early adopter",
		"实用主义者", "schedule", "时间表", "decision-process", "call", "meeting", "拜访",
	}, fuzzHostileText...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		check := func(what string, v string, err error, valid func() bool, again func() (string, error)) {
			t.Helper()
			if err != nil {
				if code := salesbot.ErrorCode(err); code != salesbot.EINVALID || v != "" {
					t.Fatalf("Parse%s(%q) = %q, error code %q; want \"\", %q", what, s, v, code, salesbot.EINVALID)
				}
				return
			}
			if !valid() {
				t.Fatalf("Parse%s(%q) = %q: not a known value", what, s, v)
			}
			if a, err := again(); err != nil || a != v {
				t.Fatalf("Parse%s(%q) = %q, but Parse%s(%q) = %q, %v", what, s, v, what, v, a, err)
			}
		}
		in, err := salesbot.ParseInfluence(s)
		check("Influence", string(in), err, func() bool { return fuzzContains(salesbot.Influences, in) }, func() (string, error) {
			x, err := salesbot.ParseInfluence(string(in))
			return string(x), err
		})
		dr, err := salesbot.ParseDecisionRole(s)
		check("DecisionRole", string(dr), err, func() bool { return fuzzContains(salesbot.DecisionRoles, dr) }, func() (string, error) {
			x, err := salesbot.ParseDecisionRole(string(dr))
			return string(x), err
		})
		cd, err := salesbot.ParseContactDepth(s)
		check("ContactDepth", string(cd), err, func() bool { return fuzzContains(salesbot.ContactDepths, cd) }, func() (string, error) {
			x, err := salesbot.ParseContactDepth(string(cd))
			return string(x), err
		})
		at, err := salesbot.ParseAttitude(s)
		check("Attitude", string(at), err, func() bool { return fuzzContains(salesbot.Attitudes, at) }, func() (string, error) {
			x, err := salesbot.ParseAttitude(string(at))
			return string(x), err
		})
		kf, err := salesbot.ParseKeyFact(s)
		check("KeyFact", string(kf), err, func() bool { return fuzzContains(salesbot.KeyFacts, kf) }, func() (string, error) {
			x, err := salesbot.ParseKeyFact(string(kf))
			return string(x), err
		})
		vk, err := salesbot.ParseVisitKind(s)
		check("VisitKind", string(vk), err, func() bool { return vk != "" }, func() (string, error) {
			x, err := salesbot.ParseVisitKind(string(vk))
			return string(x), err
		})
	})
}

func fuzzContains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func FuzzExpectedDecision(f *testing.F) {
	for _, s := range append([]string{
		"decide by 2027-03", "go-live 2027-09; decision 2027-02", "2027年3月签约", "2027年3月15日 决策",
		"２０２７－０３－１５ 签合同", "sign 2027-02-30", "decide 2027-13", "decide 1899-12", "contract 9999-12-31",
		"decision 2027/2, go-live 2027.9.1", "2027-00-10", "selection 2027-2-0", "signing in 2027-12-31。上线 2028-06",
		"决定：2027年13月", "DECIDE 20270-1-1", "decide 2027-1-111", "sign: 99999999999-12",
	}, fuzzHostileText...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		l := &salesbot.Lead{Facts: map[salesbot.KeyFact]salesbot.Fact{salesbot.FactSchedule: {Text: text}}}
		d, ok := l.ExpectedDecision()
		if !ok {
			if !d.IsZero() {
				t.Fatalf("ExpectedDecision(%q) = %v, false: a date with no decision", text, d)
			}
			return
		}
		if d.IsZero() || d.Year < 1900 || salesbot.DateOf(d.In(time.UTC)) != d {
			t.Fatalf("ExpectedDecision(%q) = %+v: not a real day", text, d)
		}
		if again, err := salesbot.ParseDate(d.String()); err != nil || again != d {
			t.Fatalf("ExpectedDecision(%q) = %v, but ParseDate(%q) = %v, %v", text, d, d.String(), again, err)
		}
	})
}

// fuzzRiskNow is when FuzzRisks judges its leads.
var fuzzRiskNow = time.Date(2026, time.November, 23, 9, 0, 0, 0, time.UTC)

func FuzzRisks(f *testing.F) {
	type seed struct {
		grade, stage, role, influence, depth, schedule string
		support                                        int
		touch, stageSince, met, snooze                 int64 // seconds before fuzzRiskNow
		cadenceDays                                    int
	}
	for _, s := range []seed{
		{"A", "quote", "eb", "high", "deep", "decide by 2027-03", 2, 3 * 86400, 10 * 86400, 86400, 0, 7},
		{"B", "discovery", "coach", "low", "brief", "", 1, 40 * 86400, 100 * 86400, 5 * 86400, 0, 14},
		{"D", "negotiation", "user", "high", "none", "2027年3月签约", -3, 0, 0, 0, -86400, 0},
		{"C", "lead", "tb", "medium", "several", "sign 2020-01-01", 0, 400 * 86400, 400 * 86400, 1 << 40, 0, 3650},
		{"A", "won", "eb", "high", "deep", "", 3, 0, 0, 0, 0, 7},
		{"Z", "初访", "内线", "高", "深入接触", "决策 ２０２７－０３－１５", 99, -1 << 62, 1 << 62, -1 << 62, 1 << 62, -5},
		{"", "", "", "", "", "\xff\xfe 「“»", -1 << 31, 1<<63 - 1, -1 << 63, 1<<63 - 1, -1 << 63, 1<<31 - 1},
		{"a", "%s%d%!", "%v", "%q", "%x", "%n decide 2026-11-23", 2, 0, 0, 0, 0, 1},
	} {
		f.Add(s.grade, s.stage, s.role, s.influence, s.depth, s.schedule, s.support, s.touch, s.stageSince, s.met, s.snooze, s.cadenceDays)
	}
	f.Fuzz(func(t *testing.T, grade, stage, role, influence, depth, schedule string, support int, touch, stageSince, met, snooze int64, cadenceDays int) {
		// What the parsers accept, as a lead holds it; anything else as
		// given, as a lead read back from an older or damaged store may.
		g := salesbot.Grade(grade)
		if v, err := salesbot.ParseGrade(grade); err == nil {
			g = v
		}
		st := salesbot.Stage(stage)
		if v, err := salesbot.ParseStage(stage); err == nil {
			st = v
		} else if stage == "won" || stage == "lost" {
			st = salesbot.Stage(stage)
		}
		r := salesbot.Role(role)
		if v, err := salesbot.ParseRole(role); err == nil {
			r = v
		}
		in := salesbot.Influence(influence)
		if v, err := salesbot.ParseInfluence(influence); err == nil {
			in = v
		}
		cd := salesbot.ContactDepth(depth)
		if v, err := salesbot.ParseContactDepth(depth); err == nil {
			cd = v
		}
		ago := func(secs int64) time.Time {
			if secs == 0 {
				return time.Time{}
			}
			return fuzzRiskNow.Add(-time.Duration(secs) * time.Second)
		}
		l := &salesbot.Lead{
			ID: "L1", Team: "T1", Company: "Acme Industrial", Owner: "U0REP", Grade: g, Stage: st,
			CreatedAt: fuzzRiskNow.Add(-30 * salesbot.Day), StageSince: ago(stageSince), LastTouch: ago(touch),
			SnoozedUntil: ago(snooze),
			Facts: map[salesbot.KeyFact]salesbot.Fact{
				salesbot.FactSchedule: {Text: schedule},
				salesbot.FactNeed:     {Text: influence},
			},
			Stakeholders: []salesbot.Stakeholder{
				{Name: "Wang Li", Role: r, Influence: in, Support: salesbot.Support(support), ContactDepth: cd, LastMet: ago(met)},
				{Name: "Zhao Min", Role: salesbot.RoleCoach, Influence: salesbot.InfluenceLow, Support: 1},
			},
		}
		c := salesbot.DefaultCadence()
		c[salesbot.GradeA] = time.Duration(cadenceDays) * salesbot.Day
		risks := salesbot.Risks(l, fuzzRiskNow, c)
		if st.Closed() && risks != nil {
			t.Fatalf("Risks of a %s lead = %v; want none", st, risks)
		}
		// A format verb in what was typed shows up as itself; only a verb in
		// a message's own format could leave fmt's %!… behind.
		typed := strings.Contains(grade+stage+role+influence+depth, "%")
		for _, risk := range risks {
			if risk.Kind == "" || strings.TrimSpace(risk.Message) == "" {
				t.Fatalf("Risks(%+v): a risk with no kind or message: %+v", l, risk)
			}
			if got := fmt.Sprintf(risk.Format, risk.Args...); got != risk.Message {
				t.Fatalf("Risks: message %q is not its format %q with its args (%q)", risk.Message, risk.Format, got)
			}
			if !typed && strings.Contains(risk.Message, "%!") {
				t.Fatalf("Risks: message %q has a formatting error", risk.Message)
			}
			if risk.Kind == salesbot.RiskGradeVsSchedule && risk.Suggest != "" && !risk.Suggest.Valid() {
				t.Fatalf("Risks: suggests grade %q", risk.Suggest)
			}
		}
	})
}
