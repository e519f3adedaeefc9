package application

import (
	"errors"
	"fmt"
)

// ErrEventBacklogFull is what a repository returns for a write of a
// customer whose events waiting for the broker have reached the limit:
// nothing is written, and the customer takes writes again once the relay
// has published some.
var ErrEventBacklogFull = errors.New("the customer's event backlog is full")

// OutboxLimits say what writes leave in the outbox; every store honours
// them in the same atomic step as the write. The configuration gives them
// (configs/config.yaml); a store refuses limits that fail Check.
type OutboxLimits struct {
	// Off: no broker is configured, so writes record no event (nothing
	// would ever publish it, and the outbox would only grow). A removed
	// customer then goes at once, unless events recorded earlier wait.
	Off bool
	// MaxPerCustomer caps the events one customer may have waiting; a
	// write beyond it is refused with ErrEventBacklogFull, so that a
	// broker outage cannot grow a customer's record without bound.
	MaxPerCustomer int
}

// Check refuses a cap below one event, unless the outbox is off and no
// cap applies.
func (l OutboxLimits) Check() error {
	if !l.Off && l.MaxPerCustomer < 1 {
		return fmt.Errorf("outbox limits: at most %d events per customer: it must be at least 1", l.MaxPerCustomer)
	}
	return nil
}
