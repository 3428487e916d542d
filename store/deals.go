package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"salesbot"
)

// The deal read models (DOMAIN.md §7), written with the lead by the same
// guarded script, from its Standing before and after (see readModels):
//
//	rm:close          open deals with an expected close, by its day
//	rm:close:<owner>  the same, one owner's (the weekly review's list)
//	rm:won            won deals, by the day (UTC) they were won
//	rm:deal           hash: lead ID → the deal's record (dealRecord), for
//	                  every lead in rm:close or rm:won
//	rm:slips          the last slipRetention of slips, by their time in ms
//	                  (slipRecord)
//
// Days are days since 1970-01-01, so that a period is one score range.
// Like the other read models these are memberships: restating a deal
// changes nothing. A record missing from rm:deal for an ID in a set is
// skipped by the readers (RebuildReadModels heals it).
func (k keys) rmClose() string               { return k.prefix + "rm:close" }
func (k keys) rmCloseOf(owner string) string { return k.prefix + "rm:close:" + owner }
func (k keys) rmWon() string                 { return k.prefix + "rm:won" }
func (k keys) rmDeal() string                { return k.prefix + "rm:deal" }
func (k keys) rmSlips() string               { return k.prefix + "rm:slips" }

// targets is the hash of a period's targets: rep ("team" for the team's)
// → storedTarget's JSON.
func (k keys) targets(p salesbot.SalesPeriod) string { return k.prefix + "targets:" + p.String() }

// reviews is a rep's review notes, newest first, at most reviewsMax.
func (k keys) reviews(rep string) string { return k.prefix + "reviews:" + rep }

const (
	// slipRetention is how long rm:slips keeps a slip: a month's forecast
	// looks at the slips of the weeks before.
	slipRetention = 35 * 24 * time.Hour
	// reviewsMax bounds a rep's review notes.
	reviewsMax = 50
	// teamTarget is the targets hash's field for the team's own target.
	teamTarget = "team"
	// sep separates a record's fields: a control character, which no
	// company name, user ID, stage or currency holds (CleanCompany refuses
	// them).
	sep = "\x1f"
)

// day is d as a read model's score: days since 1970-01-01.
func day(d salesbot.Date) int64 {
	s := d.In(time.UTC).Unix()
	if s < 0 {
		return (s - 86399) / 86400
	}
	return s / 86400
}

// dateOfDay is the Date of a day as day numbers it.
func dateOfDay(n int64) salesbot.Date { return salesbot.DateOf(time.Unix(n*86400, 0).UTC()) }

// dealMemberships lists the deal sets a lead with the given standing is
// in: its open deal by its expected close, or its won deal by the day.
func dealMemberships(k keys, s salesbot.Standing) []membership {
	if d, ok := s.Closing(); ok {
		score := float64(day(d))
		return []membership{{k.rmClose(), score}, {k.rmCloseOf(s.Owner), score}}
	}
	if d, ok := s.WonOn(); ok {
		return []membership{{k.rmWon(), float64(day(d))}}
	}
	return nil
}

// dealRecord is a deal as rm:deal holds it, its fields joined by sep:
// owner, stage, category, currency, minor units, close day (dealMemberships'
// score), grade, slips, at risk (0 or 1), company, source. The forecast
// script reads the first six, and the source to split by it; no company
// holds sep, so the source after it stays the eleventh field. A record
// written before sources were kept has ten fields and no source.
func dealRecord(d salesbot.Deal) string {
	minor, risk := "", "0"
	if !d.Value.IsZero() {
		minor = strconv.FormatInt(d.Value.Minor, 10)
	}
	if d.AtRisk {
		risk = "1"
	}
	return strings.Join([]string{d.Owner, string(d.Stage), string(d.Category.Or()), string(d.Value.Currency), minor,
		strconv.FormatInt(day(d.CloseBy), 10), string(d.Grade), strconv.Itoa(d.Slips), risk, d.Company, string(d.Source)}, sep)
}

// parseDealRecord reads a dealRecord of the lead id.
func parseDealRecord(id, rec string) (salesbot.Deal, error) {
	f := strings.SplitN(rec, sep, 11)
	if len(f) != 10 && len(f) != 11 {
		return salesbot.Deal{}, bug{fmt.Errorf("deal record of %s has %d fields", id, len(f))}
	}
	d := salesbot.Deal{ID: id, Owner: f[0], Stage: salesbot.Stage(f[1]), Category: salesbot.Category(f[2]),
		Grade: salesbot.Grade(f[6]), AtRisk: f[8] == "1", Company: f[9]}
	if len(f) == 11 {
		d.Source = salesbot.Source(f[10])
	}
	var err error
	if f[4] != "" {
		d.Value.Currency = salesbot.Currency(f[3])
		if d.Value.Minor, err = strconv.ParseInt(f[4], 10, 64); err != nil {
			return salesbot.Deal{}, bug{fmt.Errorf("deal record of %s: %w", id, err)}
		}
	}
	n, err := strconv.ParseInt(f[5], 10, 64)
	if err != nil {
		return salesbot.Deal{}, bug{fmt.Errorf("deal record of %s: %w", id, err)}
	}
	d.CloseBy = dateOfDay(n)
	if d.Slips, err = strconv.Atoi(f[7]); err != nil {
		return salesbot.Deal{}, bug{fmt.Errorf("deal record of %s: %w", id, err)}
	}
	return d, nil
}

// dealRecordOf is the record rm:deal holds for a lead with the standing,
// if it is in a deal set.
func dealRecordOf(s salesbot.Standing) (string, bool) {
	_, closing := s.Closing()
	_, won := s.WonOn()
	if !closing && !won {
		return "", false
	}
	return dealRecord(s.Deal), true
}

