package logctx

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
)

func TestContextAttributesReachTheLog(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(NewHandler(slog.NewTextHandler(&buf, nil)))
	ctx := With(context.Background(), "request", "r1", "team", "T1")
	child := With(ctx, "user", "U1")
	log.InfoContext(child, "hello")
	log.InfoContext(ctx, "parent")
	log.Info("bare")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("lines: %q", lines)
	}
	for i, want := range []string{"request=r1 team=T1 user=U1", "request=r1 team=T1", "msg=bare"} {
		if !strings.Contains(lines[i], want) {
			t.Errorf("line %d = %q, want %q", i, lines[i], want)
		}
	}
	if strings.Contains(lines[1], "user=") {
		t.Errorf("a child's attribute leaked to its parent: %q", lines[1])
	}
	if a, b := NewID(), NewID(); len(a) != 12 || a == b {
		t.Errorf("NewID: %q %q", a, b)
	}
}

func TestDetachKeepsOnlyLogAttributes(t *testing.T) {
	type other struct{}
	ctx, cancel := context.WithCancel(context.WithValue(With(context.Background(), "request", "r1"), other{}, "cached"))
	cancel()
	d := Detach(ctx)
	if d.Err() != nil {
		t.Errorf("detached context cancelled with the request: %v", d.Err())
	}
	if d.Value(other{}) != nil {
		t.Error("detached context still carries the request's other values")
	}
	if got := attrsOf(d); len(got) != 1 || got[0].Key != "request" || got[0].Value.String() != "r1" {
		t.Errorf("log attributes %v, want request=r1", got)
	}
	if Detach(context.Background()) != context.Background() {
		t.Error("a context without attributes should detach to Background")
	}
}
