package bot_test

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"salesbot"
)

func TestSignatureRefusals(t *testing.T) {
	h := newHarness(t)
	body := h.commandForm(rep, "/lead new Acme").Encode()
	cases := map[string]func(*http.Request){
		"wrong signature": func(r *http.Request) { r.Header.Set("X-Slack-Signature", "v0="+strings.Repeat("0", 64)) },
		"no signature":    func(r *http.Request) { r.Header.Del("X-Slack-Signature") },
		"stale timestamp": func(r *http.Request) {
			old := signedRequest(t, r.URL.String(), body, time.Now().Add(-6*time.Minute))
			r.Header = old.Header
		},
		"future timestamp": func(r *http.Request) {
			r.Header = signedRequest(t, r.URL.String(), body, time.Now().Add(6*time.Minute)).Header
		},
		"tampered body": func(r *http.Request) {
			tampered := strings.Replace(body, "Acme", "Evil", 1)
			r.Body = http.NoBody
			*r = *signedRequest(t, r.URL.String(), tampered, time.Now())
			r.Header.Set("X-Slack-Signature", signedRequest(t, r.URL.String(), body, time.Now()).Header.Get("X-Slack-Signature"))
		},
	}
	for name, spoil := range cases {
		t.Run(name, func(t *testing.T) {
			for _, path := range []string{"/slack/commands", "/slack/interactions", "/slack/events"} {
				req := signedRequest(t, h.bot.URL+path, body, time.Now())
				spoil(req)
				if status, _ := h.post(req); status != http.StatusUnauthorized {
					t.Errorf("%s: status %d, want 401", path, status)
				}
			}
		})
	}
	names, err := h.store.LeadNames(t.Context(), h.team)
	if err != nil || len(names) != 0 {
		t.Fatalf("refused requests changed the store: %v %v", names, err)
	}
}

func TestBodyTooLarge(t *testing.T) {
	h := newHarness(t)
	big := "text=" + strings.Repeat("a", 1<<20+10)
	if status, _ := h.post(signedRequest(t, h.bot.URL+"/slack/commands", big, time.Now())); status != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413", status)
	}
}