// dealWrites queues rm:deal's record of lead id, or its removal when the
// lead is in no deal set and was in one (or its standing before is not
// known: a new lead, a restatement).
func dealWrites(b *batch, k keys, id string, before *salesbot.Standing, now salesbot.Standing) {
	if rec, ok := dealRecordOf(now); ok {
		b.do("HSET", k.rmDeal(), id, rec)
		return
	}
	if before == nil {
		b.do("HDEL", k.rmDeal(), id)
	} else if _, had := dealRecordOf(*before); had {
		b.do("HDEL", k.rmDeal(), id)
	}
}

// slipRecord is a slip as rm:slips holds it, its fields joined by sep:
// its time in ms (so that the same push made twice is kept twice), lead
// ID, owner, from day, to day, company.
func slipRecord(s salesbot.Slip) string {
	return strings.Join([]string{strconv.FormatInt(s.At.UnixMilli(), 10), s.LeadID, s.Owner,
		strconv.FormatInt(day(s.From), 10), strconv.FormatInt(day(s.To), 10), s.Company}, sep)
}

// parseSlipRecord reads a slipRecord.
func parseSlipRecord(rec string) (salesbot.Slip, error) {
	f := strings.SplitN(rec, sep, 6)
	if len(f) != 6 {
		return salesbot.Slip{}, bug{fmt.Errorf("slip record has %d fields", len(f))}
	}
	var n [3]int64
	for i, s := range []string{f[0], f[3], f[4]} {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return salesbot.Slip{}, bug{fmt.Errorf("slip record: %w", err)}
		}
		n[i] = v
	}
	return salesbot.Slip{At: time.UnixMilli(n[0]).UTC(), LeadID: f[1], Owner: f[2],
		From: dateOfDay(n[1]), To: dateOfDay(n[2]), Company: f[5]}, nil
}

// slipWrites queues a slip in rm:slips for each change of the lead's close
// date that was a slip, and drops the slips older than slipRetention.
func slipWrites(b *batch, k keys, l *salesbot.Lead, changes []salesbot.Change) error {
	var latest time.Time
	for _, c := range changes {
		if c.Kind != salesbot.ChangeCloseBy || c.Reason != "slip" {
			continue
		}
		from, err := salesbot.ParseDate(c.From)
		if err != nil {
			return bug{fmt.Errorf("slip of %s from %q: %w", l.ID, c.From, err)}
		}
		to, err := salesbot.ParseDate(c.To)
		if err != nil {
			return bug{fmt.Errorf("slip of %s to %q: %w", l.ID, c.To, err)}
		}
		company := first(c.Company, l.Company)
		b.do("ZADD", k.rmSlips(), max(c.At.UnixMilli(), 0), slipRecord(salesbot.Slip{
			LeadID: l.ID, Company: company, Owner: l.Owner, From: from, To: to, At: c.At}))
		if c.At.After(latest) {
			latest = c.At
		}
	}
	if !latest.IsZero() {
		b.do("ZREMRANGEBYSCORE", k.rmSlips(), "-inf", "("+strconv.FormatInt(latest.Add(-slipRetention).UnixMilli(), 10))
	}
	return nil
}

// DealsClosing returns an owner's open deals closing from one day to
// another (both included), soonest first, at most n of them, and how many
// there are, in two round trips: the range of rm:close:<owner> with its
// count, then the leads.
func (s *Store) DealsClosing(ctx context.Context, team, owner string, from, to salesbot.Date, n int) ([]*salesbot.Lead, int, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, 0, fmt.Errorf("deals closing: %w", err)
	}
	lo, hi := strconv.FormatInt(day(from), 10), strconv.FormatInt(day(to), 10)
	var (
		total *redis.IntCmd
		ids   *redis.StringSliceCmd
	)
	_, err = s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		total = p.ZCount(ctx, k.rmCloseOf(owner), lo, hi)
		if n > 0 {
			ids = p.ZRangeByScore(ctx, k.rmCloseOf(owner), &redis.ZRangeBy{Min: lo, Max: hi, Count: int64(n)})
		}
		return nil
	})
	if err != nil {
		return nil, 0, failed(err, "deals of %s closing", owner)
	}
	if ids == nil {
		return nil, int(total.Val()), nil
	}
	leads, err := s.leads(ctx, k, ids.Val())
	if err != nil {
		return nil, 0, failed(err, "deals of %s closing", owner)
	}
	// The set and the leads are written together; a member left over from
	// a failover is not shown.
	leads = slices.DeleteFunc(leads, func(l *salesbot.Lead) bool { return l.Owner != owner || !l.Open() || l.CloseBy.IsZero() })
	return leads, int(total.Val()), nil
}

// Histories returns the changes of each lead made after since, newest
// first, at most n per lead, in one round trip: the leads' history lists
// read in one pipeline. A lead with no such change is left out.
func (s *Store) Histories(ctx context.Context, team string, ids []string, since time.Time, n int) (map[string][]salesbot.Change, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("histories: %w", err)
	}
	out := make(map[string][]salesbot.Change, len(ids))
	if n < 1 || len(ids) == 0 {
		return out, nil
	}
	cmds := make([]*redis.StringSliceCmd, len(ids))
	_, err = s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range ids {
			cmds[i] = p.LRange(ctx, k.history(id), 0, int64(min(n, listMax))-1)
		}
		return nil
	})
	if err != nil {
		return nil, failed(err, "histories of %d leads", len(ids))
	}
	for i, id := range ids {
		changes := decodeChanges(cmds[i].Val(), id, func(err error) { s.skip(ctx, k.history(id), err) })
		for _, c := range firstN(changes, min(n, listMax)) {
			if !c.At.After(since) {
				break // newest first: the rest are older still
			}
			out[id] = append(out[id], c)
		}
	}
	return out, nil
}
