// Package sqlitetest opens the embedded SQLite store in a test's own
// temporary directory: the real store, for the tests of the packages
// above it, at the cost of a few milliseconds.
package sqlitetest

import (
	"context"
	"testing"

	"github.com/microbase-io/customer-service/adapters/sqlite"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
	"github.com/microbase-io/customer-service/test/support/defaults"
)

// Open returns an empty store with the default settings of a service with
// a broker (its writes record their events); it is closed when the test
// ends.
func Open(t testing.TB) *sqlite.Store {
	t.Helper()
	store, err := sqlite.Open(context.Background(), Options(t, t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	return store
}

// Options are the store's default settings, as Open uses them, for a
// store in dir.
func Options(t testing.TB, dir string) sqlite.Options {
	t.Helper()
	return sqlite.Options{DataDir: dir, Outbox: defaults.OutboxLimits(t), Idempotency: defaults.IdempotencyLimits(t)}
}

// Customers is every customer repo lists, in list order.
func Customers(t testing.TB, repo application.CustomerRepository) []*domain.Customer {
	t.Helper()
	var all []*domain.Customer
	if err := repo.List(context.Background(), application.ListQuery{}, func(c *domain.Customer) error {
		all = append(all, c)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return all
}
