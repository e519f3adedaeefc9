package application

import "errors"

// ErrEventBacklogFull is what a repository returns for a write of a
// customer whose events waiting for the broker have reached the limit:
// nothing is written, and the customer takes writes again once the relay
// has published some.
var ErrEventBacklogFull = errors.New("the customer's event backlog is full")

// DefaultMaxEventsPerCustomer is the limit of OutboxLimits when none is
// given.
const DefaultMaxEventsPerCustomer = 200

// OutboxLimits say what writes leave in the outbox; every store honours
// them in the same atomic step as the write.
type OutboxLimits struct {
	// Off: no broker is configured, so writes record no event (nothing
	// would ever publish it, and the outbox would only grow). A removed
	// customer then goes at once, unless events recorded earlier wait.
	Off bool
	// MaxPerCustomer caps the events one customer may have waiting; a
	// write beyond it is refused with ErrEventBacklogFull, so that a
	// broker outage cannot grow a customer's record without bound. Zero
	// is DefaultMaxEventsPerCustomer.
	MaxPerCustomer int
}

// Max is the effective cap.
func (l OutboxLimits) Max() int {
	if l.MaxPerCustomer <= 0 {
		return DefaultMaxEventsPerCustomer
	}
	return l.MaxPerCustomer
}
