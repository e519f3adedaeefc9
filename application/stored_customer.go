package application

import (
	"bytes"
	"fmt"
	"slices"
	"time"

	"github.com/microbase-io/customer-service/domain"
)

// StoredCustomer is one customer as a store holds it, for moving between
// stores: everything a store keeps of it, read in one atomic step.
type StoredCustomer struct {
	Customer *domain.Customer
	// Removed marks a tombstone: a removed customer kept until its events,
	// its REMOVE last, are published.
	Removed bool
	// Events are its events waiting for the broker, oldest first; the last
	// one is the write that made the customer's version (see QueuedEvents).
	Events []StoredEvent
	// Received is what a migration recorded when it put this customer
	// here, when one did: which source, at which version.
	Received Receipt
}

// StoredEvent is an event waiting in a store's outbox as it was
// recorded: its arguments already rendered for consumers.
type StoredEvent struct {
	ID   string
	Type EventType
	At   time.Time
	Args []byte
}

// Receipt records that a migration put a customer into a store: from
// which source, at which version. A store's copy whose version is still
// Version is what the source held then, untouched since.
type Receipt struct {
	Source  string
	Version int64
}

// From reports whether the customer came from source and nobody wrote it
// here since.
func (s StoredCustomer) From(source string) bool {
	return s.Received.Source == source && s.Received.Version == s.Customer.Version()
}

// Differences lists what differs between a and b, by the names of the
// stored fields; none when b holds what a holds. Waiting events are the
// same when b's are a's, or the newest of a's (b's relay published the
// others). It never shows a password hash, an email or a name: only which
// fields differ, and the versions.
func (a StoredCustomer) Differences(b StoredCustomer) []string {
	x, y := a.Customer.Snapshot(), b.Customer.Snapshot()
	var diffs []string
	differ := func(field string, same bool) {
		if !same {
			diffs = append(diffs, field)
		}
	}
	if x.Version != y.Version {
		diffs = append(diffs, fmt.Sprintf("version (%d, %d)", x.Version, y.Version))
	}
	differ("removed", a.Removed == b.Removed)
	differ("email", x.Email == y.Email)
	differ("password hash", x.PasswordHash == y.PasswordHash)
	differ("firstName", x.FirstName == y.FirstName)
	differ("lastName", x.LastName == y.LastName)
	differ("status", x.Status == y.Status)
	differ("tags", slices.Equal(x.Tags, y.Tags))
	differ("addresses", slices.EqualFunc(x.Addresses, y.Addresses, domain.Address.Equal))
	differ("createdAt", x.CreatedAt.Equal(y.CreatedAt))
	differ("updatedAt", x.UpdatedAt.Equal(y.UpdatedAt))
	differ("waiting events", len(b.Events) <= len(a.Events) &&
		slices.EqualFunc(a.Events[len(a.Events)-len(b.Events):], b.Events, sameEvent))
	return diffs
}

func sameEvent(a, b StoredEvent) bool {
	return a.ID == b.ID && a.Type == b.Type && a.At.Equal(b.At) && bytes.Equal(a.Args, b.Args)
}
