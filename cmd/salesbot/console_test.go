package main

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"salesbot"
	"salesbot/internal/redistest"
	"salesbot/store"
)

func TestMain(m *testing.M) { redistest.Main(m) }

// session is one run of the console with scripted input.
type session struct {
	out     string
	replies []string // what followed each main prompt, in order
}

// reply returns what followed the i-th line typed at the main prompt
// (0-based).
func (s session) reply(t *testing.T, i int) string {
	t.Helper()
	if i >= len(s.replies) {
		t.Fatalf("no reply to line %d; the session was:\n%s", i, s.out)
	}
	return s.replies[i]
}

// runScript runs the console with args and env, types lines, and returns
// what it printed. The console must end cleanly at the end of its input.
func runScript(t *testing.T, env map[string]string, args []string, lines ...string) session {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var out bytes.Buffer
	getenv := func(k string) string { return env[k] }
	in := strings.NewReader(strings.Join(lines, "\n") + "\n")
	if err := runConsole(ctx, args, getenv, in, &out); err != nil {
		t.Fatalf("runConsole: %v\n%s", err, out.String())
	}
	s := session{out: out.String()}
	for _, part := range strings.Split(s.out, "\nsalesbot (@")[1:] {
		_, reply, _ := strings.Cut(part, "\n") // drop the rest of the prompt line
		s.replies = append(s.replies, reply)
	}
	if strings.Contains(s.out, "\x1b[") {
		t.Errorf("output to a non-terminal has ANSI codes:\n%q", s.out)
	}
	return s
}

// onRedis returns the environment of a console on the test's real Redis,
// and a fresh team for it.
func onRedis(t *testing.T) (map[string]string, string) {
	return map[string]string{"REDIS_URL": redistest.URL(t)}, redistest.Team(t)
}

// leadNamed reads a lead from the test Redis as the store has it.
func leadNamed(t *testing.T, team, company string) *salesbot.Lead {
	t.Helper()
	ctx := context.Background()
	st := store.New(redistest.Client(t))
	ids, err := st.LeadIDsByName(ctx, team, []string{salesbot.NormalizeCompany(company)})
	if err != nil {
		t.Fatal(err)
	}
	id, ok := ids[salesbot.NormalizeCompany(company)]
	if !ok {
		t.Fatalf("no lead %q in team %s", company, team)
	}
	l, err := st.Lead(ctx, team, id)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func mustContain(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s: want %q in:\n%s", what, w, got)
		}
	}
}

func today() salesbot.Date { return salesbot.DateOf(time.Now().UTC()) }

func TestConsoleCommandsKeepLeadInRedis(t *testing.T) {
	env, team := onRedis(t)
	next := today().AddDays(7)
	s := runScript(t, env, []string{"--team", team, "--tz", "UTC"},
		`/lead new "Acme Industrial" B`,
		`/visit Acme today met the CFO next: `+next.String()+` send quote`,
		`/stance Acme "Wang Li" eb high +2`,
		`/lead show Acme`,
	)
	mustContain(t, "banner", s.out, "Redis: redis://", "(REDIS_URL)")
	mustContain(t, "/lead new", s.reply(t, 0), "✅ Acme Industrial is your lead now, graded B")
	mustContain(t, "/visit", s.reply(t, 1), "Logged a visit with Acme Industrial on "+today().String(), "send quote")
	mustContain(t, "/stance", s.reply(t, 2), "Wang Li at Acme Industrial: Economic buyer")
	mustContain(t, "/lead show", s.reply(t, 3),
		"Acme Industrial\n═══", "Owner: @U0CONSOLE", "Grade: B", "Wang Li — Economic buyer · high influence · +2",
		"Next touch: "+next.String(), "send quote", "met the CFO", "[1] Log visit  [2] Add stakeholder  [3] Regrade ▾", "[5] Deal  [6] Forecast ▾")

	l := leadNamed(t, team, "Acme Industrial")
	if l.Owner != defaultUser || l.Grade != salesbot.GradeB || l.NextStep != "send quote" || salesbot.DateOf(l.NextStepDue) != next {
		t.Errorf("lead = owner %s grade %s next %q on %v; want %s, B, send quote on %s", l.Owner, l.Grade, l.NextStep, l.NextStepDue, defaultUser, next)
	}
	p, ok := l.Stakeholder("Wang Li")
	if !ok || p.Role != salesbot.RoleEconomicBuyer || p.Influence != salesbot.InfluenceHigh || p.Support != 2 {
		t.Errorf("Wang Li = %+v, %v; want eb, high, +2", p, ok)
	}
	visits, err := store.New(redistest.Client(t)).Visits(context.Background(), team, l.ID, 10)
	if err != nil || len(visits) != 1 || visits[0].Notes != "met the CFO" || visits[0].Date != today() {
		t.Errorf("visits = %+v, %v; want one today with notes %q", visits, err, "met the CFO")
	}
}

