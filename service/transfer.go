package service

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"salesbot"
)

// TransferStore is what importing and exporting a team's leads reads and
// writes (/salesbot import, /salesbot export).
type TransferStore interface {
	// SaveImportPlan keeps a dry run's plan for ttl, drawing its ID and
	// its leads' IDs; ImportPlan reads it back (ENOTFOUND once expired);
	// DropImportPlan forgets it.
	SaveImportPlan(ctx context.Context, p *salesbot.ImportPlan, ttl time.Duration) error
	ImportPlan(ctx context.Context, team, id string) (*salesbot.ImportPlan, error)
	DropImportPlan(ctx context.Context, team, id string) (bool, error)
	// ImportLeads writes new leads with their history and visits, each
	// atomically and only if its name is free, many in one round trip.
	ImportLeads(ctx context.Context, team string, leads []salesbot.ImportLead) ([]salesbot.ImportOutcome, error)
	// The import job: started once per plan, leased to one runner at a
	// time, its progress saved with the lease renewed.
	StartImportJob(ctx context.Context, j salesbot.ImportJob, token string, lease time.Duration) (bool, error)
	LeaseImportJob(ctx context.Context, team, plan, token string, lease time.Duration) (*salesbot.ImportJob, bool, error)
	SaveImportJob(ctx context.Context, j salesbot.ImportJob, token string, lease time.Duration) (bool, error)
	ReleaseImportJob(ctx context.Context, team, plan, token string) error
	ImportJob(ctx context.Context, team, plan string) (salesbot.ImportJob, bool, error)
	RunningImports(ctx context.Context, team string) ([]string, error)
	// LeadsActivity reads many leads' visits and history, oldest first, in
	// one round trip.
	LeadsActivity(ctx context.Context, team string, ids []string) (map[string][]salesbot.Visit, map[string][]salesbot.Change, error)
	// AddAudit keeps an entry in the team's audit list; Audit reads it.
	AddAudit(ctx context.Context, team string, e salesbot.AuditEntry) error
	Audit(ctx context.Context, team string, n int) ([]salesbot.AuditEntry, error)
}

var _ salesbot.TransferService = (*Services)(nil)

// Import's settings.
const (
	// PlanTTL is how long a dry run waits for Import or Cancel.
	PlanTTL = 24 * time.Hour
	// ImportBatch is how many leads one round trip writes.
	ImportBatch = 500
	// ImportLease is how long a runner holds an import between two
	// batches; a runner that dies leaves it to the next sweep after this.
	ImportLease = time.Minute
	// namesPerTrip is how many names one duplicate look-up sends.
	namesPerTrip = 2000
	// exportBatch is how many leads' visits and history one round trip
	// reads.
	exportBatch = 500
	// auditExported is how many audit entries an export carries: all the
	// store keeps.
	auditExported = 1000
)

// errLeaseLost stops a runner whose lease passed to another.
var errLeaseLost = errors.New("import: the lease passed to another runner")

// managersOnly refuses an import (or, when !importing, an export) asked
// by someone who is no manager.
func managersOnly(a salesbot.Actor, importing bool) error {
	switch {
	case a.Manager:
		return nil
	case importing:
		return salesbot.Errorf(salesbot.EFORBIDDEN, "Importing leads is for managers.")
	}
	return salesbot.Errorf(salesbot.EFORBIDDEN, "Exporting the team's data is for managers.")
}

