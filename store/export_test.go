package store

import "salesbot"

// RevisionOf is the revision s remembers for l: the one it was read or
// saved at, or "" for a lead s did not return.
func (s *Store) RevisionOf(l *salesbot.Lead) string { return s.revs.of(l) }

// Revisions is how many leads s remembers a revision for.
func (s *Store) Revisions() int { return s.revs.size() }
