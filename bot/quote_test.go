package bot_test

import (
	"strings"
	"testing"

	"salesbot"
)

// TestQuoteNeedsTwoManagersAboveTheLimit: a quote with a discount above
// SALESBOT_DISCOUNT_LIMIT (15%) waits after one manager's approval, is
// signed off by a second, moves the deal to the quote stage and shows on the
// card; the same manager cannot approve twice (seed 000 "报价单要经过主管的审核签字").
func TestQuoteNeedsTwoManagersAboveTheLimit(t *testing.T) {
	h := newHarness(t)
	const second = "U0SECOND"
	mustContain(t, "grant", text(h.command(manager, "/salesbot managers add "+at(second))), "granted")
	h.command(rep, "/lead new Acme A")
	for _, st := range []string{"first-visit", "discovery", "demo"} {
		h.command(rep, "/lead stage Acme "+st)
	}
	if s := h.lead("Acme").Stage; s != salesbot.StageDemo {
		t.Fatalf("stage %s; want demo", s)
	}
	h.command(rep, "/lead key Acme budget 2M RMB approved")

	reply := text(h.command(rep, "/quote Acme 180万 discount 20% incl. 3 years of support"))
	mustContain(t, "quote", reply, "Quote v1", "¥1,800,000", "20% off", "Two managers")
	h.h.Wait()
	pending, err := h.store.PendingApprovals(t.Context(), h.team)
	if err != nil || len(pending) != 1 || pending[0].Kind != salesbot.ApprovalQuote || pending[0].Needs != 2 {
		t.Fatalf("pending requests %+v, %v", pending, err)
	}
	id := pending[0].ID
	var asked string
	for _, c := range h.slack.Calls("chat.postMessage") {
		if c.Param("channel") == manager {
			asked += c.Param("blocks")
		}
	}
	mustContain(t, "the request", asked, "quote v1", "¥1,800,000", "20% off", "Budget: 2M RMB approved", "Two managers", "incl. 3 years of support", `"value":"`+id+`"`)

	h.click(manager, "approve", id)
	if l := h.lead("Acme"); l.Stage != salesbot.StageDemo || l.Quote(1).Status != salesbot.QuotePending {
		t.Fatalf("after one approval: stage %s, quote %+v", l.Stage, l.Quote(1))
	}
	h.click(manager, "approve", id)
	mustContain(t, "twice", lastResponse(t, h), "another manager")
	h.click(rep, "approve", id)
	mustContain(t, "a rep", lastResponse(t, h), "Only managers")

	h.click(second, "approve", id)
	l := h.lead("Acme")
	if l.Stage != salesbot.StageQuote || l.Quote(1).Status != salesbot.QuoteApproved || len(l.Quote(1).ApprovedBy) != 2 {
		t.Fatalf("after two approvals: stage %s, quote %+v", l.Stage, l.Quote(1))
	}
	var told bool
	for _, c := range h.slack.Calls("chat.postMessage") {
		if c.Param("channel") == rep && strings.Contains(c.Text(), "signed off") {
			told = true
		}
	}
	if !told {
		t.Error("the rep was not told the quote was signed off")
	}
	mustContain(t, "card", text(h.command(rep, "/lead show Acme")), "Quote", "v1", "signed off by <@"+manager+">, <@"+second+">")
}

// TestQuoteBadInput: a quote of 0, a 120% discount, a stranger's lead, a
// deal still at the lead stage: each refused with how to write it, nothing
// recorded.
func TestQuoteBadInput(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Acme A")
	mustContain(t, "too early", h.command(rep, "/quote Acme 100万").Text, ":warning:", "discovery")
	for _, st := range []string{"first-visit", "discovery", "demo"} {
		h.command(rep, "/lead stage Acme "+st)
	}
	for line, want := range map[string]string{
		"/quote Acme 0":                  ":warning:",
		"/quote Acme 100万 discount 120%": "below 100",
		"/quote Acme":                    "How much",
		"/quote Acme lots":               ":warning:",
	} {
		mustContain(t, line, h.command(rep, line).Text, want)
	}
	mustContain(t, "stranger", h.command(other, "/quote Acme 100万").Text, ":no_entry:")
	if q := h.lead("Acme").Quotes; len(q) != 0 {
		t.Fatalf("refused quotes were recorded: %+v", q)
	}
	if pending, _ := h.store.PendingApprovals(t.Context(), h.team); len(pending) != 0 {
		t.Fatalf("refused quotes asked the managers: %+v", pending)
	}
}

// TestOwnerManagersQuote: a manager's own lead is signed off by another
// manager; the owner's own click is refused.
func TestOwnerManagersQuote(t *testing.T) {
	h := newHarness(t)
	const second = "U0SECOND"
	h.command(manager, "/salesbot managers add "+at(second))
	h.command(manager, "/lead new Beta A")
	h.command(manager, "/lead stage Beta demo") // a manager may skip
	h.command(manager, "/quote Beta 50万")
	h.h.Wait()
	pending, _ := h.store.PendingApprovals(t.Context(), h.team)
	if len(pending) != 1 {
		t.Fatalf("pending %+v", pending)
	}
	h.click(manager, "approve", pending[0].ID)
	mustContain(t, "own", lastResponse(t, h), "your own lead")
	if q := h.lead("Beta").Quote(1); q.Status != salesbot.QuotePending {
		t.Fatalf("the owner signed off their own quote: %+v", q)
	}
	h.click(second, "approve", pending[0].ID)
	if q := h.lead("Beta").Quote(1); q.Status != salesbot.QuoteApproved || q.SelfApproved {
		t.Fatalf("the other manager's approval: %+v", q)
	}
}
