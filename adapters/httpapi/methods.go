package httpapi

import (
	"context"
	"reflect"

	"github.com/microbase-io/customer-service/application"
	"github.com/microbase-io/customer-service/domain"
)

// method is one RPC method.
type method struct {
	name        string
	public      bool   // callable without a token
	write       bool   // changes a customer: takes an Idempotency-Key, may find the event backlog full
	summary     string // one line, for the document
	description string // for the document; may be empty
	reads       string // the answer, in the words of the README's table
	// errors are what the method may answer besides what any method may
	// (commonErrors); toAPIError gives each its code and status.
	errors []error
	// endpoint binds the method to the use cases.
	endpoint func(application.Application) endpoint
}

// methodList is every method the API serves, in the order of the README.
// The router registers it, and the OpenAPI document and the README's
// method table are made from it.
var methodList = []method{
	{name: "micro.ping", public: true, endpoint: microPing, reads: "`answer: \"pong\"` (public)", summary: "Liveness, public.",
		description: "Answers pong without touching the database; needs no token. A body is read and ignored."},
	{name: "customer.create", write: true, endpoint: customerCreate, reads: "`customer`", summary: "Create a customer.",
		errors: errorsOf(&domain.InvalidEmailError{}, &domain.InvalidCountryError{}, &domain.DuplicateEmailError{}),
		description: "The email is trimmed and lower-cased, and must be unique in any letter case. The password " +
			"(8 to 72 bytes) is stored as a bcrypt hash only. Each address gets an id."},
	{name: "customer.info", endpoint: customerInfo, reads: "`customer`", summary: "One customer.",
		errors: errorsOf(&domain.CustomerNotFoundError{})},
	{name: "customer.update", write: true, endpoint: customerUpdate, reads: "`customer`", summary: "Change some fields of a customer.",
		errors: errorsOf(&domain.InvalidEmailError{}, &domain.CustomerNotFoundError{}, &domain.DuplicateEmailError{},
			&domain.VersionConflictError{}),
		description: "Only the arguments present change; `tags: []` clears the tags. An update that changes nothing " +
			"writes nothing. With `version` (the one last read) it is a compare-and-set: `409 version_conflict` when " +
			"the stored version differs. Other fields (password, _id, createdAt) are ignored, so a client may post " +
			"back a whole customer."},
	{name: "customer.remove", write: true, endpoint: customerRemove, reads: "(just `ok`)", summary: "Delete a customer.",
		errors: errorsOf(&domain.CustomerNotFoundError{})},
	{name: "customer.list", endpoint: customerList, reads: "`page: {limit, skip, next}`, `data: [customer...]`",
		summary: "A page of customers, filtered.", errors: errorsOf(),
		description: "Each filter is a list that matches any of its values: a JSON array, one comma-separated " +
			"string, or a query or form parameter repeated or comma-separated. Filters combine with AND; an empty " +
			"list matches nobody, an empty or blank value is a `validation_error`. Customers come in creation " +
			"order, then by id. `limit` is 10 when absent; over 100, or 0, it is 100. `page.next`, present when " +
			"more customers may follow, is sent back as `after` (without `skip`) for the page that follows; a page " +
			"also ends early, with a `next`, once it holds `CUSTOMER_MAX_ANSWER_BYTES` of customers. `fields` " +
			"picks fields (`email,status`) or leaves some out (`-addresses`); `id` is always answered, the " +
			"password never."},
	{name: "customer.checkCredentials", endpoint: customerCheckCredentials, reads: "(just `ok`)",
		summary: "Check a customer's email and password.", errors: errorsOf(domain.ErrBadCredentials, &application.LockedOutError{}),
		description: "`ok` only for the right password of an ACTIVE customer. An unknown email, a wrong password " +
			"and an INACTIVE customer all get the same `401 bad_credentials` after the same work. After " +
			"`CUSTOMER_LOGIN_MAX_FAILURES` failures in a row within `CUSTOMER_LOGIN_LOCKOUT`, the email is " +
			"`429 too_many_attempts` (with `Retry-After`) until the lockout ends, right password or not, known " +
			"email or not, and no password is checked."},
	{name: "customer.changePassword", write: true, endpoint: customerChangePassword, reads: "`customer`",
		summary: "Change a customer's password, given the current one.",
		errors:  errorsOf(&domain.CustomerNotFoundError{}, domain.ErrBadCredentials, &application.LockedOutError{}),
		description: "A write like any other: `version` and `updatedAt` move on, a `CUSTOMERS.PASSWORD_CHANGE` event " +
			"(without any secret) is published, and any reset token dies. A wrong `currentPassword`, or an INACTIVE " +
			"customer, is `401 bad_credentials` after the same work as `customer.checkCredentials`, and counts " +
			"towards the lockout."},
	{name: "customer.createPasswordToken", endpoint: customerCreatePasswordToken, reads: "`token`, `expiresAt`",
		summary: "A single-use token that resets a customer's password.",
		errors:  errorsOf(&domain.EmailNotFoundError{}),
		description: "For the trusted back end that mails the link itself: the token is answered once and kept only " +
			"as a hash. It works once, for `CUSTOMER_PASSWORD_TOKEN_TTL`, and dies when a newer one is made or the " +
			"password changes. An email no ACTIVE customer has is `404 customer_not_found`. It takes no " +
			"`Idempotency-Key`: a remembered answer would keep the token."},
	{name: "customer.resetPassword", write: true, endpoint: customerResetPassword, reads: "`customer`",
		summary: "Set a customer's password with a reset token.",
		errors:  errorsOf(domain.ErrPasswordTokenInvalid),
		description: "Uses the token up and lifts a lockout; otherwise a write like `customer.changePassword`. A " +
			"token unknown, used, expired or superseded is `400 password_token_invalid`, the same for all four."},
	{name: "customer.address.create", write: true, endpoint: customerAddressCreate, reads: "`customer`",
		summary: "Add addresses to a customer.", errors: errorsOf(&domain.CustomerNotFoundError{}, &domain.InvalidCountryError{})},
	{name: "customer.address.info", endpoint: customerAddressInfo, reads: "`address`",
		summary: "One address of a customer.", errors: errorsOf(&domain.CustomerNotFoundError{}, &domain.AddressNotFoundError{})},
	{name: "customer.address.update", write: true, endpoint: customerAddressUpdate, reads: "`customer`",
		summary: "Replace one address of a customer.", errors: errorsOf(&domain.AddressNotFoundError{}, &domain.InvalidCountryError{}),
		description: "The new address replaces the old one whole (optional fields left out are dropped); its id " +
			"stays. A missing customer and a missing address are both `customer_address_not_found`, as MicroBase " +
			"clients expect."},
	{name: "customer.address.remove", write: true, endpoint: customerAddressRemove, reads: "`customer`",
		summary: "Remove one address of a customer.", errors: errorsOf(&domain.AddressNotFoundError{})},
}