func TestConsoleMistakesChangeNothing(t *testing.T) {
	env, team := onRedis(t)
	s := runScript(t, env, []string{"--team", team},
		`/lead new "Acme Industrial" B`,
		`/lead grade Acme Z`,
		`:as U0OTHER`,
		`/lead grade "Acme Industrial" A`, // named whole: another rep's lead is refused, naming its owner
		`/lead show "Acme Industrial"`,
	)
	mustContain(t, "bad grade", s.reply(t, 1), `⚠️ "Z" is not a grade. Use A`)
	mustContain(t, ":as", s.reply(t, 2), "You are @U0OTHER now (rep).")
	mustContain(t, "stranger grades", s.reply(t, 3), "⛔", "Only its owner or a manager can change it")
	mustContain(t, "stranger looks", s.reply(t, 4), "⛔", "only its owner and managers can see its card")
	if !strings.Contains(s.out, "salesbot (@U0OTHER)>") {
		t.Errorf("the prompt does not show the new user:\n%s", s.out)
	}

	l := leadNamed(t, team, "Acme Industrial")
	if l.Grade != salesbot.GradeB || l.Owner != defaultUser {
		t.Errorf("lead is %s, owned by %s; want B, still %s's", l.Grade, l.Owner, defaultUser)
	}
	history, err := store.New(redistest.Client(t)).History(context.Background(), team, l.ID, 10)
	if err != nil || len(history) != 1 || history[0].Kind != salesbot.ChangeCreated {
		t.Errorf("history = %+v, %v; want only its creation", history, err)
	}
}

func TestConsoleVisitForm(t *testing.T) {
	env, team := onRedis(t)
	next := today().AddDays(5)
	s := runScript(t, env, []string{"--team", team, "--tz", "UTC"},
		`/lead new "Acme Industrial" B`,
		`/visit`,
		`Acme`,                       // Company
		today().AddDays(3).String(),  // Date: in the future, refused
		`3`,                          // Kind of touch: Demo
		``,                           // People met: no one named
		`showed the MES module`,      // Notes
		`send quote`,                 // Next step
		next.String(),                // Next step date
		``,                           // Date again: today
		`/stance`, `Acme`, `:cancel`, // a form closed without sending
		`/lead new`, `Beta Corp`, `zz`, // a menu answer that is no choice…
		`B`,        // …and one that is
		``, ``, ``, // the deal: no value, close date or category yet
		``, ``, // no source, no notes
	)
	form := s.reply(t, 1)
	mustContain(t, "visit form", form,
		"── Log a visit ──", "Company:", "Kind of touch [optional · Enter = Visit]:", "3) Demo", "→ Demo",
		"⚠️ Date (today if empty): "+today().AddDays(3).String()+" is in the future",
		"[only you see this]\n✅ Logged a demo with Acme Industrial on "+today().String(),
		"Next step: send quote on "+next.String())
	if n := strings.Count(form, "Company:"); n != 1 {
		t.Errorf("Company was asked %d times; only the date was wrong:\n%s", n, form)
	}
	if n := strings.Count(form, "Date (today if empty) [optional · YYYY-MM-DD]:"); n != 2 {
		t.Errorf("Date was asked %d times; want 2:\n%s", n, form)
	}
	mustContain(t, "cancelled form", s.reply(t, 2), "── Stakeholder ──", "Form closed; nothing was sent.")
	mustContain(t, "new lead form", s.reply(t, 3), "Choose 1 to 4", "✅ Beta Corp is your lead now, graded B")

	l := leadNamed(t, team, "Acme Industrial")
	visits, err := store.New(redistest.Client(t)).Visits(context.Background(), team, l.ID, 10)
	if err != nil || len(visits) != 1 {
		t.Fatalf("visits = %+v, %v; want one", visits, err)
	}
	if v := visits[0]; v.Kind != salesbot.KindDemo || v.Date != today() || v.Notes != "showed the MES module" || v.NextStep != "send quote" || v.NextDate != next {
		t.Errorf("visit = %+v; want a demo today, with its notes and next step on %s", v, next)
	}
	if len(l.Stakeholders) != 0 {
		t.Errorf("the cancelled form saved %+v", l.Stakeholders)
	}
	if b := leadNamed(t, team, "Beta Corp"); b.Grade != salesbot.GradeB {
		t.Errorf("Beta Corp is graded %s; want B", b.Grade)
	}
}

