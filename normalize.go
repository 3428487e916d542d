package salesbot

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// foldWidth folds full-width forms to their ordinary ones (ＡＢＣ１ → ABC1,
// full-width space → space) and composes characters, so that what a person
// typed on a Chinese keyboard compares equal to the same thing typed on a
// Latin one.
func foldWidth(s string) string { return norm.NFKC.String(s) }

// dropInvisible removes format characters (zero-width spaces, byte-order
// marks, soft hyphens …) that a pasted name carries unseen.
func dropInvisible(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, s)
}

// Legal-form suffixes that do not tell two companies apart. Chinese ones are
// stripped from the end of the name as written (there are no spaces to split
// on); the Latin ones only as whole words, so that "Costco" keeps its "co".
var (
	cjkSuffixes = []string{
		"股份有限公司", "有限责任公司", "有限責任公司", "有限公司", "股份公司", "集团公司", "集團公司", "公司",
	}
	wordSuffixes = map[string]bool{
		"co": true, "company": true, "corp": true, "corporation": true, "inc": true, "incorporated": true,
		"llc": true, "ltd": true, "limited": true, "plc": true, "gmbh": true, "ag": true, "sa": true,
		"srl": true, "bv": true, "pte": true, "pty": true, "kk": true, "oy": true, "ab": true,
	}
)

// NormalizeCompany returns the key two registrations of the same company
// share: case, width, spaces, punctuation and legal-form suffixes (有限公司,
// Co., Ltd., Inc., LLC …) are ignored. It is how first-to-register ownership
// (DOMAIN.md §6) finds duplicates. A name made only of a suffix ("Company")
// keeps it, so no two names collapse to the empty key.
func NormalizeCompany(name string) string {
	s := strings.ToLower(foldWidth(dropInvisible(name)))
	words := strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)
	})
	whole := strings.Join(words, "")
	for len(words) > 1 && wordSuffixes[words[len(words)-1]] {
		words = words[:len(words)-1]
	}
	key := strings.Join(words, "")
	for stripped := true; stripped; {
		stripped = false
		for _, suffix := range cjkSuffixes {
			if rest, ok := strings.CutSuffix(key, suffix); ok && rest != "" {
				key, stripped = rest, true
				break
			}
		}
	}
	// Splitting on a spacing accent (NFKC makes "´" a space and a
	// combining mark) can leave a sequence that composes differently from
	// the same name typed with the accented letter: compose again.
	if key == "" {
		return norm.NFC.String(whole)
	}
	return norm.NFC.String(key)
}

// NormalizePerson returns the key a stakeholder's name is matched by: case,
// width and runs of spaces are ignored.
func NormalizePerson(name string) string {
	return strings.Join(strings.Fields(strings.ToLower(foldWidth(dropInvisible(name)))), " ")
}

// maxInnerRunes bounds how far into a name InnerNames looks: a pasted
// paragraph as a company name gets no more index entries than a long name.
const maxInnerRunes = 48

// InnerNames returns the tails of the company's normalised name that start
// a word after its first or, in Chinese, Japanese and Korean text, any
// character after the first: "Acme Industrial" gives "industrial",
// "北京明达科技" gives "京明达科技", "明达科技", "达科技" and "科技". A name
// index that holds them beside the names finds a word inside a name as fast
// as a name's beginning. Tails of one character are left out: they are in
// too many names to tell any apart.
func InnerNames(company string) []string {
	key := NormalizeCompany(company)
	s := norm.NFC.String(strings.ToLower(foldWidth(dropInvisible(company))))
	words := strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)
	})
	if !strings.HasPrefix(strings.Join(words, ""), key) {
		return nil // a name whose normal form composed differently: whole only
	}
	var tails []string
	at, runes := 0, 0
	for _, w := range words {
		for i, r := range w {
			off := at + i
			if runes >= maxInnerRunes || off >= len(key) {
				return tails
			}
			runes++
			if off == 0 || (i > 0 && !isCJK(r)) {
				continue
			}
			if tail := key[off:]; utf8.RuneCountInString(tail) >= 2 {
				tails = append(tails, tail)
			}
		}
		at += len(w)
	}
	return tails
}

// isCJK reports whether r is written without spaces between words: Han,
// Hiragana, Katakana or Hangul.
func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// NameParts returns the pieces of the company's normalised name that other
// companies' names could be: each run of two characters or more that starts
// where the name or one of its InnerNames starts, the whole name left out.
// "Acme Industrial Group" has "acme" and "acmeindustrial" among them, so a
// lead named "Acme" or "Acme Industrial" is similar to it. Pieces are at
// most maxInnerRunes characters long.
func NameParts(company string) []string {
	key := NormalizeCompany(company)
	var parts []string
	seen := map[string]bool{key: true}
	for _, tail := range append([]string{key}, InnerNames(company)...) {
		n := 0
		for end := range tail {
			if end > 0 {
				n++
			}
			if n < 2 {
				continue
			}
			if n > maxInnerRunes {
				break
			}
			if part := tail[:end]; !seen[part] {
				seen[part] = true
				parts = append(parts, part)
			}
		}
		if !seen[tail] && utf8.RuneCountInString(tail) <= maxInnerRunes {
			seen[tail] = true
			parts = append(parts, tail)
		}
	}
	return parts
}
