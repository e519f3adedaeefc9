package domain_test

import (
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/microbase-io/customer-service/domain"
)

// Fixed instants: the domain takes the time as an argument, so tests never
// depend on the clock.
var (
	created = time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)
	later   = created.Add(time.Hour)
)

const password = "correct horse"

func validAddressInput() domain.AddressInput {
	return domain.AddressInput{
		Name:      "Work",
		FirstName: "Ada",
		Address1:  "1 Main Street",
		PostCode:  "62701",
		City:      "Springfield",
		State:     "IL",
		Country:   "US",
	}
}

func validCustomerInput() domain.NewCustomerInput {
	return domain.NewCustomerInput{
		Email:     "ada@example.com",
		Password:  password,
		FirstName: "Ada",
		LastName:  "Lovelace",
	}
}

// newCustomer builds a customer at bcrypt's lowest cost, which keeps the
// tests fast without changing what is checked.
func newCustomer(t *testing.T, in domain.NewCustomerInput) *domain.Customer {
	t.Helper()
	c, err := domain.NewCustomer(in, bcrypt.MinCost, created)
	if err != nil {
		t.Fatalf("NewCustomer: %v", err)
	}
	return c
}

// customerWithAddresses restores a customer holding n addresses with the
// ids "a0", "a1", ...
func customerWithAddresses(t *testing.T, n int) *domain.Customer {
	t.Helper()
	s := newCustomer(t, validCustomerInput()).Snapshot()
	s.Addresses = nil
	for i := range n {
		a, err := domain.NewAddress("a"+strconv.Itoa(i), validAddressInput(), "")
		if err != nil {
			t.Fatalf("NewAddress: %v", err)
		}
		s.Addresses = append(s.Addresses, a)
	}
	return domain.RestoreCustomer(s)
}

// problems returns the "field: message" lines of a validation error and
// fails the test when err is anything else.
func problems(t *testing.T, err error) []string {
	t.Helper()
	var ve *domain.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("error = %v (%T), want *domain.ValidationError", err, err)
	}
	if !errors.Is(err, domain.ErrValidation) {
		t.Errorf("errors.Is(%v, ErrValidation) = false", err)
	}
	return ve.Messages()
}

func wantProblems(t *testing.T, err error, want ...string) {
	t.Helper()
	if got := problems(t, err); !slices.Equal(got, want) {
		t.Errorf("problems = %q, want %q", got, want)
	}
}

func ids(addresses []domain.Address) []string {
	out := make([]string, len(addresses))
	for i, a := range addresses {
		out[i] = a.ID
	}
	return out
}
