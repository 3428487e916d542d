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

// The negotiation end to end, through signed HTTP: concessions, the four
// qualification questions (by text and by form) and the rivals, each bad
// input refused with how to write it and nothing changed.

// atStage puts a lead at a stage in the store, however it got there: the
// stage gates are another part's to test.
func (h *harness) atStage(company string, s salesbot.Stage) {
	h.t.Helper()
	l := h.lead(company)
	if _, err := h.store.UpdateLead(h.t.Context(), h.team, l.ID, func(l *salesbot.Lead) (salesbot.Update, error) {
		from := l.Stage
		l.Stage, l.StageSince = s, now
		return salesbot.Update{Changes: []salesbot.Change{{LeadID: l.ID, Company: l.Company, Kind: salesbot.ChangeStage, By: manager, At: now, From: string(from), To: string(s)}}}, nil
	}); err != nil {
		h.t.Fatal(err)
	}
}

// refused checks a reply is an ephemeral refusal with the words given, and
// that the lead is as it was before.
func (h *harness) refused(what string, reply slack.Msg, company string, was *salesbot.Lead, wants ...string) {
	h.t.Helper()
	if reply.ResponseType != slack.ResponseTypeEphemeral || !(strings.Contains(reply.Text, ":warning:") || strings.Contains(reply.Text, ":no_entry:")) {
		h.t.Errorf("%s: want an ephemeral refusal, got %q", what, reply.Text)
	}
	mustContain(h.t, what, reply.Text, wants...)
	if got := h.lead(company); !reflect.DeepEqual(got, was) {
		h.t.Errorf("%s changed the lead:\n got %+v\nwant %+v", what, got, was)
	}
}

// openedView is the last form opened, and its private metadata.
func (h *harness) openedView(n int) (view, meta string) {
	h.t.Helper()
	calls := h.slack.WaitFor(h.t, "views.open", n)
	view = calls[n-1].Param("view")
	var v struct {
		PrivateMetadata string `json:"private_metadata"`
	}
	_ = json.Unmarshal([]byte(view), &v)
	return view, v.PrivateMetadata
}

