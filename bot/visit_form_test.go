package bot_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/slack-go/slack"
)

// TestVisitFormTellsStrangersNoOnesNames: another rep who submits the visit
// form for a lead they named exactly, with a name not recorded under
// "people met", is refused as a stranger, and the refusal does not list the
// people recorded at the lead (only its owner and managers see those).
// Nothing is logged.
func TestVisitFormTellsStrangersNoOnesNames(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Closely Held")
	h.command(rep, `/stance "Closely Held" "Zhao Secret" eb high +2`)
	status, body := h.submit(other, "visit", map[string]slack.BlockAction{
		"company": value("Closely Held"), "met": value("Nobody Known"), "notes": value("walked in"),
	})
	if status != http.StatusOK {
		t.Fatalf("status %d body %s", status, body)
	}
	if strings.Contains(string(body), "Zhao Secret") {
		t.Fatalf("the refusal lists the lead's people to another rep: %s", body)
	}
	mustContain(t, "refusal", string(body), `"response_action":"errors"`, "company", "Only its owner or a manager")
	visits, err := h.store.Visits(t.Context(), h.team, h.lead("Closely Held").ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(visits) != 0 {
		t.Fatalf("a stranger's visit was logged: %+v", visits)
	}

	// The owner mistyping a name is told, under the names input, who is
	// recorded.
	status, body = h.submit(rep, "visit", map[string]slack.BlockAction{
		"company": value("Closely Held"), "met": value("Zhao Secert"),
	})
	if status != http.StatusOK {
		t.Fatalf("status %d body %s", status, body)
	}
	mustContain(t, "owner's typo", string(body), `"met":`, "Zhao Secret")
}