// PlanImport implements salesbot.TransferService.
func (s *Services) PlanImport(ctx context.Context, a salesbot.Actor, p *salesbot.ImportPlan, f *salesbot.ImportFile, owners salesbot.OwnerFinder) error {
	if err := managersOnly(a, true); err != nil {
		return err
	}
	p.By, p.Rows, p.Errors = a.User, f.Rows, append([]salesbot.RowError(nil), f.Errors...)
	type found struct {
		user string
		err  error
	}
	cache := map[string]found{} // one look-up per distinct owner
	first := map[string]int{}   // normalised name → the row that named it first
	// The records that may become leads, by index (a Lead is large), and
	// their normalised names.
	candidates, names := make([]int, 0, len(f.Records)), make([]string, 0, len(f.Records))
	for i := range f.Records {
		rec := &f.Records[i]
		name := salesbot.NormalizeCompany(rec.Lead.Company)
		if name == "" {
			p.Errors = append(p.Errors, rowError(rec.Row, "", salesbot.Errorf(salesbot.EINVALID, "The company is empty. Write the company's name.")))
			continue
		}
		if row, ok := first[name]; ok {
			p.Errors = append(p.Errors, rowError(rec.Row, "", salesbot.Errorf(salesbot.EINVALID, "Row %d names the same company (%s). Keep one of the two rows.", row, rec.Lead.Company)))
			continue
		}
		first[name] = rec.Row
		candidates = append(candidates, i)
		names = append(names, name)
	}
	taken := make(map[string]string, len(names))
	for i := 0; i < len(names); i += namesPerTrip {
		ids, err := s.cfg.Store.LeadIDsByName(ctx, p.Team, names[i:min(i+namesPerTrip, len(names))])
		if err != nil {
			return fmt.Errorf("plan import: %w", err)
		}
		for n, id := range ids {
			taken[n] = id
		}
	}
	now := p.At
	p.Leads = make([]salesbot.ImportLead, 0, len(candidates))
	for i, r := range candidates {
		rec := &f.Records[r]
		if taken[names[i]] != "" {
			p.Duplicates = append(p.Duplicates, rec.Lead.Company)
			continue
		}
		ref := strings.TrimSpace(rec.OwnerRef)
		owner := a.User
		if ref != "" {
			key := strings.ToLower(ref)
			got, ok := cache[key]
			if !ok {
				if err := ctx.Err(); err != nil {
					return fmt.Errorf("plan import: %w", err)
				}
				got.user, got.err = owners.FindOwner(ctx, ref)
				if code := salesbot.ErrorCode(got.err); got.err != nil && code != salesbot.EINVALID && code != salesbot.ENOTFOUND {
					// Slack did not answer: not the row's fault.
					return fmt.Errorf("plan import: find owner %q: %w", ref, got.err)
				}
				cache[key] = got
			}
			if got.err != nil {
				p.Errors = append(p.Errors, rowError(rec.Row, "owner", got.err))
				continue
			}
			owner = got.user
		} else {
			p.Defaulted++
		}
		il, err := s.importLead(a, p, rec, owner, now)
		if err != nil {
			p.Errors = append(p.Errors, rowError(rec.Row, "notes", err))
			continue
		}
		p.Leads = append(p.Leads, il)
	}
	// The file's own errors and the plan's, in the file's order.
	slices.SortStableFunc(p.Errors, func(x, y salesbot.RowError) int { return cmp.Or(strings.Compare(x.Sheet, y.Sheet), x.Row-y.Row) })
	if err := s.cfg.Store.SaveImportPlan(ctx, p, PlanTTL); err != nil {
		return fmt.Errorf("plan import: %w", err)
	}
	return nil
}

// rowError is what is wrong with a row, worded as err is (its format and
// arguments kept for the reader's language).
func rowError(row int, column string, err error) salesbot.RowError {
	re := salesbot.RowError{Row: row, Column: column, Message: salesbot.ErrorMessage(err)}
	var e *salesbot.Error
	if errors.As(err, &e) {
		re.Format, re.Args = e.Format, e.Args
	}
	return re
}

// importLead is a record as the new lead it becomes: owned by owner,
// registered by the manager who imports, due as the service schedules a
// new lead (from its last touch, when the file gives one), with the
// file's history or else one entry saying it was imported. The row's
// notes are kept as its Need key fact, as the new-lead form keeps its
// notes, unless the file gives the lead a Need already.
func (s *Services) importLead(a salesbot.Actor, p *salesbot.ImportPlan, rec *salesbot.ImportRecord, owner string, now time.Time) (salesbot.ImportLead, error) {
	l := rec.Lead
	l.ID, l.Team, l.Owner = "", p.Team, owner
	if l.CreatedAt.IsZero() {
		l.CreatedAt = now
	}
	if l.UpdatedAt.IsZero() {
		l.UpdatedAt = now
	}
	if l.StageSince.IsZero() {
		l.StageSince = l.CreatedAt
	}
	if !l.Grade.Valid() {
		l.Grade = salesbot.GradeC
	}
	if l.Stage == "" {
		l.Stage = salesbot.StageLead
	}
	if l.Stage.Closed() && l.ClosedAt.IsZero() {
		l.ClosedAt = l.UpdatedAt
	}
	l.Due, l.RemindedDue, l.RemindedAt, l.ClimbAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	l.Climbed = salesbot.LadderReminded
	l.Schedule(s.cfg.Cadence)
	history := rec.History
	if len(history) == 0 {
		history = []salesbot.Change{{Company: l.Company, Kind: salesbot.ChangeCreated, By: a.User, At: now, To: string(l.Grade),
			Reason: "imported from " + p.File}}
	}
	if notes := strings.TrimSpace(rec.Notes); notes != "" && l.Facts[salesbot.FactNeed].Text == "" {
		updated := l.UpdatedAt
		if l.Facts != nil { // the file's map is not the record's to change
			l.Facts = maps.Clone(l.Facts)
		}
		c, err := l.SetFact(a, salesbot.FactNeed, notes, now)
		if err != nil {
			return salesbot.ImportLead{}, err
		}
		l.UpdatedAt = updated
		history = append(slices.Clip(history), c)
	}
	for i := range history {
		history[i].Company = l.Company
	}
	// Who did what is printed as a mention: only user IDs are kept.
	salesbot.CleanImportedUsers(&l, history, rec.Visits, a.User)
	return salesbot.ImportLead{Row: rec.Row, Lead: l, History: history, Visits: rec.Visits}, nil
}

