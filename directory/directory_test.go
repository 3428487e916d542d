package directory

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

// fakeUsers answers users.info as Slack would, counting the calls; hold,
// when set, keeps each call waiting until it is closed.
type fakeUsers struct {
	mu    sync.Mutex
	calls int
	fail  bool
	hold  chan struct{}
}

func (f *fakeUsers) GetUserInfoContext(_ context.Context, user string, _ ...slack.GetUserInfoOption) (*slack.User, error) {
	f.mu.Lock()
	f.calls++
	fail, hold := f.fail, f.hold
	f.mu.Unlock()
	if hold != nil {
		<-hold
	}
	if fail {
		return nil, errors.New("slack is down")
	}
	u := &slack.User{ID: user, Name: "wang", RealName: "Wang Fang", TZ: "Asia/Shanghai", IsAdmin: user == "UADMIN", Locale: "zh-CN"}
	return u, nil
}

func (f *fakeUsers) setFail(fail bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail = fail
}

func (f *fakeUsers) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

func TestLookupCachesForTTL(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	api := &fakeUsers{}
	d := New(api, func() time.Time { return now })
	p := d.Lookup(context.Background(), "U1")
	if p.Name != "Wang Fang" || p.Loc.String() != "Asia/Shanghai" || p.Admin || p.Locale != "zh-CN" || !p.Known {
		t.Fatalf("person %+v", p)
	}
	if d.Lookup(context.Background(), "UADMIN"); !d.Lookup(context.Background(), "UADMIN").Admin {
		t.Error("admin not seen")
	}
	d.Location(context.Background(), "U1")
	if api.calls != 2 {
		t.Errorf("%d calls; the cache should answer", api.calls)
	}
	now = now.Add(TTL + time.Second)
	d.Location(context.Background(), "U1")
	if api.calls != 3 {
		t.Errorf("%d calls; an old entry should be asked again", api.calls)
	}
}

func TestLookupFailureIsUTCAndNotCached(t *testing.T) {
	api := &fakeUsers{fail: true}
	d := New(api, nil)
	if loc, known := d.Zone(context.Background(), "U1"); loc != time.UTC || known {
		t.Errorf("zone %v, known %v; want UTC, unknown", loc, known)
	}
	api.setFail(false)
	if loc, known := d.Zone(context.Background(), "U1"); loc.String() != "Asia/Shanghai" || !known {
		t.Errorf("a failure was cached: %v, known %v", loc, known)
	}
}

// TestStaleEntryServedOnError: once the cache's entry is older than TTL, a
// failed users.info keeps the known zone (Asia/Shanghai), not UTC, and Slack
// is asked again only after RetryStale.
func TestStaleEntryServedOnError(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	api := &fakeUsers{}
	d := New(api, func() time.Time { return now })
	if loc, known := d.Zone(context.Background(), "U1"); loc.String() != "Asia/Shanghai" || !known {
		t.Fatalf("first look-up: %v, known %v", loc, known)
	}
	api.setFail(true)
	now = now.Add(TTL + time.Second)
	p := d.Lookup(context.Background(), "U1")
	if p.Loc.String() != "Asia/Shanghai" || !p.Known || p.Name != "Wang Fang" || p.Locale != "zh-CN" {
		t.Fatalf("after a failed refresh: %+v; want the stale entry", p)
	}
	if n := api.count(); n != 2 {
		t.Fatalf("%d calls; want the refresh tried once", n)
	}
	now = now.Add(RetryStale - time.Second)
	d.Lookup(context.Background(), "U1")
	if n := api.count(); n != 2 {
		t.Errorf("%d calls within RetryStale of a failure; want 2", n)
	}
	api.setFail(false)
	now = now.Add(2 * time.Second)
	if p := d.Lookup(context.Background(), "U1"); p.Loc.String() != "Asia/Shanghai" {
		t.Errorf("after RetryStale: %+v", p)
	}
	if n := api.count(); n != 3 {
		t.Errorf("%d calls after RetryStale; want Slack asked again (3)", n)
	}
	// Fresh again: the cache answers.
	d.Lookup(context.Background(), "U1")
	if n := api.count(); n != 3 {
		t.Errorf("%d calls; want the refreshed entry to answer", n)
	}
}

// TestConcurrentLookupsShareOneCall: many look-ups of one user at once make
// one users.info call.
func TestConcurrentLookupsShareOneCall(t *testing.T) {
	const n = 20
	api := &fakeUsers{hold: make(chan struct{})}
	d := New(api, nil)
	var started, done sync.WaitGroup
	got := make([]Person, n)
	for i := range n {
		started.Add(1)
		done.Go(func() {
			started.Done()
			got[i] = d.Lookup(context.Background(), "U1")
		})
	}
	started.Wait()
	// Let every look-up reach Slack (or join the one under way) before
	// Slack answers; one that comes later finds the cached answer.
	time.Sleep(100 * time.Millisecond)
	close(api.hold)
	done.Wait()
	if c := api.count(); c != 1 {
		t.Errorf("%d users.info calls for %d concurrent look-ups; want 1", c, n)
	}
	for i, p := range got {
		if p.Loc.String() != "Asia/Shanghai" {
			t.Errorf("look-up %d: %+v", i, p)
		}
	}
}
