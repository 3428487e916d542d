package salesbot_test

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"salesbot"
)

// w and q are an unquoted word and a quoted name, to keep the tables short.
func w(s string) salesbot.Token { return salesbot.Token{Text: s} }
func q(s string) salesbot.Token { return salesbot.Token{Text: s, Quoted: true} }
func e(s string) salesbot.Token { return salesbot.Token{Text: s, Entity: true} }

func TestFields(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []salesbot.Token
	}{
		{"empty", "", nil},
		{"only spaces", " \t\n ", nil},
		{"plain words", "Acme 2026-11-20 met the CFO", []salesbot.Token{w("Acme"), w("2026-11-20"), w("met"), w("the"), w("CFO")}},
		{"runs of space", "  Acme   B  ", []salesbot.Token{w("Acme"), w("B")}},
		{"ascii quotes", `"Acme Industrial" B`, []salesbot.Token{q("Acme Industrial"), w("B")}},
		{"typographic quotes", "“Acme Industrial” B", []salesbot.Token{q("Acme Industrial"), w("B")}},
		{"typographic opened, ascii closed", "“Acme Industrial\" B", []salesbot.Token{q("Acme Industrial"), w("B")}},
		{"german quotes", "„Acme Industrial“ B", []salesbot.Token{q("Acme Industrial"), w("B")}},
		{"corner brackets", "「上海 某某机械」 A", []salesbot.Token{q("上海 某某机械"), w("A")}},
		{"white corner brackets", "『上海 某某机械』 A", []salesbot.Token{q("上海 某某机械"), w("A")}},
		{"full-width quotes", "＂Acme Industrial＂ A", []salesbot.Token{q("Acme Industrial"), w("A")}},
		{"guillemets", "«Acme Industrial» A", []salesbot.Token{q("Acme Industrial"), w("A")}},
		{"mixed", `「上海 机械」 "Wang Li" eb high +2 “met twice”`, []salesbot.Token{q("上海 机械"), q("Wang Li"), w("eb"), w("high"), w("+2"), q("met twice")}},
		{"quote right after a word", `Acme"Industrial" B`, []salesbot.Token{w(`Acme"Industrial"`), w("B")}},
		{"apostrophe in a name", `O'Neil "Acme"`, []salesbot.Token{w("O'Neil"), q("Acme")}},
		{"quoted name trimmed", `"  Acme  Industrial "`, []salesbot.Token{q("Acme  Industrial")}},
		{"empty quotes", `"" A`, []salesbot.Token{q(""), w("A")}},
		{"quote ends a word", `"Acme"B`, []salesbot.Token{q("Acme"), w("B")}},
		{"ideographic space", "上海机械\u3000A\u3000拜访", []salesbot.Token{w("上海机械"), w("A"), w("拜访")}},
		{"no-break space", "Acme\u00a0B", []salesbot.Token{w("Acme"), w("B")}},
		{"mention", "<@U123|bob smith> please", []salesbot.Token{e("<@U123|bob smith>"), w("please")}},
		{"mention without label", "Acme <@U123>", []salesbot.Token{w("Acme"), e("<@U123>")}},
		{"link", "see <https://acme.example/a b|the deck> now", []salesbot.Token{w("see"), e("<https://acme.example/a b|the deck>"), w("now")}},
		{"unclosed angle bracket is text", "a <b c", []salesbot.Token{w("a"), w("<b"), w("c")}},
		{"quote inside a mention", `<@U1|"bob smith"> x`, []salesbot.Token{e(`<@U1|"bob smith">`), w("x")}},
		{"angle bracket inside a quote", `"a <b c" d`, []salesbot.Token{q("a <b c"), w("d")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := salesbot.Fields(tt.text)
			if err != nil {
				t.Fatalf("Fields(%q): %v", tt.text, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Fields(%q) =\n  %s\nwant\n  %s", tt.text, show(got), show(tt.want))
			}
		})
	}
}

func TestFieldsRefuses(t *testing.T) {
	tests := []struct {
		name, text string
		mention    []string
	}{
		{"unclosed ascii quote", `"Acme Industrial B`, []string{`opened with "`, `"Acme Industrial"`}},
		{"unclosed typographic quote", "“Acme Industrial B", []string{"opened with “"}},
		{"unclosed corner bracket", "「上海机械 A", []string{"opened with 「"}},
		{"closing bracket of another pair", "「上海机械』 A", []string{"opened with 「"}},
		{"second quote unclosed", `"Acme" "Wang Li eb`, []string{`opened with "`}},
		{"over-long", strings.Repeat("a", salesbot.MaxCommandText+1), []string{"too long", "4000"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tokens, err := salesbot.Fields(tt.text)
			wantCode(t, err, salesbot.EINVALID)
			if tokens != nil {
				t.Errorf("tokens = %s alongside an error", show(tokens))
			}
			wantMessage(t, err, tt.mention...)
		})
	}
}

func TestFieldsLengthLimit(t *testing.T) {
	at := strings.Repeat("a", salesbot.MaxCommandText-2) + " b"
	if tokens := mustFields(t, at); len(tokens) != 2 {
		t.Errorf("a text of exactly MaxCommandText splits into %d tokens, want 2", len(tokens))
	}
}

