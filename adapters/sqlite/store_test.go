package sqlite_test

import (
	"context"
	"testing"

	"github.com/microbase-io/customer-service/adapters/sqlite"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/test/contract"
)

func openStore(t testing.TB, dir string) *sqlite.Store {
	t.Helper()
	return openLimited(t, dir, application.OutboxLimits{})
}

func openLimited(t testing.TB, dir string, limits application.OutboxLimits) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), sqlite.Options{DataDir: dir, Outbox: limits})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestStoreKeepsTheRepositoryContract(t *testing.T) {
	contract.RunCustomerRepository(t, func(t *testing.T) contract.Store {
		return openStore(t, t.TempDir())
	})
	contract.RunOutboxLimits(t, func(t *testing.T, limits application.OutboxLimits) contract.Store {
		return openLimited(t, t.TempDir(), limits)
	})
}
