package i18n_test

import (
	"testing"

	"salesbot/i18n"
)

func TestParse(t *testing.T) {
	for in, want := range map[string]i18n.Lang{
		"en": i18n.En, "EN": i18n.En, "english": i18n.En, "英文": i18n.En,
		"zh": i18n.Zh, "zh-CN": i18n.Zh, "zh_CN": i18n.Zh, "中文": i18n.Zh, "Chinese": i18n.Zh, " zh ": i18n.Zh,
	} {
		if got, ok := i18n.Parse(in); !ok || got != want {
			t.Errorf("Parse(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "fr", "klingon", "zh-"} {
		if got, ok := i18n.Parse(in); ok {
			t.Errorf("Parse(%q) = %q; want no language", in, got)
		}
	}
}

func TestFromLocale(t *testing.T) {
	for in, want := range map[string]i18n.Lang{
		"zh-CN": i18n.Zh, "zh-TW": i18n.Zh, "zh_CN": i18n.Zh, "zh": i18n.Zh,
		"en-US": i18n.En, "ja-JP": i18n.En, "": i18n.En, "zhx": i18n.En,
	} {
		if got := i18n.FromLocale(in); got != want {
			t.Errorf("FromLocale(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestT(t *testing.T) {
	tests := []struct {
		lang   i18n.Lang
		format string
		args   []any
		want   string
	}{
		{i18n.En, "%d days ago", []any{3}, "3 days ago"},
		{i18n.Zh, "%d days ago", []any{3}, "3 天前"},
		{"", "%d days ago", []any{3}, "3 days ago"},
		{i18n.Zh, "not in the catalog %s", []any{"x"}, "not in the catalog x"},
		// Explicit indexes where Chinese word order differs.
		{i18n.Zh, ":zzz: Snoozed until %s by <@%s>.", []any{"11月24日 周二 10:00", "U1"}, ":zzz: <@U1> 已推迟到 11月24日 周二 10:00。"},
		{i18n.Zh, ":white_check_mark: Logged a %s with *%s* on %s.", []any{"拜访", "Acme", "2026-11-23"}, ":white_check_mark: 已记录 2026-11-23 与 *Acme* 的拜访。"},
		{i18n.En, ":white_check_mark: Logged a %s with *%s* on %s.", []any{"visit", "Acme", "2026-11-23"}, ":white_check_mark: Logged a visit with *Acme* on 2026-11-23."},
		// A plain string is left as it is, even when it spells a term; a
		// Term is translated.
		{i18n.Zh, "The lead is already at %s.", []any{"Demo"}, "客户已经处于Demo阶段。"},
		{i18n.Zh, "The lead is already at %s.", []any{i18n.Term("Demo")}, "客户已经处于演示阶段。"},
		{i18n.En, "The lead is already at %s.", []any{i18n.Term("Demo")}, "The lead is already at Demo."},
		{i18n.Zh, "%s is already %s's lead.", []any{"Coach", "<@U1>"}, "Coach 已经是 <@U1> 的客户。"},
		// Any value with a Term method is a term (the domain's salesbot.Term).
		{i18n.Zh, "The lead is already at %s.", []any{term("Won")}, "客户已经处于签约阶段。"},
		// A word the catalog lacks is written as it is.
		{i18n.Zh, "The lead is already at %s.", []any{i18n.Term("Somewhere")}, "客户已经处于Somewhere阶段。"},
		// An approval's status, as the domain passes it (Term(a.Status)).
		{i18n.Zh, "%s has already %s this request.", []any{"<@U1>", i18n.Term("approved")}, "<@U1> 已经批准了这个申请。"},
		{i18n.Zh, "%s has already %s this request.", []any{"<@U1>", i18n.Term("rejected")}, "<@U1> 已经驳回了这个申请。"},
		{i18n.Zh, "%s has already %s this request.", []any{"<@U1>", i18n.Term("withdrawn")}, "<@U1> 已经撤回了这个申请。"},
		{i18n.En, "%s has already %s this request.", []any{"<@U1>", i18n.Term("withdrawn")}, "<@U1> has already withdrawn this request."},
		// Lists are joined the language's way.
		{i18n.Zh, "%s", []any{i18n.List{"Budget", "Need"}}, "预算、需求"},
		{i18n.En, "%s", []any{i18n.List{"Budget", "Need"}}, "Budget, Need"},
	}
	for _, tt := range tests {
		if got := i18n.T(tt.lang, tt.format, tt.args...); got != tt.want {
			t.Errorf("T(%q, %q) = %q; want %q", tt.lang, tt.format, got, tt.want)
		}
	}
}

// term is a domain's own term type, as salesbot.Term is.
type term string

func (t term) Term() string { return string(t) }
