package bot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/bot"
	"salesbot/chart"
	"salesbot/directory"
	"salesbot/handlers"
	"salesbot/internal/fakeslack"
	"salesbot/internal/redistest"
	"salesbot/service"
	"salesbot/store"
)

// BenchmarkForecastCommand measures the manager's pipeline as production
// serves it, through the bot's signed HTTP endpoint on a real redis-server
// with a fake Slack on loopback, on a team of 100,000 open deals and 20
// reps (about 25,000 deals closing in the quarter asked, 5,000 won in it,
// every rep and the team with a target):
//
//   - "forecast quarter all": /salesbot forecast quarter all as a manager.
//     reply-ms is what Slack's 3 seconds cover: the signed POST until its
//     ephemeral reply is read. The handler starts the rest before it
//     answers: the forecast posted, its two charts drawn and uploaded
//     (files upload v2: three calls each) to the fake Slack;
//     background-ms is how long that goes on after the reply, until
//     Handler.Wait returns. ns/op is the two together.
//   - "review one rep": /salesbot review @rep as a manager, for the rep
//     with 1,500 deals closing in the quarter (the review reads the 15
//     closing soonest with their histories, and the rep's tally); after
//     the reply, one direct message.
//   - "forecast service alone": the forecast's reading without HTTP, the
//     bot or Slack: service.Forecast (the forecast script and the
//     targets), called directly.
//
// Each runs once untimed first (the directory then has every rep's name).
// Besides ns/op it reports Redis's own time per command, from SLOWLOG
// with every command logged (redis-µs: the commands the bot sent, a
// script's EVALSHA with all it ran; max-command-µs: the slowest, what
// other clients of the Redis wait behind), EVALSHA's usec_per_call from
// INFO commandstats, the reply's round trips, and the two PNGs' bytes.
//
// One rep's deals (1,600, of which 100 then slip out to the next quarter)
// are real leads, written through the store and the service; the others'
// read models (rm:close, rm:close:<owner>, rm:won, rm:deal) are written in
// bulk with pipelined commands, without lead keys, which the forecast never
// reads. The bulk records are laid out by benchDealRecord, checked at setup
// against what the store wrote for the real leads.
func BenchmarkForecastCommand(b *testing.B) {
	bb := newBenchBot(b)
	bb.seed()

	b.Run("forecast quarter all", func(b *testing.B) {
		bb.run(b, "/salesbot forecast quarter all", "The forecast for 2027 Q1 is being posted", func(b *testing.B, first int) {
			posts := bb.slack.Calls("chat.postMessage")
			if len(posts) == 0 {
				b.Fatal("no forecast posted")
			}
			last := posts[len(posts)-1]
			got := last.Text() + last.Param("blocks")
			for _, want := range []string{"Forecast · 2027 Q1", "Target ¥", "coverage", "Biggest deals closing in 2027 Q1", "Slipped out of 2027 Q1"} {
				if !strings.Contains(got, want) {
					b.Fatalf("the forecast posted lacks %q:\n%s", want, got)
				}
			}
			calls := bb.slack.Calls("files.getUploadURLExternal")
			uploads := bb.slack.Uploads()
			if len(calls)-first != 2*b.N {
				b.Fatalf("%d charts uploaded in %d forecasts", len(calls)-first, b.N)
			}
			for i, unit := range map[int]string{len(calls) - 2: "pipeline-B/png", len(calls) - 1: "reps-B/png"} {
				data := uploads[fmt.Sprintf("F%08d", i+1)]
				img, err := png.Decode(bytes.NewReader(data))
				if err != nil {
					b.Fatalf("%s: %v", calls[i].Param("filename"), err)
				}
				if r := img.Bounds(); r.Dx() != chart.Width || r.Dy() != chart.Height {
					b.Fatalf("%s is %v", calls[i].Param("filename"), r)
				}
				b.ReportMetric(float64(len(data)), unit)
			}
		})
	})
	b.Run("forecast service alone", func(b *testing.B) {
		boss := salesbot.Actor{User: manager, Manager: true}
		q := salesbot.ForecastQuery{Team: bb.team, Period: salesbot.QuarterOf(salesbot.DateOf(benchNow)), Now: benchNow}
		bb.resetStats(b)
		for b.Loop() {
			f, err := bb.svc.Forecast(b.Context(), boss, q)
			if err != nil || len(f.Reps) != benchReps {
				b.Fatalf("forecast of %d reps, %v", len(f.Reps), err)
			}
		}
		stats := bb.commandStats(b)
		b.ReportMetric(float64(stats.total.Microseconds())/float64(b.N), "redis-µs/op")
		b.ReportMetric(stats.evalsha, "evalsha-µs/call")
	})
	b.Run("review one rep", func(b *testing.B) {
		bb.run(b, "/salesbot review "+at(benchReviewed), "pipeline review is on its way", func(b *testing.B, _ int) {
			posts := bb.slack.Calls("chat.postMessage")
			if len(posts) == 0 {
				b.Fatal("no review sent")
			}
			last := posts[len(posts)-1]
			want := fmt.Sprintf("<@%s>, %d deals closing in 2027 Q1", benchReviewed, benchReviewedDeals)
			if !strings.Contains(last.Text(), want) || strings.Count(last.Param("blocks"), `"review_commit"`) != salesbot.ReviewSize {
				b.Fatalf("the review sent is not %q with %d deals:\n%s\n%s", want, salesbot.ReviewSize, last.Text(), last.Param("blocks"))
			}
		})
	})
}

