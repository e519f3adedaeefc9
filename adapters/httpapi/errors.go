package httpapi

import (
	"errors"
	"math"
	"net/http"
	"time"
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
	data   any    // nil, or a value of a type below (the document is made from them)
	allow  string // the Allow header of a 405
	// retryAfter is the Retry-After header of a 503 service_busy; zero
	// sends none.
	retryAfter time.Duration
	// warn logs the error's cause at warn, without a stack: a fault of
	// the store, expected and retried, that the operator should see.
	warn bool
}

// The data of the failures that carry some.
type (
	emailData struct {
		Email string `json:"email"`
	}
	countryData struct {
		Country string `json:"country"`
	}
	customerData struct {
		ID string `json:"id"`
	}
	addressData struct {
		CustomerID string `json:"customerId"`
		AddressID  string `json:"addressId"`
	}
	duplicateData struct {
		Index string `json:"index" enum:"email_1"`
		Value string `json:"value"`
	}
	versionData struct {
		ID      string `json:"id"`
		Version int64  `json:"version" doc:"The stored version."`
	}
	methodData struct {
		Method string `json:"method"`
	}
	lockoutData struct {
		RetryAfter int64 `json:"retryAfter" doc:"Seconds until the lockout ends, as the Retry-After header."`
	}
	outcomeData struct {
		Written string `json:"written" enum:"unknown" doc:"The write reached the database, which could not confirm it: it may have happened. A copy sent with the same Idempotency-Key gets its answer if it did, and writes if it did not."`
	}
)

// unknownMethodError names a method this service does not have.
type unknownMethodError struct{ method string }

func (e *unknownMethodError) Error() string { return "unknown method " + e.method }

var (
	// errMethodNotAllowed is a method's path called with an HTTP method
	// other than GET or POST.
	errMethodNotAllowed = errors.New("httpapi: methods are called with GET or POST")
	// errPanicked is a request whose handler panicked; the panic is logged
	// where it is recovered.
	errPanicked = errors.New("httpapi: the handler panicked")
)

var errInternal = apiError{status: http.StatusInternalServerError, code: "internal_error"}

// apiErrors are one error of each kind toAPIError answers, for the
// document; a test holds them to this file.
var apiErrors = []error{
	&domain.ValidationError{}, &domain.InvalidEmailError{}, &domain.InvalidCountryError{},
	&domain.CustomerNotFoundError{}, &domain.AddressNotFoundError{}, &domain.DuplicateEmailError{},
	&domain.VersionConflictError{}, domain.ErrBadCredentials, &domain.EmailNotFoundError{}, domain.ErrPasswordTokenInvalid,
	&application.LockedOutError{}, token.ErrInvalidToken, application.ErrUnavailable,
	application.ErrOutcomeUnknown, application.ErrEventBacklogFull, &application.BusyError{}, application.ErrIdempotencyKeyReused, errKeyInUse, errPayloadTooLarge, errHeaderTooLarge, errRequestTimeout, &unknownMethodError{}, errMethodNotAllowed, errPanicked,
}

// commonErrors are what any method of its kind may answer, besides its
// own errors.
func commonErrors(m method) []error {
	common := []error{&domain.ValidationError{}, errRequestTimeout, errPayloadTooLarge, errHeaderTooLarge, errPanicked}
	if !m.public {
		common = append(common, token.ErrInvalidToken, application.ErrUnavailable, &application.BusyError{})
	}
	if m.write {
		common = append(common, application.ErrOutcomeUnknown, application.ErrEventBacklogFull, application.ErrIdempotencyKeyReused, errKeyInUse)
	}
	return common
}

