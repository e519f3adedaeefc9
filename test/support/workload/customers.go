package workload

import (
	"context"
	"fmt"
	"testing"

	"github.com/microbase-io/customer-service/test/support/servicetest"
	"github.com/microbase-io/customer-service/test/support/storetest"
)

// createCustomers creates n customers, emails from email(i), spreading the
// calls over apis. Call it from the test's goroutine.
func createCustomers(t *testing.T, caller *Caller, apis []servicetest.Client, n int, email func(int) string) []Customer {
	t.Helper()
	created := make([]Customer, n)
	for i := range created {
		r := caller.Call(t.Context(), apis[i%len(apis)], "customer.create", map[string]any{
			"email": email(i), "password": "s3cret-pass", "firstName": "Initial", "lastName": fmt.Sprintf("Customer %02d", i),
		})
		c, err := r.Customer()
		if err != nil {
			t.Fatalf("creating customer %d: %v (%s)", i, err, r.Raw)
		}
		created[i] = c
	}
	return created
}

// StoredCustomer reads a customer straight from the store, bypassing the
// service, as it would be found after every instance is gone.
func StoredCustomer(ctx context.Context, store storetest.Inspector, id string) (Customer, error) {
	c, err := store.Customer(ctx, id)
	if err != nil {
		return Customer{}, err
	}
	return Customer{ID: c.ID, Email: c.Email, FirstName: c.FirstName, LastName: c.LastName,
		Status: c.Status, Tags: c.Tags, Version: c.Version}, nil
}
