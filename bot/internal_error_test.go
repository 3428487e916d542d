package bot_test

import (
	"strings"
	"testing"

	"salesbot/internal/redistest"
)

// TestBrokenKeyGetsOurFaultReply breaks a lead's key (a hash where a string
// belongs, as a bug or a bad repair would leave it): a signed command that
// reads it answers that something went wrong on our side, in the user's
// language, and not the "try again in a moment" meant for an outage.
func TestBrokenKeyGetsOurFaultReply(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Acme")
	l := h.lead("Acme")
	rdb := redistest.Client(t)
	key := "sb:{" + h.team + "}:lead:" + l.ID
	if err := rdb.Del(t.Context(), key).Err(); err != nil {
		t.Fatal(err)
	}
	if err := rdb.HSet(t.Context(), key, "not", "a lead").Err(); err != nil {
		t.Fatal(err)
	}

	reply := h.command(rep, "/lead show Acme")
	if reply.ResponseType != "ephemeral" {
		t.Errorf("reply is %q; want ephemeral", reply.ResponseType)
	}
	mustContain(t, "WRONGTYPE reply", reply.Text, "went wrong on our side")
	for _, outage := range []string{"try again", "can't reach its database", "WRONGTYPE"} {
		if strings.Contains(reply.Text, outage) {
			t.Errorf("reply %q says %q", reply.Text, outage)
		}
	}

	h.command(rep, "/salesbot lang zh")
	mustContain(t, "WRONGTYPE reply in Chinese", h.command(rep, "/lead show Acme").Text, "系统内部出错")
}
