package bot_test

import (
	"strings"
	"testing"

	"salesbot"
)

// TestGatedStageMove: with SALESBOT_GATES=approve (serve's default), a
// rep leaving a stage with unmet milestones asks the managers, the request
// listing them; the manager's approval moves the deal on and the override
// is kept in the history; once the items are met the rep moves alone (seed
// 001: "没有到达设定的关键节点…无法进入到下一个时期").
func TestGatedStageMove(t *testing.T) {
	h := newHarnessGated(t, salesbot.GatesApprove)
	h.command(rep, "/lead new Acme A")
	reply := text(h.command(rep, "/lead stage Acme first-visit"))
	mustContain(t, "gated", reply, "needs a manager's approval", "the need known", "/lead key Acme need")
	if s := h.lead("Acme").Stage; s != salesbot.StageLead {
		t.Fatalf("the gated move moved the lead to %s", s)
	}
	h.h.Wait()
	var asked string
	for _, c := range h.slack.Calls("chat.postMessage") {
		if c.Param("channel") == manager {
			asked = c.Param("blocks")
		}
	}
	mustContain(t, "request", asked, "Not met: the need known")
	pending, _ := h.store.PendingApprovals(t.Context(), h.team)
	if len(pending) != 1 || len(pending[0].Unmet) != 1 {
		t.Fatalf("pending %+v", pending)
	}
	h.click(manager, "approve", pending[0].ID)
	l := h.lead("Acme")
	if l.Stage != salesbot.StageFirstVisit {
		t.Fatalf("approved: stage %s", l.Stage)
	}
	hist, err := h.store.History(t.Context(), h.team, l.ID, 5)
	if err != nil || hist[0].Kind != salesbot.ChangeStage || !strings.Contains(hist[0].Reason, "override: the need known") {
		t.Fatalf("history %+v, %v", hist, err)
	}

	// The card shows the first visit's checklist, with what to do.
	card := text(h.command(rep, "/lead show Acme"))
	mustContain(t, "checklist", card, "To leave First visit", ":grey_question: the budget known", "/lead key Acme budget")

	// Met: the rep moves alone.
	for _, k := range []string{"schedule decide by 2027-01", "budget 2M", "need MES", "decision the board"} {
		h.command(rep, "/lead key Acme "+k)
	}
	mustContain(t, "confirm", text(h.command(rep, "/lead grade Acme A after the first visit")), "A")
	mustContain(t, "free", text(h.command(rep, "/lead stage Acme discovery")), "is at *Discovery")
	if s := h.lead("Acme").Stage; s != salesbot.StageDiscovery {
		t.Fatalf("met milestones: stage %s", s)
	}

	// A manager moves on regardless, and that is kept too.
	mustContain(t, "manager", text(h.command(manager, "/lead stage Acme demo")), "past unmet milestones")
	hist, _ = h.store.History(t.Context(), h.team, l.ID, 1)
	if !strings.Contains(hist[0].Reason, "override: ") {
		t.Fatalf("the manager's override is not kept: %+v", hist[0])
	}
}

// TestWarnGates: with SALESBOT_GATES=warn the rep moves on, warned.
func TestWarnGates(t *testing.T) {
	h := newHarnessGated(t, salesbot.GatesWarn)
	h.command(rep, "/lead new Acme A")
	mustContain(t, "warned", text(h.command(rep, "/lead stage Acme first-visit")), "Not yet done before leaving the stage", "the need known")
	if s := h.lead("Acme").Stage; s != salesbot.StageFirstVisit {
		t.Fatalf("warn mode: stage %s", s)
	}
}

// TestWinGatedByNegotiation: closing as won leaves negotiation, so its
// milestones hold (seed 000 商务谈判: 有"给"就应该"要"): a rep whose
// concession got nothing back is stopped; once each concession got
// something, the deal closes.
func TestWinGatedByNegotiation(t *testing.T) {
	h := newHarnessGated(t, salesbot.GatesApprove)
	h.command(rep, "/lead new Acme A")
	h.command(manager, "/lead stage Acme negotiation") // a manager moves on regardless
	mustContain(t, "no concession", h.command(rep, "/lead won Acme").Text, ":no_entry:", "the concessions logged")
	h.command(rep, "/concede Acme free training for nothing")
	mustContain(t, "nothing back", h.command(rep, "/lead won Acme").Text, ":no_entry:", "each concession with what we got for it")
	if s := h.lead("Acme").Stage; s != salesbot.StageNegotiation {
		t.Fatalf("a refused win closed the deal: %s", s)
	}
	h.command(rep, "/concede Acme 3% for a 3-year contract")
	h.command(rep, "/concede Acme 2% for a reference visit") // replaces nothing: the first still got nothing
	mustContain(t, "still", h.command(rep, "/lead won Acme").Text, ":no_entry:")
	mustContain(t, "manager closes", text(h.command(manager, "/lead won Acme")), "is won", "Moved on past unmet milestones")
	if s := h.lead("Acme").Stage; s != salesbot.StageWon {
		t.Fatalf("the manager's win: %s", s)
	}
}
