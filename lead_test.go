package salesbot_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"salesbot"
)

// later is when the tests change a lead: a week after it was registered.
var later = registered.Add(7 * salesbot.Day)

func TestNewLead(t *testing.T) {
	l, c, err := salesbot.NewLead(rep, "T1", "L1", "  Acme   Industrial ", salesbot.GradeB, registered)
	if err != nil {
		t.Fatal(err)
	}
	want := salesbot.Lead{
		ID: "L1", Team: "T1", Company: "Acme Industrial", Owner: rep.User, Grade: salesbot.GradeB,
		Stage: salesbot.StageLead, CreatedBy: rep.User, CreatedAt: registered, UpdatedAt: registered, StageSince: registered,
	}
	if !reflect.DeepEqual(*l, want) {
		t.Errorf("lead = %+v\nwant %+v", *l, want)
	}
	wantChange := salesbot.Change{LeadID: "L1", Company: "Acme Industrial", Kind: salesbot.ChangeCreated, By: rep.User, At: registered, To: "B"}
	if c != wantChange {
		t.Errorf("change = %+v\nwant %+v", c, wantChange)
	}
	if !l.Open() || !l.CanEdit(rep) || l.CanEdit(stranger) || !l.CanEdit(boss) {
		t.Errorf("a new lead is open and editable by its owner and managers only")
	}
}

func TestNewLeadAcceptsAnyScript(t *testing.T) {
	for _, name := range []string{"上海某某机械有限公司", "Müller GmbH", "株式会社 山田", strings.Repeat("中", salesbot.MaxCompanyLen)} {
		l, _, err := salesbot.NewLead(rep, "T1", "L1", name, salesbot.GradeA, registered)
		if err != nil {
			t.Errorf("NewLead(%q): %v", name, err)
			continue
		}
		if l.Company != name {
			t.Errorf("NewLead(%q) company = %q", name, l.Company)
		}
	}
}

func TestNewLeadRefuses(t *testing.T) {
	tests := []struct {
		name, company string
		grade         salesbot.Grade
		mention       string
	}{
		{"empty", "", salesbot.GradeA, "Which company?"},
		{"blank", " \t\u3000 ", salesbot.GradeA, "Which company?"},
		{"only punctuation", "!!! ...", salesbot.GradeA, "Which company?"},
		{"too long", strings.Repeat("x", salesbot.MaxCompanyLen+1), salesbot.GradeA, "121 characters"},
		{"too long in Chinese", strings.Repeat("中", salesbot.MaxCompanyLen+1), salesbot.GradeA, "121 characters"},
		{"NUL", "Acme\x00Inc", salesbot.GradeA, "cannot be shown"},
		{"escape sequence", "Acme\x1b[31m", salesbot.GradeA, "cannot be shown"},
		{"DEL", "Acme\x7f", salesbot.GradeA, "cannot be shown"},
		{"invalid UTF-8", "Acme\xff", salesbot.GradeA, "cannot be shown"},
		{"bad grade", "Acme", "E", `"E" is not a grade`},
		{"no grade", "Acme", "", "is not a grade"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, c, err := salesbot.NewLead(rep, "T1", "L1", tt.company, tt.grade, registered)
			wantCode(t, err, salesbot.EINVALID)
			wantMessage(t, err, tt.mention)
			if l != nil || c != (salesbot.Change{}) {
				t.Errorf("got %+v, %+v alongside an error", l, c)
			}
		})
	}
}

func TestCleanCompany(t *testing.T) {
	got, err := salesbot.CleanCompany("\tAcme \n Industrial  ")
	if err != nil || got != "Acme Industrial" {
		t.Errorf("CleanCompany = %q, %v; want %q", got, err, "Acme Industrial")
	}
}

