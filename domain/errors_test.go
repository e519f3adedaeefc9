package domain_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/microbase-io/customer-service/domain"
)

// Adapters map errors to answers with errors.Is, so each detail error must
// match its own sentinel, also when wrapped, and no other.
func TestDetailErrors_MatchOnlyTheirSentinel(t *testing.T) {
	sentinels := []error{
		domain.ErrValidation,
		domain.ErrCustomerNotFound, domain.ErrAddressNotFound, domain.ErrDuplicateEmail,
		domain.ErrVersionConflict, domain.ErrBadCredentials,
	}
	tests := []struct {
		err      error
		sentinel error
		message  string
	}{
		{&domain.CustomerNotFoundError{ID: "c1"}, domain.ErrCustomerNotFound, `customer "c1" not found`},
		{&domain.AddressNotFoundError{CustomerID: "c1", AddressID: "a1"}, domain.ErrAddressNotFound, `address "a1" of customer "c1" not found`},
		{&domain.InvalidEmailError{Email: "x"}, nil, `invalid email "x"`},
		{&domain.InvalidCountryError{Country: "EU"}, nil, `country "EU" is not an ISO 3166-1 alpha-2 code`},
		{&domain.DuplicateEmailError{Index: "email_1", Email: "a@b.co"}, domain.ErrDuplicateEmail, `email "a@b.co" already belongs to another customer`},
		{&domain.VersionConflictError{ID: "c1", Expected: 3, Actual: 4}, domain.ErrVersionConflict, `customer "c1" is at version 4, not 3`},
		{&domain.ValidationError{Problems: []domain.Problem{{Field: "id", Message: "must not be empty"}}}, domain.ErrValidation, "invalid input: id: must not be empty"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%T", tt.err), func(t *testing.T) {
			if got := tt.err.Error(); got != tt.message {
				t.Errorf("Error() = %q, want %q", got, tt.message)
			}
			wrapped := fmt.Errorf("store: %w", tt.err)
			for _, s := range sentinels {
				if got, want := errors.Is(wrapped, s), s == tt.sentinel; got != want {
					t.Errorf("errors.Is(%v, %v) = %v, want %v", wrapped, s, got, want)
				}
			}
		})
	}
}
