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
func Detach(ctx context.Context) context.Context {
	attrs := attrsOf(ctx)
	if len(attrs) == 0 {
		return context.Background()
	}
	return context.WithValue(context.Background(), key{}, attrs)
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
