package main

import (
	"context"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/redis/go-redis/v9"

	"salesbot/internal/redistest"
)

func TestRedisMetricsCountRoundTripsAndErrors(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := newRedisMetrics(reg)
	client := redis.NewClient(&redis.Options{Addr: strings.TrimPrefix(strings.TrimSuffix(redistest.URL(t), "/0"), "redis://")})
	defer client.Close()
	client.AddHook(m)
	ctx := context.Background()
	key := "sb:{" + redistest.Team(t) + "}:metrics-test"
	if err := client.Get(ctx, key).Err(); err != redis.Nil {
		t.Fatalf("GET of a missing key: %v", err)
	}
	client.Set(ctx, key, "1", 0)
	client.Do(ctx, "NOSUCHCOMMAND")
	_, _ = client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Incr(ctx, key)
		return nil
	})
	if got := testutil.ToFloat64(m.calls.WithLabelValues("get")); got != 1 {
		t.Errorf("get round trips = %v", got)
	}
	if got := testutil.ToFloat64(m.calls.WithLabelValues("multi")); got != 1 {
		t.Errorf("multi round trips = %v", got)
	}
	if got := testutil.ToFloat64(m.errors.WithLabelValues("get")); got != 0 {
		t.Errorf("a missing key counted as an error")
	}
	if got := testutil.ToFloat64(m.errors.WithLabelValues("nosuchcommand")); got != 1 {
		t.Errorf("errors for a bad command = %v", got)
	}
}
