// Package domain holds the customer rules of the service: what a valid
// customer and address are, and what may change about them. It knows nothing
// of HTTP, MongoDB or configuration; adapters translate its errors at the edge.
package domain

import (
	"errors"
	"fmt"
)

// Sentinel errors name what went wrong; the detail types below carry the
// facts a caller needs and match their sentinel with errors.Is, except an
// invalid email or country, which only their type names.
var (
	ErrValidation       = errors.New("invalid input")
	ErrCustomerNotFound = errors.New("customer not found")
	ErrAddressNotFound  = errors.New("customer address not found")
	ErrDuplicateEmail   = errors.New("email already belongs to another customer")
	ErrVersionConflict  = errors.New("customer changed since the given version")
	ErrBadCredentials   = errors.New("bad credentials")
	// ErrPasswordTokenInvalid is every token a reset cannot use: unknown,
	// used, expired or superseded alike, so that the answer tells nobody
	// which.
	ErrPasswordTokenInvalid = errors.New("password token invalid")
)

// CustomerNotFoundError says which customer does not exist.
type CustomerNotFoundError struct{ ID string }

func (e *CustomerNotFoundError) Error() string        { return fmt.Sprintf("customer %q not found", e.ID) }
func (e *CustomerNotFoundError) Is(target error) bool { return target == ErrCustomerNotFound }

// EmailNotFoundError says that no customer who may sign in has the email.
type EmailNotFoundError struct{ Email string }

func (e *EmailNotFoundError) Error() string {
	return fmt.Sprintf("no active customer has the email %q", e.Email)
}
func (e *EmailNotFoundError) Is(target error) bool { return target == ErrCustomerNotFound }

// AddressNotFoundError says which address of which customer does not exist.
type AddressNotFoundError struct{ CustomerID, AddressID string }

func (e *AddressNotFoundError) Error() string {
	return fmt.Sprintf("address %q of customer %q not found", e.AddressID, e.CustomerID)
}
func (e *AddressNotFoundError) Is(target error) bool { return target == ErrAddressNotFound }

// InvalidEmailError carries the rejected email as the caller sent it.
type InvalidEmailError struct{ Email string }

func (e *InvalidEmailError) Error() string { return fmt.Sprintf("invalid email %q", e.Email) }

// InvalidCountryError carries the rejected country code.
type InvalidCountryError struct{ Country string }

func (e *InvalidCountryError) Error() string {
	return fmt.Sprintf("country %q is not an ISO 3166-1 alpha-2 code", e.Country)
}

// DuplicateEmailError names the uniqueness rule that was violated (Index is
// the store's name for it) and the email that collided.
type DuplicateEmailError struct{ Index, Email string }

func (e *DuplicateEmailError) Error() string {
	return fmt.Sprintf("email %q already belongs to another customer", e.Email)
}
func (e *DuplicateEmailError) Is(target error) bool { return target == ErrDuplicateEmail }

// VersionConflictError tells a compare-and-set caller which version is
// current, so it can re-read and retry.
type VersionConflictError struct {
	ID               string
	Expected, Actual int64
}

func (e *VersionConflictError) Error() string {
	return fmt.Sprintf("customer %q is at version %d, not %d", e.ID, e.Actual, e.Expected)
}
func (e *VersionConflictError) Is(target error) bool { return target == ErrVersionConflict }
