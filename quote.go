package salesbot

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Quotes (正式书面报价, DOMAIN.md §5): a versioned record of what the
// customer is offered, signed off by a manager before it goes out (seed 000:
// "报价单要经过主管的审核签字").

// QuoteStatus is where a quote version stands.
type QuoteStatus string

// The quote statuses.
const (
	QuotePending  QuoteStatus = "pending"
	QuoteApproved QuoteStatus = "approved"
	QuoteRejected QuoteStatus = "rejected"
)

// Quote is one version of a lead's quote.
type Quote struct {
	Version  int         `json:"v"`
	Amount   Amount      `json:"amount"`
	Discount Discount    `json:"discount,omitempty"`
	Notes    string      `json:"notes,omitempty"`
	By       string      `json:"by"`
	At       time.Time   `json:"at"`
	Status   QuoteStatus `json:"status"`
	// ApprovedBy are the managers who approved it, in order; SelfApproved
	// says the only one was the lead's own owner, with no other manager to
	// ask (seed 000 wants the quote signed by someone else).
	ApprovedBy   []string `json:"approved_by,omitempty"`
	SelfApproved bool     `json:"self_approved,omitempty"`
	// ShortOfApprovers: fewer managers signed it than its discount needs
	// (the team had no more).
	ShortOfApprovers bool      `json:"short,omitempty"`
	DecidedAt        time.Time `json:"decided_at,omitzero"`
	Reason           string    `json:"reason,omitempty"` // why it was rejected
}

// Discount is a discount in hundredths of a percent (1250 is 12.5%).
type Discount int

// DefaultDiscountLimit is SALESBOT_DISCOUNT_LIMIT's default: above 15% a
// quote needs two managers.
const DefaultDiscountLimit Discount = 1500

// ParseDiscount reads a discount as people write it: "15%", "15", "12.5%",
// "8折" (8折 is 20% off, 85折 15% off). It must be at least 0 and below
// 100%.
func ParseDiscount(s string) (Discount, error) {
	f := strings.TrimSpace(foldWidth(s))
	bad := Errorf(EINVALID, "%q is not a discount. Write it as a percentage below 100, e.g. 15%% or 12.5%%.", s)
	var pct float64
	if z, ok := strings.CutSuffix(f, "折"); ok {
		n, err := strconv.ParseFloat(z, 64)
		if err != nil || n <= 0 || n >= 100 {
			return 0, bad
		}
		if n < 10 {
			n *= 10 // 8折 is 80% of the price, 85折 85%
		} else if n == 10 {
			n = 100 // 10折 is the full price
		}
		pct = 100 - n
	} else {
		n, err := strconv.ParseFloat(strings.TrimSuffix(f, "%"), 64)
		if err != nil {
			return 0, bad
		}
		pct = n
	}
	if pct < 0 || pct >= 100 {
		return 0, Errorf(EINVALID, "A discount of %s is not one a quote can give: write a percentage from 0 to below 100.", s)
	}
	d := Discount(math.Round(pct * 100))
	if math.Abs(float64(d)-pct*100) > 1e-6 {
		return 0, bad // finer than a hundredth of a percent
	}
	return d, nil
}

// String writes the discount as a percentage: "15%", "12.5%".
func (d Discount) String() string {
	s := strconv.FormatFloat(float64(d)/100, 'f', 2, 64)
	s = strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
	return s + "%"
}

// ParseDiscountLimit reads SALESBOT_DISCOUNT_LIMIT ("15%").
func ParseDiscountLimit(s string) (Discount, error) {
	if strings.TrimSpace(s) == "" {
		return DefaultDiscountLimit, nil
	}
	d, err := ParseDiscount(s)
	if err != nil {
		return 0, fmt.Errorf("%q: write a percentage below 100, e.g. 15%%", s)
	}
	return d, nil
}

// MaxQuotes bounds the quote versions a lead keeps (the oldest go).
const MaxQuotes = 30

// quoteStages are where a quote may be made: from the demo on (seed 000:
// "最少要在交流完成后", at least once discovery is done).
func quoteAllowed(s Stage) bool { return s.Index() >= StageDemo.Index() && !s.Closed() }

