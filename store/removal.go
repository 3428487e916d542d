package store

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/redis/go-redis/v9"

	"salesbot"
)

// Removing data (/stance remove, /lead delete). Each is one guarded script
// over keys of the team's hash tag, so all or nothing: the lead, its lists
// and every index entry it has are written (or deleted) together, with the
// audit entry, only if none of them changed since they were read. What
// has no index by lead (the team's activity stream, decided approvals,
// reminder messages, digest records) is swept after, a page at a time
// (removal_sweep.go).

// listGuard is the field of a guard on a list: the SHA-1 of its items
// joined by newlines must be the one read.
const listGuard = "\x00list"

// listDigest is what a list guard compares: the SHA-1 of the items as
// read, joined by newlines.
func listDigest(items []string) string {
	sum := sha1.Sum([]byte(strings.Join(items, "\n")))
	return hex.EncodeToString(sum[:])
}

// rewriteList queues a list's items replaced by items (in the same order,
// head first), or its deletion when there are none.
func rewriteList(b *batch, key string, items []string) {
	b.do("DEL", key)
	if len(items) == 0 {
		return
	}
	args := make([]any, len(items))
	for i, it := range items {
		args[i] = it
	}
	b.do("RPUSH", key, args...)
}

// RemovePerson reads the lead with its history, visits, its owner's
// review notes and the settled inquiries that name it, applies fn (which
// removes the person from the lead and returns their name as recorded,
// with the history entry of the removal), and saves in one guarded script:
// the lead, its history and visits with the name scrubbed
// (salesbot.Scrub), the owner's review notes and the inquiries' notes
// likewise, the new history entry and its activity entry (neither names the
// person), and an audit entry. It writes only if none of these changed
// since read; else it reads again, up to a bound. An error from fn writes
// nothing and comes back as it is. The team's activity stream and the
// lead's approvals are scrubbed after, by SweepRemoval.
func (s *Store) RemovePerson(ctx context.Context, team, id string, read *salesbot.Lead, fn func(*salesbot.Lead) (string, salesbot.Change, error)) (*salesbot.Lead, string, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, "", fmt.Errorf("remove person from %s: %w", id, err)
	}
	var (
		saved *salesbot.Lead
		name  string
	)
	err = s.retry(ctx, func() error {
		l, lists, inquiries, err := s.readForRemoval(ctx, k, id, read)
		given := l == read
		read = nil // read afresh if this attempt fails
		if err != nil {
			return err
		}
		rev := s.revs.of(l)
		owner, before := l.Owner, l.Standing()
		recorded, c, err := fn(l)
		switch {
		case err != nil && given:
			// Judged on the lead as the caller read it: judge it again on
			// the lead as it is.
			s.revs.forget(l)
			return redis.TxFailedErr
		case err != nil:
			return fnError{err}
		}
		scrub := l.Scrub(recorded)
		b := &batch{}
		guards := []guard{unchanged(k.lead(id), rev)}
		for _, list := range lists {
			guards = append(guards, guard{key: list.key, field: listGuard, want: listDigest(list.items)})
			if items, changed, err := list.scrub(scrub, id); err != nil {
				return err
			} else if changed {
				rewriteList(b, list.key, items)
			}
		}
		guards = append(guards, inquiries.guards(k)...)
		if err := inquiries.scrub(b, k, scrub); err != nil {
			return err
		}
		lead, pending, err := s.leadWrites(b, k, l, owner, before, salesbot.Update{Changes: []salesbot.Change{c}}, nil)
		if err != nil {
			return err
		}
		if err := auditWrite(b, k, salesbot.AuditEntry{Kind: salesbot.AuditPersonRemoved, At: c.At, By: c.By,
			LeadID: id, Company: l.Company}); err != nil {
			return err
		}
		ok, err := s.guarded(ctx, k, guards, b)
		switch {
		case err != nil:
			return err
		case !ok:
			s.revs.forget(l)
			return redis.TxFailedErr
		}
		s.revs.remember(l, revision(lead), pending)
		saved, name = l, recorded
		return nil
	}, nil)
	if fe, ok := err.(fnError); ok {
		return nil, "", fe.err
	}
	if err != nil {
		return nil, "", failed(err, "remove person from lead %s", id)
	}
	return saved, name, nil
}

// listKind says what a list read for a removal holds.
type listKind int

const (
	historyList listKind = iota
	visitsList
	reviewsList
)

// removalList is one list a removal reads and may rewrite.
type removalList struct {
	key   string
	kind  listKind
	items []string
}

