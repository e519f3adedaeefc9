package metrics

import "github.com/prometheus/client_golang/prometheus"

// OutboxRecorder is what the event outbox reports, for its relay (an
// application.RelayObserver) to pass on. *Metrics implements it.
type OutboxRecorder interface {
	// RecordOutboxBacklog sets how many customers have events waiting in
	// the outbox to be published, as the relay last counted them.
	RecordOutboxBacklog(customers int64)
	// RecordPublishFailure counts one attempt to publish an event that
	// failed (the event stays in the outbox and is tried again).
	RecordPublishFailure()
}

var _ OutboxRecorder = (*Metrics)(nil)

type outboxMetrics struct {
	backlog         prometheus.Gauge
	publishFailures prometheus.Counter
}

func newOutboxMetrics(r prometheus.Registerer) outboxMetrics {
	m := outboxMetrics{
		backlog:         gauge("outbox", "backlog", "Customers with events waiting in the outbox to be published, as last counted."),
		publishFailures: counter("outbox", "publish_failures_total", "Attempts to publish an event of the outbox that failed."),
	}
	r.MustRegister(m.backlog, m.publishFailures)
	return m
}

// RecordOutboxBacklog implements OutboxRecorder.
func (m *Metrics) RecordOutboxBacklog(customers int64) { m.outbox.backlog.Set(float64(customers)) }

// RecordPublishFailure implements OutboxRecorder.
func (m *Metrics) RecordPublishFailure() { m.outbox.publishFailures.Inc() }
