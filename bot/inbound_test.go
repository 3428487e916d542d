package bot_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/internal/fakeslack"
)

// desk is the receptionist who takes the calls: no manager, no leads.
const desk = "U0DESK"

// inboundHarness is the bot with a receptionist, two managers (manager,
// from the settings, and lead1, granted from Slack) and DMs answered as
// Slack does, each copy in a channel and at a ts of its own.
func inboundHarness(t *testing.T) *harness {
	t.Helper()
	h := newHarness(t)
	h.slack.RealDMs()
	h.slack.SetUser(desk, fakeslack.User{Name: "Dee Desk", TZ: "Asia/Shanghai"})
	h.slack.SetUser(lead1, fakeslack.User{Name: "Lea One", TZ: "Asia/Shanghai"})
	mustContain(t, "grant", h.command(manager, "/salesbot managers add "+tag(lead1)).Text, "granted")
	h.h.Wait()
	return h
}

// readable is what a call carries, with the JSON escapes of <, > and &
// undone: the mrkdwn Slack renders.
func readable(c fakeslack.Call) string {
	return strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(c.Text())
}

// postedTo returns the chat.postMessage calls containing want, by the user
// they were sent to.
func postedTo(h *harness, want string) map[string]fakeslack.Call {
	out := map[string]fakeslack.Call{}
	for _, c := range h.slack.Calls("chat.postMessage") {
		if strings.Contains(readable(c), want) {
			out[c.Param("channel")] = c
		}
	}
	return out
}

// updated returns the chat.update calls containing want, by channel.
func updated(h *harness, want string) map[string]fakeslack.Call {
	out := map[string]fakeslack.Call{}
	for _, c := range h.slack.Calls("chat.update") {
		if strings.Contains(readable(c), want) {
			out[c.Param("channel")] = c
		}
	}
	return out
}

// sortedKeys lists a map's keys, sorted.
func sortedKeys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// buttonValue is the value of the button with actionID in a message's
// blocks ("" when it has none).
func buttonValue(t *testing.T, c fakeslack.Call, actionID string) string {
	t.Helper()
	var blocks []map[string]any
	if err := json.Unmarshal([]byte(c.Param("blocks")), &blocks); err != nil {
		t.Fatalf("blocks: %v", err)
	}
	for _, b := range blocks {
		els, _ := b["elements"].([]any)
		for _, el := range els {
			m, _ := el.(map[string]any)
			if m["action_id"] == actionID {
				v, _ := m["value"].(string)
				return v
			}
		}
	}
	return ""
}

// inquiryOf records an inquiry as desk and returns its ID, read from the
// managers' message, after checking every manager got it with its buttons.
func inquiryOf(t *testing.T, h *harness, line, company string) string {
	t.Helper()
	mustContain(t, line, h.command(desk, line).Text, "The inquiry from *"+company+"*", "sent to the managers to assign (managers told: 2)")
	h.h.Wait()
	got := postedTo(h, "Inbound inquiry: "+company+"*")
	if to := sortedKeys(got); !slices.Equal(to, []string{lead1, manager}) {
		t.Fatalf("the inquiry went to %v; want every manager", to)
	}
	var id string
	for m, c := range got {
		checkBlocks(t, "inquiry to "+m, c)
		mustContain(t, "inquiry to "+m, readable(c), "Assign…", "Take it", "<@"+desk+">")
		id = buttonValue(t, c, "inbound_take")
		if id == "" || buttonValue(t, c, "inbound_assign") != id {
			t.Fatalf("the buttons of %s's copy carry %q", m, id)
		}
	}
	return id
}

