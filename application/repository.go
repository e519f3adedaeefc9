// Package application runs the customer use cases: each one is a port the
// HTTP adapter calls, and CustomerRepository is the port a store implements.
package application

import (
	"context"
	"errors"
	"time"

	"github.com/microbase-io/customer-service/domain"
)

// ErrUnavailable is what a repository returns when the store did not
// answer in time, could not be reached, or could not write (a full disk,
// no primary): nothing was written, and the caller may retry later.
var ErrUnavailable = errors.New("customer store unavailable")

// ErrOutcomeUnknown is what a repository returns when a write reached the
// store but the store could not confirm it (MongoDB's write concern was
// not satisfied): it may have happened, and may stay or be undone. A copy
// of a keyed write (IdempotencyKey) gets the first write's result if it
// happened, and writes if it did not.
var ErrOutcomeUnknown = errors.New("customer store could not confirm the write")

// CustomerRepository stores customers. Every method is atomic on one
// customer and honours the context's deadline. Not-found, duplicate-email and
// version-conflict outcomes are reported with the domain's errors.
//
// Every write records its event in the same atomic step (see NewEvent and
// Outbox), within the store's OutboxLimits: none when the outbox is off,
// ErrEventBacklogFull and no write when the customer's events reached the
// cap. A write that changes nothing records nothing.
//
// A write with a key (IdempotencyKey.Set) records it with its result in the
// same atomic step. The same write sent again with that key, within
// IdempotencyWindow, writes nothing and returns the result recorded (the
// customer as the first write left it); with other arguments it returns
// ErrIdempotencyKeyReused. Concurrent writes with one key write once.
type CustomerRepository interface {
	// Create stores a new customer and returns it; domain.ErrDuplicateEmail
	// when another customer has its email.
	Create(ctx context.Context, c *domain.Customer, ev NewEvent, key IdempotencyKey) (*domain.Customer, error)

	// Get returns the customer with that id.
	Get(ctx context.Context, id string) (*domain.Customer, error)

	// Patch applies patch to the stored customer, as Customer.Apply does,
	// in one atomic step: when expectedVersion is set and differs from the
	// stored version, nothing is written (domain.ErrVersionConflict); when
	// the patch changes nothing, nothing is written and the stored customer
	// is returned as it is. Otherwise the version is bumped, updatedAt set
	// to now, and the new state returned. Fields the patch leaves alone are
	// never overwritten, so concurrent patches of different fields all land.
	Patch(ctx context.Context, id string, patch domain.CustomerPatch, expectedVersion *int64, now time.Time, ev NewEvent, key IdempotencyKey) (*domain.Customer, error)

	// Update reads the customer, lets change modify it, and stores the
	// result only if nobody wrote the customer in between; otherwise it
	// reads again and retries, so concurrent writers never lose each other's
	// changes. change returns the event of what it did; when it leaves the
	// customer unchanged nothing is written. An error from change is
	// returned as it is and nothing is written.
	Update(ctx context.Context, id string, key IdempotencyKey, change func(*domain.Customer) (NewEvent, error)) (*domain.Customer, error)

	// Delete removes the customer with that id: at once for every read and
	// for the uniqueness of its email; the stored record goes once its
	// events are published.
	Delete(ctx context.Context, id string, ev NewEvent, key IdempotencyKey) error

	// FindByEmail returns the customer with that normalised email.
	FindByEmail(ctx context.Context, email string) (*domain.Customer, error)

	// List hands each customer matching q to each, in creation order then
	// by id, from q.After or after skipping q.Skip, at most q.Limit of
	// them. An error from each stops the list and is returned as it is.
	List(ctx context.Context, q ListQuery, each func(*domain.Customer) error) error

	PasswordRepository
}

// PatchAsChange is what Patch does, as a change for Update: the patch
// applied at the expected version, with its event. Stores whose every
// write is a read-decide-write implement Patch with it, so that the
// decision is made in one place.
func PatchAsChange(patch domain.CustomerPatch, expectedVersion *int64, now time.Time, ev NewEvent) func(*domain.Customer) (NewEvent, error) {
	return func(c *domain.Customer) (NewEvent, error) {
		if err := c.CheckVersion(expectedVersion); err != nil {
			return ev, err
		}
		c.Apply(patch, now)
		return ev, nil
	}
}

// ListQuery selects customers: each non-empty list matches any of its
// values, and the lists combine with AND.
type ListQuery struct {
	IDs      []string
	Emails   []string
	Statuses []domain.Status
	Tags     []string
	Limit    int
	Skip     int
	// After starts the list after that position, when set (Skip is then
	// zero).
	After *ListPosition
	// WithoutAddresses leaves the addresses out of the customers handed
	// on, for a caller that does not answer them: they are most of what a
	// customer weighs, and a store need not read them.
	WithoutAddresses bool
}