// readForRemoval reads the lead, unless read is it as this store returned
// it, and, in one more round trip, its history, its visits, its owner's
// review notes and the list of the settled inquiries that name it; those
// inquiries, when there are any, in one more.
func (s *Store) readForRemoval(ctx context.Context, k keys, id string, read *salesbot.Lead) (*salesbot.Lead, []removalList, leadInquiries, error) {
	l := read
	if l == nil || l.ID != id || l.Team != k.team() || s.revs.of(l) == "" {
		var err error
		if l, err = s.getLead(ctx, k, id); err != nil {
			return nil, nil, leadInquiries{}, err
		}
	}
	lists := []removalList{{key: k.history(id), kind: historyList}, {key: k.visits(id), kind: visitsList},
		{key: k.reviews(l.Owner), kind: reviewsList}}
	cmds := make([]*redis.StringSliceCmd, len(lists))
	var inquiries *redis.StringSliceCmd
	if _, err := s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, list := range lists {
			cmds[i] = p.LRange(ctx, list.key, 0, -1)
		}
		inquiries = p.LRange(ctx, k.leadInquiries(id), 0, -1)
		return nil
	}); err != nil {
		return nil, nil, leadInquiries{}, err
	}
	for i := range lists {
		lists[i].items = cmds[i].Val()
	}
	li, err := s.readLeadInquiries(ctx, k, id, inquiries.Val())
	if err != nil {
		return nil, nil, leadInquiries{}, err
	}
	return l, lists, li, nil
}

// scrub returns the list's items with the name scrubbed, and whether any
// changed; a packed item (codec_packed.go) is unpacked, scrubbed and packed
// again. An item that does not decode is kept as it is: it names no one
// the bot can read.
func (list removalList) scrub(sc salesbot.Scrub, id string) ([]string, bool, error) {
	out := slices.Clone(list.items)
	changed := false
	for i, raw := range list.items {
		var (
			enc string
			hit bool
			err error
		)
		if isPacked(raw) && list.kind != reviewsList {
			enc, hit, err = mapPacked(raw, func(e string) (string, bool, error) { return list.scrubEntry(sc, id, e) })
		} else {
			enc, hit, err = list.scrubEntry(sc, id, raw)
		}
		if err != nil {
			return nil, false, err
		}
		if hit {
			out[i], changed = enc, true
		}
	}
	return out, changed, nil
}

// scrubEntry returns one entry of the list with the name scrubbed, and
// whether it named the person.
func (list removalList) scrubEntry(sc salesbot.Scrub, id, raw string) (string, bool, error) {
	var (
		enc []byte
		hit bool
		err error
	)
	switch list.kind {
	case historyList:
		c, derr := decodeChange([]byte(raw), id)
		if derr != nil {
			return raw, false, nil
		}
		if c, hit = sc.Change(c); hit {
			enc, err = encodeChange(c, inHistory)
		}
	case visitsList:
		v, derr := decodeVisit([]byte(raw), id)
		if derr != nil {
			return raw, false, nil
		}
		if v, hit = sc.Visit(v); hit {
			enc, err = encodeVisit(v)
		}
	case reviewsList:
		var n salesbot.ReviewNote
		if json.Unmarshal([]byte(raw), &n) != nil {
			return raw, false, nil
		}
		if n.Note, hit = sc.Text(n.Note); hit {
			enc, err = json.Marshal(n)
		}
	}
	if err != nil {
		return "", false, bug{fmt.Errorf("encode scrubbed entry: %w", err)}
	}
	if !hit {
		return raw, false, nil
	}
	return string(enc), true, nil
}

// DeleteLead deletes a lead with every key and index entry it has, in one
// guarded script: the lead, its history and visits; its name in the name
// indexes; its owner's set, the team's list, due, pool and the reminder
// sweep's claims; every read model (open, due, touched, mine, watched, the
// deal sets and records, its slips); what its owner was told of its risks;
// its pending approval requests; the settled inquiries that name it (the
// one it came from, those closed because of it) with their copies. The
// script writes e to the audit list,
// and writes only if the lead is still as read; else it reads again, up
// to a bound. check, given the lead as read, refuses (writing nothing) or
// returns the audit entry. It returns the lead as it was. What has no
// index by lead is swept after by SweepRemoval.
func (s *Store) DeleteLead(ctx context.Context, team, id string, check func(*salesbot.Lead) (salesbot.AuditEntry, error)) (*salesbot.Lead, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("delete lead %s: %w", id, err)
	}
	var gone *salesbot.Lead
	err = s.retry(ctx, func() error {
		l, err := s.getLead(ctx, k, id)
		if err != nil {
			return err
		}
		rev := s.revs.of(l)
		inquiries, err := s.client.LRange(ctx, k.leadInquiries(id), 0, -1).Result()
		if err != nil {
			return err
		}
		e, err := check(l)
		if err != nil {
			return fnError{err}
		}
		markers, err := s.hashFieldsOf(ctx, k.approvalMarkers(), id+"|")
		if err != nil {
			return err
		}
		slips, err := s.zsetMembersOf(ctx, k.rmSlips(), "*"+sep+globEscape(id)+sep+"*")
		if err != nil {
			return err
		}
		settled := leadInquiries{key: k.leadInquiries(id), ids: inquiries}
		name := salesbot.NormalizeCompany(l.Company)
		b := &batch{}
		deleteWrites(b, k, l, name)
		settled.deletes(b, k)
		for field, approval := range markers {
			b.do("HDEL", k.approvalMarkers(), field)
			b.do("ZREM", k.pendingApprovals(), approval)
			b.do("DEL", k.approval(approval))
		}
		for _, slip := range slips {
			b.do("ZREM", k.rmSlips(), slip)
		}
		if err := auditWrite(b, k, e); err != nil {
			return err
		}
		guards := append([]guard{unchanged(k.lead(id), rev), {key: k.names(), field: name, want: id}}, settled.guards(k)...)
		ok, err := s.guarded(ctx, k, guards, b)
		switch {
		case err != nil:
			return err
		case !ok:
			s.revs.forget(l)
			return redis.TxFailedErr
		}
		s.revs.forget(l)
		gone = l
		return nil
	}, nil)
	if fe, ok := err.(fnError); ok {
		return nil, fe.err
	}
	if err != nil {
		return nil, failed(err, "delete lead %s", id)
	}
	return gone, nil
}

