package salesbot

import (
	"context"
	"time"
)

// ApprovalStatus is where a request for a manager's approval stands.
type ApprovalStatus string

// The approval statuses.
const (
	ApprovalPending   ApprovalStatus = "pending"
	ApprovalApproved  ApprovalStatus = "approved"
	ApprovalRejected  ApprovalStatus = "rejected"
	ApprovalWithdrawn ApprovalStatus = "withdrawn" // moot: the lead moved or closed meanwhile
)

// ApprovalKind says what a request asks a manager for.
type ApprovalKind string

// The kinds of request.
const (
	ApprovalStage ApprovalKind = ""      // a stage move: a quote or a skip
	ApprovalLead  ApprovalKind = "lead"  // another rep's lead, or one from the pool (DOMAIN.md §6)
	ApprovalQuote ApprovalKind = "quote" // a quote version to sign off (DOMAIN.md §5)
)

// Approval is a rep's request for a stage move that needs a manager: a
// formal quote, or a skipped stage (DOMAIN.md §5). The first manager to
// decide settles it for all.
type Approval struct {
	ID        string         `json:"id"`
	Kind      ApprovalKind   `json:"kind,omitempty"`
	Team      string         `json:"team"`
	LeadID    string         `json:"lead"`
	Company   string         `json:"company"`
	From      Stage          `json:"from"`
	To        Stage          `json:"to"`
	Rep       string         `json:"rep"`   // who asked
	Owner     string         `json:"owner"` // the lead's owner when asked (a lead request)
	Why       string         `json:"why"`
	AskedAt   time.Time      `json:"asked_at"`
	Status    ApprovalStatus `json:"status"`
	DecidedBy string         `json:"decided_by,omitempty"`
	DecidedAt time.Time      `json:"decided_at,omitzero"`
	Reason    string         `json:"reason,omitempty"` // why it was rejected
	// For a quote: its version and terms, how many different managers
	// must approve it, who has, and whether the only approval was the
	// owner's own.
	QuoteVersion int      `json:"quote,omitempty"`
	Amount       Amount   `json:"amount,omitzero"`
	Discount     Discount `json:"discount,omitempty"`
	Needs        int      `json:"needs,omitempty"`
	Approvers    []string `json:"approvers,omitempty"`
	SelfApproved bool     `json:"self_approved,omitempty"`
	// ShortOfApprovers says fewer managers approved it than its discount
	// needs, as the team had no more to ask.
	ShortOfApprovers bool `json:"short,omitempty"`
	// For a stage move past unmet milestones: the items not met when it
	// was asked (DOMAIN.md §5).
	Unmet []string `json:"unmet,omitempty"`
}

// Decide settles a pending approval. A manager rejecting gives a reason;
// deciding twice, or a rep deciding, is refused.
func (a *Approval) Decide(by Actor, approve bool, reason string, now time.Time) error {
	if !by.Manager && a.Kind == ApprovalLead {
		return Errorf(EFORBIDDEN, "Only managers decide who keeps a lead.")
	}
	if !by.Manager {
		return Errorf(EFORBIDDEN, "Only managers approve stage moves.")
	}
	switch a.Status {
	case ApprovalPending:
	case ApprovalWithdrawn:
		return Errorf(ECONFLICT, "This request was withdrawn: the lead has moved or closed since it was asked.")
	default:
		return Errorf(ECONFLICT, "%s has already %s this request.", User(a.DecidedBy), Term(a.Status))
	}
	reason, err := cleanText("reason", reason, maxReasonLen)
	if err != nil {
		return err
	}
	a.Status, a.DecidedBy, a.DecidedAt, a.Reason = ApprovalRejected, by.User, now, reason
	if approve {
		a.Status, a.Reason = ApprovalApproved, ""
	}
	return nil
}

// Stale reports whether the request no longer fits the lead: for a stage
// move, the lead has moved from the stage it was asked from, or closed; for
// a lead request, the lead has changed hands or been won.
func (a *Approval) Stale(l *Lead) bool {
	switch a.Kind {
	case ApprovalLead:
		return l.Owner != a.Owner || l.Stage == StageWon
	case ApprovalQuote:
		// A newer version, or a closed deal, makes this one moot.
		latest := l.LatestQuote()
		return !l.Open() || latest == nil || latest.Version != a.QuoteVersion
	}
	return !l.Open() || l.Stage != a.From
}

// Withdraw settles a request that no longer fits its lead (see Stale).
func (a *Approval) Withdraw(now time.Time) {
	a.Status, a.DecidedAt = ApprovalWithdrawn, now
}

