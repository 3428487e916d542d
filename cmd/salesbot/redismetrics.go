package main

import (
	"context"
	"errors"
	"net"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
)

// redisMetrics is a go-redis hook that counts Redis round trips and their
// failures for /metrics. A redis.Nil answer (a key that is not there) is
// not a failure.
type redisMetrics struct {
	calls    *prometheus.CounterVec
	errors   *prometheus.CounterVec
	duration prometheus.Histogram
}

func newRedisMetrics(reg prometheus.Registerer) *redisMetrics {
	m := &redisMetrics{
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "salesbot_redis_round_trips_total",
			Help: "Round trips to Redis, by command (pipeline and multi for batches).",
		}, []string{"command"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "salesbot_redis_errors_total",
			Help: "Redis round trips that failed, by command (a missing key is not a failure).",
		}, []string{"command"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "salesbot_redis_duration_seconds",
			Help:    "Time of one Redis round trip.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 4, 8),
		}),
	}
	reg.MustRegister(m.calls, m.errors, m.duration)
	return m
}

// DialHook implements redis.Hook.
func (m *redisMetrics) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := next(ctx, network, addr)
		if err != nil {
			m.errors.WithLabelValues("dial").Inc()
		}
		return conn, err
	}
}

// ProcessHook implements redis.Hook.
func (m *redisMetrics) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		start := time.Now()
		err := next(ctx, cmd)
		m.observe(strings.ToLower(cmd.Name()), start, err)
		return err
	}
}

// ProcessPipelineHook implements redis.Hook: a pipeline or MULTI/EXEC is one
// round trip.
func (m *redisMetrics) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		start := time.Now()
		err := next(ctx, cmds)
		name := "pipeline"
		if len(cmds) > 0 && strings.EqualFold(cmds[0].Name(), "multi") {
			name = "multi"
		}
		m.observe(name, start, err)
		return err
	}
}

func (m *redisMetrics) observe(command string, start time.Time, err error) {
	m.calls.WithLabelValues(command).Inc()
	m.duration.Observe(time.Since(start).Seconds())
	if err != nil && !errors.Is(err, redis.Nil) && !errors.Is(err, redis.TxFailedErr) {
		m.errors.WithLabelValues(command).Inc()
	}
}
