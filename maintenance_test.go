package salesbot_test

import (
	"fmt"
	"testing"
	"time"

	"salesbot"
)

// TestSuggestionsRotate: a C or D lead's reminders suggest its grade's
// actions in turn, never the same twice in a row, whatever the list's
// length (two or more) and wherever the lead starts; a list of one can only
// repeat.
func TestSuggestionsRotate(t *testing.T) {
	plan := salesbot.DefaultMaintenance()
	for _, g := range salesbot.MaintenanceGrades {
		for n := 2; n <= len(plan[g]); n++ {
			list := plan[g][:n]
			for i := range 20 {
				l := &salesbot.Lead{ID: fmt.Sprintf("lead%d", i), Grade: g, Stage: salesbot.StageLead}
				seen := map[string]int{}
				prev := ""
				for range 3 * n {
					s := salesbot.SuggestionFor(l, salesbot.MaintenancePlan{g: list})
					if s.Action.Text == "" || s.Question != "" {
						t.Fatalf("grade %s: suggestion %+v, want an action", g, s)
					}
					if s.Action.Text == prev {
						t.Fatalf("grade %s, list of %d, lead %s: %q twice in a row", g, n, l.ID, prev)
					}
					seen[s.Action.Text]++
					prev = s.Action.Text
					l.MarkSuggested(s.Action)
				}
				if len(seen) != n {
					t.Errorf("grade %s, list of %d: %d different suggestions over %d reminders, want every one", g, n, len(seen), 3*n)
				}
			}
		}
	}
	// A last suggestion the team has since taken off its list starts the
	// lead again somewhere on the new one.
	l := &salesbot.Lead{ID: "x", Grade: salesbot.GradeC, Suggested: "an action no longer listed"}
	if s := salesbot.SuggestionFor(l, plan); s.Action.Text == "" {
		t.Error("a lead whose last suggestion is gone gets none")
	}
}

// TestSuggestionByGrade: A gets nothing (active selling), B the question that
// catches the move to A, C and D an action from their own list (the
// default when the team set none), a closed lead nothing.
func TestSuggestionByGrade(t *testing.T) {
	custom := salesbot.MaintenancePlan{salesbot.GradeC: {{Kind: salesbot.KindEvent, Text: "spring seminar"}}}
	cases := []struct {
		grade    salesbot.Grade
		stage    salesbot.Stage
		plan     salesbot.MaintenancePlan
		action   string
		question bool
	}{
		{salesbot.GradeA, salesbot.StageDemo, nil, "", false},
		{salesbot.GradeB, salesbot.StageDemo, nil, "", true},
		{salesbot.GradeC, salesbot.StageLead, custom, "spring seminar", false},
		{salesbot.GradeD, salesbot.StageLead, custom, "default", false},
		{salesbot.GradeC, salesbot.StageLost, custom, "", false},
	}
	for _, c := range cases {
		l := &salesbot.Lead{ID: "L1", Grade: c.grade, Stage: c.stage}
		s := salesbot.SuggestionFor(l, c.plan)
		switch {
		case c.question != (s.Question == salesbot.BQuestion):
			t.Errorf("grade %s: question %q", c.grade, s.Question)
		case c.action == "" && s.Action.Text != "":
			t.Errorf("grade %s at %s: suggests %q, want nothing", c.grade, c.stage, s.Action.Text)
		case c.action == "default" && s.Action.Kind == "":
			t.Errorf("grade %s: suggests %+v, want a default action with its kind", c.grade, s.Action)
		case c.action != "" && c.action != "default" && s.Action.Text != c.action:
			t.Errorf("grade %s: suggests %q, want %q", c.grade, s.Action.Text, c.action)
		}
	}
}

// TestParseMaintenanceList: items split on semicolons (Chinese too) or lines,
// a leading kind read in English or Chinese, repeats dropped; an empty or
// overlong list refused.
func TestParseMaintenanceList(t *testing.T) {
	got, err := salesbot.ParseMaintenanceList("news: send the trends report；活动：春季研讨会; a plain idea\nnews: send the trends report; ratio: 3:1 discount")
	if err != nil {
		t.Fatal(err)
	}
	want := []salesbot.MaintenanceAction{
		{Kind: salesbot.KindNews, Text: "send the trends report"},
		{Kind: salesbot.KindEvent, Text: "春季研讨会"},
		{Text: "a plain idea"},
		{Text: "ratio: 3:1 discount"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	for _, bad := range []string{"", " ; ；", "a;b;c;d;e;f;g;h;i;j;k;l;m"} {
		if _, err := salesbot.ParseMaintenanceList(bad); salesbot.ErrorCode(err) != salesbot.EINVALID {
			t.Errorf("ParseMaintenanceList(%q): %v, want EINVALID", bad, err)
		}
	}
}

// TestVisitKindWords: `/visit … kind:` takes every kind by name and the
// other words for it, English or Chinese; an unknown one is refused naming
// the kinds; a call or a greeting never takes anyone deeper than a brief
// contact, a reference visit does.
func TestVisitKindWords(t *testing.T) {
	today := salesbot.Date{Year: 2026, Month: 12, Day: 3}
	for text, want := range map[string]salesbot.VisitKind{
		"sent the report kind:news":     salesbot.KindNews,
		"kind: seminar invited the CFO": salesbot.KindEvent,
		"方式:贺卡 中秋":                      salesbot.KindGreeting,
		"kind:ＣＡＳＥ sent it":             salesbot.KindCase,
		"kind:参观 took them to Acme":     salesbot.KindReference,
		"no kind given":                 "",
	} {
		vt, err := salesbot.ParseVisitText(mustFields(t, text), today)
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		if vt.Kind != want {
			t.Errorf("%q: kind %q, want %q", text, vt.Kind, want)
		}
		if want != "" && (vt.Notes == "" || vt.Notes == text) {
			t.Errorf("%q: notes %q, want the rest without the kind", text, vt.Notes)
		}
	}
	for _, bad := range []string{"kind:", "kind:lunch notes"} {
		if _, err := salesbot.ParseVisitText(mustFields(t, bad), today); salesbot.ErrorCode(err) != salesbot.EINVALID {
			t.Errorf("%q: %v, want EINVALID", bad, err)
		}
	}

	now := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	for kind, depth := range map[salesbot.VisitKind]salesbot.ContactDepth{
		salesbot.KindGreeting: salesbot.DepthBrief, salesbot.KindReference: salesbot.DepthSeveral,
	} {
		l := &salesbot.Lead{ID: "L1", Owner: "U1", Grade: salesbot.GradeC, Stage: salesbot.StageLead,
			Stakeholders: []salesbot.Stakeholder{{Name: "Wang Li", ContactDepth: salesbot.DepthBrief}}}
		v := &salesbot.Visit{Kind: kind, Met: []string{"Wang Li"}}
		if _, err := l.RecordVisit(salesbot.Actor{User: "U1"}, v, time.UTC, now); err != nil {
			t.Fatal(err)
		}
		if got := l.Stakeholders[0].ContactDepth; got != depth {
			t.Errorf("a %s took a brief contact to %s, want %s", kind, got, depth)
		}
	}
}
