package httpapi_test

import (
	"context"
	"testing"

	"github.com/microbase-io/customer-service/adapters/sqlite"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

// The passwords the tests of remove, list, checkCredentials and the
// address methods send; none may come back nor reach a log line.
const (
	adaPassword   = "ada-s3cret-pass"
	gracePassword = "grace-s3cret-pass"
	wrongPassword = "wrong-s3cret-pass"
)

func init() { plainPasswords = append(plainPasswords, adaPassword, gracePassword, wrongPassword) }

// newFullAPI is newAPI with the store optionally behind a wrapper.
func newFullAPI(t *testing.T, wrap ...func(*sqlite.Store) application.CustomerRepository) *api {
	t.Helper()
	opts := make([]apiOption, len(wrap))
	for i, w := range wrap {
		opts[i] = withRepository(w)
	}
	return newAPI(t, opts...)
}

// addWorkAddress gives a stored customer one address and returns its id.
func (a *api) addWorkAddress(t *testing.T, customerID string) string {
	t.Helper()
	c, err := application.NewAddAddresses(a.repo, a.clock).Handle(context.Background(), application.AddAddressesCommand{
		CustomerID: customerID,
		Addresses: []domain.AddressInput{{
			Name: "Work", FirstName: "John", Address1: "1650 Bolman Court", PostCode: "61701",
			City: "Bloomington", State: "Illinois", Country: "US",
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	addresses := c.Addresses()
	return addresses[len(addresses)-1].ID
}

// workAddressJSON is a valid address argument with every field given, as
// the MicroBase documentation's example has it.
const workAddressJSON = `{"name":"Work","firstName":"John","lastName":"Doe","address_1":"1650 Bolman Court",` +
	`"address_2":"Number 10","postCode":"61701","city":"Bloomington","state":"Illinois","country":"US",` +
	`"company":"My Company","phone":2173203531,"instructions":"Some Instructions"}`
