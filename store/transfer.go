package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"salesbot"
)

// Importing and exporting a team's leads (/salesbot import, export): the
// dry run's plan, kept for a while; the import job, its cursor and its
// lease; the leads written in pipelined batches of one script each; the
// visits and history of many leads read in one round trip; the audit entry.

func (k keys) importPlan(id string) string  { return k.prefix + "import:plan:" + id }
func (k keys) importJob(id string) string   { return k.prefix + "import:job:" + id }
func (k keys) importLease(id string) string { return k.prefix + "import:lease:" + id }
func (k keys) imports() string              { return k.prefix + "imports" }

// jobKept is how long a finished import's job is kept (an Import pressed
// again on an old summary finds it done).
const jobKept = 7 * 24 * time.Hour

// SaveImportPlan keeps a dry run's plan for ttl, drawing its ID and the ID
// of each of its leads that has none.
func (s *Store) SaveImportPlan(ctx context.Context, p *salesbot.ImportPlan, ttl time.Duration) error {
	k, err := keysOf(p.Team)
	if err != nil {
		return fmt.Errorf("save import plan: %w", err)
	}
	if p.ID == "" {
		p.ID = newID()
	}
	for i := range p.Leads {
		il := &p.Leads[i]
		if il.Lead.ID == "" {
			il.Lead.ID = newID()
		}
		il.Lead.Team = p.Team
		for j := range il.History {
			il.History[j].LeadID = il.Lead.ID
		}
		for j := range il.Visits {
			il.Visits[j].LeadID = il.Lead.ID
		}
	}
	raw, err := json.Marshal(p)
	if err != nil {
		return bug{fmt.Errorf("encode import plan: %w", err)}
	}
	if err := s.client.Set(ctx, k.importPlan(p.ID), raw, ttl).Err(); err != nil {
		return failed(err, "save import plan")
	}
	return nil
}

// ImportPlan returns a plan kept by SaveImportPlan, or an ENOTFOUND error
// when it expired or was cancelled.
func (s *Store) ImportPlan(ctx context.Context, team, id string) (*salesbot.ImportPlan, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("import plan: %w", err)
	}
	raw, err := s.client.Get(ctx, k.importPlan(id)).Bytes()
	if err == redis.Nil {
		return nil, salesbot.Errorf(salesbot.ENOTFOUND, "That import's dry run has expired or was cancelled. Run `/salesbot import` again.")
	} else if err != nil {
		return nil, failed(err, "import plan %s", id)
	}
	var p salesbot.ImportPlan
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, bug{fmt.Errorf("decode import plan %s: %w", id, err)}
	}
	return &p, nil
}

// DropImportPlan forgets a plan; it reports whether there was one.
func (s *Store) DropImportPlan(ctx context.Context, team, id string) (bool, error) {
	k, err := keysOf(team)
	if err != nil {
		return false, fmt.Errorf("drop import plan: %w", err)
	}
	n, err := s.client.Del(ctx, k.importPlan(id)).Result()
	if err != nil {
		return false, failed(err, "drop import plan %s", id)
	}
	return n == 1, nil
}