// TestInboundAssign: a receptionist records an inquiry; every manager gets
// it with Assign… and Take it; a rep's forged clicks and form change
// nothing; a manager assigns it through the form; the rep gets it, the
// lead is the rep's, from the inbound source, its first touch due four
// working hours later; every copy is redrawn; a late click is told where it
// went.
func TestInboundAssign(t *testing.T) {
	h := inboundHarness(t)
	id := inquiryOf(t, h, "/lead inbound Acme 来电 wants a quote for 200 seats", "Acme")
	mustContain(t, "notes", readable(postedTo(h, "Inbound inquiry: Acme*")[manager]), "wants a quote for 200 seats", "inbound call or walk-in")

	// A rep's forged clicks and submission: refused, nothing written.
	opened := len(h.slack.Calls("views.open"))
	h.click(rep, "inbound_take", id)
	mustContain(t, "a rep's Take it", h.lastResponse(), "Only managers assign inbound inquiries")
	h.click(rep, "inbound_assign", id)
	mustContain(t, "a rep's Assign", h.lastResponse(), "Only managers assign inbound inquiries")
	if n := len(h.slack.Calls("views.open")); n != opened {
		t.Errorf("a rep's click opened the assign form")
	}
	meta := `{"c":"C0SALES","l":"` + id + `"}`
	status, body := h.submitMeta(rep, "inquiry_assign", meta, map[string]slack.BlockAction{"rep": {SelectedUser: rep}})
	if status != 200 || !strings.Contains(string(body), "Only managers assign inbound inquiries") || !strings.Contains(string(body), `"rep"`) {
		t.Errorf("a rep's forged form: %d %s; want the refusal under the rep input", status, body)
	}
	if names, _ := h.store.LeadNames(t.Context(), h.team); len(names) != 0 {
		t.Fatalf("forged clicks made leads: %v", names)
	}
	if q, err := h.store.Inquiry(t.Context(), h.team, id); err != nil || !q.Waiting() {
		t.Fatalf("after forged clicks: %+v, %v", q, err)
	}

	// The manager opens the form: the inquiry in it, a rep to pick.
	h.click(manager, "inbound_assign", id)
	views := h.slack.Calls("views.open")
	if len(views) != opened+1 {
		t.Fatalf("Assign… opened %d forms", len(views)-opened)
	}
	form := readable(views[len(views)-1])
	mustContain(t, "assign form", form, `"callback_id":"inquiry_assign"`, "Acme", "wants a quote for 200 seats", "Rep", "users_select", `"private_metadata":"{\"c\":\"C0SALES\",\"l\":\"`+id)

	// No rep chosen, a bot: said under the input.
	status, body = h.submitMeta(manager, "inquiry_assign", meta, nil)
	if !strings.Contains(string(body), "Choose the rep") {
		t.Errorf("no rep: %d %s", status, body)
	}
	h.slack.SetUser("U0BOT2", fakeslack.User{Name: "Build Bot", Bot: true})
	_, body = h.submitMeta(manager, "inquiry_assign", meta, map[string]slack.BlockAction{"rep": {SelectedUser: "U0BOT2"}})
	if !strings.Contains(string(body), "not a rep") {
		t.Errorf("a bot: %s", body)
	}

	status, body = h.submitMeta(manager, "inquiry_assign", meta, map[string]slack.BlockAction{"rep": {SelectedUser: rep}})
	if status != 200 || len(body) != 0 {
		t.Fatalf("assign: %d %s", status, body)
	}
	l := h.lead("Acme")
	due := time.Date(2026, 11, 23, 14, 0, 0, 0, shanghai(t)) // Monday 10:00 + 4 working hours
	if l.Owner != rep || l.Source != salesbot.SourceInbound || l.CreatedBy != desk || !l.Due.Equal(due) || l.Stage != salesbot.StageLead {
		t.Errorf("the lead: owner %s, source %q, registered by %s, due %v, stage %s", l.Owner, l.Source, l.CreatedBy, l.Due, l.Stage)
	}
	hist, err := h.store.History(t.Context(), h.team, l.ID, 5)
	if err != nil || len(hist) != 1 || hist[0].Kind != salesbot.ChangeCreated || !strings.Contains(hist[0].Reason, "inbound inquiry recorded by <@"+desk+">") ||
		!strings.Contains(hist[0].Reason, "assigned by <@"+manager+">") {
		t.Errorf("history: %+v %v", hist, err)
	}

	// The rep is told, with Log visit; the manager is answered.
	toRep := postedTo(h, "You have a new inbound lead")[rep]
	mustContain(t, "the rep's DM", readable(toRep), "*Acme*", "assigned by <@"+manager+">", "First touch due by Mon 23 Nov 14:00", "wants a quote for 200 seats", "Log visit")
	checkBlocks(t, "the rep's DM", toRep)
	if v := buttonValue(t, toRep, "visit_open"); v != l.ID {
		t.Errorf("Log visit carries %q; want the lead %s", v, l.ID)
	}
	var reply string
	for _, c := range h.slack.Calls("chat.postEphemeral") {
		if c.Param("user") == manager && strings.Contains(readable(c), "is <@"+rep+">'s lead now") {
			reply = readable(c)
		}
	}
	mustContain(t, "the manager's reply, where the form was opened from", reply, "*Acme*", "first touch is due by Mon 23 Nov 14:00", "told them")

	// Every manager's copy redrawn, its buttons gone.
	redrawn := updated(h, "assigned to <@"+rep+"> by <@"+manager+">")
	if to := sortedKeys(redrawn); !slices.Equal(to, []string{"D0LEAD1", "D0MANAGER"}) {
		t.Errorf("copies redrawn in %v; want both managers'", to)
	}
	for ch, c := range redrawn {
		if strings.Contains(c.Text(), "inbound_take") {
			t.Errorf("%s's copy still has its buttons", ch)
		}
	}

	// lead1 clicks Take it on the old copy: told where it went.
	h.click(lead1, "inbound_take", id)
	mustContain(t, "a late Take it", h.lastResponse(), "already assigned to <@"+rep+"> by <@"+manager+">")
	h.click(lead1, "inbound_assign", id)
	mustContain(t, "a late Assign", h.lastResponse(), "already assigned to")
	if l := h.lead("Acme"); l.Owner != rep {
		t.Errorf("a late click moved the lead to %s", l.Owner)
	}
	mustContain(t, "empty queue", h.command(manager, "/lead inbound list").Text, "No inbound inquiry is waiting")
}

