package store

import (
	"runtime"
	"sync"
	"weak"

	"salesbot"
)

// revisions remembers, for each lead this Store returned, the revision it
// was read at (the SHA-1 of the stored bytes, see revision), so that a
// write of that very lead compares it and need not read the lead again.
// The domain type carries no trace of storage. A lead the store did not
// return, or a copy of one, has no revision and is read again first.
//
// The table holds its leads weakly: an entry goes when its lead is
// collected (runtime.AddCleanup), so a lead dropped by its reader costs
// nothing here. It is safe for concurrent use.
type revisions struct {
	mu sync.Mutex
	m  map[weak.Pointer[salesbot.Lead]]revEntry
}

// revEntry is one lead's revision, and the cleanup that removes it.
type revEntry struct {
	rev     string
	pending int        // entries pushed to the lead's lists since last packed
	heads   []listHead // its lists' heads, when read with it (see headsLua)
	cleanup runtime.Cleanup
}

// remember records that l is stored at rev, with pending entries pushed to
// its lists since they were last packed; an empty rev forgets l.
func (r *revisions) remember(l *salesbot.Lead, rev string, pending int) {
	if l == nil {
		return
	}
	if rev == "" {
		r.forget(l)
		return
	}
	key := weak.Make(l)
	r.mu.Lock()
	defer r.mu.Unlock()
	if e, ok := r.m[key]; ok {
		e.rev, e.pending, e.heads = rev, pending, nil
		r.m[key] = e
		return
	}
	if r.m == nil {
		r.m = make(map[weak.Pointer[salesbot.Lead]]revEntry)
	}
	// The cleanup holds the weak pointer only, never l, or l would stay
	// reachable and never be collected.
	r.m[key] = revEntry{rev: rev, pending: pending, cleanup: runtime.AddCleanup(l, r.drop, key)}
}

// of returns the revision l was read or saved at, or "" when this store
// did not return l.
func (r *revisions) of(l *salesbot.Lead) string {
	if l == nil {
		return ""
	}
	key := weak.Make(l)
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.m[key].rev
}

// pending returns the entries pushed to l's lists since they were last
// packed, as l was read or saved (0 when this store did not return l).
func (r *revisions) pending(l *salesbot.Lead) int {
	if l == nil {
		return 0
	}
	key := weak.Make(l)
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.m[key].pending
}

// setHeads records the heads of l's lists, read with l at its revision.
func (r *revisions) setHeads(l *salesbot.Lead, heads []listHead) {
	key := weak.Make(l)
	r.mu.Lock()
	defer r.mu.Unlock()
	if e, ok := r.m[key]; ok {
		e.heads = heads
		r.m[key] = e
	}
}

// heads returns the heads of l's lists read with l, or nil.
func (r *revisions) heads(l *salesbot.Lead) []listHead {
	if l == nil {
		return nil
	}
	key := weak.Make(l)
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.m[key].heads
}

// forget drops l's revision, so that a write reads l again first.
func (r *revisions) forget(l *salesbot.Lead) {
	if l == nil {
		return
	}
	key := weak.Make(l)
	r.mu.Lock()
	e, ok := r.m[key]
	delete(r.m, key)
	r.mu.Unlock()
	if ok {
		e.cleanup.Stop()
	}
	runtime.KeepAlive(l) // reachable across Stop, as Stop requires
}

// drop removes the entry of a lead that was collected.
func (r *revisions) drop(key weak.Pointer[salesbot.Lead]) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.m, key)
}

// size reports how many leads the table holds a revision for.
func (r *revisions) size() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.m)
}
