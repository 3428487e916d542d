package salesbot

// Sight is how much of a lead someone may see (DOMAIN.md §6). A rep works
// their own leads; the rest of the team's pipeline is the managers' to
// see. What a rep learns of another rep's lead is what they need to avoid
// working the same company twice, and no more.
type Sight int

// The sights, from least to most.
const (
	// SightNone: nothing, not even that the lead exists. Another rep's open
	// lead that the viewer did not name (a similar name, a partial match).
	SightNone Sight = iota
	// SightOwner: that the company is registered, by whom, since when and
	// at what grade, so that the viewer can ask a manager for it. Another
	// rep's lead the viewer named exactly (registering it again, typing its
	// whole name).
	SightOwner
	// SightPool: the company, its grade, who lost it, when and why. A lost
	// lead is in the pool, open to anyone to ask for.
	SightPool
	// SightAll: everything. The lead's owner and managers.
	SightAll
)

// SightOf is how much of l the actor may see; named says whether they named
// the company exactly (rather than reached it by a similar or partial
// name). It is the one place the rule is written.
func (l *Lead) SightOf(a Actor, named bool) Sight {
	switch {
	case l.CanEdit(a):
		return SightAll
	case l.Stage == StageLost:
		return SightPool
	case named:
		return SightOwner
	}
	return SightNone
}
