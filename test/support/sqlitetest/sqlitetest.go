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
)

// Open returns an empty store whose writes record events within limits;
// it is closed when the test ends.
func Open(t testing.TB, limits application.OutboxLimits) *sqlite.Store {
	t.Helper()
	store, err := sqlite.Open(context.Background(), sqlite.Options{DataDir: t.TempDir(), Outbox: limits})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	return store
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