// TestInboundTakeAndDuplicates: a manager takes an inquiry; an inquiry for
// a company that is a lead tells the recorder whose and the owner that it
// came in; a second inquiry for a waiting one is caught; a company
// registered while its inquiry waited closes the inquiry when a manager
// acts on it.
func TestInboundTakeAndDuplicates(t *testing.T) {
	h := inboundHarness(t)
	id := inquiryOf(t, h, "/lead inbound Globex referral from Acme's buyer", "Globex")
	h.click(lead1, "inbound_take", id)
	mustContain(t, "taken", h.lastResponse(), "You took the inquiry from *Globex* (referral)", "First touch due by Mon 23 Nov 14:00", "Log visit")
	if l := h.lead("Globex"); l.Owner != lead1 || l.Source != salesbot.SourceReferral {
		t.Errorf("Globex: owner %s, source %q", l.Owner, l.Source)
	}
	if to := sortedKeys(updated(h, "Globex* (referral): taken by <@"+lead1+">")); !slices.Equal(to, []string{"D0LEAD1", "D0MANAGER"}) {
		t.Errorf("copies redrawn in %v", to)
	}

	// Globex again, written otherwise: lead1's lead; lead1 is told.
	reply := h.command(desk, "/lead inbound \"GLOBEX Co., Ltd.\" 电话 asks for a demo")
	mustContain(t, "a lead's company", reply.Text, "*Globex* is already a lead: <@"+lead1+">'s since 2026-11-23", "nothing was queued")
	h.h.Wait()
	mustContain(t, "the owner told", readable(postedTo(h, "A new inquiry came in for your lead")[lead1]), "*Globex*", "phone campaign", "<@"+desk+">", "asks for a demo")
	if _, total, _ := h.store.Inquiries(t.Context(), h.team, 10); total != 0 {
		t.Errorf("a lead's company was queued (%d waiting)", total)
	}
	// The owner recording an inquiry for their own lead is told to log it.
	mustContain(t, "own lead", h.command(lead1, "/lead inbound Globex called back").Text, "already your lead", "/visit Globex")

	// Initech twice: the second is caught.
	id2 := inquiryOf(t, h, "/lead inbound Initech", "Initech")
	mustContain(t, "waiting", h.command(desk, "/lead inbound initech 上门").Text, "An inquiry from *Initech* is waiting already (recorded by <@"+desk+"> Mon 23 Nov 10:00)")
	// A rep registers Initech meanwhile; the manager's Take it closes the inquiry.
	h.command(rep, "/lead new Initech B")
	h.click(manager, "inbound_take", id2)
	mustContain(t, "registered meanwhile", h.lastResponse(), "*Initech* became <@"+rep+">'s lead", "the inquiry is closed")
	if l := h.lead("Initech"); l.Owner != rep {
		t.Errorf("Initech moved to %s", l.Owner)
	}
	if to := sortedKeys(updated(h, "Initech* is closed: it was registered as <@"+rep+">'s lead")); !slices.Equal(to, []string{"D0LEAD1", "D0MANAGER"}) {
		t.Errorf("closed copies redrawn in %v", to)
	}
	mustContain(t, "the rep told", readable(postedTo(h, "A new inquiry came in for your lead *Initech*")[rep]), "<@"+desk+">")
	if _, total, _ := h.store.Inquiries(t.Context(), h.team, 10); total != 0 {
		t.Errorf("%d inquiries wait after all were settled", total)
	}

	// Lost to the pool: the old owner and the managers hear of the inquiry.
	h.command(rep, "/lead lost Initech budget cut")
	mustContain(t, "a lost lead", h.command(desk, "/lead inbound Initech 介绍 new budget approved").Text,
		"*Initech* was lost by <@"+rep+"> and is in the pool", "told the managers")
	h.h.Wait()
	told := postedTo(h, "A new inquiry came in for *Initech*")
	if to := sortedKeys(told); !slices.Equal(to, []string{lead1, manager}) {
		t.Errorf("managers told of the pool's inquiry: %v", to)
	}
	mustContain(t, "the managers told", readable(told[manager]), "lost by <@"+rep+">", "/lead assign Initech @rep", "new budget approved")
	if _, total, _ := h.store.Inquiries(t.Context(), h.team, 10); total != 0 {
		t.Errorf("a lost lead's company was queued")
	}
}

