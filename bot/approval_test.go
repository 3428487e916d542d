package bot_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"

	"salesbot"
)

// blipHook fails, once armed, the next script call that writes the lead
// with ID lead, as a connection dropped mid-call would, and sends nothing.
type blipHook struct {
	lead  atomic.Pointer[string]
	blips atomic.Int32
}

func (b *blipHook) DialHook(next redis.DialHook) redis.DialHook { return next }
func (b *blipHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}
func (b *blipHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if id := b.lead.Load(); id != nil && (cmd.Name() == "evalsha" || cmd.Name() == "eval") && touches(cmd, *id) && b.lead.CompareAndSwap(id, nil) {
			b.blips.Add(1)
			cmd.SetErr(io.ErrUnexpectedEOF)
			return io.ErrUnexpectedEOF
		}
		return next(ctx, cmd)
	}
}

// touches reports whether a script call names the lead's key.
func touches(cmd redis.Cmder, lead string) bool {
	for _, a := range cmd.Args() {
		if s, ok := a.(string); ok && strings.HasSuffix(s, ":lead:"+lead) {
			return true
		}
	}
	return false
}

// TestApprovalSurvivesARedisBlip: a manager approves a quote while Redis
// drops the call that writes the lead. The request stays pending and the
// lead where it was (not "withdrawn" for good, not "approved" with the
// lead unmoved); the manager's next click approves it and moves the lead,
// once, and the rep is told.
func TestApprovalSurvivesARedisBlip(t *testing.T) {
	blip := &blipHook{}
	h := newHarness(t, blip)
	h.command(rep, "/lead new Initech")
	h.command(rep, "/lead stage Initech first-visit")
	h.command(rep, "/lead stage Initech discovery")
	h.command(rep, "/lead stage Initech demo")
	mustContain(t, "request", h.command(rep, "/lead stage Initech quote").Text, "needs a manager's approval")
	request := h.slack.WaitFor(t, "chat.postMessage", 1)[0]
	id := approvalID.FindStringSubmatch(request.Text())[1]
	lead := h.lead("Initech")

	blip.lead.Store(&lead.ID)
	h.click(manager, "approve", id)
	if blip.blips.Load() != 1 {
		t.Fatal("the approval made no script call on the lead to fail")
	}
	responses := h.slack.Calls("response")
	mustContain(t, "blip reply", responses[len(responses)-1].Text(), "try again")
	a, err := h.store.Approval(t.Context(), h.team, id)
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != salesbot.ApprovalPending {
		t.Errorf("after a failed approval the request is %s; want still pending", a.Status)
	}
	if l := h.lead("Initech"); l.Stage != salesbot.StageDemo {
		t.Errorf("after a failed approval the lead is at %s; want demo", l.Stage)
	}

	h.click(manager, "approve", id)
	if a, _ := h.store.Approval(t.Context(), h.team, id); a.Status != salesbot.ApprovalApproved || a.DecidedBy != manager {
		t.Fatalf("retried approval: %s by %s; want approved by the manager", a.Status, a.DecidedBy)
	}
	if l := h.lead("Initech"); l.Stage != salesbot.StageQuote {
		t.Fatalf("retried approval left the lead at %s", l.Stage)
	}
	history, err := h.store.History(t.Context(), h.team, lead.ID, 20)
	if err != nil {
		t.Fatal(err)
	}
	moves := 0
	for _, c := range history {
		if c.To == string(salesbot.StageQuote) {
			moves++
		}
	}
	if moves != 1 {
		t.Errorf("%d moves to quote in the history; want 1", moves)
	}
	told := h.slack.WaitFor(t, "chat.postMessage", 2)
	last := told[len(told)-1]
	mustContain(t, "rep told", fmt.Sprint(last.Param("channel"), " ", last.Text()), rep, "approved", "Initech")
}