func TestRegrade(t *testing.T) {
	t.Run("the owner up-grades, with the reason kept", func(t *testing.T) {
		l := newLead(t, "Acme", salesbot.GradeB)
		c, err := l.Regrade(rep, salesbot.GradeA, "  selection has started ", later)
		if err != nil {
			t.Fatal(err)
		}
		want := salesbot.Change{LeadID: "L1", Company: "Acme", Kind: salesbot.ChangeGrade, By: rep.User, At: later, From: "B", To: "A", Reason: "selection has started"}
		if c != want {
			t.Errorf("change = %+v\nwant %+v", c, want)
		}
		if l.Grade != salesbot.GradeA || !l.UpdatedAt.Equal(later) {
			t.Errorf("grade %s, updated %v; want A, %v", l.Grade, l.UpdatedAt, later)
		}
	})
	t.Run("a manager down-grades a rep's lead", func(t *testing.T) {
		l := newLead(t, "Acme", salesbot.GradeA)
		c, err := l.Regrade(boss, salesbot.GradeC, "", later)
		if err != nil {
			t.Fatal(err)
		}
		if c.By != boss.User || c.From != "A" || c.To != "C" || l.Grade != salesbot.GradeC {
			t.Errorf("change = %+v, grade %s", c, l.Grade)
		}
	})
	tests := []struct {
		name    string
		actor   salesbot.Actor
		grade   salesbot.Grade
		reason  string
		closed  bool
		code    string
		mention string
	}{
		{"same grade", rep, salesbot.GradeB, "", false, salesbot.EINVALID, "already graded B"},
		{"stranger", stranger, salesbot.GradeA, "", false, salesbot.EFORBIDDEN, "U0REP's lead"},
		{"closed lead", rep, salesbot.GradeA, "", true, salesbot.EINVALID, "closed"},
		{"closed lead, manager", boss, salesbot.GradeA, "", true, salesbot.EINVALID, "closed"},
		{"no such grade", rep, "E", "", false, salesbot.EINVALID, "not a grade"},
		{"reason too long", rep, salesbot.GradeA, strings.Repeat("x", 301), false, salesbot.EINVALID, "reason is 301 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newLead(t, "Acme", salesbot.GradeB)
			if tt.closed {
				if _, err := l.Win(boss, registered); err != nil {
					t.Fatal(err)
				}
			}
			before := *l
			_, err := l.Regrade(tt.actor, tt.grade, tt.reason, later)
			wantCode(t, err, tt.code)
			wantMessage(t, err, tt.mention)
			if !reflect.DeepEqual(*l, before) {
				t.Errorf("a refused regrade changed the lead:\n%+v\nwas\n%+v", *l, before)
			}
		})
	}
}

