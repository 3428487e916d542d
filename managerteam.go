package salesbot

import (
	"slices"
	"time"
)

// Teams of managers: a workspace often holds several sales teams, and a
// manager leads some of its reps. A rep's work (approvals, escalations,
// reviews, digests) goes to the rep's own managers; a manager who leads no
// one in particular sees everyone, as before teams were kept.

// MaxTeamSize bounds how many reps one manager leads: a team, not the
// workspace (a manager who leads everyone leads no one in particular).
const MaxTeamSize = 100

// ManagerTeams is who leads whom in a team: every manager, and the reps
// each manager leads. A manager absent from Reps (or with no reps) leads no
// one in particular; an entry for someone who is not (or no longer) a
// manager counts for nothing.
type ManagerTeams struct {
	Managers []string            // everyone with manager rights, sorted
	Reps     map[string][]string // manager → the reps they lead, sorted
}

// leads reports whether m is a manager who leads someone.
func (t ManagerTeams) leads(m string) bool {
	return len(t.Reps[m]) > 0 && slices.Contains(t.Managers, m)
}

// ManagersOf lists, sorted, the managers rep's work goes to: those who lead
// rep, and those who lead no one in particular, rep themself left out (a
// manager's own follow-up climbs to another). When that leaves no one,
// every manager but rep, so that nothing goes unseen; when rep is the only
// manager, rep (who then signs off their own work, as before).
func (t ManagerTeams) ManagersOf(rep string) []string {
	var to []string
	for _, m := range t.Managers {
		if m == rep {
			continue
		}
		if !t.leads(m) || slices.Contains(t.Reps[m], rep) {
			to = append(to, m)
		}
	}
	if len(to) > 0 {
		return to
	}
	to = slices.DeleteFunc(slices.Clone(t.Managers), func(m string) bool { return m == rep })
	if len(to) > 0 {
		return to
	}
	return slices.Clone(t.Managers)
}

// RepsOf lists, sorted, the reps whose work manager sees: nil when manager
// leads no one in particular (everyone). Otherwise the reps they lead, and,
// among known (everyone who has had leads), those whom ManagersOf routes to
// manager as well: reps led by no one, when every other manager leads a
// team too. It checks no rights: for someone who is not among Managers it
// is nil too, as for a manager who leads no one (who may see a pipeline is
// the Actor's Manager flag's to say).
func (t ManagerTeams) RepsOf(manager string, known []string) []string {
	if !t.leads(manager) {
		return nil
	}
	reps := slices.Clone(t.Reps[manager])
	for _, r := range known {
		if !slices.Contains(reps, r) && slices.Contains(t.ManagersOf(r), manager) {
			reps = append(reps, r)
		}
	}
	slices.Sort(reps)
	return slices.Compact(reps)
}

// Unled lists, sorted, those of reps whom no manager leads (the managers
// themselves left out): their work goes to the managers who lead no one in
// particular, or to every manager.
func (t ManagerTeams) Unled(reps []string) []string {
	var out []string
	for _, r := range reps {
		if slices.Contains(t.Managers, r) || slices.Contains(out, r) {
			continue
		}
		led := false
		for m := range t.Reps {
			if t.leads(m) && slices.Contains(t.Reps[m], r) {
				led = true
				break
			}
		}
		if !led {
			out = append(out, r)
		}
	}
	slices.Sort(out)
	return out
}

// Signers lists the managers who sign off a quote on owner's lead written
// by writer: the owner's managers (ManagersOf) other than the writer; when
// that leaves no one, every manager, so that Approval.DecideQuote's rule
// holds as it did: neither the owner nor the writer signs it off while
// another manager could, and alone they do (self-approved).
func (t ManagerTeams) Signers(owner, writer string) []string {
	to := slices.DeleteFunc(t.ManagersOf(owner), func(m string) bool { return m == owner || m == writer })
	if len(to) > 0 {
		return to
	}
	return slices.Clone(t.Managers)
}

// TeamChange is a change of the reps a manager leads, kept in the team's
// audit list with the grants of manager rights (ManagerChange): the team
// as it was set, and by whom.
type TeamChange struct {
	Kind    string    `json:"kind"` // always "team": tells it from a ManagerChange in the audit list
	At      time.Time `json:"at"`
	By      string    `json:"by"`      // who set it
	Manager string    `json:"manager"` // whose team it is
	Reps    []string  `json:"reps"`    // the reps led from then on; none: no one in particular
	// Withdrawn says the team was dropped because the manager's rights
	// were withdrawn.
	Withdrawn bool `json:"withdrawn,omitempty"`
}

// TeamChangeKind is TeamChange.Kind.
const TeamChangeKind = "team"

// NewTeamChange checks a change of manager's team, as by (a workspace admin
// when admin) makes it at now: only managers and workspace admins set
// teams; the one given a team must be a manager (isManager), and lead
// neither themself nor more than MaxTeamSize reps. The reps are sorted,
// each once; none means the manager leads no one in particular.
func NewTeamChange(by Actor, admin bool, manager string, isManager bool, reps []string, now time.Time) (TeamChange, error) {
	if !by.Manager && !admin {
		return TeamChange{}, Errorf(EFORBIDDEN, "Only managers and workspace admins set who leads whom. `/salesbot team` shows the teams.")
	}
	if manager == "" {
		return TeamChange{}, Errorf(EINVALID, "Whose team is it? Write `/salesbot team @manager @rep1 @rep2`.")
	}
	if !isManager {
		return TeamChange{}, Errorf(EINVALID, "%s has no manager rights, so leads no one. Grant them first with `/salesbot managers add @…` (mention them), then set the team.", User(manager))
	}
	reps = slices.Clone(reps)
	slices.Sort(reps)
	reps = slices.Compact(reps)
	if slices.Contains(reps, manager) {
		return TeamChange{}, Errorf(EINVALID, "%s cannot lead themself: name the reps they lead, or write `/salesbot team @manager none`.", User(manager))
	}
	if slices.Contains(reps, "") {
		return TeamChange{}, Errorf(EINVALID, "Mention each rep: `/salesbot team @manager @rep1 @rep2`.")
	}
	if len(reps) > MaxTeamSize {
		return TeamChange{}, Errorf(EINVALID, "%d reps are more than one team of %d. A manager who leads everyone leads no one in particular: `/salesbot team @manager none`.", len(reps), MaxTeamSize)
	}
	if len(reps) == 0 {
		reps = nil
	}
	return TeamChange{Kind: TeamChangeKind, At: now, By: by.User, Manager: manager, Reps: reps}, nil
}

// Joined lists, sorted, the reps of c who were not in before: those to be
// told they are in the manager's team now.
func (c TeamChange) Joined(before []string) []string {
	return slices.DeleteFunc(slices.Clone(c.Reps), func(r string) bool { return slices.Contains(before, r) })
}

// TeamSet is what setting a manager's team did: the change as kept, and
// the reps led before it.
type TeamSet struct {
	Change TeamChange
	Before []string
}

// TeamList is a team's managers and who each leads, for the listing: the
// teams, the reps who have had leads and whom no manager leads, and the
// latest changes, newest first.
type TeamList struct {
	Teams   ManagerTeams
	Unled   []string
	Changes []TeamChange
}
