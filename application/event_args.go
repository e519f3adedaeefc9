package application

import "github.com/microbase-io/customer-service/domain"

// EventArgs are what an event says changed, in the domain's terms: one of
// the types below, each of one EventType. An adapter renders them for
// consumers when the write is recorded; none holds a password.
type EventArgs interface {
	Type() EventType
}

// CustomerCreated is the customer as it was created.
type CustomerCreated struct{ Customer *domain.Customer }

// CustomerUpdated is the patch applied to the customer with that ID.
type CustomerUpdated struct {
	ID    string
	Patch domain.CustomerPatch
}

// CustomerRemoved is the ID of the customer removed.
type CustomerRemoved struct{ ID string }

// AddressesAdded are the addresses added to the customer, with their ids.
type AddressesAdded struct {
	CustomerID string
	Addresses  []domain.Address
}

// AddressReplaced is the address as it replaced the one with its id.
type AddressReplaced struct {
	CustomerID string
	Address    domain.Address
}

// AddressRemoved is the id of the address removed.
type AddressRemoved struct{ CustomerID, AddressID string }

// PasswordChanged is the ID of the customer whose password was set anew:
// nothing of the password itself.
type PasswordChanged struct{ ID string }

func (CustomerCreated) Type() EventType { return EventCreated }
func (CustomerUpdated) Type() EventType { return EventUpdated }
func (CustomerRemoved) Type() EventType { return EventRemoved }
func (AddressesAdded) Type() EventType  { return EventAddressCreated }
func (AddressReplaced) Type() EventType { return EventAddressUpdated }
func (AddressRemoved) Type() EventType  { return EventAddressRemoved }
func (PasswordChanged) Type() EventType { return EventPasswordChanged }