func TestMoveStage(t *testing.T) {
	t.Run("forward one", func(t *testing.T) {
		l := newLead(t, "Acme", salesbot.GradeA)
		c, err := l.MoveStage(rep, salesbot.StageFirstVisit, later)
		if err != nil {
			t.Fatal(err)
		}
		want := salesbot.Change{LeadID: "L1", Company: "Acme", Kind: salesbot.ChangeStage, By: rep.User, At: later, From: "lead", To: "first-visit"}
		if c != want {
			t.Errorf("change = %+v\nwant %+v", c, want)
		}
		if l.Stage != salesbot.StageFirstVisit || !l.StageSince.Equal(later) {
			t.Errorf("stage %s since %v", l.Stage, l.StageSince)
		}
	})
	t.Run("back is allowed and recorded", func(t *testing.T) {
		l := newLead(t, "Acme", salesbot.GradeA)
		l.Stage = salesbot.StageDemo
		c, err := l.MoveStage(rep, salesbot.StageFirstVisit, later)
		if err != nil || c.From != "demo" || c.To != "first-visit" || l.Stage != salesbot.StageFirstVisit {
			t.Errorf("change %+v, stage %s, err %v", c, l.Stage, err)
		}
	})
	t.Run("a manager skips", func(t *testing.T) {
		l := newLead(t, "Acme", salesbot.GradeA)
		c, err := l.MoveStage(boss, salesbot.StageQuote, later)
		if err != nil || c.By != boss.User || l.Stage != salesbot.StageQuote {
			t.Errorf("change %+v, stage %s, err %v", c, l.Stage, err)
		}
	})
	tests := []struct {
		name  string
		actor salesbot.Actor
		from  salesbot.Stage
		to    salesbot.Stage
		code  string
	}{
		{"a rep skips", rep, salesbot.StageLead, salesbot.StageDemo, salesbot.EFORBIDDEN},
		{"stranger", stranger, salesbot.StageLead, salesbot.StageFirstVisit, salesbot.EFORBIDDEN},
		{"same stage", rep, salesbot.StageDemo, salesbot.StageDemo, salesbot.EINVALID},
		{"to won", boss, salesbot.StageNegotiation, salesbot.StageWon, salesbot.EINVALID},
		{"from lost", boss, salesbot.StageLost, salesbot.StageLead, salesbot.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newLead(t, "Acme", salesbot.GradeA)
			l.Stage = tt.from
			before := *l
			_, err := l.MoveStage(tt.actor, tt.to, later)
			wantCode(t, err, tt.code)
			if !reflect.DeepEqual(*l, before) {
				t.Errorf("a refused move changed the lead:\n%+v\nwas\n%+v", *l, before)
			}
		})
	}
}

func TestWin(t *testing.T) {
	l := newLead(t, "Acme", salesbot.GradeA)
	l.Stage = salesbot.StageNegotiation
	c, err := l.Win(rep, later)
	if err != nil {
		t.Fatal(err)
	}
	want := salesbot.Change{LeadID: "L1", Company: "Acme", Kind: salesbot.ChangeWon, By: rep.User, At: later, From: "negotiation", To: "won"}
	if c != want {
		t.Errorf("change = %+v\nwant %+v", c, want)
	}
	if l.Stage != salesbot.StageWon || l.Open() || !l.ClosedAt.Equal(later) || !l.StageSince.Equal(later) {
		t.Errorf("lead = %+v", l)
	}
	_, err = l.Win(rep, later)
	wantCode(t, err, salesbot.EINVALID)
	_, err = l.Lose(rep, "changed our mind", later)
	wantCode(t, err, salesbot.EINVALID)

	other := newLead(t, "Beta", salesbot.GradeA)
	_, err = other.Win(stranger, later)
	wantCode(t, err, salesbot.EFORBIDDEN)

	// Signing comes after negotiation: a rep cannot skip there, a manager can.
	early := newLead(t, "Gamma", salesbot.GradeA)
	early.Stage = salesbot.StageDemo
	_, err = early.Win(rep, later)
	wantCode(t, err, salesbot.EFORBIDDEN)
	if early.Stage != salesbot.StageDemo {
		t.Errorf("a refused win changed the stage to %s", early.Stage)
	}
	if _, err := early.Win(boss, later); err != nil || early.Stage != salesbot.StageWon {
		t.Errorf("manager's early win: %v, stage %s", err, early.Stage)
	}
}

