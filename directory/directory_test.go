package directory

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

type fakeUsers struct {
	calls int
	fail  bool
}

func (f *fakeUsers) GetUserInfoContext(_ context.Context, user string, _ ...slack.GetUserInfoOption) (*slack.User, error) {
	f.calls++
	if f.fail {
		return nil, errors.New("slack is down")
	}
	u := &slack.User{ID: user, Name: "wang", RealName: "Wang Fang", TZ: "Asia/Shanghai", IsAdmin: user == "UADMIN", Locale: "zh-CN"}
	return u, nil
}

func TestLookupCachesForTTL(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	api := &fakeUsers{}
	d := New(api, func() time.Time { return now })
	p := d.Lookup(context.Background(), "U1")
	if p.Name != "Wang Fang" || p.Loc.String() != "Asia/Shanghai" || p.Admin || p.Locale != "zh-CN" {
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
	if loc := d.Location(context.Background(), "U1"); loc != time.UTC {
		t.Errorf("location %v", loc)
	}
	api.fail = false
	if loc := d.Location(context.Background(), "U1"); loc.String() != "Asia/Shanghai" {
		t.Errorf("a failure was cached: %v", loc)
	}
}
