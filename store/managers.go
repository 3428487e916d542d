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

// auditMax bounds a team's audit list: the latest changes are kept.
const auditMax = 1000

func (k keys) audit() string { return k.prefix + "audit" }

// GrantManager gives c.User manager rights, as c.By did at c.At, and keeps
// the change in the team's audit list, both in one transaction; it lists the
// team among those with data. Granting twice is harmless, and recorded
// twice.
func (s *Store) GrantManager(ctx context.Context, team string, c salesbot.ManagerChange) error {
	k, raw, err := managerChange(team, c, true)
	if err != nil {
		return fmt.Errorf("grant manager: %w", err)
	}
	if _, err := s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.SAdd(ctx, k.managers(), c.User)
		p.LPush(ctx, k.audit(), raw)
		p.LTrim(ctx, k.audit(), 0, auditMax-1)
		return nil
	}); err != nil {
		return failed(err, "grant manager %s", c.User)
	}
	// Another slot, so a command of its own; idempotent.
	if err := s.client.SAdd(ctx, teamsKey, team).Err(); err != nil {
		return failed(err, "grant manager %s: list the team", c.User)
	}
	return nil
}

// removeManagerScript withdraws a user's manager rights (ARGV[1]) and, if
// they had them, records the change (ARGV[2]) in the audit list; it answers
// 1 when they had them.
var removeManagerScript = redis.NewScript(`
if redis.call('SREM', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('LPUSH', KEYS[2], ARGV[2])
redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[3]) - 1)
return 1
`)

// RemoveManager withdraws the manager rights c.User was given from Slack, as
// c.By did at c.At, and keeps the change in the team's audit list, in one
// script. It reports whether they had them; when not, nothing is recorded.
// Managers from the environment are not in the store, and stay.
func (s *Store) RemoveManager(ctx context.Context, team string, c salesbot.ManagerChange) (bool, error) {
	k, raw, err := managerChange(team, c, false)
	if err != nil {
		return false, fmt.Errorf("remove manager: %w", err)
	}
	n, err := removeManagerScript.Run(ctx, s.client, []string{k.managers(), k.audit()}, c.User, raw, auditMax).Int()
	if err != nil {
		return false, failed(err, "remove manager %s", c.User)
	}
	return n == 1, nil
}

// ManagerChanges returns the team's latest grants and withdrawals of
// manager rights, newest first, at most n. An entry that cannot be read is
// skipped, and so are the changes of teams kept in the same list.
func (s *Store) ManagerChanges(ctx context.Context, team string, n int) ([]salesbot.ManagerChange, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("manager changes: %w", err)
	}
	if n <= 0 {
		return nil, nil
	}
	raws, err := s.client.LRange(ctx, k.audit(), 0, int64(n-1)).Result()
	if err != nil {
		return nil, failed(err, "manager changes")
	}
	changes := make([]salesbot.ManagerChange, 0, len(raws))
	for _, raw := range raws {
		var c salesbot.ManagerChange
		if json.Unmarshal([]byte(raw), &c) == nil && c.User != "" { // a change of team has no user (managerteams.go)
			changes = append(changes, c)
		}
	}
	return changes, nil
}

// managerChange checks a change of manager rights and encodes it for the
// audit list.
func managerChange(team string, c salesbot.ManagerChange, granted bool) (keys, string, error) {
	k, err := keysOf(team)
	if err != nil {
		return keys{}, "", err
	}
	if c.User == "" || c.By == "" || c.At.IsZero() {
		return keys{}, "", errors.New("a change of manager rights needs who, by whom and when")
	}
	c.Granted = granted
	raw, err := json.Marshal(c)
	if err != nil {
		return keys{}, "", err
	}
	return k, string(raw), nil
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
