package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/microbase-io/customer-service/application"
)

var _ application.PasswordObserver = (*Metrics)(nil)

type passwordMetrics struct {
	slotsInUse, slots prometheus.Gauge
	waits, refusals   prometheus.Counter
	unknownEmails     prometheus.Gauge
}

func newPasswordMetrics(r prometheus.Registerer) passwordMetrics {
	m := passwordMetrics{
		slotsInUse: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: namespace, Subsystem: "bcrypt", Name: "slots_in_use",
			Help: "bcrypt computations (password checks and new hashes) running now.",
		}),
		slots: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: namespace, Subsystem: "bcrypt", Name: "slots",
			Help: "bcrypt computations that may run at once (CUSTOMER_BCRYPT_SLOTS).",
		}),
		waits: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: namespace, Subsystem: "bcrypt", Name: "waits_total",
			Help: "Password calls that found every bcrypt slot taken and queued.",
		}),
		refusals: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: namespace, Subsystem: "bcrypt", Name: "refusals_total",
			Help: "Password calls that got no bcrypt slot before their deadline, answered service_busy.",
		}),
		unknownEmails: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: namespace, Subsystem: "login", Name: "unknown_emails",
			Help: "Emails nobody has whose failed sign-ins the lockout table holds (bounded; the least recently tried goes first).",
		}),
	}
	r.MustRegister(m.slotsInUse, m.slots, m.waits, m.refusals, m.unknownEmails)
	return m
}

// BcryptSlotsInUse implements application.PasswordObserver.
func (m *Metrics) BcryptSlotsInUse(inUse, size int) {
	m.passwords.slotsInUse.Set(float64(inUse))
	m.passwords.slots.Set(float64(size))
}

// BcryptWaited implements application.PasswordObserver.
func (m *Metrics) BcryptWaited() { m.passwords.waits.Inc() }

// BcryptRefused implements application.PasswordObserver.
func (m *Metrics) BcryptRefused() { m.passwords.refusals.Inc() }

// UnknownEmailsTracked implements application.PasswordObserver.
func (m *Metrics) UnknownEmailsTracked(n int) { m.passwords.unknownEmails.Set(float64(n)) }