// ImportLeads writes new leads, each as CreateLead writes one (its name
// checked and its writes made in one script) with its history and visits,
// all of them pipelined in one round trip. A lead whose name is taken is
// left as it is (ImportAlready), unless the lead there is this very one,
// written before an interruption (ImportCreated again: writing a plan twice
// counts each lead once). Each lead needs its ID.
func (s *Store) ImportLeads(ctx context.Context, team string, leads []salesbot.ImportLead) ([]salesbot.ImportOutcome, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("import leads: %w", err)
	}
	type run struct {
		keys []string
		args []any
	}
	runs := make([]run, len(leads))
	for i := range leads {
		il := &leads[i]
		l := &il.Lead
		if l.ID == "" || l.Team != team {
			return nil, bug{fmt.Errorf("import lead %q: no ID or another team", l.Company)}
		}
		name := salesbot.NormalizeCompany(l.Company)
		changes := il.History
		if len(changes) == 0 {
			return nil, bug{fmt.Errorf("import lead %q: no history", l.Company)}
		}
		b, err := importWrites(k, l, changes, name)
		if err != nil {
			return nil, failed(err, "import lead %q", l.Company)
		}
		if len(il.Visits) > 0 {
			raws := make([]any, 0, len(il.Visits))
			for _, v := range il.Visits {
				raw, err := encodeVisit(v)
				if err != nil {
					return nil, failed(err, "import lead %q", l.Company)
				}
				raws = append(raws, raw)
			}
			b.do("LPUSH", k.visits(l.ID), raws...)
			b.do("LTRIM", k.visits(l.ID), 0, listMax-1)
		}
		if i == 0 {
			if err := s.listTeam(ctx, k, b); err != nil {
				return nil, failed(err, "import leads")
			}
		}
		runs[i] = run{keys: append([]string{k.names(), k.lead(l.ID)}, b.keys...), args: append([]any{name, k.prefix}, b.args...)}
	}
	exec := func(eval bool) ([]*redis.Cmd, error) {
		cmds := make([]*redis.Cmd, len(runs))
		_, err := s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, r := range runs {
				if eval {
					cmds[i] = createScript.Eval(ctx, p, r.keys, r.args...)
				} else {
					cmds[i] = createScript.EvalSha(ctx, p, r.keys, r.args...)
				}
			}
			return nil
		})
		if err != nil && !noScript(err) {
			return nil, err
		}
		return cmds, nil
	}
	cmds, err := exec(false)
	if err == nil && anyNoScript(cmds) {
		// The script was not loaded (or was flushed): send them whole.
		// Leads written by the first attempt come back as this very lead.
		cmds, err = exec(true)
	}
	if err != nil {
		return nil, failed(err, "import leads")
	}
	out := make([]salesbot.ImportOutcome, len(leads))
	for i, cmd := range cmds {
		res, err := cmd.StringSlice()
		if err != nil {
			return nil, failed(err, "import lead %q", leads[i].Lead.Company)
		}
		switch res[0] {
		case "ok":
			out[i] = salesbot.ImportCreated
		case "taken":
			out[i] = salesbot.ImportAlready
			if existing, err := decodeLead([]byte(res[1]), team); err == nil && existing.ID == leads[i].Lead.ID {
				out[i] = salesbot.ImportCreated // written before an interruption
			}
		default: // the ID is another lead's: 40 random bits collided
			out[i] = salesbot.ImportFailed
		}
	}
	return out, nil
}

// importWrites is what saving an imported lead writes: what CreateLead
// writes (the lead, its name, its owner's set, the team's list, the
// indexes and read models) and its history, but no entries in the team's
// activity stream: a file's past is no news for the digest and reports,
// which would otherwise count last year's grade changes as yesterday's.
// The import itself is in the audit list.
func importWrites(k keys, l *salesbot.Lead, changes []salesbot.Change, name string) (*batch, error) {
	lead, err := encodeLead(l, len(changes))
	if err != nil {
		return nil, err
	}
	b := &batch{}
	b.do("SET", k.lead(l.ID), lead)
	b.do("HSET", k.names(), name, l.ID)
	nameIndexes(b, k, l, name)
	b.do("SADD", k.owner(l.Owner), l.ID)
	b.do("ZADD", k.leads(), l.CreatedAt.Unix(), l.ID)
	index(b, k, nil, l)
	kept := make([]any, len(changes))
	for i, c := range changes {
		raw, err := encodeChange(c, inHistory)
		if err != nil {
			return nil, err
		}
		kept[i] = raw
	}
	b.do("LPUSH", k.history(l.ID), kept...)
	b.do("LTRIM", k.history(l.ID), 0, listMax-1)
	return b, nil
}

func noScript(err error) bool { return err != nil && strings.HasPrefix(err.Error(), "NOSCRIPT") }

func anyNoScript(cmds []*redis.Cmd) bool {
	for _, c := range cmds {
		if noScript(c.Err()) {
			return true
		}
	}
	return false
}

