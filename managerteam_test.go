package salesbot_test

import (
	"slices"
	"testing"
	"time"

	"salesbot"
)

// TestManagersOf: a rep's work goes to the rep's own managers and to the
// managers who lead no one in particular; when that is no one, to every
// manager but the rep; a team entry of someone without rights counts for
// nothing.
func TestManagersOf(t *testing.T) {
	two := salesbot.ManagerTeams{ // two teams, and a manager who leads no one
		Managers: []string{"M0", "M1", "M2"},
		Reps:     map[string][]string{"M1": {"R1", "R2"}, "M2": {"R3", "R2"}, "GONE": {"R1"}},
	}
	led := salesbot.ManagerTeams{ // every manager leads a team
		Managers: []string{"M1", "M2"},
		Reps:     map[string][]string{"M1": {"R1"}, "M2": {"R2"}},
	}
	none := salesbot.ManagerTeams{Managers: []string{"M1", "M2"}} // no teams: as before
	solo := salesbot.ManagerTeams{Managers: []string{"M1"}}
	for _, c := range []struct {
		name  string
		teams salesbot.ManagerTeams
		rep   string
		want  []string
	}{
		{"rep of one team, with the manager of no one", two, "R1", []string{"M0", "M1"}},
		{"rep of two teams", two, "R2", []string{"M0", "M1", "M2"}},
		{"rep of no team", two, "R9", []string{"M0"}},
		{"a manager's own work: not to themself", two, "M0", []string{"M1", "M2"}},
		{"a team lead's own work goes to the manager of no one", two, "M1", []string{"M0"}},
		{"every manager leads others: the rep's own", led, "R2", []string{"M2"}},
		{"every manager leads others, rep of none: every manager", led, "R9", []string{"M1", "M2"}},
		{"every manager leads others, a manager's own work: the others", led, "M1", []string{"M2"}},
		{"no teams: every manager", none, "R1", []string{"M1", "M2"}},
		{"no teams, a manager's own: the other", none, "M2", []string{"M1"}},
		{"the only manager's own work: themself", solo, "M1", []string{"M1"}},
		{"no managers", salesbot.ManagerTeams{}, "R1", nil},
	} {
		if got := c.teams.ManagersOf(c.rep); !slices.Equal(got, c.want) {
			t.Errorf("%s: ManagersOf(%s) = %v; want %v", c.name, c.rep, got, c.want)
		}
	}
}

// TestRepsOf: a manager who leads no one in particular sees everyone (nil);
// one who leads a team sees that team and, when every other manager leads
// one too, the reps no one leads; RepsOf and ManagersOf always agree.
func TestRepsOf(t *testing.T) {
	known := []string{"R1", "R2", "R3", "R9", "M1"}
	two := salesbot.ManagerTeams{
		Managers: []string{"M0", "M1", "M2"},
		Reps:     map[string][]string{"M1": {"R1", "R2"}, "M2": {"R3", "R2"}},
	}
	led := salesbot.ManagerTeams{
		Managers: []string{"M1", "M2"},
		Reps:     map[string][]string{"M1": {"R1"}, "M2": {"R2", "R3"}},
	}
	for _, c := range []struct {
		name    string
		teams   salesbot.ManagerTeams
		manager string
		want    []string
	}{
		{"the manager of no one sees everyone", two, "M0", nil},
		{"a team lead sees their team", two, "M1", []string{"R1", "R2"}},
		{"every manager leads: the unled are seen by all", led, "M1", []string{"R1", "R9"}},
		{"every manager leads: the other manager's own work too", led, "M2", []string{"M1", "R2", "R3", "R9"}},
		{"not a manager: nil, no check of rights", two, "R1", nil},
		{"a former manager's team counts for nothing", salesbot.ManagerTeams{Managers: []string{"M1"}, Reps: map[string][]string{"GONE": {"R1"}}}, "GONE", nil},
	} {
		got := c.teams.RepsOf(c.manager, known)
		if !slices.Equal(got, c.want) || (got == nil) != (c.want == nil) {
			t.Errorf("%s: RepsOf(%s) = %#v; want %#v", c.name, c.manager, got, c.want)
		}
	}
	// The two rules agree: a manager sees a rep's work exactly when that
	// work goes to them.
	for _, teams := range []salesbot.ManagerTeams{two, led} {
		for _, m := range teams.Managers {
			reps := teams.RepsOf(m, known)
			for _, r := range known {
				sees := reps == nil || slices.Contains(reps, r)
				goes := slices.Contains(teams.ManagersOf(r), m)
				if sees != goes && !(reps == nil && r == m) {
					t.Errorf("%v: %s sees %s: %v, but %s's work goes to %s: %v", teams.Reps, m, r, sees, r, m, goes)
				}
			}
		}
	}
}

