package salesbot

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Token is one word of a command's text. Quoted is true when the person wrote
// it in quotes, which makes it a whole name even with spaces in it; Entity
// when it is one of Slack's <…> entities (a mention, channel or link).
type Token struct {
	Text   string
	Quoted bool
	Entity bool
}

// Quote pairs accepted around a name with spaces: ASCII, typographic (which
// phones and macOS substitute as you type), and CJK corner brackets.
var quotePairs = map[rune]rune{'"': '"', '“': '”', '„': '“', '「': '」', '『': '』', '＂': '＂', '«': '»'}

// MaxCommandText bounds the command text parsed; Slack itself sends at most
// a few thousand characters.
const MaxCommandText = 4000

// Fields splits a command's text into tokens on white space (including the
// ideographic space), keeping quoted runs ("…", “…”, 「…」) together as one
// quoted token and Slack's <…> entities (mentions, links) as one token each.
// An unclosed quote is an error that says where it began.
func Fields(text string) ([]Token, error) {
	if n := utf8.RuneCountInString(text); n > MaxCommandText {
		return nil, Errorf(EINVALID, "That is too long (%d characters); keep a command under %d.", n, MaxCommandText)
	}
	var (
		tokens []Token
		cur    strings.Builder
		inWord bool
	)
	flush := func() {
		if inWord {
			tokens = append(tokens, Token{Text: cur.String()})
			cur.Reset()
			inWord = false
		}
	}
	runes := []rune(text)
	for i := 0; i < len(runes); i++ {
		r := runes[i]
		if closing, ok := quotePairs[r]; ok && !inWord {
			end := indexRune(runes, i+1, closing)
			if r == '“' { // phones pair “ with ” or with a plain "
				if plain := indexRune(runes, i+1, '"'); plain >= 0 && (end < 0 || plain < end) {
					end = plain
				}
			}
			if end < 0 {
				return nil, Errorf(EINVALID, "A quote is opened with %c but never closed. Write names with spaces as \"Acme Industrial\".", r)
			}
			tokens = append(tokens, Token{Text: strings.TrimSpace(string(runes[i+1 : end])), Quoted: true})
			i = end
			continue
		}
		if r == '<' && !inWord {
			if end := indexRune(runes, i+1, '>'); end > 0 {
				tokens = append(tokens, Token{Text: string(runes[i : end+1]), Entity: true})
				i = end
				continue
			}
		}
		if unicode.IsSpace(r) {
			flush()
			continue
		}
		cur.WriteRune(r)
		inWord = true
	}
	flush()
	return tokens, nil
}

func indexRune(runes []rune, from int, r rune) int {
	for j := from; j < len(runes); j++ {
		if runes[j] == r {
			return j
		}
	}
	return -1
}

// JoinTokens writes tokens back as plain text separated by single spaces.
func JoinTokens(tokens []Token) string {
	parts := make([]string, len(tokens))
	for i, t := range tokens {
		parts[i] = t.Text
	}
	return strings.Join(parts, " ")
}

// CutMarker splits tokens at the first unquoted word that starts with one of
// the markers ("next:", "met:"; letter case ignored): before are the tokens
// ahead of it, after those behind it, with any text glued to the marker
// ("next:2026-12-01") as a word of its own, and never nil. found is false,
// before all of tokens and after nil, when there is no marker.
func CutMarker(tokens []Token, markers ...string) (before, after []Token, found bool) {
	for i, t := range tokens {
		if t.Quoted {
			continue
		}
		for _, m := range markers {
			// Compare the token's own first bytes with the marker, so the
			// rest is cut from what was typed, whatever case mapping does
			// to byte lengths.
			if len(t.Text) < len(m) || !strings.EqualFold(t.Text[:len(m)], m) {
				continue
			}
			after = append([]Token{}, tokens[i+1:]...)
			if rest := t.Text[len(m):]; rest != "" {
				after = append([]Token{{Text: rest}}, after...)
			}
			return tokens[:i], after, true
		}
	}
	return tokens, nil, false
}