// benchNow is the benchmark's clock: Monday 2027-02-15, 10:00 in
// Shanghai, in the first quarter of 2027.
var benchNow = time.Date(2027, 2, 15, 2, 0, 0, 0, time.UTC)

const (
	benchOpen  = 100_000 // open deals, over the four quarters of 2027
	benchWon   = 5_000   // won in 2027 Q1 before benchNow
	benchReps  = 20
	benchSlips = 100 // of the reviewed rep's deals, slipped out of Q1 this week
	// benchReviewed's deals closing in Q1, all real leads.
	benchReviewedDeals = 1_500
	benchReviewed      = "UREP00"
)

// benchBot is the bot wired as bot/harness_test.go wires it, for a
// benchmark.
type benchBot struct {
	b     *testing.B
	team  string
	rdb   redis.UniversalClient
	slack *fakeslack.Server
	store *store.Store
	svc   *service.Services
	h     *handlers.Handler
	url   string
	trips atomic.Pointer[redistest.Trips]
	// errs holds what the bot logged at level Error: background work that
	// failed.
	errs lockedBuffer
}

func newBenchBot(b *testing.B) *benchBot {
	b.Helper()
	bb := &benchBot{b: b, team: redistest.Team(b), slack: fakeslack.New(b), rdb: redistest.Client(b)}
	bb.slack.SetUser(manager, fakeslack.User{Name: "Mia Manager", TZ: "Asia/Shanghai"})
	for i := range benchReps {
		bb.slack.SetUser(benchRep(i), fakeslack.User{Name: fmt.Sprintf("销售代表 %02d", i), TZ: "Asia/Shanghai"})
	}
	bb.rdb.AddHook(redistest.TripHook{})
	bb.store = store.New(bb.rdb, store.WithChangeTime())
	api := slack.New("xoxb-test", slack.OptionAPIURL(bb.slack.APIURL()))
	log := slog.New(slog.NewTextHandler(&bb.errs, &slog.HandlerOptions{Level: slog.LevelError}))
	clock := func() time.Time { return benchNow }
	people := directory.New(api, clock)
	bb.svc = service.New(service.Config{Store: bb.store, Logger: log, Managers: []string{manager}, Team: bb.team})
	bb.h = handlers.New(bb.store, api, handlers.Config{
		Now: clock, Logger: log, Directory: people,
		Digests: bb.svc, Reports: bb.svc, Teams: bb.svc, Reminders: bb.svc, Leads: bb.svc,
		Stages: bb.svc, Approvals: bb.svc, Visits: bb.svc, Stakeholders: bb.svc,
		Deals: bb.svc, Forecasts: bb.svc, Reviews: bb.svc, Charts: benchCharts(b),
	})
	server := bot.NewServer(bb.h, bot.NewVerifier(secret, nil), bb.store, bot.NewMetrics(), log).Dedupe(bb.store)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, trips := redistest.CountTrips(r.Context())
		server.ServeHTTP(w, r.WithContext(ctx))
		trips.Stop()
		bb.trips.Store(trips)
	}))
	b.Cleanup(hs.Close)
	b.Cleanup(bb.h.Wait)
	bb.url = hs.URL
	return bb
}

