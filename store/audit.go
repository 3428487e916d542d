package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"salesbot"
)

// auditMax bounds a team's audit list: the latest changes are kept.
const auditMax = 1000

func (k keys) audit() string { return k.prefix + "audit" }

// auditWrite queues entry as the newest of the team's audit list, which
// keeps the latest auditMax: an AuditEntry, or a change of manager rights
// as those are kept (see auditEntry). Every writer of the list goes
// through it, and runs b in the script that makes the change the entry
// records, so that both are written or neither.
func auditWrite(b *batch, k keys, entry any) error {
	raw, err := json.Marshal(entry)
	if err != nil {
		return bug{fmt.Errorf("encode audit entry: %w", err)}
	}
	b.do("LPUSH", k.audit(), raw)
	b.do("LTRIM", k.audit(), 0, auditMax-1)
	return nil
}

// auditAll reads the whole audit list (at most auditMax entries, one
// round trip), for readers that pick entries of one kind: so many of
// another kind (a burst of deletions) push none of theirs out of reach.
func (s *Store) auditAll(ctx context.Context, k keys) ([]string, error) {
	return s.client.LRange(ctx, k.audit(), 0, auditMax-1).Result()
}

// Audit returns the team's audit list, newest first, at most n entries:
// grants and withdrawals of manager rights and changes of teams (as they
// are kept, turned into entries) and every other entry as it was written.
// An entry that cannot be read is skipped.
func (s *Store) Audit(ctx context.Context, team string, n int) ([]salesbot.AuditEntry, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	if n <= 0 {
		return nil, nil
	}
	raws, err := s.client.LRange(ctx, k.audit(), 0, int64(n-1)).Result()
	if err != nil {
		return nil, failed(err, "audit")
	}
	entries := make([]salesbot.AuditEntry, 0, len(raws))
	for _, raw := range raws {
		if e, ok := auditEntry([]byte(raw)); ok {
			entries = append(entries, e)
		}
	}
	return entries, nil
}

// auditEntry reads one entry of the audit list, whichever shape it was
// written in.
func auditEntry(raw []byte) (salesbot.AuditEntry, bool) {
	var e salesbot.AuditEntry
	if json.Unmarshal(raw, &e) != nil {
		return e, false
	}
	switch e.Kind {
	case "":
		var c salesbot.ManagerChange
		if json.Unmarshal(raw, &c) != nil || c.User == "" {
			return e, false
		}
		detail := "manager rights granted"
		if !c.Granted {
			detail = "manager rights withdrawn"
		}
		return salesbot.AuditEntry{Kind: salesbot.AuditManager, At: c.At, By: c.By, Subject: c.User, Detail: detail}, true
	case salesbot.TeamChangeKind:
		var c salesbot.TeamChange
		if json.Unmarshal(raw, &c) != nil {
			return e, false
		}
		detail := "leads " + strings.Join(c.Reps, ", ")
		switch {
		case c.Withdrawn:
			detail = "team dropped with the manager's rights"
		case len(c.Reps) == 0:
			detail = "leads no one in particular"
		}
		return salesbot.AuditEntry{Kind: salesbot.AuditTeam, At: c.At, By: c.By, Subject: c.Manager, Detail: detail}, true
	}
	return e, !e.At.IsZero()
}
