// Package defaults gives tests the settings the service runs with when
// nothing overrides them, read from the configuration compiled into the
// binary (configs/config.yaml, through bootstrap.LoadConfig with an empty
// environment), so that no test writes a production default again.
package defaults

import (
	"testing"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/bootstrap"
)

// brokerURL is a broker to configure, so that writes record events as they
// do in production; nothing connects to it.
const brokerURL = "CUSTOMER_AMQP_URL=amqp://broker.invalid/"

// Config is the default configuration of a service with a broker.
func Config(t testing.TB) bootstrap.Config {
	t.Helper()
	cfg, err := bootstrap.LoadConfig([]string{brokerURL})
	if err != nil {
		t.Fatalf("the default configuration: %v", err)
	}
	return cfg
}

// OutboxLimits are the default limits of a service with a broker: every
// write records its event, within the default cap per customer.
func OutboxLimits(t testing.TB) application.OutboxLimits {
	t.Helper()
	return Config(t).OutboxLimits()
}

// IdempotencyLimits are the default bounds of what keyed writes keep.
func IdempotencyLimits(t testing.TB) application.IdempotencyLimits {
	t.Helper()
	return Config(t).IdempotencyLimits()
}
