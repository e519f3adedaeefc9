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
		requests: counterVec("http", "requests_total",
			`Requests answered, by RPC method ("unknown" for a path that names none), HTTP status and MicroBase error code ("" on success).`,
			"method", "status", "code"),
		duration: histogramVec("http", "request_duration_seconds", "Time from a request's arrival to its answer, by RPC method.",
			latencyBuckets, "method"),
		writeFailures: counterVec("http", "write_failures_total",
			"Answers not written whole, by RPC method and reason (timeout: the client read too slowly; connection_closed: it went away).",
			"method", "reason"),
		authFailures: counterVec("auth", "failures_total", "Tokens refused, by reason ("+strings.Join(reasonNames, ", ")+").", "reason"),
		heldBytes: gauge("http", "held_bytes",
			"Bytes the requests in flight hold: their bodies and the customer.list pages being built (at most CUSTOMER_MAX_HELD_BYTES)."),
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

// ObserveKeptTokens reports the cache of accepted tokens of v: the calls
// that found their token's decoding kept, those that decoded it, and the
// tokens kept.
func (m *Metrics) ObserveKeptTokens(v *token.Verifier) {
	m.registry.MustRegister(
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Namespace: namespace, Subsystem: "auth", Name: "kept_token_uses_total",
			Help: "Calls whose token, accepted before, was found kept: no signature check or decoding, the checks against the clock only.",
		}, func() float64 { hits, _, _ := v.KeptTokens(); return float64(hits) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Namespace: namespace, Subsystem: "auth", Name: "token_decodes_total",
			Help: "Calls whose token was not kept and was parsed: refused, or accepted (and then kept, unless longer than 2 KiB).",
		}, func() float64 { _, misses, _ := v.KeptTokens(); return float64(misses) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Namespace: namespace, Subsystem: "auth", Name: "kept_tokens",
			Help: "Accepted tokens whose decoding is kept (at most 1,024; the least recently used goes first).",
		}, func() float64 { _, _, kept := v.KeptTokens(); return float64(kept) }),
	)
}
