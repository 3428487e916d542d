package bot_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"salesbot"
)

// seedLeads registers n leads of a grade for owner straight in the store,
// named "<prefix> 001" on, a minute apart.
func (h *harness) seedLeads(owner, prefix string, g salesbot.Grade, n int) {
	h.t.Helper()
	for i := range n {
		at := now.Add(-time.Duration(n-i) * time.Minute)
		l, c, err := salesbot.NewLead(salesbot.Actor{User: owner}, h.team, "", fmt.Sprintf("%s %03d", prefix, i+1), g, at)
		if err != nil {
			h.t.Fatal(err)
		}
		l.Schedule(salesbot.DefaultCadence())
		if _, err := h.store.CreateLead(h.t.Context(), l, c); err != nil {
			h.t.Fatal(err)
		}
	}
}

var listMoreButton = regexp.MustCompile(`"action_id":"list_more"[^\]]*?"value":"([^"]*)"|"value":"([^"]*)"[^\]]*?"action_id":"list_more"`)

// listMore is the value of a page's "Show more" button, "" when it has none.
func listMore(blocks string) string {
	m := listMoreButton.FindStringSubmatch(blocks)
	if m == nil {
		return ""
	}
	return m[1] + m[2]
}

// page is what a manager reads on one page of the team's pipeline.
type page struct {
	text   string
	leads  int
	blocks int
	more   string
}

func readPage(t *testing.T, prefix, blocks string) page {
	t.Helper()
	var bs []json.RawMessage
	if err := json.Unmarshal([]byte(blocks), &bs); err != nil {
		t.Fatalf("blocks: %v: %s", err, blocks)
	}
	for _, b := range bs {
		if n := len([]rune(string(b))); n > 3500 {
			t.Errorf("a block of %d characters: more than Slack takes", n)
		}
	}
	return page{text: blocks, leads: strings.Count(blocks, "*"+prefix+" "), blocks: len(bs), more: listMore(blocks)}
}

// clickPage presses a page's "Show more" button as user and reads the page
// it posts.
func (h *harness) clickPage(user, value, prefix string) page {
	h.t.Helper()
	before := len(h.slack.Calls("response"))
	h.click(user, "list_more", value)
	responses := h.slack.Calls("response")
	if len(responses) != before+1 {
		h.t.Fatalf("show more %q: %d responses, want 1", value, len(responses)-before)
	}
	last := responses[len(responses)-1]
	if last.Param("replace_original") == "true" {
		h.t.Errorf("show more %q replaced the page clicked on; want the next page below it", value)
	}
	blocks := last.Param("blocks")
	if blocks == "" || blocks == "null" {
		return page{text: last.Text()}
	}
	return readPage(h.t, prefix, blocks)
}

// TestListAllPages: a manager's /lead list all reads the team's open leads
// a page at a time (what fits one Slack message) from the read models, in
// at most 3 Redis round trips whatever the team's size, and "Show more"
// posts the next page; a rep who clicks it is refused.
func TestListAllPages(t *testing.T) {
	h := newHarness(t)
	h.seedLeads(rep, "Firma", salesbot.GradeB, 95)

	h.command(manager, "/lead list A all") // the page script is cached once per Redis server
	msg := h.command(manager, "/lead list all")
	if trips := h.trips.Load(); trips.Count() > maxRoundTrips {
		t.Errorf("/lead list all: %d Redis round trips, want at most %d: %s", trips.Count(), maxRoundTrips, strings.Join(trips.Names(), " "))
	}
	b, _ := json.Marshal(msg.Blocks)
	first := readPage(t, "Firma", string(b))
	if first.leads != salesbot.ListPage || first.blocks > 50 || first.more != "40|" {
		t.Fatalf("first page: %d leads in %d blocks, button %q; want %d, at most 50, 40|:\n%s", first.leads, first.blocks, first.more, salesbot.ListPage, first.text)
	}
	mustContain(t, "first page", first.text, "1–40 of 95", "Firma 001", "Show more")

	second := h.clickPage(manager, first.more, "Firma")
	if second.leads != salesbot.ListPage || second.more != "80|" {
		t.Fatalf("second page: %d leads, button %q; want %d, 80|:\n%s", second.leads, second.more, salesbot.ListPage, second.text)
	}
	mustContain(t, "second page", second.text, "41–80 of 95", "Firma 041", "Firma 080")
	if strings.Contains(second.text, "Firma 040") {
		t.Errorf("second page repeats the first's leads:\n%s", second.text)
	}
	last := h.clickPage(manager, second.more, "Firma")
	if last.leads != 15 || last.more != "" {
		t.Fatalf("last page: %d leads, button %q; want 15 and none:\n%s", last.leads, last.more, last.text)
	}
	mustContain(t, "last page", last.text, "81–95 of 95", "Firma 095")

	// The button carries only the offset: a rep pressing it (or forging
	// it) is told the team's pipeline is the managers'.
	refused := h.clickPage(rep, "40|", "Firma")
	if refused.leads != 0 || !strings.Contains(refused.text, "Only managers") {
		t.Errorf("a rep paged the team's pipeline:\n%s", refused.text)
	}
}

// TestListGradePages: /lead list A all pages the team's A leads alone, and
// its button keeps the grade.
func TestListGradePages(t *testing.T) {
	h := newHarness(t)
	h.seedLeads(rep, "Alpha", salesbot.GradeA, 45)
	h.seedLeads(other, "Beta", salesbot.GradeB, 5)

	msg := h.command(manager, "/lead list A all")
	b, _ := json.Marshal(msg.Blocks)
	first := readPage(t, "Alpha", string(b))
	if first.leads != salesbot.ListPage || first.more != "40|A" || strings.Contains(first.text, "Beta") {
		t.Fatalf("A page: %d leads, button %q; want %d A leads, 40|A:\n%s", first.leads, first.more, salesbot.ListPage, first.text)
	}
	next := h.clickPage(manager, first.more, "Alpha")
	if next.leads != 5 || next.more != "" || strings.Contains(next.text, "Beta") {
		t.Fatalf("next A page: %d leads, button %q; want the 5 A leads left, no button:\n%s", next.leads, next.more, next.text)
	}
	mustContain(t, "next A page", next.text, "41–45 of 45")
}

// TestListMoreStaleButton: a button value that is not an offset and a
// grade is refused as out of date.
func TestListMoreStaleButton(t *testing.T) {
	h := newHarness(t)
	for _, v := range []string{"x|", "40", "-40|", "40|Z"} {
		got := h.clickPage(manager, v, "Firma")
		if !strings.Contains(strings.ToLower(got.text), "out of date") {
			t.Errorf("list_more %q: %s; want it refused as out of date", v, got.text)
		}
	}
}