// deleteWrites queues the deletion of the lead's keys and of its entries
// in every index: where it stands now, and, since a member left over from
// a failover costs nothing to remove, every read model it could be in.
func deleteWrites(b *batch, k keys, l *salesbot.Lead, name string) {
	id := l.ID
	b.do("DEL", k.lead(id))
	b.do("DEL", k.history(id))
	b.do("DEL", k.visits(id))
	b.do("HDEL", k.names(), name)
	b.do("ZREM", k.sortedNames(), sortedName(name, id))
	if inner := salesbot.InnerNames(l.Company); len(inner) > 0 {
		args := make([]any, len(inner))
		for i, tail := range inner {
			args[i] = sortedName(tail, id)
		}
		b.do("ZREM", k.innerNames(), args...)
	}
	b.do("SREM", k.owner(l.Owner), id)
	for _, key := range []string{k.leads(), k.due(), k.pool(), k.inflight(), k.rmDue(), k.rmClose(), k.rmWon(),
		k.rmMine(l.Owner), k.rmWatched(l.Owner), k.rmCloseOf(l.Owner)} {
		b.do("ZREM", key, id)
	}
	for _, g := range salesbot.Grades {
		b.do("ZREM", k.rmOpen(g), id)
		if (salesbot.Standing{Open: true, Grade: g}).Watched() {
			b.do("ZREM", k.rmTouched(g), id)
		}
	}
	for _, m := range memberships(k, l.Standing()) {
		b.do("ZREM", m.key, id)
	}
	for _, key := range []string{k.leases(), k.attempts(), k.rmDeal(), k.risksTold()} {
		b.do("HDEL", key, id)
	}
}

// hashFieldsOf returns the fields of a hash that start with prefix, with
// their values, by HSCAN.
func (s *Store) hashFieldsOf(ctx context.Context, key, prefix string) (map[string]string, error) {
	out := map[string]string{}
	var cursor uint64
	for {
		kv, next, err := s.client.HScan(ctx, key, cursor, globEscape(prefix)+"*", 500).Result()
		if err != nil {
			return nil, err
		}
		for i := 0; i+1 < len(kv); i += 2 {
			if strings.HasPrefix(kv[i], prefix) {
				out[kv[i]] = kv[i+1]
			}
		}
		if cursor = next; cursor == 0 {
			return out, nil
		}
	}
}

// zsetMembersOf returns the members of a sorted set that match a glob
// pattern, by ZSCAN.
func (s *Store) zsetMembersOf(ctx context.Context, key, pattern string) ([]string, error) {
	var out []string
	var cursor uint64
	for {
		kv, next, err := s.client.ZScan(ctx, key, cursor, pattern, 500).Result()
		if err != nil {
			return nil, err
		}
		for i := 0; i < len(kv); i += 2 {
			out = append(out, kv[i])
		}
		if cursor = next; cursor == 0 {
			return out, nil
		}
	}
}

// globEscape escapes the characters a SCAN pattern gives a meaning.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Deleted returns the audit entry of the lead's deletion, if the team's
// audit list (its latest auditMax entries) holds one.
func (s *Store) Deleted(ctx context.Context, team, id string) (salesbot.AuditEntry, bool, error) {
	entries, err := s.Audit(ctx, team, auditMax)
	if err != nil {
		return salesbot.AuditEntry{}, false, err
	}
	for _, e := range entries {
		if e.Kind == salesbot.AuditLeadDeleted && e.LeadID == id {
			return e, true, nil
		}
	}
	return salesbot.AuditEntry{}, false, nil
}

// VisitCount returns how many visits a lead has on record (its visits
// list's length), without reading them.
func (s *Store) VisitCount(ctx context.Context, team, id string) (int, error) {
	k, err := keysOf(team)
	if err != nil {
		return 0, fmt.Errorf("visit count of %s: %w", id, err)
	}
	n, err := s.client.LLen(ctx, k.visits(id)).Result()
	if err != nil {
		return 0, failed(err, "visit count of lead %s", id)
	}
	return int(n), nil
}
