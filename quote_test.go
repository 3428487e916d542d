package salesbot_test

import (
	"testing"

	"salesbot"
)

func TestParseDiscount(t *testing.T) {
	for in, want := range map[string]salesbot.Discount{
		"10折": 0, "15%": 1500, "15": 1500, "12.5%": 1250, "0%": 0, "99.99%": 9999, "８５折": 1500, "8折": 2000, "9.5折": 500, " 7% ": 700,
	} {
		got, err := salesbot.ParseDiscount(in)
		if err != nil || got != want {
			t.Errorf("ParseDiscount(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"120%", "100%", "-5%", "abc", "", "12.345%", "0折", "100折"} {
		if _, err := salesbot.ParseDiscount(bad); salesbot.ErrorCode(err) != salesbot.EINVALID {
			t.Errorf("ParseDiscount(%q) = %v; want EINVALID", bad, err)
		}
	}
	if s := salesbot.Discount(1250).String(); s != "12.5%" {
		t.Errorf("12.5%% written %q", s)
	}
}

func TestAddQuote(t *testing.T) {
	cny := func(yuan int64) salesbot.Amount { return salesbot.Amount{Minor: yuan * 100, Currency: "CNY"} }
	l := newLead(t, "Acme", salesbot.GradeA)
	// Seed 000: a formal quote comes once discovery is done.
	_, _, err := l.AddQuote(rep, cny(1_000_000), 0, "", registered)
	wantCode(t, err, salesbot.EINVALID)
	l.Stage = salesbot.StageDemo
	_, _, err = l.AddQuote(stranger, cny(1_000_000), 0, "", registered)
	wantCode(t, err, salesbot.EFORBIDDEN)
	_, _, err = l.AddQuote(rep, salesbot.Amount{}, 0, "", registered)
	wantCode(t, err, salesbot.EINVALID)
	_, _, err = l.AddQuote(rep, cny(1), 12000, "", registered)
	wantCode(t, err, salesbot.EINVALID)
	if len(l.Quotes) != 0 {
		t.Fatalf("refused quotes were kept: %+v", l.Quotes)
	}
	q1, c, err := l.AddQuote(rep, cny(2_000_000), 500, "3 years", registered)
	if err != nil || q1.Version != 1 || q1.Status != salesbot.QuotePending || c.Kind != salesbot.ChangeQuote {
		t.Fatalf("v1 = %+v, %+v, %v", q1, c, err)
	}
	q2, _, _ := l.AddQuote(rep, cny(1_800_000), 1200, "", registered)
	if q2.Version != 2 || l.PreviousQuote(2).Version != 1 || l.LatestQuote().Version != 2 || l.LatestApprovedQuote() != nil {
		t.Fatalf("versions: %+v", l.Quotes)
	}
}

// TestDecideQuote: seed 000 "报价单要经过主管的审核签字": a manager other
// than the owner signs a quote off; above the discount limit two managers
// do (INTERFACE: SALESBOT_DISCOUNT_LIMIT); with no other manager the
// owner's own approval is recorded as such.
func TestDecideQuote(t *testing.T) {
	m1 := salesbot.Actor{User: "U0M1", Manager: true}
	m2 := salesbot.Actor{User: "U0M2", Manager: true}
	managers := []string{"U0M1", "U0M2", "U0WRITER"}
	ask := func(d salesbot.Discount) *salesbot.Approval {
		return &salesbot.Approval{Kind: salesbot.ApprovalQuote, Company: "Acme", QuoteVersion: 1, Discount: d, Rep: "U0WRITER",
			Needs: salesbot.ApprovalsNeeded(d, salesbot.DefaultDiscountLimit), Status: salesbot.ApprovalPending}
	}
	for _, tc := range []struct {
		name     string
		discount salesbot.Discount
		owner    string
		managers []string
		steps    []salesbot.Actor
		want     salesbot.ApprovalStatus
		self     bool
		refused  string // the code of the last step's refusal
	}{
		{"one manager, limit not passed", 1500, "U0REP", managers, []salesbot.Actor{m1}, salesbot.ApprovalApproved, false, ""},
		{"over the limit: first approval waits", 2000, "U0REP", managers, []salesbot.Actor{m1}, salesbot.ApprovalPending, false, ""},
		{"over the limit: two managers", 2000, "U0REP", managers, []salesbot.Actor{m1, m2}, salesbot.ApprovalApproved, false, ""},
		{"over the limit: the same manager twice", 2000, "U0REP", managers, []salesbot.Actor{m1, m1}, salesbot.ApprovalPending, false, salesbot.EINVALID},
		{"over the limit, one manager in the team", 2000, "U0REP", []string{"U0M1"}, []salesbot.Actor{m1}, salesbot.ApprovalApproved, false, ""},
		{"the owner-manager may not sign off their own", 0, "U0M1", managers, []salesbot.Actor{m1}, salesbot.ApprovalPending, false, salesbot.EFORBIDDEN},
		{"the owner-manager's colleague signs it", 0, "U0M1", managers, []salesbot.Actor{m2}, salesbot.ApprovalApproved, false, ""},
		{"the only manager owns it: self-approval kept", 0, "U0M1", []string{"U0M1"}, []salesbot.Actor{m1}, salesbot.ApprovalApproved, true, ""},
		{"a rep may not", 0, "U0REP", managers, []salesbot.Actor{rep}, salesbot.ApprovalPending, false, salesbot.EFORBIDDEN},
		{"the manager who wrote the quote may not sign it off", 0, "U0REP", managers, []salesbot.Actor{{User: "U0WRITER", Manager: true}}, salesbot.ApprovalPending, false, salesbot.EFORBIDDEN},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := ask(tc.discount)
			var err error
			for _, by := range tc.steps {
				_, err = a.DecideQuote(by, tc.owner, tc.managers, true, "", registered)
			}
			if salesbot.ErrorCode(err) != tc.refused {
				t.Fatalf("last step: %v; want code %q", err, tc.refused)
			}
			if a.Status != tc.want || a.SelfApproved != tc.self {
				t.Errorf("status %s (self %v), approvers %v; want %s (self %v)", a.Status, a.SelfApproved, a.Approvers, tc.want, tc.self)
			}
		})
	}
}