func TestConcessions(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Acme A")
	h.command(rep, "/lead new Beta B")
	h.atStage("Acme", salesbot.StageNegotiation)

	mustContain(t, "first", text(h.command(rep, "/concede Acme 5% discount for a three-year contract")),
		"concession 1 logged", "5% discount", "(5%)", "a three-year contract")
	reply := text(h.command(rep, "/concede Acme 8% discount for a reference visit"))
	mustContain(t, "larger", reply, "concession 2 logged", "larger than the last one (5%)", "越让越少")
	reply = text(h.command(manager, "/concede Acme 2% discount for nothing"))
	mustContain(t, "nothing back", reply, "concession 3 logged", "Nothing was asked in return", "有给就要")
	if strings.Contains(reply, "larger than") {
		t.Errorf("a smaller concession warned as larger: %s", reply)
	}
	mustContain(t, "让步 with 换取", text(h.command(rep, "/lead 让步 Acme 减1万换取提前付款")), "concession 4 logged", "(¥10,000)", "提前付款")

	l := h.lead("Acme")
	if len(l.Concessions) != 4 || l.Concessions[0].Size.Basis != 500 || l.Concessions[2].By != manager || l.Concessions[3].Get != "提前付款" {
		t.Fatalf("stored concessions %+v", l.Concessions)
	}

	// Bad input: no "for", a stranger's lead, a stage before objections.
	h.refused("no for", h.command(rep, "/concede Acme 5% discount"), "Acme", l, "What do we get for it?", "/concede Acme 5% discount for a three-year contract")
	h.refused("nothing given", h.command(rep, "/concede Acme for a contract"), "Acme", l, "What do we give?")
	h.refused("stranger", h.command(other, "/concede Acme 1% for a contract"), "Acme", l, ":no_entry:")
	beta := h.lead("Beta")
	h.refused("stage", h.command(rep, "/concede Beta 5% for a contract"), "Beta", beta, "Concessions are logged in Objections or Negotiation", "new quote")

	card := text(h.command(rep, "/lead show Acme"))
	mustContain(t, "card", card, "*Concessions* (4)", "减1万", "for nothing in return", "a reference visit")

	// Alone, /concede opens its form; the form logs a concession.
	if msg := h.command(rep, "/concede"); msg.Text != "" {
		t.Fatalf("/concede alone answered %q; want the form", msg.Text)
	}
	view, _ := h.openedView(1)
	mustContain(t, "form", view, `"callback_id":"concede"`, "Company", "What we give", "What we get in return")
	status, body := h.submit(rep, "concede", map[string]slack.BlockAction{"company": value("Acme"), "give": value("free training"), "get": value("a case study")})
	if status != http.StatusOK || len(body) != 0 {
		t.Fatalf("concession form: %d %s", status, body)
	}
	if l := h.lead("Acme"); len(l.Concessions) != 5 || l.Concessions[4].Give != "free training" {
		t.Fatalf("the form's concession: %+v", l.Concessions)
	}
	mustContain(t, "told", h.slack.WaitFor(t, "chat.postEphemeral", 1)[0].Text(), "concession 5 logged")
	// The card shows the latest five.
	h.command(rep, "/concede Acme 0.5% discount for a signature this week")
	card = text(h.command(rep, "/lead show Acme"))
	mustContain(t, "card of 6", card, "*Concessions* (6, the latest 5)", "a signature this week", "free training")
	if strings.Contains(card, "a three-year contract") {
		t.Errorf("the card shows the oldest of 6 concessions:\n%s", card)
	}
	// A stranger's form is refused under its input.
	status, body = h.submit(other, "concede", map[string]slack.BlockAction{"company": value("Acme"), "give": value("1%"), "get": value("x")})
	if status != http.StatusOK || !strings.Contains(string(body), `"errors"`) {
		t.Fatalf("a stranger's concession form: %d %s", status, body)
	}
	if l := h.lead("Acme"); len(l.Concessions) != 6 {
		t.Fatalf("a stranger's form logged a concession")
	}
}

