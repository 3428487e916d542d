package salesbot_test

import (
	"slices"
	"strconv"
	"testing"
	"time"

	"salesbot"
)

func TestReportSplitsThePeriodBySource(t *testing.T) {
	p := salesbot.Period{From: registered, To: registered.Add(7 * salesbot.Day)}
	in := registered.Add(time.Hour)
	lead := func(id string, src salesbot.Source, g salesbot.Grade, st salesbot.Stage, created time.Time) *salesbot.Lead {
		return &salesbot.Lead{ID: id, Company: id, Owner: "U1", CreatedBy: "U1", Grade: g, Stage: st, Source: src, CreatedAt: created}
	}
	won := lead("won", salesbot.SourceEvent, salesbot.GradeA, salesbot.StageWon, in)
	won.Value = salesbot.Amount{Minor: 180_000_000, Currency: "CNY"}
	old := lead("old", salesbot.SourceEvent, salesbot.GradeA, salesbot.StageDemo, registered.Add(-30*salesbot.Day))
	leads := []*salesbot.Lead{
		won, old,
		lead("ref", salesbot.SourceReferral, salesbot.GradeC, salesbot.StageLead, in),
		lead("none", "", salesbot.GradeB, salesbot.StageLead, in),
		lead("odd", "fax", salesbot.GradeB, salesbot.StageLost, in),
	}
	ch := func(id string, kind salesbot.ChangeKind, from, to string) salesbot.Change {
		return salesbot.Change{LeadID: id, Company: id, Kind: kind, By: "U1", At: in, From: from, To: to}
	}
	changes := []salesbot.Change{
		ch("won", salesbot.ChangeCreated, "", "A"),
		ch("old", salesbot.ChangeGrade, "B", "A"), // an older lead reaching A counts
		ch("won", salesbot.ChangeWon, "negotiation", "won"),
		ch("ref", salesbot.ChangeCreated, "", "C"),
		ch("none", salesbot.ChangeCreated, "", "B"),
		ch("odd", salesbot.ChangeCreated, "", "B"),
		{LeadID: "before", Kind: salesbot.ChangeGrade, To: "A", At: registered.Add(-salesbot.Day)}, // before the period
	}
	r := salesbot.BuildReport(salesbot.ReportInput{Leads: leads, Changes: changes, Currency: "CNY"}, p)
	want := []salesbot.SourceRow{
		{Source: salesbot.SourceReferral, New: 1, Open: 1},
		{Source: salesbot.SourceEvent, New: 1, Open: 0, ReachedA: 2, Won: 1},
		{Source: "", New: 2, Open: 1}, // no source, and one not known
	}
	if len(r.Sources) != len(want) {
		t.Fatalf("sources %+v", r.Sources)
	}
	for i, w := range want {
		g := r.Sources[i]
		if g.Source != w.Source || g.New != w.New || g.Open != w.Open || g.ReachedA != w.ReachedA || g.Won != w.Won {
			t.Errorf("row %d = %+v, want %+v", i, g, w)
		}
	}
	if v := r.Sources[1].WonValue.In("CNY"); v.Minor != 180_000_000 {
		t.Errorf("event's won value %v", v)
	}
	if r.Sources[2].Source.Label() != "Unknown" {
		t.Error("no source is not labelled Unknown")
	}
}

func TestSourceLinesFollowSourcesOrder(t *testing.T) {
	one := func(n int) salesbot.Tally {
		t := salesbot.NewTally()
		t.Open = n
		return t
	}
	lines := salesbot.SourceLines(map[string]salesbot.Tally{"web": one(1), "": one(2), "inbound": one(3), "fax": one(4)})
	var got []string
	for _, l := range lines {
		got = append(got, string(l.Source)+":"+strconv.Itoa(l.Tally.Open))
	}
	if want := []string{"inbound:3", "web:1", ":6"}; !slices.Equal(got, want) {
		t.Errorf("SourceLines = %v, want %v", got, want)
	}
}
