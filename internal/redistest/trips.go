package redistest

import (
	"context"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/redis/go-redis/v9"
)

// Trips counts the Redis round trips made with one context: one per
// command, one per pipeline (a MULTI/EXEC included). Make one with
// CountTrips; add TripHook to the client.
type Trips struct {
	n       atomic.Int64
	stopped atomic.Bool
	mu      sync.Mutex
	names   []string
}

type tripsKey struct{}

// CountTrips returns ctx carrying a new Trips: round trips made with it, or
// with a context derived from it, are counted until Stop.
func CountTrips(ctx context.Context) (context.Context, *Trips) {
	t := &Trips{}
	return context.WithValue(ctx, tripsKey{}, t), t
}

// Stop ends the count: work that outlives a request (it derives its context
// from the request's) is not counted as the request's.
func (t *Trips) Stop() { t.stopped.Store(true) }

// Count is how many round trips were counted.
func (t *Trips) Count() int64 { return t.n.Load() }

// Names lists the first 32 round trips: a command's name, or a pipeline's
// commands in brackets, such as "[HGET SISMEMBER]".
func (t *Trips) Names() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.names)
}

func (t *Trips) add(name string) {
	if t.stopped.Load() {
		return
	}
	t.n.Add(1)
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.names) < 32 {
		t.names = append(t.names, name)
	}
}

// TripHook is a go-redis hook that counts round trips into the Trips of
// each command's context. The commands a new pool connection sends once
// (HELLO, CLIENT SETINFO, AUTH, SELECT) are not counted: a warm pool does
// not send them.
type TripHook struct{}

// DialHook leaves dialling alone.
func (TripHook) DialHook(next redis.DialHook) redis.DialHook { return next }

// ProcessHook counts one command.
func (TripHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if t, ok := ctx.Value(tripsKey{}).(*Trips); ok && !connSetup(cmd.Name()) {
			t.add(strings.ToUpper(cmd.Name()))
		}
		return next(ctx, cmd)
	}
}

// ProcessPipelineHook counts one pipeline.
func (TripHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if t, ok := ctx.Value(tripsKey{}).(*Trips); ok && !slices.ContainsFunc(cmds, func(c redis.Cmder) bool { return connSetup(c.Name()) }) {
			names := make([]string, len(cmds))
			for i, c := range cmds {
				names[i] = strings.ToUpper(c.Name())
			}
			t.add("[" + strings.Join(names, " ") + "]")
		}
		return next(ctx, cmds)
	}
}

func connSetup(name string) bool {
	switch strings.ToLower(name) {
	case "hello", "client", "auth", "select":
		return true
	}
	return false
}