func TestLose(t *testing.T) {
	l := newLead(t, "Acme", salesbot.GradeB)
	l.Stage = salesbot.StageQuote
	c, err := l.Lose(rep, " went with a cheaper rival ", later)
	if err != nil {
		t.Fatal(err)
	}
	want := salesbot.Change{LeadID: "L1", Company: "Acme", Kind: salesbot.ChangeLost, By: rep.User, At: later, From: "quote", To: "lost", Reason: "went with a cheaper rival"}
	if c != want {
		t.Errorf("change = %+v\nwant %+v", c, want)
	}
	if l.Stage != salesbot.StageLost || l.LostReason != "went with a cheaper rival" || !l.ClosedAt.Equal(later) {
		t.Errorf("lead = %+v", l)
	}
	// The lead is kept, closed: nothing more can be done to it but assign it.
	_, err = l.Lose(rep, "again", later)
	wantCode(t, err, salesbot.EINVALID)

	for _, tt := range []struct {
		name   string
		actor  salesbot.Actor
		reason string
		code   string
	}{
		{"stranger", stranger, "", salesbot.EFORBIDDEN},
		{"reason too long", rep, strings.Repeat("x", 301), salesbot.EINVALID},
		{"control characters in the reason", rep, "no\x00budget", salesbot.EINVALID},
	} {
		l := newLead(t, "Beta", salesbot.GradeB)
		if _, err := l.Lose(tt.actor, tt.reason, later); salesbot.ErrorCode(err) != tt.code {
			t.Errorf("%s: error %v, want code %q", tt.name, err, tt.code)
		}
		if l.Stage != salesbot.StageLead {
			t.Errorf("%s: refused Lose moved the lead to %s", tt.name, l.Stage)
		}
	}
}

func TestAssign(t *testing.T) {
	const newRep = "U0NEW"
	t.Run("only managers assign", func(t *testing.T) {
		l := newLead(t, "Acme", salesbot.GradeA)
		changes, err := l.Assign(rep, newRep, later)
		wantCode(t, err, salesbot.EFORBIDDEN)
		wantMessage(t, err, "Only managers")
		if changes != nil || l.Owner != rep.User {
			t.Errorf("changes %+v, owner %s", changes, l.Owner)
		}
	})
	t.Run("to nobody", func(t *testing.T) {
		l := newLead(t, "Acme", salesbot.GradeA)
		_, err := l.Assign(boss, "", later)
		wantCode(t, err, salesbot.EINVALID)
	})
	t.Run("to its owner", func(t *testing.T) {
		l := newLead(t, "Acme", salesbot.GradeA)
		_, err := l.Assign(boss, rep.User, later)
		wantCode(t, err, salesbot.EINVALID)
		wantMessage(t, err, "already U0REP's lead")
	})
	t.Run("an open lead", func(t *testing.T) {
		l := newLead(t, "Acme", salesbot.GradeA)
		l.Stage = salesbot.StageDemo
		changes, err := l.Assign(boss, newRep, later)
		if err != nil {
			t.Fatal(err)
		}
		want := []salesbot.Change{{LeadID: "L1", Company: "Acme", Kind: salesbot.ChangeOwner, By: boss.User, At: later, From: rep.User, To: newRep}}
		if !reflect.DeepEqual(changes, want) {
			t.Errorf("changes = %+v\nwant %+v", changes, want)
		}
		if l.Owner != newRep || l.Stage != salesbot.StageDemo {
			t.Errorf("owner %s, stage %s; want %s, demo", l.Owner, l.Stage, newRep)
		}
		if l.CanEdit(rep) || !l.CanEdit(salesbot.Actor{User: newRep}) {
			t.Error("after assignment the old owner can still edit, or the new one cannot")
		}
	})
	t.Run("a lost lead is reopened from the pool", func(t *testing.T) {
		l := newLead(t, "Acme", salesbot.GradeC)
		l.Stage = salesbot.StageQuote
		if _, err := l.Lose(rep, "budget frozen", registered.Add(salesbot.Day)); err != nil {
			t.Fatal(err)
		}
		changes, err := l.Assign(boss, newRep, later)
		if err != nil {
			t.Fatal(err)
		}
		want := []salesbot.Change{
			{LeadID: "L1", Company: "Acme", Kind: salesbot.ChangeReopened, By: boss.User, At: later, From: "lost", To: "lead"},
			{LeadID: "L1", Company: "Acme", Kind: salesbot.ChangeOwner, By: boss.User, At: later, From: rep.User, To: newRep},
		}
		if !reflect.DeepEqual(changes, want) {
			t.Errorf("changes = %+v\nwant %+v", changes, want)
		}
		if l.Stage != salesbot.StageLead || !l.Open() || !l.ClosedAt.IsZero() || l.LostReason != "" || !l.StageSince.Equal(later) || l.Owner != newRep {
			t.Errorf("lead = %+v; want open at the first stage, owned by %s", l, newRep)
		}
	})
	t.Run("a lost lead given back to its owner is only reopened", func(t *testing.T) {
		l := newLead(t, "Acme", salesbot.GradeC)
		if _, err := l.Lose(rep, "", registered); err != nil {
			t.Fatal(err)
		}
		changes, err := l.Assign(boss, rep.User, later)
		if err != nil {
			t.Fatal(err)
		}
		if len(changes) != 1 || changes[0].Kind != salesbot.ChangeReopened || l.Stage != salesbot.StageLead {
			t.Errorf("changes = %+v, stage %s", changes, l.Stage)
		}
	})
	t.Run("a won lead stays won", func(t *testing.T) {
		l := newLead(t, "Acme", salesbot.GradeA)
		if _, err := l.Win(boss, registered); err != nil {
			t.Fatal(err)
		}
		changes, err := l.Assign(boss, newRep, later)
		if err != nil {
			t.Fatal(err)
		}
		if len(changes) != 1 || changes[0].Kind != salesbot.ChangeOwner || l.Stage != salesbot.StageWon || l.Owner != newRep {
			t.Errorf("changes = %+v, stage %s, owner %s", changes, l.Stage, l.Owner)
		}
	})
}