// LeadsActivity returns the visits and the history of each of the named
// leads, oldest first, in one round trip.
func (s *Store) LeadsActivity(ctx context.Context, team string, ids []string) (map[string][]salesbot.Visit, map[string][]salesbot.Change, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, nil, fmt.Errorf("leads' activity: %w", err)
	}
	visits, history := make(map[string][]salesbot.Visit, len(ids)), make(map[string][]salesbot.Change, len(ids))
	if len(ids) == 0 {
		return visits, history, nil
	}
	vcmds, hcmds := make([]*redis.StringSliceCmd, len(ids)), make([]*redis.StringSliceCmd, len(ids))
	if _, err := s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range ids {
			vcmds[i] = p.LRange(ctx, k.visits(id), 0, listMax-1)
			hcmds[i] = p.LRange(ctx, k.history(id), 0, listMax-1)
		}
		return nil
	}); err != nil {
		return nil, nil, failed(err, "leads' activity")
	}
	for i, id := range ids {
		vs := firstN(decodeVisits(vcmds[i].Val(), id, func(err error) { s.skip(ctx, k.visits(id), err) }), listMax)
		reverse(vs)
		if len(vs) > 0 {
			visits[id] = vs
		}
		cs := firstN(decodeChanges(hcmds[i].Val(), id, func(err error) { s.skip(ctx, k.history(id), err) }), listMax)
		reverse(cs)
		if len(cs) > 0 {
			history[id] = cs
		}
	}
	return visits, history, nil
}

func reverse[T any](s []T) {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
}

// AddAudit keeps an entry in the team's audit list (see Audit).
func (s *Store) AddAudit(ctx context.Context, team string, e salesbot.AuditEntry) error {
	k, err := keysOf(team)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	if e.Kind == "" || e.At.IsZero() {
		return errors.New("audit: an entry needs its kind and time")
	}
	b := &batch{}
	if err := auditWrite(b, k, e); err != nil {
		return err
	}
	if _, err := s.guarded(ctx, k, nil, b); err != nil {
		return failed(err, "audit %s", e.Kind)
	}
	return nil
}

// startJobScript starts an import job unless its plan has one already:
// KEYS job, lease, the team's jobs; ARGV the job's JSON, its ID, the
// token, the lease in ms. 1 when started.
var startJobScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SADD', KEYS[3], ARGV[2])
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
return 1
`)

// StartImportJob records a new import job, leased to token for lease. It
// reports false, and writes nothing, when the plan's job was started
// before (Import pressed twice, or by two managers).
func (s *Store) StartImportJob(ctx context.Context, j salesbot.ImportJob, token string, lease time.Duration) (bool, error) {
	k, err := keysOf(j.Team)
	if err != nil {
		return false, fmt.Errorf("start import: %w", err)
	}
	raw, err := json.Marshal(j)
	if err != nil {
		return false, bug{fmt.Errorf("encode import job: %w", err)}
	}
	n, err := startJobScript.Run(ctx, s.client, []string{k.importJob(j.Plan), k.importLease(j.Plan), k.imports()},
		raw, j.Plan, token, max(lease.Milliseconds(), 1)).Int()
	if err != nil {
		return false, failed(err, "start import %s", j.Plan)
	}
	return n == 1, nil
}

// leaseJobScript takes an unfinished job's lease when no one holds it:
// KEYS job, lease; ARGV token, lease in ms. The job's JSON, or nil.
var leaseJobScript = redis.NewScript(`
local job = redis.call('GET', KEYS[1])
if not job then return false end
if not redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return false end
return job
`)

// LeaseImportJob takes the lease of an import job no one holds (its
// runner crashed or stopped) and returns the job as it was last saved.
func (s *Store) LeaseImportJob(ctx context.Context, team, plan, token string, lease time.Duration) (*salesbot.ImportJob, bool, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, false, fmt.Errorf("lease import: %w", err)
	}
	raw, err := leaseJobScript.Run(ctx, s.client, []string{k.importJob(plan), k.importLease(plan)}, token, max(lease.Milliseconds(), 1)).Text()
	if err == redis.Nil {
		return nil, false, nil
	} else if err != nil {
		return nil, false, failed(err, "lease import %s", plan)
	}
	var j salesbot.ImportJob
	if err := json.Unmarshal([]byte(raw), &j); err != nil {
		return nil, false, bug{fmt.Errorf("decode import job %s: %w", plan, err)}
	}
	return &j, true, nil
}

// saveJobScript saves a job's progress if token still holds its lease, and
// renews the lease; a finished job leaves the team's running jobs, its
// lease goes and it is kept for a while. KEYS job, lease, the team's jobs;
// ARGV the JSON, token, lease in ms, finished (1/0), the plan's ID, how
// long a finished job is kept in ms. 1 when saved.
var saveJobScript = redis.NewScript(`
if redis.call('GET', KEYS[2]) ~= ARGV[2] then return 0 end
if ARGV[4] == '1' then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[6])
  redis.call('SREM', KEYS[3], ARGV[5])
  redis.call('DEL', KEYS[2])
