package i18n

import (
	"fmt"
	"strings"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// counted is a message whose English words change with a count: "1 lead",
// "2 leads". Its key, the format the code writes, is the English as most
// counts read it. Chinese has no plural, so its rendering is one format.
type counted struct {
	// en is the English with each counted word as a ${name} variable.
	// Verbs name their argument (%[2]d), since a variable breaks the
	// implicit order.
	en    string
	words []countedWord
	zh    string
}

// countedWord is one word of a counted message that changes with the
// argument arg (1-based): one when it is 1, other for any other count.
type countedWord struct {
	name       string
	arg        int
	one, other string
}

// countedMessages are the messages with counted words, keyed by the
// format the code writes.
var countedMessages = map[string]counted{
	"%d open leads have no expected close date, so no period counts them.": {
		en: "%[1]d open ${leads} ${have} no expected close date, so no period counts ${them}.", zh: "%d 个进行中的客户没有预计成交日期，不计入任何期间。",
		words: []countedWord{{"leads", 1, "lead", "leads"}, {"have", 1, "has", "have"}, {"them", 1, "it", "them"}},
	},
	"%d open deals closing in the period have no value yet.": {
		en: "%[1]d open ${deals} closing in the period ${have} no value yet.", zh: "本期预计成交的进行中商机有 %d 个还没有预计金额。",
		words: []countedWord{{"deals", 1, "deal", "deals"}, {"have", 1, "has", "have"}},
	},
	"%d follow-ups due": {
		en: "%[1]d ${followups} due", zh: "%d 个跟进到期",
		words: []countedWord{{"followups", 1, "follow-up", "follow-ups"}},
	},
	"*%d follow-ups due*": {
		en: "*%[1]d ${followups} due*", zh: "*%d 个跟进到期*",
		words: []countedWord{{"followups", 1, "follow-up", "follow-ups"}},
	},
	":hourglass_flowing_sand: Moving *%s* to *%s* needs a manager's approval (%s). I've asked %d managers; you'll hear back here.": {
		en:    ":hourglass_flowing_sand: Moving *%[1]s* to *%[2]s* needs a manager's approval (%[3]s). I've asked %[4]d ${managers}; you'll hear back here.",
		zh:    ":hourglass_flowing_sand: *%s* 进入 *%s* 阶段需要经理审批（%s）。已通知 %d 位经理，结果会在这里告诉你。",
		words: []countedWord{{"managers", 4, "manager", "managers"}},
	},
	"%d people": {
		en: "%[1]d ${people}", zh: "%d 人",
		words: []countedWord{{"people", 1, "person", "people"}},
	},
	"%d days": {
		en: "%[1]d ${days}", zh: "%d 天",
		words: []countedWord{{"days", 1, "day", "days"}},
	},
	"every %d days": {
		en: "every %[1]d ${days}", zh: "每 %d 天",
		words: []countedWord{{"days", 1, "day", "days"}},
	},
	":red_circle: overdue by %d days": {
		en: ":red_circle: overdue by %[1]d ${days}", zh: ":red_circle: 已逾期 %d 天",
		words: []countedWord{{"days", 1, "day", "days"}},
	},
	"Since %s · %d open leads": {
		en: "Since %[1]s · %[2]d open ${leads}", zh: "自 %s 起 · 进行中客户 %d 个",
		words: []countedWord{{"leads", 2, "lead", "leads"}},
	},
	"*The pool* — %d lost leads open to be claimed": {
		en: "*The pool* — %[1]d lost ${leads} open to be claimed", zh: "*客户池* — %d 个失败客户可申领",
		words: []countedWord{{"leads", 1, "lead", "leads"}},
	},
	"*%s* · %s · %d leads · %s": {
		en: "*%[1]s* · %[2]s · %[3]d ${leads} · %[4]s", zh: "*%s* · %s · %d 个客户 · %s",
		words: []countedWord{{"leads", 3, "lead", "leads"}},
	},
	"%s: %d new leads, %d won, %d lost": {
		en: "%[1]s: %[2]d new ${leads}, %[3]d won, %[4]d lost", zh: "%s：新增客户 %d 个，成交 %d，失败 %d",
		words: []countedWord{{"leads", 2, "lead", "leads"}},
	},
	"*%d* grade changes": {
		en: "*%[1]d* grade ${changes}", zh: "*%d* 次等级变化",
		words: []countedWord{{"changes", 1, "change", "changes"}},
	},
	"%s → %s (%s) · %d open leads": {
		en: "%[1]s → %[2]s (%[3]s) · %[4]d open ${leads}", zh: "%s → %s（%s）· 进行中客户 %d 个",
		words: []countedWord{{"leads", 4, "lead", "leads"}},
	},
	":new: *%d* new leads · %s · :trophy: *%d* won · :x: *%d* lost · :handshake: *%d* touches": {
		en:    ":new: *%[1]d* new ${leads} · %[2]s · :trophy: *%[3]d* won · :x: *%[4]d* lost · :handshake: *%[5]d* ${touches}",
		zh:    ":new: 新增客户 *%d* 个 · %s · :trophy: 成交 *%d* · :x: 失败 *%d* · :handshake: 跟进 *%d* 次",
		words: []countedWord{{"leads", 1, "lead", "leads"}, {"touches", 5, "touch", "touches"}},
	},
	"• <@%s>: %d touches — A %d%% · maintenance %d%% · new %d%%": {
		en:    "• <@%[1]s>: %[2]d ${touches} — A %[3]d%% · maintenance %[4]d%% · new %[5]d%%",
		zh:    "• <@%s>：跟进 %d 次 — A 级 %d%% · 维护 %d%% · 新客户 %d%%",
		words: []countedWord{{"touches", 2, "touch", "touches"}},
	},
}

// countPrinters format counted messages from a message catalog built of
// countedMessages, one printer per language.
type countPrinters struct {
	en, zh *message.Printer
}

var printers = newCountPrinters(countedMessages)

// newCountPrinters builds the catalog of the counted messages. A message
// that does not compile is a mistake in the table above, caught by the
// package's tests: it panics.
func newCountPrinters(messages map[string]counted) countPrinters {
	b := catalog.NewBuilder(catalog.Fallback(language.English))
	for key, m := range messages {
		var en []catalog.Message
		for _, w := range m.words {
			en = append(en, catalog.Var(w.name, plural.Selectf(w.arg, "%d", plural.One, w.one, plural.Other, w.other)))
		}
		en = append(en, catalog.String(m.en))
		if err := b.Set(language.English, key, en...); err != nil {
			panic(fmt.Sprintf("i18n: counted message %q: %v", key, err))
		}
		if err := b.Set(language.SimplifiedChinese, key, catalog.String(m.zh)); err != nil {
			panic(fmt.Sprintf("i18n: counted message %q: %v", key, err))
		}
	}
	return countPrinters{
		en: message.NewPrinter(language.English, message.Catalog(b)),
		zh: message.NewPrinter(language.SimplifiedChinese, message.Catalog(b)),
	}
}

// countedT formats a counted message in lang, and reports whether format is
// one.
func countedT(lang Lang, format string, args []any) (string, bool) {
	m, ok := countedMessages[format]
	if !ok {
		return "", false
	}
	if s, ok := m.quick(lang, args); ok {
		return s, true
	}
	p := printers.en
	if lang == Zh {
		p = printers.zh
	}
	return p.Sprintf(format, args...), true
}

// Counted reports whether format is a message with counted words, for tests.
func Counted(format string) bool {
	_, ok := countedMessages[format]
	return ok
}

// quick formats a counted message with fmt, without the message catalog,
// when that writes the same: every argument a string or an int from 0 to
// 999 (no digit grouping), English's words chosen as the catalog's plural
// rule chooses them (one for 1, other for any other count). ok is false
// for any other arguments. TestCountedQuick checks it against the catalog.
func (m counted) quick(lang Lang, args []any) (string, bool) {
	for _, a := range args {
		switch v := a.(type) {
		case string:
		case int:
			if v < 0 || v > 999 {
				return "", false
			}
		default:
			return "", false
		}
	}
	if lang == Zh {
		return fmt.Sprintf(m.zh, args...), true
	}
	format := m.en
	for _, w := range m.words {
		n, ok := 0, w.arg <= len(args)
		if ok {
			n, ok = args[w.arg-1].(int)
		}
		if !ok {
			return "", false
		}
		word := w.other
		if n == 1 {
			word = w.one
		}
		format = strings.ReplaceAll(format, "${"+w.name+"}", word)
	}
	return fmt.Sprintf(format, args...), true
}
