package metrics

import (
	"context"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
	"go.mongodb.org/mongo-driver/v2/event"
)

type mongoMetrics struct {
	commands       *prometheus.HistogramVec
	failures       *prometheus.CounterVec
	poolWait       prometheus.Histogram
	open, inUse    atomic.Int64 // connections created and not closed; checked out and not back
	waiting        atomic.Int64 // check-outs started and not yet ended
	maxConnections atomic.Int64
}

func newMongoMetrics(r prometheus.Registerer) *mongoMetrics {
	m := &mongoMetrics{
		commands: histogramVec("mongodb", "command_duration_seconds",
			"Time of the MongoDB commands the service ran, failed ones included, by command name.", latencyBuckets, "command"),
		failures: counterVec("mongodb", "command_failures_total", "MongoDB commands that failed, by command name.", "command"),
		poolWait: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: namespace, Subsystem: "mongodb", Name: "pool_wait_duration_seconds",
			Help:    "Time a command waited to check a connection out of the pool, failed check-outs included.",
			Buckets: latencyBuckets,
		}),
	}
	connections := func(state string, value func() float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Namespace: namespace, Subsystem: "mongodb", Name: "pool_connections",
			Help:        "Connections of the MongoDB pool, by state: in_use (checked out) or idle.",
			ConstLabels: prometheus.Labels{"state": state},
		}, value)
	}
	r.MustRegister(m.commands, m.failures, m.poolWait,
		connections("in_use", func() float64 { return float64(m.inUse.Load()) }),
		connections("idle", func() float64 { return float64(max(m.open.Load()-m.inUse.Load(), 0)) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Namespace: namespace, Subsystem: "mongodb", Name: "pool_waiting",
			Help: "Commands waiting for a connection of the MongoDB pool.",
		}, func() float64 { return float64(m.waiting.Load()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Namespace: namespace, Subsystem: "mongodb", Name: "pool_max_connections",
			Help: "The most connections one MongoDB pool opens (maxPoolSize; 0 is no limit).",
		}, func() float64 { return float64(m.maxConnections.Load()) }),
	)
	return m
}

// MongoDBMonitors registers the MongoDB metrics, which only a service on
// MongoDB exposes, and returns the driver monitors that feed them: one
// times each command the driver runs (options.ClientOptions.SetMonitor),
// the other follows its connection pools (SetPoolMonitor); the pool gauges
// add up every pool of the client (one per server of a replica set). Call
// it once.
func (m *Metrics) MongoDBMonitors() (*event.CommandMonitor, *event.PoolMonitor) {
	m.mongo = newMongoMetrics(m.registry)
	return m.commandMonitor(), &event.PoolMonitor{Event: m.mongo.poolEvent}
}

func (m *Metrics) commandMonitor() *event.CommandMonitor {
	return &event.CommandMonitor{
		Succeeded: func(_ context.Context, e *event.CommandSucceededEvent) {
			m.mongo.commands.WithLabelValues(commandLabel(e.CommandName)).Observe(e.Duration.Seconds())
		},
		Failed: func(_ context.Context, e *event.CommandFailedEvent) {
			name := commandLabel(e.CommandName)
			m.mongo.commands.WithLabelValues(name).Observe(e.Duration.Seconds())
			m.mongo.failures.WithLabelValues(name).Inc()
		},
	}
}

func (m *mongoMetrics) poolEvent(e *event.PoolEvent) {
	switch e.Type {
	case event.ConnectionPoolCreated:
		if e.PoolOptions != nil {
			m.maxConnections.Store(int64(e.PoolOptions.MaxPoolSize))
		}
	case event.ConnectionCreated:
		m.open.Add(1)
	case event.ConnectionClosed:
		m.open.Add(-1)
	case event.ConnectionCheckOutStarted:
		m.waiting.Add(1)
	case event.ConnectionCheckedOut:
		m.waiting.Add(-1)
		m.inUse.Add(1)
		m.poolWait.Observe(e.Duration.Seconds())
	case event.ConnectionCheckOutFailed:
		m.waiting.Add(-1)
		m.poolWait.Observe(e.Duration.Seconds())
	case event.ConnectionCheckedIn:
		m.inUse.Add(-1)
	}
}

// otherCommand labels a command name that does not look like one, so that
// the label cannot grow without bound whatever the driver reports.
const otherCommand = "other"

// commandLabel keeps MongoDB command names (find, findAndModify, insert,
// ...), which are a small fixed set, and folds anything else into one.
func commandLabel(name string) string {
	if name == "" || len(name) > 32 {
		return otherCommand
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return otherCommand
		}
	}
	return name
}
