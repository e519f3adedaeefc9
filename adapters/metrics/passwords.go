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
		slotsInUse: gauge("bcrypt", "slots_in_use", "bcrypt computations (password checks and new hashes) running now."),
		slots:      gauge("bcrypt", "slots", "bcrypt computations that may run at once (CUSTOMER_BCRYPT_SLOTS)."),
		waits:      counter("bcrypt", "waits_total", "Password calls that found every bcrypt slot taken and queued."),
		refusals:   counter("bcrypt", "refusals_total", "Password calls that got no bcrypt slot before their deadline, answered service_busy."),
		unknownEmails: gauge("login", "unknown_emails",
			"Emails nobody has whose failed sign-ins the lockout table holds (bounded; the least recently tried goes first)."),
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
