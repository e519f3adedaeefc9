// Package metrics counts what the service does, for Prometheus: the
// requests the HTTP adapter answers, the tokens it refuses, the commands
// and connection pool of the MongoDB driver, the event outbox, and the Go
// runtime. Everything is registered on a registry of its own, never on
// the process-wide default, so that two services in one test process do
// not collide and nothing a library registers behind our back is served.
//
// Every label takes its values from a small, fixed set: RPC method names
// (unknown paths share one value), HTTP statuses, MicroBase error codes,
// token refusal reasons and MongoDB command names. No label ever holds a
// path, a collection, an id or the text of an error.
package metrics

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// namespace prefixes every metric of the service's own.
const namespace = "customer"

// latencyBuckets spans what a call of this service takes: a fraction of a
// millisecond for an answer from memory, up to the 5 s request deadline.
var latencyBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// gauge, counter, counterVec and histogramVec make one of the service's
// own metrics, customer_<subsystem>_<name>, unregistered.
func gauge(subsystem, name, help string) prometheus.Gauge {
	return prometheus.NewGauge(prometheus.GaugeOpts{Namespace: namespace, Subsystem: subsystem, Name: name, Help: help})
}

func counter(subsystem, name, help string) prometheus.Counter {
	return prometheus.NewCounter(prometheus.CounterOpts{Namespace: namespace, Subsystem: subsystem, Name: name, Help: help})
}

func counterVec(subsystem, name, help string, labels ...string) *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Subsystem: subsystem, Name: name, Help: help}, labels)
}

func histogramVec(subsystem, name, help string, buckets []float64, labels ...string) *prometheus.HistogramVec {
	return prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: namespace, Subsystem: subsystem, Name: name, Help: help, Buckets: buckets}, labels)
}

// Metrics holds the service's metrics and the registry that serves them.
// Its methods are safe for concurrent use.
type Metrics struct {
	registry *prometheus.Registry
	http     httpMetrics
	mongo    *mongoMetrics
	outbox   outboxMetrics
	// passwords is what bounds the password work (application.PasswordObserver).
	passwords passwordMetrics
}

// New makes the metrics and registers them, with the Go runtime, process
// and build information collectors, on a new registry. The store's own
// metrics are registered by MongoDBMonitors or ObserveSQLPools, whichever
// store the service runs on.
func New() *Metrics {
	m := &Metrics{registry: prometheus.NewRegistry()}
	m.http = newHTTPMetrics(m.registry)
	m.outbox = newOutboxMetrics(m.registry)
	m.passwords = newPasswordMetrics(m.registry)
	m.registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewBuildInfoCollector(),
	)
	return m
}

// Handler serves the metrics in the Prometheus exposition formats.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{
		// A collector that fails costs its own series, not the whole scrape.
		ErrorHandling: promhttp.ContinueOnError,
		Registry:      m.registry,
	})
}
