package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/microbase-io/customer-service/adapters/sqlite"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

// guardedCalls are valid calls of the methods other than create, info and
// update, each at least once: {customer} and {address} are a fixture's.
var guardedCalls = []struct{ method, body string }{
	{"customer.remove", `{"id":"{customer}"}`},
	{"customer.list", `{"limit":5}`},
	{"customer.checkCredentials", `{"email":"ada@example.com","password":"` + adaPassword + `"}`},
	{"customer.address.create", `{"customerId":"{customer}","addresses":[` + workAddressJSON + `]}`},
	{"customer.address.info", `{"customerId":"{customer}","addressId":"{address}"}`},
	{"customer.address.update", `{"customerId":"{customer}","address":{"id":"{address}",` + workAddressJSON[1:] + `}`},
	{"customer.address.remove", `{"customerId":"{customer}","addressId":"{address}"}`},
}

func TestGuardedMethodsRefuseACallWithoutAValidTokenAndWriteNothing(t *testing.T) {
	for _, c := range guardedCalls {
		for name, authorization := range map[string]string{
			"no token":          "",
			"a malformed token": "Bearer not.a.jwt",
			"another's secret":  "Bearer " + issueToken(t, []byte("some-other-secret-0123456789abcdef"), []string{testScope}, time.Now(), time.Hour),
		} {
			t.Run(c.method+"/"+name, func(t *testing.T) {
				a := newFullAPI(t)
				vars := addressFixture(t, a)
				r := a.request(http.MethodPost, c.method, jsonType, fill(c.body, vars))
				r.Header.Del("Authorization")
				if authorization != "" {
					r.Header.Set("Authorization", authorization)
				}
				assertError(t, a.serve(t, r), http.StatusUnauthorized, "invalid_token", "")
				if s := a.stored(t, vars["customer"]); s.Version != 1 {
					t.Errorf("a refused call wrote the customer (version %d)", s.Version)
				}
			})
		}
	}
}

// storeDown is a store that cannot be reached.
type storeDown struct{ *sqlite.Store }

var errStoreDown = fmt.Errorf("server selection timeout, 10.0.0.7:27017: %w", application.ErrUnavailable)

func (storeDown) Get(context.Context, string) (*domain.Customer, error) { return nil, errStoreDown }
func (storeDown) Update(context.Context, string, application.IdempotencyKey, func(*domain.Customer) (application.NewEvent, error)) (*domain.Customer, error) {
	return nil, errStoreDown
}
func (storeDown) Delete(context.Context, string, application.NewEvent, application.IdempotencyKey) error {
	return errStoreDown
}
func (storeDown) FindByEmail(context.Context, string) (*domain.Customer, error) {
	return nil, errStoreDown
}
func (storeDown) List(context.Context, application.ListQuery, func(*domain.Customer) error) error {
	return errStoreDown
}

func TestGuardedMethodsAnswer503WithoutDetailsWhenTheStoreIsUnreachable(t *testing.T) {
	for _, c := range guardedCalls {
		t.Run(c.method, func(t *testing.T) {
			a := newFullAPI(t, func(m *sqlite.Store) application.CustomerRepository { return storeDown{m} })
			vars := map[string]string{"customer": unknownID, "address": unknownID}
			assertError(t, a.call(t, c.method, fill(c.body, vars)), http.StatusServiceUnavailable, "database_unavailable", "")
		})
	}
}
