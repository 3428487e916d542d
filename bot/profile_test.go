package bot_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"salesbot"
)

// TestLeadSourceFromCommandToCard: /lead new with a source records it,
// in the registration's history, and the card shows it; a word that is not
// a source is refused with the words to use, registering nothing; /lead
// source changes it (owner or manager, not another rep).
func TestLeadSourceFromCommandToCard(t *testing.T) {
	h := newHarness(t)
	reply := h.command(rep, "/lead new Acme B source: 展会")
	mustContain(t, "registered", text(reply), "*Acme* is your lead now, graded *B*", "Source: Event")
	l := h.lead("Acme")
	if l.Source != salesbot.SourceEvent || l.Grade != salesbot.GradeB {
		t.Fatalf("stored source %q grade %q", l.Source, l.Grade)
	}
	history, err := h.store.History(t.Context(), h.team, l.ID, 10)
	if err != nil || len(history) != 1 || history[0].Reason != "source: event" {
		t.Fatalf("history %+v, %v", history, err)
	}
	mustContain(t, "card", text(h.command(rep, "/lead show Acme")), "*Source*: Event")

	bad := h.command(rep, "/lead new Beta source: linkedin")
	if bad.ResponseType != slack.ResponseTypeEphemeral {
		t.Errorf("refusal is %q, want ephemeral", bad.ResponseType)
	}
	mustContain(t, "bad source", text(bad), "is not a lead source", "inbound (来电)", "event (展会)", "other (其他)")
	if ids, _ := h.store.LeadIDsByName(t.Context(), h.team, []string{"beta"}); len(ids) != 0 {
		t.Fatal("a lead was registered with a bad source")
	}
	mustContain(t, "quoted, Chinese marker", text(h.command(rep, `/lead new "Gamma Works" A 来源：介绍`)), "Gamma Works", "Source: Referral")
	if got := h.lead("Gamma Works"); got.Source != salesbot.SourceReferral || got.Grade != salesbot.GradeA {
		t.Errorf("Gamma Works: source %q grade %q", got.Source, got.Grade)
	}

	before := h.lead("Acme")
	mustContain(t, "another rep", text(h.command(other, "/lead source Acme web")), "Only its owner or a manager")
	if got := h.lead("Acme"); !reflect.DeepEqual(got, before) {
		t.Error("another rep changed the source")
	}
	mustContain(t, "manager", text(h.command(manager, "/lead source Acme referral")), "*Acme* — source: Referral")
	history, _ = h.store.History(t.Context(), h.team, l.ID, 10)
	if len(history) != 2 || history[0].Kind != salesbot.ChangeSource || history[0].From != "event" || history[0].To != "referral" || history[0].By != manager {
		t.Errorf("history after the change: %+v", history)
	}
	mustContain(t, "same again", text(h.command(rep, "/lead source Acme referral")), "already")
}