// AddQuote records a new quote version, pending a manager's approval (the
// owner or a manager; an open deal from the demo on).
func (l *Lead) AddQuote(a Actor, amount Amount, discount Discount, notes string, now time.Time) (Quote, Change, error) {
	if err := l.checkEdit(a); err != nil {
		return Quote{}, Change{}, err
	}
	if err := l.checkOpen(); err != nil {
		return Quote{}, Change{}, err
	}
	if !quoteAllowed(l.Stage) {
		return Quote{}, Change{}, Errorf(EINVALID, "%s is at %s: a formal quote comes once discovery is done (seed 000), from %s on.", l.Company, Term(l.Stage.Name()), Term(StageDemo.Name()))
	}
	if amount.IsZero() || amount.Minor <= 0 {
		return Quote{}, Change{}, Errorf(EINVALID, "A quote needs an amount above zero. %s", Term(amountHint))
	}
	if discount < 0 || discount >= 10000 {
		return Quote{}, Change{}, Errorf(EINVALID, "A discount of %s is not one a quote can give: write a percentage from 0 to below 100.", discount.String())
	}
	notes, err := cleanText("notes", notes, MaxTextLen)
	if err != nil {
		return Quote{}, Change{}, err
	}
	q := Quote{Version: 1, Amount: amount, Discount: discount, Notes: notes, By: a.User, At: now, Status: QuotePending}
	if n := len(l.Quotes); n > 0 {
		q.Version = l.Quotes[n-1].Version + 1
	}
	l.Quotes = append(l.Quotes, q)
	if len(l.Quotes) > MaxQuotes {
		l.Quotes = slices.Clone(l.Quotes[len(l.Quotes)-MaxQuotes:])
	}
	return q, l.change(a, ChangeQuote, "", fmt.Sprintf("v%d %s %s", q.Version, amountText(amount), discount), notes, now), nil
}

// Quote returns the quote version v, or nil.
func (l *Lead) Quote(v int) *Quote {
	for i := range l.Quotes {
		if l.Quotes[i].Version == v {
			return &l.Quotes[i]
		}
	}
	return nil
}

// PreviousQuote is the version before v, or nil.
func (l *Lead) PreviousQuote(v int) *Quote {
	var prev *Quote
	for i := range l.Quotes {
		if l.Quotes[i].Version < v {
			prev = &l.Quotes[i]
		}
	}
	return prev
}

// LatestApprovedQuote is the newest approved quote version, or nil.
func (l *Lead) LatestApprovedQuote() *Quote {
	for i := len(l.Quotes) - 1; i >= 0; i-- {
		if l.Quotes[i].Status == QuoteApproved {
			return &l.Quotes[i]
		}
	}
	return nil
}

// LatestQuote is the newest quote version, or nil.
func (l *Lead) LatestQuote() *Quote {
	if len(l.Quotes) == 0 {
		return nil
	}
	return &l.Quotes[len(l.Quotes)-1]
}

// ApprovalsNeeded is how many different managers must approve a quote with
// the discount: two above the limit (SALESBOT_DISCOUNT_LIMIT), one otherwise.
func ApprovalsNeeded(d, limit Discount) int {
	if d > limit {
		return 2
	}
	return 1
}

