package i18n_test

import (
	"strconv"
	"strings"
	"sync"
	"testing"

	"salesbot/i18n"
)

// TestCountedMessages checks that counted words agree with the count in
// English, for 0, 1 and 2, and that Chinese, which has no plural, reads the
// same for each.
func TestCountedMessages(t *testing.T) {
	tests := []struct {
		lang   i18n.Lang
		format string
		args   []any
		want   string
	}{
		{i18n.En, "*The pool* — %d lost leads open to be claimed", []any{0}, "*The pool* — 0 lost leads open to be claimed"},
		{i18n.En, "*The pool* — %d lost leads open to be claimed", []any{1}, "*The pool* — 1 lost lead open to be claimed"},
		{i18n.En, "*The pool* — %d lost leads open to be claimed", []any{2}, "*The pool* — 2 lost leads open to be claimed"},
		{i18n.Zh, "*The pool* — %d lost leads open to be claimed", []any{0}, "*客户池* — 0 个失败客户可申领"},
		{i18n.Zh, "*The pool* — %d lost leads open to be claimed", []any{1}, "*客户池* — 1 个失败客户可申领"},
		{i18n.Zh, "*The pool* — %d lost leads open to be claimed", []any{2}, "*客户池* — 2 个失败客户可申领"},
		{i18n.En, "%d people", []any{0}, "0 people"},
		{i18n.En, "%d people", []any{1}, "1 person"},
		{i18n.En, "%d people", []any{2}, "2 people"},
		{i18n.Zh, "%d people", []any{1}, "1 人"},
		{i18n.En, "%d days", []any{0}, "0 days"},
		{i18n.En, "%d days", []any{1}, "1 day"},
		{i18n.En, "%d days", []any{2}, "2 days"},
		{i18n.Zh, "%d days", []any{1}, "1 天"},
		{i18n.En, "every %d days", []any{1}, "every 1 day"},
		{i18n.En, "every %d days", []any{7}, "every 7 days"},
		{i18n.Zh, "every %d days", []any{1}, "每 1 天"},
		{i18n.En, "%d follow-ups due", []any{1}, "1 follow-up due"},
		{i18n.En, "*%d follow-ups due*", []any{2}, "*2 follow-ups due*"},
		// The count is not the first argument.
		{i18n.En, "Since %s · %d open leads", []any{"Mon 23 Nov", 1}, "Since Mon 23 Nov · 1 open lead"},
		{i18n.En, "*%s* · %s · %d leads · %s", []any{"A", "closes within 3 months", 0, "every 7 days"}, "*A* · closes within 3 months · 0 leads · every 7 days"},
		{i18n.Zh, "*%s* · %s · %d leads · %s", []any{"A", "3 个月内可成交", 1, "每 7 天"}, "*A* · 3 个月内可成交 · 1 个客户 · 每 7 天"},
		{i18n.En, ":hourglass_flowing_sand: Moving *%s* to *%s* needs a manager's approval (%s). I've asked %d managers; you'll hear back here.",
			[]any{"Acme", i18n.Term("Quote"), "why", 1},
			":hourglass_flowing_sand: Moving *Acme* to *Quote* needs a manager's approval (why). I've asked 1 manager; you'll hear back here."},
		{i18n.Zh, ":hourglass_flowing_sand: Moving *%s* to *%s* needs a manager's approval (%s). I've asked %d managers; you'll hear back here.",
			[]any{"Acme", i18n.Term("Quote"), "原因", 2},
			":hourglass_flowing_sand: *Acme* 进入 *正式书面报价* 阶段需要经理审批（原因）。已通知 2 位经理，结果会在这里告诉你。"},
		// Two counts in one message, each with its own word.
		{i18n.En, ":new: *%d* new leads · %s · :trophy: *%d* won · :x: *%d* lost · :handshake: *%d* touches",
			[]any{1, "*0* grade changes", 2, 0, 2},
			":new: *1* new lead · *0* grade changes · :trophy: *2* won · :x: *0* lost · :handshake: *2* touches"},
		{i18n.En, ":new: *%d* new leads · %s · :trophy: *%d* won · :x: *%d* lost · :handshake: *%d* touches",
			[]any{0, "x", 0, 0, 1},
			":new: *0* new leads · x · :trophy: *0* won · :x: *0* lost · :handshake: *1* touch"},
		{i18n.Zh, ":new: *%d* new leads · %s · :trophy: *%d* won · :x: *%d* lost · :handshake: *%d* touches",
			[]any{1, "x", 2, 0, 1},
			":new: 新增客户 *1* 个 · x · :trophy: 成交 *2* · :x: 失败 *0* · :handshake: 跟进 *1* 次"},
		{i18n.En, "• <@%s>: %d touches — A %d%% · maintenance %d%% · new %d%%", []any{"U1", 1, 100, 0, 0}, "• <@U1>: 1 touch — A 100% · maintenance 0% · new 0%"},
		{i18n.Zh, "• <@%s>: %d touches — A %d%% · maintenance %d%% · new %d%%", []any{"U1", 2, 50, 50, 0}, "• <@U1>：跟进 2 次 — A 级 50% · 维护 50% · 新客户 0%"},
		// An argument that looks like a variable stays as it is.
		{i18n.En, "Since %s · %d open leads", []any{"${leads}", 2}, "Since ${leads} · 2 open leads"},
	}
	for _, tt := range tests {
		if got := i18n.T(tt.lang, tt.format, tt.args...); got != tt.want {
			t.Errorf("T(%q, %q, %v) = %q; want %q", tt.lang, tt.format, tt.args, got, tt.want)
		}
	}
}

