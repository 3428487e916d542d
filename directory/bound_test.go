package directory

import (
	"context"
	"fmt"
	"testing"

	"github.com/slack-go/slack"

	"salesbot/internal/logctx"
)

// perTeamUsers answers users.info as each workspace's token would: a user
// is an admin in the workspace named admins only.
type perTeamUsers struct {
	fakeUsers
	admins string
}

func (f *perTeamUsers) GetUserInfoContext(ctx context.Context, user string, opts ...slack.GetUserInfoOption) (*slack.User, error) {
	u, err := f.fakeUsers.GetUserInfoContext(ctx, user, opts...)
	if err == nil {
		w, _ := logctx.WorkspaceOf(ctx)
		u.IsAdmin = w.Team == f.admins
	}
	return u, err
}

func inTeam(team string) context.Context {
	return logctx.WithWorkspace(context.Background(), logctx.Workspace{Team: team, Enterprise: "E1"})
}

// TestCacheIsBoundedLeastRecentlyUsedFirst: beyond its bound the directory
// drops the person looked up least recently, and keeps the one just used.
func TestCacheIsBoundedLeastRecentlyUsedFirst(t *testing.T) {
	api := &fakeUsers{}
	d := New(api, nil, MaxEntries(3))
	ctx := inTeam("T1")
	for _, u := range []string{"U1", "U2", "U3"} {
		d.Lookup(ctx, u)
	}
	d.Lookup(ctx, "U1") // U2 is now the least recently used
	d.Lookup(ctx, "U4")
	if n := d.Len(); n != 3 {
		t.Errorf("%d entries, want the bound (3)", n)
	}
	calls := api.count()
	for _, u := range []string{"U1", "U3", "U4"} {
		d.Lookup(ctx, u)
	}
	if n := api.count() - calls; n != 0 {
		t.Errorf("%d users.info calls for the people kept, want 0", n)
	}
	d.Lookup(ctx, "U2")
	if n := api.count() - calls; n != 1 {
		t.Errorf("%d users.info calls for the person dropped, want 1", n)
	}
	if n := d.Len(); n != 3 {
		t.Errorf("%d entries after the refill, want 3", n)
	}
}

// TestManyWorkspacesStayWithinTheBound: 100 workspaces of 50 people each
// fill no more than the bound.
func TestManyWorkspacesStayWithinTheBound(t *testing.T) {
	d := New(&fakeUsers{}, nil, MaxEntries(1000))
	for team := range 100 {
		ctx := inTeam(fmt.Sprintf("T%03d", team))
		for u := range 50 {
			d.Lookup(ctx, fmt.Sprintf("U%02d", u))
		}
	}
	if n := d.Len(); n != 1000 {
		t.Errorf("%d entries, want the bound (1000)", n)
	}
	if n := New(&fakeUsers{}, nil).max; n != DefaultMaxEntries {
		t.Errorf("default bound %d, want %d", n, DefaultMaxEntries)
	}
}

// TestEntriesArePerWorkspace: an Enterprise Grid user, one ID in two
// workspaces, is an admin of one only; each workspace's look-up says so.
func TestEntriesArePerWorkspace(t *testing.T) {
	d := New(&perTeamUsers{admins: "T1"}, nil)
	if !d.Lookup(inTeam("T1"), "W1").Admin {
		t.Error("not an admin in the workspace they administer")
	}
	if d.Lookup(inTeam("T2"), "W1").Admin {
		t.Error("an admin of one workspace is taken for an admin of another")
	}
}

// TestHitAllocatesNothing: a look-up the cache answers allocates nothing.
func TestHitAllocatesNothing(t *testing.T) {
	d := New(&fakeUsers{}, nil)
	ctx := inTeam("T1")
	d.Lookup(ctx, "U1")
	if n := testing.AllocsPerRun(100, func() { d.Lookup(ctx, "U1") }); n != 0 {
		t.Errorf("a cache hit allocates %.0f times, want 0", n)
	}
}

func BenchmarkLookupHit(b *testing.B) {
	d := New(&fakeUsers{}, nil)
	ctx := inTeam("T1")
	d.Lookup(ctx, "U1")
	b.ReportAllocs()
	for b.Loop() {
		d.Lookup(ctx, "U1")
	}
}