func TestLeadLifecycle(t *testing.T) {
	h := newHarness(t)

	reply := h.command(rep, `/lead new "Acme Industrial Co., Ltd."`)
	if reply.ResponseType != slack.ResponseTypeEphemeral {
		t.Errorf("reply type %q, want ephemeral", reply.ResponseType)
	}
	mustContain(t, "new", text(reply), "Acme Industrial Co., Ltd.", "your lead", "grade_button")
	l := h.lead("Acme Industrial")
	if l.Owner != rep || l.Grade != salesbot.GradeC || l.Stage != salesbot.StageLead {
		t.Fatalf("stored lead %+v", l)
	}

	// The same company written differently is a duplicate, and says who owns it.
	dup := h.command(other, "/lead new ACME INDUSTRIAL inc")
	mustContain(t, "duplicate", text(dup), "already registered", "<@"+rep+">", "lead_request")
	if names, _ := h.store.LeadNames(t.Context(), h.team); len(names) != 1 {
		t.Fatalf("duplicate registered: %v", names)
	}

	mustContain(t, "grade", text(h.command(rep, `/lead grade Acme A selection starts in January`)), "C → *A*")
	mustContain(t, "key", text(h.command(rep, `/lead key Acme budget 2M RMB software and services`)), "Budget", "Still unknown")
	mustContain(t, "visit", text(h.command(rep, `/visit "Acme Industrial" 2026-11-20 met the CFO next: 2026-11-30 send the quote`)),
		"Logged a visit", "2026-11-20", "send the quote", "2026-11-30")
	mustContain(t, "stance", text(h.command(rep, `/stance Acme "Wang Li" eb high +2 wants the plant live by June`)),
		"Wang Li", "Economic buyer", "angel")
	mustContain(t, "stance update", text(h.command(rep, `/stance Acme “wang li” eb high −1`)), "Support +2 → -1")
	mustContain(t, "stage", text(h.command(rep, `/lead stage Acme first-visit`)), "First visit")

	l = h.lead("Acme Industrial")
	if l.Grade != salesbot.GradeA || l.Stage != salesbot.StageFirstVisit || l.NextStep != "send the quote" {
		t.Fatalf("lead after updates: grade %s stage %s next %q", l.Grade, l.Stage, l.NextStep)
	}
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	if want := time.Date(2026, 11, 30, 0, 0, 0, 0, shanghai); !l.Due.Equal(want) {
		t.Errorf("due %v, want the next step's date %v", l.Due, want)
	}
	if len(l.Stakeholders) != 1 || l.Stakeholders[0].Support != -1 {
		t.Errorf("stakeholders %+v", l.Stakeholders)
	}
	history, _ := h.store.History(t.Context(), h.team, l.ID, 20)
	var grade *salesbot.Change
	for i := range history {
		if history[i].Kind == salesbot.ChangeGrade {
			grade = &history[i]
		}
	}
	if grade == nil || grade.From != "C" || grade.To != "A" || grade.By != rep || grade.Reason != "selection starts in January" {
		t.Errorf("grade history %+v", grade)
	}

	card := text(h.command(rep, "/lead show acme"))
	mustContain(t, "card", card, "Acme Industrial Co., Ltd.", "<@"+rep+">", "A · closes within 3 months", "First visit (2 of 7)",
		"2026-11-30", "send the quote", "met the CFO", "2M RMB", "Unknown", "Schedule", "Wang Li", "Economic buyer", "visit_open")

	mustContain(t, "card by name", text(h.command(rep, `/lead "Acme Industrial"`)), "lead card", "Wang Li")

	list := text(h.command(rep, "/lead list"))
	mustContain(t, "list", list, "Your pipeline", "*A*", "Acme Industrial Co., Ltd.", "touched 3 days ago")

	mustContain(t, "lost", text(h.command(rep, "/lead lost Acme budget frozen")), "lost", "budget frozen", "pool")
	if l = h.lead("Acme Industrial"); l.Stage != salesbot.StageLost || !l.Due.IsZero() {
		t.Fatalf("lost lead: stage %s due %v", l.Stage, l.Due)
	}
	if due, _ := h.store.DueLeads(t.Context(), h.team, now.AddDate(1, 0, 0), 10); len(due) != 0 {
		t.Errorf("a lost lead is still due: %v", due)
	}
	mustContain(t, "pool", text(h.command(other, "/lead pool")), "Acme Industrial Co., Ltd.", "budget frozen", "Ask for it")
	mustContain(t, "lost duplicate", text(h.command(rep, "/lead new Acme Industrial")), "back in the pool")
	// Only managers assign; assigning a lost lead reopens it.
	mustContain(t, "rep assigns", text(h.command(rep, "/lead assign Acme <@"+other+"|other>")), "Only managers")
	mustContain(t, "assign", text(h.command(manager, "/lead assign Acme <@"+other+"|other>")), "<@"+other+">'s lead now")
	if l = h.lead("Acme Industrial"); l.Owner != other || l.Stage != salesbot.StageLead {
		t.Fatalf("assigned lead: owner %s stage %s", l.Owner, l.Stage)
	}
	dm := h.slack.WaitFor(t, "chat.postMessage", 1)
	mustContain(t, "assignment DM", dm[0].Param("channel")+dm[0].Text(), other, "gave you")
	mustContain(t, "won", text(h.command(other, "/lead won Acme")), "won")
}

func TestNewLeadForms(t *testing.T) {
	h := newHarness(t)
	// A capital grade at the end grades it; Slack's auto-links are names.
	mustContain(t, "trailing grade", text(h.command(rep, "/lead new Acme Industrial A")), "*Acme Industrial* is your lead now, graded *A*")
	if l := h.lead("Acme Industrial"); l.Grade != salesbot.GradeA {
		t.Errorf("grade %s", l.Grade)
	}
	mustContain(t, "link", text(h.command(rep, "/lead new <http://Booking.com|Booking.com>")), "*Booking.com* is your lead")
	mustContain(t, "link duplicate", text(h.command(other, "/lead new booking.com")), "already registered")
}

func TestCardButtonsOpenFormsAtOnce(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Wonka")
	l := h.lead("Wonka")
	card := text(h.command(rep, "/lead show Wonka"))
	mustContain(t, "card", card, `"value":"`+l.ID+`"`)
	before := len(h.slack.Calls("users.info"))
	h.click(rep, "visit_open", l.ID)
	open := h.slack.WaitFor(t, "views.open", 1)[0]
	mustContain(t, "prefilled form", open.Param("view"), `"callback_id":"visit"`, `"initial_value":"Wonka"`)
	if after := len(h.slack.Calls("users.info")); after != before {
		t.Errorf("opening a form looked up users first (%d calls)", after-before)
	}
}

