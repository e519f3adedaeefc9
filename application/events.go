package application

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/microbase-io/customer-service/domain"
)

// EventType names a change announced on the MicroBase bus; the routing key
// is the exchange name, a dot, and the type (CUSTOMERS.UPDATE).
type EventType string

const (
	EventCreated        EventType = "CREATE"
	EventUpdated        EventType = "UPDATE"
	EventRemoved        EventType = "REMOVE"
	EventAddressCreated EventType = "CUSTOMER_ADDRESS_CREATE"
	EventAddressUpdated EventType = "CUSTOMER_ADDRESS_UPDATE"
	EventAddressRemoved EventType = "CUSTOMER_ADDRESS_REMOVE"
	// EventPasswordChanged announces a new password, by a change or a
	// reset: the customer, never the password, a hash or a token.
	EventPasswordChanged EventType = "PASSWORD_CHANGE"
)

// NewEvent is what a write records about itself, in the same atomic step
// as the write (a transactional outbox): if the write happened, its event
// will be published, whatever happens to this process or the broker.
type NewEvent struct {
	// ID is unique per event and stays the same when the event is
	// delivered again, so consumers deduplicate by it.
	ID string
	At time.Time
	// Args are what changed, which also say the event's type.
	Args EventArgs
}

// Type is the type of the event, as its arguments say.
func (e NewEvent) Type() EventType {
	if e.Args == nil {
		return ""
	}
	return e.Args.Type()
}

// newEvent prepares the event of a write made at.
func newEvent(args EventArgs, at time.Time) NewEvent {
	return NewEvent{ID: domain.NewID(), At: at, Args: args}
}

// Event is one change of one customer, as consumers receive it.
type Event struct {
	ID         string
	Type       EventType
	CustomerID string
	// Version is the customer's version the change produced.
	Version    int64
	OccurredAt time.Time
	// Customer is the customer as stored when the event is read for
	// publishing: at Version or later (nil for REMOVE). Consumers keeping a
	// copy should apply it only if its version is newer than theirs.
	Customer *domain.Customer
	// Args are the arguments of the change as the store recorded them,
	// rendered for consumers when the write was made (never a password).
	Args json.RawMessage
}

// EventPublisher sends events to the bus.
type EventPublisher interface {
	// Publish returns nil only once the broker has taken responsibility
	// for the event (a publisher confirm); any error means it may not
	// have, and the caller keeps the event to try again.
	Publish(ctx context.Context, e Event) error
}

// ErrLeaseLost means another relay took over a customer's events, because
// this one held them longer than its lease; it must stop publishing them.
var ErrLeaseLost = errors.New("outbox lease lost")

// Outbox is where writes leave their events for relays to publish. Each
// customer's events form a queue, oldest first. A relay takes a lease on
// one customer at a time, so that with several instances running each
// event is published by one relay, in order; a lease that runs out (its
// relay died) lets another relay take the customer over, which may publish
// an event a second time, with the same id.
type Outbox interface {
	// Claim leases, to owner until now+lease, one customer with pending
	// events that nobody holds (or whose lease ran out). ok is false when
	// there is none.
	Claim(ctx context.Context, owner string, now time.Time, lease time.Duration) (customerID string, ok bool, err error)
	// Pending returns the customer's pending events, oldest first.
	Pending(ctx context.Context, customerID string) ([]Event, error)
	// Ack removes the oldest pending event if it is eventID and owner still
	// holds the lease, and extends the lease to renewUntil, so that a relay
	// working through a long queue keeps it; otherwise ErrLeaseLost.
	Ack(ctx context.Context, customerID, owner, eventID string, renewUntil time.Time) error
	// Release ends owner's lease. A removed customer whose events are all
	// published is then deleted for good.
	Release(ctx context.Context, customerID, owner string) error
	// Backlog counts the customers with events waiting.
	Backlog(ctx context.Context) (int64, error)
}

// QueuedEvents completes a customer's outbox queue, oldest first, which a
// store read with each event's ID, Type, OccurredAt and Args as it
// recorded them. Each write adds one event and one version, and only the
// oldest events leave the queue, so the queue is the latest writes: the
// last event has the customer's current version and each one before it
// one less. Stores call this rather than number events themselves, so the
// rule lives in one place.
func QueuedEvents(c *domain.Customer, queue []Event) []Event {
	for i := range queue {
		e := &queue[i]
		e.CustomerID = c.ID()
		e.Version = c.Version() - int64(len(queue)-1-i)
		if e.Type != EventRemoved {
			e.Customer = c
		}
	}
	return queue
}
