package store_test

import (
	"fmt"
	"testing"

	"github.com/redis/go-redis/v9"

	"salesbot"
)

// BenchmarkSweepRemoval is the background sweep after a removal on a team
// whose activity stream is full (100,000 entries, the stream's bound): it
// reads the stream a page at a time and SCANs the server's keys once.
func BenchmarkSweepRemoval(b *testing.B) {
	s, c, team := newStore(b)
	l := mustCreate(b, s, team, "Bench Co", "UOWNER", salesbot.GradeA)
	stream := key(team, "activity")
	const entries = 100000
	for start := 0; start < entries; start += 1000 {
		p := c.Pipeline()
		for i := start; i < start+1000; i++ {
			lead := "other" + fmt.Sprint(i%997)
			if i%2000 == 0 {
				lead = l.ID
			}
			p.XAdd(ctx, &redis.XAddArgs{Stream: stream, Values: []any{"change",
				fmt.Sprintf(`{"l":%q,"c":"Company %d","k":"stance","b":"UOWNER","t":%d,"o":"+1","r":"Person %d"}`, lead, i, 1700000000000+i, i)}})
		}
		if _, err := p.Exec(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		if err := s.SweepRemoval(ctx, team, l.ID, ""); err != nil {
			b.Fatal(err)
		}
	}
}