// TestSimilarNameHint: a longer name that contains a registered one is
// another company under the ownership rule, registered with a hint; an
// unrelated one gets no hint. The hint shows what the rep may see
// (salesbot.SightOf): their own leads and the pool by name, another rep's
// only as a count; a manager sees names and owners.
func TestSimilarNameHint(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new 明达机械有限公司")
	similar := text(h.command(other, "/lead new 上海明达机械有限公司"))
	mustContain(t, "similar", similar, "上海明达机械有限公司* is your lead", "Similar names", "1 of other reps'")
	if strings.Contains(similar, "*明达机械有限公司*") || strings.Contains(similar, rep) {
		t.Errorf("a rep was shown another rep's company or its owner: %s", similar)
	}
	mustContain(t, "own", text(h.command(rep, "/lead new 明达机械北京")), "Similar names", "*明达机械有限公司* (<@"+rep+">)")
	mustContain(t, "manager", text(h.command(manager, "/lead new 明达机械有限公司上海")), "*明达机械有限公司* (<@"+rep+">)")
	h.command(rep, "/lead lost 明达机械有限公司 budget cut")
	mustContain(t, "pool", text(h.command(other, "/lead new 明达机械有限公司深圳")), "*明达机械有限公司* (in the pool)")
	if plain := text(h.command(other, "/lead new Initech")); strings.Contains(plain, "Similar") {
		t.Errorf("unrelated name got a hint: %s", plain)
	}
}

func TestStrangerCannotChangeALead(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Globex")
	before := h.lead("Globex")
	for _, line := range []string{
		"/lead grade Globex A", "/lead stage Globex first-visit", "/lead won Globex", "/lead lost Globex",
		"/lead key Globex budget 1M", `/visit Globex met them`, `/stance Globex "Li" eb high +1`, "/lead show Globex",
	} {
		reply := h.command(other, line)
		mustContain(t, line, text(reply), "<@"+rep+">")
		if !strings.Contains(reply.Text, ":no_entry:") {
			t.Errorf("%s: not refused: %s", line, reply.Text)
		}
	}
	after := h.lead("Globex")
	if after.UpdatedAt != before.UpdatedAt || after.Grade != before.Grade || !after.LastTouch.IsZero() || len(after.Stakeholders) > 0 {
		t.Errorf("a stranger changed the lead: %+v", after)
	}
}

func TestBadInputSaysHowToWriteIt(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Initech")
	cases := []struct{ line, want string }{
		{"/lead grade Initech E", "Use A"},
		{"/lead grade Nowhere A", "No lead is called"},
		{"/lead stage Initech demo", "needs a manager"},
		{"/lead stage Initech nirvana", "not a stage"},
		{"/visit Initech 2026-02-30 met", "not a real day"},
		{"/visit Initech 2026-12-25 met", "in the future"},
		{"/visit Initech met next: 2026-01-01 call", "has passed"},
		{`/stance Initech "Li" boss high +1`, "not a role"},
		{`/stance Initech "Li" eb high +5`, "not a support level"},
		{`/lead new "Unclosed`, "never closed"},
		{"/lead key Initech mood great", "not a key fact"},
		{"/lead frobnicate", "not a command I know"},
		{"/lead list @nobody", "neither a grade nor a rep"},
		{"/lead new Foo <@U0OTHER|olga>", "can't contain a mention"},
	}
	before := h.lead("Initech")
	for _, c := range cases {
		reply := h.command(rep, c.line)
		mustContain(t, c.line, reply.Text, c.want)
		if reply.ResponseType != slack.ResponseTypeEphemeral {
			t.Errorf("%s: reply not ephemeral", c.line)
		}
	}
	if after := h.lead("Initech"); after.UpdatedAt != before.UpdatedAt {
		t.Errorf("bad input changed the lead")
	}
}

func TestHostileCompanyNameIsShownNotBroadcast(t *testing.T) {
	h := newHarness(t)
	// Slack escapes <, > and & in command text; the bot stores the name as
	// typed and escapes it again when it shows it.
	reply := h.command(rep, "/lead new &lt;!channel&gt; &amp; Sons")
	if l := h.lead("<!channel> & Sons"); l.Company != "<!channel> & Sons" {
		t.Fatalf("stored %q", l.Company)
	}
	if strings.Contains(text(reply), "<!channel>") {
		t.Fatalf("reply would broadcast: %s", text(reply))
	}
	mustContain(t, "escaped", reply.Text, "&lt;!channel&gt; &amp; Sons")
}

