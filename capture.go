package salesbot

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Bounds on what a guess at a company reads of a message: the first
// captureRunes characters, names of at most captureWords words or
// captureCJK Chinese characters, and at most MaxCandidates names in all,
// so that one look-up in the names index answers it.
const (
	captureRunes  = 1000
	captureWords  = 6
	captureCJK    = 20
	MaxCandidates = 4000
)

// CompanyCandidates lists the normalised names (NormalizeCompany) a piece
// of text could be naming a lead by: every run of up to six words and,
// in Chinese text, of two to twenty characters, within a line or a
// sentence, longest first (a longer name is the more specific match),
// each once, at most MaxCandidates of them.
func CompanyCandidates(text string) []string {
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, " ")
	}
	if r := []rune(text); len(r) > captureRunes {
		text = string(r[:captureRunes])
	}
	seen := map[string]bool{}
	var names []string
	for _, seg := range strings.FieldsFunc(text, func(r rune) bool {
		return r == '\n' || r == '。' || r == '！' || r == '？' || r == '；' || r == ';' || r == '!' || r == '?'
	}) {
		units := captureUnits(seg)
		for i := range units {
			words, cjk := 0, 0
			for j := i; j < len(units) && len(names) < MaxCandidates; j++ {
				if units[j].cjk {
					cjk++
				} else {
					words++
				}
				if words > captureWords || cjk > captureCJK {
					break
				}
				name := NormalizeCompany(seg[units[i].start:units[j].end])
				if utf8.RuneCountInString(name) < 2 || seen[name] {
					continue
				}
				seen[name] = true
				names = append(names, name)
			}
		}
	}
	slices.SortStableFunc(names, func(a, b string) int {
		return utf8.RuneCountInString(b) - utf8.RuneCountInString(a)
	})
	return names
}

// unit is a word, or one Chinese (Japanese, Korean) character, of a
// segment: its byte span.
type unit struct {
	start, end int
	cjk        bool
}

func captureUnits(seg string) []unit {
	var units []unit
	inWord := false
	for i, r := range seg {
		switch {
		case isCJK(r):
			units = append(units, unit{start: i, end: i + utf8.RuneLen(r), cjk: true})
			inWord = false
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '&' || r == '\'' || r == '-':
			if inWord {
				units[len(units)-1].end = i + utf8.RuneLen(r)
			} else {
				units = append(units, unit{start: i, end: i + utf8.RuneLen(r)})
				inWord = true
			}
		default:
			inWord = false
		}
	}
	return units
}

// cjkCompany is a Chinese company name ending in its legal form; what
// comes before it in a sentence ("明天去拜访…") is cut at cjkLead.
var (
	cjkCompany   = regexp.MustCompile(`[\p{Han}A-Za-z0-9（）()·]{2,40}?(?:股份有限公司|有限责任公司|有限公司|集团有限公司|集团公司|集团|公司)`)
	cjkLead      = regexp.MustCompile(`^.*(?:拜访|联系|约见|见了|去了|来自|客户|今天|明天|昨天|上午|下午|晚上|和|与|跟|给|去|到|在|是|的|了|对|向|从|见|约)`)
	latinCompany = regexp.MustCompile(`((?:[A-Z0-9][\w&'.-]*\s+){0,4}[A-Z0-9][\w&'-]*),?\s+(Co\.,?\s*Ltd\.?|Co\.|Ltd\.?|Limited|Inc\.?|LLC|GmbH|Corp\.?|Corporation|PLC|AG|S\.A\.)`)
)

// CompanyPhrase guesses the company a message is about, to register it: a
// name ending in a legal form (…有限公司, …公司, … Co., Ltd., … Inc.), or
// else the first line when it is short enough to be a name; "" when
// nothing looks like one.
func CompanyPhrase(text string) string {
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, " ")
	}
	if r := []rune(text); len(r) > captureRunes {
		text = string(r[:captureRunes])
	}
	if m := latinCompany.FindStringSubmatch(text); m != nil {
		return cleanPhrase(m[0])
	}
	if m := cjkCompany.FindString(text); m != "" {
		if rest := cjkLead.ReplaceAllString(m, ""); utf8.RuneCountInString(NormalizeCompany(rest)) >= 2 {
			m = rest
		}
		return cleanPhrase(m)
	}
	first, _, _ := strings.Cut(strings.TrimSpace(text), "\n")
	first = strings.Trim(strings.TrimSpace(first), ".,:;!?。，：；！？")
	if n := utf8.RuneCountInString(first); n >= 2 && n <= 40 && len(strings.Fields(first)) <= 5 {
		return cleanPhrase(first)
	}
	return ""
}

// cleanPhrase returns the phrase as a company name CleanCompany accepts,
// or "".
func cleanPhrase(s string) string {
	name, err := CleanCompany(s)
	if err != nil {
		return ""
	}
	return name
}