func TestConsoleButtons(t *testing.T) {
	env, team := onRedis(t)
	s := runScript(t, env, []string{"--team", team},
		`/lead new Zeta`,
		`:click 1`,
		`:click 2`, // its message was replaced
		`/lead show Zeta`,
		`5`, `B`, // the Regrade menu (1 and 2 fix the risks)
		`:click 10`,
		`:click 3`, // Log visit opens the form with the company filled in
		``, ``, `2`, ``, `called them`, ``, ``,
	)
	mustContain(t, "new lead", s.reply(t, 0), "[1] A · closes within 3 months  [2] B · closes in 4–6 months")
	mustContain(t, "grade button", s.reply(t, 1), "(updated) ⬆️ Zeta regraded C → A")
	mustContain(t, "replaced button", s.reply(t, 2), "Button 2 is gone")
	mustContain(t, "card", s.reply(t, 3), "[1] Add the economic buyer", "[3] Log visit  [4] Add stakeholder  [5] Regrade ▾", "[7] Deal  [8] Forecast ▾  [9] Profile")
	mustContain(t, "menu", s.reply(t, 4), "1) A · closes within 3 months (current)", "→ B · closes in 4–6 months", "⬇️ Zeta regraded A → B")
	mustContain(t, "no such button", s.reply(t, 5), "There is no button 10; the last message with buttons has 1 to 9.")
	mustContain(t, "Log visit", s.reply(t, 6), "── Log a visit ──", "Company [Enter = Zeta]:", "✅ Logged a call with Zeta")

	l := leadNamed(t, team, "Zeta")
	if l.Grade != salesbot.GradeB || l.LastTouch.IsZero() {
		t.Errorf("Zeta is graded %s, last touched %v; want B, today", l.Grade, l.LastTouch)
	}
	history, err := store.New(redistest.Client(t)).History(context.Background(), team, l.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	var grades []string
	for _, c := range history {
		if c.Kind == salesbot.ChangeGrade {
			grades = append(grades, c.From+"→"+c.To)
		}
	}
	if !slices.Equal(grades, []string{"A→B", "C→A"}) {
		t.Errorf("grade changes, newest first = %v; want [A→B C→A]", grades)
	}
}

func TestConsoleApprovalByManager(t *testing.T) {
	env, team := onRedis(t)
	env["SALESBOT_MANAGERS"] = "U0BOSS"
	env["SALESBOT_GATES"] = "off" // the approval of a quote, not the milestones, is tested here
	s := runScript(t, env, []string{"--team", team},
		`/lead new "Acme Industrial" B`,
		`/lead stage Acme first-visit`,
		`/lead stage Acme discovery`,
		`/lead stage Acme demo`,
		`/lead stage Acme quote`,
		`1`, // not the rep's to press
		`:as U0BOSS`,
		`1`,
	)
	mustContain(t, "ask", s.reply(t, 4), "⏳ Moving Acme Industrial to Quote needs a manager's approval",
		"[DM to @U0BOSS]\n🙋 @U0CONSOLE asks to move Acme Industrial (grade B) from Demo to Quote", "[1] Approve  [2] Reject")
	mustContain(t, "rep presses", s.reply(t, 5), "Button 1 is in a message only @U0BOSS sees")
	mustContain(t, "manager", s.reply(t, 6), "You are @U0BOSS now (manager).")
	mustContain(t, "approve", s.reply(t, 7), "(updated) ✅ @U0BOSS approved: Acme Industrial moved to Quote.",
		"[DM to @U0CONSOLE]\n✅ @U0BOSS approved")
	if l := leadNamed(t, team, "Acme Industrial"); l.Stage != salesbot.StageQuote {
		t.Errorf("stage = %s; want quote", l.Stage)
	}
}

func TestConsoleInMemoryDemo(t *testing.T) {
	s := runScript(t, map[string]string{}, []string{"--demo", "--manager"},
		`/lead list all`,
		`/lead list`,
		`/followups`,
		`/lead show 明达`,
	)
	mustContain(t, "banner", s.out, "acting as @U0CONSOLE (manager)",
		"Redis: in memory (REDIS_URL is not set). Nothing is kept when the console exits.",
		"Loaded 12 sample leads", "/lead show 明达")
	mustContain(t, "team", s.reply(t, 0), "Team pipeline", "上海明达机械有限公司", "Nordwind Logistics GmbH",
		"Blue Harbor Foods Inc. — Objections", "@Wang Fang", "@Tom Reed", "@Liu Yang", "Open leads 1–10 of 10")
	mine := s.reply(t, 1)
	mustContain(t, "mine", mine, "Your pipeline", "上海明达机械有限公司", "Acme Industrial Co., Ltd.", "5 open")
	if strings.Contains(mine, "Blue Harbor") {
		t.Errorf("someone else's lead in the console user's pipeline:\n%s", mine)
	}
	mustContain(t, "followups", s.reply(t, 2), "上海明达机械有限公司 (A, Demo) — 🔴 overdue by 2 days", "Acme Industrial Co., Ltd. (B, Discovery) — 🟠 due today")
	mustContain(t, "card", s.reply(t, 3), "😇 王建国 — Economic buyer", "😈 李娜 — Technical buyer", "✅ Budget: ¥1.8M")
}

func TestConsoleDemoIsDomainData(t *testing.T) {
	env, team := onRedis(t)
	s := runScript(t, env, []string{"--team", team, "--demo"})
	mustContain(t, "first load", s.out, "Loaded 12 sample leads")
	s = runScript(t, env, []string{"--team", team, "--demo"})
	mustContain(t, "second load", s.out, "The sample leads are in team "+team+" already.")

	ctx := context.Background()
	st := store.New(redistest.Client(t))
	leads, err := st.AllLeads(ctx, team)
	if err != nil || len(leads) != 12 {
		t.Fatalf("%d leads, %v; want 12", len(leads), err)
	}
	if ok, err := st.IsManager(ctx, team, demoManager); !ok || err != nil {
		t.Errorf("%s is no manager (%v)", demoManager, err)
	}
	owners := map[string]int{}
	quadrants := map[salesbot.Quadrant]bool{}
	var overdue, chinese int
	for _, l := range leads {
		owners[l.Owner]++
		if n := len(l.Stakeholders); n < 2 || n > 5 {
			t.Errorf("%s has %d stakeholders; want 2 to 5", l.Company, n)
		}
		for _, p := range l.Stakeholders {
			quadrants[p.Quadrant()] = true
		}
		if l.Open() && l.NextDue(salesbot.DefaultCadence()).Before(time.Now()) {
			overdue++
		}
		if strings.Contains(l.Company, "有限公司") {
			chinese++
		}
		if due := l.NextDue(salesbot.DefaultCadence()); !l.Due.Equal(due) {
			t.Errorf("%s: Due %v, but the domain schedules %v", l.Company, l.Due, due)
		}
		visits, err := st.Visits(ctx, team, l.ID, 10)
		if err != nil || len(visits) < 1 || len(visits) > 3 {
			t.Errorf("%s: %d visits (%v); want 1 to 3", l.Company, len(visits), err)
		}
		history, err := st.History(ctx, team, l.ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range history {
			if c.Kind == salesbot.ChangeStage && c.To == string(salesbot.StageQuote) && c.By != demoManager {
				t.Errorf("%s went to quote by %s; a manager approves quotes", l.Company, c.By)
			}
		}
	}
	if owners[defaultUser] < 3 || len(owners) != 4 {
		t.Errorf("owners = %v; want the console user and three reps", owners)
	}
	if !quadrants[salesbot.QuadrantAngel] || !quadrants[salesbot.QuadrantDevil] {
		t.Errorf("quadrants = %v; want an angel and a devil", quadrants)
	}
	if overdue < 2 || chinese < 4 {
		t.Errorf("%d overdue, %d Chinese names; want some of each", overdue, chinese)
	}
}

func TestConsoleSettings(t *testing.T) {
	closedPort := "redis://:s3cret@127.0.0.1:1/0"
	for _, tc := range []struct {
		name    string
		args    []string
		env     map[string]string
		wantErr string
	}{
		{"bad time zone", []string{"--tz", "Mars/Olympus"}, nil, "--tz"},
		{"bad user", []string{"--user", "bob"}, nil, "--user"},
		{"bad team", []string{"--team", "acme"}, nil, "--team"},
		{"stray argument", []string{"lead"}, nil, "flags only"},
		{"unknown flag", []string{"--colour"}, nil, "flag provided but not defined"},
		{"bad cadence", nil, map[string]string{"SALESBOT_CADENCE": "A=soon"}, "SALESBOT_CADENCE"},
		{"bad escalation", nil, map[string]string{"SALESBOT_ESCALATION": "A=soon"}, "SALESBOT_ESCALATION"},
		{"bad inbound due", nil, map[string]string{"SALESBOT_INBOUND_DUE": "soon"}, "SALESBOT_INBOUND_DUE"},
		{"bad managers", nil, map[string]string{"SALESBOT_MANAGERS": "boss"}, "SALESBOT_MANAGERS"},
		{"bad Redis URL", nil, map[string]string{"REDIS_URL": "ftp://x"}, "REDIS_URL"},
		{"Redis not answering", nil, map[string]string{"REDIS_URL": closedPort}, "does not answer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			err := runConsole(context.Background(), tc.args, func(k string) string { return tc.env[k] }, strings.NewReader(""), &out)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v; want one with %q", err, tc.wantErr)
			}
			if strings.Contains(err.Error()+out.String(), "s3cret") {
				t.Errorf("the Redis password is shown: %v\n%s", err, out.String())
			}
		})
	}

	var out bytes.Buffer
	if err := runConsole(context.Background(), []string{"--help"}, func(string) string { return "" }, strings.NewReader(""), &out); err != nil {
		t.Errorf("--help: %v", err)
	}
	mustContain(t, "--help", out.String(), "Usage: salesbot console", "-demo", "-tz")
}

