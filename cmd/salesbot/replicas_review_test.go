package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/internal/fakeslack"
	"salesbot/internal/redistest"
	"salesbot/store"
)

// TestReplicasSendTheWeeklyReviewOnce runs two `salesbot serve` processes on
// one redis-server and one fake Slack and proves that the weekly pipeline
// review goes out once per manager per rep per week, on each manager's own
// clock, whichever replica sweeps first, and that its buttons work through
// either replica:
//
//   - two reps' deals closing this quarter (and a third rep's closing next
//     quarter) are seeded through signed slash commands;
//   - the two replicas, started together, sweep at once and then several
//     times more; each of the two managers whose review time has come gets
//     exactly one review of each of the two reps, the third rep is reviewed
//     by no one, and the manager whose review time has not come yet on
//     their own clock gets nothing;
//   - Commit clicked on one review through replica B commits the deal in
//     Redis and replaces the review with its redrawn self; At risk clicked
//     on the other rep's review through replica A does the same.
func TestReplicasSendTheWeeklyReviewOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs three processes")
	}
	bin := buildSalesbot(t)
	fs := fakeslack.New(t)
	redisURL, client := replicaRedis(t)
	st := store.New(client)
	team := redistest.Team(t)
	fs.SetTeam(team)

	// serve reads the system clock, which a test cannot move. So the
	// review's time is made the current minute on the clock of the two
	// managers it is due for (zone ahead), which has come this week there;
	// the third manager's clock (zone behind) is at least two hours behind
	// in the same week, where that minute has not come yet.
	now := time.Now()
	ahead, behind := reviewZones(t, now)
	wall := now.In(ahead)
	spec := fmt.Sprintf("%d %d * * %d", wall.Minute(), wall.Hour(), wall.Weekday())
	quarter := salesbot.QuarterOf(salesbot.DateOf(wall))
	week := salesbot.Week(salesbot.DateOf(wall))
	t.Logf("review %q; due in %s (%s), not yet in %s (%s); %s, %s", spec, ahead, wall.Format(time.DateTime), behind, now.In(behind).Format(time.DateTime), quarter, week)

	const (
		managerOne  = "U0MGRONE"
		managerTwo  = "U0MGRTWO"
		managerLate = "U0MGRLATE"
		repOne      = "U0REPONE"
		repTwo      = "U0REPTWO"
		repNext     = "U0REPNEXT"
	)
	fs.SetUser(managerOne, fakeslack.User{Name: "Manager One", TZ: ahead.String()})
	fs.SetUser(managerTwo, fakeslack.User{Name: "Manager Two", TZ: ahead.String()})
	fs.SetUser(managerLate, fakeslack.User{Name: "Manager Late", TZ: behind.String()})

	// 1. The deals, seeded through a replica that has no managers, so that
	// no review goes out before every rep's deals are in: a manager's
	// reviews, once all sent, are not looked at again for an hour.
	seeder := startReplica(t, bin, 0, serveEnv(fs, replicaSecret, redisURL, "SALESBOT_REVIEW="+spec))
	waitHTTP(t, seeder.base+"/readyz")
	deals := []struct{ rep, company, value string }{
		{repOne, "Aspen Robotics", "180万"},
		{repOne, "Basalt Mining", "$400k"},
		{repTwo, "Cobalt Freight", "¥1.2M"},
		{repNext, "Dune Textiles", "90万"},
	}
	for _, d := range deals {
		closeBy := quarter.Last()
		if d.rep == repNext {
			closeBy = quarter.Next().Last()
		}
		seeder.mustSay(t, team, d.rep, fmt.Sprintf(`/lead new "%s" A`, d.company), d.company)
		seeder.mustSay(t, team, d.rep, fmt.Sprintf(`/lead value "%s" %s`, d.company, d.value), d.company)
		seeder.mustSay(t, team, d.rep, fmt.Sprintf(`/lead close-by "%s" %s`, d.company, closeBy), d.company)
	}
	seeder.stop(t)
	if n := len(reviewDMs(fs)); n != 0 {
		t.Fatalf("%d reviews went out from a replica with no managers", n)
	}

	// 2. Two replicas with the managers, started together: each sweeps at
	// once on start, then every second. Slack takes its time over each
	// review, so that the two sweeps overlap: a replica that sent what
	// the other holds a lease on would send it twice.
	fs.OnCall(func(c fakeslack.Call) {
		if c.Method == "chat.postMessage" && strings.HasPrefix(c.Param("text"), "Weekly pipeline review") {
			time.Sleep(150 * time.Millisecond)
		}
	})
	environ := serveEnv(fs, replicaSecret, redisURL,
		"SALESBOT_REVIEW="+spec, "SALESBOT_MANAGERS="+strings.Join([]string{managerOne, managerTwo, managerLate}, ","))
	a := startReplica(t, bin, 1, environ)
	b := startReplica(t, bin, 2, environ)
	replicas := []*replica{a, b}
	for _, r := range replicas {
		waitHTTP(t, r.base+"/readyz")
	}
	want := map[[2]string]int{
		{managerOne, repOne}: 1, {managerOne, repTwo}: 1,
		{managerTwo, repOne}: 1, {managerTwo, repTwo}: 1,
	}
	// Wait for every due review, then for three more sweeps of each
	// replica; what is still missing then is reported below.
	allSent := func() bool {
		sent := reviewDMs(fs)
		for k := range want {
			if len(sent[k]) == 0 {
				return false
			}
		}
		return true
	}
	for deadline := time.Now().Add(15 * time.Second); !allSent() && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
	}
	afterSweeps(t, replicas, 3)
	sent := reviewDMs(fs)
	for k, calls := range sent {
		if want[k] == 0 {
			t.Errorf("%s was sent %d reviews of %s, want none", k[0], len(calls), k[1])
		}
	}
	for k, n := range want {
		if len(sent[k]) != n {
			t.Errorf("%s was sent %d reviews of %s by the replicas together, want one", k[0], len(sent[k]), k[1])
		}
	}
	if total := metricSum(t, replicas, "salesbot_reviews_sent_total"); total != len(want) {
		t.Errorf("the replicas count %d reviews sent, want %d", total, len(want))
	}
	if t.Failed() {
		t.FailNow()
	}
	review := sent[[2]string{managerOne, repOne}][0]
	if !strings.Contains(review.Text(), "Aspen Robotics") || !strings.Contains(review.Text(), "Basalt Mining") || !strings.Contains(review.Text(), week) {
		t.Fatalf("the review of %s lacks its deals or its week:\n%s", repOne, review.Text())
	}

	// 3. Commit, clicked by the first manager on the first rep's review,
	// through replica B.
	aspen := storedLead(t, st, team, "Aspen Robotics")
	if aspen.Category == salesbot.CategoryCommit {
		t.Fatalf("Aspen Robotics is committed before the click")
	}
	redrawn := clickReview(t, b, fs, team, managerOne, review, "review_commit", aspen.ID)
	if l := storedLead(t, st, team, "Aspen Robotics"); l.Category != salesbot.CategoryCommit {
		t.Errorf("after Commit through replica 2, Aspen Robotics is %q, want commit", l.Category)
	}
	checkRedrawn(t, redrawn, repOne, "*Aspen Robotics*", "· Commit")

	// 4. At risk, clicked by the second manager on the second rep's
	// review, through replica A.
	cobalt := storedLead(t, st, team, "Cobalt Freight")
	redrawn = clickReview(t, a, fs, team, managerTwo, sent[[2]string{managerTwo, repTwo}][0], "review_risk", cobalt.ID)
	if l := storedLead(t, st, team, "Cobalt Freight"); !l.AtRisk {
		t.Errorf("after At risk through replica 1, Cobalt Freight is not at risk (category %q)", l.Category)
	}
	checkRedrawn(t, redrawn, repTwo, "*Cobalt Freight*", "at risk")

	// The clicks sent no review again.
	afterSweeps(t, replicas, 2)
	for k, calls := range reviewDMs(fs) {
		if len(calls) != want[k] {
			t.Errorf("after the clicks, %s has %d reviews of %s, want %d", k[0], len(calls), k[1], want[k])
		}
	}
}

