package store_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"salesbot"
	"salesbot/store"
)

// BenchmarkForecastData measures the forecast script on a team of 100,000
// open deals with values and close dates spread over the four quarters of
// 2027 (about 25,000 in Q1) and 5,000 won in Q1, 20 owners, and 1,000
// recent slips: the whole team's Q1, and one owner's. It reports, besides
// ns/op, Redis's own time per call (INFO commandstats' usec_per_call of
// EVALSHA) and the slowest call (SLOWLOG), which is what other clients
// wait for, and logs the memory the deal read models take per deal.
//
// The read models are seeded with pipelined raw commands in the layout the
// store writes: store.DealRecord and store.Day, which
// TestDealReadModelsFollowTheLeads checks against real writes.
func BenchmarkForecastData(b *testing.B) {
	const (
		open, won, owners, slips = 100_000, 5_000, 20, 1_000
	)
	s, rdb, team := newStore(b)
	before := usedMemory(b, rdb)
	start := time.Now()
	seedDeals(b, rdb, team, open, won, owners, slips)
	b.Logf("seeded %d open and %d won deals in %v", open, won, time.Since(start).Round(time.Millisecond))
	perDeal := float64(usedMemory(b, rdb)-before) / float64(open+won)
	var keyBytes int64
	for _, k := range []string{key(team, "rm", "close"), key(team, "rm", "won"), key(team, "rm", "deal"), key(team, "rm", "close", "UREP00")} {
		n, err := rdb.MemoryUsage(ctx, k, 0).Result()
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("MEMORY USAGE %s: %d B", k, n)
		if k != key(team, "rm", "close", "UREP00") {
			keyBytes += n
		} else {
			keyBytes += n * owners // the owners' sets are alike
		}
	}
	b.Logf("memory per deal: %.0f B (used_memory delta), %.0f B (MEMORY USAGE of the keys)", perDeal, float64(keyBytes)/float64(open+won))

	for _, c := range []struct{ name, owner string }{{"team", ""}, {"one owner", "UREP07"}} {
		b.Run(c.name, func(b *testing.B) {
			q := forecastRead(q1)
			q.Owner, q.Biggest, q.SlipsSince = c.owner, 10, now.Add(-30*24*time.Hour)
			d, err := s.ForecastData(ctx, team, q)
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			for _, t := range d.Tallies {
				n += t.Open + t.WonDeals
			}
			b.Logf("%d deals in the period, %d owners, %d biggest, %d slips", n, len(d.Tallies), len(d.Biggest), len(d.Slips))
			if n == 0 || len(d.Biggest) != 10 || len(d.Slips) == 0 {
				b.Fatal("the forecast read nothing")
			}
			if err := rdb.ConfigSet(ctx, "slowlog-log-slower-than", "0").Err(); err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { rdb.ConfigSet(ctx, "slowlog-log-slower-than", "10000") })
			rdb.SlowLogReset(ctx)
			rdb.ConfigResetStat(ctx)
			for b.Loop() {
				if _, err := s.ForecastData(ctx, team, q); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(evalshaUsecPerCall(b, rdb), "redis-µs/op")
			b.ReportMetric(float64(slowestScript(b, rdb).Microseconds()), "max-script-µs")
		})
	}
}

// usedMemory is Redis's used_memory.
func usedMemory(b *testing.B, rdb redis.UniversalClient) int64 {
	b.Helper()
	info, err := rdb.Info(ctx, "memory").Result()
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, "used_memory:"); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				b.Fatal(err)
			}
			return n
		}
	}
	b.Fatal("no used_memory in INFO")
	return 0
}

// evalshaUsecPerCall is INFO commandstats' usec_per_call of EVALSHA.
func evalshaUsecPerCall(b *testing.B, rdb redis.UniversalClient) float64 {
	b.Helper()
	info, err := rdb.Info(ctx, "commandstats").Result()
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(info, "\r\n") {
		if rest, ok := strings.CutPrefix(line, "cmdstat_evalsha:"); ok {
			for _, f := range strings.Split(rest, ",") {
				if v, ok := strings.CutPrefix(f, "usec_per_call="); ok {
					n, err := strconv.ParseFloat(v, 64)
					if err != nil {
						b.Fatal(err)
					}
					return n
				}
			}
		}
	}
	b.Fatal("no EVALSHA in INFO commandstats")
	return 0
}

// seedDeals writes the deal read models of open deals closing across 2027
// and won deals won in Q1, with owners UREP00…, and slips made in the last
// days before now, as the store lays them out.
func seedDeals(b *testing.B, rdb redis.UniversalClient, team string, open, won, owners, slips int) {
	b.Helper()
	const batch = 5000
	first := salesbot.Date{Year: 2027, Month: 1, Day: 1}
	stages := salesbot.Stages[:7]
	deal := func(i int) salesbot.Deal {
		d := salesbot.Deal{ID: fmt.Sprintf("d%06d", i), Company: fmt.Sprintf("Company %06d Holdings", i),
			Owner: fmt.Sprintf("UREP%02d", i%owners), Grade: salesbot.Grades[i%4], Stage: stages[i%len(stages)],
			Category: salesbot.Categories[(i/3)%len(salesbot.Categories)].Or(), CloseBy: first.AddDays(i % 365), Slips: i % 3, AtRisk: i%11 == 0}
		if i%13 != 0 {
			cur := salesbot.Currency("CNY")
			if i%5 == 0 {
				cur = "USD"
			}
			d.Value = salesbot.Amount{Minor: int64(100 * (1000 + (i*7919)%10_000_000)), Currency: cur}
		}
		return d
	}
	for from := 0; from < open+won; from += batch {
		_, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i := from; i < min(from+batch, open+won); i++ {
				d := deal(i)
				if i >= open {
					d.Stage, d.Category, d.CloseBy = salesbot.StageWon, d.Category.Or(), first.AddDays(i%90)
					p.ZAdd(ctx, key(team, "rm", "won"), redis.Z{Score: float64(store.Day(d.CloseBy)), Member: d.ID})
				} else {
					z := redis.Z{Score: float64(store.Day(d.CloseBy)), Member: d.ID}
					p.ZAdd(ctx, key(team, "rm", "close"), z)
					p.ZAdd(ctx, key(team, "rm", "close", d.Owner), z)
				}
				p.HSet(ctx, key(team, "rm", "deal"), d.ID, store.DealRecord(d))
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	_, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i := range slips {
			d := deal(i)
			at := now.Add(-time.Duration(i) * time.Minute)
			p.ZAdd(ctx, key(team, "rm", "slips"), redis.Z{Score: float64(at.UnixMilli()), Member: store.SlipRecord(salesbot.Slip{
				LeadID: d.ID, Company: d.Company, Owner: d.Owner, From: d.CloseBy, To: d.CloseBy.AddDays(30), At: at})})
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}