func TestConsoleActAsManager(t *testing.T) {
	s := runScript(t, map[string]string{}, nil,
		`/lead new Zeta`,
		`:as U0BOSS manager`,
		`/lead grade Zeta A`,
		`:as U0BOSS rep`,
		`/lead grade Zeta B`,
	)
	mustContain(t, "as manager", s.reply(t, 1), "You are @U0BOSS now (manager).")
	mustContain(t, "manager grades", s.reply(t, 2), "⬆️ Zeta regraded C → A")
	mustContain(t, "as rep", s.reply(t, 3), "You are @U0BOSS now (rep).")
	mustContain(t, "rep grades", s.reply(t, 4), "⛔", "Only its owner or a manager can change it")
}

func TestConsoleMetaCommands(t *testing.T) {
	s := runScript(t, map[string]string{"TZ": "Asia/Shanghai"}, nil,
		`:help`,
		`hello`,
		`:as bob`,
		`:click`,
		`/lead new Zeta`,
		`:click`,
		`:home`,
		`:quit`,
		`/lead new Never`, // after :quit: not run
	)
	mustContain(t, "banner", s.out, "time zone Asia/Shanghai")
	mustContain(t, ":help", s.reply(t, 0), ":click N", ":as U123", ":quit")
	mustContain(t, "text", s.reply(t, 1), "Type a slash command")
	mustContain(t, ":as bob", s.reply(t, 2), `"bob" is not a Slack user ID`)
	mustContain(t, ":click, none", s.reply(t, 3), "No buttons to press yet.")
	mustContain(t, ":click, some", s.reply(t, 5), "[1] A · closes within 3 months\n", "[4] D · not within 12 months\n")
	mustContain(t, ":home", s.reply(t, 6), "[Home tab of you]", "Your pipeline", "• Zeta — Lead · never touched")
	if len(s.replies) != 8 || strings.Contains(s.out, "Never") {
		t.Errorf("the console went on after :quit:\n%s", s.out)
	}
}

