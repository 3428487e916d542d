package scheduler

import (
	"context"
	"fmt"
	"time"
)

// Imports finishes imports (/salesbot import) whose runner stopped: a
// crash or a restart leaves an import's job in Redis with its cursor, and
// the next sweep of any replica takes it over once its lease runs out.
// ResumeImports claims the jobs and starts their runners in the
// background: it returns at once, before the team's reminders.
type Imports interface {
	ResumeImports(ctx context.Context, team string) error
}

// importBudget bounds how long one sweep spends claiming a team's stopped
// imports (the runs go on in the background).
const importBudget = 30 * time.Second

// resumeImports resumes the team's stopped imports, if there are any.
func (s *Scheduler) resumeImports(ctx context.Context, team string) error {
	imp := s.cfg.Imports
	if imp == nil {
		var ok bool
		if imp, ok = s.cfg.Notifier.(Imports); !ok {
			return nil
		}
	}
	ctx, cancel := context.WithTimeout(ctx, importBudget)
	defer cancel()
	if err := imp.ResumeImports(ctx, team); err != nil {
		return fmt.Errorf("imports of %s: %w", team, err)
	}
	return nil
}
