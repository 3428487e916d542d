package bot

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics counts what the transport handles, for /metrics.
type Metrics struct {
	Registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	rejected *prometheus.CounterVec
	repeated prometheus.Counter
}

// NewMetrics returns Metrics on a fresh registry that also carries the Go
// runtime and process collectors.
func NewMetrics() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "salesbot_requests_total",
			Help: "Slack requests handled, by kind (command, interaction, event), name and transport.",
		}, []string{"kind", "name", "transport"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "salesbot_request_duration_seconds",
			Help:    "Time from receiving a Slack request to acknowledging it.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2, 3},
		}, []string{"kind", "name"}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "salesbot_requests_rejected_total",
			Help: "HTTP requests refused before handling, by reason.",
		}, []string{"reason"}),
		repeated: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "salesbot_requests_duplicate_total",
			Help: "Slack deliveries acknowledged but not handled again: Events API retries and replayed interactions.",
		}),
	}
	m.Registry.MustRegister(m.requests, m.duration, m.rejected, m.repeated,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *Metrics) observe(kind, name, transport string, start time.Time) {
	if m == nil {
		return
	}
	m.requests.WithLabelValues(kind, name, transport).Inc()
	m.duration.WithLabelValues(kind, name).Observe(time.Since(start).Seconds())
}

func (m *Metrics) duplicate() {
	if m != nil {
		m.repeated.Inc()
	}
}

func (m *Metrics) reject(reason string) {
	if m != nil {
		m.rejected.WithLabelValues(reason).Inc()
	}
}