func TestConsoleSweep(t *testing.T) {
	env, team := onRedis(t)
	// Another team's due lead on the same Redis must be left alone.
	st := store.New(redistest.Client(t))
	other := redistest.Team(t)
	l, c, err := salesbot.NewLead(salesbot.Actor{User: "U0ELSE"}, other, "", "Elsewhere Ltd", salesbot.GradeA, time.Now().AddDate(0, -1, 0))
	if err != nil {
		t.Fatal(err)
	}
	l.Schedule(salesbot.DefaultCadence())
	if _, err := st.CreateLead(context.Background(), l, c); err != nil {
		t.Fatal(err)
	}
	s := runScript(t, env, []string{"--team", team, "--demo", "--manager"}, `:sweep`, `:sweep`)
	first := s.reply(t, 0)
	mustContain(t, "sweep", first, "[DM to you]", "⏰ 上海明达机械有限公司", "Snooze 1 day", "Sales digest", "(sweep done")
	if strings.Contains(first, "Elsewhere") {
		t.Errorf("the console swept another team:\n%s", first)
	}
	if again := s.reply(t, 1); strings.Contains(again, "⏰") || strings.Contains(again, "Sales digest") {
		t.Errorf("a second sweep sent again:\n%s", again)
	}
	if got, _ := st.Lead(context.Background(), other, l.ID); !got.RemindedDue.IsZero() {
		t.Errorf("the other team's reminder was settled by the console")
	}
}
