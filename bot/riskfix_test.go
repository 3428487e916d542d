package bot_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"salesbot"
)

// shape sets a lead's records as the test needs them (the risks come from
// the records; how they got there is other tests' business).
func (h *harness) shape(company string, fn func(l *salesbot.Lead)) *salesbot.Lead {
	h.t.Helper()
	l, err := h.store.UpdateLead(h.t.Context(), h.team, h.lead(company).ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		fn(l)
		return salesbot.Update{}, nil
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return l
}

// riskButtons are the risk buttons among a message's blocks: value →
// action ID.
func riskButtons(t *testing.T, blocksJSON string) map[string]string {
	t.Helper()
	buttons := map[string]string{}
	for action, values := range actionValues(t, blocksJSON) {
		if strings.HasPrefix(action, "risk_fix") {
			for _, v := range values {
				buttons[v] = action
			}
		}
	}
	return buttons
}

// buttonFor finds the button of a risk of kind among buttons.
func buttonFor(t *testing.T, buttons map[string]string, lead string, kind salesbot.RiskKind) (action, value string) {
	t.Helper()
	for v, a := range buttons {
		if strings.HasPrefix(v, lead+"|"+string(kind)) {
			return a, v
		}
	}
	t.Fatalf("no %s button among %v", kind, buttons)
	return "", ""
}

// filledIn reads what a form sent to views.open shows filled in: block ID →
// a text input's initial value or a menu's chosen option.
func filledIn(t *testing.T, view string) (callback string, values map[string]string) {
	t.Helper()
	var v struct {
		CallbackID string `json:"callback_id"`
		Blocks     []struct {
			BlockID string `json:"block_id"`
			Element struct {
				InitialValue  string `json:"initial_value"`
				InitialOption *struct {
					Value string `json:"value"`
				} `json:"initial_option"`
			} `json:"element"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal([]byte(view), &v); err != nil {
		t.Fatalf("view: %v: %s", err, view)
	}
	values = map[string]string{}
	for _, b := range v.Blocks {
		values[b.BlockID] = b.Element.InitialValue
		if o := b.Element.InitialOption; o != nil {
			values[b.BlockID] = o.Value
		}
	}
	return v.CallbackID, values
}

// TestRiskButtonsOpenTheirForms: each risk on a card carries a button that,
// pressed by the lead's owner, opens at once the form fixing it, filled in
// (issue 11; INTERFACE.md).
func TestRiskButtonsOpenTheirForms(t *testing.T) {
	h := newHarness(t)
	day := salesbot.Day
	eb := salesbot.Stakeholder{Name: "Wang Li", Role: salesbot.RoleEconomicBuyer, Influence: salesbot.InfluenceHigh, Support: 1, ContactDepth: salesbot.DepthDeep}
	coach := salesbot.Stakeholder{Name: "Chen Jun", Role: salesbot.RoleCoach, Influence: salesbot.InfluenceMedium, Support: 3, ContactDepth: salesbot.DepthDeep}
	devil := salesbot.Stakeholder{Name: "Zhang <Wei>", Role: salesbot.RoleTechnicalBuyer, Influence: salesbot.InfluenceHigh, Support: -2, ContactDepth: salesbot.DepthSeveral}
	// Each case's lead starts as a B lead at discovery, touched today, its
	// need known, with an economic buyer and a coach: only the case's change
	// makes a risk.
	cases := []struct {
		kind   salesbot.RiskKind
		change func(l *salesbot.Lead)
		cb     string
		want   map[string]string
	}{
		{salesbot.RiskNoCoach, func(l *salesbot.Lead) { l.Stakeholders = l.Stakeholders[:1] },
			"stance", map[string]string{"role": "coach", "person": ""}},
		{salesbot.RiskNoEconomicBuyer, func(l *salesbot.Lead) { l.Stakeholders = l.Stakeholders[1:] },
			"stance", map[string]string{"role": "eb", "person": ""}},
		{salesbot.RiskEconomicBuyerThin, func(l *salesbot.Lead) { l.Stakeholders[0].ContactDepth = salesbot.DepthBrief },
			"visit", map[string]string{"met": "Wang Li"}},
		{salesbot.RiskDevil, func(l *salesbot.Lead) { l.Stakeholders = append(l.Stakeholders, devil) },
			"stance", map[string]string{"person": "Zhang <Wei>", "role": "tb", "influence": "high", "support": "-2", "depth": "several"}},
		{salesbot.RiskOnlyLow, func(l *salesbot.Lead) {
			l.Stakeholders[1].Influence, l.Stakeholders[1].LastMet = salesbot.InfluenceLow, now.Add(-2*day)
		}, "visit", map[string]string{"met": ""}},
		{salesbot.RiskFactsMissing, func(l *salesbot.Lead) { delete(l.Facts, salesbot.FactNeed) },
			"lead_key", map[string]string{"fact": "schedule"}},
		{salesbot.RiskGradeVsSchedule, func(l *salesbot.Lead) { l.Grade, l.CloseBy = salesbot.GradeD, salesbot.DateOf(now.Add(30*day)) },
			"lead_grade", map[string]string{"grade": "A"}},
		{salesbot.RiskStuck, func(l *salesbot.Lead) { l.StageSince = now.Add(-60 * day) },
			"lead_stage", map[string]string{"stage": ""}},
		{salesbot.RiskOverdue, func(l *salesbot.Lead) { l.LastTouch, l.NextStepDue = now.Add(-40*day), now.Add(-30*day) },
			"visit", map[string]string{"met": ""}},
		{salesbot.RiskClosePassed, func(l *salesbot.Lead) { l.CloseBy = salesbot.DateOf(now.Add(-10 * day)) },
			"lead_deal", map[string]string{}},
		{salesbot.RiskAtRisk, func(l *salesbot.Lead) { l.AtRisk = true },
			"lead_deal", map[string]string{}},
	}
	for _, c := range cases {
		t.Run(string(c.kind), func(t *testing.T) {
			company := "Risky " + string(c.kind)
			h.command(rep, `/lead new "`+company+`" B`)
			l := h.shape(company, func(l *salesbot.Lead) {
				l.Stage, l.StageSince, l.LastTouch = salesbot.StageDiscovery, now.Add(-day), now
				l.Facts = map[salesbot.KeyFact]salesbot.Fact{salesbot.FactNeed: {Text: "ERP"}}
				l.Stakeholders = []salesbot.Stakeholder{eb, coach}
				c.change(l)
			})
			card := h.command(rep, `/lead show "`+company+`"`)
			raw, _ := json.Marshal(card.Blocks)
			action, v := buttonFor(t, riskButtons(t, string(raw)), l.ID, c.kind)
			if strings.Contains(v, "Wang") || strings.Contains(v, "Zhang") {
				t.Errorf("a button carries a name: %q", v)
			}
			before := len(h.slack.Calls("views.open"))
			h.click(rep, action, v)
			opened := h.slack.WaitFor(t, "views.open", before+1)[before]
			cb, got := filledIn(t, opened.Param("view"))
			if cb != c.cb || got["company"] != company {
				t.Fatalf("opened %q for %q, want %q for %q", cb, got["company"], c.cb, company)
			}
			for block, want := range c.want {
				if got[block] != want {
					t.Errorf("%s shows %q, want %q", block, got[block], want)
				}
			}
		})
	}
}

// TestRiskButtonRefusals: a risk button pressed by another rep, or by its
// rep once the lead has changed hands, opens no form and says the lead is
// not theirs, naming no one; a manager's opens it. A risk fixed since the
// card was drawn still opens its form.
func TestRiskButtonRefusals(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Guarded B")
	h.command(rep, "/lead stage Guarded first-visit")
	h.command(rep, `/stance Guarded "Wang Li" eb high +1 deep`)
	l := h.lead("Guarded")
	raw, _ := json.Marshal(h.command(rep, "/lead show Guarded").Blocks)
	action, v := buttonFor(t, riskButtons(t, string(raw)), l.ID, salesbot.RiskNoCoach)

	refused := func(who, what string) {
		t.Helper()
		forms, said := len(h.slack.Calls("views.open")), len(h.slack.Calls("response"))
		h.click(who, action, v)
		reply := h.slack.WaitFor(t, "response", said+1)[said].Text()
		mustContain(t, what, reply, ":no_entry:", "only its owner and managers")
		if strings.Contains(reply, "Wang Li") || strings.Contains(reply, "Guarded") {
			t.Errorf("%s: the refusal names the lead or its people: %s", what, reply)
		}
		if n := len(h.slack.Calls("views.open")); n != forms {
			t.Errorf("%s: %d forms opened", what, n-forms)
		}
	}
	refused(other, "another rep")

	// The manager may; then the lead goes to the other rep, and its first
	// rep's button opens nothing.
	h.click(manager, action, v)
	if _, got := filledIn(t, h.slack.WaitFor(t, "views.open", 1)[0].Param("view")); got["role"] != "coach" {
		t.Errorf("the manager's form: role %q", got["role"])
	}
	mustContain(t, "assign", text(h.command(manager, "/lead assign Guarded <@"+other+"|other>")), "lead now")
	refused(rep, "the lead's former rep")

	// Fixed since: the coach is there; the new owner's click still opens
	// the stakeholder form with the role Coach.
	h.command(other, `/stance Guarded "Chen Jun" coach medium +3`)
	h.click(other, action, v)
	if cb, got := filledIn(t, h.slack.WaitFor(t, "views.open", 2)[1].Param("view")); cb != "stance" || got["role"] != "coach" {
		t.Errorf("a fixed risk's button: %s with role %q", cb, got["role"])
	}

	// A value this version cannot read opens nothing and says so.
	said := len(h.slack.Calls("response"))
	h.click(other, action, l.ID)
	mustContain(t, "mangled", h.slack.WaitFor(t, "response", said+1)[said].Text(), "out of date")
	if n := len(h.slack.Calls("views.open")); n != 2 {
		t.Errorf("a mangled button opened a form (%d)", n)
	}
}

// TestRiskButtonsInReminderAndDigest: a reminder carries its risks' fixes
// beside Log visit and Snooze (the overdue one is Log visit itself), and
// the manager's digest carries each lead's; pressed, they open the filled
// in forms.
func TestRiskButtonsInReminderAndDigest(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Remindful A")
	h.command(rep, "/lead stage Remindful first-visit")
	h.command(rep, `/stance Remindful "Wang Li" eb high +1 brief`)
	l := h.lead("Remindful")

	msg := h.remind(rep, "Remindful")
	buttons := riskButtons(t, msg.Param("blocks"))
	mustContain(t, "reminder", msg.Text(), "reminder_visit", "reminder_snooze", "Log visit with Wang Li", "Add a coach")
	action, v := buttonFor(t, buttons, l.ID, salesbot.RiskEconomicBuyerThin)
	h.clickIn(rep, msg.Channel, msg.TS, action, v)
	if cb, got := filledIn(t, h.slack.WaitFor(t, "views.open", 1)[0].Param("view")); cb != "visit" || got["met"] != "Wang Li" || got["company"] != "Remindful" {
		t.Errorf("the reminder's risk button opened %s with %v", cb, got)
	}

	digest := h.command(manager, "/salesbot digest")
	raw, _ := json.Marshal(digest.Blocks)
	action, v = buttonFor(t, riskButtons(t, string(raw)), l.ID, salesbot.RiskNoCoach)
	h.click(manager, action, v)
	if cb, got := filledIn(t, h.slack.WaitFor(t, "views.open", 2)[1].Param("view")); cb != "stance" || got["role"] != "coach" || got["company"] != "Remindful" {
		t.Errorf("the digest's risk button opened %s with %v", cb, got)
	}

	// The form submitted fixes the risk: the card has no coach risk left.
	if status, body := h.submit(rep, "stance", map[string]slack.BlockAction{"company": value("Remindful"), "person": value("Chen Jun"),
		"role": option("coach"), "influence": option("medium"), "support": option("+2")}); status != 200 || len(body) != 0 {
		t.Fatalf("stance form: %d %s", status, body)
	}
	if strings.Contains(text(h.command(rep, "/lead show Remindful")), "No coach") {
		t.Error("the coach recorded through the risk's form left the risk on the card")
	}
}
