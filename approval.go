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
	ApprovalStage ApprovalKind = ""     // a stage move: a quote or a skip
	ApprovalLead  ApprovalKind = "lead" // another rep's lead, or one from the pool (DOMAIN.md §6)
)

// MessageRef points at a message the bot posted (to update it later), and
// at whom it was for, so that it is redrawn in their language.
type MessageRef struct {
	Channel string `json:"c"`
	TS      string `json:"ts"`
	User    string `json:"u,omitempty"`
}

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
	Messages  []MessageRef   `json:"messages,omitempty"`
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
		return Errorf(ECONFLICT, "<@%s> has already %s this request.", a.DecidedBy, Term(a.Status))
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
	if a.Kind == ApprovalLead {
		return l.Owner != a.Owner || l.Stage == StageWon
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
}