// TestCompanyProfile: /lead profile sets the fields given as one change of
// the history; the card shows them escaped, the website never as a link,
// and after the first visit what is missing; another rep is refused, a
// manager is not; bad values are refused and change nothing.
func TestCompanyProfile(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Acme B")
	// Slack escapes <, > and & in a command's text, and sends a typed
	// address as a link.
	reply := h.command(rep, `/lead profile Acme industry="heavy &lt;machinery&gt;" size=100-500人 region=Suzhou website=<http://acme.com|acme.com>`)
	mustContain(t, "set", text(reply), "profile updated (Industry, Headcount, Region, Website)", "heavy &lt;machinery&gt;")
	l := h.lead("Acme")
	want := salesbot.Profile{Industry: "heavy <machinery>", Headcount: "100-500人", Region: "Suzhou", Website: "acme.com"}
	if l.Profile != want {
		t.Fatalf("profile %+v, want %+v", l.Profile, want)
	}
	history, _ := h.store.History(t.Context(), h.team, l.ID, 10)
	if len(history) != 2 || history[0].Kind != salesbot.ChangeProfile || history[0].Reason != "industry, headcount, region, website" {
		t.Errorf("history %+v", history)
	}
	card := text(h.command(rep, "/lead show Acme"))
	mustContain(t, "card", card, "*Company*", "*Industry*: heavy &lt;machinery&gt;", "*Headcount*: 100-500人", "*Website*: `acme.com`")
	if strings.Contains(card, "Missing from the profile") {
		t.Error("the card lists what is missing before the first visit")
	}
	if strings.Contains(card, "<machinery>") {
		t.Error("the industry is not escaped on the card")
	}
	h.command(rep, "/visit Acme met the plant manager")
	mustContain(t, "after the visit", text(h.command(rep, "/lead show Acme")), "Missing from the profile: revenue, address", "/lead profile Acme revenue=…")

	before := h.lead("Acme")
	mustContain(t, "another rep", text(h.command(other, "/lead profile Acme industry=textiles")), "Only its owner or a manager")
	mustContain(t, "another rep's form", text(h.command(other, "/lead profile Acme")), "Only its owner or a manager")
	if n := len(h.slack.Calls("views.open")); n != 0 {
		t.Errorf("another rep's /lead profile opened %d forms", n)
	}
	for line, wantIn := range map[string]string{
		"/lead profile Acme website=javascript:alert(1)":      "is not a website",
		`/lead profile Acme website="javascript://acme.com"`:  "is not a website",
		"/lead profile Acme headcount=lots":                   "is not a headcount",
		"/lead profile Acme colour=red":                       "is not a profile field",
		"/lead profile Acme industry=heavy &lt;machinery&gt;": "already says that",
		"/lead profile Acme 行业=" + strings.Repeat("机", 81):    "keep it under 80",
	} {
		mustContain(t, line, text(h.command(rep, line)), wantIn)
	}
	if got := h.lead("Acme"); !reflect.DeepEqual(got, before) {
		t.Error("a refused profile change changed the lead")
	}
	// An unquoted name of several words, and a value running to the next key.
	h.command(rep, "/lead new Acme Heavy Industry")
	mustContain(t, "several words", text(h.command(rep, "/lead profile Acme Heavy Industry address=88 Xinghu Street, SIP region=苏州")), "profile updated (Region, Address)")
	if got := h.lead("Acme Heavy Industry").Profile; got.Address != "88 Xinghu Street, SIP" || got.Region != "苏州" {
		t.Errorf("several words: %+v", got)
	}
	mustContain(t, "manager, Chinese keys", text(h.command(manager, `/lead profile Acme 营业额=5000万-1亿 地址="星湖街 1 号"`)), "profile updated")
	if got := h.lead("Acme").Profile; got.Revenue != "5000万-1亿" || got.Address != "星湖街 1 号" {
		t.Errorf("profile after the manager's change %+v", got)
	}
	if card := text(h.command(rep, "/lead show Acme")); strings.Contains(card, "Missing from the profile") {
		t.Error("a complete profile still lists what is missing")
	}
}

// TestProfileForm: /lead profile <company> opens the form filled in with
// the profile; the card's Profile button too; the submitted form sets
// every field as the form has it, a bad one refused under its input.
func TestProfileForm(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Acme B")
	h.command(rep, "/lead profile Acme industry=machinery website=https://acme.com")
	if msg := h.command(rep, "/lead profile Acme"); msg.Text != "" {
		t.Fatalf("the form's command answered %q", msg.Text)
	}
	view, meta := h.openedView(1)
	mustContain(t, "form", view, `"callback_id":"lead_profile"`, "Industry", "Headcount", "Revenue", "Region", "Address", "Website",
		`"initial_value":"machinery"`, `"initial_value":"https://acme.com"`, `"initial_value":"Acme"`)
	mustContain(t, "meta", meta, "C0SALES")
	h.click(rep, "profile_open", h.lead("Acme").ID)
	mustContain(t, "button's form", h.slack.WaitFor(t, "views.open", 2)[1].Param("view"), `"callback_id":"lead_profile"`, `"initial_value":"machinery"`)

	status, body := h.submit(rep, "lead_profile", map[string]slack.BlockAction{
		"company": value("Acme"), "industry": value("machinery"), "headcount": value("lots"), "website": value("https://acme.com"),
	})
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	mustContain(t, "bad headcount", string(body), `"response_action":"errors"`, `"headcount":`, "is not a headcount")
	status, body = h.submit(rep, "lead_profile", map[string]slack.BlockAction{
		"company": value("Acme"), "industry": value("Machinery"), "headcount": value("200"), "region": value("苏州"), "website": value(""),
	})
	if status != http.StatusOK || len(body) != 0 {
		t.Fatalf("status %d body %s", status, body)
	}
	if got := h.lead("Acme").Profile; got != (salesbot.Profile{Industry: "Machinery", Headcount: "200", Region: "苏州"}) {
		t.Errorf("profile after the form: %+v", got)
	}
	status, body = h.submit(other, "lead_profile", map[string]slack.BlockAction{"company": value("Acme"), "industry": value("x")})
	if status != http.StatusOK || !strings.Contains(string(body), "Only its owner or a manager") {
		t.Errorf("another rep's form: status %d body %s", status, body)
	}
}