// toAPIError is the one place where errors of the domain, the application
// and this adapter become MicroBase error codes and HTTP statuses. The
// second result is false for an error nobody anticipated: its text stays in
// the log and the client sees internal_error only.
func toAPIError(err error) (apiError, bool) {
	if e, ok := toDomainAPIError(err); ok {
		return e, true
	}
	var (
		unknown *unknownMethodError
		busy    *application.BusyError
		locked  *application.LockedOutError
	)
	switch {
	case errors.Is(err, token.ErrInvalidToken):
		return apiError{status: http.StatusUnauthorized, code: "invalid_token"}, true
	case errors.Is(err, application.ErrOutcomeUnknown):
		return apiError{status: http.StatusServiceUnavailable, code: "database_unavailable", data: outcomeData{Written: "unknown"}, warn: true}, true
	case errors.Is(err, application.ErrUnavailable):
		return apiError{status: http.StatusServiceUnavailable, code: "database_unavailable", warn: true}, true
	case errors.Is(err, application.ErrEventBacklogFull):
		return apiError{status: http.StatusServiceUnavailable, code: "event_backlog_full"}, true
	case errors.As(err, &busy):
		return apiError{status: http.StatusServiceUnavailable, code: "service_busy", retryAfter: busy.RetryAfter}, true
	case errors.As(err, &locked):
		return apiError{status: http.StatusTooManyRequests, code: "too_many_attempts", retryAfter: locked.RetryAfter,
			data: lockoutData{RetryAfter: int64(math.Ceil(locked.RetryAfter.Seconds()))}}, true
	case errors.Is(err, application.ErrIdempotencyKeyReused):
		return apiError{status: http.StatusUnprocessableEntity, code: "idempotency_key_reused"}, true
	case errors.Is(err, errKeyInUse):
		return apiError{status: http.StatusConflict, code: "idempotency_key_in_use"}, true
	case errors.Is(err, errPayloadTooLarge):
		return apiError{status: http.StatusRequestEntityTooLarge, code: "payload_too_large"}, true
	case errors.Is(err, errHeaderTooLarge):
		return apiError{status: http.StatusRequestHeaderFieldsTooLarge, code: "header_too_large"}, true
	case errors.Is(err, errRequestTimeout):
		return apiError{status: http.StatusRequestTimeout, code: "request_timeout"}, true
	case errors.As(err, &unknown):
		return apiError{status: http.StatusNotFound, code: "unknown_method", data: methodData{echo(unknown.method)}}, true
	case errors.Is(err, errMethodNotAllowed):
		return apiError{status: http.StatusMethodNotAllowed, code: "method_not_allowed", allow: "GET, POST"}, true
	case errors.Is(err, errPanicked):
		return errInternal, true
	}
	return errInternal, false
}

func toDomainAPIError(err error) (apiError, bool) {
	var (
		validation *domain.ValidationError
		email      *domain.InvalidEmailError
		country    *domain.InvalidCountryError
		notFound   *domain.CustomerNotFoundError
		noEmail    *domain.EmailNotFoundError
		noAddress  *domain.AddressNotFoundError
		duplicate  *domain.DuplicateEmailError
		conflict   *domain.VersionConflictError
	)
	switch {
	case errors.As(err, &validation):
		return apiError{status: http.StatusBadRequest, code: "validation_error", data: validation.Messages()}, true
	case errors.As(err, &email):
		return apiError{status: http.StatusBadRequest, code: "customer_invalid_email", data: emailData{echo(email.Email)}}, true
	case errors.As(err, &country):
		return apiError{status: http.StatusBadRequest, code: "address_contry_invalid", data: countryData{echo(country.Country)}}, true
	case errors.As(err, &notFound):
		return apiError{status: http.StatusNotFound, code: "customer_not_found", data: customerData{notFound.ID}}, true
	case errors.As(err, &noEmail):
		return apiError{status: http.StatusNotFound, code: "customer_not_found", data: emailData{echo(noEmail.Email)}}, true
	case errors.As(err, &noAddress):
		return apiError{status: http.StatusNotFound, code: "customer_address_not_found",
			data: addressData{noAddress.CustomerID, noAddress.AddressID}}, true
	case errors.As(err, &duplicate):
		return apiError{status: http.StatusConflict, code: "duplicate_key", data: duplicateData{duplicate.Index, duplicate.Email}}, true
	case errors.As(err, &conflict):
		return apiError{status: http.StatusConflict, code: "version_conflict", data: versionData{conflict.ID, conflict.Actual}}, true
	case errors.Is(err, domain.ErrBadCredentials):
		return apiError{status: http.StatusUnauthorized, code: "bad_credentials"}, true
	case errors.Is(err, domain.ErrPasswordTokenInvalid):
		return apiError{status: http.StatusBadRequest, code: "password_token_invalid"}, true
	}
	return apiError{}, false
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
