// Package i18n renders the bot's words in the reader's language: English,
// the language the code is written in, or Simplified Chinese from a catalog
// keyed by the English format strings.
package i18n

import (
	"fmt"
	"strings"
)

// Lang is a language the bot speaks.
type Lang string

// The languages. En is the default, and what any unknown Lang reads as.
const (
	En Lang = "en"
	Zh Lang = "zh"
)

// Name is the language as its own speakers call it.
func (l Lang) Name() string {
	if l == Zh {
		return "中文"
	}
	return "English"
}

var names = map[string]Lang{
	"en": En, "eng": En, "english": En, "en-us": En, "en-gb": En, "英文": En, "英语": En,
	"zh": Zh, "cn": Zh, "chinese": Zh, "zh-cn": Zh, "zh-hans": Zh, "zh-sg": Zh, "中文": Zh,
	"汉语": Zh, "简体中文": Zh, "简体": Zh, "普通话": Zh,
}

// Parse reads a language as a person types it: "en", "english", "zh",
// "zh-CN", "zh_CN", "中文" …
func Parse(s string) (Lang, bool) {
	key := strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "_", "-")
	l, ok := names[key]
	return l, ok
}

// FromLocale is the language for a Slack locale ("zh-CN", "en-US"): Chinese
// for any zh-* locale, English otherwise.
func FromLocale(locale string) Lang {
	l := strings.ToLower(strings.ReplaceAll(locale, "_", "-"))
	if l == "zh" || strings.HasPrefix(l, "zh-") {
		return Zh
	}
	return En
}

// T formats the English format string in lang: the catalog's rendering of it
// when there is one, the English otherwise. A message with counted words
// ("%d leads") is formatted through golang.org/x/text's message catalog, so
// that its English agrees with the count ("1 lead") and its numbers are
// written the language's way ("1,234"). Arguments are formatted as they
// are, except the domain's words, which are translated: a Term (any value
// with a Term method, such as the domain's salesbot.Term) one word, a List
// (or any value with a Terms method, such as salesbot.Terms) word by word,
// joined the language's way; a value with an InLanguage method (an
// amount, a period) as it writes itself in the language. A plain string is never translated, so a
// company called "Coach" or a person named "Won" keeps their name.
func T(lang Lang, format string, args ...any) string {
	out := terms(lang, args)
	if s, ok := countedT(lang, format, out); ok {
		return s
	}
	if lang == Zh {
		if f, ok := zh[format]; ok {
			format = f
		}
	}
	if len(args) == 0 && !strings.Contains(format, "%") {
		return format
	}
	return fmt.Sprintf(format, out...)
}

// terms translates the domain's words among a message's arguments. Most
// messages have none: their arguments are returned as they are, not
// copied.
func terms(lang Lang, args []any) []any {
	var out []any
	for i, a := range args {
		var v any
		switch t := a.(type) {
		case string, int:
			continue // the common arguments, never terms
		case List:
			v = t.join(lang)
		case interface{ Terms() []string }:
			v = List(t.Terms()).join(lang)
		case interface{ Term() string }:
			v = Word(lang, t.Term())
		case interface{ InLanguage(string) string }:
			// Amounts, periods: written the reader's way (¥1,800,000 / 180万元).
			v = t.InLanguage(string(lang))
		default:
			continue
		}
		if out == nil {
			out = make([]any, len(args))
			copy(out, args)
		}
		out[i] = v
	}
	if out == nil {
		return args
	}
	return out
}

// Term is one domain word, translated when it is an argument of T; a plain
// string argument is not.
type Term string

// Term returns the word.
func (t Term) Term() string { return string(t) }

// Word translates one domain term (a stage, a role, a grade's meaning); any
// other text is returned as it is.
func Word(lang Lang, english string) string {
	if lang == Zh {
		if w, ok := zhTerms[english]; ok {
			return w
		}
	}
	return english
}

// HasWord reports whether english is a term the catalog translates.
func HasWord(english string) bool {
	_, ok := zhTerms[english]
	return ok
}

// List is a list of domain terms, written "budget, need" in English and
// "预算、需求" in Chinese.
type List []string

// String is the English rendering.
func (l List) String() string { return strings.Join(l, ", ") }

func (l List) join(lang Lang) string {
	if lang != Zh {
		return l.String()
	}
	words := make([]string, len(l))
	for i, w := range l {
		words[i] = Word(lang, w)
	}
	return strings.Join(words, "、")
}

// Translated reports whether the catalog has format, for tests.
func Translated(format string) bool {
	_, ok := zh[format]
	_, counts := countedMessages[format]
	return ok || counts
}

// Formats lists the English formats the catalog translates, for tests.
func Formats() []string {
	formats := make([]string, 0, len(zh)+len(countedMessages))
	for f := range zh {
		formats = append(formats, f)
	}
	for f := range countedMessages {
		formats = append(formats, f)
	}
	return formats
}