// TestInboundBadInput: /lead inbound alone opens the form; bad input is
// answered with how to write it and queues nothing; the form records with
// its source; the list is for managers.
func TestInboundBadInput(t *testing.T) {
	h := inboundHarness(t)
	if reply := h.command(desk, "/lead inbound"); reply.Text != "" {
		t.Errorf("alone: %q; want the form", reply.Text)
	}
	form := readable(h.slack.Calls("views.open")[0])
	mustContain(t, "the form", form, `"callback_id":"lead_inbound"`, "Company", "Source", "Notes", "referral")

	for line, says := range map[string][]string{
		"/lead inbound <@U0REP> wants a quote":            {"can't be a mention", "/lead inbound <company> [source] [notes]"},
		"/lead inbound " + strings.Repeat("A", 121):       {"121 characters long"},
		"/lead inbound Acme Industrial 来电 wants a quote":  {`Is the company "Acme Industrial"?`, `/lead inbound "Acme Industrial" 来电`},
		"/lead inbound Acme " + strings.Repeat("备注", 260): {"The note is 520 characters long; keep it under 500"},
		"/lead inbound \"   \" 来电":                        {"Which company called?"},
	} {
		mustContain(t, line, h.command(desk, line).Text, says...)
	}
	mustContain(t, "list and more", h.command(manager, "/lead inbound list of callers").Text, "takes nothing after it", `/lead inbound "list of callers"`)
	if _, total, _ := h.store.Inquiries(t.Context(), h.team, 10); total != 0 {
		t.Fatalf("bad input queued %d inquiries", total)
	}

	// The form: a company is needed; then recorded with the chosen source.
	_, body := h.submit(desk, "lead_inbound", map[string]slack.BlockAction{"notes": value("x")})
	if !strings.Contains(string(body), `"company"`) || !strings.Contains(string(body), "Which company") {
		t.Errorf("the form without a company: %s", body)
	}
	status, body := h.submit(desk, "lead_inbound", map[string]slack.BlockAction{
		"company": value("Hooli Industrial"), "inbound_source": option("event"), "notes": value("met at the Canton fair\nwants a call"),
	})
	if status != 200 || len(body) != 0 {
		t.Fatalf("the form: %d %s", status, body)
	}
	list, total, _ := h.store.Inquiries(t.Context(), h.team, 10)
	if total != 1 || list[0].Company != "Hooli Industrial" || list[0].Source != salesbot.SourceEvent || list[0].By != desk {
		t.Fatalf("the form queued %+v (%d)", list, total)
	}
	mustContain(t, "the managers' copy", readable(postedTo(h, "Inbound inquiry: Hooli Industrial*")[manager]), "event or trade show", ">met at the Canton fair\\n>wants a call")

	// A company called List, quoted, is a company.
	mustContain(t, "quoted list", h.command(desk, `/lead inbound "List" 网络`).Text, "The inquiry from *List* (the web) is recorded")
	// In Chinese words: 来询, a Chinese source.
	mustContain(t, "来询", h.command(desk, "/lead 来询 明达机械 展会 想要报价").Text, "The inquiry from *明达机械* (event or trade show) is recorded")

	// The list: managers only.
	mustContain(t, "a rep's list", h.command(rep, "/lead inbound list").Text, "Only managers see the inbound queue")
	for i := range 22 {
		h.command(desk, "/lead inbound Company"+string(rune('A'+i)))
	}
	h.h.Wait()
	reply := h.command(manager, "/lead inbound list")
	all := text(reply)
	mustContain(t, "the list", all, "*Inbound queue* — 25 waiting, oldest first", "…and 5 more", "Assign…", "Take it")
	if len(reply.Blocks.BlockSet) > 50 {
		t.Errorf("the list has %d blocks", len(reply.Blocks.BlockSet))
	}
	if n := strings.Count(all, `"action_id":"inbound_take"`); n != 20 {
		t.Errorf("the list shows %d inquiries; want 20", n)
	}
	// In Chinese.
	h.command(manager, "/salesbot lang zh")
	mustContain(t, "the list in Chinese", text(h.command(manager, "/lead inbound list")), "来询队列", "我来接手", "分配…")
}

