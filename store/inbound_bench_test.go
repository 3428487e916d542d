package store_test

import (
	"fmt"
	"testing"
	"time"

	"salesbot"
)

// BenchmarkInquiriesToRaise: the sweep's look for inquiries to raise costs
// what is due, not the queue: 500 or 5,000 waiting, 10 of them due.
func BenchmarkInquiriesToRaise(b *testing.B) {
	for _, n := range []int{500, 5000} {
		b.Run(fmt.Sprintf("waiting=%d", n), func(b *testing.B) { benchmarkRaise(b, n) })
	}
}

func benchmarkRaise(b *testing.B, waiting int) {
	s, _, team := newStore(b)
	w := salesbot.DefaultWorkHours()
	for i := range waiting {
		at := now.Add(time.Duration(i) * time.Minute) // the first few are due first
		q, err := salesbot.NewInquiry(salesbot.Actor{User: "UDESK"}, team, salesbot.InquiryInput{Company: fmt.Sprintf("Company %d", i), Notes: "wants a quote"}, at, w)
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := s.QueueInquiry(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	first, err := s.InquiriesToRaise(ctx, team, now.Add(365*24*time.Hour), 1)
	if err != nil || len(first) != 1 {
		b.Fatal(first, err)
	}
	until := first[0].RaiseAt.Add(9 * time.Minute) // ten due
	b.ResetTimer()
	for range b.N {
		due, err := s.InquiriesToRaise(ctx, team, until, 200)
		if err != nil || len(due) != 10 {
			b.Fatalf("%d due, %v", len(due), err)
		}
	}
}
