package scheduler

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics counts what the scheduler does, for /metrics. A nil *Metrics
// counts nothing.
type Metrics struct {
	reminders *prometheus.CounterVec
	duplicate prometheus.Counter
	digests   prometheus.Counter
	reviews   prometheus.Counter
	duration  prometheus.Histogram
	auth      *prometheus.CounterVec
	teams     prometheus.Counter
}

// NewMetrics registers the scheduler's metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		reminders: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "salesbot_reminders_total",
			Help: "Reminders by outcome: sent, retried (send failed, put back), failed (undeliverable, given up), lease_lost (not sent: the lease ran out before the send), zone_unknown (put back: the owner's time zone is not known yet).",
		}, []string{"outcome"}),
		duplicate: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "salesbot_reminders_possible_duplicates_total",
			Help: "Leases that ran out or were taken over before their ack: each reminder may have gone out twice.",
		}),
		digests: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "salesbot_digests_sent_total",
			Help: "Manager digests sent by the schedule.",
		}),
		reviews: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "salesbot_reviews_sent_total",
			Help: "Weekly pipeline reviews (one rep's, to one manager) sent by the schedule.",
		}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "salesbot_sweep_duration_seconds",
			Help:    "Time one sweep (reminders and digests of every team) took.",
			Buckets: prometheus.ExponentialBuckets(0.001, 4, 8),
		}),
		auth: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "salesbot_slack_auth_failures_total",
			Help: "Sends Slack refused for the bot token itself (invalid_auth, token_revoked …), each pausing the workspace's sending.",
		}, []string{"error"}),
		teams: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "salesbot_sweep_teams_total",
			Help: "Teams swept because their next work was due (or something was written to them); a team with nothing due is not swept.",
		}),
	}
	reg.MustRegister(m.reminders, m.duplicate, m.digests, m.reviews, m.duration, m.auth, m.teams)
	return m
}

func (m *Metrics) sent(n int) {
	if m != nil {
		m.reminders.WithLabelValues("sent").Add(float64(n))
	}
}

func (m *Metrics) retried(n int) {
	if m != nil {
		m.reminders.WithLabelValues("retried").Add(float64(n))
	}
}

func (m *Metrics) failed(n int) {
	if m != nil {
		m.reminders.WithLabelValues("failed").Add(float64(n))
	}
}

func (m *Metrics) recovered(n int) {
	if m != nil && n > 0 {
		m.duplicate.Add(float64(n))
	}
}

func (m *Metrics) leaseLost() {
	if m != nil {
		m.duplicate.Inc()
	}
}

func (m *Metrics) digest() {
	if m != nil {
		m.digests.Inc()
	}
}

func (m *Metrics) review() {
	if m != nil {
		m.reviews.Inc()
	}
}

func (m *Metrics) sweep(d time.Duration) {
	if m != nil {
		m.duration.Observe(d.Seconds())
	}
}

func (m *Metrics) swept() {
	if m != nil {
		m.teams.Inc()
	}
}

func (m *Metrics) skippedLeaseLost() {
	if m != nil {
		m.reminders.WithLabelValues("lease_lost").Inc()
	}
}

func (m *Metrics) zoneUnknown() {
	if m != nil {
		m.reminders.WithLabelValues("zone_unknown").Inc()
	}
}

func (m *Metrics) authFailure(code string) {
	if m != nil {
		m.auth.WithLabelValues(code).Inc()
	}
}
