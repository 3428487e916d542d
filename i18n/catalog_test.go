package i18n_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"salesbot"
	"salesbot/i18n"
)

// formats finds every format string the code words for a reader: the
// format of i18n.T, of r.T and the local t helpers, of
// salesbot.Errorf (Errorf in the domain) and of the domain's risks. A format
// given as a constant is followed to its value.
func formats(t *testing.T, dirs ...string) map[string]string {
	t.Helper()
	found := map[string]string{}
	for _, dir := range dirs {
		fset := token.NewFileSet()
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		var parsed []*ast.File
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			parsed = append(parsed, f)
		}
		consts := constStrings(parsed)
		root := filepath.Base(dir) == ".."
		for _, f := range parsed {
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				skip, ok := translated(call.Fun, root)
				if !ok || len(call.Args) <= skip {
					return true
				}
				for _, arg := range call.Args[skip:] {
					if s, ok := stringValue(arg, consts); ok {
						found[s] = fset.Position(call.Pos()).String()
						break
					}
				}
				return true
			})
		}
	}
	return found
}

// translated says whether a call's function is one whose format is words
// for a reader, and how many arguments (an error code, a risk kind) come
// before the format.
func translated(fun ast.Expr, root bool) (skip int, ok bool) {
	switch f := fun.(type) {
	case *ast.SelectorExpr:
		x, _ := f.X.(*ast.Ident)
		switch f.Sel.Name {
		case "T":
			return 0, true
		case "Errorf":
			return 1, x != nil && x.Name == "salesbot"
		}
	case *ast.Ident:
		switch f.Name {
		case "t":
			return 0, true
		case "Errorf", "newRisk", "add":
			return 1, root // the domain's own helpers
		}
	}
	return 0, false
}

func constStrings(files []*ast.File) map[string]ast.Expr {
	consts := map[string]ast.Expr{}
	for _, f := range files {
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, name := range vs.Names {
					if i < len(vs.Values) {
						consts[name.Name] = vs.Values[i]
					}
				}
			}
		}
	}
	return consts
}

func stringValue(e ast.Expr, consts map[string]ast.Expr) (string, bool) {
	switch v := e.(type) {
	case *ast.BasicLit:
		if v.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(v.Value)
		return s, err == nil
	case *ast.BinaryExpr:
		if v.Op != token.ADD {
			return "", false
		}
		a, ok1 := stringValue(v.X, consts)
		b, ok2 := stringValue(v.Y, consts)
		return a + b, ok1 && ok2
	case *ast.ParenExpr:
		return stringValue(v.X, consts)
	case *ast.Ident:
		if c, ok := consts[v.Name]; ok {
			return stringValue(c, consts)
		}
	}
	return "", false
}

// TestCatalogIsComplete fails listing every format of the handlers, the
// services and their store (whose salesbot.Errorf messages reach the reader
// through i18n.T) and the domain that the Chinese catalog lacks. The
// scheduler words nothing itself: its messages are the handlers'.
func TestCatalogIsComplete(t *testing.T) {
	found := formats(t, "../handlers", "../service", "../store", "../sheet", "..")
	if len(found) < 100 {
		t.Fatalf("found only %d formats; is the search broken?", len(found))
	}
	var missing []string
	for format, where := range found {
		if !i18n.Translated(format) {
			missing = append(missing, fmt.Sprintf("%s: %q", where, format))
		}
	}
	slices.Sort(missing)
	if len(missing) > 0 {
		t.Errorf("%d formats have no Chinese in i18n/zh*.go:\n%s", len(missing), strings.Join(missing, "\n"))
	}
}

var verb = regexp.MustCompile(`%(?:\[\d+\])?[-+# 0]*(?:\d+)?(?:\.\d+)?[a-zA-Z%]`)

// TestCatalogKeepsTheVerbs renders every entry with arguments of the kinds
// its English format asks for: a Chinese rendering that drops, adds or
// mistypes one shows as %!.
func TestCatalogKeepsTheVerbs(t *testing.T) {
	for _, format := range i18n.Formats() {
		var args []any
		for _, v := range verb.FindAllString(format, -1) {
			switch v[len(v)-1] {
			case '%':
			case 'd':
				args = append(args, 2)
			case 'f':
				args = append(args, 2.5)
			case 'c':
				args = append(args, '"')
			default:
				args = append(args, "x")
			}
		}
		en, zh := fmt.Sprintf(format, args...), i18n.T(i18n.Zh, format, args...)
		if strings.Contains(en, "%!") {
			t.Errorf("English %q renders badly: %s", format, en)
		}
		if strings.Contains(zh, "%!") {
			t.Errorf("Chinese of %q renders badly: %s", format, zh)
		}
		for _, keep := range []string{"`", "<@", ":warning:", ":white_check_mark:", "\n"} {
			if strings.Count(format, keep) != strings.Count(i18n.T(i18n.Zh, format), keep) && keep != "\n" {
				t.Errorf("Chinese of %q has a different number of %q", format, keep)
			}
		}
	}
}

// TestTermsAreComplete checks that every word the domain shows a reader has
// its Chinese.
func TestTermsAreComplete(t *testing.T) {
	var words []string
	for _, s := range append(slices.Clone(salesbot.Stages), salesbot.StageWon, salesbot.StageLost) {
		words = append(words, s.Name())
	}
	for _, g := range append(slices.Clone(salesbot.Grades), "") {
		words = append(words, g.Meaning())
	}
	for _, r := range salesbot.Roles {
		words = append(words, r.Name())
	}
	for _, d := range salesbot.DecisionRoles {
		words = append(words, d.Name(), d.Meaning())
	}
	for _, d := range salesbot.ContactDepths {
		words = append(words, d.Name(), string(d))
	}
	for _, a := range salesbot.Attitudes {
		words = append(words, a.Name(), a.Meaning())
	}
	for _, i := range salesbot.Influences {
		words = append(words, string(i), strings.ToUpper(string(i[:1]))+string(i[1:]))
	}
	for s := salesbot.MinSupport; s <= salesbot.MaxSupport; s++ {
		words = append(words, s.Meaning())
	}
	for _, k := range salesbot.KeyFacts {
		words = append(words, k.Label(), strings.ToLower(k.Label()))
	}
	for _, k := range salesbot.VisitKinds {
		words = append(words, string(k), strings.ToUpper(string(k[:1]))+string(k[1:]))
	}
	for _, q := range []salesbot.Quadrant{salesbot.QuadrantAngel, salesbot.QuadrantDevil, salesbot.QuadrantSweetheart, salesbot.QuadrantImp, salesbot.QuadrantNeutral} {
		words = append(words, string(q))
	}
	for _, s := range []salesbot.ApprovalStatus{salesbot.ApprovalApproved, salesbot.ApprovalRejected, salesbot.ApprovalWithdrawn} {
		words = append(words, string(s)) // "<@%s> has already %s this request."
	}
	for _, move := range [][2]salesbot.Stage{{salesbot.StageLead, salesbot.StageDemo}, {salesbot.StageDemo, salesbot.StageQuote}} {
		words = append(words, salesbot.ApprovalNeeded(move[0], move[1]))
	}
	for _, w := range words {
		if w != "" && !i18n.HasWord(w) {
			t.Errorf("no Chinese for the term %q", w)
		}
	}
}
