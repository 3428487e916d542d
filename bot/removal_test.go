package bot_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"salesbot"
	"salesbot/internal/redistest"
)

// teamText is every key of the harness's team, with its contents, as text:
// what a SCAN of sb:{T}:* finds, whatever the key's type.
func teamText(t *testing.T, h *harness) map[string]string {
	t.Helper()
	c := redistest.Client(t)
	out := map[string]string{}
	iter := c.Scan(t.Context(), 0, "sb:{"+h.team+"}:*", 1000).Iterator()
	for iter.Next(t.Context()) {
		k := iter.Val()
		var v any
		var err error
		switch typ, _ := c.Type(t.Context(), k).Result(); typ {
		case "string":
			v, err = c.Get(t.Context(), k).Result()
		case "list":
			v, err = c.LRange(t.Context(), k, 0, -1).Result()
		case "hash":
			v, err = c.HGetAll(t.Context(), k).Result()
		case "set":
			v, err = c.SMembers(t.Context(), k).Result()
		case "zset":
			v, err = c.ZRange(t.Context(), k, 0, -1).Result()
		case "stream":
			v, err = c.XRange(t.Context(), k, "-", "+").Result()
		default:
			t.Fatalf("%s: type %s", k, typ)
		}
		if err != nil {
			t.Fatal(err)
		}
		out[k] = fmt.Sprintf("%v", v)
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// keysHolding lists the keys whose name or contents hold s, without case.
func keysHolding(all map[string]string, s string) []string {
	var keys []string
	for k, v := range all {
		if strings.Contains(strings.ToLower(k+" "+v), strings.ToLower(s)) {
			keys = append(keys, k)
		}
	}
	return keys
}

// TestStanceRemove: the lead's owner or a manager removes a person; another
// rep is refused; afterwards the person's name is nowhere in the team's
// keys, while the lead, its other person and its visit remain, and the
// card says that someone was removed, by whom.
func TestStanceRemove(t *testing.T) {
	h := newHarness(t)
	const person = "Zhang Weiqiang 张伟强"
	h.command(rep, "/lead new Acme")
	h.command(rep, `/stance Acme "`+person+`" eb high +1 signs off`)
	h.command(rep, `/stance Acme "`+person+`" eb high +2 came round after the demo`)
	h.command(rep, `/stance Acme "Li Na" coach low +2 knows `+person)
	mustContain(t, "visit", h.command(rep, `/visit Acme lunch with `+person+` met: "`+person+`", "Li Na" next: 2026-11-30 send `+person+` the plan`).Text, "Acme")
	h.command(rep, "/lead key Acme decision "+person+" decides with the board")
	h.h.Wait()

	refused := h.command(other, `/stance remove Acme "`+person+`"`)
	mustContain(t, "another rep", refused.Text, "Only", "owner", "manager")
	if l := h.lead("Acme"); len(l.Stakeholders) != 2 {
		t.Fatalf("a refused removal changed the lead: %+v", l.Stakeholders)
	}
	mustContain(t, "unknown person", h.command(rep, `/stance remove Acme "Wang Wu"`).Text, "No one called Wang Wu", "/lead map")
	mustContain(t, "no person", h.command(rep, `/stance remove Acme`).Text, "Whose record?", `/stance remove Acme "Wang Li"`)

	done := h.command(rep, `/stance remove Acme "zhang weiqiang 张伟强"`)
	mustContain(t, "owner removes", done.Text, person+"'s record is removed from *Acme*")
	t.Logf("/stance remove: %d Redis round trips before the answer: %v", h.trips.Load().Count(), h.trips.Load().Names())
	h.h.Wait() // the sweep of the activity stream
	if err := h.sched.SweepTeam(t.Context(), h.team); err != nil {
		t.Fatal(err)
	}
	h.h.Wait()

	all := teamText(t, h)
	for _, w := range []string{"张伟强", "weiqiang"} {
		if keys := keysHolding(all, w); len(keys) > 0 {
			for _, k := range keys {
				t.Errorf("%q is still in %s: %s", w, k, all[k])
			}
		}
	}
	l := h.lead("Acme")
	if len(l.Stakeholders) != 1 || l.Stakeholders[0].Name != "Li Na" {
		t.Errorf("people left: %+v", l.Stakeholders)
	}
	visits, err := h.store.Visits(t.Context(), h.team, l.ID, 10)
	if err != nil || len(visits) != 1 || !strings.Contains(visits[0].Notes, salesbot.Removed) {
		t.Errorf("visits = %+v, %v", visits, err)
	}
	card := text(h.command(rep, "/lead show Acme"))
	mustContain(t, "card", card, "A person's record was removed by <@"+rep+">")
	mustContain(t, "map", text(h.command(rep, "/lead map Acme")), "Li Na")

	// A company whose name starts with the word is still a stance.
	h.command(rep, "/lead new Remove Ltd")
	mustContain(t, "company named remove", h.command(rep, `/stance Remove Ltd "Zhao Liu" eb high +1`).Text, "Zhao Liu", "Remove Ltd")

	// A manager may too, on anyone's lead.
	h.command(manager, `/stance Acme "Wang Wu" tb medium 0`)
	mustContain(t, "manager removes", h.command(manager, `/stance 删除 Acme "Wang Wu"`).Text, "Wang Wu's record is removed")
	audit, err := h.store.Audit(t.Context(), h.team, 10)
	if err != nil || len(audit) < 2 || audit[0].Kind != salesbot.AuditPersonRemoved || audit[0].By != manager || audit[1].By != rep {
		t.Errorf("audit = %+v, %v", audit, err)
	}
	for _, e := range audit {
		if strings.Contains(e.Detail+e.Subject, "Wang Wu") {
			t.Errorf("the audit names the person: %+v", e)
		}
	}
}

var deleteButton = regexp.MustCompile(`"action_id":"lead_delete","value":"([a-z0-9]+)"`)

// TestLeadDelete: a rep is refused; a manager is asked to confirm, Cancel
// keeps the lead, a rep's forged Delete click is refused, and the
// manager's Delete removes it, leaving its ID and company only in the
// audit log; a reminder's button on it then answers that it was deleted,
// and the name is free again.
func TestLeadDelete(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Quokkatronic 袋鼠科技")
	h.command(rep, `/stance Quokkatronic "Li Na" coach low +2`)
	h.command(rep, "/visit Quokkatronic demo went well")
	h.command(rep, "/lead value Quokkatronic 180万")
	h.command(rep, "/lead close-by Quokkatronic 2027-01-31")
	h.command(rep, "/lead new Other Co")
	l := h.lead("Quokkatronic 袋鼠科技")
	h.remind(rep, "Quokkatronic 袋鼠科技", "Other Co")

	mustContain(t, "rep refused", h.command(rep, "/lead delete Quokkatronic").Text, "Only managers can delete a lead", "ask a manager")
	mustContain(t, "rep refused in Chinese words", h.command(rep, "/lead 删除 Quokkatronic").Text, "Only managers can delete a lead")
	mustContain(t, "usage", h.command(manager, "/lead delete").Text, "Which lead?", "/lead delete Acme")
	mustContain(t, "extra words", h.command(manager, "/lead delete Quokkatronic now").Text, "takes the company only")

	confirm := text(h.command(manager, "/lead delete Quokkatronic"))
	t.Logf("/lead delete: %d Redis round trips before the confirmation: %v", h.trips.Load().Count(), h.trips.Load().Names())
	mustContain(t, "confirmation", confirm, "Delete *Quokkatronic 袋鼠科技* for good?", "<@"+rep+">", "grade C", "visits: 1", "people: 1",
		`"value":"`+l.ID+`"`, "Delete", "Cancel")
	// The visits are counted, not read.
	if names := strings.Join(h.trips.Load().Names(), " "); !strings.Contains(names, "LLEN") || strings.Contains(names, "LRANGE") {
		t.Errorf("the confirmation's round trips %s: want the visits counted (LLEN), not read", names)
	}
	m := deleteButton.FindStringSubmatch(confirm)
	if m == nil || m[1] != l.ID {
		t.Fatalf("no Delete button carrying the lead's ID in %s", confirm)
	}

	h.click(manager, "lead_delete_cancel", l.ID)
	mustContain(t, "cancel", lastResponse(t, h), "Cancelled: nothing was deleted")
	h.click(rep, "lead_delete", l.ID)
	mustContain(t, "forged click", lastResponse(t, h), "Only managers can delete a lead")
	if h.lead("Quokkatronic 袋鼠科技").ID != l.ID {
		t.Fatal("the lead changed")
	}

	h.click(manager, "lead_delete", l.ID)
	mustContain(t, "deleted", lastResponse(t, h), "*Quokkatronic 袋鼠科技* is deleted", "free to register again")
	if _, err := h.store.Lead(t.Context(), h.team, l.ID); salesbot.ErrorCode(err) != salesbot.ENOTFOUND {
		t.Fatalf("lead after delete: %v", err)
	}
	// The scheduler's sweep (reminders, risk news, digests) runs on
	// without it, and brings none of it back.
	if err := h.sched.SweepTeam(t.Context(), h.team); err != nil {
		t.Fatal(err)
	}
	h.h.Wait()
	all := teamText(t, h)
	audit := "sb:{" + h.team + "}:audit"
	for _, w := range []string{l.ID, "quokkatronic", "袋鼠科技"} {
		for _, k := range keysHolding(all, w) {
			if k != audit {
				t.Errorf("%q is still in %s: %s", w, k, all[k])
			}
		}
	}
	entries, err := h.store.Audit(t.Context(), h.team, 5)
	if err != nil || len(entries) == 0 || entries[0].Kind != salesbot.AuditLeadDeleted || entries[0].By != manager ||
		entries[0].Detail != "owner "+rep+", grade C, stage lead" {
		t.Errorf("audit = %+v, %v", entries, err)
	}

	// The reminder's buttons on it answer that it was deleted; the other
	// lead of the reminder is as it was.
	h.click(rep, "reminder_snooze", l.ID+"|1")
	mustContain(t, "reminder", lastResponse(t, h), "That lead was deleted by <@"+manager+">")
	h.click(manager, "lead_delete", l.ID)
	mustContain(t, "twice", lastResponse(t, h), "That lead was deleted")
	h.click(manager, "visit_open", l.ID)
	mustContain(t, "a card's form button", lastResponse(t, h), "That lead was deleted")
	// A button whose value is no lead's ID (an inquiry's, a request's) is
	// not looked up in the audit list, even when the ID is the deleted
	// lead's: its own not-found stands.
	for _, action := range []string{"inbound_take", "approve", "assign_to"} {
		h.click(manager, action, l.ID)
		if got := lastResponse(t, h); strings.Contains(got, "That lead was deleted") {
			t.Errorf("%s with the deleted lead's ID answered %s", action, got)
		}
	}
	h.click(manager, "inbound_take", l.ID)
	mustContain(t, "an inquiry's button", lastResponse(t, h), "That inquiry is no longer in the queue")
	mustContain(t, "other lead", text(h.command(rep, "/lead show Other Co")), "Other Co")
	mustContain(t, "list", text(h.command(manager, "/lead list all")), "Other Co")
	for _, line := range []string{"/salesbot digest", "/salesbot forecast quarter all", "/salesbot review", "/salesbot report week"} {
		if got := text(h.command(manager, line)); strings.Contains(got, "went wrong") || strings.Contains(got, l.ID) || strings.Contains(got, "Quokkatronic") {
			t.Errorf("%s after the delete: %s", line, got)
		}
	}
	h.h.Wait()
	for _, c := range h.slack.Calls("") {
		if strings.Contains(c.Text(), "went wrong") {
			t.Errorf("%s after the delete: %s", c.Method, c.Text())
		}
	}

	// The name is free again.
	mustContain(t, "again", text(h.command(other, "/lead new Quokkatronic 袋鼠科技")), "Quokkatronic")
	if again := h.lead("Quokkatronic 袋鼠科技"); again.ID == l.ID || again.Owner != other {
		t.Errorf("registered again: %+v", again)
	}
}

// TestRemovalEscapesHostileNames: a company and a person named to ping
// everyone reach no one unescaped in the removal's replies, the
// confirmation or the deletion's answer.
func TestRemovalEscapesHostileNames(t *testing.T) {
	h := newHarness(t)
	const evil = "<!channel> Evil <@U0EVIL> & Co"
	const bad = "<!here> Bad <@U0EVIL>"
	h.command(rep, `/lead new "`+evil+`"`)
	l := h.lead(evil)
	h.command(rep, `/stance "`+evil+`" "`+bad+`" eb high +1`)
	if got := h.lead(evil); len(got.Stakeholders) != 1 {
		t.Fatalf("people = %+v", got.Stakeholders)
	}
	replies := []string{
		text(h.command(rep, `/stance remove "`+evil+`" "Nobody <!everyone>"`)),
		text(h.command(rep, `/stance remove "`+evil+`" "`+bad+`"`)),
		text(h.command(manager, `/lead delete "`+evil+`"`)),
	}
	h.click(manager, "lead_delete", l.ID)
	replies = append(replies, lastResponse(t, h))
	for _, s := range replies {
		s = plainText.ReplaceAllString(s, "")
		for _, raw := range []string{"<!channel>", "<!here>", "<!everyone>", "<@U0EVIL>"} {
			if strings.Contains(s, raw) {
				t.Errorf("%q reached someone unescaped:\n%s", raw, s)
			}
		}
	}
	mustContain(t, "removed", replies[1], "&lt;!here&gt; Bad &lt;@U0EVIL&gt;'s record is removed")
	mustContain(t, "deleted", replies[3], "&lt;!channel&gt; Evil &lt;@U0EVIL&gt; &amp; Co* is deleted")
}

// TestRemovalOfAnInboundLead: a lead that came in through the inbound
// queue, whose inquiry's notes name the person. After /stance remove, no
// key of the team names them (the settled inquiry's notes are scrubbed);
// after /lead delete, none holds the lead's ID or company but the audit
// list (the inquiry and its copies go with the lead).
func TestRemovalOfAnInboundLead(t *testing.T) {
	h := inboundHarness(t)
	const person = "Zhang Weiqiang 张伟强"
	id := inquiryOf(t, h, "/lead inbound \"Quokkatronic 袋鼠科技\" 来电 call "+person+" back about 200 seats", "Quokkatronic 袋鼠科技")
	h.click(manager, "inbound_take", id)
	mustContain(t, "taken", h.lastResponse(), "You took the inquiry from *Quokkatronic 袋鼠科技*")
	h.h.Wait()
	l := h.lead("Quokkatronic 袋鼠科技")
	h.command(manager, `/stance Quokkatronic "`+person+`" eb high +1 signs off`)
	h.command(manager, `/stance Quokkatronic "Li Na" coach low +2`)
	if q, err := h.store.Inquiry(t.Context(), h.team, id); err != nil || !strings.Contains(q.Notes, "张伟强") || q.LeadID != l.ID {
		t.Fatalf("the settled inquiry = %+v, %v; want it kept with its notes and lead", q, err)
	}

	mustContain(t, "removed", h.command(manager, `/stance remove Quokkatronic "`+person+`"`).Text, person+"'s record is removed")
	h.h.Wait()
	if err := h.sched.SweepTeam(t.Context(), h.team); err != nil {
		t.Fatal(err)
	}
	h.h.Wait()
	all := teamText(t, h)
	for _, w := range []string{"张伟强", "weiqiang"} {
		for _, k := range keysHolding(all, w) {
			t.Errorf("%q is still in %s: %s", w, k, all[k])
		}
	}
	// A late click on a manager's copy still learns where it went.
	h.click(lead1, "inbound_take", id)
	mustContain(t, "late click", h.lastResponse(), "already taken by <@"+manager+">")

	mustContain(t, "confirm", text(h.command(manager, "/lead delete Quokkatronic")), "Delete *Quokkatronic 袋鼠科技* for good?")
	h.click(manager, "lead_delete", l.ID)
	mustContain(t, "deleted", lastResponse(t, h), "is deleted")
	if err := h.sched.SweepTeam(t.Context(), h.team); err != nil {
		t.Fatal(err)
	}
	h.h.Wait()
	all = teamText(t, h)
	audit := "sb:{" + h.team + "}:audit"
	for _, w := range []string{l.ID, "quokkatronic", "袋鼠科技", id} {
		for _, k := range keysHolding(all, w) {
			if k != audit {
				t.Errorf("%q is still in %s: %s", w, k, all[k])
			}
		}
	}
	// A late click on a copy now: the inquiry is gone.
	h.click(lead1, "inbound_take", id)
	mustContain(t, "click after the delete", h.lastResponse(), "no longer in the queue")
}