// TestServeRefusesBadReviewSpec: a SALESBOT_REVIEW that is not a cron
// schedule stops serve before it asks Slack anything, with one line that
// names the setting.
func TestServeRefusesBadReviewSpec(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildSalesbot(t)
	fs := fakeslack.New(t)
	cmd := exec.Command(bin, "serve")
	cmd.Env = serveEnv(fs, replicaSecret, "redis://127.0.0.1:1/0", "SALESBOT_REVIEW=0 9 * *", "LISTEN_ADDR="+freeAddr(t))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("serve did not stop on a bad SALESBOT_REVIEW")
	}
	if code := cmd.ProcessState.ExitCode(); code != 1 {
		t.Errorf("exit status %d, want 1", code)
	}
	out := stderr.String()
	if !strings.HasPrefix(out, "salesbot: SALESBOT_REVIEW: ") || !strings.Contains(out, "0 9 * *") || strings.Count(out, "\n") != 1 || !strings.HasSuffix(out, "\n") {
		t.Errorf("stderr, want one line naming SALESBOT_REVIEW and the spec:\n%s", out)
	}
	if calls := fs.Calls(""); len(calls) != 0 {
		t.Errorf("serve called Slack before refusing its settings: %d calls, the first %s", len(calls), calls[0].Method)
	}
}