// CancelImport implements salesbot.TransferService.
func (s *Services) CancelImport(ctx context.Context, a salesbot.Actor, team, plan string) (*salesbot.ImportPlan, error) {
	if err := managersOnly(a, true); err != nil {
		return nil, err
	}
	if _, started, err := s.cfg.Store.ImportJob(ctx, team, plan); err != nil {
		return nil, fmt.Errorf("cancel import: %w", err)
	} else if started {
		return nil, salesbot.Errorf(salesbot.ECONFLICT, "That import has started; it cannot be cancelled any more.")
	}
	p, err := s.cfg.Store.ImportPlan(ctx, team, plan)
	if salesbot.ErrorCode(err) == salesbot.ENOTFOUND {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("cancel import: %w", err)
	}
	if dropped, err := s.cfg.Store.DropImportPlan(ctx, team, plan); err != nil {
		return nil, fmt.Errorf("cancel import: %w", err)
	} else if !dropped {
		return nil, nil
	}
	return p, nil
}

// StartImport implements salesbot.TransferService.
func (s *Services) StartImport(ctx context.Context, a salesbot.Actor, team, plan, token string, now time.Time) (*salesbot.ImportPlan, salesbot.ImportJob, bool, error) {
	if err := managersOnly(a, true); err != nil {
		return nil, salesbot.ImportJob{}, false, err
	}
	if job, ok, err := s.cfg.Store.ImportJob(ctx, team, plan); err != nil {
		return nil, job, false, fmt.Errorf("start import: %w", err)
	} else if ok {
		return nil, job, false, nil
	}
	p, err := s.cfg.Store.ImportPlan(ctx, team, plan)
	if err != nil {
		return nil, salesbot.ImportJob{}, false, fmt.Errorf("start import: %w", err)
	}
	job := salesbot.ImportJob{Plan: p.ID, Team: team, By: a.User, File: p.File, Channel: p.Channel, TS: p.TS, Lang: p.Lang,
		Total: len(p.Leads), Already: len(p.Duplicates), Errors: len(p.Errors), Started: now}
	started, err := s.cfg.Store.StartImportJob(ctx, job, token, ImportLease)
	if err != nil {
		return nil, job, false, fmt.Errorf("start import: %w", err)
	}
	if !started {
		job, _, err = s.cfg.Store.ImportJob(ctx, team, plan)
		return nil, job, false, err
	}
	return p, job, true, nil
}

// RunImport implements salesbot.TransferService.
func (s *Services) RunImport(ctx context.Context, p *salesbot.ImportPlan, job salesbot.ImportJob, token string, progress func(salesbot.ImportJob)) (salesbot.ImportJob, error) {
	settle := func() (context.Context, context.CancelFunc) {
		return context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	}
	for job.Cursor < len(p.Leads) {
		if ctx.Err() != nil {
			// Stopped between batches: what is written is saved; the
			// next sweep takes the job over at once.
			sctx, cancel := settle()
			defer cancel()
			if err := s.cfg.Store.ReleaseImportJob(sctx, job.Team, job.Plan, token); err != nil {
				s.cfg.Logger.WarnContext(sctx, "release import", "plan", job.Plan, "err", err)
			}
			return job, fmt.Errorf("import %s stopped at %d of %d: %w", job.Plan, job.Cursor, job.Total, ctx.Err())
		}
		end := min(job.Cursor+ImportBatch, len(p.Leads))
		outs, err := s.cfg.Store.ImportLeads(ctx, job.Team, p.Leads[job.Cursor:end])
		if err != nil {
			return job, fmt.Errorf("import %s at %d: %w", job.Plan, job.Cursor, err)
		}
		for _, o := range outs {
			switch o {
			case salesbot.ImportCreated:
				job.Created++
			case salesbot.ImportAlready:
				job.Already++
			default:
				job.Failed++
			}
		}
		job.Cursor = end
		if job.Cursor == len(p.Leads) {
			job.Done = s.cfg.Now()
		}
		sctx, cancel := settle() // written leads are counted even when ctx ends now
		held, err := s.cfg.Store.SaveImportJob(sctx, job, token, ImportLease)
		cancel()
		switch {
		case err != nil:
			return job, fmt.Errorf("import %s at %d: %w", job.Plan, job.Cursor, err)
		case !held:
			return job, errLeaseLost
		}
		progress(job)
	}
	if job.Done.IsZero() { // a plan with no new leads
		job.Done = s.cfg.Now()
		if held, err := s.cfg.Store.SaveImportJob(ctx, job, token, ImportLease); err != nil || !held {
			return job, errors.Join(err, errLeaseLost)
		}
		progress(job)
	}
	return job, s.finishImport(ctx, job)
}