// ApprovalStore keeps approval requests.
type ApprovalStore interface {
	// CreateApproval saves a new pending request, giving it an ID, unless
	// one is pending for the same lead, from the same stage to the same
	// stage: then it returns that one and created false.
	CreateApproval(ctx context.Context, a *Approval) (existing *Approval, created bool, err error)
	// UpdateApproval applies fn to the request and saves it, atomically;
	// fn may run more than once.
	UpdateApproval(ctx context.Context, team, id string, fn func(*Approval) error) (*Approval, error)
	// Approval returns one request, or ENOTFOUND.
	Approval(ctx context.Context, team, id string) (*Approval, error)
	// PendingApprovals lists the team's requests still waiting, oldest first.
	PendingApprovals(ctx context.Context, team string) ([]*Approval, error)
	// DecideApproval settles a request and applies the decision to its
	// lead, all or nothing: fn decides the request (or withdraws it) and
	// changes the lead when the decision moves it or gives it away, the
	// Update's changes saying so (none leaves the lead as it is). Both are
	// saved in one step, only if neither changed since read; else fn runs
	// again on both read afresh. An error from fn writes nothing and is
	// returned as it is.
	DecideApproval(ctx context.Context, team, id string, fn func(*Approval, *Lead) (Update, error)) (*Approval, *Lead, error)
}

// Decision is what settling a request did.
type Decision struct {
	// Request is the request as saved: approved, rejected or withdrawn.
	Request *Approval
	// Lead is its lead: as saved when the decision moved it or gave it
	// away, else as read.
	Lead *Lead
	// Moot, when not nil, says why the request was withdrawn instead of
	// applied: its lead moved, closed or changed hands since it was asked.
	// The manager who decided and every copy of the request read it.
	Moot error
	// TellRep is the rep who asked, to be told of the decision; "" when
	// they decided it themselves, or the request was withdrawn.
	TellRep string
	// TellOwner is the lead's previous owner, to be told that it was given
	// to the rep who asked; "" when there is none to tell.
	TellOwner string
	// Stale says that the decision moved the lead or gave it away, so that
	// other requests asked for it may no longer fit it:
	// ApprovalService.WithdrawStale is due once the manager is answered.
	Stale bool
	// Pending says the request was approved by this manager and still
	// waits for another's (a quote whose discount is above the limit).
	Pending bool
}

// LeadAsk is what a rep's request for a lead did.
type LeadAsk struct {
	Lead    *Lead     // the lead asked for, as read
	Request *Approval // the request, new or the one already waiting
	// Ask lists the managers to send the new request to; none when the same
	// request was waiting already.
	Ask []string
}

// ApprovalService runs the requests that need a manager's word (DOMAIN.md
// §5 and §6): a stage move a rep may not make alone (StageService asks
// for it), and a rep's request for a lead someone else owns. Its rules:
//   - only managers decide; the first decision settles a request for all,
//     and any later one is refused naming who decided and how;
//   - deciding and applying the decision to the lead are one write: an
//     approved move moves the lead and an assigned lead changes hands in
//     the same step, or neither happens;
//   - a request that no longer fits its lead (it moved or closed since a
//     stage move was asked, changed hands or was won since a lead was
//     asked for) is withdrawn, not applied;
//   - a lead is given to the rep who asked only while its owner is still
//     the one it had when they asked.
type ApprovalService interface {
	// DecideStage approves a stage move or a quote, or rejects it with a
	// reason the rep is told. A quote follows Approval.DecideQuote's rules
	// (another manager than the owner; two above the discount limit): an
	// approval that leaves it waiting for another manager is a Decision
	// with Pending set; an approved quote moves a deal below the quote
	// stage to it.
	DecideStage(ctx context.Context, by Actor, team, id string, approve bool, reason string, now time.Time) (Decision, error)
	// DecideLead settles a request for a lead: assign gives it to the rep
	// who asked, else it stays with its owner.
	DecideLead(ctx context.Context, by Actor, team, id string, assign bool, now time.Time) (Decision, error)
	// RequestLead asks the team's managers (managers, who hear of it) to give
	// by the lead with the ID, which someone else owns or which is in the
	// pool. A won lead, or one by owns already, is refused, and so is a
	// request when the team has no manager. Asking again while the request
	// waits asks no one anew.
	RequestLead(ctx context.Context, by Actor, team, leadID string, managers []string, now time.Time) (LeadAsk, error)
	// Withdraw withdraws a request still pending (one no manager could be
	// told of), and returns it as saved.
	Withdraw(ctx context.Context, team, id string, now time.Time) (*Approval, error)
	// WithdrawStale withdraws the lead's pending requests that no longer fit
	// it (see Approval.Stale) as it is now, which may be later than the
	// change that called for it, and returns each as a decision with its
	// Moot reason. StageOutcome.Stale says when it is due.
	WithdrawStale(ctx context.Context, l *Lead, now time.Time) ([]Decision, error)
}
