package store

import "salesbot"

// RevisionOf is the revision s remembers for l: the one it was read or
// saved at, or "" for a lead s did not return.
func (s *Store) RevisionOf(l *salesbot.Lead) string { return s.revs.of(l) }

// Revisions is how many leads s remembers a revision for.
func (s *Store) Revisions() int { return s.revs.size() }

// DealRecord is the record rm:deal holds of a deal, and Day a date's score
// in the deal sets: what a benchmark seeds the read models with.
func DealRecord(d salesbot.Deal) string { return dealRecord(d) }

// Day is a date as the deal sets score it: days since 1970-01-01.
func Day(d salesbot.Date) int64 { return day(d) }

// SlipRecord is the member rm:slips holds of a slip.
func SlipRecord(s salesbot.Slip) string { return slipRecord(s) }

// Expand is a list's entries with its packed elements unpacked, so that a
// test reading raw keys sees what they hold (codec_packed.go).
func Expand(raws []string) []string { return expand(raws, func(error) {}) }

// PackedLists is the packing's settings: the entries kept unpacked, and
// how many pushes make a write pack.
const (
	HotKeep = hotKeep
	PackAt  = packAt
)
