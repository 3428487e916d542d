package salesbot

import (
	"context"
	"time"
)

// ManagerGrant is what granting or withdrawing manager rights did: Changed
// are those granted or withdrawn, each of whom is to be told; Unchanged are
// those named who had no rights to withdraw, told nothing.
type ManagerGrant struct {
	Changed   []string
	Unchanged []string
}

// TeamService holds who is who in a team: its managers, and the language
// each person chose. The bot's settings name managers too (configured
// managers): they count in the bot's own workspace only, and only the
// settings can take their rights away.
type TeamService interface {
	// Serves reports whether the bot answers requests from team: the
	// workspace it is installed in, or any when that is not known. Nothing
	// is read or written for a team it does not serve.
	Serves(team string) bool
	// Managers lists everyone with manager rights in team, sorted, each
	// once: the configured managers (in the bot's own workspace) and those
	// granted through the bot (GrantManagers). Each gets the daily digest;
	// requests that need a manager go to them.
	Managers(ctx context.Context, team string) ([]string, error)
	// ManagersAmong is Managers for a team whose granted managers were
	// read already (with the viewer, in one round trip).
	ManagersAmong(team string, granted []string) []string
	// ManagersOf lists the managers a rep's work goes to (digests,
	// escalations, reviews, approvals): those who lead the rep, and those
	// who lead no one in particular (who see everyone), never the rep
	// themself; when that is no one, every other manager, so that nothing
	// goes unseen (see ManagerTeams.ManagersOf).
	ManagersOf(ctx context.Context, team, rep string) ([]string, error)
	// RepsOf lists the reps whose work manager sees (the reps they lead,
	// and reps led by no one that ManagersOf routes to them); nil when they
	// lead no one in particular and see the whole team (see
	// ManagerTeams.RepsOf).
	RepsOf(ctx context.Context, team, manager string) ([]string, error)
	// SignersOf lists the managers asked to sign off a quote on owner's
	// lead written by writer (see ManagerTeams.Signers).
	SignersOf(ctx context.Context, team, owner, writer string) ([]string, error)
	// SetTeam sets the reps manager leads, replacing those they led, as by
	// did at now (admin: as the workspace says of by); no reps: they lead
	// no one in particular. Only managers and workspace admins set teams
	// (EFORBIDDEN), and only a manager's (EINVALID, saying how to grant
	// rights first); see NewTeamChange. The change is kept in the team's
	// audit list.
	SetTeam(ctx context.Context, team string, by Actor, admin bool, manager string, reps []string, now time.Time) (TeamSet, error)
	// Teams lists the team's managers and who each leads, the reps with
	// leads whom no manager leads, and the latest changes.
	Teams(ctx context.Context, team string) (TeamList, error)
	// IsManager reports whether user has manager rights in team.
	IsManager(ctx context.Context, team, user string) (bool, error)
	// GrantManagers gives users manager rights, as by did at now, each kept
	// in the team's audit list (granting again is harmless, and recorded).
	// Only managers and workspace admins (admin: as the workspace says of
	// by) grant rights, so that a team with none configured can start;
	// anyone else is refused (EFORBIDDEN) and nothing changes.
	GrantManagers(ctx context.Context, team string, by Actor, admin bool, users []string, now time.Time) (ManagerGrant, error)
	// RemoveManagers withdraws the manager rights users were granted
	// through the bot, each kept in the team's audit list. The same people
	// as for GrantManagers may; a configured manager cannot be removed
	// (EFORBIDDEN with the user's ID), and then nothing is withdrawn from
	// anyone. A manager whose rights are withdrawn leads no one any more:
	// their team is dropped, and that is kept in the audit list too.
	RemoveManagers(ctx context.Context, team string, by Actor, admin bool, users []string, now time.Time) (ManagerGrant, error)
	// SetLanguage records the language user chose to be spoken to in (a
	// language tag such as "zh"); "" forgets the choice.
	SetLanguage(ctx context.Context, team, user, lang string) error
}