func TestFieldsCountsCharacters(t *testing.T) {
	text := strings.Repeat("中", 1400) // 1,400 characters, 4,200 bytes
	if _, err := salesbot.Fields(text); err != nil {
		t.Errorf("Fields(1400 × 中) = %v; want it accepted, being under %d characters", err, salesbot.MaxCommandText)
	}
}

func TestFieldsNearestClosingQuote(t *testing.T) {
	got := mustFields(t, "“Acme\" and “Beta”")
	want := []salesbot.Token{q("Acme"), w("and"), q("Beta")}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Fields = %s, want %s", show(got), show(want))
	}
}

func TestJoinTokens(t *testing.T) {
	tests := []struct {
		tokens []salesbot.Token
		want   string
	}{
		{nil, ""},
		{[]salesbot.Token{w("met"), q("Wang Li"), w("today")}, "met Wang Li today"},
		{[]salesbot.Token{w("a")}, "a"},
	}
	for _, tt := range tests {
		if got := salesbot.JoinTokens(tt.tokens); got != tt.want {
			t.Errorf("JoinTokens(%s) = %q, want %q", show(tt.tokens), got, tt.want)
		}
	}
}

// quoteOpeners are the runes that open a quoted name.
const quoteOpeners = "\"“„「『＂«"

func FuzzFields(f *testing.F) {
	for _, s := range []string{
		"",
		"Acme 2026-11-20 met the CFO",
		`"Acme Industrial" B reason`,
		"“Acme Industrial” A",
		"「上海 某某机械」 A\u3000拜访",
		"『x y』 «a b» „c d“ ＂e f＂",
		"<@U123|bob smith> <https://x.example|x> <#C1>",
		`"unclosed`,
		`a"b "c" d<e f>`,
		"<a \"b> \"c\"",
		"\t\n\v\f\r \u0085\u00a0\u2028\u3000",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		tokens, err := salesbot.Fields(text)
		if err != nil {
			if code := salesbot.ErrorCode(err); code != salesbot.EINVALID {
				t.Fatalf("Fields(%q): error code %q, want %q", text, code, salesbot.EINVALID)
			}
			if tokens != nil {
				t.Fatalf("Fields(%q): tokens alongside an error", text)
			}
			return
		}
		if len(text) > salesbot.MaxCommandText {
			t.Fatalf("Fields accepted %d bytes, over MaxCommandText", len(text))
		}
		// Invalid UTF-8 is read as U+FFFD, three bytes for each bad one, so
		// the round trips below hold only for valid text.
		valid := utf8.ValidString(text)
		allWords := true
		for _, tok := range tokens {
			if !utf8.ValidString(tok.Text) {
				t.Fatalf("Fields(%q): token %q is not valid UTF-8", text, tok.Text)
			}
			if tok.Quoted {
				allWords = false
				if tok.Text != strings.TrimSpace(tok.Text) {
					t.Fatalf("Fields(%q): quoted token %q is not trimmed", text, tok.Text)
				}
				continue
			}
			if strings.TrimSpace(tok.Text) == "" {
				t.Fatalf("Fields(%q): unquoted token %q is empty or only white space", text, tok.Text)
			}
			if !strings.HasPrefix(tok.Text, "<") && strings.IndexFunc(tok.Text, unicode.IsSpace) >= 0 {
				t.Fatalf("Fields(%q): word %q contains white space", text, tok.Text)
			}
			// A word read again is the same one word.
			if !valid {
				continue
			}
			again, err := salesbot.Fields(tok.Text)
			if err != nil || len(again) != 1 || again[0] != tok {
				t.Fatalf("Fields(%q): word %q reads again as %s, %v", text, tok.Text, show(again), err)
			}
		}
		// Words written back and read again are the same words.
		if valid && allWords && len(tokens) > 0 {
			joined := salesbot.JoinTokens(tokens)
			again, err := salesbot.Fields(joined)
			if err != nil || !reflect.DeepEqual(again, tokens) {
				t.Fatalf("Fields(%q) = %s; written back as %q it reads %s, %v", text, show(tokens), joined, show(again), err)
			}
		}
		// With no quotes and no <…> entities, Fields is strings.Fields.
		if valid && !strings.ContainsAny(text, quoteOpeners+"<") {
			want := strings.Fields(text)
			if len(tokens) != len(want) {
				t.Fatalf("Fields(%q) = %s, want the words %q", text, show(tokens), want)
			}
			for i := range want {
				if tokens[i] != w(want[i]) {
					t.Fatalf("Fields(%q) = %s, want the words %q", text, show(tokens), want)
				}
			}
		}
	})
}

func BenchmarkFields(b *testing.B) {
	text := `「上海某某机械」 "Wang Li" eb high +2 met twice at the plant <@U123|bob smith> next: 2026-12-01 send the quote`
	for b.Loop() {
		if _, err := salesbot.Fields(text); err != nil {
			b.Fatal(err)
		}
	}
}

// show writes tokens for a failure message: quoted ones in «», words in "".
func show(tokens []salesbot.Token) string {
	parts := make([]string, len(tokens))
	for i, t := range tokens {
		if t.Quoted {
			parts[i] = "«" + t.Text + "»"
		} else {
			parts[i] = strconv.Quote(t.Text)
		}
	}
	return "[" + strings.Join(parts, " ") + "]"
}