var approvalID = regexp.MustCompile(`"action_id":"approve","value":"([a-z0-9]+)"`)

func TestStageApprovalByManager(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Umbrella")
	h.command(rep, "/lead stage Umbrella first-visit")
	h.command(rep, "/lead stage Umbrella discovery")
	h.command(rep, "/lead stage Umbrella demo")
	reply := h.command(rep, "/lead stage Umbrella quote")
	mustContain(t, "request", reply.Text, "needs a manager's approval")
	if l := h.lead("Umbrella"); l.Stage != salesbot.StageDemo {
		t.Fatalf("moved before approval: %s", l.Stage)
	}
	request := h.slack.WaitFor(t, "chat.postMessage", 1)[0]
	if request.Param("channel") != manager {
		t.Fatalf("approval request went to %s", request.Param("channel"))
	}
	mustContain(t, "approval request", request.Text(), "Umbrella", "Quote", `"approve"`, `"reject"`, "No economic buyer")
	m := approvalID.FindStringSubmatch(request.Text())
	if m == nil {
		t.Fatalf("no approval ID in %s", request.Text())
	}
	id := m[1]
	// Asking again while it waits sends nothing new.
	mustContain(t, "again", h.command(rep, "/lead stage Umbrella quote").Text, "already waiting")
	h.h.Wait()
	if n := len(h.slack.Calls("chat.postMessage")); n != 1 {
		t.Errorf("%d requests sent; want 1", n)
	}
	pending, _ := h.store.PendingApprovals(t.Context(), h.team)
	if len(pending) != 1 || pending[0].To != salesbot.StageQuote {
		t.Fatalf("pending %+v", pending)
	}
	mustContain(t, "digest", text(h.command(manager, "/salesbot digest")), "Waiting for approval", "Umbrella")

	h.click(rep, "approve", id) // a rep cannot approve
	if l := h.lead("Umbrella"); l.Stage != salesbot.StageDemo {
		t.Fatalf("a rep approved their own quote")
	}
	h.click(manager, "approve", id)
	if l := h.lead("Umbrella"); l.Stage != salesbot.StageQuote {
		t.Fatalf("stage after approval: %s", l.Stage)
	}
	mustContain(t, "copy redrawn", h.slack.WaitFor(t, "chat.update", 1)[0].Text(), "approved")
	told := h.slack.WaitFor(t, "chat.postMessage", 2)
	mustContain(t, "rep told", told[len(told)-1].Param("channel")+told[len(told)-1].Text(), rep, "approved")
	// Deciding twice is refused and changes nothing.
	h.click(manager, "approve", id)
	responses := h.slack.Calls("response")
	mustContain(t, "twice", responses[len(responses)-1].Text(), "already approved")
	if pending, _ := h.store.PendingApprovals(t.Context(), h.team); len(pending) != 0 {
		t.Errorf("still pending: %+v", pending)
	}

	// A skip is rejected with a reason, and the rep is told why.
	h.command(rep, "/lead stage Umbrella negotiation")
	posts := h.slack.WaitFor(t, "chat.postMessage", 3)
	skip := approvalID.FindStringSubmatch(posts[len(posts)-1].Text())[1]
	h.click(manager, "reject", skip)
	mustContain(t, "reject form", h.slack.WaitFor(t, "views.open", 1)[0].Param("view"), `"callback_id":"approval_reject"`, skip)
	status, body := h.submitMeta(manager, "approval_reject", `{"c":"D1","l":"`+skip+`"}`, map[string]slack.BlockAction{"notes": value("objections first")})
	if status != http.StatusOK || len(body) != 0 {
		t.Fatalf("reject: %d %s", status, body)
	}
	if l := h.lead("Umbrella"); l.Stage != salesbot.StageQuote {
		t.Fatalf("a rejected skip moved the lead to %s", l.Stage)
	}
	told = h.slack.WaitFor(t, "chat.postMessage", 4)
	mustContain(t, "rejection", told[len(told)-1].Param("channel")+told[len(told)-1].Text(), rep, "did not approve", "objections first")

	// A manager may skip stages directly.
	mustContain(t, "skip", h.command(manager, "/lead stage Umbrella negotiation").Text, "Negotiation")
}