func benchCharts(b *testing.B) handlers.Charts {
	b.Helper()
	r, err := charts()
	if err != nil {
		b.Fatal(err)
	}
	return r
}

func benchRep(i int) string { return fmt.Sprintf("UREP%02d", i) }

// run times command, sent by the manager, b.N times after one untimed
// run (which fills the directory's cache of the reps' names): each
// iteration until its reply, which must contain want, and then until the
// background work is done. check looks at what the last one sent; first
// is how many files.getUploadURLExternal calls there were before the loop.
func (bb *benchBot) run(b *testing.B, command, want string, check func(b *testing.B, first int)) {
	bb.command(b, command, want)
	bb.h.Wait()
	first := len(bb.slack.Calls("files.getUploadURLExternal"))
	logged := len(bb.errs.String())
	bb.resetStats(b)
	posts := len(bb.slack.Calls("chat.postMessage"))
	var reply, background time.Duration
	var trips int64
	for b.Loop() {
		start := time.Now()
		bb.command(b, command, want)
		answered := time.Now()
		trips += bb.trips.Load().Count()
		bb.h.Wait()
		reply += answered.Sub(start)
		background += time.Since(answered)
	}
	if errs := bb.errs.String()[logged:]; errs != "" {
		b.Fatalf("background work failed:\n%s", errs)
	}
	if got := len(bb.slack.Calls("chat.postMessage")) - posts; got != b.N {
		b.Fatalf("%d messages posted in %d runs", got, b.N)
	}
	n := float64(b.N)
	stats := bb.commandStats(b)
	b.Logf("INFO commandstats (commands run by scripts counted too): %s", strings.Join(stats.lines, "; "))
	b.Logf("SLOWLOG: %d commands, the slowest %v", stats.commands, stats.slowest)
	b.ReportMetric(float64(reply.Microseconds())/1000/n, "reply-ms/op")
	b.ReportMetric(float64(background.Microseconds())/1000/n, "background-ms/op")
	b.ReportMetric(float64(stats.total.Microseconds())/n, "redis-µs/op")
	b.ReportMetric(float64(stats.commands)/n, "redis-commands/op")
	b.ReportMetric(stats.evalsha, "evalsha-µs/call")
	b.ReportMetric(float64(stats.slowest.Microseconds()), "max-command-µs")
	b.ReportMetric(float64(trips)/n, "reply-trips/op")
	check(b, first)
}