// finishImport records a finished (or interrupted) import in the audit
// list and forgets its plan.
func (s *Services) finishImport(ctx context.Context, job salesbot.ImportJob) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	e := salesbot.AuditEntry{Kind: salesbot.AuditImport, At: job.Done, By: job.By, Subject: job.File, Detail: job.Detail()}
	if err := s.cfg.Store.AddAudit(ctx, job.Team, e); err != nil {
		return fmt.Errorf("import %s: %w", job.Plan, err)
	}
	if _, err := s.cfg.Store.DropImportPlan(ctx, job.Team, job.Plan); err != nil {
		return fmt.Errorf("import %s: %w", job.Plan, err)
	}
	return nil
}

// ResumeImports implements salesbot.TransferService.
func (s *Services) ResumeImports(ctx context.Context, team, token string, progress func(salesbot.ImportJob), start func(run func(context.Context) error)) error {
	plans, err := s.cfg.Store.RunningImports(ctx, team)
	if err != nil {
		return fmt.Errorf("resume imports: %w", err)
	}
	var errs []error
	for _, plan := range plans {
		job, ok, err := s.cfg.Store.LeaseImportJob(ctx, team, plan, token, ImportLease)
		if err != nil || !ok {
			errs = append(errs, err) // a live runner has it, or it is gone
			continue
		}
		p, err := s.cfg.Store.ImportPlan(ctx, team, plan)
		if salesbot.ErrorCode(err) == salesbot.ENOTFOUND {
			// Its plan expired before anyone resumed it: give it up, and
			// say how far it got.
			job.Interrupted, job.Done = true, s.cfg.Now()
			if held, err := s.cfg.Store.SaveImportJob(ctx, *job, token, ImportLease); err != nil || !held {
				errs = append(errs, err)
				continue
			}
			progress(*job)
			errs = append(errs, s.finishImport(ctx, *job))
			continue
		} else if err != nil {
			errs = append(errs, err)
			continue
		}
		s.cfg.Logger.InfoContext(ctx, "import resumed", "team", team, "plan", plan, "cursor", job.Cursor, "total", job.Total)
		leased := *job
		start(func(ctx context.Context) error {
			_, err := s.RunImport(ctx, p, leased, token, progress)
			return err
		})
	}
	return errors.Join(errs...)
}

// Export implements salesbot.TransferService.
func (s *Services) Export(ctx context.Context, a salesbot.Actor, team string, now time.Time) (salesbot.Export, error) {
	if err := managersOnly(a, false); err != nil {
		return salesbot.Export{}, err
	}
	leads, err := s.cfg.Store.AllLeads(ctx, team)
	if err != nil {
		return salesbot.Export{}, fmt.Errorf("export: %w", err)
	}
	x := salesbot.Export{Team: team, At: now, Leads: leads, Visits: map[string][]salesbot.Visit{}, History: map[string][]salesbot.Change{}}
	for i := 0; i < len(leads); i += exportBatch {
		part := leads[i:min(i+exportBatch, len(leads))]
		ids := make([]string, len(part))
		for j, l := range part {
			ids[j] = l.ID
		}
		visits, history, err := s.cfg.Store.LeadsActivity(ctx, team, ids)
		if err != nil {
			return salesbot.Export{}, fmt.Errorf("export: %w", err)
		}
		for id, v := range visits {
			x.Visits[id] = v
		}
		for id, h := range history {
			x.History[id] = h
		}
	}
	if x.Audit, err = s.cfg.Store.Audit(ctx, team, auditExported); err != nil {
		return salesbot.Export{}, fmt.Errorf("export: %w", err)
	}
	return x, nil
}
