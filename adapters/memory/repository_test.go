package memory_test

import (
	"testing"

	"github.com/microbase-io/customer-service/adapters/memory"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/test/contract"
)

// The fake stands in for the stores in unit tests and benchmarks, so it
// must keep the same contract.
func TestRepositoryKeepsTheRepositoryContract(t *testing.T) {
	contract.RunCustomerRepository(t, func(*testing.T) contract.Store {
		return memory.NewRepository(application.OutboxLimits{})
	})
	contract.RunOutboxLimits(t, func(_ *testing.T, limits application.OutboxLimits) contract.Store {
		return memory.NewRepository(limits)
	})
}
