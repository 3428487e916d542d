package salesbot_test

import (
	"strings"
	"testing"

	"salesbot"
)

func TestParseStage(t *testing.T) {
	tests := []struct {
		in   string
		want salesbot.Stage
	}{
		{"lead", salesbot.StageLead},
		{"first-visit", salesbot.StageFirstVisit},
		{"First Visit", salesbot.StageFirstVisit},
		{"first_visit", salesbot.StageFirstVisit},
		{"FIRST-VISIT", salesbot.StageFirstVisit},
		{"first  visit", salesbot.StageFirstVisit},
		{"firstvisit", salesbot.StageFirstVisit},
		{"discovery", salesbot.StageDiscovery},
		{" demo ", salesbot.StageDemo},
		{"ｄｅｍｏ", salesbot.StageDemo},
		{"quote", salesbot.StageQuote},
		{"proposal", salesbot.StageQuote},
		{"objections", salesbot.StageObjections},
		{"negotiation", salesbot.StageNegotiation},
		// The seed's own names (DOMAIN.md §5).
		{"取得潜在客户名单", salesbot.StageLead},
		{"初访", salesbot.StageFirstVisit},
		{"交流", salesbot.StageDiscovery},
		{"演示", salesbot.StageDemo},
		{"正式书面报价", salesbot.StageQuote},
		{"报价", salesbot.StageQuote},
		{"疑虑排除", salesbot.StageObjections},
		{"商务谈判", salesbot.StageNegotiation},
	}
	for _, tt := range tests {
		got, err := salesbot.ParseStage(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseStage(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestParseStageRefusesClosedOutcomes(t *testing.T) {
	// Won and lost are not stages one moves to: the reply says which command
	// closes the deal.
	tests := []struct{ in, hint string }{
		{"won", "won closes a deal"},
		{"Won", "won closes a deal"},
		{" LOST ", "closes a deal"},
	}
	for _, tt := range tests {
		st, err := salesbot.ParseStage(tt.in)
		wantCode(t, err, salesbot.EINVALID)
		if st != "" {
			t.Errorf("ParseStage(%q) = %q alongside an error", tt.in, st)
		}
		wantMessage(t, err, tt.hint)
	}
}

func TestParseStageRefusesUnknown(t *testing.T) {
	for _, in := range []string{"", "closing-won", "stage 9", "signed", "签约"} {
		_, err := salesbot.ParseStage(in)
		wantCode(t, err, salesbot.EINVALID)
		// The reply lists the stages one can write.
		wantMessage(t, err, "lead, first-visit, discovery, demo, quote, objections, negotiation")
	}
}

func TestStageOrder(t *testing.T) {
	want := []salesbot.Stage{"lead", "first-visit", "discovery", "demo", "quote", "objections", "negotiation"}
	if len(salesbot.Stages) != len(want) {
		t.Fatalf("Stages = %v, want %v", salesbot.Stages, want)
	}
	for i, st := range want {
		if salesbot.Stages[i] != st || st.Index() != i {
			t.Errorf("stage %d: Stages has %q, %q.Index() = %d", i, salesbot.Stages[i], st, st.Index())
		}
		if st.Closed() {
			t.Errorf("%q.Closed() = true", st)
		}
	}
	for _, st := range []salesbot.Stage{salesbot.StageWon, salesbot.StageLost} {
		if !st.Closed() || st.Index() != -1 {
			t.Errorf("%q: Closed() = %v, Index() = %d; want true, -1", st, st.Closed(), st.Index())
		}
	}
	names := map[salesbot.Stage]string{salesbot.StageFirstVisit: "First visit", salesbot.StageWon: "Won", "bogus": "bogus"}
	for st, want := range names {
		if got := st.Name(); got != want {
			t.Errorf("%q.Name() = %q, want %q", st, got, want)
		}
	}
}

func TestCheckStageMove(t *testing.T) {
	const (
		lead   = salesbot.StageLead
		first  = salesbot.StageFirstVisit
		disc   = salesbot.StageDiscovery
		demo   = salesbot.StageDemo
		quote  = salesbot.StageQuote
		negot  = salesbot.StageNegotiation
		won    = salesbot.StageWon
		lost   = salesbot.StageLost
		asRep  = false
		asBoss = true
	)
	tests := []struct {
		name     string
		from, to salesbot.Stage
		manager  bool
		want     salesbot.StageMove
		code     string
	}{
		{"forward one", lead, first, asRep, salesbot.MoveForward, ""},
		{"forward one to quote, rep", demo, quote, asRep, 0, salesbot.EFORBIDDEN},
		{"forward one to quote, manager", demo, quote, asBoss, salesbot.MoveForward, ""},
		{"back to quote, rep (a new quote)", negot, quote, asRep, 0, salesbot.EFORBIDDEN},
		{"back from quote, rep", quote, demo, asRep, salesbot.MoveBack, ""},
		{"forward one, manager", lead, first, asBoss, salesbot.MoveForward, ""},
		{"back one", quote, demo, asRep, salesbot.MoveBack, ""},
		{"back several", negot, lead, asRep, salesbot.MoveBack, ""},
		{"same stage", demo, demo, asRep, 0, salesbot.EINVALID},
		{"same stage, manager", demo, demo, asBoss, 0, salesbot.EINVALID},
		{"skip one, rep", lead, disc, asRep, 0, salesbot.EFORBIDDEN},
		{"skip to the end, rep", lead, negot, asRep, 0, salesbot.EFORBIDDEN},
		{"skip one, manager", lead, disc, asBoss, salesbot.MoveSkip, ""},
		{"skip to the end, manager", first, negot, asBoss, salesbot.MoveSkip, ""},
		{"from won", won, negot, asBoss, 0, salesbot.EINVALID},
		{"from lost", lost, lead, asRep, 0, salesbot.EINVALID},
		{"to won", negot, won, asBoss, 0, salesbot.EINVALID},
		{"to lost", negot, lost, asRep, 0, salesbot.EINVALID},
		{"to nowhere", lead, "bogus", asBoss, 0, salesbot.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := salesbot.CheckStageMove(tt.from, tt.to, tt.manager)
			wantCode(t, err, tt.code)
			if err == nil && got != tt.want {
				t.Errorf("CheckStageMove(%s, %s, manager=%v) = %v, want %v", tt.from, tt.to, tt.manager, got, tt.want)
			}
		})
	}
}

func TestCheckStageMoveSaysWhatIsNext(t *testing.T) {
	_, err := salesbot.CheckStageMove(salesbot.StageDiscovery, salesbot.StageObjections, false)
	wantCode(t, err, salesbot.EFORBIDDEN)
	wantMessage(t, err, "from Discovery the next is Demo", "Objections", "manager")

	_, err = salesbot.CheckStageMove(salesbot.StageLost, salesbot.StageLead, false)
	wantMessage(t, err, "closed (Lost)", "reassign")
}

func TestApprovalNeeded(t *testing.T) {
	tests := []struct {
		from, to salesbot.Stage
		want     string // a word of the reason, or "" for none
	}{
		{salesbot.StageLead, salesbot.StageFirstVisit, ""},
		{salesbot.StageDemo, salesbot.StageQuote, "quote"},
		{salesbot.StageNegotiation, salesbot.StageQuote, "quote"},
		{salesbot.StageQuote, salesbot.StageObjections, ""},
		{salesbot.StageLead, salesbot.StageDiscovery, "skipping"},
		{salesbot.StageFirstVisit, salesbot.StageQuote, "skipping"},
		{salesbot.StageNegotiation, salesbot.StageLead, ""},
		{salesbot.StageWon, salesbot.StageLead, ""},
	}
	for _, tt := range tests {
		got := salesbot.ApprovalNeeded(tt.from, tt.to)
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("ApprovalNeeded(%s, %s) = %q, want %q", tt.from, tt.to, got, tt.want)
		}
	}
}