// command sends a signed slash command as the manager and checks that the
// reply contains want.
func (bb *benchBot) command(b *testing.B, line, want string) {
	name, text, _ := strings.Cut(line, " ")
	form := url.Values{
		"team_id": {bb.team}, "user_id": {manager}, "channel_id": {"C0SALES"}, "command": {name}, "text": {text},
		"trigger_id": {"trigger-bench"}, "response_url": {bb.slack.ResponseURL("cmd")},
	}.Encode()
	stamp := strconv.FormatInt(time.Now().Unix(), 10)
	req, err := http.NewRequest(http.MethodPost, bb.url+"/slack/commands", strings.NewReader(form))
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", stamp)
	req.Header.Set("X-Slack-Signature", bot.Sign([]byte(secret), stamp, []byte(form)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		b.Fatalf("%s: status %d, %v: %s", line, resp.StatusCode, err, body)
	}
	var msg slack.Msg
	if err := json.Unmarshal(body, &msg); err != nil || !strings.Contains(msg.Text, want) {
		b.Fatalf("%s: want %q in the reply, got %s (%v)", line, want, body, err)
	}
}

// resetStats starts Redis's own accounts afresh: INFO commandstats, and a
// SLOWLOG that logs every command (restored when the benchmark ends).
func (bb *benchBot) resetStats(b *testing.B) {
	ctx := b.Context()
	for _, set := range [][2]string{{"slowlog-max-len", "100000"}, {"slowlog-log-slower-than", "0"}} {
		if err := bb.rdb.ConfigSet(ctx, set[0], set[1]).Err(); err != nil {
			b.Fatal(err)
		}
	}
	b.Cleanup(func() {
		bb.rdb.ConfigSet(context.Background(), "slowlog-log-slower-than", "10000")
		bb.rdb.ConfigSet(context.Background(), "slowlog-max-len", "128")
	})
	if err := bb.rdb.SlowLogReset(ctx).Err(); err != nil {
		b.Fatal(err)
	}
	if err := bb.rdb.ConfigResetStat(ctx).Err(); err != nil {
		b.Fatal(err)
	}
}

// redisStats is Redis's own time since resetStats. SLOWLOG gives each
// command its time inside Redis; those a client sent are counted (a
// script's EVALSHA includes the commands it ran, which SLOWLOG lists too,
// from the client "?:0"). INFO commandstats gives EVALSHA's usec_per_call,
// and per command name its calls and usec, counting scripts' commands too.
type redisStats struct {
	total, slowest time.Duration
	commands       int
	evalsha        float64
	lines          []string
}

func (bb *benchBot) commandStats(b *testing.B) redisStats {
	ctx := b.Context()
	var s redisStats
	logged, err := bb.rdb.SlowLogGet(ctx, -1).Result()
	if err != nil {
		b.Fatal(err)
	}
	for _, l := range logged {
		if l.ClientAddr == "?:0" { // run by a script, inside its EVALSHA's time
			continue
		}
		if len(l.Args) > 0 && (strings.EqualFold(l.Args[0], "config") || strings.EqualFold(l.Args[0], "slowlog")) {
			continue
		}
		s.commands++
		s.total += l.Duration
		s.slowest = max(s.slowest, l.Duration)
	}
	info, err := bb.rdb.Info(ctx, "commandstats").Result()
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(info, "\r\n") {
		name, rest, ok := strings.Cut(line, ":")
		if !ok || !strings.HasPrefix(name, "cmdstat_") {
			continue
		}
		fields := strings.Split(rest, ",")
		s.lines = append(s.lines, strings.TrimPrefix(name, "cmdstat_")+" "+strings.Join(fields[:min(2, len(fields))], " "))
		for _, f := range fields {
			if v, ok := strings.CutPrefix(f, "usec_per_call="); ok && name == "cmdstat_evalsha" {
				if s.evalsha, err = strconv.ParseFloat(v, 64); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	return s
}

// seed fills the team: targets for every rep and the team, the reviewed
// rep's real leads and slips, then the other reps' open deals and the won
// deals in bulk. It logs the read models' memory per bulk deal.
func (bb *benchBot) seed() {
	b, ctx := bb.b, bb.b.Context()
	start := time.Now()
	q1 := salesbot.QuarterOf(salesbot.DateOf(benchNow))
	for i := range benchReps + 1 {
		t := salesbot.Target{Period: q1, Amount: salesbot.Amount{Minor: 100 * 60_000_000_000, Currency: "CNY"}, By: manager, At: benchNow}
		if i < benchReps {
			t.Rep, t.Amount.Minor = benchRep(i), 100*3_000_000_000
		}
		if err := bb.store.SetTarget(ctx, bb.team, t); err != nil {
			b.Fatal(err)
		}
	}

	// The reviewed rep's deals, as a rep enters them: real leads.
	boss := salesbot.Actor{User: manager, Manager: true}
	first := q1.First()
	leads := make([]*salesbot.Lead, 0, benchReviewedDeals+benchSlips)
	for i := range benchReviewedDeals + benchSlips {
		l, c, err := salesbot.NewLead(salesbot.Actor{User: benchReviewed}, bb.team, "", fmt.Sprintf("Reviewed %05d Trading", i),
			salesbot.Grades[i%3], benchNow.Add(-time.Duration(30+i%60)*24*time.Hour))
		if err != nil {
			b.Fatal(err)
		}
		l.Stage = salesbot.Stages[1+i%6]
		for _, err := range []error{
			second(l.SetValue(boss, salesbot.Amount{Minor: int64(100 * (50_000 + (i*7919)%2_000_000)), Currency: "CNY"}, benchNow)),
			third(l.SetCloseBy(boss, first.AddDays(i%90), benchNow)),
		} {
			if err != nil {
				b.Fatal(err)
			}
		}
		if c := salesbot.Categories[i%3]; c != salesbot.CategoryPipeline { // the default
			if _, err := l.SetCategory(boss, c, benchNow); err != nil {
				b.Fatal(err)
			}
		}
		l.Schedule(salesbot.DefaultCadence())
		if _, err := bb.store.CreateLead(ctx, l, c); err != nil {
			b.Fatal(err)
		}
		leads = append(leads, l)
	}
	// This week benchSlips of them slipped to the next quarter.
	for i, l := range leads[benchReviewedDeals:] {
		to := q1.Next().First().AddDays(i % 60)
		set, err := bb.svc.SetDeal(ctx, salesbot.Actor{User: benchReviewed}, salesbot.RefTo(bb.team, l.ID), salesbot.DealChange{CloseBy: &to}, salesbot.DateOf(benchNow), benchNow.Add(-time.Duration(i)*time.Minute))
		if err != nil || !set.Slipped {
			b.Fatalf("slip %s: %+v, %v", l.Company, set, err)
		}
		leads[benchReviewedDeals+i] = set.Lead
	}
	bb.checkLayout(leads)
	b.Logf("%d targets, %d real leads and %d slips written in %v", benchReps+1, len(leads), benchSlips, time.Since(start).Round(time.Millisecond))

	start = time.Now()
	before := bb.usedMemory()
	bulk := benchOpen - len(leads)
	bb.seedBulk(bulk, benchWon)
	b.Logf("%d open and %d won deals of %d other reps written in bulk in %v; their read models take %.0f B per deal (used_memory delta)",
		bulk, benchWon, benchReps-1, time.Since(start).Round(time.Millisecond), float64(bb.usedMemory()-before)/float64(bulk+benchWon))

	inQ1, err := bb.rdb.ZCount(ctx, bb.key("rm", "close"), strconv.FormatInt(benchDay(first), 10), strconv.FormatInt(benchDay(q1.Last()), 10)).Result()
	if err != nil {
		b.Fatal(err)
	}
	won, _ := bb.rdb.ZCard(ctx, bb.key("rm", "won")).Result()
	all, _ := bb.rdb.ZCard(ctx, bb.key("rm", "close")).Result()
	b.Logf("%d open deals, %d of them closing in %s, %d won", all, inQ1, q1, won)
	if all != benchOpen || won != benchWon {
		b.Fatalf("seeded %d open and %d won deals, want %d and %d", all, won, benchOpen, benchWon)
	}
}

// checkLayout fails unless the store wrote the real leads' read models as
// benchDealRecord and benchDay lay them out, in the keys bb.key names.
func (bb *benchBot) checkLayout(leads []*salesbot.Lead) {
	b, ctx := bb.b, bb.b.Context()
	ids := make([]string, len(leads))
	for i, l := range leads {
		ids[i] = l.ID
	}
	var recs *redis.SliceCmd
	scores := make([]*redis.FloatCmd, len(leads))
	_, err := bb.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		recs = p.HMGet(ctx, bb.key("rm", "deal"), ids...)
		for i, id := range ids {
			scores[i] = p.ZScore(ctx, bb.key("rm", "close", benchReviewed), id)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	for i, l := range leads {
		if got, want := recs.Val()[i], benchDealRecord(l.Deal()); got != want {
			b.Fatalf("the store wrote %s's deal as %q, the bulk writes %q", l.Company, got, want)
		}
		if got, want := int64(scores[i].Val()), benchDay(l.CloseBy); got != want {
			b.Fatalf("the store scored %s at day %d, the bulk at %d", l.Company, got, want)
		}
	}
}

// seedBulk writes the read models of open deals of the reps other than
// the reviewed one, closing across 2027, and of won deals won in Q1 before
// benchNow, with pipelined commands of 5,000 deals.
func (bb *benchBot) seedBulk(open, won int) {
	b, ctx := bb.b, bb.b.Context()
	const batch = 5000
	jan1 := salesbot.Date{Year: 2027, Month: 1, Day: 1}
	deal := func(i int) salesbot.Deal {
		d := salesbot.Deal{ID: fmt.Sprintf("bulk%06d", i), Company: fmt.Sprintf("Company %06d Holdings", i),
			Owner: benchRep(1 + i%(benchReps-1)), Grade: salesbot.Grades[i%4], Stage: salesbot.Stages[i%len(salesbot.Stages)],
			Category: salesbot.Categories[(i/3)%len(salesbot.Categories)], CloseBy: jan1.AddDays(i % 365), Slips: i % 3, AtRisk: i%11 == 0}
		if i%13 != 0 {
			cur := salesbot.Currency("CNY")
			if i%10 == 0 {
				cur = "USD"
			}
			d.Value = salesbot.Amount{Minor: int64(100 * (10_000 + (i*7919)%5_000_000)), Currency: cur}
		}
		return d
	}
	for from := 0; from < open+won; from += batch {
		_, err := bb.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i := from; i < min(from+batch, open+won); i++ {
				d := deal(i)
				if i >= open {
					d.Stage, d.CloseBy = salesbot.StageWon, jan1.AddDays(i%45)
					p.ZAdd(ctx, bb.key("rm", "won"), redis.Z{Score: float64(benchDay(d.CloseBy)), Member: d.ID})
				} else {
					z := redis.Z{Score: float64(benchDay(d.CloseBy)), Member: d.ID}
					p.ZAdd(ctx, bb.key("rm", "close"), z)
					p.ZAdd(ctx, bb.key("rm", "close", d.Owner), z)
				}
				p.HSet(ctx, bb.key("rm", "deal"), d.ID, benchDealRecord(d))
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// key names a key of the team as the store lays them out.
func (bb *benchBot) key(parts ...string) string {
	return "sb:{" + bb.team + "}:" + strings.Join(parts, ":")
}

func (bb *benchBot) usedMemory() int64 {
	info, err := bb.rdb.Info(bb.b.Context(), "memory").Result()
	if err != nil {
		bb.b.Fatal(err)
	}
	for _, line := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, "used_memory:"); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				bb.b.Fatal(err)
			}
			return n
		}
	}
	bb.b.Fatal("no used_memory in INFO")
	return 0
}

// benchDealRecord is a deal as rm:deal holds it (store's dealRecord):
// owner, stage, category, currency, minor units, close day, grade, slips,
// at risk, company, joined by \x1f. checkLayout holds it to the store's.
func benchDealRecord(d salesbot.Deal) string {
	minor, risk := "", "0"
	if !d.Value.IsZero() {
		minor = strconv.FormatInt(d.Value.Minor, 10)
	}
	if d.AtRisk {
		risk = "1"
	}
	return strings.Join([]string{d.Owner, string(d.Stage), string(d.Category.Or()), string(d.Value.Currency), minor,
		strconv.FormatInt(benchDay(d.CloseBy), 10), string(d.Grade), strconv.Itoa(d.Slips), risk, d.Company}, "\x1f")
}

// benchDay is a date as the read models score it: days since 1970-01-01.
func benchDay(d salesbot.Date) int64 { return d.In(time.UTC).Unix() / 86400 }

func second[T any](_ T, err error) error        { return err }
func third[T, U any](_ T, _ U, err error) error { return err }
