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
	status     int
	code       string
	data       any           // nil, or a value of a type below (the document is made from them)
	allow      string        // the Allow header of a 405
	retryAfter time.Duration // the Retry-After header; zero sends none
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

// errorKinds are the failures the API answers, each as it is answered;
// the first that matches an error answers it. They make toAPIError, the
// OpenAPI document's error schemas and the README's error table.
var errorKinds = []errorKind{
	as(http.StatusBadRequest, "validation_error", func(e *domain.ValidationError, a *apiError) { a.data = e.Messages() }),
	as(http.StatusBadRequest, "customer_invalid_email", func(e *domain.InvalidEmailError, a *apiError) { a.data = emailData{echo(e.Email)} }),
	as(http.StatusBadRequest, "address_contry_invalid", func(e *domain.InvalidCountryError, a *apiError) { a.data = countryData{echo(e.Country)} }),
	as(http.StatusNotFound, "customer_not_found", func(e *domain.CustomerNotFoundError, a *apiError) { a.data = customerData{e.ID} }),
	as(http.StatusNotFound, "customer_not_found", func(e *domain.EmailNotFoundError, a *apiError) { a.data = emailData{echo(e.Email)} }),
	as(http.StatusNotFound, "customer_address_not_found", func(e *domain.AddressNotFoundError, a *apiError) {
		a.data = addressData{e.CustomerID, e.AddressID}
	}),
	as(http.StatusConflict, "duplicate_key", func(e *domain.DuplicateEmailError, a *apiError) { a.data = duplicateData{e.Index, e.Email} }),
	as(http.StatusConflict, "version_conflict", func(e *domain.VersionConflictError, a *apiError) { a.data = versionData{e.ID, e.Actual} }),
	is(http.StatusUnauthorized, "bad_credentials", domain.ErrBadCredentials),
	is(http.StatusBadRequest, "password_token_invalid", domain.ErrPasswordTokenInvalid),
	is(http.StatusUnauthorized, "invalid_token", token.ErrInvalidToken),
	is(http.StatusServiceUnavailable, "database_unavailable", application.ErrOutcomeUnknown, warned, func(a *apiError) { a.data = outcomeData{Written: "unknown"} }),
	is(http.StatusServiceUnavailable, "database_unavailable", application.ErrUnavailable, warned),
	is(http.StatusServiceUnavailable, "event_backlog_full", application.ErrEventBacklogFull),
	as(http.StatusServiceUnavailable, "service_busy", func(e *application.BusyError, a *apiError) { a.retryAfter = e.RetryAfter }),
	as(http.StatusTooManyRequests, "too_many_attempts", func(e *application.LockedOutError, a *apiError) {
		a.retryAfter, a.data = e.RetryAfter, lockoutData{RetryAfter: int64(math.Ceil(e.RetryAfter.Seconds()))}
	}),
	is(http.StatusUnprocessableEntity, "idempotency_key_reused", application.ErrIdempotencyKeyReused),
	is(http.StatusConflict, "idempotency_key_in_use", errKeyInUse),
	is(http.StatusRequestEntityTooLarge, "payload_too_large", errPayloadTooLarge),
	is(http.StatusRequestHeaderFieldsTooLarge, "header_too_large", errHeaderTooLarge),
	is(http.StatusRequestTimeout, "request_timeout", errRequestTimeout),
	as(http.StatusNotFound, "unknown_method", func(e *unknownMethodError, a *apiError) { a.data = methodData{echo(e.method)} }),
	is(http.StatusMethodNotAllowed, "method_not_allowed", errMethodNotAllowed, func(a *apiError) { a.allow = "GET, POST" }),
	is(http.StatusInternalServerError, "internal_error", errPanicked),
}

// errorKind is one row of errorKinds: an error of the kind, for the
// document, and how an error is found to be of it and answered.
type errorKind struct {
	example error
	// answer is the answer to err if it is of the kind.
	answer func(err error) (apiError, bool)
}

// is is the kind of the errors that are target (errors.Is); details
// complete its answer.
func is(status int, code string, target error, details ...func(*apiError)) errorKind {
	return errorKind{example: target, answer: func(err error) (apiError, bool) {
		if !errors.Is(err, target) {
			return apiError{}, false
		}
		a := apiError{status: status, code: code}
		for _, d := range details {
			d(&a)
		}
		return a, true
	}}
}

// as is the kind of the errors of type *E (errors.As); detail completes
// the answer from the error's facts.
func as[E any, P interface {
	*E
	error
}](status int, code string, detail func(P, *apiError)) errorKind {
	return errorKind{example: P(new(E)), answer: func(err error) (apiError, bool) {
		var e P
		if !errors.As(err, &e) {
			return apiError{}, false
		}
		a := apiError{status: status, code: code}
		detail(e, &a)
		return a, true
	}}
}

func warned(a *apiError) { a.warn = true }

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
	for _, k := range errorKinds {
		if a, ok := k.answer(err); ok {
			return a, true
		}
	}
	return apiError{status: http.StatusInternalServerError, code: "internal_error"}, false
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
