package metrics

import (
	"strconv"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/microbase-io/customer-service/adapters/httpapi"
	"github.com/microbase-io/customer-service/adapters/token"
)

var _ httpapi.Observer = (*Metrics)(nil)

type httpMetrics struct {
	requests      *prometheus.CounterVec
	duration      *prometheus.HistogramVec
	writeFailures *prometheus.CounterVec
	authFailures  *prometheus.CounterVec
	heldBytes     prometheus.Gauge
}

func newHTTPMetrics(r prometheus.Registerer) httpMetrics {
	var reasonNames []string
	for _, reason := range token.Reasons() {
		reasonNames = append(reasonNames, string(reason))
	}
	m := httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Subsystem: "http", Name: "requests_total",
			Help: `Requests answered, by RPC method ("unknown" for a path that names none), HTTP status and MicroBase error code ("" on success).`,
		}, []string{"method", "status", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace, Subsystem: "http", Name: "request_duration_seconds",
			Help:    "Time from a request's arrival to its answer, by RPC method.",
			Buckets: latencyBuckets,
		}, []string{"method"}),
		writeFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Subsystem: "http", Name: "write_failures_total",
			Help: "Answers not written whole, by RPC method and reason (timeout: the client read too slowly; connection_closed: it went away).",
		}, []string{"method", "reason"}),
		authFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Subsystem: "auth", Name: "failures_total",
			Help: "Tokens refused, by reason (" + strings.Join(reasonNames, ", ") + ").",
		}, []string{"reason"}),
		heldBytes: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: namespace, Subsystem: "http", Name: "held_bytes",
			Help: "Bytes the requests in flight hold: their bodies and the customer.list pages being built (at most CUSTOMER_MAX_HELD_BYTES).",
		}),
	}
	// Counted from zero, so that rate() sees the first refusal of each.
	for _, reason := range reasonNames {
		m.authFailures.WithLabelValues(reason)
	}
	r.MustRegister(m.requests, m.duration, m.writeFailures, m.authFailures, m.heldBytes)
	return m
}

// RequestServed counts an answered request, and the answer not written
// whole (httpapi.Observer).
func (m *Metrics) RequestServed(r httpapi.ServedRequest) {
	m.http.requests.WithLabelValues(r.Method, strconv.Itoa(r.Status), r.ErrorCode).Inc()
	m.http.duration.WithLabelValues(r.Method).Observe(r.Duration.Seconds())
	if r.WriteFailure != "" {
		m.http.writeFailures.WithLabelValues(r.Method, string(r.WriteFailure)).Inc()
	}
}

// BytesHeld sets the bytes the requests in flight hold (httpapi.Observer).
func (m *Metrics) BytesHeld(n int64) { m.http.heldBytes.Set(float64(n)) }

// TokenRefused counts a refused token by its reason (httpapi.Observer).
func (m *Metrics) TokenRefused(reason token.Reason) {
	m.http.authFailures.WithLabelValues(string(reason)).Inc()
}
