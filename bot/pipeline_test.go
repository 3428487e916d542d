package bot_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image/png"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/chart"
	"salesbot/handlers"
	"salesbot/internal/fakeslack"
)

// The manager's pipeline end to end, through signed HTTP: the deal's value,
// close date and category, targets, the forecast with its charts, and the
// weekly review's buttons.

func TestDealValueCloseByAndCategory(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Acme B")

	mustContain(t, "value", text(h.command(rep, "/lead value Acme ¥1.8M")), "¥1,800,000")
	if got := h.lead("Acme").Value; got != (salesbot.Amount{Minor: 180_000_000, Currency: "CNY"}) {
		t.Fatalf("value stored %+v", got)
	}
	for _, bad := range []string{"€ 95.000,50", "1.234,5", "-5", "10000001亿", "100 XYZ", "1\u200b00"} {
		reply := h.command(rep, "/lead value Acme "+bad)
		if reply.ResponseType != slack.ResponseTypeEphemeral || !strings.Contains(reply.Text, ":warning:") {
			t.Errorf("%q: want an ephemeral warning, got %q", bad, reply.Text)
		}
		if got := h.lead("Acme").Value.Minor; got != 180_000_000 {
			t.Fatalf("%q changed the value to %d", bad, got)
		}
	}
	mustContain(t, "zh value", text(h.command(rep, "/lead value Acme 180万")), "already valued")
	h.command(rep, "/lead value Acme $400k")
	if got := h.lead("Acme").Value; got != (salesbot.Amount{Minor: 40_000_000, Currency: "USD"}) {
		t.Fatalf("dollar value stored %+v", got)
	}

	mustContain(t, "close month", text(h.command(rep, "/lead close-by Acme 2026-12")), "2026-12-31")
	reply := text(h.command(rep, "/lead close-by Acme 2027-01-15"))
	mustContain(t, "slip", reply, "slip (1 so far)")
	if l := h.lead("Acme"); l.Slips != 1 || l.CloseBy != (salesbot.Date{Year: 2027, Month: 1, Day: 15}) {
		t.Fatalf("slip not kept: %+v %d", l.CloseBy, l.Slips)
	}
	mustContain(t, "passed", text(h.command(rep, "/lead close-by Acme 2026-11-01")), "already passed")
	mustContain(t, "bad date", h.command(rep, "/lead close-by Acme 2027-02-30").Text, ":warning:", "YYYY-MM")

	h.command(rep, "/lead forecast Acme commit")
	if c := h.lead("Acme").Category; c != salesbot.CategoryCommit {
		t.Fatalf("category %q", c)
	}
	refused := h.command(other, "/lead forecast Acme omit")
	mustContain(t, "stranger", refused.Text, ":no_entry:")
	if c := h.lead("Acme").Category; c != salesbot.CategoryCommit {
		t.Fatalf("a stranger changed the category to %q", c)
	}
	mustContain(t, "card", text(h.command(rep, "/lead show Acme")), "$400,000", "closes 2026-11-01", "slipped 1×", "has passed", "Commit", "Deal")
}