// Methods lists the names of the methods served, for documentation checks.
func Methods() []string {
	names := make([]string, len(methodList))
	for i, m := range methodList {
		names[i] = m.name
	}
	return names
}

// endpoint is what a method reads, what it answers, and the call that
// turns one into the other.
type endpoint struct {
	requestType, answerType reflect.Type
	call                    func(ctx context.Context, args arguments) (any, error)
}

// documented is the endpoint of a method without use cases, for what its
// types say.
func (m method) documented() endpoint { return m.endpoint(application.Application{}) }

// handle makes the endpoint of a handler. A handler receives its decoded
// request and the problems of the arguments that could not be read, which
// it passes on to its use case; it answers a payload whose first field is
// OK, or an error.
func handle[Req, Ans any](h func(ctx context.Context, req Req, unread []domain.Problem) (Ans, error)) endpoint {
	fields := argumentFields(reflect.TypeFor[Req]())
	return endpoint{
		requestType: reflect.TypeFor[Req](),
		answerType:  reflect.TypeFor[Ans](),
		call: func(ctx context.Context, args arguments) (any, error) {
			var req Req
			unread := args.decode(&req, fields)
			return h(ctx, req, unread)
		},
	}
}

// errorsOf lists the errors a method may answer, validation_error first.
func errorsOf(errs ...error) []error {
	return append([]error{&domain.ValidationError{}}, errs...)
}

// value is the value of an optional argument, zero when absent.
func value[T any](p *T) T {
	if p == nil {
		return *new(T)
	}
	return *p
}
