package httpapi_test

import (
	"context"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
	"golang.org/x/crypto/bcrypt"

	"github.com/microbase-io/customer-service/adapters/httpapi"
	"github.com/microbase-io/customer-service/adapters/memory"
	"github.com/microbase-io/customer-service/adapters/token"
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

// newFullAPI is newAPI serving every method, the store optionally behind
// a wrapper.
func newFullAPI(t *testing.T, wrap ...func(*memory.Repository) application.CustomerRepository) *api {
	t.Helper()
	mem := memory.NewRepository()
	var repo application.CustomerRepository = mem
	for _, w := range wrap {
		repo = w(mem)
	}
	clock := &stepClock{t: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)}
	check, err := application.NewCheckCredentials(repo, bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	uc := httpapi.UseCases{
		CreateCustomer:   application.NewCreateCustomer(repo, bcrypt.MinCost, clock),
		GetCustomer:      application.NewGetCustomer(repo),
		UpdateCustomer:   application.NewUpdateCustomer(repo, clock),
		RemoveCustomer:   application.NewRemoveCustomer(repo, clock),
		ListCustomers:    application.NewListCustomers(repo),
		CheckCredentials: check,
		AddAddresses:     application.NewAddAddresses(repo, clock),
		GetAddress:       application.NewGetAddress(repo),
		UpdateAddress:    application.NewUpdateAddress(repo, clock),
		RemoveAddress:    application.NewRemoveAddress(repo, clock),
	}
	verifier, err := token.NewVerifier([][]byte{testSecret}, testScope)
	if err != nil {
		t.Fatal(err)
	}
	core, logs := observer.New(zapcore.DebugLevel)
	a := &api{
		handler: httpapi.NewRouter(httpapi.Config{MaxBodyBytes: testMaxBody, RequestTimeout: 5 * time.Second}, uc, verifier, zap.New(core)),
		repo:    mem,
		clock:   clock,
		logs:    logs,
		token:   issueToken(t, testSecret, []string{testScope}, time.Now(), time.Hour),
	}
	t.Cleanup(func() { assertLogsHoldNoPassword(t, logs) })
	return a
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