// DecideQuote records a manager's decision on a quote request (an Approval
// of kind ApprovalQuote) under the method's rules:
//   - only managers decide, each once;
//   - the lead's owner, even a manager, does not approve their own quote
//     while another manager could (managers lists the team's); with no
//     other manager the owner's approval is kept as a self-approval;
//   - a discount above the limit needs Needs different managers: the first
//     approval leaves the request pending (done false);
//   - one rejection settles it.
//
// done reports that the request is settled (approved or rejected).
func (a *Approval) DecideQuote(by Actor, owner string, managers []string, approve bool, reason string, now time.Time) (done bool, err error) {
	if !by.Manager {
		return false, Errorf(EFORBIDDEN, "Only managers sign off quotes.")
	}
	switch a.Status {
	case ApprovalPending:
	case ApprovalWithdrawn:
		return false, Errorf(ECONFLICT, "This request was withdrawn: the lead has moved or closed since it was asked.")
	default:
		return false, Errorf(ECONFLICT, "%s has already %s this request.", User(a.DecidedBy), Term(a.Status))
	}
	reason, err = cleanText("reason", reason, maxReasonLen)
	if err != nil {
		return false, err
	}
	if !approve {
		a.Status, a.DecidedBy, a.DecidedAt, a.Reason = ApprovalRejected, by.User, now, reason
		return true, nil
	}
	if slices.Contains(a.Approvers, by.User) {
		return false, Errorf(EINVALID, "You have approved this quote already; it needs another manager's approval too (a discount of %s is above the limit).", a.Discount.String())
	}
	// Neither the lead's owner nor whoever wrote the quote signs it off
	// while another manager could.
	own := func(m string) bool { return m == owner || m == a.Rep }
	eligible := slices.DeleteFunc(slices.Clone(managers), own)
	if own(by.User) && len(eligible) > 0 {
		return false, Errorf(EFORBIDDEN, "%s is your own lead or quote: another manager signs it off.", a.Company)
	}
	if own(by.User) {
		a.SelfApproved = true
	}
	a.Approvers = append(a.Approvers, by.User)
	left := slices.DeleteFunc(eligible, func(m string) bool { return slices.Contains(a.Approvers, m) })
	// Approved once as many managers as the discount needs have approved,
	// or every manager who could has.
	if len(a.Approvers) < max(a.Needs, 1) && len(left) > 0 {
		return false, nil
	}
	// Fewer managers than the discount needs, when there were no more to
	// ask: approved, and said so.
	a.ShortOfApprovers = len(a.Approvers) < max(a.Needs, 1)
	a.Status, a.DecidedBy, a.DecidedAt = ApprovalApproved, by.User, now
	return true, nil
}

// SettleQuote writes a settled quote request onto its version: approved
// (and then a deal below the quote stage moves to it) or rejected.
func (l *Lead) SettleQuote(by Actor, a *Approval, now time.Time) ([]Change, error) {
	q := l.Quote(a.QuoteVersion)
	if q == nil {
		return nil, Errorf(ECONFLICT, "Quote v%d of %s is gone.", a.QuoteVersion, l.Company)
	}
	switch a.Status {
	case ApprovalApproved:
		q.Status, q.ApprovedBy, q.SelfApproved, q.ShortOfApprovers, q.DecidedAt = QuoteApproved, slices.Clone(a.Approvers), a.SelfApproved, a.ShortOfApprovers, now
	case ApprovalRejected:
		q.Status, q.DecidedAt, q.Reason = QuoteRejected, now, a.Reason
	default:
		return nil, nil
	}
	l.UpdatedAt = now
	changes := []Change{l.change(by, ChangeQuote, fmt.Sprintf("v%d", q.Version), string(q.Status), a.Reason, now)}
	if q.Status == QuoteApproved && l.Open() && l.Stage.Index() < StageQuote.Index() {
		from := l.Stage
		reason := "quote approved"
		if o := OverrideReason(GateUnmet(l, StageQuote)); o != "" {
			reason += "; " + o // the manager moved it on past these
		}
		l.Stage, l.StageSince = StageQuote, now
		changes = append(changes, l.change(by, ChangeStage, string(from), string(StageQuote), reason, now))
	}
	return changes, nil
}

// QuoteOutcome is what asking for a quote's approval gave.
type QuoteOutcome struct {
	Lead    *Lead
	Quote   Quote
	Request *Approval
	// Ask lists the managers to send the request to.
	Ask []string
	// Risks are the deal's risks, for the managers to weigh.
	Risks []Risk
}

// QuoteService records quote versions and asks the managers to sign them
// off (seed 000).
type QuoteService interface {
	// Quote records a new version of the lead's quote (the owner or a
	// manager) and asks the managers to approve it: two of them when the
	// discount is above the team's limit.
	Quote(ctx context.Context, a Actor, ref LeadRef, amount Amount, discount Discount, notes string, managers []string, now time.Time) (QuoteOutcome, error)
}