func TestModals(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Hooli")

	// A command alone opens its form, and the labels carry the promised words.
	if msg := h.command(rep, "/visit"); msg.Text != "" {
		t.Fatalf("opening a form replied %q", msg.Text)
	}
	open := h.slack.WaitFor(t, "views.open", 1)[0]
	if open.Param("trigger_id") != "trigger-/visit" {
		t.Errorf("views.open trigger %q", open.Param("trigger_id"))
	}
	mustContain(t, "visit form", open.Param("view"), `"callback_id":"visit"`, "Company", "Date", "Notes", "Next step")
	h.command(rep, "/stance")
	mustContain(t, "stance form", h.slack.WaitFor(t, "views.open", 2)[1].Param("view"), "Company", "Person", "Role", "Influence", "Support")
	h.command(rep, "/lead grade")
	mustContain(t, "grade form", h.slack.WaitFor(t, "views.open", 3)[2].Param("view"), "Company", "Grade")

	// A future date is refused under the date input; nothing is written.
	status, body := h.submit(rep, "visit", map[string]slack.BlockAction{
		"company": value("Hooli"), "date": {SelectedDate: "2026-12-24"}, "notes": value("demo"),
	})
	var resp slack.ViewSubmissionResponse
	if status != http.StatusOK || json.Unmarshal(body, &resp) != nil || resp.ResponseAction != slack.RAErrors || !strings.Contains(resp.Errors["date"], "future") {
		t.Fatalf("future date: status %d body %s", status, body)
	}
	if l := h.lead("Hooli"); !l.LastTouch.IsZero() {
		t.Fatalf("refused visit was logged")
	}
	// An unknown company is refused under the company input.
	_, body = h.submit(rep, "lead_grade", map[string]slack.BlockAction{"company": value("Nobody Inc"), "grade": option("A")})
	if !strings.Contains(string(body), `"company"`) || !strings.Contains(string(body), "No lead") {
		t.Fatalf("unknown company: %s", body)
	}

	// A stranger's lead is refused under the company input, naming its owner
	// as plain text can (a modal's error line renders no mentions).
	h.command(other, "/lead new Pied Piper")
	_, body = h.submit(rep, "lead_grade", map[string]slack.BlockAction{"company": value("Pied Piper"), "grade": option("A")})
	mustContain(t, "stranger in a form", string(body), `"company"`, "Pied Piper is @Olga Other's lead")
	if strings.Contains(string(body), "<@") {
		t.Errorf("raw mention in a modal error: %s", body)
	}

	// A good submission closes the form, saves, and tells the rep.
	status, body = h.submit(rep, "visit", map[string]slack.BlockAction{
		"company": value("hooli"), "kind": option("call"), "notes": value("talked to IT"),
		"next_step": value("demo for IT"), "next_date": {SelectedDate: "2026-11-27"},
	})
	if status != http.StatusOK || len(body) != 0 {
		t.Fatalf("good submission: status %d body %s", status, body)
	}
	l := h.lead("Hooli")
	if l.LastTouch.IsZero() || l.NextStep != "demo for IT" {
		t.Fatalf("visit not logged: %+v", l)
	}
	visits, _ := h.store.Visits(t.Context(), h.team, l.ID, 5)
	if len(visits) != 1 || visits[0].Kind != salesbot.KindCall || visits[0].Notes != "talked to IT" {
		t.Fatalf("visits %+v", visits)
	}
	told := h.slack.WaitFor(t, "chat.postEphemeral", 1)[0]
	mustContain(t, "confirmation", told.Param("user")+told.Param("channel")+told.Text(), rep, "C0SALES", "Logged a call")

	_, body = h.submit(rep, "stance", map[string]slack.BlockAction{
		"company": value("Hooli"), "person": value("Gavin"), "role": option("eb"), "influence": option("high"), "support": option("-3"),
	})
	if len(body) != 0 {
		t.Fatalf("stance: %s", body)
	}
	if s, ok := h.lead("Hooli").Stakeholder("gavin"); !ok || s.Quadrant() != salesbot.QuadrantDevil {
		t.Fatalf("stakeholder %+v", s)
	}
}

func TestManagersAdd(t *testing.T) {
	h := newHarness(t)
	mustContain(t, "rep", h.command(rep, "/salesbot managers add <@"+other+">").Text, "Only managers")
	mustContain(t, "manager", h.command(manager, "/salesbot managers add <@"+other+"|o>").Text, "granted", other)
	if ok, _ := h.store.IsManager(t.Context(), h.team, other); !ok {
		t.Fatal("manager not stored")
	}
	// The new manager sees the team pipeline.
	h.command(rep, "/lead new Vandelay")
	mustContain(t, "list all", text(h.command(other, "/lead list all")), "Team pipeline", "Vandelay", "<@"+rep+">")
	mustContain(t, "help", h.command(rep, "/salesbot help").Text, "/lead new", "/visit", "/stance")
}

