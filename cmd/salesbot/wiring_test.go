package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"testing"

	"salesbot/handlers"
	"salesbot/service"
)

// TestHandlersGetTheServices: serve and the console give the handlers every
// service the one service.Services implements, rather than leaving a field
// out for handlers.New to fill: with a second service built over the store
// alone (Removal), without the team, the managers or the working hours
// serve configures, or with whatever Leads happens to implement.
func TestHandlersGetTheServices(t *testing.T) {
	svc := reflect.TypeOf(&service.Services{})
	cfg := reflect.TypeOf(handlers.Config{})
	var want []string
	for i := range cfg.NumField() {
		f := cfg.Field(i)
		if f.Type.Kind() == reflect.Interface && svc.Implements(f.Type) {
			want = append(want, f.Name)
		}
	}
	if len(want) < 10 {
		t.Fatalf("only %d service fields found in handlers.Config: %v", len(want), want)
	}
	for _, file := range []string{"main.go", "console_session.go"} {
		set := configFields(t, file)
		for _, name := range want {
			if !set[name] {
				t.Errorf("%s: handlers.Config has no %s: it is left to handlers.New's fallback", file, name)
			}
		}
	}
}

// configFields returns the fields set in the handlers.Config literal of a
// file.
func configFields(t *testing.T, file string) map[string]bool {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var set map[string]bool
	ast.Inspect(f, func(n ast.Node) bool {
		lit, ok := n.(*ast.CompositeLit)
		if !ok {
			return true
		}
		sel, ok := lit.Type.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "Config" {
			return true
		}
		if pkg, ok := sel.X.(*ast.Ident); !ok || pkg.Name != "handlers" {
			return true
		}
		set = map[string]bool{}
		for _, el := range lit.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				if id, ok := kv.Key.(*ast.Ident); ok {
					set[id.Name] = true
				}
			}
		}
		return false
	})
	if set == nil {
		t.Fatalf("%s: no handlers.Config literal", file)
	}
	return set
}