func TestSetFactAndUnknownFacts(t *testing.T) {
	l := newLead(t, "Acme", salesbot.GradeA)
	if got := l.UnknownFacts(); !reflect.DeepEqual(got, salesbot.KeyFacts) {
		t.Fatalf("a new lead's gaps = %v, want all six %v", got, salesbot.KeyFacts)
	}
	c, err := l.SetFact(rep, salesbot.FactBudget, " ¥2m, software and services ", later)
	if err != nil {
		t.Fatal(err)
	}
	want := salesbot.Change{LeadID: "L1", Company: "Acme", Kind: salesbot.ChangeFact, By: rep.User, At: later, To: "¥2m, software and services", Reason: "budget"}
	if c != want {
		t.Errorf("change = %+v\nwant %+v", c, want)
	}
	if f := l.Facts[salesbot.FactBudget]; f.Text != "¥2m, software and services" || f.UpdatedBy != rep.User || !f.UpdatedAt.Equal(later) {
		t.Errorf("budget = %+v", f)
	}
	wantGaps := []salesbot.KeyFact{salesbot.FactSchedule, salesbot.FactNeed, salesbot.FactDecision, salesbot.FactCompetition, salesbot.FactCriteria}
	if got := l.UnknownFacts(); !reflect.DeepEqual(got, wantGaps) {
		t.Errorf("gaps = %v, want %v", got, wantGaps)
	}

	// A manager corrects it: the history shows what it was.
	c, err = l.SetFact(boss, salesbot.FactBudget, "¥1.5m", later.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if c.From != "¥2m, software and services" || c.To != "¥1.5m" || c.By != boss.User {
		t.Errorf("change = %+v", c)
	}

	for _, k := range salesbot.KeyFacts {
		if _, err := l.SetFact(rep, k, "known", later); err != nil {
			t.Fatalf("SetFact(%s): %v", k, err)
		}
	}
	if got := l.UnknownFacts(); len(got) != 0 {
		t.Errorf("gaps = %v after recording all six", got)
	}
}

func TestSetFactRefuses(t *testing.T) {
	tests := []struct {
		name  string
		actor salesbot.Actor
		text  string
		code  string
	}{
		{"empty", rep, "", salesbot.EINVALID},
		{"blank", rep, " \n\t ", salesbot.EINVALID},
		{"too long", rep, strings.Repeat("x", salesbot.MaxTextLen+1), salesbot.EINVALID},
		{"control characters", rep, "a\x07b", salesbot.EINVALID},
		{"stranger", stranger, "they have ¥2m", salesbot.EFORBIDDEN},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newLead(t, "Acme", salesbot.GradeA)
			_, err := l.SetFact(tt.actor, salesbot.FactBudget, tt.text, later)
			wantCode(t, err, tt.code)
			if len(l.Facts) != 0 {
				t.Errorf("a refused fact was recorded: %+v", l.Facts)
			}
		})
	}
	// Newlines are kept in a fact: a need is often a list.
	l := newLead(t, "Acme", salesbot.GradeA)
	if _, err := l.SetFact(rep, salesbot.FactNeed, "MRP\nfinance\tmodule", later); err != nil || l.Facts[salesbot.FactNeed].Text != "MRP\nfinance\tmodule" {
		t.Errorf("need = %q, %v", l.Facts[salesbot.FactNeed].Text, err)
	}
}

