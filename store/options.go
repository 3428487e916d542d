package store

import (
	"context"
	"log/slog"
)

// Option configures a Store.
type Option func(*Store)

// WithLogger sets where the store logs the stored records it skips because
// they do not decode; slog.Default() unless set.
func WithLogger(l *slog.Logger) Option { return func(s *Store) { s.log = l } }

// OnSkip sets a function called each time a list leaves out a stored record
// that does not decode, with the record's key: for a metric.
func OnSkip(f func(key string)) Option { return func(s *Store) { s.onSkip = f } }

// WithChangeTime places each activity entry at its change's own time
// (Change.At, the writer's clock), still after every entry before it,
// instead of at Redis's: for tests and demos that replay made-up times, whose
// digests and reports then find the changes in the periods they were made
// up for. A deployment leaves it off, so that no replica's clock orders
// the activity or moves a change out of the window that reads it.
func WithChangeTime() Option { return func(s *Store) { s.changeTime = true } }

// maxLogged bounds how many distinct undecodable keys a Store remembers
// having logged; past it, each skip is logged again rather than remembered.
const maxLogged = 10000

// Skipped returns how many times a list read by this Store has left out a
// stored record that does not decode.
func (s *Store) Skipped() int64 { return s.skipped.Load() }

// skip leaves out of a list a record that does not decode, so that one bad
// value never fails a whole list: it is counted every time, and logged at
// Error level once per key, with the key to repair or delete.
func (s *Store) skip(ctx context.Context, key string, err error) {
	s.skipped.Add(1)
	if s.onSkip != nil {
		s.onSkip(key)
	}
	if s.nlogged.Load() < maxLogged {
		if _, seen := s.logged.LoadOrStore(key, struct{}{}); seen {
			return
		}
		s.nlogged.Add(1)
	}
	s.log.ErrorContext(ctx, "stored record does not decode; left out", "key", key, "err", err)
}