// TestReportBySource: the report splits the period by source: leads
// brought (and still open), reaching A, won and their value; leads with no
// source count as Unknown.
func TestReportBySource(t *testing.T) {
	h := newHarness(t)
	for _, line := range []string{
		"/lead new Alpha A source: event",
		"/lead new Bravo B source: 展会",
		"/lead grade Bravo A selection starts in January",
		"/lead new Charlie C source: referral",
		"/lead new Delta",
		"/lead value Alpha 180万",
	} {
		mustContain(t, line, h.command(rep, line).Text, ":")
	}
	mustContain(t, "won", h.command(manager, "/lead won Alpha").Text, "won")
	mustContain(t, "lost", h.command(rep, "/lead lost Charlie no budget").Text, "lost")
	h.h.Wait()
	h.command(manager, "/salesbot report week")
	h.h.Wait()
	summaries := posted(h, "C0SALES")
	if len(summaries) != 1 {
		t.Fatalf("%d messages in the channel, want the summary", len(summaries))
	}
	summary := strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(summaries[0].Text())
	mustContain(t, "by source", summary, "*By source*",
		"• *Referral*: 1 new (0 open) · 0 reached A · 0 won",
		"• *Event*: 2 new (1 open) · 2 reached A · 1 won · ¥1,800,000",
		"• *Unknown*: 1 new (1 open) · 0 reached A · 0 won")
	if strings.Index(summary, "*Referral*") > strings.Index(summary, "*Event*") && strings.Index(summary, "*Event*") > 0 {
		// Sources list passive ones first, as salesbot.Sources does.
		t.Error("the sources are not in salesbot.Sources' order")
	}
	var file []byte
	for _, b := range h.slack.Uploads() {
		file = b
	}
	rows := readReport(t, file)
	hasRow(t, rows, "Event", "2", "1", "2", "1", "CNY", "1800000.00")
	hasRow(t, rows, "Unknown", "1", "1", "0", "0", "", "")
}

// shortcut sends a message shortcut as user on a message with the text.
func (h *harness) shortcut(user, callbackID, msgText string) {
	h.t.Helper()
	cb := slack.InteractionCallback{Type: slack.InteractionTypeMessageAction, CallbackID: callbackID, User: slack.User{ID: user},
		Channel:   slack.Channel{GroupConversation: slack.GroupConversation{Conversation: slack.Conversation{ID: "C0FIELD"}}},
		TriggerID: "trigger-shortcut", ResponseURL: h.slack.ResponseURL(callbackID)}
	cb.Message.Text = msgText
	if status, body := h.interact(cb); status != http.StatusOK || len(body) != 0 {
		h.t.Fatalf("shortcut %s: status %d body %s", callbackID, status, body)
	}
	h.h.Wait()
}

