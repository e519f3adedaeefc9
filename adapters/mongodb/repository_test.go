package mongodb_test

import (
	"context"
	"testing"
	"time"

	"github.com/microbase-io/customer-service/adapters/mongodb"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/test/support/defaults"
)

// The repository takes its limits from the configuration; limits it would
// have to guess (left at zero) are refused, not replaced by a default.
func TestNewRepositoryRefusesLimitsItWouldHaveToGuess(t *testing.T) {
	client, err := mongodb.NewClient("mongodb://127.0.0.1:1/", time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Disconnect(context.Background()) })
	db := client.Database("customer")
	outbox, keys := defaults.OutboxLimits(t), defaults.IdempotencyLimits(t)
	tests := []struct {
		name   string
		outbox application.OutboxLimits
		keys   application.IdempotencyLimits
		ok     bool
	}{
		{"the configured limits", outbox, keys, true},
		{"no outbox cap", application.OutboxLimits{}, keys, false},
		{"no idempotency bound", outbox, application.IdempotencyLimits{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			repo, err := mongodb.NewRepository(db, tt.outbox, tt.keys)
			if (err == nil) != tt.ok || (repo != nil) != tt.ok {
				t.Fatalf("NewRepository = %v, %v; want ok %v", repo, err, tt.ok)
			}
		})
	}
}
