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

// GrantManager gives c.User manager rights, as c.By did at c.At, and keeps
// the change in the team's audit list, both in one script; it lists the
// team among those with data. Granting twice is harmless, and recorded
// twice.
func (s *Store) GrantManager(ctx context.Context, team string, c salesbot.ManagerChange) error {
	k, b, err := managerChange(team, c, true)
	if err != nil {
		return fmt.Errorf("grant manager: %w", err)
	}
	b.do("SADD", k.managers(), c.User)
	if _, err := s.guarded(ctx, k, nil, b); err != nil {
		return failed(err, "grant manager %s", c.User)
	}
	return nil
}

// removeManagerScript withdraws a user's manager rights (ARGV[1]) and, if
// they had them, runs the writes that follow (runWrites: the change in the
// audit list); it answers 1 when they had them.
//
// KEYS: the managers, then every key written.
var removeManagerScript = redis.NewScript(`
if redis.call('SREM', KEYS[1], ARGV[1]) == 0 then return 0 end
local i = 2
` + runWrites + `
return 1
`)

// RemoveManager withdraws the manager rights c.User was given from Slack, as
// c.By did at c.At, and keeps the change in the team's audit list, in one
// script. It reports whether they had them; when not, nothing is recorded.
// Managers from the environment are not in the store, and stay.
func (s *Store) RemoveManager(ctx context.Context, team string, c salesbot.ManagerChange) (bool, error) {
	k, b, err := managerChange(team, c, false)
	if err != nil {
		return false, fmt.Errorf("remove manager: %w", err)
	}
	keys := append([]string{k.managers()}, b.keys...)
	n, err := removeManagerScript.Run(ctx, s.client, keys, append([]any{c.User}, b.args...)...).Int()
	if err != nil {
		return false, failed(err, "remove manager %s", c.User)
	}
	return n == 1, nil
}

// ManagerChanges returns the team's latest grants and withdrawals of
// manager rights, newest first, at most n, found in the whole audit list
// (auditAll). An entry that cannot be read is skipped, and so are the
// entries of other kinds kept in the same list.
func (s *Store) ManagerChanges(ctx context.Context, team string, n int) ([]salesbot.ManagerChange, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("manager changes: %w", err)
	}
	if n <= 0 {
		return nil, nil
	}
	raws, err := s.auditAll(ctx, k)
	if err != nil {
		return nil, failed(err, "manager changes")
	}
	var changes []salesbot.ManagerChange
	for _, raw := range raws {
		var c salesbot.ManagerChange
		// Only a change of rights has a user (a change of team has its
		// manager, an AuditEntry its subject).
		if json.Unmarshal([]byte(raw), &c) != nil || c.User == "" {
			continue
		}
		if changes = append(changes, c); len(changes) == n {
			break
		}
	}
	return changes, nil
}

// managerChange checks a change of manager rights and queues its entry in
// the audit list.
func managerChange(team string, c salesbot.ManagerChange, granted bool) (keys, *batch, error) {
	k, err := keysOf(team)
	if err != nil {
		return keys{}, nil, err
	}
	if c.User == "" || c.By == "" || c.At.IsZero() {
		return keys{}, nil, errors.New("a change of manager rights needs who, by whom and when")
	}
	c.Granted = granted
	b := &batch{}
	if err := auditWrite(b, k, c); err != nil {
		return keys{}, nil, err
	}
	return k, b, nil
}

// Managers returns the users granted manager rights from Slack, sorted.
func (s *Store) Managers(ctx context.Context, team string) ([]string, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("managers: %w", err)
	}
	users, err := s.client.SMembers(ctx, k.managers()).Result()
	if err != nil {
		return nil, failed(err, "managers")
	}
	slices.Sort(users)
	return users, nil
}

// AddManager grants a user manager rights, and lists the team among those
// with data. Doing it twice is harmless.
func (s *Store) AddManager(ctx context.Context, team, user string) error {
	k, err := keysOf(team)
	if err != nil {
		return fmt.Errorf("add manager %s: %w", user, err)
	}
	if user == "" {
		return errors.New("add manager: no user given")
	}
	// Two slots, so a pipeline (one round trip per node), not a transaction;
	// both writes are idempotent.
	_, err = s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.SAdd(ctx, k.managers(), user)
		p.SAdd(ctx, teamsKey, team)
		p.ZAddLT(ctx, wakeKey, redis.Z{Score: 0, Member: team}) // a new digest to send
		return nil
	})
	if err != nil {
		return failed(err, "add manager %s", user)
	}
	return nil
}

// IsManager reports whether a user was granted manager rights from Slack.
func (s *Store) IsManager(ctx context.Context, team, user string) (bool, error) {
	k, err := keysOf(team)
	if err != nil {
		return false, fmt.Errorf("is %s a manager: %w", user, err)
	}
	ok, err := s.client.SIsMember(ctx, k.managers(), user).Result()
	if err != nil {
		return false, failed(err, "is %s a manager", user)
	}
	return ok, nil
}
