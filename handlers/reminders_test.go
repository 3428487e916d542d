package handlers

import (
	"strings"
	"testing"
	"time"

	"salesbot"
	"salesbot/i18n"
)

// TestReminderShowsTheDeal: a follow-up reminder shows the deal's value and
// expected close when they are set, in the reader's language, and no deal
// line when neither is.
func TestReminderShowsTheDeal(t *testing.T) {
	now := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	lead := func(v salesbot.Amount, closeBy salesbot.Date) *salesbot.Lead {
		return &salesbot.Lead{ID: "L1", Company: "Acme", Owner: "U0REP", Grade: salesbot.GradeA, Stage: salesbot.StageDemo,
			LastTouch: now.Add(-10 * salesbot.Day), Value: v, CloseBy: closeBy, NextStep: "send the quote"}
	}
	cny := salesbot.Amount{Minor: 180_000_000, Currency: "CNY"}
	march := salesbot.Date{Year: 2027, Month: 3, Day: 31}
	cases := []struct {
		name string
		lang i18n.Lang
		lead *salesbot.Lead
		want string // the line between the due line and the next step
	}{
		{"value and close date", i18n.En, lead(cny, march), ":moneybag: *¥1,800,000* · closes 2027-03-31"},
		{"value only", i18n.En, lead(cny, salesbot.Date{}), ":moneybag: *¥1,800,000*"},
		{"close date only", i18n.En, lead(salesbot.Amount{}, march), "closes 2027-03-31"},
		{"in Chinese", i18n.Zh, lead(cny, march), ":moneybag: *180万元* · 预计 2027-03-31 成交"},
		{"no deal", i18n.En, lead(salesbot.Amount{}, salesbot.Date{}), ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			lines := strings.Split(reminderText(c.lang, c.lead, salesbot.DefaultCadence(), now, time.UTC), "\n")
			if !strings.Contains(lines[0], "*Acme*") || !strings.HasSuffix(lines[len(lines)-1], "_send the quote_") {
				t.Fatalf("reminder %q: not the lead's title, due line and next step", lines)
			}
			if c.want == "" {
				if len(lines) != 3 {
					t.Errorf("a lead without a deal has lines %q, want title, due line and next step", lines)
				}
				return
			}
			if len(lines) != 4 || lines[2] != c.want {
				t.Errorf("reminder %q, want its deal line %q", lines, c.want)
			}
		})
	}
}

// TestSuggestionWords: every default maintenance action and the B question
// read in Chinese; an action a team typed is shown as typed, escaped, never
// taken for a format; the /visit that logs it names the lead as it is typed.
func TestSuggestionWords(t *testing.T) {
	for _, s := range append(salesbot.DefaultMaintenanceTexts(), salesbot.BQuestion) {
		if !i18n.Translated(s) {
			t.Errorf("no Chinese for %q", s)
		}
	}
	l := &salesbot.Lead{ID: "L1", Company: "Acme Industrial", Grade: salesbot.GradeC, Stage: salesbot.StageLead}
	typed := salesbot.Suggestion{Action: salesbot.MaintenanceAction{Kind: salesbot.KindEvent, Text: "100% <!channel> & lunch"}}
	line := suggestionLine(i18n.Zh, l, typed)
	for _, want := range []string{"建议", "100% &lt;!channel&gt; &amp; lunch", "`/visit \"Acme Industrial\" kind:event`"} {
		if !strings.Contains(line, want) {
			t.Errorf("line %q lacks %q", line, want)
		}
	}
	if strings.Contains(line, "%!") {
		t.Errorf("a typed action was taken for a format: %q", line)
	}
	if got := suggestionLine(i18n.En, l, salesbot.Suggestion{}); got != "" {
		t.Errorf("nothing to suggest reads %q", got)
	}
	b := suggestionLine(i18n.Zh, l, salesbot.Suggestion{Question: salesbot.BQuestion})
	if !strings.Contains(b, "A 级") {
		t.Errorf("the B question in Chinese: %q", b)
	}
}