else
  redis.call('SET', KEYS[1], ARGV[1])
  redis.call('PEXPIRE', KEYS[2], ARGV[3])
end
return 1
`)

// SaveImportJob saves how far a job got and renews token's lease on it
// (the heartbeat); held is false, and nothing is saved, when the lease
// was lost to another runner.
func (s *Store) SaveImportJob(ctx context.Context, j salesbot.ImportJob, token string, lease time.Duration) (held bool, err error) {
	k, err := keysOf(j.Team)
	if err != nil {
		return false, fmt.Errorf("save import: %w", err)
	}
	raw, err := json.Marshal(j)
	if err != nil {
		return false, bug{fmt.Errorf("encode import job: %w", err)}
	}
	finished := "0"
	if j.Finished() {
		finished = "1"
	}
	n, err := saveJobScript.Run(ctx, s.client, []string{k.importJob(j.Plan), k.importLease(j.Plan), k.imports()},
		raw, token, max(lease.Milliseconds(), 1), finished, j.Plan, jobKept.Milliseconds()).Int()
	if err != nil {
		return false, failed(err, "save import %s", j.Plan)
	}
	return n == 1, nil
}

// ImportJob returns an import job, started or finished; ok is false when
// the plan has none.
func (s *Store) ImportJob(ctx context.Context, team, plan string) (j salesbot.ImportJob, ok bool, err error) {
	k, err := keysOf(team)
	if err != nil {
		return j, false, fmt.Errorf("import job: %w", err)
	}
	raw, err := s.client.Get(ctx, k.importJob(plan)).Bytes()
	if err == redis.Nil {
		return j, false, nil
	} else if err != nil {
		return j, false, failed(err, "import job %s", plan)
	}
	if err := json.Unmarshal(raw, &j); err != nil {
		return j, false, bug{fmt.Errorf("decode import job %s: %w", plan, err)}
	}
	return j, true, nil
}

// RunningImports returns the IDs of the team's import jobs not finished:
// under way, or interrupted.
func (s *Store) RunningImports(ctx context.Context, team string) ([]string, error) {
	k, err := keysOf(team)
	if err != nil {
		return nil, fmt.Errorf("running imports: %w", err)
	}
	ids, err := s.client.SMembers(ctx, k.imports()).Result()
	if err != nil {
		return nil, failed(err, "running imports")
	}
	return ids, nil
}

// ReleaseImportJob gives up token's lease on an import job, for another
// runner (the next sweep) to resume it at once; a lease that is not
// token's any more is left alone.
func (s *Store) ReleaseImportJob(ctx context.Context, team, plan, token string) error {
	k, err := keysOf(team)
	if err != nil {
		return fmt.Errorf("release import: %w", err)
	}
	if err := releaseOnceScript.Run(ctx, s.client, []string{k.importLease(plan)}, token).Err(); err != nil {
		return failed(err, "release import %s", plan)
	}
	return nil
}
