package salesbot

// What the lead workflows (LeadService) take and give.

// Seen is a lead as someone may see it (SightOf): a copy holding only what
// the sight shows, so that what is not to be seen cannot be shown by
// mistake. Nil for SightNone.
func (l *Lead) Seen(s Sight) *Lead {
	switch s {
	case SightAll:
		return l
	case SightPool:
		return &Lead{ID: l.ID, Team: l.Team, Company: l.Company, Owner: l.Owner, Grade: l.Grade, Stage: l.Stage,
			CreatedAt: l.CreatedAt, ClosedAt: l.ClosedAt, LostReason: l.LostReason}
	case SightOwner:
		return &Lead{ID: l.ID, Team: l.Team, Company: l.Company, Owner: l.Owner, Grade: l.Grade, CreatedAt: l.CreatedAt}
	}
	return nil
}

// SeenLead is a lead as the actor may see it, and how much that is.
type SeenLead struct {
	Lead  *Lead // Lead.Seen(Sight)
	Sight Sight
}

// LeadRef names the lead a workflow is about: by ID (a button, a form's
// metadata), or as the caller read it, which saves reading it again. A lead
// passed as read may be changed in place: use only the lead returned.
type LeadRef struct {
	Team, ID string
	Read     *Lead // the lead as the store returned it, or nil
	// Visits are the lead's last visits read along with it, newest first;
	// VisitsRead says they were (there may be none).
	Visits     []Visit
	VisitsRead bool
}

// RefTo names a lead by its ID.
func RefTo(team, id string) LeadRef { return LeadRef{Team: team, ID: id} }

// RefRead names a lead as it was read.
func RefRead(l *Lead) LeadRef { return LeadRef{Team: l.Team, ID: l.ID, Read: l} }

// Registration is what registering a company gave.
type Registration struct {
	// Lead is the lead registered, nil when the company was already.
	Lead *Lead
	// Existing is the lead registered before, as the actor may see it
	// (they named it: SightOwner at least); nil when Lead is set.
	Existing *SeenLead
	// Similar are other leads with similar names, as the actor may see
	// them; HiddenSimilar counts those of other reps they may not see.
	Similar       []SeenLead
	HiddenSimilar int
}

// Regraded is what a regrade gave: the lead as saved and the change, or,
// when the grade chosen was the lead's already (ChooseGrade), Kept.
type Regraded struct {
	Lead   *Lead
	Change Change
	Kept   bool
}

// Assignment is what assigning a lead gave, with who is to hear of it.
type Assignment struct {
	Lead     *Lead
	From, To string // the previous owner and the new one
	By       string // the manager who assigned it
	Changes  []Change
	// TellTo says the new owner is told (unless they assigned it to
	// themselves); TellFrom that the previous owner is (unless they are the
	// new owner or the one who assigned it).
	TellTo, TellFrom bool
	// Stale says requests asked for the lead may no longer fit it (it
	// changed hands): ApprovalService.WithdrawStale is due.
	Stale bool
}

// LeadCard is what a lead's card shows: the lead and its last visit.
type LeadCard struct {
	Lead      *Lead
	LastVisit *Visit
}

// ListQuery is which pipeline /lead list shows.
type ListQuery struct {
	Team  string
	Owner string // a rep's pipeline; "" for the actor's own
	All   bool   // the whole team's open leads, a page at a time
	Grade Grade  // only this grade's open leads; "" for all
	// Offset is where a page of the team's open leads starts.
	Offset int
}

// LeadList is a pipeline to show.
type LeadList struct {
	Owner string // whose pipeline; "" for the team's
	All   bool
	Grade Grade
	Leads []*Lead
	// For the team's open leads, read a page at a time: where this page
	// starts, how many there are in all, and where the next page starts
	// (0 when this is the last).
	Offset, Total, Next int
}

// ListPage is how many of the team's open leads one page of /lead list all
// holds: what fits one Slack message.
const ListPage = 40

// PoolSize bounds how many lost leads /lead pool shows.
const PoolSize = 40

// Resolution is the lead a look-up by name found, as the actor may reach
// it (LeadService.Resolve).
type Resolution struct {
	// Lead is the lead found; nil when none was, or several were.
	Lead *Lead
	// Visits are its last visits when they were read with it (VisitsRead).
	Visits     []Visit
	VisitsRead bool
	// Name is the index in the query's Names of the name that matched, or
	// -1 for a match on its Part.
	Name int
	// When Lead is nil: how many leads matching the Part the actor may see,
	// and those of them that are theirs.
	Seen int
	Mine []*Lead
}