// TestInboundHostileNames: a company and notes that hold mrkdwn, mentions
// and broadcasts are shown as typed in every message, and ping no one.
func TestInboundHostileNames(t *testing.T) {
	h := inboundHarness(t)
	const evil = "Evil <!channel> & <@U0MANAGER> *Co*"
	status, body := h.submit(desk, "lead_inbound", map[string]slack.BlockAction{
		"company": value(evil), "notes": value("call <!here> <https://x.example|now> & ask"),
	})
	if status != 200 || len(body) != 0 {
		t.Fatalf("the form: %d %s", status, body)
	}
	copies := postedTo(h, "Inbound inquiry: Evil")
	if len(copies) != 2 {
		t.Fatalf("%d copies", len(copies))
	}
	id := buttonValue(t, copies[manager], "inbound_take")
	h.click(lead1, "inbound_assign", id)
	h.submitMeta(lead1, "inquiry_assign", `{"c":"C0SALES","l":"`+id+`"}`, map[string]slack.BlockAction{"rep": {SelectedUser: rep}})
	if l := h.lead(evil); l.Owner != rep {
		t.Fatalf("not assigned: %+v", l)
	}
	var seen int
	for _, c := range append(append(h.slack.Calls("chat.postMessage"), h.slack.Calls("chat.update")...), append(h.slack.Calls("views.open"), h.slack.Calls("chat.postEphemeral")...)...) {
		s := readable(c)
		if !strings.Contains(s, "Evil") {
			continue
		}
		seen++
		for _, raw := range []string{"<!channel>", "<!here>", "<@U0MANAGER> *Co*", "<https://x.example|now>"} {
			if strings.Contains(s, raw) {
				t.Errorf("%s to %s carries %q unescaped:\n%s", c.Method, c.Param("channel"), raw, s)
			}
		}
		if !strings.Contains(s, "Evil &lt;!channel&gt; &amp; &lt;@U0MANAGER&gt;") {
			t.Errorf("%s to %s does not show the name escaped:\n%s", c.Method, c.Param("channel"), s)
		}
	}
	if seen < 7 { // two copies, the assign form, two redrawn, the rep's DM, the manager's reply
		t.Errorf("only %d messages named the company", seen)
	}
}
