package httpapi

import (
	"errors"
	"net/http"
	"unicode/utf8"

	"github.com/microbase-io/customer-service/adapters/token"
	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

// apiError is a failure as MicroBase clients read it: the HTTP status, the
// machine code in "error" and the optional details in "data".
type apiError struct {
	status int
	code   string
	data   any
}

// unknownMethodError names a method this service does not have.
type unknownMethodError struct{ method string }

func (e *unknownMethodError) Error() string { return "unknown method " + e.method }

var errInternal = apiError{http.StatusInternalServerError, "internal_error", nil}

// toAPIError is the one place where errors of the domain, the application
// and this adapter become MicroBase error codes and HTTP statuses. The
// second result is false for an error nobody anticipated: its text stays in
// the log and the client sees internal_error only.
func toAPIError(err error) (apiError, bool) {
	var (
		validation *domain.ValidationError
		email      *domain.InvalidEmailError
		country    *domain.InvalidCountryError
		notFound   *domain.CustomerNotFoundError
		noAddress  *domain.AddressNotFoundError
		duplicate  *domain.DuplicateEmailError
		conflict   *domain.VersionConflictError
		unknown    *unknownMethodError
	)
	switch {
	case errors.As(err, &validation):
		return apiError{http.StatusBadRequest, "validation_error", validation.Messages()}, true
	case errors.As(err, &email):
		return apiError{http.StatusBadRequest, "customer_invalid_email", map[string]string{"email": echo(email.Email)}}, true
	case errors.As(err, &country):
		return apiError{http.StatusBadRequest, "address_contry_invalid", map[string]string{"country": echo(country.Country)}}, true
	case errors.As(err, &notFound):
		return apiError{http.StatusNotFound, "customer_not_found", map[string]string{"id": notFound.ID}}, true
	case errors.As(err, &noAddress):
		return apiError{http.StatusNotFound, "customer_address_not_found",
			map[string]string{"customerId": noAddress.CustomerID, "addressId": noAddress.AddressID}}, true
	case errors.As(err, &duplicate):
		return apiError{http.StatusConflict, "duplicate_key", map[string]string{"index": duplicate.Index, "value": duplicate.Email}}, true
	case errors.As(err, &conflict):
		return apiError{http.StatusConflict, "version_conflict", map[string]any{"id": conflict.ID, "version": conflict.Actual}}, true
	case errors.Is(err, domain.ErrBadCredentials):
		return apiError{http.StatusUnauthorized, "bad_credentials", nil}, true
	case errors.Is(err, token.ErrInvalidToken):
		return apiError{http.StatusUnauthorized, "invalid_token", nil}, true
	case errors.Is(err, application.ErrUnavailable):
		return apiError{http.StatusServiceUnavailable, "database_unavailable", nil}, true
	case errors.Is(err, errPayloadTooLarge):
		return apiError{http.StatusRequestEntityTooLarge, "payload_too_large", nil}, true
	case errors.As(err, &unknown):
		return apiError{http.StatusNotFound, "unknown_method", map[string]string{"method": unknown.method}}, true
	}
	return errInternal, false
}

// maxEcho bounds the rejected value an error gives back: enough to see
// what was wrong with any real email (254 bytes at most), and no way to
// make the service send a megabyte back for a megabyte of garbage.
const maxEcho = 256

func echo(value string) string {
	if len(value) <= maxEcho {
		return value
	}
	cut := maxEcho
	for cut > 0 && !utf8.RuneStart(value[cut]) {
		cut--
	}
	return value[:cut] + "…"
}