var leadRequestID = regexp.MustCompile(`"action_id":"assign_to","value":"([a-z0-9]+)"`)

func TestLeadRequestGoesToManagers(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Stark")
	h.command(rep, `/stance Stark "Tony" eb high +2 several`)
	l := h.lead("Stark")
	h.click(other, "lead_request", l.ID)
	ask := h.slack.WaitFor(t, "chat.postMessage", 1)[0]
	mustContain(t, "request", ask.Param("channel")+ask.Text(), manager, "asks for", "Stark", "assign_to", "contact with who decides: *Tony* (Economic buyer): Several contacts")
	id := leadRequestID.FindStringSubmatch(ask.Text())[1]
	// Asking again while it waits sends nothing new.
	h.click(other, "lead_request", l.ID)
	if n := len(h.slack.Calls("chat.postMessage")); n != 1 {
		t.Errorf("%d requests sent; want 1", n)
	}
	mustContain(t, "digest", text(h.command(manager, "/salesbot digest")), "asks for <@"+rep+">'s lead")

	h.click(rep, "assign_to", id) // a rep cannot decide
	if l := h.lead("Stark"); l.Owner != rep {
		t.Fatalf("a rep assigned the lead to %s", l.Owner)
	}
	h.click(manager, "assign_to", id)
	if l := h.lead("Stark"); l.Owner != other {
		t.Fatalf("owner %s after assignment", l.Owner)
	}
	mustContain(t, "copy redrawn", h.slack.WaitFor(t, "chat.update", 1)[0].Text(), "Stark", "<@"+other+">'s lead now", "decided by")
}

// Keep on one manager's copy, then Assign on another's: the first decision
// stands; and a request for a lead that changed hands since changes nothing.
func TestLeadRequestFirstDecisionWins(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Wayne Corp")
	l := h.lead("Wayne Corp")
	h.click(other, "lead_request", l.ID)
	id := leadRequestID.FindStringSubmatch(h.slack.WaitFor(t, "chat.postMessage", 1)[0].Text())[1]
	h.click(manager, "keep", id)
	h.click(manager, "assign_to", id)
	if l := h.lead("Wayne Corp"); l.Owner != rep {
		t.Fatalf("Assign after Keep moved the lead to %s", l.Owner)
	}
	responses := h.slack.Calls("response")
	mustContain(t, "second decision", responses[len(responses)-1].Text(), "already")

	// A fresh request, then the lead is reassigned another way first.
	h.click(other, "lead_request", l.ID)
	posts := h.slack.Calls("chat.postMessage")
	var fresh string
	for _, p := range posts {
		if m := leadRequestID.FindStringSubmatch(p.Text()); m != nil && m[1] != id {
			fresh = m[1]
		}
	}
	if fresh == "" {
		t.Fatal("no fresh request")
	}
	h.command(manager, "/lead assign \"Wayne Corp\" <@"+manager+">")
	h.click(manager, "assign_to", fresh)
	if l := h.lead("Wayne Corp"); l.Owner != manager {
		t.Fatalf("a stale request moved the lead to %s", l.Owner)
	}
	if a, _ := h.store.Approval(t.Context(), h.team, fresh); a.Status != salesbot.ApprovalWithdrawn {
		t.Errorf("stale request is %s; want withdrawn", a.Status)
	}
}

func TestRedisDownGetsAPoliteReply(t *testing.T) {
	h := newHarness(t)
	// A second bot whose Redis is a closed port.
	down := newDownBot(t, h)
	status, body := h.post(signedRequest(t, down.URL+"/slack/commands", h.commandForm(rep, "/lead new Acme").Encode(), time.Now()))
	if status != http.StatusOK || !strings.Contains(string(body), "try again in a moment") {
		t.Fatalf("status %d body %s", status, body)
	}
	resp, err := http.Get(down.URL + "/readyz")
	if err != nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("readyz while down: %v %v", resp.StatusCode, err)
	}
	resp.Body.Close()
	resp, err = http.Get(h.bot.URL + "/readyz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("readyz while up: %v %v", resp.StatusCode, err)
	}
	resp.Body.Close()
}