func TestQualification(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Acme A")

	reply := text(h.command(rep, "/lead qualify Acme exists=yes budget approved compete=yes win=unknown worth=yes"))
	mustContain(t, "qualify", reply, "Qualified 3/4", "win unknown")
	l := h.lead("Acme")
	if q := l.Qualification; q.Score() != 3 || q.Exists.Note != "budget approved" || q.By != rep {
		t.Fatalf("stored %+v", q)
	}
	mustContain(t, "card", text(h.command(rep, "/lead show Acme")), "*Qualification*", "Qualified 3/4 · win unknown")

	// Bad input: an answer that is none, a question that is none, a stranger.
	h.refused("bad answer", h.command(rep, "/lead qualify Acme win=maybe"), "Acme", l, `"maybe" is not an answer to win`, "/lead qualify Acme exists=yes")
	h.refused("bad question", h.command(rep, "/lead qualify Acme budget=yes"), "Acme", l, `"budget" is not one of the four questions`)
	h.refused("stranger", h.command(other, "/lead qualify Acme win=yes"), "Acme", l, ":no_entry:")
	// A stranger does not get the form either.
	h.refused("stranger's form", h.command(other, "/lead qualify Acme"), "Acme", l, ":no_entry:")
	if n := len(h.slack.Calls("views.open")); n != 0 {
		t.Fatalf("a stranger's /lead qualify opened %d forms", n)
	}

	// The form: opened filled in for the owner, submitted with a "no".
	if msg := h.command(rep, "/lead qualify Acme"); msg.Text != "" {
		t.Fatalf("/lead qualify Acme answered %q; want the form", msg.Text)
	}
	view, meta := h.openedView(1)
	mustContain(t, "form", view, `"callback_id":"lead_qualify"`, "Does the opportunity exist?", "Can we compete?", "Can we win?", "Is it worth winning?", "budget approved")
	answers := map[string]slack.BlockAction{
		"q_exists": option("yes"), "qn_exists": value("budget approved"), "q_compete": option("yes"),
		"q_win": option("no"), "qn_win": value("SAP is entrenched"), "q_worth": option("yes"),
	}
	// Another rep submitting the same form is refused under its input.
	status, body := h.submitMeta(other, "lead_qualify", meta, answers)
	if status != http.StatusOK || !strings.Contains(string(body), `"errors"`) {
		t.Fatalf("a stranger's qualification form: %d %s", status, body)
	}
	if got := h.lead("Acme"); !reflect.DeepEqual(got, l) {
		t.Fatalf("a stranger's form changed the lead")
	}
	if status, body := h.submitMeta(rep, "lead_qualify", meta, answers); status != http.StatusOK || len(body) != 0 {
		t.Fatalf("qualification form: %d %s", status, body)
	}
	if q := h.lead("Acme").Qualification; q.Win != (salesbot.Verdict{Answer: salesbot.AnswerNo, Note: "SAP is entrenched"}) || q.Score() != 3 {
		t.Fatalf("the form's answers: %+v", q)
	}
	mustContain(t, "told", h.slack.WaitFor(t, "chat.postEphemeral", 1)[0].Text(), "Qualified 3/4", "win no", "lower it to B or let it go")
	mustContain(t, "risk on the card", text(h.command(rep, "/lead show Acme")), "Qualification answered no (win) on a grade A lead")

	// Chinese answers.
	mustContain(t, "zh", text(h.command(rep, "/lead qualify Acme 赢=是")), "Qualified 4/4")
}

func TestRivals(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Acme B")
	mustContain(t, "competition unknown", text(h.command(rep, "/lead show Acme")), "Competition")

	mustContain(t, "rival", text(h.command(rep, `/lead rival Acme "SAP" ahead demoed first`)), "*SAP* — ahead of us", "demoed first")
	mustContain(t, "two words", text(h.command(rep, `/lead rival Acme Oracle NetSuite 持平`)), "*Oracle NetSuite* — even with us")
	mustContain(t, "update", text(h.command(manager, `/lead rival Acme sap behind`)), "*SAP* — behind us: _demoed first_")
	l := h.lead("Acme")
	if len(l.Rivals) != 2 || l.Rivals[0].Position != salesbot.PositionBehind || l.Rivals[0].By != manager {
		t.Fatalf("stored rivals %+v", l.Rivals)
	}
	for _, k := range l.UnknownFacts() {
		if k == salesbot.FactCompetition {
			t.Fatal("competition still unknown with rivals recorded")
		}
	}
	card := text(h.command(rep, "/lead show Acme"))
	mustContain(t, "card", card, "*Rivals* (2)", "Oracle NetSuite")
	if strings.Contains(card, "Unknown*: Schedule, Budget, Need, Decision process, Competition") {
		t.Errorf("the card still lists competition as unknown:\n%s", card)
	}

	// Bad input: no name, an empty name, a stranger's lead.
	h.refused("no name", h.command(rep, `/lead rival Acme ahead they are cheaper`), "Acme", l, "Which vendor?", `/lead rival Acme "SAP" ahead`)
	h.refused("empty name", h.command(rep, `/lead rival Acme ""`), "Acme", l, "Which vendor?")
	h.refused("nothing", h.command(rep, `/lead rival Acme`), "Acme", l, "Which vendor?")
	h.refused("stranger", h.command(other, `/lead rival Acme "Infor" ahead`), "Acme", l, ":no_entry:")
	h.refused("same again", h.command(rep, `/lead rival Acme SAP behind`), "Acme", l, "already recorded")
}