// inputs reads a form's text inputs' initial values by block ID.
func inputs(t *testing.T, view string) (callbackID string, initial map[string]string) {
	t.Helper()
	var v struct {
		CallbackID string `json:"callback_id"`
		Blocks     []struct {
			BlockID string `json:"block_id"`
			Element struct {
				InitialValue string `json:"initial_value"`
			} `json:"element"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal([]byte(view), &v); err != nil {
		t.Fatal(err)
	}
	initial = map[string]string{}
	for _, b := range v.Blocks {
		initial[b.BlockID] = b.Element.InitialValue
	}
	return v.CallbackID, initial
}

// TestLogAsVisitShortcut: "Log as visit" opens the visit form with the
// message as plain-text notes and the company guessed among the clicker's
// own leads (any for a manager): never another rep's, so a stranger learns
// nothing. The submitted form logs the visit.
func TestLogAsVisitShortcut(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new 明达机械有限公司 B")
	h.command(other, "/lead new Initech")
	msg := "Met <@U0CFO|zhao> at 明达机械 today &amp; they want <https://evil.example/x|a demo> and <javascript:alert(1)|click>\x07 before <!here> Initech"
	h.shortcut(rep, "log_visit_from_message", msg)
	view, meta := h.openedView(1)
	cb, in := inputs(t, view)
	if cb != "visit" || in["company"] != "明达机械有限公司" {
		t.Fatalf("form %q, company %q", cb, in["company"])
	}
	wantNotes := "Met @zhao at 明达机械 today & they want a demo and click before @here Initech"
	if in["notes"] != wantNotes {
		t.Errorf("notes %q, want %q", in["notes"], wantNotes)
	}
	mustContain(t, "meta", meta, "C0FIELD")

	// Another rep clicking on the same message: Initech is theirs, 明达 is
	// not offered.
	h.shortcut(other, "log_visit_from_message", "明达机械 called, nothing about anyone else")
	_, in = inputs(t, h.slack.WaitFor(t, "views.open", 2)[1].Param("view"))
	if in["company"] != "" {
		t.Errorf("another rep's guess offers %q", in["company"])
	}
	h.shortcut(other, "log_visit_from_message", msg)
	_, in = inputs(t, h.slack.WaitFor(t, "views.open", 3)[2].Param("view"))
	if in["company"] != "Initech" {
		t.Errorf("another rep's own lead not guessed: %q", in["company"])
	}
	h.shortcut(manager, "log_visit_from_message", "Initech: the CIO wants a demo")
	_, in = inputs(t, h.slack.WaitFor(t, "views.open", 4)[3].Param("view"))
	if in["company"] != "Initech" {
		t.Errorf("a manager's guess: %q", in["company"])
	}
	// No guess at all, and a long message cut to the notes' limit.
	h.shortcut(rep, "log_visit_from_message", strings.Repeat("nothing known here ", 200))
	_, in = inputs(t, h.slack.WaitFor(t, "views.open", 5)[4].Param("view"))
	if in["company"] != "" || len([]rune(in["notes"])) != salesbot.MaxTextLen || !strings.HasSuffix(in["notes"], "…") {
		t.Errorf("no guess: company %q, %d characters of notes", in["company"], len([]rune(in["notes"])))
	}

	status, body := h.submitMeta(rep, "visit", meta, map[string]slack.BlockAction{"company": value("明达机械有限公司"), "notes": value(wantNotes)})
	if status != http.StatusOK || len(body) != 0 {
		t.Fatalf("status %d body %s", status, body)
	}
	visits, err := h.store.Visits(t.Context(), h.team, h.lead("明达机械有限公司").ID, 5)
	if err != nil || len(visits) != 1 || visits[0].Notes != wantNotes {
		t.Fatalf("visits %+v, %v", visits, err)
	}
}

// TestRegisterAsLeadShortcut: "Register as lead" opens the new-lead form
// with a company-like phrase of the message and the message as its notes;
// the submitted form registers the lead with its source, and its notes as
// the Need. A message with nothing like a name opens the form empty.
func TestRegisterAsLeadShortcut(t *testing.T) {
	h := newHarness(t)
	h.shortcut(rep, "register_lead_from_message", "Call from Globex Inc. about MES\nthey need 20 licences <@U0X>")
	view, meta := h.openedView(1)
	cb, in := inputs(t, view)
	if cb != "lead_new" || in["company"] != "Globex Inc." || in["new_notes"] != "Call from Globex Inc. about MES\nthey need 20 licences @U0X" {
		t.Fatalf("form %q, initial %q", cb, in)
	}
	mustContain(t, "form", view, "Source", "Notes")
	h.shortcut(rep, "register_lead_from_message", "明天去拜访苏州明达机械有限公司，谈 MES")
	if _, in := inputs(t, h.slack.WaitFor(t, "views.open", 2)[1].Param("view")); in["company"] != "苏州明达机械有限公司" {
		t.Errorf("Chinese company %q", in["company"])
	}
	h.shortcut(rep, "register_lead_from_message", "<https://evil.example|Evil Corp.> &lt;script&gt;alert(1)&lt;/script&gt; Co., Ltd.")
	if _, in := inputs(t, h.slack.WaitFor(t, "views.open", 3)[2].Param("view")); in["new_notes"] != "Evil Corp. <script>alert(1)</script> Co., Ltd." {
		t.Errorf("hostile notes %q", in["new_notes"])
	}
	h.shortcut(rep, "register_lead_from_message", "we talked for a long while about many things and nothing at all")
	if _, in := inputs(t, h.slack.WaitFor(t, "views.open", 4)[3].Param("view")); in["company"] != "" {
		t.Errorf("a guess from nothing: %q", in["company"])
	}
	// From a workspace the bot is not installed in: no form.
	foreign := slack.InteractionCallback{Type: slack.InteractionTypeMessageAction, CallbackID: "register_lead_from_message",
		User: slack.User{ID: rep}, Team: slack.Team{ID: "T0ELSEWHERE"}, TriggerID: "trigger-foreign"}
	foreign.Message.Text = "Initech Inc."
	if status, _ := h.interactAsIs(foreign); status != http.StatusOK {
		t.Errorf("foreign shortcut: status %d", status)
	}
	h.h.Wait()
	if n := len(h.slack.Calls("views.open")); n != 4 {
		t.Errorf("%d forms opened; a foreign shortcut opened one", n)
	}

	status, body := h.submitMeta(rep, "lead_new", meta, map[string]slack.BlockAction{
		"company": value("Globex Inc."), "grade": option("B"), "source": option("referral"), "new_notes": value("MES for 20 users"),
	})
	if status != http.StatusOK || len(body) != 0 {
		t.Fatalf("status %d body %s", status, body)
	}
	l := h.lead("Globex")
	if l.Source != salesbot.SourceReferral || l.Facts[salesbot.FactNeed].Text != "MES for 20 users" || l.Owner != rep {
		t.Errorf("registered %+v", l)
	}
	status, body = h.submit(rep, "lead_new", map[string]slack.BlockAction{"company": value("Hooli"), "grade": option("C"), "source": option("fax")})
	if status != http.StatusOK || !strings.Contains(string(body), `"source":`) {
		t.Errorf("a bad source: status %d body %s", status, body)
	}
}

// TestForecastBySource: `/salesbot forecast quarter all by source` adds
// the period's deals split by their lead's source to the forecast; a rep's
// own forecast may be split too; without it, no such section.
func TestForecastBySource(t *testing.T) {
	h := newHarness(t)
	for _, line := range []string{
		"/lead new Acme A source: event",
		"/lead value Acme 180万",
		"/lead close-by Acme 2026-12-20",
		"/lead forecast Acme commit",
		"/lead new Globex B 来源：介绍",
		"/lead value Globex 50万",
		"/lead close-by Globex 2026-12",
		"/lead new Initech C",
		"/lead value Initech 10万",
		"/lead close-by Initech 2026-11-30",
	} {
		mustContain(t, line, h.command(rep, line).Text, ":")
	}
	forecast := func(user, line string) string {
		t.Helper()
		before := len(h.slack.Calls("chat.postMessage"))
		mustContain(t, line, h.command(user, line).Text, "2026 Q4")
		h.h.Wait()
		calls := h.slack.Calls("chat.postMessage")
		for _, c := range calls[before:] {
			if strings.Contains(c.Text(), "Forecast") {
				return strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(c.Text() + c.Param("blocks"))
			}
		}
		t.Fatalf("%s: no forecast posted", line)
		return ""
	}
	posted := forecast(manager, "/salesbot forecast quarter all by source")
	mustContain(t, "by source", posted, "*By source*",
		"*Referral* — won ¥0 · commit ¥0 · best case ¥0 · pipeline ¥500,000",
		"*Event* — won ¥0 · commit ¥1,800,000",
		"*Unknown* — won ¥0 · commit ¥0 · best case ¥0 · pipeline ¥100,000", "1 open, 0 won")
	if strings.Index(posted, "*Referral*") > strings.Index(posted, "*Unknown*") {
		t.Error("Unknown is not last")
	}
	if plain := forecast(manager, "/salesbot forecast quarter all"); strings.Contains(plain, "By source") {
		t.Error("a forecast not asked by source is split by source")
	}
	mustContain(t, "a rep's own, in Chinese words", forecast(rep, "/salesbot forecast quarter 按来源"), "*By source*", "*Event*")
}