// reviewZones picks two of a few time zones without summer time whose wall
// clocks are in the same ISO week at now, ahead at least two hours later
// than behind and not within five minutes of its midnight (so that the
// day, the week and the quarter stay as they are while the test runs).
func reviewZones(t *testing.T, now time.Time) (ahead, behind *time.Location) {
	t.Helper()
	var zones []*time.Location
	for _, name := range []string{"Pacific/Kiritimati", "Asia/Shanghai", "UTC", "Pacific/Pago_Pago"} { // +14, +8, 0, -11
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		zones = append(zones, loc)
	}
	// wallOf is a zone's wall clock at now, as if it were UTC, so that two
	// zones' clocks compare.
	wallOf := func(loc *time.Location) time.Time {
		w := now.In(loc)
		return time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), 0, time.UTC)
	}
	var gap time.Duration
	for _, za := range zones {
		wa := wallOf(za)
		if midnight := time.Date(wa.Year(), wa.Month(), wa.Day()+1, 0, 0, 0, 0, time.UTC); midnight.Sub(wa) < 5*time.Minute {
			continue
		}
		for _, zb := range zones {
			wb := wallOf(zb)
			if d := wa.Sub(wb); d >= 2*time.Hour && d > gap && salesbot.Week(salesbot.DateOf(wa)) == salesbot.Week(salesbot.DateOf(wb)) {
				ahead, behind, gap = za, zb, d
			}
		}
	}
	if ahead == nil {
		t.Fatalf("no two zones two hours apart in one week at %v", now)
	}
	return ahead, behind
}

// reviewDMs returns the weekly reviews the fake Slack was sent, by manager
// and rep: direct messages whose text starts "Weekly pipeline review: <@rep>".
func reviewDMs(fs *fakeslack.Server) map[[2]string][]fakeslack.Call {
	sent := map[[2]string][]fakeslack.Call{}
	for _, call := range fs.Calls("chat.postMessage") {
		rest, ok := strings.CutPrefix(call.Param("text"), "Weekly pipeline review: <@")
		if !ok || call.Failed != "" {
			continue
		}
		rep, _, _ := strings.Cut(rest, ">")
		k := [2]string{call.Param("channel"), rep}
		sent[k] = append(sent[k], call)
	}
	return sent
}