// TestSigners: a quote goes to the owner's managers other than its writer;
// when none is left, to every manager, so that Approval.DecideQuote's
// "no one else: self-approved" rule works as it did.
func TestSigners(t *testing.T) {
	teams := salesbot.ManagerTeams{
		Managers: []string{"M1", "M2"},
		Reps:     map[string][]string{"M1": {"R1"}, "M2": {"R2"}},
	}
	for _, c := range []struct {
		owner, writer string
		want          []string
	}{
		{"R1", "R1", []string{"M1"}},       // a rep's quote: their manager
		{"R1", "M1", []string{"M1", "M2"}}, // the team lead wrote it: every manager (DecideQuote leaves M1 out)
		{"M1", "M1", []string{"M2"}},       // a manager's own lead: the other
		{"R9", "R9", []string{"M1", "M2"}}, // a rep of no team: every manager
		{"R2", "M1", []string{"M2"}},       // written by another team's manager
		{"M1", "M2", []string{"M1", "M2"}}, // no one else: every manager
		{"R9", "M1", []string{"M2"}},       // unled, written by a manager
	} {
		if got := teams.Signers(c.owner, c.writer); !slices.Equal(got, c.want) {
			t.Errorf("Signers(%q, %q) = %v; want %v", c.owner, c.writer, got, c.want)
		}
	}
	solo := salesbot.ManagerTeams{Managers: []string{"M1"}}
	if got := solo.Signers("M1", "M1"); !slices.Equal(got, []string{"M1"}) {
		t.Errorf("the only manager's own quote: %v; want M1 (self-approved)", got)
	}
}

// TestNewTeamChange: who may set a team, and what a team may be.
func TestNewTeamChange(t *testing.T) {
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name      string
		by        salesbot.Actor
		admin     bool
		manager   string
		isManager bool
		reps      []string
		code      string
		want      []string
	}{
		{"a manager sets a team", boss, false, "M1", true, []string{"R2", "R1", "R2"}, "", []string{"R1", "R2"}},
		{"a workspace admin sets one", rep, true, "M1", true, []string{"R1"}, "", []string{"R1"}},
		{"none: no one in particular", boss, false, "M1", true, nil, "", nil},
		{"a rep may not", rep, false, "M1", true, []string{"R1"}, salesbot.EFORBIDDEN, nil},
		{"a rep given to a non-manager", boss, false, "R5", false, []string{"R1"}, salesbot.EINVALID, nil},
		{"leading themself", boss, false, "M1", true, []string{"M1", "R1"}, salesbot.EINVALID, nil},
		{"no manager named", boss, false, "", true, []string{"R1"}, salesbot.EINVALID, nil},
		{"a blank rep", boss, false, "M1", true, []string{""}, salesbot.EINVALID, nil},
		{"too many", boss, false, "M1", true, manyReps(salesbot.MaxTeamSize + 1), salesbot.EINVALID, nil},
	} {
		got, err := salesbot.NewTeamChange(c.by, c.admin, c.manager, c.isManager, c.reps, at)
		if salesbot.ErrorCode(err) != c.code && !(c.code == "" && err == nil) {
			t.Errorf("%s: %v; want code %q", c.name, err, c.code)
			continue
		}
		if c.code != "" {
			continue
		}
		if !slices.Equal(got.Reps, c.want) || got.Manager != c.manager || got.By != c.by.User || !got.At.Equal(at) || got.Kind != salesbot.TeamChangeKind {
			t.Errorf("%s: %+v; want reps %v", c.name, got, c.want)
		}
	}
	c := salesbot.TeamChange{Reps: []string{"R1", "R2", "R3"}}
	if got := c.Joined([]string{"R2", "R9"}); !slices.Equal(got, []string{"R1", "R3"}) {
		t.Errorf("joined: %v; want R1, R3", got)
	}
}

// TestUnled: the reps no manager leads, managers left out.
func TestUnled(t *testing.T) {
	teams := salesbot.ManagerTeams{
		Managers: []string{"M1", "M2"},
		Reps:     map[string][]string{"M1": {"R1"}, "GONE": {"R2"}},
	}
	if got := teams.Unled([]string{"R3", "R1", "R2", "M2", "R3"}); !slices.Equal(got, []string{"R2", "R3"}) {
		t.Errorf("unled: %v; want R2 (led by a former manager only), R3", got)
	}
}

func manyReps(n int) []string {
	reps := make([]string, n)
	for i := range reps {
		reps[i] = "R" + string(rune('A'+i/26)) + string(rune('A'+i%26))
	}
	return reps
}
