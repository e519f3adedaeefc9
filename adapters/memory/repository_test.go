package memory_test

import (
	"testing"

	"github.com/microbase-io/customer-service/adapters/memory"
	"github.com/microbase-io/customer-service/test/contract"
)

// The fake stands in for MongoDB in unit tests and benchmarks, so it must
// keep the same contract.
func TestRepositoryKeepsTheRepositoryContract(t *testing.T) {
	contract.RunCustomerRepository(t, func(*testing.T) contract.Store {
		return memory.NewRepository()
	})
}
