package bot_test

import (
	"bytes"
	"strings"
	"sync"
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

// TestBrokenKeyLoggedAtError: the same failure is logged at Error level,
// with the operation that failed and Redis's reply, for whoever repairs it.
func TestBrokenKeyLoggedAtError(t *testing.T) {
	logs := &lockedBuffer{}
	h := newHarnessLogging(t, redistest.URL(t), logs)
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
	mustContain(t, "reply", h.command(rep, "/lead show Acme").Text, "went wrong on our side")
	h.h.Wait()
	got := logs.String()
	var line string
	for _, l := range strings.Split(got, "\n") {
		if strings.Contains(l, "WRONGTYPE") {
			line = l
		}
	}
	mustContain(t, "log line", line, "level=ERROR", "find lead", "WRONGTYPE")
	if strings.Contains(got, "level=WARN") && strings.Contains(got, "store unavailable") {
		t.Errorf("logged as an outage:\n%s", got)
	}
}

// lockedBuffer is a bytes.Buffer safe for the bot's concurrent logging.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