func TestOperatorEndpoints(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Wayne")
	for path, want := range map[string]string{"/healthz": "ok", "/metrics": `salesbot_requests_total{kind="command",name="/lead",transport="http"} 1`} {
		resp, err := http.Get(h.bot.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), want) {
			t.Errorf("%s: %d, want %q in output", path, resp.StatusCode, want)
		}
	}
}

func TestEvents(t *testing.T) {
	h := newHarness(t)
	status, body := h.post(signedRequest(t, h.bot.URL+"/slack/events", `{"type":"url_verification","challenge":"c-123","token":"x"}`, time.Now()))
	if status != http.StatusOK || string(body) != "c-123" {
		t.Fatalf("challenge: %d %q", status, body)
	}
	h.command(rep, "/lead new Cyberdyne")
	ev := `{"type":"event_callback","team_id":"` + h.team + `","event_id":"Ev1","event":{"type":"app_home_opened","user":"` + rep + `","tab":"home","channel":"D1"}}`
	if status, _ := h.post(signedRequest(t, h.bot.URL+"/slack/events", ev, time.Now())); status != http.StatusOK {
		t.Fatalf("event: %d", status)
	}
	h.h.Wait()
	home := h.slack.WaitFor(t, "views.publish", 1)[0]
	mustContain(t, "home", home.Param("user_id")+home.Param("view"), rep, "home", "Cyberdyne")
}

func TestDigestOnDemand(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Oscorp")
	h.command(rep, "/visit Oscorp met the board")
	h.command(rep, "/lead grade Oscorp A budget approved")
	mustContain(t, "rep", h.command(rep, "/salesbot digest").Text, "for managers")
	d := text(h.command(manager, "/salesbot digest"))
	mustContain(t, "digest", d, "Sales digest", "<@"+rep+">", "Visits (1): Oscorp (visit)", "New leads (1): Oscorp", "Up (1): Oscorp C→A", "Pipeline", "*A* (1): Lead 1")
}

func TestHomeShowsFollowupsAndTeam(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Tyrell")
	l := h.lead("Tyrell")
	// Overdue: created long ago, never touched.
	if _, err := h.store.UpdateLead(t.Context(), h.team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		l.CreatedAt = now.AddDate(0, -3, 0)
		l.Schedule(salesbot.DefaultCadence())
		return salesbot.Update{}, nil
	}); err != nil {
		t.Fatal(err)
	}
	open := func(user string) string {
		ev := `{"type":"event_callback","team_id":"` + h.team + `","event_id":"Ev` + user + `","event":{"type":"app_home_opened","user":"` + user + `","tab":"home","channel":"D1"}}`
		if status, _ := h.post(signedRequest(t, h.bot.URL+"/slack/events", ev, time.Now())); status != http.StatusOK {
			t.Fatalf("event: %d", status)
		}
		h.h.Wait()
		calls := h.slack.Calls("views.publish")
		return calls[len(calls)-1].Param("view")
	}
	mustContain(t, "rep home", open(rep), "Your follow-ups", "1 due today or overdue", "Tyrell", "overdue by")
	mustContain(t, "manager home", open(manager), "Team", "open leads by grade and stage", "Slipping", rep)
}

func TestReminderButtons(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Massive Dynamic")
	l := h.lead("Massive Dynamic")
	if err := h.h.Remind(t.Context(), h.team, rep, []*salesbot.Lead{l}, false); err != nil {
		t.Fatal(err)
	}
	posted := h.slack.WaitFor(t, "chat.postMessage", 1)[0]
	mustContain(t, "reminder", posted.Text(), "Massive Dynamic", "reminder_visit", "reminder_snooze", "reminder_regrade", "Still unknown")

	// Log visit opens the visit form at once, remembering the reminder.
	cb := slack.InteractionCallback{Type: slack.InteractionTypeBlockActions, User: slack.User{ID: rep},
		Channel:   slack.Channel{GroupConversation: slack.GroupConversation{Conversation: slack.Conversation{ID: rep}}},
		Container: slack.Container{MessageTs: "1700000000.000100"}, TriggerID: "trigger-reminder"}
	cb.ActionCallback.BlockActions = []*slack.BlockAction{{ActionID: "reminder_visit", Value: l.ID + "|Massive Dynamic"}}
	if status, _ := h.interact(cb); status != http.StatusOK {
		t.Fatalf("click: %d", status)
	}
	form := h.slack.WaitFor(t, "views.open", 1)[0].Param("view")
	mustContain(t, "form", form, `"callback_id":"visit"`, `"initial_value":"Massive Dynamic"`, `\"m\":\"1700000000.000100\"`)
	var view struct {
		PrivateMetadata string `json:"private_metadata"`
	}
	_ = json.Unmarshal([]byte(form), &view)

	// Submitting it logs the visit and redraws the reminder as handled.
	state := map[string]map[string]slack.BlockAction{"company": {"company": value("Massive Dynamic")}, "notes": {"notes": value("met IT")}}
	sub := slack.InteractionCallback{Type: slack.InteractionTypeViewSubmission, User: slack.User{ID: rep},
		View: slack.View{CallbackID: "visit", PrivateMetadata: view.PrivateMetadata, State: &slack.ViewState{Values: state}}}
	if status, body := h.interact(sub); status != http.StatusOK || len(body) != 0 {
		t.Fatalf("submit: %d %s", status, body)
	}
	h.h.Wait()
	if l := h.lead("Massive Dynamic"); l.LastTouch.IsZero() {
		t.Fatal("visit not logged")
	}
	update := h.slack.WaitFor(t, "chat.update", 1)[0]
	mustContain(t, "redrawn", update.Param("ts")+update.Text(), "1700000000.000100", "Visit logged by <@"+rep+">")
}