func TestForecastWithTargetAndChart(t *testing.T) {
	h := newHarness(t)
	// Today is 2026-11-23: the quarter is 2026-Q4.
	h.command(rep, "/lead new Acme A")
	h.command(rep, "/lead value Acme 180万")
	h.command(rep, "/lead close-by Acme 2026-12-20")
	h.command(rep, "/lead forecast Acme commit")
	h.command(rep, "/lead new 华光科技 B")
	h.command(rep, "/lead value 华光科技 1,000,000 CNY")
	h.command(rep, "/lead close-by 华光科技 2026-12")
	h.command(other, "/lead new Beta C")
	h.command(other, "/lead value Beta 50万")
	h.command(other, "/lead close-by Beta 2027-02-01") // next quarter: not counted
	h.command(other, "/lead new Gamma C")              // no close date: in no period

	mustContain(t, "rep target", h.command(rep, "/salesbot target "+at(rep)+" 2026-Q4 500万").Text, ":no_entry:")
	mustContain(t, "target", text(h.command(manager, "/salesbot target "+at(rep)+" 2026-Q4 400万")), "¥4,000,000")
	mustContain(t, "bad period", h.command(manager, "/salesbot target "+at(rep)+" 2026-13 5万").Text, ":warning:")
	h.slack.SetUser("U0BOT", fakeslack.User{Name: "Some App", Bot: true})
	mustContain(t, "bot target", h.command(manager, "/salesbot target "+at("U0BOT")+" 2026-Q4 5万").Text, ":warning:", "not a rep")
	mustContain(t, "bad amount", h.command(manager, "/salesbot target team 2026-Q4 1.234,5").Text, ":warning:", "ambiguous")
	mustContain(t, "rep all", h.command(rep, "/salesbot forecast quarter all").Text, ":no_entry:")
	mustContain(t, "bad forecast", h.command(manager, "/salesbot forecast 2026-Q9").Text, ":warning:", "YYYY-Qn")

	mustContain(t, "ask", h.command(manager, "/salesbot forecast quarter all").Text, "2026 Q4")
	h.h.Wait()
	var posted string
	for _, c := range h.slack.Calls("chat.postMessage") {
		if c.Param("channel") == "C0SALES" && strings.Contains(c.Text(), "Forecast") {
			posted = c.Text() + c.Param("blocks")
		}
	}
	// By hand: commit 1,800,000; pipeline 1,000,000 (stage lead, 5%);
	// weighted 1,800,000 × 5% + 1,000,000 × 5% = 140,000; coverage
	// 2,800,000 ÷ 4,000,000 = 0.7×.
	mustContain(t, "forecast", posted, "commit ¥1,800,000", "pipeline ¥1,000,000", "weighted ¥140,000", "Target ¥4,000,000", "coverage 0.70×")
	// Acme, 华光科技 and Beta have close dates; Gamma has none.
	mustContain(t, "no close date", posted, "1 open lead has no expected close date, so no period counts it.")
	if strings.Contains(posted, "Beta") {
		t.Errorf("a deal of the next quarter is in the forecast:\n%s", posted)
	}
	// Files upload v2 gives out file IDs in order: F00000001, F00000002 …
	uploads := map[string][]byte{}
	for i, c := range h.slack.Calls("files.getUploadURLExternal") {
		uploads[c.Param("filename")] = h.slack.Uploads()[fmt.Sprintf("F%08d", i+1)]
	}
	for _, name := range []string{"forecast-2026-Q4-pipeline.png", "forecast-2026-Q4-reps.png"} {
		data, ok := uploads[name]
		if !ok || len(data) == 0 {
			t.Fatalf("%s not uploaded; uploads: %v", name, keys(uploads))
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s is not a PNG: %v", name, err)
		}
		if b := img.Bounds(); b.Dx() != chart.Width || b.Dy() != chart.Height {
			t.Fatalf("%s is %v, want %d×%d", name, b, chart.Width, chart.Height)
		}
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestReviewButtons(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Acme A")
	h.command(rep, "/lead value Acme 180万")
	h.command(rep, "/lead close-by Acme 2026-12-20")
	acme := h.lead("Acme")
	week := salesbot.Week(salesbot.Date{Year: 2026, Month: 11, Day: 23})

	mustContain(t, "stranger review", h.command(other, "/salesbot review "+at(rep)).Text, ":no_entry:")
	mustContain(t, "review", h.command(manager, "/salesbot review "+at(rep)).Text, "direct message")
	h.h.Wait()
	var review string
	for _, c := range h.slack.Calls("chat.postMessage") {
		if c.Param("channel") == manager && strings.Contains(c.Text(), "review") {
			review = c.Param("blocks")
		}
	}
	mustContain(t, "review message", review, "Acme", "¥1,800,000", "Commit", "At risk", "Drop", "Reviewed")

	btn := acme.ID + "|" + rep + "|" + week
	h.click(manager, "review_commit", btn)
	if l := h.lead("Acme"); l.Category != salesbot.CategoryCommit {
		t.Fatalf("Commit left the category %q", l.Category)
	}
	last := lastResponse(t, h)
	mustContain(t, "commit redraw", last, "Commit", "replace_original")

	h.click(manager, "review_risk", btn)
	if l := h.lead("Acme"); !l.AtRisk || l.Category != salesbot.CategoryBest {
		t.Fatalf("At risk: at risk %v, category %q", l.AtRisk, l.Category)
	}
	mustContain(t, "risk redraw", lastResponse(t, h), "at risk")

	h.click(other, "review_commit", btn)
	if l := h.lead("Acme"); l.Category != salesbot.CategoryBest {
		t.Fatalf("a stranger's Commit changed the category to %q", l.Category)
	}

	// Reviewed: the coaching note goes to the rep and is kept.
	meta := `{"c":"D0MANAGER","m":"1700000000.000100","r":"` + rep + `","w":"` + week + `"}`
	if status, body := h.submitMeta(manager, "reviewed", meta, map[string]slack.BlockAction{"notes": value("Good week; get the EB meeting.")}); status != http.StatusOK || len(body) != 0 {
		t.Fatalf("reviewed: %d %s", status, body)
	}
	notes, err := h.store.ReviewNotes(t.Context(), h.team, rep, 1)
	if err != nil || len(notes) != 1 || notes[0].By != manager || notes[0].Week != week {
		t.Fatalf("review note kept: %+v %v", notes, err)
	}
	var told bool
	for _, c := range h.slack.Calls("chat.postMessage") {
		if c.Param("channel") == rep && strings.Contains(c.Text(), "Good week; get the EB meeting.") {
			told = true
		}
	}
	if !told {
		t.Fatal("the rep did not get the coaching note")
	}
	if status, _ := h.submitMeta(rep, "reviewed", meta, map[string]slack.BlockAction{"notes": value("self-review")}); status != http.StatusOK {
		t.Fatalf("rep reviewed: %d", status)
	}
	if notes, _ := h.store.ReviewNotes(t.Context(), h.team, rep, 5); len(notes) != 1 {
		t.Fatalf("a rep could review themself: %+v", notes)
	}

	// Drop asks for a reason, and closes the deal as lost when so chosen.
	dropMeta := `{"c":"D0MANAGER","m":"1700000000.000100","l":"` + acme.ID + `"}`
	status, body := h.submitMeta(manager, "review_drop", dropMeta, map[string]slack.BlockAction{"outcome": option("lost"), "notes": value("")})
	if status != http.StatusOK || !strings.Contains(string(body), "errors") {
		t.Fatalf("drop without a reason: %d %s", status, body)
	}
	if l := h.lead("Acme"); !l.Open() {
		t.Fatal("a drop without a reason closed the deal")
	}
	h.submitMeta(manager, "review_drop", dropMeta, map[string]slack.BlockAction{"outcome": option("lost"), "notes": value("budget cut")})
	if l := h.lead("Acme"); l.Stage != salesbot.StageLost || l.LostReason != "budget cut" {
		t.Fatalf("Drop as lost: stage %q reason %q", l.Stage, l.LostReason)
	}
}

// lastResponse is the last message posted to a response_url, as JSON.
func lastResponse(t *testing.T, h *harness) string {
	t.Helper()
	calls := h.slack.Calls("response")
	if len(calls) == 0 {
		t.Fatal("no response posted")
	}
	b, _ := json.Marshal(calls[len(calls)-1].JSON)
	return strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(string(b))
}

// at is a user as a slash command carries a mention.
func at(u string) string { return "<@" + u + "|" + u + ">" }

// charts is the chart renderer over the CJK font the build relies on
// (fonts-wqy-microhei, which make test installs), loaded once.
var charts = sync.OnceValues(func() (*chart.Renderer, error) {
	path, err := chart.FindFont("")
	if err != nil {
		return nil, err
	}
	return chart.LoadFont(path)
})

func chartsFor(t *testing.T) handlers.Charts {
	t.Helper()
	r, err := charts()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestReviewMenuAndCraftedButtons: /salesbot review without a name offers
// the reps in one menu (not a burst of messages); picking one sends that
// rep's review. A rep's own deal is not changed from a button that names
// another rep's review.
func TestReviewMenuAndCraftedButtons(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Acme A")
	h.command(rep, "/lead close-by Acme 2026-12-20")
	h.command(other, "/lead new Beta A")
	h.command(other, "/lead close-by Beta 2026-12-21")

	menu := text(h.command(manager, "/salesbot review"))
	mustContain(t, "menu", menu, "review_open", `"value":"`+rep+`"`, `"value":"`+other+`"`, "Pick one")
	before := len(h.slack.Calls("chat.postMessage"))
	h.click(manager, "review_open", other)
	posted := h.slack.Calls("chat.postMessage")[before:]
	if len(posted) != 1 || posted[0].Param("channel") != manager || !strings.Contains(posted[0].Param("blocks"), "Beta") {
		t.Fatalf("picking a rep sent %d messages; want Beta's review to the manager", len(posted))
	}

	acme := h.lead("Acme")
	week := salesbot.Week(salesbot.Date{Year: 2026, Month: 11, Day: 23})
	h.click(rep, "review_commit", acme.ID+"|"+other+"|"+week)
	if c := h.lead("Acme").Category; c != "" && c != salesbot.CategoryPipeline {
		t.Fatalf("a button naming another rep's review changed the deal to %q", c)
	}
	mustContain(t, "crafted", lastResponse(t, h), "not yours")
}
