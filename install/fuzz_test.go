package install

import (
	"context"
	"errors"
	"testing"
	"time"

	"salesbot/internal/redistest"
)

// FuzzStateConsume: no made-up state is accepted, and none crashes the
// check.
func FuzzStateConsume(f *testing.F) {
	st := newStates("shh", redistest.Client(f), time.Now)
	good, err := st.issue(context.Background())
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{"", ".", "a.b", good + "x", good[:len(good)-1], "AAAA." + good[len(good)-43:]} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, state string) {
		err := st.consume(context.Background(), state)
		if err == nil || !errors.Is(err, ErrStateInvalid) && !errors.Is(err, ErrStateExpired) && !errors.Is(err, ErrStateUsed) {
			t.Errorf("consume(%q) = %v; want a refusal", state, err)
		}
	})
}

// FuzzOpen: nothing but a real seal opens, and nothing crashes Open.
func FuzzOpen(f *testing.F) {
	ring, err := NewKeyring([][]byte{make([]byte, KeySize)})
	if err != nil {
		f.Fatal(err)
	}
	sealed, _ := ring.Seal("xoxb-1", "T1", "bot_token")
	for _, seed := range []string{"v1:", "v1:AAAA", sealed[:len(sealed)-1], sealed + "A", "xoxb-1"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, err := ring.Open(s, "T1", "bot_token"); err == nil && s != "" && s != sealed {
			t.Errorf("Open(%q) = %q: a made-up value opened", s, got)
		}
	})
}
