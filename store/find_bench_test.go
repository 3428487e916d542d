package store_test

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"salesbot"
)

// BenchmarkNameScripts measures the look-up scripts a command runs on what
// a person typed (the find script of /lead, /visit and /stance, and /lead
// new's similar names) in a team of 100,000 names, or 1,000,000 with
// SALESBOT_BENCH_BIG=1, and reports the slowest run of each inside Redis
// (SLOWLOG, in microseconds): what other clients wait for. Names are
// "Company NNNNNNN Holdings", so "holdings" is inside every name and
// "company 00" starts a tenth of them.
//
// The team is written with pipelined raw commands in the store's layout
// (TestRebuildBuildsTheNameIndexes shows the layout the store writes):
// the names hash, the sorted names and the inner names, and a lead under
// every ID (a copy of one real lead's bytes, which the scripts only GET).
func BenchmarkNameScripts(b *testing.B) {
	n := 100_000
	if os.Getenv("SALESBOT_BENCH_BIG") == "1" {
		n = 1_000_000
	}
	s, rdb, team := newStore(b)
	template := mustCreate(b, s, team, "Zebra Logistics", "UREP000", salesbot.GradeA)
	raw, err := rdb.Get(ctx, key(team, "lead", template.ID)).Result()
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	fillNames(b, rdb, team, n, raw)
	b.Logf("wrote %d names in %v", n, time.Since(start).Round(time.Millisecond))

	norm := salesbot.NormalizeCompany
	cases := []struct {
		name string
		run  func() (int, error)
	}{
		{"find exact", func() (int, error) {
			m, err := s.FindLead(ctx, team, salesbot.LeadQuery{Names: []string{norm("Zebra Logistics")}, Visits: 1})
			return len(m.Leads), err
		}},
		{"find prefix of a tenth", func() (int, error) {
			m, err := s.FindLead(ctx, team, salesbot.LeadQuery{Part: norm("company 00"), Limit: 20, Caller: "UREP007"})
			return m.Parts, err
		}},
		{"find word inside every name", func() (int, error) {
			m, err := s.FindLead(ctx, team, salesbot.LeadQuery{Part: norm("holdings"), Limit: 20, Caller: "UREP007"})
			return m.Parts, err
		}},
		{"find nothing", func() (int, error) {
			m, err := s.FindLead(ctx, team, salesbot.LeadQuery{Names: []string{norm("initech")}, Part: norm("initech"), Limit: 20})
			return len(m.Leads) + 1, err
		}},
		{"similar names", func() (int, error) {
			l, err := s.SimilarLeads(ctx, team, "Company 0012345 Holdings Group", "", 3)
			return len(l), err
		}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			if err := rdb.ConfigSet(ctx, "slowlog-log-slower-than", "0").Err(); err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { rdb.ConfigSet(ctx, "slowlog-log-slower-than", "10000") })
			rdb.SlowLogReset(ctx)
			for b.Loop() {
				if got, err := c.run(); err != nil || got == 0 {
					b.Fatalf("found %d, err %v", got, err)
				}
			}
			b.ReportMetric(float64(slowestScript(b, rdb).Microseconds()), "max-script-µs")
		})
	}
}

// slowestScript is the longest EVAL/EVALSHA in the slow log.
func slowestScript(b *testing.B, rdb redis.UniversalClient) time.Duration {
	b.Helper()
	logs, err := rdb.SlowLogGet(ctx, -1).Result()
	if err != nil {
		b.Fatal(err)
	}
	var slowest time.Duration
	for _, l := range logs {
		if len(l.Args) > 0 && strings.HasPrefix(strings.ToLower(l.Args[0]), "eval") && l.Duration > slowest {
			slowest = l.Duration
		}
	}
	if slowest == 0 {
		b.Fatal("no script in the slow log")
	}
	return slowest
}

// fillNames writes n leads' names into the team's name indexes, as the
// store lays them out, and a copy of raw under each lead's key.
func fillNames(b *testing.B, rdb redis.UniversalClient, team string, n int, raw string) {
	b.Helper()
	const batch = 5000
	for from := 0; from < n; from += batch {
		_, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i := from; i < min(from+batch, n); i++ {
				company := fmt.Sprintf("Company %07d Holdings", i)
				id := "b" + strconv.Itoa(i)
				name := salesbot.NormalizeCompany(company)
				p.HSet(ctx, key(team, "names"), name, id)
				p.ZAdd(ctx, key(team, "names", "sorted"), redis.Z{Member: name + "\x00" + id})
				for _, inner := range salesbot.InnerNames(company) {
					p.ZAdd(ctx, key(team, "names", "inner"), redis.Z{Member: inner + "\x00" + id})
				}
				p.Set(ctx, key(team, "lead", id), raw, 0)
				p.SAdd(ctx, key(team, "owner", fmt.Sprintf("UREP%03d", i%100)), id)
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