// TestCountedMessagesAreComplete checks every counted message in every
// language for 0, 1 and 2: each renders without a formatting error, its
// English for 1 is not its English for 2 with another number, and its
// Chinese changes only the number.
func TestCountedMessagesAreComplete(t *testing.T) {
	for _, format := range i18n.Formats() {
		if !i18n.Counted(format) {
			continue
		}
		args := func(n int) []any {
			var a []any
			for _, v := range verb.FindAllString(format, -1) {
				switch v[len(v)-1] {
				case '%':
				case 'd':
					a = append(a, n)
				default:
					a = append(a, "x")
				}
			}
			return a
		}
		for _, lang := range []i18n.Lang{i18n.En, i18n.Zh} {
			for n := range 3 {
				if got := i18n.T(lang, format, args(n)...); strings.Contains(got, "%!") || strings.Contains(got, "${") {
					t.Errorf("T(%q, %q) with %d renders badly: %s", lang, format, n, got)
				}
			}
		}
		if one, two := i18n.T(i18n.En, format, args(1)...), i18n.T(i18n.En, format, args(2)...); strings.ReplaceAll(one, "1", "2") == two {
			t.Errorf("%q: the English for 1 (%q) reads as the one for 2 (%q)", format, one, two)
		}
		if one, two := i18n.T(i18n.Zh, format, args(1)...), i18n.T(i18n.Zh, format, args(2)...); strings.ReplaceAll(one, "1", "2") != two {
			t.Errorf("%q: the Chinese for 1 (%q) and for 2 (%q) differ beyond the number", format, one, two)
		}
	}
}

// TestCountedMessagesConcurrently: the handlers word messages from many
// requests at once; run with -race.
func TestCountedMessagesConcurrently(t *testing.T) {
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range 50 {
				lang := i18n.En
				if (g+n)%2 == 0 {
					lang = i18n.Zh
				}
				if got := i18n.T(lang, "%d days", n); !strings.HasPrefix(got, strconv.Itoa(n)+" ") {
					t.Errorf("T(%q, %%d days, %d) = %q", lang, n, got)
				}
			}
		}()
	}
	wg.Wait()
}
