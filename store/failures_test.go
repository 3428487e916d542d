package store_test

import (
	"bytes"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"salesbot"
	"salesbot/internal/redistest"
	"salesbot/store"
)

// TestWrongTypeIsInternal makes keys of a team the wrong type in a real
// Redis: the WRONGTYPE replies, from a plain command and from inside the
// guarded script alike, are EINTERNAL errors (a bug or broken data, logged at
// Error), not EUNAVAILABLE (an outage the user should wait out).
func TestWrongTypeIsInternal(t *testing.T) {
	s, rdb, team := newStore(t)
	l := mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)
	if err := rdb.Set(ctx, key(team, "owner", "U1"), "not a set", 0).Err(); err != nil {
		t.Fatal(err)
	}
	_, err := s.LeadsOwnedBy(ctx, team, "U1")
	wantCode(t, err, salesbot.EINTERNAL)
	if !strings.Contains(err.Error(), "WRONGTYPE") || !strings.Contains(err.Error(), "leads of U1") {
		t.Errorf("error %q: want the operation and Redis's reply, for the log", err)
	}

	// In the guarded script: its SADD to the owner's set fails.
	_, err = s.UpdateLead(ctx, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(l.SetFact(salesbot.Actor{User: "U1"}, salesbot.FactBudget, "50k", now))
	})
	wantCode(t, err, salesbot.EINTERNAL)
}

// TestKilledRedisIsUnavailable kills the server under a store that was
// using it: what follows is EUNAVAILABLE, the polite "try again".
func TestKilledRedisIsUnavailable(t *testing.T) {
	rd := redistest.NewDurable(t)
	c, err := store.NewClient(rd.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s, team := store.New(c), "TKILLED"
	l := mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)
	rd.Stop()
	_, err = s.Lead(ctx, team, l.ID)
	wantCode(t, err, salesbot.EUNAVAILABLE)
	_, err = s.UpdateLead(ctx, team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		return one(l.SetFact(salesbot.Actor{User: "U1"}, salesbot.FactBudget, "50k", now))
	})
	wantCode(t, err, salesbot.EUNAVAILABLE)
}

// TestUndecodableRecordSkipped breaks one lead, one history entry and one
// visit among good ones: every list still answers with the good ones, and
// each skip is counted, reported with its key, and logged once per key.
func TestUndecodableRecordSkipped(t *testing.T) {
	var (
		mu   sync.Mutex
		keys []string
		logs bytes.Buffer
	)
	c := redistest.Client(t)
	s := store.New(c,
		store.WithLogger(slog.New(slog.NewTextHandler(&syncWriter{w: &logs, mu: &mu}, nil))),
		store.OnSkip(func(key string) { mu.Lock(); keys = append(keys, key); mu.Unlock() }))
	team := redistest.Team(t)
	a := mustCreate(t, s, team, "Acme", "U1", salesbot.GradeA)
	b := mustCreate(t, s, team, "Globex", "U1", salesbot.GradeB)
	d := mustCreate(t, s, team, "Initech", "U1", salesbot.GradeC)
	mustUpdate(t, s, team, a.ID, visit(now.Add(time.Hour)))
	mustUpdate(t, s, team, a.ID, visit(now.Add(2*time.Hour)))
	broken := key(team, "lead", b.ID)
	if err := c.Set(ctx, broken, `{"v":2,"i":`, 0).Err(); err != nil {
		t.Fatal(err)
	}

	all, err := s.AllLeads(ctx, team)
	if err != nil {
		t.Fatalf("AllLeads failed on one broken lead: %v", err)
	}
	good := []string{a.ID, d.ID}
	slices.Sort(good) // created in the same second, so in the order of their IDs
	if got := ids(all); !slices.Equal(got, good) {
		t.Errorf("AllLeads = %v; want the good ones %v", got, good)
	}
	if n := s.Skipped(); n != 1 {
		t.Errorf("Skipped = %d; want 1", n)
	}
	mine, err := s.LeadsOwnedBy(ctx, team, "U1")
	if err != nil || len(mine) != 2 {
		t.Errorf("LeadsOwnedBy = %v, %v; want the 2 good ones", ids(mine), err)
	}

	c.LPush(ctx, key(team, "history", a.ID), "not json")
	c.LPush(ctx, key(team, "visits", a.ID), "not json")
	h, err := s.History(ctx, team, a.ID, 10)
	if err != nil || len(h) != 3 {
		t.Errorf("History = %d changes, %v; want the 3 good ones", len(h), err)
	}
	v, err := s.Visits(ctx, team, a.ID, 10)
	if err != nil || len(v) != 2 {
		t.Errorf("Visits = %d, %v; want the 2 good ones", len(v), err)
	}

	if n := s.Skipped(); n != 4 {
		t.Errorf("Skipped = %d; want 4: the lead twice, a change, a visit", n)
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{broken, broken, key(team, "history", a.ID), key(team, "visits", a.ID)}
	if !slices.Equal(keys, want) {
		t.Errorf("skipped keys = %q; want %q", keys, want)
	}
	if n := strings.Count(logs.String(), "key="+broken); n != 1 {
		t.Errorf("the broken lead was logged %d times; want once:\n%s", n, logs.String())
	}
	if !strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("skips not logged at Error:\n%s", logs.String())
	}
}

// syncWriter serialises writes to w.
type syncWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func ids(leads []*salesbot.Lead) []string {
	var out []string
	for _, l := range leads {
		out = append(out, l.ID)
	}
	return out
}
