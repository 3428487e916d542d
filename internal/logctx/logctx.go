// Package logctx carries log attributes in a context, so that every line
// logged while handling one Slack request names that request.
package logctx

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
)

type key struct{}

// With returns a context whose log lines (through a Handler) carry args,
// given as slog key-value pairs, besides those ctx carries already.
func With(ctx context.Context, args ...any) context.Context {
	attrs := append(attrsOf(ctx), argsToAttrs(args)...)
	return context.WithValue(ctx, key{}, attrs)
}

// Detach returns a context for work that outlives the request in ctx: it
// is never cancelled with ctx and carries none of its values (per-request
// caches, accounting) but its log attributes, so that the work's log lines
// still name the request.
//
// The workspace the work belongs to (WithWorkspace) is kept too: the Web
// API calls the work makes must use that workspace's token.
func Detach(ctx context.Context) context.Context {
	out := context.Background()
	if w, ok := ctx.Value(workspaceKey{}).(Workspace); ok {
		out = context.WithValue(out, workspaceKey{}, w)
	}
	if attrs := attrsOf(ctx); len(attrs) > 0 {
		out = context.WithValue(out, key{}, attrs)
	}
	return out
}

// Workspace names the Slack workspace a piece of work belongs to: its team
// ID, and its Enterprise Grid organization when it has one.
type Workspace struct {
	Team       string // T…
	Enterprise string // E…; "" outside Enterprise Grid
}

type workspaceKey struct{}

// WithWorkspace returns a context for work done for the workspace w: every
// Web API call made with it uses w's token.
func WithWorkspace(ctx context.Context, w Workspace) context.Context {
	return context.WithValue(ctx, workspaceKey{}, w)
}

// WorkspaceOf returns the workspace ctx's work belongs to, and false when
// it names none.
func WorkspaceOf(ctx context.Context) (Workspace, bool) {
	w, ok := ctx.Value(workspaceKey{}).(Workspace)
	return w, ok && w.Team != ""
}

func attrsOf(ctx context.Context) []slog.Attr {
	attrs, _ := ctx.Value(key{}).([]slog.Attr)
	return attrs[:len(attrs):len(attrs)] // appends never share the array
}

func argsToAttrs(args []any) []slog.Attr {
	r := slog.Record{}
	r.Add(args...)
	var attrs []slog.Attr
	r.Attrs(func(a slog.Attr) bool { attrs = append(attrs, a); return true })
	return attrs
}

// NewID returns a short random request ID.
func NewID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Handler adds the context's attributes to every record it passes on.
type Handler struct{ slog.Handler }

// NewHandler wraps h.
func NewHandler(h slog.Handler) *Handler { return &Handler{h} }

// Handle implements slog.Handler.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	if attrs := attrsOf(ctx); len(attrs) > 0 {
		r = r.Clone()
		r.AddAttrs(attrs...)
	}
	return h.Handler.Handle(ctx, r)
}

// WithAttrs implements slog.Handler.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &Handler{h.Handler.WithAttrs(attrs)}
}

// WithGroup implements slog.Handler.
func (h *Handler) WithGroup(name string) slog.Handler { return &Handler{h.Handler.WithGroup(name)} }