// clickReview clicks a review's button (actionID) on the deal of leadID, as
// user, through replica r's signed /slack/interactions, with the value the
// button in the review carries. It returns what the bot posted to the
// click's response_url.
func clickReview(t *testing.T, r *replica, fs *fakeslack.Server, team, user string, review fakeslack.Call, actionID, leadID string) fakeslack.Call {
	t.Helper()
	var blocks slack.Blocks
	if err := json.Unmarshal([]byte(review.Param("blocks")), &blocks); err != nil {
		t.Fatalf("the review's blocks: %v", err)
	}
	var button *slack.BlockAction
	for _, b := range blocks.BlockSet {
		ab, ok := b.(*slack.ActionBlock)
		if !ok || ab.BlockID != "review_"+leadID {
			continue
		}
		for _, e := range ab.Elements.ElementSet {
			if btn, ok := e.(*slack.ButtonBlockElement); ok && btn.ActionID == actionID {
				button = &slack.BlockAction{ActionID: btn.ActionID, BlockID: ab.BlockID, Value: btn.Value}
			}
		}
	}
	if button == nil {
		t.Fatalf("no %s button for lead %s in the review:\n%s", actionID, leadID, review.Text())
	}
	responses := len(fs.Calls("response"))
	cb := slack.InteractionCallback{Type: slack.InteractionTypeBlockActions,
		Team: slack.Team{ID: team}, User: slack.User{ID: user},
		Channel:     slack.Channel{GroupConversation: slack.GroupConversation{Conversation: slack.Conversation{ID: review.Channel}}},
		Message:     slack.Message{Msg: slack.Msg{Timestamp: review.TS}},
		TriggerID:   "trigger-" + actionID,
		ResponseURL: fs.ResponseURL(actionID)}
	cb.ActionCallback.BlockActions = []*slack.BlockAction{button}
	payload, err := json.Marshal(cb)
	if err != nil {
		t.Fatal(err)
	}
	if status, body := r.post(t, "/slack/interactions", url.Values{"payload": {string(payload)}}.Encode()); status != http.StatusOK || body != "" {
		t.Fatalf("replica %d, %s: status %d: %s", r.n, actionID, status, body)
	}
	// The redrawn review is posted to the response_url after the answer.
	calls := fs.WaitFor(t, "response", responses+1)
	return calls[len(calls)-1]
}

// checkRedrawn fails the test unless a response replaces the review it was
// clicked on with the rep's review, in which the deal's line (the section
// starting with deal) contains want.
func checkRedrawn(t *testing.T, response fakeslack.Call, rep, deal, want string) {
	t.Helper()
	if response.Param("replace_original") != "true" || !strings.HasPrefix(response.Param("text"), "Weekly pipeline review: <@"+rep+">") {
		t.Errorf("the click's response does not replace the review of %s: replace_original %q, text %q",
			rep, response.Param("replace_original"), response.Param("text"))
		return
	}
	var blocks slack.Blocks
	if err := json.Unmarshal([]byte(response.Param("blocks")), &blocks); err != nil {
		t.Fatalf("the redrawn review's blocks: %v", err)
	}
	for _, b := range blocks.BlockSet {
		if s, ok := b.(*slack.SectionBlock); ok && s.Text != nil && strings.HasPrefix(s.Text.Text, deal) {
			if !strings.Contains(s.Text.Text, want) {
				t.Errorf("the redrawn review shows %s without %q:\n%s", deal, want, s.Text.Text)
			}
			return
		}
	}
	t.Errorf("the redrawn review of %s has no %s:\n%s", rep, deal, response.Text())
}

// metricSum adds up one counter (without labels) over the replicas'
// /metrics.
func metricSum(t *testing.T, replicas []*replica, name string) int {
	t.Helper()
	total := 0
	for _, r := range replicas {
		resp, err := http.Get(r.base + "/metrics")
		if err != nil {
			t.Fatalf("replica %d: metrics: %v", r.n, err)
		}
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
				n, err := strconv.ParseFloat(v, 64)
				if err != nil {
					t.Fatalf("replica %d: metrics: %q", r.n, sc.Text())
				}
				total += int(n)
			}
		}
		resp.Body.Close()
	}
	return total
}