func TestRisksOnCardAndDigest(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Cyberia A")
	h.command(rep, "/lead stage Cyberia first-visit")
	h.command(rep, `/stance Cyberia "Li Na" tb high -3 prefers the incumbent`)
	h.command(rep, "/lead key Cyberia schedule board decides 2027-08")
	card := text(h.command(rep, "/lead show Cyberia"))
	mustContain(t, "card risks", card, "*Risks*", "No economic buyer", "No coach", "Li Na (Technical buyer, high influence) is against us", "suggests C")
	digest := text(h.command(manager, "/salesbot digest"))
	mustContain(t, "digest risks", digest, ":warning: *Cyberia* (A):", "No economic buyer")
}

// A request that no longer fits its lead is withdrawn, never left waiting:
// the rep's new request goes through, and an old copy's click changes
// nothing.
func TestStaleApprovalIsWithdrawn(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Zeta")
	h.command(rep, "/lead stage Zeta first-visit")
	mustContain(t, "skip asked", h.command(rep, "/lead stage Zeta quote").Text, "needs a manager's approval")
	old := approvalID.FindStringSubmatch(h.slack.WaitFor(t, "chat.postMessage", 1)[0].Text())[1]

	// The rep moves on alone; the skip request is moot and withdrawn.
	h.command(rep, "/lead stage Zeta discovery")
	h.h.Wait()
	mustContain(t, "old copy redrawn", h.slack.WaitFor(t, "chat.update", 1)[0].Text(), "has moved since")
	h.command(rep, "/lead stage Zeta demo")
	mustContain(t, "new request", h.command(rep, "/lead stage Zeta quote").Text, "needs a manager's approval")
	posts := h.slack.WaitFor(t, "chat.postMessage", 2)
	fresh := approvalID.FindStringSubmatch(posts[len(posts)-1].Text())[1]
	if fresh == old {
		t.Fatal("the new request reused the withdrawn one")
	}
	mustContain(t, "target-stage risks", posts[len(posts)-1].Text(), "budget")
	pending, _ := h.store.PendingApprovals(t.Context(), h.team)
	if len(pending) != 1 || pending[0].ID != fresh {
		t.Fatalf("pending = %+v; want only the fresh request", pending)
	}

	// An old copy's Approve changes nothing.
	h.click(manager, "approve", old)
	if l := h.lead("Zeta"); l.Stage != salesbot.StageDemo {
		t.Fatalf("an old request moved the lead to %s", l.Stage)
	}
	// The fresh one, approved after the rep moved back, is withdrawn, not applied.
	h.command(rep, "/lead stage Zeta discovery")
	h.click(manager, "approve", fresh)
	if l := h.lead("Zeta"); l.Stage != salesbot.StageDiscovery {
		t.Fatalf("a stale approval moved the lead to %s", l.Stage)
	}
	if a, _ := h.store.Approval(t.Context(), h.team, fresh); a.Status != salesbot.ApprovalWithdrawn {
		t.Errorf("fresh request is %s; want withdrawn", a.Status)
	}
	if pending, _ := h.store.PendingApprovals(t.Context(), h.team); len(pending) != 0 {
		t.Errorf("still pending: %+v", pending)
	}
}
