package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/redis/go-redis/v9"

	"salesbot"
)

// A team's teams of managers are one hash, sb:{T}:mteams, manager → the
// JSON list of the reps they lead (a manager who leads no one in particular
// has no field): a team has tens of managers, so the whole hash is read at
// once. Each change is kept in the team's audit list (see managers.go),
// tagged "kind":"team".
func (k keys) managerTeams() string { return k.prefix + "mteams" }

// setTeamScript reads a manager's reps (ARGV[1] names the manager) and,
// unless ARGV[2] = "1" (only drop a team the manager has) and they have
// none, runs the writes that follow (runWrites: their reps set or dropped,
// the change in the audit list). It answers {changed, reps before}.
//
// KEYS: the managers' teams, then every key written.
var setTeamScript = redis.NewScript(`
local before = redis.call('HGET', KEYS[1], ARGV[1])
if ARGV[2] == '1' and not before then return {0, ''} end
local i = 3
` + runWrites + `
return {1, before or ''}
`)

// SetManagerTeam replaces the reps c.Manager leads with c.Reps (none: no one
// in particular) and keeps c in the team's audit list, in one script. It
// returns the reps they led before.
func (s *Store) SetManagerTeam(ctx context.Context, team string, c salesbot.TeamChange) ([]string, error) {
	_, before, err := s.setTeam(ctx, team, c, false)
	if err != nil {
		return nil, failed(err, "set the team of %s", c.Manager)
	}
	return before, nil
}

// DropManagerTeam drops c.Manager's team, if they have one, and keeps c in
// the audit list; it reports whether there was one (when not, nothing is
// recorded).
func (s *Store) DropManagerTeam(ctx context.Context, team string, c salesbot.TeamChange) (bool, error) {
	c.Reps = nil
	dropped, _, err := s.setTeam(ctx, team, c, true)
	if err != nil {
		return false, failed(err, "drop the team of %s", c.Manager)
	}
	return dropped, nil
}

func (s *Store) setTeam(ctx context.Context, team string, c salesbot.TeamChange, onlyDrop bool) (bool, []string, error) {
	k, err := keysOf(team)
	if err != nil {
		return false, nil, err
	}
	if c.Manager == "" || c.By == "" || c.At.IsZero() {
		return false, nil, errors.New("a change of team needs whose, by whom and when")
	}
	c.Kind = salesbot.TeamChangeKind
	b := &batch{}
	if len(c.Reps) > 0 {
		raw, err := json.Marshal(c.Reps)
		if err != nil {
			return false, nil, err
		}
		b.do("HSET", k.managerTeams(), c.Manager, raw)
	} else {
		b.do("HDEL", k.managerTeams(), c.Manager)
	}
	if err := auditWrite(b, k, c); err != nil {
		return false, nil, err
	}
	drop := "0"
	if onlyDrop {
		drop = "1"
	}
	keys := append([]string{k.managerTeams()}, b.keys...)
	res, err := setTeamScript.Run(ctx, s.client, keys, append([]any{c.Manager, drop}, b.args...)...).Slice()
	if err != nil {
		return false, nil, err
	}
	if len(res) != 2 {
		return false, nil, bug{fmt.Errorf("set team script answered %v", res)}
	}
	changed, _ := res[0].(int64)
	var before []string
	if raw, _ := res[1].(string); raw != "" {
		if err := json.Unmarshal([]byte(raw), &before); err != nil {
			s.skip(ctx, k.managerTeams(), err) // overwritten now: only the "before" is lost
		}
	}
	return changed == 1, before, nil
}

// ManagerTeams reads, in one round trip, the managers granted from Slack
// (sorted), the reps each manager leads and, with owners, everyone who has
// had an open lead (the read models' rm:owners, sorted). A team that does
// not decode is left out (logged), as if its manager led no one in
// particular.
func (s *Store) ManagerTeams(ctx context.Context, team string, owners bool) (granted []string, reps map[string][]string, known []string, err error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("teams of managers: %w", err)
	}
	var managers, everyone *redis.StringSliceCmd
	var teams *redis.MapStringStringCmd
	if _, err := s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		managers = p.SMembers(ctx, k.managers())
		teams = p.HGetAll(ctx, k.managerTeams())
		if owners {
			everyone = p.SMembers(ctx, k.rmOwners())
		}
		return nil
	}); err != nil {
		return nil, nil, nil, failed(err, "teams of managers")
	}
	granted = managers.Val()
	slices.Sort(granted)
	reps = make(map[string][]string, len(teams.Val()))
	for m, raw := range teams.Val() {
		var r []string
		if err := json.Unmarshal([]byte(raw), &r); err != nil {
			s.skip(ctx, k.managerTeams()+" "+m, err)
			continue
		}
		slices.Sort(r)
		reps[m] = r
	}
	if everyone != nil {
		known = everyone.Val()
		slices.Sort(known)
	}
	return granted, reps, known, nil
}

// TeamChanges returns the latest changes of teams, newest first, at most n,
// found in the whole audit list (which holds other kinds of entries too:
// auditAll). An entry that cannot be read is skipped.
func (s *Store) TeamChanges(ctx context.Context, team string, n int) ([]salesbot.TeamChange, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("team changes: %w", err)
	}
	if n <= 0 {
		return nil, nil
	}
	raws, err := s.auditAll(ctx, k)
	if err != nil {
		return nil, failed(err, "team changes")
	}
	var changes []salesbot.TeamChange
	for _, raw := range raws {
		var c salesbot.TeamChange
		if json.Unmarshal([]byte(raw), &c) != nil || c.Kind != salesbot.TeamChangeKind {
			continue
		}
		if changes = append(changes, c); len(changes) == n {
			break
		}
	}
	return changes, nil
}
