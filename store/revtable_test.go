package store

import (
	"fmt"
	"sync"
	"testing"

	"salesbot"
)

// TestRevisionsConcurrent remembers, reads and forgets revisions from many
// goroutines at once (run with -race): each lead ends with the revision
// its last writer gave it, and a forgotten lead has none.
func TestRevisionsConcurrent(t *testing.T) {
	var r revisions
	leads := make([]*salesbot.Lead, 8)
	for i := range leads {
		leads[i] = &salesbot.Lead{ID: fmt.Sprint(i)}
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for n := range 200 {
				l := leads[(g+n)%len(leads)]
				r.remember(l, fmt.Sprintf("rev-%s", l.ID), 0)
				if rev := r.of(l); rev != "rev-"+l.ID {
					t.Errorf("lead %s at revision %q; want rev-%s", l.ID, rev, l.ID)
				}
				if n%7 == 0 {
					r.forget(&salesbot.Lead{ID: l.ID}) // a copy: forgets nothing
				}
			}
		})
	}
	wg.Wait()
	if got := r.size(); got != len(leads) {
		t.Errorf("%d revisions remembered; want %d", got, len(leads))
	}
	r.forget(leads[0])
	r.remember(leads[1], "", 0)
	if r.of(leads[0]) != "" || r.of(leads[1]) != "" || r.size() != len(leads)-2 {
		t.Errorf("after forgetting two: %q %q, %d remembered", r.of(leads[0]), r.of(leads[1]), r.size())
	}
	if r.of(nil) != "" {
		t.Error("a nil lead has a revision")
	}
}