// TestSettleQuote: an approved quote is signed on its version and moves a
// deal below the quote stage to it; a rejected one keeps its reason.
func TestSettleQuote(t *testing.T) {
	l := newLead(t, "Acme", salesbot.GradeA)
	l.Stage = salesbot.StageDemo
	q, _, _ := l.AddQuote(rep, salesbot.Amount{Minor: 100, Currency: "CNY"}, 0, "", registered)
	a := &salesbot.Approval{Kind: salesbot.ApprovalQuote, QuoteVersion: q.Version, Status: salesbot.ApprovalApproved, Approvers: []string{"U0M1"}}
	changes, err := l.SettleQuote(boss, a, registered)
	if err != nil || len(changes) != 2 || l.Stage != salesbot.StageQuote || l.LatestApprovedQuote() == nil {
		t.Fatalf("approved: %v, %+v, stage %s", err, changes, l.Stage)
	}
	q2, _, _ := l.AddQuote(rep, salesbot.Amount{Minor: 90, Currency: "CNY"}, 0, "", registered)
	r := &salesbot.Approval{Kind: salesbot.ApprovalQuote, QuoteVersion: q2.Version, Status: salesbot.ApprovalRejected, Reason: "too low"}
	if _, err := l.SettleQuote(boss, r, registered); err != nil || l.Quote(2).Status != salesbot.QuoteRejected || l.Quote(2).Reason != "too low" {
		t.Fatalf("rejected: %v, %+v", err, l.Quote(2))
	}
	if l.LatestApprovedQuote().Version != 1 {
		t.Error("the latest approved quote is still v1")
	}
	// A newer version makes the older request stale.
	if !(&salesbot.Approval{Kind: salesbot.ApprovalQuote, QuoteVersion: 1}).Stale(l) {
		t.Error("a request for v1 is not stale once v2 exists")
	}
}

// TestTwoManagersShort: above the limit with only one manager who may sign
// it off, that one approval settles it, and says so.
func TestTwoManagersShort(t *testing.T) {
	a := &salesbot.Approval{Kind: salesbot.ApprovalQuote, Company: "Acme", QuoteVersion: 1, Discount: 2000, Needs: 2, Rep: "U0REP", Status: salesbot.ApprovalPending}
	done, err := a.DecideQuote(salesbot.Actor{User: "U0M2", Manager: true}, "U0M1", []string{"U0M1", "U0M2"}, true, "", registered)
	if err != nil || !done || a.Status != salesbot.ApprovalApproved || !a.ShortOfApprovers {
		t.Fatalf("done %v, %v: %+v", done, err, a)
	}
}