func TestParseKeyFact(t *testing.T) {
	tests := []struct {
		in   string
		want salesbot.KeyFact
	}{
		{"schedule", salesbot.FactSchedule}, {"Timeline", salesbot.FactSchedule}, {"时间表", salesbot.FactSchedule},
		{"BUDGET", salesbot.FactBudget}, {"预算", salesbot.FactBudget},
		{"need", salesbot.FactNeed}, {"needs", salesbot.FactNeed}, {"需求", salesbot.FactNeed},
		{"decision", salesbot.FactDecision}, {"决策", salesbot.FactDecision},
		{"competition", salesbot.FactCompetition}, {"competitors", salesbot.FactCompetition}, {"竞争", salesbot.FactCompetition},
		{" criteria ", salesbot.FactCriteria}, {"关键评估项", salesbot.FactCriteria},
	}
	for _, tt := range tests {
		if got, err := salesbot.ParseKeyFact(tt.in); err != nil || got != tt.want {
			t.Errorf("ParseKeyFact(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	_, err := salesbot.ParseKeyFact("price")
	wantCode(t, err, salesbot.EINVALID)
	wantMessage(t, err, "schedule, budget, need, decision, competition, criteria")

	labels := map[salesbot.KeyFact]string{salesbot.FactBudget: "Budget", salesbot.FactDecision: "Decision process", salesbot.FactCriteria: "Key criteria"}
	for k, want := range labels {
		if got := k.Label(); got != want {
			t.Errorf("%s.Label() = %q, want %q", k, got, want)
		}
	}
}

func TestLeadJSONRoundTrip(t *testing.T) {
	l := newLead(t, "上海某某机械有限公司", salesbot.GradeB)
	if _, err := l.SetFact(rep, salesbot.FactNeed, "MRP", later); err != nil {
		t.Fatal(err)
	}
	if _, err := l.SetStakeholder(rep, salesbot.Stakeholder{Name: "王总", Role: salesbot.RoleEconomicBuyer, Influence: salesbot.InfluenceHigh, Support: 2}, later); err != nil {
		t.Fatal(err)
	}
	l.Schedule(salesbot.DefaultCadence())
	b, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	// Unset times stay out of the stored record.
	for _, absent := range []string{"last_touch", "next_step_due", "closed_at"} {
		if strings.Contains(string(b), `"`+absent+`"`) {
			t.Errorf("JSON has %q although it is unset: %s", absent, b)
		}
	}
	var back salesbot.Lead
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, *l) {
		t.Errorf("round trip:\n%+v\nwant\n%+v", back, *l)
	}
}

func TestNewLeadRefusesInvisibleName(t *testing.T) {
	for _, name := range []string{"\u200b", "\ufeff", "\u200b\u200d"} {
		_, _, err := salesbot.NewLead(rep, "T1", "L1", name, salesbot.GradeA, registered)
		wantCode(t, err, salesbot.EINVALID)
	}
}
